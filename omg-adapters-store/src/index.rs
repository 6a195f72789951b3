//! The index snapshot: a header (fingerprint, counts) and the packages in chunks, written in
//! one transaction and read in one snapshot.
//!
//! Chunks keep each stored value small: redb gives a value a block of a power-of-two number
//! of pages, so one value of 5 MB would take 8 MB, twice while a save replaces it.

use std::path::Path;

use omg_ports::{Fingerprint, PackageSummary, Result};
use redb::{Database, ReadTransaction};
use tracing::{debug, warn};

use crate::codec;
use crate::tables::{INDEX_CHUNKS, INDEX_HEADER};
use crate::txn::{begin_read, read_value, write_durably, Stored};

/// Packages per chunk: about 90 KB encoded.
const CHUNK_PACKAGES: usize = 1024;

/// What is stored about an index besides its packages.
#[derive(Debug, bitcode::Encode, bitcode::Decode)]
pub(crate) struct IndexHeader {
    /// The databases' fingerprint the index was read at.
    fingerprint: Fingerprint,
    /// How many chunks, numbered from 0.
    chunks: u32,
    /// How many packages in all.
    packages: u64,
}

/// An index encoded for storage, ready to be written.
pub(crate) struct EncodedIndex {
    header: Vec<u8>,
    chunks: Vec<Vec<u8>>,
    packages: usize,
}

impl EncodedIndex {
    /// Encodes `packages`, read at `fingerprint`.
    pub(crate) fn new(fingerprint: &Fingerprint, packages: &[PackageSummary]) -> EncodedIndex {
        let chunks: Vec<Vec<u8>> = packages.chunks(CHUNK_PACKAGES).map(codec::encode).collect();
        let header = IndexHeader {
            fingerprint: fingerprint.clone(),
            // Cannot saturate: a chunk is at least one package, and a u32 of chunks is four
            // billion packages.
            chunks: u32::try_from(chunks.len()).unwrap_or(u32::MAX),
            packages: packages.len() as u64,
        };
        EncodedIndex {
            header: codec::encode(&header),
            chunks,
            packages: packages.len(),
        }
    }

    /// Bytes of packages.
    fn bytes(&self) -> usize {
        self.chunks.iter().map(Vec::len).sum()
    }
}

/// Replaces the index of `backend` with `index`, in one durable transaction.
pub(crate) fn write_index(
    db: &Database,
    path: &Path,
    backend: &str,
    index: &EncodedIndex,
) -> Result<()> {
    write_durably(db, path, "saving the index", |txn| {
        txn.open_table(INDEX_HEADER)?
            .insert(backend, index.header.as_slice())?;
        let mut chunks = txn.open_table(INDEX_CHUNKS)?;
        let mut count = 0u32;
        for chunk in &index.chunks {
            chunks.insert((backend, count), chunk.as_slice())?;
            count = count.saturating_add(1);
        }
        // The chunks of a longer index saved before.
        chunks.retain_in((backend, count)..=(backend, u32::MAX), |_, _| false)?;
        Ok(())
    })?;
    debug!(
        backend,
        packages = index.packages,
        chunks = index.chunks.len(),
        bytes = index.bytes(),
        "saved the index"
    );
    Ok(())
}

/// The index of `backend`, when it was saved at `fingerprint` and reads back whole.
pub(crate) fn read_index(
    db: &Database,
    path: &Path,
    backend: &str,
    fingerprint: &Fingerprint,
) -> Result<Option<Vec<PackageSummary>>> {
    let txn = begin_read(db, path, "loading the index")?;
    let Some(header) =
        read_value::<_, IndexHeader>(&txn, path, INDEX_HEADER, backend, backend)?.into_option()
    else {
        return Ok(None);
    };
    if header.fingerprint != *fingerprint {
        debug!(backend, "the saved index is of other databases");
        return Ok(None);
    }
    let packages = read_chunks(&txn, path, backend, &header)?;
    if packages.is_none() {
        warn!(backend, "the saved index is incomplete; ignoring it");
    }
    Ok(packages)
}

/// The packages of the chunks `header` announces, when all are there and add up.
fn read_chunks(
    txn: &ReadTransaction,
    path: &Path,
    backend: &str,
    header: &IndexHeader,
) -> Result<Option<Vec<PackageSummary>>> {
    let capacity = usize::try_from(header.packages).unwrap_or(0);
    let mut packages = Vec::with_capacity(capacity.min(1 << 24));
    for number in 0..header.chunks {
        let key = (backend, number);
        match read_value::<_, Vec<PackageSummary>>(txn, path, INDEX_CHUNKS, key, backend)? {
            Stored::Value(chunk) => packages.extend(chunk),
            Stored::Absent | Stored::Unreadable => return Ok(None),
        }
    }
    Ok((packages.len() as u64 == header.packages).then_some(packages))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cover_every_package_once() {
        let packages: Vec<PackageSummary> = (0..2 * CHUNK_PACKAGES + 1)
            .map(|i| PackageSummary {
                name: format!("p{i}"),
                version: "1".into(),
                description: String::new(),
                repository: "core".into(),
                architecture: "any".into(),
                installed: None,
                provides: Vec::new(),
            })
            .collect();
        let index = EncodedIndex::new(&Fingerprint::default(), &packages);
        assert_eq!(index.chunks.len(), 3);
        assert_eq!(index.packages, packages.len());
        let back: Vec<PackageSummary> = index
            .chunks
            .iter()
            .flat_map(|c| codec::decode::<Vec<PackageSummary>>(c).unwrap_or_default())
            .collect();
        assert_eq!(back, packages);
        assert_eq!(
            EncodedIndex::new(&Fingerprint::default(), &[]).chunks.len(),
            0
        );
    }
}
