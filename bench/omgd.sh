# Sourced by the daemon benchmarks: omgd in the background on a private socket and a fresh
# state file, stopped (and its directory removed) on exit.
#
# start_omgd OMGD LOG WAIT_SECONDS BACKEND_ARGS...: starts OMGD with the backend options,
# its log in LOG, exports OMG_SOCKET, and returns once omgd logs "omgd ready" (or exits
# the script if it dies or does not get there within WAIT_SECONDS). Sets `pid` and `run`.
# stop_omgd: SIGTERM and wait, then remove the directory. rss_kb: omgd's VmRSS in kB.
# time_each and median: timing a command over a file of terms.
start_omgd() {
  local omgd=$1 log=$2 wait=$3
  shift 3
  run=$(mktemp -d) # mktemp -d makes it 0700, as omgd requires
  chmod 700 "$run"
  export OMG_SOCKET=$run/omgd.sock
  RUST_LOG=info "$omgd" "$@" --audit-secs 0 --socket "$OMG_SOCKET" --state "$run/state.redb" \
    2>"$log" &
  pid=$!
  trap stop_omgd EXIT
  local tick
  for tick in $(seq $((wait * 20))); do
    grep -q "omgd ready" "$log" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.05
  done
  echo "omgd did not start within ${wait} s (after ${tick} checks)" >&2
  exit 1
}

stop_omgd() {
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    wait "$pid" || true
  fi
  rm -rf "$run"
  trap - EXIT
}

rss_kb() { awk '/^VmRSS:/{print $2}' "/proc/$pid/status"; }

# time_each TERMS COMMAND...: runs COMMAND TERM for each line of the file TERMS, printing
# one duration in µs per term (shell-timed, as /bin/true is in the same loop).
time_each() {
  local terms=$1 t0 t1 term
  shift
  while read -r term; do
    t0=$(date +%s%N)
    "$@" "$term" >/dev/null
    t1=$(date +%s%N)
    echo $(((t1 - t0) / 1000))
  done <"$terms"
}

# median FILE: the median of the numbers in FILE, one per line.
median() { sort -n "$1" | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
