//! The package files a prepared transaction will extract, found where libalpm finds them.
//!
//! A package given as a file (`omg install ./foo.pkg.tar.zst`) is extracted from that path.
//! A repository package is extracted from the first cache directory that holds its file
//! name as a regular file (libalpm's `_alpm_filecache_find`: the cache directory, which
//! ends in `/`, and the name from the database, joined as bytes). libalpm downloads it
//! first when its download size is not zero, when no cache directory holds it, or when the
//! repository requires package signatures and no cache directory holds its `.sig`
//! (`find_dl_candidates` in libalpm's sync.c): such a file is not there to be checked yet.

use std::ffi::{CStr, OsStr};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use alpm::Alpm;
use alpm_sys::{_alpm_pkgfrom_t, _alpm_siglevel_t, alpm_list_t, alpm_pkg_t};
use omg_ports::{Error, Result};

/// One package the transaction installs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PackageFile {
    /// The package's name (for messages).
    pub package: String,
    /// The file libalpm extracts it from (for a repository package that still has to be
    /// downloaded: where the first cache directory will hold it).
    pub path: PathBuf,
    /// libalpm downloads the file during the commit.
    pub download: bool,
    /// For a repository package: every place libalpm looks for it, in its order (each
    /// cache directory joined with the file name).
    pub candidates: Vec<PathBuf>,
}

/// The package files of the transaction prepared on `alpm`, in libalpm's order.
pub(crate) fn of_transaction(alpm: &Alpm) -> Result<Vec<PackageFile>> {
    let handle = alpm.as_alpm_handle_t();
    // SAFETY: `handle` is the live handle of `alpm`; the cache directory strings live as
    // long as it and are copied out here.
    let cache_dirs: Vec<Vec<u8>> = unsafe {
        list(alpm_sys::alpm_option_get_cachedirs(handle))
            .map(|dir| CStr::from_ptr(dir as *const _).to_bytes().to_vec())
            .collect()
    };
    let mut files = Vec::new();
    // SAFETY: the transaction's add list and its packages are owned by the prepared
    // transaction, which outlives this call; every string read is NUL-terminated or null.
    unsafe {
        for pkg in list(alpm_sys::alpm_trans_get_add(handle)) {
            let pkg = pkg as *mut alpm_pkg_t;
            let package = text(alpm_sys::alpm_pkg_get_name(pkg)).unwrap_or_default();
            let Some(filename) = raw(alpm_sys::alpm_pkg_get_filename(pkg)) else {
                return Err(Error::CorruptPackage {
                    path: PathBuf::from(&package),
                    reason: "libalpm has no file name for it, so its files cannot be checked"
                        .into(),
                });
            };
            if alpm_sys::alpm_pkg_get_origin(pkg) == _alpm_pkgfrom_t::ALPM_PKG_FROM_FILE {
                files.push(PackageFile {
                    package,
                    path: path(filename),
                    download: false,
                    candidates: Vec::new(),
                });
                continue;
            }
            let found = cached(&cache_dirs, filename);
            let mut signature = filename.to_vec();
            signature.extend_from_slice(b".sig");
            let db = alpm_sys::alpm_pkg_get_db(pkg);
            let signed = !db.is_null()
                && (alpm_sys::alpm_db_get_siglevel(db) as u32 & _alpm_siglevel_t::ALPM_SIG_PACKAGE)
                    != 0;
            let download = alpm_sys::alpm_pkg_download_size(pkg) != 0
                || found.is_none()
                || (signed && cached(&cache_dirs, &signature).is_none());
            let path = found.unwrap_or_else(|| {
                path(&joined(
                    cache_dirs.first().map_or(&b"/"[..], Vec::as_slice),
                    filename,
                ))
            });
            files.push(PackageFile {
                package,
                path,
                download,
                candidates: cache_dirs
                    .iter()
                    .map(|dir| self::path(&joined(dir, filename)))
                    .collect(),
            });
        }
    }
    Ok(files)
}

/// The first `dir + name` among `dirs` that is a regular file (following symbolic links,
/// as libalpm's `stat` does).
fn cached(dirs: &[Vec<u8>], name: &[u8]) -> Option<PathBuf> {
    dirs.iter()
        .map(|dir| path(&joined(dir, name)))
        .find(|p| std::fs::metadata(p).is_ok_and(|m| m.is_file()))
}

/// `dir` and `name` as libalpm joins them: `dir` ends in `/` (libalpm adds it).
fn joined(dir: &[u8], name: &[u8]) -> Vec<u8> {
    let mut out = dir.to_vec();
    if !out.ends_with(b"/") {
        out.push(b'/');
    }
    out.extend_from_slice(name);
    out
}

fn path(bytes: &[u8]) -> PathBuf {
    PathBuf::from(OsStr::from_bytes(bytes))
}

/// The `data` pointers of an `alpm_list_t`.
///
/// # Safety
///
/// `list` is null or a valid list whose nodes outlive the iteration.
unsafe fn list(mut list: *mut alpm_list_t) -> impl Iterator<Item = *mut std::ffi::c_void> {
    std::iter::from_fn(move || {
        if list.is_null() {
            return None;
        }
        // SAFETY: guaranteed by the caller.
        let node = unsafe { &*list };
        list = node.next;
        Some(node.data)
    })
}

/// # Safety
///
/// `s` is null or a NUL-terminated string that outlives `'a`.
unsafe fn raw<'a>(s: *const std::os::raw::c_char) -> Option<&'a [u8]> {
    // SAFETY: guaranteed by the caller.
    (!s.is_null()).then(|| unsafe { CStr::from_ptr(s) }.to_bytes())
}

/// # Safety
///
/// As [`raw`].
unsafe fn text(s: *const std::os::raw::c_char) -> Option<String> {
    // SAFETY: guaranteed by the caller.
    unsafe { raw(s) }.map(|b| String::from_utf8_lossy(b).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_join_like_libalpm() {
        assert_eq!(joined(b"/var/cache/", b"a.pkg"), b"/var/cache/a.pkg");
        assert_eq!(joined(b"/var/cache", b"a.pkg"), b"/var/cache/a.pkg");
        // An absolute or climbing name is not special to libalpm's concatenation.
        assert_eq!(joined(b"/c/", b"/x"), b"/c//x");
        assert_eq!(joined(b"/c/", b"../x"), b"/c/../x");
    }
}
