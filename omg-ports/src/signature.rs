//! The `SignatureVerifier` port: OpenPGP signatures over the checksum files some runtime
//! publishers sign (node's `SHASUMS256.txt.sig`, bun's `SHASUMS256.txt.asc`, rust's
//! `channel-rust-<version>.toml.asc`), and minisign ones (mise's `SHASUMS256.txt.minisig`).
//!
//! A verifier holds one keyring per publisher (`node`, `bun`, `rust`): the keys shipped with
//! omg plus those of `[runtimes] keys_dir`. It answers whether a signature is good and by
//! which key; what to do about a missing or bad one (install, warn, refuse) is the caller's.

use std::fmt;

/// The key that made a good signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signer {
    /// The signing key's fingerprint (upper-case hex; the primary key's when a subkey
    /// signed).
    pub fingerprint: String,
    /// The key's first user id (`Jane Doe <jane@example.org>`), when it has one.
    pub user_id: Option<String>,
}

impl fmt::Display for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.user_id {
            Some(uid) => write!(f, "{} ({uid})", self.fingerprint),
            None => f.write_str(&self.fingerprint),
        }
    }
}

/// Why a signature was not verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureFailure {
    /// The publisher's keyring is empty: there is nothing to verify against. Not a bad
    /// signature: the caller treats it as an unverified (missing) one.
    NoKeys,
    /// The signature was made by a key that is not in the publisher's keyring.
    UnknownKey {
        /// The issuer the signature names (fingerprint or key id, hex), or `unnamed`.
        key: String,
    },
    /// The signature is by a known key but does not match the data (the file was altered
    /// after signing, or the signature is for another file).
    Invalid {
        /// The key that should have made it.
        key: String,
        /// The library's reason.
        reason: String,
    },
    /// The signature (or the signed message) is not OpenPGP data.
    Malformed {
        /// What is wrong with it.
        reason: String,
    },
}

impl fmt::Display for SignatureFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignatureFailure::NoKeys => f.write_str("no keys for this publisher"),
            SignatureFailure::UnknownKey { key } => {
                write!(
                    f,
                    "made by key {key}, which is not in the publisher's keyring"
                )
            }
            SignatureFailure::Invalid { key, reason } => {
                write!(f, "does not match the file (key {key}: {reason})")
            }
            SignatureFailure::Malformed { reason } => write!(f, "unreadable: {reason}"),
        }
    }
}

impl SignatureFailure {
    /// The key this failure is about, for messages: the issuer's, or `none` when there is
    /// no key to name.
    pub fn key(&self) -> &str {
        match self {
            SignatureFailure::UnknownKey { key } | SignatureFailure::Invalid { key, .. } => key,
            SignatureFailure::NoKeys | SignatureFailure::Malformed { .. } => "none",
        }
    }
}

/// Verifies OpenPGP (and minisign) signatures against per-publisher keyrings.
pub trait SignatureVerifier: Send + Sync {
    /// Verifies a detached `signature` (binary or ASCII-armoured) over `data` with
    /// `publisher`'s keys.
    ///
    /// # Errors
    ///
    /// A [`SignatureFailure`] saying why the signature is not good.
    fn verify_detached(
        &self,
        publisher: &str,
        data: &[u8],
        signature: &[u8],
    ) -> std::result::Result<Signer, SignatureFailure>;

    /// Verifies a cleartext-signed `message` (`-----BEGIN PGP SIGNED MESSAGE-----`) with
    /// `publisher`'s keys, answering the signed text and who signed it.
    ///
    /// # Errors
    ///
    /// A [`SignatureFailure`] saying why the signature is not good.
    fn verify_cleartext(
        &self,
        publisher: &str,
        message: &str,
    ) -> std::result::Result<(String, Signer), SignatureFailure>;

    /// Verifies a minisign `signature` (the text of a `.minisig` file, as mise publishes
    /// `SHASUMS256.txt.minisig`) over `data` with `publisher`'s minisign keys. A verifier
    /// without minisign support answers [`SignatureFailure::NoKeys`].
    ///
    /// # Errors
    ///
    /// A [`SignatureFailure`] saying why the signature is not good.
    fn verify_minisign(
        &self,
        publisher: &str,
        data: &[u8],
        signature: &str,
    ) -> std::result::Result<Signer, SignatureFailure> {
        let _ = (publisher, data, signature);
        Err(SignatureFailure::NoKeys)
    }

    /// True when `publisher` has at least one key (OpenPGP or minisign) to verify against.
    fn has_keys(&self, publisher: &str) -> bool;
}
