//! A raw peer: writes and reads frames by hand, to send what no client library would.

use std::io::Write;
use std::os::unix::net::UnixStream;
use std::path::Path;

use omg_transport_uds::frame::{append_frame, blocking};
use omg_transport_uds::message::{decode_response, encode_request};
use omg_transport_uds::{Envelope, Request, Response, DEFAULT_MAX_FRAME};

use super::PATIENCE;

pub struct Raw {
    pub stream: UnixStream,
}

impl Raw {
    pub fn connect(path: &Path) -> Self {
        let stream = UnixStream::connect(path).expect("connect");
        stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
        stream.set_write_timeout(Some(PATIENCE)).expect("timeout");
        Raw { stream }
    }

    /// Connect and complete the handshake (Hello with id 1).
    pub fn handshake(path: &Path) -> Self {
        let mut raw = Self::connect(path);
        raw.send(1, Request::hello("raw"));
        let welcome = raw.recv().expect("welcome");
        assert_eq!(welcome.id, 1);
        assert!(
            matches!(welcome.body, Response::Welcome { .. }),
            "{welcome:?}"
        );
        raw
    }

    pub fn send(&mut self, id: u64, request: Request) {
        self.send_payload(&encode_request(id, request));
    }

    pub fn send_payload(&mut self, payload: &[u8]) {
        let mut frame = Vec::new();
        append_frame(&mut frame, payload, DEFAULT_MAX_FRAME).expect("frame");
        self.send_bytes(&frame);
    }

    pub fn send_bytes(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).expect("write");
    }

    /// The next answer, or `None` at the end of the stream.
    pub fn recv(&mut self) -> Option<Envelope<Response>> {
        let payload = blocking::read_frame(&mut self.stream, DEFAULT_MAX_FRAME).expect("read")?;
        Some(decode_response(&payload).expect("decode"))
    }

    /// True when the daemon closed the connection (end of stream or reset).
    pub fn closed(&mut self) -> bool {
        match blocking::read_frame(&mut self.stream, DEFAULT_MAX_FRAME) {
            Ok(None) => true,
            Ok(Some(_)) => false,
            Err(e) => !e.is_timeout(),
        }
    }
}
