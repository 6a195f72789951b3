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

/// `omg audit` found vulnerable packages at or above `--severity` (any, without it).
pub const VULNERABLE: u8 = 6;

/// The exit code for an error.
pub fn code(error: &Error) -> u8 {
    match error {
        Error::NotFound { .. } => NOT_FOUND,
        Error::MissingDatabase { .. } | Error::CorruptDatabase { .. } | Error::Config { .. } => {
            DATABASE
        }
        Error::InvalidRequest(_) => USAGE,
        Error::Library { .. } | Error::BackendGone(_) => BACKEND,
        _ => FAILURE,
    }
}
