//! [`Transaction::CleanCache`](omg_ports::Transaction::CleanCache): package files in the
//! cache directories, grouped by package name and architecture, the newest `keep` versions of
//! each kept (by `vercmp`), the others deleted with their signatures, like `paccache -rk N`;
//! [`Transaction::CleanCacheUninstalled`](omg_ports::Transaction::CleanCacheUninstalled):
//! every file but those of the installed versions, like `pacman -Sc`.
//! Partial downloads and files that are not package files are left alone.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use omg_ports::{ActionKind, Error, Plan, PlannedAction, ProgressEvent, ProgressSink, Result};

/// A package file in a cache directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CachedFile {
    pub(crate) path: PathBuf,
    pub(crate) name: String,
    pub(crate) version: String,
    pub(crate) arch: String,
    size: u64,
}

/// What cleaning `dirs` would delete: with `keep` N, all but the newest N versions of each
/// package (`paccache -rk N`); without, every file but those of the versions in `installed`
/// (name, version), like `pacman -Sc`.
pub(crate) fn plan(
    dirs: &[PathBuf],
    keep: Option<usize>,
    installed: &[(String, String)],
) -> Result<Plan> {
    let mut groups: BTreeMap<(String, String), Vec<CachedFile>> = BTreeMap::new();
    for dir in dirs {
        for file in cached_files(dir)? {
            groups
                .entry((file.name.clone(), file.arch.clone()))
                .or_default()
                .push(file);
        }
    }
    let installed: std::collections::HashSet<(&str, &str)> = installed
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let mut plan = Plan::default();
    for files in groups.values_mut() {
        // Newest first; equal versions (copies in two directories) by path.
        files.sort_by(|a, b| {
            alpm::vercmp(b.version.as_str(), a.version.as_str()).then_with(|| a.path.cmp(&b.path))
        });
        let deleted = files.iter().enumerate().filter(|(i, file)| match keep {
            Some(keep) => *i >= keep,
            None => !installed.contains(&(file.name.as_str(), file.version.as_str())),
        });
        for (_, file) in deleted {
            plan.installed_size_delta -= file.size as i64;
            plan.actions.push(PlannedAction {
                kind: ActionKind::DeleteFile,
                name: file.path.display().to_string(),
                old_version: Some(file.version.clone()),
                new_version: None,
                repository: None,
                download_size: 0,
                installed_size: file.size,
                reason: None,
            });
        }
    }
    plan.actions.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(plan)
}

/// Deletes what [`plan`] lists, with each file's signature (`.sig`) when there is one.
pub(crate) fn commit(
    dirs: &[PathBuf],
    keep: Option<usize>,
    installed: &[(String, String)],
    sink: &dyn ProgressSink,
) -> Result<Vec<PlannedAction>> {
    let plan = plan(dirs, keep, installed)?;
    let total = plan.actions.len();
    for (i, action) in plan.actions.iter().enumerate() {
        sink.event(ProgressEvent::Step {
            message: format!("deleting {}", action.name),
            current: i + 1,
            total,
        });
        let path = Path::new(&action.name);
        remove(path)?;
        let mut sig = path.as_os_str().to_owned();
        sig.push(".sig");
        remove(Path::new(&sig))?;
    }
    Ok(plan.actions)
}

fn remove(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(Error::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// The package files directly in `dir` (a missing directory has none).
pub(crate) fn cached_files(dir: &Path) -> Result<Vec<CachedFile>> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(Error::Io {
                path: dir.to_path_buf(),
                source,
            })
        }
    };
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| Error::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let Ok(meta) = entry.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        let file_name = entry.file_name();
        let Some((name, version, arch)) = file_name.to_str().and_then(parse_file_name) else {
            continue;
        };
        files.push(CachedFile {
            path: entry.path(),
            name,
            version,
            arch,
            size: meta.len(),
        });
    }
    Ok(files)
}

/// `name-pkgver-pkgrel-arch.pkg.tar[.ext]` as (name, `pkgver-pkgrel`, arch).
fn parse_file_name(file: &str) -> Option<(String, String, String)> {
    let (stem, ext) = file.split_once(".pkg.tar")?;
    if ext.ends_with(".sig") || ext.ends_with(".part") || (!ext.is_empty() && !ext.starts_with('.'))
    {
        return None;
    }
    let mut parts = stem.rsplitn(4, '-');
    let arch = parts.next()?;
    let pkgrel = parts.next()?;
    let pkgver = parts.next()?;
    let name = parts.next()?;
    if name.is_empty() || pkgver.is_empty() || pkgrel.is_empty() || arch.is_empty() {
        return None;
    }
    Some((name.into(), format!("{pkgver}-{pkgrel}"), arch.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_split_from_the_right() {
        assert_eq!(
            parse_file_name("lib-foo-bar-1:2.0.1-3-x86_64.pkg.tar.zst"),
            Some(("lib-foo-bar".into(), "1:2.0.1-3".into(), "x86_64".into()))
        );
        assert_eq!(
            parse_file_name("a-1-1-any.pkg.tar"),
            Some(("a".into(), "1-1".into(), "any".into()))
        );
        assert_eq!(parse_file_name("a-1-1-any.pkg.tar.zst.sig"), None);
        assert_eq!(parse_file_name("a-1-1-any.pkg.tar.zst.part"), None);
        assert_eq!(parse_file_name("1-1-any.pkg.tar.zst"), None);
        assert_eq!(parse_file_name("core.db"), None);
    }
}
