//! The apt side of the differential suite: omg with `--backend apt` on the host, and the
//! peers' commands in the same, plain environment.

// Each module uses its own subset.
#![allow(dead_code)]

use std::process::Command;

use crate::common::{self, Run};

/// `omg --backend apt args...` on the host's apt state, isolated from the user's omg.
pub fn omg(args: &[&str]) -> Run {
    let mut all = vec!["--backend", "apt"];
    all.extend_from_slice(args);
    common::omg(&all, &[])
}

/// `program args...` with the C locale (the peers' messages and sorting in English and
/// byte order). A missing program fails under `CI=true` (the set-up installs it) and is
/// `None` otherwise.
pub fn tool(program: &str, args: &[&str]) -> Option<Run> {
    let path = common::tool_path(program)?;
    let out = Command::new(path)
        .args(args)
        .env("LC_ALL", "C")
        .env_remove("LANGUAGE")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    Some(Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}

/// The stdout of `program args...`, which must succeed; `None` as for [`tool`].
pub fn tool_stdout(program: &str, args: &[&str]) -> Option<String> {
    let run = tool(program, args)?;
    assert_eq!(
        run.code,
        Some(0),
        "{program} {args:?} failed:\n{}",
        run.stderr
    );
    Some(run.stdout)
}
