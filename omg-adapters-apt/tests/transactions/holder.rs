//! Another process holding a lock: this test binary run again as `helper_lock_holder`.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::fd::AsRawFd;
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};

/// The variable naming the file the helper locks.
const VAR: &str = "OMG_TEST_HOLD_LOCK";

/// A child process that tried to take a write lock on a file.
pub struct Holder {
    child: Child,
    stdin: Option<ChildStdin>,
    /// True when it holds the lock; false when someone else did.
    pub locked: bool,
}

impl Holder {
    /// Starts a process that takes an `fcntl` write lock on `path` (as dpkg and apt do)
    /// and keeps it until [`Holder::release`].
    pub fn start(path: &Path) -> Holder {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "helper_lock_holder",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(VAR, path)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut answer = String::new();
        // The test harness prints `test helper_lock_holder ... ` before the answer.
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            if let Some(word) = ["locked", "busy"].into_iter().find(|w| line.ends_with(w)) {
                answer = word.to_owned();
                break;
            }
        }
        assert!(!answer.is_empty(), "the lock holder said nothing");
        let stdin = child.stdin.take();
        Holder {
            child,
            stdin,
            locked: answer == "locked",
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Lets it release the lock and exit.
    pub fn release(&mut self) {
        self.stdin = None;
        let _ = self.child.wait();
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        self.stdin = None;
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The helper's body: lock the file `OMG_TEST_HOLD_LOCK` names, say `locked` (or `busy`),
/// and hold it until stdin closes.
pub fn hold_if_asked() {
    let Some(path) = std::env::var_os(VAR) else {
        return;
    };
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .unwrap();
    // SAFETY: flock is a plain C struct; all zeroes is a valid value of it.
    let mut lock: libc::flock = unsafe { std::mem::zeroed() };
    lock.l_type = libc::F_WRLCK as libc::c_short;
    lock.l_whence = libc::SEEK_SET as libc::c_short;
    // SAFETY: the descriptor is open for as long as `file` lives, and `lock` is a valid
    // flock for F_SETLK.
    let rc = unsafe { libc::fcntl(file.as_raw_fd(), libc::F_SETLK, &lock) };
    let mut out = std::io::stdout();
    if rc != 0 {
        writeln!(out, "busy").unwrap();
        out.flush().unwrap();
        return;
    }
    writeln!(out, "locked").unwrap();
    out.flush().unwrap();
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
    drop(file);
}
