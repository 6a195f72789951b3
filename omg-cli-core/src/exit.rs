//! Exit codes, documented in the README.

use omg_ports::Error;

/// Success.
pub const OK: u8 = 0;
/// A failure not covered below.
pub const FAILURE: u8 = 1;
/// Bad command line (clap's own code).
pub const USAGE: u8 = 2;
/// A package that was asked for does not exist.
pub const NOT_FOUND: u8 = 3;
/// A package database or configuration file is missing or damaged.
pub const DATABASE: u8 = 4;
/// The backend cannot be started (helper binary missing, library error).
pub const BACKEND: u8 = 5;

/// Changing packages needs root, and it was not given (or sudo was declined).
pub const NEEDS_ROOT: u8 = 6;
/// Another package manager holds the database lock, or a stale lock is in the way.
pub const LOCKED: u8 = 7;
/// The transaction cannot be carried out: unsatisfiable dependency, conflict, file conflict,
/// disk space, a corrupt package file, a failed download.
pub const TRANSACTION: u8 = 8;
/// Interrupted by the user (Ctrl-C, or a declined confirmation); nothing half-done is left.
pub const INTERRUPTED: u8 = 130;
/// `omg audit` found vulnerable packages at or above `--severity` (any, without it).
pub const VULNERABLE: u8 = 10;

/// Every exit code with its meaning in a few words: what `omg --help` lists, and what the
/// README's table must agree with (a test compares them).
pub const ALL: [(u8, &str); 11] = [
    (OK, "success"),
    (FAILURE, "other failure"),
    (USAGE, "bad command line, or an invalid request"),
    (
        NOT_FOUND,
        "a package or runtime version asked for does not exist",
    ),
    (
        DATABASE,
        "a package database or configuration file is missing or damaged",
    ),
    (BACKEND, "the backend cannot run"),
    (NEEDS_ROOT, "changing packages needs root"),
    (LOCKED, "another package manager holds the database lock"),
    (TRANSACTION, "the transaction cannot be carried out"),
    (VULNERABLE, "omg audit found vulnerable packages"),
    (INTERRUPTED, "interrupted, or the confirmation was declined"),
];

/// The exit codes as `omg --help` shows them after the options.
pub fn help() -> String {
    let mut s = String::from("Exit codes:\n");
    for (code, meaning) in ALL {
        s.push_str(&format!("  {code:>3}  {meaning}\n"));
    }
    s
}

/// The exit code for an error.
pub fn code(error: &Error) -> u8 {
    match error {
        Error::NotFound { .. }
        | Error::UnknownVersion { .. }
        | Error::NotInstalled { .. }
        | Error::UnsupportedPlatform { .. } => NOT_FOUND,
        Error::NoMise { .. } => BACKEND,
        Error::ChecksumMismatch { .. }
        | Error::MissingChecksum { .. }
        | Error::BadSignature { .. }
        | Error::UnverifiedSignature { .. }
        | Error::UnsafeArchiveEntry { .. } => TRANSACTION,
        Error::MissingDatabase { .. } | Error::CorruptDatabase { .. } | Error::Config { .. } => {
            DATABASE
        }
        Error::InvalidRequest(_) => USAGE,
        Error::Library { .. } | Error::BackendGone(_) | Error::BackendNotBuilt { .. } => BACKEND,
        Error::NeedsRoot { .. } => NEEDS_ROOT,
        Error::Locked { .. } | Error::StaleLock { .. } => LOCKED,
        Error::Unsatisfiable { .. }
        | Error::Conflict { .. }
        | Error::FileConflict { .. }
        | Error::DiskSpace { .. }
        | Error::CorruptPackage { .. }
        | Error::Download { .. }
        | Error::RateLimited { .. }
        | Error::TooManyPages { .. } => TRANSACTION,
        Error::Interrupted(_) => INTERRUPTED,
        _ => FAILURE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_listed_once() {
        let mut codes: Vec<u8> = ALL.iter().map(|(c, _)| *c).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), ALL.len());
        assert!(help().contains(&format!("{VULNERABLE:>3}  omg audit")));
    }
}
