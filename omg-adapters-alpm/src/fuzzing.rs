//! Entry points for the fuzz targets in `omg-adapters-alpm/fuzz/`, and for nothing else: not
//! part of the crate's API, and free to change with the targets.
//!
//! The reader runs within bounds smaller than the ones databases are read with, so that
//! the fuzzer meets every bound often and an input that unpacks to the bound costs
//! milliseconds; the code paths are the same.

use crate::syncdb::{self, Limits};

/// The bounds of a fuzzed read.
const LIMITS: Limits = Limits {
    file: u64::MAX,
    unpacked: 8 << 20,
    ratio: 64,
    ratio_floor: 1 << 20,
    special_header: 64 << 10,
    entry: 1 << 20,
    packages: 10_000,
    text: 1 << 20,
    zstd_window_log: 20,
    xz_memory: 16 << 20,
};

/// The largest single allocation through Rust's allocator a fuzzed read may make: a buffer
/// grown to an entry (1 MiB) or to the index text (1 MiB) has at most twice that. (The zstd
/// and xz decoders allocate with C's `malloc`, within their window and memory limits.)
pub const ALLOCATION_BOUND: usize = 2 << 20;

/// What reading one database gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadOutcome {
    /// A compression the reader leaves to libalpm.
    Unsupported,
    /// Read: packages in the index and error messages met.
    Read {
        /// Packages in the index.
        packages: usize,
        /// Error messages.
        errors: usize,
    },
    /// Refused at a bound; the message.
    Exceeded(String),
}

/// Reads `bytes` as a whole sync database file (gzip, zstd, xz or plain tar, told by its
/// first bytes) within small bounds (8 MiB unpacked, past 1 MiB at most 64 times the input,
/// 1 MiB per entry, 64 KiB per special
/// header, 10,000 packages).
pub fn read_sync_db(bytes: &[u8]) -> ReadOutcome {
    match syncdb::read_bytes(bytes, "fuzz", LIMITS) {
        None => ReadOutcome::Unsupported,
        Some(Ok((index, errors))) => ReadOutcome::Read {
            packages: index.len(),
            errors: errors.len(),
        },
        Some(Err(e)) => ReadOutcome::Exceeded(e.to_string()),
    }
}

/// What parsing one `desc` file kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DescOutcome<'a> {
    /// `%DESC%`'s line.
    pub desc: Option<&'a [u8]>,
    /// `%ARCH%`'s line.
    pub arch: Option<&'a [u8]>,
    /// `%PROVIDES%`'s lines.
    pub provides: Option<&'a [u8]>,
    /// Problems met (libalpm's errors).
    pub problems: usize,
}

/// Parses `content` as the `desc` file of the entry `pkg-1.0-1/desc`.
pub fn parse_desc(content: &[u8]) -> DescOutcome<'_> {
    syncdb::parse_desc(content)
}
