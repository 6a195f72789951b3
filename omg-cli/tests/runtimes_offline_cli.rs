//! The runtimes' remote indexes cached: `lts`, `latest` and ranges resolve when the network
//! is down (with a warning) and with `[runtimes] offline` (cached copies only, nothing
//! downloaded), as mise does with its cached remote versions (`mise ls-remote` offline
//! answers from its cache; `MISE_OFFLINE` refuses downloads).

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;
mod runtimes_world;

use omg_ports::ArchiveFormat;
use omg_testkit::runtimes::{NodeDist, Tamper, TestServer};
use runtimes_world::World;

fn index_requests(server: &TestServer) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.path == "/node/index.json")
        .count()
}

#[test]
fn lts_resolves_from_the_cached_index_when_the_network_is_down_or_omg_is_offline() {
    let server = TestServer::start();
    let mut dist = NodeDist::new(&server, "/node", ArchiveFormat::TarGz);
    dist.release("21.6.1", None, Tamper::None)
        .release("20.11.1", Some("Iron"), Tamper::None);
    let w = World::new(&[("node", dist.mirror())]);

    // Online: the index is asked once, then used from the cache for an hour.
    w.omg("proj", &["runtimes", "install", "node", "lts"])
        .expect_code(0);
    assert_eq!(w.entries("node"), vec!["20.11.1"]);
    assert_eq!(index_requests(&server), 1);
    let listed = w.omg("proj", &["runtimes", "list", "--remote", "node"]);
    listed.expect_code(0);
    assert!(listed.stdout.contains("21.6.1"), "{}", listed.stdout);
    assert_eq!(
        index_requests(&server),
        1,
        "a fresh copy is used without asking"
    );

    // Offline ([runtimes] offline as OMG_RUNTIMES_OFFLINE): the cache answers, whatever its
    // age, and `lts` selects the installed 20.11.1.
    let offline = [
        ("OMG_RUNTIMES_OFFLINE", "true"),
        ("OMG_RUNTIMES_INDEX_MAX_AGE_SECS", "0"),
    ];
    let used = w.omg_env("proj", &["use", "node", "lts"], &offline);
    used.expect_code(0);
    assert_eq!(
        std::fs::read_to_string(w.path("proj/.nvmrc"))
            .unwrap()
            .trim(),
        "lts"
    );
    assert_eq!(index_requests(&server), 1, "offline asks nothing");
    // A version that is not installed is not downloaded offline: the error says why.
    let refused = w.omg_env("proj", &["runtimes", "install", "node", "21"], &offline);
    assert_ne!(refused.code, Some(0));
    assert!(refused.stderr.contains("offline"), "{}", refused.stderr);
    assert_eq!(w.entries("node"), vec!["20.11.1"]);

    // The network down (the server gone) and the copy stale: the copy is used, with a
    // warning that says so.
    drop(dist);
    drop(server);
    let stale = [("OMG_RUNTIMES_INDEX_MAX_AGE_SECS", "0")];
    let listed = w.omg_env("proj", &["runtimes", "list", "--remote", "node"], &stale);
    listed.expect_code(0);
    assert!(listed.stdout.contains("20.11.1"), "{}", listed.stdout);
    assert!(
        listed.stderr.contains("omg: warning:") && listed.stderr.contains("using the copy cached"),
        "{}",
        listed.stderr
    );

    // Offline with nothing cached (another user's cache): an error naming the way out.
    let fresh = World::new(&[("node", "http://127.0.0.1:9/node".to_string())]);
    let none = fresh.omg_env("proj", &["runtimes", "list", "--remote", "node"], &offline);
    assert_ne!(none.code, Some(0));
    assert!(none.stderr.contains("no cached copy"), "{}", none.stderr);
}

#[test]
fn without_a_cached_index_moving_targets_resolve_among_the_installed_versions() {
    let server = TestServer::start();
    let mut dist = NodeDist::new(&server, "/node", ArchiveFormat::TarGz);
    dist.release("21.6.1", None, Tamper::None)
        .release("20.11.1", Some("Iron"), Tamper::None)
        .release("18.19.0", Some("Hydrogen"), Tamper::None);
    let w = World::new(&[("node", dist.mirror())]);
    for v in ["18", "20", "21"] {
        w.omg("proj", &["runtimes", "install", "node", v])
            .expect_code(0);
    }
    // No cached index (another day's cache cleaned): only the installed versions remain.
    std::fs::remove_dir_all(w.path("cache/omg/runtimes/index")).unwrap();

    // `--offline`, the flag (mise's `MISE_OFFLINE`, as `[runtimes] offline`): `lts` is the
    // newest installed release its record marks LTS (20.11.1, not 21.6.1), and nothing is
    // asked.
    let asked = server.requests().len();
    let used = w.omg("proj", &["--offline", "use", "node", "lts"]);
    used.expect_code(0);
    assert!(
        used.stderr.contains("omg: warning:")
            && used
                .stderr
                .contains("using node 20.11.1, the newest installed version"),
        "{}",
        used.stderr
    );
    assert_eq!(
        std::fs::read_to_string(w.path("proj/.nvmrc"))
            .unwrap()
            .trim(),
        "lts"
    );
    assert_eq!(server.requests().len(), asked, "--offline asks nothing");
    // After the subcommand too, as every global flag.
    let which = w.omg(
        "proj",
        &["exec", "node@lts", "--offline", "--", "node", "--version"],
    );
    which.expect_code(0);
    assert!(which.stdout.contains("20.11.1"), "{}", which.stdout);

    // The network down without the flag: the same fallback, the download error in the
    // warning; `latest` is the newest installed (21.6.1).
    drop(dist);
    drop(server);
    let latest = w.omg("elsewhere", &["use", "node", "latest"]);
    latest.expect_code(0);
    assert!(
        latest.stderr.contains("using node 21.6.1"),
        "{}",
        latest.stderr
    );
    // A version that is neither installed nor listed anywhere stays an error.
    let missing = w.omg("elsewhere", &["use", "node", "22"]);
    assert_ne!(missing.code, Some(0));
}
