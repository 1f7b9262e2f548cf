#!/bin/sh
# test-cli-plan.sh: needleplan-cli plan and optimize on hand-built plans (TAP)
#
# Copyright 2026 The NeedlePlan authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-cli-plan.sh PATH/TO/needleplan-cli
#
# Fixtures (tests/data/plan-*.json, frame plan-frame-100x80.png): 1 mm/px,
# skin on the top edge, target (40,40), entry (60,0), a vessel of radius 5
# at (50,20) with a 10 mm margin; the frame is 100 px wide, so an in-plane
# needle must enter at x <= 0 or x >= 100.

set -u

cli=${1:?usage: test-cli-plan.sh NEEDLEPLAN-CLI}
data=$(cd "$(dirname "$0")/../data" && pwd) || exit 99
. "$(dirname "$0")/tap-lib.sh"

# Plans refer to their frame relative to their own folder: work on copies.
cp "$data"/plan-*.json "$data"/plan-frame-100x80.png "$tmp"/ || exit 99

# check_failure NAME EXPECTED_STATUS TEXT...: that exit code, exactly one
# line on stderr holding every TEXT, nothing on stdout.
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

# --- plan ------------------------------------------------------------------

# Entry (60,0) to target (40,40): √(20² + 40²) = √2000 = 44.7214 mm; depth
# 40 mm; angle atan(40/20) = 63.4349° (poor). The path runs through the
# vessel centre (50,20): clearance 0, crossed. Needle ≥ 54.7 → 63 mm (2.5").
# The measurement (0,0)–(30,40) is 50 mm.
run plan "$tmp/plan-knee-vessel.json" --json
check_json "plan --json: depth, path, angle, needle of a hand-built plan" '
assert d["calibrated"] is True and d["unit"] == "mm"
assert close(d["depth_mm"], 40) and d["depth_px"] is None
assert close(d["path_length_mm"], 2000 ** 0.5)
assert close(d["insertion_angle_deg"], 63.43494882)
assert d["needle_mm"] == 63 and d["needle_inch"] == 2.5
assert d["visibility"] == "poor"
assert d["gauges"] == ["18 G", "20 G", "22 G"]
assert close(d["measurements"][0]["value_mm"], 50)'

run plan "$tmp/plan-knee-vessel.json" --json
check_json "plan --json: clearance, crossing and warnings in plain words" '
assert d["clearance_mm"] == {"femoral artery": 0.0}
assert d["min_clearance_mm"] == 0 and d["nearest_structure"] == "femoral artery"
assert d["crosses"] == ["femoral artery"]
assert "Path crosses the femoral artery; its margin is 10 mm" in d["warnings"]
assert any("under the probe" in w for w in d["warnings"])
assert d["fov_entry"] == [60, 0] and close(d["fov_entry_depth_mm"], 0)
assert d["field_of_view"] == [0, 0, 100, 80]'

run plan "$tmp/plan-knee-vessel.json" --json
check_json "plan --json: calibration and 95% intervals around the values" '
c = d["calibration"]
assert c["method"] == "manual" and c["mm_per_px"] == [1, 1] and c["se_mm_per_px"] == [0.01, 0.01]
for key, value in (("depth", 40), ("path_length", 2000 ** 0.5)):
    for kind in ("_ci95_mm", "_ci95_propagated_mm"):
        low, high = d[key + kind]
        assert low < value < high, (key, kind, low, high)
assert d["monte_carlo"]["samples"] == 2000'

run plan "$tmp/plan-knee-vessel.json" --json
cp "$tmp/out" "$tmp/first.json"
run plan "$tmp/plan-knee-vessel.json" --json
if [ "$status" -eq 0 ] && cmp -s "$tmp/out" "$tmp/first.json"; then
  ok "plan --json is reproducible (seeded Monte Carlo)"
else
  not_ok "plan --json is reproducible (seeded Monte Carlo)" "two runs differ"
fi

run plan "$tmp/plan-knee-vessel.json"
check_text "plan prints a table with units, intervals, calibration and warnings" \
  "manual (Pixel size typed in by the user)" "1 × 1 mm/px ± 0.01 × 0.01" \
  "Depth              40.0 mm" "Path length        44.7 mm" "Needle             63 mm (2.5 in)" \
  "femoral artery" "CROSSED" "1   distance   50.0 mm" \
  "- Path crosses the femoral artery; its margin is 10 mm"

# --- uncalibrated: pixels, never millimetres --------------------------------

run plan "$tmp/plan-knee-uncalibrated.json" --json
check_json "uncalibrated plan: values in px, every *_mm key null" '
assert d["calibrated"] is False and d["unit"] == "px"
assert close(d["depth_px"], 40) and close(d["path_length_px"], 2000 ** 0.5)
assert d["needle_mm"] is None and d["needle_inch"] is None
assert d["calibration"]["mm_per_px"] is None
assert "Frame is not calibrated: values are in pixels" in d["warnings"]
def walk(node):
    if isinstance(node, dict):
        for key, value in node.items():
            assert not key.endswith("_mm") or value is None, key
            walk(value)
    elif isinstance(node, list):
        for value in node:
            walk(value)
walk(d)'

run plan "$tmp/plan-knee-uncalibrated.json"
if [ "$status" -eq 0 ] && grep -q "NOT CALIBRATED" "$tmp/out" \
   && grep -q "40.0 px" "$tmp/out" && ! grep -qE "[0-9] ?mm\b|mm/px" "$tmp/out"; then
  ok "uncalibrated plan text shows px and no millimetre value"
else
  not_ok "uncalibrated plan text shows px and no millimetre value"
fi

# --- fluoroscopy: one view, then two ------------------------------------------

run plan "$tmp/plan-fluoro-ap.json" --json
check_json "one fluoroscopic view: no depth, a projected path" '
assert d["depth_mm"] is None and d["path_length_mm"] is None
assert any("needs a second view" in w for w in d["warnings"])
# (100,100) to (120,140) px at 0.5 mm/px: √(10² + 20²) mm.
assert close(d["projected_path_length_mm"], 500 ** 0.5)'

run plan "$tmp/plan-fluoro-lateral.json" --json
check_json "a lateral view alone is the second view of a pair, not one that needs another" '
assert d["depth_mm"] is None
assert not any("needs a second view" in w for w in d["warnings"])
assert any("this lateral view and its AP view" in w for w in d["warnings"])'

# World entry (0,0,0), target (10,30,20) mm: path √1400 = 37.4166 mm, depth
# 30 mm along the AP beam; needle ≥ 47.4 → 50 mm.
run plan "$tmp/plan-fluoro-ap.json" --second-view "$tmp/plan-fluoro-lateral.json" --json
check_json "AP + lateral: depth and 3-D path length from two views" '
assert close(d["depth_mm"], 30) and close(d["path_length_mm"], 1400 ** 0.5)
assert d["needle_mm"] == 50
assert d["two_views"]["angle_deg"] == 90 and close(d["two_views"]["rms_residual_mm"], 0)
assert d["two_views"]["cone_beam"] is False'

# The bundled hip pair carries its C-arm geometry (SID 1000, SOD 725,
# detector 0.3 mm): triangulated through the cone beams, the expert marks
# give the generator's true depth (truth.json) within a click's 0.22 mm.
cases=$(cd "$data/../../data/cases" && pwd) || exit 99
mkdir -p "$tmp/hip-fluoro-01-ap" "$tmp/hip-fluoro-01-lateral" || exit 99
cp "$cases/hip-fluoro-01-ap/"* "$tmp/hip-fluoro-01-ap/" || exit 99
cp "$cases/hip-fluoro-01-lateral/"* "$tmp/hip-fluoro-01-lateral/" || exit 99
run plan "$tmp/hip-fluoro-01-ap/plan.json" --second-view "$tmp/hip-fluoro-01-lateral/plan.json" \
  --json
truth=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["anatomy"]["target_depth_mm"])' \
        "$tmp/hip-fluoro-01-ap/truth.json")
check_json "the bundled hip AP + lateral: cone-beam depth at the true depth" "
assert d['two_views']['cone_beam'] is True
assert close(d['depth_mm'], $truth, 0.22)
assert d['depth_ci95_mm'][0] <= $truth <= d['depth_ci95_mm'][1]"

# A plan that records its pair uses it without --second-view.
python3 - "$tmp/hip-fluoro-01-ap/plan.json" <<'PY' || exit 99
import json, sys
doc = json.load(open(sys.argv[1]))
doc['fluoroscopy']['second_view'] = {'plan': '../hip-fluoro-01-lateral/plan.json',
                                     'angle_deg': 90, 'mirrored': False}
json.dump(doc, open(sys.argv[1], 'w'), indent=2)
PY
run plan "$tmp/hip-fluoro-01-ap/plan.json" --json
check_json "a recorded pair gives the two-view depth without --second-view" "
assert d['two_views'] is not None and d['two_views']['cone_beam'] is True
assert close(d['depth_mm'], $truth, 0.22)
assert any('pair with ../hip-fluoro-01-lateral/plan.json' in w for w in d['warnings'])"

# --- optimize ------------------------------------------------------------------

# The shortest path (straight down from (40,0)) is under the probe (x 0–100).
# In plane without a preset the angle stays within 10–40° (visibility), so
# the shortest path is the 40° one beyond the left edge: entry at
# 40 − 40 / tan 40° = −7.670, 40 / sin 40° = 62.229 mm; it passes the vessel
# centre (50,20) at 10 sin 40° + 20 cos 40° = 21.749, 16.749 mm from the rim.
# (Its mirror at x = 87.67 is under the probe.)
run optimize "$tmp/plan-knee-vessel.json" --json
check_json "optimize --json: 40° beyond the probe's end, the flattest visible path" '
import math
t = math.radians(40)
assert d["feasible"] is True
assert close(d["entry"][0], 40 - 40 / math.tan(t)) and close(d["entry"][1], 0)
assert close(d["path_length_mm"], 40 / math.sin(t))
assert close(d["insertion_angle_deg"], 40)
assert close(d["min_clearance_mm"], 10 * math.sin(t) + 20 * math.cos(t) - 5)
assert "10–40° to the skin" in d["reason"]
assert d["output"] is None'

run optimize "$tmp/plan-knee-vessel.json" -o "$tmp/optimized.json"
check_text "optimize -o writes the plan and says why" "Entry:   (-7.67, 0.00) px" "Why:" \
  "Wrote:   $tmp/optimized.json"

run plan "$tmp/optimized.json" --json
check_json "the optimised plan loads and keeps every margin" '
assert d["crosses"] == [] and close(d["path_length_mm"], 62.2289530)
assert not any("under the probe" in w for w in d["warnings"])'

if python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
assert abs(d['marks']['entry'][0] + 7.6701437) < 1e-6 and d['marks']['entry'][1] == 0
assert d['frame']['path'] == 'plan-frame-100x80.png'
assert abs(d['results']['path_length_mm'] - 62.2289530) < 1e-6
" "$tmp/optimized.json" 2>"$tmp/py-err"; then
  ok "the written plan holds the new entry, its frame and the results"
else
  not_ok "the written plan holds the new entry, its frame and the results" \
    "$(tail -n 1 "$tmp/py-err")"
fi

# -o anywhere: two folders away from the frame, the plan names it with "..",
# keeps its absolute path as a hint, and loads on it again.
mkdir -p "$tmp/elsewhere/deeper"
run optimize "$tmp/plan-knee-vessel.json" -o "$tmp/elsewhere/deeper/optimized.json"
check_text "optimize -o into another folder" "Wrote:   $tmp/elsewhere/deeper/optimized.json"
if python3 -c "
import json, os, sys
d = json.load(open(sys.argv[1]))
assert d['frame']['path'] == '../../plan-frame-100x80.png', d['frame']['path']
assert d['frame']['absolute_path'] == os.path.realpath(sys.argv[2]), d['frame']['absolute_path']
" "$tmp/elsewhere/deeper/optimized.json" "$tmp/plan-frame-100x80.png" 2>"$tmp/py-err"; then
  ok "the plan written elsewhere names its frame with .. and the absolute hint"
else
  not_ok "the plan written elsewhere names its frame with .. and the absolute hint" \
    "$(tail -n 1 "$tmp/py-err")"
fi
run plan "$tmp/elsewhere/deeper/optimized.json" --json
check_json "the plan written elsewhere loads on its frame" '
assert d["crosses"] == [] and close(d["path_length_mm"], 62.2289530)'

# --- bad input: one line on stderr, non-zero exit, no file ------------------

run plan "$tmp/missing.json"
check_failure "plan of a missing file" 1 "missing.json"

printf '{ "format": "needleplan-plan", "version": 1,' >"$tmp/broken.json"
run plan "$tmp/broken.json"
check_failure "plan of a truncated file" 1 "broken.json"

run plan
check_failure "plan without a PLAN is a usage error" 2 "exactly one PLAN"

run plan "$tmp/plan-knee-vessel.json" --samples 3
check_failure "too few Monte Carlo samples" 2 "--samples"

run optimize "$tmp/plan-no-target.json" -o "$tmp/never.json"
check_failure "optimize without a target" 1 "Mark the target"
if [ -e "$tmp/never.json" ]; then
  not_ok "a failed optimize leaves no file"
else
  ok "a failed optimize leaves no file"
fi

# Saving over a folder fails at the last step, after the results are computed.
mkdir "$tmp/folder"
before=$(ls -A "$tmp")
run optimize "$tmp/plan-knee-vessel.json" -o "$tmp/folder"
check_failure "optimize onto a folder" 1 "folder"
after=$(ls -A "$tmp" | grep -v -e '^out$' -e '^err$')
if [ -n "$(ls -A "$tmp/folder")" ] \
   || [ "$(echo "$before" | grep -v -e '^out$' -e '^err$')" != "$after" ]; then
  not_ok "a failed save leaves no partial file" "$(ls -A "$tmp" "$tmp/folder")"
else
  ok "a failed save leaves no partial file"
fi

if why=$(unprivileged); then
  mkdir "$tmp/locked"
  cp "$tmp/plan-knee-vessel.json" "$tmp/plan-frame-100x80.png" "$tmp/locked/"
  chmod a-w "$tmp/locked"
  run_unprivileged optimize "$tmp/locked/plan-knee-vessel.json" -o "$tmp/locked/out.json"
  chmod u+w "$tmp/locked"
  check_failure "optimize into a read-only folder" 1 "out.json"
else
  skip "optimize into a read-only folder" "$why"
fi

run optimize
check_failure "optimize without a PLAN is a usage error" 2 "exactly one PLAN"

# A label with a newline and an escape sequence cannot forge a line or reach
# the terminal.
python3 - "$tmp/plan-knee-vessel.json" "$tmp/odd-label.json" <<'EOF' || exit 99
import json, sys
plan = json.load(open(sys.argv[1]))
plan['marks']['structures'][0]['label'] = 'artery\n\x1b[31mWarnings\n  - none'
json.dump(plan, open(sys.argv[2], 'w'), indent=2)
EOF
run plan "$tmp/odd-label.json"
if [ "$status" -eq 0 ] && grep -qF 'artery\n\e[31mWarnings\n  - none' "$tmp/out" \
   && ! grep -q "$(printf '\033')" "$tmp/out"; then
  ok "plan escapes control characters in labels"
else
  not_ok "plan escapes control characters in labels" "exit status $status: $(tr '\n' '|' <"$tmp/out" | head -c 600)"
fi

run plan --help
check_text "plan --help" "--second-view" "--samples"

tap_finish
