#!/usr/bin/env bash
# The application icon's PNG sizes, rendered from the one drawing, resources/icons/athanor.svg (the window uses the
# SVG itself). The PNGs are committed so that building needs no SVG renderer.
#
#   packaging/icons/render-icons.sh          render them again after editing the SVG
#   packaging/icons/render-icons.sh --check  fail when a committed PNG no longer matches the SVG (a CTest test)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
svg=$(cd "$here/../../resources/icons" && pwd)/athanor.svg
sizes=(48 128 256)

command -v rsvg-convert >/dev/null ||
    { echo "rsvg-convert is missing: apt-get install librsvg2-bin (listed in packaging/debian-packages.txt)" >&2; exit 1; }

if [[ ${1:-} != --check ]]; then
    for size in "${sizes[@]}"; do
        mkdir -p "$here/hicolor/${size}x${size}/apps"
        rsvg-convert --width "$size" --height "$size" "$svg" -o "$here/hicolor/${size}x${size}/apps/org.athanor.Athanor.png"
    done
    exit 0
fi

command -v compare >/dev/null ||
    { echo "compare is missing: apt-get install imagemagick (listed in packaging/debian-packages.txt)" >&2; exit 1; }
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
status=0
for size in "${sizes[@]}"; do
    committed=$here/hicolor/${size}x${size}/apps/org.athanor.Athanor.png
    if [[ ! -f $committed ]]; then
        echo "missing $committed: run packaging/icons/render-icons.sh" >&2
        status=1
        continue
    fi
    rsvg-convert --width "$size" --height "$size" "$svg" -o "$fresh/$size.png"
    # Normalised root-mean-square difference; a renderer update may move a few edge pixels, an edited drawing more.
    # (compare exits 1 when the images differ at all: the figure decides, not its status.)
    difference=$( (compare -metric RMSE "$committed" "$fresh/$size.png" null: 2>&1 || true) | sed -n 's/.*(\(.*\)).*/\1/p')
    if [[ -z $difference ]] || awk -v d="$difference" 'BEGIN { exit !(d > 0.01) }'; then
        echo "$committed does not match $svg (RMSE ${difference:-unknown}): run packaging/icons/render-icons.sh" >&2
        status=1
    else
        echo "${size}x${size}: matches the SVG (RMSE $difference)"
    fi
done
exit $status
