//! The read commands that answer for each name given, like pacman: `info`, `list <name>`,
//! `files` and `owns` print what they found on stdout and an error on stderr for each
//! name they could not answer, and exit with the first error's code.

use std::path::PathBuf;

use omg::Engine;
use omg_cli_core::exit;
use omg_cli_core::render::{self, Output};
use omg_cli_core::route::{Read, Sources};
use omg_ports::{Error, ListKind, Result};

use omg_cli_core::Answer;

use crate::aur::Aur;

/// How many "did you mean" names an unknown installed package gets.
const SUGGESTIONS: usize = 3;

/// What was found, and the errors for the rest, in the order asked.
pub(crate) struct Partial<T> {
    pub(crate) found: Vec<T>,
    pub(crate) errors: Vec<Error>,
}

impl<T> Partial<T> {
    pub(crate) fn new() -> Self {
        Partial {
            found: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// The reply: `render`ed findings and the errors' lines. With `--json` a single
    /// document: the error object when anything failed, else the findings.
    pub(crate) fn reply(self, out: &Output, render: impl FnOnce(&[T]) -> String) -> Result<Answer> {
        let mut errors = self.errors.into_iter();
        let Some(first) = errors.next() else {
            return Ok(Answer::from(render(&self.found)));
        };
        let code = exit::code(&first);
        if out.json || self.found.is_empty() && errors.len() == 0 {
            return Err(first);
        }
        let all: Vec<Error> = std::iter::once(first).chain(errors).collect();
        let stderr = all.iter().map(|e| render::error(out, e).1).collect();
        let stdout = if self.found.is_empty() {
            String::new()
        } else {
            render(&self.found)
        };
        Ok(Answer {
            stdout,
            stderr,
            code,
        })
    }
}

/// `omg info a b c`: each record found, then an error for each name that is not a package.
pub async fn info(engine: &Engine, out: &Output, names: &[String]) -> Result<Answer> {
    let mut partial = Partial::new();
    for name in names {
        match engine.info(std::slice::from_ref(name)).await {
            Ok(mut packages) => partial.found.append(&mut packages),
            Err(e @ Error::NotFound { .. }) => partial.errors.push(e),
            Err(e) => return Err(e),
        }
    }
    partial.reply(out, |p| render::info(out, p))
}

/// `omg list a b`: the installed packages of `kind` with these names, in the order given
/// (pacman -Q a b), and an error for each name that is not among them.
pub async fn list(
    engine: &Engine,
    out: &Output,
    kind: ListKind,
    names: &[String],
) -> Result<Answer> {
    let installed = engine.list(kind).await?;
    let mut partial = Partial::new();
    for name in names {
        match installed.iter().find(|p| &p.name == name) {
            Some(p) => partial.found.push(p.clone()),
            None => partial.errors.push(not_installed(
                name,
                installed.iter().map(|p| p.name.as_str()),
            )),
        }
    }
    partial.reply(out, |p| render::list(out, kind, p))
}

/// `omg files a b`: each installed package's files (pacman -Ql, dpkg -L).
pub async fn files(engine: &Engine, out: &Output, names: &[String]) -> Result<Answer> {
    let backend = engine.backend();
    let mut partial = Partial::new();
    for name in names {
        match backend.files(name).await? {
            Some(files) => partial.found.push(files),
            None => {
                let installed = engine.list(ListKind::Installed).await?;
                partial.errors.push(not_installed(
                    name,
                    installed.iter().map(|p| p.name.as_str()),
                ));
            }
        }
    }
    partial.reply(out, |f| render::files(out, f))
}

/// `omg owns p q`: the installed packages owning each path (pacman -Qo, dpkg -S).
pub async fn owns(engine: &Engine, out: &Output, paths: &[String]) -> Result<Answer> {
    let backend = engine.backend();
    let mut partial = Partial::new();
    for given in paths {
        let target = match locate(given) {
            Ok(t) => t,
            Err(e) => {
                partial.errors.push(e);
                continue;
            }
        };
        let owners = match backend.owners(&target.text).await {
            Ok(o) => o,
            // A command name found nowhere: pacman -Qo's "failed to find 'x' in PATH".
            Err(Error::Io { source, .. })
                if target.command && source.kind() == std::io::ErrorKind::NotFound =>
            {
                partial.errors.push(not_in_path(given));
                continue;
            }
            Err(e @ (Error::Io { .. } | Error::InvalidRequest(_))) => {
                partial.errors.push(e);
                continue;
            }
            Err(e) => return Err(e),
        };
        if owners.is_empty() {
            // pacman -Qo and dpkg -S exit 1 for a path nobody owns, as for this error.
            partial.errors.push(Error::Io {
                path: PathBuf::from(&target.text),
                source: std::io::Error::other("no installed package owns it"),
            });
        }
        partial.found.extend(owners);
    }
    partial.reply(out, |o| render::owners(out, o))
}

/// What `omg owns` asks the backend about for one argument.
struct Target {
    /// The path (absolute when omg could tell), or the argument as given.
    text: String,
    /// A command name (no `/`) that is in no directory of `PATH`.
    command: bool,
}

/// What `given` names, as both peers agree: an absolute path as it is; `./x`, `../x` made
/// absolute; a command name (no `/`, no wildcard) the first match in `PATH`, as `pacman
/// -Qo` looks it up. Anything else (`bin/ls`, `'*/ls'`, a name in no directory of `PATH`)
/// goes to the backend as given: pacman reads it relative to the current directory, dpkg
/// -S takes it as a search pattern.
fn locate(given: &str) -> Result<Target> {
    let as_given = |command: bool| Target {
        text: given.to_string(),
        command,
    };
    if given.is_empty() {
        return Err(Error::InvalidRequest(
            "an empty path names no file; give a path, a command name or (apt) a pattern".into(),
        ));
    }
    if given.starts_with('/') {
        return Ok(as_given(false));
    }
    if [".", ".."].contains(&given) || given.starts_with("./") || given.starts_with("../") {
        let cwd = std::env::current_dir().map_err(|source| Error::Io {
            path: PathBuf::from("."),
            source,
        })?;
        return Ok(Target {
            text: cwd.join(given).to_string_lossy().into_owned(),
            command: false,
        });
    }
    if given.contains(['/', '*', '?', '[', '\\']) {
        return Ok(as_given(false));
    }
    let path_var = std::env::var_os("PATH").unwrap_or_default();
    Ok(std::env::split_paths(&path_var)
        .map(|dir| dir.join(given))
        .find(|candidate| candidate.symlink_metadata().is_ok())
        .map_or_else(
            || as_given(true),
            |found| Target {
                text: found.to_string_lossy().into_owned(),
                command: false,
            },
        ))
}

fn not_in_path(given: &str) -> Error {
    Error::Io {
        path: PathBuf::from(given),
        source: std::io::Error::new(std::io::ErrorKind::NotFound, "not found in PATH"),
    }
}

/// "package 'x' was not found" with the closest installed names.
fn not_installed<'a>(name: &str, installed: impl Iterator<Item = &'a str>) -> Error {
    Error::NotFound {
        name: name.to_string(),
        suggestions: omg_domain::suggest::closest(name, installed, SUGGESTIONS),
    }
}

/// The reads omgd also serves, answered from the libraries (direct mode): the same output.
/// `offline` is `--offline` (the audit's cached feed only).
pub async fn read(engine: &Engine, out: &Output, read: Read<'_>, offline: bool) -> Result<Answer> {
    match read {
        Read::Search {
            query,
            limit,
            installed,
            sources,
        } => {
            let query = omg_cli_core::search::query(query, limit, installed);
            if let Some(aur) = Aur::open(engine, sources)? {
                return crate::aur::reads::search(engine, out, &aur, &query, sources).await;
            }
            let results = engine.search(&query).await?;
            Ok(omg_cli_core::search::answer(out, &results))
        }
        Read::Info { names, sources } => match Aur::open(engine, sources)? {
            Some(aur) => crate::aur::reads::info(engine, out, &aur, names, sources).await,
            None => info(engine, out, names).await,
        },
        Read::List(kind) => {
            let mut packages = engine.list(kind).await?;
            if kind == ListKind::Upgradable {
                // On Arch, the AUR's upgrades too, as `paru -Qu` lists them.
                if let Some(aur) = Aur::open(engine, Sources::All)? {
                    let installed = engine.backend().installed().await?;
                    packages.extend(crate::aur::update::outdated(&aur, &installed).await);
                }
            }
            Ok(Answer::from(render::list(out, kind, &packages)))
        }
        Read::Status => Ok(Answer::from(render::status(
            out,
            &omg::status::status(engine).await?,
        ))),
        Read::Why(package) => Ok(Answer::from(render::why(out, &engine.why(package).await?))),
        Read::Audit(args) => crate::audit::run(engine, args, out, offline).await,
    }
}
