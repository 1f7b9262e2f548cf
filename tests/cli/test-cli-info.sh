#!/bin/sh
# test-cli-info.sh: needleplan-cli info, --help, --version and bad input (TAP)
#
# Copyright 2026 The NeedlePlan authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-cli-info.sh PATH/TO/needleplan-cli

set -u

cli=${1:?usage: test-cli-info.sh NEEDLEPLAN-CLI}
. "$(dirname "$0")/tap-lib.sh"

# A 3 × 2 16-bit grey PNG with pHYs 10000 × 20000 px/m (0.1 × 0.05 mm per
# pixel) and a tEXt comment, written with nothing but the Python standard
# library so the test needs no shared data.
good="$tmp/good frame.png"
python3 - "$good" <<'EOF' || exit 99
import struct, sys, zlib

def chunk(kind, data):
    return (struct.pack('>I', len(data)) + kind + data
            + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff))

rows = b''.join(b'\x00' + struct.pack('>3H', *(1000 * (y * 3 + x) for x in range(3)))
                for y in range(2))
png = (b'\x89PNG\r\n\x1a\n'
       + chunk(b'IHDR', struct.pack('>IIBBBBB', 3, 2, 16, 0, 0, 0, 0))
       + chunk(b'pHYs', struct.pack('>IIB', 10000, 20000, 1))
       + chunk(b'tEXt', b'Comment\x00knee, lateral')
       + chunk(b'IDAT', zlib.compress(rows))
       + chunk(b'IEND', b''))
open(sys.argv[1], 'wb').write(png)
EOF

# --- a good file ----------------------------------------------------------

run info "$good"
if [ "$status" -ne 0 ]; then
  not_ok "info on a good file exits 0" "exit status $status"
elif [ -s "$tmp/err" ]; then
  not_ok "info on a good file exits 0" "stderr is not empty"
elif ! grep -qF "3 × 2 pixels" "$tmp/out"; then
  not_ok "info on a good file exits 0" "no “3 × 2 pixels” in the output"
elif ! grep -qF "16-bit grey" "$tmp/out"; then
  not_ok "info on a good file exits 0" "no “16-bit grey” in the output"
elif ! grep -qF "0.1000 × 0.0500 mm" "$tmp/out"; then
  not_ok "info on a good file exits 0" "no declared pixel size 0.1000 × 0.0500 mm"
else
  ok "info on a good file exits 0 and prints size, depth and pixel size"
fi

# A pHYs of 2 000 000 000 px/m is 1000 / 2e9 = 5e-07 mm per pixel (a wrong
# chunk, but the number must show), and 1 px/m is 1000 mm per pixel.
tiny="$tmp/tiny pixels.png"
python3 - "$good" "$tiny" <<'EOF' || exit 99
import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
old = struct.pack('>IIB', 10000, 20000, 1)
new = struct.pack('>IIB', 2000000000, 1, 1)
at = data.index(b'pHYs' + old)
body = b'pHYs' + new
data = data[:at] + body + struct.pack('>I', zlib.crc32(body) & 0xffffffff) + data[at + 4 + 9 + 4:]
open(sys.argv[2], 'wb').write(data)
EOF
run info "$tiny"
if [ "$status" -eq 0 ] && grep -qF "Pixel size:  5e-07 × 1000.0000 mm" "$tmp/out"; then
  ok "a pixel size under a micrometre is printed with its digits, not as 0.0000"
else
  not_ok "a pixel size under a micrometre is printed with its digits, not as 0.0000" \
         "$(grep 'Pixel size' "$tmp/out")"
fi

# A file name with control characters is printed escaped.
odd="$tmp/odd$(printf '\033')[2Jname
Size: 1 x 1.png"
cp "$good" "$odd"
run info "$odd"
if [ "$status" -eq 0 ] && grep -qF 'odd\e[2Jname\nSize: 1 x 1.png' "$tmp/out" \
   && [ "$(grep -c '^Size:' "$tmp/out")" -eq 1 ] && ! grep -q "$(printf '\033')" "$tmp/out"; then
  ok "info escapes control characters in the file name"
else
  not_ok "info escapes control characters in the file name" "$(tr '\n' '|' <"$tmp/out")"
fi

run info --json "$good"
if [ "$status" -ne 0 ]; then
  not_ok "info --json on a good file" "exit status $status"
elif python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["width"] == 3 and d["height"] == 2, "size"
assert d["bit_depth"] == 16 and d["file_bit_depth"] == 16, "bit depth"
assert d["channels"] == 1 and d["colour_type"] == "grey", "colour type"
# 1000 mm / 10000 px = 0.1 mm; 1000 mm / 20000 px = 0.05 mm
assert abs(d["pixel_size_mm"][0] - 0.1) < 1e-12, "pixel size x"
assert abs(d["pixel_size_mm"][1] - 0.05) < 1e-12, "pixel size y"
assert d["text"] == {"Comment": "knee, lateral"}, "text"
assert d["path"].endswith("good frame.png"), "path"
' "$tmp/out" 2>"$tmp/py-err"; then
  ok "info --json on a good file is valid JSON with the right values"
else
  not_ok "info --json on a good file" "$(tail -n 1 "$tmp/py-err")"
fi

if [ -f "${NP_TESTDATA_DIR:-/nonexistent}/frames/XA1_WG04_16bit.png" ]; then
  run info --json "$NP_TESTDATA_DIR/frames/XA1_WG04_16bit.png"
  if [ "$status" -eq 0 ] && python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert (d["width"], d["height"], d["bit_depth"], d["channels"]) == (1024, 1024, 16, 1)
' "$tmp/out" 2>/dev/null; then
    ok "info --json on a real 16-bit X-ray frame"
  else
    not_ok "info --json on a real 16-bit X-ray frame" "exit status $status"
  fi
else
  skip "info --json on a real 16-bit X-ray frame" "no shared test data (NP_TESTDATA_DIR)"
fi

# --- bad input: exit 1, one line on stderr naming the file -----------------

missing="$tmp/no such frame.png"
run info "$missing"
check_failure "missing file" 1 "$missing" "no such file"

run info --json "$missing"
check_failure "missing file with --json" 1 "$missing" "no such file"

truncated="$tmp/cut short.png"
head -c 60 "$good" >"$truncated"
run info "$truncated"
check_failure "truncated file" 1 "$truncated" "truncated"

not_png="$tmp/notes.png"
printf 'Patient notes, not an image\n' >"$not_png"
run info "$not_png"
check_failure "a text file named .png" 1 "$not_png" "not a PNG or JPEG image"

empty="$tmp/empty.png"
: >"$empty"
run info "$empty"
check_failure "empty file" 1 "$empty" "empty"

folder="$tmp/a folder.png"
mkdir "$folder"
run info "$folder"
check_failure "a folder" 1 "$folder" "folder"

unicode="$tmp/Überweisung Knie.png"
printf 'GIF89a' >"$unicode"
run info "$unicode"
check_failure "a non-ASCII file name is named in the message" 1 "$unicode" "not a PNG or JPEG image"

# --- bad usage: exit 2, one line on stderr ---------------------------------

run frobnicate "$good"
check_failure "unknown verb" 2 "frobnicate" "--help"

run info
check_failure "info without a FRAME" 2 "FRAME"

run info "$good" "$good"
check_failure "info with two frames" 2 "FRAME"

run info --no-such-option "$good"
check_failure "unknown option" 2 "--no-such-option"

run
if [ "$status" -eq 2 ] && grep -q "^Usage: needleplan-cli" "$tmp/err" && [ ! -s "$tmp/out" ]; then
  ok "no arguments: usage on stderr, exit 2"
else
  not_ok "no arguments: usage on stderr, exit 2" "exit status $status"
fi

# --- JPEG frames ------------------------------------------------------------

if command -v convert >/dev/null 2>&1; then
  # 40 × 30 grey and colour JPEGs written by ImageMagick, and one cut short
  convert -size 40x30 gradient:black-white -colorspace Gray -quality 90 "$tmp/grey.jpg"
  convert -size 40x30 gradient:red-blue -quality 90 "$tmp/colour.jpg"
  convert -size 400x300 xc:gray50 -seed 3 +noise Random -quality 95 "$tmp/big.jpg"
  head -c 1500 "$tmp/big.jpg" >"$tmp/cut.jpg"

  run info "$tmp/grey.jpg"
  check_text "info x.jpg: a grey JPEG opens as 8-bit grey and says it carries no calibration" \
    "40 × 30 pixels" "JPEG image (no calibration in the file)" "8-bit grey" "not declared"

  run info --json "$tmp/colour.jpg"
  check_json "info --json x.jpg: a colour JPEG opens as RGB without a pixel size" '
assert d["width"] == 40 and d["height"] == 30, "size"
assert d["channels"] == 3, "channels"
assert d["file_format"] == "JPEG image (no calibration in the file)", d["file_format"]
assert d["pixel_size_mm"] is None, "pixel size"
assert d["depth_scale_found"] is None, "depth scale"'

  run info "$tmp/cut.jpg"
  check_failure "info on a truncated JPEG: exit 1, one line naming the file and the damage" 1 \
    "cut.jpg" "truncated"
else
  skip "info x.jpg" "ImageMagick convert is not installed"
  skip "info --json x.jpg" "ImageMagick convert is not installed"
  skip "info on a truncated JPEG" "ImageMagick convert is not installed"
fi

# --- help and version ------------------------------------------------------

run --help
if [ "$status" -eq 0 ] && [ ! -s "$tmp/err" ] && grep -q "^Usage: needleplan-cli" "$tmp/out" \
   && grep -q "^  info " "$tmp/out"; then
  ok "--help prints usage with the info verb on stdout, exit 0"
else
  not_ok "--help prints usage with the info verb on stdout, exit 0" "exit status $status"
fi

run info --help
if [ "$status" -eq 0 ] && [ ! -s "$tmp/err" ] && grep -qF -- "--json" "$tmp/out"; then
  ok "info --help lists --json, exit 0"
else
  not_ok "info --help lists --json, exit 0" "exit status $status"
fi

run --version
if [ "$status" -eq 0 ] && [ ! -s "$tmp/err" ] && [ "$(wc -l <"$tmp/out")" -eq 1 ] \
   && grep -Eq '^needleplan-cli [0-9]+\.[0-9]+\.[0-9]+$' "$tmp/out"; then
  ok "--version prints one line “needleplan-cli X.Y.Z”, exit 0"
else
  not_ok "--version prints one line “needleplan-cli X.Y.Z”, exit 0" "exit status $status"
fi

tap_finish
