//! Hostile sync databases: each is refused with a `CorruptDatabase` naming the file and what
//! was wrong, in little memory and without blocking.
//!
//! Every open runs in a child process (this test binary again, running only `child_open`)
//! under an address-space limit and a CPU-time limit, so that an unbounded read fails the test
//! (the allocation fails and the child aborts, or the child is killed) instead of taking the
//! machine down; a child that blocks (on a FIFO, say) is killed after a minute and fails the
//! test too. The child reports its peak resident memory (`VmHWM`), which must stay under
//! 100 MB, and how long the open took (printed, not judged: timing belongs in benchmarks).
//! The hostile files are generated here, as real tar archives in gzip, zstd or xz.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::ffi::CString;
use std::fs;
use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use omg_adapters_alpm::{AlpmBackend, AlpmConfig};
use omg_ports::Error;
use omg_testkit::alpm::{
    compress, sync_entries, tar_header, DbCompression, FixturePackage, FixtureRoot,
};

/// Tells a child which `pacman.conf` to open.
const CHILD_ENV: &str = "OMG_TEST_HOSTILE_DB_CONF";

/// The child's address space: far below what the attacks would take (gigabytes), well above
/// what a bounded read needs with its threads' reservations.
const ADDRESS_SPACE: u64 = 1 << 30;

/// The child's CPU time, in seconds: a safety net against a read that never ends.
const CPU_SECONDS: u64 = 60;

/// How long a child may take before it is taken to be blocked.
const WALL: Duration = Duration::from_secs(120);

/// The most resident memory an open of a hostile database may reach.
const RSS_BOUND_KB: u64 = 100 * 1000;

/// The child half: opens the root `CHILD_ENV` names and prints the outcome, its peak resident
/// memory and the time the open took, one `key<TAB>value` line each. Run by the tests below
/// (through [`open_in_child`]); on its own it has nothing to open and returns.
#[test]
#[ignore = "the child half of the hostile database tests, which run it"]
fn child_open() {
    let Some(conf) = std::env::var_os(CHILD_ENV) else {
        eprintln!("child_open runs only as the child of the hostile database tests");
        return;
    };
    let (started, cpu_before) = (Instant::now(), cpu_ms());
    let result = AlpmBackend::open(AlpmConfig::new(PathBuf::from(conf)));
    let (elapsed, cpu) = (started.elapsed(), cpu_ms() - cpu_before);
    let outcome = match &result {
        Ok(_) => "opened".to_string(),
        Err(Error::CorruptDatabase { path, reason }) => {
            format!("corrupt\t{}\t{reason}", path.display())
        }
        Err(other) => format!("other\t{other}"),
    };
    let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
    let hwm = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .unwrap_or(u64::MAX);
    println!("@outcome\t{outcome}");
    println!(
        "@message\t{}",
        result.err().map(|e| e.to_string()).unwrap_or_default()
    );
    println!("@hwm_kb\t{hwm}");
    println!("@elapsed_ms\t{:.1}", elapsed.as_secs_f64() * 1000.0);
    println!("@cpu_ms\t{cpu:.1}");
}

/// The CPU time (user and system, all threads) this process has used, in milliseconds.
fn cpu_ms() -> f64 {
    // SAFETY: getrusage only writes the struct passed.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let ms = |t: libc::timeval| t.tv_sec as f64 * 1000.0 + t.tv_usec as f64 / 1000.0;
    ms(usage.ru_utime) + ms(usage.ru_stime)
}

/// What a child reported.
#[derive(Debug)]
struct Report {
    /// `corrupt<TAB>path<TAB>reason`, `other<TAB>error` or `opened`.
    outcome: String,
    /// The error's full message.
    message: String,
    hwm_kb: u64,
    elapsed_ms: f64,
    cpu_ms: f64,
}

/// Opens `conf` in a child under the limits; panics when the child fails, is killed or
/// blocks.
fn open_in_child(conf: &Path) -> Report {
    let exe = std::env::current_exe().expect("the test binary");
    let mut cmd = Command::new(exe);
    cmd.args(["--exact", "child_open", "--ignored", "--nocapture"])
        .env(CHILD_ENV, conf)
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: only setrlimit, which is async-signal-safe, runs between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            for (resource, limit) in [
                (libc::RLIMIT_AS, ADDRESS_SPACE),
                (libc::RLIMIT_CPU, CPU_SECONDS),
            ] {
                let lim = libc::rlimit {
                    rlim_cur: limit,
                    rlim_max: limit,
                };
                if libc::setrlimit(resource, &lim) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().expect("spawn the child");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the child") {
            break status;
        }
        if started.elapsed() > WALL {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the child opening {} was still running after {WALL:?}: blocked",
                conf.display()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stdout = String::new();
    let mut stderr = String::new();
    let _ = child
        .stdout
        .take()
        .map(|mut s| s.read_to_string(&mut stdout));
    let _ = child
        .stderr
        .take()
        .map(|mut s| s.read_to_string(&mut stderr));
    assert!(
        status.success(),
        "the child opening {} failed ({status}): the read was not bounded?\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        conf.display()
    );
    let field = |key: &str| {
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(&format!("@{key}\t")))
            .unwrap_or_else(|| panic!("no @{key} from the child:\n{stdout}\n{stderr}"))
            .to_string()
    };
    Report {
        outcome: field("outcome"),
        message: field("message"),
        hwm_kb: field("hwm_kb").parse().expect("a number"),
        elapsed_ms: field("elapsed_ms").parse().expect("a number"),
        cpu_ms: field("cpu_ms").parse().expect("a number"),
    }
}

/// A root whose `core` holds a few good packages and whose `extra` is written by the caller.
fn root() -> (tempfile::TempDir, FixtureRoot) {
    let dir = tempfile::tempdir().unwrap();
    let mut root = FixtureRoot::create(dir.path()).unwrap();
    let core: Vec<_> = (0..5)
        .map(|i| FixturePackage::new(format!("good-{i}"), "1.0-1"))
        .collect();
    root.add_sync_db("core", &core).unwrap();
    root.add_sync_db("extra", &core[..1]).unwrap();
    (dir, root)
}

/// Opens `root` in a child and asserts that it fails with a `CorruptDatabase` for `path`
/// whose reason holds every one of `needles`, within the memory bound; prints the numbers.
fn assert_refused(what: &str, root: &FixtureRoot, path: &Path, needles: &[&str]) {
    let len = fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let report = open_in_child(&root.config_path());
    eprintln!(
        "{what}: {len} bytes on disk, refused in {:.1} ms ({:.1} ms of CPU), peak RSS {:.1} MB: {}",
        report.elapsed_ms,
        report.cpu_ms,
        report.hwm_kb as f64 / 1000.0,
        report.message
    );
    let expected = format!("corrupt\t{}\t", path.display());
    let reason = report.outcome.strip_prefix(&expected).unwrap_or_else(|| {
        panic!(
            "{what}: expected a CorruptDatabase for {}, got {report:?}",
            path.display()
        )
    });
    for needle in needles {
        assert!(
            reason.contains(needle),
            "{what}: {reason:?} lacks {needle:?}"
        );
    }
    assert!(
        report.message.contains("is unreadable"),
        "{what}: {}",
        report.message
    );
    assert!(
        report.hwm_kb < RSS_BOUND_KB,
        "{what}: peak RSS {} kB, past {RSS_BOUND_KB} kB",
        report.hwm_kb
    );
}

/// `extra`'s database replaced by `bytes`; returns its path.
fn write_extra(root: &FixtureRoot, bytes: &[u8]) -> PathBuf {
    let path = root.sync_db_path("extra");
    fs::write(&path, bytes).unwrap();
    path
}

/// A tar that starts with a few good packages, then `tail`.
fn tar_with(tail: &[u8]) -> Vec<u8> {
    let packages: Vec<_> = (0..3)
        .map(|i| FixturePackage::new(format!("fine-{i}"), "1.0-1").desc("fine"))
        .collect();
    let mut tar = Vec::new();
    for (path, data) in sync_entries(&packages) {
        tar.extend_from_slice(&tar_header(&path, b'0', data.len() as u64).unwrap());
        tar.extend_from_slice(&data);
        tar.resize(tar.len().next_multiple_of(512), 0);
    }
    tar.extend_from_slice(tail);
    tar
}

/// A compressed file whose stream is `head` followed by `total` bytes of `fill`: the fill in
/// 16 MiB pieces compressed once and repeated (gzip members, zstd frames and xz streams may
/// follow each other in one file), so that gigabytes take a few megabytes.
fn padded_file(compression: DbCompression, head: &[u8], fill: u8, total: u64) -> Vec<u8> {
    const PIECE: u64 = 16 << 20;
    let piece = compress(&vec![fill; PIECE as usize], compression).unwrap();
    let mut file = compress(head, compression).unwrap();
    for _ in 0..total / PIECE {
        file.extend_from_slice(&piece);
    }
    let rest = vec![fill; (total % PIECE) as usize];
    file.extend_from_slice(&compress(&rest, compression).unwrap());
    file
}

#[test]
fn a_long_name_header_claiming_gigabytes_is_refused() {
    let (_dir, root) = root();
    // The reported attack: a 1.5 GB claim, and the 1.5 GB of name behind it.
    let claim = 1_610_612_736;
    let head = tar_with(&tar_header("././@LongLink", b'L', claim).unwrap());
    let path = write_extra(&root, &padded_file(DbCompression::Gzip, &head, b'n', claim));
    assert_refused(
        "long name",
        &root,
        &path,
        &[
            "Special header too large",
            "long name",
            "1610612736",
            "64 KiB",
        ],
    );
}

#[test]
fn a_pax_header_claiming_gigabytes_is_refused() {
    let (_dir, root) = root();
    let claim = 1_610_612_736;
    let head = tar_with(&tar_header("PaxHeader", b'x', claim).unwrap());
    let path = write_extra(&root, &padded_file(DbCompression::Zstd, &head, b'p', claim));
    assert_refused("pax", &root, &path, &["Special header too large", "pax"]);
}

#[test]
fn a_desc_of_gigabytes_is_refused_at_its_header() {
    let (_dir, root) = root();
    // A 2 GB `%DESC%` line: more than the archive may unpack to (a 2 MB file may unpack to
    // 100 times its size).
    let claim = 2 << 30;
    let mut head = tar_with(&tar_header("huge-1.0-1/desc", b'0', claim).unwrap());
    head.extend_from_slice(b"%DESC%\n");
    let path = write_extra(
        &root,
        &padded_file(DbCompression::Gzip, &head, b'd', claim - 7),
    );
    assert_refused(
        "2 GB desc",
        &root,
        &path,
        &["unpacks to more than 100 times the file's"],
    );
    // 20 MiB: within that (and the 32 MiB any file may unpack to), but more than a desc
    // file may be.
    let claim = 20 << 20;
    let mut head = tar_with(&tar_header("huge-1.0-1/desc", b'0', claim).unwrap());
    head.extend_from_slice(b"%DESC%\n");
    let path = write_extra(
        &root,
        &padded_file(DbCompression::Gzip, &head, b'd', claim - 7),
    );
    assert_refused(
        "20 MiB desc",
        &root,
        &path,
        &["entry 'huge-1.0-1/desc' is 20971520 bytes", "16 MiB"],
    );
}

#[test]
fn a_desc_line_past_libalpms_line_length_is_damage() {
    let (_dir, root) = root();
    // 15 MiB, all one line: within the entry limit, past libalpm's 512 KiB lines.
    let mut data = b"%NAME%\nlong\n\n%DESC%\n".to_vec();
    data.resize(15 << 20, b'd');
    data.push(b'\n');
    let mut tail = tar_header("long-1.0-1/desc", b'0', data.len() as u64)
        .unwrap()
        .to_vec();
    tail.extend_from_slice(&data);
    tail.resize(tail.len().next_multiple_of(512), 0);
    let path = write_extra(
        &root,
        &compress(&tar_with(&tail), DbCompression::Xz).unwrap(),
    );
    assert_refused(
        "15 MiB line",
        &root,
        &path,
        &["could not parse package description file 'long-1.0-1/desc'"],
    );
}

#[test]
fn a_link_to_dev_zero_is_refused_unread() {
    let (_dir, root) = root();
    let path = root.sync_db_path("extra");
    fs::remove_file(&path).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &path).unwrap();
    assert_refused(
        "/dev/zero",
        &root,
        &path,
        &[
            "symbolic link to a character device (/dev/zero)",
            "not to a regular file",
        ],
    );
}

#[test]
fn a_fifo_is_refused_without_blocking() {
    let (_dir, root) = root();
    let path = root.sync_db_path("extra");
    fs::remove_file(&path).unwrap();
    let c = CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    assert_refused(
        "FIFO",
        &root,
        &path,
        &["a FIFO (named pipe), not a regular file"],
    );
}

#[test]
fn a_directory_is_refused() {
    let (_dir, root) = root();
    let path = root.sync_db_path("extra");
    fs::remove_file(&path).unwrap();
    fs::create_dir(&path).unwrap();
    assert_refused(
        "directory",
        &root,
        &path,
        &["a directory, not a regular file"],
    );
}

/// A small file that unpacks to 4 GiB: 256 entries of 16 MiB of zeros, each header and its
/// zeros compressed once and repeated (gzip members, zstd frames and xz streams may follow
/// each other in one file).
fn bomb(compression: DbCompression) -> Vec<u8> {
    let mut entry = tar_header("bomb-1.0-1/files", b'0', 16 << 20)
        .unwrap()
        .to_vec();
    entry.resize(entry.len() + (16 << 20), 0);
    let entry = compress(&entry, compression).unwrap();
    let mut file = compress(&tar_with(&[]), compression).unwrap();
    for _ in 0..256 {
        file.extend_from_slice(&entry);
    }
    file
}

#[test]
fn decompression_bombs_are_refused_at_the_unpacked_limits() {
    // gzip cannot pack more than about 1000 to 1: its 4 MB reach the 256 MiB bound. zstd and
    // xz pack 4 GiB into under 1 MB, which may unpack to 100 times that.
    let by_ratio = "unpacks to more than 100 times the file's";
    for (what, compression, needle) in [
        (
            "gzip bomb",
            DbCompression::Gzip,
            "unpacks to more than 256 MiB",
        ),
        ("zstd bomb", DbCompression::Zstd, by_ratio),
        ("xz bomb", DbCompression::Xz, by_ratio),
    ] {
        let (_dir, root) = root();
        let bytes = bomb(compression);
        assert!(bytes.len() < 8 << 20, "{what}: {} bytes", bytes.len());
        let path = write_extra(&root, &bytes);
        assert_refused(what, &root, &path, &[needle]);
    }
}

#[test]
fn too_many_packages_are_refused() {
    let (_dir, root) = root();
    // One empty desc per package: 512 bytes each, 300,000 of them (150 MiB unpacked).
    let mut tar = Vec::with_capacity(300_000 * 512);
    for i in 0..300_000 {
        tar.extend_from_slice(&tar_header(&format!("p{i:06}-1-1/desc"), b'0', 0).unwrap());
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&tar).unwrap();
    let path = write_extra(&root, &gz.finish().unwrap());
    assert_refused(
        "300,000 packages",
        &root,
        &path,
        &["more than 250000 packages"],
    );
}
