//! The daemon path of `omg`: ask a running omgd that serves the same configuration, render
//! its answer exactly as direct mode would, or report that it is not available (then `omg`
//! falls back to direct mode).

use std::path::{Path, PathBuf};
use std::time::Duration;

use omg_domain::family::{family_from_os_release, Family, OS_RELEASE_FILES};
use omg_ports::{BackendInfo, Error};
use omg_transport_uds::{
    default_socket_path, BlockingClient, ClientConfig, ClientError, Request, Response,
};

use crate::args::{BackendArg, Cli, Command, Global};
use crate::render::{self, Output};

/// How long omg waits for a daemon that accepted the connection before giving up on it.
const DAEMON_TIMEOUT: Duration = Duration::from_secs(2);

/// What was printed and the exit code, when omgd answered.
#[derive(Debug)]
pub struct Answer {
    /// For stdout.
    pub stdout: String,
    /// For stderr.
    pub stderr: String,
    /// Exit code.
    pub code: u8,
}

/// Ask omgd for `cli`'s command. `None` when no daemon answers, it serves another
/// configuration, or the command is not one omgd answers: the caller uses direct mode.
///
/// Made for a process that exits after printing the answer (as compilers skip their frees
/// at exit): a search's decoded hits are left for the exit to reclaim, not dropped one
/// string at a time, a tenth of `omg search lib`'s instructions.
pub fn try_daemon(cli: &Cli, out: &Output) -> Option<Answer> {
    if cli.global.no_daemon {
        return None;
    }
    let request = request_for(&cli.command)?;
    let expected = Expected::from_global(&cli.global)?;
    let socket = cli
        .global
        .socket
        .clone()
        .unwrap_or_else(default_socket_path);
    let verbose = cli.global.verbose > 0;
    let response = match ask(&socket, request, &expected) {
        Ok(Some(response)) => response,
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
    if let Command::Audit(args) = &cli.command {
        return match response {
            Response::Audit(outcome) => Some(crate::audit::answer(out, args, outcome)),
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
    if let (Command::Search { .. }, Response::Search(results)) = (&cli.command, &response) {
        let answer = crate::search::answer(out, results);
        std::mem::forget(response);
        return Some(Answer {
            stdout: answer.stdout,
            stderr: answer.stderr,
            code: answer.code,
        });
    }
    Some(match render_response(out, &cli.command, response)? {
        Ok(stdout) => Answer {
            stdout,
            stderr: String::new(),
            code: crate::exit::OK,
        },
        Err(e) => {
            let (stdout, stderr) = render::error(out, &e);
            Answer {
                stdout,
                stderr,
                code: crate::exit::code(&e),
            }
        }
    })
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
) -> Result<Option<Response>, ClientError> {
    let config = ClientConfig {
        timeout: Some(DAEMON_TIMEOUT),
        ..ClientConfig::default()
    };
    if let Request::Audit(_) = request {
        let mut client = BlockingClient::connect(socket, &config)?;
        if !expected.matches(&client.daemon().backend) {
            return Ok(None);
        }
        client.set_timeout(None)?;
        return client.request(request).map(Some);
    }
    let (client, response) = BlockingClient::connect_and_request(socket, &config, request)?;
    Ok(expected
        .matches(&client.daemon().backend)
        .then_some(response))
}

fn request_for(command: &Command) -> Option<Request> {
    Some(match command {
        Command::Search {
            query,
            limit,
            installed,
        } => Request::Search(crate::search::query(query, *limit, *installed)),
        Command::Info { packages } => Request::Info(packages.clone()),
        // `list <name>...` picks names out of the list: answered in direct mode.
        Command::List(list) if !list.names.is_empty() => return None,
        Command::List(list) => Request::List(list.kind()),
        // Read the file lists (or change the database): the helper answers.
        Command::Files { .. } | Command::Owns { .. } | Command::Mark(_) => return None,
        Command::Status => Request::Status,
        Command::Why { package } => Request::Why(package.clone()),
        // The client's [audit] settings: omgd audits as direct mode would. An unreadable
        // config.toml is direct mode's error to report.
        Command::Audit(args) => Request::Audit(crate::audit::request(
            &omg_config::Settings::load().ok()?,
            args,
        )),
        Command::Outdated => Request::List(omg_ports::ListKind::Upgradable),
        Command::Explicit => Request::List(omg_ports::ListKind::Explicit),
        // `omg daemon ...` is handled by `omg` itself (see `daemon_cmd`); writes and
        // `history` need the libraries (or the history file) and go to the helper.
        Command::Daemon { .. }
        | Command::Install { .. }
        | Command::Remove { .. }
        | Command::Update { .. }
        | Command::Sync { .. }
        | Command::Clean(_)
        | Command::History { .. } => return None,
        // Language runtimes are answered by `omg` itself (see `runtimes`).
        Command::Use { .. }
        | Command::Runtimes { .. }
        | Command::Which { .. }
        | Command::Exec { .. }
        | Command::Current
        | Command::Hook { .. }
        | Command::HookEnv { .. } => return None,
        // Answered by the helper without the backend.
        Command::Config | Command::Completions { .. } | Command::Doctor => return None,
    })
}

/// The rendered answer, the error it carries, or `None` when the answer does not fit the
/// command (then direct mode answers instead).
fn render_response(
    out: &Output,
    command: &Command,
    response: Response,
) -> Option<Result<String, Error>> {
    let response = match response.into_result() {
        Ok(r) => r,
        // Direct mode prints the records found before the error (pacman -Si a b); omgd
        // answers the first unknown name only.
        Err(Error::NotFound { .. })
            if !out.json && matches!(command, Command::Info { packages } if packages.len() > 1) =>
        {
            return None
        }
        // Since 4.1 omgd answers `why`; any failure but an unknown name is left to direct
        // mode, which reports it in its own words.
        Err(e)
            if matches!(command, Command::Why { .. }) && !matches!(e, Error::NotFound { .. }) =>
        {
            return None
        }
        Err(e) => return Some(Err(e)),
    };
    Some(Ok(match (command, response) {
        (Command::Search { .. }, Response::Search(results)) => render::search(out, &results),
        (Command::Info { .. }, Response::Packages(packages)) => render::info(out, &packages),
        (Command::List(list), Response::List(packages)) => {
            render::list(out, list.kind(), &packages)
        }
        (Command::Status, Response::Status(status)) => render::status(out, &status),
        (Command::Why { .. }, Response::Why(report)) => render::why(out, &report),
        (Command::Outdated, Response::List(packages)) => {
            render::list(out, omg_ports::ListKind::Upgradable, &packages)
        }
        (Command::Explicit, Response::List(packages)) => {
            render::list(out, omg_ports::ListKind::Explicit, &packages)
        }
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
