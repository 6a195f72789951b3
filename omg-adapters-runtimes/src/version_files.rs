//! Reading version files from the disk for the domain's resolver.

use std::collections::HashSet;
use std::ffi::OsString;
use std::io::Write;
use std::path::Path;

use omg_ports::{DirFiles, Error, Result, VERSION_FILES};

/// The version files in `start` and each directory above it up to `/`, nearest first (only
/// directories that have any). Unreadable files are skipped (a version file omg cannot read
/// does not decide anything); files larger than 1 MiB are skipped too.
///
/// Each directory is listed once and only the names of [`VERSION_FILES`] whose first
/// component is in it are looked at: this runs before every prompt (the shell hook), and one
/// listing costs fewer system calls than a failed look-up per name. A directory that cannot
/// be listed (search permission only) is probed name by name.
pub fn read_version_files(start: &Path) -> Vec<DirFiles> {
    let wanted: HashSet<&str> = VERSION_FILES
        .iter()
        .map(|n| n.split('/').next().unwrap_or(n))
        .collect();
    let mut out = Vec::new();
    let mut dir = Some(start);
    while let Some(d) = dir {
        let listed = listing(d, &wanted);
        let mut files = Vec::new();
        for name in VERSION_FILES {
            if let Some(present) = &listed {
                let first = name.split('/').next().unwrap_or(name);
                if !present.contains(std::ffi::OsStr::new(first)) {
                    continue;
                }
            }
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

/// The entries of `dir` among `wanted` (the first components of [`VERSION_FILES`]), or
/// `None` when `dir` cannot be listed.
fn listing(dir: &Path, wanted: &HashSet<&str>) -> Option<HashSet<OsString>> {
    let entries = std::fs::read_dir(dir).ok()?;
    Some(
        entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name())
            .filter(|n| n.to_str().is_some_and(|n| wanted.contains(n)))
            .collect(),
    )
}

/// Writes a version file atomically: the new contents go to a temporary file in the same
/// directory, which then replaces `path` in one rename (a reader sees the old file or the new
/// one, never half of it). An existing file keeps its permissions.
///
/// # Errors
///
/// [`Error::Io`] naming the file or directory that could not be written.
pub fn write_version_file(path: &Path, contents: &str) -> Result<()> {
    let io = |p: &Path, source: std::io::Error| Error::Io {
        path: p.to_path_buf(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| io(dir, e))?;
    tmp.write_all(contents.as_bytes())
        .map_err(|e| io(tmp.path(), e))?;
    let permissions = match std::fs::metadata(path) {
        Ok(meta) => meta.permissions(),
        // A new file: rw-r--r--, as editors and `echo > f` under the usual umask make it.
        Err(_) => {
            use std::os::unix::fs::PermissionsExt;
            std::fs::Permissions::from_mode(0o644)
        }
    };
    tmp.as_file()
        .set_permissions(permissions)
        .map_err(|e| io(tmp.path(), e))?;
    tmp.as_file().sync_all().map_err(|e| io(tmp.path(), e))?;
    tmp.persist(path).map_err(|e| io(path, e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_files_and_subpaths_nearest_first() {
        let tmp = tempfile::tempdir().unwrap();
        let top = tmp.path();
        let deep = top.join("a/b");
        std::fs::create_dir_all(deep.join(".config")).unwrap();
        std::fs::write(top.join(".nvmrc"), "20\n").unwrap();
        std::fs::write(deep.join(".config/mise.toml"), "[tools]\nnode = \"18\"\n").unwrap();
        std::fs::write(deep.join("go.mod"), "go 1.22\n").unwrap();
        // Not a regular file: passed over.
        std::fs::create_dir_all(deep.join(".python-version")).unwrap();
        let got = read_version_files(&deep);
        let names: Vec<(std::path::PathBuf, Vec<String>)> = got
            .iter()
            .map(|d| {
                let mut n: Vec<String> = d.files.iter().map(|(n, _)| n.clone()).collect();
                n.sort();
                (d.dir.clone(), n)
            })
            .take(2)
            .collect();
        assert_eq!(
            names,
            vec![
                (
                    deep.clone(),
                    vec![".config/mise.toml".to_string(), "go.mod".to_string()]
                ),
                (top.to_path_buf(), vec![".nvmrc".to_string()]),
            ]
        );
    }
}
