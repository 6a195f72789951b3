//! Reading version files from the disk for the domain's resolver.

use std::path::Path;

use omg_domain::runtime::{DirFiles, VERSION_FILES};

/// The version files in `start` and each directory above it up to `/`, nearest first (only
/// directories that have any). Unreadable files are skipped (a version file omg cannot read
/// does not decide anything); files larger than 1 MiB are skipped too.
pub fn read_version_files(start: &Path) -> Vec<DirFiles> {
    let mut out = Vec::new();
    let mut dir = Some(start);
    while let Some(d) = dir {
        let mut files = Vec::new();
        for name in VERSION_FILES {
            let path = d.join(name);
            let Ok(meta) = std::fs::metadata(&path) else {
                continue;
            };
            if !meta.is_file() || meta.len() > 1 << 20 {
                continue;
            }
            match std::fs::read_to_string(&path) {
                Ok(contents) => files.push((name.to_string(), contents)),
                Err(e) => tracing::debug!("skipping {}: {e}", path.display()),
            }
        }
        if !files.is_empty() {
            out.push(DirFiles {
                dir: d.to_path_buf(),
                files,
            });
        }
        dir = d.parent();
    }
    out
}
