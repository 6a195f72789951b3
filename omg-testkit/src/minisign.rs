//! Minisign keys made by a test ([`TestMinisignKey`]), signing what a test source serves as
//! mise signs its releases' `SHASUMS256.txt` (`minisign -S -m SHASUMS256.txt`, giving
//! `SHASUMS256.txt.minisig`).

use std::io::Cursor;
use std::sync::OnceLock;

use minisign::{KeyPair, PublicKey, SecretKey};

/// A minisign key pair made for tests (unencrypted).
pub struct TestMinisignKey {
    pk: PublicKey,
    sk: SecretKey,
}

impl TestMinisignKey {
    /// A new key pair.
    pub fn generate() -> Self {
        let KeyPair { pk, sk } =
            KeyPair::generate_unencrypted_keypair().expect("minisign key generation");
        TestMinisignKey { pk, sk }
    }

    /// The public key file, as `minisign.pub` holds it (untrusted comment, base64 key).
    pub fn public_file(&self) -> String {
        self.pk
            .to_box()
            .expect("minisign public key box")
            .to_string()
    }

    /// The key id as minisign prints it (upper-case hex).
    pub fn key_id(&self) -> String {
        self.pk
            .keynum()
            .iter()
            .rev()
            .map(|b| format!("{b:02X}"))
            .collect()
    }

    /// The `.minisig` text of `data`.
    pub fn sign(&self, data: &[u8]) -> String {
        minisign::sign(
            Some(&self.pk),
            &self.sk,
            Cursor::new(data),
            Some("timestamp:1760000000\tfile:SHASUMS256.txt\thashed"),
            None,
        )
        .expect("minisign signature")
        .to_string()
    }
}

/// The key the test mise releases sign with, one per test process (what the test worlds
/// trust as mise's).
pub fn mise_key() -> &'static TestMinisignKey {
    static KEY: OnceLock<TestMinisignKey> = OnceLock::new();
    KEY.get_or_init(TestMinisignKey::generate)
}
