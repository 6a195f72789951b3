//! Package files named as install targets (`omg install ./foo.deb`, as `apt install
//! ./foo.deb`): which targets are files, checking them, and the version libapt made of each
//! once the cache was opened with them.

use std::path::{Path, PathBuf};

use omg_ports::{Error, Result, Transaction};
use rust_apt::{Cache, Version};

/// libapt's `index_type` of a `.deb` file added to the cache.
const DEB_INDEX: &str = "Debian deb file";

/// The largest number of package files one transaction takes.
const MAX_FILES: usize = 256;

/// True when `target` is a path rather than a package name, by apt's rule: it starts with
/// `/`, `./` or `../` (or is `.` or `..`). `foo.deb` and `dir/foo.deb` are names to apt.
pub(crate) fn is_path(target: &str) -> bool {
    target.starts_with('/')
        || target.starts_with("./")
        || target.starts_with("../")
        || target == "."
        || target == ".."
}

/// The package files `tx` installs, checked and made absolute (symbolic links resolved, as
/// libapt records them); none for a transaction that is not an install.
///
/// # Errors
///
/// [`Error::InvalidRequest`] for a path that does not end in `.deb`, does not exist, or is
/// not a regular file (a directory, a device), and for more than [`MAX_FILES`] files.
pub(crate) fn files(tx: &Transaction) -> Result<Vec<PathBuf>> {
    let (Transaction::Install(targets) | Transaction::Reinstall(targets)) = tx else {
        return Ok(Vec::new());
    };
    let mut files = Vec::new();
    for target in targets.iter().filter(|t| is_path(t)) {
        let file = check(target)?;
        if !files.contains(&file) {
            files.push(file);
        }
    }
    if files.len() > MAX_FILES {
        return Err(Error::InvalidRequest(format!(
            "{} package files given; omg installs at most {MAX_FILES} at once",
            files.len()
        )));
    }
    Ok(files)
}

/// `target` (a path by [`is_path`]) as libapt names the file: absolute, links resolved.
pub(crate) fn check(target: &str) -> Result<PathBuf> {
    let path = Path::new(target);
    let is_deb = path
        .extension()
        .is_some_and(|ext| ext == "deb" || ext == "ddeb");
    if !is_deb {
        return Err(Error::InvalidRequest(format!(
            "{target} is not a .deb file; omg installs package files ending in .deb (a \
             package name has no leading / or ./)"
        )));
    }
    let meta = std::fs::metadata(path).map_err(|e| {
        Error::InvalidRequest(match e.kind() {
            std::io::ErrorKind::NotFound => format!("{target}: no such file"),
            _ => format!("{target}: {e}"),
        })
    })?;
    if meta.is_dir() {
        return Err(Error::InvalidRequest(format!(
            "{target} is a directory, not a .deb file"
        )));
    }
    if !meta.is_file() {
        return Err(Error::InvalidRequest(format!(
            "{target} is not a regular file, so not a .deb file"
        )));
    }
    std::fs::canonicalize(path).map_err(|e| Error::InvalidRequest(format!("{target}: {e}")))
}

/// The version libapt read from the package file `file` (absolute, as [`check`] gives it)
/// in a cache opened with it.
pub(crate) fn version<'a>(cache: &'a Cache, file: &Path) -> Option<Version<'a>> {
    let wanted = file.to_str()?;
    let index = cache
        .package_files()
        .find(|f| f.index_type() == Some(DEB_INDEX) && f.filename() == Some(wanted))?
        .index();
    cache.iter().find_map(|pkg| {
        pkg.versions().find(|v| {
            v.package_files()
                .any(|f| f.index() == index && f.index_type() == Some(DEB_INDEX))
        })
    })
}

/// True when `version` comes from a package file given on the command line.
pub(crate) fn is_from_file(version: &Version<'_>) -> bool {
    version
        .package_files()
        .any(|f| f.index_type() == Some(DEB_INDEX))
}

/// The error for a name that is no package but a `.deb` file apt would not take as one
/// either (`foo.deb`, `dir/foo.deb`): how to name the file.
pub(crate) fn name_is_a_file(target: &str) -> Option<Error> {
    let looks_like_deb = target.ends_with(".deb") || target.ends_with(".ddeb");
    (looks_like_deb && !is_path(target) && Path::new(target).is_file()).then(|| {
        Error::InvalidRequest(format!(
            "'{target}' is read as a package name; to install the file, write ./{target} \
             (a path starts with /, ./ or ../, as apt wants it)"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_by_apts_rule() {
        for path in ["./x.deb", "/tmp/x.deb", "../x.deb", ".", "..", "./dir"] {
            assert!(is_path(path), "{path}");
        }
        for name in ["x.deb", "dir/x.deb", "bash", "bash/bookworm", ".x", "..x"] {
            assert!(!is_path(name), "{name}");
        }
    }

    #[test]
    fn bad_files_are_refused_with_what_is_wrong() {
        let dir = tempfile::tempdir().unwrap();
        let text = |e: Error| e.to_string();
        let missing = dir.path().join("missing.deb");
        let e = check(missing.to_str().unwrap()).unwrap_err();
        assert!(text(e).ends_with("missing.deb: no such file"));
        let sub = dir.path().join("sub.deb");
        std::fs::create_dir(&sub).unwrap();
        let e = check(sub.to_str().unwrap()).unwrap_err();
        assert!(text(e).contains("is a directory"));
        let other = dir.path().join("notes.txt");
        std::fs::write(&other, "x").unwrap();
        let e = check(other.to_str().unwrap()).unwrap_err();
        assert!(text(e).contains("is not a .deb file"));
        let deb = dir.path().join("x.deb");
        std::fs::write(&deb, "x").unwrap();
        let link = dir.path().join("link.deb");
        std::os::unix::fs::symlink(&deb, &link).unwrap();
        assert_eq!(
            check(link.to_str().unwrap()).unwrap(),
            std::fs::canonicalize(&deb).unwrap()
        );
        assert!(check("/dev/null.deb").is_err());
    }

    #[test]
    fn files_of_an_install_only() {
        assert!(files(&Transaction::Upgrade).unwrap().is_empty());
        assert!(files(&Transaction::Install(vec!["bash".into()]))
            .unwrap()
            .is_empty());
        assert!(files(&Transaction::Install(vec!["./omg-none.deb".into()])).is_err());
    }
}
