//! One RPC v5 answer's bytes into the parser (`omg_adapters_aur::fuzzing::rpc_json`): no
//! panic, every string and list within its bound, at most 10,000 results, errors without
//! control characters.
#![no_main]

use libfuzzer_sys::fuzz_target;
use omg_adapters_aur::fuzzing::{check_packages, rpc_json};
use omg_adapters_aur::limits::RPC_MAX_RESULTS;

fuzz_target!(|data: &[u8]| {
    let out = rpc_json(data);
    if let Some(wrong) = check_packages(&out, RPC_MAX_RESULTS) {
        panic!("{wrong}");
    }
});
