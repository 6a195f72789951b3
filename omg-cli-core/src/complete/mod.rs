//! Shell completion: what the word under the cursor may be, read from omg's own command line
//! (clap's tree), and the scripts that ask for it (`omg completions <shell>`, [`script`]).
//!
//! A script calls `omg __complete <index> <words...>` (the thin client answers it, route
//! `ClientCommand::Complete`): `words` is the command line as the shell split it, `omg`
//! first, and `index` the position of the word being completed (a shell may leave an empty
//! last word out). [`analyze`] says what that word is: a subcommand or an option (answered
//! from clap's tree here), or data the client looks up — package names (omgd), runtime
//! names, installed runtime versions (the runtimes directory). Whatever comes from outside
//! passes [`shell_safe`] before it is printed.

pub mod script;

use std::path::PathBuf;

use clap::{Arg, Command as ClapCommand, CommandFactory};

use crate::args::{BackendArg, Cli, Global};

/// What the word under the cursor is, and the options the line gave so far.
#[derive(Debug, Clone)]
pub struct Completion {
    /// The word being completed (empty at a new word).
    pub current: String,
    /// What it may be.
    pub want: Want,
    /// `--backend`, `--config`, `--root`, `--socket` and `--no-daemon` as the line gives them
    /// (`--socket` falls back to `$OMG_SOCKET`, as the command itself does): which omgd to
    /// ask, and what it must serve.
    pub global: Global,
}

/// The kinds of candidates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Want {
    /// Nothing omg knows (a path, a command to run): the shell completes file names.
    Nothing,
    /// These words (subcommands, options, an option's values), from omg's command line.
    Words(Vec<String>),
    /// Package names (omgd's index); installed packages only when `installed`.
    Packages {
        /// Installed packages only.
        installed: bool,
    },
    /// Runtime names; those with a directory of installed versions only when `installed`.
    Runtimes {
        /// Runtimes with installed versions only.
        installed: bool,
    },
    /// The installed versions of this runtime (its canonical name).
    Versions(String),
    /// `<runtime>@<version>` for the installed versions of this runtime (`omg exec`).
    Targets(String),
}

/// What the word at `index` of `words` (`omg` first) may be.
pub fn analyze(words: &[String], index: usize) -> Completion {
    let current = words.get(index).cloned().unwrap_or_default();
    let root = Cli::command();
    let mut walk = Walk::new(&root);
    let end = index.min(words.len());
    let mut i = 1;
    while i < end {
        i += walk.word(&words[i], words.get(i + 1).filter(|_| i + 1 < end));
    }
    let want = match walk.pending {
        // The value of an option: its listed values, else a path or free text.
        Some(arg) => Want::Words(possible_values(arg)),
        // After `--`: the command `omg exec` runs.
        None if walk.rest => Want::Nothing,
        None if current.starts_with('-') => Want::Words(walk.options()),
        None if walk.sub_expected() => Want::Words(subcommands(walk.cmd)),
        None => data(&walk.path, &walk.positionals, &current),
    };
    let want = match want {
        Want::Words(w) if w.is_empty() => Want::Nothing,
        Want::Words(w) => Want::Words(w.into_iter().filter(|w| w.starts_with(&current)).collect()),
        other => other,
    };
    let mut global = walk.global;
    if global.socket.is_none() {
        global.socket = std::env::var_os("OMG_SOCKET")
            .filter(|s| !s.is_empty())
            .map(PathBuf::from);
    }
    Completion {
        current,
        want,
        global,
    }
}

/// The data a positional of the command at `path` takes, given the positionals before it.
fn data(path: &[String], positionals: &[String], current: &str) -> Want {
    let path: Vec<&str> = path.iter().map(String::as_str).collect();
    let runtime = || {
        positionals
            .first()
            .map(|r| omg_domain::runtime::canonical_runtime(r))
    };
    match (path.as_slice(), positionals.len()) {
        (["install"] | ["info"], _) => Want::Packages { installed: false },
        (["remove"] | ["files"], _) | (["why"], 0) => Want::Packages { installed: true },
        (["use"] | ["shell"] | ["runtimes", "install"] | ["runtimes", "list"] | ["which"], 0) => {
            Want::Runtimes { installed: false }
        }
        (["runtimes", "uninstall"], 0) => Want::Runtimes { installed: true },
        (["use"] | ["runtimes", "uninstall"] | ["shell"], 1) => {
            runtime().map_or(Want::Nothing, Want::Versions)
        }
        (["exec"], 0) => match current.split_once('@') {
            Some((runtime, _)) => Want::Targets(omg_domain::runtime::canonical_runtime(runtime)),
            None => Want::Runtimes { installed: false },
        },
        _ => Want::Nothing,
    }
}

/// The walk over the words before the cursor.
struct Walk<'c> {
    root: &'c ClapCommand,
    /// The deepest subcommand named so far.
    cmd: &'c ClapCommand,
    /// The subcommands' names from the top.
    path: Vec<String>,
    positionals: Vec<String>,
    /// After `--`: everything is a positional.
    rest: bool,
    /// The option whose value is the word under the cursor.
    pending: Option<&'c Arg>,
    global: Global,
}

impl<'c> Walk<'c> {
    fn new(root: &'c ClapCommand) -> Self {
        Walk {
            root,
            cmd: root,
            path: Vec::new(),
            positionals: Vec::new(),
            rest: false,
            pending: None,
            global: Global {
                json: false,
                quiet: false,
                verbose: 0,
                backend: BackendArg::Auto,
                config: None,
                root: None,
                no_daemon: false,
                offline: false,
                socket: None,
            },
        }
    }

    /// Reads `word` (with the next word before the cursor, if any, for an option's value);
    /// returns how many words it took.
    fn word(&mut self, word: &str, next: Option<&String>) -> usize {
        if self.rest {
            self.positionals.push(word.to_string());
            return 1;
        }
        if word == "--" {
            self.rest = true;
            return 1;
        }
        if let Some(long) = word.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            let Some(arg) = self.find(|a| a.get_long() == Some(name)) else {
                return 1;
            };
            return self.option(arg, inline, next);
        }
        if let Some(shorts) = word.strip_prefix('-').filter(|s| !s.is_empty()) {
            for (at, c) in shorts.char_indices() {
                let Some(arg) = self.find(|a| a.get_short() == Some(c)) else {
                    return 1;
                };
                if takes_value(arg) {
                    let inline = &shorts[at + c.len_utf8()..];
                    return self.option(arg, (!inline.is_empty()).then_some(inline), next);
                }
                self.option(arg, None, None);
            }
            return 1;
        }
        if self.sub_expected() {
            if let Some(sub) = self.cmd.find_subcommand(word) {
                self.path.push(sub.get_name().to_string());
                self.cmd = sub;
                return 1;
            }
        }
        self.positionals.push(word.to_string());
        1
    }

    /// An option with its value given inline, in the next word, or (no next word) being
    /// completed.
    fn option(&mut self, arg: &'c Arg, inline: Option<&str>, next: Option<&String>) -> usize {
        if !takes_value(arg) {
            if arg.get_id() == "no_daemon" {
                self.global.no_daemon = true;
            }
            return 1;
        }
        let (value, taken) = match (inline, next) {
            (Some(v), _) => (v, 1),
            (None, Some(v)) => (v.as_str(), 2),
            (None, None) => {
                self.pending = Some(arg);
                return 1;
            }
        };
        let g = &mut self.global;
        match arg.get_id().as_str() {
            "backend" => {
                g.backend = match value {
                    "alpm" => BackendArg::Alpm,
                    "apt" => BackendArg::Apt,
                    _ => BackendArg::Auto,
                }
            }
            "config" => g.config = Some(PathBuf::from(value)),
            "root" => g.root = Some(PathBuf::from(value)),
            "socket" => g.socket = Some(PathBuf::from(value)),
            _ => {}
        }
        taken
    }

    /// The option of the current subcommand, or a global one, that `matches`.
    fn find(&self, matches: impl Fn(&Arg) -> bool) -> Option<&'c Arg> {
        let global = self.root.get_arguments().find(|a| matches(a));
        self.cmd.get_arguments().find(|a| matches(a)).or(global)
    }

    /// Whether the next word names a subcommand (`omg`, `omg runtimes`, `omg daemon`).
    fn sub_expected(&self) -> bool {
        self.cmd.has_subcommands() && self.positionals.is_empty()
    }

    /// The visible long options of the current subcommand and the global ones.
    fn options(&self) -> Vec<String> {
        let globals = self.root.get_arguments().filter(|_| !self.path.is_empty());
        let mut out: Vec<String> = self
            .cmd
            .get_arguments()
            .chain(globals)
            .filter(|a| !a.is_hide_set())
            .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
            .collect();
        out.push("--help".into());
        if self.path.is_empty() {
            out.push("--version".into());
        }
        out.sort();
        out.dedup();
        out
    }
}

fn takes_value(arg: &Arg) -> bool {
    arg.get_action().takes_values()
}

/// An option's listed values (`--backend`'s), else none (a path: the shell's file names).
fn possible_values(arg: &Arg) -> Vec<String> {
    arg.get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_string())
        .collect()
}

/// The visible subcommands' names.
fn subcommands(cmd: &ClapCommand) -> Vec<String> {
    cmd.get_subcommands()
        .filter(|s| !s.is_hide_set())
        .map(|s| s.get_name().to_string())
        .collect()
}

/// Whether a candidate from outside (a package name, a runtime version's directory) may be
/// printed for a shell: at most 255 bytes of letters, digits and `@ . _ + - : = / ,`, not
/// starting with `-` or `~`. Nothing a shell expands or splits (`$`, backquotes, quotes,
/// spaces, globs, `;`, `|`, `&`, redirections, newlines) passes; such a name is left out
/// rather than escaped, since each shell inserts a candidate by its own quoting rules.
pub fn shell_safe(candidate: &str) -> bool {
    !candidate.is_empty()
        && candidate.len() < 256
        && !candidate.starts_with(['-', '~'])
        && candidate
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"@._+-:=/,".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at_end(line: &str) -> Completion {
        let mut words: Vec<String> = line.split(' ').map(str::to_string).collect();
        if line.ends_with(' ') {
            words.pop();
            words.push(String::new());
        }
        let index = words.len() - 1;
        analyze(&words, index)
    }

    fn words(line: &str) -> Vec<String> {
        match at_end(line).want {
            Want::Words(w) => w,
            other => panic!("{line:?}: {other:?}"),
        }
    }

    #[test]
    fn subcommands_options_and_values_come_from_the_command_line() {
        let top = words("omg ");
        for name in ["search", "install", "remove", "runtimes", "daemon", "use"] {
            assert!(top.contains(&name.to_string()), "{name}: {top:?}");
        }
        assert!(!top
            .iter()
            .any(|w| w.contains("hook-env") || w.starts_with("__")));
        assert_eq!(words("omg inst"), ["install"]);
        assert_eq!(words("omg runtimes un"), ["uninstall"]);
        assert_eq!(words("omg --backend al"), ["alpm"]);
        assert_eq!(
            words("omg --config x daemon st"),
            ["start", "stop", "status"]
        );
        let opts = words("omg install --");
        assert!(opts.contains(&"--reinstall".to_string()), "{opts:?}");
        assert!(opts.contains(&"--no-daemon".to_string()), "{opts:?}");
        assert_eq!(at_end("omg --config ").want, Want::Nothing);
    }

    #[test]
    fn positionals_ask_for_data() {
        let packages = |installed| Want::Packages { installed };
        assert_eq!(at_end("omg install fo").want, packages(false));
        assert_eq!(at_end("omg i vim fo").want, packages(false));
        assert_eq!(at_end("omg show b").want, packages(false));
        assert_eq!(at_end("omg remove -r b").want, packages(true));
        assert_eq!(at_end("omg uninstall b").want, packages(true));
        assert_eq!(at_end("omg files ").want, packages(true));
        assert_eq!(at_end("omg why b").want, packages(true));
        assert_eq!(at_end("omg why bash ").want, Want::Nothing);
        let runtimes = |installed| Want::Runtimes { installed };
        assert_eq!(at_end("omg use n").want, runtimes(false));
        assert_eq!(at_end("omg shell n").want, runtimes(false));
        assert_eq!(
            at_end("omg shell python3 3").want,
            Want::Versions("python".into())
        );
        assert_eq!(
            at_end("omg use --global nodejs 2").want,
            Want::Versions("node".into())
        );
        assert_eq!(at_end("omg runtimes uninstall ").want, runtimes(true));
        assert_eq!(
            at_end("omg runtimes uninstall go 1").want,
            Want::Versions("go".into())
        );
        assert_eq!(at_end("omg runtimes list ").want, runtimes(false));
        assert_eq!(at_end("omg which ").want, runtimes(false));
        assert_eq!(at_end("omg exec no").want, runtimes(false));
        assert_eq!(at_end("omg exec node@2").want, Want::Targets("node".into()));
        assert_eq!(at_end("omg exec node -- ").want, Want::Nothing);
        assert_eq!(at_end("omg owns /usr/b").want, Want::Nothing);
    }

    #[test]
    fn global_options_name_the_daemon_to_ask() {
        let c = at_end(
            "omg --backend alpm --config=/x/pacman.conf -v --socket /s install --no-daemon fo",
        );
        assert_eq!(c.current, "fo");
        assert_eq!(c.global.backend, BackendArg::Alpm);
        assert_eq!(c.global.config, Some(PathBuf::from("/x/pacman.conf")));
        assert_eq!(c.global.socket, Some(PathBuf::from("/s")));
        assert!(c.global.no_daemon);
        assert_eq!(c.want, Want::Packages { installed: false });
    }

    #[test]
    fn a_missing_current_word_is_an_empty_one() {
        let words: Vec<String> = ["omg", "install"].map(String::from).to_vec();
        let c = analyze(&words, 2);
        assert_eq!(c.current, "");
        assert_eq!(c.want, Want::Packages { installed: false });
    }

    #[test]
    fn only_plain_names_are_safe_for_a_shell() {
        for ok in [
            "bash",
            "gtk+3",
            "lib32-glibc",
            "python3.12",
            "node@20",
            "libc6:amd64",
            "g++",
        ] {
            assert!(shell_safe(ok), "{ok}");
        }
        for bad in [
            "",
            "$(touch x)",
            "`id`",
            "a;b",
            "a b",
            "a|b",
            "a&b",
            "a>b",
            "*",
            "a?",
            "[a]",
            "'a'",
            "\"a\"",
            "a\nb",
            "-rf",
            "~root",
            "a\\b",
            "a{b,c}",
            "!a",
            "a#b",
            "ä",
        ] {
            assert!(!shell_safe(bad), "{bad:?}");
        }
        assert!(!shell_safe(&"a".repeat(256)));
    }
}
