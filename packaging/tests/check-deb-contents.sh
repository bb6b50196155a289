#!/usr/bin/env bash
# package_contents: what the .deb holds and declares: version from project(), Depends computed by
# dpkg-shlibdeps, both executables in /usr/bin (stripped), desktop entry, AppStream metadata, the icon in every
# hicolor size, gzipped manual pages, copyright and changelog.
#   check-deb-contents.sh PACKAGE_DIR VERSION WITH_GUI(ON|OFF)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
package_dir=$1 version=$2 with_gui=$3
require dpkg-deb dpkg
require file file
require identify imagemagick
deb=$(single_deb "$package_dir")
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
dpkg-deb --extract "$deb" "$tree"
problems=0
problem() {
    echo "FAIL: $*" >&2
    problems=$((problems + 1))
}
field() { dpkg-deb --field "$deb" "$1"; }

[[ $(field Package) == athanor ]] || problem "Package is '$(field Package)', not athanor"
[[ $(field Version) == "$version" ]] || problem "Version is '$(field Version)', project(VERSION) is $version"
[[ $(field Architecture) == "$(dpkg --print-architecture)" ]] || problem "Architecture is '$(field Architecture)'"
depends=$(field Depends)
# Versioned libraries are what dpkg-shlibdeps computes from the linked executables; libcurl4, libsqlite3-0 and
# libssl3 (opened with dlopen for remote state, SQLite state and AES-GCM without AES-NI) and libqt6svg6 (Qt's SVG
# plug-ins, which draw the icons) are named by hand because nothing links them.
libraries=("libc6 (>=" "libsodium23 (>=" "libcurl4 (>= 7.85.0)" "libsqlite3-0 (>= 3.20)" "libssl3")
[[ $with_gui == ON ]] && libraries+=("libqt6widgets6 (>=" "libqt6svg6" "libqt6keychain1")
for library in "${libraries[@]}"; do
    [[ $depends == *"$library"* ]] || problem "Depends lacks '$library' (dpkg-shlibdeps not run?): $depends"
done
[[ -n $(field Maintainer) ]] || problem "no Maintainer"
[[ $(field Description | wc -l) -gt 2 ]] || problem "the Description has no long description"

expect_file() {
    [[ -f $tree$1 ]] || problem "the package lacks $1"
}
programs=(athanorctl)
[[ $with_gui == ON ]] && programs+=(athanor)
for program in "${programs[@]}"; do
    expect_file /usr/bin/$program
    [[ -x $tree/usr/bin/$program ]] || problem "/usr/bin/$program is not executable"
    [[ $(file -b "$tree/usr/bin/$program") == *", stripped"* ]] || problem "/usr/bin/$program is not stripped"
    page=/usr/share/man/man1/$program.1.gz
    expect_file "$page"
    gzip --test "$tree$page" 2>/dev/null || problem "$page is not gzip data"
done
expect_file /usr/share/doc/athanor/copyright
expect_file /usr/share/doc/athanor/changelog.gz
if [[ $with_gui == ON ]]; then
    id=org.athanor.Athanor
    expect_file /usr/share/applications/$id.desktop
    expect_file /usr/share/metainfo/$id.metainfo.xml
    expect_file /usr/share/icons/hicolor/scalable/apps/$id.svg
    for size in 48 128 256; do
        icon=/usr/share/icons/hicolor/${size}x${size}/apps/$id.png
        expect_file "$icon"
        [[ -f $tree$icon ]] && [[ $(identify -format '%wx%h' "$tree$icon") == "${size}x${size}" ]] ||
            problem "$icon is not ${size}x${size}"
    done
fi
# Nothing else: a stray file in the package is a mistake in an install() rule.
unexpected=$(cd "$tree" && find . -type f | sed 's|^\.||' |
    grep -Ev '^/usr/(bin/athanor(ctl)?|share/man/man1/athanor(ctl)?\.1\.gz|share/doc/athanor/(copyright|changelog\.gz)|share/applications/org\.athanor\.Athanor\.desktop|share/metainfo/org\.athanor\.Athanor\.metainfo\.xml|share/icons/hicolor/(scalable|48x48|128x128|256x256)/apps/org\.athanor\.Athanor\.(svg|png))$' || true)
[[ -z $unexpected ]] || problem "unexpected files in the package:"$'\n'"$unexpected"

((problems == 0)) || exit 1
echo "$deb: version $version, Depends: $depends"
