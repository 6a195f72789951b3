//! Frames over tokio's `AsyncRead` / `AsyncWrite`.
//!
//! [`read_frame`] is not cancel-safe (a cancelled read loses the bytes it consumed); in a
//! `select!` loop use [`super::FrameBuffer`] instead.

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::{check_filled, grow_target, judge_header, make_header, FrameError, HEADER_LEN};

/// Read one frame's payload; the async twin of [`super::blocking::read_frame`].
///
/// Returns `Ok(None)` when the stream ends cleanly between frames.
///
/// # Errors
/// [`FrameError::TooLarge`] as soon as a header announces more than `max` bytes (nothing is
/// allocated for it); [`FrameError::Truncated`] when the stream ends inside a frame;
/// [`FrameError::Io`] when the stream fails.
pub async fn read_frame<R: AsyncRead + Unpin + ?Sized>(
    r: &mut R,
    max: u32,
) -> Result<Option<Vec<u8>>, FrameError> {
    let mut header = [0u8; HEADER_LEN];
    let got = fill(r, &mut header).await?;
    let Some(len) = judge_header(header, got, max)? else {
        return Ok(None);
    };
    let mut payload = Vec::new();
    while payload.len() < len {
        let filled = payload.len();
        payload.resize(grow_target(filled, len), 0);
        let got = fill(r, &mut payload[filled..]).await?;
        check_filled(filled + got, payload.len(), len)?;
    }
    Ok(Some(payload))
}

/// Write one frame (header and payload) and flush; the async twin of
/// [`super::blocking::write_frame`].
///
/// # Errors
/// [`FrameError::TooLarge`] when `payload` exceeds `max` (nothing is written);
/// [`FrameError::Io`] when the stream fails.
pub async fn write_frame<W: AsyncWrite + Unpin + ?Sized>(
    w: &mut W,
    payload: &[u8],
    max: u32,
) -> Result<(), FrameError> {
    let header = make_header(payload.len(), max)?;
    w.write_all(&header).await?;
    w.write_all(payload).await?;
    w.flush().await?;
    Ok(())
}

async fn fill<R: AsyncRead + Unpin + ?Sized>(
    r: &mut R,
    buf: &mut [u8],
) -> Result<usize, FrameError> {
    let mut done = 0;
    while done < buf.len() {
        match r.read(&mut buf[done..]).await {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::DEFAULT_MAX_FRAME;

    #[tokio::test]
    async fn writes_then_reads_frames() {
        let mut wire = Vec::new();
        write_frame(&mut wire, b"abc", DEFAULT_MAX_FRAME)
            .await
            .unwrap();
        let mut r = &wire[..];
        assert_eq!(
            read_frame(&mut r, DEFAULT_MAX_FRAME)
                .await
                .unwrap()
                .unwrap(),
            b"abc"
        );
        assert!(read_frame(&mut r, DEFAULT_MAX_FRAME)
            .await
            .unwrap()
            .is_none());
        let mut r: &[u8] = &[0x7f, 0, 0, 0];
        assert!(matches!(
            read_frame(&mut r, DEFAULT_MAX_FRAME).await,
            Err(FrameError::TooLarge { .. })
        ));
    }
}
