#!/usr/bin/env bash
# A transcript of real transactions through omg, on a throw-away root:
#   bash scripts/demo-transactions.sh alpm   a pacman root with a file:// repository (any user)
#   bash scripts/demo-transactions.sh apt    two tiny .debs in a local apt repository, installed
#                                            into this host with dpkg (root; purged at the end)
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-alpm}
cargo build -q -p omg-cli -p omg-backend --bins
omg=$PWD/target/debug/omg
work=$(mktemp -d)
chmod 755 "$work" # apt downloads as _apt, which must reach the repository
trap 'rm -rf "$work"' EXIT
export OMG_SOCKET=$work/none.sock OMG_HISTORY_FILE=$work/history.redb

run() { printf '\n$ omg %s\n' "$*"; "$omg" "$@" 2>&1 || printf '(exit %s)\n' "$?"; }

case $backend in
alpm)
  cargo build -q -p omg-adapters-alpm --example demo_repo
  mapfile -t out < <(target/debug/examples/demo_repo "$work")
  conf=${out[0]} server=${out[1]} next=${out[2]}
  o=(--backend alpm --config "$conf")
  run "${o[@]}" install app --dry-run
  run "${o[@]}" install app --yes
  run "${o[@]}" why lib
  cp -a "$next/." "$server/"
  run "${o[@]}" sync --yes
  run "${o[@]}" outdated
  run "${o[@]}" update --yes
  run "${o[@]}" remove -r app --yes
  run "${o[@]}" history
  ;;
apt)
  bash scripts/apt-test-repo.sh "$work/repo" >/dev/null
  export APT_CONFIG=$work/repo/apt.conf
  o=(--backend apt)
  trap 'dpkg --purge omg-demo-app omg-demo-lib >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
  run "${o[@]}" sync --yes
  run "${o[@]}" install omg-demo-app --dry-run
  run "${o[@]}" install omg-demo-app --yes
  run "${o[@]}" why omg-demo-lib
  bash scripts/apt-test-repo.sh "$work/repo" next >/dev/null
  run "${o[@]}" sync --yes
  run "${o[@]}" update --yes --dry-run
  run "${o[@]}" update --yes
  run "${o[@]}" remove -r omg-demo-app --yes
  run "${o[@]}" history
  ;;
*) echo "usage: $0 alpm|apt" >&2; exit 2 ;;
esac
