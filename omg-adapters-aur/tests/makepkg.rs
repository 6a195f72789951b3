//! Makepkg as the test build user (`omgbuild`): aur-base cloned as that user and built
//! through paru's sequence into a package file; a build() that fails gives the log's last
//! lines, escaped; root without a user is refused before anything runs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use omg_adapters_aur::{AurRepo, BuildUser, Makepkg};
use omg_ports::Error;
use omg_testkit::aur::{build_user, AurFixture, BUILD_USER};

/// A temporary directory the build user can reach (a tempdir is 0700), with the
/// directories above it inside the system's temporary directory opened likewise.
fn reachable_tempdir() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let top = std::env::temp_dir().canonicalize().unwrap();
    let here = tmp.path().canonicalize().unwrap();
    for dir in here.ancestors() {
        if dir == top || !dir.starts_with(&top) {
            break;
        }
        let mode = fs::metadata(dir).unwrap().mode();
        fs::set_permissions(dir, fs::Permissions::from_mode(mode | 0o011)).unwrap();
    }
    tmp
}

/// The build user through the testkit (which skips, failing under CI, when it can't be had)
/// and as omg-adapters-aur looks it up.
fn user() -> Option<BuildUser> {
    let testkit_user = build_user()?;
    let user = BuildUser::named(BUILD_USER).unwrap();
    assert_eq!(user.uid, testkit_user.uid);
    assert_eq!(user.gid, testkit_user.gid);
    assert_ne!(user.uid, 0);
    Some(user)
}

fn makepkg_in(out: &Path, user: Option<BuildUser>) -> Makepkg {
    Makepkg::new(
        user,
        out.join("pkg"),
        out.join("build"),
        out.join("src"),
        out.join("logs"),
    )
}

#[test]
fn builds_aur_base_as_the_build_user() {
    let Some(user) = user() else { return };
    let tmp = reachable_tempdir();
    let aur = AurFixture::create(&tmp.path().join("aur"));
    let cache = tmp.path().join("cache");
    let repo = AurRepo::sync(&cache, aur.base_url(), "aur-base", Some(&user)).unwrap();
    // The clone is the user's.
    assert_eq!(fs::metadata(&cache).unwrap().uid(), user.uid);
    assert_eq!(fs::metadata(repo.dir()).unwrap().uid(), user.uid);
    assert_eq!(
        fs::metadata(repo.dir().join(".git/HEAD")).unwrap().uid(),
        user.uid
    );
    let head = repo.remote_head().unwrap();
    repo.checkout(&head).unwrap();
    repo.mark_seen(&head).unwrap();
    // A second sync fetches as the user.
    let repo = AurRepo::sync(&cache, aur.base_url(), "aur-base", Some(&user)).unwrap();
    assert_eq!(repo.seen().unwrap().as_deref(), Some(head.as_str()));

    let out = tmp.path().join("out");
    let log = tmp.path().join("logs/aur-base.log");
    let makepkg = makepkg_in(&out, Some(user.clone()));
    let built = makepkg.build(repo.dir(), &log).unwrap();
    assert_eq!(built.len(), 1, "{built:?}");
    let name = built[0].file_name().unwrap().to_str().unwrap();
    assert!(name.starts_with("aur-base-1.0-1-any.pkg.tar"), "{name}");
    assert!(built[0].is_file());
    assert_eq!(
        built[0].parent().unwrap(),
        out.join("pkg").canonicalize().unwrap()
    );
    for sub in ["pkg", "build", "src", "logs"] {
        assert_eq!(
            fs::metadata(out.join(sub)).unwrap().uid(),
            user.uid,
            "{sub}"
        );
    }
    // The three runs are in the log, in paru's order.
    let text = fs::read_to_string(&log).unwrap();
    let order: Vec<usize> = [
        "==> omg: makepkg -ofA",
        "==> omg: makepkg --packagelist",
        "==> omg: makepkg -feA --noconfirm --noprepare --holdver",
    ]
    .iter()
    .map(|step| {
        text.find(step)
            .unwrap_or_else(|| panic!("{step} not in {text}"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
    assert!(!text.contains("--verifysource"), "{text}");
    assert!(text.contains("Finished making"), "{text}");
}

#[test]
fn a_failing_build_quotes_the_end_of_its_log() {
    let Some(user) = user() else { return };
    let tmp = reachable_tempdir();
    let dir = tmp.path().join("omg-fail");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("PKGBUILD"),
        "pkgname=omg-fail
pkgver=1.0
pkgrel=1
arch=('any')
license=('MIT')

build() {
  printf 'omg-fail-marker \\033[31mred\\033[0m\\n'
  echo 'the build breaks now' >&2
  false
}

package() {
  :
}
",
    )
    .unwrap();
    for path in [&dir, &dir.join("PKGBUILD")] {
        std::os::unix::fs::chown(path, Some(user.uid), Some(user.gid)).unwrap();
    }
    let log = tmp.path().join("logs/omg-fail.log");
    let out = tmp.path().join("out");
    let e = makepkg_in(&out, Some(user)).build(&dir, &log).unwrap_err();
    let Error::Library { library, message } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(library, "makepkg");
    for needle in [
        "building omg-fail failed",
        "makepkg -feA --noconfirm --noprepare --holdver",
        "exited with code ",
        &log.display().to_string(),
        "omg-fail-marker \\u{1b}[31mred\\u{1b}[0m",
        "the build breaks now",
        "A failure occurred in build()",
    ] {
        assert!(message.contains(needle), "{needle} not in:\n{message}");
    }
    // Escaped: no control character but the line breaks between quoted lines.
    assert!(
        !message.chars().any(|c| c.is_control() && c != '\n'),
        "{message}"
    );
    let tail: Vec<&str> = message.lines().skip(1).collect();
    assert!(tail.len() <= 20, "{message}");
    assert!(fs::read_dir(out.join("pkg")).unwrap().next().is_none());
}

#[test]
fn root_without_a_user_is_refused() {
    if !omg_testkit::require_root("the refusal is for root") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let log = tmp.path().join("logs/x.log");
    let e = makepkg_in(&out, None)
        .with_program(PathBuf::from("/bin/false"))
        .build(tmp.path(), &log)
        .unwrap_err();
    let text = e.to_string();
    assert!(text.contains("makepkg refuses to run as root"), "{text}");
    assert!(text.contains("sudo"), "{text}");
    // Nothing was made or run.
    assert!(!out.exists());
    assert!(!log.exists());
    assert!(BuildUser::named("root").is_err());
    assert!(BuildUser::named("no-such-user-omg").is_err());
}
