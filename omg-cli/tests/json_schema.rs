//! Every command's `--json` output, as the real binary prints it, checked against
//! docs/json.md: every documented field is present with its documented type, and no field
//! is undocumented. The documentation's tables are the schema (parsed below); a command's
//! output that drifts from them fails here.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;
mod runtimes_world;
// The remote adapter's test server (tiny_http on 127.0.0.1), for the audit's feed.
use omg_testkit::http as feed_server;

use std::collections::{BTreeSet, HashMap};

use common::{omg, Run};
use omg_testkit::alpm::{FixturePackage, FixtureRoot};
use serde_json::Value;

/// A type of docs/json.md.
#[derive(Debug)]
enum Def {
    /// An object: its fields.
    Object(Vec<Field>),
    /// Any of these types.
    OneOf(Vec<String>),
}

#[derive(Debug)]
struct Field {
    name: String,
    ty: String,
    optional: bool,
}

/// The backticked words of `line`.
fn ticked(line: &str) -> Vec<String> {
    line.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// docs/json.md's types: `### \`Name\`` headings, then a field table or a "One of:" line.
fn schema() -> HashMap<String, Def> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/json.md");
    let text = std::fs::read_to_string(path).expect("docs/json.md");
    let mut defs = HashMap::new();
    let mut current: Option<String> = None;
    let mut one_of: Option<Vec<String>> = None;
    for line in text.lines() {
        if let Some(names) = one_of.as_mut() {
            if line.trim().is_empty() {
                let name = current.take().expect("a type");
                defs.insert(name, Def::OneOf(one_of.take().unwrap_or_default()));
            } else {
                names.extend(ticked(line));
            }
            continue;
        }
        if line.starts_with('#') {
            let title = line.trim_start_matches('#').trim();
            current = (title.starts_with('`') && title.ends_with('`'))
                .then(|| title.trim_matches('`').to_string());
            continue;
        }
        let Some(name) = current.clone() else {
            continue;
        };
        if let Some(rest) = line.strip_prefix("One of:") {
            one_of = Some(ticked(rest));
            continue;
        }
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() < 4 || !cells[1].starts_with('`') {
            continue;
        }
        let ty = cells[2].trim_matches('`');
        let (ty, optional) = match ty.strip_suffix(" (optional)") {
            Some(t) => (t.trim_end_matches('`'), true),
            None => (ty, false),
        };
        let fields = match defs.entry(name).or_insert_with(|| Def::Object(Vec::new())) {
            Def::Object(fields) => fields,
            Def::OneOf(_) => panic!("a type with fields and alternatives: {line}"),
        };
        fields.push(Field {
            name: cells[1].trim_matches('`').to_string(),
            ty: ty.to_string(),
            optional,
        });
    }
    if let (Some(name), Some(names)) = (current, one_of) {
        defs.insert(name, Def::OneOf(names));
    }
    defs
}

/// The errors of `value` against type `ty` (empty when it conforms).
fn check(defs: &HashMap<String, Def>, value: &Value, ty: &str, at: &str) -> Vec<String> {
    let ty = ty.trim();
    if let Some(inner) = ty.strip_suffix(" or null") {
        return if value.is_null() {
            Vec::new()
        } else {
            check(defs, value, inner, at)
        };
    }
    let wrong = || vec![format!("{at}: expected {ty}, found {value}")];
    if let Some(inner) = ty.strip_prefix("array of ") {
        let Some(items) = value.as_array() else {
            return wrong();
        };
        return items
            .iter()
            .enumerate()
            .flat_map(|(i, v)| check(defs, v, inner, &format!("{at}[{i}]")))
            .collect();
    }
    if let Some(inner) = ty.strip_prefix("map of ") {
        let Some(map) = value.as_object() else {
            return wrong();
        };
        return map
            .iter()
            .flat_map(|(k, v)| check(defs, v, inner, &format!("{at}.{k}")))
            .collect();
    }
    let ok = match ty {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "any" => true,
        name => {
            return match defs.get(name) {
                None => vec![format!("{at}: type {name} is not in docs/json.md")],
                Some(Def::OneOf(names)) => {
                    let tries: Vec<Vec<String>> =
                        names.iter().map(|n| check(defs, value, n, at)).collect();
                    if tries.iter().any(Vec::is_empty) {
                        Vec::new()
                    } else {
                        vec![format!(
                            "{at}: matches none of {names:?}: {}",
                            tries.concat().join("; ")
                        )]
                    }
                }
                Some(Def::Object(fields)) => {
                    let Some(object) = value.as_object() else {
                        return wrong();
                    };
                    let mut errors = Vec::new();
                    for f in fields {
                        match object.get(&f.name) {
                            None if f.optional => {}
                            None => errors.push(format!("{at}: {name}.{} is missing", f.name)),
                            Some(v) => {
                                errors.extend(check(defs, v, &f.ty, &format!("{at}.{}", f.name)))
                            }
                        }
                    }
                    for key in object.keys() {
                        if !fields.iter().any(|f| &f.name == key) {
                            errors.push(format!(
                                "{at}: {name}.{key} is not documented in docs/json.md"
                            ));
                        }
                    }
                    errors
                }
            };
        }
    };
    if ok {
        Vec::new()
    } else {
        wrong()
    }
}

/// Collects what was checked and what failed, and fails at the end with all of it.
struct Checker {
    defs: HashMap<String, Def>,
    errors: Vec<String>,
    checked: BTreeSet<String>,
}

impl Checker {
    fn new() -> Checker {
        Checker {
            defs: schema(),
            errors: Vec::new(),
            checked: BTreeSet::new(),
        }
    }

    /// Every JSON document `run` printed (one, or one per line) is a `ty`.
    #[track_caller]
    fn documents(&mut self, what: &str, run: &Run, ty: &str) -> Vec<Value> {
        let values: Vec<Value> = serde_json::Deserializer::from_str(&run.stdout)
            .into_iter::<Value>()
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| panic!("{what}: not JSON ({e}):\n{}\n{}", run.stdout, run.stderr));
        assert!(!values.is_empty(), "{what}: no output\n{}", run.stderr);
        for v in &values {
            let errors = check(&self.defs, v, ty, what);
            self.errors.extend(errors);
        }
        self.checked.insert(ty.to_string());
        values
    }

    fn finish(self, must_cover: &[&str]) {
        let missing: Vec<&&str> = must_cover
            .iter()
            .filter(|t| !self.checked.contains(**t))
            .collect();
        assert!(missing.is_empty(), "never checked: {missing:?}");
        assert!(
            self.errors.is_empty(),
            "JSON output that docs/json.md does not describe:\n{}",
            self.errors.join("\n")
        );
    }
}

fn pkg(name: &str, version: &str) -> FixturePackage {
    FixturePackage::new(name, version)
        .desc(format!("the {name} package"))
        .file(format!("usr/share/{name}/{version}"), format!("{name}\n"))
}

/// One Arch security group: app before 1.1-1 is vulnerable.
const ARCH_FEED: &str = r#"[
 {"name": "AVG-1", "packages": ["app"], "status": "Fixed", "severity": "High",
  "type": "arbitrary code execution", "affected": "1.0-1", "fixed": "1.1-1", "ticket": null,
  "issues": ["CVE-2024-1"], "advisories": []},
 {"name": "AVG-2", "packages": ["lib"], "status": "Vulnerable", "severity": "Low",
  "type": "denial of service", "affected": "1.0-1", "fixed": null, "ticket": null,
  "issues": ["CVE-2024-2"], "advisories": []}
]"#;

#[test]
fn every_command_s_json_is_documented() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut root = FixtureRoot::create(&dir.path().join("root")).expect("fixture root");
    root.publish(
        "core",
        &[
            pkg("app", "1.0-1")
                .depends(["lib"])
                .provides(["application"]),
            pkg("lib", "1.0-1"),
            pkg("tool", "2.0-1"),
        ],
    )
    .expect("publish");
    root.install_local(&[]).expect("local db");
    let conf = root.config_path().display().to_string();
    let history = dir.path().join("history.redb").display().to_string();
    let xdg = dir.path().join("xdg");
    let work = dir.path().join("work");
    std::fs::create_dir_all(&work).expect("work dir");
    std::fs::write(work.join(".nvmrc"), "20\n").expect(".nvmrc");
    let server = feed_server::Server::start();
    server.put("/all.json", ARCH_FEED, None, None);
    let feed = server.url("/all.json");
    let env_dirs: Vec<(String, String)> = ["config", "cache", "data", "state"]
        .iter()
        .map(|d| {
            (
                format!("XDG_{}_HOME", d.to_uppercase()),
                xdg.join(d).display().to_string(),
            )
        })
        .collect();
    let run = |args: &[&str]| -> Run {
        let mut all = vec!["--backend", "alpm", "--config", conf.as_str(), "--json"];
        all.extend_from_slice(args);
        let mut env: Vec<(&str, &str)> = vec![
            ("OMG_HISTORY_FILE", history.as_str()),
            ("OMG_SOCKET", "/nonexistent/omgd.sock"),
            ("OMG_AUDIT_ARCH_FEED", feed.as_str()),
        ];
        env.extend(env_dirs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        omg(&all, &env)
    };
    let mut c = Checker::new();

    // Transactions: an event stream per run, the last line done.
    let installed = run(&["install", "app", "--yes"]);
    installed.expect_code(0);
    let events = c.documents("install", &installed, "Event");
    assert_eq!(events[0]["event"], "plan");
    assert_eq!(events.last().expect("events")["event"], "done");
    // A newer app on the server: sync (a refresh with its databases), then the plans.
    root.publish_to_server(
        "core",
        &[
            pkg("app", "1.1-1")
                .depends(["lib"])
                .provides(["application"]),
            pkg("lib", "1.0-1"),
            pkg("tool", "2.0-1"),
        ],
    )
    .expect("publish 1.1");
    let sync = run(&["sync", "--yes"]);
    sync.expect_code(0);
    let events = c.documents("sync", &sync, "Event");
    assert_eq!(events.last().expect("events")["event"], "done");
    for args in [
        &["install", "tool", "--dry-run"][..],
        &["remove", "app", "--dry-run"],
        &["update", "--dry-run"],
        &["clean", "--dry-run"],
        // Undoing the install of app: its removal.
        &["history", "undo", "1", "--dry-run"],
    ] {
        let r = run(args);
        r.expect_code(0);
        c.documents(&args.join(" "), &r, "PlanReport");
    }
    // A failure before any plan: the stream is its error event.
    let nothing = run(&["remove", "nosuch", "--yes"]);
    nothing.expect_code(3);
    c.documents("remove nosuch", &nothing, "ErrorEvent");
    // A failed transaction: the package file is gone from the server.
    std::fs::remove_file(root.package_path("core", &pkg("tool", "2.0-1"))).expect("rm tool");
    let failed = run(&["install", "tool", "--yes"]);
    failed.expect_code(8);
    let events = c.documents("failed install", &failed, "Event");
    assert_eq!(events.last().expect("events")["event"], "error");
    c.documents(
        "failed install (last line)",
        &Run {
            code: failed.code,
            stdout: failed.stdout.lines().last().unwrap_or("").to_string(),
            stderr: String::new(),
        },
        "ErrorEvent",
    );

    // Reads.
    let reads: &[(&[&str], &str)] = &[
        (&["search", "app"], "SearchResults"),
        (&["search", "application"], "SearchResults"),
        (&["info", "app", "lib", "tool"], "array of Package"),
        (&["list"], "array of PackageSummary"),
        (&["list", "--explicit"], "array of PackageSummary"),
        (&["list", "--orphans"], "array of PackageSummary"),
        (&["list", "--upgradable"], "array of PackageSummary"),
        (&["explicit"], "array of PackageSummary"),
        (&["outdated"], "array of PackageSummary"),
        (&["status"], "Status"),
        (&["why", "lib"], "WhyReport"),
        (&["history"], "array of HistoryEntry"),
        (&["history", "show", "1"], "HistoryEntry"),
        (&["config"], "ConfigReport"),
        (&["runtimes", "list"], "array of InstalledRuntime"),
    ];
    for (args, ty) in reads {
        let r = run(args);
        r.expect_code(0);
        c.documents(&args.join(" "), &r, ty);
    }
    // files, owns and mark, where this omg has them.
    if run(&["files", "--help"]).code == Some(0) {
        let lib_file = root
            .root()
            .join("usr/share/lib/1.0-1")
            .display()
            .to_string();
        let more: &[(&[&str], &str)] = &[
            (&["files", "lib"], "array of PackageFiles"),
            (&["owns", lib_file.as_str()], "array of Owner"),
            (
                &["mark", "--explicit", "lib", "--dry-run"],
                "array of ReasonChange",
            ),
        ];
        for (args, ty) in more {
            let r = run(args);
            r.expect_code(0);
            c.documents(&args.join(" "), &r, ty);
        }
    }
    // The history has a success and a failure.
    let history = run(&["history"]).json();
    let results: BTreeSet<&str> = history
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["result"]["status"].as_str())
        .collect();
    assert_eq!(results, BTreeSet::from(["failed", "success"]));
    // The audit: vulnerable packages (exit 10).
    let audit = run(&["audit"]);
    audit.expect_code(10);
    let report = c.documents("audit", &audit, "AuditReport");
    assert_eq!(report[0]["findings"].as_array().map(Vec::len), Some(2));
    // doctor and daemon status exit 1 here (no omgd), with their JSON.
    let doctor = run(&["doctor"]);
    c.documents("doctor", &doctor, "array of Check");
    let daemon = run(&["daemon", "status"]);
    daemon.expect_code(1);
    c.documents("daemon status", &daemon, "DaemonStatus");
    // Errors.
    let unknown = run(&["info", "nosuch"]);
    unknown.expect_code(3);
    c.documents("info nosuch", &unknown, "Error");

    // Runtimes, in a directory whose .nvmrc asks for node 20 (not installed).
    let in_work_env = |args: &[&str], extra: &[(&str, &str)]| -> Run {
        let mut cmd = std::process::Command::new(common::omg_bin());
        common::isolate(&mut cmd)
            .current_dir(&work)
            .arg("--json")
            .args(args)
            .envs(env_dirs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .envs(extra.iter().copied());
        let out = cmd.output().expect("run omg");
        Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    };
    let in_work = |args: &[&str]| in_work_env(args, &[]);
    let current = in_work(&["current"]);
    current.expect_code(0);
    let rows = c.documents("current", &current, "array of CurrentRuntime");
    assert_eq!(rows[0][0]["runtime"], "node", "{}", current.stdout);
    // The shell's override (`omg shell`): an origin of kind env, with its variable.
    let current = in_work_env(&["current"], &[("OMG_NODE_VERSION", "18")]);
    current.expect_code(0);
    let rows = c.documents(
        "current (OMG_NODE_VERSION)",
        &current,
        "array of CurrentRuntime",
    );
    assert_eq!(rows[0][0]["origin"]["variable"], "OMG_NODE_VERSION");
    let which = in_work(&["which", "node"]);
    which.expect_code(3);
    c.documents("which node (not installed)", &which, "Error");

    c.finish(&[
        "Event",
        "ErrorEvent",
        "PlanReport",
        "SearchResults",
        "array of Package",
        "array of PackageSummary",
        "Status",
        "WhyReport",
        "array of HistoryEntry",
        "HistoryEntry",
        "AuditReport",
        "array of Check",
        "ConfigReport",
        "DaemonStatus",
        "Error",
        "array of InstalledRuntime",
        "array of CurrentRuntime",
    ]);
}

/// apt's records on this host: the version table, the long description, apt's relations.
#[test]
fn apt_json_is_documented() {
    if common::tool_path("dpkg-query").is_none() {
        return;
    }
    let mut c = Checker::new();
    let reads: &[(&[&str], &str)] = &[
        (&["search", "bash", "--limit", "5"], "SearchResults"),
        (&["info", "bash", "coreutils", "libc6"], "array of Package"),
        (&["list", "--upgradable"], "array of PackageSummary"),
        (&["status"], "Status"),
        (&["why", "libc6"], "WhyReport"),
        (&["install", "hello", "--dry-run"], "PlanReport"),
    ];
    for (args, ty) in reads {
        let mut all = vec!["--backend", "apt", "--json"];
        all.extend_from_slice(args);
        let r = omg(&all, &[]);
        r.expect_code(0);
        c.documents(&args.join(" "), &r, ty);
    }
    let info = omg(&["--backend", "apt", "--json", "info", "bash"], &[]).json();
    assert!(
        info[0]["versions"]
            .as_array()
            .is_some_and(|v| !v.is_empty()),
        "{info}"
    );
    c.finish(&["SearchResults", "array of Package", "Status", "PlanReport"]);
}

/// AUR hits and records (the `aur` object) against the test AUR on 127.0.0.1.
#[test]
fn aur_json_is_documented() {
    let dir = tempfile::tempdir().expect("tempdir");
    let aur = omg_testkit::aur::AurFixture::create(&dir.path().join("aur"));
    let conf = omg_testkit::aur::AurFixture::pacman_root(&dir.path().join("root")).config_path();
    let rpc = aur.server().url("/rpc");
    let env = [
        ("OMG_AUR_ENABLED", "true"),
        ("OMG_AUR_RPC_URL", rpc.as_str()),
        ("OMG_AUR_URL", aur.base_url()),
        ("OMG_SOCKET", "/nonexistent/omgd.sock"),
    ];
    let mut c = Checker::new();
    for (args, ty) in [
        (&["search", "aur"][..], "SearchResults"),
        (&["search", "dep"], "SearchResults"),
        (
            &["info", "aur-app", "aur-prov-two", "repo-dep"],
            "array of Package",
        ),
    ] {
        let mut all = vec![
            "--backend",
            "alpm",
            "--config",
            conf.to_str().expect("UTF-8"),
            "--json",
        ];
        all.extend_from_slice(args);
        let r = omg(&all, &env);
        r.expect_code(0);
        let docs = c.documents(&args.join(" "), &r, ty);
        assert!(docs[0].to_string().contains("\"aur\":{"), "{}", r.stdout);
    }
    c.finish(&["SearchResults", "array of Package"]);
}

/// `omg news --json` against a news feed on 127.0.0.1: a full item, and one without a link or
/// a date.
#[test]
fn news_json_is_documented() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = feed_server::Server::start();
    server.put(
        "/feeds/news/",
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel>\
         <title>Arch Linux: Recent news updates</title>\
         <item><title>foo 2.0 update requires manual intervention</title>\
         <link>https://archlinux.org/news/foo/</link>\
         <description>&lt;p&gt;Run &lt;code&gt;pacman -Syu&lt;/code&gt;.&lt;/p&gt;</description>\
         <pubDate>Sun, 02 Nov 2025 18:05:09 +0000</pubDate></item>\
         <item><title>An undated note</title><description>text</description></item>\
         </channel></rss>",
        None,
        None,
    );
    let url = server.url("/feeds/news/");
    let state = dir.path().join("state");
    let env = [
        ("OMG_AUR_NEWS_URL", url.as_str()),
        ("XDG_STATE_HOME", state.to_str().expect("UTF-8")),
    ];
    let mut c = Checker::new();
    let all = omg(&["--json", "news", "--all"], &env);
    all.expect_code(0);
    let docs = c.documents("news --all", &all, "array of NewsItem");
    assert_eq!(docs[0].as_array().map(Vec::len), Some(2), "{}", all.stdout);
    assert_eq!(docs[0][1]["published"], Value::Null, "{}", all.stdout);
    let unread = omg(&["--json", "news"], &env);
    unread.expect_code(0);
    c.documents("news", &unread, "array of NewsItem");
    c.finish(&["array of NewsItem"]);
}

/// An install from the AUR as a stream of events: the AUR plan, the reviews (with their
/// warnings), then the write's events; each line documented.
#[test]
fn aur_install_events_are_documented() {
    let Some(w) = common::aur::World::new() else {
        return;
    };
    let mut c = Checker::new();
    let run = w.omg(&["--json", "install", "aur-lib", "--review=accept", "--yes"]);
    run.expect_code(0);
    let events = c.documents("install aur-lib", &run, "Event");
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["event"].as_str()).collect();
    assert_eq!(
        kinds[..3],
        ["aur-plan", "review", "review"],
        "{}",
        run.stdout
    );
    assert_eq!(kinds.last(), Some(&"done"), "{}", run.stdout);
    c.finish(&["Event"]);
}

/// The checker itself: a missing field, a wrong type and an undocumented field are caught.
#[test]
fn the_checker_catches_drift() {
    let defs = schema();
    let good: Value =
        serde_json::json!({"error": {"kind": "io", "message": "m", "suggestions": []}});
    assert!(check(&defs, &good, "Error", "e").is_empty());
    let missing: Value = serde_json::json!({"error": {"kind": "io", "message": "m"}});
    assert_eq!(check(&defs, &missing, "Error", "e").len(), 1);
    let wrong: Value = serde_json::json!({"error": {"kind": 1, "message": "m", "suggestions": []}});
    assert_eq!(check(&defs, &wrong, "Error", "e").len(), 1);
    let extra: Value =
        serde_json::json!({"error": {"kind": "io", "message": "m", "suggestions": [], "x": 1}});
    assert_eq!(check(&defs, &extra, "Error", "e").len(), 1);
    // Every type a table names is defined.
    let mut undefined = Vec::new();
    for def in defs.values() {
        let names: Vec<String> = match def {
            Def::Object(fields) => fields.iter().map(|f| f.ty.clone()).collect(),
            Def::OneOf(names) => names.clone(),
        };
        for ty in names {
            let base = ty
                .trim_end_matches(" or null")
                .trim_start_matches("array of ")
                .trim_start_matches("map of ")
                .trim_start_matches("array of ")
                .trim_end_matches(" or null")
                .to_string();
            if !["string", "integer", "number", "boolean", "any"].contains(&base.as_str())
                && !defs.contains_key(&base)
            {
                undefined.push(base);
            }
        }
    }
    assert!(undefined.is_empty(), "{undefined:?}");
}

/// `omg runtimes install` and `omg use` (native runtimes), with a signed and an unsigned
/// release: `signed_by` as a string and as null, `warnings` full and empty.
#[test]
fn runtime_install_json_is_documented() {
    use omg_ports::ArchiveFormat;
    use omg_testkit::pgp::{sign_served, SignatureForm, TestKey};
    use omg_testkit::runtimes::{NodeDist, Tamper, TestServer};

    let server = TestServer::start();
    let key = TestKey::generate("Node Releaser <releaser@example.org>");
    let mirror = {
        let mut dist = NodeDist::new(&server, "/node", ArchiveFormat::TarGz);
        // 20.11.1 is signed below; 18.19.0 stays unsigned.
        dist.unsigned();
        dist.release("20.11.1", Some("Iron"), Tamper::None).release(
            "18.19.0",
            Some("Hydrogen"),
            Tamper::None,
        );
        dist.mirror()
    };
    sign_served(
        &server,
        "/node/v20.11.1/SHASUMS256.txt",
        &key,
        SignatureForm::DetachedSig,
    );
    let w = runtimes_world::World::new(&[("node", mirror)]);
    let keys = w.path("config/omg/keys");
    std::fs::create_dir_all(&keys).unwrap();
    std::fs::write(keys.join("node.asc"), key.public_armored()).unwrap();
    let keys = keys.to_string_lossy().into_owned();
    let env = [("OMG_RUNTIMES_KEYS_DIR", keys.as_str())];
    let mut c = Checker::new();
    let signed = w.omg_env(
        "proj",
        &["--json", "runtimes", "install", "node", "20.11.1"],
        &env,
    );
    signed.expect_code(0);
    let v = c.documents("runtimes install (signed)", &signed, "RuntimeInstall");
    assert!(v[0]["signed_by"].is_string(), "{}", signed.stdout);
    let unsigned = w.omg_env("proj", &["--json", "use", "node", "18.19.0"], &env);
    unsigned.expect_code(0);
    let v = c.documents("use (unsigned)", &unsigned, "RuntimeUse");
    assert!(v[0]["signed_by"].is_null(), "{}", unsigned.stdout);
    assert_eq!(v[0]["warnings"].as_array().map(Vec::len), Some(1));
    c.finish(&["RuntimeInstall", "RuntimeUse"]);
}
