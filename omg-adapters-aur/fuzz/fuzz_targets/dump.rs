//! A metadata dump into the streamed reader (`omg_adapters_aur::fuzzing::dump`). The first
//! byte chooses: odd, the rest is the gzip stream as is; even, the rest is the JSON text,
//! gzip-compressed here first (fast level), optionally cut (second byte) to exercise
//! truncated streams. No panic, the fuzzing bounds kept, errors without control characters.
#![no_main]

use std::io::Write;

use flate2::write::GzEncoder;
use flate2::Compression;
use libfuzzer_sys::fuzz_target;
use omg_adapters_aur::fuzzing::{check_packages, dump, DUMP_LIMITS_RECORDS};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let out = if mode & 1 == 1 {
        dump(rest)
    } else {
        let mut e = GzEncoder::new(Vec::new(), Compression::fast());
        e.write_all(rest).expect("writing to a Vec");
        let mut gz = e.finish().expect("finishing into a Vec");
        // Mode bit 1: cut the stream short by 1 to 64 bytes.
        if mode & 2 == 2 {
            let cut = usize::from(mode >> 2) + 1;
            gz.truncate(gz.len().saturating_sub(cut));
            assert!(dump(&gz).is_err(), "a truncated gzip stream was accepted");
            return;
        }
        dump(&gz)
    };
    if let Some(wrong) = check_packages(&out, DUMP_LIMITS_RECORDS) {
        panic!("{wrong}");
    }
});
