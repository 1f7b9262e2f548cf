#!/bin/sh
# test-cli-dicom.sh: needleplan-cli info on DICOM files (TAP)
#
# Copyright 2026 The NeedlePlan authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-cli-dicom.sh PATH/TO/needleplan-cli
# The expected values come from ../shared/testdata/dicom/METADATA.tsv
# (written from dcmdump), parsed here.

set -u

cli=${1:?usage: test-cli-dicom.sh NEEDLEPLAN-CLI}
. "$(dirname "$0")/tap-lib.sh"

data=${NP_TESTDATA_DIR:-}/dicom
if [ ! -f "$data/METADATA.tsv" ]; then
  skip "needleplan-cli info on DICOM" "no shared test data (NP_TESTDATA_DIR has no dicom/METADATA.tsv)"
  tap_finish
  exit
fi

# check_against_metadata NAME RELATIVE FRAME: --json output matches the TSV row.
check_against_metadata () {
  check_json "$1" "
import csv
rows = {r['path']: r for r in csv.DictReader(open('$data/METADATA.tsv'), delimiter='\t')}
r = rows['$2']
m = d['dicom']
assert d['width'] == int(r['Cols']) and d['height'] == int(r['Rows']), 'size'
assert m['frames'] == int(r['Frames'] or 1), 'frames'
assert m['modality'] == r['Mod'], 'modality'
assert m['photometric'] == r['Photo'], 'photometric'
assert d['frame'] == $3, 'frame number'
if r['USRegions'] == 'yes':
    dx = [float(v) for v in r['PhysDX'].split('|')]
    dy = [float(v) for v in r['PhysDY'].split('|')]
    assert len(m['regions']) == len(dx), 'region count'
    for region, x, y in zip(m['regions'], dx, dy):
        assert close(region['delta_x'], x, abs(x) * 1e-12 + 1e-300), 'delta x'
        assert close(region['delta_y'], y, abs(y) * 1e-12 + 1e-300), 'delta y'
else:
    assert m['regions'] == [], 'no regions'
"
}

run info --json "$data/us/gdcm-US-ALOKA-16.dcm"
check_against_metadata "info --json on ALOKA gives size, modality and both tissue regions" \
  dicom/us/gdcm-US-ALOKA-16.dcm 1

run info --json --frame 5 "$data/xa/XA_Siemens_cardio_96frames_JPEG.dcm"
check_against_metadata "info --json --frame 5 on the 96-frame XA cine" \
  dicom/xa/XA_Siemens_cardio_96frames_JPEG.dcm 5

run info --json "$data/us/OBXXXX1A_rle.dcm"
check_against_metadata "info --json on an RLE palette file with a tissue and a Doppler region" \
  dicom/us/OBXXXX1A_rle.dcm 1

run info "$data/us/IM00001.implicit_little_endian.dcm"
check_text "info prints modality, frames, transfer syntax and the tissue region" \
  "Modality:    US" "Frames:      8" "Little Endian Implicit" "2-D tissue, 0.229375 cm × 0.229375 cm"

# plan on a DICOM frame without a calibration: the header's is named, not applied.
cp "$data/us/gdcm-US-ALOKA-16.dcm" "$tmp/aloka.dcm"
python3 - "$tmp" <<'PY'
import hashlib, json, sys
tmp = sys.argv[1]
digest = hashlib.sha256(open(tmp + '/aloka.dcm', 'rb').read()).hexdigest()
plan = {'format': 'needleplan-plan', 'version': 1, 'modality': 'ultrasound', 'probe': 'linear',
        'site': 'knee', 'side': 'left', 'technique': 'in-plane', 'title': 'ALOKA',
        'frame': {'path': 'aloka.dcm', 'sha256': digest},
        'calibration': {'method': 'none', 'mm_per_px': [0, 0]},
        'marks': {'target': [150, 300], 'entry': [60, 24]}}
open(tmp + '/aloka-plan.json', 'w').write(json.dumps(plan))
PY
run plan "$tmp/aloka-plan.json"
check_text "plan on an uncalibrated DICOM plan stays in px and names the header's calibration" \
  "NOT CALIBRATED" "Depth              300.0 px" \
  "the frame's DICOM header gives 0.3827 × 0.3827 mm/px from the scanner's ultrasound regions 1 and 2"

# Reopening checks the SOP Instance UID the plan records (format 2). The
# file's UID is (0008,0018) as dcmdump prints it; the plans differ only in it.
cp "$data/us/IM00001.implicit_little_endian.dcm" "$tmp/cine.dcm"
python3 - "$tmp" <<'PY'
import hashlib, json, sys
tmp = sys.argv[1]
digest = hashlib.sha256(open(tmp + '/cine.dcm', 'rb').read()).hexdigest()
for name, uid in (('same', '1.3.6.1.4.1.25403.166563008443.732.20120418082458.3'),
                  ('other', '1.3.6.1.4.1.25403.166563008443.732.20120418082458.4')):
    plan = {'format': 'needleplan-plan', 'version': 2, 'modality': 'ultrasound',
            'probe': 'linear', 'site': 'knee', 'side': 'left', 'technique': 'in-plane',
            'title': 'cine', 'frame': {'path': 'cine.dcm', 'sha256': digest,
                                       'dicom': {'sop_instance_uid': uid, 'frame_number': 5}},
            'calibration': {'method': 'none', 'mm_per_px': [0, 0]},
            'marks': {'target': [150, 120], 'entry': [60, 20]}}
    open('%s/cine-%s.json' % (tmp, name), 'w').write(json.dumps(plan))
PY
run plan "$tmp/cine-same.json"
if [ "$status" -eq 0 ] && ! grep -q "SOP Instance UID" "$tmp/out" "$tmp/err"; then
  ok "plan on frame 5 of the DICOM file it was made on: no UID note"
else
  not_ok "plan on frame 5 of the DICOM file it was made on: no UID note" "status $status or a UID note"
fi
run plan "$tmp/cine-other.json"
check_text "plan whose SOP Instance UID is not the file's says so, naming the file" \
  "“$tmp/cine.dcm” is not the image “cine-other.json” was made on: its SOP Instance UID is 1.3.6.1.4.1.25403.166563008443.732.20120418082458.3, the plan’s is 1.3.6.1.4.1.25403.166563008443.732.20120418082458.4"
run export "$tmp/cine-other.json" --png "$tmp/cine-other.png"
check_failure "export refuses a plan whose SOP Instance UID is not the file's" 1 \
  "cine.dcm” is not the image “cine-other.json” was made on" "the plan’s is 1.3.6.1.4.1.25403.166563008443.732.20120418082458.4"
if [ -e "$tmp/cine-other.png" ]; then
  not_ok "no image left behind by the refused export" "$tmp/cine-other.png exists"
else
  ok "no image left behind by the refused export"
fi

run info "$data/us/JPEGExtended_3s_1f_u_08_08.dcm"
check_text "info prints the study fields as dcmdump shows them, the description among them" \
  "Study date:  20020328" "Study:       ART HUMERALE" "Sex:         O"

run info "$data/us/gdcm-US-ALOKA-16.dcm"
check_text "info judges ALOKA's regions: both tissue panels used, the grey bar not" \
  "Pixel size:  0.382653 × 0.382653 mm/px from the scanner's ultrasound regions 1 and 2" \
  "region 3 is grey bar without a spatial format, not a 2D tissue image: never used for millimetres"

run info "$data/us/OBXXXX1A.dcm"
check_text "info on OBXXXX1A: the tissue region cut to the frame, the ECG waveform not used" \
  "0.262288 × 0.262288 mm/px from the scanner's ultrasound region 1" \
  "region 1 reaches beyond the 800 × 600 frame and is cut to it" \
  "region 2 is waveform ECG trace, not a 2D tissue image"

run info "$data/xa/XA_Siemens_cardio_96frames_JPEG.dcm"
check_text "info on the XA cine without spacing tags: px, with the reason" \
  "Pixel size:  none usable: the file gives no pixel spacing"

# The real XA file has no spacing tags: add them to copies in the test's folder.
# Imager Pixel Spacing 0.2 mm / magnification 1.25 = 0.16 mm at the patient;
# Pixel Spacing 0.3 (rows) \ 0.25 (columns) is used as it stands.
if command -v dcmodify >/dev/null 2>&1; then
  cp "$data/xa/XA_Siemens_cardio_96frames_JPEG.dcm" "$tmp/xa-imager.dcm"
  chmod u+w "$tmp/xa-imager.dcm"
  cp "$tmp/xa-imager.dcm" "$tmp/xa-spacing.dcm"
  dcmodify -nb -i "(0018,1164)=0.2\\0.2" -i "(0018,1114)=1.25" "$tmp/xa-imager.dcm" >/dev/null 2>&1
  dcmodify -nb -i "(0028,0030)=0.3\\0.25" "$tmp/xa-spacing.dcm" >/dev/null 2>&1
  run info "$tmp/xa-imager.dcm"
  check_text "info on XA with Imager Pixel Spacing and a magnification factor: corrected to the patient" \
    "Pixel size:  0.16 × 0.16 mm/px from the file's Imager Pixel Spacing (0018,1164) at the detector, divided by the Estimated Radiographic Magnification Factor"
  run info "$tmp/xa-spacing.dcm"
  check_text "info on XA with Pixel Spacing: columns 0.25, rows 0.3" \
    "Pixel size:  0.25 × 0.3 mm/px from the file's Pixel Spacing (0028,0030)"
else
  skip "XA spacing tags added with dcmodify" "dcmodify (package dcmtk) is not installed"
  skip "XA Pixel Spacing added with dcmodify" "dcmodify (package dcmtk) is not installed"
fi

run info --frame 97 "$data/xa/XA_Siemens_cardio_96frames_JPEG.dcm"
check_failure "a frame past the end fails in words" 1 "has 96 frames; frame 97 does not exist"

run info "$data/bad/J2K_pixelrep_mismatch.dcm"
check_failure "JPEG 2000 is refused in words" 1 "J2K_pixelrep_mismatch.dcm" \
  "JPEG 2000 compressed images are not supported yet"

run info "$data/bad/oob-monochrome-46341.dcm"
check_failure "a 46341² image with no data is refused before decoding" 1 "oob-monochrome-46341.dcm" \
  "over the limit"

tap_finish
