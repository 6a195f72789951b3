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

bash scripts/build-release.sh -q
omg=$PWD/target/release/omg

source bench/fixture.sh
conf=$(arch_fixture "$out")

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
