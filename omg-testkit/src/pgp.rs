//! OpenPGP keys made by a test ([`TestKey`]): their public half to give omg as a keyring,
//! detached and cleartext signatures over what a test source serves ([`sign_served`]).

use pgp::composed::{
    ArmorOptions, CleartextSignedMessage, DetachedSignature, KeyType, SecretKeyParamsBuilder,
    SignedPublicKey, SignedSecretKey,
};
use pgp::crypto::hash::HashAlgorithm;
use pgp::packet::{SignatureConfig, SignatureType, Subpacket, SubpacketData};
use pgp::ser::Serialize;
use pgp::types::{KeyDetails, Password, Timestamp};

use crate::runtimes::TestServer;

/// A signing key made for one test (ed25519, no passphrase).
pub struct TestKey {
    secret: SignedSecretKey,
}

impl TestKey {
    /// A new key with the user id `uid` (`Test Releaser <release@example.org>`).
    pub fn generate(uid: &str) -> Self {
        let mut params = SecretKeyParamsBuilder::default();
        params
            .key_type(KeyType::Ed25519Legacy)
            .can_certify(true)
            .can_sign(true)
            .primary_user_id(uid.into());
        let secret = params
            .build()
            .expect("key parameters")
            .generate(rand::thread_rng())
            .expect("key generation");
        TestKey { secret }
    }

    /// The public key, ASCII-armoured (what `gpg --export --armor` writes).
    pub fn public_armored(&self) -> String {
        SignedPublicKey::from(self.secret.clone())
            .to_armored_string(ArmorOptions::default())
            .expect("armour")
    }

    /// The public key with a key revocation signature by itself, ASCII-armoured (what a
    /// releaser publishes after `gpg --gen-revoke` when retiring the key).
    pub fn revoked_public_armored(&self) -> String {
        let mut public = SignedPublicKey::from(self.secret.clone());
        let key = &self.secret.primary_key;
        let mut config = SignatureConfig::v4(
            SignatureType::KeyRevocation,
            key.algorithm(),
            HashAlgorithm::Sha256,
        );
        config.hashed_subpackets = vec![
            Subpacket::regular(SubpacketData::IssuerFingerprint(key.fingerprint())).unwrap(),
            Subpacket::regular(SubpacketData::SignatureCreationTime(Timestamp::now())).unwrap(),
        ];
        config.unhashed_subpackets =
            vec![Subpacket::regular(SubpacketData::IssuerKeyId(key.legacy_key_id())).unwrap()];
        let revocation = config
            .sign_key(key, &Password::empty(), &public.primary_key)
            .expect("revocation signature");
        public.details.revocation_signatures.push(revocation);
        public
            .to_armored_string(ArmorOptions::default())
            .expect("armour")
    }

    /// The public key with a certification of its user id by `certifier` beside its own
    /// signatures, ASCII-armoured: what `gpg --export --armor` writes for a key others
    /// have signed (node's releasers' keys carry such certifications).
    pub fn public_armored_certified_by(&self, certifier: &TestKey) -> String {
        let mut public = SignedPublicKey::from(self.secret.clone());
        let user = public.details.users[0].id.clone();
        let certified = user
            .sign_third_party(
                rand::thread_rng(),
                &certifier.secret.primary_key,
                &Password::empty(),
                &public.primary_key,
                SignatureType::CertGeneric,
            )
            .expect("certification");
        public.details.users[0]
            .signatures
            .extend(certified.signatures);
        public
            .to_armored_string(ArmorOptions::default())
            .expect("armour")
    }

    /// The primary key's fingerprint, upper-case hex.
    pub fn fingerprint(&self) -> String {
        format!("{:X}", self.secret.primary_key.fingerprint())
    }

    /// A binary detached signature over `data` (`gpg --detach-sign`: node's `.sig`).
    pub fn sign_detached(&self, data: &[u8]) -> Vec<u8> {
        self.detached(data).to_bytes().expect("signature bytes")
    }

    /// An armoured detached signature over `data` (`gpg --armor --detach-sign`: rust's
    /// `.asc`).
    pub fn sign_detached_armored(&self, data: &[u8]) -> String {
        self.detached(data)
            .to_armored_string(ArmorOptions::default())
            .expect("armour")
    }

    /// `text` cleartext-signed (`gpg --clearsign`: bun's and node's `SHASUMS256.txt.asc`).
    pub fn sign_cleartext(&self, text: &str) -> String {
        CleartextSignedMessage::sign(
            rand::thread_rng(),
            text,
            &self.secret.primary_key,
            &Password::empty(),
        )
        .expect("cleartext signature")
        .to_armored_string(ArmorOptions::default())
        .expect("armour")
    }

    fn detached(&self, data: &[u8]) -> DetachedSignature {
        DetachedSignature::sign_binary_data(
            rand::thread_rng(),
            &self.secret.primary_key,
            &Password::empty(),
            HashAlgorithm::Sha256,
            data,
        )
        .expect("detached signature")
    }
}

/// How [`sign_served`] signs a served file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureForm {
    /// A binary detached signature at `<path>.sig` (node).
    DetachedSig,
    /// An armoured detached signature at `<path>.asc` (rust).
    DetachedAsc,
    /// A cleartext-signed copy at `<path>.asc` (bun).
    Cleartext,
}

/// Signs what `server` serves at `path` with `key` and serves the signature beside it, as
/// `form` says; answers the signature's path.
pub fn sign_served(server: &TestServer, path: &str, key: &TestKey, form: SignatureForm) -> String {
    let data = server
        .get(path)
        .unwrap_or_else(|| panic!("nothing is served at {path}"));
    let (sig_path, body) = match form {
        SignatureForm::DetachedSig => (format!("{path}.sig"), key.sign_detached(&data)),
        SignatureForm::DetachedAsc => (
            format!("{path}.asc"),
            key.sign_detached_armored(&data).into_bytes(),
        ),
        SignatureForm::Cleartext => (
            format!("{path}.asc"),
            key.sign_cleartext(&String::from_utf8_lossy(&data))
                .into_bytes(),
        ),
    };
    server.put(&sig_path, body);
    sig_path
}

/// The key a test source of `publisher` (`node`, `bun`) signs with unless told otherwise,
/// one per test process: what the test worlds trust as that publisher's.
pub fn publisher_key(publisher: &str) -> &'static TestKey {
    static NODE: std::sync::OnceLock<TestKey> = std::sync::OnceLock::new();
    static BUN: std::sync::OnceLock<TestKey> = std::sync::OnceLock::new();
    match publisher {
        "node" => NODE.get_or_init(|| TestKey::generate("Test Node Releaser <node@example.org>")),
        "bun" => BUN.get_or_init(|| TestKey::generate("Test Robobun <bun@example.org>")),
        other => panic!("no test publisher key for {other}"),
    }
}
