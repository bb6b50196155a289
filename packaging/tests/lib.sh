# Sourced by the packaging checks: one way to fail, and tools that must be there. A missing tool fails the check
# with the Debian package to install; it never skips it.

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# require COMMAND DEBIAN_PACKAGE
require() {
    command -v "$1" >/dev/null ||
        fail "$1 is missing: apt-get install $2 (packaging/debian-packages.txt lists it; the README's commands install that list)"
}

# The one .deb that package_build left in FOLDER.
single_deb() {
    local debs=("$1"/athanor_*.deb)
    [[ -f ${debs[0]} ]] || fail "no athanor_*.deb in $1: the package_build test makes it"
    ((${#debs[@]} == 1)) || fail "more than one .deb in $1: ${debs[*]}"
    echo "${debs[0]}"
}
