#!/usr/bin/env bash
# Static analysis of app/ as a TAP test (suite "lint"): cppcheck over every
# file, clang-tidy (checks in .clang-tidy) over every app/ file this build
# compiles. A finding fails the case and is printed as a TAP comment; false
# positives are suppressed inline, next to the code, with the reason.
#   test-lint.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
source_dir=$1
build_dir=$2
jobs=$(nproc 2>/dev/null || echo 2)
n=0
failed=0

echo "1..2"

report () {
  local status=$1 name=$2 log=$3
  n=$((n + 1))
  if [ "$status" -eq 0 ]; then
    echo "ok $n - $name"
  else
    echo "not ok $n - $name"
    failed=$((failed + 1))
    sed 's/^/# /' "$log"
  fi
}

log=$(mktemp)
trap 'rm -f "$log"' EXIT

if command -v cppcheck >/dev/null; then
  # --library=gtk teaches cppcheck GLib's macros (g_autoptr, G_DEFINE_*).
  cppcheck --library=gtk --enable=warning,performance,portability --inline-suppr \
    --error-exitcode=1 --quiet --template='{file}:{line}: {severity}: {message} [{id}]' \
    -I "$source_dir/app/core" -I "$source_dir/app/cli" -I "$build_dir" \
    "$source_dir/app" >"$log" 2>&1
  report $? "cppcheck app/ (warning, performance, portability) finds nothing" "$log"
else
  n=$((n + 1)); echo "ok $n - cppcheck app/ # SKIP cppcheck is not installed"
fi

if command -v clang-tidy >/dev/null && [ -f "$build_dir/compile_commands.json" ]; then
  python3 - "$build_dir/compile_commands.json" "$source_dir/app/" <<'PY' >"$log.files"
import json, os, sys
entries = json.load(open(sys.argv[1]))
app = os.path.realpath(sys.argv[2])
seen = set()
for entry in entries:
    path = os.path.realpath(os.path.join(entry['directory'], entry['file']))
    if path.startswith(app + os.sep) and path not in seen:
        seen.add(path)
        print(path)
PY
  xargs -a "$log.files" -P "$jobs" -n 4 clang-tidy -p "$build_dir" --quiet >"$log" 2>/dev/null
  status=$?
  grep -q -E '(warning|error):' "$log" && status=1
  report "$status" "clang-tidy ($(wc -l <"$log.files") files of app/, checks in .clang-tidy) finds nothing" "$log"
  rm -f "$log.files"
else
  n=$((n + 1)); echo "ok $n - clang-tidy app/ # SKIP clang-tidy or compile_commands.json is missing"
fi

[ "$failed" -eq 0 ]
