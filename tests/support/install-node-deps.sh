#!/usr/bin/env bash
# Installs the pinned real Alchemy ecosystem (tests/support/node-deps/package-lock.json) into a cache folder
# once: alchemy@0.94.0 (with the miniflare it depends on), bun, @libsql/client, @aws-sdk/client-s3, s3rver.
# usage: install-node-deps.sh TARGET_DIR      (TARGET_DIR/node_modules is ready when this exits 0)
# Concurrent callers (parallel tests, several build folders) wait on one lock; a failed install leaves
# nothing half-made behind.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
target=${1:?usage: install-node-deps.sh TARGET_DIR}
if [ -f "$target/.complete" ]; then exit 0; fi
for tool in node npm; do
    command -v "$tool" >/dev/null || { echo "install-node-deps: '$tool' is not installed; tests that run real Alchemy need Node.js 20 and npm (apt-get install nodejs npm)" >&2; exit 1; }
done
mkdir -p "$(dirname "$target")"
exec 9>"$target.lock"
flock 9
if [ -f "$target/.complete" ]; then exit 0; fi
work="$target.partial.$$"
rm -rf "$work"
mkdir -p "$work"
cp "$here/node-deps/package.json" "$here/node-deps/package-lock.json" "$work/"
echo "install-node-deps: installing real Alchemy and friends into $target (once; about 650 MB)" >&2
if ! (cd "$work" && npm ci --no-audit --no-fund --loglevel=error >&2); then
    rm -rf "$work"
    echo "install-node-deps: 'npm ci' failed in $work: the npm registry must be reachable to run the real-Alchemy tests" >&2
    exit 1
fi
# npm 11 skips install scripts; the binaries these tests use come from platform packages and do not need them.
for bin in bun workerd; do
    if ! "$work/node_modules/.bin/$bin" --version >/dev/null 2>&1; then
        rm -rf "$work"
        echo "install-node-deps: $bin from npm does not run on this machine" >&2
        exit 1
    fi
done
touch "$work/.complete"
rm -rf "$target"
mv "$work" "$target"
