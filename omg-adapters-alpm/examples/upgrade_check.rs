//! What the check that package files stay inside the root (transaction/confine) costs on a
//! 200-package upgrade, against the whole upgrade and against `pacman -Su` of the same
//! packages on an identical copy of the root, in one run.
//!
//! Builds a root with 200 installed packages (190 with a few files of 2-16 KiB, 10 with
//! 3,000 files each; text-like contents that compress about 3:1), publishes a new version of
//! each on the file:// repository and refreshes. Then, `RUNS` times, on fresh copies: omg's
//! upgrade (through `AlpmBackend::commit`, timing each step from its progress events) and
//! `pacman -Su --noconfirm`. Prints the medians and each run's step timeline.
//!
//! `cargo run --release -p omg-adapters-alpm --example upgrade_check -- DIR [RUNS]`
//! (DIR: an empty scratch directory; needs root, like the upgrade itself.)

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use omg_adapters_alpm::{AlpmBackend, AlpmConfig};
use omg_ports::{PackageBackend, ProgressEvent, ProgressSink, Transaction};
use omg_testkit::alpm::{FixturePackage, FixtureRoot};

const SMALL: usize = 190;
const LARGE: usize = 10;
const LARGE_FILES: usize = 3_000;
const CHECK_STEP: &str = "checking that the packages stay inside the root";

/// Text-like bytes: words from a small vocabulary, picked by a xorshift generator.
struct Words(u64);

impl Words {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn text(&mut self, len: usize) -> Vec<u8> {
        const WORDS: [&str; 16] = [
            "package", "library", "version", "the", "of", "install", "root", "file", "symbol",
            "error", "config", "data", "value", "return", "struct", "linux",
        ];
        let mut out = Vec::with_capacity(len + 16);
        while out.len() < len {
            let n = self.next();
            out.extend_from_slice(WORDS[(n % 16) as usize].as_bytes());
            out.extend_from_slice(&(n >> 40).to_le_bytes()[..2]);
            out.push(if n % 11 == 0 { b'\n' } else { b' ' });
        }
        out.truncate(len);
        out
    }
}

fn packages(version: &str, seed: u64) -> Vec<FixturePackage> {
    let mut words = Words(seed);
    let mut out = Vec::new();
    for i in 0..SMALL + LARGE {
        let name = format!("bench-{i:03}");
        let mut p = FixturePackage::new(&name, version);
        if i < SMALL {
            for f in 0..(3 + i % 6) {
                let len = 2048 + (words.next() % (14 * 1024)) as usize;
                p = p.file(format!("usr/share/{name}/f{f}"), words.text(len));
            }
        } else {
            for f in 0..LARGE_FILES {
                let len = 512 + (words.next() % 4096) as usize;
                p = p.file(
                    format!("usr/lib/{name}/d{:02}/f{f:04}", f % 60),
                    words.text(len),
                );
            }
        }
        out.push(p);
    }
    out
}

/// Records when each step starts.
#[derive(Default)]
struct Timeline {
    start: Mutex<Option<Instant>>,
    steps: Mutex<Vec<(Duration, String)>>,
}

impl ProgressSink for Timeline {
    fn event(&self, event: ProgressEvent) {
        let now = Instant::now();
        let start = *self.start.lock().unwrap().get_or_insert(now);
        let mut steps = self.steps.lock().unwrap();
        match event {
            ProgressEvent::Step { message, .. } => steps.push((now - start, message)),
            // The end of the check (its last progress event).
            ProgressEvent::StepProgress { item, percent: 100 } if item == CHECK_STEP => {
                steps.push((now - start, "(check done)".into()))
            }
            _ => {}
        }
    }
}

fn copy(from: &Path, to: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let status = Command::new("cp").arg("-a").arg(from).arg(to).status()?;
    if !status.success() {
        return Err(format!("cp -a {} {} failed", from.display(), to.display()).into());
    }
    // pacman.conf names the directories of the root it was written for.
    let conf = to.join("etc/pacman.conf");
    let text = std::fs::read_to_string(&conf)?;
    let from = from.display().to_string();
    std::fs::write(&conf, text.replace(&from, &to.display().to_string()))?;
    Ok(())
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args_os().skip(1);
    let dir: PathBuf = args.next().ok_or("usage: upgrade_check DIR [RUNS]")?.into();
    let runs: usize = args
        .next()
        .and_then(|r| r.to_str().and_then(|r| r.parse().ok()))
        .unwrap_or(3);
    let base = dir.join("base");
    let mut root = FixtureRoot::create(&base)?;
    eprintln!("building and installing {} packages...", SMALL + LARGE);
    let old = packages("1-1", 0x9e37_79b9_7f4a_7c15);
    root.publish("core", &old)?;
    root.install_local(&[])?;
    let names: Vec<String> = old.iter().map(|p| p.name.clone()).collect();
    let backend = AlpmBackend::open(AlpmConfig::new(root.config_path()))?;
    backend
        .commit(&Transaction::Install(names), Arc::new(Timeline::default()))
        .await?;
    let new = root.publish_to_server("core", &packages("2-1", 0x2545_f491_4f6c_dd1d))?;
    backend
        .commit(&Transaction::Refresh, Arc::new(Timeline::default()))
        .await?;
    drop(backend);
    let bytes: u64 = new.iter().map(|p| p.csize).sum();
    let files: usize = new.iter().map(|p| p.files.len()).sum();
    let unpacked: usize = new
        .iter()
        .flat_map(|p| p.files.iter().map(|(_, c)| c.len()))
        .sum();
    // Only the package files of this upgrade in the cache.
    for entry in std::fs::read_dir(root.cache_dir())? {
        let path = entry?.path();
        if path.is_file() {
            std::fs::remove_file(path)?;
        }
    }
    println!(
        "upgrade: {} packages, {files} files, {:.1} MiB packed, {:.1} MiB unpacked",
        new.len(),
        bytes as f64 / 1048576.0,
        unpacked as f64 / 1048576.0
    );

    let (mut totals, mut checks, mut extras, mut pacmans) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for run in 0..runs {
        let mine = dir.join(format!("omg-{run}"));
        copy(&base, &mine)?;
        let backend = AlpmBackend::open(AlpmConfig::new(
            FixtureRoot::reopen(&mine, ["core"]).config_path(),
        ))?;
        let timeline = Arc::new(Timeline::default());
        let clock = Instant::now();
        *timeline.start.lock().unwrap() = Some(clock);
        let outcome = backend
            .commit(&Transaction::Upgrade, timeline.clone())
            .await?;
        let total = clock.elapsed();
        assert_eq!(outcome.actions.len(), SMALL + LARGE);
        let steps = timeline.steps.lock().unwrap().clone();
        let span = |i: usize| steps.get(i + 1).map_or(total, |(t, _)| *t) - steps[i].0;
        let at = |name: &str| steps.iter().find(|(_, m)| m == name).map(|(t, _)| *t);
        let check_start = at(CHECK_STEP).ok_or("no check step in the timeline")?;
        let check = at("(check done)").ok_or("no end of the check")? - check_start;
        // The download-only transaction's cost beyond a single pass: from its integrity
        // check to the check of the contents (release, init, prepare again), less the one
        // integrity check a single pass makes as well.
        let integrity: Vec<usize> = (0..steps.len())
            .filter(|i| steps[*i].1 == "checking package integrity")
            .collect();
        let extra = match integrity[..] {
            [first, second] => (check_start - steps[first].0).saturating_sub(span(second)),
            _ => return Err("expected two integrity checks".into()),
        };
        totals.push(total);
        checks.push(check);
        extras.push(extra);

        let theirs = dir.join(format!("pacman-{run}"));
        copy(&base, &theirs)?;
        let clock = Instant::now();
        let out = Command::new("pacman")
            .arg("--config")
            .arg(theirs.join("etc/pacman.conf"))
            .args(["-Su", "--noconfirm"])
            .env("LC_ALL", "C")
            .output()?;
        let pacman = clock.elapsed();
        if !out.status.success() {
            return Err(format!("pacman -Su failed: {out:?}").into());
        }
        pacmans.push(pacman);
        println!(
            "\nrun {run}: omg upgrade {}, of which the check {} and the download-only \
             transaction {}; pacman -Su {}",
            ms(total),
            ms(check),
            ms(extra),
            ms(pacman)
        );
        let mut changes = (Duration::ZERO, 0);
        for (i, (t, m)) in steps.iter().enumerate() {
            if m.starts_with("upgrading ") {
                changes = (changes.0 + span(i), changes.1 + 1);
            } else {
                println!("  {:>10}  {:>10}  {m}", ms(*t), ms(span(i)));
            }
        }
        println!(
            "  {:>10}  {:>10}  {} package changes",
            "",
            ms(changes.0),
            changes.1
        );
        std::fs::remove_dir_all(&mine)?;
        std::fs::remove_dir_all(&theirs)?;
    }
    let (total, check, extra, pacman) = (
        median(totals),
        median(checks),
        median(extras),
        median(pacmans),
    );
    let share = |d: Duration| d.as_secs_f64() * 100.0 / total.as_secs_f64();
    println!(
        "\nmedians of {runs}: omg upgrade {}; the check {} ({:.1}%), the download-only \
         transaction {} ({:.1}%); pacman -Su {} (omg / pacman {:.2})",
        ms(total),
        ms(check),
        share(check),
        ms(extra),
        share(extra),
        ms(pacman),
        total.as_secs_f64() / pacman.as_secs_f64()
    );
    Ok(())
}
