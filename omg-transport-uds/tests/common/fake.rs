//! A fake daemon on a std listener: completes the handshake, then follows a script, so that
//! the clients can be shown answers no real server sends.

use std::os::unix::net::UnixListener;
use std::path::PathBuf;
use std::thread::JoinHandle;

use omg_transport_uds::frame::blocking::{read_frame, write_frame};
use omg_transport_uds::message::{decode_request, encode_response};
use omg_transport_uds::{Envelope, Request, Response, DEFAULT_MAX_FRAME};

use super::{backend, PATIENCE};

/// Reads requests and answers them by the script: it gets each request and returns the
/// answers to write as (id, response) pairs; `None` ends the connection.
pub type Script = Box<dyn FnMut(Envelope<Request>) -> Option<Vec<(u64, Response)>> + Send>;

pub struct Fake {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
    pub thread: JoinHandle<Vec<Envelope<Request>>>,
}

/// Serve one connection with `script`; the thread returns every request it saw.
pub fn start(script: Script) -> Fake {
    start_speaking(omg_transport_uds::PROTOCOL_VERSION, script)
}

/// As [`start`], for a daemon that says it speaks `protocol` in its `Welcome`.
pub fn start_speaking(protocol: omg_transport_uds::ProtocolVersion, mut script: Script) -> Fake {
    let dir = super::private_tempdir();
    let path = dir.path().join("fake.sock");
    let listener = UnixListener::bind(&path).expect("bind");
    let thread = std::thread::spawn(move || {
        let mut seen = Vec::new();
        let Ok((mut stream, _)) = listener.accept() else {
            return seen;
        };
        let _ = stream.set_read_timeout(Some(PATIENCE));
        while let Ok(Some(payload)) = read_frame(&mut stream, DEFAULT_MAX_FRAME) {
            let env = decode_request(&payload).expect("request decodes");
            seen.push(env.clone());
            let answers = if let Request::Hello { .. } = env.body {
                Some(vec![(
                    env.id,
                    Response::Welcome {
                        protocol,
                        daemon_version: "fake".into(),
                        backend: backend(),
                        index_generation: 1,
                    },
                )])
            } else {
                script(env)
            };
            let Some(answers) = answers else { break };
            for (id, body) in answers {
                if write_frame(&mut stream, &encode_response(id, body), DEFAULT_MAX_FRAME).is_err()
                {
                    return seen;
                }
            }
        }
        seen
    });
    Fake { dir, path, thread }
}
