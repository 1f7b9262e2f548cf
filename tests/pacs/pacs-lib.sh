# pacs-lib.sh: a throwaway Orthanc for the PACS tests (sourced, not run)
#
# Copyright 2026 The NeedlePlan authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Orthanc 1.10 listens on every interface, so it never runs on the host
# network: pacs_ns_start makes a private network namespace that has only
# loopback (unshare -n, held open by a sleeping process), orthanc_start runs
# Orthanc in it with a configuration written to the test's temporary folder,
# and every client runs in the same namespace through pacs_run (nsenter).
#
# Source it after tap-lib.sh or e2e-lib.sh (it needs $tmp and chains their
# clean-up on exit). Functions:
#   pacs_unavailable        prints why the fixture cannot run here, or nothing
#   pacs_skip_all REASON    prints a TAP plan that skips everything, exits 0
#   pacs_ns_start           the namespace (sets $pacs_ns_pid)
#   pacs_run CMD...         runs CMD in the namespace, without HTTP proxies
#   orthanc_start           starts Orthanc and waits until HTTP and DICOM answer
#   orthanc_stop            kills Orthanc by its PID (SIGKILL: the database is thrown away)
#   pacs_cleanup            both of the above undone (run on exit)
# After orthanc_start: $orthanc_url (REST root), $orthanc_dicomweb (DICOMweb
# root), $orthanc_user / $orthanc_password (HTTP basic), $orthanc_aet and
# $orthanc_dicom_port (the server), $pacs_client_aet (the AE title
# registered as a modality; another title is refused), $orthanc_log.

# shellcheck shell=bash

orthanc_http_port=8042
orthanc_dicom_port=4242
orthanc_aet=ORTHANC_TEST
orthanc_user=np-test
orthanc_password='np test password'
pacs_client_aet=NEEDLEPLAN
orthanc_url="http://127.0.0.1:$orthanc_http_port"
orthanc_dicomweb="$orthanc_url/dicom-web"
orthanc_plugin=/usr/share/orthanc/plugins/libOrthancDicomWeb.so
pacs_ns_pid=
orthanc_pid=
orthanc_log=

pacs_unavailable () {
  local tool
  for tool in unshare nsenter ip curl Orthanc; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "$tool is not installed (tools/deps.sh test)"
      return
    fi
  done
  if [ ! -f "$orthanc_plugin" ]; then
    echo "the Orthanc DICOMweb plugin ($orthanc_plugin) is not installed"
    return
  fi
  # Making a network namespace needs root (or a user namespace that maps it).
  if ! unshare -n true 2>/dev/null; then
    echo "unshare -n is not permitted here, and Orthanc must not run on the host network"
    return
  fi
}

pacs_skip_all () {
  echo "1..0 # SKIP $1"
  exit 0
}

pacs_ns_start () {
  unshare -n -- sh -c 'ip link set lo up && exec sleep 86400' &
  pacs_ns_pid=$!
  local i
  for i in $(seq 100); do
    if nsenter -t "$pacs_ns_pid" -n -- ip -o link show lo 2>/dev/null | grep -q 'LOWER_UP'; then
      return 0
    fi
    kill -0 "$pacs_ns_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "# the private network namespace did not come up"
  return 1
}

pacs_run () {
  nsenter -t "$pacs_ns_pid" -n -- env -u http_proxy -u https_proxy -u HTTP_PROXY \
    -u HTTPS_PROXY -u all_proxy -u ALL_PROXY -u no_proxy -u NO_PROXY "$@"
}

orthanc_write_config () {
  local dir=$1
  mkdir -p "$dir/storage" "$dir/index"
  cat >"$dir/orthanc.json" <<JSON
{
  "Name": "NeedlePlan test PACS",
  "StorageDirectory": "$dir/storage",
  "IndexDirectory": "$dir/index",
  "HttpServerEnabled": true,
  "HttpPort": $orthanc_http_port,
  "RemoteAccessAllowed": false,
  "AuthenticationEnabled": true,
  "RegisteredUsers": { "$orthanc_user": "$orthanc_password" },
  "DicomServerEnabled": true,
  "DicomAet": "$orthanc_aet",
  "DicomPort": $orthanc_dicom_port,
  "DicomCheckCalledAet": true,
  "DicomAlwaysAllowStore": false,
  "DicomAlwaysAllowEcho": false,
  "DicomAlwaysAllowFind": false,
  "DicomAlwaysAllowGet": false,
  "DicomCheckModalityHost": true,
  "DicomModalities": {
    "np": { "AET": "$pacs_client_aet", "Host": "127.0.0.1", "Port": 11112 }
  },
  "Plugins": [ "$orthanc_plugin" ],
  "DicomWeb": { "Enable": true, "Root": "/dicom-web/", "EnableWado": true },
  "LuaScripts": [],
  "ConcurrentJobs": 1,
  "SaveJobs": false
}
JSON
}

orthanc_start () {
  local dir="$tmp/orthanc" i
  if [ -z "$pacs_ns_pid" ]; then
    pacs_ns_start || return 1
  fi
  orthanc_write_config "$dir"
  orthanc_log="$dir/orthanc.log"
  # nsenter execs Orthanc, so $! is Orthanc's own PID.
  nsenter -t "$pacs_ns_pid" -n -- Orthanc "$dir/orthanc.json" >"$orthanc_log" 2>&1 &
  orthanc_pid=$!
  for i in $(seq 300); do
    if ! kill -0 "$orthanc_pid" 2>/dev/null; then
      echo "# Orthanc exited while starting:"
      tail -n 20 "$orthanc_log" | sed 's/^/#   /'
      orthanc_pid=
      return 1
    fi
    if pacs_run curl -sf -o /dev/null -u "$orthanc_user:$orthanc_password" "$orthanc_url/system" &&
       pacs_run bash -c "exec 3<>/dev/tcp/127.0.0.1/$orthanc_dicom_port" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  echo "# Orthanc did not answer within 30 s:"
  tail -n 20 "$orthanc_log" | sed 's/^/#   /'
  orthanc_stop
  return 1
}

orthanc_stop () {
  if [ -n "$orthanc_pid" ]; then
    kill -KILL "$orthanc_pid" 2>/dev/null
    wait "$orthanc_pid" 2>/dev/null
    orthanc_pid=
  fi
}

pacs_cleanup () {
  orthanc_stop
  if [ -n "$pacs_ns_pid" ]; then
    kill "$pacs_ns_pid" 2>/dev/null
    wait "$pacs_ns_pid" 2>/dev/null
    pacs_ns_pid=
  fi
}

# Chain the clean-up of tap-lib.sh (removes $tmp) or e2e-lib.sh (its cleanup function).
if declare -F cleanup >/dev/null; then
  trap 'pacs_cleanup; cleanup' EXIT
else
  trap 'pacs_cleanup; rm -rf "$tmp"' EXIT
fi
