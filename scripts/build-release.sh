#!/usr/bin/env bash
# Release build of omg, omg-backend and omgd into target/release, with the thin client `omg`
# linked statically (static-pie against glibc): no dynamic loader, no symbol binding, no
# shared-library pages at each start, which is most of what separated a search through omgd
# from spawning /bin/true (BENCHMARKS.md). omg-backend and omgd stay dynamic: they link
# libalpm and libapt-pkg.
#
# Only the final link of `omg` takes the extra flag (`cargo rustc` passes it to that one
# crate), so nothing else is compiled twice. A later plain `cargo build --release -p omg-cli`
# relinks `omg` dynamically; it works the same, starting ~0.3 ms slower.
# Needs glibc's static archives (libc6-dev, there wherever gcc is).
# Usage: scripts/build-release.sh [-q]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release "$@" -p omg-cli -p omg-daemon
cargo rustc --release "$@" -p omg-cli --bin omg -- -C target-feature=+crt-static
ldd target/release/omg 2>&1 | grep -q "statically linked" ||
  { echo "target/release/omg is not statically linked" >&2; exit 1; }
