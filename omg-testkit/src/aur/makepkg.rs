//! makepkg as a non-root user (makepkg refuses root): [`build_user`] and [`makepkg_as`].

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::sync::Mutex;

/// The system user the tests build as.
pub const BUILD_USER: &str = "omgbuild";

/// A non-root user to run makepkg as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildUser {
    /// Its name.
    pub name: String,
    /// Its uid.
    pub uid: u32,
    /// Its primary gid.
    pub gid: u32,
}

/// The user [`BUILD_USER`], created with `useradd --system` when missing (which needs
/// root). `None` after [`skip`](crate::skip)ping when it can't be had (not root, or no
/// makepkg, runuser or useradd).
#[track_caller]
pub fn build_user() -> Option<BuildUser> {
    static CREATE: Mutex<()> = Mutex::new(());
    if crate::require_tool("makepkg").is_none() || crate::require_tool("runuser").is_none() {
        return None;
    }
    if !crate::require_root("runuser needs root to build as another user") {
        return None;
    }
    let _one_at_a_time = CREATE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(u) = lookup(BUILD_USER) {
        return Some(u);
    }
    let useradd = Command::new("useradd")
        .args([
            "--system",
            "--no-create-home",
            "--home-dir",
            "/nonexistent",
            "--shell",
            "/usr/sbin/nologin",
            "--user-group",
            BUILD_USER,
        ])
        .output();
    // Another process may have created it meanwhile: look again either way.
    match lookup(BUILD_USER) {
        Some(u) => Some(u),
        None => {
            let why = match useradd {
                Ok(out) => String::from_utf8_lossy(&out.stderr).into_owned(),
                Err(e) => e.to_string(),
            };
            crate::skip(&format!("could not create the user {BUILD_USER}: {why}"));
            None
        }
    }
}

/// `name`'s entry in `/etc/passwd`.
fn lookup(name: &str) -> Option<BuildUser> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let f: Vec<&str> = line.split(':').collect();
        if f.len() < 4 || f[0] != name {
            return None;
        }
        Some(BuildUser {
            name: name.to_owned(),
            uid: f[2].parse().ok()?,
            gid: f[3].parse().ok()?,
        })
    })
}

/// What a makepkg run did.
#[derive(Debug)]
pub struct MakepkgRun {
    /// makepkg's exit status.
    pub status: ExitStatus,
    /// Its standard output.
    pub stdout: String,
    /// Its standard error.
    pub stderr: String,
    /// `PKGDEST`: where the packages were written.
    pub pkgdest: PathBuf,
}

impl MakepkgRun {
    /// The package files in `PKGDEST` (`*.pkg.tar*`), sorted.
    pub fn packages(&self) -> Vec<PathBuf> {
        let mut found: Vec<PathBuf> = std::fs::read_dir(&self.pkgdest)
            .map(|d| {
                d.filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| {
                        p.file_name()
                            .and_then(|n| n.to_str())
                            .is_some_and(|n| n.contains(".pkg.tar"))
                    })
                    .collect()
            })
            .unwrap_or_default();
        found.sort();
        found
    }
}

/// Runs `makepkg args...` in `dir` (holding a PKGBUILD) as `user`:
/// `runuser -u <user> -- env PKGDEST=.. BUILDDIR=.. SRCDEST=.. LOGDEST=.. HOME=.. <env> makepkg`,
/// the four directories under `<dir>.makepkg/` (`pkg`, `build`, `src`, `home`).
///
/// `dir` and `<dir>.makepkg` are given to the user (`chown -R`), and directories above
/// `dir` inside the system's temporary directory get `o+x` so that the user can reach it
/// (a `tempfile` directory is 0700).
pub fn makepkg_as(user: &BuildUser, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> MakepkgRun {
    let dir = dir.canonicalize().expect("the package directory exists");
    let mut out = dir.clone().into_os_string();
    out.push(".makepkg");
    let out = PathBuf::from(out);
    let sub = |s: &str| out.join(s);
    for s in ["pkg", "build", "src", "home"] {
        std::fs::create_dir_all(sub(s)).expect("create makepkg's directories");
    }
    chown_tree(&dir, user);
    chown_tree(&out, user);
    open_ancestors(&dir);
    let mut cmd = Command::new("runuser");
    cmd.args(["-u", &user.name, "--", "env"]);
    for (k, s) in [
        ("PKGDEST", "pkg"),
        ("BUILDDIR", "build"),
        ("SRCDEST", "src"),
        ("LOGDEST", "build"),
        ("HOME", "home"),
    ] {
        cmd.arg(format!("{k}={}", sub(s).display()));
    }
    cmd.arg("PACKAGER=omg test <omg@example.invalid>");
    cmd.arg("GIT_CONFIG_NOSYSTEM=1");
    for (k, v) in env {
        cmd.arg(format!("{k}={v}"));
    }
    cmd.arg("makepkg").args(args).current_dir(&dir);
    let output = cmd
        .output()
        .unwrap_or_else(|e| panic!("runuser makepkg: {e}"));
    MakepkgRun {
        status: output.status,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        pkgdest: sub("pkg"),
    }
}

fn chown_tree(path: &Path, user: &BuildUser) {
    let status = Command::new("chown")
        .arg("-R")
        .arg(format!("{}:{}", user.uid, user.gid))
        .arg(path)
        .status()
        .expect("run chown");
    assert!(status.success(), "chown -R {}", path.display());
}

/// Adds `o+x` to the directories above `dir` that lie inside the temporary directory.
fn open_ancestors(dir: &Path) {
    let tmp = std::env::temp_dir()
        .canonicalize()
        .unwrap_or_else(|_| PathBuf::from("/tmp"));
    for a in dir.ancestors().skip(1) {
        if !a.starts_with(&tmp) || a == tmp {
            break;
        }
        if let Ok(m) = std::fs::metadata(a) {
            if m.mode() & 0o001 == 0 {
                let mut p = m.permissions();
                p.set_mode(m.mode() | 0o001);
                std::fs::set_permissions(a, p).expect("open a directory for the build user");
            }
        }
    }
}
