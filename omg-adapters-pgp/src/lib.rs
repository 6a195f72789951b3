//! omg's signature verifier: [`PgpVerifier`], the [`SignatureVerifier`] port over rpgp (the
//! `pgp` crate, pure Rust) for OpenPGP, and minisign-verify for minisign (mise's
//! `SHASUMS256.txt.minisig`), with one keyring per runtime publisher.
//!
//! The keyrings are the keys shipped in this crate's `keys/<publisher>.asc` (embedded at
//! build time, those that exist; see `keys/README.md`) plus, from `[runtimes] keys_dir`,
//! `<keys_dir>/<publisher>.asc` (or `.gpg`) and every `.asc`/`.gpg` file in
//! `<keys_dir>/<publisher>/`: the config extends the shipped keys, so a publisher's new
//! release key needs no new omg. Minisign keys are `keys/<publisher>.pub` (a `minisign.pub`
//! file) and `<keys_dir>/<publisher>.pub` or `<keys_dir>/<publisher>/*.pub`.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod keyring;
mod minisign;
mod verify;

pub use keyring::{KeyringError, PUBLISHERS};
pub use verify::PgpVerifier;

pub use omg_ports::SignatureVerifier;

mod shipped {
    include!(concat!(env!("OUT_DIR"), "/shipped_keys.rs"));
}
