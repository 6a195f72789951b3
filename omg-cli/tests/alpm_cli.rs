//! `omg --backend alpm` end to end: the real `omg` and `omg-backend` binaries over a real
//! pacman root (sync databases and a local database written by the fixtures builder).

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use common::{omg, tool_stdout, Run};
use omg_testkit::alpm::{FixturePackage, FixtureRoot};
use serde_json::Value;
use tempfile::TempDir;

/// A pacman root with two repositories and a local database. It is removed when dropped.
struct Fixture {
    _dir: TempDir,
    root: FixtureRoot,
}

impl Fixture {
    fn conf(&self) -> PathBuf {
        self.root.config_path()
    }

    fn conf_str(&self) -> String {
        self.conf().display().to_string()
    }

    /// `omg --backend alpm --config <conf> args...`.
    fn omg(&self, args: &[&str]) -> Run {
        self.omg_env(args, &[])
    }

    /// Like [`Fixture::omg`] with `env` set.
    fn omg_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let conf = self.conf_str();
        let mut all = vec!["--backend", "alpm", "--config", conf.as_str()];
        all.extend_from_slice(args);
        omg(&all, env)
    }

    /// The stdout of a successful `omg` run (nothing on stderr).
    fn stdout(&self, args: &[&str]) -> String {
        self.omg(args).ok().to_string()
    }
}

/// `lines` joined, each ending in a newline: the expected output of a command.
fn text(lines: &[&str]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

fn pkg(name: &str, version: &str, desc: &str) -> FixturePackage {
    FixturePackage::new(name, version).desc(desc)
}

/// core (13 packages) and extra (14, one of them `nano` again), and installed: `bash` older
/// than core's (upgradable), `vim` and `coreutils` explicit, `glibc`, `readline`,
/// `vim-runtime` as dependencies something needs, `zlib` as a dependency nothing needs (the
/// orphan), and `vim-config`, which no repository has.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut root = FixtureRoot::create(dir.path()).expect("fixture root");
    let bash = pkg("bash", "5.2.037-1", "The GNU Bourne Again shell")
        .depends(["readline", "glibc"])
        .licenses(["GPL-3.0-or-later"])
        .sizes(2_048_000, 9_437_184);
    let vim = pkg(
        "vim",
        "9.1.1000-1",
        "Vi Improved, a highly configurable, improved version of the vi text editor",
    )
    .depends(["vim-runtime=9.1.1000-1", "glibc"])
    .optdepends(["python: Python language support"])
    .conflicts(["gvim"])
    .licenses(["custom:vim"])
    .sizes(1_900_000, 4_600_000);
    let vim_runtime = pkg("vim-runtime", "9.1.1000-1", "Vi Improved, runtime files");
    let glibc = pkg("glibc", "2.41-1", "GNU C Library").sizes(10_485_760, 48_234_496);
    let readline = pkg("readline", "8.2.013-1", "GNU readline library").depends(["glibc"]);
    let zlib = pkg(
        "zlib",
        "1:1.3.1-2",
        "Compression library implementing the deflate compression method found in gzip",
    );
    let coreutils = pkg(
        "coreutils",
        "9.6-1",
        "The basic file, shell and text manipulation utilities of the GNU operating system",
    )
    .depends(["glibc"]);
    let core = vec![
        bash.clone(),
        coreutils.clone(),
        pkg("file", "5.46-1", "File type identification utility"),
        glibc.clone(),
        pkg("grep", "3.11-1", "A string search utility"),
        pkg(
            "less",
            "1:668-1",
            "A terminal based program for viewing text files",
        ),
        pkg("nano", "8.3-1", "Pico editor clone with enhancements"),
        pkg(
            "pacman",
            "7.1.0-1",
            "A library-based package manager with dependency support",
        ),
        readline.clone(),
        pkg("sed", "4.9-3", "GNU stream editor"),
        vim.clone(),
        vim_runtime.clone(),
        zlib.clone(),
    ];
    let extra = vec![
        pkg(
            "editorconfig-vim",
            "1.2.0-1",
            "EditorConfig plugin for the vi family of editors",
        ),
        pkg("firefox", "134.0-1", "Fast, Private & Safe Web Browser"),
        pkg("git", "2.48.1-1", "the fast distributed version control system"),
        pkg(
            "gvim",
            "9.1.1000-1",
            "Vi Improved, a highly configurable, improved version of the vi text editor (with advanced features, such as a GUI)",
        ),
        pkg("htop", "3.3.0-3", "Interactive process viewer"),
        pkg("nano", "8.4-1", "Pico editor clone with enhancements (newer build)"),
        pkg(
            "neovim",
            "0.10.4-1",
            "Fork of Vim aiming to improve user experience, plugins, and GUIs",
        ),
        pkg("python", "3.13.1-1", "The Python programming language"),
        pkg(
            "ripgrep",
            "14.1.1-1",
            "A search tool that combines the usability of ag with the raw speed of grep",
        ),
        pkg("tig", "2.5.12-1", "Text-mode interface for git"),
        pkg("tmux", "3.5_a-1", "Terminal multiplexer"),
        pkg(
            "universal-ctags",
            "6.1.0-1",
            "Generates an index file of language objects found in source files for vim",
        ),
        pkg(
            "vifm",
            "0.13-1",
            "A file manager with curses interface, which provides Vi-like environment",
        ),
        pkg("wget", "1.25.0-1", "Network utility to retrieve files from the web"),
    ];
    root.add_sync_db("core", &core).expect("core.db");
    root.add_sync_db("extra", &extra).expect("extra.db");
    root.install_local(&[
        bash.with_version("5.2.026-1"),
        coreutils,
        vim,
        vim_runtime.as_dependency(),
        glibc.as_dependency(),
        readline.as_dependency(),
        zlib.as_dependency(),
        pkg(
            "vim-config",
            "1.0-1",
            "My vim configuration, built locally with makepkg",
        )
        .depends(["vim"]),
    ])
    .expect("local db");
    Fixture { _dir: dir, root }
}

const VIM_DESC: &str = "Vi Improved, a highly configurable, improved version of the vi text editor";

// ---------------------------------------------------------------------------------------
// search

#[test]
fn search_ranks_exact_prefix_word_substring_fuzzy_then_description() {
    let f = fixture();
    assert_eq!(
        f.stdout(&["search", "vim"]),
        text(&[
            "core/vim 9.1.1000-1 [installed]",
            "    Vi Improved, a highly configurable, improved version of the vi text editor",
            "local/vim-config 1.0-1 [installed]",
            "    My vim configuration, built locally with makepkg",
            "core/vim-runtime 9.1.1000-1 [installed]",
            "    Vi Improved, runtime files",
            "extra/editorconfig-vim 1.2.0-1",
            "    EditorConfig plugin for the vi family of editors",
            "extra/gvim 9.1.1000-1",
            "    Vi Improved, a highly configurable, improved version of the vi text editor (with advanced features, such as a GUI)",
            "extra/neovim 0.10.4-1",
            "    Fork of Vim aiming to improve user experience, plugins, and GUIs",
            // `vifm` is no fuzzy hit: `vim` is found as it is, so fuzzy hits must be tight.
            "extra/universal-ctags 6.1.0-1",
            "    Generates an index file of language objects found in source files for vim",
        ])
    );
    // The same order, with the match kinds that explain it.
    let json = f.omg(&["--json", "search", "vim"]).json();
    let kinds: Vec<(&str, &str)> = json["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| {
            (
                h["package"]["name"].as_str().unwrap(),
                h["kind"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("vim", "exact"),
            ("vim-config", "prefix"),
            ("vim-runtime", "prefix"),
            ("editorconfig-vim", "word_boundary"),
            ("gvim", "substring"),
            ("neovim", "substring"),
            ("universal-ctags", "description"),
        ]
    );
    assert_eq!(json["total"], 7);
    // Only the fuzzy hit has a score.
    for hit in json["hits"].as_array().unwrap() {
        let fuzzy = hit["kind"] == "fuzzy";
        assert_eq!(hit["score"].as_u64().unwrap() > 0, fuzzy, "{hit}");
    }
}

#[test]
fn search_limit_prints_a_footer_with_the_total() {
    let f = fixture();
    assert_eq!(
        f.stdout(&["search", "vim", "--limit", "2"]),
        text(&[
            "core/vim 9.1.1000-1 [installed]",
            &format!("    {VIM_DESC}"),
            "local/vim-config 1.0-1 [installed]",
            "    My vim configuration, built locally with makepkg",
            "2 of 7 matches shown; use --limit to see more",
        ])
    );
    // A limit at least the number of matches prints no footer.
    let all = f.stdout(&["search", "vim", "-l", "8"]);
    assert!(!all.contains("matches shown"), "{all}");
    assert_eq!(all, f.stdout(&["search", "vim"]));
}

#[test]
fn search_installed_only() {
    let f = fixture();
    assert_eq!(
        f.stdout(&["search", "vim", "--installed"]),
        text(&[
            "core/vim 9.1.1000-1 [installed]",
            &format!("    {VIM_DESC}"),
            "local/vim-config 1.0-1 [installed]",
            "    My vim configuration, built locally with makepkg",
            "core/vim-runtime 9.1.1000-1 [installed]",
            "    Vi Improved, runtime files",
        ])
    );
    // An upgradable package shows both versions.
    assert_eq!(
        f.stdout(&["s", "bash", "--installed"]),
        text(&[
            "core/bash 5.2.037-1 [installed: 5.2.026-1]",
            "    The GNU Bourne Again shell",
        ])
    );
}

#[test]
fn quiet_search_prints_names_only() {
    let f = fixture();
    assert_eq!(
        f.stdout(&["-q", "search", "vim"]),
        text(&[
            "vim",
            "vim-config",
            "vim-runtime",
            "editorconfig-vim",
            "gvim",
            "neovim",
            "universal-ctags",
        ])
    );
    // Names only means no footer either.
    assert_eq!(
        f.stdout(&["search", "vim", "--quiet", "--limit", "1"]),
        "vim\n"
    );
}

#[test]
fn search_words_fuzzy_names_and_descriptions() {
    let f = fixture();
    // Every word must occur; the shorter name wins the tie.
    assert_eq!(
        f.stdout(&["search", "text", "editor"]),
        text(&[
            "core/vim 9.1.1000-1 [installed]",
            &format!("    {VIM_DESC}"),
            "extra/gvim 9.1.1000-1",
            &format!("    {VIM_DESC} (with advanced features, such as a GUI)"),
        ])
    );
    assert_eq!(
        f.stdout(&["search", "frfx"]),
        text(&[
            "extra/firefox 134.0-1",
            "    Fast, Private & Safe Web Browser",
        ])
    );
    // Description matches, case-insensitively, shortest name first.
    assert_eq!(
        f.stdout(&["-q", "search", "gnu"]),
        text(&["sed", "bash", "glibc", "readline", "coreutils"])
    );
    // Nothing found: exit code 1 (pacman -Ss), stdout empty, the message on stderr.
    let none = f.omg(&["search", "zzzzzz"]);
    none.expect_code(1);
    assert_eq!(
        (none.stdout.as_str(), none.stderr.as_str()),
        ("", "no packages found\n")
    );
}

#[test]
fn a_name_in_both_repositories_is_a_hit_in_each_and_info_takes_the_first() {
    let f = fixture();
    // Like pacman -Ss: one hit per repository, in pacman.conf order.
    assert_eq!(
        f.stdout(&["search", "nano"]),
        text(&[
            "core/nano 8.3-1",
            "    Pico editor clone with enhancements",
            "extra/nano 8.4-1",
            "    Pico editor clone with enhancements (newer build)",
        ])
    );
    let info = f.omg(&["info", "nano", "--json"]).json();
    assert_eq!(info[0]["repository"], "core");
    assert_eq!(info[0]["version"], "8.3-1");
}

#[test]
fn search_json_carries_the_package_fields() {
    let f = fixture();
    let json = f.omg(&["search", "bash", "--json"]).json();
    assert_eq!(json["total"], 1);
    let hit = &json["hits"][0];
    assert_eq!(hit["kind"], "exact");
    assert_eq!(hit["score"], 0);
    assert_eq!(
        hit["package"],
        serde_json::json!({
            "name": "bash",
            "version": "5.2.037-1",
            "description": "The GNU Bourne Again shell",
            "repository": "core",
            "architecture": "x86_64",
            "installed": { "version": "5.2.026-1", "reason": "explicit", "date": 1_700_100_000 },
            "provides": [],
        })
    );
    let limited = f.omg(&["search", "vim", "--json", "--limit", "2"]).json();
    assert_eq!(limited["total"], 7);
    assert_eq!(limited["hits"].as_array().unwrap().len(), 2);
    let none = f.omg(&["search", "zzzzzz", "--json"]).json();
    assert_eq!(none, serde_json::json!({ "hits": [], "total": 0 }));
}

#[test]
fn global_flags_are_accepted_after_the_subcommand() {
    let f = fixture();
    let conf = f.conf_str();
    let after = omg(
        &[
            "search",
            "vim",
            "--json",
            "--backend",
            "alpm",
            "--config",
            &conf,
            "--limit",
            "3",
        ],
        &[],
    );
    let before = f.omg(&["--json", "search", "vim", "--limit", "3"]);
    assert_eq!(after.ok(), before.ok());
    assert_eq!(after.json()["hits"][2]["package"]["name"], "vim-runtime");
    let quiet_after = omg(
        &[
            "list",
            "--orphans",
            "-q",
            "--config",
            &conf,
            "--backend",
            "alpm",
        ],
        &[],
    );
    assert_eq!(quiet_after.ok(), "zlib\n");
}

// ---------------------------------------------------------------------------------------
// info

#[test]
fn info_shows_the_installed_version_when_it_differs() {
    let f = fixture();
    assert_eq!(
        f.stdout(&["info", "bash"]),
        text(&[
            "Repository        : core",
            "Name              : bash",
            "Version           : 5.2.037-1",
            "Installed Version : 5.2.026-1",
            "Description       : The GNU Bourne Again shell",
            "Architecture      : x86_64",
            "URL               : https://example.org/bash",
            "Licenses          : GPL-3.0-or-later",
            "Groups            : None",
            "Provides          : None",
            "Depends On        : readline  glibc",
            "Optional Deps     : None",
            "Required By       : None",
            "Optional For      : None",
            "Conflicts With    : None",
            "Replaces          : None",
            "Download Size     : 1.95 MiB",
            "Installed Size    : 9.00 MiB",
            "Packager          : omg fixtures <fixtures@omg.invalid>",
            "Build Date        : 2023-11-14 22:13:20 UTC",
            "Install Date      : 2023-11-16 02:00:00 UTC",
            "Install Reason    : Explicitly installed",
            "Install Script    : No",
            "Validated By      : None",
        ])
    );
}

#[test]
fn info_of_two_packages_prints_two_records() {
    let f = fixture();
    // vim is installed at the repository's version (no "Installed Version" line); nano is
    // not installed at all.
    assert_eq!(
        f.stdout(&["info", "vim", "nano"]),
        text(&[
            "Repository        : core",
            "Name              : vim",
            "Version           : 9.1.1000-1",
            &format!("Description       : {VIM_DESC}"),
            "Architecture      : x86_64",
            "URL               : https://example.org/vim",
            "Licenses          : custom:vim",
            "Groups            : None",
            "Provides          : None",
            "Depends On        : vim-runtime=9.1.1000-1  glibc",
            "Optional Deps     : python: Python language support",
            "Required By       : vim-config",
            "Optional For      : None",
            "Conflicts With    : gvim",
            "Replaces          : None",
            "Download Size     : 1.81 MiB",
            "Installed Size    : 4.39 MiB",
            "Packager          : omg fixtures <fixtures@omg.invalid>",
            "Build Date        : 2023-11-14 22:13:20 UTC",
            "Install Date      : 2023-11-16 02:00:00 UTC",
            "Install Reason    : Explicitly installed",
            "Install Script    : No",
            "Validated By      : None",
            "",
            "Repository        : core",
            "Name              : nano",
            "Version           : 8.3-1",
            "Description       : Pico editor clone with enhancements",
            "Architecture      : x86_64",
            "URL               : https://example.org/nano",
            "Licenses          : MIT",
            "Groups            : None",
            "Provides          : None",
            "Depends On        : None",
            "Optional Deps     : None",
            "Conflicts With    : None",
            "Replaces          : None",
            "Download Size     : 1.00 KiB",
            "Installed Size    : 4.00 KiB",
            "Packager          : omg fixtures <fixtures@omg.invalid>",
            "Build Date        : 2023-11-14 22:13:20 UTC",
            "Installed         : No",
            "Validated By      : None",
        ])
    );
}

#[test]
fn info_of_a_local_only_package_and_a_dependency() {
    let f = fixture();
    assert_eq!(
        f.stdout(&["info", "vim-config", "zlib"]),
        text(&[
            "Repository        : local",
            "Name              : vim-config",
            "Version           : 1.0-1",
            "Description       : My vim configuration, built locally with makepkg",
            "Architecture      : x86_64",
            "URL               : https://example.org/vim-config",
            "Licenses          : MIT",
            "Groups            : None",
            "Provides          : None",
            "Depends On        : vim",
            "Optional Deps     : None",
            "Required By       : None",
            "Optional For      : None",
            "Conflicts With    : None",
            "Replaces          : None",
            "Download Size     : unknown",
            "Installed Size    : 4.00 KiB",
            "Packager          : omg fixtures <fixtures@omg.invalid>",
            "Build Date        : 2023-11-14 22:13:20 UTC",
            "Install Date      : 2023-11-16 02:00:00 UTC",
            "Install Reason    : Explicitly installed",
            "Install Script    : No",
            "Validated By      : None",
            "",
            "Repository        : core",
            "Name              : zlib",
            "Version           : 1:1.3.1-2",
            "Description       : Compression library implementing the deflate compression method found in gzip",
            "Architecture      : x86_64",
            "URL               : https://example.org/zlib",
            "Licenses          : MIT",
            "Groups            : None",
            "Provides          : None",
            "Depends On        : None",
            "Optional Deps     : None",
            "Required By       : None",
            "Optional For      : None",
            "Conflicts With    : None",
            "Replaces          : None",
            "Download Size     : 1.00 KiB",
            "Installed Size    : 4.00 KiB",
            "Packager          : omg fixtures <fixtures@omg.invalid>",
            "Build Date        : 2023-11-14 22:13:20 UTC",
            "Install Date      : 2023-11-16 02:00:00 UTC",
            "Install Reason    : Installed as a dependency for another package",
            "Install Script    : No",
            "Validated By      : None",
        ])
    );
}

#[test]
fn info_json_carries_the_full_records() {
    let f = fixture();
    let json = f.omg(&["info", "bash", "vim-config", "--json"]).json();
    let records = json.as_array().expect("an array of records");
    assert_eq!(records.len(), 2);
    assert_eq!(
        records[0],
        serde_json::json!({
            "name": "bash",
            "version": "5.2.037-1",
            "description": "The GNU Bourne Again shell",
            "repository": "core",
            "architecture": "x86_64",
            "download_size": 2_048_000,
            "installed_size": 9_437_184,
            "url": "https://example.org/bash",
            "licenses": ["GPL-3.0-or-later"],
            "groups": [],
            "packager": "omg fixtures <fixtures@omg.invalid>",
            "maintainer": null,
            "section": null,
            "build_date": 1_700_000_000,
            "validated_by": [],
            "install_script": false,
            "long_description": null,
            "relations": {
                "provides": [],
                "depends": ["readline", "glibc"],
                "opt_depends": [],
                "required_by": [],
                "optional_for": [],
                "conflicts": [],
                "replaces": [],
            },
            "versions": [],
            "installed_optdepends": [],
            "installed": { "version": "5.2.026-1", "reason": "explicit", "date": 1_700_100_000 },
        })
    );
    assert_eq!(records[1]["repository"], "local");
    assert_eq!(records[1]["download_size"], Value::Null);
    assert_eq!(records[1]["installed"]["version"], "1.0-1");
}

// ---------------------------------------------------------------------------------------
// list and status

#[test]
fn list_installed() {
    let f = fixture();
    assert_eq!(
        f.stdout(&["list"]),
        text(&[
            "bash 5.2.026-1",
            "coreutils 9.6-1",
            "glibc 2.41-1",
            "readline 8.2.013-1",
            "vim 9.1.1000-1",
            "vim-config 1.0-1",
            "vim-runtime 9.1.1000-1",
            "zlib 1:1.3.1-2",
        ])
    );
}

#[test]
fn list_explicit() {
    let f = fixture();
    assert_eq!(f.stdout(&["explicit"]), f.stdout(&["list", "--explicit"]));
    assert_eq!(
        f.stdout(&["list", "--explicit"]),
        text(&[
            "bash 5.2.026-1",
            "coreutils 9.6-1",
            "vim 9.1.1000-1",
            "vim-config 1.0-1",
        ])
    );
}

#[test]
fn list_orphans() {
    let f = fixture();
    assert_eq!(f.stdout(&["list", "--orphans"]), text(&["zlib 1:1.3.1-2"]));
    assert_eq!(f.stdout(&["list", "--orphans", "-q"]), "zlib\n");
}

#[test]
fn list_upgradable() {
    let f = fixture();
    assert_eq!(
        f.stdout(&["list", "--upgradable"]),
        text(&["bash 5.2.026-1 -> 5.2.037-1",])
    );
    let json = f.omg(&["list", "--upgradable", "--json"]).json();
    assert_eq!(
        json,
        serde_json::json!([{
            "name": "bash",
            "version": "5.2.037-1",
            "description": "The GNU Bourne Again shell",
            "repository": "core",
            "architecture": "x86_64",
            "installed": { "version": "5.2.026-1", "reason": "explicit", "date": 1_700_100_000 },
            "provides": [],
        }])
    );
}

#[test]
fn list_json_and_quiet() {
    let f = fixture();
    let json = f.omg(&["list", "--json"]).json();
    let names: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "bash",
            "coreutils",
            "glibc",
            "readline",
            "vim",
            "vim-config",
            "vim-runtime",
            "zlib"
        ]
    );
    // Installed entries carry the installed version and the reason.
    assert_eq!(json[0]["version"], "5.2.026-1");
    assert_eq!(json[2]["installed"]["reason"], "dependency");
    let orphans = f.omg(&["list", "--orphans", "--json"]).json();
    assert_eq!(orphans.as_array().unwrap().len(), 1);
    assert_eq!(orphans[0]["name"], "zlib");
    assert_eq!(orphans[0]["installed"]["reason"], "dependency");
    assert_eq!(
        f.stdout(&["-q", "list", "--explicit"]),
        text(&["bash", "coreutils", "vim", "vim-config"])
    );
}

#[test]
fn empty_lists_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let mut root = FixtureRoot::create(dir.path()).unwrap();
    root.add_sync_db("core", &[pkg("a", "1-1", "A package")])
        .unwrap();
    root.install_local(&[pkg("a", "1-1", "A package").as_dependency()])
        .unwrap();
    let conf = root.config_path().display().to_string();
    let run = |args: &[&str]| {
        let mut all = vec!["--backend", "alpm", "--config", conf.as_str()];
        all.extend_from_slice(args);
        omg(&all, &[]).ok().to_string()
    };
    assert_eq!(
        run(&["list", "--explicit"]),
        "no explicitly installed packages\n"
    );
    assert_eq!(run(&["list", "--upgradable"]), "everything is up to date\n");
    assert_eq!(run(&["list", "--upgradable", "--json"]), "[]\n");
    assert_eq!(run(&["-q", "list", "--upgradable"]), "");
}

#[test]
fn status_counts() {
    let f = fixture();
    // 13 in core + 14 in extra - nano twice + vim-config (local only) = 27.
    assert_eq!(
        f.stdout(&["status"]),
        text(&[
            "backend     alpm",
            "available   27",
            "installed   8",
            "explicit    4",
            "orphans     1",
            "upgradable  1",
        ])
    );
    assert_eq!(
        f.omg(&["status", "--json"]).json(),
        serde_json::json!({
            "backend": "alpm",
            "available": 27,
            "installed": 8,
            "explicit": 4,
            "orphans": 1,
            "upgradable": 1,
            "security": null,
            "runtimes": [],
        })
    );
}

// ---------------------------------------------------------------------------------------
// colours

#[test]
fn no_escape_codes_when_not_a_terminal_or_no_color() {
    let f = fixture();
    for env in [&[][..], &[("NO_COLOR", "1")][..]] {
        for args in [
            &["search", "vim"][..],
            &["info", "bash", "vim"],
            &["list"],
            &["list", "--upgradable"],
            &["status"],
        ] {
            let run = f.omg_env(args, env);
            let out = run.ok();
            assert!(!out.is_empty());
            assert!(!out.contains('\x1b'), "{args:?} {env:?}: {out:?}");
        }
    }
}

/// With a terminal (a pty from util-linux `script`), colours are on unless `NO_COLOR` is set.
#[test]
fn colours_on_a_terminal_unless_no_color() {
    let f = fixture();
    let cmd = format!(
        "{} --backend alpm --config '{}' search vim --limit 1",
        common::omg_bin().display(),
        f.conf_str()
    );
    let tty = |no_color: Option<&str>| {
        let mut c = std::process::Command::new("script");
        // The omg that `script` runs inherits this environment: isolated like every other.
        common::isolate(&mut c).args(["-qec", &cmd, "/dev/null"]);
        if let Some(v) = no_color {
            c.env("NO_COLOR", v);
        }
        c.output()
    };
    let coloured = match tty(None) {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return omg_testkit::skip("terminal colours: `script` (util-linux) is not installed");
        }
        Err(e) => panic!("cannot run script: {e}"),
    };
    assert!(coloured.status.success(), "{coloured:?}");
    let coloured = String::from_utf8(coloured.stdout).unwrap();
    assert!(coloured.contains("\x1b[1mvim\x1b[0m"), "{coloured:?}");
    let plain = tty(Some("1")).unwrap();
    assert!(plain.status.success(), "{plain:?}");
    let plain = String::from_utf8(plain.stdout).unwrap();
    assert!(plain.contains("vim"), "{plain:?}");
    assert!(!plain.contains('\x1b'), "{plain:?}");
}

// ---------------------------------------------------------------------------------------
// errors

#[test]
fn an_unknown_package_exits_3_with_suggestions() {
    let f = fixture();
    let run = f.omg(&["info", "vmi"]);
    run.expect_code(3);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "omg: error: package 'vmi' was not found; did you mean vim, vim-config, vim-runtime?\n"
    );
    // Like pacman -Si: the records found, then an error for each unknown name.
    let run = f.omg(&["info", "bash", "bsah"]);
    run.expect_code(3);
    assert!(run
        .stdout
        .starts_with("Repository        : core\nName              : bash\n"));
    assert_eq!(
        run.stderr,
        "omg: error: package 'bsah' was not found; did you mean bash?\n"
    );
    let run = f.omg(&["info", "qqqqqqqq"]);
    run.expect_code(3);
    assert_eq!(run.stderr, "omg: error: package 'qqqqqqqq' was not found\n");
}

#[test]
fn an_unknown_package_with_json_is_an_error_object_on_stdout() {
    let f = fixture();
    let run = f.omg(&["info", "vmi", "--json"]);
    run.expect_code(3);
    assert_eq!(run.stderr, "");
    assert_eq!(
        run.json(),
        serde_json::json!({ "error": {
            "kind": "not_found",
            "message": "package 'vmi' was not found; did you mean vim, vim-config, vim-runtime?",
            "suggestions": ["vim", "vim-config", "vim-runtime"],
        }})
    );
}

#[test]
fn a_missing_pacman_conf_exits_4_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("nowhere/pacman.conf");
    let conf = conf.to_str().unwrap();
    let run = omg(&["--backend", "alpm", "--config", conf, "status"], &[]);
    run.expect_code(4);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        format!(
            "omg: error: configuration {conf}: the file does not exist; give an existing pacman.conf\n"
        )
    );
    let run = omg(
        &["--backend", "alpm", "--config", conf, "status", "--json"],
        &[],
    );
    run.expect_code(4);
    assert_eq!(run.json()["error"]["kind"], "config");
}

#[test]
fn a_truncated_sync_database_exits_4_naming_it_and_omg_sync() {
    let f = fixture();
    let db = f.root.sync_db_path("extra");
    let bytes = std::fs::read(&db).unwrap();
    std::fs::write(&db, &bytes[..bytes.len() / 2]).unwrap();
    for args in [&["status"][..], &["search", "vim"], &["info", "bash"]] {
        let run = f.omg(args);
        run.expect_code(4);
        assert_eq!(run.stdout, "");
        let prefix = format!(
            "omg: error: package database {} is unreadable (",
            db.display()
        );
        assert!(run.stderr.starts_with(&prefix), "{}", run.stderr);
        assert!(
            run.stderr
                .ends_with("); run `omg sync` to download it again\n"),
            "{}",
            run.stderr
        );
    }
    let run = f.omg(&["status", "--json"]);
    run.expect_code(4);
    let error = &run.json()["error"];
    assert_eq!(error["kind"], "corrupt_database");
    let message = error["message"].as_str().unwrap();
    assert!(message.contains(&db.display().to_string()), "{message}");
    assert!(message.contains("omg sync"), "{message}");
}

#[test]
fn a_missing_sync_database_exits_4_naming_it() {
    let f = fixture();
    let db = f.root.sync_db_path("core");
    std::fs::remove_file(&db).unwrap();
    let run = f.omg(&["list"]);
    run.expect_code(4);
    assert_eq!(
        run.stderr,
        format!(
            "omg: error: package database {} is missing; run `omg sync` to download it\n",
            db.display()
        )
    );
}

#[test]
fn an_empty_query_exits_2() {
    let f = fixture();
    let run = f.omg(&["search", " "]);
    run.expect_code(2);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "omg: error: invalid request: the search query is empty; give a word to look for\n"
    );
    let run = f.omg(&["search", "", "--json"]);
    run.expect_code(2);
    assert_eq!(run.json()["error"]["kind"], "invalid_request");
}

#[test]
fn bad_usage_exits_2() {
    let f = fixture();
    for args in [
        &["search"][..],
        &["info"],
        &["list", "--explicit", "--orphans"],
        &["search", "vim", "--limit", "many"],
        &["frobnicate"],
        &["status", "--backend", "dnf"],
    ] {
        let run = f.omg(args);
        run.expect_code(2);
        assert_eq!(run.stdout, "", "{args:?}");
        assert!(
            run.stderr.starts_with("error: "),
            "{args:?}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains("try '--help'"),
            "{args:?}: {}",
            run.stderr
        );
    }
    let run = f.omg(&["search"]);
    assert!(run.stderr.contains("<QUERY>..."), "{}", run.stderr);
}

// ---------------------------------------------------------------------------------------
// against pacman

/// `pacman -Ssq` on the same root finds what omg's search finds by substring (in the name or
/// the description) in the sync databases: every hit but the fuzzy ones and local packages.
#[test]
fn substring_hits_match_pacman_ssq() {
    let f = fixture();
    let conf = f.conf_str();
    for term in ["vim", "gnu", "editor", "grep", "GNU", "file", "zlib"] {
        let Some(pacman) = tool_stdout("pacman", &["--config", &conf, "-Ssq", term]) else {
            return omg_testkit::skip("the cross-check against pacman: it is not installed");
        };
        let expected: BTreeSet<&str> = pacman.lines().collect();
        let json = f.omg(&["search", term, "--json"]).json();
        let ours: BTreeSet<&str> = json["hits"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| h["kind"] != "fuzzy" && h["package"]["repository"] != "local")
            .map(|h| h["package"]["name"].as_str().unwrap())
            .collect();
        assert!(!expected.is_empty(), "{term}: pacman found nothing");
        assert_eq!(ours, expected, "search {term}");
    }
}
