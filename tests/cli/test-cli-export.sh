#!/bin/sh
# test-cli-export.sh: needleplan-cli export of one plan and of a folder (TAP)
#
# Copyright 2026 The NeedlePlan authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-cli-export.sh PATH/TO/needleplan-cli
#
# The cases are tests/data/export (written by make-fixtures.py there):
#   knee-us: skin y = 12, 0.15 mm/px, target (190, 120), entry (0, 12), so
#     depth (120 - 12) × 0.15 = 16.2 mm and path
#     √((190 × 0.15)² + (108 × 0.15)²) = √(28.5² + 16.2²) = 32.8 mm;
#     patient "Zebulon Quackenbush", ID "PID-98765-XQ".
#   hip-fluoro: 16-bit, uncalibrated, one AP view, entry on the target.

set -u

cli=${1:?usage: test-cli-export.sh NEEDLEPLAN-CLI}
cases="$(cd "$(dirname "$0")/../data/export" && pwd)" || exit 99
. "$(dirname "$0")/tap-lib.sh"

name="Zebulon Quackenbush"
id="PID-98765-XQ"

have () {
  command -v "$1" >/dev/null 2>&1
}

# pdf_text FILE: the PDF's text on one line, runs of white space as one space
pdf_text () {
  pdftotext "$1" - 2>/dev/null | tr '\n\f' '  ' | tr -s ' '
}

# check_failure NAME EXPECTED_STATUS TEXT...: exit code as expected, one line
# on stderr containing every TEXT, nothing on stdout.
check_failure () {
  name_=$1
  expected=$2
  shift 2
  if [ "$status" -ne "$expected" ]; then
    not_ok "$name_" "exit status $status, expected $expected"
    return
  fi
  if [ "$(wc -l <"$tmp/err" | tr -d ' ')" -ne 1 ]; then
    not_ok "$name_" "stderr is not exactly one line"
    return
  fi
  for text in "$@"; do
    if ! grep -qF -- "$text" "$tmp/err"; then
      not_ok "$name_" "stderr does not contain “$text”"
      return
    fi
  done
  if [ -s "$tmp/out" ]; then
    not_ok "$name_" "a failure printed something on stdout"
    return
  fi
  ok "$name_"
}

# only_exports DIR: every file under DIR is a .png or .pdf (no temporary files)
only_exports () {
  [ -z "$(find "$1" -type f ! -name '*.png' ! -name '*.pdf')" ]
}

# Working copies, so that nothing is written next to the sources.
cp -R "$cases/knee-us" "$tmp/knee-us"
cp -R "$cases/hip-fluoro" "$tmp/hip-fluoro"
knee="$tmp/knee-us/plan.json"
hip="$tmp/hip-fluoro/plan.json"

# --- the report ------------------------------------------------------------

pdf="$tmp/report.pdf"
run export "$knee" --pdf "$pdf"
if [ "$status" -ne 0 ] || [ -s "$tmp/err" ] || [ ! -s "$pdf" ]; then
  not_ok "export --pdf exits 0 and writes the report" "exit status $status"
elif ! grep -qF "Wrote $pdf" "$tmp/out"; then
  not_ok "export --pdf exits 0 and writes the report" "stdout does not name the file"
else
  ok "export --pdf exits 0 and writes the report"
fi

if have pdfinfo && have pdftotext && have pdftoppm; then
  # Page 1: title, case, image and the start of the results (the image is
  # scaled to leave room); page 2: the rest, calibration, warnings,
  # statement and signature.
  pages=$(pdfinfo "$pdf" | sed -n 's/^Pages: *//p')
  size=$(pdfinfo "$pdf" | sed -n 's/^Page size: *//p')
  text=$(pdf_text "$pdf")
  if [ "$pages" != 2 ]; then
    not_ok "A4 report has 2 pages" "pdfinfo says $pages pages"
  elif ! echo "$size" | grep -q "^595.* x 841.*(A4)"; then
    not_ok "A4 report has 2 pages" "page size $size"
  elif ! echo "$text" | grep -qF "Page 1 of 2" || ! echo "$text" | grep -qF "Page 2 of 2"; then
    not_ok "A4 report has 2 pages" "no “Page N of 2” footers"
  else
    ok "A4 report has 2 A4 pages, numbered"
  fi

  page1=$(pdftotext -f 1 -l 1 "$pdf" - 2>/dev/null | tr '\n\f' '  ' | tr -s ' ')
  if echo "$page1" | grep -qF "Results" && echo "$page1" | grep -qF "Measure" &&
     echo "$page1" | grep -qF "Target depth 16.2 mm"; then
    ok "the results table starts on page 1, under the image"
  else
    not_ok "the results table starts on page 1, under the image" "page 1: $page1"
  fi

  missing=""
  for expected in "This plan is a planning aid." \
                  "not a substitute for the clinician's judgement at the procedure" \
                  "Target depth 16.2 mm" "Path length 32.8 mm" "95 % interval" \
                  "Dr. Ada Lovelace" "$name" "$id" "Platelet-rich plasma (PRP)" "4 ml" \
                  "Side Left" \
                  "Method: Pixel size typed in by the user." "0.1500 mm/px ± 0.0010" \
                  "Path crosses the quadriceps tendon" "Signature"; do
    if ! echo "$text" | grep -qF -- "$expected"; then
      missing="$missing “$expected”"
    fi
  done
  if [ -z "$missing" ]; then
    ok "report text: statement, depth and path in mm, clinician, patient, case, warnings"
  else
    not_ok "report text: statement, depth and path in mm, clinician, patient, case, warnings" \
           "missing:$missing"
  fi

  if pdftoppm -r 36 -gray "$pdf" "$tmp/page" 2>"$tmp/err" && python3 - "$tmp"/page-*.pgm <<'EOF'
import sys
# Every page renders and carries ink: some pixels darker than mid grey.
assert len(sys.argv) == 3, "expected 2 page images, got %d" % (len(sys.argv) - 1)
for path in sys.argv[1:]:
    data = open(path, 'rb').read()
    assert data.startswith(b'P5'), path
    fields = data.split(maxsplit=4)
    pixels = fields[4]
    dark = sum(1 for b in pixels if b < 128)
    assert dark > 100, "%s: only %d dark pixels" % (path, dark)
EOF
  then
    ok "pdftoppm renders both pages with ink on them"
  else
    not_ok "pdftoppm renders both pages with ink on them"
  fi

  run export "$knee" --pdf "$tmp/letter.pdf" --paper letter
  size=$(pdfinfo "$tmp/letter.pdf" 2>/dev/null | sed -n 's/^Page size: *//p')
  if [ "$status" -eq 0 ] && echo "$size" | grep -q "^612 x 792"; then
    ok "--paper letter gives 612 × 792 pt pages"
  else
    not_ok "--paper letter gives 612 × 792 pt pages" "exit status $status, page size $size"
  fi

  if pdffonts "$pdf" 2>/dev/null | awk 'NR > 2 { n++; if ($(NF-4) != "yes") bad++ }
                                        END { exit !(n > 0 && bad == 0) }'; then
    ok "every font in the report is embedded"
  else
    not_ok "every font in the report is embedded" "$(pdffonts "$pdf" 2>&1 | tr '\n' '|')"
  fi

  run export "$hip" --pdf "$tmp/hip.pdf" --date 2026-04-15
  text=$(pdf_text "$tmp/hip.pdf")
  if [ "$status" -ne 0 ]; then
    not_ok "uncalibrated 16-bit fluoroscopy report" "exit status $status"
  elif ! echo "$text" | grep -qF "Not calibrated." \
       || ! echo "$text" | grep -qF "needs a second view" \
       || ! echo "$text" | grep -qF "16-bit grey, shown with window" \
       || ! echo "$text" | grep -qF "2026-04-15"; then
    not_ok "uncalibrated 16-bit fluoroscopy report" "text: $text"
  else
    ok "uncalibrated 16-bit fluoroscopy report says so, with its window and --date"
  fi
else
  for what in "A4 report pages" "report text" "pdftoppm renders" "letter" "fonts embedded" \
              "uncalibrated report"; do
    skip "$what" "poppler-utils (pdfinfo, pdftotext, pdftoppm) not installed"
  done
fi

# --- the annotated image ---------------------------------------------------

png="$tmp/annotated.png"
run export "$knee" --png "$png"
if [ "$status" -eq 0 ] && [ ! -s "$tmp/err" ] && "$cli" info --json "$png" >"$tmp/info.json" \
   && python3 - "$tmp/info.json" "$name" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert (d["width"], d["bit_depth"], d["channels"]) == (320, 8, 3), "format"
assert d["height"] > 240, "no caption band below the 240 rows of the frame"
assert d["text"]["Software"].startswith("NeedlePlan "), "Software"
plan = json.loads(d["text"]["needleplan:plan"])
assert plan["format"] == "needleplan-plan" and plan["patient_name"] == sys.argv[2], "plan"
assert abs(plan["results"]["depth_mm"] - 16.2) < 1e-9, "depth"
EOF
then
  ok "export --png: RGB at the frame's width, caption band, plan and software in iTXt"
else
  not_ok "export --png: RGB at the frame's width, caption band, plan and software in iTXt" \
         "exit status $status"
fi

run export "$hip" --png "$tmp/hip.png" --window 2000,1000
if [ "$status" -eq 0 ] && [ -s "$tmp/hip.png" ]; then
  ok "a 16-bit frame exports through --window"
else
  not_ok "a 16-bit frame exports through --window" "exit status $status"
fi

# --- the field of view: the calibration's region, as plan --json ------------

# tests/data/plan-knee-vessel.json (1 mm/px, skin on the top edge, entry
# (60, 0), target (40, 40), frame 100 × 80) with a calibration valid from
# row 10 down: region [0, 10, 100, 70]. The path x = 60 − y / 2 reaches
# y = 10 at x = 55, so the needle comes into view at (55, 10), 10 mm below
# the skin (with the whole frame as the field: at the entry, 0 mm). The
# fixture's measurement (0,0)–(30,40), 50 mm, has its first point above
# row 10: outside the region, flagged; a second one, (20,20)–(50,60), also
# 50 mm, lies inside: not flagged. The export records what plan --json
# reports, and the report names the flagged measurement.
data="$(cd "$(dirname "$0")/../data" && pwd)" || exit 99
mkdir "$tmp/region"
cp "$data/plan-frame-100x80.png" "$tmp/region/" || exit 99
python3 - "$data/plan-knee-vessel.json" "$tmp/region/plan.json" <<'EOF'
import json, sys
plan = json.load(open(sys.argv[1]))
plan["calibration"]["region"] = [0, 10, 100, 70]
plan["marks"]["measurements"].append({"kind": "distance", "points": [[20, 20], [50, 60]]})
json.dump(plan, open(sys.argv[2], "w"), indent=2)
EOF
run plan "$tmp/region/plan.json" --json
cp "$tmp/out" "$tmp/region/plan-out.json"
# (check_json would overwrite $name, the patient's name the checks below use.)
if [ "$status" -eq 0 ] && [ ! -s "$tmp/err" ] \
   && python3 - "$tmp/region/plan-out.json" 2>"$tmp/py-err" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["field_of_view"] == [0, 10, 100, 70], d["field_of_view"]
assert d["fov_entry"] == [55, 10], d["fov_entry"]
assert abs(d["fov_entry_depth_mm"] - 10) < 1e-9, d["fov_entry_depth_mm"]
EOF
then
  ok "plan --json: the calibration's region is the field of view"
else
  not_ok "plan --json: the calibration's region is the field of view" "exit status $status" \
         "$(tail -n 1 "$tmp/py-err" 2>/dev/null)"
fi

if python3 - "$tmp/region/plan-out.json" 2>"$tmp/py-err" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
first, second = d["measurements"]
assert abs(first["value_mm"] - 50) < 1e-9 and abs(second["value_mm"] - 50) < 1e-9
assert first["outside_region"] is True, first
assert "point 1 of 2" in first["outside_region_reason"], first
assert second["outside_region"] is False and second["outside_region_reason"] is None, second
assert any(w.startswith("Measurement 1 (distance): point 1 of 2 lies outside")
           for w in d["warnings"]), d["warnings"]
assert not any(w.startswith("Measurement 2") for w in d["warnings"]), d["warnings"]
EOF
then
  ok "plan --json flags the measurement outside the calibrated region, not the one inside"
else
  not_ok "plan --json flags the measurement outside the calibrated region, not the one inside" \
         "$(tail -n 1 "$tmp/py-err" 2>/dev/null)"
fi

run plan "$tmp/region/plan.json"
check_text_lines=$(grep -c "OUTSIDE the calibrated region" "$tmp/out")
if [ "$status" -eq 0 ] && [ "$check_text_lines" -eq 1 ] \
   && grep -q "^  1 .*OUTSIDE the calibrated region" "$tmp/out"; then
  ok "plan (text) marks measurement 1 only as outside the calibrated region"
else
  not_ok "plan (text) marks measurement 1 only as outside the calibrated region" \
         "exit status $status"
fi

run export "$tmp/region/plan.json" --png "$tmp/region/annotated.png"
if [ "$status" -eq 0 ] && [ ! -s "$tmp/err" ] \
   && "$cli" info --json "$tmp/region/annotated.png" >"$tmp/region/info.json" \
   && python3 - "$tmp/region/info.json" "$tmp/region/plan-out.json" 2>"$tmp/py-err" <<'EOF'
import json, sys
results = json.loads(json.load(open(sys.argv[1]))["text"]["needleplan:plan"])["results"]
planned = json.load(open(sys.argv[2]))
assert results["fov_entry"] == [55, 10], results["fov_entry"]
assert abs(results["fov_entry_depth_mm"] - 10) < 1e-9, results["fov_entry_depth_mm"]
for key in ("fov_entry", "fov_entry_depth_mm", "depth_mm", "path_length_mm", "measurements",
            "warnings"):
    assert results[key] == planned[key], key
EOF
then
  ok "export --png records the field-of-view entry of the calibration's region, as plan --json"
else
  not_ok "export --png records the field-of-view entry of the calibration's region, as plan --json" \
         "exit status $status" "$(tail -n 1 "$tmp/py-err" 2>/dev/null)"
fi

if have pdftotext; then
  run export "$tmp/region/plan.json" --pdf "$tmp/region/report.pdf"
  text=$(pdf_text "$tmp/region/report.pdf")
  if [ "$status" -eq 0 ] \
     && echo "$text" | grep -qF "Measurement 1 (distance) 50.0 mm — outside the calibrated region" \
     && ! echo "$text" | grep -qF "Measurement 2 (distance) 50.0 mm — outside"; then
    ok "the report marks measurement 1, and not 2, as outside the calibrated region"
  else
    not_ok "the report marks measurement 1, and not 2, as outside the calibrated region" \
           "exit status $status" "text: $text"
  fi
else
  skip "the report marks the measurement outside the calibrated region" \
       "poppler-utils (pdftotext) not installed"
fi

# --- a plan without its frame's SHA-256 ------------------------------------
# "sha256": null does not switch the check off: the frame cannot be verified,
# and export and plan say so in those words (not as a mismatch).

cp -R "$cases/knee-us" "$tmp/unverified"
sed 's/"sha256": "[0-9a-f]*"/"sha256": null/' "$cases/knee-us/plan.json" >"$tmp/unverified/plan.json"
run export "$tmp/unverified/plan.json" --png "$tmp/unverified.png"
if [ "$status" -ne 0 ] || [ ! -s "$tmp/unverified.png" ]; then
  not_ok "export of a plan without its frame's SHA-256" "exit status $status"
elif ! grep -qF "warning: The frame “frame.png” cannot be verified: the plan records no SHA-256" "$tmp/err"; then
  not_ok "export of a plan without its frame's SHA-256" "stderr: $(cat "$tmp/err")"
elif grep -qF "differs" "$tmp/err"; then
  not_ok "export of a plan without its frame's SHA-256" "called a mismatch: $(cat "$tmp/err")"
else
  ok "export of a plan without its frame's SHA-256 warns that the frame cannot be verified"
fi
run plan "$tmp/unverified/plan.json"
if [ "$status" -eq 0 ] && grep -qF "The frame “frame.png” cannot be verified" "$tmp/out" "$tmp/err" \
   && ! grep -qF "mismatch" "$tmp/out" "$tmp/err"; then
  ok "plan of a plan without its frame's SHA-256 says the frame cannot be verified"
else
  not_ok "plan of a plan without its frame's SHA-256 says the frame cannot be verified" \
    "exit status $status; $(cat "$tmp/out" "$tmp/err" | tr '\n' ' ')"
fi

# --- anonymised ------------------------------------------------------------

run export "$knee" --png "$tmp/anon.png" --pdf "$tmp/anon.pdf" --anonymise
if [ "$status" -ne 0 ]; then
  not_ok "anonymised export" "exit status $status"
elif ! grep -qaF "$name" "$png" || ! grep -qaF "$id" "$png"; then
  not_ok "anonymised export" "control: the named PNG should hold the name and ID in plain bytes"
elif grep -qaF -e "$name" -e "$id" -e "Quackenbush" -e "98765" "$tmp/anon.png" "$tmp/anon.pdf"; then
  not_ok "anonymised export" "an identifier is in the bytes of the anonymised PNG or PDF"
elif have pdftotext && pdf_text "$tmp/anon.pdf" | grep -qF -e "Quackenbush" -e "98765"; then
  not_ok "anonymised export" "an identifier is in the anonymised report's text"
elif have pdftotext && ! pdf_text "$tmp/anon.pdf" | grep -qF "anonymised"; then
  not_ok "anonymised export" "the report does not say it is anonymised"
else
  ok "anonymised PNG and PDF hold no identifier (bytes and pdftotext)"
fi

# The patient's name where a plan carries it besides the name and ID: the
# frame's file name (with a suffix that is no image extension), its absolute
# path and the calibration's note. None of it may reach an anonymised export.
mkdir -p "$tmp/anon-leak"
cp "$cases/knee-us/frame.png" "$tmp/anon-leak/Zebulon.Quackenbush"
python3 - "$cases/knee-us/plan.json" "$tmp/anon-leak/plan.json" <<'EOF_PY'
import json, sys
plan = json.load(open(sys.argv[1]))
plan['version'] = 2   # absolute_path is a version 2 member
plan['frame']['path'] = 'Zebulon.Quackenbush'
plan['frame']['absolute_path'] = '/clinic/Zebulon Quackenbush/knee.png'
plan['calibration']['note'] = 'declared by “Zebulon.Quackenbush”'
json.dump(plan, open(sys.argv[2], 'w'), indent=2)
EOF_PY
run export "$tmp/anon-leak/plan.json" --png "$tmp/anon-leak.png" --pdf "$tmp/anon-leak.pdf" --anonymise
if [ "$status" -ne 0 ]; then
  not_ok "anonymised export: frame name, path and calibration note" "exit status $status: $(cat "$tmp/err")"
elif grep -qaF -e "Quackenbush" -e "Zebulon" "$tmp/anon-leak.png" "$tmp/anon-leak.pdf"; then
  not_ok "anonymised export: frame name, path and calibration note" "found in the bytes"
elif have pdftotext && pdf_text "$tmp/anon-leak.pdf" | grep -qF -e "Quackenbush" -e "Zebulon"; then
  not_ok "anonymised export: frame name, path and calibration note" "found in the report's text"
elif ! "$cli" info --json "$tmp/anon-leak.png" | grep -qF '\"path\": \"frame\",'; then
  not_ok "anonymised export: frame name, path and calibration note" \
    "the embedded plan does not name its frame “frame”"
else
  ok "anonymised export: frame name, path and calibration note are left out (bytes and pdftotext)"
fi

# --- refusals --------------------------------------------------------------

before=$(sha256sum <"$tmp/knee-us/frame.png")
run export "$knee" --png "$tmp/knee-us/frame.png"
after=$(sha256sum <"$tmp/knee-us/frame.png")
if [ "$before" != "$after" ]; then
  not_ok "refuses to write over the frame" "the frame changed"
else
  check_failure "refuses to write over the frame" 1 "Will not save over" "frame.png"
fi

run export "$knee" --pdf "$knee"
check_failure "refuses to write over the plan" 1 "Will not save over" "the plan file"

mkdir "$tmp/changed"
cp "$knee" "$tmp/changed/plan.json"
cp "$tmp/hip-fluoro/frame.png" "$tmp/changed/frame.png"
run export "$tmp/changed/plan.json" --png "$tmp/changed/out.png"
if [ -e "$tmp/changed/out.png" ]; then
  not_ok "a changed frame is not exported" "out.png was written"
else
  check_failure "a changed frame is not exported" 1 "has changed" "frame.png"
fi

run export "$tmp/no such plan.json" --pdf "$tmp/x.pdf"
check_failure "missing plan" 1 "no such plan.json" "no such file"

run export "$knee"
check_failure "no --png or --pdf" 2 "--png"

run export "$knee" --pdf "$tmp/x.pdf" --paper a5
check_failure "unknown paper" 2 "a5"

run export "$knee" --pdf "$tmp/x.pdf" --date 15/04/2026
check_failure "a date not written YYYY-MM-DD" 2 "YYYY-MM-DD"

run export "$knee" --out "$tmp/x"
check_failure "--out without --batch" 2 "--batch"

run export --batch "$tmp"
check_failure "--batch without --out" 2 "--out"

run export "$knee" --png "$tmp/same" --pdf "$tmp/same"
check_failure "--png and --pdf the same file" 2 "same file"

# Site and side are never filled in: without the side the export is refused;
# --unrecorded writes it, the report saying "Side not recorded".
mkdir "$tmp/no-side"
sed 's/"side": "left",/"side": "unspecified",/' "$knee" >"$tmp/no-side/plan.json"
cp "$tmp/knee-us/frame.png" "$tmp/no-side/frame.png"
run export "$tmp/no-side/plan.json" --pdf "$tmp/no-side/report.pdf"
if [ -e "$tmp/no-side/report.pdf" ]; then
  not_ok "a plan without its side is not exported" "report.pdf was written"
else
  check_failure "a plan without its side is not exported" 1 "does not record the side"
fi
run export "$tmp/no-side/plan.json" --pdf "$tmp/no-side/report.pdf" --unrecorded
if [ "$status" -ne 0 ] || [ ! -s "$tmp/no-side/report.pdf" ]; then
  not_ok "--unrecorded exports it, the report says the side is not recorded" \
         "exit status $status"
elif have pdftotext && ! pdf_text "$tmp/no-side/report.pdf" | grep -qF "Side not recorded"; then
  not_ok "--unrecorded exports it, the report says the side is not recorded" \
         "no “Side not recorded” in the report"
else
  ok "--unrecorded exports it, the report says the side is not recorded"
fi

# --- batch -----------------------------------------------------------------

in="$tmp/in"
mkdir -p "$in/nested" "$in/broken"
cp -R "$cases/knee-us" "$in/knee-us-01"
cp -R "$cases/knee-us" "$in/nested/knee-us-02"
cp -R "$cases/hip-fluoro" "$in/hip-fluoro"
head -c 200 "$cases/knee-us/plan.json" >"$in/broken/plan.json"

run export --batch "$in" --out "$tmp/batch"
# Sorted: broken, hip-fluoro, knee-us-01, nested/knee-us-02.
if [ "$status" -ne 1 ]; then
  not_ok "batch with one corrupt plan exits 1" "exit status $status"
else
  ok "batch with one corrupt plan exits 1"
fi
if grep -qF "[1/4] broken/plan.json … failed: " "$tmp/err" \
   && grep -qF "[2/4] hip-fluoro/plan.json … ok" "$tmp/err" \
   && grep -qF "[3/4] knee-us-01/plan.json … ok" "$tmp/err" \
   && grep -qF "[4/4] nested/knee-us-02/plan.json … ok" "$tmp/err"; then
  ok "batch prints a progress line per plan and goes on after the corrupt one"
else
  not_ok "batch prints a progress line per plan and goes on after the corrupt one"
fi
if grep -qF "Exported 3 of 4 plans" "$tmp/err" && grep -qF "1 failed:" "$tmp/err" \
   && grep -qF "  broken/plan.json: " "$tmp/err"; then
  ok "batch ends with a summary naming the failure"
else
  not_ok "batch ends with a summary naming the failure"
fi
if [ -s "$tmp/batch/hip-fluoro/plan.png" ] && [ -s "$tmp/batch/hip-fluoro/plan.pdf" ] \
   && [ -s "$tmp/batch/knee-us-01/plan.png" ] && [ -s "$tmp/batch/knee-us-01/plan.pdf" ] \
   && [ -s "$tmp/batch/nested/knee-us-02/plan.png" ] \
   && [ -s "$tmp/batch/nested/knee-us-02/plan.pdf" ] \
   && [ "$(find "$tmp/batch" -type f | wc -l)" -eq 6 ] && only_exports "$tmp/batch"; then
  ok "batch writes PNG and PDF for the good plans, nothing for the corrupt one"
else
  not_ok "batch writes PNG and PDF for the good plans, nothing for the corrupt one" \
         "$(cd "$tmp/batch" 2>/dev/null && find . -type f | tr '\n' ' ')"
fi

rm -rf "$in/broken"
run export --batch "$in" --out "$tmp/batch-pdf" --pdf
if [ "$status" -eq 0 ] && [ "$(find "$tmp/batch-pdf" -name '*.pdf' | wc -l)" -eq 3 ] \
   && [ -z "$(find "$tmp/batch-pdf" -name '*.png')" ] && grep -qF "Exported 3 of 3" "$tmp/err"; then
  ok "batch --pdf writes only reports and exits 0 when all succeed"
else
  not_ok "batch --pdf writes only reports and exits 0 when all succeed" "exit status $status"
fi

# A folder named after the patient sorts first ("Z" before "h").
mkdir "$in/$name"
cp -R "$cases/knee-us/." "$in/$name/"
run export --batch "$in" --out "$tmp/batch-anon" --anonymise
listing=$(cd "$tmp/batch-anon" && find . | tr '\n' ' ')
if [ "$status" -ne 0 ]; then
  not_ok "anonymised batch" "exit status $status"
elif echo "$listing" | grep -qF -e "Quackenbush" -e "knee-us" -e "nested"; then
  not_ok "anonymised batch" "file names carry folder names: $listing"
elif [ ! -s "$tmp/batch-anon/case-001-knee-left.png" ] \
     || [ ! -s "$tmp/batch-anon/case-002-hip-right.pdf" ] \
     || [ ! -s "$tmp/batch-anon/case-004-knee-left.pdf" ]; then
  not_ok "anonymised batch" "unexpected names: $listing"
elif grep -rqaF -e "$name" -e "$id" "$tmp/batch-anon"; then
  not_ok "anonymised batch" "an identifier is in the bytes of an export"
else
  ok "anonymised batch: numbered names, no identifier in names or bytes"
fi

run export --batch "$tmp/nowhere" --out "$tmp/x"
check_failure "batch over a missing folder" 1 "nowhere" "not a folder"

mkdir "$tmp/empty"
run export --batch "$tmp/empty" --out "$tmp/x"
check_failure "batch over a folder without plans" 1 "no plan files"

# --- saving never destroys what it should not touch ----------------------------

# A replaced report keeps its permissions (and, as root, its owner).
: >"$tmp/private.pdf"
chmod 600 "$tmp/private.pdf"
owner_note="mode"
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
  chown nobody "$tmp/private.pdf"
  owner_note="mode and owner"
fi
before_owner=$(stat -c %U "$tmp/private.pdf")
run export "$knee" --pdf "$tmp/private.pdf"
if [ "$status" -eq 0 ] && [ -s "$tmp/private.pdf" ] && [ "$(stat -c %a "$tmp/private.pdf")" = 600 ] \
   && [ "$(stat -c %U "$tmp/private.pdf")" = "$before_owner" ]; then
  ok "a replaced 0600 report keeps its $owner_note"
else
  not_ok "a replaced 0600 report keeps its $owner_note" \
         "exit status $status, now $(stat -c '%a %U' "$tmp/private.pdf")"
fi

# A temporary file of a save that was killed is removed at the next save in
# that folder; another program's hidden file is not.
mkdir "$tmp/stale"
echo half >"$tmp/stale/.report.pdf.needleplan-Ab12Cd"
echo editor >"$tmp/stale/.report.pdf.swp"
run export "$knee" --pdf "$tmp/stale/report.pdf"
if [ "$status" -eq 0 ] && [ ! -e "$tmp/stale/.report.pdf.needleplan-Ab12Cd" ] \
   && [ -e "$tmp/stale/.report.pdf.swp" ] && [ "$(ls -A "$tmp/stale" | wc -l)" -eq 2 ]; then
  ok "a stale temporary file of ours is removed at the next save"
else
  not_ok "a stale temporary file of ours is removed at the next save" "$(ls -A "$tmp/stale" | tr '\n' ' ')"
fi

# A legal 255-byte file name works (the temporary's name is shortened).
long=$(printf '%0251d' 0).pdf
run export "$knee" --pdf "$tmp/stale/$long"
if [ "$status" -eq 0 ] && [ -s "$tmp/stale/$long" ] && [ "$(ls -A "$tmp/stale" | wc -l)" -eq 3 ]; then
  ok "a 255-byte file name is written"
else
  not_ok "a 255-byte file name is written" "exit status $status: $(cat "$tmp/err")"
fi

# All or nothing: the PNG is not written when the PDF cannot be, and an
# earlier PNG is kept.
echo "an earlier export" >"$tmp/earlier.png"
mkfifo "$tmp/fifo.pdf"
run export "$knee" --png "$tmp/earlier.png" --pdf "$tmp/fifo.pdf"
check_failure "export --png A --pdf FIFO is refused" 1 "fifo.pdf" "named pipe (FIFO)"
if [ "$(cat "$tmp/earlier.png")" = "an earlier export" ] && [ -p "$tmp/fifo.pdf" ] \
   && [ -z "$(ls -A "$tmp" | grep needleplan-)" ]; then
  ok "a failed export of two files leaves both as they were"
else
  not_ok "a failed export of two files leaves both as they were"
fi

if why=$(unprivileged); then
  mkdir "$tmp/locked"
  echo "kept" >"$tmp/locked/report.pdf"
  chmod 644 "$tmp/locked/report.pdf"
  chmod 555 "$tmp/locked"
  run_unprivileged export "$knee" --pdf "$tmp/locked/report.pdf"
  check_failure "export into a read-only folder (unprivileged)" 1 "report.pdf" "permission denied"
  if [ "$(cat "$tmp/locked/report.pdf")" = "kept" ] && [ "$(ls -A "$tmp/locked")" = report.pdf ]; then
    ok "a read-only folder keeps its report (unprivileged)"
  else
    not_ok "a read-only folder keeps its report (unprivileged)"
  fi
  chmod 755 "$tmp/locked"
else
  skip "export into a read-only folder (unprivileged)" "$why"
  skip "a read-only folder keeps its report (unprivileged)" "$why"
fi

# --- batch recognises plans by their "format" ---------------------------------

shipped="$(cd "$(dirname "$0")/../../data/cases" && pwd)"
mkdir -p "$tmp/mixed"
cp -R "$shipped/knee-us-01" "$tmp/mixed/"
cp -R "$shipped/hip-fluoro-01-ap" "$tmp/mixed/"
run export --batch "$tmp/mixed" --out "$tmp/mixed-out" --pdf
if [ "$status" -eq 0 ] && grep -qF "Exported 2 of 2 plans" "$tmp/err" \
   && grep -qF "Skipped 2 other JSON files (not plans)" "$tmp/err" \
   && ! grep -qF "truth.json" "$tmp/err" && [ "$(find "$tmp/mixed-out" -type f | wc -l)" -eq 2 ]; then
  ok "batch over cases skips truth.json and exits 0"
else
  not_ok "batch over cases skips truth.json and exits 0" "exit status $status: $(tr '\n' ' ' <"$tmp/err")"
fi

# A folder name with a newline cannot forge a progress line.
forged="$tmp/forged"
mkdir -p "$forged/a
[9/9] fake.json … ok"
cp -R "$cases/knee-us/." "$forged/a
[9/9] fake.json … ok/"
run export --batch "$forged" --out "$tmp/forged-out" --pdf
if [ "$status" -eq 0 ] && grep -qF '[1/1] a\n[9/9] fake.json … ok/plan.json … ok' "$tmp/err" \
   && ! grep -q '^\[9/9\]' "$tmp/err"; then
  ok "batch progress lines escape control characters in names"
else
  not_ok "batch progress lines escape control characters in names" "$(tr '\n' '|' <"$tmp/err")"
fi

# --- notes longer than a page ---------------------------------------------------
# 300 numbered sentences of notes (about 19 kB, under the 20,000-byte cap),
# read back without the pages' header and footer lines and with the line
# breaks joined (a sentence may wrap, and run on over a page break):
# every one of them is in the report, in order, over as many pages as it takes.
python3 - "$knee" "$tmp/knee-us/long-notes.json" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))
plan['notes'] = ' '.join('Note %d of a long note about the procedure.' % i for i in range(300))
json.dump(plan, open(sys.argv[2], 'w'))
PY
run export "$tmp/knee-us/long-notes.json" --pdf "$tmp/long-notes.pdf"
if ! have pdftotext; then
  skip "notes longer than a page all reach the report" "pdftotext not installed"
elif [ "$status" -ne 0 ]; then
  not_ok "notes longer than a page all reach the report" "exit status $status"
elif [ "$(pdftotext "$tmp/long-notes.pdf" - 2>/dev/null | tr '\f' '\n' \
           | grep -v -e '^Planning aid, not' -e '^NeedlePlan [0-9]' -e '^Page [0-9]* of' \
                     -e 'Injection plan report ·' -e '^Patient: ' -e '^$' \
           | tr '\n' ' ' | grep -o 'Note [0-9]* of' | awk '{print $2}' | tr '\n' ' ')" \
       != "$(seq 0 299 | tr '\n' ' ')" ]; then
  not_ok "notes longer than a page all reach the report" "some notes are missing or out of order"
else
  ok "notes longer than a page all reach the report, over further pages"
fi

# --- help --------------------------------------------------------------------

run export --help
if [ "$status" -eq 0 ] && grep -qF -- "--batch" "$tmp/out" && grep -qF -- "--anonymise" "$tmp/out" \
   && grep -qF -- "--paper" "$tmp/out"; then
  ok "export --help lists --batch, --anonymise and --paper"
else
  not_ok "export --help lists --batch, --anonymise and --paper" "exit status $status"
fi

run --help
if [ "$status" -eq 0 ] && grep -q "^  export " "$tmp/out"; then
  ok "the verb list names export"
else
  not_ok "the verb list names export" "exit status $status"
fi


# ---- DICOM records (docs/dicom.md, "Saving as DICOM") ----
if have dcmdump; then
  run export "$knee" --dicom "$tmp/knee-sc.dcm" --pdf-dicom "$tmp/knee-pdf.dcm"
  check_text "export --dicom --pdf-dicom writes both records" \
    "Wrote $tmp/knee-sc.dcm" "Wrote $tmp/knee-pdf.dcm"
  if dcmdump "$tmp/knee-sc.dcm" | grep -q "NEEDLEPLAN 1" \
     && dcmdump "$tmp/knee-pdf.dcm" | grep -q "application/pdf" \
     && grep -qF "$id" "$tmp/knee-sc.dcm"; then
    ok "the SC has the private plan and the patient ID, the PDF record is a PDF"
  else
    not_ok "the SC has the private plan and the patient ID, the PDF record is a PDF"
  fi
  run info "$tmp/knee-sc.dcm"
  check_text "info on the SC says a plan is inside" "NeedlePlan plan inside: yes" "Modality:    OT"

  run export "$knee" --dicom "$tmp/anon-sc.dcm" --pdf-dicom "$tmp/anon-pdf.dcm" --anonymise
  check_text "export --dicom --anonymise writes both records" "Wrote $tmp/anon-sc.dcm"
  leaked=""
  for f in "$tmp/anon-sc.dcm" "$tmp/anon-pdf.dcm"; do
    for secret in "$id" "Quackenbush" "Zebulon"; do
      if grep -qaF "$secret" "$f"; then leaked="$leaked $f:$secret"; fi
    done
  done
  if [ -z "$leaked" ]; then
    ok "anonymised DICOM records carry neither the patient's name nor ID"
  else
    not_ok "anonymised DICOM records carry neither the patient's name nor ID" "found:$leaked"
  fi
else
  skip "export --dicom" "dcmdump (package dcmtk) is not installed"
  skip "the SC's private plan" "dcmdump (package dcmtk) is not installed"
  skip "info on the SC" "dcmdump (package dcmtk) is not installed"
  skip "export --dicom --anonymise" "dcmdump (package dcmtk) is not installed"
  skip "anonymised DICOM records" "dcmdump (package dcmtk) is not installed"
fi

run export "$knee" --dicom "$tmp/same.dcm" --pdf-dicom "$tmp/same.dcm"
check_failure "--dicom and --pdf-dicom on one file is a usage error" 2 "name the same file"

rm -f "$tmp/fail.png"
run export "$knee" --png "$tmp/fail.png" --dicom "$knee"
check_failure "--dicom over the plan file is refused and nothing is written" 1 "plan file"
if [ -e "$tmp/fail.png" ]; then
  not_ok "a refused DICOM export writes no PNG either" "$tmp/fail.png exists"
else
  ok "a refused DICOM export writes no PNG either"
fi

# --- a plan that records its second view (two-view fluoroscopy) -----------
# The bundled hip pair, data/cases/hip-fluoro-01-ap and -lateral: two
# 800 × 600 frames. Side by side the image is 800 + 800 = 1600 pixels wide
# and max(600, 600) = 600 rows above the caption band. The generator put the
# target 54.44 mm below the entry along the AP beam (truth.json,
# target_depth_mm) with the entry over the target, so the two-view depth and
# path rows both read 54.4 mm, each with an interval around 54.44.

bundled="$(cd "$(dirname "$0")/../../data/cases" && pwd)" || exit 99
mkdir -p "$tmp/pair"
cp -R "$bundled/hip-fluoro-01-ap" "$bundled/hip-fluoro-01-lateral" "$tmp/pair/"
pair="$tmp/pair/hip-fluoro-01-ap/plan.json"
# pair_with PLAN SECOND: records SECOND (relative) as PLAN's lateral view at 90°
pair_with () {
  python3 - "$1" "$2" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["fluoroscopy"]["second_view"] = {"plan": sys.argv[2], "angle_deg": 90, "mirrored": False}
json.dump(d, open(sys.argv[1], "w"), indent=2)
EOF
}
pair_with "$pair" "../hip-fluoro-01-lateral/plan.json"

run export "$pair" --png "$tmp/pair.png" --pdf "$tmp/pair.pdf"
if [ "$status" -ne 0 ] || [ -s "$tmp/err" ]; then
  not_ok "export of a recorded pair exits 0 without warnings" "exit status $status"
elif "$cli" info --json "$tmp/pair.png" >"$tmp/pair-info.json" \
     && python3 - "$tmp/pair-info.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["width"] == 800 + 800, "width %d" % d["width"]
assert d["height"] > 600, "no caption band below the 600 rows of the views"
EOF
then
  ok "export --png of a recorded pair: both 800 × 600 views side by side (1600 wide), caption below"
else
  not_ok "export --png of a recorded pair: both 800 × 600 views side by side (1600 wide), caption below"
fi
if have pdftotext; then
  text=$(pdf_text "$tmp/pair.pdf")
  if ! echo "$text" | grep -qF "Second view (lateral, 90°)"; then
    not_ok "the report of a recorded pair shows the second view" "no caption: $text"
  elif ! echo "$text" | grep -qF "from two views 90° apart"; then
    not_ok "the report of a recorded pair shows the second view" "no two-view depth row: $text"
  elif ! echo "$text" | python3 -c '
import re, sys
text = sys.stdin.read()
for name in ("Target depth", "Path length"):
    m = re.search(name + r" ([0-9.]+) mm ([0-9.]+)–([0-9.]+) mm", text)
    assert m, name
    value, low, high = map(float, m.groups())
    assert abs(value - 54.44) <= 0.05 and low <= 54.44 <= high, m.group(0)
'; then
    not_ok "the report of a recorded pair shows the second view" "two-view rows: $text"
  else
    ok "the report of a recorded pair shows the second view's figure and the two-view rows with intervals"
  fi
else
  skip "the report of a recorded pair shows the second view" "poppler-utils (pdftotext) not installed"
fi

cp "$pair" "$tmp/pair/hip-fluoro-01-ap/missing.json"
pair_with "$tmp/pair/hip-fluoro-01-ap/missing.json" "../no-such-view/plan.json"
run export "$tmp/pair/hip-fluoro-01-ap/missing.json" --png "$tmp/missing.png" \
    --pdf "$tmp/missing.pdf"
if [ "$status" -ne 0 ]; then
  not_ok "an unreadable second view: export warns and shows one view" "exit status $status"
elif ! grep -qF "The plan's second view “../no-such-view/plan.json” is not shown" "$tmp/err"; then
  not_ok "an unreadable second view: export warns and shows one view" "no warning"
elif ! "$cli" info --json "$tmp/missing.png" >"$tmp/missing-info.json" \
     || ! python3 -c 'import json, sys; assert json.load(open(sys.argv[1]))["width"] == 800' \
          "$tmp/missing-info.json"; then
  not_ok "an unreadable second view: export warns and shows one view" "the PNG is not 800 wide"
elif have pdftotext && ! pdf_text "$tmp/missing.pdf" \
     | grep -qF "second view “../no-such-view/plan.json” is not shown"; then
  not_ok "an unreadable second view: export warns and shows one view" "the report does not say so"
else
  ok "an unreadable second view: export warns, shows one view and the report says why"
fi

tap_finish
