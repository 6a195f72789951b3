#!/usr/bin/env bash
# The project's checks: formatting, clippy with warnings denied, the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --all-features -- -D warnings
cargo test --workspace --all-features
