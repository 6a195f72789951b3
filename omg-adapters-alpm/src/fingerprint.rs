//! Stamps of the database files: cheap change detection without libalpm.

use std::io;
use std::path::Path;
use std::time::UNIX_EPOCH;

use omg_ports::{Error, FileStamp, Fingerprint, Result};

use crate::config::Resolved;

/// Stamps, in order, of every sync database file `<dbpath>/sync/<repo>.db` (in `pacman.conf`
/// order), of the `<dbpath>/local/` directory (its modification time changes when a package
/// is installed, removed or upgraded) and of `<dbpath>/local/ALPM_DB_VERSION`. Absent files
/// are stamped 0.
///
/// Not seen: edits inside an existing local entry that leave the directory alone, such as
/// `pacman -D --asdeps` rewriting a `desc` file.
pub(crate) fn fingerprint(cfg: &Resolved) -> Result<Fingerprint> {
    let local = cfg.local_db_path();
    let mut paths: Vec<_> = cfg.repos.iter().map(|r| cfg.sync_db_path(r)).collect();
    paths.push(local.clone());
    paths.push(local.join("ALPM_DB_VERSION"));
    let stamps = paths.iter().map(|p| stamp(p)).collect::<Result<Vec<_>>>()?;
    Ok(Fingerprint { stamps })
}

fn stamp(path: &Path) -> Result<FileStamp> {
    let (modified_ns, len) = match std::fs::metadata(path) {
        Ok(meta) => {
            let modified = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            (modified, meta.len())
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => (0, 0),
        Err(source) => {
            return Err(Error::Io {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    Ok(FileStamp {
        path: path.display().to_string(),
        modified_ns,
        len,
    })
}
