//! The world of the AUR install tests: the test AUR on 127.0.0.1 ([`AurFixture`]), a
//! throw-away pacman root whose `core` repository holds the packages the catalogue needs,
//! the build user, and `omg` pointed at all three with its own cache and history.

// Tests may unwrap; every test root that declares `mod common` compiles this.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use omg_testkit::alpm::FixtureRoot;
use omg_testkit::aur::{build_user, git, AurFixture, BuildUser};

use super::{omg, Run};

/// The test AUR, a pacman root and the build user, in one temporary directory.
pub struct World {
    /// Holds the AUR, the root, omg's cache and its history.
    pub dir: tempfile::TempDir,
    /// The test AUR and its server.
    pub aur: AurFixture,
    /// The pacman root (`core` holds [`AurFixture::repo_packages`]).
    pub root: FixtureRoot,
    /// Who makepkg runs as (`SUDO_USER`).
    pub user: BuildUser,
}

impl World {
    /// `None` (a skip, a failure under CI) without the build user.
    pub fn new() -> Option<World> {
        let user = build_user()?;
        let dir = tempfile::tempdir().unwrap();
        // The build user must reach the cache below it.
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let aur = AurFixture::create(&dir.path().join("aur"));
        let mut root = FixtureRoot::create(&dir.path().join("root")).unwrap();
        root.publish("core", &AurFixture::repo_packages()).unwrap();
        root.install_local(&[]).unwrap();
        Some(World {
            dir,
            aur,
            root,
            user,
        })
    }

    /// omg's `XDG_CACHE_HOME`.
    pub fn cache(&self) -> PathBuf {
        self.dir.path().join("cache")
    }

    /// `omg --backend alpm --config <root's pacman.conf> args...` with the AUR enabled at the
    /// test server, no daemon, its own history and cache, building as the build user.
    pub fn omg(&self, args: &[&str]) -> Run {
        self.omg_with(args, &[])
    }

    /// [`World::omg`] with `extra` variables besides.
    pub fn omg_with(&self, args: &[&str], extra: &[(&str, &str)]) -> Run {
        let (argv, env) = self.invocation(args);
        let mut env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        env.extend_from_slice(extra);
        omg(&argv, &env)
    }

    /// The command [`World::omg`] runs, not started yet (for a test that signals it).
    pub fn command(&self, args: &[&str]) -> Command {
        let (argv, env) = self.invocation(args);
        let mut cmd = Command::new(super::omg_bin());
        super::isolate(&mut cmd)
            .args(&argv)
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())));
        cmd
    }

    /// The variables of [`World::omg`] for an omgd beside it (the same AUR, dump, cache and
    /// state; no `OMG_SOCKET`).
    pub fn daemon_env(&self) -> Vec<(&'static str, String)> {
        let mut env = self.invocation(&[]).1;
        env.retain(|(k, _)| *k != "OMG_SOCKET");
        env.push((
            "OMG_AUR_DUMP_URL",
            self.aur.server().url("/packages-meta-ext-v1.json.gz"),
        ));
        env
    }

    /// The arguments and variables of [`World::omg`].
    fn invocation(&self, args: &[&str]) -> (Vec<String>, Vec<(&'static str, String)>) {
        let conf = self.root.config_path();
        let mut argv: Vec<String> = vec![
            "--backend".into(),
            "alpm".into(),
            "--config".into(),
            conf.to_str().unwrap().into(),
        ];
        argv.extend(args.iter().map(|a| a.to_string()));
        let path = |p: PathBuf| p.to_str().unwrap().to_string();
        let env = vec![
            ("OMG_AUR_ENABLED", "true".to_string()),
            ("OMG_AUR_RPC_URL", self.aur.server().url("/rpc")),
            // No news feed there: `omg update` warns and goes on.
            ("OMG_AUR_NEWS_URL", self.aur.server().url("/feeds/news/")),
            ("XDG_STATE_HOME", path(self.dir.path().join("state"))),
            ("OMG_AUR_URL", self.aur.base_url().to_string()),
            ("OMG_SOCKET", "/nonexistent/omgd.sock".to_string()),
            (
                "OMG_HISTORY_FILE",
                path(self.dir.path().join("history.redb")),
            ),
            ("XDG_CACHE_HOME", path(self.cache())),
            ("SUDO_USER", self.user.name.clone()),
        ];
        (argv, env)
    }

    /// `pacman -Q<flags>q` on the root: the names, sorted.
    pub fn pacman_q(&self, flags: &str) -> Vec<String> {
        let out = Command::new("pacman")
            .arg("--config")
            .arg(self.root.config_path())
            .arg(format!("-Q{flags}q"))
            .output()
            .expect("pacman");
        let mut names: Vec<String> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect();
        names.sort();
        names
    }

    /// `pacman --config <root's pacman.conf> args...`.
    pub fn pacman(&self, args: &[&str]) -> std::process::Output {
        Command::new("pacman")
            .arg("--config")
            .arg(self.root.config_path())
            .args(args)
            .env("LC_ALL", "C")
            .output()
            .expect("pacman")
    }

    /// The version `pacman -Q <name>` shows; `None` when it is not installed.
    pub fn installed_version(&self, name: &str) -> Option<String> {
        let out = self.pacman(&["-Q", name]);
        if !out.status.success() {
            return None;
        }
        let text = String::from_utf8(out.stdout).unwrap();
        let line = text.lines().next()?;
        let (n, version) = line.split_once(' ')?;
        assert_eq!(n, name, "pacman -Q {name}: {text}");
        Some(version.to_string())
    }

    /// The value of `field` in `pacman -Qi <name>` (`Install Reason`, `Version`...).
    pub fn pacman_qi(&self, name: &str, field: &str) -> String {
        let out = self.pacman(&["-Qi", name]);
        assert!(out.status.success(), "pacman -Qi {name}: {out:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        text.lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                (k.trim() == field).then(|| v.trim().to_string())
            })
            .unwrap_or_else(|| panic!("no {field} in pacman -Qi {name}:\n{text}"))
    }

    /// omg's clone of `base`.
    pub fn clone_dir(&self, base: &str) -> PathBuf {
        self.cache().join("omg").join("aur").join(base)
    }
}

/// The commit `AUR_SEEN` names in `clone` (panics when there is none).
pub fn seen(clone: &Path) -> String {
    git(clone, &["rev-parse", "AUR_SEEN"]).trim().to_string()
}

/// Whether `clone` (a git repository: panics otherwise) has an `AUR_SEEN` ref.
pub fn has_seen(clone: &Path) -> bool {
    git(clone, &["rev-parse", "--git-dir"]);
    Command::new("git")
        .arg("-C")
        .arg(clone)
        .args([
            "-c",
            "safe.directory=*",
            "rev-parse",
            "--verify",
            "--quiet",
            "AUR_SEEN",
        ])
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("git")
        .status
        .success()
}

/// Every line of a `--json` run's stdout, each of which must be a JSON value.
pub fn json_lines(run: &Run) -> Vec<serde_json::Value> {
    run.stdout
        .lines()
        .map(|l| {
            serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}\n{}", run.stdout))
        })
        .collect()
}

/// The `review` events of a `--json` run (other lines may be anything).
pub fn review_events(run: &Run) -> Vec<serde_json::Value> {
    run.stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|e| e["event"] == "review")
        .collect()
}

/// The warnings of a `review` event with the code `code`.
pub fn warnings_coded<'a>(review: &'a serde_json::Value, code: &str) -> Vec<&'a serde_json::Value> {
    review["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["code"] == code)
        .collect()
}
