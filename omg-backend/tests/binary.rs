//! The `omg-backend` binary as `omg` execs it: its exit codes and streams. (This file also
//! makes `cargo test --workspace` build the binary, which omg-cli's suites run beside `omg`.)

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::process::Command;

fn run(args: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().expect("temporary directory");
    Command::new(env!("CARGO_BIN_EXE_omg-backend"))
        .args(args)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env("XDG_CACHE_HOME", dir.path().join("cache"))
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .env("XDG_RUNTIME_DIR", dir.path().join("run"))
        .output()
        .expect("run omg-backend")
}

#[test]
fn config_as_json_lists_the_schema_with_defaults() {
    let out = run(&["--json", "config"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let settings = v["settings"].as_array().expect("settings");
    let refresh = settings
        .iter()
        .find(|s| s["key"] == "daemon.refresh_secs")
        .expect("daemon.refresh_secs listed");
    assert_eq!(refresh["value"], "300");
    assert_eq!(refresh["origin"], "default");
}

#[test]
fn daemon_control_is_refused_with_usage_code() {
    let out = run(&["daemon", "stop"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("answered by omg itself"), "{stderr}");
}
