//! The verifier against keys the test makes: the publishers' procedures it reproduces are
//! node's README, "Verifying binaries" (`gpg --verify SHASUMS256.txt.sig SHASUMS256.txt`,
//! a binary detached signature, or the cleartext-signed `SHASUMS256.txt.asc`), bun's release
//! script (`gpg --clearsign` of SHASUMS256.txt into SHASUMS256.txt.asc) and rust's
//! "other installation methods" page (`gpg --verify <file>.asc <file>`, armoured detached).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use omg_adapters_pgp::{PgpVerifier, PUBLISHERS};
use omg_ports::{SignatureFailure, SignatureVerifier};
use omg_testkit::minisign::TestMinisignKey;
use omg_testkit::pgp::TestKey;

const SUMS: &str =
    "aaaa  node-v20.11.1-linux-x64.tar.xz\nbbbb  node-v20.11.1-darwin-arm64.tar.gz\n";

fn verifier_with(publisher: &str, key: &TestKey) -> PgpVerifier {
    let mut v = PgpVerifier::empty();
    assert_eq!(
        v.add_keys(publisher, key.public_armored().as_bytes()),
        Ok(1)
    );
    v
}

#[test]
fn a_good_detached_signature_names_its_key() {
    let key = TestKey::generate("Node Releaser <release@example.org>");
    let v = verifier_with("node", &key);
    let signer = v
        .verify_detached("node", SUMS.as_bytes(), &key.sign_detached(SUMS.as_bytes()))
        .unwrap();
    assert_eq!(signer.fingerprint, key.fingerprint());
    assert_eq!(
        signer.user_id.as_deref(),
        Some("Node Releaser <release@example.org>")
    );
    // Armoured (rust's .asc) as well as binary (node's .sig).
    let armoured = key.sign_detached_armored(SUMS.as_bytes());
    assert!(v
        .verify_detached("node", SUMS.as_bytes(), armoured.as_bytes())
        .is_ok());
}

#[test]
fn a_file_altered_after_signing_is_invalid() {
    let key = TestKey::generate("Node Releaser <release@example.org>");
    let v = verifier_with("node", &key);
    let sig = key.sign_detached(SUMS.as_bytes());
    let altered = SUMS.replace("aaaa", "cccc");
    match v.verify_detached("node", altered.as_bytes(), &sig) {
        Err(SignatureFailure::Invalid { key: k, .. }) => assert_eq!(k, key.fingerprint()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_signature_by_another_key_is_an_unknown_key() {
    let known = TestKey::generate("Known <k@example.org>");
    let stranger = TestKey::generate("Stranger <s@example.org>");
    let v = verifier_with("node", &known);
    let failure = v
        .verify_detached(
            "node",
            SUMS.as_bytes(),
            &stranger.sign_detached(SUMS.as_bytes()),
        )
        .unwrap_err();
    match &failure {
        SignatureFailure::UnknownKey { key } => {
            // The issuer named in the signature: the stranger's fingerprint.
            assert_eq!(key, &stranger.fingerprint());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(failure.key(), stranger.fingerprint());
}

#[test]
fn keys_are_per_publisher() {
    let key = TestKey::generate("Bun Robot <robobun@example.org>");
    let v = verifier_with("bun", &key);
    assert!(v.has_keys("bun"));
    assert!(!v.has_keys("node"));
    assert_eq!(
        v.verify_detached("node", SUMS.as_bytes(), &key.sign_detached(SUMS.as_bytes())),
        Err(SignatureFailure::NoKeys)
    );
}

#[test]
fn a_cleartext_message_gives_the_signed_text() {
    let key = TestKey::generate("Bun Robot <robobun@example.org>");
    let v = verifier_with("bun", &key);
    let signed = key.sign_cleartext(SUMS);
    let (text, signer) = v.verify_cleartext("bun", &signed).unwrap();
    assert_eq!(signer.fingerprint, key.fingerprint());
    assert_eq!(text.trim_end(), SUMS.trim_end());
    // A line changed inside the armour.
    let altered = signed.replace("aaaa", "cccc");
    assert!(matches!(
        v.verify_cleartext("bun", &altered),
        Err(SignatureFailure::Invalid { .. })
    ));
}

#[test]
fn garbage_is_malformed_not_good() {
    let key = TestKey::generate("Node Releaser <release@example.org>");
    let v = verifier_with("node", &key);
    assert!(matches!(
        v.verify_detached("node", SUMS.as_bytes(), b"not a signature"),
        Err(SignatureFailure::Malformed { .. })
    ));
    assert!(matches!(
        v.verify_cleartext("node", SUMS),
        Err(SignatureFailure::Malformed { .. })
    ));
    let mut empty = PgpVerifier::empty();
    assert!(empty
        .add_keys(
            "node",
            b"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxx\n-----END PGP PUBLIC KEY BLOCK-----\n"
        )
        .is_err());
    assert!(empty.add_keys("node", b"").is_err());
}

#[test]
fn a_keys_dir_extends_the_keyrings() {
    let node = TestKey::generate("Node A <a@example.org>");
    let node2 = TestKey::generate("Node B <b@example.org>");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("node.asc"), node.public_armored()).unwrap();
    std::fs::create_dir(dir.path().join("node")).unwrap();
    std::fs::write(dir.path().join("node/b.asc"), node2.public_armored()).unwrap();
    // Not a key file: ignored.
    std::fs::write(dir.path().join("node/notes.txt"), "hello").unwrap();
    let mut v = PgpVerifier::shipped();
    v.add_keys_dir(dir.path(), PUBLISHERS).unwrap();
    for key in [&node, &node2] {
        assert!(v
            .verify_detached("node", SUMS.as_bytes(), &key.sign_detached(SUMS.as_bytes()))
            .is_ok());
    }
    // Two armoured blocks in one file.
    let both = format!("{}\n{}", node.public_armored(), node2.public_armored());
    let mut w = PgpVerifier::empty();
    assert_eq!(w.add_keys("rust", both.as_bytes()), Ok(2));
    // A broken key file is an error naming it.
    std::fs::write(dir.path().join("rust.asc"), "junk").unwrap();
    let err = PgpVerifier::empty()
        .add_keys_dir(dir.path(), PUBLISHERS)
        .unwrap_err();
    assert!(err.to_string().contains("rust.asc"), "{err}");
}

#[test]
fn a_revoked_key_verifies_nothing() {
    let key = TestKey::generate("Retired Releaser <old@example.org>");
    let mut v = PgpVerifier::empty();
    // The only key is revoked: nothing usable in the file.
    assert!(v
        .add_keys("node", key.revoked_public_armored().as_bytes())
        .is_err());
    assert!(!v.has_keys("node"));
    // Beside a good key, the revoked one is left out and its signatures are unknown.
    let current = TestKey::generate("Current Releaser <new@example.org>");
    let both = format!(
        "{}\n{}",
        key.revoked_public_armored(),
        current.public_armored()
    );
    assert_eq!(v.add_keys("node", both.as_bytes()), Ok(1));
    assert!(matches!(
        v.verify_detached("node", SUMS.as_bytes(), &key.sign_detached(SUMS.as_bytes())),
        Err(SignatureFailure::UnknownKey { .. })
    ));
}

/// A key as `gpg --export --armor` gives it, with another key's certification on its user
/// id: kept, and its signatures verify (the certification is not omg's business).
#[test]
fn a_key_certified_by_another_is_kept() {
    let releaser = TestKey::generate("Node Releaser <release@example.org>");
    let friend = TestKey::generate("Friend <friend@example.org>");
    let armored = releaser.public_armored_certified_by(&friend);
    let mut v = PgpVerifier::empty();
    assert_eq!(v.add_keys("node", armored.as_bytes()), Ok(1));
    assert_eq!(v.fingerprints("node"), vec![releaser.fingerprint()]);
    let signer = v
        .verify_detached(
            "node",
            SUMS.as_bytes(),
            &releaser.sign_detached(SUMS.as_bytes()),
        )
        .unwrap();
    assert_eq!(signer.fingerprint, releaser.fingerprint());
    // The certifier is not trusted by it.
    assert!(matches!(
        v.verify_detached(
            "node",
            SUMS.as_bytes(),
            &friend.sign_detached(SUMS.as_bytes())
        ),
        Err(SignatureFailure::UnknownKey { .. })
    ));
}

/// The keys shipped with omg are the publishers' own, by the fingerprints the publishers
/// list (keys/README.md says where each file comes from):
/// - rust: "Rust Language (Tag and Release Signing Key)", forge.rust-lang.org's "Rust
///   release key";
/// - node: the releasers' keys of node's README, "Release keys", the active ones and the
///   "other keys used to sign some previous releases";
/// - bun: "Robobun <robobun@oven.sh>", the key bun's release script signs with
///   (`packages/bun-release/scripts/upload-assets.ts`);
/// - mise: the minisign key of mise's `minisign.pub`.
#[test]
fn the_shipped_keyrings_hold_the_publishers_keys() {
    let shipped = PgpVerifier::shipped();
    assert_eq!(
        shipped.fingerprints("rust"),
        vec!["108F66205EAEB0AAA8DD5E1C85AB96E6FA1BE5FE".to_string()]
    );
    let mut node = shipped.fingerprints("node");
    node.sort();
    let mut listed = NODE_RELEASERS.map(String::from).to_vec();
    listed.sort();
    assert_eq!(node, listed);
    assert_eq!(
        shipped.fingerprints("bun"),
        vec!["F3DCC08A8572C0749B3E18888EAB4D40A7B22B59".to_string()]
    );
    // mise's minisign.pub: "minisign public key 64113EDF160FDEC2".
    assert_eq!(
        shipped.fingerprints("mise"),
        vec!["64113EDF160FDEC2".to_string()]
    );
    for publisher in PUBLISHERS {
        assert!(shipped.has_keys(publisher), "{publisher}");
    }
}

/// Node's README, "Release keys": the primary keys of its releasers, active first.
const NODE_RELEASERS: [&str; 28] = [
    "5BE8A3F6C8A5C01D106C0AD820B1A390B168D356",
    "DD792F5973C6DE52C432CBDAC77ABFA00DDBF2B7",
    "CC68F5A3106FF448322E48ED27F5E38D5B0A215F",
    "8FCCA13FEF1D0C2E91008E09770F7A9A5AE15600",
    "890C08DB8579162FEE0DF9DB8BEAB4DFCF555EF4",
    "C82FA3AE1CBEDC6BE46B9360C43CEC45C17AB93C",
    "108F52B48DB57BB0CC439B2997B01419BD92F80A",
    "A363A499291CBBC940DD62E41F10027AF002F8B0",
    "C0D6248439F1D5604AAFFB4021D900FFDB233756",
    "4ED778F539E3634C779C87C6D7062848A1AB005C",
    "141F07595B7B3FFE74309A937405533BE57C7D57",
    "9554F04D7259F04124DE6B476D5A82AC7E37093B",
    "94AE36675C464D64BAFA68DD7434390BDBE9B9C5",
    "1C050899334244A8AF75E53792EF661D867B9DFA",
    "74F12602B6F1C4E913FAA37AD3A89613643B6201",
    "B9AE9905FFD7803F25714661B63B535A4C206CA9",
    "77984A986EBC2AA786BC0F66B01FBB92821C587A",
    "93C7E9E91B49E432C2F75674B0A78B0A6C481CF6",
    "56730D5401028683275BD23C23EFEFE93C4CFFFE",
    "71DCFD284A79C3B38668286BC97EC7A07EDE3FC1",
    "FD3A5288F042B6850C66B31F09FE44734EB7990E",
    "61FC681DFB92A079F1685E77973F295594EC4689",
    "114F43EE0176B71C7BC219DD50A3051F888C628D",
    "C4F0DFFF4E8C1A8236409D08E73BC641CC11F4C8",
    "DD8F2338BAE7501E3DD5AC78C273792F7D83545D",
    "A48C2BEE680E841632CD4E44F07496B3EB3C1762",
    "B9E2F5981AA6E0CD28160D9FF13993A75599653C",
    "7937DFD2AB06298B2293C3187D33FF9D0246406D",
];

/// mise's procedure (`minisign -Vm SHASUMS256.txt -P <mise's key>`): a good signature
/// names the key id, an altered file is invalid, another key's signature is unknown and
/// names that key, and garbage is malformed.
#[test]
fn minisign_signatures_as_minisign_checks_them() {
    let key = TestMinisignKey::generate();
    let mut v = PgpVerifier::empty();
    assert_eq!(
        v.add_minisign_keys("mise", key.public_file().as_bytes()),
        Ok(1)
    );
    assert!(v.has_keys("mise"));
    let sig = key.sign(SUMS.as_bytes());
    let signer = v.verify_minisign("mise", SUMS.as_bytes(), &sig).unwrap();
    assert_eq!(signer.fingerprint, key.key_id());
    assert_eq!(v.fingerprints("mise"), vec![key.key_id()]);
    let altered = SUMS.replace("aaaa", "cccc");
    assert!(matches!(
        v.verify_minisign("mise", altered.as_bytes(), &sig),
        Err(SignatureFailure::Invalid { .. })
    ));
    let stranger = TestMinisignKey::generate();
    match v.verify_minisign("mise", SUMS.as_bytes(), &stranger.sign(SUMS.as_bytes())) {
        Err(SignatureFailure::UnknownKey { key: k }) => assert_eq!(k, stranger.key_id()),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        v.verify_minisign("mise", SUMS.as_bytes(), "not a signature"),
        Err(SignatureFailure::Malformed { .. })
    ));
    // Keys are per publisher; an OpenPGP verifier method does not take minisign keys.
    assert_eq!(
        v.verify_minisign("node", SUMS.as_bytes(), &sig),
        Err(SignatureFailure::NoKeys)
    );
    // A bare base64 line is a key too; a line that is not one refuses the file.
    let mut bare = PgpVerifier::empty();
    let line = key.public_file().lines().last().unwrap().to_string();
    assert_eq!(bare.add_minisign_keys("mise", line.as_bytes()), Ok(1));
    assert!(bare.add_minisign_keys("mise", b"RWTjunk").is_err());
    assert!(bare.add_minisign_keys("mise", b"").is_err());
}

#[test]
fn a_keys_dir_adds_minisign_keys() {
    let key = TestMinisignKey::generate();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("mise.pub"), key.public_file()).unwrap();
    let mut v = PgpVerifier::empty();
    v.add_keys_dir(dir.path(), PUBLISHERS).unwrap();
    assert!(v
        .verify_minisign("mise", SUMS.as_bytes(), &key.sign(SUMS.as_bytes()))
        .is_ok());
    std::fs::write(
        dir.path().join("mise.pub"),
        "untrusted comment: x\nnot a key\n",
    )
    .unwrap();
    let err = PgpVerifier::empty()
        .add_keys_dir(dir.path(), PUBLISHERS)
        .unwrap_err();
    assert!(err.to_string().contains("mise.pub"), "{err}");
}
