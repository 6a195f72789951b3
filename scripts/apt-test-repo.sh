#!/usr/bin/env bash
# A local apt repository of two tiny packages, with an apt configuration that sees only it:
#   bash scripts/apt-test-repo.sh DIR        omg-demo-lib 1.0 and omg-demo-app 1.0 (depends on lib)
#   bash scripts/apt-test-repo.sh DIR next   adds omg-demo-app 1.1
#   bash scripts/apt-test-repo.sh DIR newest omg-demo-app 1.1 instead of 1.0 (1.0 no longer offered)
# Prints the apt.conf to use as APT_CONFIG. Lists and the archive cache stay under DIR; dpkg
# itself installs into this host (scripts/demo-transactions.sh purges the packages after).
set -euo pipefail
dir=$(realpath -m "$1")
mkdir -p "$dir/pool" "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/parts"

deb() { # name version [depends]
  local stage=$dir/stage/$1-$2
  mkdir -p "$stage/DEBIAN" "$stage/usr/share/$1"
  echo "$1 $2" >"$stage/usr/share/$1/README"
  {
    echo "Package: $1"
    echo "Version: $2"
    echo "Architecture: all"
    echo "Maintainer: omg tests <omg@localhost>"
    [ -n "${3:-}" ] && echo "Depends: $3"
    echo "Description: the $1 demo package"
  } >"$stage/DEBIAN/control"
  dpkg-deb --root-owner-group -Zgzip --build "$stage" "$dir/pool/$1_$2_all.deb" >/dev/null
}

deb omg-demo-lib 1.0
deb omg-demo-app 1.0 omg-demo-lib
case "${2:-}" in
  next) deb omg-demo-app 1.1 omg-demo-lib ;;
  newest) deb omg-demo-app 1.1 omg-demo-lib && rm "$dir/pool/omg-demo-app_1.0_all.deb" ;;
esac
(
  cd "$dir"
  dpkg-scanpackages -m pool /dev/null 2>/dev/null >Packages
  gzip -kf Packages
  # A Release file with the indexes' hashes, so that apt fetches Packages.gz at once.
  {
    echo "Origin: omg-demo"
    echo "Label: omg-demo"
    echo "Suite: demo"
    echo "Codename: demo"
    echo "Date: $(LC_ALL=C date -u '+%a, %d %b %Y %H:%M:%S UTC')"
    echo "SHA256:"
    for f in Packages Packages.gz; do
      printf ' %s %s %s\n' "$(sha256sum "$f" | cut -d' ' -f1)" "$(stat -c %s "$f")" "$f"
    done
  } >Release
)

echo "deb [trusted=yes] file:$dir ./" >"$dir/sources.list"
cat >"$dir/apt.conf" <<CONF
Dir::Etc::SourceList "$dir/sources.list";
Dir::Etc::SourceParts "$dir/parts";
Dir::State::Lists "$dir/lists";
Dir::Cache "$dir/cache";
Dir::Cache::Archives "$dir/cache/archives";
CONF
echo "$dir/apt.conf"
