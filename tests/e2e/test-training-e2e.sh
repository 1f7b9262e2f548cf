#!/usr/bin/env bash
# test-training-e2e.sh — training mode in the built NeedlePlan binary, on its
# own virtual X display, with real input (xdotool): switch to Train, start a
# session, click a target and an entry, Return, see the answer and the score,
# N for the next case.
#
# Copyright 2026 The NeedlePlan authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-training-e2e.sh NEEDLEPLAN-BINARY      Output: TAP.
# NP_E2E_SHOT_DIR=folder keeps a screenshot of every screen.
#
# The bundled cases are 800 × 600 frames; which case comes first depends on
# the seed drawn, so every check holds for any case: the expert's answer is
# drawn in light violet (204, 153, 255; NP_OVERLAY_EXPERT_* in np-overlay.h),
# a colour no frame, no trainee mark, no structure and no widget shows, and the score is written in the
# success, warning or error colour, which the panel shows nowhere else.

set -u

app=${1:?usage: $0 NEEDLEPLAN-BINARY}

. "$(dirname "$0")/e2e-lib.sh"

echo "1..9"

require_tools xdotool import "$convert" od awk
# The training history goes to the private $XDG_DATA_HOME.
private_session

# Screenshots and measurements -----------------------------------------------

# marks GEOMETRY: pixels of a strip of the last shot that differ by more
# than 40 from its commonest value (icons and labels on the header's shade).
marks () {
  values "$1" | awk '{ v[NR] = $1; count[$1]++ } END {
    for (c in count) if (count[c] > most) { most = count[c]; bg = c + 0 }
    for (i = 1; i <= NR; i++) if ((v[i] - bg)^2 > 1600) n++
    print n + 0 }'
}

# pixels GEOMETRY: "R G B" per line.
pixels () {
  $convert "$tmp/shot.png" -crop "$1" +repage -depth 8 rgb:- | od -An -tu1 -v -w3
}

# count_expert GEOMETRY: pixels within 24 of (204, 153, 255) in every channel.
count_expert () {
  pixels "$1" | awk '
    function near (v, t) { return v >= t - 24 && v <= t + 24 }
    near($1, 204) && near($2, 153) && near($3, 255) { n++ } END { print n + 0 }'
}

# count_score_colour GEOMETRY: strongly coloured pixels that are not blue (the
# suggested buttons): the success, warning and error colours of the score.
count_score_colour () {
  pixels "$1" | awk '
    { max = $1; min = $1
      if ($2 > max) max = $2; if ($3 > max) max = $3
      if ($2 < min) min = $2; if ($3 < min) min = $3 }
    max - min > 90 && $3 < max { n++ } END { print n + 0 }'
}

# The frame inside the canvas: the first and last pixel that is not surround
# along the middle row, then down the frame's middle column. The canvas'
# outer 3 px are left out (the focus line).
measure_frame () {
  read -r frame_left frame_right < <(values "1280x1+0+$canvas_mid" |
    awk -v from=$((canvas_left + 3)) -v to=$((canvas_right - 3)) '
      NR - 1 >= from && NR - 1 <= to && ($1 < 18 || $1 > 22) {
        if (first == "") first = NR - 1; last = NR - 1 }
      END { print first + 0, last + 0 }')
  frame_mid=$(( (frame_left + frame_right) / 2 ))
  read -r frame_top frame_bottom < <(values "1x800+$frame_mid+0" |
    awk -v from=$((canvas_top + 3)) -v to=$((canvas_bottom - 3)) '
      NR - 1 >= from && NR - 1 <= to && ($1 < 18 || $1 > 22) {
        if (first == "") first = NR - 1; last = NR - 1 }
      END { print first + 0, last + 0 }')
}

# image_to_screen X Y: screen coordinates of an image point of the 800 × 600 frame.
image_to_screen () {
  awk -v x="$1" -v y="$2" -v l="$frame_left" -v r="$frame_right" -v t="$frame_top" \
      -v b="$frame_bottom" 'BEGIN { printf "%d %d\n", l + x * (r - l + 1) / 800,
                                                    t + y * (b - t + 1) / 600 }'
}

# The canvas less its outer 3 px; the panel right of it.
canvas_geometry () {
  local width=$((canvas_right - canvas_left - 5)) height=$((canvas_bottom - canvas_top - 5))
  echo "${width}x${height}+$((canvas_left + 3))+$((canvas_top + 3))"
}

panel_geometry () {
  local width=$((1275 - canvas_right - 4)) height=$((canvas_bottom - canvas_top))
  echo "${width}x${height}+$((canvas_right + 4))+$canvas_top"
}

click () {
  xdotool mousemove --window "$wid" "$1" "$2" click 1
}

# wait_practice: until a case is drawn on the practice canvas (10 s at most).
wait_practice () {
  local i
  for i in $(seq 1 50); do
    sleep 0.2
    shot
    # The practice canvas' surround is #141414 in both styles; column 12 is
    # inside it.
    measure_canvas 12
    [ -n "$canvas_top" ] && [ "$canvas_bottom" -gt $((canvas_top + 200)) ] || continue
    [ "$canvas_right" -gt $((canvas_left + 200)) ] || continue
    measure_frame
    [ "$frame_right" -gt $((frame_left + 100)) ] && [ "$frame_bottom" -gt $((frame_top + 100)) ] &&
      return 0
  done
  return 1
}

# 1. The window ----------------------------------------------------------------

start_app 'NeedlePlan'
if [ -n "$wid" ]; then
  ok "the window opens"
else
  not_ok "the window opens"
  bail "no NeedlePlan window"
fi
xdotool windowsize "$wid" 1280 800
sleep 1

# 2. Train: the header's Plan / Train switch ----------------------------------
# The switch is two linked buttons, "Plan" pressed: along a row through the
# header's buttons, two plateaus of different shades side by side, each
# wider than 60 px and neither the header's own shade (the row's commonest
# value); the second is "Train".
shot plan
train_x=$(values "1280x1+0+16" | awk '
  { v[NR - 1] = $1; count[$1]++ } END {
    for (c0 in count) if (count[c0] > most) { most = count[c0]; bg = c0 + 0 }
    n = NR; i = 0; runs = 0
    while (i < n) { j = i; while (j + 1 < n && (v[j + 1] - v[i])^2 <= 9) j++
      s[runs] = i; e[runs] = j; c[runs] = v[i]; runs++; i = j + 1 }
    for (k = 0; k + 1 < runs; k++) {
      gap = s[k + 1] - e[k] - 1; kk = k + 1
      if (gap <= 2 && e[k] - s[k] >= 60) {
        # A 1 px border between the two buttons.
        if (kk + 1 < runs && e[kk] - s[kk] < 4 && s[kk + 1] - e[kk] == 1) kk++
        if (e[kk] - s[kk] >= 60 && (c[kk] - c[k])^2 > 100 && (c[k] - bg)^2 > 9 &&
            (c[kk] - bg)^2 > 9) { print int((s[kk] + e[kk]) / 2); exit }
      }
    } }')
[ -n "$train_x" ] || bail "no Plan / Train switch found in the header"
# Save, Undo and Redo stand right of Open and Recent in the header's start.
plan_marks=$(marks "130x30+130+12")
click "$train_x" 27
sleep 1

# The library: Start Session is the blue (accent) button at the right of the
# bar under the header.
start=
for i in $(seq 1 50); do
  sleep 0.2
  shot library
  start=$(pixels "380x80+900+50" | awk '
    $1 >= 30 && $1 <= 80 && $2 >= 110 && $2 <= 150 && $3 >= 200 {
      i = NR - 1; x = i % 380; y = int(i / 380); sx += x; sy += y; n++ }
    END { if (n > 200) printf "%d %d\n", 900 + sx / n, 50 + sy / n }')
  [ -n "$start" ] && break
done
if [ -n "$start" ]; then
  ok "Train shows the case library with Start Session"
else
  not_ok "Train shows the case library with Start Session" "no accent button in the bar"
  bail "training mode did not open"
fi

# 2b. Train hides the plan's Save, Undo and Redo from the header.
train_marks=$(marks "130x30+130+12")
check "the Train header hides the plan's Save and Undo" "$plan_marks > 40 && $train_marks == 0" \
  "marked pixels where Save and Undo stand: $plan_marks in Plan, $train_marks in Train"

# 3. Start a session -------------------------------------------------------------
read -r start_x start_y <<<"$start"
click "$start_x" "$start_y"
if wait_practice; then
  ok "Start Session shows the first case on the practice canvas"
else
  not_ok "Start Session shows the first case on the practice canvas" \
    "canvas ${canvas_left:-?}..${canvas_right:-?} × ${canvas_top:-?}..${canvas_bottom:-?}"
  bail "no practice screen"
fi
shot practice

# 4. Mark: T, click the target at the frame's centre; E, click the entry near
# its top. Nothing of the answer is drawn yet.
read -r target_x target_y < <(image_to_screen 400 300)
read -r entry_x entry_y < <(image_to_screen 400 60)
move "$target_x" "$target_y"
xdotool key t
click "$target_x" "$target_y"
sleep 0.2
xdotool key e
click "$entry_x" "$entry_y"
sleep 0.3
# The pointer off the canvas, so that it hides nothing.
move "$((canvas_left + 10))" "$((canvas_bottom - 10))"
sleep 0.5
shot marked
expert_before=$(count_expert "$(canvas_geometry)")
score_before=$(count_score_colour "$(panel_geometry)")
check "before submitting, no expert answer on the canvas" "$expert_before == 0" \
  "$expert_before pixels of the expert colour"

# 5. Return: the expert's answer appears as a second overlay ----------------
xdotool key Return
expert_after=0
for i in $(seq 1 25); do
  sleep 0.2
  shot
  expert_after=$(count_expert "$(canvas_geometry)")
  [ "$expert_after" -gt 30 ] && break
done
shot submitted
check "Return submits: the expert's answer is drawn in violet" "$expert_after > 30" \
  "$expert_after pixels of the expert colour"

# 6. The score panel ------------------------------------------------------------
score_after=$(count_score_colour "$(panel_geometry)")
check "the panel shows the score in its colour" "$score_after > 300 && $score_before < 50" \
  "coloured pixels in the panel: $score_before before, $score_after after"

# 7. N: the next case, answer hidden again -------------------------------------
move "$target_x" "$target_y"
xdotool key n
sleep 0.5
next_ok=no
for i in $(seq 1 50); do
  sleep 0.2
  wait_practice || continue
  expert_next=$(count_expert "$(canvas_geometry)")
  score_next=$(count_score_colour "$(panel_geometry)")
  if [ "$expert_next" -eq 0 ] && [ "$score_next" -lt 50 ]; then next_ok=yes; break; fi
done
shot next
check "N goes on to the next case, answer and score hidden again" "\"$next_ok\" == \"yes\"" \
  "expert pixels ${expert_next:-?}, coloured panel pixels ${score_next:-?}"

# 8. Quit ------------------------------------------------------------------------
xdotool key ctrl+q
if ! app_exited; then
  not_ok "Ctrl+Q quits"
elif [ "$status" -eq 0 ]; then
  ok "Ctrl+Q quits"
else
  not_ok "Ctrl+Q quits" "exit status $status"
fi

finish
