#!/usr/bin/env bash
# Screenshots of the inspector on real Alchemy fixture trees, in the light and the dark palette.
#
#   tests/screenshots/take-screenshots.sh [BUILD_DIR] [OUT_DIR]
#
# Runs the real GUI (xcb platform) under Xvfb; the app's own --screenshot option grabs the window once the
# tree, the selected record and (if asked) the decrypted secrets are on screen, so no timing guesses are needed.
# Settings go to a throw-away XDG_CONFIG_HOME so the user's window layout and recent projects are untouched.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
out=${2:-$root/docs/screenshots}
app=$build/bin/athanor
data=$root/tests/data/real-alchemy
[[ -x $app ]] || { echo "no $app: build the 'athanor' target first" >&2; exit 1; }
command -v xvfb-run >/dev/null || { echo "xvfb-run is not installed" >&2; exit 1; }
mkdir -p "$out"

config=$(mktemp -d)
work=$(mktemp -d)
trap 'rm -rf "$config" "$work"' EXIT
export XDG_CONFIG_HOME=$config
export QT_QPA_PLATFORM=xcb

# A copy of a fixture with one record left mid-update, as an interrupted deploy leaves it: shows the
# interrupted badge, the stage summary's attention list and the Changes tab.
mkdir -p "$work/no-state-here" # a project folder without .alchemy: the empty state

interrupted=$work/interrupted
mkdir -p "$interrupted"
cp -r "$data/app-stages/03-up-dev-again/.alchemy" "$interrupted/"
python3 - "$interrupted/.alchemy/shop/dev/config.json.json" "$interrupted/.alchemy/shop/dev/storage/seed.json" <<'PY'
import json, sys
path = sys.argv[1]
doc = json.load(open(path))
old = dict(doc["props"])
doc["props"] = dict(old, content=old.get("content", "") + "\nfeature_flags=beta", mode="0644")
doc["oldProps"] = old
doc["status"] = "updating"
open(path, "w").write(json.dumps(doc, indent=2))
open(sys.argv[2], "w").write('{\n  "kind": "fs::File",\n  "id": "seed",\n  "status": "crea')
PY

shoot() { # name theme tree [extra args...]
    local name=$1 theme=$2 tree=$3
    shift 3
    xvfb-run -a -s "-screen 0 1400x900x24" "$app" "$tree" --theme "$theme" --size 1400x900 \
        --screenshot "$out/$name-$theme.png" "$@"
}

for theme in light dark; do
    shoot inspector "$theme" "$data/app-stages/03-up-dev-again" --select shop/dev/bundle/manifest --tab output
    shoot summary "$theme" "$interrupted" --select shop/dev
    shoot changes "$theme" "$interrupted" --select shop/dev/config.json --tab changes
    shoot secrets-locked "$theme" "$data/secrets/01-up" --select vault/dev/config --tab props
    printf 'correct horse battery staple\n' |
        shoot secrets-unlocked "$theme" "$data/secrets/01-up" --select vault/dev/config --tab props --unlock-stdin --reveal-all
    shoot filter "$theme" "$data/app-stages/03-up-dev-again" --filter manifest --select shop/prod/nested/bundle/manifest/deep
    shoot empty "$theme" "$work/no-state-here"
done
ls -1 "$out"/*.png
