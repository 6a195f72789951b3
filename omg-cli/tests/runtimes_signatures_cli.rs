//! OpenPGP signatures over the runtime publishers' checksum files, through the real `omg`
//! binary against a server on 127.0.0.1, with keys this test makes and gives omg through
//! `[runtimes] keys_dir` (`OMG_RUNTIMES_KEYS_DIR`).
//!
//! The publishers' own procedures these reproduce:
//! - node's README, "Verifying binaries": download `SHASUMS256.txt` and its detached
//!   signature `SHASUMS256.txt.sig`, `gpg --verify SHASUMS256.txt.sig SHASUMS256.txt`
//!   with the release keys of the README's list, then check the tarball's sha256 against
//!   the verified file (`sha256sum -c SHASUMS256.txt --ignore-missing`);
//! - bun's release script (packages/bun-release/scripts/upload-assets.ts): SHASUMS256.txt is
//!   `gpg --clearsign`ed into the release asset `SHASUMS256.txt.asc`, whose signed text holds
//!   the sums;
//! - rust ("Other installation methods", rustup's manifest check): each file of
//!   static.rust-lang.org has an armoured detached signature `<file>.asc` by the Rust
//!   release key; the channel manifest's signature covers every archive's hash.
//!
//! Policy checked here: a good signature installs; a checksum file altered after signing,
//! or signed by a key that is not the publisher's, refuses and installs nothing; a missing
//! signature warns, and refuses with `require_signatures`.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;
mod runtimes_world;

use omg_ports::ArchiveFormat;
use omg_testkit::pgp::{sign_served, SignatureForm, TestKey};
use omg_testkit::runtimes::{sha256_hex, BunReleases, NodeDist, RustDist, Tamper, TestServer};
use runtimes_world::World;

/// The exit code of a refused install (checksum, signature, unsafe archive).
const REFUSED: i32 = 8;

/// A keys directory in the world's config holding `files` (name, armoured keys).
fn keys_dir(w: &World, files: &[(&str, String)]) -> String {
    let dir = w.path("config/omg/keys");
    for (name, keys) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, keys).unwrap();
    }
    dir.to_string_lossy().into_owned()
}

#[test]
fn node_shasums_signatures_decide_what_installs() {
    let server = TestServer::start();
    let releaser = TestKey::generate("Node Releaser <releaser@example.org>");
    let stranger = TestKey::generate("Mallory <mallory@example.org>");
    let mirror = {
        let mut dist = NodeDist::new(&server, "/node", ArchiveFormat::TarXz);
        // Signed below, release by release.
        dist.unsigned();
        dist.release("21.6.1", None, Tamper::None)
            .release("20.11.1", Some("Iron"), Tamper::None)
            .release("20.9.0", Some("Iron"), Tamper::None)
            .release("18.19.0", Some("Hydrogen"), Tamper::None);
        dist.mirror()
    };
    let sums = |v: &str| format!("/node/v{v}/SHASUMS256.txt");
    // 20.11.1: signed by the releaser.
    sign_served(
        &server,
        &sums("20.11.1"),
        &releaser,
        SignatureForm::DetachedSig,
    );
    // 20.9.0: signed, then the file altered (another archive's sum, as a mirror that
    // swapped the tarball and its line would serve).
    sign_served(
        &server,
        &sums("20.9.0"),
        &releaser,
        SignatureForm::DetachedSig,
    );
    let text = String::from_utf8(server.get(&sums("20.9.0")).unwrap()).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("linux") || l.contains("darwin"))
        .unwrap();
    let swapped = format!(
        "{}  {}",
        sha256_hex(b"another tarball"),
        line.split_whitespace().nth(1).unwrap()
    );
    server.put(&sums("20.9.0"), text.replace(line, &swapped));
    // 18.19.0: a good signature, by a key that is not node's.
    sign_served(
        &server,
        &sums("18.19.0"),
        &stranger,
        SignatureForm::DetachedSig,
    );
    // 21.6.1: no signature at all (the .sig is a 404).

    let w = World::new(&[("node", mirror)]);
    let keys = keys_dir(&w, &[("node/releaser.asc", releaser.public_armored())]);
    let env = [("OMG_RUNTIMES_KEYS_DIR", keys.as_str())];
    let strict = [
        ("OMG_RUNTIMES_KEYS_DIR", keys.as_str()),
        ("OMG_RUNTIMES_REQUIRE_SIGNATURES", "true"),
    ];

    // A good signature installs, and says by whom, even when signatures are required.
    let good = w.omg_env(
        "proj",
        &["--json", "runtimes", "install", "node", "20.11.1"],
        &strict,
    );
    good.expect_code(0);
    let v = good.json();
    assert_eq!(v["installed_now"], true);
    let signed_by = v["signed_by"].as_str().unwrap();
    assert!(
        signed_by.contains(&releaser.fingerprint()) && signed_by.contains("SHASUMS256.txt"),
        "{signed_by}"
    );
    assert!(
        !good.stderr.contains("not signature-verified"),
        "{}",
        good.stderr
    );
    // A mirror on 127.0.0.1 is plain http, but on this machine: not warned about.
    assert!(!good.stderr.contains("plain http"), "{}", good.stderr);
    let installed = w.entries("node");
    assert_eq!(installed, vec!["20.11.1".to_string()]);

    // Altered after signing: refused before any download, naming the file and the key.
    let altered = w.omg_env("proj", &["runtimes", "install", "node", "20.9.0"], &env);
    altered.expect_code(REFUSED);
    assert!(
        altered.stderr.contains("bad signature on SHASUMS256.txt")
            && altered.stderr.contains(&releaser.fingerprint())
            && altered.stderr.contains("nothing was installed"),
        "{}",
        altered.stderr
    );
    assert!(
        !altered.stderr.contains("checksum mismatch"),
        "{}",
        altered.stderr
    );
    assert_eq!(w.entries("node"), installed);
    let kind = w
        .omg_env(
            "proj",
            &["--json", "runtimes", "install", "node", "20.9.0"],
            &env,
        )
        .json();
    assert_eq!(kind["error"]["kind"], "bad_signature");

    // Signed by an unknown key: refused, naming that key.
    let unknown = w.omg_env("proj", &["runtimes", "install", "node", "18.19.0"], &env);
    unknown.expect_code(REFUSED);
    assert!(
        unknown.stderr.contains(&stranger.fingerprint())
            && unknown.stderr.contains("not in the publisher's keyring"),
        "{}",
        unknown.stderr
    );
    assert_eq!(w.entries("node"), installed);

    // No signature: refused when signatures are required...
    let required = w.omg_env(
        "proj",
        &["--json", "runtimes", "install", "node", "21.6.1"],
        &strict,
    );
    required.expect_code(REFUSED);
    let e = &required.json()["error"];
    assert_eq!(e["kind"], "unverified_signature");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("SHASUMS256.txt.sig"),
        "{e}"
    );
    assert_eq!(w.entries("node"), installed);
    // ...else installed with a warning naming where the signature was looked for.
    let warned = w.omg_env("proj", &["runtimes", "install", "node", "21.6.1"], &env);
    warned.expect_code(0);
    assert!(
        warned
            .stderr
            .contains("omg: warning: SHASUMS256.txt is not signature-verified")
            && warned.stderr.contains("/node/v21.6.1/SHASUMS256.txt.sig"),
        "{}",
        warned.stderr
    );
    assert!(w.entries("node").contains(&"21.6.1".to_string()));
}

#[test]
fn the_shipped_node_keys_refuse_a_mirror_key_until_it_is_added() {
    let server = TestServer::start();
    // A mirror that re-signs node's sums with its own key (node's releasers' keys are
    // shipped with omg; this one is not among them).
    let mirror_key = TestKey::generate("Internal Mirror <mirror@example.org>");
    let mirror = {
        let mut dist = NodeDist::new(&server, "/node", ArchiveFormat::TarGz);
        dist.release("20.11.1", Some("Iron"), Tamper::None);
        dist.mirror()
    };
    sign_served(
        &server,
        "/node/v20.11.1/SHASUMS256.txt",
        &mirror_key,
        SignatureForm::DetachedSig,
    );
    let w = World::new(&[("node", mirror)]);
    // The shipped keys and the world's test keys: none of them made this signature.
    let refused = w.omg(".", &["runtimes", "install", "node", "20.11.1"]);
    refused.expect_code(REFUSED);
    assert!(
        refused.stderr.contains(&mirror_key.fingerprint())
            && refused.stderr.contains("not in the publisher's keyring")
            && refused.stderr.contains("keys_dir"),
        "{}",
        refused.stderr
    );
    assert!(w.entries("node").is_empty());
    // Keys for bun only change nothing for node.
    let keys = keys_dir(&w, &[("bun.asc", mirror_key.public_armored())]);
    let env = [("OMG_RUNTIMES_KEYS_DIR", keys.as_str())];
    let still = w.omg_env("proj", &["runtimes", "install", "node", "20.11.1"], &env);
    still.expect_code(REFUSED);
    // The mirror's key added for node: installed, and signed by it.
    keys_dir(&w, &[("node.asc", mirror_key.public_armored())]);
    let run = w.omg_env(
        "proj",
        &["--json", "runtimes", "install", "node", "20.11.1"],
        &env,
    );
    run.ok();
    let signed_by = run.json()["signed_by"].as_str().unwrap().to_string();
    assert!(signed_by.contains(&mirror_key.fingerprint()), "{signed_by}");
    // A broken key file is a configuration error, not a silent empty keyring.
    std::fs::write(w.path("config/omg/keys/node.asc"), "not a key").unwrap();
    let broken = w.omg_env("proj", &["runtimes", "install", "node", "20.11.1"], &env);
    assert_ne!(broken.code, Some(0));
    assert!(broken.stderr.contains("node.asc"), "{}", broken.stderr);
}

#[test]
fn bun_cleartext_signed_sums_decide_what_installs() {
    let server = TestServer::start();
    let robot = TestKey::generate("Bun Robot <robobun@example.org>");
    let mirror = {
        let mut bun = BunReleases::new(&server, "/bun").signed_by(&robot);
        bun.release("1.1.2", Tamper::None)
            .release("1.1.1", Tamper::None)
            .release("1.1.0", Tamper::None);
        bun.mirror()
    };
    let asc = |v: &str| format!("/bun/download/bun-v{v}/SHASUMS256.txt.asc");
    // 1.1.1: a sum changed inside the signed message.
    let signed = String::from_utf8(server.get(&asc("1.1.1")).unwrap()).unwrap();
    let first_sum = signed
        .lines()
        .find(|l| l.contains(".zip") && !l.contains("windows"))
        .unwrap();
    let swapped = format!(
        "{}  {}",
        sha256_hex(b"another zip"),
        first_sum.split_whitespace().nth(1).unwrap()
    );
    server.put(&asc("1.1.1"), signed.replace(first_sum, &swapped));
    // 1.1.0: listed among the assets but gone (a 404).
    server.remove(&asc("1.1.0"));

    let w = World::new(&[("bun", mirror)]);
    let keys = keys_dir(&w, &[("bun.asc", robot.public_armored())]);
    let env = [("OMG_RUNTIMES_KEYS_DIR", keys.as_str())];

    let good = w.omg_env(
        "proj",
        &["--json", "runtimes", "install", "bun", "1.1.2"],
        &env,
    );
    good.expect_code(0);
    assert!(
        good.json()["signed_by"]
            .as_str()
            .unwrap()
            .contains(&robot.fingerprint()),
        "{}",
        good.stdout
    );
    let altered = w.omg_env("proj", &["runtimes", "install", "bun", "1.1.1"], &env);
    altered.expect_code(REFUSED);
    assert!(
        altered.stderr.contains("bad signature on SHASUMS256.txt")
            && altered.stderr.contains("SHASUMS256.txt.asc"),
        "{}",
        altered.stderr
    );
    assert_eq!(w.entries("bun"), vec!["1.1.2".to_string()]);
    let missing = w.omg_env("proj", &["runtimes", "install", "bun", "1.1.0"], &env);
    missing.expect_code(0);
    assert!(
        missing
            .stderr
            .contains("not signature-verified: no signature at"),
        "{}",
        missing.stderr
    );
}

#[test]
fn rust_manifest_signatures_decide_what_installs() {
    let server = TestServer::start();
    let rust_key =
        TestKey::generate("Rust Language (Tag and Release Signing Key) <rust-key@example.org>");
    let stranger = TestKey::generate("Mallory <mallory@example.org>");
    let mirror = {
        let mut dist = RustDist::new(&server, "/rust");
        dist.release("1.79.0", "2024-06-13", false, Tamper::None)
            .release("1.80.1", "2024-08-08", true, Tamper::None);
        dist.mirror()
    };
    let manifest = |v: &str| format!("/rust/dist/channel-rust-{v}.toml");
    sign_served(
        &server,
        &manifest("1.80.1"),
        &rust_key,
        SignatureForm::DetachedAsc,
    );
    sign_served(
        &server,
        &manifest("1.79.0"),
        &stranger,
        SignatureForm::DetachedAsc,
    );

    let w = World::new(&[("rust", mirror)]);
    let keys = keys_dir(&w, &[("rust.asc", rust_key.public_armored())]);
    let env = [
        ("OMG_RUNTIMES_KEYS_DIR", keys.as_str()),
        ("OMG_RUNTIMES_REQUIRE_SIGNATURES", "1"),
    ];
    let unknown = w.omg_env("proj", &["runtimes", "install", "rust", "1.79.0"], &env);
    unknown.expect_code(REFUSED);
    assert!(
        unknown.stderr.contains("channel-rust-1.79.0.toml")
            && unknown.stderr.contains(&stranger.fingerprint()),
        "{}",
        unknown.stderr
    );
    assert!(w.entries("rust").is_empty());
    let good = w.omg_env(
        "proj",
        &["--json", "runtimes", "install", "rust", "1.80.1"],
        &env,
    );
    good.expect_code(0);
    assert!(
        good.json()["signed_by"]
            .as_str()
            .unwrap()
            .contains(&rust_key.fingerprint()),
        "{}",
        good.stdout
    );
}
