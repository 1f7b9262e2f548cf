# e2e-lib.sh: what every end-to-end script shares (sourced, not run)
#
# Copyright 2026 The NeedlePlan authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Source it with . "$(dirname "$0")/e2e-lib.sh" once $app holds the binary's
# path: it runs the script again under its own xvfb-run, makes $tmp, and on
# exit ends $second_pid, $app_pid (with $cleanup_signal, TERM unless the
# script says otherwise) and the session bus, and removes $tmp.
#
# TAP: ok, not_ok, skip, check, bail, finish. Setup: require_tools,
# private_session. The app: start_app, app_exited. The screen: shot, values,
# longest_run, measure_canvas, move.

# shellcheck shell=bash

# Our own X server, even when the caller already runs one.
if [ -z "${NP_E2E_OWN_DISPLAY:-}" ]; then
  NP_E2E_OWN_DISPLAY=1 exec xvfb-run -a -s '-screen 0 1280x800x24 -nolisten tcp' "$0" "$@"
fi

convert=/usr/bin/convert   # the real ImageMagick (an earlier one on PATH may be a stand-in)
tmp=$(mktemp -d)
app_pid=
second_pid=
bus_pid=
cleanup_signal=TERM
test_number=0
failures=0

cleanup () {
  [ -n "$second_pid" ] && kill "$second_pid" 2>/dev/null
  [ -n "$app_pid" ] && kill -s "$cleanup_signal" "$app_pid" 2>/dev/null
  [ -n "$app_pid" ] && wait "$app_pid" 2>/dev/null
  [ -n "$bus_pid" ] && kill "$bus_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

# TAP ---------------------------------------------------------------------------

ok () {
  test_number=$((test_number + 1))
  echo "ok $test_number - $1"
}

not_ok () {
  test_number=$((test_number + 1))
  failures=$((failures + 1))
  echo "not ok $test_number - $1"
  shift
  for line in "$@"; do echo "#   $line"; done
}

skip () {
  test_number=$((test_number + 1))
  echo "ok $test_number - $1 # SKIP $2"
}

# check NAME CONDITION-IN-AWK DETAIL: passes when awk says the condition holds.
check () {
  if awk "BEGIN { exit !($2) }"; then ok "$1"; else not_ok "$1" "$3"; fi
}

# app_logs: what the app printed, as TAP comments: app.log, or app-N.log
# for each start of a script that starts it more than once.
app_logs () {
  [ -f "$tmp/app.log" ] && sed 's/^/# app: /' "$tmp/app.log"
  for log in "$tmp"/app-*.log; do
    [ -f "$log" ] && sed "s/^/# $(basename "$log"): /" "$log"
  done
}

bail () {
  echo "Bail out! $1"
  app_logs
  exit 1
}

# finish: the app's output when a case failed, then the exit status.
finish () {
  [ "$failures" -gt 0 ] && app_logs
  exit $((failures > 0))
}

# Setup ---------------------------------------------------------------------------

# require_tools TOOL...: bails out unless every TOOL is there.
require_tools () {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || bail "$tool is not installed (tools/test installs it)"
  done
}

# private_session: a private home, XDG folders (recent files, the training
# history, autosave files) and session bus: the test must never reach a
# NeedlePlan the developer has open, see their files or leave any behind.
private_session () {
  export HOME="$tmp/home" XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config"
  export XDG_CACHE_HOME="$tmp/cache" XDG_STATE_HOME="$tmp/state"
  mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME"
  export GSK_RENDERER=cairo GTK_A11Y=none GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1
  unset DBUS_SESSION_BUS_ADDRESS
  if command -v dbus-daemon >/dev/null; then
    dbus-daemon --session --fork --nopidfile --print-address=3 --print-pid=4 \
      3>"$tmp/bus-address" 4>"$tmp/bus-pid" || bail "cannot start a session bus"
    DBUS_SESSION_BUS_ADDRESS=$(head -n 1 "$tmp/bus-address")
    bus_pid=$(head -n 1 "$tmp/bus-pid")
    export DBUS_SESSION_BUS_ADDRESS
  fi
}

# The app ----------------------------------------------------------------------

# start_app TITLE ARG...: $app ARG... in the background (output in
# $tmp/app.log); $wid is its visible window named TITLE, empty after 60 s.
start_app () {
  local title=$1
  shift
  "$app" "$@" >"$tmp/app.log" 2>&1 &
  app_pid=$!
  wid=$(timeout 60 xdotool search --sync --onlyvisible --name "$title" | head -n 1)
}

# app_exited: true when the app ends within 10 s; it is then reaped, its
# exit status left in $status, and cleanup no longer kills it.
app_exited () {
  local i
  for i in $(seq 1 50); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.2; done
  kill -0 "$app_pid" 2>/dev/null && return 1
  wait "$app_pid"
  status=$?
  app_pid=
}

# The screen -------------------------------------------------------------------

# shot [NAME]: the screen in $tmp/shot.png, kept as NAME.png in
# NP_E2E_SHOT_DIR when both are set.
shot () {
  import -window root "$tmp/shot.png" 2>/dev/null
  if [ -n "${NP_E2E_SHOT_DIR:-}" ] && [ -n "${1:-}" ]; then
    mkdir -p "$NP_E2E_SHOT_DIR" && cp "$tmp/shot.png" "$NP_E2E_SHOT_DIR/$1.png"
  fi
}

# values GEOMETRY: the red channel of a strip of the last shot, one value
# per line.
values () {
  $convert "$tmp/shot.png" -crop "$1" +repage -channel R -separate -depth 8 gray:- |
    od -An -tu1 -v | tr -s ' ' '\n' | sed '/^$/d'
}

# longest_run LOW HIGH: first and last index of the longest run of values in
# [LOW, HIGH] in a list.
longest_run () {
  awk -v low="$1" -v high="$2" 'BEGIN { start = -1 }
    { if ($1 >= low && $1 <= high) { if (start < 0) start = NR - 1; len = NR - start }
      else start = -1
      if (len > best) { best = len; first = start } }
    END { print first, first + best - 1 }'
}

# measure_canvas COLUMN: the canvas, by its surround (#141414 = 20), down
# screen column COLUMN, then along a row near its top.
measure_canvas () {
  read -r canvas_top canvas_bottom < <(values "1x800+$1+0" | longest_run 18 22)
  read -r canvas_left canvas_right < <(values "1280x1+0+$((canvas_top + 4))" | longest_run 18 22)
  canvas_mid=$(( (canvas_top + canvas_bottom) / 2 ))
}

# move X Y: the pointer to (X, Y) in the app's window.
move () {
  xdotool mousemove --window "$wid" "$1" "$2"
}
