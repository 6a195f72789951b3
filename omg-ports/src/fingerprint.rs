//! Cheap change detection for package databases.

use serde::{Deserialize, Serialize};

/// The modification time and size of one database file or directory.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "bitcode", derive(bitcode::Encode, bitcode::Decode))]
pub struct FileStamp {
    /// Path of the file.
    pub path: String,
    /// Modification time in nanoseconds since the Unix epoch; 0 when the file is absent.
    pub modified_ns: u128,
    /// Size in bytes; 0 when the file is absent.
    pub len: u64,
}

/// A backend's databases as stamps: equal fingerprints mean nothing needs re-reading.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "bitcode", derive(bitcode::Encode, bitcode::Decode))]
pub struct Fingerprint {
    /// One stamp per database file, in a stable order.
    pub stamps: Vec<FileStamp>,
}
