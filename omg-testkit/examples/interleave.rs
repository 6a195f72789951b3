//! Times commands round-robin: run 1 of every command, then run 2 of every command, and so
//! on, so that a machine whose speed drifts during the benchmark (other load, frequency
//! changes) shifts every command alike and the ratios stay fair. hyperfine runs all the
//! runs of one command before the next, which on a shared machine can put a slow minute
//! on one command only.
//!
//! ```sh
//! interleave RUNS WARMUP 'name=command args' 'name=command args' ...
//! ```
//!
//! Each command is split on whitespace (no shell), run with stdout and stderr to
//! /dev/null, timed from spawn to exit. Prints a Markdown table: median, p10, p90 and the
//! median's ratio to the first command's. A command that fails stops the run.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::{Command, Stdio};
use std::time::Instant;

fn run(argv: &[String]) -> f64 {
    let start = Instant::now();
    let status = Command::new(&argv[0])
        .args(&argv[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap_or_else(|e| panic!("cannot run {argv:?}: {e}"));
    let took = start.elapsed().as_secs_f64() * 1000.0;
    assert!(status.success(), "{argv:?} failed: {status}");
    took
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    let at = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[at]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    assert!(
        args.len() >= 3,
        "usage: interleave RUNS WARMUP 'name=command args'..."
    );
    let runs: usize = args[0].parse().expect("RUNS is a number");
    let warmup: usize = args[1].parse().expect("WARMUP is a number");
    let commands: Vec<(String, Vec<String>)> = args[2..]
        .iter()
        .map(|spec| {
            let (name, command) = spec.split_once('=').expect("name=command");
            let argv: Vec<String> = command.split_whitespace().map(str::to_string).collect();
            assert!(!argv.is_empty(), "{name}: no command");
            (name.to_string(), argv)
        })
        .collect();
    for _ in 0..warmup {
        for (_, argv) in &commands {
            run(argv);
        }
    }
    let mut times: Vec<Vec<f64>> = vec![Vec::with_capacity(runs); commands.len()];
    for _ in 0..runs {
        for (i, (_, argv)) in commands.iter().enumerate() {
            times[i].push(run(argv));
        }
    }
    for t in &mut times {
        t.sort_by(f64::total_cmp);
    }
    let base = quantile(&times[0], 0.5);
    println!("| command | median | p10 | p90 | × {} |", commands[0].0);
    println!("| --- | ---: | ---: | ---: | ---: |");
    for ((name, _), t) in commands.iter().zip(&times) {
        let median = quantile(t, 0.5);
        println!(
            "| {name} | {median:.2} ms | {:.2} ms | {:.2} ms | {:.2}x |",
            quantile(t, 0.1),
            quantile(t, 0.9),
            median / base
        );
    }
}
