#!/bin/sh
# test-cli-score.sh: needleplan-cli score EXPERT TRAINEE (TAP)
#
# Copyright 2026 The NeedlePlan authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-cli-score.sh PATH/TO/needleplan-cli
#
# The case: a linear ultrasound frame at 1 mm per pixel, skin on the top edge,
# expert entry (50, 0) and target (50, 40), acceptable region 47..53 × 37..43,
# a vessel of radius 5 mm at (30, 20). Expected values are worked out by hand
# in the comments (docs/training.md has the formula).

set -u

cli=${1:?usage: test-cli-score.sh NEEDLEPLAN-CLI}
. "$(dirname "$0")/tap-lib.sh"

# check_failure NAME EXPECTED_STATUS TEXT...: the exit code is as expected,
# stderr is one line containing every TEXT and stdout is empty.
check_failure () {
  name=$1
  expected=$2
  shift 2
  if [ "$status" -ne "$expected" ]; then
    not_ok "$name" "exit status $status, expected $expected"
    return
  fi
  if [ "$(wc -l <"$tmp/err" | tr -d ' ')" -ne 1 ]; then
    not_ok "$name" "stderr is not exactly one line"
    return
  fi
  for text in "$@"; do
    if ! grep -qF -- "$text" "$tmp/err"; then
      not_ok "$name" "stderr does not contain “$text”"
      return
    fi
  done
  if [ -s "$tmp/out" ]; then
    not_ok "$name" "a failure printed something on stdout"
    return
  fi
  ok "$name"
}

# check_json NAME PYTHON: runs PYTHON with d = the parsed stdout.
check_json () {
  name=$1
  if [ "$status" -ne 0 ]; then
    not_ok "$name" "exit status $status"
    return
  fi
  if python3 -c "
import json, math, sys
d = json.load(open(sys.argv[1]))
def near(a, b): return abs(a - b) < 1e-9
$2
" "$tmp/out" 2>"$tmp/py-err"; then
    ok "$name"
  else
    not_ok "$name" "$(tail -n 1 "$tmp/py-err")"
  fi
}

plan () {
  # plan FILE MARKS [EXTRA]: a knee ultrasound plan with the given marks.
  printf '{"format": "needleplan-plan", "version": 1, "modality": "ultrasound",
 "site": "knee", "frame": {"path": "frame.png"}, %s "marks": %s}\n' "${3:-}" "$2" >"$1"
}

calibration='"calibration": {"method": "manual", "mm_per_px": [1, 1]},'
expert_marks='{"target": [50, 40], "entry": [50, 0], "structures": [{"label": "genicular artery",
  "kind": "vessel", "shape": "ellipse", "points": [[30, 20], [5, 5]], "margin_mm": 2}]}'
region='"expert": {"target_region": [[47, 37], [53, 37], [53, 43], [47, 43]]},'

plan "$tmp/expert.json" "$expert_marks" "$calibration $region"
plan "$tmp/exact.json" '{"target": [50, 40], "entry": [50, 0]}'
plan "$tmp/offset.json" '{"target": [53, 44], "entry": [53, 4]}'
plan "$tmp/vessel.json" '{"target": [50, 40], "entry": [10, 0]}'
plan "$tmp/no target.json" '{"entry": [50, 0]}'
plan "$tmp/no answer.json" '{"entry": [50, 0]}' "$calibration"
plan "$tmp/anisotropic.json" '{"target": [50, 40], "entry": [50, 0]}' \
  '"calibration": {"method": "manual", "mm_per_px": [0.5, 1]},'
plan "$tmp/aniso-attempt.json" '{"target": [56, 44], "entry": [50, 0]}'
plan "$tmp/uncalibrated.json" '{"target": [50, 40], "entry": [50, 0]}'

# --- scores ------------------------------------------------------------------

run score "$tmp/expert.json" "$tmp/exact.json"
if [ "$status" -eq 0 ] && [ ! -s "$tmp/err" ] && grep -qFx "Score: 100 / 100" "$tmp/out"; then
  ok "the expert's own marks score 100"
else
  not_ok "the expert's own marks score 100" "exit status $status"
fi

# Entry and target moved by (3, 4) mm: target error 5 mm, outside the region
# (y 44 > 43), entry 5 mm off, 0°, ratio 1, parallelogram |(0,40) × (3,4)| =
# 120 mm². The plan is in plane (the default), where the entry follows from
# target and direction and is not scored: 100 − (10 · 5/5 + 10) = 80.
run score --json "$tmp/expert.json" "$tmp/offset.json"
check_json "a 3-4-5 mm offset: 5 mm, missed, 80 points" '
assert near(d["target_error"], 5), d["target_error"]
assert d["target_hit"] is False
assert near(d["entry_deviation"], 5)
assert near(d["trajectory_deviation_deg"], 0)
assert near(d["path_length_ratio"], 1)
assert near(d["swept_area"], 120)
assert near(d["score"], 80), d["score"]
assert near(d["penalties"]["entry_deviation"], 0)
assert d["unit"] == "mm" and d["calibrated"] is True
assert d["critical_error"] is False
assert d["depth_estimate_mm"] is None and d["depth_error_percent"] is None
assert d["explanations"]["target_error"] == "Your target was 5.0 mm from the expert\x27s, outside the acceptable region."
assert d["expert"].endswith("expert.json") and d["trainee"].endswith("offset.json")'

# Entry (10, 0) to (50, 40) runs through the vessel centre (30, 20): critical.
# 45°, ratio √2, triangle ½ · 40 · 40 = 800 mm²; estimate 48 mm against the
# 40 mm depth: +8 mm, +20 %. Capped at 40.
run score --json --depth-estimate 48 "$tmp/expert.json" "$tmp/vessel.json"
check_json "a path through a vessel is a critical error capped at 40" '
assert d["critical_error"] is True
assert d["critical_structures"] == ["genicular artery"]
assert near(d["score"], 40), d["score"]
assert near(d["trajectory_deviation_deg"], 45)
assert near(d["path_length_ratio"], math.sqrt(2))
assert near(d["swept_area"], 800)
assert near(d["depth_estimate_mm"], 48) and near(d["expert_depth_mm"], 40)
assert near(d["depth_error_mm"], 8) and near(d["depth_error_percent"], 20)
assert near(sum(d["penalties"].values()), 100 - d["score"])'

# A depth estimate 20 % short on an exact hit: 100 − 0.25 · 20 = 95.
run score --json --depth-estimate 32 "$tmp/expert.json" "$tmp/exact.json"
check_json "a depth estimate 20 % off costs 5 points" '
assert near(d["depth_error_percent"], -20)
assert near(d["score"], 95), d["score"]'

# 0.5 × 1 mm pixels: (6, 4) px is (3, 4) mm, 5 mm.
run score --json "$tmp/anisotropic.json" "$tmp/aniso-attempt.json"
check_json "anisotropic pixels: (6, 4) px at 0.5 × 1 mm is 5 mm" '
assert near(d["target_error"], 5), d["target_error"]'

# Without a calibration: √(6² + 4²) px, in px, never mm.
run score --json --depth-estimate 30 "$tmp/uncalibrated.json" "$tmp/aniso-attempt.json"
check_json "uncalibrated: the error in px and no depth check" '
assert d["unit"] == "px" and d["calibrated"] is False
assert near(d["target_error"], math.sqrt(52))
assert d["depth_error_mm"] is None
assert all(" mm" not in t for k, t in d["explanations"].items() if k != "depth_error_percent")'

run score "$tmp/expert.json" "$tmp/vessel.json"
if [ "$status" -eq 0 ] && grep -qF "capped by a critical error" "$tmp/out" \
   && grep -qF "Your path crosses the genicular artery" "$tmp/out"; then
  ok "the text output names the crossed structure"
else
  not_ok "the text output names the crossed structure" "exit status $status"
fi

# The shipped cases, scored against themselves: 100 each, no critical error
# (structures the expert's own path enters belong to the target).
cases_dir=${NP_SOURCE_DIR:-}/data/cases
if ls "$cases_dir"/*/plan.json >/dev/null 2>&1; then
  bad=""
  for case in "$cases_dir"/*/plan.json; do
    run score --json "$case" "$case"
    if [ "$status" -ne 0 ] || ! python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["score"] == 100 and d["critical_error"] is False
' "$tmp/out" 2>/dev/null; then
      bad="$bad $case"
    fi
  done
  if [ -z "$bad" ]; then
    ok "every shipped case scores 100 against itself"
  else
    not_ok "every shipped case scores 100 against itself" "failed:$bad"
  fi
else
  skip "every shipped case scores 100 against itself" "no cases in data/cases"
fi

# --- bad input: exit 1 ---------------------------------------------------------

run score "$tmp/missing.json" "$tmp/exact.json"
check_failure "a missing expert file" 1 "missing.json"

run score "$tmp/expert.json" "$tmp/no target.json"
check_failure "an attempt without a target" 1 "no target.json" "no target"

run score "$tmp/no answer.json" "$tmp/exact.json"
check_failure "an expert plan without an answer" 1 "no answer.json" "no expert answer"

printf '{"format": "needleplan-plan", "version": 1,' >"$tmp/cut.json"
run score "$tmp/expert.json" "$tmp/cut.json"
check_failure "a truncated attempt file" 1 "cut.json"

# A trainee's plan of another frame is refused: by SHA-256 when both plans
# record one, else by the frame file the paths lead to.
mkdir -p "$tmp/other"
plan "$tmp/other/elsewhere.json" '{"target": [50, 40], "entry": [50, 0]}'
run score "$tmp/expert.json" "$tmp/other/elsewhere.json"
check_failure "an attempt on another frame (by path)" 1 "elsewhere.json" "expert.json" \
  "are plans of different frames" "$tmp/other/frame.png"
# Through "..", the same frame file is the same frame.
plan "$tmp/other/back.json" '{"target": [50, 40], "entry": [50, 0]}'
sed -i -e 's|"path": "frame.png"|"path": "../frame.png"|' -e 's|"version": 1|"version": 2|' "$tmp/other/back.json"
run score "$tmp/expert.json" "$tmp/other/back.json"
if [ "$status" -eq 0 ] && grep -qFx "Score: 100 / 100" "$tmp/out"; then
  ok "the same frame reached through .. scores"
else
  not_ok "the same frame reached through .. scores" "exit status $status"
fi
hash_a='"frame": {"path": "frame.png", "sha256": "'$(printf 'a%.0s' $(seq 64))'"},'
hash_b='"frame": {"path": "frame.png", "sha256": "'$(printf 'b%.0s' $(seq 64))'"},'
plan "$tmp/hash-a.json" "$expert_marks" "$calibration $region"
sed -i "s|\"frame\": {\"path\": \"frame.png\"},|$hash_a|" "$tmp/hash-a.json"
plan "$tmp/hash-b.json" '{"target": [50, 40], "entry": [50, 0]}'
sed -i "s|\"frame\": {\"path\": \"frame.png\"},|$hash_b|" "$tmp/hash-b.json"
run score "$tmp/hash-a.json" "$tmp/hash-b.json"
check_failure "an attempt on another frame (by SHA-256)" 1 "hash-b.json" "hash-a.json" \
  "their frames' SHA-256 differ"

# --- bad usage: exit 2 ---------------------------------------------------------

run score "$tmp/expert.json"
check_failure "score with one file" 2 "EXPERT" "TRAINEE"

run score --depth-estimate deep "$tmp/expert.json" "$tmp/exact.json"
check_failure "a depth estimate that is not a number" 2 "--depth-estimate" "deep"

run score --depth-estimate -5 "$tmp/expert.json" "$tmp/exact.json"
check_failure "a negative depth estimate" 2 "--depth-estimate"

run score --help
if [ "$status" -eq 0 ] && grep -qF -- "--depth-estimate" "$tmp/out" \
   && grep -qF -- "--json" "$tmp/out"; then
  ok "score --help lists its options"
else
  not_ok "score --help lists its options" "exit status $status"
fi

run --help
if [ "$status" -eq 0 ] && grep -q "^  score " "$tmp/out"; then
  ok "needleplan-cli --help lists score"
else
  not_ok "needleplan-cli --help lists score" "exit status $status"
fi

tap_finish
