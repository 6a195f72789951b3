//! One `desc` file's bytes into the parser (`omg_adapters_alpm::fuzzing::parse_desc`): no
//! panic, and single values that are single lines, cut at a NUL and shorter than libalpm's
//! 512 KiB line. Seeds: `cargo run -p omg-adapters-alpm --example
//! fuzz_seeds`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use omg_adapters_alpm::fuzzing::parse_desc;

/// libalpm's longest line, its NUL included.
const MAX_LINE: usize = 512 * 1024;

fuzz_target!(|data: &[u8]| {
    let out = parse_desc(data);
    for value in [out.desc, out.arch].into_iter().flatten() {
        assert!(!value.contains(&b'\n'), "a value spans lines: {value:?}");
        assert!(!value.contains(&0), "a value holds a NUL: {value:?}");
        assert!(value.len() < MAX_LINE, "a value of {} bytes", value.len());
    }
    if let Some(provides) = out.provides {
        assert!(!provides.ends_with(b"\n"), "provides end in a newline");
        assert!(
            !provides.windows(2).any(|w| w == b"\n\n"),
            "provides hold an empty line"
        );
    }
});
