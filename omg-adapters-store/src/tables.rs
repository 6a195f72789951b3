//! The tables: one per kind of state, keyed by [`crate::key::backend_key`], valued by
//! [`crate::codec`] bytes. Values are untyped bytes to redb, so a change of the stored types
//! never makes redb refuse to open a table: the codec's version byte handles it.

use redb::TableDefinition;

/// A table of encoded values keyed by backend.
pub(crate) type Table = TableDefinition<'static, &'static str, &'static [u8]>;

/// A table of encoded values keyed by backend and a sequence number.
pub(crate) type SeqTable = TableDefinition<'static, (&'static str, u32), &'static [u8]>;

/// Each backend's index header: the fingerprint it was read at and how many chunks and
/// packages it has ([`crate::index::IndexHeader`]).
pub(crate) const INDEX_HEADER: Table = TableDefinition::new("index_header");

/// Each backend's index in chunks of packages, numbered from 0: `Vec<PackageSummary>` each.
/// Written in the same transaction as [`INDEX_HEADER`].
pub(crate) const INDEX_CHUNKS: SeqTable = TableDefinition::new("index_chunks");

/// Each backend's last `StatusSnapshot`.
pub(crate) const STATUS: Table = TableDefinition::new("status");

/// Cached feeds' [`omg_ports::FeedMeta`], keyed by URL.
pub(crate) const FEED_META: Table = TableDefinition::new("feed_meta");

/// Cached feeds' bodies as downloaded (raw bytes, no codec), keyed by URL. Written in the
/// same transaction as [`FEED_META`].
pub(crate) const FEED_BODY: Table = TableDefinition::new("feed_body");

/// Each backend's last security audit summary ([`omg_ports::SecuritySummary`]).
pub(crate) const SECURITY: Table = TableDefinition::new("security");

/// The AUR's full records by metadata source and package name: the load's generation
/// (8 bytes, little-endian), then an `AurPackage` in codec bytes ([`crate::aur`]).
pub(crate) const AUR_RECORDS: TableDefinition<
    'static,
    (&'static str, &'static str),
    &'static [u8],
> = TableDefinition::new("aur_records");
