#!/usr/bin/env bash
# omgd on this host's own apt database (~63,000 packages), in one run:
#   - index build time (omgd's log) and resident memory with the full index;
#   - `omg search` through omgd (a repeated query) against spawning /bin/true and against
#     `apt-cache search`, hyperfine medians;
#   - a few hundred distinct name prefixes of 3-6 characters (cache misses), shell-timed
#     against /bin/true, and a thousand others timed inside one connection (miss_bench:
#     omgd's own time for a cache-missing search, against a Ping on the same connection);
#   - omgd's first start with a fresh state file, with libapt's binary cache in omg's cache
#     directory already built, with none (fully cold), and with none of omg's but apt's own
#     (which omg copies); the peer: apt-cache building the same binary caches, and building
#     them in memory only.
# Needs: a Debian/Ubuntu host with apt lists (`apt-get update` done), hyperfine.
# Usage: bench/daemon-apt.sh [runs] [distinct-terms]. Writes bench/out/daemon-apt/.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-30}
nterms=${2:-300}
out=bench/out/daemon-apt
mkdir -p "$out"

bash scripts/build-release.sh -q
cargo build --release -q -p omg-daemon --example miss_bench
omg=$PWD/target/release/omg
omgd=$PWD/target/release/omgd
miss_bench=$PWD/target/release/examples/miss_bench

# Name prefixes of 3 to 6 characters of real names: a few hundred for the shell loop, a
# thousand others for miss_bench (each set asked once: every search a cache miss). `head`
# closes the pipe early: the writers' SIGPIPE is expected, so no pipefail here.
(
  set +o pipefail
  apt-cache pkgnames 2>/dev/null | sort | awk 'length($1) >= 6' | shuf --random-source=<(yes) |
    awk '{ t = substr($1, 1, 3 + NR % 4) } !seen[t]++ { print t }' | head -n $((nterms + 1000))
) >"$out/all-terms.txt"
[ "$(wc -l <"$out/all-terms.txt")" -eq $((nterms + 1000)) ] ||
  { echo "too few distinct name prefixes" >&2; exit 1; }
head -n "$nterms" "$out/all-terms.txt" >"$out/terms.txt"
tail -n +$((nterms + 1)) "$out/all-terms.txt" >"$out/miss-terms.txt"

# First start: omgd's log says when the index was built (total_ms, from the start of the
# backend's opening); measured with omg's binary cache of libapt warm and cold.
first_start() { # label, cache dir, more omgd options...
  local dir log label=$1 cache=$2
  shift 2
  dir=$(mktemp -d) && chmod 700 "$dir" && log=$dir/omgd.log
  XDG_CACHE_HOME=$cache RUST_LOG=info "$omgd" --backend apt --audit-secs 0 --socket "$dir/s" \
    --state "$dir/state.redb" "$@" 2>"$log" &
  local p=$! t0 t1
  t0=$(date +%s%N)
  until grep -q "omgd ready" "$log" 2>/dev/null; do sleep 0.005; done
  t1=$(date +%s%N)
  kill -TERM "$p"; wait "$p" || true
  echo "| $label | $(((t1 - t0) / 1000000)) ms | $(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -o 'total_ms=[0-9]*' | head -1) |"
  rm -rf "$dir"
}
# The peer on the same lists: apt-cache building the two binary caches omgd builds (the same
# libapt work, written to files), and building them in memory only (this container's apt
# configuration keeps no pkgcache.bin); a name search that matches nothing, so that the
# time is the cache's.
peer_start() { # label, apt-cache options...
  local label=$1 t0 t1
  shift
  t0=$(date +%s%N)
  apt-cache "$@" search --names-only omg-matches-nothing-here >/dev/null
  t1=$(date +%s%N)
  echo "| $label | $(((t1 - t0) / 1000000)) ms | (peer) |"
}
cold_cache=$(mktemp -d)
# apt's own binary caches, as a host that keeps /var/cache/apt/*.bin has them after `apt
# update` (this container's configuration keeps none): built by apt-cache into a directory
# of their own, which an apt.conf given to omgd names as the configuration's.
apt_cache=$(mktemp -d)
printf 'Dir::Cache "%s/";\nDir::Cache::pkgcache "pkgcache.bin";\nDir::Cache::srcpkgcache "srcpkgcache.bin";\n' \
  "$apt_cache" >"$apt_cache/apt.conf"
apt-cache -c "$apt_cache/apt.conf" gencaches >/dev/null
{
  echo "| omgd first start (fresh state file) | until ready | omgd's own count |"
  echo "| --- | ---: | --- |"
  for i in 1 2 3; do
    rm -rf "$cold_cache" && mkdir -p "$cold_cache"
    first_start "libapt's binary cache cold (run $i)" "$cold_cache"
    first_start "libapt's binary cache warm (run $i)" "$cold_cache"
    rm -rf "$cold_cache" && mkdir -p "$cold_cache"
    first_start "none of omg's, apt's own present (run $i)" "$cold_cache" --config "$apt_cache/apt.conf"
    rm -rf "$cold_cache" && mkdir -p "$cold_cache"
    peer_start "apt-cache, building both binary caches in files (run $i)" \
      -o Dir::Cache::pkgcache="$cold_cache/p.bin" -o Dir::Cache::srcpkgcache="$cold_cache/s.bin"
    peer_start "apt-cache, building the cache in memory (run $i)" \
      -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
  done
} >"$out/first-start.md"
rm -rf "$cold_cache" "$apt_cache"

# A fresh state file: the index is built from the databases, not loaded from a snapshot.
source bench/omgd.sh
start_omgd "$omgd" "$out/omgd.log" 60 --backend apt
sleep 2 # let the snapshot persist settle
rss_loaded=$(rss_kb)
npkgs=$("$omg" --backend apt --json status | python3 -c 'import json,sys; print(json.load(sys.stdin)["available"])')

search=(--backend apt search python --limit 20)
diff <("$omg" "${search[@]}") <("$omg" --no-daemon "${search[@]}") >/dev/null ||
  { echo "daemon and direct answers differ" >&2; exit 1; }

hyperfine -N --warmup 3 --runs "$runs" --export-json "$out/e2e.json" \
  -n "/bin/true" "/bin/true" \
  -n "omg search python (daemon, repeated)" "$omg ${search[*]}" >&2
# apt-cache search python takes tens of seconds here (a record lookup per match): 3 runs.
hyperfine -N --warmup 1 --runs 3 --export-json "$out/e2e-apt-cache.json" \
  -n "apt-cache search python" "apt-cache search python" >&2

"$miss_bench" --socket "$OMG_SOCKET" --terms "$out/miss-terms.txt" >"$out/miss.md"
time_each "$out/terms.txt" /bin/true >"$out/miss-true.txt"
time_each "$out/terms.txt" "$omg" --backend apt search --limit 20 >"$out/miss-daemon.txt"
rss_end=$(rss_kb)
# Idle: omgd releases libapt's cache 30 s after the backend's last use.
sleep 35
rss_idle=$(rss_kb)
m_true=$(median "$out/miss-true.txt")
m_miss=$(median "$out/miss-daemon.txt")
stop_omgd

{
  echo "### omgd on the host's apt database ($npkgs packages)"
  echo
  echo "Start-up, from omgd's log (a fresh state file):"
  echo
  grep -E 'search index built|index built from the databases' "$out/omgd.log" |
    sed 's/\x1b\[[0-9;]*m//g; s/^/    /'
  echo
  python3 - "$out/e2e.json" "$out/e2e-apt-cache.json" <<'PY'
import json, sys
res = {r["command"]: r for f in sys.argv[1:] for r in json.load(open(f))["results"]}
base = res["/bin/true"]["median"]
print("| command | median | mean ± σ | × /bin/true |")
print("| --- | ---: | ---: | ---: |")
for name, r in res.items():
    print(f"| {name} | {r['median']*1e3:.2f} ms | {r['mean']*1e3:.2f} ± {r['stddev']*1e3:.2f} ms | {r['median']/base:.2f}x |")
d = res["omg search python (daemon, repeated)"]["median"]
print(f"\napt-cache search / omg (daemon): {res['apt-cache search python']['median']/d:.0f}x")
PY
  echo
  cat "$out/first-start.md"
  echo
  echo "Cache-missing searches inside omgd (miss_bench, one kept connection):"
  echo
  cat "$out/miss.md"
  echo
  echo "Distinct queries ($(wc -l <"$out/terms.txt") name prefixes, each once, shell-timed): /bin/true ${m_true} µs, omg search (daemon, miss) ${m_miss} µs"
  awk -v a="$m_miss" -v b="$m_true" 'BEGIN { printf "= %.2fx /bin/true\n", a / b }'
  echo
  echo "omgd VmRSS: $((rss_loaded / 1024)) MiB 2 s after start, $((rss_end / 1024)) MiB after the queries, $((rss_idle / 1024)) MiB after 35 s idle"
} | tee "$out/report.md"
