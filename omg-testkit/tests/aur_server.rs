//! The test AUR answers as aurweb does, its repositories clone with the system git, and
//! its packages build with makepkg as the build user.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Read;
use std::path::Path;
use std::process::Command;

use omg_testkit::aur::{
    build_user, http_get as get, http_request as request, makepkg_as, AurFixture, AurRecord,
    AurServer, EVIL_LINE, HIDDEN_SOURCE,
};
use serde_json::Value;

fn names(v: &Value) -> Vec<String> {
    let mut n: Vec<String> = v["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results in {v}"))
        .iter()
        .map(|r| r["Name"].as_str().unwrap().to_owned())
        .collect();
    n.sort();
    n
}

fn fixture() -> (tempfile::TempDir, AurFixture) {
    let tmp = tempfile::tempdir().unwrap();
    let aur = AurFixture::create(&tmp.path().join("aur"));
    (tmp, aur)
}

fn search(aur: &AurFixture, query: &str) -> Value {
    let r = get(&aur.server().url(&format!("/rpc/v5/search?{query}")));
    assert_eq!(r.status, 200);
    r.json()
}

#[test]
fn search_answers_by_each_field_with_aurwebs_shape() {
    let (_tmp, aur) = fixture();
    let v = search(&aur, "arg=CHAIN");
    assert_eq!(v["type"], "search");
    assert_eq!(v["version"], 5);
    assert_eq!(names(&v), ["aur-app", "aur-base", "aur-lib"]);
    assert_eq!(v["resultcount"], 3);
    let app = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["Name"] == "aur-app")
        .unwrap();
    let keys: Vec<&str> = app
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = vec![
        "Description",
        "FirstSubmitted",
        "ID",
        "LastModified",
        "Maintainer",
        "Name",
        "NumVotes",
        "OutOfDate",
        "PackageBase",
        "PackageBaseID",
        "Popularity",
        "URL",
        "URLPath",
        "Version",
    ];
    expected.sort_unstable();
    let mut keys = keys;
    keys.sort_unstable();
    assert_eq!(
        keys, expected,
        "search results carry exactly the search fields"
    );
    assert!(app["ID"].is_u64() && app["PackageBaseID"].is_u64());
    assert!(app["Popularity"].is_f64());
    assert_eq!(app["NumVotes"], 42);
    assert!(app["OutOfDate"].is_null());
    assert_eq!(app["Version"], "2.0-1");
    assert_eq!(app["URLPath"], "/cgit/aur.git/snapshot/aur-app.tar.gz");

    assert_eq!(
        names(&search(&aur, "arg=split&by=name")),
        ["aur-split-a", "aur-split-b"]
    );
    assert_eq!(
        names(&search(&aur, "arg=alice&by=maintainer")),
        ["aur-new-maint"]
    );
    assert_eq!(
        names(&search(&aur, "arg=&by=maintainer")),
        ["aur-prov-two"],
        "an empty maintainer finds the orphans"
    );
    assert_eq!(names(&search(&aur, "arg=aur-base&by=depends")), ["aur-lib"]);
    assert_eq!(names(&search(&aur, "arg=repo-dep&by=depends")), ["aur-lib"]);
    assert_eq!(
        names(&search(&aur, "arg=aur-lib&by=depends")),
        ["aur-app"],
        "a constraint (aur-lib>=1.2) matches by name"
    );
    assert_eq!(
        names(&search(&aur, "arg=git&by=makedepends")),
        ["aur-vcs-git"]
    );
    assert_eq!(
        names(&search(&aur, "arg=aur-virtual&by=provides")),
        ["aur-prov-one", "aur-prov-two"]
    );
    assert_eq!(
        names(&search(&aur, "arg=aur-prov-one&by=provides")),
        ["aur-prov-one"],
        "a package provides itself"
    );
    // Percent-decoding of the argument.
    assert_eq!(
        names(&search(&aur, "arg=aur%2dsplit%2Da&by=name")),
        ["aur-split-a"]
    );
    // The path form, without a query string.
    let v = get(&aur.server().url("/rpc/v5/search/new-maint")).json();
    assert_eq!(names(&v), ["aur-new-maint"]);
    // The legacy form.
    let v = get(&aur.server().url("/rpc?v=5&type=search&arg=prov&by=name")).json();
    assert_eq!(names(&v), ["aur-prov-one", "aur-prov-two"]);
}

#[test]
fn errors_are_http_200_with_aurwebs_messages() {
    let (_tmp, aur) = fixture();
    let err = |url: &str| {
        let r = get(&aur.server().url(url));
        assert_eq!(r.status, 200, "{url}");
        let v = r.json();
        assert_eq!(v["type"], "error", "{url}: {v}");
        assert_eq!(v["resultcount"], 0);
        assert_eq!(v["results"], serde_json::json!([]));
        assert_eq!(v["version"], 5);
        v["error"].as_str().unwrap().to_owned()
    };
    assert_eq!(err("/rpc/v5/search?arg=a"), "Query arg too small.");
    assert_eq!(err("/rpc/v5/search?arg=a&by=name"), "Query arg too small.");
    assert_eq!(
        err("/rpc/v5/search?arg=aur&by=bogus"),
        "Incorrect by field specified."
    );
    assert_eq!(
        err("/rpc/v5/search/aur-app?by=name"),
        "No request type/data specified."
    );
    aur.server().set_max_results(5);
    assert_eq!(err("/rpc/v5/search?arg=aur"), "Too many package results.");
    aur.server()
        .set_max_results(omg_testkit::aur::DEFAULT_MAX_RESULTS);
    assert!(search(&aur, "arg=aur")["resultcount"].as_u64().unwrap() > 5);
}

#[test]
fn info_answers_multiinfo_with_the_info_fields() {
    let (_tmp, aur) = fixture();
    let url = "/rpc/v5/info?arg[]=aur-app&arg%5B%5D=aur-split-b&arg[]=not-there&arg[]=aur-base";
    let v = get(&aur.server().url(url)).json();
    assert_eq!(v["type"], "multiinfo");
    assert_eq!(names(&v), ["aur-app", "aur-base", "aur-split-b"]);
    let by = |n: &str| {
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["Name"] == n)
            .unwrap()
            .clone()
    };
    let app = by("aur-app");
    assert_eq!(app["Depends"], serde_json::json!(["aur-lib>=1.2"]));
    assert_eq!(app["Keywords"], serde_json::json!(["chain", "app"]));
    assert_eq!(app["License"], serde_json::json!(["MIT"]));
    assert_eq!(app["Submitter"], "omgtest");
    let base = by("aur-base");
    assert_eq!(
        base["Keywords"],
        serde_json::json!([]),
        "Keywords always present"
    );
    for absent in [
        "Depends",
        "MakeDepends",
        "Provides",
        "CoMaintainers",
        "Groups",
    ] {
        assert!(base.get(absent).is_none(), "{absent} only when not empty");
    }
    let b = by("aur-split-b");
    assert_eq!(b["PackageBase"], "aur-split");
    assert_eq!(b["Depends"], serde_json::json!(["aur-split-a"]));
    assert_eq!(b["URLPath"], "/cgit/aur.git/snapshot/aur-split.tar.gz");
    let a = get(&aur.server().url("/rpc/v5/info/aur-split-a")).json();
    assert_eq!(a["results"][0]["PackageBaseID"], b["PackageBaseID"]);
    assert_eq!(
        a["results"][0]["Description"],
        "The first half of aur-split"
    );

    let legacy = get(&aur
        .server()
        .url("/rpc?v=5&type=info&arg[]=aur-lib&arg[]=aur-base"))
    .json();
    assert_eq!(legacy["type"], "multiinfo");
    assert_eq!(names(&legacy), ["aur-base", "aur-lib"]);
    assert_eq!(
        legacy["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["Name"] == "aur-lib")
            .unwrap()["Depends"],
        serde_json::json!(["aur-base", "repo-dep"])
    );
    let posted = request(
        "POST",
        &aur.server().url("/rpc/v5/info"),
        &[("Content-Type", "application/json")],
        br#"{"arg": ["aur-vcs-git"]}"#,
    )
    .json();
    assert_eq!(names(&posted), ["aur-vcs-git"]);
    assert_eq!(
        posted["results"][0]["MakeDepends"],
        serde_json::json!(["git"])
    );
}

#[test]
fn rpc_answers_carry_an_etag_and_rate_limiting_is_429() {
    let (_tmp, aur) = fixture();
    let url = aur.server().url("/rpc/v5/info/aur-app");
    let first = get(&url);
    let etag = first.header("ETag").unwrap().to_owned();
    let again = request("GET", &url, &[("If-None-Match", &etag)], b"");
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    aur.server().set_rate_limited(true);
    assert_eq!(get(&url).status, 429);
    assert_eq!(
        get(&aur.server().url("/rpc?v=5&type=info&arg=aur-app")).status,
        429
    );
    assert_eq!(
        get(&aur.server().url("/packages-meta-v1.json.gz")).status,
        200,
        "rate limiting is for the RPC"
    );
    aur.server().set_rate_limited(false);
    assert_eq!(get(&url).status, 200);
    let hits = aur.server().hits();
    assert!(hits
        .iter()
        .any(|h| h.status == 304 && h.if_none_match.as_deref() == Some(&etag)));
    assert_eq!(hits.iter().filter(|h| h.status == 429).count(), 2);
}

fn gunzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut out)?;
    Ok(out)
}

#[test]
fn dumps_are_gzip_json_with_etags_that_follow_the_package_set() {
    let (_tmp, mut aur) = fixture();
    let url = aur.server().url("/packages-meta-ext-v1.json.gz");
    let first = get(&url);
    assert_eq!(first.status, 200);
    let etag = first.header("ETag").unwrap().to_owned();
    let all: Value = serde_json::from_slice(&gunzip(&first.body).unwrap()).unwrap();
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 12, "12 packages of 11 bases");
    let lib = all.iter().find(|r| r["Name"] == "aur-lib").unwrap();
    assert_eq!(lib["Depends"], serde_json::json!(["aur-base", "repo-dep"]));
    let split_a = all.iter().find(|r| r["Name"] == "aur-split-a").unwrap();
    assert_eq!(
        split_a["URLPath"], "/cgit/aur.git/snapshot/aur-split-a.tar.gz",
        "the dump builds URLPath from the name"
    );
    assert_eq!(
        request("GET", &url, &[("If-None-Match", &etag)], b"").status,
        304
    );

    let plain = get(&aur.server().url("/packages-meta-v1.json.gz"));
    let plain: Value = serde_json::from_slice(&gunzip(&plain.body).unwrap()).unwrap();
    assert!(plain[0].get("Depends").is_none() && plain[0].get("License").is_none());

    aur.change_maintainer("aur-new-maint", Some("mallory"));
    let changed = request("GET", &url, &[("If-None-Match", &etag)], b"");
    assert_eq!(changed.status, 200);
    assert_ne!(changed.header("ETag").unwrap(), etag);
    let all: Value = serde_json::from_slice(&gunzip(&changed.body).unwrap()).unwrap();
    let m = all
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["Name"] == "aur-new-maint")
        .unwrap();
    assert_eq!(m["Maintainer"], "mallory");
    let info = get(&aur.server().url("/rpc/v5/info/aur-new-maint")).json();
    assert_eq!(info["results"][0]["Maintainer"], "mallory");

    aur.server().set_truncated_dump(true);
    let cut = get(&url);
    assert_eq!(cut.status, 200);
    assert!(gunzip(&cut.body).is_err(), "a truncated gzip stream");

    aur.server().set_truncated_dump(false);
    let names = gunzip(&get(&aur.server().url("/pkgbase.gz")).body).unwrap();
    let names = String::from_utf8(names).unwrap();
    assert_eq!(names.lines().count(), 11, "{names}");
    assert!(names.lines().any(|l| l == "aur-split"));
}

#[test]
fn a_standalone_server_takes_records_at_run_time() {
    let server = AurServer::start();
    let mut r = AurRecord::new("zz-one", "1-1");
    r.description = None;
    let stored = server.put(r.clone());
    assert!(stored.id > 0 && stored.package_base_id > 0);
    let v = get(&server.url("/rpc/v5/info?arg[]=zz-one")).json();
    assert!(v["results"][0]["Description"].is_null());
    assert!(v["results"][0]["URL"].is_null());
    assert!(
        v["results"][0]["Popularity"].is_u64(),
        "aurweb writes a zero popularity as the integer 0"
    );
    r.version = "2-1".into();
    let again = server.put(r);
    assert_eq!(again.id, stored.id, "a replaced record keeps its ID");
    let v = get(&server.url("/rpc/v5/info?arg[]=zz-one")).json();
    assert_eq!(v["results"][0]["Version"], "2-1");
    assert!(server.remove("zz-one").is_some());
    assert_eq!(
        get(&server.url("/rpc/v5/info?arg[]=zz-one")).json()["resultcount"],
        0
    );
    let suggest = get(&server.url("/rpc/v5/suggest/zz")).json();
    assert_eq!(suggest, serde_json::json!([]));
}

fn system_git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .expect("git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn repositories_clone_over_http_and_updates_arrive_with_a_pull() {
    if omg_testkit::require_tool("git").is_none() {
        return;
    }
    let (tmp, mut aur) = fixture();
    system_git(
        tmp.path(),
        &["clone", "-q", &aur.clone_url("aur-app"), "app"],
    );
    let app = tmp.path().join("app");
    assert_eq!(
        std::fs::read_to_string(app.join(".SRCINFO")).unwrap(),
        aur.pkg("aur-app").srcinfo()
    );
    let pkgbuild = std::fs::read_to_string(app.join("PKGBUILD")).unwrap();
    assert!(pkgbuild.contains("depends=('aur-lib>=1.2')"), "{pkgbuild}");
    assert!(app.join("aur-app.txt").is_file());

    system_git(
        tmp.path(),
        &["clone", "-q", &aur.clone_url("aur-evil-update"), "evil"],
    );
    let evil = tmp.path().join("evil");
    assert!(!std::fs::read_to_string(evil.join("PKGBUILD"))
        .unwrap()
        .contains(EVIL_LINE));
    aur.publish_evil_update();
    system_git(&evil, &["pull", "-q", "--ff-only"]);
    assert!(std::fs::read_to_string(evil.join("PKGBUILD"))
        .unwrap()
        .contains(EVIL_LINE));
    assert!(std::fs::read_to_string(evil.join(".SRCINFO"))
        .unwrap()
        .contains("pkgver = 2.0"));
    let info = get(&aur.server().url("/rpc/v5/info/aur-evil-update")).json();
    assert_eq!(info["results"][0]["Version"], "2.0-1");
    assert!(info["results"][0]["LastModified"].as_i64() > Some(1_710_000_000 + 86_400 * 20));

    // The VCS upstream is served beside the packages.
    let before = aur.upstream_head();
    let after = aur.add_upstream_commit("upstream: second commit");
    assert_ne!(before, after);
    let remote = system_git(
        tmp.path(),
        &[
            "ls-remote",
            &format!("{}/upstream.git", aur.base_url()),
            "HEAD",
        ],
    );
    assert!(remote.starts_with(&after), "{remote}");

    // Nothing outside the repositories is served.
    for path in [
        "/aur-app.git/../aur-base.git/HEAD",
        "/aur-app.git",
        "/nope.git/HEAD",
    ] {
        assert_eq!(get(&aur.server().url(path)).status, 404, "{path}");
    }
}

#[test]
fn the_pacman_root_has_the_repository_dependency() {
    let tmp = tempfile::tempdir().unwrap();
    let root = AurFixture::pacman_root(tmp.path());
    assert!(root.sync_db_path("core").is_file());
    assert!(root.local_db_path().is_dir());
    let names: Vec<String> = AurFixture::repo_packages()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert!(names.contains(&omg_testkit::aur::REPO_DEP.to_owned()));
}

#[test]
fn makepkg_builds_the_packages_as_the_build_user() {
    let Some(user) = build_user() else { return };
    assert_ne!(user.uid, 0);
    let (tmp, mut aur) = fixture();
    system_git(
        tmp.path(),
        &["clone", "-q", &aur.clone_url("aur-base"), "aur-base"],
    );
    let run = makepkg_as(&user, &tmp.path().join("aur-base"), &["--noconfirm"], &[]);
    assert!(run.status.success(), "{}\n{}", run.stdout, run.stderr);
    let pkgs = run.packages();
    assert_eq!(pkgs.len(), 1, "{pkgs:?}");
    let file = pkgs[0].file_name().unwrap().to_str().unwrap().to_owned();
    assert!(file.starts_with("aur-base-1.0-1-any.pkg.tar"), "{file}");

    // A split base builds both packages (-d: aur-split-a is not installed).
    system_git(
        tmp.path(),
        &["clone", "-q", &aur.clone_url("aur-split"), "aur-split"],
    );
    let run = makepkg_as(
        &user,
        &tmp.path().join("aur-split"),
        &["--noconfirm", "-d"],
        &[],
    );
    assert!(run.status.success(), "{}\n{}", run.stdout, run.stderr);
    assert_eq!(run.packages().len(), 2);

    // The VCS package follows its upstream: pkgver() counts the new commit.
    aur.add_upstream_commit("upstream: second commit");
    let want = aur.upstream_pkgver();
    assert!(want.starts_with("r2."), "{want}");
    system_git(
        tmp.path(),
        &["clone", "-q", &aur.clone_url("aur-vcs-git"), "vcs"],
    );
    let run = makepkg_as(&user, &tmp.path().join("vcs"), &["--noconfirm", "-d"], &[]);
    assert!(run.status.success(), "{}\n{}", run.stdout, run.stderr);
    let built = run.packages();
    assert_eq!(built.len(), 1);
    let name = built[0].file_name().unwrap().to_str().unwrap();
    assert!(
        name.starts_with(&format!("aur-vcs-git-{want}-1-any")),
        "{name}"
    );
}

#[test]
fn each_srcinfo_is_what_makepkg_prints_except_the_hidden_source() {
    let Some(user) = build_user() else { return };
    let (_tmp, aur) = fixture();
    for pkg in aur.packages() {
        let run = makepkg_as(&user, &aur.work_dir(&pkg.base), &["--printsrcinfo"], &[]);
        assert!(run.status.success(), "{}: {}", pkg.base, run.stderr);
        if pkg.base == "aur-hidden-source" {
            assert_ne!(run.stdout, pkg.srcinfo());
            assert!(run.stdout.contains(HIDDEN_SOURCE));
            assert!(!pkg.srcinfo().contains(HIDDEN_SOURCE));
        } else {
            assert_eq!(run.stdout, pkg.srcinfo(), "{}", pkg.base);
        }
    }
}
