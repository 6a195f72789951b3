#!/usr/bin/env bash
# The Debian package, built and installed into a throw-away dpkg root: `dpkg -L omg` there
# lists the binaries, manual pages, completions, units and copyright file, and neither its
# omg-backend nor its omgd links libalpm. Takes the binaries from DIR (default target/debug),
# whose omg-backend and omgd must be apt-only builds (scripts/test.sh runs this right after
# `cargo build -p omg-backend -p omg-daemon --no-default-features --features ...apt`).
# Usage: scripts/deb-check.sh [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
bins=${1:-target/debug}
for tool in dpkg dpkg-deb make man ldd; do
  command -v "$tool" >/dev/null || { echo "deb-check: $tool is missing (scripts/debian-packages.txt)" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bins"
cp "$bins/omg" "$bins/omg-backend" "$bins/omgd" "$tmp/bins/"
deb=$(OMG_PREBUILT_DIR=$tmp/bins OMG_DEB_COMPRESS="-Zgzip -z1" contrib/debian/build-deb.sh "$tmp/out")

root=$tmp/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
: >"$root/var/lib/dpkg/status"
# The empty root has none of the dependencies; only the files are checked here.
dpkg --root="$root" --log=/dev/null --force-depends -i "$deb" >"$tmp/dpkg.log" 2>&1 ||
  { cat "$tmp/dpkg.log" >&2; exit 1; }
listed=$(dpkg --root="$root" -L omg)
fail=0
for f in /usr/bin/omg /usr/bin/omg-backend /usr/bin/omgd \
  /usr/share/man/man1/omg.1.gz /usr/share/man/man1/omg-install.1.gz \
  /usr/share/man/man1/omg-runtimes-install.1.gz /usr/share/man/man5/omg.toml.5.gz \
  /usr/share/man/man8/omgd.8.gz /usr/share/bash-completion/completions/omg \
  /usr/share/zsh/site-functions/_omg /usr/share/fish/vendor_completions.d/omg.fish \
  /usr/lib/systemd/user/omgd.service /usr/lib/systemd/user/omgd.socket \
  /usr/share/doc/omg/copyright; do
  grep -qxF "$f" <<<"$listed" || { echo "deb-check: $f not in dpkg -L omg" >&2; fail=1; }
  [ -f "$root$f" ] || { echo "deb-check: $f not installed" >&2; fail=1; }
done
grep -qx 'ExecStart=/usr/bin/omgd' "$root/usr/lib/systemd/user/omgd.service" ||
  { echo "deb-check: omgd.service does not start /usr/bin/omgd" >&2; fail=1; }
# (Outputs captured first: `cmd | grep -q` fails under pipefail when grep stops reading early.)
for b in omg-backend omgd; do
  libs=$(ldd "$root/usr/bin/$b")
  if grep -q libalpm <<<"$libs"; then echo "deb-check: $b links libalpm" >&2; fail=1; fi
  grep -q libapt-pkg <<<"$libs" || { echo "deb-check: $b does not link libapt-pkg" >&2; fail=1; }
done
page=$(man -l "$root/usr/share/man/man1/omg-install.1.gz" 2>&1)
grep -q "omg-install - Install packages" <<<"$page" ||
  { echo "deb-check: omg-install(1) does not render: $page" >&2; fail=1; }
depends=$(dpkg-deb --field "$deb" Depends)
grep -q libapt-pkg <<<"$depends" || { echo "deb-check: Depends lacks libapt-pkg: $depends" >&2; fail=1; }
[ "$fail" = 0 ] || exit 1
echo "deb-check: $(basename "$deb"): $(wc -l <<<"$listed") paths, no libalpm"
