//! Errors: a line on stderr, or a JSON object on stdout with `--json`.

use omg_ports::Error;
use serde_json::json;

use super::escape::escape_lines;
use super::Output;

/// What to print for `e`: `(stdout, stderr)`. With `--json`, `{"error": {kind, message,
/// suggestions}}` on stdout.
pub fn error(out: &Output, e: &Error) -> (String, String) {
    if out.json {
        let value = json!({ "error": error_object(e) });
        (format!("{value}\n"), String::new())
    } else {
        text(e)
    }
}

/// What to print for `e` at the end of a transaction's event stream: with `--json` the last
/// line, `{"event": "error", "error": {kind, message, suggestions}}`; else as [`error`].
pub fn error_event(out: &Output, e: &Error) -> (String, String) {
    if out.json {
        let value = json!({ "event": "error", "error": error_object(e) });
        (format!("{value}\n"), String::new())
    } else {
        text(e)
    }
}

fn error_object(e: &Error) -> serde_json::Value {
    let suggestions = match e {
        Error::NotFound { suggestions, .. } => suggestions.clone(),
        Error::UnknownVersion { closest, .. } => closest.clone(),
        _ => Vec::new(),
    };
    json!({
        "kind": kind(e),
        "message": e.to_string(),
        "suggestions": suggestions,
    })
}

fn text(e: &Error) -> (String, String) {
    // The message names packages, files and URLs from outside: escaped.
    let message = e.to_string();
    (
        String::new(),
        format!("omg: error: {}\n", escape_lines(&message)),
    )
}

fn kind(e: &Error) -> &'static str {
    match e {
        Error::NotFound { .. } => "not_found",
        Error::MissingDatabase { .. } => "missing_database",
        Error::CorruptDatabase { .. } => "corrupt_database",
        Error::Config { .. } => "config",
        Error::InvalidRequest(_) => "invalid_request",
        Error::Unsupported { .. } => "unsupported",
        Error::Library { .. } => "library",
        Error::BackendGone(_) => "backend_gone",
        Error::Storage { .. } => "storage",
        Error::NeedsRoot { .. } => "needs_root",
        Error::Locked { .. } => "locked",
        Error::StaleLock { .. } => "stale_lock",
        Error::Unsatisfiable { .. } => "unsatisfiable",
        Error::Conflict { .. } => "conflict",
        Error::FileConflict { .. } => "file_conflict",
        Error::DiskSpace { .. } => "disk_space",
        Error::CorruptPackage { .. } => "corrupt_package",
        Error::Download { .. } => "download",
        Error::Interrupted(_) => "interrupted",
        Error::MalformedFeed { .. } => "malformed_feed",
        Error::NoCachedFeed { .. } => "no_cached_feed",
        Error::ChecksumMismatch { .. } => "checksum_mismatch",
        Error::MissingChecksum { .. } => "missing_checksum",
        Error::UnknownVersion { .. } => "unknown_version",
        Error::NotInstalled { .. } => "not_installed",
        Error::UnsupportedPlatform { .. } => "unsupported_platform",
        Error::UnsafeArchiveEntry { .. } => "unsafe_archive_entry",
        Error::NoMise { .. } => "no_mise",
        _ => "io",
    }
}
