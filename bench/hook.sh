#!/usr/bin/env bash
# The shell hook's cost: `omg hook-env bash` when nothing changed (what runs before every
# prompt), when the directory's versions changed, and /bin/true as the process floor.
#
#   bench/hook.sh [RUNS]        (needs hyperfine and a release build: scripts/build-release.sh)
#
# OMG_BASE_BIN=/path/to/older/omg adds that binary's two runs to the same hyperfine run, to
# compare a change with the omg before it on one loaded machine.
#
# The tree: a project 8 directories deep whose root has .nvmrc, a package.json and a
# .tool-versions, a go.mod halfway down, and node and go versions installed under a private
# XDG_DATA_HOME (records written as omg writes them; the binaries are never run).
set -euo pipefail
runs=${1:-200}
root=$(cd "$(dirname "$0")/.." && pwd)
omg=${OMG_BIN:-$root/target/release/omg}
[ -x "$omg" ] || { echo "build first: bash scripts/build-release.sh" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "hyperfine is not installed" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp/home XDG_DATA_HOME=$tmp/data XDG_CONFIG_HOME=$tmp/config
mkdir -p "$HOME" "$XDG_CONFIG_HOME/omg"
printf '[global]\nbun = "1.1"\n' > "$XDG_CONFIG_HOME/omg/runtimes.toml"
install_fake() { # runtime version
  local dir=$XDG_DATA_HOME/omg/runtimes/$1/$2
  mkdir -p "$dir/bin"
  cat > "$dir/.omg-install.json" <<JSON
{"runtime":"$1","release":{"version":"$2","lts":null,"channel":null,"prerelease":false,"date":null},
 "artifact":{"version":"$2","url":"http://x/$1.tar.gz","file_name":"$1.tar.gz","sha256":"$(printf '0%.0s' {1..64})",
 "checksum_source":"http://x/SHASUMS256.txt","format":"tar-gz","size":null},
 "layout":{"strip":"nothing","merge":[],"bin_dirs":["bin"],"env":[]}}
JSON
}
install_fake node 20.11.1
install_fake node 18.19.0
install_fake go 1.22.1
install_fake bun 1.1.0

proj=$tmp/work/proj
deep=$proj/a/b/c/d/e/f/g/h
mkdir -p "$deep"
echo 20 > "$proj/.nvmrc"
echo '{"name":"p","engines":{"node":">=18"}}' > "$proj/package.json"
echo 'golang 1.22.1' > "$proj/.tool-versions"
printf 'module p\n\ngo 1.22\n' > "$proj/a/b/c/go.mod"
cd "$deep"

# The state the hook left after its first run here.
eval "$("$omg" hook-env bash)"
echo "active here: $__OMG_HOOK" | tr ';' '\n'
[ -z "$("$omg" hook-env bash)" ] || { echo "hook-env printed something on the no-change path" >&2; exit 1; }

base=()
if [ -n "${OMG_BASE_BIN:-}" ]; then
  [ -z "$("$OMG_BASE_BIN" hook-env bash)" ] ||
    { echo "the base omg's key differs here: its no-change run would not be one" >&2; exit 1; }
  base=(-n 'base: omg hook-env bash (no change)' "$OMG_BASE_BIN hook-env bash"
        -n 'base: omg hook-env bash (changed)' "env -u __OMG_HOOK $OMG_BASE_BIN hook-env bash")
fi
hyperfine -N --warmup 20 --runs "$runs" \
  -n '/bin/true' '/bin/true' \
  -n 'omg hook-env bash (no change)' "$omg hook-env bash" \
  -n 'omg hook-env bash (changed: first prompt here)' "env -u __OMG_HOOK $omg hook-env bash" \
  "${base[@]}" \
  --export-json "$tmp/hook.json" >/dev/null

# The same tree beside, whose .tool-versions also names a tool that mise manages (deno): the
# no-change path then also stats mise's installs/deno (the hook's key), nothing more.
proj2=$tmp/work/proj2
cp -r "$proj" "$proj2"
echo 'deno 1.40.0' >> "$proj2/.tool-versions"
cd "$proj2/a/b/c/d/e/f/g/h"
eval "$("$omg" hook-env bash 2>/dev/null)"
[ -z "$("$omg" hook-env bash)" ] || { echo "hook-env printed something on the no-change path (mise tool)" >&2; exit 1; }
hyperfine -N --warmup 20 --runs "$runs" \
  -n 'omg hook-env bash (no change, a tool mise manages too)' "$omg hook-env bash" \
  --export-json "$tmp/hook-mise.json" >/dev/null
python3 - "$tmp/hook.json" "$tmp/hook-mise.json" <<'PY'
import json, statistics, sys
results = json.load(open(sys.argv[1]))["results"] + json.load(open(sys.argv[2]))["results"]
floor = statistics.median(results[0]["times"])
print("| command | median | mean | min | median / /bin/true |")
print("| --- | ---: | ---: | ---: | ---: |")
for r in results:
    med = statistics.median(r["times"])
    print(f"| {r['command']} | {med*1e3:.2f} ms | {r['mean']*1e3:.2f} ms | {r['min']*1e3:.2f} ms | {med/floor:.1f}x |")
PY
