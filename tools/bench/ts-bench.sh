#!/usr/bin/env bash
# The time-series writer's cost with 100,000 local hosts over 65 minutes of packet time (every
# tier written many times): packet-thread throughput without and with the writer, RRD updates
# per second, the writer's drain time, bytes on disk per local host. Prints figures only.
#
#   tools/bench/ts-bench.sh [RUNS]        (default 3: best of 3 for each side)
# Environment: NETLENS_TS_BENCH_PCAP (default /tmp/netlens-bench/ts100k.pcap, made when missing),
#   NETLENS_TS_BENCH_HOSTS (100000), NETLENS_TS_BENCH_MINUTES (65), NETLENS_TS_BENCH_TIERS
#   (1:1d,3600:7d,86400:30d), NETLENS_TS_BENCH_DIR (data directory; default /dev/shm),
#   NETLENS_BUILD_DIR (release build directory, default build-bench).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${NETLENS_BUILD_DIR:-$repo/build-bench}
pcap=${NETLENS_TS_BENCH_PCAP:-/tmp/netlens-bench/ts100k.pcap}
runs=${1:-3}
if [[ ! -f $build/CMakeCache.txt ]] || ! grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$build/CMakeCache.txt"; then
  cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DNETLENS_TESTS=OFF >/dev/null
fi
cmake --build "$build" --target netlens-ts-bench -j"$(nproc)" >"$build/ts-bench-build.log" 2>&1 ||
  { tail -n 30 "$build/ts-bench-build.log" >&2; exit 1; }
if [[ ! -s $pcap ]]; then
  mkdir -p "$(dirname "$pcap")"
  "$build/netlens-ts-bench" make "$pcap" "${NETLENS_TS_BENCH_HOSTS:-100000}" "${NETLENS_TS_BENCH_MINUTES:-65}"
fi
echo "ts-bench: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
exec "$build/netlens-ts-bench" run "$pcap" "$runs" "${NETLENS_TS_BENCH_TIERS:-1:1d,3600:7d,86400:30d}"
