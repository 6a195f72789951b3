//! A generated pacman root shared by the integration tests, and helpers to run `pacman`.

#![allow(dead_code)]

use std::collections::HashSet;
use std::path::Path;
use std::process::Command;

use omg_ports::{InstallReason, Installed, PackageSummary};
use omg_testkit::alpm::{FixturePackage, FixtureRoot};
use tempfile::TempDir;

/// Repositories in `pacman.conf` order.
pub const REPOS: [&str; 3] = ["core", "extra", "community"];

/// A fixture root plus the model it was built from.
pub struct World {
    pub dir: TempDir,
    pub root: FixtureRoot,
    /// Sync packages per repository, in `REPOS` order.
    pub sync: Vec<(String, Vec<FixturePackage>)>,
    /// Installed packages.
    pub local: Vec<FixturePackage>,
}

fn p(name: &str, version: &str) -> FixturePackage {
    FixturePackage::new(name, version)
}

/// Version of the i-th generated package; every 25th has an epoch.
fn generated_version(i: usize) -> String {
    let v = format!("{}.{}.{}-{}", i % 7 + 1, i % 10, i % 3, i % 2 + 1);
    if i % 25 == 0 {
        format!("1:{v}")
    } else {
        v
    }
}

fn generated(prefix: &str, n: usize) -> Vec<FixturePackage> {
    (0..n)
        .map(|i| {
            p(&format!("{prefix}-{i:03}"), &generated_version(i))
                .desc(format!("Generated {prefix} number {i}"))
        })
        .collect()
}

/// The special packages of each repository (see the test file for what each one checks).
fn specials(repo: &str) -> Vec<FixturePackage> {
    match repo {
        "core" => vec![
            p("shared", "1.0-1").desc("Shared, core copy"),
            p("libfoo", "1.2-1").provides(["libfoo.so=1-64"]),
            p("orphan-lib", "0.5-1"),
            p("optional-lib", "3.1-2"),
            p("epoch-old", "3.0-1"),
            p("chain-b", "1.0-1").depends(["chain-c"]),
            p("chain-c", "1.0-1"),
        ],
        "extra" => vec![
            p("shared", "2.0-1").desc("Shared, extra copy"),
            p("triple", "1.0-1").desc("Triple, extra copy"),
            p("editor", "2.0-1")
                .desc("A text editor")
                .url(Some("https://editor.example"))
                .licenses(["GPL-3.0-or-later", "custom:editor"])
                .depends(["libfoo>=1.0", "virtual-thing", "glibc"])
                .optdepends(["optional-lib: for extra powers", "shared"])
                .provides(["text-editor=2.0"])
                .conflicts(["old-editor<2"])
                .replaces(["ancient-editor"])
                .sizes(123_456, 654_321)
                .arch("any"),
            p("epochy", "1:1.0-1"),
            p("virtual-impl", "1.0-1").provides(["virtual-thing"]),
            p("chain-a", "1.0-1").depends(["chain-b>=1"]),
        ],
        "community" => vec![
            p("triple", "9.0-1").desc("Triple, community copy"),
            p("newer-local", "1.0-1"),
            p("explicit-unneeded", "1.0-1"),
        ],
        _ => Vec::new(),
    }
}

/// Installed packages.
fn local_packages() -> Vec<FixturePackage> {
    let mut local = vec![
        p("shared", "1.0-1"),
        p("editor", "1.5-1")
            .depends(["libfoo>=1.0", "virtual-thing", "glibc"])
            .optdepends(["optional-lib: for extra powers"]),
        p("epochy", "2.0-1"),
        p("epoch-old", "1:1.0-1"),
        p("newer-local", "1.1-1"),
        p("libfoo", "1.2-1").as_dependency(),
        p("orphan-lib", "0.4-1").as_dependency(),
        p("optional-lib", "3.1-2").as_dependency(),
        p("virtual-impl", "1.0-1")
            .provides(["virtual-thing"])
            .as_dependency(),
        p("glibc", "2.40-1")
            .as_dependency()
            .desc("Installed, in no repository"),
        p("chain-a", "1.0-1").depends(["chain-b>=1"]),
        p("chain-b", "1.0-1").depends(["chain-c"]).as_dependency(),
        p("chain-c", "1.0-1").as_dependency(),
        p("explicit-unneeded", "1.0-1"),
        p("local-only-tool", "0.1-1").desc("Built by hand"),
        p("local-only-dep", "0.2-1").as_dependency(),
    ];
    // Every 10th generated core package, at the repository's version.
    for pkg in generated("core-lib", 120).into_iter().step_by(10) {
        local.push(pkg);
    }
    // Every 30th generated extra package, one release behind: upgradable.
    for pkg in generated("extra-app", 150).into_iter().step_by(30) {
        let old = pkg.with_version("0.1-1");
        local.push(old);
    }
    local
}

/// Builds the world in a new temporary directory.
pub fn world() -> World {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut root = FixtureRoot::create(dir.path()).expect("fixture root");
    let counts = [
        ("core", "core-lib", 120),
        ("extra", "extra-app", 150),
        ("community", "comm-tool", 60),
    ];
    let mut sync = Vec::new();
    for (repo, prefix, n) in counts {
        let mut pkgs = generated(prefix, n);
        pkgs.extend(specials(repo));
        root.add_sync_db(repo, &pkgs).expect("sync db");
        sync.push((repo.to_string(), pkgs));
    }
    let local = local_packages();
    root.install_local(&local).expect("local db");
    World {
        dir,
        root,
        sync,
        local,
    }
}

impl World {
    pub fn local(&self, name: &str) -> Option<&FixturePackage> {
        self.local.iter().find(|p| p.name == name)
    }

    pub fn installed_state(&self, name: &str) -> Option<Installed> {
        self.local(name).map(|l| Installed {
            version: l.version.clone(),
            reason: l.reason,
            date: Some(l.installdate),
        })
    }

    /// The first repository with `name`.
    pub fn first_sync(&self, name: &str) -> Option<(&str, &FixturePackage)> {
        self.sync.iter().find_map(|(repo, pkgs)| {
            pkgs.iter()
                .find(|p| p.name == name)
                .map(|p| (repo.as_str(), p))
        })
    }

    pub fn summary(&self, pkg: &FixturePackage, repo: &str) -> PackageSummary {
        PackageSummary {
            name: pkg.name.clone(),
            version: pkg.version.clone(),
            description: pkg.desc.clone(),
            repository: repo.to_string(),
            architecture: pkg.arch.clone(),
            installed: self.installed_state(&pkg.name).map(Box::new),
            provides: Vec::new(),
        }
    }

    /// The expected answer of `packages()`, straight from the model: repositories in order,
    /// each sorted by name, a name once per repository that has it, with the names it
    /// provides; then installed packages no repository has.
    pub fn expected_packages(&self) -> Vec<PackageSummary> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for (repo, pkgs) in &self.sync {
            let mut sorted: Vec<_> = pkgs.iter().collect();
            sorted.sort_by(|a, b| a.name.cmp(&b.name));
            for pkg in sorted {
                seen.insert(pkg.name.clone());
                let mut summary = self.summary(pkg, repo);
                summary.provides = pkg
                    .provides
                    .iter()
                    .map(|p| PackageSummary::provided_name(p).to_string())
                    .collect();
                out.push(summary);
            }
        }
        for pkg in self.local_sorted() {
            if !seen.contains(&pkg.name) {
                let mut summary = self.summary(pkg, "local");
                summary.provides = pkg
                    .provides
                    .iter()
                    .map(|p| PackageSummary::provided_name(p).to_string())
                    .collect();
                out.push(summary);
            }
        }
        out
    }

    /// The expected answer of `installed()`.
    pub fn expected_installed(&self) -> Vec<PackageSummary> {
        self.local_sorted()
            .into_iter()
            .map(|pkg| {
                let repo = self.first_sync(&pkg.name).map_or("local", |(r, _)| r);
                self.summary(pkg, repo)
            })
            .collect()
    }

    pub fn local_sorted(&self) -> Vec<&FixturePackage> {
        let mut v: Vec<_> = self.local.iter().collect();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        v
    }

    pub fn dependency_names(&self) -> Vec<&str> {
        self.local
            .iter()
            .filter(|p| p.reason == InstallReason::Dependency)
            .map(|p| p.name.as_str())
            .collect()
    }
}

/// Runs the real `pacman` on `root` with `args` (C locale), or `None` with a note when it is
/// not on PATH. Returns stdout whatever the exit status (pacman exits 1 on "no results").
pub fn pacman(root: &FixtureRoot, args: &[&str]) -> Option<String> {
    let out = match Command::new("pacman")
        .arg("--config")
        .arg(root.config_path())
        .args(args)
        .env("LC_ALL", "C")
        .output()
    {
        Ok(out) => out,
        Err(e) => {
            omg_testkit::skip(&format!(
                "the comparison with pacman {args:?}: cannot run pacman ({e})"
            ));
            return None;
        }
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("error"),
        "pacman {args:?} reported errors: {stderr}"
    );
    Some(String::from_utf8(out.stdout).expect("pacman output is UTF-8"))
}

/// Non-empty lines of `text`.
pub fn lines(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// A byte-level copy of a file's first half, written back over it.
pub fn truncate_half(path: &Path) {
    let bytes = std::fs::read(path).expect("read db");
    std::fs::write(path, &bytes[..bytes.len() / 2]).expect("write db");
}
pub mod tx;
