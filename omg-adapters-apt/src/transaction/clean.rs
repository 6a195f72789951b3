//! `CleanCache`: the downloaded archives in `Dir::Cache::Archives`, grouped by package,
//! the newest `keep` of each (in dpkg's version order) kept, like `apt-get clean` for
//! `keep = 0` (which also empties `partial/`); or those of the installed versions kept
//! (`CleanCacheUninstalled`, like `pacman -Sc`).

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use omg_ports::{ActionKind, Error, Plan, PlannedAction, Result};

use crate::version::compare_here;

/// One archive file.
#[derive(Debug, Clone)]
struct Archive {
    path: PathBuf,
    version: Option<String>,
    size: u64,
}

/// Which archives a clean keeps.
pub(crate) enum Keep<'a> {
    /// The newest N of each package.
    Newest(usize),
    /// Those of the installed versions, given as (name, version) (`pacman -Sc`).
    Installed(&'a [(String, String)]),
}

/// What deleting the archives `keep` does not keep would do. Worker thread only (versions
/// are compared by libapt).
pub(crate) fn plan(archives: &Path, keep: Keep<'_>) -> Result<Plan> {
    let installed: std::collections::HashSet<(&str, &str)> = match &keep {
        Keep::Installed(list) => list.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect(),
        Keep::Newest(_) => Default::default(),
    };
    let keep = match keep {
        Keep::Newest(n) => Some(n),
        Keep::Installed(_) => None,
    };
    let mut groups: BTreeMap<String, Vec<Archive>> = BTreeMap::new();
    let mut doomed = Vec::new();
    for (path, size) in files(archives, "deb")? {
        let Some(stem) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".deb"))
        else {
            continue;
        };
        let parts: Vec<&str> = stem.split('_').collect();
        match parts.as_slice() {
            [name, version, arch] => groups
                .entry(format!("{}:{}", unquote(name), unquote(arch)))
                .or_default()
                .push(Archive {
                    version: Some(unquote(version)),
                    path,
                    size,
                }),
            // Not named by libapt: only `keep = 0` deletes it, as apt-get clean would.
            _ if keep == Some(0) => doomed.push(Archive {
                path,
                version: None,
                size,
            }),
            _ => {}
        }
    }
    for (_, mut archives) in groups {
        archives.sort_by(|a, b| match (&a.version, &b.version) {
            (Some(a), Some(b)) => compare_here(b, a),
            _ => Ordering::Equal,
        });
        match keep {
            Some(keep) => doomed.extend(archives.into_iter().skip(keep)),
            None => doomed.extend(archives.into_iter().filter(|a| {
                let name = a
                    .path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .and_then(|n| n.split('_').next())
                    .map(unquote)
                    .unwrap_or_default();
                let version = a.version.as_deref().unwrap_or("");
                !installed.contains(&(name.as_str(), version))
            })),
        }
    }
    if keep == Some(0) {
        let partial = archives.join("partial");
        if partial.is_dir() {
            doomed.extend(
                files(&partial, "")?
                    .into_iter()
                    .map(|(path, size)| Archive {
                        path,
                        version: None,
                        size,
                    }),
            );
        }
    }
    doomed.sort_by(|a, b| a.path.cmp(&b.path));
    let actions: Vec<PlannedAction> = doomed
        .into_iter()
        .map(|a| PlannedAction {
            kind: ActionKind::DeleteFile,
            name: a.path.display().to_string(),
            old_version: a.version,
            new_version: None,
            repository: None,
            download_size: 0,
            installed_size: a.size,
            reason: None,
        })
        .collect();
    let freed: u64 = actions.iter().map(|a| a.installed_size).sum();
    Ok(Plan {
        actions,
        download_size: 0,
        installed_size_delta: -i64::try_from(freed).unwrap_or(i64::MAX),
        warnings: Vec::new(),
        held: Vec::new(),
    })
}

/// Deletes the files of `plan`'s actions; a file already gone is not an error.
pub(crate) fn delete(plan: &Plan) -> Result<()> {
    for action in &plan.actions {
        let path = PathBuf::from(&action.name);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(Error::Io { path, source }),
        }
    }
    Ok(())
}

/// Regular files of `dir` whose name ends with `.{extension}` (any, for an empty one),
/// but not `lock`, with their sizes. A missing directory has none.
pub(crate) fn files(dir: &Path, extension: &str) -> Result<Vec<(PathBuf, u64)>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(Error::Io {
                path: dir.to_path_buf(),
                source,
            })
        }
    };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(meta) = entry.metadata() else { continue };
        if !meta.is_file() || entry.file_name() == "lock" {
            continue;
        }
        if !extension.is_empty() && path.extension().and_then(|e| e.to_str()) != Some(extension) {
            continue;
        }
        out.push((path, meta.len()));
    }
    Ok(out)
}

/// Undoes libapt's `%xx` quoting of archive names.
pub(crate) fn unquote(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_names_unquote() {
        assert_eq!(unquote("1%3a2.0"), "1:2.0");
        assert_eq!(unquote("a%5fb"), "a_b");
        assert_eq!(unquote("100%"), "100%");
    }
}
