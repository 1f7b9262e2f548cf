#!/bin/sh
# test-cli-capture.sh: info and plan on a NeedlePlan Secondary Capture, whose
# plan reopens on its source frame when found, else on its own pixels (TAP)
#
# Copyright 2026 The NeedlePlan authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-cli-capture.sh PATH/TO/needleplan-cli
#
# The case is tests/data/export/knee-us (make-fixtures.py there): skin
# y = 12, 0.15 mm/px, target (190, 120), entry (0, 12), so depth
# (120 - 12) × 0.15 = 16.2 mm and path √((190 × 0.15)² + (108 × 0.15)²) =
# √(28.5² + 16.2²) = 32.8 mm, the same on the source frame and on the
# capture, whose top rows are the frame at its own size.

set -u

cli=${1:?usage: test-cli-capture.sh NEEDLEPLAN-CLI}
cases="$(cd "$(dirname "$0")/../data/export" && pwd)" || exit 99
. "$(dirname "$0")/tap-lib.sh"

# The cache the CLI looks in for sources retrieved from a PACS: the test's own.
XDG_CACHE_HOME="$tmp/cache"
export XDG_CACHE_HOME

cp -R "$cases/knee-us" "$tmp/knee-us"
run export "$tmp/knee-us/plan.json" --dicom "$tmp/knee-us/sc.dcm"
check_text "export --dicom writes the capture" "Wrote $tmp/knee-us/sc.dcm"

run info "$tmp/knee-us/sc.dcm"
check_text "info: the capture beside its frame reopens on the frame" \
  "NeedlePlan plan inside: yes" "Plan reopens: on its source frame $tmp/knee-us/frame.png"

run plan "$tmp/knee-us/sc.dcm" --json
check_json "plan --json on the capture beside its frame: depth and path of the source" "
r = d
assert close(r['depth_mm'], 16.2, 1e-9), r['depth_mm']
assert close(r['path_length_mm'], (28.5 ** 2 + 16.2 ** 2) ** 0.5, 1e-9), r['path_length_mm']
assert any('on its source frame' in w for w in r['warnings']), r['warnings']
"

mkdir "$tmp/alone"
cp "$tmp/knee-us/sc.dcm" "$tmp/alone/sc.dcm"
run info "$tmp/alone/sc.dcm"
check_text "info: the capture alone reopens on its own pixels" \
  "Plan reopens: on this capture’s pixels, overlay burned in (source frame “frame.png” not found)"

run plan "$tmp/alone/sc.dcm" --json
check_json "plan --json on the capture alone: the same depth and path, with the note" "
r = d
assert close(r['depth_mm'], 16.2, 1e-9), r['depth_mm']
assert close(r['path_length_mm'], (28.5 ** 2 + 16.2 ** 2) ** 0.5, 1e-9), r['path_length_mm']
assert any('capture’s own pixels' in w and 'frame.png' in w for w in r['warnings']), r['warnings']
"

# Another image under the frame's name is not the source (SHA-256).
printf 'x' >>"$tmp/knee-us/frame.png"
run info "$tmp/knee-us/sc.dcm"
check_text "info: a changed frame beside the capture is not taken as its source" \
  "Plan reopens: on this capture’s pixels"

run plan "$tmp/knee-us/frame.png"
check_failure "plan on a PNG is still refused as a plan file" 1 "frame.png"

tap_finish
