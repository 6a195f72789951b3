//! When a paged list of versions (GitHub's releases, Adoptium's builds, newest first) has
//! been read far enough to resolve a spec: the spec selects one of the versions read, or it
//! asks for a version above all of them, which older pages cannot hold.

use omg_ports::runtime_order::numeric_prefix;
use omg_ports::RemoteVersion;

use super::spec::{select, VersionSpec};

/// True when `versions` (the first pages of a source, newest first) are enough to resolve
/// `spec`: reading further pages cannot change what it selects. Alternatives
/// ([`VersionSpec::AnyOf`]) are taken in order: the first that selects decides, provided
/// each one before it is known to select nothing in older pages too.
pub fn enough_for(spec: &VersionSpec, versions: &[RemoteVersion]) -> bool {
    for alternative in spec.alternatives() {
        match alternative {
            // Nothing remote to find: the caller decides without the source.
            VersionSpec::System | VersionSpec::Path(_) | VersionSpec::Vendor { .. } => return true,
            _ if select(alternative, versions).is_some() => return true,
            _ if above_all(alternative, versions) => continue,
            _ => return false,
        }
    }
    true
}

/// True when `spec` is a version whose numbers are above every one of `versions`' (`3.99`
/// when the newest is 3.14.0, `22` when the newest is 21.0.5): older pages list older
/// versions only.
fn above_all(spec: &VersionSpec, versions: &[RemoteVersion]) -> bool {
    let VersionSpec::Version(v) = spec else {
        return false;
    };
    let wanted = numeric_prefix(v);
    !wanted.is_empty()
        && !versions.is_empty()
        && versions.iter().all(|r| {
            let have = numeric_prefix(&r.version);
            have.iter().take(wanted.len()).copied().collect::<Vec<_>>() < wanted
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn versions(list: &[&str]) -> Vec<RemoteVersion> {
        list.iter().map(|v| RemoteVersion::new(*v)).collect()
    }

    #[test]
    fn read_until_the_spec_selects_or_is_above_everything() {
        let first_page = versions(&["3.14.0", "3.13.9", "3.12.12"]);
        let spec = VersionSpec::parse;
        assert!(enough_for(&spec("3.13"), &first_page));
        assert!(enough_for(&spec("latest"), &first_page));
        // Older versions may be on later pages.
        assert!(!enough_for(&spec("3.9"), &first_page));
        assert!(!enough_for(&spec("3.12.1"), &first_page));
        assert!(!enough_for(&spec(">=3.8 <3.9"), &first_page));
        // Newer than anything there is: no later page has it.
        assert!(enough_for(&spec("3.99"), &first_page));
        assert!(enough_for(&spec("4"), &first_page));
        assert!(enough_for(&spec("3.14.1"), &first_page));
        assert!(!enough_for(&spec("3.99"), &[]));
        assert!(enough_for(&spec("system"), &first_page));
        // pyenv's fallbacks: 3.9 (older) before 3.13 must be looked for first; a first
        // alternative above everything gives way to the next.
        assert!(!enough_for(
            &VersionSpec::any_of(&["3.9", "3.13"]),
            &first_page
        ));
        assert!(enough_for(
            &VersionSpec::any_of(&["3.99", "3.13"]),
            &first_page
        ));
        assert!(enough_for(
            &VersionSpec::any_of(&["3.9", "3.13"]),
            &versions(&["3.13.9", "3.9.25"])
        ));
    }
}
