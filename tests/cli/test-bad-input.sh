#!/usr/bin/env bash
# test-bad-input.sh: hostile input against needleplan-cli, one table (TAP)
#
# Copyright 2026 The NeedlePlan authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-bad-input.sh PATH/TO/needleplan-cli
#
# Every row is a hostile input and the exact line the user reads. For each:
# the exit status is 1 (bad input) or 2 (bad usage), never a signal (≥ 128)
# or a hang; stderr is that one line; nothing is printed on stdout; and the
# working folder is byte for byte what it was, hidden temporary files
# included, so no partial output is left and an earlier file is kept. The
# inputs are generated here (Python's standard library), never copied in.

set -u

cli=${1:?usage: test-bad-input.sh NEEDLEPLAN-CLI}
cli=$(cd "$(dirname "$cli")" && pwd)/$(basename "$cli")   # the cases run in another folder
. "$(dirname "$0")/tap-lib.sh"
work=$(cd "$tmp" && mkdir work && cd work && pwd -P)   # the CLI prints absolute paths physically

# ---- the hostile files ---------------------------------------------------------

python3 - "$work" <<'EOF' || { echo "Bail out! cannot generate the inputs"; exit 99; }
import copy, hashlib, json, os, struct, sys, zlib

out = sys.argv[1]

def chunk(kind, data):
    body = kind + data
    return struct.pack('>I', len(data)) + body + struct.pack('>I', zlib.crc32(body))

def png(width, height, idat, extra=b''):
    ihdr = struct.pack('>IIBBBBB', width, height, 8, 0, 0, 0, 0)   # 8-bit grey
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) + extra + chunk(b'IDAT', idat)
            + chunk(b'IEND', b''))

def write(name, data):
    path = os.path.join(out, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb' if isinstance(data, bytes) else 'w') as f:
        f.write(data)

# A 200 × 150 frame: each row is filter byte 0 and a gradient.
w, h = 200, 150
raw = b''.join(b'\x00' + bytes((x + y) % 256 for x in range(w)) for y in range(h))
frame = png(w, h, zlib.compress(raw))
write('frame.png', frame)
write('truncated.png', frame[:len(frame) // 2])          # cut inside the IDAT chunk
write('wrong-signature.png', b'GIF89a' + frame[6:])
write('empty.png', b'')
write('huge-header.png', png(100000, 100000, zlib.compress(bytes(100001))))
damaged = bytearray(frame)
damaged[20] ^= 0xff                                       # inside IHDR: its CRC no longer matches
write('bad-crc.png', bytes(damaged))

# A zlib bomb: a 1 × 1 image (2 bytes of row data) whose IDAT stream goes on
# to inflate to 1 GiB of zeros in about 1 MiB. After a full flush deflate
# starts afresh, so every 1 MiB of zeros compresses to the same bytes; the
# Adler-32 of n zero bytes is a = 1, b = n mod 65521.
zero = bytes(1 << 20)
deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
block = deflate.compress(zero) + deflate.flush(zlib.Z_FULL_FLUSH)
total = 1024 << 20
stream = (b'\x78\xda' + block * 1024 + deflate.flush(zlib.Z_FINISH)
          + struct.pack('>I', ((total % 65521) << 16) | 1))
write('zlib-bomb.png', png(1, 1, stream))
# A zTXt comment that inflates to 256 MiB: libpng's chunk limit drops it.
text = zlib.compressobj(9)
ztxt = b''.join(text.compress(b'A' * (1 << 20)) for _ in range(256)) + text.flush()
write('ztxt-bomb.png', png(w, h, zlib.compress(raw), chunk(b'zTXt', b'Comment\x00\x00' + ztxt)))

plan = {
    'format': 'needleplan-plan', 'version': 1, 'modality': 'ultrasound', 'probe': 'linear',
    'site': 'knee', 'side': 'left', 'technique': 'in-plane', 'title': 'bad-input table',
    'frame': {'path': 'frame.png', 'sha256': hashlib.sha256(frame).hexdigest()},
    'calibration': {'method': 'manual', 'mm_per_px': [0.1, 0.1]},
    'marks': {'target': [100, 80], 'entry': [40, 0],
              'structures': [{'label': 'artery', 'kind': 'vessel', 'shape': 'ellipse',
                              'points': [[120, 40], [8, 8]], 'margin_mm': 2}]},
}

def variant(name, change):
    p = copy.deepcopy(plan)
    change(p)
    write(name, json.dumps(p, indent=2) + '\n')

variant('plan.json', lambda p: None)
variant('wrong-type.json', lambda p: p['marks'].update(target='100, 80'))
variant('wrong-type-version.json', lambda p: p.update(version='1'))
variant('missing-format.json', lambda p: p.pop('format'))
variant('missing-frame.json', lambda p: p.pop('frame'))
variant('huge.json', lambda p: p['marks'].update(target=[1e300, 80]))
variant('escape.json', lambda p: p['frame'].update(path='../outside/frame.png'))
variant('absolute.json', lambda p: p['frame'].update(path='/etc/passwd'))
variant('version.json', lambda p: p.update(version=7))
# Version 2 reaches frames by "..", but what it names must be a frame.
variant('v2-text-frame.json', lambda p: (p.update(version=2), p['frame'].update(path='../work/notes.txt')))
variant('v2-fifo-frame.json', lambda p: (p.update(version=2), p['frame'].update(path='fifo.png')))
write('notes.txt', 'name: a secret, not an image\n')
# Numbers JSON does not have, which json-glib's scanner would take.
write('leading-zero.json', json.dumps(plan, indent=2).replace('"target": [\n      100,',
                                                              '"target": [\n      0100,'))
# Numbers that are not JSON numbers in other ways: json-glib's scanner
# would say "scanner: unknown error" or "digit is beyond radix".
write('bad-exponent.json', json.dumps(plan, indent=2).replace('"target": [\n      100,',
                                                              '"target": [\n      1e,'))
write('hex.json', json.dumps(plan, indent=2).replace('"target": [\n      100,',
                                                     '"target": [\n      0x64,'))
write('double-minus.json', json.dumps(plan, indent=2).replace('"target": [\n      100,',
                                                              '"target": [\n      --5,'))
# Pixel sizes no imaging system gives (issue 18: 1e-300 gave depth 0.0 mm
# and a 16 mm needle; 1e-200 printed "-nan.0" in --json).
variant('tiny-scale.json', lambda p: p['calibration'].update(mm_per_px=[1e-300, 1e-300]))
variant('nan-scale.json', lambda p: p['calibration'].update(mm_per_px=[1e-200, 1e-200]))
variant('huge-scale.json', lambda p: p['calibration'].update(mm_per_px=[20, 20]))
variant('skewed-scale.json', lambda p: p['calibration'].update(mm_per_px=[0.1, 2]))
# The trainee's plan of another frame (another SHA-256).
variant('other-frame.json', lambda p: p['frame'].update(sha256=hashlib.sha256(b'x').hexdigest()))
# JSON has no NaN and no infinity; a writer that emits them anyway.
write('nan.json', '{\n  "format": "needleplan-plan",\n  "version": 1,\n'
                  '  "marks": {"target": [NaN, 80]}\n}\n')
write('infinity.json', json.dumps(plan, indent=2).replace('"target": [\n      100,',
                                                          '"target": [\n      1e999,'))
# The plan of a frame that has since been deleted.
write('gone/plan.json', json.dumps(plan, indent=2) + '\n')
# An earlier export the user wants kept.
write('kept.png', b'an earlier export\n')
# Many zTXt chunks, each well under the per-chunk limit, together over the
# 32 MiB text budget: 40 comments of 1 MiB of 'B' (a few KiB compressed).
comment = zlib.compress(b'B' * (1 << 20), 9)
many = b''.join(chunk(b'zTXt', b'Comment%d\x00\x00' % i + comment) for i in range(40))
write('many-ztxt.png', png(w, h, zlib.compress(raw), many))
EOF
mkfifo "$work/fifo.png"
# Save targets that are not regular files: a FIFO (standing in for a device
# node, which a test never touches), a link to it, a dangling link, a
# read-only earlier export and a hard link to the frame.
mkfifo "$work/out-fifo.png"
ln -s out-fifo.png "$work/link-to-fifo.png"
ln -s nowhere/report.pdf "$work/dangling.pdf"
printf 'a read-only earlier export\n' >"$work/read-only.png"
chmod 444 "$work/read-only.png"
ln "$work/frame.png" "$work/hard-link.png"
truncate -s 17M "$work/oversized.json"   # above the 16 MiB plan limit; sparse, costs nothing

# ---- the checks ----------------------------------------------------------------

snapshot () {
  (cd "$work" && find . -printf '%p %y %s\n' | LC_ALL=C sort \
     && find . -type f ! -name oversized.json -exec cksum {} + | LC_ALL=C sort)
}

# expect NAME STATUS MESSAGE CLI-ARGS...: runs the CLI in the working folder.
expect () {
  local name=$1 expected=$2 message=$3
  shift 3
  snapshot >"$tmp/before"
  (cd "$work" && exec timeout 60 "$cli" "$@") >"$tmp/out" 2>"$tmp/err"
  status=$?
  verdict "$name" "$expected" "$message"
}

# expect_full_disk NAME MESSAGE CLI-ARGS...: the same with the file size limit
# at 0 and SIGXFSZ ignored, so every write to a file fails with EFBIG as on
# a full disk. stderr goes through a pipe, which the limit does not touch.
expect_full_disk () {
  local name=$1 message=$2
  shift 2
  snapshot >"$tmp/before"
  (cd "$work" && trap '' XFSZ && ulimit -f 0 && exec timeout 60 "$cli" "$@") 2>&1 >/dev/null \
    | cat >"$tmp/err"
  status=${PIPESTATUS[0]}
  : >"$tmp/out"
  verdict "$name" 1 "$message"
}

verdict () {
  local name=$1 expected=$2 message="needleplan-cli: $3"
  snapshot >"$tmp/after"
  if [ "$status" -ge 124 ]; then
    not_ok "$name" "exit status $status: killed, crashed or hung"
  elif [ "$status" -ne "$expected" ]; then
    not_ok "$name" "exit status $status, expected $expected"
  elif [ "$(cat "$tmp/err")" != "$message" ] || [ "$(wc -l <"$tmp/err")" -ne 1 ]; then
    not_ok "$name" "expected on stderr: $message"
  elif [ -s "$tmp/out" ]; then
    not_ok "$name" "a failure printed something on stdout"
  elif ! cmp -s "$tmp/before" "$tmp/after"; then
    not_ok "$name" "the folder changed:" \
      "$(diff "$tmp/before" "$tmp/after" | grep '^[<>]' | tr '\n' ' ')"
  else
    ok "$name"
  fi
}

# -- frames (info) --
expect "truncated PNG" 1 "Cannot open “truncated.png”: the file is truncated" \
  info truncated.png
expect "wrong signature" 1 "Cannot open “wrong-signature.png”: not a PNG or JPEG image" \
  info wrong-signature.png
expect "empty file" 1 "Cannot open “empty.png”: the file is empty" info empty.png
expect "header claiming 100000 × 100000" 1 \
  "Cannot open “huge-header.png”: image is 100000 × 100000 pixels, larger than the 64-megapixel limit" \
  info huge-header.png
expect "checksum error in IHDR" 1 \
  "Cannot open “bad-crc.png”: the file is damaged (checksum error in its IHDR chunk)" \
  info bad-crc.png
start=$(date +%s)
expect "zlib bomb: 1 × 1 image whose data inflates to 1 GiB" 1 \
  "Cannot open “zlib-bomb.png”: the image data is damaged" info zlib-bomb.png
elapsed=$(( $(date +%s) - start ))
if [ "$elapsed" -le 10 ]; then
  ok "the zlib bomb is refused without inflating it (${elapsed} s)"
else
  not_ok "the zlib bomb is refused without inflating it" "took ${elapsed} s"
fi
expect "a FIFO instead of a file (would block a reader)" 1 \
  "Cannot open “fifo.png”: it is not a regular file" info fifo.png
expect "a folder instead of a frame" 1 "Cannot open “gone”: it is a folder, not an image" \
  info gone

# A zTXt bomb is not an error: the image is intact, the oversized comment is
# dropped at libpng's 8 MiB chunk limit instead of being inflated.
(cd "$work" && exec timeout 60 "$cli" info ztxt-bomb.png) >"$tmp/out" 2>"$tmp/err"
status=$?
if [ "$status" -eq 0 ] && grep -qF "Size:        200 × 150 pixels" "$tmp/out" && [ ! -s "$tmp/err" ]; then
  ok "zTXt bomb: the frame opens, the 256 MiB comment is dropped"
else
  not_ok "zTXt bomb: the frame opens, the 256 MiB comment is dropped" "exit status $status"
fi

# -- plans (plan) --
expect "plan: wrong type (target as text)" 1 \
  "“wrong-type.json”: “marks.target” must be two numbers [x, y]" plan wrong-type.json
expect "plan: wrong type (version as text)" 1 \
  "“wrong-type-version.json”: “version” must be a whole number" plan wrong-type-version.json
expect "plan: missing format" 1 \
  "“missing-format.json” is not a NeedlePlan plan: “format” is missing or not text" \
  plan missing-format.json
expect "plan: missing frame" 1 "“missing-frame.json”: “frame” is missing" plan missing-frame.json
# json-glib points at the last character of the bad token: line 4 is
# '  "marks": {"target": [NaN, 80]}', where NaN takes columns 24 to 26.
expect "plan: NaN coordinate" 1 \
  "“nan.json”: not valid JSON: line 4, column 26: unexpected identifier \`NaN', expected value" \
  plan nan.json
expect "plan: coordinate 1e999 (infinite)" 1 \
  "“infinity.json”: “marks.target” is out of range: coordinates must be finite and within ±1000000 px" \
  plan infinity.json
expect "plan: huge coordinate 1e300" 1 \
  "“huge.json”: “marks.target” is out of range: coordinates must be finite and within ±1000000 px" \
  plan huge.json
expect "plan: a version 1 plan reaches its frame by .." 1 \
  "“escape.json”: “frame.path” uses “..”, which a version 1 plan may not" \
  plan escape.json
expect "plan: absolute frame path" 1 \
  "“absolute.json”: “frame.path” must be relative to the plan's folder, not “/etc/passwd”" \
  plan absolute.json
expect "export: version 2 frame path naming a text file" 1 \
  "“v2-text-frame.json” names “$work/notes.txt” as its frame, which is not a PNG, JPEG or DICOM image" \
  export v2-text-frame.json --png "$work/v2-text.png"
expect "export: version 2 frame path naming a FIFO" 1 \
  "“v2-fifo-frame.json” names “$work/fifo.png” as its frame, which is not a regular file" \
  export v2-fifo-frame.json --png "$work/v2-fifo.png"
expect "plan: a number with a leading zero" 1 \
  "“leading-zero.json”: not valid JSON: line 23, column 7: “target” holds 0100, which is not a JSON number (write digits, with a point only between digits)" \
  plan leading-zero.json
expect "plan: exponent without digits (1e)" 1 \
  "“bad-exponent.json”: not valid JSON: line 23, column 7: “target” holds 1e, which is not a JSON number (write digits, with a point only between digits)" \
  plan bad-exponent.json
expect "plan: hexadecimal number (0x64)" 1 \
  "“hex.json”: not valid JSON: line 23, column 7: “target” holds 0x64, which is not a JSON number (write digits, with a point only between digits)" \
  plan hex.json
expect "plan: two minus signs (--5)" 1 \
  "“double-minus.json”: not valid JSON: line 23, column 7: “target” holds --5, which is not a JSON number (write digits, with a point only between digits)" \
  plan double-minus.json
expect "plan --samples 1e" 2 "--samples “1e” must be a whole number from 100 to 1000000" \
  plan --samples 1e plan.json
expect "plan --walkdown-angle 0x10" 2 \
  "--walkdown-angle “0x10” must be an angle above 0° and up to 90°" \
  plan --walkdown-angle 0x10 plan.json
expect "plan: pixel size 1e-300 mm/px" 1 \
  "The pixel size 1e-300 × 1e-300 mm/px is outside the plausible 0.001–10 mm/px: check the calibration" \
  plan tiny-scale.json
expect "plan --json: pixel size 1e-200 mm/px (printed -nan.0)" 1 \
  "The pixel size 1e-200 × 1e-200 mm/px is outside the plausible 0.001–10 mm/px: check the calibration" \
  plan --json nan-scale.json
expect "plan: pixel size 20 mm/px" 1 \
  "The pixel size 20 × 20 mm/px is outside the plausible 0.001–10 mm/px: check the calibration" \
  plan huge-scale.json
expect "export: pixel size 0.1 × 2 mm/px (ratio 20)" 1 \
  "The pixel size 0.1 × 2 mm/px is more than 10 times larger on one axis than on the other: check the calibration" \
  export skewed-scale.json --png skewed.png
expect "score: a trainee's plan of another frame" 1 \
  "“other-frame.json” and “plan.json” are plans of different frames (their frames' SHA-256 differ): score a trainee's plan of the case's own frame" \
  score plan.json other-frame.json
expect "plan: unknown version" 1 \
  "“version.json” was made by a newer NeedlePlan; version 7 is not supported (this NeedlePlan reads version 2)" \
  plan version.json
expect "plan: a FIFO instead of a plan" 1 "Cannot open “fifo.png”: it is not a regular file" \
  plan fifo.png
# 17 MiB = 17825792 bytes, which g_format_size() writes as 17.8 MB with a
# no-break space.
expect "plan: larger than 16 MiB" 1 \
  "“oversized.json” is 17.8$(printf '\302\240')MB, over the 16 MiB limit of a plan file" \
  plan oversized.json

# -- outputs that cannot be written (as root permissions do not stop a write,
#    so the parent is a regular file or does not exist) --
expect "export --png under a regular file" 1 \
  "Cannot save “frame.png/out.png”: part of the path is not a folder" \
  export plan.json --png frame.png/out.png
expect "export --pdf into a missing folder" 1 \
  "Cannot save “missing/out.pdf”: no such file or folder" \
  export plan.json --pdf missing/out.pdf
expect "optimize -o under a regular file" 1 \
  "Cannot save “frame.png/optimised.json”: part of the path is not a folder" \
  optimize plan.json -o frame.png/optimised.json
expect "optimize -o into a missing folder" 1 \
  "Cannot save “missing/optimised.json”: no such file or folder" \
  optimize plan.json -o missing/optimised.json
expect "phantom -o under a regular file" 1 \
  "Cannot create the case folder “frame.png/case”: Not a directory" \
  phantom --site knee --seed 1 -o frame.png/case

# -- outputs that would replace an input, or are not regular files --
expect "export --png onto a FIFO" 1 \
  "Cannot save “out-fifo.png”: it is a named pipe (FIFO), not a regular file" \
  export plan.json --png out-fifo.png
expect "export --png onto a link to a FIFO" 1 \
  "Cannot save “link-to-fifo.png”: it is a named pipe (FIFO), not a regular file" \
  export plan.json --png link-to-fifo.png
expect "export --pdf onto a dangling link" 1 \
  "Cannot save “dangling.pdf”: it is a symbolic link to a file that does not exist" \
  export plan.json --pdf dangling.pdf
expect "export --png onto a folder" 1 "Cannot save “gone”: it is a folder" \
  export plan.json --png gone
expect "export --png onto a read-only file" 1 "Cannot save “read-only.png”: it is read-only" \
  export plan.json --png read-only.png
expect "export --png onto a hard link of the frame" 1 \
  "Will not save over “hard-link.png”: it is the frame the export is made from; choose another file name" \
  export plan.json --png hard-link.png
expect "export --pdf onto the plan as ./plan.json" 1 \
  "Will not save over “./plan.json”: it is the plan file the export is made from; choose another file name" \
  export plan.json --pdf ./plan.json
expect "export --png and --pdf as two spellings of one file" 2 \
  "--png and --pdf name the same file “new.png”" \
  export plan.json --png new.png --pdf ./new.png
expect "export: the PNG is not written when the PDF cannot be (all or nothing)" 1 \
  "Cannot save “out-fifo.png”: it is a named pipe (FIFO), not a regular file" \
  export plan.json --png new.png --pdf out-fifo.png
expect "optimize -o onto the frame" 1 \
  "Will not save over “frame.png”: it is the plan's frame; choose another file name" \
  optimize plan.json -o frame.png
expect "optimize -o onto its own plan by another spelling" 1 \
  "Will not save over “./plan.json”: it is the plan being optimised; choose another file name" \
  optimize plan.json -o ./plan.json
expect "optimize -o onto a FIFO" 1 \
  "Cannot save “out-fifo.png”: it is a named pipe (FIFO), not a regular file" \
  optimize plan.json -o out-fifo.png
expect "phantom -o a folder that holds files" 1 \
  "“gone” already holds files: choose an empty or new folder, or give --force to replace the case in it" \
  phantom --site knee --seed 1 -o gone
expect "info of 40 zTXt chunks over the total text budget" 1 \
  "Cannot open “many-ztxt.png”: its text chunks hold more than 32 MiB of text once decompressed" \
  info many-ztxt.png

# -- a full disk; kept.png holds an earlier export that must survive --
expect_full_disk "full disk: export --png over an earlier export" \
  "Cannot save “kept.png”: the disk is full or the file is too large" \
  export plan.json --png kept.png
expect_full_disk "full disk: export --pdf" \
  "Cannot save “report.pdf”: the disk is full or the file is too large" \
  export plan.json --pdf report.pdf
expect_full_disk "full disk: optimize -o" \
  "Cannot save “optimised.json”: the disk is full or the file is too large" \
  optimize plan.json -o optimised.json
expect_full_disk "full disk: phantom (no half-written case folder)" \
  "Cannot save “case/frame.png”: the disk is full or the file is too large" \
  phantom --site knee --seed 1 -o case

# -- the frame was deleted after the plan was saved --
expect "export of a plan whose frame was deleted" 1 \
  "The frame “$work/gone/frame.png” of “plan.json” cannot be found: No such file or directory" \
  export gone/plan.json --png gone/out.png

# ---- not errors, but never numbers without meaning, and never a hang -----------
# These write outside the compared folder, in $tmp/size.
mkdir -p "$tmp/size"
cp "$work/frame.png" "$tmp/size/frame.png"
python3 - "$work/plan.json" "$tmp/size" <<'EOF'
import json, math, os, sys
plan = json.load(open(sys.argv[1]))
out = sys.argv[2]
# The largest plan the format allows in points and structures: a 10,000-point
# skin line and 1,000 small polygons (quadratic, plan took over a minute and
# the PDF 41 s for 4,000 structures).
large = json.loads(json.dumps(plan))
large['marks']['skin'] = {'kind': 'polyline', 'points': [[round(200 * i / 9999, 4),
                          round(2 + math.sin(i * 0.01), 4)] for i in range(10000)]}
large['marks']['structures'] = [
    {'label': 's%d' % i, 'kind': 'vessel', 'shape': 'polygon', 'margin_mm': 0.1,
     'points': [[5 + (i % 60) * 3, 100 + (i // 60)], [6 + (i % 60) * 3, 100 + (i // 60)],
                [6 + (i % 60) * 3, 101 + (i // 60)]]} for i in range(1000)]
json.dump(large, open(os.path.join(out, 'large.json'), 'w'))
# The entry on the target: no path, angle or needle, and a warning.
same = json.loads(json.dumps(plan))
same['marks']['entry'] = same['marks']['target']
json.dump(same, open(os.path.join(out, 'entry-on-target.json'), 'w'))
EOF
start=$(date +%s)
(cd "$tmp/size" && exec timeout 120 "$cli" plan --json large.json) >"$tmp/out" 2>"$tmp/err"
status=$?
elapsed=$(( $(date +%s) - start ))
if [ "$status" -eq 0 ] \
   && python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$tmp/out"; then
  ok "plan --json on a 10,000-point skin with 1,000 structures (${elapsed} s)"
else
  not_ok "plan --json on a 10,000-point skin with 1,000 structures" \
    "exit status $status after ${elapsed} s"
fi
start=$(date +%s)
(cd "$tmp/size" && exec timeout 120 "$cli" export large.json --pdf large.pdf) >"$tmp/out" 2>"$tmp/err"
status=$?
elapsed=$(( $(date +%s) - start ))
if [ "$status" -eq 0 ] && [ -s "$tmp/size/large.pdf" ]; then
  ok "PDF report of 1,000 structures (${elapsed} s)"
else
  not_ok "PDF report of 1,000 structures" "exit status $status after ${elapsed} s"
fi
(cd "$tmp/size" && exec timeout 60 "$cli" plan --json entry-on-target.json) >"$tmp/out" 2>"$tmp/err"
status=$?
if [ "$status" -eq 0 ] && python3 - "$tmp/out" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d['path_length_mm'] is None and d['insertion_angle_deg'] is None, d
assert d['needle_mm'] is None, d['needle_mm']
assert any('less than a pixel from the target' in w for w in d['warnings']), d['warnings']
EOF
then
  ok "plan: the entry on the target gives no path, angle or needle, and says why"
else
  not_ok "plan: the entry on the target gives no path, angle or needle, and says why" \
    "exit status $status"
fi

tap_finish
