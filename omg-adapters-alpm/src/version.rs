//! libalpm's own version ordering.

use std::cmp::Ordering;

/// Compares two package versions with libalpm's `alpm_pkg_vercmp` (pacman's `vercmp`:
/// `epoch:pkgver-pkgrel`, alphanumeric segments as rpmvercmp orders them). Pure: no handle
/// and no database are needed.
///
/// ```
/// use std::cmp::Ordering;
/// assert_eq!(omg_adapters_alpm::compare_versions("1.0rc1", "1.0"), Ordering::Less);
/// assert_eq!(omg_adapters_alpm::compare_versions("1:0.9-1", "2.0-1"), Ordering::Greater);
/// ```
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    alpm::vercmp(a, b)
}
