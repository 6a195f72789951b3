//! Plain `http://` from another machine: what an install warns of when a mirror is
//! configured so.

use omg_ports::Artifact;

/// The warning for an artifact or checksum source fetched over plain `http://` from
/// another machine (a mirror configured so): anyone on the way can change what is not
/// signed. A mirror on this machine (`127.0.0.0/8`, `localhost`, `[::1]`) is not warned
/// about: nothing crosses a network.
pub(crate) fn plain_http_warning(artifact: &Artifact) -> Option<String> {
    let first = [&artifact.checksum_source, &artifact.url]
        .into_iter()
        .find(|u| plain_http_elsewhere(u))?;
    Some(format!(
        "{} came over plain http ({first}): use an https:// mirror",
        artifact.file_name
    ))
}

/// True for an `http://` URL whose host is not this machine.
fn plain_http_elsewhere(url: &str) -> bool {
    let Some(rest) = url
        .get(..7)
        .filter(|s| s.eq_ignore_ascii_case("http://"))
        .and_then(|_| url.get(7..))
    else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.split(':').next().unwrap_or_default(),
    };
    let local = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    !local
}

#[cfg(test)]
mod plain_http_tests {
    use super::plain_http_elsewhere;

    #[test]
    fn plain_http_to_another_machine_is_told_apart() {
        for url in [
            "http://mirror.example.org/node/v20.11.1/SHASUMS256.txt",
            "HTTP://10.1.2.3:8080/x.tar.gz",
            "http://user@[2001:db8::1]:80/x",
        ] {
            assert!(plain_http_elsewhere(url), "{url}");
        }
        for url in [
            "https://nodejs.org/dist/index.json",
            "http://127.0.0.1:4000/node/index.json",
            "http://127.8.0.1/x",
            "http://localhost:8080/x",
            "http://[::1]:8080/x",
            "ftp://example.org/x",
            "http",
        ] {
            assert!(!plain_http_elsewhere(url), "{url}");
        }
    }
}
