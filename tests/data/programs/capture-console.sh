#!/usr/bin/env bash
# Captures the console output of real Alchemy runs of the programs here into console/<case>/, the golden
# inputs of the console parser (tst_program_console). Needs the pinned install of tests/support/node-deps.
# usage: capture-console.sh NODE_DEPS_DIR          (e.g. ~/.cache/athanor-node-deps/<hash>)
# Each case runs in a scratch project at /tmp/project so that the paths in stack traces are stable; every step
# is run twice, with colours and with NO_COLOR=1, like ../real-alchemy.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
deps=${1:?usage: capture-console.sh NODE_DEPS_DIR}
bun="$deps/node_modules/.bin/bun"
project=/tmp/project

# case  program-folder  runtime  steps (comma-separated: alchemy flags per step, "up" = none)
cases=(
  "throws-node throws node up"
  "throws-bun throws bun up"
  "folder-destroy-node folder-destroy node up,--destroy"
  "folder-destroy-bun folder-destroy bun up,--destroy"
  "basic-node basic node up,--destroy"
)

run_step() { # out-dir runtime entry flags color
  local out=$1 runtime=$2 entry=$3 flags=$4 color=$5
  local cmd=()
  if [ "$runtime" = bun ]; then cmd=("$bun" "$entry"); else cmd=(node "$entry"); fi
  [ "$flags" = up ] && flags=""
  local suffix="" vars=(DO_NOT_TRACK=1)
  if [ "$color" = no ]; then suffix=".nocolor" vars+=(NO_COLOR=1); fi
  (cd "$project" && env -u NO_COLOR "${vars[@]}" "${cmd[@]}" --stage dev $flags \
      >"$out/stdout$suffix.txt" 2>"$out/stderr$suffix.txt"; echo $? >"$out/rc$suffix.txt") || true
  echo "$runtime $entry --stage dev $flags" >"$out/command.txt"
}

for spec in "${cases[@]}"; do
  read -r name folder runtime steps <<<"$spec"
  IFS=, read -ra flagList <<<"$steps"
  for color in yes no; do
    rm -rf "$project"
    mkdir -p "$project"
    cp "$here/$folder"/alchemy.run.* "$project/"
    ln -s "$deps/node_modules" "$project/node_modules"
    entry=$(cd "$project" && ls alchemy.run.*)
    n=1
    for flags in "${flagList[@]}"; do
      step=$(printf "%02d-%s" "$n" "$( [ "$flags" = up ] && echo up || echo "${flags#--}")")
      out="$here/console/$name/$step"
      mkdir -p "$out"
      run_step "$out" "$runtime" "$entry" "$flags" "$color"
      n=$((n + 1))
    done
  done
done
rm -rf "$project"
