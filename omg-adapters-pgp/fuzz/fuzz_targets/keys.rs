//! A key file of `[runtimes] keys_dir`, any bytes, read as OpenPGP keys and as minisign
//! keys: never a panic; what is accepted is at least one key.
#![no_main]

use libfuzzer_sys::fuzz_target;
use omg_adapters_pgp::PgpVerifier;

fuzz_target!(|data: &[u8]| {
    let mut v = PgpVerifier::empty();
    if let Ok(n) = v.add_keys("node", data) {
        assert!(n > 0);
    }
    if let Ok(n) = v.add_minisign_keys("mise", data) {
        assert!(n > 0);
    }
});
