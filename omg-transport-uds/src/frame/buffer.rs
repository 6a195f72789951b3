//! A cancel-safe async frame reader: bytes are read into a buffer that survives a cancelled
//! read, and complete frames are taken out of it without copying.

use tokio::io::{AsyncRead, AsyncReadExt};

use super::{parse_header, FrameError, HEADER_LEN, INITIAL_PAYLOAD_CAPACITY};

/// Smallest read attempted, so that many small pipelined frames arrive in one system call.
const READ_CHUNK: usize = 8 * 1024;

/// Buffers above this capacity are given back once they are empty again.
const KEEP_CAPACITY: usize = 1024 * 1024;

/// Reads frames from an async stream, safely inside `tokio::select!`.
///
/// Call [`FrameBuffer::next_frame`] to take a complete frame already buffered, and
/// [`FrameBuffer::fill`] (cancel-safe) to read more bytes when there is none.
#[derive(Debug)]
pub struct FrameBuffer {
    buf: Vec<u8>,
    start: usize,
    max: u32,
}

impl FrameBuffer {
    /// An empty buffer for frames of at most `max` payload bytes.
    pub fn new(max: u32) -> Self {
        Self {
            buf: Vec::new(),
            start: 0,
            max,
        }
    }

    /// The next complete frame's payload, if one is buffered.
    ///
    /// # Errors
    /// [`FrameError::TooLarge`] as soon as a buffered header announces more than the maximum.
    /// The stream cannot be resynchronised after that: close it.
    pub fn next_frame(&mut self) -> Result<Option<&[u8]>, FrameError> {
        let Some(len) = self.buffered_len()? else {
            return Ok(None);
        };
        let begin = self.start + HEADER_LEN;
        if self.buf.len() - begin < len {
            return Ok(None);
        }
        self.start = begin + len;
        Ok(self.buf.get(begin..begin + len))
    }

    /// True when a whole frame is buffered (or a header over the limit, which
    /// [`FrameBuffer::next_frame`] then reports).
    pub fn has_frame(&self) -> bool {
        match self.buffered_len() {
            Ok(Some(len)) => self.buf.len() - self.start - HEADER_LEN >= len,
            Ok(None) => false,
            Err(_) => true,
        }
    }

    /// True when bytes of an incomplete frame are buffered.
    pub fn has_partial(&self) -> bool {
        self.start < self.buf.len()
    }

    /// Read more bytes from `r`; `Ok(false)` at the end of the stream.
    ///
    /// Cancel-safe: when the future is dropped before it completes, no bytes are lost.
    ///
    /// # Errors
    /// [`FrameError::Io`] when the stream fails; [`FrameError::TooLarge`] for an over-limit
    /// header already buffered.
    pub async fn fill<R: AsyncRead + Unpin + ?Sized>(
        &mut self,
        r: &mut R,
    ) -> Result<bool, FrameError> {
        self.compact();
        let needed = match self.buffered_len()? {
            Some(len) => (HEADER_LEN + len).saturating_sub(self.buf.len()),
            None => HEADER_LEN.saturating_sub(self.buf.len()),
        };
        // Grow with what arrives, not straight to a length a header merely claims.
        let grow = needed
            .min(self.buf.len().max(INITIAL_PAYLOAD_CAPACITY))
            .max(READ_CHUNK);
        self.buf.reserve(grow);
        let n = r.read_buf(&mut self.buf).await?;
        Ok(n > 0)
    }

    /// Payload length of the buffered header, when a whole header is buffered.
    fn buffered_len(&self) -> Result<Option<usize>, FrameError> {
        let Some(header) = self.buf.get(self.start..self.start + HEADER_LEN) else {
            return Ok(None);
        };
        let mut h = [0u8; HEADER_LEN];
        h.copy_from_slice(header);
        parse_header(h, self.max).map(Some)
    }

    /// Drop consumed bytes from the front.
    fn compact(&mut self) {
        if self.start == 0 {
            return;
        }
        self.buf.drain(..self.start);
        self.start = 0;
        if self.buf.is_empty() && self.buf.capacity() > KEEP_CAPACITY {
            self.buf.shrink_to(INITIAL_PAYLOAD_CAPACITY);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::{append_frame, DEFAULT_MAX_FRAME};

    #[tokio::test]
    async fn yields_each_pipelined_frame() {
        let mut wire = Vec::new();
        for p in [&b"one"[..], b"", b"three"] {
            append_frame(&mut wire, p, DEFAULT_MAX_FRAME).unwrap();
        }
        wire.extend_from_slice(&[0, 0]);
        let mut r = &wire[..];
        let mut fb = FrameBuffer::new(DEFAULT_MAX_FRAME);
        let mut got = Vec::new();
        loop {
            while let Some(p) = fb.next_frame().unwrap() {
                got.push(p.to_vec());
            }
            if !fb.fill(&mut r).await.unwrap() {
                break;
            }
        }
        assert_eq!(got, vec![b"one".to_vec(), vec![], b"three".to_vec()]);
        assert!(fb.has_partial());
    }

    #[test]
    fn over_limit_header_is_refused() {
        let mut fb = FrameBuffer::new(10);
        fb.buf.extend_from_slice(&[0, 0, 0, 11]);
        assert!(matches!(
            fb.next_frame(),
            Err(FrameError::TooLarge { len: 11, max: 10 })
        ));
    }
}
