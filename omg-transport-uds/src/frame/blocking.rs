//! Frames over blocking `std::io` streams (the CLI's client).

use std::io::{ErrorKind, Read, Write};

use super::{check_filled, grow_target, judge_header, make_header, FrameError, HEADER_LEN};

/// Read one frame's payload.
///
/// Returns `Ok(None)` when the stream ends cleanly between frames.
///
/// # Errors
/// [`FrameError::TooLarge`] as soon as a header announces more than `max` bytes (nothing is
/// allocated for it); [`FrameError::Truncated`] when the stream ends inside a frame;
/// [`FrameError::Io`] when the stream fails (including read timeouts).
pub fn read_frame<R: Read + ?Sized>(r: &mut R, max: u32) -> Result<Option<Vec<u8>>, FrameError> {
    let mut header = [0u8; HEADER_LEN];
    let got = fill(r, &mut header)?;
    let Some(len) = judge_header(header, got, max)? else {
        return Ok(None);
    };
    let mut payload = Vec::new();
    while payload.len() < len {
        let filled = payload.len();
        payload.resize(grow_target(filled, len), 0);
        let got = fill(r, &mut payload[filled..])?;
        check_filled(filled + got, payload.len(), len)?;
    }
    Ok(Some(payload))
}

/// Write one frame (header and payload) and flush.
///
/// # Errors
/// [`FrameError::TooLarge`] when `payload` exceeds `max` (nothing is written);
/// [`FrameError::Io`] when the stream fails.
pub fn write_frame<W: Write + ?Sized>(
    w: &mut W,
    payload: &[u8],
    max: u32,
) -> Result<(), FrameError> {
    let header = make_header(payload.len(), max)?;
    w.write_all(&header)?;
    w.write_all(payload)?;
    w.flush()?;
    Ok(())
}

/// Read into `buf` until it is full or the stream ends; returns the bytes read.
fn fill<R: Read + ?Sized>(r: &mut R, buf: &mut [u8]) -> Result<usize, FrameError> {
    let mut done = 0;
    while done < buf.len() {
        match r.read(&mut buf[done..]) {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::DEFAULT_MAX_FRAME;

    #[test]
    fn writes_then_reads_frames() {
        let mut wire = Vec::new();
        write_frame(&mut wire, b"hello", DEFAULT_MAX_FRAME).unwrap();
        write_frame(&mut wire, b"", DEFAULT_MAX_FRAME).unwrap();
        let mut r = &wire[..];
        assert_eq!(
            read_frame(&mut r, DEFAULT_MAX_FRAME).unwrap().unwrap(),
            b"hello"
        );
        assert_eq!(read_frame(&mut r, DEFAULT_MAX_FRAME).unwrap().unwrap(), b"");
        assert!(read_frame(&mut r, DEFAULT_MAX_FRAME).unwrap().is_none());
    }

    #[test]
    fn large_payload_grows_in_steps() {
        let payload: Vec<u8> = (0..300_000u32).map(|i| i as u8).collect();
        let mut wire = Vec::new();
        write_frame(&mut wire, &payload, DEFAULT_MAX_FRAME).unwrap();
        let mut r = &wire[..];
        assert_eq!(
            read_frame(&mut r, DEFAULT_MAX_FRAME).unwrap().unwrap(),
            payload
        );
    }

    #[test]
    fn truncated_header_and_payload() {
        let mut r: &[u8] = &[0, 0];
        assert!(matches!(
            read_frame(&mut r, DEFAULT_MAX_FRAME),
            Err(FrameError::Truncated {
                expected: 4,
                got: 2
            })
        ));
        let mut r: &[u8] = &[0, 0, 0, 5, 1, 2];
        assert!(matches!(
            read_frame(&mut r, DEFAULT_MAX_FRAME),
            Err(FrameError::Truncated {
                expected: 9,
                got: 6
            })
        ));
    }
}
