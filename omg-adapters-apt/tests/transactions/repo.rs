//! A local apt repository of test packages built with dpkg-deb, and apt configurations
//! that see only it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One test package.
pub struct Deb<'a> {
    pub name: &'a str,
    pub version: &'a str,
    /// Extra control fields (`Depends: x`).
    pub fields: &'a [&'a str],
    /// Files it ships: absolute path on the host, content.
    pub files: &'a [(&'a str, &'a str)],
}

/// A flat repository (`Packages`, `Release`) of .deb files in a temporary directory.
pub struct Repo {
    pub dir: tempfile::TempDir,
}

fn run(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

impl Repo {
    pub fn new() -> Repo {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("repo")).unwrap();
        Repo { dir }
    }

    /// The repository directory.
    pub fn path(&self) -> PathBuf {
        self.dir.path().join("repo")
    }

    /// Builds `deb` with dpkg-deb into the repository (not yet published).
    pub fn add(&self, deb: &Deb<'_>) -> PathBuf {
        self.build(deb, &self.path())
    }

    /// Builds `deb` with dpkg-deb into `dir` (created when missing).
    pub fn build(&self, deb: &Deb<'_>, dir: &Path) -> PathBuf {
        fs::create_dir_all(dir).unwrap();
        let build = self
            .dir
            .path()
            .join("build")
            .join(format!("{}_{}", deb.name, deb.version));
        fs::create_dir_all(build.join("DEBIAN")).unwrap();
        let mut control = format!(
            "Package: {}\nVersion: {}\nArchitecture: all\nMaintainer: omg tests <omg@invalid>\nInstalled-Size: 4\n",
            deb.name, deb.version
        );
        for field in deb.fields {
            control.push_str(field);
            control.push('\n');
        }
        control.push_str(&format!("Description: omg test package {}\n", deb.name));
        fs::write(build.join("DEBIAN/control"), control).unwrap();
        for (path, content) in deb.files {
            let target = build.join(path.trim_start_matches('/'));
            fs::create_dir_all(target.parent().unwrap()).unwrap();
            fs::write(target, content).unwrap();
        }
        let out = dir.join(format!("{}_{}_all.deb", deb.name, deb.version));
        run(Command::new("dpkg-deb")
            .args(["--root-owner-group", "-Zgzip", "--build"])
            .arg(&build)
            .arg(&out));
        out
    }

    /// Writes `Packages` (dpkg-scanpackages, every version) and a `Release` listing it.
    pub fn publish(&self) {
        let repo = self.path();
        let packages = run(Command::new("dpkg-scanpackages")
            .args(["--multiversion", ".", "/dev/null"])
            .current_dir(&repo));
        fs::write(repo.join("Packages"), &packages).unwrap();
        let sum = run(Command::new("sha256sum").arg(repo.join("Packages")));
        let hash = sum.split_whitespace().next().unwrap();
        fs::write(
            repo.join("Release"),
            format!(
                "Origin: omg-test\nLabel: omg-test\nSuite: omgtest\nCodename: omgtest\n\
                 Date: Sat, 01 Jan 2000 00:00:00 UTC\nSHA256:\n {hash} {} Packages\n",
                packages.len()
            ),
        )
        .unwrap();
    }

    /// An apt.conf in `<tmp>/<name>` whose only source is `source` (a sources.list line),
    /// with lists, archives, logs, auto marks and settings of its own, and dpkg's real
    /// status (dpkg installs into the real root).
    pub fn apt_conf(&self, name: &str, source: &str) -> AptDirs {
        let base = self.dir.path().join(name);
        for d in [
            "etc/apt.conf.d",
            "etc/sources.list.d",
            "etc/preferences.d",
            "lists/partial",
            "cache/archives/partial",
            "log",
        ] {
            fs::create_dir_all(base.join(d)).unwrap();
        }
        fs::write(base.join("etc/sources.list"), format!("{source}\n")).unwrap();
        let b = base.display();
        let conf = base.join("apt.conf");
        fs::write(
            &conf,
            format!(
                "Dir::Etc::parts \"{b}/etc/apt.conf.d/\";\n\
                 Dir::Etc::sourcelist \"{b}/etc/sources.list\";\n\
                 Dir::Etc::sourceparts \"{b}/etc/sources.list.d/\";\n\
                 Dir::Etc::preferences \"{b}/etc/preferences\";\n\
                 Dir::Etc::preferencesparts \"{b}/etc/preferences.d/\";\n\
                 Dir::State::lists \"{b}/lists/\";\n\
                 Dir::State::extended_states \"{b}/extended_states\";\n\
                 Dir::State::status \"/var/lib/dpkg/status\";\n\
                 Dir::Cache \"{b}/cache/\";\n\
                 Dir::Cache::archives \"{b}/cache/archives/\";\n\
                 Dir::Cache::pkgcache \"\";\nDir::Cache::srcpkgcache \"\";\n\
                 Dir::Log \"{b}/log/\";\n\
                 Dpkg::Use-Pty \"false\";\n\
                 Acquire::http::Proxy \"DIRECT\";\nAcquire::Retries \"0\";\n"
            ),
        )
        .unwrap();
        AptDirs {
            conf,
            archives: base.join("cache/archives"),
        }
    }
}

/// Where one test configuration keeps things.
pub struct AptDirs {
    pub conf: PathBuf,
    pub archives: PathBuf,
}

/// Writes `bytes` of filler to `path`.
pub fn filler(path: &Path, bytes: usize) {
    fs::write(path, vec![b'x'; bytes]).unwrap();
}
