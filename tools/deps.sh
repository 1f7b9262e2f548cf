#!/usr/bin/env bash
# Installs what NeedlePlan needs on Debian 12, only the packages dpkg says are
# missing, so a second run costs nothing. Sourced by tools/run, tools/test and
# tools/bench and tools/package; usage: np_install_deps PACKAGE-SET...
# (build, run, test, bench, package)

np_packages_build=(
  build-essential pkg-config meson ninja-build
  libglib2.0-dev libgtk-4-dev libadwaita-1-dev libgsl-dev libpng-dev libjpeg62-turbo-dev zlib1g-dev
  nettle-dev
  libjson-glib-dev libcairo2-dev gettext desktop-file-utils appstream
  adwaita-icon-theme librsvg2-common fonts-cantarell fonts-dejavu-core python3
  g++ libdcmtk-dev libcurl4-openssl-dev libsecret-1-dev
)
np_packages_run=(xvfb xauth dbus)
np_packages_test=(xvfb xauth xdotool imagemagick valgrind poppler-utils python3-jsonschema dbus cppcheck clang-tidy locales
  at-spi2-core python3-pyatspi gir1.2-atspi-2.0
  dcmtk dicom3tools
  orthanc orthanc-dicomweb curl iproute2 util-linux)
np_packages_bench=(xvfb xauth eog ristretto valgrind dbus libx11-dev
  dcmtk orthanc orthanc-dicomweb curl iproute2 util-linux)
# The Debian package (tools/package, tests/package): the packaging tools, and
# the Build-Depends of debian/control that the build set lacks (the DICOM
# helper is C++ linked to DCMTK).
np_packages_package=(dpkg-dev debhelper lintian fakeroot g++ libdcmtk-dev libcurl4-openssl-dev
  libsecret-1-dev)

np_install_deps () {
  local want=() missing=() set pkg
  for set in "$@"; do
    local -n list="np_packages_$set"
    want+=("${list[@]}")
  done
  for pkg in "${want[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0

  echo "Installing: ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
  # The orthanc package starts a system service listening on every interface;
  # the tests run their own Orthanc in a private namespace, so none is left.
  if [[ " ${missing[*]} " == *" orthanc "* ]] && command -v systemctl >/dev/null; then
    "${sudo[@]}" systemctl disable --now orthanc >/dev/null 2>&1 || true
  fi
}

# Configures (once) and builds a build directory: np_build DIR [meson options...]
np_build () {
  local dir=$1; shift
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@" >/dev/null || return 1
  fi
  ninja -C "$dir" >"$dir.log" 2>&1 || { cat "$dir.log"; return 1; }
}

# Copies the source tree SRC into DEST without build folders: np_copy_source SRC DEST.
# In a git checkout: tracked and new files as they are in the working tree,
# nothing .gitignore names (build*/, obj-*/); elsewhere everything but those.
np_copy_source () {
  local src=$1 dest=$2 top s status
  mkdir -p "$dest" || return 1
  top=$(git -C "$src" rev-parse --show-toplevel 2>/dev/null) || top=
  if [ -n "$top" ] && [ "$top" = "$(cd "$src" && pwd -P)" ]; then
    git -C "$src" ls-files -z --cached --others --exclude-standard |
      while IFS= read -r -d '' f; do
        # A tracked file deleted in the working tree is left out, as a build would.
        if [ -e "$src/$f" ] || [ -L "$src/$f" ]; then printf '%s\0' "$f"; fi
      done |
      tar -C "$src" --null -T - -cf - | tar -C "$dest" -xf -
    status=("${PIPESTATUS[@]}")
  else
    tar -C "$src" --exclude=./.git --exclude='./build*' --exclude='./_build*' \
      --exclude='./obj-*' -cf - . | tar -C "$dest" -xf -
    status=("${PIPESTATUS[@]}")
  fi
  for s in "${status[@]}"; do [ "$s" -eq 0 ] || return 1; done
  [ -f "$dest/meson.build" ]
}
