#!/usr/bin/env bash
# package_install: installs the .deb on this machine with dpkg -i, runs what a user runs from /usr/bin (also
# without a display, and the window under Xvfb), then removes the package again. Runs as root, as CI does.
#   install-deb.sh PACKAGE_DIR VERSION SOURCE_DIR BIN_DIR WITH_GUI(ON|OFF)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
package_dir=$1 version=$2 source_dir=$3 bin_dir=$4 with_gui=$5
[[ $(id -u) == 0 ]] || fail "dpkg -i needs root: run ctest as root (CI does), or leave this test out with -E package_install"
require dpkg dpkg
require flock util-linux
[[ $with_gui == OFF ]] || require xvfb-run xvfb
deb=$(single_deb "$package_dir")

# One install test at a time on this machine (several build folders may run it); dpkg's own lock is taken
# by any apt-get too, so wait for it rather than fail.
exec 9>/run/lock/athanor-package-install.lock
flock --timeout 600 9 || fail "another package_install held the lock for 10 minutes"
dpkg_waiting() {
    local output
    for _ in $(seq 60); do
        if output=$(dpkg "$@" 2>&1); then
            echo "$output"
            return 0
        fi
        [[ $output == *"lock"* ]] || { echo "$output" >&2; return 1; }
        sleep 2
    done
    echo "$output" >&2
    return 1
}

# A package the user installed stays installed (upgraded to this build); one this test installed goes.
was_installed=$(dpkg-query --show --showformat='${db:Status-Status}' athanor 2>/dev/null || true)
work=$(mktemp -d)
cleanup() {
    local status=$?
    rm -rf "$work"
    if [[ $was_installed == installed ]]; then
        echo "athanor was installed before this test: left installed, now at $version"
    elif ! dpkg_waiting --purge athanor >/dev/null; then
        echo "FAIL: dpkg --purge athanor failed" >&2
        status=1
    elif [[ -e /usr/bin/athanorctl || -e /usr/bin/athanor ]]; then
        echo "FAIL: dpkg --purge athanor left /usr/bin/athanor* behind" >&2
        status=1
    fi
    exit $status
}
trap cleanup EXIT

dpkg_waiting --install "$deb" || fail "dpkg -i $deb failed (see above)"
[[ $(dpkg-query --show --showformat='${db:Status-Status} ${Version}' athanor) == "installed $version" ]] ||
    fail "dpkg does not list athanor $version as installed"

# The installed programs, with no display and no Qt platform set.
no_display=(env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM)
out=$("${no_display[@]}" /usr/bin/athanorctl --version) || fail "/usr/bin/athanorctl --version failed"
[[ $out == "athanorctl $version" ]] || fail "/usr/bin/athanorctl --version printed '$out'"
echo "/usr/bin/athanorctl --version: $out"

tree=$source_dir/tests/data/real-alchemy/app-stages/01-up-dev
listed=$("${no_display[@]}" /usr/bin/athanorctl state list --root "$tree") ||
    fail "/usr/bin/athanorctl state list --root $tree failed"
expected=$("$bin_dir/athanorctl" state list --root "$tree")
[[ -n $listed && $listed == "$expected" ]] ||
    fail "/usr/bin/athanorctl state list differs from the build's:"$'\n'"$listed"
echo "/usr/bin/athanorctl state list --root $tree: $(wc -l <<<"$listed") records"

if [[ $with_gui == ON ]]; then
    out=$("${no_display[@]}" /usr/bin/athanor --version 2>&1) || fail "/usr/bin/athanor --version without a display failed: $out"
    [[ $out == "Athanor $version" ]] || fail "/usr/bin/athanor --version printed '$out'"
    echo "/usr/bin/athanor --version (no display): $out"
    out=$("${no_display[@]}" /usr/bin/athanor --help 2>&1) || fail "/usr/bin/athanor --help without a display failed: $out"
    [[ $out == *"--read-only"* ]] || fail "/usr/bin/athanor --help does not list its options: $out"

    # The window itself, on the demo, from the installed package: it must come up and save its picture.
    shot=$work/athanor-demo.png
    XDG_CONFIG_HOME=$work/config QT_QPA_PLATFORM=xcb timeout 120 \
        xvfb-run -a -s '-screen 0 1400x900x24' /usr/bin/athanor --screenshot "$shot" "$source_dir/examples/demo" ||
        fail "/usr/bin/athanor under Xvfb did not save a screenshot"
    [[ -s $shot ]] || fail "/usr/bin/athanor under Xvfb saved no picture"
    echo "/usr/bin/athanor under Xvfb on examples/demo: window saved as a screenshot"
fi

[[ -f /usr/share/man/man1/athanorctl.1.gz ]] || fail "man athanorctl is not installed"
echo "installed, ran and (unless it was there before) removed $deb"
