//! The verifier against keys the test makes: the publishers' procedures it reproduces are
//! node's README, "Verifying binaries" (`gpg --verify SHASUMS256.txt.sig SHASUMS256.txt`,
//! a binary detached signature, or the cleartext-signed `SHASUMS256.txt.asc`), bun's release
//! script (`gpg --clearsign` of SHASUMS256.txt into SHASUMS256.txt.asc) and rust's
//! "other installation methods" page (`gpg --verify <file>.asc <file>`, armoured detached).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use omg_adapters_pgp::{PgpVerifier, PUBLISHERS};
use omg_ports::{SignatureFailure, SignatureVerifier};
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

/// The keys shipped with omg are the publishers' own, by the fingerprints the publishers
/// list: rust's is "Rust Language (Tag and Release Signing Key)", 108F 6620 5EAE B0AA A8DD
/// 5E1C 85AB 96E6 FA1B E5FE (forge.rust-lang.org, "Rust release key"; keys/README.md says
/// where the file comes from). Node's and bun's are not shipped yet.
#[test]
fn the_shipped_keyrings_hold_the_publishers_keys() {
    let shipped = PgpVerifier::shipped();
    assert_eq!(
        shipped.fingerprints("rust"),
        vec!["108F66205EAEB0AAA8DD5E1C85AB96E6FA1BE5FE".to_string()]
    );
    assert!(shipped.has_keys("rust"));
    assert!(!shipped.has_keys("node"));
    assert!(!shipped.has_keys("bun"));
}
