//! `kill -9` at random moments loses nothing committed: a real child process saving in a
//! loop is killed with SIGKILL, again and again on one file, and after each kill the file
//! must open and hold a consistent index at least as new as the last one reported saved.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{alpm, fingerprint, generation_of, packages, status};
use omg_adapters_store::RedbStore;
use omg_ports::{Result, Store};

/// Set (to the database path) in the child process.
const CHILD_PATH: &str = "OMG_STORE_CRASH_CHILD_PATH";
/// Set (to the first generation to write) in the child process.
const CHILD_FIRST: &str = "OMG_STORE_CRASH_CHILD_FIRST";
const ROUNDS: u64 = 60;
/// The generations of round `r` start at `(r + 1) * ROUND_SPAN`.
const ROUND_SPAN: u64 = 1_000_000;

/// How many packages generation `g` has: 1,000 to 7,000, so commits differ in size.
fn count(generation: u64) -> usize {
    1_000 + (generation % 7) as usize * 1_000
}

/// The child's loop: save generation after generation (index, then status), printing
/// `committed N` once each index save returned `Ok`. Does nothing unless run by
/// [`kill_9_loses_nothing_committed`].
#[test]
#[ignore = "the writer process of kill_9_loses_nothing_committed"]
fn crash_writer_child() {
    let (Some(path), Some(first)) = (std::env::var_os(CHILD_PATH), std::env::var_os(CHILD_FIRST))
    else {
        return;
    };
    let first: u64 = first.to_string_lossy().parse().expect("a generation");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let store = RedbStore::open(Path::new(&path)).expect("the child opens the store");
        let backend = alpm("/etc/pacman.conf");
        for generation in first.. {
            let index = packages(count(generation), generation);
            store
                .save_index(&backend, &fingerprint(generation), &index)
                .await
                .expect("save the index");
            // Not print!: libtest would capture it. A line is one write to the pipe.
            writeln!(std::io::stdout(), "committed {generation}").expect("stdout");
            let snapshot = status(index.len(), generation as i64);
            store
                .save_status(&backend, &snapshot)
                .await
                .expect("save the status");
        }
    });
}

/// One round: runs the child from generation `first`, kills it with SIGKILL at a random
/// moment, and returns the generations it reported committed.
fn run_and_kill(path: &Path, first: u64) -> Vec<u64> {
    let mut child = Command::new(std::env::current_exe().expect("the test binary"))
        .args(["crash_writer_child", "--exact", "--ignored", "--nocapture"])
        .env(CHILD_PATH, path)
        .env(CHILD_FIRST, first.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn the child");
    let stdout = child.stdout.take().expect("its stdout");
    let (lines, reported) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout)
            .lines()
            .map_while(std::io::Result::ok)
        {
            if let Some(generation) = line.strip_prefix("committed ") {
                let _ = lines.send(generation.parse::<u64>().expect("a generation"));
            }
        }
    });

    // Kill during the start (open, repair) in some rounds, after a few commits in others, at
    // a random moment of the next one.
    let wait_for = fastrand::usize(0..6);
    let mut committed = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while committed.len() < wait_for {
        let left = deadline.saturating_duration_since(Instant::now());
        match reported.recv_timeout(left) {
            Ok(generation) => committed.push(generation),
            Err(e) => panic!("the child stopped committing: {e}"),
        }
    }
    let pause = if wait_for == 0 { 0..60 } else { 0..12 };
    std::thread::sleep(Duration::from_millis(fastrand::u64(pause)));
    child.kill().expect("SIGKILL"); // std's kill is SIGKILL on Unix
    child.wait().expect("reap the child");
    reader.join().expect("the reader");
    committed.extend(reported.try_iter());
    committed
}

/// Opens the store at `path` and returns the generation of its index, checking that the index
/// is consistent and that the status is not newer than it. `candidates` are the generations
/// it may hold.
async fn stored_generation(path: &Path, candidates: &[u64]) -> Result<Option<u64>> {
    let store = RedbStore::open(path)?;
    let backend = alpm("/etc/pacman.conf");
    let mut found = None;
    for &candidate in candidates {
        if let Some(index) = store.load_index(&backend, &fingerprint(candidate)).await? {
            assert_eq!(found, None, "one index, one fingerprint");
            assert_eq!(
                generation_of(&index, count),
                Some(candidate),
                "a mixed index"
            );
            found = Some(candidate);
        }
    }
    if let Some(snapshot) = store.load_status(&backend).await? {
        let taken = snapshot.taken_at as u64;
        assert!(
            found.is_some_and(|g| taken <= g),
            "status {taken} newer than the index"
        );
        assert_eq!(snapshot, status(count(taken), snapshot.taken_at));
    }
    Ok(found)
}

#[tokio::test]
async fn kill_9_loses_nothing_committed() -> Result<()> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("state.redb");
    let started = Instant::now();
    let (mut known, mut commits, mut unreported, mut longest_open) = (None, 0, 0, Duration::ZERO);
    for round in 0..ROUNDS {
        let first = (round + 1) * ROUND_SPAN;
        let reported = run_and_kill(&path, first);
        commits += reported.len();
        // What the file may hold: the last generation known to be there, the last one the
        // child reported, or the one it was writing when killed (committed, not yet reported).
        let last = reported.last().copied();
        let next = last.map_or(first, |g| g + 1);
        let candidates: Vec<u64> = known.into_iter().chain(last).chain([next]).collect();

        let opening = Instant::now();
        let stored = stored_generation(&path, &candidates).await?;
        longest_open = longest_open.max(opening.elapsed());
        if let Some(last) = last {
            assert!(
                stored.is_some_and(|g| g >= last),
                "round {round}: the child reported {last} committed, the file holds {stored:?}"
            );
        }
        unreported += usize::from(stored.is_some() && stored == Some(next));
        known = stored.or(known);
    }
    eprintln!(
        "{ROUNDS} SIGKILLs in {:?}: {commits} commits reported, {unreported} rounds kept a \
         commit made just before the kill but never reported, slowest reopen {longest_open:?}",
        started.elapsed()
    );
    Ok(())
}
