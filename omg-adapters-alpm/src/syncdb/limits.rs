//! Bounds on what reading one sync database may cost, and the error for a database past one.
//!
//! A sync database comes from a mirror: its archive can claim any size in a header, unpack
//! to any size, and its file can be a symbolic link to a device. Each bound stops the read
//! before the cost is paid (a header's claimed size is checked before its data is read).
//! None comes near a real database: Arch's `extra.db`, the largest, holds about 15,000
//! packages in about 8 MB of gzip, about 45 MB unpacked, with about 2 MB of index text.

use std::fmt;

/// The bounds of one read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    /// Most bytes in the file as stored (compressed).
    pub file: u64,
    /// Most bytes the archive may unpack to: headers, data and padding, counted as each
    /// header claims them.
    pub unpacked: u64,
    /// Past [`Limits::ratio_floor`] unpacked bytes, the most the archive may unpack to as a
    /// multiple of the file's size: a bomb is refused long before [`Limits::unpacked`]
    /// (sync databases unpack to 5 to 20 times their size: Arch's `extra.db` about 6, a
    /// generated 50,000-package one of short descriptions, mostly tar padding, 17.5; small
    /// ones, padded to 10 KiB records, to more, under the floor). 100, as for runtime
    /// archives.
    pub ratio: u64,
    /// Unpacked bytes below which [`Limits::ratio`] does not apply.
    pub ratio_floor: u64,
    /// Most bytes of a GNU long name or long link, or of a pax header. libarchive refuses
    /// more than 1 MiB ("Special header too large"); a path past `PATH_MAX` (4 KiB) is no
    /// package's.
    pub special_header: u64,
    /// Most bytes of one `desc` (or `depends`) file: a real one holds a few KiB; libalpm
    /// reads lines of up to 512 KiB.
    pub entry: u64,
    /// Most packages (Arch's `extra` has about 15,000; all of Debian, about 64,000).
    pub packages: usize,
    /// Most bytes of index text (names, versions, descriptions, architectures, provides):
    /// about 110 bytes a package, 2 MB for Arch's `extra`, 7 MB for 64,000 packages.
    pub text: usize,
    /// The largest zstd window accepted, as a power of two (zstd's own default is 27;
    /// `repo-add` writes 21 (`zstd -q`), `zstd -19` 23, `--ultra -20` 25).
    pub zstd_window_log: u32,
    /// Most memory the xz decoder may take (`xz -9` needs 65 MiB; `repo-add` writes `-6`,
    /// 9 MiB).
    pub xz_memory: u64,
}

impl Limits {
    /// The most a file of `size` bytes may unpack to: [`Limits::unpacked`], or less when
    /// [`Limits::ratio`] says so.
    pub fn unpacked_for(&self, size: u64) -> u64 {
        let by_ratio = size.saturating_mul(self.ratio).max(self.ratio_floor);
        self.unpacked.min(by_ratio)
    }

    /// The bounds every database is read with.
    pub const DEFAULT: Limits = Limits {
        file: 256 << 20,
        unpacked: 256 << 20,
        ratio: 100,
        ratio_floor: 32 << 20,
        special_header: 64 << 10,
        entry: 16 << 20,
        packages: 250_000,
        text: 16 << 20,
        zstd_window_log: 25,
        xz_memory: 72 << 20,
    };
}

/// A database past one of its [`Limits`]: the read stopped there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Exceeded {
    /// The file is larger than [`Limits::file`].
    File {
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The archive unpacks to more than [`Limits::unpacked`].
    Unpacked {
        /// The limit.
        limit: u64,
    },
    /// The archive unpacks to more than [`Limits::ratio`] times the file's size (and more
    /// than [`Limits::ratio_floor`]).
    Ratio {
        /// The file's size.
        size: u64,
        /// The limit on the ratio.
        ratio: u64,
    },
    /// A long name, long link or pax header claims more than [`Limits::special_header`].
    SpecialHeader {
        /// What kind of header.
        kind: &'static str,
        /// The size it claims.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A `desc` file is larger than [`Limits::entry`].
    Entry {
        /// Its path in the archive, shortened for display.
        path: String,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// More packages than [`Limits::packages`].
    Packages {
        /// The limit.
        limit: usize,
    },
    /// More index text than [`Limits::text`].
    Text {
        /// The limit.
        limit: usize,
    },
    /// The compressed stream needs more memory to decode than its decoder is allowed.
    DecoderMemory {
        /// The compression (`zstd`, `xz`).
        format: &'static str,
        /// The limit.
        limit: u64,
    },
}

impl fmt::Display for Exceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Exceeded::File { size, limit } => write!(
                f,
                "the file is {size} bytes, more than the {} a sync database may be",
                bytes(*limit)
            ),
            Exceeded::Unpacked { limit } => write!(
                f,
                "the archive unpacks to more than {}, the most a sync database may",
                bytes(*limit)
            ),
            Exceeded::Ratio { size, ratio } => write!(
                f,
                "the archive unpacks to more than {ratio} times the file's {size} bytes, as no \
                 sync database does (a decompression bomb)"
            ),
            Exceeded::SpecialHeader { kind, size, limit } => write!(
                f,
                "Special header too large: a tar {kind} header claims {size} bytes, more than {}",
                bytes(*limit)
            ),
            Exceeded::Entry { path, size, limit } => write!(
                f,
                "entry '{path}' is {size} bytes, more than the {} a package's description may be",
                bytes(*limit)
            ),
            Exceeded::Packages { limit } => {
                write!(f, "it holds more than {limit} packages")
            }
            Exceeded::Text { limit } => write!(
                f,
                "its names, versions and descriptions take more than {}",
                bytes(*limit as u64)
            ),
            Exceeded::DecoderMemory { format, limit } => write!(
                f,
                "its {format} stream needs more than {} of memory to unpack",
                bytes(*limit)
            ),
        }
    }
}

/// `n` bytes in the largest binary unit that divides it (`64 KiB`, `256 MiB`).
fn bytes(n: u64) -> String {
    match n {
        0 => "0 bytes".to_string(),
        n if n % (1 << 30) == 0 => format!("{} GiB", n >> 30),
        n if n % (1 << 20) == 0 => format!("{} MiB", n >> 20),
        n if n % (1 << 10) == 0 => format!("{} KiB", n >> 10),
        n => format!("{n} bytes"),
    }
}

/// At most [`SHOWN`] bytes of `text` (a path or name from the archive) as text, for messages:
/// an archive's paths can be as long as a special header.
pub(crate) fn shown(text: &[u8]) -> String {
    match text.get(..SHOWN) {
        Some(head) if text.len() > SHOWN => {
            format!(
                "{}... ({} bytes)",
                String::from_utf8_lossy(head),
                text.len()
            )
        }
        _ => String::from_utf8_lossy(text).into_owned(),
    }
}

/// The longest path or name quoted whole in a message.
const SHOWN: usize = 512;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_binary_units() {
        assert_eq!(bytes(64 << 10), "64 KiB");
        assert_eq!(bytes(256 << 20), "256 MiB");
        assert_eq!(bytes(2 << 30), "2 GiB");
        assert_eq!(bytes(1000), "1000 bytes");
        assert_eq!(bytes(0), "0 bytes");
    }

    #[test]
    fn long_paths_are_shortened_in_messages() {
        assert_eq!(shown(b"foo-1-1/desc"), "foo-1-1/desc");
        let long = vec![b'a'; 2000];
        let text = shown(&long);
        assert!(text.starts_with(&"a".repeat(SHOWN)), "{text}");
        assert!(text.ends_with("... (2000 bytes)"), "{text}");
        assert_eq!(shown(&long[..SHOWN]), "a".repeat(SHOWN));
    }

    #[test]
    fn messages_name_the_limit() {
        let e = Exceeded::SpecialHeader {
            kind: "long name",
            size: 1_610_612_736,
            limit: Limits::DEFAULT.special_header,
        };
        assert_eq!(
            e.to_string(),
            "Special header too large: a tar long name header claims 1610612736 bytes, more than 64 KiB"
        );
    }
}
