//! `omg search` and `omg info` with the AUR, against the test AUR on 127.0.0.1 (aurweb's
//! RPC v5 and metadata dump) and a pacman root: what omg prints is compared with what the
//! RPC itself answers, in direct mode and through omgd (from the dump), byte for byte.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::daemon::start_with;
use common::{omg, omgd_bin, Run};
use omg_testkit::alpm::{FixturePackage, FixtureRoot};
use omg_testkit::aur::{http_get, AurFixture, REPO_DEP};
use serde_json::Value;

struct World {
    dir: tempfile::TempDir,
    aur: AurFixture,
    conf: PathBuf,
}

impl World {
    fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let aur = AurFixture::create(&dir.path().join("aur"));
        let conf = AurFixture::pacman_root(&dir.path().join("root")).config_path();
        World { dir, aur, conf }
    }

    fn env(&self) -> Vec<(String, String)> {
        vec![
            ("OMG_AUR_ENABLED".into(), "true".into()),
            ("OMG_AUR_RPC_URL".into(), self.aur.server().url("/rpc")),
            (
                "OMG_AUR_DUMP_URL".into(),
                self.aur.server().url("/packages-meta-ext-v1.json.gz"),
            ),
            ("OMG_AUR_URL".into(), self.aur.base_url().to_string()),
            ("OMG_SOCKET".into(), "/nonexistent/omgd.sock".into()),
        ]
    }

    /// `omg --backend alpm --config <root> args...` in direct mode (or through the omgd
    /// `socket`).
    fn omg_via(&self, socket: Option<&Path>, args: &[&str]) -> Run {
        let mut argv = vec!["--backend", "alpm", "--config", self.conf.to_str().unwrap()];
        argv.extend(args);
        let mut env = self.env();
        if let Some(s) = socket {
            env.retain(|(k, _)| k != "OMG_SOCKET");
            env.push(("OMG_SOCKET".into(), s.to_str().unwrap().into()));
        }
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        omg(&argv, &env)
    }

    fn omg(&self, args: &[&str]) -> Run {
        self.omg_via(None, args)
    }

    /// omgd for this world's root and AUR, its state in `dir`, with `extra` variables.
    fn omgd_only(&self, omgd: &Path, dir: &Path, extra: &[(&str, &str)]) -> common::daemon::Daemon {
        let env = self.env();
        let env: Vec<(&str, &str)> = env
            .iter()
            .filter(|(k, _)| k != "OMG_SOCKET")
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .chain(extra.iter().copied())
            .collect();
        start_with(
            omgd,
            &["--backend", "alpm", "--config", self.conf.to_str().unwrap()],
            dir,
            &env,
        )
    }

    /// omgd for this world's root and AUR, its state in `dir`, once it has read the dump.
    fn start_omgd(&self, omgd: &Path, dir: &Path) -> common::daemon::Daemon {
        let daemon = self.omgd_only(omgd, dir, &[]);
        // The dump is fetched in the background once omgd is up.
        let deadline = Instant::now() + Duration::from_secs(30);
        while !self
            .aur
            .server()
            .hits()
            .iter()
            .any(|h| h.url.starts_with("/packages-meta-ext") && h.status == 200)
        {
            assert!(Instant::now() < deadline, "omgd did not fetch the dump");
            std::thread::sleep(Duration::from_millis(50));
        }
        std::thread::sleep(Duration::from_millis(300));
        daemon
    }

    /// What the RPC answers to `query` (the oracle).
    fn rpc(&self, query: &str) -> Value {
        let answer = http_get(&self.aur.server().url(&format!("/rpc/v5/{query}")));
        assert_eq!(answer.status, 200);
        answer.json()
    }

    fn rpc_searches(&self) -> usize {
        self.aur
            .server()
            .hits()
            .iter()
            .filter(|h| h.url.starts_with("/rpc"))
            .count()
    }
}

fn json(run: &Run) -> Value {
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

/// The names of the AUR hits of an `omg search --json`.
fn aur_hits(v: &Value) -> Vec<String> {
    let mut names: Vec<String> = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["package"]["repository"] == "aur")
        .map(|h| h["package"]["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

fn rpc_names(v: &Value) -> Vec<String> {
    let mut names: Vec<String> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["Name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

#[test]
fn aur_search_finds_what_the_rpc_finds_with_its_fields() {
    let w = World::new();
    for word in ["aur", "split", "AUR-PROV", "chain"] {
        let ours = json(&w.omg(&["--json", "search", "--aur", word]));
        let theirs = w.rpc(&format!("search?arg={word}&by=name-desc"));
        assert_eq!(aur_hits(&ours), rpc_names(&theirs), "query {word}");
        assert!(!aur_hits(&ours).is_empty(), "query {word}");
        for hit in ours["hits"].as_array().unwrap() {
            let name = hit["package"]["name"].as_str().unwrap();
            let record = theirs["results"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["Name"] == name)
                .unwrap();
            assert_eq!(hit["package"]["version"], record["Version"]);
            assert_eq!(hit["aur"]["votes"], record["NumVotes"]);
            assert_eq!(hit["aur"]["maintainer"], record["Maintainer"]);
            assert_eq!(hit["aur"]["package_base"], record["PackageBase"]);
            assert_eq!(
                hit["aur"]["popularity"].as_f64(),
                record["Popularity"].as_f64()
            );
        }
    }
}

#[test]
fn repositories_and_the_aur_rank_together_and_lines_carry_the_aur_tags() {
    let w = World::new();
    w.aur.server().update("aur-lib", |r| {
        r.num_votes = 42;
        r.popularity = 1.5;
        r.out_of_date = Some(1_760_000_000);
    });
    // `repo-dep` is in the root's core database; the AUR has `aur-lib` which depends on it.
    let run = w.omg(&["search", "dep"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let first = run.stdout.lines().next().unwrap();
    assert_eq!(first, format!("core/{REPO_DEP} 1.0-1"));
    let lib = w.omg(&["search", "aur-lib"]);
    let line = lib.stdout.lines().next().unwrap();
    assert_eq!(
        line, "aur/aur-lib 1.2.3-1 [+42 ~1.50] [out of date: 2025-10-09]",
        "{}",
        lib.stdout
    );
    // An orphan says so.
    let two = w.omg(&["search", "aur-prov-two"]);
    assert!(
        two.stdout.lines().next().unwrap().ends_with("[orphaned]"),
        "{}",
        two.stdout
    );
    // --repo asks the AUR nothing.
    w.aur.server().clear_hits();
    let repo = w.omg(&["search", "--repo", "dep"]);
    assert_eq!(repo.stdout.lines().count(), 2, "{}", repo.stdout);
    assert_eq!(w.rpc_searches(), 0);
}

#[test]
fn a_rate_limited_aur_is_a_warning_beside_the_repositories_and_an_error_alone() {
    let w = World::new();
    w.aur.server().set_rate_limited(true);
    let run = w.omg(&["search", "dep"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.starts_with("core/repo-dep"), "{}", run.stdout);
    assert!(
        run.stderr.contains("the AUR was not searched"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("429"), "{}", run.stderr);
    let alone = w.omg(&["search", "--aur", "dep"]);
    assert_ne!(alone.code, Some(0));
    assert!(alone.stdout.is_empty(), "{}", alone.stdout);
    assert!(alone.stderr.contains("429"), "{}", alone.stderr);
}

#[test]
fn info_shows_the_aurs_record_beside_the_repositories() {
    let w = World::new();
    let run = w.omg(&["info", REPO_DEP, "aur-app", "no-such-package"]);
    assert_ne!(run.code, Some(0));
    assert!(
        run.stdout.contains("Repository        : core"),
        "{}",
        run.stdout
    );
    let theirs = w.rpc("info?arg[]=aur-app");
    let record = &theirs["results"][0];
    let field = |key: &str| {
        run.stdout
            .lines()
            .skip_while(|l| !l.starts_with("Repository        : aur"))
            .find_map(|l| l.strip_prefix(&format!("{key:<17} : ")))
            .unwrap_or_else(|| panic!("no {key} in {}", run.stdout))
            .to_string()
    };
    assert_eq!(field("Version"), record["Version"].as_str().unwrap());
    assert_eq!(field("Votes"), record["NumVotes"].to_string());
    assert_eq!(
        field("Package Base"),
        record["PackageBase"].as_str().unwrap()
    );
    let depends: Vec<&str> = record["Depends"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert_eq!(field("Depends On"), depends.join("  "));
    assert_eq!(
        field("AUR URL"),
        format!("{}/packages/aur-app", w.aur.base_url())
    );
    assert!(run.stderr.contains("no-such-package"), "{}", run.stderr);
    // JSON: a Package with the `aur` object.
    let v = json(&w.omg(&["--json", "info", "aur-app"]));
    assert_eq!(v[0]["repository"], "aur");
    assert_eq!(v[0]["aur"]["votes"], record["NumVotes"]);
    assert_eq!(v[0]["relations"]["depends"][0], record["Depends"][0]);
}

#[test]
fn the_aur_on_apt_is_an_error_naming_arch() {
    let run = omg(
        &["--backend", "apt", "search", "--aur", "vim"],
        &[("OMG_AUR_ENABLED", "true")],
    );
    assert_ne!(run.code, Some(0));
    assert!(run.stderr.contains("Arch"), "{}", run.stderr);
}

/// omgd serves the AUR from the dump: the same bytes as direct mode's RPC answers, and no
/// RPC request.
#[test]
fn omgd_answers_aur_searches_from_the_dump_as_direct_mode_does() {
    let Some(omgd) = omgd_bin() else { return };
    let w = World::new();
    let dir = tempfile::tempdir().unwrap();
    let daemon = w.start_omgd(&omgd, dir.path());
    let socket = Some(daemon.socket.as_path());
    for args in [
        &["search", "aur"][..],
        &["search", "dep"],
        &["search", "--aur", "split"],
        &["search", "aur", "chain"],
        &["search", "--limit", "3", "aur"],
        &["--json", "search", "aur-lib"],
        &["-q", "search", "prov"],
        &["search", "nothing-matches-this"],
    ] {
        w.aur.server().clear_hits();
        let daemon_run = w.omg_via(socket, args);
        assert_eq!(
            w.rpc_searches(),
            0,
            "omgd answered {args:?} without the RPC"
        );
        let direct = w.omg(args);
        assert_eq!(daemon_run.stdout, direct.stdout, "{args:?}");
        assert_eq!(daemon_run.stderr, direct.stderr, "{args:?}");
        assert_eq!(daemon_run.code, direct.code, "{args:?}");
    }
    // Asked again, the answers come from omgd's answer cache, unchanged.
    let cache_hits = || {
        json(&w.omg_via(socket, &["--json", "daemon", "status"]))["cache_hits"]
            .as_u64()
            .unwrap()
    };
    let before = cache_hits();
    let again = w.omg_via(socket, &["search", "aur"]);
    let direct = w.omg(&["search", "aur"]);
    assert_eq!(again.stdout, direct.stdout);
    let after = cache_hits();
    assert!(after > before, "no cache hit: {before} -> {after}");
}

/// `omg info` through omgd: the records of the repositories and of the dump (its full
/// records, kept in omgd's state file), the same bytes as direct mode's RPC answers, and
/// no RPC request; a name found nowhere is left to direct mode, as is everything when omgd
/// restarts from its state file.
#[test]
fn omgd_answers_aur_info_from_the_dump_as_direct_mode_does() {
    let Some(omgd) = omgd_bin() else { return };
    let w = World::new();
    // An AUR package installed (only the local database has it): the AUR's record with
    // its installed state.
    FixtureRoot::reopen(&w.dir.path().join("root"), ["core"])
        .install_local(&[FixturePackage::new("aur-base", "0.9-1")])
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let infos = || {
        w.aur
            .server()
            .hits()
            .iter()
            .filter(|h| h.url.starts_with("/rpc"))
            .count()
    };
    let cases: [&[&str]; 7] = [
        &["info", "aur-app"],
        &["info", REPO_DEP, "aur-app", "aur-split-b"],
        &["info", "aur-base"],
        &["--json", "info", "aur-lib", REPO_DEP],
        &["info", "--aur", "aur-prov-two"],
        &["info", "--repo", REPO_DEP],
        &["-q", "info", "aur-split-a"],
    ];
    {
        let daemon = w.start_omgd(&omgd, dir.path());
        let socket = Some(daemon.socket.as_path());
        for args in cases {
            w.aur.server().clear_hits();
            let daemon_run = w.omg_via(socket, args);
            assert_eq!(infos(), 0, "omgd answered {args:?} without the RPC");
            let direct = w.omg(args);
            assert!(infos() > 0 || args.contains(&"--repo"), "{args:?}");
            assert_eq!(daemon_run.code, Some(0), "{args:?}: {}", daemon_run.stderr);
            assert_eq!(daemon_run.stdout, direct.stdout, "{args:?}");
            assert_eq!(daemon_run.stderr, direct.stderr, "{args:?}");
        }
        let installed = w.omg_via(socket, &["info", "aur-base"]);
        assert!(
            installed.stdout.contains("Repository        : aur"),
            "{}",
            installed.stdout
        );
        assert!(
            installed.stdout.contains("Installed"),
            "{}",
            installed.stdout
        );
        // A name found nowhere: direct mode's answer, errors and all.
        for args in [
            &["info", "no-such-package"][..],
            &["info", "aur-app", "nope"],
        ] {
            let daemon_run = w.omg_via(socket, args);
            let direct = w.omg(args);
            assert_ne!(direct.code, Some(0));
            assert_eq!(daemon_run.stdout, direct.stdout, "{args:?}");
            assert_eq!(daemon_run.stderr, direct.stderr, "{args:?}");
            assert_eq!(daemon_run.code, direct.code, "{args:?}");
        }
    }
    // Restarted, with the dump no longer served: the records come from the state file.
    w.aur.server().clear_hits();
    let daemon = w.omgd_only(&omgd, dir.path(), &[("OMG_AUR_REFRESH_SECS", "0")]);
    // omgd reads its state file's AUR metadata once it serves: until then it leaves the
    // AUR to direct mode.
    let socket = Some(daemon.socket.as_path());
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        w.aur.server().clear_hits();
        w.omg_via(socket, &["search", "--aur", "aur-app"]);
        if infos() == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "omgd did not load its AUR metadata"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(w.aur.server().hits().is_empty(), "the dump was fetched");
    let run = w.omg_via(socket, &["info", "aur-app"]);
    assert_eq!(infos(), 0, "{}", run.stderr);
    assert_eq!(run.stdout, w.omg(&["info", "aur-app"]).stdout);
}
