//! Which process answers each command: the one `match` over [`Command`] that decides it.
//!
//! `omg` (the thin client) answers [`Route::Client`] itself and asks omgd for
//! [`Route::Read`]; everything else, and a read no omgd answers, goes to the helper
//! `omg-backend`, which matches [`Route::Read`] and [`Route::Helper`] only. A new command is a
//! variant of [`Command`], one arm in [`Command::route`], and its handler.

use omg_ports::ListKind;

use crate::args::{
    AuditArgs, AurArgs, CleanArgs, Command, DaemonAction, HistoryAction, MarkArgs, NewsArgs,
    RuntimesAction, ShellArg, WriteArgs,
};

/// Who answers a command.
#[derive(Debug, Clone, Copy)]
pub enum Route<'a> {
    /// `omg` itself: the shell hook (its per-prompt cost is budgeted) and omgd's control.
    Client(ClientCommand<'a>),
    /// omgd when one serves this configuration, else the helper (byte-identical output).
    Read(Read<'a>),
    /// The helper only: it needs the libraries, the network or the terminal.
    Helper(HelperCommand<'a>),
}

/// The commands `omg` answers itself.
#[derive(Debug, Clone, Copy)]
pub enum ClientCommand<'a> {
    /// `omg hook <shell>`.
    Hook(ShellArg),
    /// `omg hook-env <shell>`.
    HookEnv(ShellArg),
    /// `omg shell <runtime> <version>|--unset [--shell <shell>]`: shell code that sets or
    /// unsets `OMG_<RUNTIME>_VERSION`, for the hook's `omg` function to eval.
    Shell {
        /// The runtime.
        runtime: &'a str,
        /// The version spec; `None` with `--unset`.
        version: Option<&'a str>,
        /// The shell, when given (the hook's function gives it).
        shell: Option<ShellArg>,
    },
    /// `omg daemon start|stop|status`.
    Daemon(DaemonAction),
    /// `omg completions <shell>`: the script, which calls `__complete`.
    Completions(ShellArg),
    /// `omg __complete <index> <words...>`: a completion script's question (its budget is
    /// a key press's).
    Complete {
        /// The position of the word being completed.
        index: usize,
        /// The command line, `omg` first.
        words: &'a [String],
    },
}

/// Where `search` and `info` look: on Arch the repositories and the AUR unless `--repo`
/// or `--aur` says one of them; elsewhere the repositories only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sources {
    /// The repositories, and the AUR where there is one and `[aur] enabled` allows.
    #[default]
    All,
    /// `--repo`: the repositories (and the local database) only.
    Repositories,
    /// `--aur`: the AUR only.
    Aur,
}

impl Sources {
    /// From `--aur` and `--repo` (which clap keeps from coming together).
    pub fn from_flags(aur: bool, repo: bool) -> Self {
        match (aur, repo) {
            (true, _) => Sources::Aur,
            (false, true) => Sources::Repositories,
            (false, false) => Sources::All,
        }
    }

    /// Whether the AUR is asked (where there is one).
    pub fn aur(self) -> bool {
        self != Sources::Repositories
    }

    /// Whether the repositories are asked.
    pub fn repositories(self) -> bool {
        self != Sources::Aur
    }
}

/// The reads omgd serves (and the helper, in direct mode).
#[derive(Debug, Clone, Copy)]
pub enum Read<'a> {
    /// `omg search`.
    Search {
        /// The words.
        query: &'a [String],
        /// `--limit`.
        limit: Option<usize>,
        /// `--installed`.
        installed: bool,
        /// `--aur`, `--repo`.
        sources: Sources,
    },
    /// `omg info`.
    Info {
        /// The names.
        names: &'a [String],
        /// `--aur`, `--repo`.
        sources: Sources,
    },
    /// `omg list [--explicit|--orphans|--upgradable]`, `omg outdated`, `omg explicit`.
    List(ListKind),
    /// `omg status`.
    Status,
    /// `omg why <name>`.
    Why(&'a str),
    /// `omg audit`.
    Audit(&'a AuditArgs),
}

/// The commands only the helper answers.
#[derive(Debug, Clone, Copy)]
pub enum HelperCommand<'a> {
    /// `omg list <name>...`: picks names out of a list.
    ListNames(ListKind, &'a [String]),
    /// `omg files`.
    Files(&'a [String]),
    /// `omg owns`.
    Owns(&'a [String]),
    /// `omg mark`.
    Mark(&'a MarkArgs),
    /// `omg history [list]`.
    History {
        /// `--limit`.
        limit: usize,
    },
    /// `omg history show <id>`: reads the history only.
    HistoryShow(u64),
    /// The commands that change packages.
    Write(WriteCommand<'a>, WriteArgs),
    /// The language-runtime commands.
    Runtime(RuntimeCommand<'a>),
    /// `omg news`: the network and the user's state only, no backend.
    News(NewsArgs),
    /// `omg config`.
    Config,
    /// `omg doctor`.
    Doctor,
}

/// The commands that change packages.
#[derive(Debug, Clone, Copy)]
pub enum WriteCommand<'a> {
    /// `omg install`.
    Install {
        /// The targets.
        packages: &'a [String],
        /// `--reinstall`.
        reinstall: bool,
        /// `--review`, `--allow-risky` (AUR packages).
        aur: AurArgs,
    },
    /// `omg remove`.
    Remove {
        /// The names.
        packages: &'a [String],
        /// `--recursive`.
        recursive: bool,
    },
    /// `omg update`.
    Update {
        /// `--no-refresh`.
        no_refresh: bool,
        /// `--devel`.
        devel: bool,
        /// `--review`, `--allow-risky` (AUR upgrades).
        aur: AurArgs,
    },
    /// `omg sync`.
    Sync,
    /// `omg clean`.
    Clean(&'a CleanArgs),
    /// `omg history undo <id>`.
    Undo(u64),
    /// `omg history redo <id>`.
    Redo(u64),
}

/// The language-runtime commands (never sent to omgd).
#[derive(Debug, Clone, Copy)]
pub enum RuntimeCommand<'a> {
    /// `omg use`.
    Use {
        /// The runtime.
        runtime: &'a str,
        /// The version spec.
        version: Option<&'a str>,
        /// `--global`.
        global: bool,
    },
    /// `omg runtimes install|uninstall|list`.
    Runtimes(&'a RuntimesAction),
    /// `omg which`.
    Which(&'a str),
    /// `omg exec`.
    Exec {
        /// `<runtime>[@<version>]`.
        target: &'a str,
        /// The command line.
        command: &'a [String],
    },
    /// `omg current`.
    Current,
}

impl Command {
    /// Who answers this command.
    pub fn route(&self) -> Route<'_> {
        use HelperCommand as H;
        match self {
            Command::Search {
                query,
                limit,
                installed,
                aur,
                repo,
            } => Route::Read(Read::Search {
                query,
                limit: *limit,
                installed: *installed,
                sources: Sources::from_flags(*aur, *repo),
            }),
            Command::Info {
                packages,
                aur,
                repo,
            } => Route::Read(Read::Info {
                names: packages,
                sources: Sources::from_flags(*aur, *repo),
            }),
            Command::List(list) if list.names.is_empty() => Route::Read(Read::List(list.kind())),
            Command::List(list) => Route::Helper(H::ListNames(list.kind(), &list.names)),
            Command::Status => Route::Read(Read::Status),
            Command::Outdated => Route::Read(Read::List(ListKind::Upgradable)),
            Command::Explicit => Route::Read(Read::List(ListKind::Explicit)),
            Command::Why { package } => Route::Read(Read::Why(package)),
            Command::Audit(args) => Route::Read(Read::Audit(args)),
            Command::Files { packages } => Route::Helper(H::Files(packages)),
            Command::Owns { paths } => Route::Helper(H::Owns(paths)),
            Command::Mark(args) => Route::Helper(H::Mark(args)),
            Command::History(h) => match h.action {
                None => Route::Helper(H::History { limit: h.limit }),
                Some(HistoryAction::List { limit }) => Route::Helper(H::History { limit }),
                Some(HistoryAction::Show { id }) => Route::Helper(H::HistoryShow(id)),
                Some(HistoryAction::Undo { id, write }) => {
                    Route::Helper(H::Write(WriteCommand::Undo(id), write))
                }
                Some(HistoryAction::Redo { id, write }) => {
                    Route::Helper(H::Write(WriteCommand::Redo(id), write))
                }
            },
            Command::Install {
                packages,
                reinstall,
                aur,
                write,
            } => Route::Helper(H::Write(
                WriteCommand::Install {
                    packages,
                    reinstall: *reinstall,
                    aur: *aur,
                },
                *write,
            )),
            Command::Remove {
                packages,
                recursive,
                write,
            } => Route::Helper(H::Write(
                WriteCommand::Remove {
                    packages,
                    recursive: *recursive,
                },
                *write,
            )),
            Command::Update {
                no_refresh,
                devel,
                aur,
                write,
            } => Route::Helper(H::Write(
                WriteCommand::Update {
                    no_refresh: *no_refresh,
                    devel: *devel,
                    aur: *aur,
                },
                *write,
            )),
            Command::Sync { write } => Route::Helper(H::Write(WriteCommand::Sync, *write)),
            Command::Clean(c) => Route::Helper(H::Write(WriteCommand::Clean(c), c.write)),
            Command::Use {
                runtime,
                version,
                global,
            } => Route::Helper(H::Runtime(RuntimeCommand::Use {
                runtime,
                version: version.as_deref(),
                global: *global,
            })),
            Command::Runtimes { action } => {
                Route::Helper(H::Runtime(RuntimeCommand::Runtimes(action)))
            }
            Command::Which { name } => Route::Helper(H::Runtime(RuntimeCommand::Which(name))),
            Command::Exec { target, command } => {
                Route::Helper(H::Runtime(RuntimeCommand::Exec { target, command }))
            }
            Command::Current => Route::Helper(H::Runtime(RuntimeCommand::Current)),
            Command::Shell {
                runtime,
                version,
                unset: _,
                shell,
            } => Route::Client(ClientCommand::Shell {
                runtime,
                version: version.as_deref(),
                shell: *shell,
            }),
            Command::Hook { shell } => Route::Client(ClientCommand::Hook(*shell)),
            Command::HookEnv { shell } => Route::Client(ClientCommand::HookEnv(*shell)),
            Command::Daemon { action } => Route::Client(ClientCommand::Daemon(*action)),
            Command::Complete { index, words } => Route::Client(ClientCommand::Complete {
                index: *index,
                words,
            }),
            Command::News(args) => Route::Helper(H::News(*args)),
            Command::Config => Route::Helper(H::Config),
            Command::Completions { shell } => Route::Client(ClientCommand::Completions(*shell)),
            Command::Doctor => Route::Helper(H::Doctor),
        }
    }

    /// The write options, when this command changes packages.
    pub fn write_args(&self) -> Option<WriteArgs> {
        match self.route() {
            Route::Helper(HelperCommand::Write(_, args)) => Some(args),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use crate::args::Cli;

    fn route_of(args: &[&str]) -> String {
        let cli = Cli::try_parse_from(std::iter::once("omg").chain(args.iter().copied()))
            .unwrap_or_else(|e| panic!("{args:?}: {e}"));
        format!("{:?}", cli.command.route())
    }

    #[test]
    fn history_lists_by_default_shows_as_a_read_and_undoes_as_a_write() {
        assert_eq!(route_of(&["history"]), "Helper(History { limit: 20 })");
        assert_eq!(
            route_of(&["history", "-l", "3"]),
            "Helper(History { limit: 3 })"
        );
        assert_eq!(
            route_of(&["history", "list", "--limit", "4"]),
            "Helper(History { limit: 4 })"
        );
        assert_eq!(
            route_of(&["history", "show", "7"]),
            "Helper(HistoryShow(7))"
        );
        let undo = route_of(&["history", "undo", "7", "--yes"]);
        assert!(
            undo.starts_with("Helper(Write(Undo(7), WriteArgs {"),
            "{undo}"
        );
        assert!(undo.contains("yes: true"), "{undo}");
        let redo = route_of(&["history", "redo", "8", "--dry-run"]);
        assert!(
            redo.starts_with("Helper(Write(Redo(8), WriteArgs {"),
            "{redo}"
        );
        assert!(redo.contains("dry_run: true"), "{redo}");
        // An id is a number.
        let cli = Cli::try_parse_from(["omg", "history", "undo", "x"]);
        assert!(cli.is_err());
    }
}
