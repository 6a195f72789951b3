# Sourced by the benchmark scripts: package lists from the host's apt lists and the generated
# Arch root built from them. Run from the repository root.

# pacman -Ss and apt-cache search answer from the repositories only: so does omg here (on an
# Arch root it would also ask the AUR).
export OMG_AUR_ENABLED=false

# host_packages EVERY [provides]: one line per native package of the host's apt lists,
# `name<TAB>version<TAB>one-line description`, keeping every EVERY-th name (1: all); with
# `provides`, a fourth column holds the provided names separated by spaces.
host_packages() {
  local every=$1 provides=${2:-}
  for f in /var/lib/apt/lists/*_Packages*; do /usr/lib/apt/apt-helper cat-file "$f"; done |
    awk -F': ' -v every="$every" -v with_provides="$provides" '
      /^Package: /{n=$2} /^Version: /{v=$2} /^Description: /{d=substr($0, 14)}
      /^Provides: /{p=substr($0, 11); gsub(/ *\([^)]*\)/, "", p); gsub(/, */, " ", p)}
      /^$/{ if (n != "" && !(n in seen)) { seen[n]=1; if (c++ % every == 0) {
              if (with_provides != "") print n "\t" v "\t" d "\t" p; else print n "\t" v "\t" d } }
            n=""; p="" }'
}

# arch_fixture DIR: writes DIR/packages.tsv (every third host package) and the Arch root
# DIR/arch from it (core + extra + some installed); prints the canonical pacman.conf path.
arch_fixture() {
  local dir=$1
  mkdir -p "$dir"
  cargo build --release -q -p omg-adapters-alpm --example gen_fixture
  host_packages 3 >"$dir/packages.tsv"
  rm -rf "$dir/arch"
  local conf
  conf=$(target/release/examples/gen_fixture "$dir/arch" <"$dir/packages.tsv")
  echo "fixture: $(wc -l <"$dir/packages.tsv") packages, $conf" >&2
  realpath "$conf"
}

# Usage as a command: bench/fixture.sh all > FILE  (every host package with what it provides,
# for omg-domain/benches/search.rs)
if [ "${BASH_SOURCE[0]}" = "$0" ] && [ "${1:-}" = all ]; then
  host_packages 1 provides
fi
