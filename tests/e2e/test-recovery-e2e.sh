#!/usr/bin/env bash
# test-recovery-e2e.sh — kill -9 while editing, then recover: the built
# NeedlePlan binary on its own virtual X display, driven with real input.
#
# Copyright 2026 The NeedlePlan authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-recovery-e2e.sh NEEDLEPLAN-BINARY      Output: TAP.
#
# Opens a copy of the bundled case knee-us-01, moves the target with the
# Target tool (T, then a click), waits for the autosave file, kills the
# process with SIGKILL, starts NeedlePlan again, accepts the recovery with
# Return and saves with Ctrl+S; the saved plan must be the one autosaved
# before the kill. Autosave timing and format: docs/record-gui.md.

set -u

app=${1:?usage: $0 NEEDLEPLAN-BINARY}

. "$(dirname "$0")/e2e-lib.sh"

source_dir=${NP_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# Cleanup ends a left-over app with SIGKILL, as the test itself does.
cleanup_signal=KILL

echo "1..8"

require_tools xdotool python3
# The private state folder: never the developer's autosave files.
private_session

autosave_dir="$XDG_STATE_HOME/needleplan/autosave"
case_dir="$tmp/case/knee-us-01"
mkdir -p "$case_dir"
cp "$source_dir/data/cases/knee-us-01/frame.png" "$source_dir/data/cases/knee-us-01/plan.json" \
  "$case_dir/" || bail "cannot copy the case knee-us-01 from $source_dir/data/cases"

# json_get FILE EXPRESSION: a Python expression over the parsed file `d`.
json_get () {
  python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
    "$1" "$2"
}

autosave_files () {
  find "$autosave_dir" -maxdepth 1 -name '*.json' ! -name '.*' 2>/dev/null
}

# wait_for_title PATTERN: the window whose name matches (up to 60 s).
wait_for_title () {
  timeout 60 xdotool search --sync --onlyvisible --name "$1" 2>/dev/null | head -n 1
}

# wait_until SECONDS COMMAND…: polls every 0.2 s.
wait_until () {
  local limit=$1 i
  shift
  for i in $(seq 1 $((limit * 5))); do
    "$@" && return 0
    sleep 0.2
  done
  return 1
}

title_is () {
  [ "$(xdotool getwindowname "$wid" 2>/dev/null)" = "$1" ]
}

# 1. The case opens ---------------------------------------------------------

"$app" "$case_dir/plan.json" >"$tmp/app-1.log" 2>&1 &
app_pid=$!
wid=$(wait_for_title 'plan\.json — NeedlePlan')
if [ -n "$wid" ]; then
  ok "the case's plan opens"
else
  not_ok "the case's plan opens"
  bail "no NeedlePlan window"
fi

# 2. An edit with real input -------------------------------------------------
# The Target tool (T) and a click. The window opens at its default 1200 × 760
# with the 800 × 600 frame fitted in the canvas between the tool column and
# the side panel (about x 94–838, y 112–670); 38 % across and 28 % down the
# window lies on the frame, above the quadriceps tendon and away from every
# mark, so the click places the target there (image point about (389, 109),
# the case's target is at (328, 294)).
eval "$(xdotool getwindowgeometry --shell "$wid")"
click_x=$((WIDTH * 38 / 100))
click_y=$((HEIGHT * 28 / 100))
sleep 1
xdotool mousemove --window "$wid" "$click_x" "$click_y"
sleep 0.2
xdotool key t
sleep 0.2
xdotool click 1
if wait_until 10 title_is "• plan.json — NeedlePlan"; then
  ok "T and a click move the target: the plan shows unsaved changes"
else
  not_ok "T and a click move the target: the plan shows unsaved changes" \
    "title: '$(xdotool getwindowname "$wid")', clicked at $click_x,$click_y"
fi

# 3. The autosave file ---------------------------------------------------------
# Written 2 s after the edit (docs/record-gui.md); allow for a slow machine.
have_autosave () { [ -n "$(autosave_files)" ]; }
if wait_until 20 have_autosave; then
  autosave=$(autosave_files | head -n 1)
  cp "$autosave" "$tmp/before-kill.json"
  target=$(json_get "$autosave" 'd["plan"]["marks"]["target"]')
  original=$(json_get "$case_dir/plan.json" 'd["marks"]["target"]')
  frame=$(json_get "$autosave" 'd["frame_path"]')
  on_frame=$(json_get "$autosave" \
    '0 <= d["plan"]["marks"]["target"][0] <= 800 and 0 <= d["plan"]["marks"]["target"][1] <= 600')
  if [ "$target" != "$original" ] && [ "$on_frame" = True ] &&
     [ "$frame" = "$case_dir/frame.png" ]; then
    ok "the autosave file holds the moved target and the frame's path"
  else
    not_ok "the autosave file holds the moved target and the frame's path" \
      "target $target (case: $original), frame $frame"
  fi
else
  not_ok "the autosave file holds the moved target and the frame's path" \
    "nothing in $autosave_dir after 20 s"
  bail "no autosave file"
fi

# 4. kill -9 ----------------------------------------------------------------------
kill -9 "$app_pid"
wait "$app_pid" 2>/dev/null
app_pid=
if cmp -s "$autosave" "$tmp/before-kill.json"; then
  ok "after kill -9 the autosave file is still there"
else
  not_ok "after kill -9 the autosave file is still there" "$(ls -la "$autosave_dir")"
fi

# 5. The next start offers recovery ----------------------------------------------
"$app" >"$tmp/app-2.log" 2>&1 &
app_pid=$!
dialog=$(wait_for_title '^Recover Unsaved Plan$')
wid=$(wait_for_title 'NeedlePlan$')
if [ -n "$dialog" ]; then
  ok "the next start asks to recover the unsaved plan"
else
  not_ok "the next start asks to recover the unsaved plan"
  bail "no recovery dialog"
fi

# 6. Return recovers -----------------------------------------------------------------
# Without a window manager the keyboard follows the pointer: point at the
# dialog, then press Return (its default response is Recover).
eval "$(xdotool getwindowgeometry --shell "$dialog")"
xdotool mousemove $((X + WIDTH / 2)) $((Y + HEIGHT / 3))
sleep 0.3
xdotool key Return
wid=$(wait_for_title '^• plan\.json — NeedlePlan$')
if [ -n "$wid" ]; then
  ok "Return recovers: the case reopens with unsaved changes"
else
  not_ok "Return recovers: the case reopens with unsaved changes" \
    "windows: $(xdotool search --name 'NeedlePlan' getwindowname %@ 2>/dev/null | tr '\n' '|')"
  bail "nothing recovered"
fi

# 7. Ctrl+S: the saved plan is the one autosaved before the kill --------------------
eval "$(xdotool getwindowgeometry --shell "$wid")"
xdotool mousemove --window "$wid" $((WIDTH / 2)) $((HEIGHT / 2))
sleep 0.2
xdotool key ctrl+s
wait_until 10 title_is "plan.json — NeedlePlan"
# The plan file stores results recomputed at save time, and where the frame
# was at that save (a hint, not part of the plan); compare the plan.
same=$(python3 -c '
import json, sys
saved = json.load(open(sys.argv[1]))
kept = json.load(open(sys.argv[2]))["plan"]
for d in (saved, kept):
    d.pop("results", None)
    d.get("frame", {}).pop("absolute_path", None)
print("yes" if saved == kept else "no")' "$case_dir/plan.json" "$tmp/before-kill.json")
if [ "$same" = yes ] && [ -z "$(autosave_files)" ]; then
  ok "Ctrl+S saves the recovered plan, equal to the one before the kill; no autosave left"
else
  not_ok "Ctrl+S saves the recovered plan, equal to the one before the kill; no autosave left" \
    "equal: $same; title '$(xdotool getwindowname "$wid")'; autosave files: $(autosave_files)"
  diff <(python3 -m json.tool "$case_dir/plan.json") \
       <(python3 -c 'import json, sys
print(json.dumps(json.load(open(sys.argv[1]))["plan"], indent=4))' "$tmp/before-kill.json") |
    sed 's/^/#   /' | head -40
fi

# 8. Ctrl+Q quits cleanly -------------------------------------------------------------
xdotool key ctrl+q
if ! app_exited; then
  not_ok "Ctrl+Q quits and leaves no autosave file" "still running"
elif [ "$status" -eq 0 ] && [ -z "$(autosave_files)" ]; then
  ok "Ctrl+Q quits and leaves no autosave file"
else
  not_ok "Ctrl+Q quits and leaves no autosave file" "exit status $status; $(autosave_files)"
fi

finish
