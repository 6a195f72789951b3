//! Advisory locks (`flock`) between omg processes: one install of a runtime version at a
//! time, a staging directory known to be live while its install runs, one writer of a
//! version file or of the global defaults at a time. The kernel drops a lock when its
//! process ends however it ends, so a crash never leaves one behind.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

use omg_ports::{Error, Result};
use rustix::fs::{flock, FlockOperation};

/// `flock(LOCK_EX | LOCK_NB)`: `Ok(false)` when another open file description holds it.
fn try_exclusive(file: &File) -> io::Result<bool> {
    match flock(file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(true),
        Err(e) if e == rustix::io::Errno::WOULDBLOCK => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// `flock(LOCK_EX)`, waiting (again after a signal interrupts the wait).
fn exclusive(file: &File) -> io::Result<()> {
    loop {
        match flock(file, FlockOperation::LockExclusive) {
            Err(e) if e == rustix::io::Errno::INTR => continue,
            other => return other.map_err(Into::into),
        }
    }
}

/// A held lock, released on drop.
#[derive(Debug)]
pub struct Lock {
    _file: File,
    path: PathBuf,
}

impl Lock {
    /// The file or directory locked.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Opens (creating it) the lock file `path`.
fn open(path: &Path) -> Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|e| io_err(path, e))
}

/// Takes the lock file `path` (created when missing), `Ok(None)` when another process
/// holds it.
///
/// # Errors
///
/// [`Error::Io`] when the file cannot be opened or locked.
pub fn try_lock_file(path: &Path) -> Result<Option<Lock>> {
    let file = open(path)?;
    if try_exclusive(&file).map_err(|e| io_err(path, e))? {
        Ok(Some(Lock {
            _file: file,
            path: path.to_path_buf(),
        }))
    } else {
        Ok(None)
    }
}

/// Takes the lock file `path` (created when missing), waiting while another process holds
/// it. Blocking: call it off an async runtime's threads.
///
/// # Errors
///
/// [`Error::Io`] when the file cannot be opened or locked.
pub fn lock_file(path: &Path) -> Result<Lock> {
    let file = open(path)?;
    exclusive(&file).map_err(|e| io_err(path, e))?;
    Ok(Lock {
        _file: file,
        path: path.to_path_buf(),
    })
}

/// Locks the directory `dir` itself (no file is left in it), waiting while another omg
/// holds it: the writers of the files in it take turns.
///
/// # Errors
///
/// [`Error::Io`] when the directory cannot be opened or locked.
pub fn lock_dir(dir: &Path) -> Result<Lock> {
    let file = File::open(dir).map_err(|e| io_err(dir, e))?;
    exclusive(&file).map_err(|e| io_err(dir, e))?;
    Ok(Lock {
        _file: file,
        path: dir.to_path_buf(),
    })
}

/// True when another process (or another open of the file here) holds the lock file
/// `path`; false when nobody does or it does not exist.
pub fn held(path: &Path) -> bool {
    let Ok(file) = File::open(path) else {
        return false;
    };
    // Taking it to see: released at once when this `file` closes.
    matches!(try_exclusive(&file), Ok(false))
}

fn io_err(path: &Path, source: io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_lock_is_seen_and_refused_until_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".lock");
        assert!(!held(&path), "no file, no holder");
        let first = try_lock_file(&path).unwrap().expect("free");
        assert!(held(&path));
        assert!(try_lock_file(&path).unwrap().is_none());
        drop(first);
        assert!(!held(&path));
        assert!(try_lock_file(&path).unwrap().is_some());
    }

    #[test]
    fn a_directory_lock_waits_for_its_holder() {
        let dir = tempfile::tempdir().unwrap();
        let held_lock = lock_dir(dir.path()).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let path = dir.path().to_path_buf();
        let waiter = std::thread::spawn(move || {
            let lock = lock_dir(&path).unwrap();
            tx.send(()).unwrap();
            drop(lock);
        });
        assert!(
            rx.recv_timeout(std::time::Duration::from_millis(300))
                .is_err(),
            "the second writer waited"
        );
        drop(held_lock);
        rx.recv_timeout(std::time::Duration::from_secs(10))
            .expect("the second writer went on once the first was done");
        waiter.join().unwrap();
    }
}
