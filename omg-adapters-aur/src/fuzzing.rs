//! Entry points for the fuzz targets in `omg-adapters-aur/fuzz/` and the crate's property
//! tests, and for nothing else: not part of the crate's API, and free to change with them.
//!
//! The dump is read within bounds smaller than the real ones, so that the fuzzer meets them
//! often and an input that unpacks to the bound costs milliseconds; the code is the same.

use omg_ports::{AurPackage, Result, Srcinfo};

use crate::limits::DumpLimits;

/// The bounds of a fuzzed dump read.
pub const DUMP_LIMITS_UNPACKED: u64 = 4 << 20;

/// The most records of a fuzzed dump.
pub const DUMP_LIMITS_RECORDS: usize = 2_000;

/// [`crate::parse_rpc`] on `body`.
///
/// # Errors
///
/// As [`crate::parse_rpc`].
pub fn rpc_json(body: &[u8]) -> Result<Vec<AurPackage>> {
    crate::rpc::parse_rpc("fuzz://rpc", body)
}

/// [`crate::parse_dump`] on gzip bytes `gz`, within the fuzzing bounds.
///
/// # Errors
///
/// As [`crate::parse_dump`].
pub fn dump(gz: &[u8]) -> Result<Vec<AurPackage>> {
    crate::dump::parse_dump_within(
        "fuzz://dump",
        gz,
        DumpLimits {
            unpacked: DUMP_LIMITS_UNPACKED,
            records: DUMP_LIMITS_RECORDS,
        },
        |p| p,
    )
}

/// [`crate::parse_srcinfo`] on `text`.
///
/// # Errors
///
/// As [`crate::parse_srcinfo`].
pub fn srcinfo(text: &str) -> Result<Srcinfo> {
    crate::srcinfo::parse_srcinfo(text)
}

/// Checks what a parse gave: every string and list within its bound, and an error's text
/// without control characters. Returns what is wrong, for the targets to panic on.
pub fn check_packages(result: &Result<Vec<AurPackage>>, max_records: usize) -> Option<String> {
    use crate::limits::{MAX_LIST, MAX_STRING};
    match result {
        Err(e) => {
            let text = e.to_string();
            text.chars()
                .any(char::is_control)
                .then(|| format!("an error with a control character: {text:?}"))
        }
        Ok(pkgs) if pkgs.len() > max_records => Some(format!("{} records", pkgs.len())),
        Ok(pkgs) => pkgs.iter().find_map(|p| {
            let strings = [&p.name, &p.package_base, &p.version]
                .into_iter()
                .chain(p.description.iter())
                .chain(p.url.iter())
                .chain(p.maintainer.iter())
                .chain(p.submitter.iter());
            let lists = [
                &p.co_maintainers,
                &p.depends,
                &p.make_depends,
                &p.check_depends,
                &p.opt_depends,
                &p.provides,
                &p.conflicts,
                &p.replaces,
                &p.groups,
                &p.license,
                &p.keywords,
            ];
            if let Some(s) = strings
                .chain(lists.iter().flat_map(|l| l.iter()))
                .find(|s| s.len() > MAX_STRING)
            {
                return Some(format!("a string of {} bytes", s.len()));
            }
            lists
                .iter()
                .find(|l| l.len() > MAX_LIST)
                .map(|l| format!("a list of {} entries", l.len()))
        }),
    }
}

/// Checks a `.SRCINFO` parse: a non-empty pkgbase and at least one package, keys of
/// letters, digits and `_`, values without line breaks, at most the field bound, lines in
/// order within the text; an error's text without control characters. Returns what is
/// wrong.
pub fn check_srcinfo(text: &str, result: &Result<Srcinfo>) -> Option<String> {
    use crate::limits::SRCINFO_MAX_FIELDS;
    let info = match result {
        Err(e) => {
            let msg = e.to_string();
            return msg
                .chars()
                .any(char::is_control)
                .then(|| format!("an error with a control character: {msg:?}"));
        }
        Ok(info) => info,
    };
    if info.pkgbase.is_empty() || info.packages.is_empty() {
        return Some("no pkgbase or no package".into());
    }
    let lines = text.split('\n').count();
    let fields: Vec<_> = info
        .base
        .iter()
        .chain(info.packages.iter().flat_map(|(_, f)| f.iter()))
        .collect();
    if fields.len() > SRCINFO_MAX_FIELDS {
        return Some(format!("{} fields", fields.len()));
    }
    let mut last = 0;
    for f in fields {
        if f.key.is_empty()
            || !f
                .key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
            || f.key == "pkgbase"
            || f.key == "pkgname"
        {
            return Some(format!("key {:?}", f.key));
        }
        if f.value.contains(['\n', '\r']) {
            return Some(format!("value {:?}", f.value));
        }
        if f.line <= last || f.line as usize > lines {
            return Some(format!("line {} after {last} of {lines}", f.line));
        }
        last = f.line;
    }
    None
}
