//! The compressions the streaming reader handles, told by their first bytes.

/// How a sync database file is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// gzip (what `repo-add` writes by default).
    Gzip,
    /// Zstandard.
    Zstd,
    /// xz.
    Xz,
    /// An uncompressed tar.
    Tar,
}

impl Format {
    /// The format `bytes` (a whole file) is in, `None` for one the reader does not handle
    /// (bzip2, lz4, ...; libalpm reads those).
    pub fn detect(bytes: &[u8]) -> Option<Format> {
        if bytes.starts_with(&[0x1f, 0x8b]) {
            Some(Format::Gzip)
        } else if bytes.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Some(Format::Zstd)
        } else if bytes.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0x00]) {
            Some(Format::Xz)
        } else if bytes.get(257..262) == Some(b"ustar") {
            Some(Format::Tar)
        } else {
            None
        }
    }

    /// What libarchive says of a stream in this format that ends too early.
    pub fn truncated(self) -> &'static str {
        match self {
            Format::Gzip => "truncated gzip input",
            Format::Zstd => "Truncated zstd input",
            Format::Xz => "truncated xz input",
            Format::Tar => "Truncated tar archive",
        }
    }

    /// The name used in messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::Gzip => "gzip",
            Format::Zstd => "zstd",
            Format::Xz => "xz",
            Format::Tar => "tar",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_bytes() {
        assert_eq!(Format::detect(&[0x1f, 0x8b, 8]), Some(Format::Gzip));
        assert_eq!(
            Format::detect(&[0x28, 0xb5, 0x2f, 0xfd, 0]),
            Some(Format::Zstd)
        );
        assert_eq!(Format::detect(b"\xfd7zXZ\0rest"), Some(Format::Xz));
        let mut tar = vec![0u8; 512];
        tar[257..262].copy_from_slice(b"ustar");
        assert_eq!(Format::detect(&tar), Some(Format::Tar));
        assert_eq!(Format::detect(b"BZh91AY&SY"), None);
        assert_eq!(Format::detect(b""), None);
    }
}
