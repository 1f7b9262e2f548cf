# tap-lib.sh: what every CLI test script shares (sourced, not run)
#
# Copyright 2026 The NeedlePlan authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Set $cli first. Makes $tmp (removed on exit) and defines ok, not_ok, skip,
# run, unprivileged, run_unprivileged, stderr_lines, check_failure,
# check_json, check_text and tap_finish. run leaves stdout, stderr and the
# exit code in $tmp/out, $tmp/err and $status; the check_* helpers read them.

tmp=$(mktemp -d "${TMPDIR:-/tmp}/np-test-cli.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

count=0
failed=0

ok () {
  count=$((count + 1))
  echo "ok $count - $1"
}

not_ok () {
  count=$((count + 1))
  failed=$((failed + 1))
  echo "not ok $count - $1"
  shift
  for line in "$@"; do
    echo "# $line"
  done
  if [ -s "$tmp/out" ]; then sed 's/^/# stdout: /' "$tmp/out"; fi
  if [ -s "$tmp/err" ]; then sed 's/^/# stderr: /' "$tmp/err"; fi
}

skip () {
  count=$((count + 1))
  echo "ok $count - $1 # SKIP $2"
}

run () {
  "$cli" "$@" >"$tmp/out" 2>"$tmp/err"
  status=$?
}

# Folder permissions do not stop root, and CI runs as root. There the
# permission checks run the CLI as "nobody" (setpriv, from util-linux).
# unprivileged says whether that works here (prints why not otherwise);
# run_unprivileged is run as that user, or as ourselves when not root.
unprivileged () {
  [ "$(id -u)" -ne 0 ] && return 0
  if ! command -v setpriv >/dev/null || ! id nobody >/dev/null 2>&1; then
    echo "running as root without setpriv or a user nobody"
    return 1
  fi
  # nobody must reach the test files and the CLI in the build tree.
  chmod 755 "$tmp"
  if ! setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups -- \
       "$cli" --version >/dev/null 2>&1; then
    echo "running as root, and the user nobody cannot run $cli"
    return 1
  fi
  return 0
}

# The sanitizers' suppressions file as nobody can read it: the checkout may
# sit below a folder only root may enter (a mktemp -d clone), and a
# suppressions file the process cannot read is one more line on stderr.
unprivileged_lsan_options () {
  local options="${LSAN_OPTIONS-}" rest file
  case $options in
    *suppressions=*)
      rest=${options##*suppressions=}
      file=${rest%%:*}
      if cp "$file" "$tmp/lsan.supp" 2>/dev/null; then
        chmod 644 "$tmp/lsan.supp"
        options="${options%"$rest"}$tmp/lsan.supp${rest#"$file"}"
      fi
      ;;
  esac
  printf '%s' "$options"
}

run_unprivileged () {
  if [ "$(id -u)" -ne 0 ]; then
    run "$@"
    return
  fi
  LSAN_OPTIONS=$(unprivileged_lsan_options) setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups -- \
    "$cli" "$@" >"$tmp/out" 2>"$tmp/err"
  status=$?
}

stderr_lines () {
  wc -l <"$tmp/err" | tr -d ' '
}

# check_failure NAME EXPECTED_STATUS TEXT...: the exit code is as expected,
# stdout is empty and stderr is exactly one line that contains every TEXT.
check_failure () {
  name=$1
  expected=$2
  shift 2
  if [ "$status" -ne "$expected" ]; then
    not_ok "$name" "exit status $status, expected $expected"
    return
  fi
  if [ "$(stderr_lines)" -ne 1 ]; then
    not_ok "$name" "stderr has $(stderr_lines) lines, expected exactly 1"
    return
  fi
  for text in "$@"; do
    if ! grep -qF -- "$text" "$tmp/err"; then
      not_ok "$name" "stderr does not contain “$text”"
      return
    fi
  done
  if [ -s "$tmp/out" ]; then
    not_ok "$name" "a failure printed something on stdout"
    return
  fi
  ok "$name"
}

# check_json NAME PYTHON: success, empty stderr, and PYTHON (d = the parsed
# stdout; close(a, b, tol) compares numbers) raises no assertion.
check_json () {
  name=$1
  code=$2
  if [ "$status" -ne 0 ]; then
    not_ok "$name" "exit status $status"
  elif [ -s "$tmp/err" ]; then
    not_ok "$name" "stderr is not empty"
  elif python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
def close(a, b, tol=1e-6):
    return a is not None and abs(a - b) <= tol
$code
" "$tmp/out" 2>"$tmp/py-err"; then
    ok "$name"
  else
    not_ok "$name" "$(tail -n 1 "$tmp/py-err")"
  fi
}

# check_text NAME TEXT...: success, and stdout holds every TEXT.
check_text () {
  name=$1
  shift
  if [ "$status" -ne 0 ]; then
    not_ok "$name" "exit status $status"
    return
  fi
  for text in "$@"; do
    if ! grep -qF -- "$text" "$tmp/out"; then
      not_ok "$name" "stdout does not contain “$text”"
      return
    fi
  done
  ok "$name"
}

tap_finish () {
  echo "1..$count"
  [ "$failed" -eq 0 ]
}
