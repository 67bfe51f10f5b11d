#!/usr/bin/env bash
# netlens benchmark: netlens against nDPI's reference reader (ndpiReader) on one big capture,
# both pinned to one core. Prints figures (speed, memory, ratios) and whether netlens's
# per-application totals equal ndpiReader's. It never asserts timings; it exits non-zero only
# when it cannot run (and with status 3 when the applications differ, after printing).
#
#   tools/bench/run-bench.sh [PCAP]
#
# PCAP defaults to $NETLENS_BENCH_PCAP, else /tmp/netlens-bench/big.pcap; when missing it is
# built with make-big-pcap (about a minute, 2.2 GB; keep it outside the repository).
# Environment:
#   NETLENS_BENCH_PCAP   the capture (see above)
#   NETLENS_BENCH_DIR    where results, dumps and logs go (default: the capture's directory)
#   NETLENS_BENCH_CPU    the core both programs are pinned to (default 1, or 0 on one core)
#   NETLENS_BENCH_RUNS   timed runs of each program; the fastest is reported (default 1)
#   NETLENS_BENCH_NODUMP 1: also time netlens without --dump-json (the dump's cost, for information)
#   NETLENS_BENCH_NOGEO  1: also time netlens without --dump-json and without GeoIP databases
#                        (--geoip-dir of an empty directory), against the same without dump but
#                        with them: the cost of geolocating every host (implies NODUMP)
#   NETLENS_BENCH_FRESH  1: re-run ndpiReader's reference pass even if its results are cached
#   NETLENS_TOOLS_DIR    where make-big-pcap lives (default: ../shared/tools beside the repo)
#   NETLENS_BUILD_DIR    release build directory (default: build-bench in the repo)
#   NETLENS_BIN          use this netlens binary instead of building one
# Needs: cmake + a C++20 compiler, ndpiReader (libndpi-bin), /usr/bin/time (time), taskset
# (util-linux), python3; to build the capture also wireshark-common and tcpreplay.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
pcap=${1:-${NETLENS_BENCH_PCAP:-/tmp/netlens-bench/big.pcap}}
tools=${NETLENS_TOOLS_DIR:-$(cd "$repo/.." && pwd)/shared/tools}
build=${NETLENS_BUILD_DIR:-$repo/build-bench}
runs=${NETLENS_BENCH_RUNS:-1}
if [[ -n ${NETLENS_BENCH_CPU:-} ]]; then cpu=$NETLENS_BENCH_CPU
elif (( $(nproc --all) > 1 )); then cpu=1
else cpu=0
fi

say() { printf '%s\n' "run-bench: $*" >&2; }
die() { say "$*"; exit 1; }

for tool in ndpiReader taskset python3 awk; do
  command -v "$tool" >/dev/null || die "$tool not found (ndpiReader: apt-get install libndpi-bin; taskset: util-linux)"
done
[[ -x /usr/bin/time ]] || die "/usr/bin/time not found (apt-get install time)"

# ---- netlens, release build ------------------------------------------------------------------
if [[ -n ${NETLENS_BIN:-} ]]; then
  netlens=$NETLENS_BIN
else
  if [[ ! -f $build/CMakeCache.txt ]] || ! grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$build/CMakeCache.txt"; then
    say "configuring a release build in $build"
    cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DNETLENS_TESTS=OFF >/dev/null
  fi
  say "building netlens (release) in $build"
  cmake --build "$build" --target netlens -j"$(nproc)" >"$build/bench-build.log" 2>&1 ||
    { tail -n 30 "$build/bench-build.log" >&2; die "build failed (log: $build/bench-build.log)"; }
  netlens=$build/netlens
fi
[[ -x $netlens ]] || die "no netlens binary at $netlens"

# ---- the capture -----------------------------------------------------------------------------
if [[ ! -s $pcap ]]; then
  [[ -x $tools/make-big-pcap ]] || die "$pcap is missing and $tools/make-big-pcap is not there (set NETLENS_TOOLS_DIR)"
  case $(realpath -m "$pcap")/ in "$repo"/*) die "keep the capture outside the repository: $pcap";; esac
  mkdir -p "$(dirname "$pcap")"
  say "building the benchmark capture $pcap (about a minute)"
  "$tools/make-big-pcap" "$pcap" >&2
fi
pcap=$(realpath "$pcap")
out=${NETLENS_BENCH_DIR:-$(dirname "$pcap")}
mkdir -p "$out"
base=$out/$(basename "$pcap")
results=$base.ndpi-results.txt   # ndpiReader -w: per-application block, DPI packets
summary=$base.ndpi-stdout.txt    # ndpiReader's printed statistics: packet totals
dump=$out/netlens-bench.json

# ---- reference answers (also the warm-up: the file is in the page cache afterwards) ----------
if [[ ${NETLENS_BENCH_FRESH:-0} == 1 || ! -s $results || ! -s $summary || $results -ot $pcap ]]; then
  say "reference pass: ndpiReader -t -i $(basename "$pcap") -w ... (also the warm-up)"
  taskset -c "$cpu" ndpiReader -t -i "$pcap" -w "$results" >"$summary" 2>&1 ||
    die "ndpiReader failed (see $summary)"
else
  say "reference results cached ($results); warm-up: reading the capture once"
  cat "$pcap" >/dev/null
fi

# ---- timed runs --------------------------------------------------------------------------------
# timed NAME LOG CMD...: runs CMD under /usr/bin/time -v on the benchmark core.
timed() {
  local name=$1 log=$2
  shift 2
  if ! /usr/bin/time -v -o "$log" taskset -c "$cpu" "$@" >"$log.out" 2>&1; then
    cat "$log.out" >&2
    die "$name failed (log: $log)"
  fi
}
# field LOG: wall seconds, peak RSS kB, user+sys seconds from a /usr/bin/time -v log.
field() {
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($NF, t, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + t[i] }
    /Maximum resident set size/ { rss = $NF }
    /User time \(seconds\)/ { cpu += $NF }
    /System time \(seconds\)/ { cpu += $NF }
    END { printf "%.3f %d %.3f\n", w, rss, cpu }' "$1"
}

# Share of the machine's CPU time used by other processes over one second (from /proc/stat);
# the benchmark is only as good as the machine is quiet.
busy_pct() {
  local a b
  a=$(awk '/^cpu / { print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9 }' /proc/stat)
  sleep 1
  b=$(awk '/^cpu / { print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9 }' /proc/stat)
  awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " "); t = y[2] - x[2];
    printf "%.0f\n", (t > 0 ? 100 * (y[1] - x[1]) / t : 0) }'
}
busy=$(busy_pct)
if (( busy > 10 )); then
  say "warning: other processes use ${busy}% of the machine's CPU right now: timings will be noisy"
  say "$(ps -eo pcpu,comm --sort=-pcpu | awk 'NR > 1 && NR <= 4 { printf "%s%s (%s%%)", sep, $2, $1; sep = ", " }')"
fi

# keep_best NAME LOG: prints one run's figures and keeps the fastest run of NAME in best[NAME].
declare -A best=()
keep_best() {
  local name=$1 log=$2 w rss c
  read -r w rss c < <(field "$log")
  say "  $name: ${w} s wall, ${c} s cpu, ${rss} kB peak RSS"
  if [[ -z ${best[$name]:-} ]] || awk -v a="$w" -v b="${best[$name]%% *}" 'BEGIN { exit !(a < b) }'; then
    best[$name]="$w $rss $c"
  fi
}
nl_args=(-i "$pcap" --shutdown-when-done --max-num-flows 1000000 --max-num-hosts 1000000)
if [[ ${NETLENS_BENCH_NOGEO:-0} == 1 ]]; then
  NETLENS_BENCH_NODUMP=1
  nogeo_dir=$(mktemp -d)
  trap 'rmdir "$nogeo_dir"' EXIT
fi
for ((r = 1; r <= runs; r++)); do
  say "run $r/$runs: ndpiReader -t -q -i $(basename "$pcap") (core $cpu)"
  timed ndpiReader "$out/ndpiReader.time.$r" ndpiReader -t -q -i "$pcap"
  keep_best ndpiReader "$out/ndpiReader.time.$r"
  say "run $r/$runs: netlens ${nl_args[*]} --dump-json ... -q (core $cpu)"
  timed netlens "$out/netlens.time.$r" "$netlens" "${nl_args[@]}" --dump-json "$dump" -q
  keep_best netlens "$out/netlens.time.$r"
  if [[ ${NETLENS_BENCH_NODUMP:-0} == 1 ]]; then
    say "run $r/$runs: netlens without --dump-json (core $cpu)"
    timed netlens "$out/netlens-nodump.time.$r" "$netlens" "${nl_args[@]}" -q
    keep_best netlens-nodump "$out/netlens-nodump.time.$r"
  fi
  if [[ ${NETLENS_BENCH_NOGEO:-0} == 1 ]]; then
    say "run $r/$runs: netlens without --dump-json and without GeoIP databases (core $cpu)"
    timed netlens "$out/netlens-nogeo.time.$r" "$netlens" "${nl_args[@]}" -q --geoip-dir "$nogeo_dir"
    keep_best netlens-nogeo "$out/netlens-nogeo.time.$r"
  fi
done

# ---- figures -----------------------------------------------------------------------------------
summary_json=$out/compare-summary.json
rm -f "$summary_json"
cmp_status=0
cmp_text=$(python3 "$here/compare_apps.py" "$results" "$dump" --summary "$summary_json") || cmp_status=$?
[[ -s $summary_json ]] || { printf '%s\n' "$cmp_text" >&2; die "cannot compare applications ($results, $dump)"; }
jget() { python3 -c 'import json,sys; v=json.load(open(sys.argv[1])).get(sys.argv[2]); print("" if v is None else v)' "$summary_json" "$1"; }

# Packets in the capture as ndpiReader counts them ("IP packets: X of Y packets total").
packets=$(awk '/IP packets:/ { for (i = 1; i <= NF; i++) if ($i == "of") { print $(i + 1); exit } }' "$summary")
[[ -n $packets ]] || packets=$(jget netlens_packets)
nl_flows=$(jget netlens_flows)

read -r nd_w nd_rss nd_cpu <<<"${best[ndpiReader]}"
read -r nl_w nl_rss nl_cpu <<<"${best[netlens]}"

echo
echo "netlens benchmark: $(basename "$pcap"): $packets packets; flows: ndpiReader $(jget ndpi_flows), netlens $nl_flows; netlens hosts $(jget netlens_hosts)"
echo "machine busy with other work before the runs: ${busy}% of CPU"
echo "pinned to core $cpu (taskset), best of $runs run(s); netlens $("$netlens" --version 2>/dev/null | head -n1), $(ndpiReader -h 2>&1 | grep -o 'nDPI [^ ]*' | head -n1 || true)"
read -r x_w x_rss x_cpu <<<"${best[netlens-nodump]:-0 0 0}"
awk -v P="$packets" -v F="$nl_flows" -v xw="$x_w" -v xr="$x_rss" -v xc="$x_cpu" \
    -v nw="$nd_w" -v nr="$nd_rss" -v nc="$nd_cpu" -v lw="$nl_w" -v lr="$nl_rss" -v lc="$nl_cpu" '
  function row(name, w, rss, cpu, bpf) {
    printf "%-11s %11.0f %10.1f %8.2f %8.2f %13.1f %11s\n", name, P / w, w * 1e9 / P, w, cpu, rss / 1024, bpf
  }
  BEGIN {
    printf "%-11s %11s %10s %8s %8s %13s %11s\n", "", "packets/s", "ns/packet", "wall s", "cpu s", "peak RSS MiB", "bytes/flow"
    row("ndpiReader", nw, nr, nc, sprintf("%.0f", nr * 1024 / F))
    row("netlens", lw, lr, lc, sprintf("%.0f", lr * 1024 / F))
    if (xw > 0) row("(no dump)", xw, xr, xc, sprintf("%.0f", xr * 1024 / F))
    printf "netlens speed / ndpiReader speed: %.2fx    netlens memory / ndpiReader memory: %.2fx\n", nw / lw, lr / nr
  }'
echo "(bytes/flow = peak RSS / netlens flows, for both; wall includes start-up, and for netlens the JSON dump)"
if [[ -n ${best[netlens-nogeo]:-} ]]; then
  read -r g_w g_rss g_cpu <<<"${best[netlens-nogeo]}"
  # CPU time too: on a busy machine it says more than wall time.
  awk -v P="$packets" -v gw="$g_w" -v gr="$g_rss" -v gc="$g_cpu" -v xw="$x_w" -v xr="$x_rss" -v xc="$x_cpu" 'BEGIN {
    printf "geolocation: no dump, without databases %.2f s wall / %.2f s cpu (%.1f ns/packet, %.1f MiB), with them %.2f s wall / %.2f s cpu (%.1f ns/packet, %.1f MiB): %+.1f%% wall, %+.1f%% cpu, %+.1f MiB\n",
      gw, gc, gw * 1e9 / P, gr / 1024, xw, xc, xw * 1e9 / P, xr / 1024, 100 * (xw - gw) / gw, 100 * (xc - gc) / gc, (xr - gr) / 1024 }'
fi
geo=$(grep -o '"geolocation":{[^}]*}' "$dump" | head -n 1 || true)
if [[ -n $geo ]]; then echo "geolocation lookups (interface.geolocation of the dump): $geo"; fi
echo "packets given to nDPI: netlens $(jget netlens_inspected_packets) (interface.inspected_packets), ndpiReader $(jget ndpi_dpi_packets) (DPI Packets)"
printf '%s\n' "$cmp_text"
echo "files: $dump, $results, $out/{ndpiReader,netlens}.time.N"
# 0: applications match; 3: they differ (the figures above are still valid).
(( cmp_status == 0 )) || exit 3
