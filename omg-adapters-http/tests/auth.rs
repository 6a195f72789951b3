//! Bearer tokens, redirects, rate limits and pages against real servers on 127.0.0.1: the
//! token goes to the URLs under its scope and to no other, hop by hop.

// A test: a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use omg_adapters_http::{BearerToken, HttpConfig, HttpFetcher};
use omg_ports::{Error, FetchOutcome, FetchRequest, Fetcher, Secret};
use omg_testkit::runtimes::{Reply, TestServer};

const TOKEN: &str = "ghp_0123456789abcdefSECRET";

fn fetcher(scope: &str) -> HttpFetcher {
    HttpFetcher::new(&HttpConfig {
        bearer_tokens: vec![BearerToken {
            scope: scope.into(),
            token: Secret::new(TOKEN),
        }],
        ..HttpConfig::default()
    })
    .unwrap()
}

async fn get(f: &HttpFetcher, url: &str) -> Vec<u8> {
    match f
        .fetch(&FetchRequest::new(url, 1 << 20), None)
        .await
        .unwrap()
    {
        FetchOutcome::Fetched { body, .. } => body,
        FetchOutcome::NotModified => panic!("304 for {url}"),
    }
}

/// The `Authorization` header `server` received for `path`, once per request.
fn auth_of(server: &TestServer, path: &str) -> Vec<Option<String>> {
    server
        .requests()
        .into_iter()
        .filter(|s| s.path == path)
        .map(|s| s.authorization)
        .collect()
}

fn bearer() -> Option<String> {
    Some(format!("Bearer {TOKEN}"))
}

#[tokio::test]
async fn the_token_goes_only_under_its_scope() {
    let api = TestServer::start();
    let other = TestServer::start();
    for (server, path) in [
        (&api, "/api/repos/o/r/releases"),
        (&api, "/api"),
        (&api, "/apix"),
    ] {
        server.put(path, "x");
    }
    api.put("/o/r/releases/download/v1/a.zip", "zip");
    other.put("/api/repos/o/r/releases", "x");
    let f = fetcher(&format!("{}/api", api.base));
    for url in [
        format!("{}/api/repos/o/r/releases", api.base),
        format!("{}/api", api.base),
        format!("{}/apix", api.base),
        format!("{}/o/r/releases/download/v1/a.zip", api.base),
        format!("{}/api/repos/o/r/releases", other.base),
    ] {
        get(&f, &url).await;
    }
    assert_eq!(auth_of(&api, "/api/repos/o/r/releases"), [bearer()]);
    assert_eq!(auth_of(&api, "/api"), [bearer()]);
    // Not under /api: a sibling path, a download on the same host, another port.
    assert_eq!(auth_of(&api, "/apix"), [None]);
    assert_eq!(auth_of(&api, "/o/r/releases/download/v1/a.zip"), [None]);
    assert_eq!(auth_of(&other, "/api/repos/o/r/releases"), [None]);
    // Without tokens nothing carries one.
    let plain = HttpFetcher::new(&HttpConfig::default()).unwrap();
    get(&plain, &format!("{}/api", api.base)).await;
    assert_eq!(auth_of(&api, "/api"), [bearer(), None]);
}

/// reqwest's own redirect policy drops `Authorization` when the host or port changes but
/// keeps it on the same host; omg follows redirects itself and checks the scope at each hop.
#[tokio::test]
async fn redirects_carry_the_token_only_while_under_the_scope() {
    let api = TestServer::start();
    let objects = TestServer::start();
    let f = fetcher(&format!("{}/api", api.base));
    // Within the scope: kept.
    api.redirect("/api/old", &format!("{}/api/new", api.base));
    api.put("/api/new", "moved");
    assert_eq!(get(&f, &format!("{}/api/old", api.base)).await, b"moved");
    assert_eq!(auth_of(&api, "/api/new"), [bearer()]);
    // Out of the scope on the same host (a relative Location), then to another host, as
    // github.com sends a release download to objects.githubusercontent.com.
    api.redirect("/api/asset", "/download/asset");
    api.redirect("/download/asset", &format!("{}/blob/asset", objects.base));
    objects.put("/blob/asset", "bytes");
    let dir = tempfile::tempdir().unwrap();
    let archive = f
        .fetch_to_file(
            &FetchRequest::new(format!("{}/api/asset", api.base), 1 << 20),
            &dir.path().join("asset"),
            None,
        )
        .await
        .unwrap();
    assert!(matches!(archive, FetchOutcome::Fetched { body: 5, .. }));
    assert_eq!(auth_of(&api, "/api/asset"), [bearer()]);
    assert_eq!(auth_of(&api, "/download/asset"), [None]);
    assert_eq!(auth_of(&objects, "/blob/asset"), [None]);
    // A loop of redirects stops.
    api.redirect("/api/loop", "/api/loop");
    let e = f
        .fetch(
            &FetchRequest::new(format!("{}/api/loop", api.base), 1 << 20),
            None,
        )
        .await
        .unwrap_err();
    assert!(e.to_string().contains("more than 10 redirects"), "{e}");
    assert_eq!(auth_of(&api, "/api/loop").len(), 11);
    // A redirect to something other than http(s).
    api.redirect("/api/file", "file:///etc/passwd");
    let e = f
        .fetch(
            &FetchRequest::new(format!("{}/api/file", api.base), 1 << 20),
            None,
        )
        .await
        .unwrap_err();
    assert!(e.to_string().contains("not an http(s) URL"), "{e}");
}

#[tokio::test]
async fn an_exhausted_rate_limit_says_when_it_resets_and_never_shows_the_token() {
    let api = TestServer::start();
    let limited = [
        ("X-RateLimit-Limit", "60"),
        ("X-RateLimit-Remaining", "0"),
        ("X-RateLimit-Reset", "1735693384"),
        ("Content-Type", "application/json"),
    ];
    let body = r#"{"message":"API rate limit exceeded for 127.0.0.1.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"}"#;
    api.put_with("/api/limited", 403, &limited, body);
    api.put_with("/api/busy", 429, &limited, body);
    api.put_with("/api/denied", 403, &[("X-RateLimit-Remaining", "59")], "no");
    let f = fetcher(&format!("{}/api", api.base));
    for path in ["/api/limited", "/api/busy"] {
        let url = format!("{}{path}", api.base);
        let e = f
            .fetch(&FetchRequest::new(&url, 1 << 20), None)
            .await
            .unwrap_err();
        let Error::RateLimited {
            url: got,
            resets_at,
            authenticated,
            ..
        } = &e
        else {
            panic!("{e:?}");
        };
        assert_eq!(
            (got, *resets_at, *authenticated),
            (&url, Some(1_735_693_384), true)
        );
        let text = e.to_string();
        assert!(
            text.contains("it resets at 2025-01-01 01:03:04 UTC"),
            "{text}"
        );
        assert!(!text.contains(TOKEN) && !format!("{e:?}").contains(TOKEN));
    }
    // A refusal with requests left is an ordinary failed download.
    let e = f
        .fetch(
            &FetchRequest::new(format!("{}/api/denied", api.base), 1 << 20),
            None,
        )
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Download { .. }), "{e:?}");
    // The token is never in the configuration's or the fetcher's debug output.
    let config = HttpConfig {
        bearer_tokens: vec![BearerToken {
            scope: api.base.clone(),
            token: Secret::new(TOKEN),
        }],
        ..HttpConfig::default()
    };
    let shown = format!("{config:?} {f:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
}

#[tokio::test]
async fn a_page_names_the_next_one_from_its_link_header() {
    let api = TestServer::start();
    let next = format!("{}/repositories/7/releases?per_page=2&page=2", api.base);
    let link = format!("<{next}>; rel=\"next\", <{next}>; rel=\"last\"");
    api.put_with(
        "/repos/o/r/releases?per_page=2",
        200,
        &[("Link", link.as_str())],
        "[1,2]",
    );
    api.handle("/repositories/7/", |path| {
        Reply::ok("[3]").header("Link", &format!("<{path}>; rel=\"prev\""))
    });
    let f = HttpFetcher::new(&HttpConfig::default()).unwrap();
    let first = f
        .fetch_page(&FetchRequest::new(
            format!("{}/repos/o/r/releases?per_page=2", api.base),
            1 << 20,
        ))
        .await
        .unwrap();
    assert_eq!(
        (first.body.as_slice(), first.next.as_deref()),
        (&b"[1,2]"[..], Some(next.as_str()))
    );
    let last = f
        .fetch_page(&FetchRequest::new(next.clone(), 1 << 20))
        .await
        .unwrap();
    assert_eq!((last.body.as_slice(), last.next), (&b"[3]"[..], None));
}
