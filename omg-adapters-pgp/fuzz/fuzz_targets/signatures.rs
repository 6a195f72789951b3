//! A mirror's signature file, any bytes, checked against the shipped keys as each form is
//! (node's detached `.sig`, bun's cleartext `.asc`, mise's `.minisig`): never a panic, and
//! never a good signature over data none of the publishers signed.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use omg_adapters_pgp::{PgpVerifier, SignatureVerifier};

fn shipped() -> &'static PgpVerifier {
    static V: OnceLock<PgpVerifier> = OnceLock::new();
    V.get_or_init(PgpVerifier::shipped)
}

fuzz_target!(|data: &[u8]| {
    let v = shipped();
    let sums = b"0000  node-v20.11.1-linux-x64.tar.xz\n";
    assert!(v.verify_detached("node", sums, data).is_err());
    let text = String::from_utf8_lossy(data);
    assert!(v.verify_cleartext("bun", &text).is_err());
    assert!(v.verify_minisign("mise", sums, &text).is_err());
});
