#!/usr/bin/env bash
# The thin client's C library, in one run: `omg` linked statically against glibc (as shipped
# before) and against musl (as scripts/static-client.sh links it where the toolchain has the
# target), each at a fixed address, searching through the same omgd, beside /bin/true and
# `pacman -Ss` on the same generated Arch root as bench/daemon.sh.
# Also times one `cpuid` instruction on this machine (an exit to the hypervisor on a VM), and
# counts the `cpuid`s each client runs (gdb breakpoints on every `cpuid` in the binary).
# Needs: scripts/setup-system.sh done (pacman 7.1, hyperfine, musl-tools, the musl target).
# Writes bench/out/client-libc/. Usage: bench/client-libc.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-300}
out=bench/out/client-libc
mkdir -p "$out"

# The two clients, each written in one pass (see scripts/build-release.sh).
cp "$(OMG_CLIENT_LIBC=glibc scripts/static-client.sh release -q)" "$out/omg-glibc"
bash scripts/build-release.sh -q
cmp -s target/release/omg "$out/omg-glibc" && { echo "no musl target: nothing to compare" >&2; exit 1; }
cp target/release/omg "$out/omg-musl"

# One cpuid's cost here.
cat >"$out/cpuid.c" <<'C'
#include <cpuid.h>
#include <stdio.h>
#include <time.h>
int main(void) {
  struct timespec a, b;
  unsigned r[4];
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (int i = 0; i < 1000; i++) __cpuid_count(7, 0, r[0], r[1], r[2], r[3]);
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("%.2f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / 1000 / 1000.0);
  return 0;
}
C
gcc -O2 "$out/cpuid.c" -o "$out/cpuid"
cpuid_us=$("$out/cpuid")

source bench/fixture.sh
conf=$(arch_fixture "$out")
source bench/omgd.sh
start_omgd target/release/omgd "$out/omgd.log" 10 --backend alpm --config "$conf"
sleep 0.5
lib="--backend alpm --config $conf search lib"
py="--backend alpm --config $conf search python --limit 20"
cmp <("$out/omg-glibc" $lib) <("$out/omg-musl" $lib) || { echo "the clients print different answers" >&2; exit 1; }

# cpuid_count BIN ARGS...: how many cpuid instructions BIN runs (gdb, one breakpoint each).
cpuid_count() {
  local bin=$1 a
  shift
  {
    echo "set pagination off"
    for a in $(objdump -d --no-show-raw-insn "$bin" | awk '/\tcpuid/ { sub(":", "", $1); print $1 }'); do
      echo "break *0x$a"
    done
    echo "run $* >/dev/null"
    for _ in $(seq 200); do echo continue; done
  } >"$out/gdb.cmds"
  gdb -batch -x "$out/gdb.cmds" "$bin" 2>&1 | grep -c "^Breakpoint [0-9]*, 0x" || true
}
n_glibc=$(cpuid_count "$out/omg-glibc" $lib)
n_musl=$(cpuid_count "$out/omg-musl" $lib)

for round in 1 2 3 4 5; do
  hyperfine -N --warmup 10 --runs "$runs" --export-json "$out/round$round.json" \
    -n /bin/true /bin/true \
    -n "glibc: search lib" "$out/omg-glibc $lib" -n "musl: search lib" "$out/omg-musl $lib" \
    -n "glibc: search python" "$out/omg-glibc $py" -n "musl: search python" "$out/omg-musl $py" >&2
  hyperfine -N --warmup 1 --runs 20 --export-json "$out/pacman$round.json" \
    -n "pacman -Ss lib" "pacman --config $conf -Ss lib" >&2
done
stop_omgd

{
  echo "One cpuid: $cpuid_us µs. cpuid instructions run by \`omg search lib\`: glibc $n_glibc, musl $n_musl."
  echo
  python3 - "$out" <<'PY'
import json, statistics, sys
out = sys.argv[1]
cols = ["/bin/true", "glibc: search lib", "musl: search lib", "glibc: search python", "musl: search python"]
print("| round | " + " | ".join(cols) + " | pacman -Ss lib | pacman / glibc lib | pacman / musl lib |")
print("| ---: |" + " ---: |" * (len(cols) + 3))
ratios = {"glibc": [], "musl": []}
for r in range(1, 6):
    m = {x["command"]: x["median"] for x in json.load(open(f"{out}/round{r}.json"))["results"]}
    pac = json.load(open(f"{out}/pacman{r}.json"))["results"][0]["median"]
    g, u = pac / m["glibc: search lib"], pac / m["musl: search lib"]
    ratios["glibc"].append(g)
    ratios["musl"].append(u)
    print(f"| {r} | " + " | ".join(f"{m[c]*1e3:.2f} ms" for c in cols)
          + f" | {pac*1e3:.1f} ms | {g:.1f}x | {u:.1f}x |")
print(f"\nMedian of the rounds, pacman -Ss lib / omg search lib: glibc {statistics.median(ratios['glibc']):.1f}x, "
      f"musl {statistics.median(ratios['musl']):.1f}x")
PY
} | tee "$out/report.md"
