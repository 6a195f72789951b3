//! The one error type the ports speak. Every message says what happened and what to do next.

use std::path::PathBuf;

/// Errors from backends and the domain.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No package by that name.
    #[error("package '{name}' was not found{}", did_you_mean(.suggestions))]
    NotFound {
        /// The name that was asked for.
        name: String,
        /// Close names that do exist, best first.
        suggestions: Vec<String>,
    },
    /// A package database is absent.
    #[error("package database {} is missing; run `omg sync` to download it", .path.display())]
    MissingDatabase {
        /// The file that should exist.
        path: PathBuf,
    },
    /// A package database exists but could not be read, or yielded no packages.
    #[error("package database {} is unreadable ({reason}); run `omg sync` to download it again", .path.display())]
    CorruptDatabase {
        /// The damaged file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A configuration file is missing or invalid.
    #[error("configuration {}: {reason}", .path.display())]
    Config {
        /// The configuration file.
        path: PathBuf,
        /// What is wrong, and how to fix it.
        reason: String,
    },
    /// The request itself is invalid (an empty query, a bad option).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The backend does not implement this operation.
    #[error("the {backend} backend does not support {operation} yet")]
    Unsupported {
        /// Backend name.
        backend: String,
        /// The operation that was asked for.
        operation: String,
    },
    /// The underlying package library reported an error.
    #[error("{library}: {message}")]
    Library {
        /// Which library (`libalpm`, `libapt-pkg`).
        library: String,
        /// Its message.
        message: String,
    },
    /// The backend's worker is gone (it panicked or was shut down).
    #[error("the {0} backend is no longer running; restart omg")]
    BackendGone(String),
    /// omg's own state database could not be read or written.
    #[error("state database {}: {reason}; stop omgd and remove the file to start afresh", .path.display())]
    Storage {
        /// The database file.
        path: PathBuf,
        /// What failed.
        reason: String,
    },
    /// An I/O error on a named file.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

/// `Result` with the ports' [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

fn did_you_mean(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", suggestions.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_found_lists_suggestions() {
        let e = Error::NotFound {
            name: "fierfox".into(),
            suggestions: vec!["firefox".into(), "firefox-esr".into()],
        };
        assert_eq!(
            e.to_string(),
            "package 'fierfox' was not found; did you mean firefox, firefox-esr?"
        );
        let e = Error::NotFound {
            name: "zzz".into(),
            suggestions: vec![],
        };
        assert_eq!(e.to_string(), "package 'zzz' was not found");
    }
}
