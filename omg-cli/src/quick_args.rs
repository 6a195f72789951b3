//! The command lines of the daemon path, parsed without building clap's command tree.
//!
//! Building clap's `Command` for omg's dozen subcommands and parsing with it is half of the
//! thin client's instructions (about 580,000 of 1.1 million for `omg search python`), and the
//! daemon path's whole budget is about one process start. So the plainest shapes of the read
//! commands — global flags, `search`/`s`, `info`/`show`, `list`, `status`, `outdated`, `explicit`,
//! `why <name>` with their flags as separate words — are recognised here; any other word (`--help`, `--limit=5`,
//! `-qv`, `--`, a word starting with `-`, a value that is not UTF-8) returns `None` and clap
//! parses the line as always. A test checks that every line accepted here is parsed by clap
//! into the very same [`Cli`].

use std::ffi::OsString;
use std::path::PathBuf;

use omg_cli_core::args::{
    BackendArg, Cli, Command, Global, ListArgs, INFO_ALIASES, SEARCH_ALIASES,
};

/// The [`Cli`] for `args` (without the program name) when it is one of the plain shapes,
/// else `None`.
pub fn parse(args: &[OsString]) -> Option<Cli> {
    let mut global = Global {
        json: false,
        quiet: false,
        verbose: 0,
        backend: BackendArg::Auto,
        config: None,
        root: None,
        no_daemon: false,
        socket: None,
        offline: false,
    };
    let mut command: Option<&str> = None;
    let mut words: Vec<String> = Vec::new();
    let mut limit = None;
    let mut installed = false;
    let (mut aur, mut repo) = (false, false);
    let mut list = ListArgs {
        explicit: false,
        orphans: false,
        upgradable: false,
        names: Vec::new(),
    };
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let arg = arg.to_str()?;
        let mut value = || -> Option<String> {
            let v = iter.next()?.to_str()?;
            (!v.starts_with('-') && !v.is_empty()).then(|| v.to_string())
        };
        match arg {
            "--json" if !global.json => global.json = true,
            "-q" | "--quiet" if !global.quiet => global.quiet = true,
            // clap counts a repeated global flag per command level; leave repeats to it.
            "-v" | "--verbose" if global.verbose == 0 => global.verbose = 1,
            "--no-daemon" if !global.no_daemon => global.no_daemon = true,
            "--backend" if global.backend == BackendArg::Auto => {
                global.backend = match value()?.as_str() {
                    "alpm" => BackendArg::Alpm,
                    "apt" => BackendArg::Apt,
                    // `--backend auto` twice would be accepted by clap's last-wins; keep
                    // the rule simple and let clap handle the explicit `auto`.
                    _ => return None,
                }
            }
            "--config" if global.config.is_none() => global.config = Some(PathBuf::from(value()?)),
            "--root" if global.root.is_none() => global.root = Some(PathBuf::from(value()?)),
            "--socket" if global.socket.is_none() => global.socket = Some(PathBuf::from(value()?)),
            "--limit" | "-l" if command == Some("search") && limit.is_none() => {
                limit = Some(value()?.parse::<usize>().ok()?);
            }
            "--installed" if command == Some("search") && !installed => installed = true,
            // `--aur` and `--repo` exclude each other: both given is clap's error to report.
            "--aur" if matches!(command, Some("search" | "info")) && !aur && !repo => aur = true,
            "--repo" if matches!(command, Some("search" | "info")) && !aur && !repo => {
                repo = true;
            }
            "--explicit" | "--orphans" | "--upgradable"
                if command == Some("list")
                    && !(list.explicit || list.orphans || list.upgradable) =>
            {
                match arg {
                    "--explicit" => list.explicit = true,
                    "--orphans" => list.orphans = true,
                    _ => list.upgradable = true,
                }
            }
            _ if arg.starts_with('-') || arg.is_empty() => return None,
            _ => match command {
                None => {
                    command = Some(match arg {
                        "search" => "search",
                        _ if SEARCH_ALIASES.contains(&arg) => "search",
                        "info" => "info",
                        _ if INFO_ALIASES.contains(&arg) => "info",
                        "list" | "status" | "outdated" | "explicit" | "why" => arg,
                        _ => return None,
                    })
                }
                Some("search" | "info" | "why") => words.push(arg.to_string()),
                Some(_) => return None,
            },
        }
    }
    if global.socket.is_none() {
        global.socket = std::env::var_os("OMG_SOCKET")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
    }
    let command = match command? {
        "search" if !words.is_empty() => Command::Search {
            query: words,
            limit,
            installed,
            aur,
            repo,
        },
        "info" if !words.is_empty() => Command::Info {
            packages: words,
            aur,
            repo,
        },
        "list" => Command::List(list),
        "status" => Command::Status,
        "outdated" => Command::Outdated,
        "explicit" => Command::Explicit,
        "why" if words.len() == 1 => Command::Why {
            package: words.swap_remove(0),
        },
        _ => return None,
    };
    Some(Cli { global, command })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use proptest::prelude::*;

    fn os(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    /// When the quick parser accepts `args`, clap parses them into the same `Cli`.
    fn agrees(args: &[&str]) -> bool {
        let Some(quick) = parse(&os(args)) else {
            return false;
        };
        let mut argv = vec!["omg"];
        argv.extend(args);
        match Cli::try_parse_from(&argv) {
            Ok(clap) => {
                assert_eq!(format!("{quick:?}"), format!("{clap:?}"), "{args:?}");
                true
            }
            Err(e) => panic!("accepted {args:?}, which clap refuses: {e}"),
        }
    }

    #[test]
    fn the_common_lines_take_the_quick_path_and_agree_with_clap() {
        for line in [
            "search python",
            "s python --limit 20",
            "--backend alpm --config /etc/pacman.conf search python --limit 20",
            "search vi improved --installed -l 3",
            "--json -q search vim",
            "-v search vim",
            "info bash coreutils",
            "show bash",
            "list",
            "list --orphans",
            "--backend apt status",
            "outdated --no-daemon",
            "search vim --root /mnt --socket /tmp/x.sock",
            "why readline",
            "--json why bash --no-daemon",
        ] {
            let args: Vec<&str> = line.split(' ').collect();
            assert!(agrees(&args), "{line} should take the quick path");
        }
    }

    #[test]
    fn anything_unusual_is_left_to_clap() {
        for line in [
            "search",
            "search --help",
            "-h",
            "--version",
            "search --limit=5 vim",
            "search -qv vim",
            "search -- -vim",
            "list --orphans --explicit",
            "status extra",
            "install vim",
            "--backend auto search vim",
            "--config",
            "search vim --limit x",
            "search vim --json --json",
            "-v search vim -v",
            "info --installed vim",
            "why",
            "why a b",
            "why --installed a",
        ] {
            let args: Vec<&str> = line.split(' ').collect();
            assert!(parse(&os(&args)).is_none(), "{line} must go to clap");
        }
    }

    /// The peers' words for omg's commands, and other tools' names for the runtimes.
    #[test]
    fn aliases_parse_as_their_commands() {
        use omg_cli_core::args::RuntimesAction;
        let clap = |line: &str| {
            let mut argv = vec!["omg"];
            argv.extend(line.split(' '));
            Cli::try_parse_from(&argv)
                .unwrap_or_else(|e| panic!("{line}: {e}"))
                .command
        };
        for line in ["uninstall vim", "purge vim", "r vim"] {
            assert!(
                matches!(clap(line), Command::Remove { ref packages, .. } if packages == &["vim"]),
                "{line}"
            );
        }
        assert!(
            matches!(clap("upgrade --dry-run"), Command::Update { write, .. } if write.dry_run)
        );
        assert!(
            matches!(clap("show vim"), Command::Info { ref packages, .. } if packages == &["vim"])
        );
        // The quick path agrees: `show` is `info`.
        assert!(agrees(&["show", "vim"]));
        assert!(matches!(
            parse(&os(&["show", "vim"])).map(|c| c.command),
            Some(Command::Info { .. })
        ));
        assert!(
            matches!(clap("use nodejs 20"), Command::Use { ref runtime, .. } if runtime == "node")
        );
        assert!(matches!(clap("use golang"), Command::Use { ref runtime, .. } if runtime == "go"));
        assert!(matches!(
            clap("runtimes install golang 1.22"),
            Command::Runtimes { action: RuntimesAction::Install { ref runtime, .. } } if runtime == "go"
        ));
        assert!(matches!(
            clap("runtimes uninstall nodejs 20"),
            Command::Runtimes { action: RuntimesAction::Uninstall { ref runtime, .. } } if runtime == "node"
        ));
        assert!(matches!(
            clap("runtimes list nodejs"),
            Command::Runtimes { action: RuntimesAction::List { ref runtime, .. } } if runtime.as_deref() == Some("node")
        ));
        assert!(matches!(
            clap("exec nodejs@20 -- node -v"),
            Command::Exec { ref target, .. } if target == "node@20"
        ));
        assert!(matches!(
            clap("exec golang -- go version"),
            Command::Exec { ref target, .. } if target == "go"
        ));
        // Names omg does not know go to mise as they are.
        assert!(
            matches!(clap("use deno 1"), Command::Use { ref runtime, .. } if runtime == "deno")
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn every_accepted_line_is_clap_s_parse(
            words in proptest::collection::vec(
                proptest::sample::select(vec![
                    "search", "s", "info", "show", "list", "status", "outdated", "explicit", "why", "install", "vim",
                    "python", "-l", "--limit", "3", "--installed", "--explicit", "--orphans",
                    "--upgradable", "--json", "-q", "--quiet", "-v", "--verbose", "--no-daemon",
                    "--backend", "alpm", "apt", "--config", "/etc/pacman.conf", "--root", "/mnt",
                    "--socket", "/tmp/s", "-", "--", "-x", "", "--aur", "--repo",
                ]),
                0..8,
            )
        ) {
            agrees(&words);
        }
    }
}
