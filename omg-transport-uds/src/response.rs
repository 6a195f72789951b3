//! What omgd answers.

use bitcode::{Decode, Encode};
use omg_ports::{
    AuditOutcome, AurPackage, BackendInfo, Installed, Package, PackageSummary, SearchResults,
    Status, WhyReport,
};

use crate::message::{ProtocolVersion, PROTOCOL_VERSION};

/// omgd's counters, the answer to `Stats`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Encode, Decode)]
pub struct DaemonStats {
    /// Packages in the index.
    pub packages: u64,
    /// Incremented each time the index is rebuilt.
    pub index_generation: u64,
    /// Milliseconds since omgd started.
    pub uptime_ms: u64,
    /// Answers served from a cache.
    pub cache_hits: u64,
    /// Answers that had to be computed.
    pub cache_misses: u64,
    /// Requests served since omgd started.
    pub requests: u64,
}

/// What omgd tells a client in `Welcome`, apart from the protocol version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaemonInfo {
    /// omgd's release.
    pub daemon_version: String,
    /// The backend omgd serves.
    pub backend: BackendInfo,
    /// The index generation at the time of the handshake.
    pub index_generation: u64,
}

/// omgd's message to a client. `Incompatible` and the five variants from `NotFound` to
/// `Internal` are typed failures.
///
/// New variants go at the end, with a minor version bump: bitcode encodes the variant of the
/// one message a frame carries as its index, so the earlier variants keep their bytes and a
/// client of an earlier minor decodes every answer to its requests (`tests/compat.rs`).
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub enum Response {
    /// The handshake succeeded.
    Welcome {
        /// omgd's protocol version.
        protocol: ProtocolVersion,
        /// omgd's release.
        daemon_version: String,
        /// The backend omgd serves.
        backend: BackendInfo,
        /// The index generation now.
        index_generation: u64,
    },
    /// The handshake failed; omgd closes the connection.
    Incompatible {
        /// omgd's protocol version.
        daemon_protocol: ProtocolVersion,
        /// Why, and what to do.
        reason: String,
    },
    /// Answer to `Search`.
    Search(SearchResults),
    /// Answer to `Info`: one record per name asked for, in order.
    Packages(Vec<Package>),
    /// Answer to `List`.
    List(Vec<PackageSummary>),
    /// Answer to `Status`.
    Status(Status),
    /// Answer to `Suggest` (and, since 4.2, to `Complete`).
    Suggestions(Vec<String>),
    /// Answer to `Ping`.
    Pong,
    /// Answer to `Stats`.
    Stats(DaemonStats),
    /// Answer to `Invalidate`: the generation of the rebuilt index.
    Invalidated {
        /// The new index generation.
        index_generation: u64,
    },
    /// No package by that name.
    NotFound {
        /// The name asked for.
        name: String,
        /// Close names that exist, best first.
        suggestions: Vec<String>,
    },
    /// The request was malformed or not allowed at this point.
    InvalidRequest(String),
    /// omgd is at its global bound of requests in flight: retry after this many milliseconds.
    Overloaded {
        /// Suggested wait before retrying.
        retry_after_ms: u32,
    },
    /// The peer's uid may not use this omgd; the connection is closed.
    PermissionDenied(String),
    /// omgd failed while answering.
    Internal(String),
    // Protocol 4.1: answers to requests only a client of 4.1 or later sends.
    /// Answer to `Audit`: every finding (unfiltered) and where the feed came from.
    Audit(AuditOutcome),
    /// Answer to `Why`.
    Why(WhyReport),
    // Protocol 4.3.
    /// Answer to `SearchAur`: the ranked hits of the repositories and the AUR, and the
    /// AUR's records (in the RPC search answer's shape) of the AUR hits among them.
    SearchAur {
        /// The hits, best first, and the total.
        results: SearchResults,
        /// The records of the hits whose repository is `aur`.
        aur: Vec<AurPackage>,
    },
    // Protocol 4.4.
    /// Answer to `InfoAur`: one record per name asked for, in order.
    InfoAur(Vec<InfoEntry>),
    // Protocol 4.5.
    /// Answer to `SearchText`: what the client prints, and its exit code.
    Text {
        /// For stdout.
        stdout: String,
        /// For stderr.
        stderr: String,
        /// The exit code.
        code: u8,
    },
    // Protocol 4.6.
    /// Answer to `SearchTextFd` with a large stdout: its `len` bytes are in the sealed
    /// memory file sent with this frame ([`crate::shared_file`]).
    TextFd {
        /// The bytes of stdout in the file.
        len: u64,
        /// For stderr.
        stderr: String,
        /// The exit code.
        code: u8,
    },
}

/// One record of [`Response::InfoAur`].
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub enum InfoEntry {
    /// A repository's (or the local database's) record.
    Repository(Package),
    /// The AUR's record, with the local database's state when the package is installed.
    Aur {
        /// The AUR's record (the metadata dump's, as the RPC's info answer has it).
        package: AurPackage,
        /// The installed state, when installed.
        installed: Option<Installed>,
    },
}
impl Response {
    /// The `Welcome` for `info` at this crate's protocol version.
    pub fn welcome(info: DaemonInfo) -> Self {
        Response::Welcome {
            protocol: PROTOCOL_VERSION,
            daemon_version: info.daemon_version,
            backend: info.backend,
            index_generation: info.index_generation,
        }
    }

    /// True for the typed failures (`Incompatible`, `NotFound`, `InvalidRequest`,
    /// `Overloaded`, `PermissionDenied`, `Internal`).
    pub fn is_failure(&self) -> bool {
        matches!(
            self,
            Response::Incompatible { .. }
                | Response::NotFound { .. }
                | Response::InvalidRequest(_)
                | Response::Overloaded { .. }
                | Response::PermissionDenied(_)
                | Response::Internal(_)
        )
    }

    /// The variant's name, for logs and error messages.
    pub fn name(&self) -> &'static str {
        match self {
            Response::Welcome { .. } => "welcome",
            Response::Incompatible { .. } => "incompatible",
            Response::Search(_) => "search",
            Response::Packages(_) => "packages",
            Response::List(_) => "list",
            Response::Status(_) => "status",
            Response::Suggestions(_) => "suggestions",
            Response::Pong => "pong",
            Response::Stats(_) => "stats",
            Response::Invalidated { .. } => "invalidated",
            Response::NotFound { .. } => "not-found",
            Response::InvalidRequest(_) => "invalid-request",
            Response::Overloaded { .. } => "overloaded",
            Response::PermissionDenied(_) => "permission-denied",
            Response::Internal(_) => "internal",
            Response::Audit(_) => "audit",
            Response::Why(_) => "why",
            Response::SearchAur { .. } => "search-aur",
            Response::InfoAur(_) => "info-aur",
            Response::Text { .. } => "text",
            Response::TextFd { .. } => "text-fd",
        }
    }
}
