//! Marking a transaction in libapt's DepCache, and reading the plan back from it.
//!
//! Nothing here writes anything: the marks live in the DepCache of a cache the transaction
//! owns and drops (see [`super`]).

use std::collections::HashSet;
use std::path::Path;

use omg_ports::{ActionKind, Error, Plan, PlannedAction, Result, Transaction};
use rust_apt::cache::Upgrade;
use rust_apt::{Cache, Package, Version};

use super::{broken, local_deb};
use crate::convert::install_reason;
use crate::error;
use crate::query;

/// What marking a transaction found besides the DepCache's marks.
#[derive(Debug, Default)]
pub(crate) struct Marked {
    /// Installed packages asked for by name that are marked automatic: apt marks them
    /// manually installed, even when nothing else changes.
    pub(crate) mark_manual: Vec<String>,
    /// Things to tell before confirming.
    pub(crate) warnings: Vec<String>,
}

/// Marks `tx` (an install, removal or upgrade) in `cache`'s DepCache and resolves it as
/// apt does.
///
/// # Errors
///
/// [`Error::NotFound`] (with close names) for an unknown package, [`Error::InvalidRequest`]
/// for a virtual package with several providers, [`Error::Unsatisfiable`] or
/// [`Error::Conflict`] when libapt's resolver cannot fix the marks.
pub(crate) fn mark(cache: &Cache, tx: &Transaction) -> Result<Marked> {
    error::take_messages();
    let mut marked = Marked::default();
    match tx {
        Transaction::Install(names) => install(cache, names, false, &mut marked)?,
        Transaction::Reinstall(names) => install(cache, names, true, &mut marked)?,
        Transaction::Remove { names, recursive } | Transaction::RemoveHeld { names, recursive } => {
            remove(cache, names, *recursive, &mut marked)?
        }
        Transaction::Upgrade => upgrade(cache, &mut marked)?,
        Transaction::Refresh
        | Transaction::CleanCache { .. }
        | Transaction::CleanCacheUninstalled => {}
    }
    if cache.depcache().broken_count() > 0 {
        return Err(broken::error(cache).unwrap_or_else(|| error::library(&error::take_messages())));
    }
    for pkg in cache.get_changes(true) {
        if pkg.marked_delete() && pkg.is_essential() {
            marked.warnings.push(format!(
                "{} is an essential package; removing it can break the system",
                pkg.fullname(true)
            ));
        }
    }
    Ok(marked)
}

fn install(cache: &Cache, names: &[String], reinstall: bool, marked: &mut Marked) -> Result<()> {
    if names.is_empty() {
        return Err(Error::InvalidRequest(
            "no package to install was given".to_owned(),
        ));
    }
    let mut targets = Vec::new();
    // The version each target asks for (libapt resets the candidate of one it cannot mark).
    let mut wanted = Vec::new();
    for name in names {
        let Some(pkg) = select(cache, name, marked)? else {
            continue;
        };
        let Some(candidate) = pkg.candidate() else {
            return Err(Error::NotFound {
                name: name.clone(),
                suggestions: Vec::new(),
            });
        };
        if let Some(current) = pkg.installed() {
            if current.version() == candidate.version() && reinstall {
                pkg.mark_reinstall(true);
            } else if current.version() == candidate.version() {
                marked.warnings.push(format!(
                    "{} is already the newest version ({})",
                    pkg.fullname(true),
                    current.version()
                ));
                if pkg.is_auto_installed() {
                    marked.mark_manual.push(pkg.fullname(true));
                }
            }
        }
        wanted.push(candidate.version().to_owned());
        targets.push(pkg);
    }
    // As apt-get does: the targets themselves first (marked even when their dependencies
    // cannot be met, so the resolver sees them broken), then their dependencies.
    for pkg in &targets {
        pkg.mark_install(false, true);
    }
    for pkg in &targets {
        pkg.mark_install(true, true);
        pkg.protect();
    }
    // A version asked for whose dependencies the versions to be installed do not meet:
    // libapt does not mark it; apt-get refuses it, and so does omg.
    for (pkg, wanted) in targets.iter().zip(&wanted) {
        let Some(marked) = pkg.install_version() else {
            continue;
        };
        if *wanted != marked.version() {
            return Err(Error::InvalidRequest(format!(
                "{} {} cannot be installed: its dependencies are not met by the versions to \
                 be installed (name the dependencies' versions too, or use name/release)",
                pkg.fullname(true),
                wanted
            )));
        }
    }
    if cache.depcache().broken_count() > 0 {
        resolve(cache)?;
    }
    Ok(())
}

fn remove(cache: &Cache, names: &[String], recursive: bool, marked: &mut Marked) -> Result<()> {
    if names.is_empty() {
        return Err(Error::InvalidRequest(
            "no package to remove was given".to_owned(),
        ));
    }
    // What was already unneeded before: a recursive removal leaves it alone.
    let garbage_before = garbage(cache);
    let mut targets = Vec::new();
    for name in names {
        let pkg = find(cache, name, true)?;
        if pkg.installed().is_none() {
            marked.warnings.push(format!(
                "{} is not installed, so not removed",
                pkg.fullname(true)
            ));
            continue;
        }
        targets.push(pkg);
    }
    for pkg in &targets {
        pkg.mark_delete(false);
        pkg.protect();
    }
    if cache.depcache().broken_count() > 0 {
        resolve(cache)?;
    }
    if recursive {
        // The DepCache sweeps after every mark: what became garbage is what this removal
        // orphaned (and, transitively, what only those needed).
        for _ in 0..16 {
            let orphaned: Vec<Package<'_>> = cache
                .iter()
                .filter(|pkg| pkg.is_installed() && !pkg.marked_delete())
                .filter(|pkg| cache.depcache().is_garbage(pkg))
                .filter(|pkg| !garbage_before.contains(&pkg.index()))
                .collect();
            if orphaned.is_empty() {
                break;
            }
            for pkg in &orphaned {
                pkg.mark_delete(false);
            }
        }
    }
    Ok(())
}

fn upgrade(cache: &Cache, marked: &mut Marked) -> Result<()> {
    cache
        .upgrade(Upgrade::FullUpgrade)
        .map_err(|e| error::library(&error::messages(&e)))?;
    for pkg in cache.iter() {
        if pkg.is_installed() && cache.depcache().is_upgradable(&pkg) && !pkg.marked_install() {
            marked.warnings.push(format!(
                "{} is kept back at {}",
                pkg.fullname(true),
                pkg.installed()
                    .map(|v| v.version().to_owned())
                    .unwrap_or_default()
            ));
        }
    }
    Ok(())
}

/// Runs libapt's problem resolver; a failure is reported from the broken packages.
fn resolve(cache: &Cache) -> Result<()> {
    if let Err(e) = cache.resolve(true) {
        let messages = error::messages(&e);
        return Err(broken::error(cache).unwrap_or_else(|| error::library(&messages)));
    }
    Ok(())
}

/// Indexes of the installed packages libapt's mark and sweep finds unneeded.
fn garbage(cache: &Cache) -> HashSet<usize> {
    cache
        .iter()
        .filter(|pkg| pkg.is_installed() && cache.depcache().is_garbage(pkg))
        .map(|pkg| pkg.index())
        .collect()
}

/// The package an install target names, with the version it asks for made the candidate:
/// `name` (or `name:arch`), `name=version`, `name/release` (a release's codename or suite,
/// as apt takes it), or `repository/name` with the repository as omg shows it
/// (`bookworm/main/bash`, or just the codename or suite: `bookworm/bash`), or a path to a
/// `.deb` file (`./foo.deb`: the cache must have been opened with it, see
/// [`local_deb::files`]). `None` for a virtual package a package installed now provides
/// (noted in `marked`).
fn select<'a>(cache: &'a Cache, target: &str, marked: &mut Marked) -> Result<Option<Package<'a>>> {
    if local_deb::is_path(target) {
        let file = local_deb::check(target)?;
        let Some(version) = local_deb::version(cache, &file) else {
            return Err(Error::InvalidRequest(format!(
                "{target}: libapt found no package in it"
            )));
        };
        version.set_candidate();
        return Ok(Some(version.parent()));
    }
    if cache.get(target).is_none() {
        if let Some(e) = local_deb::name_is_a_file(target) {
            return Err(e);
        }
    }
    if let Some((name, version)) = target.split_once('=') {
        let pkg = find(cache, name, false)?;
        let Some(wanted) = pkg.get_version(version) else {
            let known: Vec<String> = pkg.versions().map(|v| v.version().to_owned()).collect();
            return Err(Error::InvalidRequest(format!(
                "version '{version}' of {name} is not available (there is {})",
                known.join(", ")
            )));
        };
        wanted.set_candidate();
        return Ok(Some(pkg));
    }
    if let Some((left, right)) = target.rsplit_once('/') {
        let labels = query::labels(cache);
        let in_release = |v: &Version<'_>, release: &str| {
            v.package_files()
                .any(|f| f.codename() == Some(release) || f.archive() == Some(release))
                || query::repository_of(v, &labels) == release
        };
        // apt's name/release.
        if let Some(pkg) = cache.get(left).filter(|p| p.has_versions()) {
            if let Some(v) = pkg.versions().find(|v| in_release(v, right)) {
                v.set_candidate();
                follow_release(&v, &|d: &Version<'_>| in_release(d, right), 8);
                return Ok(Some(pkg));
            }
        }
        // omg's repository/name.
        if let Some(pkg) = cache.get(right).filter(|p| p.has_versions()) {
            if let Some(v) = pkg.versions().find(|v| in_release(v, left)) {
                v.set_candidate();
                follow_release(&v, &|d: &Version<'_>| in_release(d, left), 8);
                return Ok(Some(pkg));
            }
            return Err(Error::InvalidRequest(format!(
                "{right} is not in the repository '{left}' (nor is there a release '{right}' of a package {left})"
            )));
        }
        return Err(Error::NotFound {
            name: target.to_owned(),
            suggestions: suggestions(cache, right, false),
        });
    }
    if let Some(pkg) = cache.get(target).filter(|p| !p.has_versions()) {
        if let Some(provider) = pkg
            .provides()
            .map(|p| p.package())
            .find(|p| p.is_installed())
        {
            marked.warnings.push(format!(
                "{target} is provided by {} {}, which is installed",
                provider.fullname(true),
                provider
                    .installed()
                    .map(|v| v.version().to_owned())
                    .unwrap_or_default()
            ));
            return Ok(None);
        }
    }
    find(cache, target, false).map(Some)
}

/// What apt's `SetCandidateRelease` does for `name/release`: a dependency of `version` the
/// candidates do not satisfy takes the version of the same release that does (and so on,
/// `depth` levels down).
fn follow_release(version: &Version<'_>, in_release: &dyn Fn(&Version<'_>) -> bool, depth: usize) {
    if depth == 0 {
        return;
    }
    let Some(deps) = version.dependencies() else {
        return;
    };
    for dep in deps {
        let targets: Vec<Version<'_>> = dep.iter().flat_map(|b| b.all_targets()).collect();
        let satisfied = targets.iter().any(|t| {
            t.parent()
                .candidate()
                .is_some_and(|c| c.version() == t.version())
        });
        if satisfied {
            continue;
        }
        if let Some(t) = targets.iter().find(|t| in_release(t)) {
            t.set_candidate();
            follow_release(t, in_release, depth - 1);
        }
    }
}

/// The package `name` (`name` or `name:arch`) names: itself, or the one package providing
/// it when it is virtual (the one installed, for a removal).
fn find<'a>(cache: &'a Cache, name: &str, installed: bool) -> Result<Package<'a>> {
    if let Some(pkg) = cache.get(name) {
        if pkg.has_versions() {
            return Ok(pkg);
        }
        let mut providers: Vec<Package<'a>> = pkg
            .provides()
            .map(|p| p.package())
            .filter(|p| !installed || p.is_installed())
            .collect();
        providers.sort_by_key(|p| p.fullname(true));
        providers.dedup_by_key(|p| p.index());
        match providers.len() {
            0 => {}
            1 => return Ok(providers.remove(0)),
            _ => {
                let names: Vec<String> = providers.iter().map(|p| p.fullname(true)).collect();
                return Err(Error::InvalidRequest(format!(
                    "{name} is a virtual package provided by {}; name one of them",
                    names.join(", ")
                )));
            }
        }
    }
    Err(Error::NotFound {
        name: name.to_owned(),
        suggestions: suggestions(cache, name, installed),
    })
}

/// Up to three known names close to `name` (installed ones only, for a removal).
fn suggestions(cache: &Cache, name: &str, installed: bool) -> Vec<String> {
    let mut scored: Vec<(f64, String)> = cache
        .iter()
        .filter(|pkg| pkg.has_versions() && (!installed || pkg.is_installed()))
        .filter_map(|pkg| {
            let candidate = pkg.name();
            let score = strsim::jaro_winkler(name, candidate);
            (score >= 0.8).then(|| (score, candidate.to_owned()))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(3).map(|(_, n)| n).collect()
}

/// The plan of what is marked in `cache`'s DepCache: removals first, then installations,
/// each sorted by name. `archives` is `Dir::Cache::Archives`.
pub(crate) fn build(cache: &Cache, marked: Marked, archives: &Path) -> Plan {
    let labels = query::labels(cache);
    let mut removals = Vec::new();
    let mut installs = Vec::new();
    for pkg in cache.get_changes(true) {
        let installed = pkg.installed();
        let name = pkg.fullname(true);
        let reason = Some(install_reason(pkg.is_auto_installed()));
        if pkg.marked_delete() {
            removals.push(PlannedAction {
                kind: ActionKind::Remove,
                name,
                old_version: installed.as_ref().map(|v| v.version().to_owned()),
                new_version: None,
                repository: None,
                download_size: 0,
                installed_size: installed.as_ref().map_or(0, |v| v.installed_size()),
                reason,
            });
            continue;
        }
        let Some(new) = pkg.install_version() else {
            continue;
        };
        let kind = if pkg.marked_new_install() {
            ActionKind::Install
        } else if pkg.marked_upgrade() {
            ActionKind::Upgrade
        } else if pkg.marked_downgrade() {
            ActionKind::Downgrade
        } else if pkg.marked_reinstall() {
            ActionKind::Reinstall
        } else if installed.is_none() {
            ActionKind::Install
        } else {
            continue;
        };
        // A package file given on the command line: read where it is, from no repository.
        let from_file = local_deb::is_from_file(&new);
        installs.push(PlannedAction {
            kind,
            name,
            old_version: installed.as_ref().map(|v| v.version().to_owned()),
            new_version: Some(new.version().to_owned()),
            repository: (!from_file).then(|| query::repository_of(&new, &labels)),
            download_size: if from_file {
                0
            } else {
                download_size(&pkg, &new, archives)
            },
            installed_size: new.installed_size(),
            reason,
        });
    }
    let actions: Vec<PlannedAction> = removals.into_iter().chain(installs).collect();
    let download_size = actions.iter().map(|a| a.download_size).sum();
    let installed_size_delta = actions
        .iter()
        .map(|a| {
            let size = i64::try_from(a.installed_size).unwrap_or(i64::MAX);
            match a.kind {
                ActionKind::Remove => -size,
                _ => {
                    let old = a
                        .old_version
                        .as_ref()
                        .and_then(|_| cache.get(&a.name))
                        .and_then(|p| p.installed())
                        .map_or(0, |v| i64::try_from(v.installed_size()).unwrap_or(0));
                    size - old
                }
            }
        })
        .sum();
    let mut warnings = marked.warnings;
    for name in &marked.mark_manual {
        warnings.push(format!("{name} will be marked as explicitly installed"));
    }
    Plan {
        actions,
        download_size,
        installed_size_delta,
        warnings,
        held: Vec::new(),
    }
}

/// Bytes to download for `version`: none when it comes from a local `file:` repository
/// (libapt reads the file where it is) or its archive is already in `archives` with the
/// right size.
fn download_size(pkg: &Package<'_>, version: &Version<'_>, archives: &Path) -> u64 {
    let size = version.size();
    if version
        .uris()
        .next()
        .is_some_and(|uri| uri.starts_with("file:"))
    {
        return 0;
    }
    let file = archives.join(archive_name(pkg.name(), version.version(), version.arch()));
    match std::fs::metadata(file) {
        Ok(meta) if meta.len() == size => 0,
        _ => size,
    }
}

/// The file name libapt gives a downloaded archive: `name_version_arch.deb` with `_` and
/// `:` (and `.` in the architecture) written as `%xx`.
pub(crate) fn archive_name(name: &str, version: &str, arch: &str) -> String {
    format!(
        "{}_{}_{}.deb",
        quote(name, "_:"),
        quote(version, "_:"),
        quote(arch, "_:.")
    )
}

fn quote(text: &str, bad: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if bad.contains(c) || c == '%' || (c as u32) <= 0x20 || (c as u32) >= 0x7f {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_names_are_quoted_like_libapt() {
        assert_eq!(
            archive_name("omg-test-a", "1:1.0", "all"),
            "omg-test-a_1%3a1.0_all.deb"
        );
        assert_eq!(archive_name("a_b", "1.0", "amd64"), "a%5fb_1.0_amd64.deb");
    }
}
