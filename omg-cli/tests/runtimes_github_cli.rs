//! GitHub's API through the real `omg` binary: the token (`GITHUB_TOKEN`, `[runtimes]
//! github_token`) goes to `[runtimes] github_api_url` and nowhere else, redirects and
//! downloads included; an exhausted rate limit says when it resets and what to do; old
//! versions several pages down GitHub's (and Adoptium's) paged lists install, while listing
//! reads one page unless `--all`; a server that never stops naming a next page is stopped.
//! Three servers stand for GitHub: its API, github.com (release downloads, redirected) and
//! the host the downloads are redirected to.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;
mod runtimes_world;

use omg_testkit::runtimes::{Adoptium, PythonBuilds, Reply, Tamper, TestServer};
use runtimes_world::World;

const TOKEN: &str = "ghp_TESTtoken0123456789abcdef";

/// GitHub's three hosts: the API, github.com forwarding downloads, and where they land.
struct GitHub {
    api: TestServer,
    github: TestServer,
    objects: TestServer,
}

impl GitHub {
    fn start() -> GitHub {
        let g = GitHub {
            api: TestServer::start(),
            github: TestServer::start(),
            objects: TestServer::start(),
        };
        g.github.forward_unknown_to(&g.objects.base);
        g
    }

    /// python-build-standalone: 3.13.0 newest, 44 releases with nothing for this platform,
    /// then 3.9.5 (the 46th release: page 3 of 20).
    fn python(&self) -> String {
        let mut py = PythonBuilds::new(&self.api, "/repos/astral-sh/python-build-standalone")
            .assets_at(&self.github.base, &self.objects);
        py.release("20241016", &["3.13.0"], Tamper::None);
        for i in 0..44 {
            py.foreign_release(
                &format!("2023{:02}{:02}", 12 - i / 28, 28 - i % 28),
                &["3.12.0"],
            );
        }
        py.release("20210101", &["3.9.5"], Tamper::None);
        py.mirror()
    }
}

/// The `Authorization` headers `server` received, one per request.
fn auth(server: &TestServer) -> Vec<Option<String>> {
    server
        .requests()
        .into_iter()
        .map(|s| s.authorization)
        .collect()
}

fn bearer(token: &str) -> Option<String> {
    Some(format!("Bearer {token}"))
}

#[test]
fn an_old_python_installs_from_page_three_and_the_token_goes_only_to_the_api() {
    let gh = GitHub::start();
    let w = World::new(&[("python", gh.python())]);
    let env = [
        ("GITHUB_TOKEN", TOKEN),
        ("OMG_RUNTIMES_GITHUB_API_URL", gh.api.base.as_str()),
    ];
    // The listing: the first page only.
    let list = w.omg_env("proj", &["runtimes", "list", "--remote", "python"], &env);
    assert_eq!(
        list.ok(),
        "3.13.0                                    2024-10-16\n"
    );
    assert_eq!(gh.api.requests().len(), 1);
    // pyenv's `3.9` is the newest 3.9.x: found on page 3, installed; every log line on
    // (reqwest's and hyper's too), none with the token.
    let traced = [env[0], env[1], ("OMG_LOG", "trace")];
    let install = w.omg_env("proj", &["runtimes", "install", "python", "3.9"], &traced);
    install.expect_code(0);
    assert!(install.stdout.contains("3.9.5"), "{}", install.stdout);
    assert!(
        install.stderr.contains("following a redirect") && install.stderr.contains("page=3"),
        "{}",
        install.stderr
    );
    let exec = w.omg_env("proj", &["exec", "python@3.9.5", "--", "python3"], &env);
    assert_eq!(exec.ok(), "Python 3.9.5\n");
    // Every page, the list included, carried the token; page 2 and 3 were read once (the
    // install's artifact found its release in the pages its resolution read).
    let api = gh.api.requests();
    let paths: Vec<&str> = api.iter().map(|s| s.path.as_str()).collect();
    assert_eq!(
        paths
            .iter()
            .filter(|p| p.starts_with("/repositories/"))
            .count(),
        2,
        "{paths:?}"
    );
    assert!(auth(&gh.api).iter().all(|a| *a == bearer(TOKEN)), "{api:?}");
    // The download went to github.com, was redirected to the objects host: neither got it.
    assert!(!gh.github.requests().is_empty() && !gh.objects.requests().is_empty());
    assert!(auth(&gh.github)
        .iter()
        .chain(&auth(&gh.objects))
        .all(Option::is_none));
    // Every version with --all: three pages.
    let all = w.omg_env(
        "proj",
        &["--json", "runtimes", "list", "--remote", "--all", "python"],
        &env,
    );
    let rows = all.json();
    let versions: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["version"].as_str().unwrap())
        .collect();
    assert_eq!(versions, ["3.13.0", "3.9.5"]);
    // The token is in no output, `omg config` included (which says where it came from).
    let config = w.omg_env("proj", &["config"], &env);
    config.expect_code(0);
    let line = config
        .stdout
        .lines()
        .find(|l| l.contains("runtimes.github_token"))
        .unwrap_or_else(|| panic!("{}", config.stdout));
    assert!(
        line.contains("(set, hidden)") && line.contains("$GITHUB_TOKEN"),
        "{line}"
    );
    for run in [&list, &install, &exec, &all, &config] {
        assert!(!run.stdout.contains(TOKEN) && !run.stderr.contains(TOKEN));
    }
}

/// gh's precedence (its manual: `GH_TOKEN`, `GITHUB_TOKEN` "take precedence over previously
/// stored credentials"), with omg's own variable over both as for every key.
#[test]
fn the_environment_token_wins_over_the_file() {
    let gh = GitHub::start();
    let w = World::new(&[("python", gh.python())]);
    std::fs::create_dir_all(w.path("config/omg")).unwrap();
    w.write(
        "config/omg/config.toml",
        &format!(
            "[runtimes]\ngithub_token = \"from-file\"\ngithub_api_url = \"{}\"\n",
            gh.api.base
        ),
    );
    let list = |env: &[(&str, &str)]| {
        // Asked each time (not from the index cache): each request shows its token.
        let mut env = env.to_vec();
        env.push(("OMG_RUNTIMES_INDEX_MAX_AGE_SECS", "0"));
        w.omg_env("proj", &["runtimes", "list", "--remote", "python"], &env)
            .expect_code(0);
        gh.api
            .requests()
            .last()
            .and_then(|s| s.authorization.clone())
    };
    assert_eq!(list(&[]), bearer("from-file"));
    assert_eq!(list(&[("GITHUB_TOKEN", "from-env")]), bearer("from-env"));
    assert_eq!(
        list(&[
            ("GITHUB_TOKEN", "from-env"),
            ("OMG_RUNTIMES_GITHUB_TOKEN", "from-omg")
        ]),
        bearer("from-omg")
    );
    // A blank variable is no token.
    assert_eq!(list(&[("GITHUB_TOKEN", " ")]), bearer("from-file"));
    // A token with a space inside is refused, naming where it came from, not showing it.
    let bad = w.omg_env(
        "proj",
        &["runtimes", "list", "--remote", "python"],
        &[("GITHUB_TOKEN", "ghp_one ghp_two")],
    );
    bad.expect_code(4);
    assert!(
        bad.stderr.contains("$GITHUB_TOKEN") && !bad.stderr.contains("ghp_one"),
        "{}",
        bad.stderr
    );
}

#[test]
fn the_token_goes_nowhere_but_the_configured_api() {
    let gh = GitHub::start();
    let w = World::new(&[("python", gh.python())]);
    // github_api_url is GitHub's by default: the stand-in on 127.0.0.1 is not it.
    w.omg_env(
        "proj",
        &["runtimes", "install", "python", "3.13.0"],
        &[("GITHUB_TOKEN", TOKEN)],
    )
    .expect_code(0);
    for server in [&gh.api, &gh.github, &gh.objects] {
        assert!(!server.requests().is_empty());
        assert!(auth(server).iter().all(Option::is_none));
    }
}

#[test]
fn an_exhausted_rate_limit_says_when_it_resets_and_what_to_do() {
    let api = TestServer::start();
    api.put_with(
        "/repos/astral-sh/python-build-standalone/releases?per_page=20",
        403,
        &[
            ("X-RateLimit-Limit", "60"),
            ("X-RateLimit-Remaining", "0"),
            ("X-RateLimit-Reset", "1735693384"),
            ("X-RateLimit-Resource", "core"),
        ],
        r#"{"message":"API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated requests get a higher rate limit.)","documentation_url":"https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"}"#,
    );
    let mirror = format!("{}/repos/astral-sh/python-build-standalone", api.base);
    let w = World::new(&[("python", mirror)]);
    let run = w.omg("proj", &["runtimes", "install", "python", "3.12"]);
    run.expect_code(8);
    for part in [
        "the rate limit of GitHub's API was reached",
        "it resets at 2025-01-01 01:03:04 UTC",
        "set GITHUB_TOKEN (or [runtimes] github_token in config.toml)",
    ] {
        assert!(run.stderr.contains(part), "{part}: {}", run.stderr);
    }
    // With a token sent, the advice is to wait.
    let env = [
        ("GITHUB_TOKEN", TOKEN),
        ("OMG_RUNTIMES_GITHUB_API_URL", api.base.as_str()),
    ];
    let run = w.omg_env(
        "proj",
        &["--json", "runtimes", "install", "python", "3.12"],
        &env,
    );
    run.expect_code(8);
    let error = &run.json()["error"];
    assert_eq!(error["kind"], "rate_limited");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("the token's hourly requests are used up"),
        "{message}"
    );
    assert!(!run.stdout.contains(TOKEN) && !run.stderr.contains(TOKEN));
}

#[test]
fn endless_pages_are_stopped_and_a_version_above_all_reads_one_page() {
    let api = TestServer::start();
    let base = api.base.clone();
    let page = move |k: u64| {
        let next = format!("{base}/repositories/5/releases?per_page=20&page={}", k + 1);
        let body = format!(
            r#"[{{"tag_name":"2024{k:04}","draft":false,"prerelease":false,"assets":[]}}]"#
        );
        Reply::ok(body).header("Link", &format!("<{next}>; rel=\"next\""))
    };
    let first = page.clone();
    api.handle("/repos/o/endless/releases", move |_| first(1));
    api.handle("/repositories/5/releases", move |path| {
        page(
            path.rsplit('=')
                .next()
                .and_then(|k| k.parse().ok())
                .unwrap_or(1),
        )
    });
    let w = World::new(&[("python", format!("{}/repos/o/endless", api.base))]);
    let run = w.omg("proj", &["runtimes", "install", "python", "3.9"]);
    run.expect_code(8);
    assert!(
        run.stderr
            .contains("still names a next page after 25 pages, the most omg reads"),
        "{}",
        run.stderr
    );
    assert_eq!(api.requests().len(), 25);
    let all = w.omg("proj", &["runtimes", "list", "--remote", "--all", "python"]);
    all.expect_code(8);
    // A version newer than the newest: no older page can have it, so one page is read.
    let gh = GitHub::start();
    let w = World::new(&[("python", gh.python())]);
    let run = w.omg("proj", &["runtimes", "install", "python", "3.99"]);
    run.expect_code(3);
    assert!(
        run.stderr.contains("python has no version matching '3.99'"),
        "{}",
        run.stderr
    );
    assert_eq!(gh.api.requests().len(), 1);
}

#[test]
fn an_old_java_build_installs_from_page_three() {
    let server = TestServer::start();
    let mut api = Adoptium::new(&server, "/java");
    api.release("21.0.5+11", true, Tamper::None);
    for i in 0..45 {
        api.foreign_build(&format!("21.0.4+{}", 100 - i), true);
    }
    api.release("21.0.1+12", true, Tamper::None);
    let w = World::new(&[("java", api.mirror())]);
    let list = w.omg("proj", &["runtimes", "list", "--remote", "java"]);
    assert!(!list.ok().contains("21.0.1+12"), "{}", list.stdout);
    w.omg("proj", &["runtimes", "install", "java", "21.0.1+12"])
        .expect_code(0);
    assert_eq!(w.entries("java"), ["21.0.1+12"]);
    let pages = server
        .requests()
        .iter()
        .filter(|s| s.path.contains("/feature_releases/21/"))
        .count();
    // The listing's first page, then the install's second and third (the first comes from
    // the index cache).
    assert_eq!(pages, 3);
}
