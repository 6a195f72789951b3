#!/usr/bin/env bash
# The main job: start omgd on this machine's own package database (unless one runs), wait
# until it answers, and search through it. omgd keeps running afterwards.
# Usage: scripts/daemon-search.sh <words>...   (after `cargo build --release -p omg-cli -p omg-daemon`)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release
[ $# -gt 0 ] || set -- bash

# An answer while the direct-mode helper is unreachable can only come from omgd.
daemon_answers() { OMG_BACKEND_BIN=/nonexistent "$bin/omg" status >/dev/null 2>&1; }

if ! daemon_answers; then
  state=${XDG_STATE_HOME:-$HOME/.local/state}/omg
  mkdir -p "$state"
  nohup "$bin/omgd" >"$state/omgd.log" 2>&1 &
  echo "started omgd (pid $!, log $state/omgd.log)" >&2
  for _ in $(seq 1 600); do
    daemon_answers && break
    kill -0 $! 2>/dev/null || { echo "omgd exited; see $state/omgd.log" >&2; exit 1; }
    sleep 0.1
  done
  daemon_answers || { echo "omgd did not answer within 60 s; see $state/omgd.log" >&2; exit 1; }
fi
echo "omgd answers; searching through it:" >&2
OMG_BACKEND_BIN=/nonexistent "$bin/omg" search "$@"
