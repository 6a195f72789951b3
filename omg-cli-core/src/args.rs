//! The command line, shared by `omg` and `omg-backend` so both parse it identically.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// One fast tool for the packages on this machine.
#[derive(Debug, Parser)]
#[command(name = "omg", version, about, propagate_version = true)]
#[command(after_long_help = crate::exit::help())]
pub struct Cli {
    /// Options that apply to every command.
    #[command(flatten)]
    pub global: Global,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options accepted before or after the subcommand.
#[derive(Debug, Args, Clone)]
pub struct Global {
    /// Print machine-readable JSON.
    #[arg(long, global = true)]
    pub json: bool,
    /// Print less: names only for search and list.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Log more to stderr (-v info, -vv debug, -vvv trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Package backend; `auto` reads /etc/os-release (or /usr/lib/os-release).
    #[arg(long, global = true, value_enum, default_value_t = BackendArg::Auto)]
    pub backend: BackendArg,
    /// Backend configuration file (pacman.conf for alpm, an apt.conf for apt).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Operate on another root directory.
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Never ask omgd; read the package databases directly.
    #[arg(long, global = true)]
    pub no_daemon: bool,
    /// omgd's socket (default: $XDG_RUNTIME_DIR/omg/omgd.sock, else /tmp/omg-$UID/omgd.sock).
    #[arg(long, global = true, value_name = "PATH", env = "OMG_SOCKET")]
    pub socket: Option<PathBuf>,
    /// Never touch the network for what omg caches: `audit` uses the cached security feed,
    /// the runtime commands the cached version lists (else the installed versions) and
    /// download nothing (as `[runtimes] offline`).
    #[arg(long, global = true)]
    pub offline: bool,
}

/// The `--backend` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BackendArg {
    /// Detect from /etc/os-release (or /usr/lib/os-release).
    Auto,
    /// libalpm (Arch).
    Alpm,
    /// libapt-pkg (Debian, Ubuntu).
    Apt,
}

/// `search`'s aliases; the thin client's quick parser (crate omg-cli) reads them from here.
pub const SEARCH_ALIASES: [&str; 1] = ["s"];
/// `info`'s aliases (`show` is apt's word); read by the quick parser too.
pub const INFO_ALIASES: [&str; 1] = ["show"];

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Search package names and descriptions.
    #[command(visible_aliases = SEARCH_ALIASES)]
    Search {
        /// Words to look for (all must match).
        #[arg(required = true, num_args = 1..)]
        query: Vec<String>,
        /// Show at most this many results (0: all of them, as without it).
        #[arg(short, long, value_name = "N")]
        limit: Option<usize>,
        /// Only installed packages.
        #[arg(long)]
        installed: bool,
        /// Only the AUR (Arch).
        #[arg(long, conflicts_with = "repo")]
        aur: bool,
        /// Only the repositories, not the AUR (Arch).
        #[arg(long)]
        repo: bool,
    },
    /// Show everything about packages.
    #[command(visible_aliases = INFO_ALIASES)]
    Info {
        /// Package names.
        #[arg(required = true, num_args = 1..)]
        packages: Vec<String>,
        /// Only the AUR (Arch).
        #[arg(long, conflicts_with = "repo")]
        aur: bool,
        /// Only the repositories, not the AUR (Arch).
        #[arg(long)]
        repo: bool,
    },
    /// List installed packages.
    List(ListArgs),
    /// Counts: available, installed, explicit, orphans, upgradable.
    Status,
    /// Install packages and their dependencies.
    #[command(visible_alias = "i")]
    Install {
        /// Package names (`name`, `repository/name`; apt also `name=version`,
        /// `name/release`), or package files (`./x.pkg.tar.zst`, `./x.deb`).
        #[arg(required = true, num_args = 1..)]
        packages: Vec<String>,
        /// Install packages again that are installed at their newest version already.
        #[arg(long)]
        reinstall: bool,
        /// How AUR packages are reviewed before they are built.
        #[command(flatten)]
        aur: AurArgs,
        /// Confirmation, dry run and sudo.
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Remove packages.
    #[command(visible_aliases = ["r", "uninstall", "purge"])]
    Remove {
        /// Package names.
        #[arg(required = true, num_args = 1..)]
        packages: Vec<String>,
        /// Also remove the dependencies nothing else needs.
        #[arg(short, long)]
        recursive: bool,
        /// Confirmation, dry run and sudo.
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Upgrade every installed package (a full system upgrade; there are no partial ones).
    #[command(visible_aliases = ["u", "upgrade"])]
    Update {
        /// Upgrade from the package databases on disk, without downloading fresh ones first.
        #[arg(long)]
        no_refresh: bool,
        /// Also rebuild AUR VCS packages (-git, ...) whose upstream moved since their build.
        #[arg(long)]
        devel: bool,
        /// How AUR upgrades are reviewed before they are built.
        #[command(flatten)]
        aur: AurArgs,
        /// Confirmation, dry run and sudo.
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Download fresh package databases.
    Sync {
        /// Confirmation, dry run and sudo.
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Remove orphaned dependencies and old downloaded packages.
    Clean(CleanArgs),
    /// Why a package is installed: the chain of packages that pulled it in, and what needs it.
    Why {
        /// Package name.
        package: String,
    },
    /// Installed packages with a newer version available (same as `list --upgradable`).
    Outdated,
    /// Packages installed explicitly, not as dependencies (same as `list --explicit`).
    Explicit,
    /// The files installed packages own (pacman -Ql, dpkg -L).
    Files {
        /// Installed package names.
        #[arg(required = true, num_args = 1..)]
        packages: Vec<String>,
    },
    /// Which installed packages own files (pacman -Qo, dpkg -S).
    Owns {
        /// Paths; a name without `/` is looked up in PATH, as pacman -Qo does. On apt, also
        /// dpkg -S's patterns (`bin/ls`, `'*/ls'`).
        #[arg(required = true, num_args = 1..)]
        paths: Vec<String>,
    },
    /// Record why packages are installed: explicitly, or as a dependency that `omg clean`
    /// may remove once nothing needs it (pacman -D --asexplicit/--asdeps, apt-mark
    /// manual/auto).
    Mark(MarkArgs),
    /// Transactions omg carried out, oldest first (`list`, the default); one in full
    /// (`show`); undo or redo one.
    History(HistoryArgs),
    /// Installed packages with known vulnerabilities, from the distribution's security
    /// tracker (exit 10 when any at or above --severity is found).
    Audit(AuditArgs),
    /// Use a runtime version in this directory tree (writes its version file, e.g. .nvmrc)
    /// or everywhere (--global); installs it when missing.
    Use {
        /// The runtime (`node`, `python`, `go`, `rust`, `ruby`, `java`, `bun`; others go
        /// through mise).
        #[arg(value_parser = runtime_name)]
        runtime: String,
        /// The version: `20.11.1`, `20`, `latest`, `lts`, `lts/iron`, `stable`, `1.80`.
        /// Default: the version active here, else the newest (node: the newest LTS).
        #[arg(id = "spec", value_name = "VERSION")]
        version: Option<String>,
        /// Set the global default instead of writing a version file here.
        #[arg(long)]
        global: bool,
    },
    /// Install, uninstall or list language runtimes.
    Runtimes {
        /// What to do.
        #[command(subcommand)]
        action: RuntimesAction,
    },
    /// Which version of a runtime (or of the runtime providing a binary, like npm) is active
    /// here, and which file decided it.
    Which {
        /// A runtime (`node`) or a binary (`npm`).
        name: String,
    },
    /// Run a command with a runtime version first on PATH (installs it when missing).
    Exec {
        /// `<runtime>@<version>` (`node@20`), or `<runtime>` for the version active here.
        #[arg(value_parser = runtime_target)]
        target: String,
        /// The command and its arguments, after `--`.
        #[arg(last = true, required = true, num_args = 1..)]
        command: Vec<String>,
    },
    /// Every runtime version active in this directory, and what decided each.
    Current,
    /// Use a runtime version in this shell only, over every version file and global
    /// default: sets `OMG_<RUNTIME>_VERSION` (OMG_NODE_VERSION) through the `omg` function
    /// that the hook (`omg hook`) defines.
    Shell {
        /// The runtime (`node`, `python`, `go`, `rust`, `ruby`, `java`, `bun`).
        #[arg(value_parser = runtime_name)]
        runtime: String,
        /// The version: `20.11.1`, `20`, `lts`, `stable`, ... (it need not be installed).
        #[arg(
            id = "spec",
            value_name = "VERSION",
            required_unless_present = "unset",
            conflicts_with = "unset"
        )]
        version: Option<String>,
        /// Drop this shell's override: the version files decide again.
        #[arg(long)]
        unset: bool,
        /// The shell to print code for (the hook's `omg` function passes it).
        #[arg(long, value_enum, value_name = "SHELL")]
        shell: Option<ShellArg>,
    },
    /// Print the shell code that activates runtime versions on directory change; add
    /// `eval "$(omg hook bash)"` to ~/.bashrc (zsh: ~/.zshrc; fish: `omg hook fish | source`).
    Hook {
        /// The shell.
        #[arg(value_enum)]
        shell: ShellArg,
    },
    /// The PATH changes for the current directory, as shell code (called by the hook).
    #[command(hide = true)]
    HookEnv {
        /// The shell.
        #[arg(value_enum)]
        shell: ShellArg,
    },
    /// The candidates for the word at `index` of `words` (`omg` first), one a line (called
    /// by the completion scripts).
    #[command(name = "__complete", hide = true)]
    Complete {
        /// The position of the word being completed.
        index: usize,
        /// The command line as the shell split it.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        words: Vec<String>,
    },
    /// Start, stop or inspect omgd, the daemon that keeps the package index hot.
    Daemon {
        /// What to do with omgd.
        #[command(subcommand)]
        action: DaemonAction,
    },
    /// Unread Arch news (the archlinux.org feed, `[aur] news_url`), newest first; what is
    /// shown is marked read. `omg update` stops on an unread item that asks for manual
    /// intervention until it has been read here.
    News(NewsArgs),
    /// Every setting omg reads (config.toml and OMG_* variables): its value and where it
    /// came from.
    Config,
    /// Check omg's set-up: configuration, backend and databases, omgd, the security audit,
    /// language runtimes and the shell hook (exit 1 when something does not work).
    Doctor,
    /// Print a completion script for the shell (bash: `omg completions bash >
    /// ~/.local/share/bash-completion/completions/omg`; fish: `omg completions fish >
    /// ~/.config/fish/completions/omg.fish`; zsh: into a directory of $fpath as `_omg`).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: ShellArg,
    },
}

/// `omg daemon` subcommands. `omg` handles them itself; they never reach `omg-backend`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Subcommand)]
pub enum DaemonAction {
    /// Start omgd in the background for --backend/--config/--root/--socket (no-op when one
    /// already answers on the socket).
    Start,
    /// Stop the omgd serving the socket (SIGTERM) and wait for it to exit.
    Stop,
    /// Whether omgd runs, what it serves and its counters (exit 1 when it does not run).
    Status,
}

/// `omg runtimes` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum RuntimesAction {
    /// Install a runtime version (default: the newest; node: the newest LTS).
    Install {
        /// The runtime.
        #[arg(value_parser = runtime_name)]
        runtime: String,
        /// The version spec (`20`, `3.12`, `lts`, `stable`, ...).
        #[arg(id = "spec", value_name = "VERSION")]
        version: Option<String>,
    },
    /// Remove an installed runtime version.
    Uninstall {
        /// The runtime.
        #[arg(value_parser = runtime_name)]
        runtime: String,
        /// The installed version (a partial version picks the newest installed match).
        #[arg(id = "spec", value_name = "VERSION")]
        version: String,
    },
    /// Installed versions (of every runtime, or of one), or with --remote the versions the
    /// source offers.
    List {
        /// Only this runtime (required with --remote).
        #[arg(value_parser = runtime_name)]
        runtime: Option<String>,
        /// The versions available for download instead.
        #[arg(long)]
        remote: bool,
        /// With --remote: every version, reading every page of a source that pages its list
        /// (python's and bun's GitHub releases, java's builds; by default only the newest
        /// page).
        #[arg(long, requires = "remote")]
        all: bool,
    },
}

/// A runtime as the commands know it: other tools' names mapped to omg's (`nodejs` -> `node`,
/// `golang` -> `go`, `rustc` -> `rust`, `python3` -> `python`, `jdk` -> `java`).
fn runtime_name(name: &str) -> Result<String, std::convert::Infallible> {
    Ok(omg_domain::runtime::canonical_runtime(name))
}

/// `<runtime>[@<version>]` with the runtime's name as [`runtime_name`] maps it.
fn runtime_target(target: &str) -> Result<String, std::convert::Infallible> {
    Ok(match target.split_once('@') {
        Some((runtime, version)) => {
            format!(
                "{}@{version}",
                omg_domain::runtime::canonical_runtime(runtime)
            )
        }
        None => omg_domain::runtime::canonical_runtime(target),
    })
}

/// The shells `omg hook` supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShellArg {
    /// bash.
    Bash,
    /// zsh.
    Zsh,
    /// fish.
    Fish,
}

/// `omg news` options.
#[derive(Debug, Args, Clone, Copy)]
pub struct NewsArgs {
    /// Every item of the feed, read or not.
    #[arg(long, conflicts_with = "ack")]
    pub all: bool,
    /// Mark every item read without printing it.
    #[arg(long)]
    pub ack: bool,
}

/// `omg audit` options.
#[derive(Debug, Args, Clone, Copy)]
pub struct AuditArgs {
    /// Only vulnerabilities a pending upgrade fixes.
    #[arg(long)]
    pub upgradable: bool,
    /// Only vulnerabilities of this severity or higher.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub severity: Option<SeverityArg>,
}

/// The `--severity` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    /// Low and above.
    Low,
    /// Medium and above.
    Medium,
    /// High and above.
    High,
    /// Critical only.
    Critical,
}

impl SeverityArg {
    /// The port's severity.
    pub fn severity(self) -> omg_ports::Severity {
        use omg_ports::Severity;
        match self {
            SeverityArg::Low => Severity::Low,
            SeverityArg::Medium => Severity::Medium,
            SeverityArg::High => Severity::High,
            SeverityArg::Critical => Severity::Critical,
        }
    }
}

/// Which list `omg list` prints.
#[derive(Debug, Args, Clone)]
#[group(id = "which", multiple = false)]
pub struct ListArgs {
    /// Only packages installed explicitly.
    #[arg(long)]
    pub explicit: bool,
    /// Only dependencies nothing needs any more.
    #[arg(long)]
    pub orphans: bool,
    /// Only packages with an update available.
    #[arg(long)]
    pub upgradable: bool,
    /// Only these installed packages (pacman -Q name, apt list name); each one that is not
    /// installed is an error.
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
}

impl ListArgs {
    /// The list kind these flags select.
    pub fn kind(&self) -> omg_ports::ListKind {
        use omg_ports::ListKind;
        if self.explicit {
            ListKind::Explicit
        } else if self.orphans {
            ListKind::Orphans
        } else if self.upgradable {
            ListKind::Upgradable
        } else {
            ListKind::Installed
        }
    }
}

/// `omg history`: without a subcommand, `list`.
#[derive(Debug, Args, Clone, Copy)]
#[command(args_conflicts_with_subcommands = true)]
pub struct HistoryArgs {
    /// What to do; `list` when absent.
    #[command(subcommand)]
    pub action: Option<HistoryAction>,
    /// Show the last N transactions.
    #[arg(short, long, value_name = "N", default_value_t = 20)]
    pub limit: usize,
}

/// `omg history` subcommands.
#[derive(Debug, Clone, Copy, Subcommand)]
pub enum HistoryAction {
    /// Transactions omg carried out, oldest first (the default).
    List {
        /// Show the last N transactions.
        #[arg(short, long, value_name = "N", default_value_t = 20)]
        limit: usize,
    },
    /// One transaction in full: every package with its old and new version, who ran it,
    /// when, and the command line.
    Show {
        /// The transaction's number (the ID column of `omg history`).
        id: u64,
    },
    /// Undo a transaction: remove what it installed, install the old versions of what it
    /// upgraded, downgraded or removed (from the package cache or a repository).
    Undo {
        /// The transaction's number.
        id: u64,
        /// Confirmation, dry run and sudo.
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Apply a transaction again: install the new versions it installed, remove what it
    /// removed (redoing an undo undoes again).
    Redo {
        /// The transaction's number.
        id: u64,
        /// Confirmation, dry run and sudo.
        #[command(flatten)]
        write: WriteArgs,
    },
}

/// Options of every command that changes the system.
#[derive(Debug, Args, Clone, Copy, Default)]
pub struct WriteArgs {
    /// Show the plan (packages, versions, sizes) and stop.
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for confirmation.
    #[arg(short, long)]
    pub yes: bool,
    /// Without root, re-run through sudo without asking.
    #[arg(long)]
    pub sudo: bool,
}

/// The review of AUR packages before they are built (Arch).
#[derive(Debug, Args, Clone, Copy, Default)]
pub struct AurArgs {
    /// ask: show what changed since the last review and ask (needs a terminal); accept:
    /// print it and go on unless a warning is high; skip: build without a review.
    #[arg(long, value_enum, value_name = "HOW", default_value_t = Review::Ask)]
    pub review: Review,
    /// With --review=accept: go on even when a warning is high.
    #[arg(long)]
    pub allow_risky: bool,
}

/// `--review`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Review {
    /// Show the diff and the warnings, and ask (a terminal is needed).
    #[default]
    Ask,
    /// Print the diff and the warnings and go on, unless a warning is high.
    Accept,
    /// Build without reviewing (says what it skips).
    Skip,
}

/// `omg clean`: what to clean. Without flags, both.
#[derive(Debug, Args, Clone, Copy)]
pub struct CleanArgs {
    /// Remove dependencies nothing needs any more (like `remove --recursive` of the orphans).
    #[arg(long)]
    pub orphans: bool,
    /// Delete downloaded package files from the cache.
    #[arg(long)]
    pub cache: bool,
    /// With --cache: keep the newest N versions of each package (`paccache -rk N`);
    /// without it, the files of the installed versions are kept (`pacman -Sc`).
    #[arg(long, value_name = "N", requires = "cache")]
    pub keep: Option<usize>,
    /// Confirmation, dry run and sudo.
    #[command(flatten)]
    pub write: WriteArgs,
}

/// `omg mark`: the reason to record.
#[derive(Debug, Args, Clone)]
pub struct MarkArgs {
    /// Installed explicitly (pacman -D --asexplicit, apt-mark manual).
    #[arg(
        long,
        visible_alias = "asexplicit",
        conflicts_with = "dependency",
        required_unless_present = "dependency"
    )]
    pub explicit: bool,
    /// Installed as a dependency (pacman -D --asdeps, apt-mark auto).
    #[arg(long, visible_alias = "asdeps")]
    pub dependency: bool,
    /// Installed package names.
    #[arg(required = true, num_args = 1..)]
    pub packages: Vec<String>,
    /// Show what would change, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Without root, re-run through sudo without asking.
    #[arg(long)]
    pub sudo: bool,
}

impl MarkArgs {
    /// The reason these flags select.
    pub fn reason(&self) -> omg_ports::InstallReason {
        if self.dependency {
            omg_ports::InstallReason::Dependency
        } else {
            omg_ports::InstallReason::Explicit
        }
    }
}
