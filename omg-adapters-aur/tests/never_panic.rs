//! The parsers never panic, whatever they are given, and keep their bounds.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;

use flate2::write::GzEncoder;
use flate2::Compression;
use omg_adapters_aur::fuzzing::{
    check_packages, check_srcinfo, dump, rpc_json, srcinfo, DUMP_LIMITS_RECORDS,
};
use omg_adapters_aur::limits::RPC_MAX_RESULTS;
use proptest::prelude::*;

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// Text that looks like JSON often enough to go past the first byte.
fn jsonish() -> impl Strategy<Value = String> {
    proptest::string::string_regex(
        r#"[\[\]{}",:0-9a-zA-Z .\-\\\n]{0,200}|\{"type":"(search|multiinfo|error)","version":5,"results":\[[{}",:0-9a-zA-Z]{0,100}\]\}"#,
    )
    .unwrap()
}

/// Lines that look like a .SRCINFO's.
fn srcinfo_lines() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("pkgbase = a".to_owned()),
        Just("pkgname = a".to_owned()),
        Just("pkgname = b".to_owned()),
        Just("\tdepends = ".to_owned()),
        "[ \t]{0,2}[a-z_0-9]{0,12}[ ]?=?[ ]?[ -~\t\r]{0,20}",
        "[#\t ]{0,3}.{0,20}",
    ];
    proptest::collection::vec(line, 0..30).prop_map(|lines| lines.join("\n"))
}

proptest! {
    #[test]
    fn rpc_bytes(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        let out = rpc_json(&body);
        prop_assert_eq!(check_packages(&out, RPC_MAX_RESULTS), None);
    }

    #[test]
    fn rpc_jsonish(body in jsonish()) {
        let out = rpc_json(body.as_bytes());
        prop_assert_eq!(check_packages(&out, RPC_MAX_RESULTS), None);
    }

    #[test]
    fn dump_bytes(gz in proptest::collection::vec(any::<u8>(), 0..512)) {
        let out = dump(&gz);
        prop_assert_eq!(check_packages(&out, DUMP_LIMITS_RECORDS), None);
    }

    #[test]
    fn dump_compressed(text in jsonish(), cut in 0usize..40) {
        let gz = gzip(text.as_bytes());
        let out = dump(&gz);
        prop_assert_eq!(check_packages(&out, DUMP_LIMITS_RECORDS), None);
        if cut > 0 {
            let short = &gz[..gz.len().saturating_sub(cut)];
            prop_assert!(dump(short).is_err());
        }
    }

    #[test]
    fn srcinfo_any(text in ".{0,300}") {
        let out = srcinfo(&text);
        prop_assert_eq!(check_srcinfo(&text, &out), None);
    }

    #[test]
    fn srcinfo_like(text in srcinfo_lines()) {
        let out = srcinfo(&text);
        prop_assert_eq!(check_srcinfo(&text, &out), None);
        if let Ok(info) = out {
            let _ = info.full_version();
            for (name, fields) in &info.packages {
                for f in fields {
                    let _ = info.package_values(name, &f.key, "x86_64");
                }
            }
        }
    }
}

/// `source` lines of every shape a VCS check meets.
fn source_lines() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        "[a-z]{0,4}(::)?git\\+[a-z:/.]{0,12}([?#][a-z]{0,6}=?[a-z0-9]{0,6}){0,3}",
        "[ -~]{0,30}",
    ];
    let line = (
        prop_oneof![
            Just("source"),
            Just("source_x86_64"),
            Just("source_aarch64")
        ],
        value,
    )
        .prop_map(|(k, v)| format!("\t{k} = {v}"));
    proptest::collection::vec(line, 0..12)
        .prop_map(|lines| format!("pkgbase = a\n{}\npkgname = a\n", lines.join("\n")))
}

proptest! {
    #[test]
    fn vcs_sources_any(text in source_lines()) {
        if let Ok(info) = omg_adapters_aur::parse_srcinfo(&text) {
            for s in omg_adapters_aur::vcs_sources(&info, "x86_64") {
                prop_assert!(!s.url.is_empty());
                prop_assert!(!s.url.starts_with("git+"));
                prop_assert!(!s.url.contains('#'));
                prop_assert!(s.branch.as_deref() != Some(""));
            }
        }
    }

    #[test]
    fn valid_pkgbase_is_a_safe_directory_name(name in "[ -~\u{e9}]{0,20}") {
        if omg_adapters_aur::valid_pkgbase(&name) {
            prop_assert!(!name.contains('/'));
            prop_assert!(!name.starts_with('.') && !name.starts_with('-'));
            prop_assert!(!name.is_empty());
        }
    }
}
