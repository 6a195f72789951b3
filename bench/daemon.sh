#!/usr/bin/env bash
# Daemon benchmark, in one run:
#   - IPC: omgd's round trip, pipelined throughput and 1,000 concurrent clients
#     (omg-daemon/examples/ipc_bench.rs) over the socket;
#   - end to end: `omg search` through the daemon (repeated query, and a few hundred distinct
#     queries = cache misses) against spawning /bin/true, `omg --no-daemon` and `pacman -Ss`;
#   - omgd's resident memory with the index loaded.
# The data: the same ~21,000-package generated Arch root as bench/search.sh.
# Needs: scripts/setup-system.sh done (pacman 7.1, hyperfine). Writes bench/out/daemon/.
# Usage: bench/daemon.sh [runs] [distinct-terms]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-50}
nterms=${2:-300}
out=bench/out/daemon
mkdir -p "$out"

bash scripts/build-release.sh -q
cargo build --release -q -p omg-daemon --example ipc_bench
omg=$PWD/target/release/omg
omgd=$PWD/target/release/omgd
ipc_bench=$PWD/target/release/examples/ipc_bench

# The fixture, exactly as bench/search.sh makes it.
source bench/fixture.sh
conf=$(arch_fixture "$out")
npkgs=$(wc -l <"$out/packages.tsv")

# A private socket directory and state file.
source bench/omgd.sh
start_omgd "$omgd" "$out/omgd.log" 10 --backend alpm --config "$conf"
sleep 0.5 # let the snapshot persist settle
rss_loaded=$(rss_kb)

# The thin client must really take the daemon path: it answers, and the answer is the same
# as direct mode's.
search=(--backend alpm --config "$conf" search python --limit 20)
diff <("$omg" "${search[@]}") <("$omg" --no-daemon "${search[@]}") >/dev/null ||
  { echo "daemon and direct answers differ" >&2; exit 1; }

"$ipc_bench" --socket "$OMG_SOCKET" --secs 3 --query python >"$out/ipc.md"
rss_after_ipc=$(rss_kb)

hyperfine -N --warmup 5 --runs "$runs" --export-json "$out/e2e.json" \
  -n "/bin/true" "/bin/true" \
  -n "omg search python (daemon, repeated)" "$omg ${search[*]}" \
  -n "omg --no-daemon search python" "$omg --no-daemon ${search[*]}" \
  -n "pacman -Ss python" "pacman --config $conf -Ss python" >&2

# A large answer: every package matching `lib` (thousands of hits, no limit), where the
# encoding, the transfer and the rendering cost more than the search.
lib=(--backend alpm --config "$conf" search lib)
nlib=$("$omg" "${lib[@]}" | grep -vc '^    ')
[ "$nlib" -eq "$(pacman --config "$conf" -Ss lib | grep -vc '^    ')" ] ||
  { echo "omg and pacman find different numbers of packages for lib" >&2; exit 1; }
hyperfine -N --warmup 3 --runs "$runs" --export-json "$out/e2e-lib.json" \
  -n "/bin/true" "/bin/true" \
  -n "omg search lib (daemon, repeated)" "$omg ${lib[*]}" \
  -n "pacman -Ss lib" "pacman --config $conf -Ss lib" >&2
# The same three in five rounds, one after the other within each round: this machine's
# speed drifts by tens of percent within a minute, and a ratio of two medians taken a
# minute apart carries that drift. Each round gives its own ratio; the report shows all
# five and their median. 10x the runs of the fast commands (they cost ~1 ms each).
for round in 1 2 3 4 5; do
  hyperfine -N --warmup 10 --runs $((runs * 10)) --export-json "$out/e2e-lib-round$round.json" \
    -n "/bin/true" "/bin/true" -n "omg search lib (daemon, repeated)" "$omg ${lib[*]}" >&2
  hyperfine -N --warmup 1 --runs "$runs" --export-json "$out/e2e-lib-pacman$round.json" \
    -n "pacman -Ss lib" "pacman --config $conf -Ss lib" >&2
done

# Distinct queries (cache misses): name prefixes of 3 to 5 characters from the fixture,
# each asked once, timed from the shell like /bin/true in the same loop.
awk -F'\t' 'length($1) >= 5 { print substr($1, 1, 3 + NR % 3) }' "$out/packages.tsv" |
  awk '!seen[$0]++' | shuf -n "$nterms" --random-source=<(yes) >"$out/terms.txt"
time_each "$out/terms.txt" /bin/true >"$out/miss-true.txt"
stats_before=$("$ipc_bench" --socket "$OMG_SOCKET" --stats)
time_each "$out/terms.txt" "$omg" --backend alpm --config "$conf" search --limit 20 >"$out/miss-daemon.txt"
stats_after=$("$ipc_bench" --socket "$OMG_SOCKET" --stats)
read -r r0 h0 m0 <<<"$stats_before"
read -r r1 h1 m1 <<<"$stats_after"
rss_end=$(rss_kb)

m_true=$(median "$out/miss-true.txt")
m_miss=$(median "$out/miss-daemon.txt")

stop_omgd

# e2e_table JSON OMG: hyperfine's medians as a table against /bin/true, then every other
# command's median over OMG's.
e2e_table() {
  python3 - "$1" "$2" <<'PY'
import json, sys
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
base = res["/bin/true"]["median"]
print("| command | median | mean ± σ | × /bin/true |")
print("| --- | ---: | ---: | ---: |")
for name, r in res.items():
    print(f"| {name} | {r['median']*1e3:.2f} ms | {r['mean']*1e3:.2f} ± {r['stddev']*1e3:.2f} ms | {r['median']/base:.2f}x |")
omg = res[sys.argv[2]]["median"]
print("\n" + "; ".join(f"{name} / {sys.argv[2]}: {r['median']/omg:.1f}x"
                      for name, r in res.items() if name not in ("/bin/true", sys.argv[2])))
PY
}

{
  cat "$out/ipc.md"
  echo
  echo "### End to end, hyperfine -N ($runs runs), $npkgs packages"
  echo
  e2e_table "$out/e2e.json" "omg search python (daemon, repeated)"
  echo
  echo "### A large answer: \`search lib\`, $nlib packages, hyperfine -N ($runs runs)"
  echo
  e2e_table "$out/e2e-lib.json" "omg search lib (daemon, repeated)"
  echo
  echo "The same in five rounds, each round's commands back to back:"
  echo
  python3 - "$out" <<'PY'
import json, statistics, sys
out = sys.argv[1]
print("| round | /bin/true | omg search lib | pacman -Ss lib | pacman / omg | omg / /bin/true |")
print("| ---: | ---: | ---: | ---: | ---: | ---: |")
ratios = []
for r in range(1, 6):
    fast = {x["command"]: x["median"] for x in json.load(open(f"{out}/e2e-lib-round{r}.json"))["results"]}
    pac = json.load(open(f"{out}/e2e-lib-pacman{r}.json"))["results"][0]["median"]
    t, o = fast["/bin/true"], fast["omg search lib (daemon, repeated)"]
    ratios.append(pac / o)
    print(f"| {r} | {t*1e3:.2f} ms | {o*1e3:.2f} ms | {pac*1e3:.1f} ms | {pac/o:.1f}x | {o/t:.2f}x |")
print(f"\npacman -Ss lib / omg search lib, median of the rounds: {statistics.median(ratios):.1f}x")
PY
  echo
  echo "### Distinct queries (cache misses): $(wc -l <"$out/terms.txt") name prefixes, each once"
  echo
  echo "| command | median (shell-timed, date +%s%N) |"
  echo "| --- | ---: |"
  echo "| /bin/true TERM | ${m_true} µs |"
  echo "| omg search TERM --limit 20 (daemon, miss) | ${m_miss} µs |"
  awk -v a="$m_miss" -v b="$m_true" 'BEGIN { printf "\nmiss / /bin/true: %.2fx\n", a / b }'
  echo "omgd counters over the loop: $((r1 - r0)) requests (incl. one Stats), $((m1 - m0)) cache misses, $((h1 - h0)) hits"
  echo
  echo "### omgd memory (VmRSS)"
  echo
  echo "| when | VmRSS |"
  echo "| --- | ---: |"
  echo "| index loaded ($npkgs packages) | $((rss_loaded / 1024)) MiB |"
  echo "| after the IPC benchmark (1,000 connections) | $((rss_after_ipc / 1024)) MiB |"
  echo "| at the end | $((rss_end / 1024)) MiB |"
} | tee "$out/report.md"
