//! Which package satisfies a dependency, as libalpm resolves it: for planning builds whose
//! dependencies come from outside the sync databases (the AUR).

use omg_ports::Result;

use crate::session::Session;

impl Session {
    /// The installed package (`installed`) or the first sync database's package that
    /// satisfies `dep` (no NUL byte: the caller checked), by name, provides and version.
    pub(crate) fn satisfier(&self, dep: &str, installed: bool) -> Result<Option<String>> {
        let found = if installed {
            self.alpm.localdb().pkgs().find_satisfier(dep)
        } else {
            self.sync_dbs()?;
            self.alpm.syncdbs().find_satisfier(dep)
        };
        Ok(found.map(|p| p.name().to_string()))
    }
}
