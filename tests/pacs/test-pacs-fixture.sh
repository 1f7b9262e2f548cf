#!/usr/bin/env bash
# The Orthanc fixture itself: it runs only in its private namespace, with its
# files in the test's folder, and refuses the AE titles it should refuse.
#
# Copyright 2026 The NeedlePlan authors
#
# SPDX-License-Identifier: GPL-3.0-or-later

cli=$1
here=$(dirname "$0")
. "$here/../cli/tap-lib.sh"
. "$here/pacs-lib.sh"

reason=$(pacs_unavailable)
[ -n "$reason" ] && pacs_skip_all "$reason"
orthanc_start || { echo "Bail out! Orthanc did not start"; exit 1; }

if pacs_run curl -sf -u "$orthanc_user:$orthanc_password" "$orthanc_url/system" >"$tmp/out" 2>"$tmp/err" &&
   grep -qF "\"DicomAet\" : \"$orthanc_aet\"" "$tmp/out"; then
  ok "Orthanc answers REST in the namespace with its AE title"
else
  not_ok "Orthanc answers REST in the namespace with its AE title"
fi

if pacs_run curl -s -o /dev/null -w '%{http_code}' "$orthanc_url/system" >"$tmp/out" 2>"$tmp/err" &&
   [ "$(cat "$tmp/out")" = 401 ]; then
  ok "REST without the test credentials is refused (401)"
else
  not_ok "REST without the test credentials is refused (401)"
fi

if bash -c "exec 3<>/dev/tcp/127.0.0.1/$orthanc_dicom_port" 2>/dev/null; then
  not_ok "Orthanc's DICOM port is not reachable from the host network"
else
  ok "Orthanc's DICOM port is not reachable from the host network"
fi

if [ -s "$tmp/orthanc/index/index" ] || ls "$tmp/orthanc/index"/* >/dev/null 2>&1; then
  ok "the index lives in the test's temporary folder"
else
  not_ok "the index lives in the test's temporary folder"
fi

if command -v echoscu >/dev/null; then
  if pacs_run echoscu -aet "$pacs_client_aet" -aec "$orthanc_aet" 127.0.0.1 "$orthanc_dicom_port" \
       >"$tmp/out" 2>"$tmp/err"; then
    ok "C-ECHO from the registered AE title to the right called AE title succeeds"
  else
    not_ok "C-ECHO from the registered AE title to the right called AE title succeeds"
  fi
  if pacs_run echoscu -aet "$pacs_client_aet" -aec WRONG_AET 127.0.0.1 "$orthanc_dicom_port" \
       >"$tmp/out" 2>"$tmp/err"; then
    not_ok "C-ECHO to a wrong called AE title is refused"
  else
    ok "C-ECHO to a wrong called AE title is refused"
  fi
  if pacs_run echoscu -aet STRANGER -aec "$orthanc_aet" 127.0.0.1 "$orthanc_dicom_port" \
       >"$tmp/out" 2>"$tmp/err"; then
    not_ok "C-ECHO from an unknown calling AE title is refused"
  else
    ok "C-ECHO from an unknown calling AE title is refused"
  fi
else
  skip "C-ECHO checks" "echoscu (dcmtk) is not installed"
fi

orthanc_stop
if pacs_run curl -s -o /dev/null -u "$orthanc_user:$orthanc_password" "$orthanc_url/system"; then
  not_ok "orthanc_stop stops the server"
else
  ok "orthanc_stop stops the server"
fi

tap_finish
