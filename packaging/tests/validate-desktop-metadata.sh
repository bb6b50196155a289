#!/usr/bin/env bash
# desktop_file_valid / metainfo_valid: the freedesktop validators, as Debian 12 ships them.
#   validate-desktop-metadata.sh desktop FILE | metainfo FILE
set -euo pipefail
. "$(dirname "$0")/lib.sh"
kind=$1 file=$2
case $kind in
desktop)
    require desktop-file-validate desktop-file-utils
    # Warnings and hints fail too: they are what desktop environments trip over.
    output=$(desktop-file-validate "$file" 2>&1) || fail "desktop-file-validate rejects $file:"$'\n'"$output"
    [[ -z $output ]] || fail "desktop-file-validate warns about $file:"$'\n'"$output"
    echo "$file: valid"
    ;;
metainfo)
    require appstreamcli appstream
    # Fails on errors and warnings; infos and pedantic notes (an id with capitals) pass.
    appstreamcli validate --no-net "$file" || fail "appstreamcli rejects $file (see above)"
    ;;
*) fail "unknown kind $kind" ;;
esac
