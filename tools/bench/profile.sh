#!/usr/bin/env bash
# Profile netlens on the benchmark capture with perf and split the time into pipeline stages
# (perf-breakdown.py). Needs perf (linux-perf); only a software clock is needed
# (cpu-clock), so it works in VMs without hardware counters.
#
#   tools/bench/profile.sh [PCAP]
#
# Builds a release binary with debug info and frame pointers in build-bench-prof/ (the same
# optimisation as run-bench.sh's build), and, with NETLENS_PROFILE_STATIC_NDPI=1, a copy linked
# with libndpi.a so that nDPI's internal functions have names (Debian's libndpi.so is
# stripped). Runs it with the benchmark's command line under `perf record --call-graph dwarf`,
# pinned like the benchmark, and prints the stage breakdown and the top self symbols.
# Environment: NETLENS_BENCH_PCAP, NETLENS_BENCH_DIR, NETLENS_BENCH_CPU as for run-bench.sh;
# NETLENS_PROFILE_FREQ (samples/s, default 1000), NETLENS_PROFILE_NODUMP=1 to leave out
# --dump-json.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
pcap=${1:-${NETLENS_BENCH_PCAP:-/tmp/netlens-bench/big.pcap}}
build=$repo/build-bench-prof
out=${NETLENS_BENCH_DIR:-$(dirname "$(realpath "$pcap")")}
cpu=${NETLENS_BENCH_CPU:-$(( $(nproc --all) > 1 ? 1 : 0 ))}
freq=${NETLENS_PROFILE_FREQ:-1000}

command -v perf >/dev/null || { echo "profile.sh: perf not found (apt-get install linux-perf)" >&2; exit 1; }
[[ -s $pcap ]] || { echo "profile.sh: $pcap missing (run run-bench.sh first, it builds it)" >&2; exit 1; }

if [[ ! -f $build/CMakeCache.txt ]]; then
  cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DNETLENS_TESTS=OFF \
    -DCMAKE_CXX_FLAGS="-g -fno-omit-frame-pointer" >/dev/null
fi
cmake --build "$build" --target netlens -j"$(nproc)" >"$build/profile-build.log" 2>&1 ||
  { tail -n 30 "$build/profile-build.log" >&2; exit 1; }
bin=$build/netlens
if [[ ${NETLENS_PROFILE_STATIC_NDPI:-0} == 1 ]]; then
  # The same objects, linked with the static nDPI archive (it keeps local symbols).
  # shellcheck disable=SC2046  # the library list is meant to split into words
  (cd "$build" && c++ -g CMakeFiles/netlens.dir/src/app/*.o -o netlens-static-ndpi libnetlens_core.a \
     "$(pkg-config --variable=libdir libndpi)/libndpi.a" $(pkg-config --libs --static libndpi | sed 's/-lndpi//') \
     -lpcap -lpthread)
  bin=$build/netlens-static-ndpi
fi

dump=()
[[ ${NETLENS_PROFILE_NODUMP:-0} == 1 ]] || dump=(--dump-json "$out/netlens-profile.json")
data=$out/netlens.perf.data
echo "profile.sh: perf record ($freq Hz, dwarf call graphs) of $(basename "$bin") on core $cpu" >&2
# perf itself is pinned (netlens inherits the affinity): with `perf record -- taskset ...` the
# exec of taskset sometimes leaves libc frames unwindable and chains stop there.
taskset -c "$cpu" perf record -q -e cpu-clock -F "$freq" --call-graph dwarf,16384 -o "$data" -- \
  "$bin" -i "$pcap" --shutdown-when-done --max-num-flows 1000000 --max-num-hosts 1000000 \
  "${dump[@]}" -q
python3 "$here/perf-breakdown.py" "$data"
echo "perf data: $data (perf report -i $data --no-children)"
