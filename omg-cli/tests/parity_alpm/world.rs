//! The pacman roots of the differential suite, and running pacman and omg on them.
//!
//! [`large`] turns the host's apt lists into an Arch root of realistic size and shape: every
//! n-th package name (at least 15,000 packages, about 20,000 on Debian's lists), its
//! version made an Arch `pkgver-1`, its one-line description, its `Provides` (versions
//! made Arch ones), its first-alternative `Depends` among the sampled names, and every
//! fourth package's Debian section as its group. One in five goes to `core`, the rest to
//! `extra`; every 40th of core is also in `chaotic` one pkgrel newer (a name in two
//! repositories, like glibc in core and chaotic-aur). Every 50th is installed explicitly,
//! a third of those one pkgrel older (upgradable), with its dependencies installed as
//! dependencies; three installed packages are in no repository.
//!
//! The root is written once per target directory (under `CARGO_TARGET_TMPDIR`, guarded by a
//! file lock and a stamp of its contents) and regenerated in memory by every process.

// Each module uses its own subset.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::hash::{Hash, Hasher};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use omg_testkit::alpm::{FixturePackage, FixtureRoot};

use crate::common::{self, Run};

/// The smallest number of packages [`large`] writes.
pub const MIN_PACKAGES: usize = 15_000;

/// A pacman root and what was written into it.
pub struct World {
    /// `pacman.conf` of the root.
    pub conf: PathBuf,
    /// The root.
    pub root: FixtureRoot,
    /// The packages of each repository, in `pacman.conf` order.
    pub repos: Vec<(String, Vec<FixturePackage>)>,
    /// The local database's packages.
    pub installed: Vec<FixturePackage>,
}

impl World {
    /// `conf` as a string, for command lines.
    pub fn conf_str(&self) -> String {
        self.conf.display().to_string()
    }

    /// Every sync package, with its repository.
    pub fn sync_packages(&self) -> impl Iterator<Item = (&str, &FixturePackage)> {
        self.repos
            .iter()
            .flat_map(|(repo, pkgs)| pkgs.iter().map(move |p| (repo.as_str(), p)))
    }

    /// `omg --backend alpm --config <conf> args...`.
    pub fn omg(&self, args: &[&str]) -> Run {
        omg(&self.conf, args)
    }

    /// `pacman --config <conf> args...`, `None` without pacman (a failure under CI).
    pub fn pacman(&self, args: &[&str]) -> Option<Run> {
        pacman(&self.conf, args)
    }
}

/// `omg --backend alpm --config <conf> args...`, isolated from the user's omg.
pub fn omg(conf: &Path, args: &[&str]) -> Run {
    let conf = conf.display().to_string();
    let mut all = vec!["--backend", "alpm", "--config", conf.as_str()];
    all.extend_from_slice(args);
    common::omg(&all, &[])
}

pub use crate::common::pacman;

/// The large root (see the module's documentation), built on first use.
pub fn large() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let plan = Plan::from_host();
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("parity-alpm-large");
        plan.write(&dir)
    })
}

/// One Debian package as read from the lists.
struct Debian {
    name: String,
    version: String,
    description: String,
    section: String,
    provides: Vec<String>,
    depends: Vec<String>,
}

/// What [`large`] writes, computed from the host's lists.
struct Plan {
    repos: Vec<(String, Vec<FixturePackage>)>,
    installed: Vec<FixturePackage>,
}

impl Plan {
    fn from_host() -> Plan {
        let all = host_packages();
        assert!(
            all.len() >= MIN_PACKAGES,
            "the host's apt lists hold {} packages, fewer than the {MIN_PACKAGES} the parity \
             suite needs: run apt-get update",
            all.len()
        );
        let every = (all.len() / 20_000).max(1);
        let sampled: Vec<&Debian> = all.iter().step_by(every).collect();
        let names: BTreeSet<&str> = sampled.iter().map(|d| d.name.as_str()).collect();
        let (mut core, mut extra, mut chaotic) = (Vec::new(), Vec::new(), Vec::new());
        let mut by_name = BTreeMap::new();
        for (i, d) in sampled.iter().enumerate() {
            let mut p = FixturePackage::new(&d.name, arch_version(&d.version))
                .desc(&d.description)
                .provides(d.provides.iter().map(|p| arch_relation(p)))
                .depends(
                    d.depends
                        .iter()
                        .filter(|n| names.contains(n.as_str()) && **n != d.name)
                        .cloned(),
                )
                .sizes(1024 * (i as u64 % 900 + 100), 4096 * (i as u64 % 900 + 100));
            if i % 4 == 0 && !d.section.is_empty() {
                p.groups = vec![d.section.rsplit('/').next().unwrap_or("").to_string()];
            }
            by_name.insert(d.name.clone(), p.clone());
            if i % 5 == 0 {
                if i % 200 == 0 {
                    let newer = p.version.trim_end_matches("-1").to_string() + "-2";
                    chaotic.push(p.with_version(newer));
                }
                core.push(p);
            } else {
                extra.push(p);
            }
        }
        let mut installed: BTreeMap<String, FixturePackage> = BTreeMap::new();
        for (i, d) in sampled.iter().enumerate().filter(|(i, _)| i % 50 == 0) {
            let p = &by_name[&d.name];
            let mine = if i % 150 == 0 {
                p.with_version(p.version.trim_end_matches("-1").to_string() + "-0")
            } else {
                p.clone()
            };
            for dep in &p.depends {
                if !installed.contains_key(dep) {
                    installed.insert(dep.clone(), by_name[dep].clone().as_dependency());
                }
            }
            installed.insert(d.name.clone(), mine);
        }
        for n in 1..=3 {
            let name = format!("omg-parity-local-{n}");
            installed.insert(
                name.clone(),
                FixturePackage::new(name, "1.0-1").desc("Built locally, in no repository"),
            );
        }
        Plan {
            repos: vec![
                ("core".into(), core),
                ("extra".into(), extra),
                ("chaotic".into(), chaotic),
            ],
            installed: installed.into_values().collect(),
        }
    }

    /// A stamp of everything written, to tell whether a root on disk is this one.
    fn stamp(&self) -> String {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for (repo, pkgs) in &self.repos {
            repo.hash(&mut h);
            for p in pkgs {
                format!("{p:?}").hash(&mut h);
            }
        }
        for p in &self.installed {
            format!("{p:?}").hash(&mut h);
        }
        format!("{:016x}\n", h.finish())
    }

    /// Writes the root into `dir` unless it is already there (same stamp); other processes
    /// wait on the lock meanwhile.
    fn write(self, dir: &Path) -> World {
        fs::create_dir_all(dir.parent().expect("a parent")).expect("target tmp dir");
        let lock = fs::File::create(dir.with_extension("lock")).expect("lock file");
        // SAFETY: flock on a file descriptor this function owns for the call's duration.
        let locked = unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX) };
        assert_eq!(locked, 0, "lock the parity root");
        let stamp_file = dir.join("stamp");
        let stamp = self.stamp();
        let root = if fs::read_to_string(&stamp_file).ok().as_deref() == Some(stamp.as_str()) {
            FixtureRoot::reopen(dir, self.repos.iter().map(|(repo, _)| repo.clone()))
        } else {
            let _ = fs::remove_dir_all(dir);
            let mut root = FixtureRoot::create(dir).expect("fixture root");
            for (repo, pkgs) in &self.repos {
                root.add_sync_db(repo, pkgs).expect("sync database");
            }
            root.install_local(&self.installed).expect("local database");
            fs::write(&stamp_file, &stamp).expect("stamp");
            root
        };
        // Closing the file releases the lock.
        drop(lock);
        World {
            conf: root.config_path(),
            root,
            repos: self.repos,
            installed: self.installed,
        }
    }
}

/// Every package of the host's apt lists once (the first stanza of each name), in the
/// lists' order.
fn host_packages() -> Vec<Debian> {
    let mut files: Vec<PathBuf> = fs::read_dir("/var/lib/apt/lists")
        .expect("/var/lib/apt/lists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.contains("_Packages"))
        })
        .collect();
    files.sort();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for file in files {
        let text = Command::new("/usr/lib/apt/apt-helper")
            .arg("cat-file")
            .arg(&file)
            .output()
            .expect("apt-helper cat-file");
        let text = String::from_utf8_lossy(&text.stdout);
        for stanza in text.split("\n\n") {
            if let Some(d) = parse_stanza(stanza) {
                if seen.insert(d.name.clone()) {
                    out.push(d);
                }
            }
        }
    }
    out
}

fn parse_stanza(stanza: &str) -> Option<Debian> {
    let field = |key: &str| {
        stanza
            .lines()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix(": "))
            .map(str::trim)
    };
    let name = field("Package")?;
    // Arch names: lower case letters, digits and @._+-, not starting with - or .
    if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"@._+-".contains(&b))
    {
        return None;
    }
    let relations = |key: &str| -> Vec<String> {
        field(key)
            .map(|v| {
                v.split(',')
                    .filter_map(|alt| alt.split('|').next())
                    .map(|r| r.trim().to_string())
                    .filter(|r| !r.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    };
    Some(Debian {
        name: name.to_string(),
        version: field("Version")?.to_string(),
        description: field("Description").unwrap_or_default().to_string(),
        section: field("Section").unwrap_or_default().to_string(),
        provides: relations("Provides"),
        depends: relations("Depends")
            .into_iter()
            .map(|r| relation_name(&r).to_string())
            .collect(),
    })
}

/// `name` of `name (>= 1.0)` or `name:any`.
fn relation_name(relation: &str) -> &str {
    let name = relation.split([' ', '(']).next().unwrap_or(relation);
    name.split(':').next().unwrap_or(name)
}

/// A Debian `Provides` item in pacman's syntax: `name (= 1.0-2)` -> `name=1.0.2-1`.
fn arch_relation(relation: &str) -> String {
    let name = relation_name(relation);
    match relation
        .split_once("(=")
        .and_then(|(_, v)| v.trim().strip_suffix(')'))
    {
        Some(version) => format!("{name}={}", arch_version(version.trim())),
        None => name.to_string(),
    }
}

/// An Arch `[epoch:]pkgver-pkgrel` from a Debian version: the pkgver may hold no `-` (nor
/// `~` or `:`, which makepkg refuses), and the pkgrel is `1`.
pub fn arch_version(debian: &str) -> String {
    let (epoch, rest) = match debian.split_once(':') {
        Some((e, r)) => (format!("{e}:"), r),
        None => (String::new(), debian),
    };
    format!(
        "{epoch}{}-1",
        rest.replace(['-', ':'], ".").replace('~', "_")
    )
}

/// The generated root is what pacman reads: every sync package (`pacman -Sl`) and every
/// installed one (`pacman -Q`), at the versions written.
#[test]
fn pacman_reads_the_large_root_as_written() {
    let world = large();
    let Some(sl) = world.pacman(&["-Sl"]) else {
        return;
    };
    let listed: BTreeSet<(String, String, String)> = sl
        .stdout
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f[0].to_string(), f[1].to_string(), f[2].to_string())
        })
        .collect();
    let written: BTreeSet<(String, String, String)> = world
        .sync_packages()
        .map(|(repo, p)| (repo.to_string(), p.name.clone(), p.version.clone()))
        .collect();
    assert!(written.len() >= MIN_PACKAGES, "{}", written.len());
    assert_eq!(listed, written);
    let q = world.pacman(&["-Q"]).expect("pacman");
    let installed: BTreeSet<&str> = q.stdout.lines().collect();
    let expected: Vec<String> = world
        .installed
        .iter()
        .map(|p| format!("{} {}", p.name, p.version))
        .collect();
    assert_eq!(
        installed,
        expected.iter().map(String::as_str).collect::<BTreeSet<_>>()
    );
}
