//! libalpm's transaction errors, with the data it returns and the errors it logged, as
//! omg's typed [`Error`]s.

use std::ffi::CStr;
use std::path::{Path, PathBuf};

use alpm::{CommitData, CommitError, PrepareData, PrepareError};
use omg_ports::{Error, Result};

/// The error of `alpm_trans_prepare`. `removing` tells a removal (a package others need)
/// from an installation (a dependency no repository has).
pub(crate) fn prepare(err: &PrepareError, removing: bool, logged: &[String]) -> Error {
    match err.data() {
        Some(PrepareData::UnsatisfiedDeps(list)) => {
            let Some(missing) = list.first() else {
                return generic(err.error(), logged);
            };
            let dependency = missing.depend().to_string();
            let required_by = missing.target().to_string();
            if removing {
                Error::InvalidRequest(format!(
                    "removing {} would break {required_by}, which depends on '{dependency}'; \
                     remove {required_by} too, or keep {}",
                    missing.causing_pkg().unwrap_or(missing.depend().name()),
                    missing.causing_pkg().unwrap_or(missing.depend().name()),
                ))
            } else {
                Error::Unsatisfiable {
                    dependency,
                    required_by,
                }
            }
        }
        Some(PrepareData::ConflictingDeps(list)) => match list.first() {
            Some(c) => Error::Conflict {
                first: c.package1().name().to_string(),
                second: c.package2().name().to_string(),
                reason: Some(c.reason().to_string()),
            },
            None => generic(err.error(), logged),
        },
        Some(PrepareData::PkgInvalidArch(list)) => Error::InvalidRequest(format!(
            "{} {} built for another architecture than this system's",
            list.iter().map(|p| p.name()).collect::<Vec<_>>().join(", "),
            if list.len() == 1 { "is" } else { "are" }
        )),
        None => generic(err.error(), logged),
    }
}

/// The error of `alpm_trans_commit`; `cache` is the first cache directory (package files
/// named without a directory are there); `corrupted` the files libalpm asked to delete
/// (a checksum or signature failure names the file only there).
pub(crate) fn commit(
    err: &CommitError,
    cache: Option<&Path>,
    corrupted: &[String],
    logged: &[String],
) -> Error {
    match err.data() {
        Some(CommitData::FileConflict(list)) => {
            // libalpm returns `alpm_fileconflict_t` items for ALPM_ERR_FILE_CONFLICTS (see
            // alpm.h); the crate types the list as `Conflict`, so read them as they are.
            let Some(item) = list.first() else {
                return generic(err.error(), logged);
            };
            let raw = item as *const alpm::Conflict as *const alpm_sys::alpm_fileconflict_t;
            // SAFETY: `raw` points at a live `alpm_fileconflict_t` owned by `err`'s list (freed
            // when `err` drops, after this function); its strings are NUL-terminated or null.
            let (target, file, owner) = unsafe {
                (
                    c_text((*raw).target),
                    c_text((*raw).file),
                    c_text((*raw).ctarget),
                )
            };
            Error::FileConflict {
                package: target.unwrap_or_default(),
                path: PathBuf::from(file.unwrap_or_default()),
                owner: owner.filter(|o| !o.is_empty()),
            }
        }
        Some(CommitData::PkgInvalid(list)) => {
            let file = list
                .first()
                .or(corrupted.first().map(String::as_str))
                .unwrap_or_default();
            let path = match cache {
                Some(dir) if !file.starts_with('/') => dir.join(file),
                _ => PathBuf::from(file),
            };
            let reason = match err.error() {
                alpm::Error::PkgInvalidChecksum => "checksum mismatch".to_string(),
                alpm::Error::PkgInvalidSig => "invalid or missing signature".to_string(),
                e => e.to_string(),
            };
            Error::CorruptPackage { path, reason }
        }
        None => generic(err.error(), logged),
    }
}

/// The other errors, with what libalpm logged meanwhile.
pub(crate) fn generic(error: alpm::Error, logged: &[String]) -> Error {
    match error {
        alpm::Error::DiskSpace => disk_space(logged),
        alpm::Error::Retrieve | alpm::Error::ExternalDownload | alpm::Error::Libcurl => {
            download(error, logged)
        }
        alpm::Error::PkgInvalid
        | alpm::Error::PkgInvalidChecksum
        | alpm::Error::PkgInvalidSig
        | alpm::Error::PkgOpen
        | alpm::Error::PkgInvalidName => Error::CorruptPackage {
            path: logged_path(logged).unwrap_or_default(),
            reason: with_log(&error.to_string(), logged),
        },
        _ => Error::Library {
            library: "libalpm".into(),
            message: with_log(&error.to_string(), logged),
        },
    }
}

/// `failed retrieving file 'NAME' from URL : REASON` as logged by libalpm's downloader.
fn download(error: alpm::Error, logged: &[String]) -> Error {
    for line in logged {
        if let Some(rest) = line.strip_prefix("failed retrieving file '") {
            if let Some((file, rest)) = rest.split_once("' from ") {
                let (host, reason) = rest.split_once(" : ").unwrap_or((rest, ""));
                return Error::Download {
                    url: format!("{}/{file}", host.trim_end_matches('/')),
                    reason: if reason.is_empty() {
                        error.to_string()
                    } else {
                        reason.to_string()
                    },
                };
            }
        }
    }
    Error::Download {
        url: "a package or database file".into(),
        reason: with_log(&error.to_string(), logged),
    }
}

/// `Partition MOUNT too full: N blocks needed, M blocks free` as logged by libalpm.
fn disk_space(logged: &[String]) -> Error {
    for line in logged {
        let Some(rest) = line.strip_prefix("Partition ") else {
            continue;
        };
        let Some((mount, rest)) = rest.split_once(" too full: ") else {
            continue;
        };
        let numbers: Vec<u64> = rest
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|n| n.parse().ok())
            .collect();
        if let [needed, free, ..] = numbers[..] {
            let block = block_size(Path::new(mount));
            return Error::DiskSpace {
                mount: PathBuf::from(mount),
                needed: needed.saturating_mul(block),
                available: free.saturating_mul(block),
            };
        }
    }
    Error::DiskSpace {
        mount: PathBuf::from("/"),
        needed: 0,
        available: 0,
    }
}

/// The block size libalpm counts in for `mount` (`f_bsize` of statvfs).
fn block_size(mount: &Path) -> u64 {
    use std::os::unix::ffi::OsStrExt;
    let Ok(path) = std::ffi::CString::new(mount.as_os_str().as_bytes()) else {
        return 1;
    };
    let mut stat = std::mem::MaybeUninit::<libc::statvfs>::zeroed();
    // SAFETY: `path` is a valid C string and `stat` points at writable memory of the type
    // statvfs fills in.
    let ret = unsafe { libc::statvfs(path.as_ptr(), stat.as_mut_ptr()) };
    if ret != 0 {
        return 1;
    }
    // SAFETY: statvfs succeeded, so it initialised `stat`.
    let stat = unsafe { stat.assume_init() };
    stat.f_bsize.max(1)
}

/// A quoted absolute path in the logged errors, when there is one.
fn logged_path(logged: &[String]) -> Option<PathBuf> {
    logged.iter().find_map(|line| {
        let start = line.find("'/")? + 1;
        let end = start + line[start..].find('\'')?;
        Some(PathBuf::from(&line[start..end]))
    })
}

fn with_log(message: &str, logged: &[String]) -> String {
    if logged.is_empty() {
        message.to_string()
    } else {
        format!("{message} ({})", logged.join("; "))
    }
}

/// A C string libalpm owns, as text (`None` for null).
///
/// # Safety
///
/// `ptr` is null or points at a NUL-terminated string that lives for the call.
unsafe fn c_text(ptr: *const std::os::raw::c_char) -> Option<String> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: guaranteed by the caller.
    Some(
        unsafe { CStr::from_ptr(ptr) }
            .to_string_lossy()
            .into_owned(),
    )
}

/// Converts a result of `alpm_trans_add_pkg`/`alpm_remove_pkg`: a target given twice is
/// skipped, as pacman does.
pub(crate) fn added(result: std::result::Result<(), alpm::Error>, name: &str) -> Result<()> {
    match result {
        Ok(()) | Err(alpm::Error::TransDupTarget) => Ok(()),
        Err(alpm::Error::PkgIgnored) => Err(Error::InvalidRequest(format!(
            "{name} is in IgnorePkg/IgnoreGroup of pacman.conf"
        ))),
        Err(e) => Err(Error::Library {
            library: "libalpm".into(),
            message: format!("cannot add {name} to the transaction: {e}"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn download_errors_name_the_url_and_reason() {
        let logged = vec![
            "failed retrieving file 'foo-1-1-x86_64.pkg.tar.zst' from file:///srv/core : Couldn't open file /srv/core/foo".to_string(),
        ];
        let e = generic(alpm::Error::Retrieve, &logged);
        assert!(
            matches!(&e, Error::Download { url, reason } if url == "file:///srv/core/foo-1-1-x86_64.pkg.tar.zst" && reason.starts_with("Couldn't open")),
            "{e:?}"
        );
    }

    #[test]
    fn disk_space_errors_are_parsed_from_the_log() {
        let logged = vec!["Partition / too full: 100 blocks needed, 3 blocks free".to_string()];
        let e = generic(alpm::Error::DiskSpace, &logged);
        let Error::DiskSpace {
            mount,
            needed,
            available,
        } = e
        else {
            panic!("{e:?}")
        };
        assert_eq!(mount, PathBuf::from("/"));
        assert!(needed >= 100 && available >= 3 && needed / 100 == available / 3);
    }
}
