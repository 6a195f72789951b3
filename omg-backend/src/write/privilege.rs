//! Root: who needs it, and re-running through sudo.

use std::ffi::OsString;
use std::io::IsTerminal;
use std::os::unix::process::CommandExt;
use std::path::Path;

use omg_ports::{Error, Result};

use super::confirm;

/// True when this process may change the packages of `root`: it runs as root, or `root`
/// (another root directory given with --root, as tests use) is writable by this user.
pub fn may_write(root: Option<&Path>) -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } == 0 {
        return true;
    }
    root.is_some_and(writable)
}

fn writable(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `c` is a valid NUL-terminated path for the duration of the call.
    unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
}

/// Without root: re-run this very command through sudo when `--sudo` was given or the user
/// agrees on the terminal (this only returns when that is declined or sudo cannot run);
/// otherwise fail with [`Error::NeedsRoot`].
pub fn become_root(operation: &str, sudo: bool, json: bool) -> Result<()> {
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal() && !json;
    let agreed = sudo
        || (interactive && confirm::ask(&format!("{operation} needs root. Run it through sudo?"))?);
    if !agreed {
        return Err(Error::NeedsRoot {
            operation: operation.to_string(),
        });
    }
    let exe = std::env::current_exe().map_err(|source| Error::Io {
        path: "/proc/self/exe".into(),
        source,
    })?;
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let err = std::process::Command::new("sudo")
        .arg("--")
        .arg(&exe)
        .args(args)
        .exec();
    Err(Error::Io {
        path: "sudo".into(),
        source: err,
    })
}
