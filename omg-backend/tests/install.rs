//! `make install` / `make uninstall` and the Arch package (contrib/arch/PKGBUILD), with the
//! binaries `cargo build --workspace --bins` left beside omg-backend (target/debug): nothing
//! is built again. The Debian package is checked by scripts/deb-check.sh, which needs an
//! apt-only omg-backend (scripts/test.sh builds one at its end).

// A test: a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BINARIES: [&str; 3] = ["omg", "omg-backend", "omgd"];

/// The repository's root.
fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Where cargo put omg-backend, and omg and omgd beside it (built by `cargo build
/// --workspace --bins`, as scripts/test.sh does first).
fn build_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_BIN_EXE_omg-backend"))
        .parent()
        .unwrap()
        .to_path_buf();
    for b in BINARIES {
        assert!(
            dir.join(b).is_file(),
            "{} is missing: run `cargo build --workspace --bins` first",
            dir.join(b).display()
        );
    }
    dir
}

fn ok(out: Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn make(target: &str, destdir: &Path, build_dir: &Path) -> String {
    let out = Command::new("make")
        .arg("-C")
        .arg(repo())
        .arg("-s")
        .arg(target)
        .arg(format!("DESTDIR={}", destdir.display()))
        .arg("PREFIX=/usr")
        .arg(format!("BUILD_DIR={}", build_dir.display()))
        .output()
        .expect("run make");
    ok(out, &format!("make {target}"))
}

/// The visible subcommands `omg --help` lists.
fn commands_in_help(build_dir: &Path) -> Vec<String> {
    let out = Command::new(build_dir.join("omg"))
        .arg("--help")
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .output()
        .unwrap();
    let help = ok(out, "omg --help");
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .map(|c| c.trim_end_matches(',').to_string())
        .filter(|c| c != "help")
        .collect()
}

/// Every file (and symbolic link) under `root`, relative to it, sorted.
fn files_under(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let kind = entry.file_type().unwrap();
            if kind.is_dir() {
                dirs.push(entry.path());
            } else {
                let rel = entry.path().strip_prefix(root).unwrap().to_path_buf();
                found.push(rel.to_string_lossy().into_owned());
            }
        }
    }
    found.sort();
    found
}

/// The files every install holds (under the prefix, without the man pages' compression).
fn expected_files() -> Vec<&'static str> {
    vec![
        "usr/bin/omg",
        "usr/bin/omg-backend",
        "usr/bin/omgd",
        "usr/share/man/man1/omg.1",
        "usr/share/man/man1/omg-search.1",
        "usr/share/man/man1/omg-install.1",
        "usr/share/man/man1/omg-runtimes-install.1",
        "usr/share/man/man5/omg.toml.5",
        "usr/share/man/man8/omgd.8",
        "usr/share/bash-completion/completions/omg",
        "usr/share/zsh/site-functions/_omg",
        "usr/share/fish/vendor_completions.d/omg.fish",
        "usr/lib/systemd/user/omgd.service",
        "usr/lib/systemd/user/omgd.socket",
        "usr/share/licenses/omg/LICENSE.txt",
    ]
}

/// `man -l page` as text, asserting man and groff said nothing on stderr.
fn render(page: &Path) -> String {
    let out = Command::new("man")
        .arg("-l")
        .arg(page)
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "100")
        .env("LANG", "C.UTF-8")
        .output()
        .expect("run man");
    assert!(
        out.stderr.is_empty(),
        "man -l {}: {}",
        page.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    ok(out, "man -l")
}

#[test]
fn make_install_puts_every_file_in_place_and_uninstall_removes_them() {
    if omg_testkit::require_tool("make").is_none() || omg_testkit::require_tool("man").is_none() {
        return;
    }
    let build_dir = build_dir();
    let dest = tempfile::tempdir().unwrap();
    make("install", dest.path(), &build_dir);
    let installed = files_under(dest.path());
    for file in expected_files() {
        assert!(
            installed.iter().any(|f| f == file),
            "{file} not installed: {installed:?}"
        );
    }
    // One page per command omg lists.
    let commands = commands_in_help(&build_dir);
    assert!(commands.len() > 10, "{commands:?}");
    for command in &commands {
        let page = format!("usr/share/man/man1/omg-{command}.1");
        assert!(installed.contains(&page), "{page} missing");
    }
    // The binaries are the ones built, byte for byte.
    for b in BINARIES {
        let built = std::fs::read(build_dir.join(b)).unwrap();
        assert!(
            std::fs::read(dest.path().join("usr/bin").join(b)).unwrap() == built,
            "{b}"
        );
    }
    // The pages render, and `man -M` finds them by name.
    let man = dest.path().join("usr/share/man");
    assert!(render(&man.join("man1/omg-install.1")).contains("omg-install"));
    let omgd = render(&man.join("man8/omgd.8"));
    assert!(
        omgd.contains("--refresh-secs") && omgd.contains("omgd.sock"),
        "{omgd}"
    );
    assert!(!omgd.contains("--print-man"), "{omgd}");
    let config = render(&man.join("man5/omg.toml.5"));
    for needle in [
        "OMG_DAEMON_IDLE_SECS",
        "lock_timeout",
        "86400",
        "[runtimes.<name>]",
        "config.toml",
    ] {
        assert!(
            config.contains(needle),
            "{needle} not in omg.toml(5):\n{config}"
        );
    }
    let out = Command::new("man")
        .arg("-M")
        .arg(&man)
        .arg("omg-runtimes-install")
        .env("MANPAGER", "cat")
        .output()
        .unwrap();
    assert!(ok(out, "man -M").contains("omg-runtimes-install"));
    // The completions are omg's own, the units start the installed omgd.
    let bash = std::fs::read_to_string(
        dest.path()
            .join("usr/share/bash-completion/completions/omg"),
    )
    .unwrap();
    assert!(bash.contains("complete") && bash.contains("omg"), "{bash}");
    let service =
        std::fs::read_to_string(dest.path().join("usr/lib/systemd/user/omgd.service")).unwrap();
    assert!(
        service.lines().any(|l| l == "ExecStart=/usr/bin/omgd"),
        "{service}"
    );

    make("uninstall", dest.path(), &build_dir);
    let left = files_under(dest.path());
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn the_arch_package_holds_every_file() {
    if !omg_testkit::require_root("makepkg runs as nobody and pacman installs into a root") {
        return;
    }
    let (Some(makepkg), Some(pacman)) = (
        omg_testkit::require_tool("makepkg"),
        omg_testkit::require_tool("pacman"),
    ) else {
        return;
    };
    if omg_testkit::require_tool("fakeroot").is_none()
        || omg_testkit::require_tool("setpriv").is_none()
    {
        return;
    }
    let build_dir = build_dir();
    let tmp = tempfile::tempdir().unwrap();
    // The parts of the checkout the PKGBUILD uses, and the binaries, owned by nobody.
    let tree = tmp.path().join("tree");
    for part in [
        "Makefile",
        "LICENSE.txt",
        "scripts/install.sh",
        "contrib/arch/PKGBUILD",
        "contrib/systemd/omgd.service",
        "contrib/systemd/omgd.socket",
    ] {
        let to = tree.join(part);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(repo().join(part), &to).unwrap();
    }
    let bins = tmp.path().join("bins");
    std::fs::create_dir_all(&bins).unwrap();
    for b in BINARIES {
        std::fs::copy(build_dir.join(b), bins.join(b)).unwrap();
    }
    let out = Command::new("chown")
        .args(["-R", "65534:65534"])
        .arg(tmp.path())
        .output()
        .unwrap();
    ok(out, "chown");
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(&makepkg)
        .args(["--nodeps", "--noconfirm", "--noprogressbar"])
        .current_dir(tree.join("contrib/arch"))
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .env("HOME", tmp.path())
        .env("LANG", "C")
        .env("OMG_PREBUILT_DIR", &bins)
        .env("PKGDEST", tmp.path().join("out"))
        .env("BUILDDIR", tmp.path().join("build"))
        .env("SRCDEST", tmp.path().join("src"))
        .output()
        .unwrap();
    ok(out, "makepkg");
    let package = std::fs::read_dir(tmp.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("omg-0.1.0-1-")
        })
        .expect("makepkg wrote omg-0.1.0-1-<arch>.pkg.tar.*");

    // Into a throw-away root.
    let root = tmp.path().join("root");
    let db = root.join("var/lib/pacman");
    std::fs::create_dir_all(&db).unwrap();
    // No hooks: pacman reads HookDir, which must exist.
    std::fs::create_dir_all(tmp.path().join("hooks")).unwrap();
    let conf = tmp.path().join("pacman.conf");
    std::fs::write(
        &conf,
        format!(
            "[options]\nArchitecture = auto\nSigLevel = Never\nHookDir = {}\n",
            tmp.path().join("hooks").display()
        ),
    )
    .unwrap();
    let pacman_in_root = |args: &[&str]| {
        Command::new(&pacman)
            .args(args)
            .arg("--root")
            .arg(&root)
            .arg("--dbpath")
            .arg(&db)
            .arg("--config")
            .arg(&conf)
            .env("LANG", "C")
            .output()
            .unwrap()
    };
    let package = package.to_string_lossy().into_owned();
    ok(
        pacman_in_root(&[
            "-U",
            "--noconfirm",
            "--nodeps",
            "--nodeps",
            "--noscriptlet",
            &package,
        ]),
        "pacman -U",
    );
    let listed = ok(pacman_in_root(&["-Qlq", "omg"]), "pacman -Ql");
    let listed: Vec<&str> = listed.lines().collect();
    for file in expected_files() {
        // makepkg compresses the manual pages; pacman lists the paths under --root.
        let file = if file.contains("/man/") {
            root.join(format!("{file}.gz"))
        } else {
            root.join(file)
        };
        let name = file.to_string_lossy();
        assert!(
            listed.contains(&name.as_ref()),
            "{name} not in pacman -Ql omg: {listed:?}"
        );
        assert!(file.is_file(), "{name} not installed");
    }
    // One page per command omg lists, as make install wrote them.
    let man1 = root.join("usr/share/man/man1");
    let pages = listed
        .iter()
        .filter(|f| f.starts_with(&*man1.to_string_lossy()) && f.ends_with(".1.gz"))
        .count();
    assert_eq!(pages, std::fs::read_dir(&man1).unwrap().count());
    assert!(pages > commands_in_help(&build_dir).len(), "{pages} pages");
    let service = std::fs::read_to_string(root.join("usr/lib/systemd/user/omgd.service")).unwrap();
    assert!(
        service.lines().any(|l| l == "ExecStart=/usr/bin/omgd"),
        "{service}"
    );
}
