#!/usr/bin/env bash
# Installs everything omg needs to build and test on a fresh Debian machine (run as root).
# Idempotent: packages already present are left alone, libalpm 16 is built only when missing.
#
#   - Debian's build dependencies (libapt-pkg-dev and libalpm 16's own), and the tools the tests
#     and benchmarks use (zstd, bsdtar, fakeroot, hyperfine); musl-tools and Rust's musl target
#     for the thin client (scripts/static-client.sh).
#   - libalpm 16 with pacman 7.1's pacman, repo-add, makepkg and vercmp, from the upstream tarball
#     of Debian's `pacman-package-manager` source package (suite sid), installed under /usr/local.
#     Debian bookworm ships only libalpm 13, which the `alpm` crate 5.x does not bind, so Debian's
#     libalpm-dev and pacman packages are deliberately not installed (they would shadow it).
#   - A real mise for the tests of omg's own mise (omg-cli/tests/runtimes_mise_cli.rs): npm's
#     @jdxcode/mise-linux-x64 at MISE_TEST_VERSION, its tarball checked against the pinned
#     integrity, unpacked into ~/.cache/omg-test/mise/<version>/ (package/bin/mise).
set -euo pipefail

PACMAN_VERSION=7.1.0
MISE_TEST_VERSION=2026.9.15
MISE_TEST_INTEGRITY=sha512-ButPFGyztN0Rk/HOHvHuf+W80CkvQRAjbDWHvhGJc3PnL3e2KhCYZIOyjx8wPkhr9VJa/7sJZXpxtt5JLjsfaQ==
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

log() { printf '[setup] %s\n' "$*" >&2; }

# One list for this script and .ci/run: scripts/debian-packages.txt.
mapfile -t packages < <(grep -v '^#' "$(dirname "$0")/debian-packages.txt")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The thin client is linked against musl where the toolchain has the target (scripts/static-client.sh;
# musl-gcc comes with musl-tools above); without it, against glibc.
if command -v rustup >/dev/null; then
  rustup target list --installed | grep -qx "$(uname -m)-unknown-linux-musl" ||
    rustup target add "$(uname -m)-unknown-linux-musl" >/dev/null 2>&1 ||
    log "could not add the $(uname -m)-unknown-linux-musl target: omg will be linked against glibc"
fi

# The apt tests read the host's package lists: a fresh image may have none yet.
if ! ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1; then
  log "no apt package lists yet: apt-get update"
  $SUDO apt-get update -qq
fi

# The real mise the tests serve as omg's own (x86_64 only: the package is linux-x64).
fetch_test_mise() {
  local dir="$HOME/.cache/omg-test/mise/$MISE_TEST_VERSION"
  if [ "$(uname -m)" != x86_64 ]; then
    log "no test mise for $(uname -m): its tests are skipped"
    return 0
  fi
  if "$dir/package/bin/mise" --version >/dev/null 2>&1; then
    log "test mise $MISE_TEST_VERSION already in $dir"
    return 0
  fi
  command -v npm >/dev/null || {
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends npm >/dev/null
  }
  local tmp
  tmp=$(mktemp -d)
  # npm pack checks the tarball against the registry's integrity; this checks it against ours.
  (cd "$tmp" && npm pack --silent "@jdxcode/mise-linux-x64@$MISE_TEST_VERSION" >/dev/null)
  local tgz="$tmp/jdxcode-mise-linux-x64-$MISE_TEST_VERSION.tgz"
  local got
  got="sha512-$(node -e 'process.stdout.write(require("crypto").createHash("sha512")
    .update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$tgz")"
  if [ "$got" != "$MISE_TEST_INTEGRITY" ]; then
    log "integrity mismatch for $(basename "$tgz"): expected $MISE_TEST_INTEGRITY got $got"
    rm -rf "$tmp"
    exit 1
  fi
  mkdir -p "$tmp/unpacked"
  tar -xzf "$tgz" -C "$tmp/unpacked" package/bin/mise package/package.json
  mkdir -p "$(dirname "$dir")"
  rm -rf "$dir"
  mv "$tmp/unpacked" "$dir"
  rm -rf "$tmp"
  log "test mise $("$dir/package/bin/mise" --version) in $dir"
}
fetch_test_mise

if pkg-config --atleast-version=16 libalpm 2>/dev/null && command -v repo-add >/dev/null && command -v vercmp >/dev/null; then
  log "libalpm $(pkg-config --modversion libalpm) already installed"
  exit 0
fi

log "building libalpm 16 from pacman ${PACMAN_VERSION}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/src"
echo "deb-src http://deb.debian.org/debian sid main" >"$work/sources.list"
# A private sources list and lists directory: the host's apt state is not touched.
apt_opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State::Lists=$work/lists" -o "APT::Sandbox::User=root")
$SUDO apt-get "${apt_opts[@]}" update -qq
# The registry serves the orig tarball (checked by apt against the Sources index) but not the .dsc
# or the Debian diff, so apt exits non-zero: tolerate that and verify the tarball ourselves.
(cd "$work/src" && $SUDO apt-get "${apt_opts[@]}" source --download-only pacman-package-manager >/dev/null 2>&1) || true
tarball="$work/src/pacman-package-manager_${PACMAN_VERSION}.orig.tar.xz"
[ -f "$tarball" ] || { log "could not download $tarball"; exit 1; }
expected=$(/usr/lib/apt/apt-helper cat-file "$work"/lists/*Sources* 2>/dev/null | awk -v f="$(basename "$tarball")" '
  /^Checksums-Sha256:/ {in_sums=1; next} /^[^ ]/ {in_sums=0} in_sums && $3==f && !done {print $1; done=1}')
actual=$(sha256sum "$tarball" | cut -d' ' -f1)
if [ -z "$expected" ] || [ "$expected" != "$actual" ]; then
  log "checksum mismatch for $(basename "$tarball"): expected '${expected}' got '${actual}'"
  exit 1
fi
log "verified $(basename "$tarball") sha256 $actual"

tar -xJf "$tarball" -C "$work"
srcdir=$(find "$work" -maxdepth 1 -type d -name 'pacman-*' | head -n1)
(cd "$srcdir" && meson setup build --prefix=/usr/local --sysconfdir=/etc -Ddoc=disabled -Di18n=false \
  -Dbuildtype=release >/dev/null && ninja -C build >/dev/null && $SUDO ninja -C build install >/dev/null)
$SUDO ldconfig
log "installed libalpm $(pkg-config --modversion libalpm)"
