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
if [ "$cases" -ne 2 ] || [ "$gui_status" -ne 0 ]; then
  not_ok "the window test ran both cases and passed" "exit status $gui_status, $cases cases" \
    "$(tail -n 5 "$tmp/gui.err")"
fi

# What the PACS holds: the one send that worked, image and report in one
# study, two series; the refused ones stored nothing.
pacs_run curl -sf -u "$orthanc_user:$orthanc_password" "$orthanc_url/series?expand" >"$tmp/series.json"
if python3 - "$tmp/series.json" <<'PY'
import json, sys
series = json.load(open(sys.argv[1]))
descriptions = sorted(s['MainDicomTags'].get('SeriesDescription', '') for s in series)
assert descriptions == ['NeedlePlan annotated frame', 'NeedlePlan report'], descriptions
assert len({s['ParentStudy'] for s in series}) == 1
assert all(len(s['Instances']) == 1 for s in series)
PY
then
  ok "the PACS holds the image and the report, one study, a series each, nothing from the refused sends"
else
  not_ok "the PACS holds the image and the report, one study, a series each, nothing from the refused sends" \
    "$(cat "$tmp/series.json")"
fi

tap_finish
