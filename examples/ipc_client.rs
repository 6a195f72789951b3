//! Ask a running omgd over its socket with the async client, as tools that embed omg do:
//! `cargo run --example ipc_client -- firefox`. The socket is `$OMG_SOCKET`, else omgd's
//! default (`$XDG_RUNTIME_DIR/omg/omgd.sock`, else `/tmp/omg-$UID/omgd.sock`); start omgd
//! with `omg daemon start`.

use std::path::PathBuf;

use omg::SearchQuery;
use omg_transport_uds::{default_socket_path, AsyncClient, ClientConfig, Request, Response};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let words: Vec<String> = std::env::args().skip(1).collect();
    if words.is_empty() {
        return Err("usage: ipc_client <words>...".into());
    }
    let socket = std::env::var_os("OMG_SOCKET")
        .filter(|s| !s.is_empty())
        .map_or_else(default_socket_path, PathBuf::from);
    // The client trusts only a daemon of this user (a 0700 directory, SO_PEERCRED).
    let client = AsyncClient::connect(&socket, &ClientConfig::default())
        .await
        .map_err(|e| format!("no omgd answers on {} ({e})", socket.display()))?;
    let daemon = client.daemon();
    println!(
        "omgd {} serving {} (index generation {})",
        daemon.daemon_version, daemon.backend.name, daemon.index_generation
    );
    let query = SearchQuery::new(words.join(" ")).with_limit(10);
    // Typed failures (not found, overloaded, ...) come back as omg's errors.
    match client
        .request(Request::Search(query))
        .await?
        .into_result()?
    {
        Response::Search(results) => {
            for hit in &results.hits {
                let p = &hit.package;
                println!("{}/{} {}", p.repository, p.name, p.version);
            }
            println!("{} of {} matches", results.hits.len(), results.total);
        }
        other => return Err(format!("omgd answered a search with {other:?}").into()),
    }
    match client.request(Request::Status).await?.into_result()? {
        Response::Status(status) => println!(
            "{} available, {} installed, {} upgradable",
            status.available, status.installed, status.upgradable
        ),
        other => return Err(format!("omgd answered a status with {other:?}").into()),
    }
    Ok(())
}
