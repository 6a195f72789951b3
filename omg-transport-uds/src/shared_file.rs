//! Large text answers handed over as a sealed memory file instead of inside the frame
//! (protocol 4.6, [`crate::Request::SearchTextFd`] and [`crate::Response::TextFd`]).
//!
//! omgd writes an answer's stdout once into a memfd, seals it against any change and keeps
//! it beside its cached answer. Each request then costs omgd a small frame and the file
//! descriptor (`SCM_RIGHTS` on the frame's first byte), and the client copies the file to
//! its stdout in the kernel (`sendfile`), instead of omgd encoding and the socket carrying
//! a megabyte per request.
//!
//! A file received is input from outside: [`check_file`] accepts only a regular file of
//! exactly the announced size, within a bound, sealed against writes, growth and shrinking
//! (so its bytes cannot change while they are copied).

use std::io::{ErrorKind, Write};
use std::os::fd::{AsFd, OwnedFd};

use rustix::fs::{
    fcntl_add_seals, fcntl_get_seals, fstat, memfd_create, FileType, MemfdFlags, SealFlags,
};

/// Answers whose stdout is at least this long go out as a file when the client asks
/// [`crate::Request::SearchTextFd`]; shorter ones go in the frame.
pub const SHARED_TEXT_MIN: usize = 64 * 1024;

/// The largest file a client accepts (a search over every package of a large AUR mirror
/// renders to a few megabytes).
pub const SHARED_TEXT_MAX: u64 = 256 * 1024 * 1024;

/// The seals a file must carry: no write, no growth, no shrinking, no further seal changes.
fn required_seals() -> SealFlags {
    SealFlags::WRITE | SealFlags::GROW | SealFlags::SHRINK | SealFlags::SEAL
}

/// Why a received file was refused.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The answer said a file comes with it, and none did.
    #[error("omgd's answer announced a file and none came with it")]
    Missing,
    /// Not a regular file, another size, too large, or not sealed.
    #[error("omgd sent a file omg does not accept: {0}")]
    Refused(String),
    /// A system call on it failed.
    #[error("omgd's file could not be read: {0}")]
    Io(#[from] std::io::Error),
}

/// A sealed memory file holding `bytes` (omgd's side).
///
/// # Errors
/// When the kernel refuses a memfd (no `memfd_create`, limits) or the write fails.
pub fn sealed_file(name: &str, bytes: &[u8]) -> std::io::Result<OwnedFd> {
    let fd = memfd_create(name, MemfdFlags::CLOEXEC | MemfdFlags::ALLOW_SEALING)?;
    let mut file = std::fs::File::from(fd);
    file.write_all(bytes)?;
    let fd = OwnedFd::from(file);
    fcntl_add_seals(&fd, required_seals())?;
    Ok(fd)
}

/// Accept `fd` as the file of an answer announcing `len` bytes (the client's side).
///
/// # Errors
/// [`FileError::Refused`] unless it is a regular file of exactly `len` bytes, at most
/// [`SHARED_TEXT_MAX`], carrying the seals [`sealed_file`] sets; [`FileError::Io`] when
/// asking about it fails.
pub fn check_file(fd: &OwnedFd, len: u64) -> Result<(), FileError> {
    if len > SHARED_TEXT_MAX {
        return Err(FileError::Refused(format!(
            "{len} bytes, above the bound of {SHARED_TEXT_MAX}"
        )));
    }
    let stat = fstat(fd).map_err(std::io::Error::from)?;
    if FileType::from_raw_mode(stat.st_mode) != FileType::RegularFile {
        return Err(FileError::Refused("not a regular file".into()));
    }
    if u64::try_from(stat.st_size).ok() != Some(len) {
        return Err(FileError::Refused(format!(
            "{} bytes where the answer announced {len}",
            stat.st_size
        )));
    }
    let seals = fcntl_get_seals(fd).map_err(std::io::Error::from)?;
    if !seals.contains(required_seals()) {
        return Err(FileError::Refused("not sealed against changes".into()));
    }
    Ok(())
}

/// Copy the first `len` bytes of `file` (checked by [`check_file`]) to `out`: `sendfile`
/// in the kernel, or reads and writes where `out` does not take `sendfile`.
///
/// # Errors
/// When reading `file` or writing `out` fails (a closed pipe among them).
pub fn copy_file(file: &OwnedFd, len: u64, out: &mut (impl Write + AsFd)) -> std::io::Result<()> {
    out.flush()?;
    let mut offset = 0u64;
    while offset < len {
        let rest = usize::try_from(len - offset).unwrap_or(usize::MAX);
        match rustix::fs::sendfile(out.as_fd(), file, Some(&mut offset), rest) {
            Ok(0) => return Err(ErrorKind::UnexpectedEof.into()),
            Ok(_) => {}
            Err(rustix::io::Errno::INTR | rustix::io::Errno::AGAIN) => {}
            Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS) => {
                return copy_by_reads(file, offset, len, out)
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// [`copy_file`] from `offset` on, through a buffer.
fn copy_by_reads(
    file: &OwnedFd,
    mut offset: u64,
    len: u64,
    out: &mut impl Write,
) -> std::io::Result<()> {
    let mut buf = vec![0u8; 64 * 1024];
    while offset < len {
        let want = usize::try_from(len - offset).map_or(buf.len(), |r| r.min(buf.len()));
        let got = match rustix::io::pread(file, &mut buf[..want], offset) {
            Ok(0) => return Err(ErrorKind::UnexpectedEof.into()),
            Ok(n) => n,
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        };
        out.write_all(&buf[..got])?;
        offset += got as u64;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_file_is_accepted_and_copied_whole() {
        let text = "x".repeat(200_000);
        let fd = sealed_file("omg-test", text.as_bytes()).unwrap();
        check_file(&fd, 200_000).unwrap();
        let mut out = tempfile::tempfile().unwrap();
        copy_file(&fd, 200_000, &mut out).unwrap();
        let copied = std::fs::read(format!(
            "/proc/self/fd/{}",
            std::os::fd::AsRawFd::as_raw_fd(&out)
        ))
        .unwrap();
        assert_eq!(copied, text.as_bytes());
    }

    #[test]
    fn the_fallback_copies_the_rest_from_where_sendfile_stopped() {
        let text: Vec<u8> = (0..150_000u32).map(|i| (i % 251) as u8).collect();
        let fd = sealed_file("omg-test", &text).unwrap();
        let mut out = Vec::new();
        copy_by_reads(&fd, 70_000, 150_000, &mut out).unwrap();
        assert_eq!(out, &text[70_000..]);
        // A file shorter than announced ends in an error, not a short copy taken as whole.
        let err = copy_by_reads(&fd, 0, 150_001, &mut Vec::new()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnexpectedEof);
    }

    #[test]
    fn other_sizes_unsealed_files_and_pipes_are_refused() {
        let fd = sealed_file("omg-test", b"hello").unwrap();
        assert!(matches!(check_file(&fd, 4), Err(FileError::Refused(_))));
        assert!(matches!(
            check_file(&fd, SHARED_TEXT_MAX + 1),
            Err(FileError::Refused(_))
        ));
        let unsealed = memfd_create("omg-test", MemfdFlags::CLOEXEC).unwrap();
        rustix::io::write(&unsealed, b"hello").unwrap();
        assert!(matches!(
            check_file(&unsealed, 5),
            Err(FileError::Refused(_))
        ));
        let (read, _write) = rustix::pipe::pipe().unwrap();
        assert!(matches!(check_file(&read, 0), Err(FileError::Refused(_))));
    }
}
