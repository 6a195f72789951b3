//! [`PgpVerifier`]: detached and cleartext signatures checked against a publisher's keys.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use omg_ports::{SignatureFailure, SignatureVerifier, Signer};
use pgp::composed::{CleartextSignedMessage, Deserializable, DetachedSignature, SignedPublicKey};
use pgp::packet::Signature;
use pgp::types::{KeyDetails, VerifyingKey};

use crate::keyring::{
    key_files, minisign_key_files, parse_keys, read_key_file, read_minisign_file, KeyringError,
};
use crate::minisign::{self, parse_minisign_keys, MinisignKey};

/// The [`SignatureVerifier`] over rpgp (and minisign-verify): one keyring per publisher.
#[derive(Debug, Clone, Default)]
pub struct PgpVerifier {
    keyrings: BTreeMap<String, Keyring>,
    minisign: BTreeMap<String, Vec<MinisignKey>>,
}

/// One publisher's OpenPGP keys. The shipped keyring is read on the first signature of that
/// publisher: checking the self-signatures of node's 28 keys costs more than a command that
/// verifies nothing (`omg current`, `omg list`) should pay.
#[derive(Debug, Clone, Default)]
struct Keyring {
    shipped: Option<&'static [u8]>,
    shipped_keys: OnceLock<Vec<SignedPublicKey>>,
    added: Vec<SignedPublicKey>,
}

impl Keyring {
    fn keys(&self, publisher: &str) -> impl Iterator<Item = &SignedPublicKey> {
        let shipped = self.shipped.map(|data| {
            self.shipped_keys.get_or_init(|| {
                parse_keys(data, publisher).unwrap_or_else(|reason| {
                    tracing::warn!("the shipped {publisher} keyring is unusable: {reason}");
                    Vec::new()
                })
            })
        });
        shipped.into_iter().flatten().chain(&self.added)
    }

    fn is_empty(&self) -> bool {
        self.shipped.is_none() && self.added.is_empty()
    }
}

impl PgpVerifier {
    /// A verifier with no keys at all (every signature is then unverifiable).
    pub fn empty() -> Self {
        PgpVerifier::default()
    }

    /// A verifier with the keys shipped with omg (`keys/<publisher>.asc`, and the minisign
    /// `keys/<publisher>.pub`, at build time). An OpenPGP keyring is read when a signature
    /// of its publisher is first checked; a shipped file that does not parse is then left
    /// out with a warning.
    pub fn shipped() -> Self {
        let mut v = PgpVerifier::empty();
        for (publisher, data) in crate::shipped::SHIPPED {
            v.keyrings.entry(publisher.to_string()).or_default().shipped = Some(data);
        }
        for (publisher, data) in crate::shipped::SHIPPED_MINISIGN {
            if let Err(reason) = v.add_minisign_keys(publisher, data) {
                tracing::warn!("the shipped {publisher} minisign key is unusable: {reason}");
            }
        }
        v
    }

    /// Adds the minisign public keys of `data` (a `minisign.pub` file, or base64 key
    /// lines) to `publisher`'s keys; answers how many.
    ///
    /// # Errors
    ///
    /// Why `data` holds no usable minisign key.
    pub fn add_minisign_keys(&mut self, publisher: &str, data: &[u8]) -> Result<usize, String> {
        let keys = parse_minisign_keys(data)?;
        let n = keys.len();
        self.minisign
            .entry(publisher.to_string())
            .or_default()
            .extend(keys);
        Ok(n)
    }

    /// Adds the keys of `data` (armoured or binary) to `publisher`'s keyring; answers how
    /// many.
    ///
    /// # Errors
    ///
    /// Why `data` holds no usable key.
    pub fn add_keys(&mut self, publisher: &str, data: &[u8]) -> Result<usize, String> {
        let keys = parse_keys(data, publisher)?;
        let n = keys.len();
        self.keyrings
            .entry(publisher.to_string())
            .or_default()
            .added
            .extend(keys);
        Ok(n)
    }

    /// Adds every key file of `dir` for the given publishers (`<publisher>.asc`, `.gpg`,
    /// `<publisher>/*.asc`, and the minisign `<publisher>.pub`, `<publisher>/*.pub`). A
    /// missing `dir` adds nothing.
    ///
    /// # Errors
    ///
    /// The first key file that cannot be read or holds no usable key.
    pub fn add_keys_dir(&mut self, dir: &Path, publishers: &[&str]) -> Result<(), KeyringError> {
        for publisher in publishers {
            for file in key_files(dir, publisher) {
                let keys = read_key_file(&file)?;
                tracing::debug!(
                    "{} keys for {publisher} from {}",
                    keys.len(),
                    file.display()
                );
                self.keyrings
                    .entry(publisher.to_string())
                    .or_default()
                    .added
                    .extend(keys);
            }
            for file in minisign_key_files(dir, publisher) {
                let keys = read_minisign_file(&file)?;
                self.minisign
                    .entry(publisher.to_string())
                    .or_default()
                    .extend(keys);
            }
        }
        Ok(())
    }

    /// The fingerprints (upper-case hex) of the primary keys in `publisher`'s keyring, in
    /// the order they were added: what `gpg --fingerprint` shows, without spaces; then the
    /// ids of its minisign keys, as `minisign` shows them.
    pub fn fingerprints(&self, publisher: &str) -> Vec<String> {
        let pgp = self
            .keyrings
            .get(publisher)
            .into_iter()
            .flat_map(|k| k.keys(publisher));
        let mini = self.minisign.get(publisher).into_iter().flatten();
        pgp.map(|k| hex(k.primary_key.fingerprint().as_bytes()))
            .chain(mini.map(|k| k.id().to_string()))
            .collect()
    }

    fn keys(&self, publisher: &str) -> Result<Vec<&SignedPublicKey>, SignatureFailure> {
        let keys: Vec<_> = match self.keyrings.get(publisher) {
            Some(ring) => ring.keys(publisher).collect(),
            None => Vec::new(),
        };
        if keys.is_empty() {
            return Err(SignatureFailure::NoKeys);
        }
        Ok(keys)
    }
}

impl SignatureVerifier for PgpVerifier {
    fn verify_detached(
        &self,
        publisher: &str,
        data: &[u8],
        signature: &[u8],
    ) -> Result<Signer, SignatureFailure> {
        let keys = self.keys(publisher)?;
        let (sig, _) = DetachedSignature::from_reader_single(signature).map_err(|e| {
            SignatureFailure::Malformed {
                reason: e.to_string(),
            }
        })?;
        check(&keys, &sig.signature, data)
    }

    fn verify_cleartext(
        &self,
        publisher: &str,
        message: &str,
    ) -> Result<(String, Signer), SignatureFailure> {
        let keys = self.keys(publisher)?;
        let (msg, _) = CleartextSignedMessage::from_string(message).map_err(|e| {
            SignatureFailure::Malformed {
                reason: e.to_string(),
            }
        })?;
        let signed = msg.signed_text();
        let mut last = None;
        for sig in msg.signatures() {
            match check(&keys, sig, signed.as_bytes()) {
                Ok(signer) => return Ok((signed.replace("\r\n", "\n"), signer)),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or(SignatureFailure::Malformed {
            reason: "the message carries no signature".into(),
        }))
    }

    fn verify_minisign(
        &self,
        publisher: &str,
        data: &[u8],
        signature: &str,
    ) -> Result<Signer, SignatureFailure> {
        match self.minisign.get(publisher) {
            Some(keys) if !keys.is_empty() => minisign::check(keys, data, signature),
            _ => Err(SignatureFailure::NoKeys),
        }
    }

    fn has_keys(&self, publisher: &str) -> bool {
        self.keyrings.get(publisher).is_some_and(|k| !k.is_empty())
            || self.minisign.get(publisher).is_some_and(|k| !k.is_empty())
    }
}

/// The issuers a signature names, hex (fingerprints first, then key ids).
fn issuers(sig: &Signature) -> Vec<String> {
    let mut out: Vec<String> = sig
        .issuer_fingerprint()
        .iter()
        .map(|f| format!("{f:X}"))
        .collect();
    out.extend(sig.issuer_key_id().iter().map(|id| hex(id.as_ref())));
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// True when `sig` names `component` as its issuer (or names no issuer at all).
pub(crate) fn names<K: KeyDetails>(sig: &Signature, component: &K) -> bool {
    let fps = sig.issuer_fingerprint();
    let ids = sig.issuer_key_id();
    if fps.is_empty() && ids.is_empty() {
        return true;
    }
    let fp = component.fingerprint();
    let id = component.legacy_key_id();
    fps.iter().any(|f| **f == fp) || ids.iter().any(|i| **i == id)
}

/// Tries `sig` over `data` with every key (and subkey) of `keys` it names.
fn check(
    keys: &[&SignedPublicKey],
    sig: &Signature,
    data: &[u8],
) -> Result<Signer, SignatureFailure> {
    let mut tried: Option<SignatureFailure> = None;
    for key in keys {
        let signer = || Signer {
            fingerprint: format!("{:X}", key.primary_key.fingerprint()),
            user_id: key.details.users.first().map(|u| {
                String::from_utf8_lossy(u.id.id())
                    .chars()
                    .filter(|c| !c.is_control())
                    .collect()
            }),
        };
        if attempt(sig, &key.primary_key, data, &mut tried) {
            return Ok(signer());
        }
        for sub in &key.public_subkeys {
            if attempt(sig, &sub.key, data, &mut tried) {
                return Ok(signer());
            }
        }
    }
    Err(tried.unwrap_or_else(|| SignatureFailure::UnknownKey {
        key: issuers(sig)
            .into_iter()
            .next()
            .unwrap_or_else(|| "unnamed".into()),
    }))
}

/// Verifies `sig` with `component` when `sig` names it; a failure is kept in `tried`.
fn attempt<K: VerifyingKey + KeyDetails>(
    sig: &Signature,
    component: &K,
    data: &[u8],
    tried: &mut Option<SignatureFailure>,
) -> bool {
    if !names(sig, component) {
        return false;
    }
    match sig.verify(component, data) {
        Ok(()) => true,
        Err(e) => {
            *tried = Some(SignatureFailure::Invalid {
                key: format!("{:X}", component.fingerprint()),
                reason: e.to_string(),
            });
            false
        }
    }
}
