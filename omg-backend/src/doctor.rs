//! `omg doctor`: checks of omg's set-up, each with what to do when it is not ok.

use omg_cli::daemon_cmd::{self, DaemonCheck};
use omg_cli_core::args::Cli;
use omg_cli_core::render::{self, Check, Health, Output};
use omg_config::Config;

use crate::engine::open_engine;
use omg_cli_core::Answer;

/// Run every check; exit 1 when one found a problem.
pub async fn doctor(cli: &Cli, out: &Output) -> Answer {
    let mut checks = vec![configuration()];
    let engine = open_engine(cli);
    checks.push(match &engine {
        Ok(engine) => backend(engine).await,
        Err(e) => Check {
            check: "backend",
            health: Health::Problem,
            detail: omg_cli_core::render::message(e),
        },
    });
    checks.push(daemon(cli));
    if let Ok(engine) = &engine {
        checks.push(audit(engine).await);
    }
    checks.push(runtimes());
    checks.push(mise());
    checks.push(hook());
    let problem = checks.iter().any(|c| c.health == Health::Problem);
    if let Ok(engine) = engine {
        // As in run.rs: nothing to gain from freeing the backend's packages one by one.
        std::mem::forget(engine);
    }
    Answer {
        stdout: render::doctor(out, &checks),
        stderr: String::new(),
        code: if problem {
            omg_cli_core::exit::FAILURE
        } else {
            omg_cli_core::exit::OK
        },
    }
}

fn configuration() -> Check {
    // The one value checked when read: a bad one fails every write.
    if let Err(e) = omg_config::Settings::load().and_then(|s| s.lock_timeout()) {
        return Check {
            check: "configuration",
            health: Health::Problem,
            detail: omg_cli_core::render::message(&e),
        };
    }
    let (health, detail) = match Config::load() {
        Ok(c) => match c.path() {
            Some(p) if p.exists() => (Health::Ok, format!("{} (omg config shows it)", p.display())),
            Some(p) => (
                Health::Ok,
                format!("{} is not present; defaults apply", p.display()),
            ),
            None => (
                Health::Note,
                "neither XDG_CONFIG_HOME nor HOME is set: no configuration file".into(),
            ),
        },
        Err(e) => (Health::Problem, omg_cli_core::render::message(&e)),
    };
    Check {
        check: "configuration",
        health,
        detail,
    }
}

async fn backend(engine: &omg::Engine) -> Check {
    let info = engine.backend_info();
    let place = match &info.config {
        Some(c) => format!("{}, {c}, root {}", info.name, info.root),
        None => format!("{}, root {}", info.name, info.root),
    };
    match engine.status().await {
        Ok(s) if s.available == 0 => Check {
            check: "backend",
            health: Health::Note,
            detail: format!(
                "{place}: no package available from any repository; run `omg sync` to \
                 download the package databases"
            ),
        },
        Ok(s) => Check {
            check: "backend",
            health: Health::Ok,
            detail: format!(
                "{place}: {} available, {} installed, {} upgradable",
                s.available, s.installed, s.upgradable
            ),
        },
        Err(e) => Check {
            check: "backend",
            health: Health::Problem,
            detail: format!("{place}: {e}"),
        },
    }
}

fn daemon(cli: &Cli) -> Check {
    let (health, detail) = match daemon_cmd::check(&cli.global) {
        DaemonCheck::Running {
            socket,
            serves,
            ours: true,
        } => (
            Health::Ok,
            format!(
                "omgd on {} serves this configuration ({serves})",
                socket.display()
            ),
        ),
        DaemonCheck::Running {
            socket,
            serves,
            ours: false,
        } => (
            Health::Note,
            format!(
                "omgd on {} serves another configuration ({serves}), so omg reads the \
                 databases itself; give this one its own omgd with --socket",
                socket.display()
            ),
        ),
        DaemonCheck::NotRunning { socket } => (
            Health::Note,
            format!(
                "no omgd on {}: every read opens the databases (start it: omg daemon start)",
                socket.display()
            ),
        ),
        DaemonCheck::Broken { socket, reason } => (
            Health::Problem,
            format!(
                "{} answers, but not as omgd should: {reason}; stop it (omg daemon stop) and \
                 start omgd again",
                socket.display()
            ),
        ),
    };
    Check {
        check: "daemon",
        health,
        detail,
    }
}

async fn audit(engine: &omg::Engine) -> Check {
    let summary = match omg::audit::default_cache_path() {
        Ok(cache) => omg::audit::last_summary(&engine.backend_info(), &cache).await,
        Err(_) => None,
    };
    let (health, detail) = match summary {
        Some(s) => (
            Health::Ok,
            format!(
                "{} vulnerable per {}, checked {} ago (omg audit)",
                s.vulnerable,
                s.feed,
                render::age(render::now_secs() - s.fetched_at)
            ),
        ),
        None => (
            Health::Note,
            "no audit yet for this backend: run `omg audit` (omgd runs it daily)".into(),
        ),
    };
    Check {
        check: "security audit",
        health,
        detail,
    }
}

fn runtimes() -> Check {
    let installed = omg::status::runtimes();
    let (health, detail) = if installed.is_empty() {
        (
            Health::Ok,
            "none installed by omg (omg runtimes install <runtime>)".to_string(),
        )
    } else {
        let list: Vec<String> = installed
            .iter()
            .map(|r| format!("{} {}", r.name, r.installed.join("/")))
            .collect();
        (Health::Ok, list.join(", "))
    };
    Check {
        check: "runtimes",
        health,
        detail,
    }
}

fn mise() -> Check {
    use crate::runtimes::mise_source::{version_of, MiseSource};
    let found = |kind: &str, path: &std::path::Path| match version_of(path) {
        Some(v) => (Health::Ok, format!("{kind} {} ({v})", path.display())),
        None => (
            Health::Problem,
            format!(
                "{kind} {} does not answer `mise --version`: fix or remove it",
                path.display()
            ),
        ),
    };
    let (health, detail) = match crate::runtimes::load_mise() {
        // A broken config.toml is the configuration check's problem.
        Err(e) => (Health::Note, omg_cli_core::render::message(&e)),
        Ok(MiseSource::Configured(p)) => found("configured:", &p),
        Ok(MiseSource::OnPath(p)) => found("on PATH:", &p),
        Ok(MiseSource::Bundled(b)) => match b.installed() {
            Some(p) => found("omg's own:", &p),
            None if !b.supported(&omg_ports::Platform::current()) => (
                Health::Note,
                "none configured or on PATH, and mise publishes no build for this \
                 platform: set `[runtimes] mise`"
                    .to_string(),
            ),
            None => (
                Health::Ok,
                format!(
                    "none configured or on PATH: omg downloads mise {} into {} on first use",
                    b.version(),
                    b.dir().display()
                ),
            ),
        },
    };
    Check {
        check: "mise",
        health,
        detail,
    }
}

fn hook() -> Check {
    let (health, detail) = if std::env::var_os("__OMG_HOOK").is_some() {
        (Health::Ok, "active in this shell".to_string())
    } else {
        (
            Health::Note,
            "not active in this shell: add `eval \"$(omg hook bash)\"` to ~/.bashrc (zsh: \
             ~/.zshrc; fish: `omg hook fish | source`)"
                .to_string(),
        )
    };
    Check {
        check: "shell hook",
        health,
        detail,
    }
}
