//! Large text answers as sealed memory files beside the frame (protocol 4.6): the blocking
//! client gets the file with its answer, in order, and refuses files that are not what the
//! answer announced.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::io::Read;

use common::TestServer;
use omg_ports::SearchQuery;
use omg_transport_uds::shared_file::{check_file, copy_file, FileError};
use omg_transport_uds::{
    BlockingClient, ClientConfig, Request, Response, ServerConfig, TextOutput,
};

fn ask(text: &str) -> Request {
    Request::SearchTextFd {
        query: SearchQuery::new(text),
        aur: None,
        output: TextOutput::default(),
    }
}

fn expected(n: usize) -> Vec<u8> {
    (0..n).map(|i| b'a' + (i % 26) as u8).collect()
}

#[test]
fn files_arrive_with_their_answers_in_order() {
    let server = TestServer::start(ServerConfig::default());
    let mut client = BlockingClient::connect(&server.path, &ClientConfig::default()).unwrap();
    // Pipelined: three answers (two with files) read back to back.
    let answers = client
        .request_many(vec![ask("big:300000"), ask("short"), ask("big:70000")])
        .unwrap();
    let mut sizes = Vec::new();
    for answer in answers {
        match answer {
            Response::TextFd { len, stderr, code } => {
                assert_eq!((stderr.as_str(), code), ("a note\n", 3));
                let file = client.take_file().expect("a file with the answer");
                check_file(&file, len).unwrap();
                let mut out = tempfile::tempfile().unwrap();
                copy_file(&file, len, &mut out).unwrap();
                let mut copied = Vec::new();
                std::io::Seek::rewind(&mut out).unwrap();
                out.read_to_end(&mut copied).unwrap();
                assert_eq!(copied, expected(len as usize));
                sizes.push(len);
            }
            Response::Text { stdout, .. } => assert_eq!(stdout, "short"),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(sizes, [300_000, 70_000]);
    assert!(client.take_file().is_none());
    // The connection goes on as before.
    client.ping().unwrap();
}

#[test]
fn files_other_than_announced_are_refused() {
    let server = TestServer::start(ServerConfig::default());
    let mut client = BlockingClient::connect(&server.path, &ClientConfig::default()).unwrap();
    for (text, len) in [("liar:1000", 1001), ("unsealed:1000", 1000)] {
        let Response::TextFd { len: announced, .. } = client.request(ask(text)).unwrap() else {
            panic!("{text}: not a TextFd");
        };
        assert_eq!(announced, len);
        let file = client.take_file().expect("a file");
        assert!(
            matches!(check_file(&file, announced), Err(FileError::Refused(_))),
            "{text}"
        );
    }
}
