//! python, rust, java and ruby through the real `omg` binary: `omg runtimes install`, `omg
//! use` writing the conventional version file, `omg which` naming it, `omg exec` running
//! the fake binary, `omg current` and `omg runtimes uninstall`, against a server on
//! 127.0.0.1 serving python-build-standalone's, static.rust-lang.org's, Adoptium's and
//! ruby-builder's real formats with small real archives.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;
mod runtimes_world;

use common::omg_bin;
use omg_ports::Platform;
use omg_testkit::pgp::TestKey;
use omg_testkit::runtimes::{
    rust_triple, Adoptium, PythonBuilds, RubyBuilder, RustDist, Tamper, TestServer,
};
use runtimes_world::World;

/// A program to run through `omg exec`, and what it prints for a version.
type ExecCheck = (&'static str, fn(&str) -> String);

/// One runtime's round trip.
struct Trip<'a> {
    runtime: &'a str,
    /// Installed by `omg runtimes install <runtime> <exact>`.
    exact: &'a str,
    /// `omg use <runtime> <spec>` and the version it must select, in order.
    specs: &'a [(&'a str, &'a str)],
    /// The version file `omg use` writes, and its contents for a spec.
    file: &'a str,
    contents: fn(&str) -> String,
    /// Programs to run through `omg exec`, and what they print for a version.
    runs: &'a [ExecCheck],
    /// A spoiled release, and what the refusal says.
    spoiled: (&'a str, &'a str),
    /// The remote list, newest first.
    remote: &'a [&'a str],
    /// A version the source does not have, and the closest ones it names.
    unknown: (&'a str, &'a str),
}

fn round_trip(w: &World, t: &Trip) {
    let rt = t.runtime;

    // The remote list in the source's order.
    let remote = w
        .omg("proj", &["--json", "runtimes", "list", "--remote", rt])
        .expect_code(0)
        .json();
    let names: Vec<&str> = remote
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["version"].as_str().unwrap())
        .collect();
    assert_eq!(names, t.remote, "{rt}");
    // An unknown version names the closest ones and installs nothing.
    let (missing, closest) = t.unknown;
    let unknown = w.omg("proj", &["runtimes", "install", rt, missing]);
    unknown.expect_code(3);
    assert!(
        unknown.stderr.contains(&format!("closest: {closest}")),
        "{rt} {missing}: {}",
        unknown.stderr
    );
    assert_eq!(w.entries(rt), Vec::<String>::new());

    // install an exact version.
    let i = w
        .omg("proj", &["--json", "runtimes", "install", rt, t.exact])
        .expect_code(0)
        .json();
    assert_eq!(i["version"], t.exact, "{rt}");
    assert_eq!(i["installed_now"], true, "{rt}");
    assert_eq!(w.entries(rt), vec![t.exact.to_string()]);
    let again = w.omg("proj", &["runtimes", "install", rt, t.exact]);
    assert!(
        again.ok().contains("is already installed"),
        "{rt}: {}",
        again.stdout
    );
    for (program, prints) in t.runs {
        let target = format!("{rt}@{}", t.exact);
        let run = w.omg("elsewhere", &["exec", &target, "--", program]);
        assert_eq!(run.ok(), prints(t.exact), "{target} {program}");
    }

    for &(spec, version) in t.specs {
        // use: installs what the spec selects and writes the conventional file as typed.
        let used = w
            .omg("proj", &["--json", "use", rt, spec])
            .expect_code(0)
            .json();
        assert_eq!(used["version"], version, "{rt} {spec}");
        let file = w.path(&format!("proj/{}", t.file));
        assert_eq!(used["file"], file.to_string_lossy().as_ref());
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            (t.contents)(spec),
            "{rt} {spec}"
        );

        // which: the version, and the file that decided it, from below.
        let which = w
            .omg("proj/sub/deeper", &["--json", "which", rt])
            .expect_code(0)
            .json();
        assert_eq!(which["version"], version, "{rt} {spec}: {which}");
        assert_eq!(which["origin"]["path"], file.to_string_lossy().as_ref());
        let text = w.omg("proj/sub", &["which", rt]);
        assert!(
            text.ok().starts_with(&format!("{rt} {version} ")),
            "{rt} {spec}: {}",
            text.stdout
        );
        assert!(
            text.stdout.contains(&*file.to_string_lossy()),
            "{}",
            text.stdout
        );

        // which, for a binary of the runtime.
        let program = t.runs[0].0;
        let text = w.omg("proj/sub", &["which", program]);
        assert!(
            text.ok().starts_with(&format!("{rt} {version} ")),
            "{program}: {}",
            text.stdout
        );

        // Other tools' names of the runtime (as for use and exec): the same answer.
        let aliases: &[&str] = match rt {
            "python" => &["python3"],
            "rust" => &["rustc"],
            "java" => &["jdk"],
            _ => &[],
        };
        for alias in aliases {
            let by_alias = w
                .omg("proj/sub/deeper", &["--json", "which", alias])
                .expect_code(0)
                .json();
            assert_eq!(
                (&by_alias["runtime"], &by_alias["version"]),
                (&which["runtime"], &which["version"]),
                "{alias}: {by_alias}"
            );
        }

        // exec: by the version file, and by the spec.
        for (program, prints) in t.runs {
            let run = w.omg("proj/sub", &["exec", rt, "--", program]);
            assert_eq!(run.ok(), prints(version), "{rt} {spec}: {program}");
            let target = format!("{rt}@{spec}");
            let run = w.omg("elsewhere", &["exec", &target, "--", program]);
            assert_eq!(run.ok(), prints(version), "{target}: {program}");
        }

        // current: what is active here and why.
        let cur = w
            .omg("proj/sub", &["--json", "current"])
            .expect_code(0)
            .json();
        let row = cur
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["runtime"] == rt)
            .unwrap_or_else(|| panic!("{rt} not in {cur}"));
        assert_eq!(row["version"], version, "{rt} {spec}");
        assert_eq!(row["spec"], spec);
        assert_eq!(row["installed"], true);
        assert_eq!(row["origin"]["path"], file.to_string_lossy().as_ref());
    }

    // A spoiled release installs nothing.
    let (bad, message) = t.spoiled;
    let before = w.entries(rt);
    let run = w.omg("proj", &["runtimes", "install", rt, bad]);
    run.expect_code(8);
    assert!(run.stderr.contains(message), "{rt} {bad}: {}", run.stderr);
    assert_eq!(w.entries(rt), before, "{rt} {bad} left files");

    // uninstall every version: gone, and `which` says how to get it back.
    let mut versions: Vec<&str> = t.specs.iter().map(|s| s.1).collect();
    versions.push(t.exact);
    versions.sort_unstable();
    versions.dedup();
    for v in versions {
        let rm = w.omg("proj", &["runtimes", "uninstall", rt, v]);
        assert!(
            rm.ok().starts_with(&format!("removed {rt} {v} ")),
            "{}",
            rm.stdout
        );
    }
    assert_eq!(w.entries(rt), Vec::<String>::new());
    let which = w.omg("proj", &["which", rt]);
    which.expect_code(3);
    let last = t.specs.last().map(|s| s.0).unwrap_or_default();
    assert!(
        which
            .stderr
            .contains(&format!("{rt} {last} is not installed")),
        "{}",
        which.stderr
    );
}

/// The key a test's rust mirror signs its manifests with (omg ships the Rust project's own,
/// so a mirror's unsigned manifest would get the "not signature-verified" warning).
fn rust_key() -> TestKey {
    TestKey::generate("Rust Mirror <rust@example.org>")
}

/// A signed rust mirror with 1.79.0 and 1.80.1 (the current stable), and a world that uses
/// and trusts it.
fn rust_1_79_and_1_80(server: &TestServer) -> (RustDist<'_>, World) {
    let mut dist = RustDist::new(server, "/rust");
    dist.signing_with(rust_key())
        .release("1.79.0", "2024-06-13", false, Tamper::None)
        .release("1.80.1", "2024-08-07", true, Tamper::None);
    let mut w = World::new(&[("rust", dist.mirror())]);
    w.trust("rust", &dist.public_key().unwrap());
    (dist, w)
}

fn one_line(spec: &str) -> String {
    format!("{spec}\n")
}

#[test]
fn python_installs_activates_and_runs() {
    let server = TestServer::start();
    let mirror = {
        let mut py = PythonBuilds::new(&server, "/python");
        py.release("20241016", &["3.13.0", "3.12.7", "3.11.10"], Tamper::None)
            .release("20241008", &["3.12.6"], Tamper::None)
            .release("20241001", &["3.10.15"], Tamper::NoSum);
        py.mirror()
    };
    let w = World::new(&[("python", mirror)]);
    round_trip(
        &w,
        &Trip {
            runtime: "python",
            exact: "3.11.10",
            specs: &[("3.12", "3.12.7")],
            file: ".python-version",
            contents: one_line,
            runs: &[("python3", |v| format!("Python {v}\n"))],
            spoiled: (
                "3.10.15",
                "no published sha256 for cpython-3.10.15+20241001-",
            ),
            remote: &["3.13.0", "3.12.7", "3.12.6", "3.11.10", "3.10.15"],
            unknown: ("3.12.9", "3.12.7, 3.12.6"),
        },
    );
}

/// The python version files as pyenv and uv read them, through `omg which`, `omg exec`
/// and `omg current`.
#[test]
fn python_version_files_as_pyenv_and_uv_read_them() {
    let server = TestServer::start();
    let mirror = {
        let mut py = PythonBuilds::new(&server, "/python");
        py.release("20241016", &["3.13.0", "3.12.7", "3.11.10"], Tamper::None);
        py.mirror()
    };
    let w = World::new(&[("python", mirror)]);
    w.omg("elsewhere", &["runtimes", "install", "python", "3.11.10"])
        .expect_code(0);
    let dir = |rel: &str, file: &str, contents: &str| {
        std::fs::create_dir_all(w.path(rel)).unwrap();
        w.write(&format!("{rel}/{file}"), contents);
    };
    let which = |rel: &str| w.omg(rel, &["--json", "which", "python"]);
    let exec = |rel: &str| w.omg(rel, &["exec", "python", "--", "python3"]);

    // pyenv: "3.12" is not installed, so the next line of .python-version, 3.11, is used.
    dir("fallback", ".python-version", "3.12\n3.11\n");
    let j = which("fallback").expect_code(0).json();
    assert_eq!(j["version"], "3.11.10", "{j}");
    assert_eq!(j["spec"], "3.12 3.11");
    assert_eq!(exec("fallback").ok(), "Python 3.11.10\n");

    // uv writes `python-3.11` (CPython 3.11); uv reads .python-versions' first line.
    dir("uvform", ".python-version", "python-3.11\n");
    assert_eq!(which("uvform").expect_code(0).json()["version"], "3.11.10");
    dir("uvmany", ".python-versions", "3.11\n3.13\n");
    assert_eq!(exec("uvmany").ok(), "Python 3.11.10\n");

    // pyenv's `system`: the python3 on PATH, nothing of omg's; also as a fallback line.
    let sysbin = w.path("sysbin");
    std::fs::create_dir_all(&sysbin).unwrap();
    let fake = sysbin.join("python3");
    std::fs::write(&fake, "#!/bin/sh\necho system python\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:/usr/bin:/bin", sysbin.display());
    dir("sys", ".python-version", "3.9\nsystem\n3.11\n");
    let j = w
        .omg_env("sys", &["--json", "which", "python3"], &[("PATH", &path)])
        .expect_code(0)
        .json();
    assert_eq!(j["version"], "system", "{j}");
    assert_eq!(j["binary"], fake.to_string_lossy().as_ref());
    let run = w.omg_env(
        "sys",
        &["exec", "python", "--", "python3"],
        &[("PATH", &path)],
    );
    assert_eq!(run.ok(), "system python\n");
    let cur = w.omg("sys", &["--json", "current"]).expect_code(0).json();
    assert_eq!(cur[0]["installed"], false, "{cur}");

    // uv: requires-python alone chooses the newest version inside it (installed first) ...
    dir(
        "req",
        "pyproject.toml",
        "[project]\nrequires-python = \">=3.10,<3.12\"\n",
    );
    std::fs::create_dir_all(w.path("req/src")).unwrap();
    let j = which("req/src").expect_code(0).json();
    assert_eq!(j["version"], "3.11.10", "{j}");
    assert_eq!(
        j["origin"]["path"],
        w.path("req/pyproject.toml").to_string_lossy().as_ref()
    );
    // ... and with a .python-version, only checks it: a warning, not another version.
    dir("req/pinned", ".python-version", "3.11\n");
    dir(
        "req/pinned",
        "pyproject.toml",
        "[project]\nrequires-python = \">=3.12\"\n",
    );
    let run = which("req/pinned");
    assert_eq!(run.expect_code(0).json()["version"], "3.11.10");
    assert!(
        run.stderr.contains("warning: python 3.11.10") && run.stderr.contains(">=3.12"),
        "{}",
        run.stderr
    );
    let cur = w.omg("req/pinned", &["current"]);
    assert!(cur.stderr.contains(">=3.12"), "{}", cur.stderr);

    // pyenv's free-threaded `3.13t` is not the default 3.13 build: an error naming it.
    dir("ft", ".python-version", "3.13t\n");
    let run = exec("ft");
    assert_ne!(run.code, Some(0));
    assert!(run.stderr.contains("3.13t"), "{}", run.stderr);
}

#[test]
fn rust_installs_activates_and_runs() {
    let server = TestServer::start();
    let mut dist = RustDist::new(&server, "/rust");
    dist.signing_with(rust_key())
        .release("1.78.0", "2024-05-02", false, Tamper::WrongSum)
        .release("1.79.0", "2024-06-13", false, Tamper::None)
        .release("1.80.0", "2024-07-25", false, Tamper::None)
        .release("1.80.1", "2024-08-07", true, Tamper::None);
    let mut w = World::new(&[("rust", dist.mirror())]);
    w.trust("rust", &dist.public_key().unwrap());
    round_trip(
        &w,
        &Trip {
            runtime: "rust",
            exact: "1.79.0",
            specs: &[("1.80", "1.80.1"), ("stable", "1.80.1")],
            file: "rust-toolchain.toml",
            contents: |spec| format!("[toolchain]\nchannel = \"{spec}\"\n"),
            runs: &[
                ("rustc", |v| format!("rustc {v} (051478957 2024-07-21)\n")),
                ("cargo", |v| format!("cargo {v} (5f2ab9b 2024-07-24)\n")),
            ],
            spoiled: ("1.78.0", "checksum mismatch for rust-1.78.0-"),
            remote: &["1.80.1", "1.80.0", "1.79.0", "1.78.0"],
            unknown: ("1.80.7", "1.80.1, 1.80.0"),
        },
    );
    // Without a version, rust's default is the stable channel.
    let i = w
        .omg("elsewhere", &["--json", "runtimes", "install", "rust"])
        .expect_code(0)
        .json();
    assert_eq!(i["version"], "1.80.1");
    assert_eq!(w.entries("rust"), vec!["1.80.1"]);
}

#[test]
fn java_installs_activates_and_runs_with_java_home() {
    let server = TestServer::start();
    let mirror = {
        let mut api = Adoptium::new(&server, "/java");
        api.release("23.0.1+11", false, Tamper::NoSum)
            .release("22.0.2+9", false, Tamper::None)
            .release("21.0.5+11", true, Tamper::None)
            .release("21.0.4+7", true, Tamper::None)
            .release("17.0.13+11", true, Tamper::None);
        api.mirror()
    };
    let w = World::new(&[("java", mirror)]);
    round_trip(
        &w,
        &Trip {
            runtime: "java",
            exact: "17.0.13+11",
            specs: &[("21", "21.0.5+11"), ("lts", "21.0.5+11")],
            file: ".java-version",
            contents: one_line,
            runs: &[("java", |v| {
                let core = v.split('+').next().unwrap_or(v);
                format!("openjdk version \"{core}\" 2024-10-15 LTS\n")
            })],
            spoiled: ("23.0.1+11", "no published sha256 for OpenJDK23U-jdk_"),
            remote: &[
                "23.0.1+11",
                "22.0.2+9",
                "21.0.5+11",
                "21.0.4+7",
                "17.0.13+11",
            ],
            unknown: ("21.0.3+9", "21.0.4+7, 21.0.5+11"),
        },
    );
}

/// rust's toolchain files as rustup reads them.
#[test]
fn rust_toolchain_files_as_rustup_reads_them() {
    let server = TestServer::start();
    let (_dist, w) = rust_1_79_and_1_80(&server);
    let dir = |rel: &str, file: &str, contents: &str| {
        std::fs::create_dir_all(w.path(rel).join(file).parent().unwrap()).unwrap();
        w.write(&format!("{rel}/{file}"), contents);
    };
    let rustc = |rel: &str| w.omg(rel, &["exec", "rust", "--", "rustc"]);
    // rustup: with both files in a directory, the legacy rust-toolchain is the one used.
    dir("both", "rust-toolchain", "1.79.0\n");
    dir(
        "both",
        "rust-toolchain.toml",
        "[toolchain]\nchannel = \"1.80.1\"\n",
    );
    assert!(rustc("both").ok().starts_with("rustc 1.79.0 "), "both");

    // rustup: a `path` toolchain (relative to the file) is used as it is.
    dir("own", "rust-toolchain.toml", "[toolchain]\npath = \"tc\"\n");
    dir("own", "tc/bin/rustc", "#!/bin/sh\necho rustc from path\n");
    use std::os::unix::fs::PermissionsExt;
    let own = w.path("own/tc/bin/rustc");
    std::fs::set_permissions(&own, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::create_dir_all(w.path("own/src")).unwrap();
    assert_eq!(rustc("own/src").ok(), "rustc from path\n");
    let j = w
        .omg("own/src", &["--json", "which", "rustc"])
        .expect_code(0)
        .json();
    assert_eq!(j["version"], "path", "{j}");
    assert_eq!(j["binary"], own.to_string_lossy().as_ref());

    // rustup's default profile: clippy and rustfmt are on PATH.
    let fmt = w.omg("both", &["exec", "rust", "--", "rustfmt"]);
    assert_eq!(fmt.ok(), "rustfmt 1.7.0-stable (1.79.0)\n");
    let clippy = w.omg("both", &["exec", "rust", "--", "cargo-clippy"]);
    assert_eq!(clippy.ok(), "clippy for rust 1.79.0\n");
}

/// rustup's components and targets: what `rust-toolchain.toml` asks beyond the toolchain is
/// added by `omg exec`/`omg use` from the channel manifest, each archive checked against the
/// manifest's sha256 (rustup: "the toolchain file's components and targets are installed
/// with the toolchain"; `llvm-tools` is the manifest's `[renames]` for
/// `llvm-tools-preview`; rust-src is one archive for every host, `"*"`).
#[test]
fn rust_toolchain_components_and_targets_are_added_as_rustup_adds_them() {
    let server = TestServer::start();
    let (dist, w) = rust_1_79_and_1_80(&server);
    let triple = rust_triple(&Platform::current());
    std::fs::create_dir_all(w.path("comp")).unwrap();
    w.write(
        "comp/rust-toolchain.toml",
        "[toolchain]\nchannel = \"1.80.1\"\ncomponents = [\"clippy\", \"rust-src\", \"llvm-tools\"]\ntargets = [\"wasm32-unknown-unknown\"]\nprofile = \"minimal\"\n",
    );
    w.omg("elsewhere", &["runtimes", "install", "rust", "1.80.1"])
        .expect_code(0);
    // `omg which` adds nothing: it names what is missing and the command that adds it.
    let which = w.omg("comp", &["which", "rust"]);
    which.expect_code(0);
    for missing in [
        "component rust-src",
        "component llvm-tools",
        "target wasm32-unknown-unknown",
        "`omg use rust`",
    ] {
        assert!(
            which.stderr.contains(missing),
            "{missing}: {}",
            which.stderr
        );
    }
    assert!(
        !which.stderr.contains("component clippy"),
        "{}",
        which.stderr
    );

    let run = w.omg("comp", &["exec", "rust", "--", "rustc"]);
    run.expect_code(0);
    assert!(run.stdout.starts_with("rustc 1.80.1 "), "{}", run.stdout);
    assert!(
        run.stderr.contains(
            "omg: added component rust-src, component llvm-tools, target wasm32-unknown-unknown to rust 1.80.1"
        ),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let root = w.runtimes_dir("rust").join("1.80.1");
    for file in [
        "lib/rustlib/src/rust/library/core/src/lib.rs".to_string(),
        "lib/rustlib/wasm32-unknown-unknown/lib/libcore-0a1b2c.rlib".to_string(),
        format!("lib/rustlib/{triple}/bin/llvm-objdump"),
        // The host's standard library, beside the new target's.
        format!("lib/rustlib/{triple}/lib/libstd-0a1b2c.rlib"),
    ] {
        assert!(root.join(&file).is_file(), "{file}");
    }
    let which = w.omg("comp", &["which", "rust"]);
    which.expect_code(0);
    assert!(!which.stderr.contains("asks for"), "{}", which.stderr);
    // Added once: the next run downloads nothing.
    let asked = server.requests().len();
    let again = w.omg("comp", &["exec", "rust", "--", "rustc"]);
    again.expect_code(0);
    assert!(!again.stderr.contains("added"), "{}", again.stderr);
    assert_eq!(server.requests().len(), asked);

    // A target whose archive does not match the manifest's sum: `omg use` fails naming the
    // file, nothing of it is in place, and the toolchain file still names 1.80.1.
    server.put(
        &dist.addon_path("2024-06-13", "rust-std-1.79.0-wasm32-unknown-unknown"),
        b"not the archive".to_vec(),
    );
    let refused = w.omg("comp", &["use", "rust", "1.79.0"]);
    assert_ne!(refused.code, Some(0));
    assert!(
        refused
            .stderr
            .contains("rust-std-1.79.0-wasm32-unknown-unknown.tar.xz"),
        "{}",
        refused.stderr
    );
    let old = w.runtimes_dir("rust").join("1.79.0");
    assert!(!old.join("lib/rustlib/wasm32-unknown-unknown").exists());
    assert!(std::fs::read_to_string(w.path("comp/rust-toolchain.toml"))
        .unwrap()
        .contains("channel = \"1.80.1\""));
    // A component the manifest does not have: an error naming it and what there is.
    w.write(
        "comp/rust-toolchain.toml",
        "[toolchain]\nchannel = \"1.80.1\"\ncomponents = [\"miri\"]\n",
    );
    let unknown = w.omg("comp", &["exec", "rust", "--", "rustc"]);
    assert_ne!(unknown.code, Some(0));
    assert!(
        unknown.stderr.contains("rust 1.80.1 has no component miri"),
        "{}",
        unknown.stderr
    );
}

/// java's version files with their vendor: Temurin's names are Adoptium's builds, another
/// vendor is an error naming it.
#[test]
fn java_vendors_are_kept() {
    let server = TestServer::start();
    let mirror = {
        let mut api = Adoptium::new(&server, "/java");
        api.release("21.0.5+11", true, Tamper::None)
            .release("21.0.4+7", true, Tamper::None);
        api.mirror()
    };
    let w = World::new(&[("java", mirror)]);
    let dir = |rel: &str, file: &str, contents: &str| {
        std::fs::create_dir_all(w.path(rel)).unwrap();
        w.write(&format!("{rel}/{file}"), contents);
    };
    let exec = |rel: &str| w.omg(rel, &["exec", "java", "--", "java"]);
    // asdf-java: temurin-21.0.4+7.0.LTS is Adoptium's 21.0.4+7 (not the newest 21).
    dir("asdf", ".tool-versions", "java temurin-21.0.4+7.0.LTS\n");
    assert!(exec("asdf").ok().contains("\"21.0.4\""), "asdf");
    // sdkman's `amzn` is Corretto and asdf-java's `zulu-` is Zulu: omg installs neither,
    // and says so by name instead of installing Temurin's 21.
    for (file, contents, vendor) in [
        (".sdkmanrc", "java=21.0.5-amzn\n", "corretto"),
        (".java-version", "zulu-21.36.17\n", "zulu"),
    ] {
        dir(vendor, file, contents);
        let run = exec(vendor);
        assert_ne!(run.code, Some(0), "{vendor}: {}", run.stdout);
        assert!(
            run.stderr.contains(&format!("is a {vendor} build")),
            "{vendor}: {}",
            run.stderr
        );
        let which = w.omg(vendor, &["which", "java"]);
        assert!(which.stderr.contains(vendor), "{}", which.stderr);
    }
    assert_eq!(w.entries("java"), vec!["21.0.4+7"]);
}

/// `omg exec java` sets JAVA_HOME to the JDK it runs, and so does the shell hook where
/// `.java-version` selects it (and unsets it outside).
#[test]
fn java_home_follows_the_active_jdk() {
    let server = TestServer::start();
    let mirror = {
        let mut api = Adoptium::new(&server, "/java");
        api.release("21.0.5+11", true, Tamper::None);
        api.mirror()
    };
    let w = World::new(&[("java", mirror)]);
    let run = w.omg(
        "proj",
        &[
            "exec",
            "java@21",
            "--",
            "sh",
            "-c",
            "echo \"$JAVA_HOME\"; command -v java",
        ],
    );
    let home = w.runtimes_dir("java").join("21.0.5+11");
    assert_eq!(
        run.ok(),
        format!("{}\n{}\n", home.display(), home.join("bin/java").display())
    );

    w.omg("proj", &["use", "java", "21"]).expect_code(0);
    let script = format!(
        "eval \"$('{omg}' hook bash)\"; cd '{}'; _omg_hook; echo \"$JAVA_HOME\"; java; \
         cd '{}'; _omg_hook; echo \"[$JAVA_HOME]\"",
        w.path("proj/sub").display(),
        w.path("elsewhere").display(),
        omg = omg_bin().display(),
    );
    let out = w
        .command(std::path::Path::new("/bin/bash"), "home")
        .args(["-c", &script])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!(
            "{}\nopenjdk version \"21.0.5\" 2024-10-15 LTS\n[]\n",
            home.display()
        ),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn ruby_installs_activates_and_runs() {
    let server = TestServer::start();
    let mirror = {
        let mut rb = RubyBuilder::new(&server, "/ruby");
        rb.release("3.3.5", Tamper::None)
            .release("3.3.4", Tamper::None)
            .release("3.2.6", Tamper::None)
            .release("3.1.6", Tamper::WrongSum);
        rb.mirror()
    };
    let w = World::new(&[("ruby", mirror)]);
    round_trip(
        &w,
        &Trip {
            runtime: "ruby",
            exact: "3.2.6",
            specs: &[("3.3", "3.3.5")],
            file: ".ruby-version",
            contents: one_line,
            runs: &[("ruby", |v| {
                format!("ruby {v} (2024-09-03 revision ef084cc8f4) [x86_64-linux]\n")
            })],
            spoiled: ("3.1.6", "checksum mismatch for ruby-3.1.6-"),
            remote: &["3.3.5", "3.3.4", "3.2.6", "3.1.6"],
            unknown: ("3.3.9", "3.3.5, 3.3.4"),
        },
    );
}

/// `[runtimes] max_unpacked` (MiB) bounds what an archive may unpack to: past it the install
/// is refused as a decompression bomb, and nothing is installed.
#[test]
fn the_unpacked_size_limit_is_configurable() {
    let server = TestServer::start();
    let mirror = {
        let mut api = Adoptium::new(&server, "/java");
        api.release("21.0.5+11", true, Tamper::None);
        api.mirror()
    };
    let w = World::new(&[("java", mirror)]);
    let run = w.omg_env(
        "proj",
        &["runtimes", "install", "java", "21"],
        &[("OMG_RUNTIMES_MAX_UNPACKED", "0")],
    );
    run.expect_code(8);
    assert!(run.stderr.contains("decompression bomb"), "{}", run.stderr);
    assert!(
        !w.runtimes_dir("java").join("21.0.5+11").exists(),
        "{:?}",
        w.entries("java")
    );
    w.omg("proj", &["runtimes", "install", "java", "21"])
        .expect_code(0);
}
