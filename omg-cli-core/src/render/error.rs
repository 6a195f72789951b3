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
        "message": message(e),
        "suggestions": suggestions,
    })
}

fn text(e: &Error) -> (String, String) {
    // The message names packages, files and URLs from outside: escaped.
    let message = message(e);
    (
        String::new(),
        format!("omg: error: {}\n", escape_lines(&message)),
    )
}

/// `e`'s message as omg prints it: the library's words, then what to run next, in omg's
/// commands (the libraries' errors do not name the CLI).
pub fn message(e: &Error) -> String {
    let mut message = e.to_string();
    if let Some(next) = next_step(e) {
        message.push_str(&next);
    }
    message
}

/// The omg command that helps with `e`, as the end of its sentence.
fn next_step(e: &Error) -> Option<String> {
    Some(match e {
        Error::MissingDatabase { .. } => "; run `omg sync` to download it".into(),
        Error::CorruptDatabase { .. } => "; run `omg sync` to download it again".into(),
        Error::NeedsRoot { .. } => "; run it again with sudo (or pass --sudo)".into(),
        Error::Unsatisfiable { .. } => ". Run `omg sync`, or check the package's repository".into(),
        Error::DiskSpace { .. } => "; free some space (`omg clean --cache`)".into(),
        Error::NoCachedFeed { .. } => "; run `omg audit` once with network access first".into(),
        Error::NotInstalled { runtime, version } => {
            format!("; run `omg runtimes install {runtime} {version}`")
        }
        Error::UnknownVersion { closest, .. } if closest.is_empty() => {
            "; `omg runtimes list --remote <runtime>` shows the versions there are".into()
        }
        _ => return None,
    })
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
        Error::RateLimited { .. } => "rate_limited",
        Error::TooManyPages { .. } => "too_many_pages",
        Error::Interrupted(_) => "interrupted",
        Error::MalformedFeed { .. } => "malformed_feed",
        Error::AurAnswer { .. } => "aur_answer",
        Error::NoCachedFeed { .. } => "no_cached_feed",
        Error::ChecksumMismatch { .. } => "checksum_mismatch",
        Error::MissingChecksum { .. } => "missing_checksum",
        Error::BadSignature { .. } => "bad_signature",
        Error::UnverifiedSignature { .. } => "unverified_signature",
        Error::UnknownVersion { .. } => "unknown_version",
        Error::NotInstalled { .. } => "not_installed",
        Error::UnsupportedPlatform { .. } => "unsupported_platform",
        Error::UnsafeArchiveEntry { .. } => "unsafe_archive_entry",
        Error::NoMise { .. } => "no_mise",
        Error::BackendNotBuilt { .. } => "backend_not_built",
        _ => "io",
    }
}
