#!/usr/bin/env bash
# test-planning-e2e.sh — drags the target of a plan in the built NeedlePlan
# with real input (xdotool) and checks on screenshots that the overlay and
# the results panel follow, and that undo and redo bring them back.
#
# Copyright 2026 The NeedlePlan authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-planning-e2e.sh NEEDLEPLAN-BINARY      Output: TAP.
#
# The case is made here: a 400 × 300 mid-grey frame (ImageMagick) and a plan
# with a skin line along row 20, the entry at (40, 20), the target at
# (200, 150) and 0.1 mm per px, so the target is (150 − 20) × 0.1 = 13 mm
# deep; dragging it 60 px down makes that 19 mm. The panel is compared as
# pixels, so the test reads no text.

set -u

app=${1:?usage: $0 NEEDLEPLAN-BINARY}

. "$(dirname "$0")/e2e-lib.sh"

compare=/usr/bin/compare

echo "1..8"

require_tools xdotool import "$convert" "$compare" od awk sha256sum
private_session

# The case ---------------------------------------------------------------------

mkdir -p "$tmp/case"
$convert -size 400x300 xc:gray50 -depth 8 -type Grayscale "$tmp/case/frame.png" ||
  bail "ImageMagick could not write the test frame"
sha=$(sha256sum "$tmp/case/frame.png" | cut -d ' ' -f 1)
cat >"$tmp/case/e2e-plan.json" <<EOF
{
  "format": "needleplan-plan",
  "version": 1,
  "modality": "ultrasound",
  "probe": "linear",
  "site": "knee",
  "technique": "in-plane",
  "frame": { "path": "frame.png", "sha256": "$sha" },
  "calibration": {
    "method": "manual",
    "mm_per_px": [0.1, 0.1],
    "se_mm_per_px": [0, 0]
  },
  "marks": {
    "target": [200, 150],
    "entry": [40, 20],
    "skin": { "kind": "polyline", "points": [[0, 20], [400, 20]] }
  }
}
EOF

# Screenshots and measurements -----------------------------------------------

# shot_to FILE: the screen, as FILE.
shot_to () {
  import -window root "$1" 2>/dev/null
}

# values_of FILE GEOMETRY: the red channel of a strip, one value per line.
values_of () {
  $convert "$1" -crop "$2" +repage -channel R -separate -depth 8 gray:- |
    od -An -tu1 -v | tr -s ' ' '\n' | sed '/^$/d'
}

# first_last FROM TO: first and last index within FROM..TO of the frame's
# grey (127/128 ± 6).
first_last () {
  awk -v from="$1" -v to="$2" '
    NR - 1 >= from && NR - 1 <= to && $1 >= 121 && $1 <= 134 {
      if (first == "") first = NR - 1
      last = NR - 1
    }
    END { print first, last }'
}

# The frame's edges: along a row low in the frame and down a column right
# of the path, both clear of the marks, within the canvas (right of the
# tool column, left of the side panel, between the header and status bars).
measure_frame () {
  read -r frame_left frame_right < <(values_of "$1" 1280x1+0+$2 |
                                     first_last 80 $((win_width - 360)))
  read -r frame_top frame_bottom < <(values_of "$1" 1x800+$3+0 |
                                     first_last 50 $((win_height - 30)))
}

# differing PNG-A PNG-B GEOMETRY: how many pixels of the region differ.
differing () {
  $convert "$1" -crop "$3" +repage "$tmp/a.png"
  $convert "$2" -crop "$3" +repage "$tmp/b.png"
  $compare -metric AE "$tmp/a.png" "$tmp/b.png" null: 2>&1 | cut -d ' ' -f 1
}

# Waits (up to 10 s) until the screen differs from PNG $1 in region $2.
wait_for_change () {
  local i
  for i in $(seq 1 50); do
    sleep 0.2
    shot_to "$tmp/now.png"
    [ "$(differing "$1" "$tmp/now.png" "$2")" != 0 ] && return 0
  done
  return 1
}

# 1. The plan opens --------------------------------------------------------------

start_app 'e2e-plan.json — NeedlePlan' "$tmp/case/e2e-plan.json"
if [ -n "$wid" ]; then
  ok "the plan opens with its name in the title"
else
  not_ok "the plan opens with its name in the title"
  bail "no NeedlePlan window"
fi
read -r win_width win_height < <(xdotool getwindowgeometry "$wid" |
  awk '/Geometry:/ { split($2, g, "x"); print g[1], g[2] }')

# Where the frame is, once it is drawn and the intervals are in.
for i in $(seq 1 50); do
  sleep 0.2
  shot_to "$tmp/before.png"
  measure_frame "$tmp/before.png" 400 700
  [ -n "$frame_left" ] && [ -n "$frame_top" ] || continue
  # The row and column were guesses: take them from the frame itself.
  scale=$(awk -v w=$((frame_right - frame_left + 1)) 'BEGIN { print w / 400 }')
  row=$(awk -v t="$frame_top" -v s="$scale" 'BEGIN { printf "%d", t + 270 * s }')
  column=$(awk -v l="$frame_left" -v s="$scale" 'BEGIN { printf "%d", l + 350 * s }')
  measure_frame "$tmp/before.png" "$row" "$column"
  [ -n "$frame_left" ] && [ -n "$frame_top" ] && break
done
sleep 1
shot_to "$tmp/before.png"
scale=$(awk -v w=$((frame_right - frame_left + 1)) 'BEGIN { print w / 400 }')
check "the 400 × 300 frame is fitted with its aspect kept" \
  "($frame_bottom - $frame_top + 1) / ($frame_right - $frame_left + 1) > 0.73 &&
   ($frame_bottom - $frame_top + 1) / ($frame_right - $frame_left + 1) < 0.77" \
  "frame $frame_left..$frame_right × $frame_top..$frame_bottom"

# screen X Y: where image point (X, Y) is on the screen.
screen_x () { awk -v l="$frame_left" -v s="$scale" -v x="$1" 'BEGIN { printf "%d", l + x * s }'; }
screen_y () { awk -v t="$frame_top" -v s="$scale" -v y="$1" 'BEGIN { printf "%d", t + y * s }'; }

target_x=$(screen_x 200)
target_y=$(screen_y 150)
moved_y=$(screen_y 210)
# The side panel: right of the canvas, below the header bar.
panel="300x600+$((win_width - 330))+70"
old_mark="24x24+$((target_x - 12))+$((target_y - 12))"
new_mark="24x24+$((target_x - 12))+$((moved_y - 12))"

# 2. Drag the target 60 image px down -----------------------------------------

move "$target_x" "$target_y"
sleep 0.3
xdotool mousedown 1
for i in 1 2 3 4 5 6 7 8; do
  sleep 0.05
  move "$target_x" $((target_y + (moved_y - target_y) * i / 8))
done
sleep 0.2
xdotool mouseup 1
# Away from the canvas, so the status line stops changing.
move $((win_width - 20)) $((win_height - 5))
wait_for_change "$tmp/before.png" "$panel"
sleep 1
shot_to "$tmp/after.png"

changed=$(differing "$tmp/before.png" "$tmp/after.png" "$old_mark")
check "the target mark left its old place" "$changed > 40" "$changed pixels changed"
changed=$(differing "$tmp/before.png" "$tmp/after.png" "$new_mark")
check "the target mark is drawn where it was dropped" "$changed > 40" "$changed pixels changed"
changed=$(differing "$tmp/before.png" "$tmp/after.png" "$panel")
check "the results panel shows new values" "$changed > 50" "$changed pixels changed"

title=$(xdotool getwindowname "$wid")
case "$title" in
  "• e2e-plan.json"*) ok "the title marks the plan as changed" ;;
  *) not_ok "the title marks the plan as changed" "title: $title" ;;
esac

# 3. Undo and redo -------------------------------------------------------------

xdotool key --window "$wid" ctrl+z
wait_for_change "$tmp/after.png" "$panel"
sleep 1
shot_to "$tmp/undone.png"
changed=$(differing "$tmp/before.png" "$tmp/undone.png" "$panel")
check "Ctrl+Z: the panel shows the first values again" "$changed == 0" \
  "$changed pixels differ from before the drag"

xdotool key --window "$wid" ctrl+shift+z
wait_for_change "$tmp/undone.png" "$panel"
sleep 1
shot_to "$tmp/redone.png"
changed=$(differing "$tmp/after.png" "$tmp/redone.png" "$panel")
check "Ctrl+Shift+Z: the panel shows the dragged values again" "$changed == 0" \
  "$changed pixels differ from after the drag"

if [ "$failures" -gt 0 ]; then
  for f in before after undone redone; do
    [ -f "$tmp/$f.png" ] && [ -n "${NP_E2E_KEEP:-}" ] && cp "$tmp/$f.png" "$NP_E2E_KEEP/$f.png"
  done
fi
finish
