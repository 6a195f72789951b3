//! Stored values: a format version byte, then bitcode.

use std::fmt;

/// The version of the stored values' format, their first byte. Bump it when a stored type
/// (`Fingerprint`, `PackageSummary`, `StatusSnapshot` and what they contain) changes, or when
/// bitcode's major version does: values of another version are then ignored, not misread.
/// 3: `PackageSummary::provides` (snapshots of version 2 lack it and are read again).
pub const FORMAT_VERSION: u8 = 3;

/// Why a stored value could not be decoded.
#[derive(Debug)]
pub(crate) enum DecodeError {
    /// The value is empty: it has not even a version byte.
    Empty,
    /// It was written in another format version.
    Version(u8),
    /// It has this version but is not a valid encoding of the type.
    Malformed(bitcode::Error),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => write!(f, "the value is empty"),
            Self::Version(found) => write!(
                f,
                "it was written in format version {found}, this omg reads version {FORMAT_VERSION}"
            ),
            Self::Malformed(e) => write!(f, "it does not decode ({e})"),
        }
    }
}

/// `value` as stored: [`FORMAT_VERSION`], then its bitcode encoding.
pub(crate) fn encode<T: bitcode::Encode + ?Sized>(value: &T) -> Vec<u8> {
    let body = bitcode::encode(value);
    let mut out = Vec::with_capacity(body.len() + 1);
    out.push(FORMAT_VERSION);
    out.extend_from_slice(&body);
    out
}

/// The value stored as `bytes`, when it has this format version and decodes.
pub(crate) fn decode<T: bitcode::DecodeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    match bytes.split_first() {
        None => Err(DecodeError::Empty),
        Some((&FORMAT_VERSION, body)) => bitcode::decode(body).map_err(DecodeError::Malformed),
        Some((&other, _)) => Err(DecodeError::Version(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use omg_ports::{FileStamp, Fingerprint};

    fn fingerprint() -> Fingerprint {
        Fingerprint {
            stamps: vec![FileStamp {
                path: "/var/lib/pacman/sync/core.db".into(),
                modified_ns: 1_700_000_000_000_000_000,
                len: 123_456,
            }],
        }
    }

    #[test]
    fn round_trip() {
        let bytes = encode(&fingerprint());
        assert_eq!(bytes[0], FORMAT_VERSION);
        let back: Fingerprint = decode(&bytes).map_err(|e| e.to_string()).unwrap();
        assert_eq!(back, fingerprint());
    }

    #[test]
    fn another_version_is_refused() {
        let mut bytes = encode(&fingerprint());
        bytes[0] = FORMAT_VERSION + 1;
        let e = decode::<Fingerprint>(&bytes).unwrap_err();
        assert!(matches!(e, DecodeError::Version(v) if v == FORMAT_VERSION + 1));
        assert!(e.to_string().contains("format version"), "{e}");
    }

    #[test]
    fn garbage_and_empty_are_refused() {
        assert!(matches!(
            decode::<Fingerprint>(&[]),
            Err(DecodeError::Empty)
        ));
        let mut bytes = encode(&fingerprint());
        bytes.truncate(bytes.len() / 2);
        assert!(matches!(
            decode::<Fingerprint>(&bytes),
            Err(DecodeError::Malformed(_))
        ));
        assert!(matches!(
            decode::<Fingerprint>(&[FORMAT_VERSION, 0xff, 0xff, 0xff, 0xff, 0xff]),
            Err(DecodeError::Malformed(_))
        ));
    }
}
