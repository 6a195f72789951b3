//! The entries of a package archive, read with libarchive exactly as libalpm reads them.
//!
//! libalpm opens a package file with `archive_read_support_filter_all` and
//! `archive_read_support_format_all` and extracts the entries `archive_read_next_header`
//! returns while it returns `ARCHIVE_OK`. Reading the same file through the same library
//! the same way means omg sees the very names and link targets libalpm will extract: a
//! second tar parser would disagree with libarchive somewhere (pax `path` given twice, GNU
//! long names mixed with pax headers, formats other than tar), and a package could show
//! it one thing and libalpm another. Only the headers are read; the data is skipped.

use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_uint};
use std::os::unix::io::AsRawFd;

/// `struct archive`.
#[repr(C)]
struct RawArchive {
    _private: [u8; 0],
}

/// `struct archive_entry`.
#[repr(C)]
struct RawEntry {
    _private: [u8; 0],
}

const ARCHIVE_EOF: c_int = 1;
const ARCHIVE_OK: c_int = 0;
/// `AE_IFMT`, `AE_IFDIR`, `AE_IFLNK` (archive_entry.h).
const AE_IFMT: c_uint = 0o170000;
const AE_IFDIR: c_uint = 0o040000;
const AE_IFLNK: c_uint = 0o120000;
/// The read block size (libalpm uses the file's st_blksize, at least BUFSIZ).
const BLOCK: usize = 64 * 1024;

#[link(name = "archive")]
extern "C" {
    fn archive_read_new() -> *mut RawArchive;
    fn archive_read_support_filter_all(a: *mut RawArchive) -> c_int;
    fn archive_read_support_format_all(a: *mut RawArchive) -> c_int;
    fn archive_read_open_fd(a: *mut RawArchive, fd: c_int, block_size: usize) -> c_int;
    fn archive_read_next_header(a: *mut RawArchive, entry: *mut *mut RawEntry) -> c_int;
    fn archive_read_data_skip(a: *mut RawArchive) -> c_int;
    fn archive_read_free(a: *mut RawArchive) -> c_int;
    fn archive_error_string(a: *mut RawArchive) -> *const c_char;
    fn archive_entry_pathname(e: *mut RawEntry) -> *const c_char;
    fn archive_entry_hardlink(e: *mut RawEntry) -> *const c_char;
    fn archive_entry_symlink(e: *mut RawEntry) -> *const c_char;
    fn archive_entry_filetype(e: *mut RawEntry) -> c_uint;
}

/// What an entry is, as far as where it lands is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Directory,
    /// A symbolic link (its target in [`Entry::link`]).
    Symlink,
    /// A hard link (its target in [`Entry::link`]).
    HardLink,
    /// A regular file, device, FIFO or socket.
    Other,
}

/// One entry's header: borrowed from libarchive until the next call of [`Reader::next`].
#[derive(Debug)]
pub(crate) struct Entry<'a> {
    /// `archive_entry_pathname`; `None` when libarchive has no name for it.
    pub name: Option<&'a [u8]>,
    pub kind: Kind,
    /// The link target of a symbolic or hard link (`None` if libarchive has none).
    pub link: Option<&'a [u8]>,
}

/// An open archive; freed on drop.
pub(crate) struct Reader {
    archive: *mut RawArchive,
    /// Kept open while libarchive reads it.
    file: std::fs::File,
    entry: *mut RawEntry,
}

impl Reader {
    /// Opens `file` (already open for reading) as libalpm opens a package file.
    pub fn open(file: std::fs::File) -> Result<Reader, String> {
        // SAFETY: archive_read_new has no preconditions; a null result is handled.
        let archive = unsafe { archive_read_new() };
        if archive.is_null() {
            return Err("libarchive could not allocate a reader".into());
        }
        let reader = Reader {
            archive,
            file,
            entry: std::ptr::null_mut(),
        };
        // SAFETY: `archive` is a fresh reader; the descriptor stays open as long as
        // `reader` (which frees the reader before the file closes).
        let opened = unsafe {
            archive_read_support_filter_all(archive);
            archive_read_support_format_all(archive);
            archive_read_open_fd(archive, reader.file.as_raw_fd(), BLOCK)
        };
        if opened != ARCHIVE_OK {
            return Err(reader.error());
        }
        Ok(reader)
    }

    /// The next entry: `Ok(None)` at the end, `Err` when libarchive cannot go on (libalpm
    /// stops extracting there too, and its loading of the package fails).
    pub fn next(&mut self) -> Result<Option<Entry<'_>>, String> {
        if !self.entry.is_null() {
            // SAFETY: `archive` is open and positioned after a header.
            if unsafe { archive_read_data_skip(self.archive) } != ARCHIVE_OK {
                return Err(self.error());
            }
            self.entry = std::ptr::null_mut();
        }
        let mut entry: *mut RawEntry = std::ptr::null_mut();
        // SAFETY: `archive` is open; libarchive stores an entry it owns in `entry`.
        let status = unsafe { archive_read_next_header(self.archive, &mut entry) };
        match status {
            ARCHIVE_OK if !entry.is_null() => {}
            ARCHIVE_EOF => return Ok(None),
            _ => return Err(self.error()),
        }
        self.entry = entry;
        // SAFETY: `entry` is the live entry libarchive just returned; the strings it
        // returns are NUL-terminated (or null) and live until the next header is read,
        // which needs `&mut self`, so they cannot outlive the borrow of `self`.
        unsafe {
            let kind = match archive_entry_filetype(entry) & AE_IFMT {
                AE_IFDIR => Kind::Directory,
                AE_IFLNK => Kind::Symlink,
                _ => Kind::Other,
            };
            let hardlink = bytes(archive_entry_hardlink(entry));
            let (kind, link) = match (hardlink, kind) {
                (Some(target), _) => (Kind::HardLink, Some(target)),
                (None, Kind::Symlink) => (Kind::Symlink, bytes(archive_entry_symlink(entry))),
                (None, kind) => (kind, None),
            };
            Ok(Some(Entry {
                name: bytes(archive_entry_pathname(entry)),
                kind,
                link,
            }))
        }
    }

    fn error(&self) -> String {
        // SAFETY: `archive` is a live reader; the message is NUL-terminated or null.
        let message = unsafe { bytes(archive_error_string(self.archive)) };
        message.map_or_else(
            || "libarchive could not read it".to_string(),
            |m| String::from_utf8_lossy(m).into_owned(),
        )
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        // SAFETY: `archive` came from archive_read_new and is freed once, here.
        unsafe { archive_read_free(self.archive) };
    }
}

/// # Safety
///
/// `s` is null or a NUL-terminated string that outlives `'a`.
unsafe fn bytes<'a>(s: *const c_char) -> Option<&'a [u8]> {
    if s.is_null() {
        None
    } else {
        // SAFETY: guaranteed by the caller.
        Some(unsafe { CStr::from_ptr(s) }.to_bytes())
    }
}
