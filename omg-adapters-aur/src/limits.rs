//! The bounds every answer, dump and `.SRCINFO` is read within. Anything past a bound is
//! refused with a typed error, never cut short silently.

/// The largest RPC answer accepted, in bytes (the body the [`omg_ports::Fetcher`] reads).
pub const RPC_MAX_BYTES: u64 = 32 << 20;

/// The most results one RPC answer may carry (aurweb refuses more than 5,000 itself).
pub const RPC_MAX_RESULTS: usize = 10_000;

/// The longest string of a record (a name, a description, one dependency), in bytes.
pub const MAX_STRING: usize = 64 << 10;

/// The most entries of one list of a record (`Depends`, `License`...).
pub const MAX_LIST: usize = 10_000;

/// The largest compressed metadata dump accepted, in bytes.
pub const DUMP_MAX_BYTES: u64 = 256 << 20;

/// The largest decompressed metadata dump accepted, in bytes.
pub const DUMP_MAX_UNPACKED: u64 = 1 << 30;

/// The most records the metadata dump may hold.
pub const DUMP_MAX_RECORDS: usize = 500_000;

/// The largest `.SRCINFO` read, in bytes.
pub const SRCINFO_MAX_BYTES: u64 = 1 << 20;

/// The longest line of a `.SRCINFO`, in bytes.
pub const SRCINFO_MAX_LINE: usize = 64 << 10;

/// The most `key = value` fields of a `.SRCINFO`.
pub const SRCINFO_MAX_FIELDS: usize = 100_000;

/// The bounds of one metadata dump read (smaller ones in the fuzz targets, so that they are
/// met often).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DumpLimits {
    /// Decompressed bytes.
    pub unpacked: u64,
    /// Records.
    pub records: usize,
}

impl DumpLimits {
    /// The bounds the real dump is read within.
    pub(crate) const DEFAULT: DumpLimits = DumpLimits {
        unpacked: DUMP_MAX_UNPACKED,
        records: DUMP_MAX_RECORDS,
    };
}
