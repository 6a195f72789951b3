//! Turning redb's failures into [`Error::Storage`], which names the file and tells the user
//! what to do.

use std::fmt::Display;
use std::path::Path;

use omg_ports::Error;

/// `Error::Storage` for `path`: `doing` failed with `cause`.
pub(crate) fn storage(path: &Path, doing: &str, cause: impl Display) -> Error {
    Error::Storage {
        path: path.to_path_buf(),
        reason: format!("{doing}: {cause}"),
    }
}

/// The error of opening `path` as a redb database, with a reason a user can act on.
pub(crate) fn open_failed(path: &Path, cause: redb::DatabaseError) -> Error {
    let reason = match &cause {
        redb::DatabaseError::DatabaseAlreadyOpen | redb::DatabaseError::LockProtocolMismatch => {
            format!(
                "it is in use by another process (an omgd, or another omg command using the \
                 same file: an audit that is still downloading its feed, say); try again when \
                 it has finished ({cause})"
            )
        }
        redb::DatabaseError::UpgradeRequired(_) => {
            format!("it was written by an older, incompatible omg ({cause})")
        }
        redb::DatabaseError::Storage(redb::StorageError::Io(io))
            if !matches!(
                io.kind(),
                std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::InvalidData
            ) =>
        {
            format!("cannot open it ({io})")
        }
        _ => format!("it is not a redb database or it is damaged ({cause})"),
    };
    Error::Storage {
        path: path.to_path_buf(),
        reason,
    }
}
