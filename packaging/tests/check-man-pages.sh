#!/usr/bin/env bash
# man_pages: each manual page formats without a groff or man warning, and documents every long option that the
# program's --help prints (so a new option cannot go undocumented). --help needs no display.
#   check-man-pages.sh SOURCE_DIR BIN_DIR PROGRAM...
set -euo pipefail
. "$(dirname "$0")/lib.sh"
source_dir=$1 bin_dir=$2
shift 2
require man man-db
problems=0
for program in "$@"; do
    page=$source_dir/packaging/man/$program.1
    [[ -f $page ]] || fail "no manual page $page for $program"
    warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$page" 2>&1 >/dev/null)
    if [[ -n $warnings ]]; then
        echo "FAIL: $page: man --warnings:"$'\n'"$warnings" >&2
        problems=$((problems + 1))
    fi
    help=$(env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM "$bin_dir/$program" --help) ||
        fail "$bin_dir/$program --help failed"
    options=$(grep -o -- '--[a-z][a-z-]*' <<<"$help" | sort -u)
    [[ -n $options ]] || fail "$program --help prints no options"
    for option in $options; do
        if ! grep -qF -- "${option//-/\\-}" "$page"; then
            echo "FAIL: $page does not document $option (from $program --help)" >&2
            problems=$((problems + 1))
        fi
    done
    echo "$page: formats cleanly, documents all $(wc -w <<<"$options") long options of $program --help"
done
((problems == 0))
