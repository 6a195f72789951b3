//! Test-only builders (no `.SRCINFO` parser here: that lives with the adapter).

use omg_ports::{Srcinfo, SrcinfoField};

/// A `.SRCINFO` with `pkgbase = test` and `fields` in its base section, lines from 1.
pub(crate) fn srcinfo(fields: &[(&str, &str)]) -> Srcinfo {
    Srcinfo {
        pkgbase: "test".into(),
        base: fields
            .iter()
            .zip(1u32..)
            .map(|((k, v), line)| SrcinfoField {
                key: (*k).into(),
                value: (*v).into(),
                line,
            })
            .collect(),
        packages: vec![("test".into(), Vec::new())],
    }
}
