#!/usr/bin/env bash
# Release build of omg, omg-backend and omgd into target/release ($CARGO_TARGET_DIR/release
# if set), with the thin client `omg` linked statically against glibc and at a fixed
# address: no dynamic loader, no symbol binding, no shared-library pages and no
# self-relocation at each start, which is most of what separated a search through omgd from
# spawning /bin/true (BENCHMARKS.md). omg-backend and omgd stay dynamic: they link libalpm
# and libapt-pkg.
#
# The fixed address (not a position-independent executable) gives up ASLR for `omg`'s own
# code and data, for ~10% of its start-up: it crosses no privilege boundary (it runs as its
# user, reads that user's command line and the answers of that user's omgd over a socket in
# a 0700 directory; everything privileged runs in omg-backend, which is built as usual).
#
# Only the final link of `omg` takes the extra flag (`cargo rustc` passes it to that one
# crate), so nothing else is compiled twice. A later plain `cargo build --release -p omg-cli`
# relinks `omg` dynamically; it works the same, starting ~0.3 ms slower.
# Needs glibc's static archives (libc6-dev, there wherever gcc is).
# The binaries are then written again in one pass (see the end).
# Usage: scripts/build-release.sh [-q]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release "$@" -p omg-cli -p omg-backend -p omg-daemon
cargo rustc --release "$@" -p omg-cli --bin omg -- \
  -C target-feature=+crt-static -C relocation-model=static
omg=${CARGO_TARGET_DIR:-target}/release/omg
{ ldd "$omg" 2>&1 || true; } | grep -q "not a dynamic executable" ||
  { echo "$omg is not statically linked" >&2; exit 1; }
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
