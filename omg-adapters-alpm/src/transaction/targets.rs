//! The names of a transaction, resolved the way pacman resolves its targets.

use alpm::{Alpm, Package};
use omg_ports::{Error, Result};

use super::errors;

/// Adds `names` to the transaction on `alpm` for installation: a path to a package file
/// (like `pacman -U`); `repo/name` from that repository; else the first repository with the
/// name; else every member of a group of that name (pacman --noconfirm takes them all); else
/// the first package providing it. Unless `reinstall`, a package installed at the version
/// that would be installed is left out (pacman's `--needed`), and so is a provided name an
/// installed package provides; each gets a note for the plan, which is returned.
pub(crate) fn add_installs(alpm: &Alpm, names: &[String], reinstall: bool) -> Result<Vec<String>> {
    let dbs = alpm.syncdbs();
    let local = alpm.localdb();
    let mut notes = Vec::new();
    let add = |pkg: &Package, target: &str, notes: &mut Vec<String>| -> Result<()> {
        if !reinstall && already_newest(local, pkg, notes) {
            return Ok(());
        }
        errors::added(alpm.trans_add_pkg(pkg).map_err(|e| e.error), target)
    };
    for target in names {
        if target.is_empty() || target.contains('\0') {
            return Err(Error::InvalidRequest(format!(
                "'{target}' is not a package name"
            )));
        }
        if is_package_file(target) {
            add_file(alpm, target, reinstall, &mut notes)?;
            continue;
        }
        if let Some((repo, name)) = target.split_once('/') {
            let Some(db) = dbs.iter().find(|db| db.name() == repo) else {
                return Err(Error::InvalidRequest(format!(
                    "there is no repository '{repo}' in pacman.conf (in '{target}')"
                )));
            };
            let pkg = match db.pkg(name) {
                Ok(pkg) => pkg,
                Err(_) => return Err(not_found(target, sync_names(alpm))),
            };
            add(pkg, target, &mut notes)?;
            continue;
        }
        if let Some(pkg) = dbs.iter().find_map(|db| db.pkg(target.as_str()).ok()) {
            add(pkg, target, &mut notes)?;
            continue;
        }
        let group: Vec<_> = dbs
            .iter()
            .filter_map(|db| db.group(target.as_str()).ok())
            .flat_map(|g| g.packages().iter().collect::<Vec<_>>())
            .collect();
        if !group.is_empty() {
            let mut seen = std::collections::HashSet::new();
            for pkg in group {
                if seen.insert(pkg.name()) {
                    add(pkg, pkg.name(), &mut notes)?;
                }
            }
            continue;
        }
        if !reinstall {
            if let Some(provider) = local.pkgs().find_satisfier(target.as_str()) {
                notes.push(format!(
                    "{target} is provided by {} {}, which is installed",
                    provider.name(),
                    provider.version()
                ));
                continue;
            }
        }
        match dbs.find_satisfier(target.as_str()) {
            Some(pkg) => add(pkg, target, &mut notes)?,
            None => return Err(not_found(target, sync_names(alpm))),
        }
    }
    Ok(notes)
}

/// True for a path to a package file: it names a directory (`./x`, `/tmp/x`, `dir/x`)
/// and ends like a package archive.
pub(crate) fn is_package_file(target: &str) -> bool {
    let file = target.rsplit('/').next().unwrap_or(target);
    (target.starts_with('/') || target.starts_with("./") || target.starts_with("../"))
        && file.contains(".pkg.tar")
        && !file.ends_with(".sig")
}

/// `pacman -U <file>`: loads the package file (checked with the default signature level)
/// and adds it; left out when the same version is installed, unless `reinstall`.
fn add_file(alpm: &Alpm, path: &str, reinstall: bool, notes: &mut Vec<String>) -> Result<()> {
    if !std::path::Path::new(path).is_file() {
        return Err(Error::InvalidRequest(format!(
            "{path} is not a package file (no such file)"
        )));
    }
    let pkg = alpm
        .pkg_load(path.as_bytes(), true, alpm.default_siglevel())
        .map_err(|e| Error::CorruptPackage {
            path: path.into(),
            reason: e.to_string(),
        })?;
    if !reinstall && already_newest(alpm.localdb(), &pkg, notes) {
        return Ok(());
    }
    errors::added(alpm.trans_add_pkg(pkg).map_err(|e| e.error), path)
}

/// True (with apt's note in `notes`) when `pkg` is installed at its version already: there
/// is nothing to do for it unless a reinstall is asked for.
fn already_newest(local: &alpm::Db, pkg: &alpm::Pkg, notes: &mut Vec<String>) -> bool {
    let same = local
        .pkg(pkg.name())
        .is_ok_and(|installed| installed.version() == pkg.version());
    if same {
        notes.push(format!(
            "{} is already the newest version ({})",
            pkg.name(),
            pkg.version()
        ));
    }
    same
}

/// Adds the installed packages `names` to the transaction for removal.
pub(crate) fn add_removals(alpm: &Alpm, names: &[String]) -> Result<()> {
    let local = alpm.localdb();
    for name in names {
        let pkg = match local.pkg(name.as_str()) {
            Ok(pkg) if !name.contains('\0') => pkg,
            _ => {
                let installed = local.pkgs().iter().map(|p| p.name().to_string());
                return Err(not_found(name, installed));
            }
        };
        errors::added(alpm.trans_remove_pkg(pkg), name)?;
    }
    Ok(())
}

fn sync_names(alpm: &Alpm) -> impl Iterator<Item = String> + '_ {
    alpm.syncdbs()
        .into_iter()
        .flat_map(|db| db.pkgs().into_iter().map(|p| p.name().to_string()))
}

/// [`Error::NotFound`] with up to five close names from `candidates`, closest first.
pub(crate) fn not_found(name: &str, candidates: impl Iterator<Item = String>) -> Error {
    Error::NotFound {
        name: name.to_string(),
        suggestions: suggestions(name, candidates),
    }
}

fn suggestions(name: &str, candidates: impl Iterator<Item = String>) -> Vec<String> {
    let wanted = name.rsplit('/').next().unwrap_or(name).to_lowercase();
    let limit = (wanted.chars().count() / 3).max(1);
    let mut close: Vec<(usize, String)> = candidates
        .filter_map(|c| {
            let d = strsim::damerau_levenshtein(&wanted, &c.to_lowercase());
            (d <= limit).then_some((d, c))
        })
        .collect();
    close.sort();
    close.dedup_by(|a, b| a.1 == b.1);
    close.into_iter().take(5).map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_files_are_paths_to_archives() {
        assert!(is_package_file("./x-1-1-any.pkg.tar.zst"));
        assert!(is_package_file("/tmp/x-1-1-any.pkg.tar.xz"));
        assert!(is_package_file("../x-1-1-any.pkg.tar"));
        assert!(!is_package_file("core/x"));
        assert!(!is_package_file("x.pkg.tar.zst"));
        assert!(!is_package_file("./x-1-1-any.pkg.tar.zst.sig"));
    }

    #[test]
    fn suggestions_are_close_names_closest_first() {
        let names = [
            "firefox",
            "firefox-esr",
            "fierfox-x",
            "thunderbird",
            "frefox",
        ];
        let got = suggestions("fierfox", names.iter().map(|s| s.to_string()));
        assert_eq!(got, ["firefox", "fierfox-x", "frefox"]);
        assert!(suggestions("zzzzzz", names.iter().map(|s| s.to_string())).is_empty());
    }
}
