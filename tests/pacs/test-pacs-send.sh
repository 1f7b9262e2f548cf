#!/usr/bin/env bash
# needleplan-cli send against a real Orthanc (pacs-lib.sh): C-STORE and
# STOW-RS, read back by REST and WADO-RS and compared (UIDs, patient and
# study attributes, decoded pixels, the PDF), and every failure a clinician
# can meet gives its own clear message while the export stays on disk.
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
for tool in dcmdump dcm2pnm dcm2pdf python3; do
  command -v "$tool" >/dev/null || pacs_skip_all "$tool (package dcmtk / python3) is not installed"
done
orthanc_start || { echo "Bail out! Orthanc did not start"; exit 1; }

# Everything the CLI writes stays in the test's folder.
export XDG_CACHE_HOME="$tmp/cache" XDG_CONFIG_HOME="$tmp/config"
# The knee case of the export tests: a PNG frame, patient typed into the case details.
cp -R "$here/../data/export/knee-us" "$tmp/knee-us"
plan="$tmp/knee-us/plan.json"
printf '%s\n' "$orthanc_password" >"$tmp/password"

# destinations FILE CALLING CALLED USER: a key file with one destination "pacs".
destinations () {
  cat >"$1" <<INI
[pacs]
calling-aet=$2
called-aet=$3
host=127.0.0.1
port=$orthanc_dicom_port
timeout=10
dicomweb-url=$orthanc_dicomweb
username=$4
INI
}
destinations "$tmp/pacs.ini" "$pacs_client_aet" "$orthanc_aet" "$orthanc_user"

send () {
  pacs_run "$cli" send "$@" >"$tmp/out" 2>"$tmp/err"
  status=$?
}

tag () {  # tag FILE KEYWORD: the attribute's value as dcmdump prints it
  dcmdump -q +P "$2" "$1" 2>/dev/null | head -n 1 | sed -e 's/^[^[]*\[//' -e 's/\].*$//'
}

# same_record NAME SENT FETCHED: UIDs, patient and study attributes equal;
# the SC's decoded pixels and the PDF's bytes identical.
same_record () {
  local name=$1 sent=$2 fetched=$3 keyword differ=""
  for keyword in SOPInstanceUID SOPClassUID StudyInstanceUID SeriesInstanceUID PatientName \
                 PatientID PatientBirthDate PatientSex StudyDate StudyTime AccessionNumber \
                 StudyID SeriesDescription Modality; do
    if [ "$(tag "$sent" "$keyword")" != "$(tag "$fetched" "$keyword")" ]; then
      differ="$differ $keyword: sent “$(tag "$sent" "$keyword")”, PACS “$(tag "$fetched" "$keyword")”;"
    fi
  done
  if [ -n "$(tag "$sent" MIMETypeOfEncapsulatedDocument)" ]; then
    dcm2pdf "$sent" "$tmp/a.pdf" 2>/dev/null && dcm2pdf "$fetched" "$tmp/b.pdf" 2>/dev/null &&
      cmp -s "$tmp/a.pdf" "$tmp/b.pdf" || differ="$differ the encapsulated PDFs differ;"
  else
    dcm2pnm --write-raw-pnm "$sent" "$tmp/a.pnm" 2>/dev/null &&
      dcm2pnm --write-raw-pnm "$fetched" "$tmp/b.pnm" 2>/dev/null &&
      cmp -s "$tmp/a.pnm" "$tmp/b.pnm" || differ="$differ the decoded pixels differ;"
  fi
  if [ -z "$differ" ]; then ok "$name"; else not_ok "$name" "$differ"; fi
}

# rest_fetch UID OUT: the instance by Orthanc's REST API (lookup, then its file).
rest_fetch () {
  local id
  id=$(pacs_run curl -sf -u "$orthanc_user:$orthanc_password" -X POST --data "$1" \
         "$orthanc_url/tools/lookup" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["ID"])') &&
    pacs_run curl -sf -u "$orthanc_user:$orthanc_password" -o "$2" "$orthanc_url/instances/$id/file"
}

# wado_fetch FILE OUT: the instance by WADO-RS (multipart/related, one part).
wado_fetch () {
  local url
  url="$orthanc_dicomweb/studies/$(tag "$1" StudyInstanceUID)/series/$(tag "$1" SeriesInstanceUID)"
  url="$url/instances/$(tag "$1" SOPInstanceUID)"
  pacs_run curl -sf -u "$orthanc_user:$orthanc_password" \
    -H 'Accept: multipart/related; type="application/dicom"' -D "$tmp/headers" -o "$tmp/multipart" "$url" &&
  python3 - "$tmp/headers" "$tmp/multipart" "$2" <<'PY'
import re, sys
headers = open(sys.argv[1], encoding='latin-1').read()
boundary = re.search(r'boundary="?([^";\r\n]+)"?', headers, re.I).group(1).encode()
body = open(sys.argv[2], 'rb').read()
parts = [p for p in body.split(b'--' + boundary) if p.strip() not in (b'', b'--')]
assert len(parts) == 1, '%d parts' % len(parts)
head, data = parts[0].split(b'\r\n\r\n', 1)
assert b'application/dicom' in head.lower()
open(sys.argv[3], 'wb').write(data[:-2] if data.endswith(b'\r\n') else data)
PY
}

stored_uid () {  # the SOP Instance UID the CLI reported for FILE
  sed -n "s|^Stored $1 on .*(SOP Instance UID \(.*\))\$|\1|p" "$tmp/out"
}

# --- C-STORE ----------------------------------------------------------------

send "$plan" --to pacs --via dimse --pacs-config "$tmp/pacs.ini" --keep "$tmp/dimse"
sc="$tmp/dimse/plan-annotated.dcm"
pdf="$tmp/dimse/plan-report.dcm"
check_text "send --via dimse stores the SC and the PDF by C-STORE" \
  "Stored $sc on “pacs” by C-STORE" "Stored $pdf on “pacs” by C-STORE"
if [ "$(stored_uid "$sc")" = "$(tag "$sc" SOPInstanceUID)" ] && [ -n "$(stored_uid "$sc")" ]; then
  ok "the UID the CLI reports is the SC's SOP Instance UID"
else
  not_ok "the UID the CLI reports is the SC's SOP Instance UID" "reported “$(stored_uid "$sc")”"
fi
if rest_fetch "$(tag "$sc" SOPInstanceUID)" "$tmp/rest-sc.dcm" &&
   rest_fetch "$(tag "$pdf" SOPInstanceUID)" "$tmp/rest-pdf.dcm"; then
  same_record "C-STORE: the SC read back by REST has the same UIDs, attributes and pixels" "$sc" "$tmp/rest-sc.dcm"
  same_record "C-STORE: the PDF read back by REST has the same UIDs, attributes and document" "$pdf" "$tmp/rest-pdf.dcm"
else
  not_ok "C-STORE: the SC is on the PACS (REST lookup)"
  not_ok "C-STORE: the PDF is on the PACS (REST lookup)"
fi
if [ "$(tag "$tmp/rest-sc.dcm" PatientID)" = "PID-98765-XQ" ] &&
   [ "$(tag "$tmp/rest-sc.dcm" StudyInstanceUID)" = "$(tag "$tmp/rest-pdf.dcm" StudyInstanceUID)" ] &&
   [ "$(tag "$tmp/rest-sc.dcm" SeriesInstanceUID)" != "$(tag "$tmp/rest-pdf.dcm" SeriesInstanceUID)" ]; then
  ok "on the PACS: the case's patient ID, one study, a series each"
else
  not_ok "on the PACS: the case's patient ID, one study, a series each"
fi

# --- STOW-RS ----------------------------------------------------------------

send "$plan" --to pacs --via dicomweb --pacs-config "$tmp/pacs.ini" --password-file "$tmp/password" \
  --keep "$tmp/stow"
sc="$tmp/stow/plan-annotated.dcm"
pdf="$tmp/stow/plan-report.dcm"
check_text "send --via dicomweb stores the SC and the PDF by STOW-RS" \
  "Stored $sc on “pacs” by STOW-RS" "Stored $pdf on “pacs” by STOW-RS"
if wado_fetch "$sc" "$tmp/wado-sc.dcm" && wado_fetch "$pdf" "$tmp/wado-pdf.dcm"; then
  same_record "STOW-RS: the SC read back by WADO-RS has the same UIDs, attributes and pixels" "$sc" "$tmp/wado-sc.dcm"
  same_record "STOW-RS: the PDF read back by WADO-RS has the same UIDs, attributes and document" "$pdf" "$tmp/wado-pdf.dcm"
else
  not_ok "STOW-RS: the SC is on the PACS (WADO-RS)"
  not_ok "STOW-RS: the PDF is on the PACS (WADO-RS)"
fi

# --- anonymised ---------------------------------------------------------------

send "$plan" --to pacs --via dimse --pacs-config "$tmp/pacs.ini" --anonymise --keep "$tmp/anon"
if [ "$status" -eq 0 ] && rest_fetch "$(tag "$tmp/anon/plan-annotated.dcm" SOPInstanceUID)" "$tmp/anon.dcm" &&
   ! grep -qaF "PID-98765-XQ" "$tmp/anon.dcm" && ! grep -qaF "Quackenbush" "$tmp/anon.dcm" &&
   [ "$(tag "$tmp/anon.dcm" StudyInstanceUID)" != "$(tag "$tmp/rest-sc.dcm" StudyInstanceUID)" ]; then
  ok "send --anonymise: the PACS copy has no patient name or ID and a study of its own"
else
  not_ok "send --anonymise: the PACS copy has no patient name or ID and a study of its own"
fi

# Without --keep the export goes to the cache's outbox and is removed once stored.
send "$plan" --to pacs --pacs-config "$tmp/pacs.ini"
if [ "$status" -eq 0 ] && grep -qF "by C-STORE" "$tmp/out" &&
   [ -z "$(find "$XDG_CACHE_HOME/needleplan/outbox" -type f 2>/dev/null)" ]; then
  ok "send without --via uses C-STORE and leaves nothing in the outbox once stored"
else
  not_ok "send without --via uses C-STORE and leaves nothing in the outbox once stored"
fi

# --- failures -------------------------------------------------------------------

destinations "$tmp/wrong-called.ini" "$pacs_client_aet" WRONG_AET "$orthanc_user"
send "$plan" --to pacs --via dimse --pacs-config "$tmp/wrong-called.ini"
check_failure "a wrong called AE title is named as such" 1 \
  "refused the association" "does not answer to the called AE title \"WRONG_AET\""

destinations "$tmp/stranger.ini" STRANGER "$orthanc_aet" "$orthanc_user"
send "$plan" --to pacs --via dimse --pacs-config "$tmp/stranger.ini"
check_failure "an unknown calling AE title is named as such" 1 \
  "refused the association" "does not know our calling AE title \"STRANGER\""

printf 'wrong password\n' >"$tmp/bad-password"
send "$plan" --to pacs --via dicomweb --pacs-config "$tmp/pacs.ini" --password-file "$tmp/bad-password"
check_failure "a wrong DICOMweb password is named as such" 1 "refused the user name or password (HTTP 401)"

printf 'this is a text file, not DICOM\n' >"$tmp/not-dicom.dcm"
send --files "$tmp/not-dicom.dcm" --to pacs --via dicomweb --pacs-config "$tmp/pacs.ini" \
  --password-file "$tmp/password"
check_failure "STOW-RS of a body that is not DICOM: the PACS did not accept it as DICOM" 1 \
  "did not accept what was sent as DICOM (HTTP 400)"
send --files "$tmp/not-dicom.dcm" --to pacs --via dimse --pacs-config "$tmp/pacs.ini"
check_failure "C-STORE of a file that is not DICOM is refused before sending" 1 \
  "not-dicom.dcm is not a DICOM file that can be sent"

send "$plan" --to nowhere --pacs-config "$tmp/pacs.ini"
check_failure "an unknown destination lists the known ones" 1 "No PACS destination named “nowhere”" "“pacs”"

# A server that accepts the connection and never answers: the time-out.
# nsenter execs python3, so $! is the listener itself, stopped by its PID.
nsenter -t "$pacs_ns_pid" -n -- python3 -c '
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 11113)); s.listen(4)
held = []
while True:
    held.append(s.accept()[0])
' >/dev/null 2>&1 &
silent_pid=$!
sed -e "s/^port=.*/port=11113/" -e "s/^timeout=.*/timeout=2/" "$tmp/pacs.ini" >"$tmp/silent.ini"
for _ in $(seq 50); do pacs_run bash -c 'exec 3<>/dev/tcp/127.0.0.1/11113' 2>/dev/null && break; sleep 0.1; done
send --files "$tmp/dimse/plan-annotated.dcm" --to pacs --via dimse --pacs-config "$tmp/silent.ini"
check_failure "a server that never answers: the time-out is named" 1 "did not answer within 2 s"
kill "$silent_pid" 2>/dev/null
wait "$silent_pid" 2>/dev/null

orthanc_stop
rm -rf "$XDG_CACHE_HOME/needleplan/outbox"
send "$plan" --to pacs --via dimse --pacs-config "$tmp/pacs.ini"
check_failure "a stopped server: nothing answers, and the export is kept" 1 \
  "Nothing answers at 127.0.0.1:$orthanc_dicom_port" "The exported files are kept in"
kept=$(find "$XDG_CACHE_HOME/needleplan/outbox" -name '*.dcm' | sort)
send --files $kept --to pacs --via dicomweb --pacs-config "$tmp/pacs.ini" --password-file "$tmp/password"
check_failure "a stopped server by STOW-RS: it is not running" 1 "Could not connect to" "not running"

# Retry: the kept files go once the server is back.
orthanc_start || { echo "Bail out! Orthanc did not restart"; exit 1; }
if [ "$(echo "$kept" | wc -l)" -eq 2 ]; then
  send --files $kept --to pacs --via dimse --pacs-config "$tmp/pacs.ini"
  check_text "the kept export is sent again once the server is back" "by C-STORE (SOP Instance UID"
else
  not_ok "the kept export is sent again once the server is back" "kept: $kept"
fi

tap_finish
