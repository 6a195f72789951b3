//! Framing: a 4-byte big-endian length, then that many payload bytes.
//!
//! The length excludes the header. A length above the configured maximum (16 MiB by default)
//! is refused as soon as the header is read, before anything is allocated for the payload.
//! The header and limit logic lives here once; [`blocking`] (for `std::io`), [`nonblocking`]
//! (for tokio) and [`FrameBuffer`] (a cancel-safe tokio reader) all use it.

pub mod blocking;
mod buffer;
pub mod nonblocking;

pub use buffer::FrameBuffer;

/// Size of the length header in bytes.
pub const HEADER_LEN: usize = 4;

/// The default maximum payload length: 16 MiB, each way.
pub const DEFAULT_MAX_FRAME: u32 = 16 * 1024 * 1024;

/// Payload bytes allocated up front when reading a frame; the buffer grows only as bytes
/// actually arrive, so a header that lies about its length costs no large allocation.
pub(crate) const INITIAL_PAYLOAD_CAPACITY: usize = 64 * 1024;

/// Errors reading or writing frames.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    /// A header announced a payload above the limit; nothing was allocated for it.
    #[error(
        "frame of {len} bytes exceeds the limit of {max} bytes; the peer is misbehaving or \
         speaks another protocol (raise the limit only if such large messages are expected)"
    )]
    TooLarge {
        /// The announced payload length.
        len: u64,
        /// The configured maximum.
        max: u32,
    },
    /// The stream ended inside a frame (in its header or its payload).
    #[error(
        "connection closed in the middle of a frame ({got} of {expected} bytes); the peer \
         crashed or was stopped: reconnect and retry"
    )]
    Truncated {
        /// Bytes expected (header or header plus payload).
        expected: u64,
        /// Bytes received before the end of the stream.
        got: u64,
    },
    /// The underlying socket failed.
    #[error("socket I/O failed: {0}")]
    Io(#[from] std::io::Error),
}

impl FrameError {
    /// True when the error is a read or write timeout of the socket.
    pub fn is_timeout(&self) -> bool {
        matches!(self, FrameError::Io(e) if matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ))
    }
}

/// The payload length announced by `header`, checked against `max`.
///
/// # Errors
/// [`FrameError::TooLarge`] when the length exceeds `max`.
pub fn parse_header(header: [u8; HEADER_LEN], max: u32) -> Result<usize, FrameError> {
    let len = u32::from_be_bytes(header);
    if len > max {
        return Err(FrameError::TooLarge {
            len: u64::from(len),
            max,
        });
    }
    // u32 always fits in usize on the platforms omg supports (Linux, 32 and 64 bit).
    usize::try_from(len).map_err(|_| FrameError::TooLarge {
        len: u64::from(len),
        max,
    })
}

/// The header for a payload of `len` bytes, checked against `max`.
///
/// # Errors
/// [`FrameError::TooLarge`] when `len` exceeds `max` (or does not fit the 32-bit header).
pub fn make_header(len: usize, max: u32) -> Result<[u8; HEADER_LEN], FrameError> {
    match u32::try_from(len) {
        Ok(n) if n <= max => Ok(n.to_be_bytes()),
        _ => Err(FrameError::TooLarge {
            len: len as u64,
            max,
        }),
    }
}

/// Judge a header read that stopped after `got` bytes: `Ok(None)` for a clean end of stream
/// before any byte, else the checked payload length.
pub(crate) fn judge_header(
    header: [u8; HEADER_LEN],
    got: usize,
    max: u32,
) -> Result<Option<usize>, FrameError> {
    match got {
        0 => Ok(None),
        HEADER_LEN => parse_header(header, max).map(Some),
        _ => Err(FrameError::Truncated {
            expected: HEADER_LEN as u64,
            got: got as u64,
        }),
    }
}

/// The size to grow a payload buffer to next, holding `filled` of `len` bytes: it doubles
/// with the bytes that actually arrive instead of trusting the header's claim at once.
pub(crate) fn grow_target(filled: usize, len: usize) -> usize {
    len.min(filled.saturating_mul(2).max(INITIAL_PAYLOAD_CAPACITY))
}

/// Check that a payload read filled its buffer up to `target`; `len` is the payload length.
pub(crate) fn check_filled(filled: usize, target: usize, len: usize) -> Result<(), FrameError> {
    if filled < target {
        return Err(FrameError::Truncated {
            expected: (HEADER_LEN + len) as u64,
            got: (HEADER_LEN + filled) as u64,
        });
    }
    Ok(())
}

/// Append one complete frame (header and payload) to `out`, for writing several frames with
/// one system call.
///
/// # Errors
/// [`FrameError::TooLarge`] when `payload` exceeds `max`; `out` is then unchanged.
pub fn append_frame(out: &mut Vec<u8>, payload: &[u8], max: u32) -> Result<(), FrameError> {
    let header = make_header(payload.len(), max)?;
    out.reserve(HEADER_LEN + payload.len());
    out.extend_from_slice(&header);
    out.extend_from_slice(payload);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trips_and_limits() {
        let h = make_header(300, 1000).unwrap();
        assert_eq!(h, [0, 0, 1, 44]);
        assert_eq!(parse_header(h, 1000).unwrap(), 300);
        assert!(matches!(
            parse_header([0xff; 4], DEFAULT_MAX_FRAME),
            Err(FrameError::TooLarge {
                len: 0xffff_ffff,
                ..
            })
        ));
        assert!(matches!(
            make_header(1001, 1000),
            Err(FrameError::TooLarge {
                len: 1001,
                max: 1000
            })
        ));
    }

    #[test]
    fn append_frame_leaves_buffer_alone_on_error() {
        let mut out = vec![9];
        assert!(append_frame(&mut out, &[1, 2, 3], 2).is_err());
        assert_eq!(out, vec![9]);
        append_frame(&mut out, &[1, 2], 2).unwrap();
        assert_eq!(out, vec![9, 0, 0, 0, 2, 1, 2]);
    }
}
