#!/usr/bin/env bash
# package_metadata: the application id is the same everywhere (desktop file, AppStream, icon, the window's
# desktop name), and the version of project() in CMakeLists.txt is the newest release of the AppStream
# metadata, of the package changelog and of the manual pages, with the same date.
#   check-metadata.sh SOURCE_DIR VERSION
set -euo pipefail
. "$(dirname "$0")/lib.sh"
source_dir=$1 version=$2
id=org.athanor.Athanor
packaging=$source_dir/packaging
desktop=$packaging/$id.desktop
metainfo=$packaging/$id.metainfo.xml
changelog=$packaging/debian/changelog
problems=0
problem() {
    echo "FAIL: $*" >&2
    problems=$((problems + 1))
}

[[ -f $desktop ]] || problem "missing $desktop"
[[ -f $metainfo ]] || problem "missing $metainfo"
grep -qx "Icon=$id" "$desktop" || problem "$desktop: Icon= must be $id (the installed icon's name)"
grep -q "<id>$id</id>" "$metainfo" || problem "$metainfo: <id> must be $id"
grep -q "<launchable type=\"desktop-id\">$id.desktop</launchable>" "$metainfo" ||
    problem "$metainfo: <launchable type=\"desktop-id\"> must be $id.desktop"
grep -q "setDesktopFileName(QStringLiteral(\"$id\"))" "$source_dir/ui/app/Application.cpp" ||
    problem "ui/app/Application.cpp: the window's desktop file name must be $id (Wayland matches it to the launcher)"

# The newest release comes first in <releases> and in the changelog.
release_line=$(grep -m1 '<release ' "$metainfo" || true)
release_version=$(sed -n 's/.*version="\([^"]*\)".*/\1/p' <<<"$release_line")
release_date=$(sed -n 's/.*date="\([^"]*\)".*/\1/p' <<<"$release_line")
[[ $release_version == "$version" ]] ||
    problem "$metainfo: the newest <release> is '${release_version:-none}', project(VERSION) is $version: add a <release version=\"$version\">"

changelog_version=$(sed -n '1s/^athanor (\([^)]*\)).*/\1/p' "$changelog")
[[ $changelog_version == "$version" ]] ||
    problem "$changelog: the newest entry is '${changelog_version:-none}', project(VERSION) is $version"
changelog_date=$(sed -n 's/^ -- .*>  \(.*\)$/\1/p' "$changelog" | head -n1)
changelog_day=$(date -u -d "$changelog_date" +%F 2>/dev/null || true)
[[ -n $changelog_day && $changelog_day == "$release_date" ]] ||
    problem "$changelog: the newest entry is dated '${changelog_date:-none}', the AppStream release '$release_date'"

for page in "$packaging"/man/*.1; do
    th=$(grep -m1 '^\.TH ' "$page")
    [[ $th == *"\"Athanor $version\""* ]] || problem "$page: .TH must name \"Athanor $version\": $th"
    [[ $th == *" $release_date "* ]] || problem "$page: .TH must carry the release date $release_date: $th"
done

((problems == 0)) || exit 1
echo "id $id and version $version ($release_date) agree in the desktop file, AppStream, changelog and manual pages"
