//! The messages of protocol 4.0, as a client of that release encodes and decodes them: the
//! enums of that release with their variants (and the port types they carried, unchanged
//! since), to show that a daemon of a later 4.x still serves such a client.

#![allow(dead_code)]

use bitcode::{Decode, Encode};
use omg_ports::{
    BackendInfo, ListKind, Package, PackageSummary, SearchQuery, SearchResults, Status,
};
use omg_transport_uds::{DaemonStats, Envelope, ProtocolVersion, MAGIC};

/// What a 4.0 client announces.
pub const PROTOCOL: ProtocolVersion = (4, 0);

/// `Request` of protocol 4.0.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub enum Request {
    Hello {
        magic: u32,
        protocol: ProtocolVersion,
        client_version: String,
    },
    Search(SearchQuery),
    Info(Vec<String>),
    List(ListKind),
    Status,
    Suggest {
        prefix: String,
        limit: u32,
    },
    Ping,
    Stats,
    Invalidate,
}

/// `Response` of protocol 4.0.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub enum Response {
    Welcome {
        protocol: ProtocolVersion,
        daemon_version: String,
        backend: BackendInfo,
        index_generation: u64,
    },
    Incompatible {
        daemon_protocol: ProtocolVersion,
        reason: String,
    },
    Search(SearchResults),
    Packages(Vec<Package>),
    List(Vec<PackageSummary>),
    Status(Status),
    Suggestions(Vec<String>),
    Pong,
    Stats(DaemonStats),
    Invalidated {
        index_generation: u64,
    },
    NotFound {
        name: String,
        suggestions: Vec<String>,
    },
    InvalidRequest(String),
    Overloaded {
        retry_after_ms: u32,
    },
    PermissionDenied(String),
    Internal(String),
}

/// The `Hello` a 4.0 client sends.
pub fn hello() -> Request {
    Request::Hello {
        magic: MAGIC,
        protocol: PROTOCOL,
        client_version: "4.0-client".into(),
    }
}

/// A frame's payload as a 4.0 client encodes it.
pub fn encode_request(id: u64, body: Request) -> Vec<u8> {
    bitcode::encode(&Envelope { id, body })
}

/// A frame's payload as a 4.0 client decodes it.
pub fn decode_response(payload: &[u8]) -> Result<Envelope<Response>, bitcode::Error> {
    bitcode::decode(payload)
}

/// A frame's payload as a 4.0 daemon decodes it.
pub fn decode_request(payload: &[u8]) -> Result<Envelope<Request>, bitcode::Error> {
    bitcode::decode(payload)
}

/// A frame's payload as a 4.0 daemon encodes it.
pub fn encode_response(id: u64, body: Response) -> Vec<u8> {
    bitcode::encode(&Envelope { id, body })
}
