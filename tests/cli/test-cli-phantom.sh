#!/bin/sh
# test-cli-phantom.sh: needleplan-cli phantom — cases, determinism, bad options (TAP)
#
# Copyright 2026 The NeedlePlan authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-cli-phantom.sh PATH/TO/needleplan-cli

set -u

cli=${1:?usage: test-cli-phantom.sh NEEDLEPLAN-CLI}
. "$(dirname "$0")/tap-lib.sh"

# check_case NAME DIR: the three files exist, the frame's pHYs equals the
# truth's pixel size, and the plan refers to the frame by its SHA-256.
check_case () {
  name=$1
  dir=$2
  for f in frame.png plan.json truth.json; do
    if [ ! -s "$dir/$f" ]; then
      not_ok "$name" "no $f"
      return
    fi
  done
  if ! "$cli" info --json "$dir/frame.png" >"$tmp/info.json" 2>"$tmp/err"; then
    not_ok "$name" "info cannot read the frame"
    return
  fi
  if python3 - "$dir" "$tmp/info.json" 2>"$tmp/py-err" <<'EOF'
import hashlib, json, sys
d = sys.argv[1]
info = json.load(open(sys.argv[2]))
truth = json.load(open(d + "/truth.json"))
plan = json.load(open(d + "/plan.json"))
px = truth["frame"]["pixel_size_mm"]
assert info["pixel_size_mm"] == [px, px], (info["pixel_size_mm"], px)
assert (info["width"], info["height"]) == (800, 600)
sha = hashlib.sha256(open(d + "/frame.png", "rb").read()).hexdigest()
assert plan["frame"]["path"] == "frame.png" and plan["frame"]["sha256"] == sha, "sha256"
assert truth["frame"]["sha256"] == sha
assert plan["format"] == "needleplan-plan" and truth["format"] == "needleplan-phantom-truth"
if plan["modality"] == "ultrasound":
    assert truth["target"]["depth_mm"] > 0
else:
    assert truth["target"]["depth_mm"] is None and truth["target"]["depth_from_two_views_mm"] > 0
assert len(plan["expert"]["target_region"]) >= 3
EOF
  then
    ok "$name"
  else
    not_ok "$name" "$(tail -n 1 "$tmp/py-err")"
  fi
}

# --- every site and modality ----------------------------------------------

for args in "knee" "shoulder --probe linear" "shoulder --probe curvilinear" "hip" \
            "knee --modality fluoroscopy --view ap" \
            "shoulder --modality fluoroscopy --view lateral" "hip --modality fluoroscopy"; do
  dir="$tmp/case-$(echo "$args" | tr -c 'a-z' '-')"
  # shellcheck disable=SC2086
  run phantom --site $args --seed 3 -o "$dir"
  if [ "$status" -ne 0 ]; then
    not_ok "phantom --site $args" "exit status $status"
  elif ! grep -qF "target depth" "$tmp/out"; then
    not_ok "phantom --site $args" "no summary on stdout"
  else
    check_case "phantom --site $args writes a consistent case" "$dir"
  fi
done

# --- the ultrasound depth ranges of the issue --------------------------------

for spec in "knee||10|25" "shoulder|--probe linear|10|15" "shoulder|--probe curvilinear|30|50" \
            "hip||40|80"; do
  site=${spec%%|*}; rest=${spec#*|}; extra=${rest%%|*}; rest=${rest#*|}
  lo=${rest%%|*}; hi=${rest#*|}
  bad=""
  for seed in 1 2 3 4 5 6; do
    # shellcheck disable=SC2086
    "$cli" phantom --site "$site" $extra --seed "$seed" --force -o "$tmp/range" --json >"$tmp/truth" \
      2>"$tmp/err" || { bad="seed $seed failed"; break; }
    depth=$(python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["target"]["depth_mm"])' "$tmp/truth")
    if ! python3 -c "import sys; sys.exit(0 if $lo <= $depth <= $hi else 1)"; then
      bad="seed $seed: depth $depth mm"
      break
    fi
  done
  if [ -z "$bad" ]; then
    ok "$site $extra targets are $lo-$hi mm deep"
  else
    not_ok "$site $extra targets are $lo-$hi mm deep" "$bad"
  fi
done

# --- determinism ---------------------------------------------------------------

run phantom --site hip --seed 42 -o "$tmp/a"
run phantom --site hip --seed 42 -o "$tmp/b"
same=yes
for f in frame.png plan.json truth.json; do
  cmp -s "$tmp/a/$f" "$tmp/b/$f" || same=no
done
if [ "$same" = yes ]; then
  ok "the same seed gives byte-identical files"
else
  not_ok "the same seed gives byte-identical files"
fi

run phantom --site hip --seed 43 -o "$tmp/c"
if cmp -s "$tmp/a/frame.png" "$tmp/c/frame.png"; then
  not_ok "another seed gives another frame"
else
  ok "another seed gives another frame"
fi

start=$(date +%s%N)
run phantom --site knee --seed 9 -o "$tmp/timed"
end=$(date +%s%N)
ms=$(( (end - start) / 1000000 ))
if [ "$status" -eq 0 ] && [ "$ms" -lt 3000 ]; then
  ok "one 800 × 600 case takes ${ms} ms"
else
  not_ok "one 800 × 600 case in under 3 s" "took $ms ms, exit status $status"
fi

run phantom --help
if [ "$status" -eq 0 ] && grep -qF "subacromial" "$tmp/out"; then
  ok "--help lists the approaches"
else
  not_ok "--help lists the approaches" "exit status $status"
fi

# --- bad options: one line, non-zero, nothing written ----------------------------

run phantom --site elbow --seed 1 -o "$tmp/x1"
check_failure "unknown site" 2 "unknown site" "elbow"

run phantom --site knee --seed 1
check_failure "missing -o" 2 "-o is missing"

run phantom --site knee -o "$tmp/x2"
check_failure "missing --seed" 2 "--seed is missing"

run phantom --seed 1 -o "$tmp/x3"
check_failure "missing --site" 2 "--site is missing"

run phantom --site knee --seed seven -o "$tmp/x4"
check_failure "seed not a number" 2 "seven" "whole number"

run phantom --site knee --seed -3 -o "$tmp/x5"
check_failure "negative seed" 2 "whole number"

run phantom --site knee --seed 4294967296 -o "$tmp/x6"
check_failure "seed too large" 2 "whole number"

run phantom --site knee --modality mri --seed 1 -o "$tmp/x7"
check_failure "unknown modality" 2 "mri"

run phantom --site knee --probe phased --seed 1 -o "$tmp/x8"
check_failure "unknown probe" 2 "phased"

run phantom --site knee --modality fluoroscopy --view oblique --seed 1 -o "$tmp/x9"
check_failure "unknown view" 2 "oblique"

run phantom --site knee --view ap --seed 1 -o "$tmp/x10"
check_failure "--view with ultrasound" 2 "--view"

run phantom --site hip --modality fluoroscopy --probe linear --seed 1 -o "$tmp/x11"
check_failure "--probe with fluoroscopy" 2 "--probe"

run phantom --site knee --approach subacromial --seed 1 -o "$tmp/x12"
check_failure "an approach of another site" 1 "subacromial" "suprapatellar"

run phantom --site knee --seed 1 -o "$tmp/x13" extra
check_failure "a stray argument" 2 "extra"

made=no
for d in x1 x2 x3 x4 x5 x6 x7 x8 x9 x10 x11 x12 x13; do
  [ -e "$tmp/$d" ] && made=yes
done
if [ "$made" = no ]; then
  ok "rejected options leave no output folder"
else
  not_ok "rejected options leave no output folder"
fi

: >"$tmp/plain-file"
run phantom --site knee --seed 1 -o "$tmp/plain-file/case"
check_failure "output under a regular file" 1 "plain-file/case"
if [ -e "$tmp/plain-file/case" ]; then
  not_ok "a failed write leaves nothing" "the folder exists"
else
  ok "a failed write leaves nothing"
fi

run phantom --site knee --seed 1 -o "$tmp/plain-file"
check_failure "output is a regular file" 1 "plain-file" "not a folder"

if why=$(unprivileged); then
  mkdir "$tmp/read-only"
  chmod 555 "$tmp/read-only"
  run_unprivileged phantom --site knee --seed 1 -o "$tmp/read-only"
  check_failure "unwritable output folder" 1 "read-only"
  if [ -z "$(ls -A "$tmp/read-only")" ]; then
    ok "an unwritable folder stays empty"
  else
    not_ok "an unwritable folder stays empty"
  fi
  chmod 755 "$tmp/read-only"
else
  skip "unwritable output folder" "$why"
  skip "an unwritable folder stays empty" "$why"
fi

# A folder that already holds files is not written into without --force.
mkdir -p "$tmp/occupied"
echo "the clinician's notes" >"$tmp/occupied/notes.txt"
run phantom --site knee --seed 1 -o "$tmp/occupied"
check_failure "a folder that holds files" 1 "occupied" "--force"
if [ "$(ls -A "$tmp/occupied")" = "notes.txt" ] \
   && [ "$(cat "$tmp/occupied/notes.txt")" = "the clinician's notes" ]; then
  ok "a refused folder is left as it was"
else
  not_ok "a refused folder is left as it was" "$(ls -A "$tmp/occupied" | tr '\n' ' ')"
fi
run phantom --site knee --seed 1 --force -o "$tmp/occupied"
if [ "$status" -eq 0 ] && [ -s "$tmp/occupied/frame.png" ] && [ -s "$tmp/occupied/notes.txt" ]; then
  ok "--force writes the case beside the other files"
else
  not_ok "--force writes the case beside the other files" "exit status $status"
fi
mkdir -p "$tmp/empty-folder"
run phantom --site knee --seed 1 -o "$tmp/empty-folder"
if [ "$status" -eq 0 ] && [ -s "$tmp/empty-folder/plan.json" ]; then
  ok "an empty folder is written without --force"
else
  not_ok "an empty folder is written without --force" "exit status $status"
fi

# Even with --force, a case file's name that is not a regular file (a FIFO
# standing in for a device node) is never renamed over.
mkdir -p "$tmp/with-fifo"
mkfifo "$tmp/with-fifo/frame.png"
run phantom --site knee --seed 1 --force -o "$tmp/with-fifo"
check_failure "--force into a folder whose frame.png is a FIFO" 1 "with-fifo" "“frame.png” is not a regular file"
if [ -p "$tmp/with-fifo/frame.png" ] && [ "$(ls -A "$tmp/with-fifo")" = frame.png ]; then
  ok "the FIFO is left as it was and no case file is written"
else
  not_ok "the FIFO is left as it was and no case file is written" "$(ls -A "$tmp/with-fifo" | tr '\n' ' ')"
fi

tap_finish
