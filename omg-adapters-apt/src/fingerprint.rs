//! Cheap change detection: stamps of the files libapt builds its cache from.

use std::fs;
use std::path::Path;
use std::time::UNIX_EPOCH;

use omg_ports::{FileStamp, Fingerprint};

use crate::config::Paths;

/// Stamps, in this order: dpkg's status, apt's `extended_states`, the lists directory and
/// each file in it (by name), then `sources.list`, `sources.list.d` and its files,
/// `preferences`, `preferences.d` and its files. Every path comes from libapt's
/// configuration, so a root or an apt.conf moves them all. Only `stat` calls: no file is
/// read and libapt is not involved.
pub(crate) fn stamps(paths: &Paths) -> Fingerprint {
    let mut stamps = vec![stamp(&paths.status), stamp(&paths.extended_states)];
    directory(&paths.lists, &mut stamps);
    stamps.push(stamp(&paths.sourcelist));
    directory(&paths.sourceparts, &mut stamps);
    stamps.push(stamp(&paths.preferences));
    directory(&paths.preferencesparts, &mut stamps);
    Fingerprint { stamps }
}

/// The stamp of `dir` itself, then of each regular file directly in it, sorted by name
/// (apt's `lock` file is left out: taking the lock is not a change).
fn directory(dir: &Path, out: &mut Vec<FileStamp>) {
    out.push(stamp(dir));
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut files: Vec<_> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter(|e| e.file_name() != "lock")
        .map(|e| e.path())
        .collect();
    files.sort();
    out.extend(files.iter().map(|f| stamp(f)));
}

/// The modification time and size of `path`; zeros when it is absent.
pub(crate) fn stamp(path: &Path) -> FileStamp {
    let (modified_ns, len) = match fs::metadata(path) {
        Ok(meta) => (
            meta.modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos()),
            meta.len(),
        ),
        Err(_) => (0, 0),
    };
    FileStamp {
        path: path.display().to_string(),
        modified_ns,
        len,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn stamps_are_ordered_and_zero_when_absent() {
        let dir = tempfile::tempdir().unwrap();
        let lists = dir.path().join("lists");
        fs::create_dir(&lists).unwrap();
        fs::write(lists.join("b_Packages"), "x").unwrap();
        fs::write(lists.join("a_Packages"), "yy").unwrap();
        fs::write(lists.join("lock"), "").unwrap();
        fs::create_dir(lists.join("partial")).unwrap();
        let paths = Paths {
            status: dir.path().join("status"),
            extended_states: dir.path().join("extended_states"),
            lists: lists.clone(),
            sourcelist: PathBuf::from("/nonexistent/sources.list"),
            sourceparts: PathBuf::from("/nonexistent/sources.list.d"),
            preferences: PathBuf::from("/nonexistent/preferences"),
            preferencesparts: PathBuf::from("/nonexistent/preferences.d"),
            architecture: "amd64".into(),
            architectures: Vec::new(),
            pkgcache: String::new(),
            srcpkgcache: String::new(),
            system_pkgcache: PathBuf::new(),
            system_srcpkgcache: PathBuf::new(),
        };
        let fp = stamps(&paths);
        let names: Vec<_> = fp.stamps.iter().map(|s| s.path.clone()).collect();
        assert_eq!(names[2], lists.display().to_string());
        assert!(names[3].ends_with("a_Packages") && names[4].ends_with("b_Packages"));
        assert_eq!(fp.stamps[3].len, 2);
        assert_eq!((fp.stamps[0].modified_ns, fp.stamps[0].len), (0, 0));
        assert_eq!(fp.stamps.len(), 2 + 3 + 2 + 2);
        assert_eq!(fp, stamps(&paths));
        fs::write(dir.path().join("status"), "Package: x\n").unwrap();
        assert_ne!(fp, stamps(&paths));
    }
}
