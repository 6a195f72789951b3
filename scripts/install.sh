#!/usr/bin/env bash
# `make install` / `make uninstall`: omg, omg-backend and omgd, their manual pages (generated
# here by the binaries themselves: `omg-backend --print-man`, `omgd --print-man`), the bash,
# zsh and fish completions (`omg completions <shell>`), the systemd user units with ExecStart
# at $PREFIX/bin/omgd, and the licence.
#
# Usage: scripts/install.sh install|uninstall
# Environment (the Makefile passes its variables):
#   PREFIX     where to install (default /usr/local)
#   DESTDIR    a staging root prepended to every path (packages; default empty)
#   BUILD_DIR  where the binaries are (default target/release; target/debug for tests)
# uninstall removes exactly the files install wrote: the list of manual pages comes from the
# installed omg-backend and omgd, so it takes the same PREFIX and DESTDIR (not BUILD_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."

action=${1:-}
prefix=${PREFIX:-/usr/local}
destdir=${DESTDIR:-}
build_dir=${BUILD_DIR:-target/release}
case "$prefix" in /*) ;; *) echo "PREFIX must be absolute: $prefix" >&2; exit 2 ;; esac

root=$destdir$prefix
bindir=$root/bin
mandir=$root/share/man
licensedir=$root/share/licenses/omg
unitdir=$root/lib/systemd/user
binaries=(omg omg-backend omgd)
# Shell -> where its completion goes.
completion_files=(
  "bash:$root/share/bash-completion/completions/omg"
  "zsh:$root/share/zsh/site-functions/_omg"
  "fish:$root/share/fish/vendor_completions.d/omg.fish"
)
units=(omgd.service omgd.socket)

pages=$(mktemp -d)
trap 'rm -rf "$pages"' EXIT

# Writes every manual page into $pages with the binaries in $1.
generate_pages() {
  "$1/omg-backend" --print-man "$pages"
  "$1/omgd" --print-man "$pages"
}

# The installed path of the page $1 (omg-install.1 -> $mandir/man1/omg-install.1).
page_path() {
  echo "$mandir/man${1##*.}/$1"
}

install_all() {
  for b in "${binaries[@]}"; do
    [ -x "$build_dir/$b" ] || {
      echo "$build_dir/$b is missing: run \`make build\` first (or set BUILD_DIR)" >&2
      exit 1
    }
  done
  for b in "${binaries[@]}"; do
    install -Dm755 "$build_dir/$b" "$bindir/$b"
  done
  generate_pages "$build_dir"
  for page in "$pages"/*; do
    install -Dm644 "$page" "$(page_path "${page##*/}")"
  done
  for entry in "${completion_files[@]}"; do
    shell=${entry%%:*} file=${entry#*:}
    mkdir -p "${file%/*}"
    # The binary itself, under a scratch environment: it reads nothing of the user's.
    env -i PATH=/usr/bin:/bin HOME="$pages" "$build_dir/omg" completions "$shell" >"$file.tmp"
    [ -s "$file.tmp" ] || { echo "omg completions $shell printed nothing" >&2; exit 1; }
    chmod 644 "$file.tmp" && mv "$file.tmp" "$file"
  done
  mkdir -p "$unitdir"
  for unit in "${units[@]}"; do
    sed "s|^ExecStart=.*|ExecStart=$prefix/bin/omgd|" "contrib/systemd/$unit" >"$unitdir/$unit.tmp"
    chmod 644 "$unitdir/$unit.tmp" && mv "$unitdir/$unit.tmp" "$unitdir/$unit"
  done
  install -Dm644 LICENSE.txt "$licensedir/LICENSE.txt"
}

uninstall_all() {
  if [ -x "$bindir/omg-backend" ] && [ -x "$bindir/omgd" ]; then
    generate_pages "$bindir"
    for page in "$pages"/*; do
      rm -f "$(page_path "${page##*/}")"
    done
  else
    echo "warning: $bindir/omg-backend or omgd is gone; the manual pages stay" >&2
  fi
  for b in "${binaries[@]}"; do rm -f "$bindir/$b"; done
  for entry in "${completion_files[@]}"; do rm -f "${entry#*:}"; done
  for unit in "${units[@]}"; do rm -f "$unitdir/$unit"; done
  rm -f "$licensedir/LICENSE.txt"
  rmdir "$licensedir" 2>/dev/null || true
}

case "$action" in
  install) install_all ;;
  uninstall) uninstall_all ;;
  *) echo "usage: $0 install|uninstall" >&2; exit 2 ;;
esac
