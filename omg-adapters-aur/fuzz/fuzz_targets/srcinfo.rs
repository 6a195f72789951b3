//! One `.SRCINFO`'s text into the parser (`omg_adapters_aur::fuzzing::srcinfo`): no panic;
//! what it returns has a pkgbase and a package, keys of letters, digits and `_`, values on
//! one line, line numbers in order; errors without control characters. Also folds every
//! key of the first package through `Srcinfo::package_values`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use omg_adapters_aur::fuzzing::{check_srcinfo, srcinfo};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let out = srcinfo(text);
    if let Some(wrong) = check_srcinfo(text, &out) {
        panic!("{wrong}");
    }
    if let Ok(info) = out {
        let _ = info.full_version();
        if let Some((name, fields)) = info.packages.first() {
            for f in fields.iter().take(16) {
                let _ = info.package_values(name, &f.key, "x86_64");
            }
        }
    }
});
