//! Keyrings: OpenPGP public keys read from armoured or binary data, and minisign public
//! keys, bounded.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use pgp::composed::{Deserializable, SignedPublicKey};
use pgp::packet::SignatureType;
use pgp::types::KeyDetails;

use crate::minisign::{parse_minisign_keys, MinisignKey};
use crate::verify::names;

/// The publishers that sign what omg downloads, by runtime name.
pub const PUBLISHERS: &[&str] = &["node", "bun", "rust", "mise"];

/// The most a key file may weigh (node's keyring of every releaser is far smaller).
const MAX_KEY_FILE_BYTES: u64 = 4 << 20;

/// A key file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    /// The file cannot be read.
    #[error("cannot read the key file {path}: {source}; check [runtimes] keys_dir")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not OpenPGP public keys, or is too large.
    #[error("{path} holds no usable OpenPGP public key: {reason}; put armoured public keys (`gpg --export --armor <fingerprint>`) in [runtimes] keys_dir")]
    NotKeys {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A `.pub` file that is not minisign public keys.
    #[error("{path} holds no usable minisign public key: {reason}; put the publisher's minisign.pub (an `untrusted comment:` line, then the base64 key) in [runtimes] keys_dir")]
    NotMinisignKeys {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

/// Every public key in `data` (one or more armoured blocks, or binary packets) whose
/// self-signatures hold and that is not revoked; the others are dropped with a warning, and
/// so are revoked subkeys. Certifications made by other keys are dropped unchecked.
pub(crate) fn parse_keys(data: &[u8], origin: &str) -> Result<Vec<SignedPublicKey>, String> {
    let mut keys = Vec::new();
    let armoured = data.trim_ascii_start().starts_with(b"-----BEGIN");
    if armoured {
        let text = String::from_utf8_lossy(data);
        const BEGIN: &str = "-----BEGIN PGP PUBLIC KEY BLOCK-----";
        for block in text.split(BEGIN).skip(1) {
            let block = format!("{BEGIN}{block}");
            let parsed = SignedPublicKey::from_armor_many(block.as_bytes())
                .map_err(|e| e.to_string())?
                .0;
            for key in parsed {
                keys.push(key.map_err(|e| e.to_string())?);
            }
        }
    } else {
        for key in SignedPublicKey::from_bytes_many(data).map_err(|e| e.to_string())? {
            keys.push(key.map_err(|e| e.to_string())?);
        }
    }
    let before = keys.len();
    for key in &mut keys {
        // Certifications by other keys (`gpg --export` carries them) say nothing to omg,
        // which trusts a key by its being in the keyring; rpgp would check each against the
        // key itself and refuse the whole key. Only the key's own signatures are kept.
        let primary = key.primary_key.clone();
        for user in &mut key.details.users {
            user.signatures.retain(|sig| names(sig, &primary));
        }
        for attribute in &mut key.details.user_attributes {
            attribute.signatures.retain(|sig| names(sig, &primary));
        }
    }
    keys.retain(|k| match k.verify_bindings() {
        // The revocations verified with the rest: a revoked key signs nothing for omg.
        Ok(()) if !k.details.revocation_signatures.is_empty() => {
            tracing::warn!(
                "{origin}: dropping the revoked key {:X}",
                k.primary_key.fingerprint()
            );
            false
        }
        Ok(()) => true,
        Err(e) => {
            tracing::warn!("{origin}: dropping a key whose self-signatures do not verify: {e}");
            false
        }
    });
    for key in &mut keys {
        // A revoked subkey is dropped; its primary key stays.
        key.public_subkeys.retain(|sub| {
            !sub.signatures
                .iter()
                .any(|sig| sig.typ() == Some(SignatureType::SubkeyRevocation))
        });
    }
    if keys.is_empty() {
        return Err(if before == 0 {
            "no public key in it".into()
        } else {
            "no key in it has valid self-signatures".into()
        });
    }
    Ok(keys)
}

/// The key files for `publisher` under `dir`: `<publisher>.asc`, `<publisher>.gpg`, and the
/// `.asc`/`.gpg` files of `<publisher>/`, sorted.
pub(crate) fn key_files(dir: &Path, publisher: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = ["asc", "gpg"]
        .iter()
        .map(|ext| dir.join(format!("{publisher}.{ext}")))
        .filter(|p| p.is_file())
        .collect();
    if let Ok(entries) = fs::read_dir(dir.join(publisher)) {
        let mut inner: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "asc" || x == "gpg"))
            .collect();
        inner.sort();
        files.extend(inner);
    }
    files
}

/// The minisign key files for `publisher` under `dir`: `<publisher>.pub` and the `.pub`
/// files of `<publisher>/`, sorted.
pub(crate) fn minisign_key_files(dir: &Path, publisher: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = Some(dir.join(format!("{publisher}.pub")))
        .filter(|p| p.is_file())
        .into_iter()
        .collect();
    if let Ok(entries) = fs::read_dir(dir.join(publisher)) {
        let mut inner: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "pub"))
            .collect();
        inner.sort();
        files.extend(inner);
    }
    files
}

/// The keys of one OpenPGP key file, read within bounds.
pub(crate) fn read_key_file(path: &Path) -> Result<Vec<SignedPublicKey>, KeyringError> {
    let data = read_bounded(path)?;
    parse_keys(&data, &path.display().to_string()).map_err(|reason| KeyringError::NotKeys {
        path: path.to_path_buf(),
        reason,
    })
}

/// The keys of one minisign key file, read within bounds.
pub(crate) fn read_minisign_file(path: &Path) -> Result<Vec<MinisignKey>, KeyringError> {
    let data = read_bounded(path)?;
    parse_minisign_keys(&data).map_err(|reason| KeyringError::NotMinisignKeys {
        path: path.to_path_buf(),
        reason,
    })
}

/// A key file's bytes, refused when larger than [`MAX_KEY_FILE_BYTES`].
fn read_bounded(path: &Path) -> Result<Vec<u8>, KeyringError> {
    let file = fs::File::open(path).map_err(|source| KeyringError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut data = Vec::new();
    file.take(MAX_KEY_FILE_BYTES + 1)
        .read_to_end(&mut data)
        .map_err(|source| KeyringError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    if data.len() as u64 > MAX_KEY_FILE_BYTES {
        return Err(KeyringError::NotKeys {
            path: path.to_path_buf(),
            reason: format!("it is larger than {MAX_KEY_FILE_BYTES} bytes"),
        });
    }
    Ok(data)
}
