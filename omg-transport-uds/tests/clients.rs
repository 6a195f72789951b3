//! The blocking and async clients against the real server and against a fake daemon that
//! sends what a real one would not.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{fake, search, total, TestServer};
use omg_transport_uds::{
    AsyncClient, BlockingClient, ClientConfig, ClientError, Request, Response, ServerConfig,
};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// A fake daemon that answers every request with an id one higher than asked.
fn wrong_ids() -> fake::Fake {
    fake::start(Box::new(|env| Some(vec![(env.id + 100, Response::Pong)])))
}

/// A fake daemon that answers `Overloaded` `n` times, then `Pong`.
fn overloaded_then_pong(n: usize) -> fake::Fake {
    let mut left = n;
    fake::start(Box::new(move |env| {
        let body = if left > 0 {
            left -= 1;
            Response::Overloaded { retry_after_ms: 1 }
        } else {
            Response::Pong
        };
        Some(vec![(env.id, body)])
    }))
}

#[test]
fn missing_socket_fails_at_once() {
    let dir = common::private_tempdir();
    let err = BlockingClient::connect(&dir.path().join("none.sock"), &ClientConfig::default())
        .unwrap_err();
    assert!(matches!(err, ClientError::Connect { .. }), "{err:?}");
    assert!(err.to_string().contains("start it"));
}

#[test]
fn stale_socket_fails_at_once() {
    let dir = common::private_tempdir();
    let path = dir.path().join("stale.sock");
    drop(std::os::unix::net::UnixListener::bind(&path).unwrap());
    let err = BlockingClient::connect(&path, &ClientConfig::default()).unwrap_err();
    match err {
        ClientError::Connect { source, .. } => {
            assert_eq!(source.kind(), std::io::ErrorKind::ConnectionRefused)
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn blocking_client_rejects_an_unknown_id() {
    let fake = wrong_ids();
    let mut client = BlockingClient::connect(&fake.path, &ClientConfig::default()).unwrap();
    let err = client.request(Request::Ping).unwrap_err();
    assert!(
        matches!(err, ClientError::UnexpectedId { id } if id > 100),
        "{err:?}"
    );
    // The connection is out of step: later calls fail too.
    assert!(matches!(
        client.request(Request::Ping).unwrap_err(),
        ClientError::ConnectionLost { .. }
    ));
}

#[test]
fn blocking_request_many_rejects_an_unknown_id() {
    let fake = wrong_ids();
    let mut client = BlockingClient::connect(&fake.path, &ClientConfig::default()).unwrap();
    let err = client
        .request_many(vec![Request::Ping, Request::Ping])
        .unwrap_err();
    assert!(matches!(err, ClientError::UnexpectedId { .. }), "{err:?}");
}

#[test]
fn blocking_client_retries_overloaded_with_fresh_ids() {
    let fake = overloaded_then_pong(3);
    let mut client = BlockingClient::connect(&fake.path, &ClientConfig::default()).unwrap();
    assert_eq!(client.request(Request::Ping).unwrap(), Response::Pong);
    drop(client);
    let seen = fake.thread.join().unwrap();
    let ids: Vec<u64> = seen.iter().map(|e| e.id).collect();
    assert_eq!(ids, vec![1, 2, 3, 4, 5]);
}

#[test]
fn blocking_client_gives_up_after_its_retries() {
    let fake = overloaded_then_pong(100);
    let config = ClientConfig {
        overload_retries: 2,
        ..ClientConfig::default()
    };
    let mut client = BlockingClient::connect(&fake.path, &config).unwrap();
    let answer = client.request(Request::Ping).unwrap();
    assert_eq!(answer, Response::Overloaded { retry_after_ms: 1 });
    assert!(answer.into_result().is_err());
}

#[test]
fn request_many_retries_only_the_overloaded() {
    // Every second request is overloaded once.
    let mut n = 0;
    let fake = fake::start(Box::new(move |env| {
        n += 1;
        let body = if n % 2 == 0 && n <= 4 {
            Response::Overloaded { retry_after_ms: 1 }
        } else {
            Response::Suggestions(vec![format!("{}", env.id)])
        };
        Some(vec![(env.id, body)])
    }));
    let mut client = BlockingClient::connect(&fake.path, &ClientConfig::default()).unwrap();
    let answers = client
        .request_many(vec![
            Request::Ping,
            Request::Ping,
            Request::Ping,
            Request::Ping,
        ])
        .unwrap();
    assert!(
        answers
            .iter()
            .all(|a| matches!(a, Response::Suggestions(_))),
        "{answers:?}"
    );
    drop(client);
    assert_eq!(fake.thread.join().unwrap().len(), 1 + 4 + 2);
}

#[test]
fn blocking_client_times_out() {
    let fake = fake::start(Box::new(|_| Some(vec![])));
    let config = ClientConfig::default().with_timeout(Duration::from_millis(50));
    let mut client = BlockingClient::connect(&fake.path, &config).unwrap();
    let err = client.request(Request::Ping).unwrap_err();
    assert!(matches!(err, ClientError::Timeout(_)), "{err:?}");
}

#[test]
fn daemon_closing_is_connection_lost() {
    let fake = fake::start(Box::new(|_| None));
    let mut client = BlockingClient::connect(&fake.path, &ClientConfig::default()).unwrap();
    let err = client.request(Request::Ping).unwrap_err();
    assert!(matches!(err, ClientError::ConnectionLost { .. }), "{err:?}");
    let ports: omg_ports::Error = err.into();
    assert!(ports.to_string().contains("reconnect"));
}

#[test]
fn async_client_serves_many_tasks_on_one_connection() {
    let server = TestServer::start(ServerConfig::default());
    let rt = runtime();
    rt.block_on(async {
        let client = AsyncClient::connect(&server.path, &ClientConfig::default())
            .await
            .unwrap();
        assert_eq!(client.daemon().daemon_version, "test-daemon");
        let mut tasks = Vec::new();
        for i in 0..64usize {
            let client = client.clone();
            tasks.push(tokio::spawn(async move {
                let delay = (i * 7) % 23;
                let answer = client
                    .request(search(&format!("delay:{delay}")))
                    .await
                    .unwrap();
                (delay, total(&answer))
            }));
        }
        for t in tasks {
            let (asked, got) = t.await.unwrap();
            assert_eq!(asked, got);
        }
    });
}

#[test]
fn async_client_answers_out_of_order() {
    let server = TestServer::start(ServerConfig::default());
    let rt = runtime();
    let handler = Arc::clone(&server.handler);
    rt.block_on(async {
        let client = AsyncClient::connect(&server.path, &ClientConfig::default())
            .await
            .unwrap();
        let gated = tokio::spawn({
            let client = client.clone();
            async move { client.request(search("gate")).await.unwrap() }
        });
        // The gated request is still waiting while others are answered.
        for _ in 0..5 {
            assert_eq!(client.request(Request::Ping).await.unwrap(), Response::Pong);
        }
        assert!(!gated.is_finished());
        handler.release(1);
        assert_eq!(total(&gated.await.unwrap()), 4);
    });
}

#[test]
fn async_client_rejects_an_unknown_id() {
    let fake = wrong_ids();
    let rt = runtime();
    rt.block_on(async {
        let client = AsyncClient::connect(&fake.path, &ClientConfig::default())
            .await
            .unwrap();
        let err = client.request(Request::Ping).await.unwrap_err();
        assert!(matches!(err, ClientError::UnexpectedId { .. }), "{err:?}");
        let err = client.request(Request::Ping).await.unwrap_err();
        assert!(matches!(err, ClientError::ConnectionLost { .. }), "{err:?}");
    });
}

#[test]
fn async_client_retries_overloaded() {
    let fake = overloaded_then_pong(3);
    let rt = runtime();
    rt.block_on(async {
        let client = AsyncClient::connect(&fake.path, &ClientConfig::default())
            .await
            .unwrap();
        assert_eq!(client.request(Request::Ping).await.unwrap(), Response::Pong);
    });
}

#[test]
fn async_client_drops_late_answers_to_abandoned_requests() {
    // The fake answers request 2 only together with request 3.
    let fake = fake::start(Box::new(|env| {
        Some(match env.id {
            2 => vec![],
            3 => vec![(2, Response::Pong), (3, Response::Pong)],
            _ => vec![(env.id, Response::Pong)],
        })
    }));
    let rt = runtime();
    rt.block_on(async {
        let config = ClientConfig::default().with_timeout(Duration::from_millis(50));
        let client = AsyncClient::connect(&fake.path, &config).await.unwrap();
        let err = client.request(Request::Ping).await.unwrap_err();
        assert!(matches!(err, ClientError::Timeout(_)), "{err:?}");
        assert_eq!(client.request(Request::Ping).await.unwrap(), Response::Pong);
        assert_eq!(client.request(Request::Ping).await.unwrap(), Response::Pong);
    });
}

#[test]
fn async_client_refused_peer() {
    let config = ServerConfig {
        allowed_uids: vec![4_000_000],
        ..ServerConfig::default()
    };
    let server = TestServer::start(config);
    let rt = runtime();
    rt.block_on(async {
        let err = AsyncClient::connect(&server.path, &ClientConfig::default())
            .await
            .unwrap_err();
        assert!(matches!(err, ClientError::PermissionDenied(_)), "{err:?}");
    });
}
