#!/usr/bin/env bash
# Installs everything omg needs to build and test on a fresh Debian machine (run as root).
# Idempotent: packages already present are left alone, libalpm 16 is built only when missing.
#
#   - Debian's build dependencies (libapt-pkg-dev and libalpm 16's own), and the tools the tests
#     and benchmarks use (zstd, bsdtar, fakeroot, hyperfine).
#   - libalpm 16 with pacman 7.1's pacman, repo-add, makepkg and vercmp, from the upstream tarball
#     of Debian's `pacman-package-manager` source package (suite sid), installed under /usr/local.
#     Debian bookworm ships only libalpm 13, which the `alpm` crate 5.x does not bind, so Debian's
#     libalpm-dev and pacman packages are deliberately not installed (they would shadow it).
set -euo pipefail

PACMAN_VERSION=7.1.0
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

# The apt tests read the host's package lists: a fresh image may have none yet.
if ! ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1; then
  log "no apt package lists yet: apt-get update"
  $SUDO apt-get update -qq
fi

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
