//! The daemon path of `omg`: ask a running omgd that serves the same configuration, render
//! its answer exactly as direct mode would, or report that it is not available (then `omg`
//! falls back to direct mode).

use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::time::Duration;

use omg_domain::family::{family_from_os_release, Family, OS_RELEASE_FILES};
use omg_ports::{BackendInfo, Error, ListKind};
use omg_transport_uds::shared_file::{check_file, copy_file, FileError};
use omg_transport_uds::{
    default_socket_path, BlockingClient, ClientConfig, ClientError, InfoEntry, Request, Response,
    TextOutput,
};

use omg_cli_core::args::{BackendArg, Global};
use omg_cli_core::render::{self, AurInfo, InfoRecord, Output};
use omg_cli_core::route::{Read, Sources};
use omg_cli_core::Answer;
use omg_config::Settings;
use omg_transport_uds::AuditRequest;

/// How long omg waits for a daemon that accepted the connection before giving up on it.
const DAEMON_TIMEOUT: Duration = Duration::from_secs(2);

/// Ask omgd for `read`: what to print and the exit code. `None` when no daemon answers or
/// it serves another configuration: the caller uses direct mode. A search comes back
/// rendered (protocol 4.5's `SearchText`), so that thousands of hits cost this process one
/// copy of their text; a large one (4.6's `SearchTextFd`) as a sealed memory file that the
/// kernel copies to stdout.
pub fn try_daemon(global: &Global, read: Read<'_>, out: &Output) -> Option<Answer> {
    if global.no_daemon {
        return None;
    }
    let expected = Expected::from_global(global)?;
    let request = as_text(request_for(read, &expected, global.offline)?, out);
    let request_was_aur = matches!(request, Request::SearchTextFd { aur: Some(_), .. });
    let as_text = matches!(request, Request::SearchTextFd { .. });
    let info_aur = matches!(request, Request::InfoAur { .. });
    let socket = global.socket.clone().unwrap_or_else(default_socket_path);
    let verbose = global.verbose > 0;
    let (response, file) = match ask(&socket, request, &expected) {
        Ok(Some(answer)) => answer,
        // A daemon for another configuration.
        Ok(None) => return None,
        // No daemon runs: the ordinary case, nothing to say.
        Err(ClientError::Connect { .. }) => return None,
        Err(e) => {
            if verbose {
                eprintln!("omg: warning: {e}");
            }
            return None;
        }
    };
    if let Response::Overloaded { retry_after_ms } = response {
        if verbose {
            eprintln!(
                "omg: note: omgd is overloaded (it asked to retry in {retry_after_ms} ms); \
                 reading the databases directly"
            );
        }
        return None;
    }
    if let Read::Audit(args) = read {
        return match response {
            Response::Audit(outcome) => Some(omg_cli_core::audit::answer(out, args, outcome)),
            // omgd could not audit (no feed and no network, a feed it cannot parse, ...):
            // direct mode runs the audit and reports its own error.
            other => {
                if verbose {
                    eprintln!(
                        "omg: note: omgd did not audit ({}); auditing directly",
                        other
                            .into_result()
                            .err()
                            .map_or_else(|| "an unexpected answer".to_string(), |e| e.to_string())
                    );
                }
                None
            }
        };
    }
    // omgd answers `InfoAur` only when every name has a record; anything else (a name found
    // nowhere, no AUR metadata, an error) is direct mode's to answer and report.
    if info_aur {
        return match response {
            Response::InfoAur(entries) => Some(info_aur_answer(out, entries)),
            _ => None,
        };
    }
    // A search comes back as the text to print. Anything else (omgd without the AUR's
    // metadata, when the AUR was asked for; an omgd before 4.5, which cannot decode the
    // request) is direct mode's to answer.
    if as_text {
        return match response {
            Response::Text {
                stdout,
                stderr,
                code,
            } => Some(Answer {
                stdout,
                stderr,
                code,
            }),
            Response::TextFd { len, stderr, code } => {
                let checked = match file {
                    Some(file) => check_file(&file, len).map(|()| file),
                    None => Err(FileError::Missing),
                };
                let file = match checked {
                    Ok(file) => file,
                    Err(e) => {
                        if verbose {
                            eprintln!("omg: warning: {e}; searching directly");
                        }
                        return None;
                    }
                };
                // A closed pipe (`omg search x | head`) is not an error worth reporting.
                let _ = copy_file(&file, len, &mut std::io::stdout().lock());
                Some(Answer {
                    stdout: String::new(),
                    stderr,
                    code,
                })
            }
            other => {
                if verbose && !(request_was_aur && matches!(other, Response::InvalidRequest(_))) {
                    eprintln!(
                        "omg: note: omgd answered a search with {}; searching directly",
                        other.name()
                    );
                }
                None
            }
        };
    }
    Some(match render_response(out, read, response)? {
        Ok(stdout) => Answer {
            stdout,
            stderr: String::new(),
            code: omg_cli_core::exit::OK,
        },
        Err(e) => Answer::failed(out, &e),
    })
}

/// `omg info`'s answer from omgd's `InfoAur` records, as direct mode prints them.
fn info_aur_answer(out: &Output, entries: Vec<InfoEntry>) -> Answer {
    let pages = Settings::load().unwrap_or_default().aur_urls().pages();
    let records: Vec<InfoRecord> = entries
        .into_iter()
        .map(|e| match e {
            InfoEntry::Repository(p) => InfoRecord::Repository(p),
            InfoEntry::Aur { package, installed } => InfoRecord::Aur(AurInfo {
                page: format!("{pages}{}", package.name),
                package,
                installed,
            }),
        })
        .collect();
    Answer::from(render::info_records(out, &records))
}

/// A search asked for as text (protocol 4.5), a large one as a sealed memory file beside
/// the answer (4.6): omgd renders it as this client prints, and caches the text.
fn as_text(request: Request, out: &Output) -> Request {
    let output = TextOutput {
        json: out.json,
        quiet: out.quiet,
        color: out.color,
        width: out.width.and_then(|w| u32::try_from(w).ok()),
    };
    match request {
        Request::Search(query) => Request::SearchTextFd {
            query,
            aur: None,
            output,
        },
        Request::SearchAur { query, aur_only } => Request::SearchTextFd {
            query,
            aur: Some(aur_only),
            output,
        },
        other => other,
    }
}

/// Ask the daemon on `socket`: `Ok(None)` when it serves another configuration than
/// `expected`. An audit may download its feed: it is sent only once the `Welcome` shows the
/// configuration matches, and waits as long as the download takes (omgd's HTTP client bounds
/// a stalled one, as direct mode's does); everything else is sent behind the `Hello` and
/// bounded by [`DAEMON_TIMEOUT`].
fn ask(
    socket: &Path,
    request: Request,
    expected: &Expected,
) -> Result<Option<(Response, Option<OwnedFd>)>, ClientError> {
    let config = ClientConfig {
        timeout: Some(DAEMON_TIMEOUT),
        // A request of a later minor (a search as text, 4.5) goes behind the Hello too: an
        // older omgd cannot decode it and omg asks directly, as it would have after the
        // Welcome.
        pipeline_newer: true,
        ..ClientConfig::default()
    };
    if let Request::Audit(_) = request {
        let mut client = BlockingClient::connect(socket, &config)?;
        if !expected.matches(&client.daemon().backend) {
            return Ok(None);
        }
        client.set_timeout(None)?;
        return client.request(request).map(|r| Some((r, None)));
    }
    let (mut client, response) = BlockingClient::connect_and_request(socket, &config, request)?;
    let file = client.take_file();
    Ok(expected
        .matches(&client.daemon().backend)
        .then_some((response, file)))
}

/// The request for `read`, `None` for what omgd does not answer. On Arch (unless `--repo`
/// or `[aur] enabled = false`) a search includes the AUR: `SearchAur`, which omgd answers
/// from the AUR's metadata dump when it holds it, and `info` is `InfoAur`, answered from the
/// dump's full records when every name has one; the AUR's upgrades (`outdated`) are the
/// helper's (the RPC's).
fn request_for(read: Read<'_>, expected: &Expected, offline: bool) -> Option<Request> {
    let with_aur = |sources: Sources| {
        sources == Sources::Aur
            || sources.aur()
                && expected.backend == "alpm"
                && Settings::load().map_or(true, |s| s.aur_enabled().unwrap_or(true))
    };
    Some(match read {
        Read::Info { names, sources } if with_aur(sources) => Request::InfoAur {
            names: names.to_vec(),
            aur_only: sources == Sources::Aur,
        },
        Read::List(ListKind::Upgradable) if with_aur(Sources::All) => return None,
        Read::Search {
            query,
            limit,
            installed,
            sources,
        } if with_aur(sources) => Request::SearchAur {
            query: omg_cli_core::search::query(query, limit, installed),
            aur_only: sources == Sources::Aur,
        },
        Read::Search {
            query,
            limit,
            installed,
            ..
        } => Request::Search(omg_cli_core::search::query(query, limit, installed)),
        Read::Info { names, .. } => Request::Info(names.to_vec()),
        Read::List(kind) => Request::List(kind),
        Read::Status => Request::Status,
        Read::Why(package) => Request::Why(package.to_string()),
        // The client's [audit] settings: omgd audits as direct mode would. An unreadable
        // config.toml is direct mode's error to report.
        Read::Audit(_) => Request::Audit(audit_request(&Settings::load().ok()?, offline)),
    })
}

/// The `Audit` request under `settings` (the file and its `OMG_AUDIT_*` overrides), with
/// `--offline`.
pub fn audit_request(settings: &Settings, offline: bool) -> AuditRequest {
    AuditRequest {
        offline,
        settings: settings.audit_request(),
    }
}

/// The rendered answer, the error it carries, or `None` when the answer does not fit the
/// command (then direct mode answers instead).
fn render_response(
    out: &Output,
    read: Read<'_>,
    response: Response,
) -> Option<Result<String, Error>> {
    let response = match response.into_result() {
        Ok(r) => r,
        // Direct mode prints the records found before the error (pacman -Si a b); omgd
        // answers the first unknown name only.
        Err(Error::NotFound { .. })
            if !out.json && matches!(read, Read::Info { names, .. } if names.len() > 1) =>
        {
            return None
        }
        // Since 4.1 omgd answers `why`; any failure but an unknown name is left to direct
        // mode, which reports it in its own words.
        Err(e) if matches!(read, Read::Why(_)) && !matches!(e, Error::NotFound { .. }) => {
            return None
        }
        Err(e) => return Some(Err(e)),
    };
    Some(Ok(match (read, response) {
        (Read::Info { .. }, Response::Packages(packages)) => render::info(out, &packages),
        (Read::List(kind), Response::List(packages)) => render::list(out, kind, &packages),
        (Read::Status, Response::Status(status)) => render::status(out, &status),
        (Read::Why(_), Response::Why(report)) => render::why(out, &report),
        // An answer of another kind than asked: direct mode answers instead.
        _ => return None,
    }))
}

/// The configuration direct mode would open, as far as `omg` can tell without the
/// libraries: a daemon must serve exactly that.
#[derive(Debug, PartialEq, Eq)]
struct Expected {
    backend: &'static str,
    config: Option<String>,
    root: Option<String>,
}

impl Expected {
    fn from_global(g: &Global) -> Option<Self> {
        let backend = match g.backend {
            BackendArg::Alpm => "alpm",
            BackendArg::Apt => "apt",
            BackendArg::Auto => {
                let text = OS_RELEASE_FILES
                    .iter()
                    .find_map(|f| std::fs::read_to_string(Path::new("/").join(f)).ok())?;
                match family_from_os_release(&text)? {
                    Family::Arch => "alpm",
                    Family::Debian => "apt",
                }
            }
        };
        let config = match &g.config {
            Some(c) => Some(canonical(c)?),
            None if backend == "alpm" => Some("/etc/pacman.conf".to_string()),
            None => None,
        };
        let root = match &g.root {
            Some(r) => Some(canonical(r)?),
            None => None,
        };
        Some(Self {
            backend,
            config,
            root,
        })
    }

    /// Same backend and configuration file; the same root when one was asked for (without
    /// `--root`, the root follows from the configuration file, as it does for the daemon).
    fn matches(&self, served: &BackendInfo) -> bool {
        served.name == self.backend
            && served.config == self.config
            && self.root.as_ref().is_none_or(|r| *r == served.root)
    }
}

/// Whether a daemon serving `served` answers for `global`'s configuration (`None` when omg
/// cannot tell, e.g. an unreadable /etc/os-release).
pub(crate) fn serves_global(global: &Global, served: &BackendInfo) -> Option<bool> {
    Expected::from_global(global).map(|e| e.matches(served))
}

fn canonical(path: &Path) -> Option<String> {
    std::fs::canonicalize(path)
        .ok()
        .map(PathBuf::into_os_string)
        .and_then(|s| s.into_string().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use omg_ports::VersionScheme;

    fn served(name: &str, config: Option<&str>, root: &str) -> BackendInfo {
        BackendInfo {
            name: name.into(),
            root: root.into(),
            config: config.map(str::to_string),
            version_scheme: VersionScheme::Alpm,
        }
    }

    #[test]
    fn configuration_must_match() {
        let e = Expected {
            backend: "alpm",
            config: Some("/etc/pacman.conf".into()),
            root: None,
        };
        assert!(e.matches(&served("alpm", Some("/etc/pacman.conf"), "/")));
        assert!(e.matches(&served("alpm", Some("/etc/pacman.conf"), "/mnt")));
        assert!(!e.matches(&served("apt", Some("/etc/pacman.conf"), "/")));
        assert!(!e.matches(&served("alpm", Some("/tmp/other.conf"), "/")));
        let rooted = Expected {
            root: Some("/mnt".into()),
            ..e
        };
        assert!(rooted.matches(&served("alpm", Some("/etc/pacman.conf"), "/mnt")));
        assert!(!rooted.matches(&served("alpm", Some("/etc/pacman.conf"), "/")));
        let apt = Expected {
            backend: "apt",
            config: None,
            root: None,
        };
        assert!(apt.matches(&served("apt", None, "/")));
        assert!(!apt.matches(&served("apt", Some("/tmp/apt.conf"), "/")));
    }
}
