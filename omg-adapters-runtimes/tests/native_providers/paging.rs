//! Paged sources (GitHub's releases for python and bun, Adoptium's builds for java): the
//! first page is all a listing reads; a version further down is found by reading the next
//! pages, named by the real `Link` headers, only as far as needed; a server that never stops
//! naming a next page is stopped by the bound with an error saying so; an exhausted GitHub
//! rate limit says what to do.

use std::sync::Arc;

use omg_adapters_releases::{BunProvider, JavaProvider, PythonProvider, RubyProvider};
use omg_adapters_runtimes::{Installer, RuntimesHome};
use omg_ports::{Enough, Error, Platform, RemoteVersion, RuntimeProvider};
use omg_testkit::runtimes::{Adoptium, BunReleases, PythonBuilds, Reply, Tamper, TestServer};

use crate::support::fetcher;

/// How many requests `server` received for paths starting with `prefix`.
fn hits(server: &TestServer, prefix: &str) -> usize {
    server
        .requests()
        .iter()
        .filter(|s| s.path.starts_with(prefix))
        .count()
}

fn names(versions: &[RemoteVersion]) -> Vec<&str> {
    versions.iter().map(|v| v.version.as_str()).collect()
}

/// 3.13.0 in the newest release, 44 releases without a build for this platform, then
/// 3.9.5 and 3.8.20 (the 46th and 47th releases: page 3 of 20).
fn python_source(server: &TestServer) -> PythonBuilds<'_> {
    let mut py = PythonBuilds::new(server, "/repos/astral-sh/python-build-standalone");
    py.release("20241016", &["3.13.0"], Tamper::None);
    for i in 0..44 {
        py.foreign_release(
            &format!("2023{:02}{:02}", 12 - i / 28, 28 - i % 28),
            &["3.12.0"],
        );
    }
    py.release("20210101", &["3.9.5"], Tamper::None)
        .release("20200101", &["3.8.20"], Tamper::None);
    py
}

#[tokio::test]
async fn python_on_page_three_installs_and_listing_reads_one_page() {
    let server = TestServer::start();
    let py = python_source(&server);
    let p = PythonProvider::new(fetcher(), py.mirror());
    let platform = Platform::current();
    // A listing reads the first page only.
    let first = p.remote_versions(&platform).await.unwrap();
    assert_eq!(names(&first), ["3.13.0"]);
    assert_eq!(hits(&server, "/repositories/"), 0);
    // Resolving 3.9 reads on until it appears: page 3 (the last one, with 3.8.20 too).
    let until = p
        .remote_versions_until(
            &platform,
            &Enough::when(|v| v.iter().any(|v| v.version.starts_with("3.9."))),
        )
        .await
        .unwrap();
    assert_eq!(names(&until), ["3.13.0", "3.9.5", "3.8.20"]);
    let pages: Vec<String> = server
        .requests()
        .into_iter()
        .map(|s| s.path)
        .filter(|p| p.contains("/releases?"))
        .collect();
    assert_eq!(pages.len(), 3, "{pages:?}");
    assert!(pages[1].ends_with("?per_page=20&page=2") && pages[2].ends_with("&page=3"));
    // The installer finds the artifact in the pages already read, and installs it.
    let tmp = tempfile::tempdir().unwrap();
    let installer = Installer::new(RuntimesHome::at(tmp.path().join("rt")), fetcher());
    let installed = installer
        .install(&p, &RemoteVersion::new("3.9.5"), None)
        .await
        .unwrap();
    assert_eq!(installed.version(), "3.9.5");
    assert_eq!(hits(&server, "/repositories/"), 2);
    // Everything, when asked for: nothing more to read.
    let all = p
        .remote_versions_until(&platform, &Enough::never())
        .await
        .unwrap();
    assert_eq!(all, until);
    assert_eq!(hits(&server, "/repositories/"), 2);
}

#[tokio::test]
async fn an_artifact_reads_only_as_far_as_its_version() {
    let server = TestServer::start();
    let py = python_source(&server);
    let p = PythonProvider::new(fetcher(), py.mirror());
    let a = p.artifact("3.9.5", &Platform::current()).await.unwrap();
    assert!(a.file_name.starts_with("cpython-3.9.5+20210101-"), "{a:?}");
    assert_eq!(hits(&server, "/repositories/"), 2);
    // A version no page has: every page is read, then the closest are named.
    let e = p
        .artifact("3.9.99", &Platform::current())
        .await
        .unwrap_err();
    let Error::UnknownVersion { closest, .. } = &e else {
        panic!("{e:?}");
    };
    assert_eq!(closest.first().map(String::as_str), Some("3.9.5"), "{e}");
}

#[tokio::test]
async fn endless_pages_are_stopped_by_the_bound() {
    let server = TestServer::start();
    let base = server.base.clone();
    // Every page, however far, names one more (and holds a release with nothing for us).
    let page = move |k: u64| {
        let next = format!("{base}/repositories/9/releases?per_page=20&page={}", k + 1);
        let body = format!(
            r#"[{{"tag_name":"2024{k:04}","draft":false,"prerelease":false,"assets":[]}}]"#
        );
        Reply::ok(body).header("Link", &format!("<{next}>; rel=\"next\""))
    };
    let first = page.clone();
    server.handle("/repos/o/endless/releases", move |_| first(1));
    server.handle("/repositories/9/releases", move |path| {
        let k = path
            .rsplit('=')
            .next()
            .and_then(|k| k.parse().ok())
            .unwrap_or(1);
        page(k)
    });
    let p = PythonProvider::new(fetcher(), format!("{}/repos/o/endless", server.base));
    // A listing is one request.
    assert!(p
        .remote_versions(&Platform::current())
        .await
        .unwrap()
        .is_empty());
    let e = p.artifact("3.9.5", &Platform::current()).await.unwrap_err();
    assert!(matches!(e, Error::TooManyPages { pages: 25, .. }), "{e:?}");
    let text = e.to_string();
    assert!(
        text.contains("python-build-standalone releases")
            && text.contains("still names a next page after 25 pages")
            && text.contains("[runtimes.python] mirror"),
        "{text}"
    );
    assert_eq!(server.requests().len(), 25);
    // A next page read before (a loop) is refused at once.
    let looped = TestServer::start();
    let again = format!("{}/repos/o/loop/releases?per_page=20", looped.base);
    looped.put_with(
        "/repos/o/loop/releases?per_page=20",
        200,
        &[("Link", &format!("<{again}>; rel=\"next\""))],
        "[]",
    );
    let p = PythonProvider::new(fetcher(), format!("{}/repos/o/loop", looped.base));
    let e = p.artifact("3.9.5", &Platform::current()).await.unwrap_err();
    assert!(e.to_string().contains("names a page read before"), "{e}");
    assert_eq!(looped.requests().len(), 1);
}

#[tokio::test]
async fn bun_on_page_three() {
    let server = TestServer::start();
    let mut bun = BunReleases::new(&server, "/repos/oven-sh/bun");
    bun.release("1.1.30", Tamper::None);
    for i in 0..205 {
        bun.foreign_release(&format!("0.9.{i}"));
    }
    bun.release("1.0.0", Tamper::None);
    let p = BunProvider::new(fetcher(), bun.mirror());
    let platform = Platform::current();
    assert_eq!(
        names(&p.remote_versions(&platform).await.unwrap()),
        ["1.1.30"]
    );
    let a = p.artifact("1.0.0", &platform).await.unwrap();
    assert!(a.url.contains("/bun-v1.0.0/"), "{a:?}");
    let pages: Vec<String> = server
        .requests()
        .into_iter()
        .map(|s| s.path)
        .filter(|p| p.contains("/releases?"))
        .collect();
    assert_eq!(pages.len(), 3, "{pages:?}");
    assert!(
        pages[2].ends_with("/releases?per_page=100&page=3"),
        "{pages:?}"
    );
}

#[tokio::test]
async fn java_on_page_three_of_a_feature() {
    let server = TestServer::start();
    let mut api = Adoptium::new(&server, "/java");
    api.release("21.0.5+11", true, Tamper::None);
    for i in 0..45 {
        api.foreign_build(&format!("21.0.4+{}", 100 - i), true);
    }
    api.release("21.0.1+12", true, Tamper::None);
    let p = JavaProvider::new(fetcher(), api.mirror());
    let platform = Platform::current();
    assert_eq!(
        names(&p.remote_versions(&platform).await.unwrap()),
        ["21.0.5+11"]
    );
    let found = p
        .remote_versions_until(&platform, &Enough::when(|v| v.len() > 1))
        .await
        .unwrap();
    assert_eq!(names(&found), ["21.0.5+11", "21.0.1+12"]);
    let a = p.artifact("21.0.1+12", &platform).await.unwrap();
    assert!(a.file_name.contains("21.0.1_12"), "{a:?}");
    let pages: Vec<String> = server
        .requests()
        .into_iter()
        .map(|s| s.path)
        .filter(|p| p.contains("/feature_releases/"))
        .collect();
    assert_eq!(pages.len(), 3, "{pages:?}");
    assert!(pages[2].ends_with("&page=2&page_size=20"), "{pages:?}");
}

#[tokio::test]
async fn an_exhausted_github_rate_limit_says_how_to_raise_it() {
    let server = TestServer::start();
    let limited = [
        ("X-RateLimit-Limit", "60"),
        ("X-RateLimit-Remaining", "0"),
        ("X-RateLimit-Reset", "1735693384"),
    ];
    let body = r#"{"message":"API rate limit exceeded"}"#;
    server.put_with(
        "/repos/oven-sh/bun/releases?per_page=100",
        403,
        &limited,
        body,
    );
    server.put_with(
        "/repos/ruby/ruby-builder/releases/tags/toolcache",
        429,
        &limited,
        body,
    );
    let bun: Arc<dyn RuntimeProvider> = Arc::new(BunProvider::new(
        fetcher(),
        format!("{}/repos/oven-sh/bun", server.base),
    ));
    let ruby: Arc<dyn RuntimeProvider> = Arc::new(RubyProvider::new(
        fetcher(),
        format!("{}/repos/ruby/ruby-builder", server.base),
    ));
    for p in [bun, ruby] {
        let e = p.remote_versions(&Platform::current()).await.unwrap_err();
        let text = e.to_string();
        assert!(
            text.starts_with("the rate limit of GitHub's API was reached")
                && text.contains("it resets at 2025-01-01 01:03:04 UTC")
                && text.contains("set GITHUB_TOKEN (or [runtimes] github_token in config.toml)"),
            "{}: {text}",
            p.name()
        );
    }
}
