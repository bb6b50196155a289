#!/usr/bin/env bash
# package_build: `cpack -G DEB` in the build folder, as the README says; the other package_* tests check its .deb.
#   build-deb.sh CPACK BUILD_DIR PACKAGE_DIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cpack=$1 build_dir=$2 package_dir=$3
require dpkg-deb dpkg
require dpkg-shlibdeps dpkg-dev # CPack computes Depends with it
require file file               # CPack finds the ELF files with it
require strip binutils          # CPack strips the executables with it
mkdir -p "$package_dir"
rm -f "$package_dir"/athanor_*.deb
(cd "$build_dir" && "$cpack" -G DEB --config CPackConfig.cmake) || fail "cpack -G DEB failed in $build_dir (see above)"
deb=$(single_deb "$package_dir")
dpkg-deb --info "$deb"
dpkg-deb --contents "$deb"
