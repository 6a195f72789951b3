//! What the client asks omgd.

use bitcode::{Decode, Encode};
use omg_ports::{ListKind, SearchQuery};

use crate::message::{ProtocolVersion, MAGIC, PROTOCOL_VERSION};

/// A client's message to omgd.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub enum Request {
    /// The first message of every connection; answered by `Welcome` or `Incompatible`.
    Hello {
        /// Must be [`MAGIC`].
        magic: u32,
        /// The client's [`PROTOCOL_VERSION`].
        protocol: ProtocolVersion,
        /// The client's release, for omgd's logs.
        client_version: String,
    },
    /// Search the index; answered by `Search`.
    Search(SearchQuery),
    /// The full records of these packages; answered by `Packages` (or `NotFound`).
    Info(Vec<String>),
    /// A list of installed packages; answered by `List`.
    List(ListKind),
    /// The status counts; answered by `Status`.
    Status,
    /// Package names starting with `prefix`, for shell completion; answered by `Suggestions`.
    Suggest {
        /// The start of the name.
        prefix: String,
        /// At most this many names.
        limit: u32,
    },
    /// Liveness check; answered by `Pong`.
    Ping,
    /// omgd's counters; answered by `Stats`.
    Stats,
    /// Drop caches and rebuild the index; answered by `Invalidated`.
    Invalidate,
    // Protocol 4.1. New variants go at the end (see `Response`).
    /// Audit the installed packages; answered by `Audit`, or `Internal` when
    /// omgd cannot (the client then runs the audit itself). Since protocol 4.1.
    Audit(AuditRequest),
    /// Why this installed package is there; answered by `Why`, or
    /// `NotFound` (with the closest installed names). Since protocol 4.1.
    Why(String),
    // Protocol 4.2.
    /// The names that start with `prefix` exactly (byte for byte: a shell completes what
    /// was typed), sorted: every package's, or the installed ones' only; answered by
    /// `Suggestions`. Since protocol 4.2.
    Complete {
        /// The start of the name, as typed.
        prefix: String,
        /// Installed packages only (`omg remove`, `omg why`, `omg files`).
        installed: bool,
        /// At most this many names.
        limit: u32,
    },
    // Protocol 4.3.
    /// A search of the repositories and the AUR together (Arch): answered by
    /// [`crate::Response::SearchAur`] when omgd holds the AUR's metadata, else by
    /// `InvalidRequest` (the client then asks the AUR itself).
    SearchAur {
        /// The query, as for `Search`.
        query: SearchQuery,
        /// `--aur`: the AUR alone, not the repositories.
        aur_only: bool,
    },
    // Protocol 4.4.
    /// `omg info` of the repositories and the AUR together (Arch): each name's record from
    /// the repositories, else the AUR's (an installed package no repository has shows the
    /// AUR's record with its installed state). Answered by [`crate::Response::InfoAur`]
    /// when every name has a record there; otherwise (a name found nowhere, no AUR
    /// metadata held) by `InvalidRequest`, and the client answers itself.
    InfoAur {
        /// The names, in the order to print them.
        names: Vec<String>,
        /// `--aur`: the AUR alone, not the repositories.
        aur_only: bool,
    },
    // Protocol 4.5.
    /// `omg search` answered as text: what the client prints on stdout and stderr and its
    /// exit code, rendered by omgd exactly as the client would render the hits of `Search`
    /// (or of `SearchAur`). A page of thousands of hits then costs the client one copy
    /// instead of decoding and formatting every hit. Answered by
    /// [`crate::Response::Text`]; by `InvalidRequest` when the AUR is asked for and omgd
    /// holds no AUR metadata (the client then asks the AUR itself).
    SearchText {
        /// The query, as for `Search`.
        query: SearchQuery,
        /// `None`: the repositories only (`Search`); `Some(aur_only)`: with the AUR
        /// (`SearchAur`).
        aur: Option<bool>,
        /// How the client prints.
        output: TextOutput,
    },
    // Protocol 4.6.
    /// [`Request::SearchText`] from a client that takes a large stdout as a sealed memory
    /// file sent with the answer (`SCM_RIGHTS`): answered by [`crate::Response::TextFd`]
    /// when stdout is [`crate::shared_file::SHARED_TEXT_MIN`] bytes or more, else as
    /// `SearchText` is. Only a client that reads its socket with `recvmsg` and takes the
    /// file ([`crate::BlockingClient::take_file`]) may send it.
    SearchTextFd {
        /// The query, as for `Search`.
        query: SearchQuery,
        /// As in [`Request::SearchText`].
        aur: Option<bool>,
        /// How the client prints.
        output: TextOutput,
    },
}

/// How a client prints an answer it asks for as text ([`Request::SearchText`]): its
/// `--json` and `-q`, whether stdout takes colours, and the terminal's width.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Encode, Decode)]
pub struct TextOutput {
    /// `--json`.
    pub json: bool,
    /// `-q`: names only.
    pub quiet: bool,
    /// ANSI colours.
    pub color: bool,
    /// The terminal's width in columns; `None` when stdout is not a terminal.
    pub width: Option<u32>,
}

/// What `omg audit` asks omgd: the audit the client would run itself.
#[derive(Debug, Clone, PartialEq, Eq, Default, Encode, Decode)]
pub struct AuditRequest {
    /// Use the cached feed only, never the network (`omg audit --offline`).
    pub offline: bool,
    /// The client's `[audit]` settings as `(key, value)` (its config.toml with its
    /// `OMG_AUDIT_*` overrides); omgd uses these instead of its own, so that the feeds and
    /// release are the ones the client would use. A key left out is unset.
    pub settings: Vec<(String, String)>,
}

impl Request {
    /// The `Hello` of this crate's protocol version, from a client at `client_version`.
    pub fn hello(client_version: impl Into<String>) -> Self {
        Request::Hello {
            magic: MAGIC,
            protocol: PROTOCOL_VERSION,
            client_version: client_version.into(),
        }
    }

    /// The protocol version that introduced this request: a client sends it only to a
    /// daemon whose `Welcome` names that version or a later minor
    /// ([`crate::Session::supports`]).
    pub fn since(&self) -> ProtocolVersion {
        match self {
            Request::Audit(_) | Request::Why(_) => (4, 1),
            Request::Complete { .. } => (4, 2),
            Request::SearchAur { .. } => (4, 3),
            Request::InfoAur { .. } => (4, 4),
            Request::SearchText { .. } => (4, 5),
            Request::SearchTextFd { .. } => (4, 6),
            _ => (4, 0),
        }
    }

    /// The variant's name, for logs.
    pub fn name(&self) -> &'static str {
        match self {
            Request::Hello { .. } => "hello",
            Request::Search(_) => "search",
            Request::Info(_) => "info",
            Request::List(_) => "list",
            Request::Status => "status",
            Request::Suggest { .. } => "suggest",
            Request::Ping => "ping",
            Request::Stats => "stats",
            Request::Invalidate => "invalidate",
            Request::Audit(_) => "audit",
            Request::Why(_) => "why",
            Request::Complete { .. } => "complete",
            Request::SearchAur { .. } => "search-aur",
            Request::InfoAur { .. } => "info-aur",
            Request::SearchText { .. } => "search-text",
            Request::SearchTextFd { .. } => "search-text-fd",
        }
    }
}
