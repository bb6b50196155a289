#!/usr/bin/env bash
# Builds the fuzzers with clang (libFuzzer, ASan, UBSan) and runs each on its seed corpus for a fixed time.
#
#   tests/fuzz/run-fuzzers.sh [--seconds N] [--build DIR] [fuzzer ...]
#
# --seconds: per fuzzer (default 25); --build: the fuzz build folder (default build/fuzz); fuzzers: all four by
# default. New inputs go to DIR/run/<fuzzer>/corpus, so the seeds in tests/fuzz/corpus stay as they are. A
# crash, a sanitizer report, a broken property or a slow input fails the run and names the reproducer, which
# replays with: DIR/<fuzzer> <reproducer>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
seconds=25
build="$here/../../build/fuzz"
fuzzers=()
while [ $# -gt 0 ]; do
    case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) fuzzers+=("$1"); shift ;;
    esac
done
[ ${#fuzzers[@]} -gt 0 ] || fuzzers=(fuzz_record_parse fuzz_stringify fuzz_secret_envelope fuzz_stack_file)

mkdir -p "$build"
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ >"$build/configure.log" 2>&1 || {
    cat "$build/configure.log"; exit 1; }
cmake --build "$build" -j2 --target "${fuzzers[@]}"

failed=0
for fuzzer in "${fuzzers[@]}"; do
    work="$build/run/$fuzzer"
    rm -rf "$work"
    mkdir -p "$work/corpus" "$work/artifacts"
    echo "== $fuzzer: ${seconds}s on $(ls "$here/corpus/$fuzzer" | wc -l) seeds"
    if "$build/$fuzzer" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 -max_len=65536 \
        -artifact_prefix="$work/artifacts/" -print_final_stats=1 \
        "$work/corpus" "$here/corpus/$fuzzer" >"$work/log" 2>&1; then
        grep -E "^stat::number_of_executed_units|^stat::new_units_added" "$work/log" | tr '\n' ' '
        echo
    else
        failed=1
        tail -n 80 "$work/log"
        for reproducer in "$work"/artifacts/*; do
            [ -e "$reproducer" ] && echo "FAILED: $fuzzer; reproducer: $reproducer (replay: $build/$fuzzer $reproducer)"
        done
        echo "FAILED: $fuzzer (log: $work/log)"
    fi
done
exit $failed
