#!/usr/bin/env bash
# Flows collected per second on one core, for IPFIX and NetFlow v9 (issue 5's benchmark).
# Builds netlens-collect-bench in a release build (build-bench/, as run-bench.sh) and runs it
# pinned to one core. It prints figures; it asserts nothing about time.
#
# usage: tools/bench/collect-bench.sh [netlens-collect-bench options: --flows N --updates N
#        --seconds S --udp --only ipfix|v9]
# environment: NETLENS_BUILD_DIR (default build-bench), NETLENS_BENCH_CPU (default 1)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${NETLENS_BUILD_DIR:-$repo/build-bench}
cpu=${NETLENS_BENCH_CPU:-1}
cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DNETLENS_TESTS=OFF >/dev/null
cmake --build "$build" --target netlens-collect-bench -j"$(nproc)" >"$build/collect-bench-build.log" 2>&1 ||
  { tail -30 "$build/collect-bench-build.log"; exit 1; }
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (figures are only as good as the machine is quiet)"
exec taskset -c "$cpu" "$build/netlens-collect-bench" "$@"
