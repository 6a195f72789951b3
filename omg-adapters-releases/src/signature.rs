//! [`Signatures`]: what the providers do with the OpenPGP signatures publishers put on
//! their checksum files (node's `SHASUMS256.txt.sig`, bun's `SHASUMS256.txt.asc`, rust's
//! `channel-rust-<version>.toml.asc`; mise's minisign `SHASUMS256.txt.minisig`), through
//! the [`SignatureVerifier`] port.
//!
//! A good signature by a key of the publisher's keyring: the checksums are used and the
//! artifact says who signed them. A bad one (altered after signing, another key,
//! unreadable): [`Error::BadSignature`], nothing is installed. No signature (the source
//! publishes none, the file is a 404): a warning on the artifact, or
//! [`Error::UnverifiedSignature`] with `require` (`[runtimes] require_signatures`). No key
//! for the publisher (none shipped, none in `[runtimes] keys_dir`): not checked, as without
//! a verifier, but refused with `require`.

use std::fmt;
use std::sync::Arc;

use omg_ports::{
    Error, FetchOutcome, FetchRequest, Fetcher, Result, SignatureFailure, SignatureVerifier, Signer,
};

use crate::text::malformed;

/// The most a signature file may weigh (one is a few hundred bytes).
const MAX_SIGNATURE_BYTES: u64 = 64 << 10;

/// How the providers treat signatures: the verifier (`None`: signatures are not checked)
/// and whether an unverifiable checksum file is refused.
#[derive(Clone, Default)]
pub struct Signatures {
    verifier: Option<Arc<dyn SignatureVerifier>>,
    require: bool,
}

impl fmt::Debug for Signatures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signatures")
            .field("verifier", &self.verifier.is_some())
            .field("require", &self.require)
            .finish()
    }
}

impl PartialEq for Signatures {
    fn eq(&self, other: &Self) -> bool {
        self.require == other.require
            && match (&self.verifier, &other.verifier) {
                (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
    }
}

impl Eq for Signatures {}

/// The outcome of a check that did not refuse: who signed, or why nothing was verified
/// (a warning for the user).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Checked {
    /// A good signature.
    Signed(String),
    /// Not verified; the sentence to warn with.
    Unverified(String),
    /// Signatures are not checked (no verifier).
    Off,
}

impl Checked {
    /// The artifact's `signed_by` and `warnings`.
    pub(crate) fn into_fields(self) -> (Option<String>, Vec<String>) {
        match self {
            Checked::Signed(s) => (Some(s), Vec::new()),
            Checked::Unverified(w) => (None, vec![w]),
            Checked::Off => (None, Vec::new()),
        }
    }
}

impl Signatures {
    /// Checking signatures with `verifier`; `require`: refuse what cannot be verified.
    pub fn new(verifier: Arc<dyn SignatureVerifier>, require: bool) -> Self {
        Signatures {
            verifier: Some(verifier),
            require,
        }
    }

    /// Not checking signatures at all (library users without keys; tests of other things).
    pub fn off() -> Self {
        Signatures::default()
    }

    /// Verifies the detached signature at `sig_url` over `data` (the file `file`, e.g.
    /// `SHASUMS256.txt`) with `publisher`'s keys.
    pub(crate) async fn detached(
        &self,
        fetcher: &Arc<dyn Fetcher>,
        publisher: &str,
        file: &str,
        data: &[u8],
        sig_url: &str,
    ) -> Result<Checked> {
        self.fetched(fetcher, publisher, file, sig_url, |verifier, sig| {
            verifier.verify_detached(publisher, data, sig)
        })
        .await
    }

    /// Verifies the minisign signature at `sig_url` (mise's `SHASUMS256.txt.minisig`) over
    /// `data` (the file `file`) with `publisher`'s minisign keys.
    pub(crate) async fn minisign(
        &self,
        fetcher: &Arc<dyn Fetcher>,
        publisher: &str,
        file: &str,
        data: &[u8],
        sig_url: &str,
    ) -> Result<Checked> {
        self.fetched(fetcher, publisher, file, sig_url, |verifier, sig| {
            let text = std::str::from_utf8(sig).map_err(|_| SignatureFailure::Malformed {
                reason: "it is not UTF-8 text".into(),
            })?;
            verifier.verify_minisign(publisher, data, text)
        })
        .await
    }

    /// The signature at `sig_url`, checked by `verify`, under [`Signatures`]'s policy.
    async fn fetched(
        &self,
        fetcher: &Arc<dyn Fetcher>,
        publisher: &str,
        file: &str,
        sig_url: &str,
        verify: impl FnOnce(
            &dyn SignatureVerifier,
            &[u8],
        ) -> std::result::Result<Signer, SignatureFailure>,
    ) -> Result<Checked> {
        let Some(verifier) = self.ready(publisher) else {
            return self.no_keys(publisher, file);
        };
        let Some(sig) = fetch_signature(fetcher, sig_url).await? else {
            return self.unverified(file, format!("no signature at {sig_url}"));
        };
        match verify(verifier.as_ref(), &sig) {
            Ok(signer) => Ok(signed(file, &signer)),
            Err(failure) => Err(bad(file, sig_url, &failure)),
        }
    }

    /// The text of the cleartext-signed copy of `file` at `asc_url` (bun's
    /// `SHASUMS256.txt.asc`), verified with `publisher`'s keys; `None` (after the warning or
    /// refusal of [`Signatures`]'s policy) when there is no such copy or no key to check it
    /// with, and the unsigned file is to be used.
    pub(crate) async fn cleartext(
        &self,
        fetcher: &Arc<dyn Fetcher>,
        publisher: &str,
        file: &str,
        asc_url: Option<&str>,
    ) -> Result<(Option<String>, Checked)> {
        let Some(verifier) = self.ready(publisher) else {
            return Ok((None, self.no_keys(publisher, file)?));
        };
        let Some(asc_url) = asc_url else {
            let c = self.unverified(file, format!("no signed copy ({file}.asc) is published"))?;
            return Ok((None, c));
        };
        let Some(body) = fetch_signature(fetcher, asc_url).await? else {
            return Ok((
                None,
                self.unverified(file, format!("no signature at {asc_url}"))?,
            ));
        };
        let text = String::from_utf8(body)
            .map_err(|_| malformed(file, asc_url, "it is not UTF-8 text".into()))?;
        match verifier.verify_cleartext(publisher, &text) {
            Ok((signed_text, signer)) => Ok((Some(signed_text), signed(file, &signer))),
            Err(failure) => Err(bad(file, asc_url, &failure)),
        }
    }

    /// The verifier, when signatures are checked and `publisher` has keys.
    fn ready(&self, publisher: &str) -> Option<&Arc<dyn SignatureVerifier>> {
        self.verifier.as_ref().filter(|v| v.has_keys(publisher))
    }

    /// No verifier, or no key for `publisher`: signatures are not checked for it (as before
    /// omg had keys: the checksum alone, `signed_by` empty), except that `require` refuses.
    fn no_keys(&self, publisher: &str, file: &str) -> Result<Checked> {
        if !self.require {
            tracing::debug!("{file}: no OpenPGP key for {publisher}; signature not checked");
            return Ok(Checked::Off);
        }
        self.unverified(
            file,
            format!("omg has no OpenPGP key for {publisher} (add it to [runtimes] keys_dir)"),
        )
    }

    fn unverified(&self, file: &str, reason: String) -> Result<Checked> {
        if self.require {
            return Err(Error::UnverifiedSignature {
                file: file.into(),
                reason,
            });
        }
        Ok(Checked::Unverified(format!(
            "{file} is not signature-verified: {reason}; installed on its checksum alone"
        )))
    }
}

fn signed(file: &str, signer: &Signer) -> Checked {
    Checked::Signed(format!("{file} signed by {signer}"))
}

fn bad(file: &str, sig_url: &str, failure: &SignatureFailure) -> Error {
    Error::BadSignature {
        file: file.into(),
        signature_url: sig_url.into(),
        key: failure.key().into(),
        reason: failure.to_string(),
    }
}

/// The signature at `url`, or `None` when the server has none (HTTP 404).
async fn fetch_signature(fetcher: &Arc<dyn Fetcher>, url: &str) -> Result<Option<Vec<u8>>> {
    let request = FetchRequest::new(url, MAX_SIGNATURE_BYTES);
    match fetcher.fetch(&request, None).await {
        Ok(FetchOutcome::Fetched { body, .. }) => Ok(Some(body)),
        Ok(FetchOutcome::NotModified) => Err(Error::Download {
            url: url.into(),
            reason: "the server answered 304 Not Modified to an unconditional request".into(),
        }),
        Err(Error::Download { reason, .. }) if is_not_found(&reason) => Ok(None),
        Err(e) => Err(e),
    }
}

/// True for the fetcher's reason of a 404 answer (`the server answered HTTP 404 Not
/// Found`).
fn is_not_found(reason: &str) -> bool {
    reason.contains("HTTP 404")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_404_is_a_missing_signature_and_other_failures_are_not() {
        assert!(is_not_found("the server answered HTTP 404 Not Found"));
        assert!(!is_not_found(
            "the server answered HTTP 500 Internal Server Error"
        ));
        assert!(!is_not_found("connection refused"));
    }
}
