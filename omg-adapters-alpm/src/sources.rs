//! Installed packages with their source packages, for `omg audit`: on Arch the source is
//! the pkgbase (the PKGBUILD a package was built from), at the package's own version.

use omg_ports::InstalledSource;

use crate::session::Session;

impl Session {
    /// Every installed package with its pkgbase (`%BASE%`; the name itself when the local
    /// database has none), sorted by name as the local database keeps them.
    pub fn installed_sources(&self) -> Vec<InstalledSource> {
        self.alpm
            .localdb()
            .pkgs()
            .iter()
            .map(|pkg| {
                let version = pkg.version().to_string();
                InstalledSource {
                    name: pkg.name().to_owned(),
                    source: pkg.base().unwrap_or(pkg.name()).to_owned(),
                    source_version: version.clone(),
                    version,
                }
            })
            .collect()
    }
}
