#!/usr/bin/env bash
# AUR search through omgd, in one run:
#   - a synthetic AUR on 127.0.0.1 (omg-testkit/examples/aur_bench_server.rs): 100,000
#     records named after the host's apt packages with -git/-bin/... suffixes, its RPC v5
#     and its gzipped metadata dump;
#   - omgd on the ~21,000-package alpm fixture (bench/fixture.sh) with the AUR on, loading
#     the dump; the time from "omgd ready" to "AUR metadata refreshed";
#   - hyperfine -N: /bin/true, `omg search` through omgd (official + AUR; repeated queries,
#     short terms with thousands of answers and long ones with tens), `omg search --repo`
#     (official only), `omg --no-daemon search` (direct mode: one RPC search round trip to
#     the local server beside the sync databases) and a bare RPC round trip with curl (the
#     floor of what `paru -Ss` pays, measured against this local server, not aurweb); then
#     the budget's commands again round-robin (omg-testkit/examples/interleave.rs), so that
#     a shared machine's drift weighs on each alike;
#   - omgd's VmRSS / VmHWM with the dump loaded, after the queries and 35 s later (idle),
#     and the same for an omgd without the AUR;
#   - daemon and direct answers compared byte for byte for terms the RPC answers in full,
#     and for `omg info` of an AUR package (omgd: the dump's full records in its state file;
#     direct mode: the RPC's info), which hyperfine times too;
#   - the planner (omg-domain/examples/aur_plan.rs): resolving and planning 20 AUR
#     dependencies in process, medians and callgrind instruction counts.
# Needs: scripts/setup-system.sh done (pacman, hyperfine), curl, valgrind (optional).
# Writes bench/out/aur/. Usage: bench/aur.sh [runs] [records]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-30}
nrecords=${2:-100000}
out=bench/out/aur
mkdir -p "$out"
out=$(realpath "$out")

bash scripts/build-release.sh -q
cargo build --release -q -p omg-testkit --example aur_bench_server --example interleave
cargo build --release -q -p omg-domain --example aur_plan --example aur_search
cargo build --release -q -p omg-daemon --example miss_bench
bin=$(realpath "${CARGO_TARGET_DIR:-target}/release")
omg=$bin/omg
omgd=$bin/omgd
server=$bin/examples/aur_bench_server

# The repositories: the same fixture as bench/daemon.sh (it turns the AUR off; turned on
# below, for omg and omgd alike).
source bench/fixture.sh
# arch_fixture as bench/fixture.sh has it, with the example from $CARGO_TARGET_DIR.
arch_fixture() {
  local dir=$1 conf
  cargo build --release -q -p omg-adapters-alpm --example gen_fixture
  host_packages 3 >"$dir/packages.tsv"
  rm -rf "$dir/arch"
  conf=$("$bin/examples/gen_fixture" "$dir/arch" <"$dir/packages.tsv")
  echo "fixture: $(wc -l <"$dir/packages.tsv") packages, $conf" >&2
  realpath "$conf"
}
conf=$(arch_fixture "$out")
npkgs=$(wc -l <"$out/packages.tsv")
# The AUR's names: every package of the host's apt lists.
host_packages 1 >"$out/aur-names.tsv"

# Private XDG directories: nothing of the user's own omg is read or written.
xdg=$(mktemp -d)
export XDG_CONFIG_HOME=$xdg/config XDG_CACHE_HOME=$xdg/cache XDG_STATE_HOME=$xdg/state \
  XDG_DATA_HOME=$xdg/data
mkdir -p "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME" "$XDG_DATA_HOME"

# The dump is gzip and holds every record (a server of its own, stopped at once).
"$server" "$out/aur-names.tsv" "$nrecords" --check | tee "$out/dump-check.txt" >&2

# The synthetic AUR, until the script ends.
"$server" "$out/aur-names.tsv" "$nrecords" >"$out/server.url" &
server_pid=$!
cleanup() {
  kill "$server_pid" 2>/dev/null || true
  if [ -n "${pid:-}" ] && kill -0 "$pid" 2>/dev/null; then stop_omgd; fi
  rm -rf "$xdg"
}
trap cleanup EXIT
for _ in $(seq 600); do [ -s "$out/server.url" ] && break; sleep 0.1; done
base=$(head -1 "$out/server.url")
[ -n "$base" ] || { echo "the AUR server did not start" >&2; exit 1; }
echo "AUR: $base ($nrecords records)" >&2

export OMG_AUR_ENABLED=true
export OMG_AUR_URL=$base OMG_AUR_RPC_URL=$base/rpc
export OMG_AUR_DUMP_URL=$base/packages-meta-ext-v1.json.gz
rpc_count() { curl -s "$base/rpc/v5/search?arg=$1" | python3 -c 'import json,sys; v=json.load(sys.stdin); print(v.get("resultcount", 0) if v.get("type") != "error" else "error:" + v["error"])'; }

# The terms: short ones with thousands of answers, long ones with tens.
short=(lib pyth)
long=(wireshark libx11)
# For the RPC and direct mode: a short term the RPC still answers in full (<= 5000).
mid=gtk

# Direct mode first (no omgd yet): what the RPC answers, and the terms' sizes.
{
  echo "| term | RPC results (name-desc) |"
  echo "| --- | ---: |"
  for t in "${short[@]}" "$mid" "${long[@]}"; do echo "| $t | $(rpc_count "$t") |"; done
} >"$out/terms.md"
cat "$out/terms.md" >&2

# omgd with the AUR.
source bench/omgd.sh
t_start=$(date +%s%N)
start_omgd "$omgd" "$out/omgd-aur.log" 20 --backend alpm --config "$conf"
trap cleanup EXIT # start_omgd set its own
t_ready=$(date +%s%N)
for _ in $(seq 1200); do
  grep -q "AUR metadata refreshed" "$out/omgd-aur.log" && break
  kill -0 "$pid" || { cat "$out/omgd-aur.log" >&2; exit 1; }
  sleep 0.05
done
grep -q "AUR metadata refreshed" "$out/omgd-aur.log" ||
  { echo "omgd did not load the AUR dump within 60 s" >&2; exit 1; }
t_loaded=$(date +%s%N)
# The daemon answers AUR searches itself now (the state file has the dump: give the
# snapshot a moment to persist before measuring memory).
"$omg" --backend alpm --config "$conf" search --aur firefox >/dev/null
sleep 1
status() { awk '/^(VmRSS|VmHWM):/{printf "%s %d MiB  ", $1, $2 / 1024}' "/proc/$pid/status"; }
mem_loaded=$(status)
# The state file holds the dump's compact copy and its full records (for `omg info`).
state_mib=$(du -m "$run/state.redb" | cut -f1)
# An AUR package for `omg info`: a -git one (the repositories have no such name).
aurname=$(curl -s "$base/rpc/v5/search?arg=${long[0]}" | python3 -c '
import json, sys
names = [r["Name"] for r in json.load(sys.stdin)["results"]]
print(next(n for n in names if n.endswith("-git")))')

# Cache-missing searches with the AUR in the index (issue 12's budgets): 3-6 character
# prefixes of the AUR's names, each asked once. Inside omgd: a thousand through one kept
# connection, as `omg search` asks (SearchText with the AUR), against a Ping on it. End to
# end: 300 others, each `omg search TERM --limit 20` shell-timed against /bin/true.
# (Files in between, not `| head`: under pipefail a writer cut off by head fails the script.)
awk -F'\t' 'length($1) >= 6 { print $1 }' "$out/aur-names.tsv" | shuf --random-source=<(yes) >"$out/miss-names.txt"
awk '{ t = substr($1, 1, 3 + NR % 4) } !seen[t]++ { print t }' "$out/miss-names.txt" >"$out/miss-all.txt"
head -n 1000 "$out/miss-all.txt" >"$out/miss-inside.txt"
sed -n '1001,1300p' "$out/miss-all.txt" >"$out/miss-e2e.txt"
"$bin/examples/miss_bench" --socket "$OMG_SOCKET" --terms "$out/miss-inside.txt" --ask aur >"$out/miss.md"
time_each "$out/miss-e2e.txt" /bin/true >"$out/miss-true.txt"
time_each "$out/miss-e2e.txt" "$omg" --backend alpm --config "$conf" search --limit 20 >"$out/miss-omg.txt"
m_true=$(median "$out/miss-true.txt")
m_omg=$(median "$out/miss-omg.txt")
# The same thousand in process: the search and merge omgd runs, against building every
# match and merging (direct mode's way, and omgd's before); both must agree.
"$server" "$out/aur-names.tsv" "$nrecords" --tsv >"$out/aur-records.tsv"
OMG_BENCH_PACKAGES=$out/packages.tsv OMG_BENCH_AUR=$out/aur-records.tsv \
  OMG_QUERIES_FILE=$out/miss-inside.txt "$bin/examples/aur_search" >"$out/miss-inproc.md"

# Byte identity: daemon (index of the dump) and direct mode (the RPC), for terms the RPC
# answers in full.
for t in "$mid" "${long[@]}" editor zstd; do
  n=$(rpc_count "$t")
  case $n in error*) echo "the RPC refuses $t ($n): pick another term" >&2; exit 1 ;; esac
  for form in "search $t" "search --aur $t" "--json search $t"; do
    # shellcheck disable=SC2086
    d=$("$omg" --backend alpm --config "$conf" $form | sha256sum)
    # shellcheck disable=SC2086
    n=$("$omg" --no-daemon --backend alpm --config "$conf" $form | sha256sum)
    [ "$d" = "$n" ] || { echo "daemon and direct answers differ for: $form" >&2; exit 1; }
  done
done
for form in "info $aurname" "--json info $aurname" "info --aur $aurname"; do
  # shellcheck disable=SC2086
  d=$("$omg" --backend alpm --config "$conf" $form | sha256sum)
  # shellcheck disable=SC2086
  n=$("$omg" --no-daemon --backend alpm --config "$conf" $form | sha256sum)
  [ "$d" = "$n" ] || { echo "daemon and direct answers differ for: $form" >&2; exit 1; }
done
echo "daemon and direct mode print the same bytes for: search $mid ${long[*]} editor zstd; info $aurname" >"$out/identity.txt"

g=(--backend alpm --config "$conf")
cmds=(-n "/bin/true" "/bin/true")
for t in "${short[@]}" "$mid" "${long[@]}"; do
  cmds+=(-n "omg search $t (omgd, AUR)" "$omg ${g[*]} search $t")
done
for t in "${short[@]}" "${long[@]}"; do
  cmds+=(-n "omg search --repo $t (omgd, official only)" "$omg ${g[*]} search --repo $t")
done
for t in "$mid" "${long[@]}"; do
  cmds+=(-n "omg --no-daemon search $t (RPC)" "$omg --no-daemon ${g[*]} search $t")
  cmds+=(-n "curl RPC search $t" "curl -s -o /dev/null $base/rpc/v5/search?arg=$t")
done
cmds+=(-n "omg info $aurname (omgd, AUR)" "$omg ${g[*]} info $aurname")
cmds+=(-n "omg --no-daemon info $aurname (RPC)" "$omg --no-daemon ${g[*]} info $aurname")
cmds+=(-n "curl RPC info $aurname" "curl -s -o /dev/null $base/rpc/v5/info?arg%5B%5D=$aurname")
hyperfine -N --warmup 5 --runs "$runs" --export-json "$out/e2e.json" "${cmds[@]}" >&2
# The budget's comparison again, round-robin (one run of each command in turn, 10x the
# runs): drift of a shared machine then weighs on every command alike.
"$bin/examples/interleave" $((runs * 10)) 20 "/bin/true=/bin/true" \
  "omg search ${long[0]} (omgd, AUR)=$omg ${g[*]} search ${long[0]}" \
  "omg search ${long[1]} (omgd, AUR)=$omg ${g[*]} search ${long[1]}" \
  "omg search --repo ${long[0]} (omgd)=$omg ${g[*]} search --repo ${long[0]}" \
  "omg search --repo ${long[1]} (omgd)=$omg ${g[*]} search --repo ${long[1]}" \
  >"$out/interleaved.md"
cat "$out/interleaved.md" >&2
mem_after=$(status)
# omgd's CPU per query (utime + stime ticks over 20 of each) and the client's instructions.
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
percpu=""
for q in "search lib" "search lib --limit 50" "search pyth" "search $mid" "search ${long[0]}" "search --repo lib"; do
  t0=$(ticks)
  # shellcheck disable=SC2086
  for _ in $(seq 20); do "$omg" "${g[@]}" $q >/dev/null; done
  t1=$(ticks)
  ir=""
  if command -v valgrind >/dev/null; then
    # shellcheck disable=SC2086
    ir=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$omg" "${g[@]}" $q 2>&1 >/dev/null | awk '/Collected :/{print $4}')
  fi
  percpu+="| omg $q | $(((t1 - t0) * 1000 / $(getconf CLK_TCK) / 20)) ms | $ir |"$'\n'
done
if command -v valgrind >/dev/null; then
  percpu+="| /bin/true | | $(valgrind --tool=callgrind --callgrind-out-file=/dev/null /bin/true 2>&1 | awk '/Collected :/{print $4}') |"$'\n'
fi
counts=()
for t in "${short[@]}" "$mid" "${long[@]}"; do
  counts+=("$t: $("$omg" "${g[@]}" search "$t" | grep -vc '^    ') lines")
done
# Idle: the housekeeping gives back the queries' freed heap and libalpm's caches after 30 s
# without requests.
sleep 35
mem_idle=$(status)
stop_omgd
trap cleanup EXIT
load_ms=$(((t_loaded - t_ready) / 1000000))
ready_ms=$(((t_ready - t_start) / 1000000))

# omgd without the AUR: the same fixture, the same official-only queries.
OMG_AUR_ENABLED=false start_omgd "$omgd" "$out/omgd-repo.log" 20 --backend alpm --config "$conf"
trap cleanup EXIT
sleep 1
mem_repo_loaded=$(status)
for t in "${short[@]}" "${long[@]}"; do
  for _ in $(seq 20); do OMG_AUR_ENABLED=false "$omg" "${g[@]}" search "$t" >/dev/null; done
done
mem_repo_after=$(status)
stop_omgd
trap cleanup EXIT
pid=

# The planner: resolve + plan with 20 AUR dependencies, in process.
"$bin/examples/aur_plan" 2000 >"$out/plan.md"
plan_ir=""
if command -v valgrind >/dev/null; then
  ir() { # scenario reps -> instructions of the whole process
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin/examples/aur_plan" count "$1" "$2" 2>&1 >/dev/null |
      awk '/Collected :/{print $4}'
  }
  for s in chain wide tree provides; do
    one=$(ir "$s" 1)
    eleven=$(ir "$s" 11)
    plan_ir+="| $s | $(((eleven - one) / 10)) |"$'\n'
  done
fi

python3 - "$out/e2e.json" >"$out/e2e.md" <<'PY'
import json, sys
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
true = res["/bin/true"]["median"]
rpc = {name.split()[-1]: r["median"] for name, r in res.items() if name.startswith("curl RPC")}
print("| command | median | mean ± σ | × /bin/true | × RPC round trip (same term) |")
print("| --- | ---: | ---: | ---: | ---: |")
for name, r in res.items():
    words = name.split()
    term = next((w for w in words if w in rpc), None)
    vs_rpc = f"{r['median'] / rpc[term]:.2f}x" if term else ""
    print(f"| {name} | {r['median']*1e3:.2f} ms | {r['mean']*1e3:.2f} ± {r['stddev']*1e3:.2f} ms "
          f"| {r['median']/true:.2f}x | {vs_rpc} |")
PY

{
  echo "### AUR search through omgd: $npkgs official packages + $nrecords AUR records, hyperfine -N ($runs runs, 5 warm-ups)"
  echo
  cat "$out/dump-check.txt"
  echo
  cat "$out/terms.md"
  echo
  echo "Lines printed through omgd: ${counts[*]}"
  echo
  cat "$out/e2e.md"
  echo
  echo "Round-robin, $((runs * 10)) runs of each in turn (omg-testkit/examples/interleave.rs):"
  echo
  cat "$out/interleaved.md"
  echo
  cat "$out/identity.txt"
  echo
  echo "Cache-missing searches with the AUR in the index (prefixes of AUR names, each once; miss_bench --ask aur):"
  echo
  cat "$out/miss.md"
  echo
  echo "The same in process (omg-domain/examples/aur_search.rs):"
  echo
  cat "$out/miss-inproc.md"
  echo
  echo "End to end, $(wc -l <"$out/miss-e2e.txt") other prefixes, shell-timed: /bin/true ${m_true} µs, omg search TERM --limit 20 ${m_omg} µs ($(awk -v a="$m_omg" -v b="$m_true" 'BEGIN { printf "%.2fx", a / b }'))."
  echo
  echo "omgd: ready ${ready_ms} ms after its start; the dump fetched, parsed, indexed and its full records saved ${load_ms} ms later; the state file: ${state_mib} MiB."
  echo
  echo "| command | omgd CPU per query (20 runs, tick-rounded) | client instructions (callgrind) |"
  echo "| --- | ---: | ---: |"
  printf '%s' "$percpu"
  echo
  echo "| omgd | after loading | after the queries | 35 s idle after them |"
  echo "| --- | --- | --- | --- |"
  echo "| official + AUR | $mem_loaded | $mem_after | $mem_idle |"
  echo "| official only | $mem_repo_loaded | $mem_repo_after | |"
  echo
  echo "### Planning 20 AUR dependencies in process (omg-domain/examples/aur_plan.rs, 2000 iterations)"
  echo
  cat "$out/plan.md"
  if [ -n "$plan_ir" ]; then
    echo
    echo "| scenario | instructions per resolve + plan (callgrind: (11 runs - 1 run) / 10) |"
    echo "| --- | ---: |"
    printf '%s' "$plan_ir"
  fi
  echo
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/report.md"
