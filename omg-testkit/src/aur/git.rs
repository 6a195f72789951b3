//! Running the system `git` for fixtures: author and committer set, no user or system
//! configuration read, `master` as the first branch, any owner accepted.

use std::path::Path;
use std::process::Command;

/// `git -C dir args...`; panics with git's stderr when it fails. Returns stdout, trimmed.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "init.defaultBranch=master",
            "-c",
            "safe.directory=*",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "core.autocrlf=false",
        ])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "omg test")
        .env("GIT_AUTHOR_EMAIL", "omg@example.invalid")
        .env("GIT_COMMITTER_NAME", "omg test")
        .env("GIT_COMMITTER_EMAIL", "omg@example.invalid")
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .unwrap_or_else(|e| panic!("git {args:?}: {e} (is git installed?)"));
    assert!(
        out.status.success(),
        "git {args:?} in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Commits everything in the work tree `work` (a repository, created if needed) and pushes
/// `master` to the bare repository `bare` (created if needed). Returns the new commit.
pub fn commit_and_publish(work: &Path, bare: &Path, message: &str) -> String {
    if !work.join(".git").exists() {
        git(work, &["init", "-q"]);
    }
    git(work, &["add", "-A"]);
    git(work, &["commit", "-q", "--allow-empty", "-m", message]);
    if !bare.exists() {
        std::fs::create_dir_all(bare).expect("create a bare repository's directory");
        git(bare, &["init", "-q", "--bare"]);
    }
    let bare_s = bare.to_str().expect("a UTF-8 path");
    git(
        work,
        &["push", "-q", "-f", bare_s, "HEAD:refs/heads/master"],
    );
    git(work, &["rev-parse", "HEAD"])
}
