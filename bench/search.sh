#!/usr/bin/env bash
# Direct-mode search benchmark, in one run, as ratios against the peers on the same data:
#   - `omg search` (alpm backend) vs `pacman -Ss` on one generated Arch root whose ~21,000
#     packages take their names, versions and descriptions from the host's apt lists;
#   - `omg search` (apt backend) vs `apt-cache search` on the host's own apt database.
# Needs: scripts/setup-system.sh done (pacman 7.1, hyperfine). Writes bench/out/.
# Usage: bench/search.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
out=bench/out
mkdir -p "$out"

cargo build --release -q -p omg-cli
cargo build --release -q -p omg-adapters-alpm --features fixtures --example gen_fixture
omg=$PWD/target/release/omg

# Every third native package of the host's lists: name, version, one-line description.
for f in /var/lib/apt/lists/*_Packages*; do /usr/lib/apt/apt-helper cat-file "$f"; done |
  awk -F': ' '/^Package: /{n=$2} /^Version: /{v=$2} /^Description: /{d=substr($0, 14)}
              /^$/{ if (n != "" && !(n in seen)) { seen[n]=1; if (c++ % 3 == 0) print n "\t" v "\t" d }; n="" }' \
  >"$out/packages.tsv"
rm -rf "$out/arch"
conf=$(target/release/examples/gen_fixture "$out/arch" <"$out/packages.tsv")
echo "fixture: $(wc -l <"$out/packages.tsv") packages, $conf" >&2

terms=(python editor libx11 firefox zstd)
args=()
for t in "${terms[@]}"; do
  args+=(-n "pacman -Ss $t" "pacman --config $conf -Ss $t")
  args+=(-n "omg search $t (alpm)" "$omg --backend alpm --config $conf search $t")
done
hyperfine -N --warmup 2 --runs "$runs" --export-json "$out/alpm.json" "${args[@]}" >&2

args=()
for t in "${terms[@]}"; do
  args+=(-n "apt-cache search $t" "apt-cache search $t")
  args+=(-n "omg search $t (apt)" "$omg --backend apt search $t")
done
hyperfine -N --warmup 1 --runs "$runs" --export-json "$out/apt.json" "${args[@]}" >&2

python3 bench/report.py "$out/alpm.json" "$out/apt.json"
