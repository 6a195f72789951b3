//! Messages: the protocol version, the envelope that pairs a body with its request id, and
//! encoding with bitcode's native derive.
//!
//! Ids: the client numbers its requests from 1 and each response carries its request's id.
//! Id [`CONNECTION_ID`] (0) is never a request: the daemon uses it for answers about the
//! connection itself (a refused peer, a frame it could not decode).

use std::sync::Arc;

use bitcode::{Decode, Encode};

pub use crate::request::{AuditRequest, Request};
pub use crate::response::{DaemonInfo, DaemonStats, Response};

/// A protocol version: (major, minor). Peers with equal majors understand each other; a
/// client may send a request added in a later minor only when the daemon's minor has it.
pub type ProtocolVersion = (u16, u16);

/// The protocol version this crate speaks. 4.1 added the requests `Audit` and `Why` (and
/// their answers), 4.2 the request `Complete` (answered by 4.0's `Suggestions`), 4.3
/// `SearchAur` and its answer, 4.4 `InfoAur` and its answer, 4.5 `SearchText` and its
/// answer `Text`, 4.6 `SearchTextFd` and its answer `TextFd` (with a sealed memory file
/// beside the frame); a daemon of 4.6 serves clients of 4.0 to 4.5 as before.
pub const PROTOCOL_VERSION: ProtocolVersion = (4, 6);

/// The first field of `Hello`: tells omgd that the peer speaks this protocol at all.
pub const MAGIC: u32 = u32::from_be_bytes(*b"omgd");

/// The id of messages about the connection rather than one request.
pub const CONNECTION_ID: u64 = 0;

/// A message body with the id of the request it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct Envelope<T> {
    /// The request's id ([`CONNECTION_ID`] for messages about the connection).
    pub id: u64,
    /// The message.
    pub body: T,
}

/// A payload that did not decode.
#[derive(Debug, thiserror::Error)]
#[error(
    "could not decode a {what} ({len} bytes: {source}); the peer runs an incompatible omg \
     version: upgrade omg and omgd together, then restart omgd"
)]
pub struct DecodeError {
    /// `"request"` or `"response"`.
    pub what: &'static str,
    /// Payload length.
    pub len: usize,
    /// What bitcode reported.
    #[source]
    pub source: bitcode::Error,
}

/// Encode a request with its id (a frame's payload).
pub fn encode_request(id: u64, body: Request) -> Vec<u8> {
    bitcode::encode(&Envelope { id, body })
}

/// Encode a response with its request's id (a frame's payload). A shared response
/// (`Arc<Response>`) encodes to the same bytes as the response itself, without a copy.
pub fn encode_response(id: u64, body: impl Into<Arc<Response>>) -> Vec<u8> {
    bitcode::encode(&Envelope {
        id,
        body: body.into(),
    })
}

/// Decode a frame's payload as a request.
///
/// # Errors
/// [`DecodeError`] when the bytes are not a request of this protocol.
pub fn decode_request(payload: &[u8]) -> Result<Envelope<Request>, DecodeError> {
    bitcode::decode(payload).map_err(|source| DecodeError {
        what: "request",
        len: payload.len(),
        source,
    })
}

/// Decode a frame's payload as a response.
///
/// # Errors
/// [`DecodeError`] when the bytes are not a response of this protocol.
pub fn decode_response(payload: &[u8]) -> Result<Envelope<Response>, DecodeError> {
    bitcode::decode(payload).map_err(|source| DecodeError {
        what: "response",
        len: payload.len(),
        source,
    })
}

/// Whether a client announcing `magic` and `protocol` can be served, and if not, why.
///
/// # Errors
/// The reason for an `Incompatible` answer.
pub fn check_hello(magic: u32, protocol: ProtocolVersion) -> Result<(), String> {
    if magic != MAGIC {
        return Err(format!(
            "wrong magic {magic:#010x} (expected {MAGIC:#010x}): this socket belongs to omgd, \
             and the client does not speak omg's protocol"
        ));
    }
    if protocol.0 != PROTOCOL_VERSION.0 {
        return Err(format!(
            "client speaks protocol {}.{}, omgd speaks {}.{}: upgrade omg and omgd to the same \
             release and restart omgd",
            protocol.0, protocol.1, PROTOCOL_VERSION.0, PROTOCOL_VERSION.1
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_round_trips() {
        let bytes = encode_request(7, Request::Ping);
        let env = decode_request(&bytes).unwrap();
        assert_eq!(
            env,
            Envelope {
                id: 7,
                body: Request::Ping
            }
        );
        assert!(decode_response(&[0xff, 0x00]).is_err());
    }

    #[test]
    fn hello_checks_magic_and_major() {
        assert!(check_hello(MAGIC, PROTOCOL_VERSION).is_ok());
        assert!(check_hello(MAGIC, (PROTOCOL_VERSION.0, PROTOCOL_VERSION.1 + 5)).is_ok());
        assert!(check_hello(0, PROTOCOL_VERSION).is_err());
        assert!(check_hello(MAGIC, (PROTOCOL_VERSION.0 + 1, 0)).is_err());
    }
}
