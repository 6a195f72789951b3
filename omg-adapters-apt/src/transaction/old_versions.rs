//! Where an exact version of a package can be had, for undoing and redoing a recorded
//! transaction ([`omg_ports::PackageBackend::version_target`]): a repository that still
//! offers it (`name=version`), else its archive in `Dir::Cache::Archives`
//! (`<name>_<version>_<arch>.deb`, `:` quoted as `%3a`), which installs as a file.

use std::path::Path;

use omg_ports::Result;
use rust_apt::Cache;

use super::clean::{files, unquote};
use super::{Settings, DEFAULT_LOCK_TIMEOUT};
use crate::config::Paths;

/// The install target for `name` at `version`. Worker thread only.
pub(crate) fn target(
    cache: &Cache,
    paths: &Paths,
    name: &str,
    version: &str,
) -> Result<Option<String>> {
    let offered = cache.get(name).is_some_and(|pkg| {
        pkg.versions()
            .any(|v| v.version() == version && v.is_downloadable())
    });
    if offered {
        return Ok(Some(format!("{name}={version}")));
    }
    let archives = Settings::load(paths, DEFAULT_LOCK_TIMEOUT).archives;
    archive(&archives, name, version)
}

/// The path of `name`'s archive at `version` in `dir`, the first by path when several
/// (architectures) are there.
fn archive(dir: &Path, name: &str, version: &str) -> Result<Option<String>> {
    // `name:arch` as libapt's full names spell a foreign package.
    let bare = name.split_once(':').map_or(name, |(n, _)| n);
    let arch = name.split_once(':').map(|(_, a)| a);
    let mut found: Vec<_> = files(dir, "deb")?
        .into_iter()
        .filter(|(path, _)| {
            let Some(stem) = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".deb"))
            else {
                return false;
            };
            match stem.split('_').collect::<Vec<_>>().as_slice() {
                [n, v, a] => {
                    unquote(n) == bare
                        && unquote(v) == version
                        && arch.is_none_or(|arch| unquote(a) == arch || *a == "all")
                }
                _ => false,
            }
        })
        .map(|(path, _)| path)
        .collect();
    found.sort();
    Ok(found.into_iter().next().map(|p| {
        let path = p.display().to_string();
        if p.is_absolute() {
            path
        } else {
            format!("./{path}")
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archives_are_found_by_name_and_unquoted_version() {
        let dir = tempfile::tempdir().unwrap();
        for file in [
            "foo_1%3a2.0-1_amd64.deb",
            "foo_3.0-1_amd64.deb",
            "foo-bar_2.0-1_all.deb",
            "odd.deb",
        ] {
            std::fs::write(dir.path().join(file), b"x").unwrap();
        }
        std::fs::create_dir(dir.path().join("dir_1_all.deb")).unwrap();
        let got = archive(dir.path(), "foo", "1:2.0-1").unwrap();
        let want = dir.path().join("foo_1%3a2.0-1_amd64.deb");
        assert_eq!(got, Some(want.display().to_string()));
        assert!(archive(dir.path(), "foo:amd64", "3.0-1").unwrap().is_some());
        assert_eq!(archive(dir.path(), "foo:i386", "3.0-1").unwrap(), None);
        assert!(archive(dir.path(), "foo-bar", "2.0-1").unwrap().is_some());
        assert_eq!(archive(dir.path(), "foo", "2.0-1").unwrap(), None);
        assert_eq!(archive(dir.path(), "dir", "1").unwrap(), None);
        assert_eq!(
            archive(&dir.path().join("none"), "foo", "3.0-1").unwrap(),
            None
        );
    }
}
