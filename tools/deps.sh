#!/usr/bin/env bash
# Installs what NeedlePlan needs on Debian 12, only the packages dpkg says are
# missing, so a second run costs nothing. Sourced by tools/run, tools/test and
# tools/bench; usage: np_install_deps PACKAGE-SET...   (build, test, bench)

np_packages_build=(
  build-essential pkg-config meson ninja-build
  libglib2.0-dev libgtk-4-dev libadwaita-1-dev libgsl-dev libpng-dev zlib1g-dev nettle-dev
  libjson-glib-dev libcairo2-dev gettext desktop-file-utils appstream
  adwaita-icon-theme librsvg2-common fonts-cantarell fonts-dejavu-core python3
)
np_packages_run=(xvfb xauth dbus)
np_packages_test=(xvfb xauth xdotool imagemagick valgrind poppler-utils python3-jsonschema dbus cppcheck clang-tidy locales)
np_packages_bench=(xvfb xauth eog ristretto valgrind dbus libx11-dev)

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
}

# Configures (once) and builds a build directory: np_build DIR [meson options...]
np_build () {
  local dir=$1; shift
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@" >/dev/null || return 1
  fi
  ninja -C "$dir" >"$dir.log" 2>&1 || { cat "$dir.log"; return 1; }
}
