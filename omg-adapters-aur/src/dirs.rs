//! Directories omg makes for the user who builds (the AUR cache, makepkg's directories)
//! when it runs as root: created with their parents, refused when they are not a directory
//! (a link), given to the user.

use std::fs;
use std::io;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use omg_ports::{Error, Result};

use crate::makepkg::BuildUser;

/// Creates `dir` (and its parents); with `owner`, gives `dir` itself to the user, with
/// `mode` when given, else at least the owner's rwx. `what` names it in the error.
pub(crate) fn owned_dir(
    dir: &Path,
    owner: Option<&BuildUser>,
    mode: Option<u32>,
    what: &str,
) -> Result<()> {
    let io_err = |source: io::Error| Error::Io {
        path: dir.to_path_buf(),
        source,
    };
    fs::create_dir_all(dir).map_err(io_err)?;
    let meta = fs::symlink_metadata(dir).map_err(io_err)?;
    if !meta.is_dir() {
        return Err(io_err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{what} is not a directory (a link?); refused. Remove it and try again"),
        )));
    }
    if let Some(user) = owner {
        if meta.uid() != user.uid || meta.gid() != user.gid {
            std::os::unix::fs::chown(dir, Some(user.uid), Some(user.gid)).map_err(io_err)?;
        }
        let wanted = match mode {
            Some(m) => m,
            None => meta.mode() & 0o7777 | 0o700,
        };
        if meta.mode() & 0o7777 != wanted {
            fs::set_permissions(dir, fs::Permissions::from_mode(wanted)).map_err(io_err)?;
        }
    }
    Ok(())
}
