#!/usr/bin/env bash
# The project's checks: formatting, clippy with warnings denied, the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
# One cold build, nothing kept for a rebuild: incremental caches doubled target/'s size.
export CARGO_INCREMENTAL=0
# Each step says how long it took (on stderr), so that a slow CI run shows where the time went.
step() {
  local label=$1 t0=$SECONDS
  shift
  "$@"
  echo "[test] $label: $((SECONDS - t0)) s" >&2
}
step fmt cargo fmt --all -- --check
step clippy cargo clippy --workspace --all-targets --all-features -- -D warnings
# Every public item of the SDK documented, every intra-doc link resolving.
RUSTDOCFLAGS="-D warnings" step doc cargo doc -q --no-deps -p omg-ports -p omg-domain -p omg
# Isolation: an omgd of the user answers on the default socket while the tests run (as after
# the README's first command, which leaves one running); no test may reach it. Here it gets a
# private runtime and state directory, so that this check itself touches nothing of the user's.
step build cargo build -q --workspace --all-features --bins
decoy=$(mktemp -d)
export XDG_RUNTIME_DIR="$decoy/run" XDG_STATE_HOME="$decoy/state"
mkdir -m 0700 "$XDG_RUNTIME_DIR"
XDG_CACHE_HOME="$decoy/cache" target/debug/omgd --audit-secs 0 >"$decoy/omgd.log" 2>&1 &
decoy_pid=$!
trap 'kill "$decoy_pid" 2>/dev/null || true; rm -rf "$decoy"' EXIT
for _ in $(seq 100); do [ -S "$XDG_RUNTIME_DIR/omg/omgd.sock" ] && break; sleep 0.1; done
[ -S "$XDG_RUNTIME_DIR/omg/omgd.sock" ] || { cat "$decoy/omgd.log" >&2; echo "the decoy omgd did not start" >&2; exit 1; }
step "workspace tests" cargo test --workspace --all-features
# No test reached the decoy: the one request it has served is this check's own.
decoy_requests() {
  cargo run -q -p omg-daemon --example ipc_bench -- --socket "$XDG_RUNTIME_DIR/omg/omgd.sock" --stats |
    cut -d' ' -f1
}
[ "$(decoy_requests)" = 1 ] || { echo "a test reached the decoy omgd (requests: $(decoy_requests))" >&2; exit 1; }
# The SDK's three uses, each built and run: a direct search, a backend of your own, and
# omgd's async client (against the decoy omgd above, on this script's private socket).
cargo run -q -p omg --example search -- bash >/dev/null
cargo run -q -p omg --example custom_backend -- edit >/dev/null
cargo run -q -p omg --example ipc_client -- bash >/dev/null
decoy_seen=$(decoy_requests)
# The SDK and the helper with one backend each (an Ubuntu user's `cargo add omg
# --no-default-features --features apt` needs no libalpm; tests/architecture.rs checks the
# dependency rules and the thin client's graph).
step "omg, apt only" cargo test -q -p omg --no-default-features --features apt
step "omg, alpm only" cargo test -q -p omg --no-default-features --features alpm
# The thin client as scripts/build-release.sh ships it (linked statically, against musl where
# the toolchain has it; its own C `main`): the CLI's tests again against that build, with
# omg-backend and omgd beside it.
static_omg=$(step "static build" scripts/static-client.sh debug -q)
rm -rf target/static-client && mkdir -p target/static-client
cp "$static_omg" target/debug/omg-backend target/debug/omgd target/static-client/
# The differential suites (tests/parity_*/) are not run again: they test the backends
# through omg, which the first run did, and take minutes. Nor are the AUR build suites
# (aur_install_cli, aur_install_more, aur_build_cli: minutes of makepkg), alpm_tx_cli (40 s
# of libalpm transactions) and runtimes_mise_cli (half a minute of mise): the thin client
# hands an install, a removal or a runtime command to omg-backend as it does any write,
# which apt_tx_cli, apt_history_cli, runtimes_cli and runtimes_native_cli run again here;
# aur_cli (searches through the thin client) does run again. Nor is ansible_cli (a minute
# of ansible-playbook starting up): its modules run `omg --no-daemon --json`, which the thin
# client hands to the helper, and the JSON reads and writes they use are run again by
# json_schema and apt_tx_cli.
mapfile -t suites < <(for t in omg-cli/tests/*.rs; do
  t=${t##*/}
  case $t in
    aur_install_cli.rs | aur_install_more.rs | aur_build_cli.rs | ansible_cli.rs) continue ;;
    alpm_tx_cli.rs | runtimes_mise_cli.rs) continue ;;
  esac
  echo "--test=${t%.rs}"
done)
OMG_TEST_OMG=$PWD/target/static-client/omg step "static omg" cargo test -p omg-cli --all-features --lib "${suites[@]}"
[ "$(decoy_requests)" = $((decoy_seen + 1)) ] ||
  { echo "a test reached the decoy omgd (requests: $(decoy_requests), expected $((decoy_seen + 1)))" >&2; exit 1; }
# The helper and omgd with one backend each, last: these builds replace target/debug/omg-backend
# and omgd, which the last line puts back as the workspace builds them. The apt-only ones make
# the Debian package (no libalpm), installed into a throw-away dpkg root (scripts/deb-check.sh).
step "apt-only build" cargo build -q -p omg-backend -p omg-daemon --no-default-features \
  --features omg-backend/apt,omg-daemon/apt
step "Debian package" scripts/deb-check.sh target/debug
step "alpm-only build" cargo build -q -p omg-backend -p omg-daemon --no-default-features \
  --features omg-backend/alpm,omg-daemon/alpm
step rebuild cargo build -q --workspace --all-features --bins
