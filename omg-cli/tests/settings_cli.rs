//! The commands about omg itself, through the real `omg`: `omg config` (every setting, its
//! value and where it came from) and `omg completions` (scripts the real shells load).

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::process::Command;

use common::{omg, omg_bin, tool_path};

#[test]
fn config_shows_each_setting_with_its_origin_and_warns_of_unknown_keys() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.toml");
    std::fs::write(
        &file,
        "[audit]\nrelease = \"trixie\"\n[transactions]\nlock_timeout = 5\n\
         [runtimes.nod]\nmirror = \"http://typo\"\n",
    )
    .unwrap();
    let file_str = file.to_str().unwrap();
    let env = [
        ("OMG_CONFIG", file_str),
        ("OMG_RUNTIMES_GO_MIRROR", "http://127.0.0.1:9/go"),
        ("OMG_AUDIT_ARCH_FEED", ""),
    ];
    let run = omg(&["config"], &env);
    run.expect_code(0);
    let lines: Vec<Vec<&str>> = run
        .stdout
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(lines[0], ["configuration", "file:", file_str]);
    let row = |key: &str| {
        lines
            .iter()
            .find(|l| l.first() == Some(&key))
            .unwrap_or_else(|| panic!("no {key} row:\n{}", run.stdout))
            .clone()
    };
    assert_eq!(row("audit.release"), ["audit.release", "trixie", file_str]);
    assert_eq!(
        row("transactions.lock_timeout"),
        ["transactions.lock_timeout", "5", file_str]
    );
    assert_eq!(
        row("runtimes.go.mirror"),
        [
            "runtimes.go.mirror",
            "http://127.0.0.1:9/go",
            "$OMG_RUNTIMES_GO_MIRROR"
        ]
    );
    // An empty variable does not count: the default shows.
    assert_eq!(
        row("audit.arch_feed"),
        [
            "audit.arch_feed",
            "https://security.archlinux.org/all.json",
            "default"
        ]
    );
    assert_eq!(
        row("runtimes.node.mirror"),
        ["runtimes.node.mirror", "https://nodejs.org/dist", "default"]
    );
    assert_eq!(
        run.stderr,
        "omg: warning: the configuration file sets runtimes.nod.mirror, which omg does not read\n"
    );

    let json = omg(&["--json", "config"], &env).expect_code(0).json();
    assert_eq!(json["file"], file_str);
    assert_eq!(json["exists"], true);
    assert_eq!(json["unknown"], serde_json::json!(["runtimes.nod.mirror"]));
    let settings = json["settings"].as_array().unwrap();
    assert!(settings
        .iter()
        .any(|s| s["key"] == "audit.release" && s["value"] == "trixie" && s["origin"] == file_str));
    // Every native runtime's mirror is listed.
    for name in ["node", "python", "go", "rust", "ruby", "java", "bun"] {
        let key = format!("runtimes.{name}.mirror");
        assert!(settings.iter().any(|s| s["key"] == key), "{key}");
    }

    // Without the file: said so, and every value is a default or a variable.
    let missing = dir.path().join("none.toml");
    let run = omg(&["config"], &[("OMG_CONFIG", missing.to_str().unwrap())]);
    assert!(
        run.ok().starts_with(&format!(
            "configuration file: {} (not present)\n",
            missing.display()
        )),
        "{}",
        run.stdout
    );

    // A file that is not TOML is an error naming it.
    std::fs::write(&file, "[audit\n").unwrap();
    let run = omg(&["config"], &[("OMG_CONFIG", file_str)]);
    assert_ne!(run.code, Some(0));
    assert!(run.stderr.contains(file_str), "{}", run.stderr);
    assert!(run.stderr.contains("not valid TOML"), "{}", run.stderr);
}

#[test]
fn completion_scripts_complete_commands_in_the_real_shells() {
    for shell in ["bash", "zsh", "fish"] {
        let run = omg(&["completions", shell], &[]);
        assert!(!run.ok().is_empty(), "{shell}");
    }
    let omg = omg_bin().display().to_string();
    // The scripts call `omg` on PATH: this one first, hermetic.
    let path = format!("{}:/usr/bin:/bin", omg_bin().parent().unwrap().display());
    let run = |program: &std::path::Path, args: &[&str]| {
        let mut cmd = Command::new(program);
        common::isolate(&mut cmd).env("PATH", &path).args(args);
        cmd.output().unwrap()
    };
    if let Some(bash) = tool_path("bash") {
        let script = format!(
            "source <('{omg}' completions bash); COMP_WORDS=(omg sea); COMP_CWORD=1; \
             COMP_LINE='omg sea'; COMP_POINT=7; _omg omg sea omg; echo \"${{COMPREPLY[@]}}\""
        );
        let out = run(&bash, &["-c", &script]);
        assert_eq!(String::from_utf8_lossy(&out.stdout), "search\n");
    }
    if let Some(fish) = tool_path("fish") {
        let script = format!("'{omg}' completions fish | source; complete -C'omg sea'");
        let out = run(&fish, &["--no-config", "-c", &script]);
        assert_eq!(String::from_utf8_lossy(&out.stdout), "search\n");
    }
    if let Some(zsh) = tool_path("zsh") {
        let script = format!(
            "autoload -U compinit; compinit -u -D; source <('{omg}' completions zsh); \
             echo $+functions[_omg]"
        );
        let out = Command::new(zsh).args(["-c", &script]).output().unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), "1\n");
    }
}
