//! The package repositories over git's smart HTTP protocol, as the AUR serves them: each
//! request under `/<name>.git/` is handed to `git http-backend` as a CGI program.

use std::io::{Read, Write};
use std::path::{Component, Path};
use std::process::{Command, Stdio};
use std::thread;

/// What `git http-backend` answered.
pub(crate) struct GitAnswer {
    /// The CGI `Status` (200 when it printed none).
    pub status: u16,
    /// Its `Content-Type`.
    pub content_type: String,
    /// The body after the CGI headers.
    pub body: Vec<u8>,
}

impl GitAnswer {
    fn plain(status: u16, text: &str) -> GitAnswer {
        GitAnswer {
            status,
            content_type: "text/plain".into(),
            body: text.as_bytes().to_vec(),
        }
    }
}

/// True when `path` (decoded, without the query) names something inside a repository:
/// `/<name>.git/<more>`, every component plain (no `..`).
pub(crate) fn is_repo_path(path: &str) -> bool {
    let Some(rel) = path.strip_prefix('/') else {
        return false;
    };
    let rel = Path::new(rel);
    let plain = rel.components().all(|c| matches!(c, Component::Normal(_)));
    let in_repo = rel
        .components()
        .next()
        .and_then(|c| c.as_os_str().to_str())
        .is_some_and(|first| first.ends_with(".git") && first.len() > 4);
    plain && in_repo && rel.components().count() >= 2
}

/// Runs `git http-backend` for one request on the bare repositories under `root`.
/// `headers` are the request's, names in lower case.
pub(crate) fn answer(
    root: &Path,
    method: &str,
    path: &str,
    query: &str,
    headers: &[(String, String)],
    body: Vec<u8>,
) -> GitAnswer {
    if !is_repo_path(path) {
        return GitAnswer::plain(404, "not found");
    }
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    };
    let mut cmd = Command::new("git");
    cmd.args(["-c", "safe.directory=*", "http-backend"])
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_PROJECT_ROOT", root)
        .env("GIT_HTTP_EXPORT_ALL", "1")
        .env("GATEWAY_INTERFACE", "CGI/1.1")
        .env("REQUEST_METHOD", method)
        .env("PATH_INFO", path)
        .env("QUERY_STRING", query)
        .env("CONTENT_TYPE", header("content-type"))
        .env("CONTENT_LENGTH", body.len().to_string())
        .env("REMOTE_ADDR", "127.0.0.1")
        .env("HTTP_CONTENT_ENCODING", header("content-encoding"))
        .env("HTTP_GIT_PROTOCOL", header("git-protocol"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => return GitAnswer::plain(500, &format!("git http-backend: {e}")),
    };
    let stdin = child.stdin.take();
    let writer = thread::spawn(move || {
        if let Some(mut stdin) = stdin {
            let _ = stdin.write_all(&body);
        }
    });
    let mut stderr = child.stderr.take();
    let errors = thread::spawn(move || {
        let mut text = String::new();
        if let Some(e) = stderr.as_mut() {
            let _ = e.read_to_string(&mut text);
        }
        text
    });
    let mut out = Vec::new();
    if let Some(mut stdout) = child.stdout.take() {
        let _ = stdout.read_to_end(&mut out);
    }
    let _ = writer.join();
    let errors = errors.join().unwrap_or_default();
    let _ = child.wait();
    parse_cgi(&out).unwrap_or_else(|| {
        GitAnswer::plain(
            500,
            &format!("git http-backend answered no headers: {errors}"),
        )
    })
}

/// Splits a CGI program's output into its `Status`, `Content-Type` and body.
fn parse_cgi(out: &[u8]) -> Option<GitAnswer> {
    let (head_len, sep) = [&b"\r\n\r\n"[..], &b"\n\n"[..]]
        .iter()
        .filter_map(|sep| {
            out.windows(sep.len())
                .position(|w| w == *sep)
                .map(|at| (at, sep.len()))
        })
        .min()?;
    let head = String::from_utf8_lossy(&out[..head_len]);
    let mut answer = GitAnswer {
        status: 200,
        content_type: "text/plain".into(),
        body: out[head_len + sep..].to_vec(),
    };
    for line in head.lines() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "status" => {
                answer.status = value
                    .split_whitespace()
                    .next()
                    .and_then(|code| code.parse().ok())
                    .unwrap_or(500)
            }
            "content-type" => answer.content_type = value.to_owned(),
            _ => {}
        }
    }
    Some(answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_paths() {
        assert!(is_repo_path("/aur-lib.git/info/refs"));
        assert!(is_repo_path("/a.git/git-upload-pack"));
        for bad in [
            "/aur-lib.git",
            "/.git/x",
            "/x/../y.git/z",
            "aur.git/x",
            "/x.gi/y",
        ] {
            assert!(!is_repo_path(bad), "{bad}");
        }
    }

    #[test]
    fn cgi_headers_are_split_from_the_body() {
        let a = parse_cgi(b"Status: 404 Not Found\r\nContent-Type: text/x\r\n\r\nbody\n\n")
            .expect("headers");
        assert_eq!((a.status, a.content_type.as_str()), (404, "text/x"));
        assert_eq!(a.body, b"body\n\n");
        let b = parse_cgi(b"Content-Type: application/x-git\n\nPACK").expect("headers");
        assert_eq!((b.status, b.body.as_slice()), (200, &b"PACK"[..]));
        assert!(parse_cgi(b"no end of headers").is_none());
    }
}
