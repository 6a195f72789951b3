//! Closing a connection with a last answer, so that the client reads it instead of a reset.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixStream;

use crate::frame::nonblocking::write_frame;
use crate::message::encode_response;
use crate::response::Response;

/// Longest time spent writing the last answer, and then draining the client's unread bytes.
const LINGER: Duration = Duration::from_secs(1);

/// At most this many unread bytes are drained before closing.
const LINGER_BYTES: usize = 64 * 1024;

/// Write `response` with `id`, end our side of the stream, and drain what the client already
/// sent before closing (closing a Unix socket with unread data resets the peer, which could
/// then miss the answer).
pub(crate) async fn close_with(
    mut stream: UnixStream,
    id: u64,
    response: Response,
    max_frame: u32,
) {
    let kind = response.name();
    let payload = encode_response(id, response);
    match tokio::time::timeout(LINGER, write_frame(&mut stream, &payload, max_frame)).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            tracing::debug!(kind, error = %e, "could not send the last answer");
            return;
        }
        Err(_) => {
            tracing::debug!(kind, "client did not take the last answer in time");
            return;
        }
    }
    if stream.shutdown().await.is_err() {
        return;
    }
    let drain = async {
        let mut sink = [0u8; 4096];
        let mut total = 0;
        while total < LINGER_BYTES {
            match stream.read(&mut sink).await {
                Ok(0) | Err(_) => break,
                Ok(n) => total += n,
            }
        }
    };
    // Closing either way; the timeout only bounds the wait.
    let _ = tokio::time::timeout(LINGER, drain).await;
}
