#!/bin/sh
# test-cli-calibrate.sh: needleplan-cli calibrate, each method and bad input (TAP)
#
# Copyright 2026 The NeedlePlan authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-cli-calibrate.sh PATH/TO/needleplan-cli

set -u

cli=${1:?usage: test-cli-calibrate.sh NEEDLEPLAN-CLI}
. "$(dirname "$0")/tap-lib.sh"

run () {
  "$cli" calibrate "$@" >"$tmp/out" 2>"$tmp/err"
  status=$?
}

# check_json NAME PYTHON: the run succeeded, printed nothing on stderr, and
# PYTHON (with d = the parsed stdout) raises no assertion.
check_json () {
  name=$1
  code=$2
  if [ "$status" -ne 0 ]; then
    not_ok "$name" "exit status $status"
  elif [ -s "$tmp/err" ]; then
    not_ok "$name" "stderr is not empty"
  elif python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
$code
" "$tmp/out" 2>"$tmp/py-err"; then
    ok "$name"
  else
    not_ok "$name" "$(tail -n 1 "$tmp/py-err")"
  fi
}

# check_failure NAME EXPECTED_STATUS TEXT...: the exit code is as expected,
# stderr is exactly one line holding every TEXT, and stdout is empty.
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

# --- each method, with values worked out by hand -----------------------------

# Ticks every 25 px, 5 mm apart: 5 / 25 = 0.2 mm/px.
run --ticks "400,50 400,75 400,100 400,125 400,150" --spacing 5 --json
check_json "ticks every 25 px at 5 mm give 0.2 mm/px" '
assert d["method"] == "depth-scale"
assert abs(d["mm_per_px"][0] - 0.2) < 1e-12 and abs(d["mm_per_px"][1] - 0.2) < 1e-12
assert d["se_mm_per_px"][0] < 1e-12
assert [t["status"] for t in d["ticks"]] == ["used"] * 5
assert [t["tick"] for t in d["ticks"]] == [0, 1, 2, 3, 4]'

# Click 3 lands 0.3 px from click 2 (a double click); click 5 is 10 px
# below tick 3 at 125 px (2 mm off at 0.2 mm/px).
run --ticks "400,50 400,75 400,75.3 400,100 400,135 400,150 400,175" --spacing 5 --json
check_json "a double click and a stray tick are flagged with reasons" '
flagged = {t["click"]: t for t in d["ticks"] if t["status"] != "used"}
assert sorted(flagged) == [3, 5], flagged
assert flagged[3]["status"] == "double-click" and "double click" in flagged[3]["reason"]
assert flagged[5]["status"] == "off-scale" and "off the fitted scale" in flagged[5]["reason"]
assert abs(flagged[5]["residual_px"] + 10) < 1e-9
assert abs(d["mm_per_px"][0] - 0.2) < 1e-12'

run --ticks "400,50 400,75 400,75.3 400,100 400,135 400,150 400,175" --spacing 5
check_text "text output names the flagged ticks and the residuals" \
  "0.2 mm/px" "5 used, 2 flagged" "Flagged:     click 3 (tick 1): double click" \
  "Flagged:     click 5 (tick 3): 10.0 px off" "residual px"

# Tick 2 skipped: the tick after the gap is flagged, the rest keep their numbers.
run --ticks "0,0 0,25 0,75 0,100 0,125" --spacing 5 --json
check_json "a missed tick is flagged and the others keep their numbers" '
assert [t["tick"] for t in d["ticks"]] == [0, 1, 3, 4, 5]
assert d["ticks"][2]["status"] == "after-gap"
assert "1 tick missed" in d["ticks"][2]["reason"]
assert abs(d["mm_per_px"][0] - 0.2) < 1e-12'

# Centre (50, 40), radius 25: (±25, 0), (0, 25), (15, 20), (-20, 15), (15, -20)
# are all 25 px from it. A 25 mm sphere 50 px across: 0.5 mm/px.
run --circle "75,40 25,40 50,65 65,60 30,55 65,20" --diameter 25 --json
check_json "a sphere of 25 mm, 50 px across, gives 0.5 mm/px" '
assert d["method"] == "sphere"
assert abs(d["mm_per_px"][0] - 0.5) < 1e-9
c = d["circle"]
assert abs(c["centre"][0] - 50) < 1e-6 and abs(c["centre"][1] - 40) < 1e-6
assert abs(c["radius_px"] - 25) < 1e-6
assert len(c["residuals_px"]) == 6'

# Seven points on a circle of radius 62.5 px about (300, 200), 1 rad to
# 1.5 rad, printed to 1e-6 px: the solver cannot improve on the algebraic
# start and once ran out of iterations. 25 mm / 125 px = 0.2 mm/px.
run --circle "333.768894,252.591937 329.274118,255.220250 324.576167,257.465311 319.707648,259.311539 314.702348,260.746119 309.595008,261.759095 304.421075,262.343437" --json
check_json "seven points exactly on a circle of radius 62.5 px fit" '
assert abs(d["mm_per_px"][0] - 0.2) < 1e-7
assert abs(d["circle"]["radius_px"] - 62.5) < 1e-5'

run --circle "75,40 25,40 50,65 65,60 30,55 65,20"
check_text "the sphere diameter defaults to 25 mm" "0.5 mm/px" "25 mm sphere"

# (10, 10) to (40, 50) is 50 px (3-4-5); 25 mm / 50 px = 0.5 mm/px; with
# ±1 px per end the SE is 0.5 · sqrt(2) / 50.
run --distance "10,10 40,50" --mm 25 --json
check_json "a known distance of a 3-4-5 triangle gives 0.5 mm/px" '
assert d["method"] == "known-distance"
assert abs(d["mm_per_px"][0] - 0.5) < 1e-12
assert abs(d["se_mm_per_px"][0] - 0.5 * 2 ** 0.5 / 50) < 1e-12'

# 40 mm over rows 100 to 900: 40 / 800 = 0.05 mm/px.
run --depth 40 --rows 100,900 --json
check_json "a 40 mm depth over 800 rows gives 0.05 mm/px" '
assert d["method"] == "depth-setting"
assert abs(d["mm_per_px"][1] - 0.05) < 1e-12'

# 0.2 mm detector pixel, magnification 1000 / 800: 0.2 · 800 / 1000 = 0.16.
run --sid 1000 --sod 800 --pixel 0.2 --json
check_json "SID 1000, SOD 800, 0.2 mm pixel give 0.16 mm/px" '
assert d["method"] == "geometry"
assert abs(d["mm_per_px"][0] - 0.16) < 1e-12'

run --sid 1000 --sod 800 --pixel 0.2
check_text "geometry in text says the standard error is not known" \
  "0.16 mm/px (standard error not known)" "magnification 1.25"

# --- bad input: exit 1, bad usage: exit 2, one line on stderr ----------------

run --ticks "400,50 400,75" --spacing 5
check_failure "two ticks are too few" 1 "at least 3 ticks"

run --ticks "400,50 here 400,100" --spacing 5
check_failure "a tick that is not a point" 2 "“here” is not a point"

run --ticks "400,0 400,25 400,75" --spacing 5
check_failure "ticks that do not fit a scale" 1 "Only 2 of the 3 ticks fit"

run --ticks "400,50 400,75 400,100" --spacing -5
check_failure "a negative tick spacing" 1 "positive number"

run --ticks "400,50 400,75 400,100" --spacing nan
check_failure "a tick spacing that is not a number" 2 "“nan” is not a number"

# Only plain decimal numbers: strtod would read 0x10 as 16.
run --ticks "400,50 400,75 400,100" --spacing 0x10
check_failure "a hexadecimal tick spacing" 2 "“0x10” is not a number"
run --ticks "400,50 400,75 400,0x64" --spacing 5
check_failure "a hexadecimal point" 2 "“400,0x64” is not a point"
run --ticks "400,50 400,75 400,100" --spacing " 5"
check_failure "a tick spacing with a leading space" 2 "is not a number"

run --ticks "400,50 400,75 400,100"
check_failure "ticks without --spacing" 2 "--ticks needs --spacing MM"

run --circle "0,0 10,10 20,20 30,30 40,40"
check_failure "points on a line are no circle" 1 "straight line"

run --circle "75,40 25,40 50,65 65,60"
check_failure "four rim points are too few for a sphere" 1 "at least 5 points"

run --distance "10,10 10.5,10" --mm 25
check_failure "two points less than a pixel apart" 1 "less than a pixel apart"

run --distance "10,10 40,50 1,1" --mm 25
check_failure "three points for a distance" 2 "exactly two points"

run --depth 40 --rows 900,100
check_failure "rows upside down" 1 "below its top"

run --depth 40 --rows 100
check_failure "one row" 2 "TOP,BOTTOM"

run --depth 40
check_failure "depth without rows" 2 "--rows"

run --sid 800 --sod 1000 --pixel 0.2
check_failure "an object beyond the detector" 1 "cannot be larger"

run --sid 1000 --pixel 0.2
check_failure "geometry without --sod" 2 "--sid needs --sod MM"

run
check_failure "no method" 2 "exactly one of"

run --ticks "1,2 1,3 1,4" --circle "1,2" --spacing 4
check_failure "two methods" 2 "exactly one of"

run --no-such-option
check_failure "unknown option" 2 "--no-such-option"

run stray-argument --sid 1000 --sod 800 --pixel 0.2
check_failure "a stray argument" 2 "stray-argument"

# --- help ------------------------------------------------------------------

run --help
if [ "$status" -eq 0 ] && [ ! -s "$tmp/err" ] && grep -qF -- "--ticks" "$tmp/out" \
   && grep -qF -- "--circle" "$tmp/out" && grep -qF -- "--sid" "$tmp/out"; then
  ok "calibrate --help lists the methods, exit 0"
else
  not_ok "calibrate --help lists the methods, exit 0" "exit status $status"
fi

"$cli" --help >"$tmp/out" 2>"$tmp/err"
if grep -q "^  calibrate " "$tmp/out"; then
  ok "needleplan-cli --help lists calibrate"
else
  not_ok "needleplan-cli --help lists calibrate"
fi

# --- calibrate --auto: the depth scale read from the pixels -----------------

src=${NP_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
case_dir="$src/data/cases/knee-us-01"
# the synthetic knee's true pixel size, from the generator's truth file
truth=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["frame"]["pixel_size_mm"])' \
  "$case_dir/truth.json")

run --auto "$case_dir/frame.png"
check_text "calibrate --auto finds the knee case's depth scale and states its assumption" \
  "depth scale (automatic)" "mm/px" "long ticks 1 cm apart" "Region:      rectangle (linear probe)" \
  "Skin line:"

run --auto "$case_dir/frame.png" --json
check_json "calibrate --auto --json: pixel size within 0.5 % of the truth, ticks, region, probe" "
truth = $truth
assert d['found'] is True
assert abs(d['mm_per_px'] - truth) / truth < 0.005, d['mm_per_px']
assert d['se_mm_per_px'] >= 0
assert len(d['ticks']) >= 5 and all('residual_px' in t for t in d['ticks'])
assert d['region']['probe'] == 'linear'
assert d['spacing_assumption'] and d['confidence'] in ('high', 'medium')
assert d['skin_line_proposed'] is not None"

python3 - "$tmp/noise.png" <<'EOF' || exit 99
import random, struct, sys, zlib
random.seed(5)
w, h = 320, 240
rows = b''.join(b'\x00' + bytes(random.randrange(256) for _ in range(w)) for _ in range(h))
def chunk(kind, data):
    return (struct.pack('>I', len(data)) + kind + data
            + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff))
open(sys.argv[1], 'wb').write(b'\x89PNG\r\n\x1a\n'
    + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 0, 0, 0, 0))
    + chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b''))
EOF
run --auto "$tmp/noise.png"
check_failure "calibrate --auto on noise: exit 1, “no depth scale found” and why" 1 \
  "noise.png" "no depth scale found:"

philips="${NP_TESTDATA_DIR:-$src/../shared/testdata}/frames/us_Philips_palette_800x600_rgb.png"
if [ -f "$philips" ]; then
  run --auto "$philips" --json
  check_json "calibrate --auto on the Philips CX50 frame: within 0.5 % of its DICOM region" "
assert abs(d['mm_per_px'] - 0.26228787661969974) / 0.26228787661969974 < 0.005, d['mm_per_px']
# the frame prints 11cm at its top left; the scale makes the image area that deep
assert d['printed_depth_mm'] == 110 and d['printed_depth_text'] == '11cm', d
assert d['disagreement'] is False and d['dicom_mm_per_px'] is None, d
assert 'agrees with the depth printed on the frame' in d['cross_check'], d['cross_check']
# the sector's arcs are fitted about the apex: up to 16 near-arc directions,
# up to 4 next to each edge on the far arc, each with its RMS residual
r = d['region']
assert 3 <= r['near_arc_points'] <= 16 and 0 <= r['far_arc_points'] <= 8, r
assert 0 <= r['near_rms_px'] < 3 and 0 <= r['far_rms_px'] < 3, r"
  "$cli" info "$philips" >"$tmp/out" 2>"$tmp/err"; status=$?
  check_text "info mentions the depth scale found in the pixels" "Depth scale: found in the pixels"
else
  skip "calibrate --auto on the Philips CX50 frame" "../shared/testdata is not there"
  skip "info mentions the depth scale found in the pixels" "../shared/testdata is not there"
fi

# The EPIQ 7C prints 16cm, but the image area found is about 9.7 cm deep:
# the disagreement is in the text, the JSON and info. Its far arc is where
# the texture ends against black: by eye, 553–556 px from the apex (512,
# 82) at the sector's corners, about 591 px at the deepest speckle (650,
# 660), and short of the 16 cm = 628 px the scanner prints.
epiq="${NP_TESTDATA_DIR:-$src/../shared/testdata}/frames/us_EPIQ7C_gray8_1024x768.png"
if [ -f "$epiq" ]; then
  run --auto "$epiq"
  check_text "calibrate --auto on the EPIQ 7C frame says the printed depth disagrees" \
    "0.2547" "DISAGREES with the depth printed on the frame (“16cm”)" \
    "arcs fitted about the apex by least squares" "far arc too faint to fit"
  run --auto "$epiq" --json
  check_json "calibrate --auto --json on the EPIQ 7C frame: disagreement true, 160 mm printed" "
assert d['disagreement'] is True and d['printed_depth_mm'] == 160, d
assert 'DISAGREES' in d['cross_check'], d['cross_check']
assert 553 < d['region']['far_radius_px'] < 628 and d['region']['far_arc_points'] == 0, d['region']"
  "$cli" info "$epiq" >"$tmp/out" 2>"$tmp/err"; status=$?
  check_text "info repeats the disagreement" "Depth scale: found in the pixels" "DISAGREES"
else
  skip "calibrate --auto on the EPIQ 7C frame says the printed depth disagrees" \
    "../shared/testdata is not there"
  skip "calibrate --auto --json on the EPIQ 7C frame: disagreement true, 160 mm printed" \
    "../shared/testdata is not there"
  skip "info repeats the disagreement" "../shared/testdata is not there"
fi

# A DICOM file goes through the importer: its ultrasound region 1
# (0.262288 mm/px, from the header) is a cross-check, and agrees.
obx="${NP_TESTDATA_DIR:-$src/../shared/testdata}/dicom/us/OBXXXX1A.dcm"
if [ -f "$obx" ]; then
  run --auto "$obx" --json
  check_json "calibrate --auto on a DICOM file checks against its ultrasound region" "
assert abs(d['dicom_mm_per_px'] - 0.26228787661969974) < 1e-6, d['dicom_mm_per_px']
assert 'agrees with the DICOM ultrasound region 1' in d['cross_check'], d['cross_check']"
else
  skip "calibrate --auto on a DICOM file checks against its ultrasound region" \
    "../shared/testdata is not there"
fi

tap_finish
