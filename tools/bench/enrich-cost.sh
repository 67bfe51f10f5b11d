#!/usr/bin/env bash
# What enrichment costs (issue 6's budget: under 10% of packet processing time): netlens on the
# benchmark capture as a user runs it (names learned from traffic, -n decode: DNS/mDNS/NetBIOS/
# DHCP parsing, TLS/HTTP names, OS guesses, the DNS-name and server-name aggregations; plus the
# installed geolocation/ASN databases with the AS and country entities) against the same binary
# with names only (no databases) and with everything off (-n none, no databases). Runs are
# interleaved so that a busy machine disturbs all alike. Optionally a base binary (BASE_BIN,
# e.g. built from an earlier commit) runs in the same rotation, with and without enrichment.
# Two figures per run: the CPU time of the packet thread from its first packet to the end of
# the capture (what the budget is about: packet processing; netlens's "(end)" status line gives
# it), and the user+sys CPU time of the whole process (with start-up: databases opened, nDPI
# set up; and teardown). Prints the best and the median of each and the ratios (on a VM the runs
# of one binary spread by several percent: compare many runs); asserts nothing.
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
args=(-i "$pcap" --shutdown-when-done --max-num-flows 1000000 --max-num-hosts 1000000 --status-interval 0)
nogeo=$(mktemp -d)  # an empty database directory: geolocation off
trap 'rm -rf "$nogeo"' EXIT
declare -A best=() all_runs=() tbest=() thread_runs=()
geo=${NETLENS_GEOIP_DIR:-$repo/data/geoip/db}  # given to every binary (a base binary's built-in default may be gone)
variants=("all:$bin:-n decode --geoip-dir $geo" "names:$bin:-n decode --geoip-dir $nogeo" "none:$bin:-n none --geoip-dir $nogeo")
[[ -n ${BASE_BIN:-} ]] && variants+=("base:$BASE_BIN:-n decode --geoip-dir $geo" "basenone:$BASE_BIN:-n none --geoip-dir $nogeo")
cat "$pcap" >/dev/null  # into the page cache
for ((r = 1; r <= runs; r++)); do
  for v in "${variants[@]}"; do
    IFS=: read -r name exe extra <<<"$v"
    # shellcheck disable=SC2086
    tf=$(mktemp) ef=$(mktemp)
    /usr/bin/time -o "$tf" -f "%U %S" taskset -c "$cpu" "$exe" "${args[@]}" $extra >/dev/null 2>"$ef"
    c=$(tail -n1 "$tf" | awk '{ printf "%.3f", $1 + $2 }')
    t=$(sed -n 's/.*(end): .*packet thread \([0-9.]*\) s CPU.*/\1/p' "$ef" | tail -n1)
    [[ -n $t ]] || { echo "enrich-cost: $exe printed no packet thread CPU time (older binary?): the process's is used" >&2; t=$c; }
    rm -f "$tf" "$ef"
    echo "enrich-cost: run $r: $name: packet thread $t s, process $c s cpu" >&2
    all_runs[$name]+="$c "
    thread_runs[$name]+="$t "
    if [[ -z ${best[$name]:-} ]] || awk -v a="$c" -v b="${best[$name]}" 'BEGIN { exit !(a < b) }'; then best[$name]=$c; fi
    if [[ -z ${tbest[$name]:-} ]] || awk -v a="$t" -v b="${tbest[$name]}" 'BEGIN { exit !(a < b) }'; then tbest[$name]=$t; fi
  done
done
median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{ v[NR] = $1 } END { printf "%.3f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A med=() tmed=()
echo "$runs runs each on core $cpu ($(basename "$pcap")), CPU seconds, best / median: packet thread | whole process"
for v in "${variants[@]}"; do
  name=${v%%:*}
  med[$name]=$(median "${all_runs[$name]}")
  tmed[$name]=$(median "${thread_runs[$name]}")
  echo "  $name: ${tbest[$name]} / ${tmed[$name]} s | ${best[$name]} / ${med[$name]} s"
done
ratio() {  # what, best a, best b, median a, median b
  awk -v w="$1" -v a="$2" -v b="$3" -v c="$4" -v d="$5" 'BEGIN { printf "%s %+.1f%% (best), %+.1f%% (median)\n", w, 100 * (a - b) / b, 100 * (c - d) / d }'
}
ratio "packet processing: enrichment (names + geolocation) costs" "${tbest[all]}" "${tbest[none]}" "${tmed[all]}" "${tmed[none]}"
ratio "packet processing: names learned from traffic alone cost" "${tbest[names]}" "${tbest[none]}" "${tmed[names]}" "${tmed[none]}"
ratio "whole process: enrichment (names + geolocation) costs" "${best[all]}" "${best[none]}" "${med[all]}" "${med[none]}"
ratio "whole process: names learned from traffic alone cost" "${best[names]}" "${best[none]}" "${med[names]}" "${med[none]}"
if [[ -n ${BASE_BIN:-} ]]; then
  ratio "the base binary, packet processing: enrichment costs" "${tbest[base]}" "${tbest[basenone]}" "${tmed[base]}" "${tmed[basenone]}"
  ratio "the base binary, whole process: enrichment costs" "${best[base]}" "${best[basenone]}" "${med[base]}" "${med[basenone]}"
  ratio "this netlens vs the base binary, whole process:" "${best[all]}" "${best[base]}" "${med[all]}" "${med[base]}"
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
