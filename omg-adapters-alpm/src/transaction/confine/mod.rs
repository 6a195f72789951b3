//! Package files that would write outside the root are refused before libalpm extracts
//! anything.
//!
//! libalpm extracts each entry of a package to `<root>/<name>` with libarchive, from the
//! root as working directory, with `ARCHIVE_EXTRACT_SECURE_SYMLINKS` and `_UNLINK` but
//! neither `_SECURE_NODOTDOT` nor `_SECURE_NOABSOLUTEPATHS`. pacman accepts such packages
//! as they are; omg reads every entry of every package file of the transaction first (with
//! the same library, [`super::archive`]) and refuses the transaction when one entry breaks
//! a rule:
//!
//! 1. **Names.** An entry name that is absolute or has a `..` component is refused
//!    (libarchive resolves `<root>/usr/../../etc/x` outside the root). Names and link
//!    targets are at most 4096 bytes, a package at most a million entries and 64 MiB of
//!    names.
//! 2. **Hard links.** A hard link must name a file (any non-directory entry) earlier in
//!    the same package, after removing empty and `.` components. libarchive calls
//!    `link(target, entry)` from the root: an absolute target (`/etc/shadow`) or one with
//!    `..` is a file of the host, which would be linked into the root and get the entry's
//!    data, owner and mode. makepkg's archives only ever link to earlier entries.
//! 3. **Directories written through links.** Every directory an entry is written into is
//!    followed component by component as the kernel would follow it during the
//!    extraction: through the symbolic links already on disk under the root, and through
//!    those any package of the transaction creates (all of them, whatever the order, and
//!    also as a plain directory, since libalpm may replace a link meanwhile). An absolute
//!    link target is a path of the host, not of the root. When one way leads outside the
//!    root (or takes more than 40 links), the entry is refused ([`resolve`]).
//!
//! A symbolic link itself may point anywhere: `usr/lib/libfoo.so -> /usr/lib/libfoo.so.1`
//! or `etc/mtab -> /proc/self/mounts` are normal, and only dangerous when something is
//! written through them, which rule 3 catches. With `/` as the root nothing can lead
//! outside it, and rule 3 is skipped.
//!
//! Not covered: what install scriptlets and hooks do (libalpm runs them chrooted into the
//! root), and the removal of an old version's files, which libalpm unlinks by path.

mod resolve;
mod scan;

/// Package files read at once, at most.
const MAX_THREADS: usize = 4;

use std::fmt::Write;
use std::path::Path;

use omg_ports::{Error, Result};

use super::package_files::PackageFile;
use resolve::{Outside, World};
pub(crate) use scan::Identity;
use scan::Problem;

/// Checks the package files of a transaction that installs into `root`. `progress` is told
/// how many files are done; `stopped` is asked between files (an interrupt). Returns the
/// identity of each file as it was read.
///
/// # Errors
///
/// [`Error::UnsafeArchiveEntry`] naming the package file and the entry (escaped);
/// [`Error::CorruptPackage`] for a file libarchive cannot read; [`Error::Io`];
/// [`Error::Interrupted`] when `stopped`.
pub(crate) fn check(
    root: &Path,
    files: &[PackageFile],
    progress: &mut dyn FnMut(usize),
    stopped: &dyn Fn() -> bool,
) -> Result<Vec<Identity>> {
    let canonical = std::fs::canonicalize(root).map_err(|source| Error::Io {
        path: root.to_path_buf(),
        source,
    })?;
    let whole_host = canonical == Path::new("/");
    let mut scans = scan_all(files, !whole_host, progress, stopped)?;
    let identities = scans.iter().map(|s| s.identity).collect();
    if whole_host {
        return Ok(identities);
    }
    let links = scans
        .iter_mut()
        .flat_map(|s| std::mem::take(&mut s.symlinks));
    let mut world = World::new(&canonical, links.collect::<Vec<_>>());
    for (file, scanned) in files.iter().zip(&scans) {
        for (dir, entry) in &scanned.dirs {
            if let Some(outside) = world.outside(dir) {
                let reason = match outside {
                    Outside::Through(link) => format!(
                        "it is written through the symbolic link '{}' -> '{}' ({}), which \
                         leads outside the root {}",
                        shown(&link.path),
                        shown(&link.target),
                        if link.on_disk {
                            "already on disk"
                        } else {
                            "created by this transaction"
                        },
                        shown(canonical.as_os_str().as_encoded_bytes()),
                    ),
                    Outside::TooManyLinks => format!(
                        "its directory '{}' takes more than 40 symbolic links to resolve",
                        shown(dir)
                    ),
                };
                return Err(unsafe_entry(file, entry, reason));
            }
        }
    }
    Ok(identities)
}

/// Reads every file (each on one of a few threads: the cost is decompression), in order.
fn scan_all(
    files: &[PackageFile],
    collect: bool,
    progress: &mut dyn FnMut(usize),
    stopped: &dyn Fn() -> bool,
) -> Result<Vec<scan::Scan>> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, MAX_THREADS)
        .min(files.len().max(1));
    let next = AtomicUsize::new(0);
    let halt = AtomicBool::new(false);
    let mut results: Vec<Option<std::result::Result<scan::Scan, Problem>>> =
        files.iter().map(|_| None).collect();
    let mut interrupted = false;
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::channel();
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, halt) = (&next, &halt);
            s.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= files.len() || halt.load(Ordering::SeqCst) {
                    break;
                }
                let result = scan::scan(&files[i].path, collect);
                if result.is_err() {
                    halt.store(true, Ordering::SeqCst);
                }
                if tx.send((i, result)).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        progress(0);
        for (done, (i, result)) in rx.into_iter().enumerate() {
            results[i] = Some(result);
            progress(done + 1);
            if !interrupted && stopped() {
                interrupted = true;
                halt.store(true, Ordering::SeqCst);
            }
        }
    });
    let mut scans = Vec::with_capacity(files.len());
    // Files are handed out in order: every file before one that failed was read.
    for (file, result) in files.iter().zip(results) {
        match result {
            Some(Ok(scanned)) => scans.push(scanned),
            Some(Err(problem)) => return Err(refusal(file, problem)),
            None => break,
        }
    }
    if interrupted || scans.len() < files.len() {
        return Err(Error::Interrupted(
            "stopped while checking the package files; nothing was installed or removed".into(),
        ));
    }
    Ok(scans)
}

fn refusal(file: &PackageFile, problem: Problem) -> Error {
    match problem {
        Problem::Unsafe { entry, reason } => unsafe_entry(file, &entry, reason),
        Problem::Unreadable(reason) => Error::CorruptPackage {
            path: file.path.clone(),
            reason: format!("libarchive cannot read it: {}", shown(reason.as_bytes())),
        },
        Problem::Io(source) => Error::Io {
            path: file.path.clone(),
            source,
        },
    }
}

fn unsafe_entry(file: &PackageFile, entry: &[u8], reason: String) -> Error {
    Error::UnsafeArchiveEntry {
        archive: shown(file.path.as_os_str().as_encoded_bytes()),
        entry: shown(entry),
        reason: format!(
            "{reason}; package {} refused, nothing was installed or removed",
            shown(file.package.as_bytes())
        ),
    }
}

/// `bytes` as text for messages: control characters (and the bidirectional overrides)
/// escaped, bytes that are not UTF-8 as `\xNN`.
pub(crate) fn shown(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\t' => out.push_str("\\t"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\x1b' => out.push_str("\\e"),
                c if c.is_control()
                    || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') =>
                {
                    if (c as u32) < 0x80 {
                        let _ = write!(out, "\\x{:02x}", c as u32);
                    } else {
                        let _ = write!(out, "\\u{{{:04x}}}", c as u32);
                    }
                }
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_shown_escaped() {
        assert_eq!(shown(b"usr/bin/ok"), "usr/bin/ok");
        assert_eq!(shown(b"a\nb\x1b[2J\xff\\"), "a\\nb\\e[2J\\xff\\\\");
        assert_eq!(shown("x\u{202e}y".as_bytes()), "x\\u{202e}y");
    }
}
