//! The socket's directory: created 0700, and refused when someone else could reach into it.

use std::fs::DirBuilder;
use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt};
use std::path::Path;

use super::{ids::current_uid, SocketError};

/// Create `dir` (and missing parents) with mode 0700, or check an existing one: it must be a
/// real directory (not a symlink), owned by us, with no group or other permissions.
pub(crate) fn ensure_private(dir: &Path) -> Result<(), SocketError> {
    match DirBuilder::new().recursive(true).mode(0o700).create(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(source) => {
            return Err(SocketError::CreateDir {
                dir: dir.to_path_buf(),
                source,
            })
        }
    }
    check_private(dir)
}

/// Check that `dir` is a directory owned by us with mode bits only for the owner.
pub(crate) fn check_private(dir: &Path) -> Result<(), SocketError> {
    let unsafe_dir = |reason: String| SocketError::UnsafeDir {
        dir: dir.to_path_buf(),
        reason,
    };
    let meta = std::fs::symlink_metadata(dir).map_err(|source| SocketError::CreateDir {
        dir: dir.to_path_buf(),
        source,
    })?;
    if meta.file_type().is_symlink() {
        return Err(unsafe_dir(format!(
            "it is a symbolic link; remove it (`rm {}`) and let omgd create the directory",
            dir.display()
        )));
    }
    if !meta.is_dir() {
        return Err(unsafe_dir(format!(
            "it is not a directory; remove it (`rm {}`) and let omgd create the directory",
            dir.display()
        )));
    }
    let us = current_uid();
    if meta.uid() != us {
        return Err(unsafe_dir(format!(
            "it is owned by uid {} but omgd runs as uid {us}; someone else may control it: \
             remove it, or set XDG_RUNTIME_DIR to a directory of your own",
            meta.uid()
        )));
    }
    let mode = meta.mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(unsafe_dir(format!(
            "its mode is {mode:03o}, so other users could reach the socket; run `chmod 700 {}`",
            dir.display()
        )));
    }
    Ok(())
}
