#!/usr/bin/env bash
# Builds the thin client `omg` as it ships, linked statically at a fixed address, and prints
# the built file's path. scripts/build-release.sh (release) and scripts/test.sh (debug) both
# use it, so that the tests run what users get.
#
# Against musl when the toolchain has the target (`rustup target add <arch>-unknown-linux-musl`,
# done by scripts/setup-system.sh) and musl-gcc is installed (musl-tools): glibc's start-up
# reads the CPU's features and caches with `cpuid` ~70 times in every process, and on a
# virtual machine each `cpuid` is an exit to the hypervisor (9.5 µs each on this project's
# VM some days: 0.65 ms, most of what `/bin/true` costs). musl's start-up asks nothing, and
# `omg` needs nothing of glibc's (no NSS, no locales, no dlopen; its allocator is its own).
# Without the target, against glibc: the same client, starting slower (BENCHMARKS.md).
#
# The fixed address (not a position-independent executable) gives up ASLR for `omg`'s own
# code and data, for ~10% of its start-up: it crosses no privilege boundary (it runs as its
# user, reads that user's command line and the answers of that user's omgd over a socket in
# a 0700 directory; everything privileged runs in omg-backend, which is built as usual).
# Only the final link of `omg` takes the extra flags (`cargo rustc` passes them to that one
# crate).
# OMG_CLIENT_LIBC=glibc links against glibc even where musl is there (bench/client-libc.sh
# compares the two).
# Usage: scripts/static-client.sh debug|release [cargo options]
set -euo pipefail
cd "$(dirname "$0")/.."
profile=$1
shift
flags=()
[ "$profile" = release ] && flags+=(--release)
target_dir=${CARGO_TARGET_DIR:-target}
musl=$(uname -m)-unknown-linux-musl
if [ "${OMG_CLIENT_LIBC:-}" != glibc ] && [ -d "$(rustc --print sysroot)/lib/rustlib/$musl/lib" ] &&
  command -v "$(uname -m)-linux-musl-gcc" >/dev/null; then
  cargo rustc "${flags[@]}" "$@" -p omg-cli --bin omg --target "$musl" -- -C relocation-model=static
  omg=$target_dir/$musl/$profile/omg
else
  [ "${OMG_CLIENT_LIBC:-}" = glibc ] ||
    echo "note: no $musl target or musl-gcc: omg is linked statically against glibc" \
      "(rustup target add $musl; apt-get install musl-tools)" >&2
  cargo rustc "${flags[@]}" "$@" -p omg-cli --bin omg -- \
    -C target-feature=+crt-static -C relocation-model=static
  omg=$target_dir/$profile/omg
fi
{ ldd "$omg" 2>&1 || true; } | grep -q "not a dynamic executable" ||
  { echo "$omg is not statically linked" >&2; exit 1; }
echo "$omg"
