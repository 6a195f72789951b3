#!/usr/bin/env bash
# Shell completion's cost per <Tab>, in one run: `omg __complete` (what the scripts of
# `omg completions` run) for package names answered by omgd (`install python3-d`: 123 names
# of every package; `install lib`: 8,724 names, the 1,000 omgd answers at most; `remove li`:
# installed ones), for a subcommand (clap's tree only), and with no omgd running, against
# spawning /bin/true and what pacman's own bash completion runs for `pacman -S <Tab>`
# (`pacman -Slq`, bash-completion's `_pacman_pkg Slq`).
# The data: the same ~21,000-package generated Arch root as bench/search.sh.
# Needs: scripts/setup-system.sh done (pacman 7.1, hyperfine). Writes bench/out/complete/.
# Usage: bench/complete.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-200}
out=bench/out/complete
mkdir -p "$out"

# omg as scripts/build-release.sh links it (static, fixed address); omgd as usual.
cargo build --release -q -p omg-cli -p omg-daemon
cargo rustc --release -q -p omg-cli --bin omg -- \
  -C target-feature=+crt-static -C relocation-model=static
omg=$PWD/target/release/omg
omgd=$PWD/target/release/omgd

source bench/fixture.sh
conf=$(arch_fixture "$out")

source bench/omgd.sh
start_omgd "$omgd" "$out/omgd.log" 10 --backend alpm --config "$conf"

line=(__complete 6 omg --backend alpm --config "$conf")
install=("${line[@]}" install python3-d)
lib=("${line[@]}" install lib)
remove=("${line[@]}" remove li)
# The completions are pacman's names with that prefix (as data, sorted, the first 1,000), so
# the daemon really answers.
same() { # same PREFIX PACMAN-OPTION OMG-ARGS...
  local prefix=$1 option=$2
  shift 2
  diff <("$omg" "$@") <(pacman --config "$conf" "$option" | grep "^$prefix" | LC_ALL=C sort -u | head -n 1000) >/dev/null ||
    { echo "omg's completion of $prefix differs from pacman $option" >&2; exit 1; }
  echo "$prefix: $("$omg" "$@" | wc -l) names" >&2
}
same python3-d -Slq "${install[@]}"
same lib -Slq "${lib[@]}"
same li -Qq "${remove[@]}"

# The whole <Tab> in bash: the script's function (omg on PATH), against bash doing nothing.
"$omg" completions bash >"$out/omg.bash"
tab="source $out/omg.bash; COMP_WORDS=(omg --backend alpm --config $conf install python3-d); COMP_CWORD=6; _omg"
[ "$(PATH=$(dirname "$omg"):$PATH bash --norc --noprofile -c "$tab; echo \${#COMPREPLY[@]}")" = 123 ] ||
  { echo "bash's completion did not get the 123 names" >&2; exit 1; }

PATH=$(dirname "$omg"):$PATH hyperfine -N --warmup 20 --runs "$runs" --export-json "$out/omgd.json" \
  -n "/bin/true" "/bin/true" \
  -n "omg __complete install python3-d (omgd: 123 names)" "$omg ${install[*]}" \
  -n "omg __complete install lib (omgd: 1,000 names)" "$omg ${lib[*]}" \
  -n "omg __complete remove li (omgd: 167 installed names)" "$omg ${remove[*]}" \
  -n "omg __complete ins (subcommand)" "$omg __complete 1 omg ins" \
  -n "pacman -Slq" "pacman --config $conf -Slq" \
  -n "bash -c true" "bash --norc --noprofile -c true" \
  -n "bash -c _omg: omg install python3-d<Tab> (omgd)" "bash --norc --noprofile -c '$tab'" >&2

stop_omgd
[ -z "$("$omg" "${install[@]}")" ] || { echo "a completion printed names without omgd" >&2; exit 1; }
hyperfine -N --warmup 20 --runs "$runs" --export-json "$out/no-omgd.json" \
  -n "/bin/true" "/bin/true" \
  -n "omg __complete install python3-d (no omgd)" "$omg ${install[*]}" >&2

python3 - "$out/omgd.json" "$out/no-omgd.json" <<'PY'
import json, statistics, sys
for path in sys.argv[1:]:
    results = json.load(open(path))["results"]
    floor = statistics.median(results[0]["times"])
    print("| command | median | mean | min | median / /bin/true |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for r in results:
        med = statistics.median(r["times"])
        print(f"| {r['command']} | {med*1e3:.2f} ms | {r['mean']*1e3:.2f} ms | {r['min']*1e3:.2f} ms | {med/floor:.1f}x |")
    print()
PY
