#!/usr/bin/env bash
# The project's checks: formatting, clippy with warnings denied, the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --all-features -- -D warnings
cargo test --workspace --all-features
# The thin client as scripts/build-release.sh ships it (linked statically, its own C `main`):
# the CLI's tests again against that build, with omg-backend and omgd beside it.
cargo rustc -q -p omg-cli --bin omg -- -C target-feature=+crt-static -C relocation-model=static
rm -rf target/static-client && mkdir -p target/static-client
cp target/debug/omg target/debug/omg-backend target/debug/omgd target/static-client/
OMG_TEST_OMG=$PWD/target/static-client/omg cargo test -p omg-cli --all-features
