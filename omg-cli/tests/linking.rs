//! The thin client's design rules: `omg` links neither libalpm nor libapt-pkg (it starts like
//! an empty program) and hands every command to `omg-backend`, which links both; when the
//! helper cannot run, `omg` says so and exits 5.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::path::{Path, PathBuf};

use common::{backend_bin, omg, omg_bin, Run};

/// The shared libraries `ldd` lists for `bin` (or `not a dynamic executable` for a static
/// one), or `None` (with a note) without `ldd`.
fn libraries(bin: &Path) -> Option<String> {
    let out = match std::process::Command::new("ldd").arg(bin).output() {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            omg_testkit::skip("ldd is not installed");
            return None;
        }
        Err(e) => panic!("cannot run ldd: {e}"),
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() && stderr.contains("not a dynamic executable") {
        return Some("not a dynamic executable".to_string());
    }
    assert!(
        out.status.success(),
        "ldd {} failed: {stderr}",
        bin.display()
    );
    Some(String::from_utf8(out.stdout).expect("UTF-8 output"))
}

#[test]
fn omg_links_neither_libalpm_nor_libapt() {
    let Some(omg) = libraries(omg_bin()) else {
        return;
    };
    let static_client = omg.trim() == "not a dynamic executable";
    if std::env::var_os("OMG_TEST_OMG").is_some() {
        // The client as scripts/build-release.sh builds it: no dynamic loader at all (ldd
        // says so, on stderr, failing).
        assert!(static_client, "{omg}");
    }
    assert!(!omg.contains("libalpm"), "omg links libalpm:\n{omg}");
    assert!(!omg.contains("libapt-pkg"), "omg links libapt-pkg:\n{omg}");
    // Otherwise nothing but libc and the unwinder: every other shared library costs each
    // start (runtime downloads, unpacking and progress bars live in omg-backend).
    for line in omg
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !static_client)
    {
        let name = line.split_whitespace().next().unwrap_or("");
        assert!(
            ["linux-vdso.so.1", "libc.so.6", "libgcc_s.so.1"].contains(&name)
                || name.contains("ld-linux"),
            "omg links {name}:\n{omg}"
        );
    }
    let Some(backend) = libraries(backend_bin()) else {
        return;
    };
    assert!(backend.contains("libalpm.so"), "{backend}");
    assert!(backend.contains("libapt-pkg.so"), "{backend}");
}

#[test]
fn a_helper_that_cannot_run_exits_5() {
    let run = omg(&["status"], &[("OMG_BACKEND_BIN", "/nonexistent")]);
    run.expect_code(5);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .starts_with("omg: error: could not run /nonexistent: "),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .ends_with("; reinstall omg so that omg-backend sits beside it\n"),
        "{}",
        run.stderr
    );
    // A file that is not executable cannot run either.
    let dir = tempfile::tempdir().unwrap();
    let not_exe = dir.path().join("omg-backend");
    std::fs::write(&not_exe, "not a program").unwrap();
    let run = omg(
        &["search", "x"],
        &[("OMG_BACKEND_BIN", not_exe.to_str().unwrap())],
    );
    run.expect_code(5);
    assert!(run.stderr.contains("could not run"), "{}", run.stderr);
}

/// A copy of `omg` alone in a directory of its own (a hard link when possible), in cargo's
/// temporary directory for tests, on the same file system as the binaries.
fn lone_omg() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let lone = dir.path().join("omg");
    if std::fs::hard_link(omg_bin(), &lone).is_err() {
        std::fs::copy(omg_bin(), &lone).unwrap();
    }
    (dir, lone)
}

/// Runs `bin args...` with `env` (and no inherited `OMG_BACKEND_BIN`), retrying while the
/// kernel reports the fresh copy busy (another test's fork may briefly hold it open).
fn run_bin(bin: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    for _ in 0..50 {
        let result = common::isolate(&mut std::process::Command::new(bin))
            .args(args)
            .envs(env.iter().copied())
            .output();
        match result {
            Ok(out) => {
                return Run {
                    code: out.status.code(),
                    stdout: String::from_utf8(out.stdout).unwrap(),
                    stderr: String::from_utf8(out.stderr).unwrap(),
                }
            }
            // ETXTBSY
            Err(e) if e.raw_os_error() == Some(26) => {
                std::thread::sleep(std::time::Duration::from_millis(20))
            }
            Err(e) => panic!("cannot run {}: {e}", bin.display()),
        }
    }
    panic!("{} stayed busy", bin.display());
}

#[test]
fn omg_without_its_helper_beside_it_exits_5() {
    let (dir, lone) = lone_omg();
    let run = run_bin(&lone, &["status"], &[]);
    run.expect_code(5);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        format!(
            "omg: error: {}/omg-backend is missing; omg needs its helper omg-backend installed \
             beside it (or OMG_BACKEND_BIN pointing at it)\n",
            dir.path().display()
        )
    );
    // OMG_BACKEND_BIN finds it elsewhere: the helper runs (and reports the missing file).
    let conf = dir.path().join("pacman.conf");
    let conf = conf.to_str().unwrap();
    let run = run_bin(
        &lone,
        &["--backend", "alpm", "--config", conf, "status"],
        &[("OMG_BACKEND_BIN", backend_bin().to_str().unwrap())],
    );
    run.expect_code(4);
    assert!(run.stderr.contains(conf), "{}", run.stderr);
}

#[test]
fn usage_help_and_version_need_no_helper() {
    let missing = [("OMG_BACKEND_BIN", "/nonexistent")];
    let run = omg(&["search"], &missing);
    run.expect_code(2);
    assert!(run.stderr.contains("<QUERY>"), "{}", run.stderr);
    let run = omg(&["--version"], &missing);
    assert_eq!(run.ok(), format!("omg {}\n", env!("CARGO_PKG_VERSION")));
    let run = omg(&["--help"], &missing);
    let help = run.ok();
    for command in ["search", "info", "list", "status"] {
        assert!(help.contains(command), "{help}");
    }
}
