//! Each provider's index is fetched once and kept; a malformed one is not kept. Over the real
//! HTTP fetcher and a real server on 127.0.0.1 that logs every request.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::sync::Arc;

use omg_adapters_http::{HttpConfig, HttpFetcher};
use omg_adapters_releases::{GoProvider, NodeProvider};
use omg_ports::{Error, Fetcher, Platform, RuntimeProvider};
use omg_testkit::http::Server;

const GO_INDEX: &str = "/?mode=json&include=all";

fn fetcher() -> Arc<dyn Fetcher> {
    Arc::new(HttpFetcher::new(&HttpConfig::default()).unwrap())
}

fn linux_x64() -> Platform {
    Platform {
        os: "linux".into(),
        arch: "x86_64".into(),
    }
}

fn go_list() -> String {
    let sum = "a".repeat(64);
    format!(
        r#"[{{"version": "go1.22.0", "stable": true, "files": [{{"filename": "go1.22.0.linux-amd64.tar.gz",
        "os": "linux", "arch": "amd64", "sha256": "{sum}", "size": 1, "kind": "archive"}}]}}]"#
    )
}

fn gets(server: &Server, path: &str) -> usize {
    server.hits().iter().filter(|h| h.path == path).count()
}

#[tokio::test]
async fn go_fetches_its_list_once_for_versions_and_artifacts() {
    let server = Server::start();
    server.put(GO_INDEX, go_list(), None, None);
    let go = GoProvider::new(fetcher(), server.base.clone());
    let versions = go.remote_versions(&linux_x64()).await.unwrap();
    assert_eq!(versions[0].version, "1.22.0");
    assert_eq!(go.remote_versions(&linux_x64()).await.unwrap(), versions);
    let artifact = go.artifact("1.22.0", &linux_x64()).await.unwrap();
    assert_eq!(artifact.sha256, "a".repeat(64));
    assert_eq!(gets(&server, GO_INDEX), 1, "{:?}", server.hits());
}

#[tokio::test]
async fn a_malformed_index_is_not_kept() {
    let server = Server::start();
    server.put(GO_INDEX, "[{\"version\": ", None, None);
    let go = GoProvider::new(fetcher(), server.base.clone());
    let err = go.remote_versions(&linux_x64()).await.unwrap_err();
    let Error::MalformedFeed { feed, url, .. } = err else {
        panic!("{err:?}")
    };
    assert_eq!(feed, "go download list");
    assert_eq!(url, server.url(GO_INDEX));
    // The source is fixed: the next call fetches again and keeps the good copy.
    server.put(GO_INDEX, go_list(), None, None);
    assert_eq!(go.remote_versions(&linux_x64()).await.unwrap().len(), 1);
    assert_eq!(go.remote_versions(&linux_x64()).await.unwrap().len(), 1);
    assert_eq!(gets(&server, GO_INDEX), 2, "{:?}", server.hits());
}

#[tokio::test]
async fn a_failed_download_is_not_kept() {
    let server = Server::start();
    let node = NodeProvider::new(fetcher(), server.base.clone());
    let err = node.remote_versions(&linux_x64()).await.unwrap_err();
    assert!(matches!(err, Error::Download { .. }), "{err:?}");
    server.put(
        "/index.json",
        r#"[{"version": "v20.11.1", "date": "2024-02-14", "files": ["linux-x64"], "lts": "Iron"}]"#,
        None,
        None,
    );
    let versions = node.remote_versions(&linux_x64()).await.unwrap();
    assert_eq!(versions[0].version, "20.11.1");
    assert_eq!(versions[0].lts.as_deref(), Some("Iron"));
    assert_eq!(node.remote_versions(&linux_x64()).await.unwrap(), versions);
    assert_eq!(gets(&server, "/index.json"), 2, "{:?}", server.hits());
}
