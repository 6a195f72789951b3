//! `omg --backend alpm` over hostile sync databases: the real `omg` (and the `omg-backend` it
//! execs) exits 4 with an error naming the file and what is wrong with it, without blocking
//! and within a 1 GiB address space (an unbounded read would make it abort instead). The
//! reader's bounds are tested one by one, in a child each, in
//! `omg-adapters-alpm/tests/hostile_db.rs`.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::ffi::CString;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{isolate, omg_bin, Run};
use omg_testkit::alpm::{compress, tar_header, DbCompression, FixturePackage, FixtureRoot};

/// The address space `omg` and `omg-backend` get.
const ADDRESS_SPACE: u64 = 1 << 30;

/// How long a run may take before it is taken to be blocked.
const WALL: Duration = Duration::from_secs(120);

/// `omg args...` (isolated, like `common::omg`) under the address-space limit, killed (and
/// the test failed) when it runs past [`WALL`].
fn omg_bounded(args: &[&str]) -> Run {
    let mut cmd = Command::new(omg_bin());
    isolate(&mut cmd)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: only setrlimit, which is async-signal-safe, runs between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            let lim = libc::rlimit {
                rlim_cur: ADDRESS_SPACE,
                rlim_max: ADDRESS_SPACE,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().expect("run omg");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for omg") {
            break status;
        }
        if started.elapsed() > WALL {
            let _ = child.kill();
            let _ = child.wait();
            panic!("omg {args:?} was still running after {WALL:?}: blocked");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let (mut stdout, mut stderr) = (String::new(), String::new());
    let _ = child
        .stdout
        .take()
        .map(|mut s| s.read_to_string(&mut stdout));
    let _ = child
        .stderr
        .take()
        .map(|mut s| s.read_to_string(&mut stderr));
    eprintln!("omg {args:?}: {status} after {:?}", started.elapsed());
    Run {
        code: status.code(),
        stdout,
        stderr,
    }
}

#[test]
fn hostile_sync_databases_exit_4_naming_the_file_and_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let mut root = FixtureRoot::create(dir.path()).unwrap();
    let vim = FixturePackage::new("vim", "9.1-1").desc("Vi Improved");
    root.add_sync_db("core", std::slice::from_ref(&vim))
        .unwrap();
    root.add_sync_db("extra", &[FixturePackage::new("nano", "8.3-1")])
        .unwrap();
    let conf = root.config_path();
    let conf = conf.to_str().unwrap();
    let search = ["--backend", "alpm", "--config", conf, "search", "vim"];

    // core.db: a long-name header claiming 1.5 GiB, and the 1.5 GiB of name behind it (16 MiB
    // gzip members of it, compressed once and repeated): 1.5 MB on disk.
    let core = root.sync_db_path("core");
    let claim: u64 = 1_610_612_736;
    let header = tar_header("././@LongLink", b'L', claim).unwrap();
    let piece = compress(&vec![b'n'; 16 << 20], DbCompression::Gzip).unwrap();
    let mut file = compress(&header, DbCompression::Gzip).unwrap();
    for _ in 0..claim / (16 << 20) {
        file.extend_from_slice(&piece);
    }
    std::fs::write(&core, &file).unwrap();
    let run = omg_bounded(&search);
    run.expect_code(4);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        format!(
            "omg: error: package database {} is unreadable (Special header too large: a tar long \
             name header claims 1610612736 bytes, more than 64 KiB); run `omg sync` to download \
             it again\n",
            core.display()
        )
    );
    let mut json = search.to_vec();
    json.push("--json");
    let run = omg_bounded(&json);
    run.expect_code(4);
    assert_eq!(run.json()["error"]["kind"], "corrupt_database");

    // extra.db: a FIFO nobody writes to (core made sound again, so that extra is reached).
    root.add_sync_db("core", &[vim]).unwrap();
    let extra = root.sync_db_path("extra");
    std::fs::remove_file(&extra).unwrap();
    let c = CString::new(extra.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let run = omg_bounded(&search);
    run.expect_code(4);
    assert_eq!(
        run.stderr,
        format!(
            "omg: error: package database {} is unreadable (it is a FIFO (named pipe), not a \
             regular file; remove it); run `omg sync` to download it again\n",
            extra.display()
        )
    );
}
