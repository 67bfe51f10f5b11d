#!/usr/bin/env bash
# Builds the libFuzzer targets in build-fuzz/ (clang, -DNETLENS_FUZZ=ON) and runs each one for
# a number of seconds. Exits non-zero when the build fails or a target crashes, leaks, hangs or
# breaks one of its checks.
#
# usage: tests/fuzz/run-fuzzers.sh [SECONDS] [TARGET...]
#   SECONDS  how long each target runs (default 30)
#   TARGET   the targets to run (default: every target the build lists)
# environment:
#   BUILD_DIR           build directory (default: <repository>/build-fuzz)
#   JOBS                build parallelism (default: nproc)
#   NETLENS_SHARED_DIR  shared material; its pcaps/ seed fuzz_decoder (default: <repository>/../shared)
#
# A target's corpus grows across runs in BUILD_DIR/corpus/TARGET. An input that crashes is
# saved as BUILD_DIR/artifacts/TARGET-crash-<sha1>; replay it with `<target binary> <file>`.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-30}
if [[ $# -gt 0 ]]; then shift; fi
if ! [[ $seconds =~ ^[0-9]+$ ]] || [[ $seconds -eq 0 ]]; then
  echo "usage: $0 [SECONDS] [TARGET...]" >&2
  exit 2
fi
build=${BUILD_DIR:-$repo/build-fuzz}
shared=${NETLENS_SHARED_DIR:-$repo/../shared}
jobs=${JOBS:-$(nproc)}

cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang -DNETLENS_FUZZ=ON \
  -DNETLENS_SHARED_DIR="$shared" >/dev/null
cmake --build "$build" -j "$jobs" --target netlens_fuzzers

list="$build/fuzz-targets.txt"
if [[ ! -s $list ]]; then
  echo "run-fuzzers: no fuzz targets listed in $list (is the compiler clang?)" >&2
  exit 1
fi

# Seeds for a target, written once into its seed directory: from its seed generator, and for
# fuzz_decoder the frames of the shared captures.
make_seeds() {
  local target=$1 generator=$2 dir=$3
  [[ -n $(ls -A "$dir" 2>/dev/null) ]] && return 0
  mkdir -p "$dir"
  if [[ $generator != - ]]; then "$generator" "$dir"; fi
  if [[ $target == fuzz_decoder && -d $shared/pcaps ]] && command -v python3 >/dev/null; then
    python3 "$repo/tests/fuzz/make-seeds.py" "$dir" "$shared"/pcaps/*.pcap "$shared"/pcaps/*.pcapng
  fi
}

failed=()
ran=0
while read -r name binary generator; do
  if [[ $# -gt 0 ]] && [[ " $* " != *" $name "* ]]; then continue; fi
  corpus="$build/corpus/$name"
  seeds="$build/seeds/$name"
  mkdir -p "$corpus" "$seeds" "$build/artifacts" "$build/logs"
  make_seeds "$name" "$generator" "$seeds"
  echo "run-fuzzers: $name for ${seconds}s"
  if "$binary" -max_total_time="$seconds" -max_len=2048 -timeout=10 -print_final_stats=1 \
      -artifact_prefix="$build/artifacts/$name-" "$corpus" "$seeds" </dev/null \
      >"$build/logs/$name.log" 2>&1; then
    grep -E '^(Done|stat::number_of_executed_units|stat::new_units_added)' "$build/logs/$name.log" || true
    echo "run-fuzzers: $name: no crash"
  else
    tail -n 60 "$build/logs/$name.log"
    echo "run-fuzzers: $name FAILED (log: $build/logs/$name.log)" >&2
    failed+=("$name")
  fi
  ran=$((ran + 1))
done <"$list"

if [[ $ran -eq 0 ]]; then
  echo "run-fuzzers: no target matched: $*" >&2
  exit 2
fi
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "run-fuzzers: failed: ${failed[*]}" >&2
  exit 1
fi
echo "run-fuzzers: $ran target(s), no crash"
