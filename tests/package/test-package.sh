#!/usr/bin/env bash
# test-package.sh: the Debian package builds from a copy of the source tree,
# holds what it should, and its extracted needleplan-cli runs (TAP)
#
# Copyright 2026 The NeedlePlan authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-package.sh SOURCE_DIR PROJECT_VERSION APP_ID
#
# Everything happens in a temporary folder: the package is built there with
# dpkg-buildpackage, listed with dpkg-deb -c and unpacked with dpkg-deb -x.
# It is never installed on this machine.

set -u

src=${1:?usage: test-package.sh SOURCE_DIR PROJECT_VERSION APP_ID}
version=${2:?usage: test-package.sh SOURCE_DIR PROJECT_VERSION APP_ID}
app_id=${3:?usage: test-package.sh SOURCE_DIR PROJECT_VERSION APP_ID}

for tool in dpkg-buildpackage dpkg-deb dh; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "1..0 # SKIP $tool not found (tools/test and tools/package install dpkg-dev and debhelper)"
    exit 0
  fi
done

# shellcheck source=../../tools/deps.sh
. "$src/tools/deps.sh" || exit 99

tmp=$(mktemp -d "${TMPDIR:-/tmp}/np-test-package.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

count=0
failed=0

ok () {
  count=$((count + 1))
  echo "ok $count - $1"
}

# not_ok DESCRIPTION [DIAGNOSTIC LINE...]
not_ok () {
  count=$((count + 1))
  failed=$((failed + 1))
  echo "not ok $count - $1"
  shift
  for line in "$@"; do
    echo "# $line"
  done
}

skip () {
  count=$((count + 1))
  echo "ok $count - $1 # SKIP $2"
}

finish () {
  echo "1..$count"
  [ "$failed" -eq 0 ]
  exit
}

# --- Build-Depends and tools/deps.sh agree --------------------------------
# A fresh machine gets only what tools/deps.sh installs; a Build-Depends it
# lacks makes dpkg-buildpackage stop there.

build_depends=$(sed -n '/^Build-Depends:/,/^[A-Z]/p' "$src/debian/control" |
  sed -e '/^#/d' -e 's/^Build-Depends://' -e '/^[A-Z]/d' | tr ',' '\n' |
  sed -e 's/[[(].*//' -e 's/[[:space:]]//g' -e '/^$/d')
known=" ${np_packages_build[*]} ${np_packages_package[*]} debhelper-compat "
absent=
for pkg in $build_depends; do
  case $known in *" $pkg "*) ;; *) absent="$absent $pkg" ;; esac
done
if [ -z "$build_depends" ]; then
  not_ok "debian/control's Build-Depends are installed by tools/deps.sh" "no Build-Depends found"
elif [ -n "$absent" ]; then
  not_ok "debian/control's Build-Depends are installed by tools/deps.sh" \
    "not in the build or package set:$absent"
else
  ok "debian/control's Build-Depends are installed by tools/deps.sh"
fi

# --- build ----------------------------------------------------------------
# One level down: dpkg-buildpackage writes the .deb into the parent folder.

if np_copy_source "$src" "$tmp/src" 2>"$tmp/copy.log"; then
  ok "copy of the source tree without build folders"
else
  not_ok "copy of the source tree without build folders" "$(cat "$tmp/copy.log")"
  finish
fi

# The caller's build options (a parallel make, a sanitizer) are not the package's.
if (cd "$tmp/src" &&
    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u ASAN_OPTIONS -u UBSAN_OPTIONS \
      DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b -Jauto) >"$tmp/build.log" 2>&1; then
  ok "dpkg-buildpackage -us -uc -b succeeds"
else
  not_ok "dpkg-buildpackage -us -uc -b succeeds" "last lines of its log:"
  tail -n 40 "$tmp/build.log" | sed 's/^/# /'
  finish
fi

arch=$(dpkg --print-architecture)
deb=$tmp/needleplan_${version}_$arch.deb
if [ -f "$deb" ]; then
  ok "needleplan_${version}_$arch.deb is written beside the source copy"
else
  not_ok "needleplan_${version}_$arch.deb is written beside the source copy" \
    "found: $(cd "$tmp" && echo *.deb)"
  finish
fi

# --- control fields -------------------------------------------------------

field () {
  dpkg-deb -f "$deb" "$1" 2>/dev/null
}

if [ "$(field Package)" = needleplan ] && [ "$(field Version)" = "$version" ]; then
  ok "package needleplan, version $version as in meson.build"
else
  not_ok "package needleplan, version $version as in meson.build" \
    "Package: $(field Package), Version: $(field Version)"
fi

# ${shlibs:Depends} was filled in: the libraries the programs link are named.
depends=$(field Depends)
missing_libs=
for lib in libgtk-4-1 libadwaita-1-0 libglib2.0-0 libgsl27 libpng16-16 libjson-glib-1.0-0 libc6; do
  case ", $depends" in *", $lib "* | *", $lib,"*) ;; *) missing_libs="$missing_libs $lib" ;; esac
done
if [ -z "$missing_libs" ]; then
  ok "Depends names the shared libraries the programs link"
else
  not_ok "Depends names the shared libraries the programs link" \
    "missing:$missing_libs" "Depends: $depends"
fi

# --- contents -------------------------------------------------------------

if dpkg-deb -c "$deb" >"$tmp/contents.raw" 2>"$tmp/err"; then
  ok "dpkg-deb -c lists the package"
else
  not_ok "dpkg-deb -c lists the package" "$(cat "$tmp/err")"
  finish
fi
# The path is the sixth column; a symbolic link adds " -> TARGET".
awk '{ sub(/ -> .*/, ""); print substr($0, index($0, $6)) }' "$tmp/contents.raw" |
  sed 's|^\./|/|; s|/$||' >"$tmp/contents"

has () {
  grep -qxF "$1" "$tmp/contents"
}

# contains PATH DESCRIPTION
contains () {
  if has "$1"; then
    ok "$2 ($1)"
  else
    not_ok "$2 ($1)" "not in the package"
  fi
}

contains /usr/bin/needleplan "the application"
contains /usr/bin/needleplan-cli "the command-line tool"
contains "/usr/share/applications/$app_id.desktop" "desktop file"
contains "/usr/share/metainfo/$app_id.metainfo.xml" "AppStream metainfo"
contains "/usr/share/glib-2.0/schemas/$app_id.gschema.xml" "GSettings schema"
contains "/usr/share/icons/hicolor/scalable/apps/$app_id.svg" "scalable app icon"
contains "/usr/share/icons/hicolor/symbolic/apps/$app_id-symbolic.svg" "symbolic app icon"
contains /usr/share/man/man1/needleplan.1.gz "manual page of the application"
contains /usr/share/man/man1/needleplan-cli.1.gz "manual page of the command-line tool"
contains /usr/share/doc/needleplan/copyright "copyright file"

# The DICOM helper, once its source is in the tree, is installed too.
if [ -f "$src/app/dicom/meson.build" ]; then
  if grep -Eq '^/usr/(libexec|lib)/(.*/)?needleplan-dicom$' "$tmp/contents"; then
    ok "the DICOM helper needleplan-dicom is in libexecdir"
  else
    not_ok "the DICOM helper needleplan-dicom is in libexecdir" "not in the package"
  fi
else
  skip "the DICOM helper needleplan-dicom is in libexecdir" "app/dicom is not in this source tree"
fi

# Every file of every bundled case, nothing left behind.
cases_total=0
cases_absent=
while IFS= read -r -d '' f; do
  cases_total=$((cases_total + 1))
  has "/usr/share/needleplan/cases/${f#"$src/data/cases/"}" ||
    cases_absent="$cases_absent ${f#"$src/data/cases/"}"
done < <(find "$src/data/cases" -type f -print0)
if [ "$cases_total" -gt 0 ] && [ -z "$cases_absent" ]; then
  ok "all $cases_total files of the bundled cases are in /usr/share/needleplan/cases"
else
  not_ok "all $cases_total files of the bundled cases are in /usr/share/needleplan/cases" \
    "absent:$cases_absent"
fi

# Everything under /usr, and no cache that dpkg triggers own: a shipped
# gschemas.compiled or icon-theme.cache would overwrite the system's.
outside=$(grep -v -e '^/usr/' -e '^/usr$' -e '^/$' -e '^$' "$tmp/contents" | head -n 5)
if [ -z "$outside" ]; then
  ok "nothing outside /usr"
else
  not_ok "nothing outside /usr" "$outside"
fi
caches=$(grep -E '/(gschemas\.compiled|icon-theme\.cache|mimeinfo\.cache)$' "$tmp/contents")
if [ -z "$caches" ]; then
  ok "no compiled schema or icon cache (the dpkg triggers build those)"
else
  not_ok "no compiled schema or icon cache (the dpkg triggers build those)" "$caches"
fi

# --- the extracted programs -----------------------------------------------

root=$tmp/root
if dpkg-deb -x "$deb" "$root" 2>"$tmp/err"; then
  ok "dpkg-deb -x unpacks the package into the test folder"
else
  not_ok "dpkg-deb -x unpacks the package into the test folder" "$(cat "$tmp/err")"
  finish
fi

cli=$root/usr/bin/needleplan-cli
out=$("$cli" --version 2>"$tmp/err")
status=$?
if [ "$status" -eq 0 ] && [ ! -s "$tmp/err" ] && [ "$out" = "needleplan-cli $version" ]; then
  ok "the extracted needleplan-cli --version prints “needleplan-cli $version”"
else
  not_ok "the extracted needleplan-cli --version prints “needleplan-cli $version”" \
    "exit status $status, stdout “$out”, stderr “$(cat "$tmp/err")”"
fi

# info on the packaged copy of a bundled frame; the expected size, bit depth,
# colour type and pixel size are read from the PNG's own IHDR and pHYs chunks.
frame=$root/usr/share/needleplan/cases/knee-us-01/frame.png
if [ ! -f "$frame" ]; then
  not_ok "the extracted needleplan-cli info reads a bundled frame" "$frame is not in the package"
  finish
fi
"$cli" info --json "$frame" >"$tmp/info.json" 2>"$tmp/err"
status=$?
if [ "$status" -ne 0 ] || [ -s "$tmp/err" ]; then
  not_ok "the extracted needleplan-cli info --json reads the bundled knee frame" \
    "exit status $status, stderr “$(cat "$tmp/err")”"
elif check=$(python3 - "$frame" "$tmp/info.json" <<'EOF' 2>&1
import json, struct, sys

png = open(sys.argv[1], 'rb').read()
info = json.load(open(sys.argv[2]))
assert png[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
chunks, pos = {}, 8
while pos < len(png):
    length, kind = struct.unpack('>I4s', png[pos:pos + 8])
    chunks.setdefault(kind, png[pos + 8:pos + 8 + length])
    pos += 12 + length
width, height, depth, colour = struct.unpack('>IIBB', chunks[b'IHDR'][:10])
assert (info['width'], info['height']) == (width, height), \
    'size %sx%s, the file says %dx%d' % (info['width'], info['height'], width, height)
assert info['file_bit_depth'] == depth, 'bit depth %s, the file says %d' % (info['file_bit_depth'], depth)
assert colour == 0 and info['colour_type'] == 'grey', \
    'colour type %s, the file says %d (grey is 0)' % (info['colour_type'], colour)
# pHYs: pixels per metre; unit 1 = metre. mm per pixel = 1000 / ppm.
ppx, ppy, unit = struct.unpack('>IIB', chunks[b'pHYs'])
assert unit == 1, 'pHYs unit is not the metre'
got = info['pixel_size_mm']
want = (1000 / ppx, 1000 / ppy)
assert all(abs(g - w) < 1e-9 for g, w in zip(got, want)), 'pixel size %s, the file says %s' % (got, want)
print('%d x %d, %d-bit grey, %.4f x %.4f mm' % (width, height, depth, want[0], want[1]))
EOF
); then
  ok "the extracted needleplan-cli info --json reads the bundled knee frame ($check)"
else
  not_ok "the extracted needleplan-cli info --json reads the bundled knee frame" "$check"
fi

"$cli" info "$frame" >"$tmp/info.txt" 2>"$tmp/err"
status=$?
size=$(python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print("%d × %d pixels" % (d["width"], d["height"]))' \
  "$tmp/info.json" 2>/dev/null)
if [ "$status" -eq 0 ] && [ ! -s "$tmp/err" ] && [ -n "$size" ] && grep -qF "$size" "$tmp/info.txt"; then
  ok "the extracted needleplan-cli info prints the frame's size ($size)"
else
  not_ok "the extracted needleplan-cli info prints the frame's size" \
    "exit status $status, stderr “$(cat "$tmp/err")”"
  sed 's/^/# stdout: /' "$tmp/info.txt"
fi

# --- lintian --------------------------------------------------------------
# No error; every warning is named (and justified) in docs/packaging.md.

changes=$tmp/needleplan_${version}_$arch.changes
if ! command -v lintian >/dev/null 2>&1; then
  skip "lintian reports no error" "lintian not found (tools/test installs it)"
else
  lintian --fail-on error "$changes" >"$tmp/lintian" 2>&1
  status=$?
  if [ "$status" -eq 0 ] && ! grep -q '^E:' "$tmp/lintian"; then
    ok "lintian reports no error"
  else
    not_ok "lintian reports no error" "exit status $status"
    sed 's/^/# /' "$tmp/lintian"
  fi
  unlisted=
  for tag in $(sed -n 's/^W: [^:]*: \([a-z0-9+.-]*\).*/\1/p' "$tmp/lintian" | sort -u); do
    grep -qF "$tag" "$src/docs/packaging.md" 2>/dev/null || unlisted="$unlisted $tag"
  done
  if [ -z "$unlisted" ]; then
    ok "every lintian warning is listed in docs/packaging.md"
  else
    not_ok "every lintian warning is listed in docs/packaging.md" "not listed:$unlisted"
  fi
fi

finish
