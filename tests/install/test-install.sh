#!/bin/sh
# test-install.sh: `meson install` into a temporary DESTDIR installs the
# programs, desktop file, metainfo, schema, icons and cases (TAP)
#
# Copyright 2026 The NeedlePlan authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-install.sh PREFIX BINDIR DATADIR gui|no-gui APP_ID LIBEXECDIR
# (BINDIR, DATADIR and LIBEXECDIR as meson's options: relative to PREFIX
# unless absolute)

set -u

prefix=${1:?usage: test-install.sh PREFIX BINDIR DATADIR gui|no-gui APP_ID}
bindir=$2
datadir=$3
gui=$4
app_id=$5
libexecdir=${6:?usage: test-install.sh PREFIX BINDIR DATADIR gui|no-gui APP_ID LIBEXECDIR}
build_dir=${NP_BUILD_DIR:?NP_BUILD_DIR must name the build directory}

case $bindir in /*) ;; *) bindir=$prefix/$bindir ;; esac
case $datadir in /*) ;; *) datadir=$prefix/$datadir ;; esac
case $libexecdir in /*) ;; *) libexecdir=$prefix/$libexecdir ;; esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/np-test-install.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/dest

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
  if [ $# -gt 1 ]; then echo "# $2"; fi
}

# check KIND PATH DESCRIPTION: KIND is -f (file), -x (executable) or -d (folder)
check () {
  if [ "$1" "$dest$2" ]; then
    ok "$3 ($2)"
  else
    not_ok "$3 ($2)" "not installed"
  fi
}

# --no-rebuild: meson test has already built everything, and a test must not
# start a second ninja in the same build directory. Post-install scripts
# (schema compile, icon cache) skip themselves when DESTDIR is set.
if meson install --destdir "$dest" --no-rebuild -C "$build_dir" >"$tmp/log" 2>&1; then
  ok "meson install --destdir succeeds"
else
  not_ok "meson install --destdir succeeds" "see the log below"
  sed 's/^/# /' "$tmp/log"
  echo "1..$count"
  exit 1
fi

if [ "$gui" = gui ]; then
  check -x "$bindir/needleplan" "the application is installed and executable"
else
  count=$((count + 1))
  echo "ok $count - the application is installed # SKIP built with -Dgui=false"
fi
check -x "$bindir/needleplan-cli" "needleplan-cli is installed and executable"
check -x "$libexecdir/needleplan-dicom" "the DICOM importer is installed out of PATH"
check -f "$datadir/applications/$app_id.desktop" "desktop file"
check -f "$datadir/metainfo/$app_id.metainfo.xml" "AppStream metainfo"
check -f "$datadir/glib-2.0/schemas/$app_id.gschema.xml" "GSettings schema"
check -f "$datadir/icons/hicolor/scalable/apps/$app_id.svg" "scalable app icon"
check -f "$datadir/icons/hicolor/symbolic/apps/$app_id-symbolic.svg" "symbolic app icon"
check -d "$datadir/needleplan/cases" "case library folder"
# Translations (po/): the German catalogue, merged into the desktop file too.
check -f "$datadir/locale/de/LC_MESSAGES/needleplan.mo" "German message catalogue"
if grep -q '^Comment\[de\]=' "$dest$datadir/applications/$app_id.desktop" 2>/dev/null; then
  ok "desktop file carries the German comment"
else
  not_ok "desktop file carries the German comment"
fi

# The metainfo is installed after substitution, never as the template.
if grep -q '@[A-Z_]*@' "$dest$datadir/metainfo/$app_id.metainfo.xml" 2>/dev/null; then
  not_ok "metainfo has no unsubstituted @VARIABLES@"
else
  ok "metainfo has no unsubstituted @VARIABLES@"
fi

# The installed CLI runs on its own (no build tree paths needed).
if version=$("$dest$bindir/needleplan-cli" --version 2>"$tmp/err") \
   && [ ! -s "$tmp/err" ] && echo "$version" | grep -Eq '^needleplan-cli [0-9]'; then
  ok "the installed needleplan-cli runs (--version)"
else
  not_ok "the installed needleplan-cli runs (--version)" "got “${version:-}”"
fi

# The installed importer finds DCMTK's data dictionary on its own (no
# DCMDICTPATH from a build tree) and reads a file for the installed CLI.
sample=${NP_TESTDATA_DIR:-}/dicom/us/US1_UNCR.dcm
if [ ! -f "$sample" ]; then
  count=$((count + 1))
  echo "ok $count - the installed importer reads a DICOM file # SKIP no shared test data"
elif out=$(env -u DCMDICTPATH NEEDLEPLAN_DICOM_HELPER="$dest$libexecdir/needleplan-dicom" \
             "$dest$bindir/needleplan-cli" info "$sample" 2>&1) \
     && echo "$out" | grep -qF "640 × 480 pixels"; then
  ok "the installed importer reads a DICOM file"
else
  not_ok "the installed importer reads a DICOM file" "$(echo "$out" | head -n 2 | tr '\n' ' ')"
fi

# Nothing may land outside the prefix (e.g. an absolute install_dir).
outside=$(find "$dest" -mindepth 1 \( -type f -o -type l \) ! -path "$dest$prefix/*" | head -n 5)
if [ -z "$outside" ]; then
  ok "nothing is installed outside $prefix"
else
  not_ok "nothing is installed outside $prefix" "$(echo "$outside" | tr '\n' ' ')"
fi

echo "1..$count"
[ "$failed" -eq 0 ]
