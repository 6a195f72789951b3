//! Running a child process within bounds: stdin closed, stdout kept up to a cap (the rest
//! drained, and said), stderr's last bytes kept, and an optional timeout after which the
//! child's whole process group is killed.

use std::io::{self, Read};
use std::os::unix::process::CommandExt;
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// The most bytes of stderr kept (the end of it).
const STDERR_KEEP: usize = 64 << 10;

/// What a finished child did.
#[derive(Debug)]
pub(crate) struct Ran {
    /// Its exit status.
    pub status: ExitStatus,
    /// Its stdout, at most the cap given.
    pub stdout: Vec<u8>,
    /// True when stdout was longer than the cap (the rest was read and dropped).
    pub stdout_over: bool,
    /// The last bytes of its stderr.
    pub stderr: Vec<u8>,
}

/// How a run ended when it did not finish.
#[derive(Debug)]
pub(crate) enum RunError {
    /// The program could not be started or waited for.
    Io(io::Error),
    /// The timeout passed; the child's process group was killed.
    TimedOut(Duration),
}

/// Runs `cmd` (stdin from /dev/null, in a process group of its own), keeping at most
/// `stdout_cap` bytes of stdout, and killing it after `timeout` when one is given.
pub(crate) fn run(
    mut cmd: Command,
    stdout_cap: usize,
    timeout: Option<Duration>,
) -> Result<Ran, RunError> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let mut child = cmd.spawn().map_err(RunError::Io)?;
    let out = child.stdout.take();
    let err = child.stderr.take();
    let out_thread = thread::spawn(move || match out {
        Some(pipe) => read_head(pipe, stdout_cap),
        None => (Vec::new(), false),
    });
    let err_thread = thread::spawn(move || match err {
        Some(pipe) => read_tail(pipe, STDERR_KEEP),
        None => Vec::new(),
    });
    let pid = child.id();
    let status = match timeout {
        None => child.wait().map_err(RunError::Io),
        Some(limit) => wait_until(&mut child, limit),
    };
    if status.is_err() {
        crate::sys::kill_group(pid);
        let _ = child.wait();
    }
    let (stdout, stdout_over) = out_thread.join().unwrap_or_default();
    let stderr = err_thread.join().unwrap_or_default();
    Ok(Ran {
        status: status?,
        stdout,
        stdout_over,
        stderr,
    })
}

fn wait_until(child: &mut std::process::Child, limit: Duration) -> Result<ExitStatus, RunError> {
    let start = Instant::now();
    let mut pause = Duration::from_millis(2);
    loop {
        if let Some(status) = child.try_wait().map_err(RunError::Io)? {
            return Ok(status);
        }
        if start.elapsed() >= limit {
            return Err(RunError::TimedOut(limit));
        }
        thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

/// The first `cap` bytes of `pipe` and whether there were more (read to its end).
fn read_head(mut pipe: impl Read, cap: usize) -> (Vec<u8>, bool) {
    let mut kept = Vec::new();
    let mut over = false;
    let mut buf = [0u8; 16 << 10];
    loop {
        match pipe.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let room = cap.saturating_sub(kept.len());
                if n > room {
                    over = true;
                }
                kept.extend_from_slice(&buf[..n.min(room)]);
            }
        }
    }
    (kept, over)
}

/// The last `keep` bytes of `pipe` (read to its end).
fn read_tail(mut pipe: impl Read, keep: usize) -> Vec<u8> {
    let mut kept = Vec::new();
    let mut buf = [0u8; 16 << 10];
    loop {
        match pipe.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                kept.extend_from_slice(&buf[..n]);
                if kept.len() > 2 * keep {
                    kept.drain(..kept.len() - keep);
                }
            }
        }
    }
    if kept.len() > keep {
        kept.drain(..kept.len() - keep);
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdout_is_capped_and_the_rest_drained() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "head -c 100000 /dev/zero; echo done >&2"]);
        let ran = run(cmd, 1000, None).unwrap();
        assert!(ran.status.success());
        assert_eq!(ran.stdout.len(), 1000);
        assert!(ran.stdout_over);
        assert_eq!(ran.stderr, b"done\n");
    }

    #[test]
    fn a_timeout_kills_the_group() {
        let mut cmd = Command::new("sh");
        // The grandchild holds the pipes too: killing only `sh` would leave the readers
        // waiting for it.
        cmd.args(["-c", "sleep 30 & sleep 30"]);
        let e = run(cmd, 1000, Some(Duration::from_millis(200))).unwrap_err();
        assert!(matches!(e, RunError::TimedOut(_)), "{e:?}");
    }
}
