#!/usr/bin/env bash
# What enrichment costs (issue 6's budget: under 10% of packet processing time): netlens on the
# benchmark capture as a user runs it (names learned from traffic, -n decode: DNS/mDNS/NetBIOS/
# DHCP parsing, TLS/HTTP names, OS guesses, the DNS-name and server-name aggregations; plus the
# installed geolocation/ASN databases with the AS and country entities) against the same binary
# with names only (no databases) and with everything off (-n none, no databases). Runs are
# interleaved so that a busy machine disturbs all alike. Optionally a base binary (BASE_BIN,
# e.g. built from an earlier commit) runs in the same rotation, with and without enrichment.
# Prints the best and the median user+sys CPU time of each and the ratios of both (on a VM the
# runs of one binary spread by several percent: compare many runs); asserts nothing.
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
nogeo=$(mktemp -d)  # an empty database directory: geolocation off
trap 'rm -rf "$nogeo"' EXIT
declare -A best=() all_runs=()
geo=${NETLENS_GEOIP_DIR:-$repo/data/geoip/db}  # given to every binary (a base binary's built-in default may be gone)
variants=("all:$bin:-n decode --geoip-dir $geo" "names:$bin:-n decode --geoip-dir $nogeo" "none:$bin:-n none --geoip-dir $nogeo")
[[ -n ${BASE_BIN:-} ]] && variants+=("base:$BASE_BIN:-n decode --geoip-dir $geo" "basenone:$BASE_BIN:-n none --geoip-dir $nogeo")
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
    all_runs[$name]+="$c "
    if [[ -z ${best[$name]:-} ]] || awk -v a="$c" -v b="${best[$name]}" 'BEGIN { exit !(a < b) }'; then best[$name]=$c; fi
  done
done
median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{ v[NR] = $1 } END { printf "%.3f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A med=()
echo "$runs runs each, user+sys CPU seconds on core $cpu ($(basename "$pcap")): best, median"
for v in "${variants[@]}"; do name=${v%%:*}; med[$name]=$(median "${all_runs[$name]}"); echo "  $name: ${best[$name]} s, ${med[$name]} s"; done
awk -v a="${best[all]}" -v b="${best[none]}" -v c="${med[all]}" -v d="${med[none]}" 'BEGIN { printf "enrichment (names + geolocation) costs %+.1f%% (best), %+.1f%% (median) over none\n", 100 * (a - b) / b, 100 * (c - d) / d }'
awk -v a="${best[names]}" -v b="${best[none]}" -v c="${med[names]}" -v d="${med[none]}" 'BEGIN { printf "names learned from traffic alone cost %+.1f%% (best), %+.1f%% (median)\n", 100 * (a - b) / b, 100 * (c - d) / d }'
if [[ -n ${BASE_BIN:-} ]]; then
  awk -v a="${best[base]}" -v b="${best[basenone]}" -v c="${med[base]}" -v d="${med[basenone]}" 'BEGIN { printf "the base binary: enrichment costs %+.1f%% (best), %+.1f%% (median) over none\n", 100 * (a - b) / b, 100 * (c - d) / d }'
  awk -v a="${best[all]}" -v b="${best[base]}" 'BEGIN { printf "this netlens vs the base binary: %+.1f%%\n", 100 * (a - b) / b }'
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
  awk -v a="${ir[all]}" -v b="${ir[none]}" 'BEGIN { printf "instructions: enrichment costs %+.2f%% over none\n", 100 * (a - b) / b }'
  awk -v a="${ir[names]}" -v b="${ir[none]}" 'BEGIN { printf "instructions: names alone cost %+.2f%%\n", 100 * (a - b) / b }'
  [[ -n ${BASE_BIN:-} ]] && awk -v a="${ir[all]}" -v b="${ir[base]}" 'BEGIN { printf "instructions: %+.2f%% over the base binary\n", 100 * (a - b) / b }'
fi
