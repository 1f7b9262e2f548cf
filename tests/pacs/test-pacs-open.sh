#!/usr/bin/env bash
# test-pacs-open.sh: opening from a real PACS (Orthanc, pacs-lib.sh). Two
# studies are stored; C-FIND by patient ID finds one; C-GET brings its
# instance into the cache with the same pixels; the real window under Xvfb
# finds, opens and plans on it, and sends the Secondary Capture back by
# C-STORE (test-pacs-open-gui); it is listed in the same study as a plan, and
# opening it from the PACS reopens the plan on its source frame.
#
# Copyright 2026 The NeedlePlan authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-pacs-open.sh NEEDLEPLAN-CLI [TEST-PACS-OPEN-GUI]

cli=$1
gui=${2:-}
here=$(dirname "$0")
. "$here/../cli/tap-lib.sh"
. "$here/pacs-lib.sh"

testdata=${NP_TESTDATA_DIR:-$(cd "$here/../../.." && pwd)/shared/testdata}
[ -d "$testdata/dicom/us" ] || pacs_skip_all "the shared test data ($testdata/dicom/us) is absent"
command -v dcmodify >/dev/null || pacs_skip_all "dcmodify (dcmtk) is not installed"
reason=$(pacs_unavailable)
[ -n "$reason" ] && pacs_skip_all "$reason"
orthanc_start || { echo "Bail out! Orthanc did not start"; exit 1; }

XDG_CACHE_HOME="$tmp/cache"
export XDG_CACHE_HOME
peer=(--host 127.0.0.1 --port "$orthanc_dicom_port" --called-aet "$orthanc_aet" --aet "$pacs_client_aet")

# Two studies of two patients (copies with known identifiers).
cp "$testdata/dicom/us/OBXXXX1A.dcm" "$tmp/first.dcm"
cp "$testdata/dicom/us/US1_UNCR.dcm" "$tmp/second.dcm"
dcmodify -nb -m "PatientID=NPQ-1001" -m "PatientName=Quill^Ada" -m "AccessionNumber=ACC-1" "$tmp/first.dcm"
dcmodify -nb -m "PatientID=NPQ-2002" -m "PatientName=Brook^Ben" "$tmp/second.dcm"
stored=0
for f in "$tmp/first.dcm" "$tmp/second.dcm"; do
  pacs_run curl -sf -u "$orthanc_user:$orthanc_password" --data-binary "@$f" \
    "$orthanc_url/instances" >/dev/null && stored=$((stored + 1))
done
if [ "$stored" -eq 2 ]; then ok "two studies stored through REST"; else not_ok "two studies stored through REST"; fi

dump () {
  dcmdump +P "$2" "$1" 2>/dev/null | sed -n 's/.*\[\(.*\)\].*/\1/p' | head -n 1
}
study=$(dump "$tmp/first.dcm" StudyInstanceUID)
series=$(dump "$tmp/first.dcm" SeriesInstanceUID)
sop=$(dump "$tmp/first.dcm" SOPInstanceUID)

run_pacs () {
  pacs_run "$cli" "$@" >"$tmp/out" 2>"$tmp/err"
  status=$?
}

run_pacs find "${peer[@]}" --patient-id NPQ-1001 --json
check_json "C-FIND by patient ID finds the one study, with its patient and accession" "
assert len(d) == 1, d
s = d[0]
assert s['level'] == 'study' and s['study_uid'] == '$study', s
assert s['patient_name'] == 'Quill^Ada' and s['patient_id'] == 'NPQ-1001', s
assert s['accession_number'] == 'ACC-1' and s['modalities'] == 'US', s
"

run_pacs find "${peer[@]}" --patient-name brook --json
check_json "C-FIND by a part of the name (brook → Brook^Ben) finds the other study" "
assert len(d) == 1 and d[0]['patient_id'] == 'NPQ-2002', d
"

run_pacs find "${peer[@]}" --study "$study" --json
check_json "the study's one series, images, modality US" "
assert len(d) == 1 and d[0]['series_uid'] == '$series', d
assert d[0]['modality'] == 'US' and d[0]['content'] == 'images', d
"

run_pacs retrieve "${peer[@]}" --study "$study" --series "$series"
cached="$XDG_CACHE_HOME/needleplan/pacs/$sop.dcm"
check_text "C-GET brings the instance into the cache, named by its SOP Instance UID" "$cached"
if [ -f "$cached" ] && "$cli" info --json "$cached" >"$tmp/a.json" 2>/dev/null &&
   "$cli" info --json "$tmp/first.dcm" >"$tmp/b.json" 2>/dev/null &&
   python3 - "$tmp/a.json" "$tmp/b.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for key in ('sop_instance_uid', 'study_instance_uid', 'series_instance_uid', 'patient_id',
            'patient_name', 'rows', 'columns'):
    assert a['dicom'][key] == b['dicom'][key], key
PY
then
  ok "the retrieved instance has the stored UIDs, patient and size"
else
  not_ok "the retrieved instance has the stored UIDs, patient and size"
fi

# The same through DICOMweb: QIDO-RS and WADO-RS, HTTP basic credentials.
printf '%s\n' "$orthanc_password" >"$tmp/password"
web=(--dicomweb "$orthanc_dicomweb" --user "$orthanc_user" --password-file "$tmp/password")
run_pacs find "${web[@]}" --patient-id NPQ-1001 --json
check_json "QIDO-RS by patient ID finds the same study" "
assert len(d) == 1 and d[0]['study_uid'] == '$study', d
assert d[0]['patient_name'] == 'Quill^Ada' and d[0]['accession_number'] == 'ACC-1', d
"
XDG_CACHE_HOME="$tmp/cache-web" run_pacs retrieve "${web[@]}" --study "$study" --series "$series"
web_cached="$tmp/cache-web/needleplan/pacs/$sop.dcm"
check_text "WADO-RS brings the instance into the cache" "$web_cached"
if [ -f "$web_cached" ] && "$cli" info --json "$web_cached" >"$tmp/c.json" 2>/dev/null &&
   python3 - "$tmp/c.json" "$tmp/b.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for key in ('sop_instance_uid', 'study_instance_uid', 'patient_id', 'rows', 'columns'):
    assert a['dicom'][key] == b['dicom'][key], key
PY
then
  ok "the instance from WADO-RS has the stored UIDs, patient and size"
else
  not_ok "the instance from WADO-RS has the stored UIDs, patient and size"
fi
run_pacs find --dicomweb "$orthanc_dicomweb" --patient-id NPQ-1001
check_failure "QIDO-RS without the credentials is refused in words" 1 "HTTP 401"

run_pacs find --host 127.0.0.1 --port "$orthanc_dicom_port" --called-aet WRONG_AET --aet "$pacs_client_aet"
check_failure "a wrong called AE title is refused in words" 1 "refused the association" "WRONG_AET"
run_pacs find --host 127.0.0.1 --port "$orthanc_dicom_port" --called-aet "$orthanc_aet" --aet STRANGER
check_failure "an unknown calling AE title is refused in words" 1 "refused the association" "STRANGER"

# The real window: Open from PACS, open the instance, plan on it.
sc="$tmp/plan-sc.dcm"
have_gui=no
if [ -n "$gui" ] && command -v xvfb-run >/dev/null; then have_gui=yes; fi
mkdir -p "$tmp/screenshots"

# run_gui TEST-PATH [VAR=VALUE…]: one case of test-pacs-open-gui, in the namespace.
run_gui () {
  local path=$1
  shift
  pacs_run env NP_PACS_PORT="$orthanc_dicom_port" NP_PACS_AET="$orthanc_aet" \
    NP_PACS_CLIENT_AET="$pacs_client_aet" NP_PACS_PATIENT_ID=NPQ-1001 \
    NP_PACS_SOURCE="$tmp/first.dcm" NP_PACS_SC_OUT="$sc" NP_PACS_SOURCE_UID="$sop" \
    NP_PACS_SCREENSHOTS="${NP_PACS_SCREENSHOTS:-$tmp/screenshots}" "$@" \
    xvfb-run -a -s '-screen 0 1280x800x24' "$gui" --tap -p "$path" >"$tmp/out" 2>"$tmp/err" &&
    ! grep -q '^not ok' "$tmp/out" && ! grep -q '# SKIP' "$tmp/out"
}

if [ "$have_gui" = no ]; then
  skip "the window opens the instance from the PACS, plans on it and sends the capture back" "no GUI build or no xvfb-run"
elif run_gui /pacs/open-gui/open-plan-send && [ -s "$sc" ]; then
  ok "the window opens the instance from the PACS, plans on it and sends the capture back"
else
  not_ok "the window opens the instance from the PACS, plans on it and sends the capture back"
fi

if [ -s "$sc" ]; then
  run_pacs find "${peer[@]}" --study "$study" --json
  check_json "the plan sent back is in the same study, listed as a plan" "
plans = [s for s in d if s['content'] == 'plan']
assert len(d) == 2 and len(plans) == 1, d
assert plans[0]['series_description'] == 'NeedlePlan annotated frame', plans
"
  plan_series=$(python3 -c "import json,sys; print([s['series_uid'] for s in json.load(open(sys.argv[1])) if s['content']=='plan'][0])" "$tmp/out")
  run_pacs retrieve "${peer[@]}" --study "$study" --series "$plan_series"
  plan_file=$(head -n 1 "$tmp/out")
  "$cli" info "$plan_file" >"$tmp/out" 2>"$tmp/err"
  status=$?
  check_text "the plan from the PACS reopens on its source frame in the cache" \
    "NeedlePlan plan inside: yes" "Plan reopens: on its source frame $cached"

  # A fresh cache: retrieving the plan brings its source frame along.
  fresh="$tmp/cache-fresh"
  XDG_CACHE_HOME="$fresh" run_pacs retrieve "${peer[@]}" --study "$study" --series "$plan_series"
  check_text "retrieving a plan by C-GET brings its source frame into the cache too" \
    "Source frame of the plan: $fresh/needleplan/pacs/$sop.dcm"
  plan_file=$(head -n 1 "$tmp/out")
  XDG_CACHE_HOME="$fresh" "$cli" info "$plan_file" >"$tmp/out" 2>"$tmp/err"
  status=$?
  check_text "so the plan reopens on its source frame, not on its pixels" \
    "Plan reopens: on its source frame $fresh/needleplan/pacs/$sop.dcm"
  web_fresh="$tmp/cache-web-fresh"
  XDG_CACHE_HOME="$web_fresh" run_pacs retrieve "${web[@]}" --study "$study" --series "$plan_series"
  check_text "retrieving a plan by WADO-RS brings its source frame (found by QIDO-RS) too" \
    "Source frame of the plan: $web_fresh/needleplan/pacs/$sop.dcm"

  if [ "$have_gui" = no ]; then
    skip "the window lists the plan and reopens it on its source frame" "no GUI build or no xvfb-run"
  elif run_gui /pacs/open-gui/reopen-plan NP_PACS_EXPECT_PLAN=1; then
    ok "the window lists the plan and reopens it on its source frame"
  else
    not_ok "the window lists the plan and reopens it on its source frame"
  fi
else
  skip "the plan sent back is in the same study, listed as a plan" "no plan was made"
  skip "the plan from the PACS reopens on its source frame in the cache" "no plan was made"
  skip "retrieving a plan by C-GET brings its source frame into the cache too" "no plan was made"
  skip "so the plan reopens on its source frame, not on its pixels" "no plan was made"
  skip "retrieving a plan by WADO-RS brings its source frame (found by QIDO-RS) too" "no plan was made"
  skip "the window lists the plan and reopens it on its source frame" "no plan was made"
fi

orthanc_stop
run_pacs find "${peer[@]}" --timeout 2
check_failure "a stopped server is reported in words" 1 "cannot be reached"

tap_finish
