//! Minisign public keys (mise signs its `SHASUMS256.txt` with minisign) and the check of a
//! `.minisig` signature against them, over minisign-verify.

use base64::Engine;
use minisign_verify::{PublicKey, Signature};
use omg_ports::{SignatureFailure, Signer};

/// The most lines a minisign key file may hold (one key is two lines).
const MAX_KEY_LINES: usize = 1024;

/// A trusted minisign key and its key id as `minisign` prints it (`64113EDF160FDEC2`).
#[derive(Debug, Clone)]
pub(crate) struct MinisignKey {
    key: PublicKey,
    id: String,
}

/// The keys of a minisign public key file (`minisign.pub`: an `untrusted comment:` line,
/// then the base64 key), or of bare base64 key lines; several keys may follow each other.
pub(crate) fn parse_minisign_keys(data: &[u8]) -> Result<Vec<MinisignKey>, String> {
    let text = std::str::from_utf8(data).map_err(|_| "it is not UTF-8 text".to_string())?;
    let mut keys = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if n >= MAX_KEY_LINES {
            return Err(format!("it has more than {MAX_KEY_LINES} lines"));
        }
        let line = line.trim();
        if line.is_empty() || line.starts_with("untrusted comment:") {
            continue;
        }
        let key = PublicKey::from_base64(line)
            .map_err(|e| format!("line {} is not a minisign public key: {e}", n + 1))?;
        keys.push(MinisignKey {
            key,
            id: key_id(line).unwrap_or_else(|| "unknown".into()),
        });
    }
    if keys.is_empty() {
        return Err("no minisign public key in it".into());
    }
    Ok(keys)
}

/// The key id of a base64 public key: bytes 2..10 (after the `Ed` algorithm), a
/// little-endian number that minisign prints in upper-case hex.
fn key_id(b64: &str) -> Option<String> {
    let raw = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
    let id = raw.get(2..10)?;
    Some(id.iter().rev().map(|b| format!("{b:02X}")).collect())
}

impl MinisignKey {
    /// The key id, for messages and [`Signer::fingerprint`].
    pub(crate) fn id(&self) -> &str {
        &self.id
    }
}

/// Checks `signature` (the text of a `.minisig` file) over `data` with each of `keys`.
pub(crate) fn check(
    keys: &[MinisignKey],
    data: &[u8],
    signature: &str,
) -> Result<Signer, SignatureFailure> {
    let sig = Signature::decode(signature).map_err(|e| SignatureFailure::Malformed {
        reason: e.to_string(),
    })?;
    let mut failure = None;
    for key in keys {
        match key.key.verify(data, &sig, false) {
            Ok(()) => {
                return Ok(Signer {
                    fingerprint: key.id.clone(),
                    user_id: Some(format!(
                        "minisign: {}",
                        sig.trusted_comment()
                            .chars()
                            .filter(|c| !c.is_control())
                            .collect::<String>()
                    )),
                })
            }
            // Signed by another key: try the next one.
            Err(minisign_verify::Error::UnexpectedKeyId) => {}
            Err(e) => {
                failure = Some(SignatureFailure::Invalid {
                    key: key.id.clone(),
                    reason: e.to_string(),
                })
            }
        }
    }
    Err(failure.unwrap_or_else(|| SignatureFailure::UnknownKey {
        key: signature_key_id(signature).unwrap_or_else(|| "unnamed".into()),
    }))
}

/// The id of the key that made `signature`: its first line after the untrusted comment is
/// base64 of the algorithm, that key id and the signature.
fn signature_key_id(signature: &str) -> Option<String> {
    signature
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("untrusted comment:"))
        .and_then(key_id)
}
