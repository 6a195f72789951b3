//! Differential tests: output (see main.rs). What omg prints in a pipe is pacman's lines
//! (search: pacman -Ss's, list: pacman -Q's, outdated: pacman -Qu's), compared as data; on
//! an 80-column terminal every line fits; text from the databases is escaped; libalpm's log
//! lines stay off stderr; help texts and the README agree with exit.rs; the aliases; a failed
//! transaction's JSON ends with an error event. docs/parity.md `## output` lists the
//! deliberate differences.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use omg_testkit::alpm::{FixturePackage, FixtureRoot};

use crate::common::{self, Run};
use crate::world;

/// pacman -Ss's records: `repository/name` -> (version, description).
fn ss_records(text: &str) -> BTreeMap<String, (String, String)> {
    let mut records = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(head) = lines.next() {
        // omg's footer when --limit cut the list.
        if head.contains(" matches shown; use --limit") {
            continue;
        }
        let mut words = head.split(' ');
        let (Some(name), Some(version)) = (words.next(), words.next()) else {
            panic!("not a pacman -Ss head line: {head:?}");
        };
        let description = lines.next().unwrap_or("");
        assert!(
            description.starts_with("    "),
            "description not indented: {description:?}"
        );
        records.insert(
            name.to_string(),
            (version.to_string(), description[4..].to_string()),
        );
    }
    records
}

/// omg's search in a pipe is pacman -Ss's format: the records both list agree field by
/// field (which packages match is search's business, compared in search.rs).
#[test]
fn search_in_a_pipe_is_pacman_ss() {
    let w = world::large();
    let Some(_) = w.pacman(&["-V"]) else { return };
    for query in ["lib", "python", "editor"] {
        let omg = w.omg(&["search", query, "--limit", "100000"]);
        let omg = ss_records(omg.ok());
        let pacman = w.pacman(&["-Ss", query]).expect("pacman");
        let pacman = ss_records(&pacman.stdout);
        let both: Vec<&String> = omg.keys().filter(|k| pacman.contains_key(*k)).collect();
        assert!(both.len() > 20, "{query}: too few common hits to compare");
        for name in both {
            let (version, description) = &omg[name];
            let (p_version, p_description) = &pacman[name];
            assert_eq!(version, p_version, "{name}");
            assert_eq!(description, p_description, "{name}");
        }
    }
}

/// `omg list` and `omg outdated` in a pipe print exactly pacman -Q's and pacman -Qu's lines.
#[test]
fn list_and_outdated_in_a_pipe_are_pacman_q_and_qu() {
    let w = world::large();
    let Some(q) = w.pacman(&["-Q"]) else { return };
    let set = |s: &str| s.lines().map(str::to_owned).collect::<BTreeSet<String>>();
    let list = w.omg(&["list"]);
    assert_eq!(set(list.ok()), set(&q.stdout));
    let qu = w.pacman(&["-Qu"]).expect("pacman");
    let outdated = w.omg(&["outdated"]);
    assert!(!qu.stdout.is_empty(), "the large root has upgrades");
    assert_eq!(set(outdated.ok()), set(&qu.stdout));
    let explicit = w.pacman(&["-Qe"]).expect("pacman");
    assert_eq!(set(w.omg(&["explicit"]).ok()), set(&explicit.stdout));
}

/// `command` run by a shell on a pseudo-terminal of `columns` columns, without colours;
/// `None` without `script` (a failure under CI).
fn on_terminal(command: &str, columns: usize) -> Option<Run> {
    common::on_terminal(
        command,
        columns,
        &[("NO_COLOR", "1"), ("OMG_SOCKET", "/nonexistent/omgd.sock")],
    )
}

/// The lines a terminal shows: split at line feeds and carriage returns, without escape
/// sequences.
fn screen_lines(text: &str) -> Vec<String> {
    let mut plain = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            // CSI: ESC [ params final-byte; other escapes: ESC and one character. Cursor
            // movements and erasures start another line of the screen.
            if chars.peek() == Some(&'[') {
                chars.next();
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        if "ABEFGHJK".contains(c) {
                            plain.push('\n');
                        }
                        break;
                    }
                }
            } else {
                chars.next();
            }
            continue;
        }
        plain.push(c);
    }
    plain
        .split(['\n', '\r'])
        .map(str::to_owned)
        .filter(|l| !l.is_empty())
        .collect()
}

fn omg_line(conf: &Path, args: &str) -> String {
    format!(
        "{} --backend alpm --config '{}' {args}",
        common::omg_bin().display(),
        conf.display()
    )
}

/// On an 80-column terminal every line of search, list and outdated fits; a cut description
/// ends at a word of the real one, with an ellipsis; names and versions are whole.
#[test]
fn tables_fit_80_columns_on_a_terminal() {
    let w = world::large();
    let piped = ss_records(w.omg(&["search", "lib", "--limit", "300"]).ok());
    let Some(run) = on_terminal(&omg_line(&w.conf, "search lib --limit 300"), 80) else {
        return;
    };
    run.expect_code(0);
    let lines = screen_lines(&run.stdout);
    assert!(lines[0].starts_with("NAME "), "{}", run.stdout);
    let description_at = lines[0].find("DESCRIPTION").expect("a description column");
    for line in &lines {
        assert!(line.chars().count() <= 80, "wider than 80: {line:?}");
    }
    // Every package is there, its version whole.
    let names: BTreeSet<&str> = piped
        .keys()
        .map(|k| k.split_once('/').map_or(k.as_str(), |(_, n)| n))
        .collect();
    let shown: BTreeSet<&str> = lines
        .iter()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| names.contains(w))
        .collect();
    assert_eq!(shown, names);
    for (name, (version, description)) in &piped {
        let name = name.split_once('/').map_or(name.as_str(), |(_, n)| n);
        // A name in two repositories (a stable and an updates repository of the host's
        // lists) has a row for each: the one with this version.
        let row = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.split_whitespace().next() == Some(name))
            .map(|(i, _)| i)
            .find(|&i| {
                std::iter::once(&lines[i])
                    .chain(lines[i + 1..].iter().take_while(|l| l.starts_with(' ')))
                    .any(|l| l.contains(version.as_str()))
            })
            .expect("row");
        // The row and its continuation lines (a cell wider than its column pushes the rest
        // of the row onto the next line, which starts with spaces).
        let end = (row + 1..lines.len())
            .find(|&i| !lines[i].starts_with(' '))
            .unwrap_or(lines.len());
        let text = lines[row..end].join("\n");
        assert!(text.contains(version.as_str()), "{name} {version}: {text}");
        // The description column: all of the description, or a prefix of it that ends at a
        // word, then an ellipsis.
        let cell: String = lines[end - 1].chars().skip(description_at).collect();
        let Some(shown) = cell.strip_suffix('…') else {
            assert_eq!(&cell, description, "{name}");
            continue;
        };
        assert!(
            description.starts_with(shown),
            "{shown:?} of {description:?}"
        );
        // Inside a word only when the first word alone is wider than the column.
        let next = description[shown.len()..].chars().next();
        assert!(
            matches!(next, Some(' ' | ',' | ';' | ':' | '-')) || !shown.contains(' '),
            "cut inside a word: {shown:?} of {description:?}"
        );
    }
    for args in ["list", "outdated"] {
        let run = on_terminal(&omg_line(&w.conf, args), 80).expect("script");
        run.expect_code(0);
        for line in screen_lines(&run.stdout) {
            assert!(
                line.chars().count() <= 80,
                "{args}: wider than 80: {line:?}"
            );
        }
    }
}

/// A small root with a file:// repository: app depends on lib.
struct Small {
    _dir: tempfile::TempDir,
    root: FixtureRoot,
    history: String,
}

impl Small {
    fn new(extra: &[FixturePackage]) -> Small {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut root = FixtureRoot::create(&dir.path().join("root")).expect("fixture root");
        let mut packages = vec![
            pkg("app", "1.0-1").depends(["lib"]),
            pkg("lib", "1.0-1"),
            // Big enough for the download bars to be drawn.
            pkg("big", "1.0-1").file("usr/share/big/data", big_data()),
        ];
        packages.extend_from_slice(extra);
        root.publish("core", &packages).expect("publish");
        root.install_local(&[]).expect("local db");
        let history = dir.path().join("history.redb").display().to_string();
        Small {
            _dir: dir,
            root,
            history,
        }
    }

    fn omg(&self, args: &[&str]) -> Run {
        let conf = self.root.config_path().display().to_string();
        let mut all = vec!["--backend", "alpm", "--config", conf.as_str()];
        all.extend_from_slice(args);
        common::omg(&all, &[("OMG_HISTORY_FILE", self.history.as_str())])
    }
}

fn pkg(name: &str, version: &str) -> FixturePackage {
    FixturePackage::new(name, version)
        .desc(format!("the {name} package"))
        .file(format!("usr/share/{name}/{version}"), format!("{name}\n"))
}

/// Data that does not compress: a few MiB of a simple generator's bytes.
fn big_data() -> Vec<u8> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..4 * 1024 * 1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// An ESC, a BEL or a C1 control in a description never reaches the terminal: omg prints
/// escapes where pacman prints them raw.
#[test]
fn control_characters_from_the_databases_are_escaped() {
    let evil = FixturePackage::new("evil", "1.0-1")
        .desc("looks fine\x1b]0;owned\x07\x1b[2J and \u{9b}31m more")
        .url(Some("https://example.org/\x1b[31m"));
    let s = Small::new(&[evil]);
    for args in [vec!["search", "evil"], vec!["-q", "search", "evil"]] {
        let run = s.omg(&args);
        let out = run.ok();
        assert!(
            !out.contains(['\x1b', '\x07', '\u{9b}']),
            "{args:?}: {out:?}"
        );
        if args[0] != "-q" {
            assert!(
                out.contains("looks fine\\e]0;owned\\x07\\e[2J"),
                "{args:?}: {out:?}"
            );
        }
    }
    // On a terminal too.
    let line = omg_line(&s.root.config_path(), "search evil");
    if let Some(run) = on_terminal(&line, 80) {
        assert!(
            !run.stdout.contains("\x1b]0;owned") && !run.stdout.contains("\x1b[2J"),
            "{:?}",
            run.stdout
        );
    }
    // The peer prints the bytes as they are: the difference docs/parity.md lists.
    if let Some(p) = world::pacman(&s.root.config_path(), &["-Ss", "evil"]) {
        assert!(p.stdout.contains('\x1b'), "{:?}", p.stdout);
    }
}

/// A reinstall: libalpm's "up to date -- reinstalling" warning is in the plan, and no raw
/// library log line reaches stderr without -v.
#[test]
fn library_warnings_are_plan_warnings_not_log_lines() {
    let s = Small::new(&[]);
    s.omg(&["install", "lib", "--yes"]).expect_code(0);
    // `--reinstall` where install of an up-to-date package does nothing.
    let mut args = vec!["install", "lib", "--yes", "--reinstall"];
    if s.omg(&["install", "--help"]).stdout.contains("--reinstall") {
        let dry = s.omg(&["install", "lib", "--dry-run", "--reinstall"]);
        assert!(dry.ok().contains("reinstalling"), "{}", dry.stdout);
    } else {
        args.pop();
        let dry = s.omg(&["install", "lib", "--dry-run"]);
        assert!(dry.ok().contains("reinstalling"), "{}", dry.stdout);
    }
    let run = s.omg(&args);
    run.expect_code(0);
    assert!(
        !run.stderr.contains("libalpm") && !run.stderr.contains("WARN"),
        "{}",
        run.stderr
    );
    // With -v the library's own lines are there for whoever wants them.
    let mut verbose = vec!["-v"];
    verbose.extend_from_slice(&args);
    let run = s.omg(&verbose);
    run.expect_code(0);
    assert!(run.stderr.contains("libalpm"), "{}", run.stderr);
}

/// Sizes are human-readable in what an install prints, on a pipe too (`4.00 MiB`, never
/// `4195662 bytes`).
#[test]
fn sizes_are_human_readable() {
    let s = Small::new(&[]);
    let run = s.omg(&["install", "big", "--yes"]);
    run.expect_code(0);
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(!all.contains(" bytes"), "{all}");
    assert!(all.contains("MiB"), "{all}");
}

/// Download bars and step bars fit an 80-column terminal, and downloads show an ETA.
#[test]
fn progress_bars_fit_80_columns() {
    let s = Small::new(&[]);
    let line = omg_line(&s.root.config_path(), "install big app --yes");
    let history = format!("OMG_HISTORY_FILE='{}' {line}", s.history);
    let Some(run) = on_terminal(&history, 80) else {
        return;
    };
    run.expect_code(0);
    let lines = screen_lines(&run.stdout);
    assert!(
        lines.iter().any(|l| l.contains('[') && l.contains(']')),
        "no bar drawn:\n{}",
        run.stdout
    );
    // indicatif writes a line as wide as the terminal without a line feed (the terminal
    // wraps): such a run of text must cut into whole bar lines, never into a bar's tail.
    for line in &lines {
        let chars: Vec<char> = line.chars().collect();
        if chars.len() <= 80 {
            continue;
        }
        let rows = chars.chunks(80).count();
        for (i, row) in chars.chunks(80).enumerate() {
            let row: String = row.iter().collect();
            // What follows the bars (the outcome) may be shorter; a bar's tail may not.
            if i + 1 == rows && row.chars().count() < 80 {
                assert!(
                    row.contains('[') || !row.contains(']'),
                    "a bar's tail: {row:?}"
                );
                continue;
            }
            let prefix: String = row.chars().take(10).collect();
            let step = prefix
                .trim()
                .chars()
                .all(|c| c.is_ascii_digit() || "(/)".contains(c))
                && row.ends_with('%');
            let download = row.chars().nth(25) == Some('[') && row.contains("/s");
            assert!(
                row.chars().count() == 80 && (step || download),
                "wider than 80: {row:?} of {line:?}"
            );
        }
    }
}

/// `uninstall`, `purge`, `show`, `upgrade` and the runtime names `nodejs`, `golang` are the
/// commands they stand for.
#[test]
fn aliases_are_the_commands_they_stand_for() {
    let s = Small::new(&[]);
    s.omg(&["install", "app", "--yes"]).expect_code(0);
    assert_eq!(s.omg(&["show", "app"]).ok(), s.omg(&["info", "app"]).ok());
    let remove = s.omg(&["remove", "app", "--dry-run"]);
    for alias in ["uninstall", "purge"] {
        assert_eq!(
            s.omg(&[alias, "app", "--dry-run"]).ok(),
            remove.ok(),
            "{alias}"
        );
    }
    assert_eq!(
        s.omg(&["upgrade", "--dry-run"]).stdout,
        s.omg(&["update", "--dry-run"]).stdout
    );
    for (alias, name) in [("nodejs", "node"), ("golang", "go")] {
        let a = s.omg(&["--json", "runtimes", "list", alias]);
        let b = s.omg(&["--json", "runtimes", "list", name]);
        assert_eq!(a.stdout, b.stdout, "{alias}");
        assert_eq!(a.code, b.code, "{alias}");
        assert!(
            !a.stdout.contains(alias) && !a.stderr.contains(alias),
            "{a:?}"
        );
    }
}

/// A transaction that fails under --json ends its event stream with an error event (pacman
/// has no JSON; the failure itself is the peer's: a package file the server lost).
#[test]
fn a_failed_transaction_ends_its_json_with_an_error_event() {
    let s = Small::new(&[]);
    let lib = pkg("lib", "1.0-1");
    std::fs::remove_file(s.root.package_path("core", &lib)).expect("remove the package file");
    let run = s.omg(&["--json", "install", "app", "--yes"]);
    run.expect_code(8);
    let lines: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert_eq!(lines[0]["event"], "plan", "{}", run.stdout);
    let last = lines.last().expect("lines");
    assert_eq!(last["event"], "error", "{}", run.stdout);
    assert_eq!(last["error"]["kind"], "download", "{}", run.stdout);
    assert!(last["error"]["message"].is_string());
    // pacman fails on the same root.
    if let Some(p) = world::pacman(&s.root.config_path(), &["-S", "--noconfirm", "app"]) {
        assert_ne!(p.code, Some(0), "{p:?}");
    }
}

/// The exit codes: every `exit N` in a help text is one of exit.rs's codes (audit's is
/// VULNERABLE), `omg --help` lists them all, and the README's table has exactly them.
#[test]
fn help_texts_and_the_readme_agree_with_exit_rs() {
    use omg_cli_core::exit;
    let codes: BTreeSet<u8> = exit::ALL.iter().map(|(c, _)| *c).collect();
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README.md");
    let section = readme
        .split("### Exit codes")
        .nth(1)
        .expect("an exit-code section");
    let table: BTreeSet<u8> = section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .filter_map(|l| l.split('|').nth(1)?.trim().parse().ok())
        .collect();
    assert_eq!(table, codes, "README's exit-code table");
    let top = common::omg(&["--help"], &[]);
    assert!(top.ok().contains(&exit::help()), "{}", top.stdout);
    let commands: Vec<String> = top
        .stdout
        .split("Commands:")
        .nth(1)
        .expect("commands")
        .lines()
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_owned)
        .collect();
    assert!(commands.len() > 15, "{commands:?}");
    let mut said = BTreeMap::new();
    for command in &commands {
        let help = common::omg(&[command.as_str(), "--help"], &[]);
        let text = help.ok().split_whitespace().collect::<Vec<_>>().join(" ");
        for (i, _) in text.match_indices("exit ") {
            let n: String = text[i + 5..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if let Ok(n) = n.parse::<u8>() {
                assert!(codes.contains(&n), "`omg {command} --help` says exit {n}");
                said.insert(command.clone(), n);
            }
        }
    }
    assert_eq!(said.get("audit"), Some(&exit::VULNERABLE), "{said:?}");
}
