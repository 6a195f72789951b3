#!/usr/bin/env bash
# Release build of omg, omg-backend and omgd into target/release ($CARGO_TARGET_DIR/release
# if set), with the thin client `omg` linked statically (against musl where the toolchain has
# it) and at a fixed address by scripts/static-client.sh: no dynamic loader, no symbol
# binding, no shared-library pages, no self-relocation and no CPU probing at each start,
# which is most of what separated a search through omgd from spawning /bin/true
# (BENCHMARKS.md). omg-backend and omgd stay dynamic: they link libalpm and libapt-pkg.
# A later plain `cargo build --release -p omg-cli` relinks `omg` dynamically; it works the
# same, starting slower.
# The binaries are then written again in one pass (see the end).
# Usage: scripts/build-release.sh [-q]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release "$@" -p omg-backend -p omg-daemon
built=$(scripts/static-client.sh release "$@")
omg=${CARGO_TARGET_DIR:-target}/release/omg
[ "$built" = "$omg" ] || cp "$built" "$omg"
# The linker writes a binary in pieces, and the page cache then holds it in small pages:
# each start of `omg` took 72 page faults instead of 61 and ~0.15 ms longer through omgd
# (BENCHMARKS.md) than from the same bytes written in one pass, as a package manager
# installs them or as they come back from disk after a reboot. So each binary is written
# again in one pass, as `install` would.
for bin in omg omg-backend omgd; do
  f=${CARGO_TARGET_DIR:-target}/release/$bin
  cp "$f" "$f.tmp"
  mv -f "$f.tmp" "$f"
done
