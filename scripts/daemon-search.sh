#!/usr/bin/env bash
# The main job: start omgd on this machine's own package database (unless one runs), wait
# until it answers, and search through it. omgd keeps running afterwards (`omg daemon stop`).
# Usage: scripts/daemon-search.sh <words>...   (after scripts/build-release.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release
[ $# -gt 0 ] || set -- bash

# Starts omgd beside omg in the background (log: ~/.local/state/omg/omgd.log) and waits until
# it answers, or says that one already runs.
"$bin/omg" daemon start >&2
echo "searching through omgd:" >&2
# With the direct-mode helper unreachable, the answer can only come from omgd.
OMG_BACKEND_BIN=/nonexistent "$bin/omg" search "$@"
