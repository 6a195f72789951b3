//! Telling a damaged package database from a good one, by the rules in the crate
//! documentation ("Damaged databases"): [`open_checked`] applies rules 1 and 2 before the
//! file is parsed, [`judge_loaded`] rules 3 and 4 after it has been (with the errors the
//! reader in [`crate::syncdb`] found, or a [`LogCapture`] collected while libalpm read it).

use std::cell::RefCell;
use std::fs::{self, File, FileType};
use std::io;
use std::os::unix::fs::{FileExt, FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use alpm::{Alpm, LogLevel};
use omg_ports::{Error, Result};

/// The largest file that may legitimately hold an empty repository. bsdtar pads an empty
/// archive to one 10 KiB record; compressed it is a few dozen bytes.
pub(crate) const EMPTY_ARCHIVE_MAX: u64 = 16 * 1024;

/// Errors libalpm logged while a capture was running. The log callback also forwards every
/// libalpm message to `tracing` (target `libalpm`): errors outside a capture at `error`,
/// warnings at `warn`, debug output at `debug`, function traces at `trace`.
#[derive(Clone, Default)]
pub(crate) struct LogCapture(Rc<RefCell<Option<Vec<String>>>>);

impl LogCapture {
    /// Installs the log callback on `alpm` and returns the capture it feeds.
    pub fn install(alpm: &Alpm) -> LogCapture {
        let capture = LogCapture::default();
        alpm.set_log_cb(
            capture.clone(),
            |level, message, capture: &mut LogCapture| {
                let message = message.trim_end();
                if level.contains(LogLevel::ERROR) {
                    // While capturing, the error becomes omg's own error: only trace it.
                    match capture.0.borrow_mut().as_mut() {
                        Some(errors) => {
                            tracing::debug!(target: "libalpm", "error: {message}");
                            errors.push(message.to_string());
                        }
                        None => tracing::error!(target: "libalpm", "{message}"),
                    }
                } else if level.contains(LogLevel::WARNING) {
                    tracing::warn!(target: "libalpm", "{message}");
                } else if level.contains(LogLevel::DEBUG) {
                    tracing::debug!(target: "libalpm", "{message}");
                } else {
                    tracing::trace!(target: "libalpm", "{message}");
                }
            },
        );
        capture
    }

    /// Starts collecting errors (discarding any collected before).
    pub fn start(&self) {
        *self.0.borrow_mut() = Some(Vec::new());
    }

    /// Stops collecting and returns the errors logged since [`LogCapture::start`].
    pub fn finish(&self) -> Vec<String> {
        self.0.borrow_mut().take().unwrap_or_default()
    }
}

/// A database file opened for reading by [`open_checked`].
#[derive(Debug)]
pub(crate) struct Opened {
    /// The file, at its start.
    pub file: File,
    /// Its size.
    pub len: u64,
    /// Its first bytes (up to 512: enough for every signature, the tar one included).
    pub head: Vec<u8>,
}

/// How many bytes of a file [`Opened::head`] holds.
const HEAD: usize = 512;

/// Rules 1 and 2: the file exists, is a regular file, is not empty and looks like an archive.
///
/// A symbolic link is followed, as libalpm follows it (`open(2)` without `O_NOFOLLOW`), but
/// what it leads to must be a regular file too: a directory, FIFO, socket or device (a link to
/// `/dev/zero`, say) is refused from its `stat` before it is opened, and checked again once
/// opened (the open does not block, `O_NONBLOCK`, should a FIFO have been put there since).
pub(crate) fn open_checked(path: &Path) -> Result<Opened> {
    let io_error = |source: io::Error| match source.kind() {
        io::ErrorKind::NotFound => Error::MissingDatabase {
            path: path.to_path_buf(),
        },
        _ => Error::Io {
            path: path.to_path_buf(),
            source,
        },
    };
    let meta = fs::metadata(path).map_err(io_error)?;
    if !meta.is_file() {
        return Err(not_regular(path, meta.file_type()));
    }
    let file = File::options()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(io_error)?;
    let meta = file.metadata().map_err(io_error)?;
    if !meta.is_file() {
        return Err(not_regular(path, meta.file_type()));
    }
    let head = read_head(&file).map_err(io_error)?;
    if head.is_empty() {
        return Err(corrupt(path, "the file is empty"));
    }
    if !has_archive_signature(&head) {
        return Err(corrupt(
            path,
            "not a package database archive: unrecognised file signature",
        ));
    }
    Ok(Opened {
        file,
        len: meta.len(),
        head,
    })
}

/// Up to [`HEAD`] bytes from the start of `file`, leaving its position at the start.
fn read_head(file: &File) -> io::Result<Vec<u8>> {
    let mut head = vec![0; HEAD];
    let mut filled = 0;
    while filled < HEAD {
        match file.read_at(&mut head[filled..], filled as u64) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    head.truncate(filled);
    Ok(head)
}

/// The error for a database path that leads to something other than a regular file.
fn not_regular(path: &Path, kind: FileType) -> Error {
    let what = if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a FIFO (named pipe)"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "something"
    };
    let link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    let reason = match fs::canonicalize(path) {
        Ok(target) if link => format!(
            "it is a symbolic link to {what} ({}), not to a regular file; remove it",
            target.display()
        ),
        _ => format!("it is {what}, not a regular file; remove it"),
    };
    corrupt(path, &reason)
}

/// Rules 3 and 4, once the database has been read: `errors` are the problems found, quoted
/// in the reason (at most three).
pub(crate) fn judge_loaded(
    path: &Path,
    repo: &str,
    len: u64,
    packages: usize,
    errors: &[String],
) -> Result<()> {
    check_logged(path, errors)?;
    if packages == 0 {
        if len > EMPTY_ARCHIVE_MAX {
            return Err(corrupt(
                path,
                &format!("it yields no packages although it is {len} bytes long"),
            ));
        }
        tracing::warn!(repository = repo, path = %path.display(), "repository is empty");
    }
    Ok(())
}

/// Rule 3 alone: any error makes the database corrupt.
pub(crate) fn check_logged(path: &Path, errors: &[String]) -> Result<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(corrupt(path, &summarize(errors)))
    }
}

/// How many messages a corrupt-database error quotes.
const QUOTED_ERRORS: usize = 3;

/// The first few messages, and how many more there were.
fn summarize(errors: &[String]) -> String {
    let mut reason = errors[..errors.len().min(QUOTED_ERRORS)].join("; ");
    if errors.len() > QUOTED_ERRORS {
        reason.push_str(&format!(" (and {} more)", errors.len() - QUOTED_ERRORS));
    }
    reason
}

/// A [`Error::CorruptDatabase`] for `path`.
pub(crate) fn corrupt(path: &Path, reason: &str) -> Error {
    Error::CorruptDatabase {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    }
}

/// A sync database found missing or damaged by a lenient open
/// ([`crate::AlpmConfig::allow_damaged`]), kept to fail later calls with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Damage {
    /// The repository.
    pub repo: String,
    /// Its database file.
    pub path: PathBuf,
    /// Why it is unusable; `None` when it is missing.
    pub reason: Option<String>,
}

impl Damage {
    /// The damage `error` (an open's error for `repo`'s database at `path`) describes.
    pub fn from_error(repo: &str, path: &Path, error: &Error) -> Damage {
        let reason = match error {
            Error::MissingDatabase { .. } => None,
            Error::CorruptDatabase { reason, .. } => Some(reason.clone()),
            other => Some(other.to_string()),
        };
        Damage {
            repo: repo.to_string(),
            path: path.to_path_buf(),
            reason,
        }
    }

    /// The error a call that needs this database fails with (it tells to run `omg sync`).
    pub fn error(&self) -> Error {
        match &self.reason {
            None => Error::MissingDatabase {
                path: self.path.clone(),
            },
            Some(reason) => corrupt(&self.path, reason),
        }
    }
}

/// True when `head` (the first bytes of a file) starts like a format libarchive reads.
pub(crate) fn has_archive_signature(head: &[u8]) -> bool {
    const MAGICS: &[&[u8]] = &[
        &[0x1f, 0x8b],                         // gzip
        &[0x28, 0xb5, 0x2f, 0xfd],             // zstd
        &[0xfd, b'7', b'z', b'X', b'Z', 0x00], // xz
        b"BZh",                                // bzip2
        &[0x04, 0x22, 0x4d, 0x18],             // lz4
        b"LZIP",                               // lzip
        b"LRZI",                               // lrzip
        &[0x89, b'L', b'Z', b'O'],             // lzop
        &[0x1f, 0x9d],                         // compress (.Z)
        &[0x5d, 0x00, 0x00],                   // lzma (legacy)
    ];
    MAGICS.iter().any(|m| head.starts_with(m)) || head.get(257..262) == Some(b"ustar")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_error_lists_are_cut() {
        let errors: Vec<String> = (1..=5).map(|i| format!("e{i}")).collect();
        assert_eq!(summarize(&errors), "e1; e2; e3 (and 2 more)");
        assert_eq!(summarize(&errors[..2]), "e1; e2");
    }

    #[test]
    fn damage_gives_back_the_error_it_was_made_from() {
        let p = Path::new("/x/sync/core.db");
        let missing = Damage::from_error("core", p, &Error::MissingDatabase { path: p.into() });
        assert!(matches!(missing.error(), Error::MissingDatabase { path } if path == p));
        let bad = Damage::from_error("core", p, &corrupt(p, "truncated"));
        let e = bad.error();
        assert!(matches!(&e, Error::CorruptDatabase { reason, .. } if reason == "truncated"));
        assert!(e.to_string().contains("truncated"), "{e}");
    }

    #[test]
    fn signatures() {
        assert!(has_archive_signature(&[0x1f, 0x8b, 8, 0]));
        assert!(has_archive_signature(&[0x28, 0xb5, 0x2f, 0xfd, 1]));
        let mut tar = vec![0u8; 512];
        tar[257..262].copy_from_slice(b"ustar");
        assert!(has_archive_signature(&tar));
        assert!(!has_archive_signature(b"hello world"));
        assert!(!has_archive_signature(&[0x1f]));
        assert!(!has_archive_signature(&[]));
    }

    fn reason(result: Result<Opened>) -> String {
        match result {
            Err(Error::CorruptDatabase { reason, .. }) => reason,
            other => panic!("expected CorruptDatabase, got {other:?}"),
        }
    }

    /// Paths that lead to anything but a regular file are refused without being read (a FIFO
    /// nobody writes to would block a read forever, /dev/zero never ends).
    #[test]
    fn only_regular_files_are_opened() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo.db");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert_eq!(
            reason(open_checked(&fifo)),
            "it is a FIFO (named pipe), not a regular file; remove it"
        );
        let zero = dir.path().join("zero.db");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        assert_eq!(
            reason(open_checked(&zero)),
            "it is a symbolic link to a character device (/dev/zero), not to a regular file; remove it"
        );
        let sub = dir.path().join("dir.db");
        fs::create_dir(&sub).unwrap();
        assert_eq!(
            reason(open_checked(&sub)),
            "it is a directory, not a regular file; remove it"
        );
        // A link to a regular file is followed, as libalpm follows it.
        let real = dir.path().join("real.db.tar.gz");
        let mut gz = vec![0x1f, 0x8b, 8, 0];
        gz.resize(600, 0);
        fs::write(&real, &gz).unwrap();
        let link = dir.path().join("core.db");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let opened = open_checked(&link).unwrap();
        assert_eq!((opened.len, opened.head.len()), (600, HEAD));
        fs::write(&real, b"").unwrap();
        assert_eq!(reason(open_checked(&link)), "the file is empty");
        let missing = dir.path().join("missing.db");
        assert!(matches!(
            open_checked(&missing),
            Err(Error::MissingDatabase { path }) if path == missing
        ));
    }

    #[test]
    fn zero_packages_is_fine_only_for_a_small_file() {
        let p = Path::new("/x/sync/core.db");
        assert!(judge_loaded(p, "core", 45, 0, &[]).is_ok());
        let e = judge_loaded(p, "core", 1 << 20, 0, &[]).unwrap_err();
        assert!(e.to_string().contains("yields no packages"), "{e}");
        let e = judge_loaded(p, "core", 45, 3, &["boom".into()]).unwrap_err();
        assert!(e.to_string().contains("(boom)"), "{e}");
    }
}
