//! Installed packages with their source packages, for `omg audit`: the Debian tracker names
//! source packages, and a binary package may carry a version of its own.

use omg_ports::InstalledSource;
use rust_apt::Cache;

use crate::query::full_name;

/// Every installed package (named as [`crate::AptBackend`] names them: `name`, or
/// `name:arch` for a foreign architecture), with its installed version and the source
/// package and version libapt recorded for that version (dpkg's `Source: name (version)`;
/// the package's own name and version when the field is absent), sorted by name.
pub(crate) fn installed_sources(cache: &Cache, native: &str) -> Vec<InstalledSource> {
    let mut out: Vec<InstalledSource> = cache
        .iter()
        .filter_map(|pkg| {
            let current = pkg.installed()?;
            let version = current.version().to_owned();
            let source = non_empty(current.source_name()).unwrap_or(pkg.name());
            let source_version = non_empty(current.source_version()).unwrap_or(&version);
            Some(InstalledSource {
                name: full_name(pkg.name(), pkg.arch(), native),
                source: source.to_owned(),
                source_version: source_version.to_owned(),
                version,
            })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn non_empty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}
