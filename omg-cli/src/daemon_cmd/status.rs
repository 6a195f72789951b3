//! `omg daemon status`: running or not, what omgd serves, and its counters.

use std::path::Path;

use serde_json::json;

use super::{fail, json_line, probe, Running};
use omg_cli_core::exit;
use omg_cli_core::Answer;

/// Report on the daemon at `socket`: exit 0 when it runs, 1 when it does not.
pub(super) fn status(socket: &Path, json: bool) -> Answer {
    match probe(socket, true) {
        Ok(Some(running)) => Answer {
            stdout: if json {
                json_line(&to_json(socket, &running))
            } else {
                text(socket, &running)
            },
            stderr: String::new(),
            code: exit::OK,
        },
        Ok(None) => Answer {
            stdout: if json {
                json_line(&json!({ "running": false, "socket": socket }))
            } else {
                format!(
                    "omgd is not running (nothing answers on {}); start it with `omg daemon start`\n",
                    socket.display()
                )
            },
            stderr: String::new(),
            code: exit::FAILURE,
        },
        Err(e) => fail(
            exit::FAILURE,
            format!("omgd on {} does not answer properly: {e}", socket.display()),
        ),
    }
}

fn to_json(socket: &Path, r: &Running) -> serde_json::Value {
    let stats = r.stats.clone().unwrap_or_default();
    json!({
        "running": true,
        "pid": r.peer.map(|(pid, _)| pid),
        "uid": r.peer.map(|(_, uid)| uid),
        "socket": socket,
        "daemon_version": r.info.daemon_version,
        "backend": r.info.backend.name,
        "config": r.info.backend.config,
        "root": r.info.backend.root,
        "index_generation": stats.index_generation,
        "packages": stats.packages,
        "uptime_ms": stats.uptime_ms,
        "requests": stats.requests,
        "cache_hits": stats.cache_hits,
        "cache_misses": stats.cache_misses,
        "cache_hit_rate": hit_rate(stats.cache_hits, stats.cache_misses),
    })
}

fn text(socket: &Path, r: &Running) -> String {
    let stats = r.stats.clone().unwrap_or_default();
    let pid = r
        .peer
        .map_or_else(|| "unknown".to_string(), |(pid, _)| pid.to_string());
    let b = &r.info.backend;
    let cache = match hit_rate(stats.cache_hits, stats.cache_misses) {
        Some(rate) => format!(
            "{:.1}% hits ({} of {})",
            rate * 100.0,
            stats.cache_hits,
            stats.cache_hits + stats.cache_misses
        ),
        None => "no cacheable requests yet".to_string(),
    };
    let rows = [
        ("pid", pid),
        ("socket", socket.display().to_string()),
        ("version", r.info.daemon_version.clone()),
        ("backend", b.name.clone()),
        ("config", b.config.clone().unwrap_or_else(|| "-".into())),
        ("root", b.root.clone()),
        (
            "index",
            format!(
                "generation {}, {} packages",
                stats.index_generation, stats.packages
            ),
        ),
        ("uptime", uptime(stats.uptime_ms)),
        ("requests", stats.requests.to_string()),
        ("cache", cache),
    ];
    let mut out = String::from("omgd is running\n");
    for (label, value) in rows {
        out.push_str(&format!("  {:<10}{value}\n", format!("{label}:")));
    }
    out
}

/// Hits over hits + misses; `None` before any cacheable request.
fn hit_rate(hits: u64, misses: u64) -> Option<f64> {
    let total = hits.saturating_add(misses);
    (total > 0).then(|| hits as f64 / total as f64)
}

/// `2d 3h 4m`, `1h 2m 3s`, `42s`.
fn uptime(ms: u64) -> String {
    let s = ms / 1000;
    let (d, h, m, s) = (s / 86_400, s / 3600 % 24, s / 60 % 60, s % 60);
    if d > 0 {
        format!("{d}d {h}h {m}m")
    } else if h > 0 {
        format!("{h}h {m}m {s}s")
    } else if m > 0 {
        format!("{m}m {s}s")
    } else {
        format!("{s}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uptime_is_readable() {
        assert_eq!(uptime(999), "0s");
        assert_eq!(uptime(42_000), "42s");
        assert_eq!(uptime(125_000), "2m 5s");
        assert_eq!(uptime(3_725_000), "1h 2m 5s");
        assert_eq!(uptime(2 * 86_400_000 + 3_600_000), "2d 1h 0m");
    }

    #[test]
    fn hit_rate_handles_zero() {
        assert_eq!(hit_rate(0, 0), None);
        assert_eq!(hit_rate(3, 1), Some(0.75));
        assert_eq!(hit_rate(u64::MAX, u64::MAX), Some(1.0));
    }
}
