#!/usr/bin/env bash
# "Send to PACS" in the real window (test-pacs-send-window.c) against a real
# Orthanc: the GUI test runs under Xvfb inside the fixture's namespace; then
# the PACS is asked what it holds.
#
# Copyright 2026 The NeedlePlan authors
#
# SPDX-License-Identifier: GPL-3.0-or-later

cli=$1
gui_test=$2
here=$(dirname "$0")
. "$here/../cli/tap-lib.sh"
. "$here/pacs-lib.sh"

reason=$(pacs_unavailable)
[ -n "$reason" ] && pacs_skip_all "$reason"
command -v xvfb-run >/dev/null || pacs_skip_all "xvfb-run is not installed"
orthanc_start || { echo "Bail out! Orthanc did not start"; exit 1; }

pacs_run xvfb-run -a -s '-screen 0 1280x800x24 -nolisten tcp' \
  env NP_PACS_PORT="$orthanc_dicom_port" NP_PACS_CALLED_AET="$orthanc_aet" \
      NP_PACS_CALLING_AET="$pacs_client_aet" "$gui_test" --tap >"$tmp/gui.out" 2>"$tmp/gui.err"
gui_status=$?
cases=$(grep -cE '^(ok|not ok) ' "$tmp/gui.out")
while IFS= read -r line; do
  case "$line" in
    "ok "*) ok "window: ${line#ok * }" ;;
    "not ok "*) not_ok "window: ${line#not ok * }" "$(tail -n 5 "$tmp/gui.err")" ;;
  esac
done <"$tmp/gui.out"
if [ "$cases" -ne 3 ] || [ "$gui_status" -ne 0 ]; then
  not_ok "the window test ran its three cases and passed" "exit status $gui_status, $cases cases" \
    "$(tail -n 5 "$tmp/gui.err")"
fi

# What the PACS holds: the two sends that worked, each image and report in
# one study, two series; the anonymised one in a study of its own (a new
# Study Instance UID); the refused ones stored nothing.
pacs_run curl -sf -u "$orthanc_user:$orthanc_password" "$orthanc_url/series?expand" >"$tmp/series.json"
if python3 - "$tmp/series.json" <<'PY'
import json, sys
series = json.load(open(sys.argv[1]))
descriptions = sorted(s['MainDicomTags'].get('SeriesDescription', '') for s in series)
assert descriptions == ['NeedlePlan annotated frame'] * 2 + ['NeedlePlan report'] * 2, descriptions
studies = {}
for s in series:
    studies.setdefault(s['ParentStudy'], []).append(s['MainDicomTags']['SeriesDescription'])
assert len(studies) == 2, studies
assert all(sorted(d) == ['NeedlePlan annotated frame', 'NeedlePlan report'] for d in studies.values())
assert all(len(s['Instances']) == 1 for s in series)
PY
then
  ok "the PACS holds two sends, image and report in one study each, nothing from the refused sends"
else
  not_ok "the PACS holds two sends, image and report in one study each, nothing from the refused sends" \
    "$(cat "$tmp/series.json")"
fi

# The anonymised send: no byte of any stored instance carries the name or
# ID typed into the case (the plain sends had none typed), and its study's
# UID is not the case's.
pacs_run curl -sf -u "$orthanc_user:$orthanc_password" "$orthanc_url/instances" >"$tmp/instances.json"
found=""
count=0
for id in $(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))))' "$tmp/instances.json"); do
  pacs_run curl -sf -u "$orthanc_user:$orthanc_password" "$orthanc_url/instances/$id/file" >"$tmp/instance.dcm"
  count=$((count + 1))
  # Letters: digits alone turn up by chance in the random 2.25 UIDs.
  for needle in 'Roe^Jane' 'Jane' 'QX-4711' 'QX-4'; do
    grep -qaF "$needle" "$tmp/instance.dcm" && found="$found $id:$needle"
  done
done
if [ "$count" -eq 4 ] && [ -z "$found" ]; then
  ok "no stored instance holds the anonymised patient's name or ID"
else
  not_ok "no stored instance holds the anonymised patient's name or ID" "$count instances, found:$found"
fi
pacs_run curl -sf -u "$orthanc_user:$orthanc_password" "$orthanc_url/studies?expand" >"$tmp/studies.json"
if python3 - "$tmp/studies.json" <<'PY'
import json, sys
studies = json.load(open(sys.argv[1]))
uids = {s['MainDicomTags']['StudyInstanceUID'] for s in studies}
assert len(uids) == 2, uids
assert sum(1 for u in uids if u.startswith('2.25.')) >= 1, uids
assert all('Roe' not in s['PatientMainDicomTags'].get('PatientName', '') for s in studies)
PY
then
  ok "the anonymised send made a study of its own"
else
  not_ok "the anonymised send made a study of its own" "$(cat "$tmp/studies.json")"
fi

tap_finish
