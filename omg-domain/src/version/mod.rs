//! Version ordering for both package families, in pure Rust.
//!
//! Both functions reproduce their C originals operation for operation (libalpm's
//! `alpm_pkg_vercmp` and libapt-pkg's `debVersioningSystem::DoCmpVersion`), including their
//! behaviour on malformed strings, so that results agree with the libraries on every input.
//! The workspace's property tests check this against the libraries themselves.

mod alpm;
mod dpkg;

use std::cmp::Ordering;

use omg_ports::VersionScheme;

pub use self::alpm::alpm_vercmp;
pub use self::dpkg::dpkg_compare;

/// Compare two versions under `scheme`.
pub fn compare(scheme: VersionScheme, a: &str, b: &str) -> Ordering {
    match scheme {
        VersionScheme::Alpm => alpm_vercmp(a, b),
        VersionScheme::Dpkg => dpkg_compare(a, b),
    }
}

/// The byte at `i`, or 0 past the end: the C code's view of a NUL-terminated string.
fn at(s: &[u8], i: usize) -> u8 {
    s.get(i).copied().unwrap_or(0)
}
