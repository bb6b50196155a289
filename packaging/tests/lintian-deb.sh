#!/usr/bin/env bash
# package_lintian: Debian's own checker finds no error and no warning in the .deb.
#   lintian-deb.sh PACKAGE_DIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require lintian lintian
deb=$(single_deb "$1")
# --fail-on: errors and warnings fail; info and pedantic tags are printed but pass.
lintian --fail-on error,warning --display-info --tag-display-limit 0 "$deb" ||
    fail "lintian finds errors or warnings in $deb (see above)"
echo "lintian: no errors or warnings in $deb"
