//! The crate's only unsafe code: the effective uid and a passwd lookup through libc (which
//! asks NSS, so users from LDAP or systemd-homed are found as well as `/etc/passwd`'s).

#![allow(unsafe_code)]

use std::ffi::{CStr, CString};
use std::path::PathBuf;

/// The longest buffer a passwd entry is looked up with (64 KiB steps up to 1 MiB).
const MAX_BUF: usize = 1 << 20;

/// `path` opened for reading without following a final symbolic link (`ELOOP`) and without
/// waiting on a FIFO; the caller checks that it is a regular file.
pub(crate) fn open_nofollow(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
}

/// This process's effective uid.
pub(crate) fn euid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// Sends SIGKILL to the process group `pgid` (a child started with `process_group(0)`
/// and everything it started). Errors (the group is gone already) are ignored.
pub(crate) fn kill_group(pgid: u32) {
    let Ok(pgid) = libc::pid_t::try_from(pgid) else {
        return;
    };
    if pgid <= 1 {
        return;
    }
    // SAFETY: kill has no memory-safety preconditions; a negative pid names the process
    // group, which is the child's own (never ours: pgid > 1 and the child leads it).
    unsafe {
        libc::kill(-pgid, libc::SIGKILL);
    }
}

/// One passwd entry: name, uid, primary gid, home directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Passwd {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
    pub home: PathBuf,
}

/// The passwd entry of `name`: `Ok(None)` when there is none.
pub(crate) fn getpwnam(name: &str) -> std::io::Result<Option<Passwd>> {
    let Ok(c_name) = CString::new(name) else {
        return Ok(None);
    };
    let mut size = 16 << 10;
    loop {
        let mut buf = vec![0 as libc::c_char; size];
        // SAFETY: an all-zero passwd (null pointers, zero ids) is a valid value of this
        // plain C struct; getpwnam_r overwrites it.
        let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        // SAFETY: `c_name` is NUL-terminated, `pwd` and `result` are valid for writes, and
        // `buf` is valid for `buf.len()` bytes for the duration of the call; the strings
        // the entry points to live in `buf`, which outlives their use below.
        let rc = unsafe {
            libc::getpwnam_r(
                c_name.as_ptr(),
                &mut pwd,
                buf.as_mut_ptr(),
                buf.len(),
                &mut result,
            )
        };
        if rc == libc::ERANGE && size < MAX_BUF {
            size *= 2;
            continue;
        }
        if rc != 0 {
            return Err(std::io::Error::from_raw_os_error(rc));
        }
        if result.is_null() {
            return Ok(None);
        }
        // SAFETY: on success `pw_name` and `pw_dir` are NUL-terminated strings inside
        // `buf` (checked non-null first), alive until `buf` is dropped at the end of this
        // iteration.
        let (pw_name, home) = unsafe {
            let text = |p: *const libc::c_char| {
                if p.is_null() {
                    String::new()
                } else {
                    CStr::from_ptr(p).to_string_lossy().into_owned()
                }
            };
            (text(pwd.pw_name), text(pwd.pw_dir))
        };
        return Ok(Some(Passwd {
            name: pw_name,
            uid: pwd.pw_uid,
            gid: pwd.pw_gid,
            home: PathBuf::from(home),
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_is_found_and_nobody_else_is_made_up() {
        let root = getpwnam("root").unwrap().unwrap();
        assert_eq!(root.uid, 0);
        assert_eq!(root.name, "root");
        assert!(getpwnam("no-such-user-omg-test").unwrap().is_none());
        assert!(getpwnam("a\0b").unwrap().is_none());
    }
}
