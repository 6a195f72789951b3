//! Where an exact version of a package can be had, for undoing and redoing a recorded
//! transaction ([`omg_ports::PackageBackend::version_target`]): a package file of that
//! version in a cache directory (`<name>-<version>-<arch>.pkg.tar*`), else a repository
//! whose database offers that version.

use std::path::PathBuf;

use omg_ports::Result;

use super::clean::cached_files;
use crate::session::Session;

/// The path of a package file of `name` at `version` for one of `architectures` (or `any`)
/// in `dirs`, the first by path when several (compressions, directories) are there. A
/// relative cache directory gives a `./` path, which installs as a file too.
pub(crate) fn cached_file(
    dirs: &[PathBuf],
    architectures: &[String],
    name: &str,
    version: &str,
) -> Result<Option<String>> {
    let mut found = Vec::new();
    for dir in dirs {
        found.extend(cached_files(dir)?.into_iter().filter(|f| {
            f.name == name
                && f.version == version
                && (f.arch == "any" || architectures.contains(&f.arch))
        }));
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(found.into_iter().next().map(|f| {
        let path = f.path.display().to_string();
        if f.path.is_absolute() {
            path
        } else {
            format!("./{path}")
        }
    }))
}

impl Session {
    /// `repository/name` for the first sync database (in `pacman.conf` order) whose `name`
    /// is at exactly `version`.
    pub(crate) fn repository_with(&self, name: &str, version: &str) -> Result<Option<String>> {
        Ok(self.sync_dbs()?.iter().find_map(|db| {
            let pkg = db.pkg(name).ok()?;
            (pkg.version().as_str() == version).then(|| format!("{}/{name}", db.name()))
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_version_for_the_architecture_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        for file in [
            "foo-1.0-1-x86_64.pkg.tar.zst",
            "foo-1.0-1-x86_64.pkg.tar.zst.sig",
            "foo-2.0-1-x86_64.pkg.tar.zst",
            "foo-bar-1.0-1-any.pkg.tar.zst",
            "baz-3-1-aarch64.pkg.tar.zst",
            "qux-1-1-any.pkg.tar.zst.part",
        ] {
            std::fs::write(dir.path().join(file), b"x").unwrap();
        }
        // A directory named like a package is not a package file.
        std::fs::create_dir(dir.path().join("dir-1-1-any.pkg.tar.zst")).unwrap();
        let dirs = [dir.path().to_path_buf()];
        let arches = ["x86_64".to_string()];
        let got = cached_file(&dirs, &arches, "foo", "1.0-1").unwrap();
        assert_eq!(
            got,
            Some(
                dir.path()
                    .join("foo-1.0-1-x86_64.pkg.tar.zst")
                    .display()
                    .to_string()
            )
        );
        assert!(cached_file(&dirs, &arches, "foo-bar", "1.0-1")
            .unwrap()
            .is_some());
        assert_eq!(cached_file(&dirs, &arches, "foo", "3.0-1").unwrap(), None);
        assert_eq!(cached_file(&dirs, &arches, "baz", "3-1").unwrap(), None);
        assert_eq!(cached_file(&dirs, &arches, "qux", "1-1").unwrap(), None);
        assert_eq!(cached_file(&dirs, &arches, "dir", "1-1").unwrap(), None);
        let missing = [dir.path().join("none")];
        assert_eq!(
            cached_file(&missing, &arches, "foo", "1.0-1").unwrap(),
            None
        );
    }
}
