#!/usr/bin/env bash
# What host naming costs: netlens on the benchmark capture with names learned from traffic
# (the default, -n decode: DNS/mDNS/NetBIOS/DHCP parsing, TLS/HTTP names, OS guesses, the
# DNS-name and server-name aggregations) against the same binary with -n none (all of that
# off), runs interleaved so that a busy machine disturbs both alike. Optionally a third binary
# (BASE_BIN, e.g. built from a commit before naming existed) runs in the same rotation.
# Prints the best user+sys CPU time of each and the ratio; asserts nothing.
#
#   tools/bench/enrich-cost.sh [PCAP]
# Environment: NETLENS_BIN (default: build-bench/netlens, built like run-bench.sh does),
#   BASE_BIN (optional), RUNS (default 5), NETLENS_BENCH_CPU (default 1),
#   CACHEGRIND=1 also counts instructions with valgrind's cachegrind (deterministic; slow:
#   about 2 minutes per binary on the 5M-packet capture).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
pcap=${1:-${NETLENS_BENCH_PCAP:-/tmp/netlens-bench/big.pcap}}
runs=${RUNS:-5}
cpu=${NETLENS_BENCH_CPU:-1}
(( $(nproc --all) > 1 )) || cpu=0
[[ -s $pcap ]] || { echo "enrich-cost: $pcap missing (tools/bench/run-bench.sh builds it)" >&2; exit 1; }
bin=${NETLENS_BIN:-}
if [[ -z $bin ]]; then
  build=$repo/build-bench
  [[ -f $build/CMakeCache.txt ]] || cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DNETLENS_TESTS=OFF >/dev/null
  cmake --build "$build" --target netlens -j"$(nproc)" >/dev/null
  bin=$build/netlens
fi
args=(-i "$pcap" --shutdown-when-done --max-num-flows 1000000 --max-num-hosts 1000000 -q)
declare -A best=()
variants=("names:$bin:-n decode" "none:$bin:-n none")
[[ -n ${BASE_BIN:-} ]] && variants+=("base:$BASE_BIN:")
cat "$pcap" >/dev/null  # into the page cache
for ((r = 1; r <= runs; r++)); do
  for v in "${variants[@]}"; do
    IFS=: read -r name exe extra <<<"$v"
    # shellcheck disable=SC2086
    tf=$(mktemp)
    /usr/bin/time -o "$tf" -f "%U %S" taskset -c "$cpu" "$exe" "${args[@]}" $extra >/dev/null 2>&1
    c=$(tail -n1 "$tf" | awk '{ printf "%.3f", $1 + $2 }')
    rm -f "$tf"
    echo "enrich-cost: run $r: $name: $c s cpu" >&2
    if [[ -z ${best[$name]:-} ]] || awk -v a="$c" -v b="${best[$name]}" 'BEGIN { exit !(a < b) }'; then best[$name]=$c; fi
  done
done
echo "best of $runs, user+sys CPU seconds on core $cpu ($(basename "$pcap")):"
for v in "${variants[@]}"; do name=${v%%:*}; echo "  $name: ${best[$name]} s"; done
awk -v a="${best[names]}" -v b="${best[none]}" 'BEGIN { printf "names learned from traffic cost %+.1f%% over -n none\n", 100 * (a - b) / b }'
if [[ -n ${BASE_BIN:-} ]]; then
  awk -v a="${best[names]}" -v b="${best[base]}" 'BEGIN { printf "this netlens vs the base binary: %+.1f%%\n", 100 * (a - b) / b }'
fi
if [[ ${CACHEGRIND:-0} == 1 ]]; then
  command -v valgrind >/dev/null || { echo "enrich-cost: valgrind not installed" >&2; exit 1; }
  declare -A ir=()
  for v in "${variants[@]}"; do
    IFS=: read -r name exe extra <<<"$v"
    out=$(mktemp)
    # shellcheck disable=SC2086
    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null "$exe" "${args[@]}" $extra 2>"$out" >/dev/null
    ir[$name]=$(awk '/I +refs:/ { gsub(",", "", $NF); print $NF }' "$out")
    rm -f "$out"
    echo "  $name: ${ir[$name]} instructions"
  done
  awk -v a="${ir[names]}" -v b="${ir[none]}" 'BEGIN { printf "instructions: names cost %+.2f%% over -n none\n", 100 * (a - b) / b }'
  [[ -n ${BASE_BIN:-} ]] && awk -v a="${ir[names]}" -v b="${ir[base]}" 'BEGIN { printf "instructions: %+.2f%% over the base binary\n", 100 * (a - b) / b }'
fi
