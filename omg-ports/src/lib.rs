//! The vocabulary of omg: the types every crate speaks and the ports (traits) that adapters
//! implement.
//!
//! This crate has no I/O and no knowledge of any distribution library. The domain
//! (`omg-domain`) depends on it for its inputs and outputs; adapters (`omg-adapters-alpm`,
//! `omg-adapters-apt`, or your own) implement [`PackageBackend`] for a package database.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod advisory;
mod aur;
mod backend;
mod date;
mod error;
mod fetch;
mod files;
mod fingerprint;
mod history;
mod package;
mod record;
mod runtime;
pub mod runtime_order;
mod search;
mod secret;
mod signature;
mod size;
mod status;
mod store;
mod transaction;
mod version_files;
mod why;

#[cfg(feature = "mock")]
pub use advisory::MockAdvisorySource;
pub use advisory::{
    Advisories, AdvisorySource, ArchGroup, AuditOutcome, DebianAdvisory, DebianAdvisoryFix,
    DebianIssue, FeedKind, FeedOrigin, FeedRequest, FeedSnapshot, Finding, InstalledSource,
    OsvEvent, OsvRecord, Severity,
};
#[cfg(feature = "mock")]
pub use aur::MockAurSource;
pub use aur::{
    AurPackage, AurSearchBy, AurSource, ReviewSeverity, ReviewWarning, Srcinfo, SrcinfoField,
};
#[cfg(feature = "mock")]
pub use backend::MockPackageBackend;
pub use backend::{BackendInfo, PackageBackend, VersionScheme};
pub use date::utc_date;
pub use error::{Error, Result};
#[cfg(feature = "mock")]
pub use fetch::MockFetcher;
pub use fetch::{FetchOutcome, FetchRequest, Fetcher, Page, Validators};
pub use files::{Owner, PackageFiles, ReasonChange};
pub use fingerprint::{FileStamp, Fingerprint};
#[cfg(feature = "mock")]
pub use history::MockTransactionLog;
pub use history::{HistoryEntry, HistoryResult, TransactionLog};
pub use package::{InstallReason, Installed, Package, PackageSummary};
pub use record::{RelationKind, Validation, VersionEntry, VersionSource};
#[cfg(feature = "mock")]
pub use runtime::MockRuntimeProvider;
pub use runtime::{
    Addon, ArchiveFormat, Artifact, Enough, InstallLayout, Platform, RemoteVersion,
    RuntimeProvider, Strip,
};
pub use search::{MatchKind, SearchHit, SearchQuery, SearchResults};
pub use secret::Secret;
pub use signature::{SignatureFailure, SignatureVerifier, Signer};
pub use size::Bytes;
pub use status::{ListKind, RuntimeStatus, SecuritySummary, Status};
#[cfg(feature = "mock")]
pub use store::MockStore;
pub use store::{CachedFeed, FeedMeta, StatusSnapshot, Store};
pub use transaction::{
    ActionKind, DependencyNode, Plan, PlannedAction, ProgressEvent, ProgressSink,
    RefreshedDatabase, Transaction, TransactionOutcome,
};
pub use version_files::{mise_env_files, version_file_anchor, DirFiles, VERSION_FILES};
pub use why::WhyReport;
