//! `omg __complete <index> <words...>`: the candidates a completion script offers, one a
//! line. Commands and options come from the command line's tree
//! ([`omg_cli_core::complete::analyze`]); package names from the omgd that serves the line's
//! configuration (protocol 4.2's `Complete`, within 200 ms); runtime names and
//! installed versions from the runtimes directory. Without an omgd, package names are
//! nothing: a completion never starts the helper (opening a backend costs far more than a
//! key press may). Failures print nothing and exit 0: a shell shows no errors under the
//! prompt. A name from outside that a shell could read as code is left out
//! ([`shell_safe`]).

use std::ffi::OsString;
use std::time::Duration;

use omg_adapters_runtimes::RuntimesHome;
use omg_cli_core::args::Global;
use omg_cli_core::complete::{analyze, shell_safe, Want};
use omg_transport_uds::{default_socket_path, BlockingClient, ClientConfig, Request, Response};

/// The longest omgd may take to answer; a stuck daemon costs a key press this much.
const TIMEOUT: Duration = Duration::from_millis(200);

/// The most package names asked for (omgd answers at most 1000).
const LIMIT: u32 = 1000;

/// The arguments after `__complete` as `(index, words)`, when they have that shape.
pub fn parse(args: &[OsString]) -> Option<(usize, Vec<String>)> {
    let index = args.first()?.to_str()?.parse().ok()?;
    let words = args[1..]
        .iter()
        .map(|w| w.to_str().map(str::to_string))
        .collect::<Option<Vec<_>>>()?;
    Some((index, words))
}

/// The candidates for the word at `index` of `words`, one a line.
pub fn answer(words: &[String], index: usize) -> String {
    let completion = analyze(words, index);
    let current = completion.current.as_str();
    let mut out = String::new();
    let mut push = |candidate: &str| {
        if candidate.starts_with(current) && shell_safe(candidate) {
            out.push_str(candidate);
            out.push('\n');
        }
    };
    match completion.want {
        Want::Nothing => {}
        // omg's own words (options start with `-`, which a name from outside may not).
        Want::Words(words) => {
            return words
                .iter()
                .filter(|w| w.starts_with(current))
                .fold(String::new(), |out, w| out + w + "\n")
        }
        Want::Packages { installed } => {
            packages(&completion.global, current, installed)
                .iter()
                .for_each(|n| push(n));
        }
        Want::Runtimes { installed } => runtimes(installed).iter().for_each(|r| push(r)),
        Want::Versions(runtime) => versions(&runtime).iter().for_each(|v| push(v)),
        Want::Targets(runtime) => versions(&runtime)
            .iter()
            .for_each(|v| push(&format!("{runtime}@{v}"))),
    }
    out
}

/// Names starting with `prefix` from the omgd serving `global`'s configuration; none
/// without one.
fn packages(global: &Global, prefix: &str, installed: bool) -> Vec<String> {
    if global.no_daemon {
        return Vec::new();
    }
    let socket = global.socket.clone().unwrap_or_else(default_socket_path);
    let config = ClientConfig {
        timeout: Some(TIMEOUT),
        overload_retries: 0,
        ..ClientConfig::default()
    };
    let request = Request::Complete {
        prefix: prefix.to_string(),
        installed,
        limit: LIMIT,
    };
    let Ok(mut client) = BlockingClient::connect(&socket, &config) else {
        return Vec::new();
    };
    // A daemon of another configuration names other packages; one before 4.2 has no
    // `Complete` (`request` refuses to send it).
    if crate::fast_path::serves_global(global, &client.daemon().backend) != Some(true) {
        return Vec::new();
    }
    match client.request(request) {
        Ok(Response::Suggestions(names)) => names,
        _ => Vec::new(),
    }
}

/// The runtimes omg installs natively, and any other with installed versions here; only
/// those with installed versions when `installed`.
fn runtimes(installed: bool) -> Vec<String> {
    let on_disk: Vec<String> = RuntimesHome::from_env()
        .map(|home| {
            home.runtimes()
                .into_iter()
                .filter(|r| home.installed(r).is_ok_and(|v| !v.is_empty()))
                .collect()
        })
        .unwrap_or_default();
    if installed {
        return on_disk;
    }
    let mut all: Vec<String> = omg_adapters_releases::NATIVE_RUNTIMES
        .iter()
        .map(|r| r.to_string())
        .chain(on_disk)
        .collect();
    all.sort();
    all.dedup();
    all
}

/// The installed versions of `runtime`, newest first.
fn versions(runtime: &str) -> Vec<String> {
    RuntimesHome::from_env()
        .and_then(|home| home.installed(runtime))
        .map(|installed| installed.iter().map(|i| i.version().to_string()).collect())
        .unwrap_or_default()
}
