#!/usr/bin/env bash
# A transcript of omg's AUR commands against the test AUR on 127.0.0.1 (omg-testkit's
# aur_fixture example) and a throw-away pacman root: a search, an install with its review
# and warnings, a build refused for a high warning, the same accepted with --allow-risky,
# a maintainer change and an AUR upgrade; each result checked with pacman -Q.
# Needs root (makepkg runs as the build user `omgbuild`, created if missing) and
# scripts/setup-system.sh done. Usage: bash scripts/demo-aur.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q -p omg-cli -p omg-backend --bins
cargo build -q -p omg-testkit --example aur_fixture
omg=$PWD/target/debug/omg
work=$(mktemp -d)
chmod 755 "$work"
fifo=$work/commands
mkfifo "$fifo"
# The build user must exist before the fixture's first build.
id omgbuild >/dev/null 2>&1 ||
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
    --user-group omgbuild
target/debug/examples/aur_fixture "$work/demo" <"$fifo" >"$work/fixture.out" &
fixture=$!
exec 3>"$fifo"
trap 'echo quit >&3 2>/dev/null || true; wait "$fixture" 2>/dev/null || true; rm -rf "$work"' EXIT
until grep -q '^# pacman.conf' "$work/fixture.out" 2>/dev/null; do sleep 0.1; done
eval "$(grep '^export' "$work/fixture.out")"
conf=$(sed -n 's/^# pacman.conf: //p' "$work/fixture.out")
export OMG_SOCKET=$work/none.sock SUDO_USER=omgbuild XDG_STATE_HOME=$work/state
tell() { # a command to the fixture, waiting for its "ok"
  local n
  n=$(grep -c '^ok$' "$work/fixture.out" || true)
  echo "$*" >&3
  until [ "$(grep -c '^ok$' "$work/fixture.out" || true)" -gt "$n" ]; do sleep 0.1; done
  printf '\n# (the test AUR: %s)\n' "$*"
}
o=(--backend alpm --config "$conf")
run() { printf '\n$ omg %s\n' "$*"; "$omg" "${o[@]}" "$@" 2>&1 || printf '(exit %s)\n' "$?"; }
q() { printf '\n$ pacman -Q %s\n' "$*"; pacman --config "$conf" -Q "$@" 2>&1 || true; }

run search aur-
run install aur-evil-update --review=accept --yes
q aur-evil-update
tell evil
run update --no-refresh --review=accept --yes
q aur-evil-update
run update --no-refresh --review=accept --allow-risky --yes
q aur-evil-update
run install aur-new-maint --review=accept --yes
tell maint aur-new-maint mallory
tell bump aur-new-maint 1.1
run outdated
run update --no-refresh --review=accept --yes
q aur-new-maint
run history
