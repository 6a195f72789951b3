//! The Ansible collection in `contrib/ansible` (`omg.omg.package`, `omg.omg.runtime`,
//! `omg.omg.audit`) run by a real `ansible-playbook` (ansible-core from PyPI in a venv cached
//! under the target directory) against localhost, driving the real `omg` binaries: a
//! throw-away pacman root checked with pacman, the host's apt in check mode only checked with
//! dpkg-query, an Arch security feed and a python-build-standalone mirror on 127.0.0.1.
//! Every playbook runs twice: the second run must report no change.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use common::{isolate, omg, omg_bin, pacman, Run};
use omg_testkit::alpm::{FixturePackage, FixtureRoot};
use omg_testkit::runtimes::{PythonBuilds, Tamper, TestServer};
use serde_json::{json, Value};
use tempfile::TempDir;

/// The ansible-core the tests install (Python >= 3.11 on the controller).
const ANSIBLE_CORE: &str = "2.19.14";

/// The venv holding ansible-core, made once under `$CARGO_TARGET_TMPDIR` and kept (its
/// `installed` marker written last); `None` (a skip, a failure under CI) when Python, venv or
/// PyPI is not there.
fn ansible_venv() -> Option<&'static Path> {
    static VENV: OnceLock<Option<PathBuf>> = OnceLock::new();
    VENV.get_or_init(|| {
        let dir =
            Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("ansible-core-{ANSIBLE_CORE}"));
        let marker = dir.join("installed");
        if marker.is_file() {
            return Some(dir);
        }
        // A venv left half made by an interrupted run is made again.
        let _ = std::fs::remove_dir_all(&dir);
        let venv = Command::new("python3")
            .arg("-m")
            .arg("venv")
            .arg(&dir)
            .output();
        match venv {
            Ok(out) if out.status.success() => {}
            Ok(out) => {
                omg_testkit::skip(&format!(
                    "python3 -m venv failed (scripts/debian-packages.txt lists python3-venv): {}",
                    String::from_utf8_lossy(&out.stderr)
                ));
                return None;
            }
            Err(e) => {
                omg_testkit::skip(&format!("no python3: {e}"));
                return None;
            }
        }
        let pip = Command::new(dir.join("bin/pip"))
            .args(["install", "--quiet", "--disable-pip-version-check"])
            .arg(format!("ansible-core=={ANSIBLE_CORE}"))
            .output()
            .unwrap_or_else(|e| panic!("cannot run the venv's pip: {e}"));
        if !pip.status.success() {
            omg_testkit::skip(&format!(
                "pip install ansible-core=={ANSIBLE_CORE} failed (no PyPI?): {}",
                String::from_utf8_lossy(&pip.stderr)
            ));
            return None;
        }
        std::fs::write(&marker, ANSIBLE_CORE).expect("write the venv's marker");
        Some(dir)
    })
    .as_deref()
}

/// A private controller: HOME, XDG directories and the collection at
/// `collections/ansible_collections/omg/omg` (a link to `contrib/ansible`) in a temporary
/// directory, and the environment `ansible-playbook` and the modules (run locally, they
/// inherit it) get.
struct Controller {
    dir: TempDir,
    venv: &'static Path,
    env: Vec<(String, String)>,
    plays: std::cell::Cell<usize>,
}

/// What one playbook run of one task left: the task's registered result.
struct Outcome {
    result: Value,
    output: String,
}

impl Outcome {
    fn changed(&self) -> bool {
        self.result["changed"] == true
    }

    fn failed(&self) -> bool {
        self.result["failed"] == true
    }

    /// The task succeeded; returns its result.
    #[track_caller]
    fn ok(&self) -> &Value {
        assert!(!self.failed(), "the task failed:\n{}", self.output);
        &self.result
    }
}

impl Controller {
    fn new() -> Option<Controller> {
        let venv = ansible_venv()?;
        let dir = tempfile::tempdir().expect("tempdir");
        let collection = Path::new(env!("CARGO_MANIFEST_DIR")).join("../contrib/ansible");
        let namespace = dir.path().join("collections/ansible_collections/omg");
        std::fs::create_dir_all(&namespace).expect("collections dir");
        std::os::unix::fs::symlink(
            collection.canonicalize().expect("contrib/ansible"),
            namespace.join("omg"),
        )
        .expect("link the collection");
        let p = |s: &str| dir.path().join(s).to_string_lossy().into_owned();
        let env = vec![
            ("HOME".to_string(), p("home")),
            ("XDG_CONFIG_HOME".to_string(), p("config")),
            ("XDG_DATA_HOME".to_string(), p("data")),
            ("XDG_CACHE_HOME".to_string(), p("cache")),
            ("XDG_STATE_HOME".to_string(), p("state")),
            ("XDG_RUNTIME_DIR".to_string(), p("run")),
            ("ANSIBLE_COLLECTIONS_PATH".to_string(), p("collections")),
            (
                "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH".to_string(),
                "false".to_string(),
            ),
            ("ANSIBLE_NOCOLOR".to_string(), "1".to_string()),
            ("ANSIBLE_RETRY_FILES_ENABLED".to_string(), "0".to_string()),
            ("LC_ALL".to_string(), "C.UTF-8".to_string()),
            // Never an omgd of the user's: the modules pass --no-daemon as well.
            (
                "OMG_SOCKET".to_string(),
                "/nonexistent/omgd.sock".to_string(),
            ),
            ("OMG_HISTORY_FILE".to_string(), p("history.redb")),
            // pacman 7.1 is in /usr/local/bin; no mise (runtimes are omg's own).
            (
                "PATH".to_string(),
                "/usr/local/bin:/usr/bin:/bin".to_string(),
            ),
        ];
        for d in ["home", "config", "data", "cache", "state", "run", "work"] {
            std::fs::create_dir_all(dir.path().join(d)).expect("mkdir");
        }
        Some(Controller {
            dir,
            venv,
            env,
            plays: std::cell::Cell::new(0),
        })
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn set(&mut self, key: &str, value: &str) {
        self.env.push((key.to_string(), value.to_string()));
    }

    /// Runs `module` with `args` in a playbook on localhost (`ansible-playbook extra...`, e.g.
    /// `--check --diff`) and returns the task's registered result. The task may fail (its
    /// result says so); the playbook itself must succeed.
    fn run(&self, module: &str, args: &Value, extra: &[&str]) -> Outcome {
        let n = self.plays.get() + 1;
        self.plays.set(n);
        let results = self.path(&format!("work/result-{n}.json"));
        let play = json!([{
            "hosts": "localhost",
            "gather_facts": false,
            "tasks": [
                {"name": "the task", module: args, "register": "r", "ignore_errors": true},
                {
                    "name": "keep its result",
                    "ansible.builtin.copy": {"content": "{{ r | to_json }}", "dest": results},
                    "check_mode": false,
                    "diff": false,
                },
            ],
        }]);
        let playbook = self.path(&format!("work/play-{n}.yml"));
        // JSON is YAML.
        std::fs::write(&playbook, play.to_string()).expect("write the playbook");
        let python = self.venv.join("bin/python");
        let mut cmd = Command::new(self.venv.join("bin/ansible-playbook"));
        isolate(&mut cmd)
            .current_dir(self.path("work"))
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .args(["-i", "localhost,", "-c", "local", "-e"])
            .arg(format!("ansible_python_interpreter={}", python.display()))
            .args(extra)
            .arg(&playbook);
        let out = cmd.output().expect("run ansible-playbook");
        let output = format!(
            "--- ansible-playbook {extra:?} {module} {args}\n--- stdout\n{}\n--- stderr\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "the playbook failed\n{output}");
        let text = std::fs::read_to_string(&results)
            .unwrap_or_else(|e| panic!("no result ({e})\n{output}"));
        let result = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("the result is not JSON ({e}): {text}\n{output}"));
        Outcome { result, output }
    }

    /// [`Controller::run`] twice: the first must change something, the second nothing (in
    /// check mode, both report the change and nothing changes). Returns the first.
    #[track_caller]
    fn twice(&self, module: &str, args: &Value, extra: &[&str]) -> Outcome {
        let first = self.run(module, args, extra);
        first.ok();
        assert!(
            first.changed(),
            "the first run changed nothing\n{}",
            first.output
        );
        let second = self.run(module, args, extra);
        second.ok();
        let check = extra.contains(&"--check");
        assert_eq!(
            second.changed(),
            check,
            "the second run (check mode: {check})\n{}",
            second.output
        );
        first
    }
}

fn pkg(name: &str, version: &str) -> FixturePackage {
    FixturePackage::new(name, version)
        .desc(format!("the {name} package"))
        .file(
            format!("usr/share/{name}/data"),
            format!("{name} {version}\n"),
        )
}

fn core(app: &str) -> Vec<FixturePackage> {
    vec![
        pkg("app", app).depends(["lib"]),
        pkg("lib", "1.0-1"),
        pkg("tool", "2.0-1"),
        pkg("clash", "1.0-1"),
    ]
}

/// The module options that point omg at a fixture pacman root, never at an omgd.
fn alpm_args(root: &FixtureRoot) -> Value {
    json!({
        "executable": omg_bin(),
        "backend": "alpm",
        "config": root.config_path(),
        "no_daemon": true,
    })
}

/// `base` with the options of `extra` added.
fn with(base: &Value, extra: Value) -> Value {
    let mut all = base.clone();
    if let (Some(all), Some(extra)) = (all.as_object_mut(), extra.as_object()) {
        all.extend(extra.clone());
    }
    all
}

/// `pacman -Q` of the root: the oracle of what is installed.
fn pacman_q(root: &FixtureRoot) -> Option<String> {
    let run = pacman(&root.config_path(), &["-Q"])?;
    Some(run.stdout)
}

/// The names of a result's `actions`, sorted.
fn action_names(result: &Value) -> Vec<String> {
    let mut names: Vec<String> = result["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .filter_map(|a| a["name"].as_str().map(String::from))
        .collect();
    names.sort();
    names
}

#[test]
fn package_installs_upgrades_and_removes_on_a_pacman_root() {
    let Some(ctl) = Controller::new() else {
        return;
    };
    let mut root = FixtureRoot::create(&ctl.path("root")).expect("fixture root");
    root.publish("core", &core("1.0-1")).expect("publish");
    root.install_local(&[]).expect("local db");
    let Some(nothing) = pacman_q(&root) else {
        return;
    };
    assert_eq!(nothing, "");
    let base = alpm_args(&root);
    let args = |extra: Value| with(&base, extra);
    let q = |root: &FixtureRoot| pacman_q(root).expect("pacman");

    // Check mode: the plan and its diff, nothing installed.
    let app = args(json!({"name": ["app"]}));
    let plan = ctl.twice("omg.omg.package", &app, &["--check", "--diff"]);
    assert_eq!(action_names(&plan.result), ["app", "lib"]);
    assert_eq!(plan.result["diff"]["before"], "");
    assert_eq!(plan.result["diff"]["after"], "app 1.0-1\nlib 1.0-1\n");
    assert!(plan.output.contains("+app 1.0-1"), "{}", plan.output);
    assert_eq!(q(&root), "");

    // Installed, then nothing to do.
    let installed = ctl.twice("omg.omg.package", &app, &[]);
    assert_eq!(action_names(&installed.result), ["app", "lib"]);
    assert_eq!(q(&root), "app 1.0-1\nlib 1.0-1\n");
    let again = ctl.run("omg.omg.package", &app, &["--check", "--diff"]);
    assert!(
        !again.ok()["changed"].as_bool().unwrap_or(true),
        "{}",
        again.output
    );

    // A newer app on the server: present refreshes the databases but keeps app 1.0-1.
    root.publish_to_server("core", &core("1.1-1"))
        .expect("publish 1.1-1");
    let refresh = ctl.twice(
        "omg.omg.package",
        &args(json!({"name": ["app"], "update_cache": true})),
        &[],
    );
    assert_eq!(refresh.result["cache_updated"], true);
    assert_eq!(action_names(&refresh.result), Vec::<String>::new());
    assert_eq!(q(&root), "app 1.0-1\nlib 1.0-1\n");

    // latest: the upgrade planned in check mode, then made.
    let latest = args(json!({"name": ["app"], "state": "latest"}));
    let plan = ctl.twice("omg.omg.package", &latest, &["--check", "--diff"]);
    assert_eq!(plan.result["actions"][0]["kind"], "upgrade");
    assert_eq!(plan.result["diff"]["before"], "app 1.0-1\n");
    assert_eq!(plan.result["diff"]["after"], "app 1.1-1\n");
    assert_eq!(q(&root), "app 1.0-1\nlib 1.0-1\n");
    let upgraded = ctl.twice("omg.omg.package", &latest, &[]);
    assert_eq!(action_names(&upgraded.result), ["app"]);
    assert_eq!(q(&root), "app 1.1-1\nlib 1.0-1\n");

    // absent: planned, then removed (its dependency stays, as with pacman -R).
    let absent = args(json!({"name": ["app"], "state": "absent"}));
    let plan = ctl.twice("omg.omg.package", &absent, &["--check", "--diff"]);
    assert_eq!(plan.result["diff"]["before"], "app 1.1-1\n");
    assert_eq!(plan.result["diff"]["after"], "");
    assert_eq!(q(&root), "app 1.1-1\nlib 1.0-1\n");
    let removed = ctl.twice("omg.omg.package", &absent, &[]);
    assert_eq!(removed.result["actions"][0]["kind"], "remove");
    assert_eq!(q(&root), "lib 1.0-1\n");

    // An unknown package: a failure carrying omg's error, nothing changed.
    let unknown = ctl.run(
        "omg.omg.package",
        &args(json!({"name": ["ap"]})),
        &["--check"],
    );
    assert!(unknown.failed(), "{}", unknown.output);
    assert_eq!(unknown.result["omg_error"]["kind"], "not_found");
    assert_eq!(unknown.result["rc"], 3);
    let msg = unknown.result["msg"].as_str().unwrap_or("");
    assert!(msg.contains("ap") && msg.contains("did you mean"), "{msg}");
    assert_eq!(q(&root), "lib 1.0-1\n");

    // A transaction that fails after its plan (a file on disk that no package owns): the
    // error event's message and kind, nothing installed.
    let clash = root.root().join("usr/share/clash/data");
    std::fs::create_dir_all(clash.parent().expect("parent")).expect("mkdir");
    std::fs::write(&clash, "not a package's\n").expect("write");
    let failed = ctl.run("omg.omg.package", &args(json!({"name": ["clash"]})), &[]);
    assert!(failed.failed(), "{}", failed.output);
    assert_eq!(
        failed.result["omg_error"]["kind"], "file_conflict",
        "{}",
        failed.output
    );
    assert_eq!(failed.result["rc"], 8);
    let msg = failed.result["msg"].as_str().unwrap_or("");
    assert!(msg.contains("usr/share/clash/data"), "{msg}");
    assert_eq!(q(&root), "lib 1.0-1\n");
}

/// `name version status` of every package dpkg knows: the oracle that nothing changed.
fn dpkg_state() -> Option<String> {
    common::tool_stdout(
        "dpkg-query",
        &["-W", "-f", "${Package} ${Version} ${db:Status-Abbrev}\n"],
    )
}

/// A package apt can install that is not installed here.
fn not_installed_candidate() -> Option<String> {
    for name in ["hello", "sl", "cowsay", "figlet", "units", "tree", "jq"] {
        let status = Command::new("dpkg-query")
            .args(["-W", "-f", "${db:Status-Abbrev}", name])
            .output()
            .ok()?;
        if String::from_utf8_lossy(&status.stdout).starts_with("ii") {
            continue;
        }
        let policy = Command::new("apt-cache")
            .args(["policy", name])
            .env("LC_ALL", "C")
            .output()
            .ok()?;
        let text = String::from_utf8_lossy(&policy.stdout);
        if text.contains("Candidate:") && !text.contains("Candidate: (none)") {
            return Some(name.to_string());
        }
    }
    omg_testkit::skip("apt has none of the candidate packages (no apt lists?)");
    None
}

#[test]
fn package_plans_on_the_hosts_apt_in_check_mode_and_changes_nothing() {
    let Some(ctl) = Controller::new() else {
        return;
    };
    let Some(before) = dpkg_state() else {
        return;
    };
    let Some(name) = not_installed_candidate() else {
        return;
    };
    let args = json!({
        "executable": omg_bin(),
        "backend": "apt",
        "name": [name],
        "no_daemon": true,
    });
    let plan = ctl.twice("omg.omg.package", &args, &["--check", "--diff"]);
    let actions = plan.result["actions"].as_array().expect("actions");
    let ours = actions
        .iter()
        .find(|a| a["name"] == name.as_str())
        .unwrap_or_else(|| panic!("{name} is not in the plan\n{}", plan.output));
    assert_eq!(ours["kind"], "install");
    let version = ours["new_version"].as_str().expect("a version");
    let after = plan.result["diff"]["after"].as_str().expect("a diff");
    assert!(after.contains(&format!("{name} {version}\n")), "{after}");
    // The version apt-cache names as the candidate.
    let policy = common::tool_stdout("apt-cache", &["policy", &name]).expect("apt-cache");
    assert!(
        policy.contains(&format!("Candidate: {version}")),
        "{policy}"
    );
    assert_eq!(
        dpkg_state(),
        Some(before),
        "check mode changed dpkg's state"
    );
}

/// An Arch tracker feed in the real format: openssl (high, fixed), foo (medium, fixed).
const ARCH_FEED: &str = r#"[
 {"name": "AVG-2843", "packages": ["openssl"], "status": "Fixed", "severity": "High",
  "type": "arbitrary code execution", "affected": "3.0.7-1", "fixed": "3.0.8-1", "ticket": null,
  "issues": ["CVE-2023-0286"], "advisories": ["ASA-202302-1"]},
 {"name": "AVG-2901", "packages": ["foo"], "status": "Fixed", "severity": "Medium",
  "type": "denial of service", "affected": "1.9-1", "fixed": "1.10-1", "ticket": null,
  "issues": ["CVE-2024-1001"], "advisories": []}
]"#;

#[test]
fn audit_fails_at_the_threshold_and_passes_under_it() {
    let Some(mut ctl) = Controller::new() else {
        return;
    };
    let mut root = FixtureRoot::create(&ctl.path("root")).expect("fixture root");
    let installed = [
        FixturePackage::new("openssl", "3.0.7-1"),
        FixturePackage::new("foo", "1.9-1"),
        FixturePackage::new("zlib", "1.3-1"),
    ];
    root.add_sync_db("core", &installed).expect("sync db");
    root.install_local(&installed).expect("local db");
    let server = TestServer::start();
    server.put("/all.json", ARCH_FEED);
    let feed = format!("{}/all.json", server.base);
    ctl.set("OMG_AUDIT_ARCH_FEED", &feed);
    let base = alpm_args(&root);
    let args = |extra: Value| with(&base, extra);
    // The oracle: omg audit itself.
    let conf = root.config_path();
    let direct: Run = omg(
        &[
            "--backend",
            "alpm",
            "--config",
            conf.to_str().expect("UTF-8"),
            "--json",
            "audit",
        ],
        &[
            ("OMG_AUDIT_ARCH_FEED", &feed),
            (
                "XDG_CACHE_HOME",
                ctl.path("direct-cache").to_str().expect("UTF-8"),
            ),
        ],
    );
    direct.expect_code(10);
    let expected = direct.json()["findings"].clone();
    assert_eq!(expected.as_array().map(Vec::len), Some(2), "{expected}");

    for _ in 0..2 {
        // At high: openssl fails the task, with every finding returned.
        let high = ctl.run("omg.omg.audit", &args(json!({"fail_on": "high"})), &[]);
        assert!(high.failed(), "{}", high.output);
        assert_eq!(high.result["failing"], json!(["openssl"]));
        assert_eq!(high.result["findings"], expected);
        assert!(
            high.result["msg"]
                .as_str()
                .is_some_and(|m| m.contains("openssl") && !m.contains("foo")),
            "{}",
            high.result["msg"]
        );
        // Under it: critical passes, reporting the same findings, changing nothing.
        let critical = ctl.run(
            "omg.omg.audit",
            &args(json!({"fail_on": "critical"})),
            &["--check"],
        );
        assert_eq!(critical.ok()["findings"], expected);
        assert!(!critical.changed());
        assert_eq!(critical.result["summary"]["high"], 1);
        assert_eq!(critical.result["summary"]["medium"], 1);
        // medium fails on both.
        let medium = ctl.run(
            "omg.omg.audit",
            &args(json!({"fail_on": "medium", "severity": "medium"})),
            &[],
        );
        assert!(medium.failed());
        assert_eq!(medium.result["failing"], json!(["openssl", "foo"]));
    }
    // The second round read the cached feed (not modified) or downloaded it again; either
    // way the feed came from our server.
    let never = ctl.run("omg.omg.audit", &args(json!({"fail_on": "never"})), &[]);
    assert_eq!(never.ok()["feed"]["url"], feed.as_str());
    assert_eq!(never.result["failing"], json!([]));
}

#[test]
fn runtime_installs_selects_and_uninstalls_from_a_mirror() {
    let Some(mut ctl) = Controller::new() else {
        return;
    };
    let server = TestServer::start();
    let mirror = {
        let mut py = PythonBuilds::new(&server, "/python");
        py.release("20241016", &["3.12.7", "3.11.10"], Tamper::None);
        py.mirror()
    };
    ctl.set("OMG_RUNTIMES_PYTHON_MIRROR", &mirror);
    let project = ctl.path("work/proj");
    std::fs::create_dir_all(&project).expect("mkdir proj");
    let base = json!({"executable": omg_bin(), "runtime": "python"});
    let args = |extra: Value| with(&base, extra);
    let installed = || {
        let mut v: Vec<String> = std::fs::read_dir(ctl.path("data/omg/runtimes/python"))
            .map(|it| {
                it.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    };

    // In a directory: check mode installs nothing and writes no file.
    let here = args(json!({"version": "3.12", "path": project}));
    ctl.twice("omg.omg.runtime", &here, &["--check", "--diff"]);
    assert_eq!(installed(), Vec::<String>::new());
    assert!(!project.join(".python-version").exists());
    let used = ctl.twice("omg.omg.runtime", &here, &[]);
    assert_eq!(used.result["version"], "3.12.7");
    assert_eq!(installed(), ["3.12.7"]);
    assert_eq!(
        std::fs::read_to_string(project.join(".python-version")).expect("version file"),
        "3.12\n"
    );
    assert_eq!(used.result["selected"]["origin"]["kind"], "file");

    // Globally.
    let global = args(json!({"version": "3.11", "global": true}));
    let plan = ctl.twice("omg.omg.runtime", &global, &["--check", "--diff"]);
    assert_eq!(plan.result["diff"]["before"], "none\n");
    assert_eq!(plan.result["diff"]["after"], "3.11 (global)\n");
    assert_eq!(installed(), ["3.12.7"]);
    let set = ctl.twice("omg.omg.runtime", &global, &[]);
    assert_eq!(set.result["version"], "3.11.10");
    assert_eq!(installed(), ["3.11.10", "3.12.7"]);
    assert_eq!(set.result["selected"]["origin"]["kind"], "global");
    assert_eq!(set.result["selected"]["spec"], "3.11");

    // Installed only: already there.
    let only = ctl.run("omg.omg.runtime", &args(json!({"version": "3.12"})), &[]);
    assert!(
        !only.ok()["changed"].as_bool().unwrap_or(true),
        "{}",
        only.output
    );
    assert_eq!(only.result["version"], "3.12.7");

    // Uninstalled.
    let absent = args(json!({"version": "3.11", "state": "absent"}));
    ctl.twice("omg.omg.runtime", &absent, &["--check", "--diff"]);
    assert_eq!(installed(), ["3.11.10", "3.12.7"]);
    let removed = ctl.twice("omg.omg.runtime", &absent, &[]);
    assert_eq!(removed.result["version"], "3.11.10");
    assert_eq!(installed(), ["3.12.7"]);

    // Installed only, again: installed, then already there.
    let again = ctl.twice("omg.omg.runtime", &args(json!({"version": "3.11"})), &[]);
    assert_eq!(again.result["version"], "3.11.10");
    assert_eq!(installed(), ["3.11.10", "3.12.7"]);

    // A version the mirror does not have: omg's error.
    let unknown = ctl.run("omg.omg.runtime", &args(json!({"version": "3.9"})), &[]);
    assert!(unknown.failed(), "{}", unknown.output);
    assert_eq!(unknown.result["omg_error"]["kind"], "unknown_version");
}
