#!/usr/bin/env bash
# test-viewer-e2e.sh — drives the built NeedlePlan binary on its own virtual X
# display with real input (xdotool) and checks the effect on screenshots.
#
# Copyright 2026 The NeedlePlan authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-viewer-e2e.sh NEEDLEPLAN-BINARY      Output: TAP.
#
# The frame is a 200 × 400 grey ramp, 255 at the top to 64 at the bottom, made
# here with ImageMagick. The expected numbers below follow from it and from
# the documented behaviour (fit margin 16 px, zoom step √2, wheel step 2^¼,
# window/level drag: the frame's data range per 512 px).

set -u

app=${1:?usage: $0 NEEDLEPLAN-BINARY}

. "$(dirname "$0")/e2e-lib.sh"

echo "1..12"

require_tools xdotool import "$convert" od awk
private_session

$convert -size 200x400 gradient:white-gray25 -colorspace Gray -depth 8 -type Grayscale \
  "$tmp/ramp.png" || bail "ImageMagick could not write the test frame"
$convert -size 300x200 xc:gray50 -depth 8 -type Grayscale "$tmp/second.png" ||
  bail "ImageMagick could not write the second frame"

# Screenshots and measurements -----------------------------------------------

# The frame along screen row Y: first and last x brighter than the surround,
# and the mean of those pixels. The canvas' outer 3 px are left out: the
# keyboard focus line is drawn there.
measure_row () {
  read -r left right row_mean < <(values "1280x1+0+$1" |
    awk -v from=$((canvas_left + 3)) -v to=$((canvas_right - 3)) '
    NR - 1 >= from && NR - 1 <= to && $1 > 40 {
      if (first == "") first = NR - 1
      last = NR - 1; sum += $1; n++
    }
    END { printf "%d %d %.2f\n", first, last, (n ? sum / n : 0) }')
}

# The frame down screen column X within the canvas: brightest - darkest.
measure_column () {
  column_range=$(values "1x$((canvas_bottom - canvas_top + 1))+$1+$canvas_top" | awk '
    $1 != 20 { if (min == "" || $1 < min) min = $1; if ($1 > max) max = $1 }
    END { print max - min }')
}

# Waits (up to 10 s) until the row measurement differs from "$1".
wait_for_row_change () {
  local before=$1 i
  for i in $(seq 1 50); do
    sleep 0.2
    shot
    measure_row "$canvas_mid"
    [ "$left $right $row_mean" != "$before" ] && return 0
  done
  return 1
}

# drag BUTTON X0 Y0 DX DY: press, move in steps, release.
drag () {
  local button=$1 x=$2 y=$3 dx=$4 dy=$5 i
  move "$x" "$y"
  xdotool mousedown "$button"
  for i in 1 2 3 4; do
    sleep 0.05
    move $((x + dx * i / 4)) $((y + dy * i / 4))
  done
  sleep 0.2
  xdotool mouseup "$button"
}

# 1. The window --------------------------------------------------------------

start_app 'ramp.png — NeedlePlan' "$tmp/ramp.png"
if [ -n "$wid" ]; then
  ok "the window opens with the frame's name in its title"
else
  not_ok "the window opens with the frame's name in its title"
  bail "no NeedlePlan window"
fi

# 2. Fitted on open -----------------------------------------------------------
# The title changes when the frame is loaded; wait for it to be drawn too.
for i in $(seq 1 50); do
  sleep 0.2
  shot
  # Down column 100: inside the canvas, right of the tool column and left
  # of the fitted frame.
  measure_canvas 100
  [ -n "$canvas_top" ] && [ "$canvas_bottom" -gt "$canvas_top" ] || continue
  measure_row "$canvas_mid"
  [ "$right" -gt "$left" ] && break
done
frame_width=$((right - left + 1))
canvas_height=$((canvas_bottom - canvas_top + 1))
# Fit: the 400 px tall frame gets the canvas height less 16 px top and bottom,
# so it is (canvas_height - 32) / 2 wide.
check "the frame opens fitted (height - 32 margin, aspect kept)" \
  "$frame_width >= ($canvas_height - 32) / 2 - 2 && $frame_width <= ($canvas_height - 32) / 2 + 2" \
  "canvas height $canvas_height, frame width $frame_width on row $canvas_mid"
centre_x=$(( (left + right) / 2 ))

# 3. Window/level: right-drag down 200 px ------------------------------------
# The data run 64..255, a span of 192 values per 512 px: 200 px raise the
# level by 75. The 8-bit frame opened showing each value as is (window
# 0..255), so every pixel (at least 75) now shows 75 darker.
before_mean=$row_mean
drag 3 "$centre_x" "$canvas_mid" 0 200
wait_for_row_change "$left $right $row_mean"
check "right-drag down raises the level: the frame is 75 darker" \
  "$before_mean - $row_mean >= 70 && $before_mean - $row_mean <= 80" \
  "row mean before $before_mean, after $row_mean"

# 4. Window/level: right-drag right 200 px -----------------------------------
# The window widens from 256 to 331 around level 203: the ramp (255 at the
# top, 180 on screen after test 3; 64 at the bottom, clipped to 0) now spans
# (255 - 37.5) · 256/331 = 168 down to (64 - 37.5) · 256/331 = 20, so the
# range down a column drops from about 180 to about 148.
measure_column "$centre_x"
range_before=$column_range
drag 3 "$centre_x" "$canvas_mid" 200 0
wait_for_row_change "$left $right $row_mean"
measure_column "$centre_x"
check "right-drag right widens the window: less contrast" \
  "$range_before - $column_range >= 20 && $range_before - $column_range <= 45" \
  "column range before $range_before, after $column_range"

# 5. Zoom in with '+' -----------------------------------------------------------
# One keyboard step is √2, around the centre of the view.
move "$centre_x" "$canvas_mid"
width_before=$((right - left + 1))
centre_before=$(( (left + right) / 2 ))
xdotool key plus
wait_for_row_change "$left $right $row_mean"
width_after=$((right - left + 1))
check "'+' zooms in by √2" \
  "$width_after / $width_before >= 1.39 && $width_after / $width_before <= 1.44" \
  "frame width before $width_before, after $width_after"
check "'+' keeps the centre of the view" \
  "($left + $right) / 2 - $centre_before <= 2 && $centre_before - ($left + $right) / 2 <= 2" \
  "centre before $centre_before, after $(( (left + right) / 2 ))"

# 6. Pan with the middle button ----------------------------------------------
left_before=$left
width_before=$((right - left + 1))
drag 2 "$centre_x" "$canvas_mid" 100 0
wait_for_row_change "$left $right $row_mean"
check "middle-drag 100 px right moves the frame 100 px" \
  "$left - $left_before >= 98 && $left - $left_before <= 102 &&
   $right - $left + 1 == $width_before" \
  "left edge before $left_before, after $left"

# 7. Ctrl + scroll zooms around the pointer -----------------------------------
# One wheel step is 2^¼ = 1.1892; the image point under the pointer stays.
# Three quarters across: both edges stay inside the canvas, left of the side panel.
pointer=$((left + 3 * (right - left) / 4))
move "$pointer" "$canvas_mid"
sleep 0.2
left_before=$left
right_before=$right
xdotool keydown ctrl click 4 keyup ctrl
wait_for_row_change "$left $right $row_mean"
check "Ctrl + scroll zooms by 2^¼ around the pointer" \
  "(($pointer - $left) - ($pointer - $left_before) * 1.18921)^2 <= 4 &&
   (($right - $pointer) - ($right_before - $pointer) * 1.18921)^2 <= 4" \
  "pointer $pointer, edges $left_before..$right_before became $left..$right"

# 8. Space + left drag pans ----------------------------------------------------
left_before=$left
move "$centre_x" "$canvas_mid"
xdotool keydown space
sleep 0.2
drag 1 "$centre_x" "$canvas_mid" -60 0
xdotool keyup space
wait_for_row_change "$left $right $row_mean"
check "Space + left-drag 60 px left moves the frame 60 px" \
  "$left_before - $left >= 58 && $left_before - $left <= 62" \
  "left edge before $left_before, after $left"

# 9. A second launch reaches the running instance ----------------------------
if [ -n "$bus_pid" ]; then
  "$app" "$tmp/second.png" >"$tmp/second.log" 2>&1 &
  second_pid=$!
  second_wid=$(timeout 60 xdotool search --sync --onlyvisible --name 'second.png — NeedlePlan' |
               head -n 1)
  # The second process hands the file over and exits.
  for i in $(seq 1 50); do kill -0 "$second_pid" 2>/dev/null || break; sleep 0.2; done
  if [ -n "$second_wid" ] && ! kill -0 "$second_pid" 2>/dev/null && kill -0 "$app_pid" 2>/dev/null
  then
    ok "a second launch opens its file in the running instance"
  else
    still_running=no
    kill -0 "$second_pid" 2>/dev/null && still_running=yes
    not_ok "a second launch opens its file in the running instance" \
      "window: '${second_wid}', second process still running: $still_running"
  fi
  # It had started reading its file (the prefetch of main()) before it knew
  # another instance runs: that work is dropped, and it exits cleanly.
  second_status=running
  kill -0 "$second_pid" 2>/dev/null || { wait "$second_pid"; second_status=$?; }
  check "the second launch drops its prefetch and exits with status 0" \
    "\"$second_status\" == \"0\"" "status $second_status; $(tr '\n' ' ' <"$tmp/second.log")"
  second_pid=
else
  skip "a second launch opens its file in the running instance" "no dbus-daemon for a session bus"
fi

# 10. Quit with Ctrl+Q ------------------------------------------------------------
move "$centre_x" "$canvas_mid"
xdotool key ctrl+q
if ! app_exited; then
  not_ok "Ctrl+Q quits"
elif [ "$status" -eq 0 ]; then
  ok "Ctrl+Q quits"
else
  not_ok "Ctrl+Q quits" "exit status $status"
fi

finish
