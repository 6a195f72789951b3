//! AurRepo against the test AUR's real git repositories over HTTP: clone, review diff and
//! AUR_SEEN, an update turning malicious, files at a commit (links and submodules refused),
//! checkout, clone directories that are not clones, invalid names, ls-remote of a VCS
//! upstream and the VCS sources of a .SRCINFO.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::Path;
use std::time::Duration;

use omg_adapters_aur::repo::{MAX_ENTRIES, NETWORK_TIMEOUT};
use omg_adapters_aur::{
    ls_remote, parse_srcinfo, valid_pkgbase, vcs_sources, AurRepo, RepoFile, RepoFileKind,
    VcsSource,
};
use omg_ports::Error;
use omg_testkit::aur::{git, AurFixture, EVIL_LINE};

fn fixture() -> (tempfile::TempDir, AurFixture) {
    let tmp = tempfile::tempdir().unwrap();
    let aur = AurFixture::create(&tmp.path().join("aur"));
    (tmp, aur)
}

fn file<'a>(files: &'a [RepoFile], name: &str) -> &'a RepoFile {
    files
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no {name} in {files:?}"))
}

#[test]
fn a_fresh_clone_shows_everything_as_added() {
    let (tmp, aur) = fixture();
    let cache = tmp.path().join("cache");
    let repo = AurRepo::sync(&cache, aur.base_url(), "aur-base", None).unwrap();
    assert_eq!(repo.dir(), cache.join("aur-base"));
    assert!(repo.dir().join("PKGBUILD").is_file());
    assert_eq!(repo.seen().unwrap(), None);
    // Over git's smart HTTP protocol, as the AUR serves it: one POST for the pack.
    let hits = aur.server().hits();
    assert!(
        hits.iter().any(|h| h.method == "POST"
            && h.url == "/aur-base.git/git-upload-pack"
            && h.status == 200),
        "{hits:?}"
    );

    let head = repo.remote_head().unwrap();
    assert_eq!(head, git(&aur.work_dir("aur-base"), &["rev-parse", "HEAD"]));
    let diff = repo.diff(None, &head).unwrap();
    for needle in [
        "+++ b/PKGBUILD",
        "+++ b/.SRCINFO",
        "new file mode",
        "+pkgname='aur-base'",
        "+\tpkgver = 1.0",
    ] {
        assert!(diff.contains(needle), "{needle} not in:\n{diff}");
    }
    assert!(!diff.contains('\x1b'), "no colour: {diff}");

    repo.mark_seen(&head).unwrap();
    assert_eq!(repo.seen().unwrap().as_deref(), Some(head.as_str()));
    // The ref paru and yay read.
    assert_eq!(git(repo.dir(), &["rev-parse", "AUR_SEEN"]), head);
    // Nothing changed: an empty diff.
    assert_eq!(repo.diff(Some(&head), &head).unwrap(), "");
}

#[test]
fn an_update_turning_malicious_is_in_the_diff_since_the_review() {
    let (tmp, mut aur) = fixture();
    let cache = tmp.path().join("cache");
    let repo = AurRepo::sync(&cache, aur.base_url(), "aur-evil-update", None).unwrap();
    let old = repo.remote_head().unwrap();
    repo.mark_seen(&old).unwrap();

    aur.publish_evil_update();
    let repo = AurRepo::sync(&cache, aur.base_url(), "aur-evil-update", None).unwrap();
    let new = repo.remote_head().unwrap();
    assert_ne!(new, old);
    // A fetch leaves the working tree alone.
    let on_disk = fs::read_to_string(repo.dir().join("PKGBUILD")).unwrap();
    assert!(!on_disk.contains(EVIL_LINE));

    let seen = repo.seen().unwrap();
    assert_eq!(seen.as_deref(), Some(old.as_str()));
    let diff = repo.diff(seen.as_deref(), &new).unwrap();
    assert!(
        diff.contains(&format!("+{EVIL_LINE}")) || diff.contains(EVIL_LINE),
        "{diff}"
    );
    assert!(
        diff.lines()
            .any(|l| l.starts_with('+') && l.contains(EVIL_LINE)),
        "{diff}"
    );
    assert!(diff.contains("+++ b/.SRCINFO"), "{diff}");
    assert!(diff.contains("+\tpkgver = 2.0"), "{diff}");
    assert!(diff.contains("-\tpkgver = 1.0"), "{diff}");

    // The files of each commit.
    let before = repo.files_at(&old).unwrap();
    let after = repo.files_at(&new).unwrap();
    assert!(!file(&before, "PKGBUILD").text.contains(EVIL_LINE));
    assert!(file(&after, "PKGBUILD").text.contains(EVIL_LINE));
    assert!(file(&after, ".SRCINFO").text.contains("pkgver = 2.0"));
    assert_eq!(file(&after, "PKGBUILD").kind, RepoFileKind::File);
    assert!(after.iter().all(|f| f.refused.is_none()), "{after:?}");

    // The checkout is exactly the reviewed commit, untracked files removed.
    fs::write(repo.dir().join("stray.txt"), "left over").unwrap();
    fs::create_dir_all(repo.dir().join("src/x")).unwrap();
    repo.checkout(&new).unwrap();
    let on_disk = fs::read_to_string(repo.dir().join("PKGBUILD")).unwrap();
    assert!(on_disk.contains(EVIL_LINE));
    assert!(!repo.dir().join("stray.txt").exists());
    assert!(!repo.dir().join("src").exists());
    assert_eq!(git(repo.dir(), &["rev-parse", "HEAD"]), new);
    // A modified tracked file is overwritten too.
    fs::write(repo.dir().join("PKGBUILD"), "tampered").unwrap();
    repo.checkout(&old).unwrap();
    let on_disk = fs::read_to_string(repo.dir().join("PKGBUILD")).unwrap();
    assert!(!on_disk.contains(EVIL_LINE) && on_disk.contains("pkgname="));

    repo.mark_seen(&new).unwrap();
    assert_eq!(repo.seen().unwrap().as_deref(), Some(new.as_str()));
}

#[test]
fn links_submodules_directories_and_large_files_are_reported_not_read() {
    let (tmp, aur) = fixture();
    // A package base of our own, published beside the fixture's.
    let work = tmp.path().join("odd");
    fs::create_dir_all(work.join("keys/pgp")).unwrap();
    fs::write(work.join("PKGBUILD"), "pkgname=aur-odd\n").unwrap();
    // Marks every file binary, which would hide its text from a plain `git diff`.
    fs::write(work.join(".gitattributes"), "* -diff\n").unwrap();
    fs::write(work.join("keys/pgp/A.asc"), "key").unwrap();
    fs::write(work.join("latin1.patch"), b"caf\xe9\n").unwrap();
    fs::write(work.join("big.bin"), vec![b'x'; (1 << 20) + 1]).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", work.join("evil-link")).unwrap();
    git(&work, &["init", "-q"]);
    git(&work, &["add", "-A"]);
    let sub = "0123456789abcdef0123456789abcdef01234567";
    git(
        &work,
        &[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("160000,{sub},vendored"),
        ],
    );
    publish_own(&aur, &work, "aur-odd");

    let repo = AurRepo::sync(&tmp.path().join("cache"), aur.base_url(), "aur-odd", None).unwrap();
    let head = repo.remote_head().unwrap();
    let files = repo.files_at(&head).unwrap();
    assert_eq!(files.len(), 7, "{files:?}");
    let diff = repo.diff(None, &head).unwrap();
    assert!(diff.contains("+pkgname=aur-odd"), "{diff}");
    assert!(!diff.contains("Binary files"), "{diff}");
    let link = file(&files, "evil-link");
    assert_eq!(link.kind, RepoFileKind::Symlink);
    assert!(link.text.is_empty());
    assert!(link.refused.as_deref().unwrap().contains("symbolic link"));
    let submodule = file(&files, "vendored");
    assert_eq!(submodule.kind, RepoFileKind::Submodule);
    assert!(submodule.refused.is_some());
    let keys = file(&files, "keys");
    assert_eq!(keys.kind, RepoFileKind::Directory);
    let big = file(&files, "big.bin");
    assert!(
        big.refused.as_deref().unwrap().contains("larger than"),
        "{big:?}"
    );
    assert!(big.text.is_empty());
    assert_eq!(file(&files, "latin1.patch").text, "caf\u{fffd}\n");
    assert_eq!(file(&files, "PKGBUILD").text, "pkgname=aur-odd\n");
    // The link is not followed on disk either: git checks it out as a link.
    assert!(fs::symlink_metadata(repo.dir().join("evil-link"))
        .unwrap()
        .file_type()
        .is_symlink());
}

/// Commits what `work` (a repository) holds and publishes it as the package base `base`
/// of the test AUR.
fn publish_own(aur: &AurFixture, work: &Path, base: &str) {
    git(work, &["commit", "-q", "-m", base]);
    let bare = aur.dir().join(format!("git/{base}.git"));
    fs::create_dir_all(&bare).unwrap();
    git(&bare, &["init", "-q", "--bare"]);
    git(
        work,
        &[
            "push",
            "-q",
            bare.to_str().unwrap(),
            "HEAD:refs/heads/master",
        ],
    );
    // One pack, which upload-pack sends as it is instead of packing loose objects.
    git(&bare, &["repack", "-adq"]);
}

#[test]
fn more_entries_than_the_bound_are_refused() {
    let (tmp, aur) = fixture();
    let work = tmp.path().join("many");
    fs::create_dir_all(&work).unwrap();
    git(&work, &["init", "-q"]);
    for i in 0..=MAX_ENTRIES {
        fs::write(work.join(format!("f{i}")), format!("{i}")).unwrap();
    }
    git(&work, &["add", "-A"]);
    publish_own(&aur, &work, "aur-many");
    let repo = AurRepo::sync(&tmp.path().join("cache"), aur.base_url(), "aur-many", None).unwrap();
    let e = repo.files_at(&repo.remote_head().unwrap()).unwrap_err();
    assert!(e.to_string().contains("more than 1000 files"), "{e}");
}

#[test]
fn a_clone_directory_that_is_no_clone_is_refused() {
    let (tmp, aur) = fixture();
    let cache = tmp.path().join("cache");
    fs::create_dir_all(&cache).unwrap();
    let elsewhere = tmp.path().join("elsewhere");
    fs::create_dir_all(&elsewhere).unwrap();

    let check = |name: &str| {
        let e = AurRepo::sync(&cache, aur.base_url(), name, None).unwrap_err();
        let Error::Io { path, .. } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(path, &cache.join(name));
        let text = e.to_string();
        assert!(text.contains("Remove it"), "{text}");
        text
    };

    std::os::unix::fs::symlink(&elsewhere, cache.join("aur-base")).unwrap();
    assert!(check("aur-base").contains("symbolic link"));
    // Nothing was cloned through the link.
    assert_eq!(fs::read_dir(&elsewhere).unwrap().count(), 0);

    fs::create_dir_all(cache.join("aur-lib")).unwrap();
    assert!(check("aur-lib").contains("no .git"));

    fs::write(cache.join("aur-app"), "a file").unwrap();
    assert!(check("aur-app").contains("not a directory"));

    // A link where .git should be.
    fs::create_dir_all(cache.join("aur-split")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, cache.join("aur-split/.git")).unwrap();
    assert!(check("aur-split").contains(".git"));

    // An empty .git inside another repository: git would use the outer one.
    let outer = AurRepo::sync(&cache, aur.base_url(), "aur-prov-one", None).unwrap();
    let nested = outer.dir().join("nested");
    fs::create_dir_all(nested.join("aur-lib/.git")).unwrap();
    let e = AurRepo::sync(&nested, aur.base_url(), "aur-lib", None).unwrap_err();
    let text = e.to_string();
    assert!(text.contains("not a git repository of its own"), "{text}");
    assert!(text.contains("Remove it"), "{text}");
}

#[test]
fn invalid_names_are_refused_before_the_disk_is_touched() {
    let (tmp, aur) = fixture();
    let cache = tmp.path().join("cache");
    for bad in [
        "../escape",
        "a/b",
        "-oops",
        ".hidden",
        "Upper",
        "",
        "a b",
        "x\n",
    ] {
        assert!(!valid_pkgbase(bad));
        let e = AurRepo::sync(&cache, aur.base_url(), bad, None).unwrap_err();
        assert!(matches!(e, Error::InvalidRequest(_)), "{bad:?}: {e:?}");
        assert!(!e.to_string().contains('\n'), "{e}");
    }
    assert!(!cache.exists());
    assert!(!tmp.path().join("escape").exists());
    // Ids that are not full commit ids never reach git.
    let repo = AurRepo::sync(&cache, aur.base_url(), "aur-base", None).unwrap();
    for bad in ["HEAD", "--output=/tmp/x", "master", "abc"] {
        assert!(matches!(
            repo.diff(None, bad).unwrap_err(),
            Error::InvalidRequest(_)
        ));
        assert!(matches!(
            repo.mark_seen(bad).unwrap_err(),
            Error::InvalidRequest(_)
        ));
        assert!(matches!(
            repo.checkout(bad).unwrap_err(),
            Error::InvalidRequest(_)
        ));
    }
    // A well-formed id the clone does not have.
    let missing = "0".repeat(40);
    assert!(matches!(
        repo.mark_seen(&missing).unwrap_err(),
        Error::Library { .. }
    ));
    assert!(repo.files_at(&missing).is_err());
}

#[test]
fn a_missing_package_base_is_a_download_error() {
    let (tmp, aur) = fixture();
    let e = AurRepo::sync(
        &tmp.path().join("cache"),
        aur.base_url(),
        "no-such-base",
        None,
    )
    .unwrap_err();
    assert!(matches!(e, Error::Download { .. }), "{e:?}");
    assert!(e.to_string().contains("no-such-base.git"), "{e}");
    assert!(!tmp.path().join("cache/no-such-base").exists());
}

#[test]
fn ls_remote_follows_the_upstream() {
    let (_tmp, mut aur) = fixture();
    let url = format!("{}/upstream.git", aur.base_url());
    let first = ls_remote(&url, None, NETWORK_TIMEOUT).unwrap();
    assert_eq!(first.as_deref(), Some(aur.upstream_head().as_str()));
    assert_eq!(
        ls_remote(&url, Some("master"), NETWORK_TIMEOUT).unwrap(),
        first
    );
    let second = aur.add_upstream_commit("upstream: second commit");
    let now = ls_remote(&url, None, NETWORK_TIMEOUT).unwrap();
    assert_eq!(now.as_deref(), Some(second.as_str()));
    assert_ne!(now, first);
    assert_eq!(
        ls_remote(&url, Some("no-such-branch"), NETWORK_TIMEOUT).unwrap(),
        None
    );
    // Nothing listens on port 1.
    let e = ls_remote("http://127.0.0.1:1/x.git", None, Duration::from_secs(30)).unwrap_err();
    assert!(matches!(e, Error::Download { .. }), "{e:?}");
    assert!(matches!(
        ls_remote("--upload-pack=touch /tmp/x", None, NETWORK_TIMEOUT).unwrap_err(),
        Error::InvalidRequest(_)
    ));
}

#[test]
fn vcs_sources_of_the_vcs_package() {
    let (tmp, aur) = fixture();
    let repo = AurRepo::sync(
        &tmp.path().join("cache"),
        aur.base_url(),
        "aur-vcs-git",
        None,
    )
    .unwrap();
    let head = repo.remote_head().unwrap();
    let files = repo.files_at(&head).unwrap();
    let srcinfo = parse_srcinfo(&file(&files, ".SRCINFO").text).unwrap();
    let url = format!("{}/upstream.git", aur.base_url());
    assert_eq!(
        vcs_sources(&srcinfo, "x86_64"),
        [VcsSource {
            url: url.clone(),
            branch: None
        }]
    );
    // The recorded commit is what ls-remote gives for it.
    let sources = vcs_sources(&srcinfo, "x86_64");
    let now = ls_remote(
        &sources[0].url,
        sources[0].branch.as_deref(),
        NETWORK_TIMEOUT,
    )
    .unwrap();
    assert_eq!(now, Some(aur.upstream_head()));
}

#[test]
fn vcs_sources_skip_pinned_ones_and_keep_branches() {
    let text = "pkgbase = v
\tpkgver = 1
\tpkgrel = 1
\tsource = plain::git+https://example.org/plain.git
\tsource = git+https://example.org/branch.git#branch=dev
\tsource = git+https://example.org/pinned.git#commit=0123abc
\tsource = git+https://example.org/tagged.git#tag=v1.0
\tsource = git+https://example.org/signed.git?signed#branch=main
\tsource = https://example.org/file.tar.gz
\tsource = svn+https://example.org/svn
\tsource = local.patch
\tsource_aarch64 = arm::git+https://example.org/arm.git
\tsource_x86_64 = git+https://example.org/x86.git#branch=stable

pkgname = v
";
    let info = parse_srcinfo(text).unwrap();
    let got = vcs_sources(&info, "x86_64");
    let want = [
        ("https://example.org/plain.git", None),
        ("https://example.org/branch.git", Some("dev")),
        ("https://example.org/signed.git", Some("main")),
        ("https://example.org/x86.git", Some("stable")),
    ]
    .map(|(url, branch)| VcsSource {
        url: url.into(),
        branch: branch.map(str::to_owned),
    });
    assert_eq!(got, want);
    let arm = vcs_sources(&info, "aarch64");
    assert_eq!(arm.len(), 4);
    assert_eq!(arm[3].url, "https://example.org/arm.git");
}
