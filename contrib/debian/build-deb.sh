#!/usr/bin/env bash
# Builds omg_<version>_<arch>.deb into OUTDIR: a release build whose omg-backend and omgd
# have the libapt-pkg backend alone (no libalpm), staged by `make install DESTDIR=...
# PREFIX=/usr` and packed by dpkg-deb. Needs cargo, make, dpkg-deb, gzip (no cargo-deb).
#
# Usage: contrib/debian/build-deb.sh OUTDIR
#   OMG_PREBUILT_DIR=DIR  take omg, omg-backend and omgd from DIR instead of building (for
#                         tests and CI, which already built them; omg-backend and omgd there
#                         must have been built with `--no-default-features --features apt`)
#   OMG_DEB_COMPRESS=OPTS dpkg-deb's compression options (default -Zxz; the check uses a fast
#                         "-Zgzip -z1" on its large debug binaries)
# Prints the path of the .deb.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:?usage: contrib/debian/build-deb.sh OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)

if [ -n "${OMG_PREBUILT_DIR:-}" ]; then
  bins=$OMG_PREBUILT_DIR
else
  scripts/build-release.sh -q
  cargo build -q --release -p omg-backend -p omg-daemon --no-default-features \
    --features omg-backend/apt,omg-daemon/apt
  bins=${CARGO_TARGET_DIR:-target}/release
fi
for b in omg-backend omgd; do
  libs=$(ldd "$bins/$b")
  if grep -q libalpm <<<"$libs"; then
    echo "$bins/$b links libalpm: build it with --no-default-features --features apt" >&2
    exit 1
  fi
done

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
arch=$(dpkg --print-architecture)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root=$stage/root
make -s install DESTDIR="$root" PREFIX=/usr BUILD_DIR="$bins"

# Debian's places: stripped binaries (as dh_strip), compressed manual pages, the licence as
# the copyright file.
strip --strip-debug "$root"/usr/bin/*
find "$root/usr/share/man" -type f -exec gzip -9n {} +
install -Dm644 "$root/usr/share/licenses/omg/LICENSE.txt" "$root/usr/share/doc/omg/copyright"
rm -r "$root/usr/share/licenses"

# Depends: the packages of the shared libraries the binaries name (NEEDED; as installed on
# this machine, like dpkg-shlibdeps without versions).
depends=$(for b in "$root"/usr/bin/*; do
  libs=$(ldd "$b" 2>/dev/null || true)
  for name in $(readelf -d "$b" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'); do
    path=$(awk -v n="$name" '$1 == n && $3 ~ /^\// { print $3 }' <<<"$libs")
    [ -n "$path" ] || continue
    dpkg -S "$path" 2>/dev/null || dpkg -S "$(readlink -f "$path")" 2>/dev/null || true
  done
done | cut -d: -f1 | sort -u | paste -sd, - | sed 's/,/, /g')
size=$(du -sk "$root" | cut -f1)
mkdir -p "$root/DEBIAN"
cat >"$root/DEBIAN/control" <<CONTROL
Package: omg
Version: $version
Architecture: $arch
Maintainer: omg authors <omg@localhost>
Installed-Size: $size
Depends: ${depends:-libc6}
Section: admin
Priority: optional
Description: one fast front end for system packages and language runtimes
 omg searches, inspects, installs and removes Debian packages through libapt-pkg,
 answers reads from a per-user daemon (omgd) in milliseconds, audits installed
 packages against the security trackers, and installs language runtimes.
CONTROL
deb=$out/omg_${version}_${arch}.deb
# shellcheck disable=SC2086 # the options are words
dpkg-deb --root-owner-group ${OMG_DEB_COMPRESS:--Zxz} --build "$root" "$deb" >/dev/null
echo "$deb"
