//! Undoing and redoing a recorded transaction: which packages to remove, which versions of
//! which packages to install, and the transactions that do it.
//!
//! [`undo`] inverts an entry's actions (what it installed is removed; what it upgraded,
//! downgraded or removed is installed again at its old version); [`redo`] applies them again
//! (new versions installed, removed packages removed). [`transactions`] asks the backend
//! where each version can be had ([`PackageBackend::version_target`]) and refuses, naming
//! every missing package and version, when any cannot: then nothing is done.

use omg_ports::{
    ActionKind, Error, HistoryEntry, HistoryResult, InstallReason, PackageBackend, PlannedAction,
    Result, Transaction,
};

/// A package at an exact version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    /// Package name.
    pub name: String,
    /// The version to install; `None` when the history does not know it (an entry written
    /// without it), which [`transactions`] reports as not to be had.
    pub version: Option<String>,
}

/// The package changes that undo or redo an entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reversal {
    /// Packages to install at exact versions (downgrades and upgrades included).
    pub install: Vec<Wanted>,
    /// Installed packages to remove.
    pub remove: Vec<String>,
    /// Packages of [`Reversal::install`] that were installed as dependencies: installing a
    /// package by name or file marks it explicitly installed, so they are marked again
    /// afterwards (and stay removable once nothing needs them).
    pub dependencies: Vec<String>,
}

/// What undoes `entry`: each package it installed is removed, each it upgraded, downgraded
/// or removed is installed at its old version. Reinstalls need nothing.
///
/// # Errors
///
/// [`Error::InvalidRequest`] when the entry did not complete (what it changed is not
/// known) or changed no package (a refresh, a cache cleaning, install reasons).
pub fn undo(entry: &HistoryEntry) -> Result<Reversal> {
    usable(entry, "undone")?;
    let mut reversal = Reversal::default();
    for action in &entry.actions {
        match action.kind {
            ActionKind::Install => reversal.remove.push(action.name.clone()),
            ActionKind::Upgrade | ActionKind::Downgrade | ActionKind::Remove => {
                reversal
                    .install
                    .push(at(action, action.old_version.as_ref()));
                dependency(&mut reversal, action);
            }
            ActionKind::Reinstall | ActionKind::DeleteFile => {}
        }
    }
    nonempty(entry, reversal, "undo")
}

/// What applies `entry` again: each package it installed, upgraded, downgraded or
/// reinstalled is installed at its new version, each it removed is removed. Redoing an
/// undo's entry undoes the original again.
///
/// # Errors
///
/// As [`undo`].
pub fn redo(entry: &HistoryEntry) -> Result<Reversal> {
    usable(entry, "redone")?;
    let mut reversal = Reversal::default();
    for action in &entry.actions {
        match action.kind {
            ActionKind::Install
            | ActionKind::Upgrade
            | ActionKind::Downgrade
            | ActionKind::Reinstall => {
                reversal
                    .install
                    .push(at(action, action.new_version.as_ref()));
                dependency(&mut reversal, action);
            }
            ActionKind::Remove => reversal.remove.push(action.name.clone()),
            ActionKind::DeleteFile => {}
        }
    }
    nonempty(entry, reversal, "redo")
}

/// The transactions that carry `reversal` out, in order: first the installs (old versions
/// back before what needed the new ones goes), then the removals.
///
/// # Errors
///
/// [`Error::InvalidRequest`] naming each package and version that neither the backend's
/// package cache nor a repository has (nothing is done then), and the backend's errors.
pub async fn transactions(
    backend: &dyn PackageBackend,
    reversal: &Reversal,
) -> Result<Vec<Transaction>> {
    let mut targets = Vec::new();
    let mut missing = Vec::new();
    for wanted in &reversal.install {
        let target = match &wanted.version {
            Some(version) => backend.version_target(&wanted.name, version).await?,
            None => None,
        };
        match target {
            Some(target) => targets.push(target),
            None => missing.push(match &wanted.version {
                Some(version) => format!("{} {version}", wanted.name),
                None => format!("{} (version not recorded)", wanted.name),
            }),
        }
    }
    if !missing.is_empty() {
        return Err(Error::InvalidRequest(format!(
            "these versions are neither in the package cache nor in a repository: {}; \
             nothing was changed",
            missing.join(", ")
        )));
    }
    let mut txs = Vec::new();
    if !targets.is_empty() {
        txs.push(Transaction::Install(targets));
    }
    if !reversal.remove.is_empty() {
        txs.push(Transaction::Remove {
            names: reversal.remove.clone(),
            recursive: false,
        });
    }
    Ok(txs)
}

fn at(action: &PlannedAction, version: Option<&String>) -> Wanted {
    Wanted {
        name: action.name.clone(),
        version: version.cloned(),
    }
}

/// Notes `action`'s package in [`Reversal::dependencies`] when it was a dependency.
fn dependency(reversal: &mut Reversal, action: &PlannedAction) {
    if action.reason == Some(InstallReason::Dependency) {
        reversal.dependencies.push(action.name.clone());
    }
}

fn usable(entry: &HistoryEntry, done: &str) -> Result<()> {
    match &entry.result {
        HistoryResult::Success => Ok(()),
        HistoryResult::Failed(why) => Err(Error::InvalidRequest(format!(
            "transaction {} did not complete ({why}), so what it changed is not known; it \
             cannot be {done}",
            entry.id
        ))),
    }
}

fn nonempty(entry: &HistoryEntry, reversal: Reversal, what: &str) -> Result<Reversal> {
    if reversal.install.is_empty() && reversal.remove.is_empty() {
        return Err(Error::InvalidRequest(format!(
            "transaction {} ({}) changed no installed package; there is nothing to {what}",
            entry.id, entry.verb
        )));
    }
    Ok(reversal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use omg_ports::MockPackageBackend;

    fn action(kind: ActionKind, name: &str, old: Option<&str>, new: Option<&str>) -> PlannedAction {
        PlannedAction {
            kind,
            name: name.into(),
            old_version: old.map(Into::into),
            new_version: new.map(Into::into),
            repository: None,
            download_size: 0,
            installed_size: 0,
            reason: None,
        }
    }

    fn entry(actions: Vec<PlannedAction>) -> HistoryEntry {
        HistoryEntry {
            id: 7,
            started_at: 0,
            duration_ms: 0,
            command: "omg install a".into(),
            verb: "install".into(),
            user: None,
            actions,
            reasons: Vec::new(),
            result: HistoryResult::Success,
        }
    }

    fn wanted(name: &str, version: &str) -> Wanted {
        Wanted {
            name: name.into(),
            version: Some(version.into()),
        }
    }

    fn mixed() -> HistoryEntry {
        let dependency = |mut a: PlannedAction| {
            a.reason = Some(InstallReason::Dependency);
            a
        };
        entry(vec![
            dependency(action(ActionKind::Install, "new", None, Some("1-1"))),
            action(ActionKind::Upgrade, "up", Some("1-1"), Some("2-1")),
            action(ActionKind::Downgrade, "down", Some("3-1"), Some("2-1")),
            dependency(action(ActionKind::Remove, "gone", Some("5-1"), None)),
            action(ActionKind::Reinstall, "same", Some("1-1"), Some("1-1")),
        ])
    }

    #[test]
    fn undo_removes_the_installed_and_brings_back_the_old_versions() {
        let r = undo(&mixed()).unwrap();
        assert_eq!(r.remove, ["new"]);
        // What comes back as it was installed: a dependency again.
        assert_eq!(r.dependencies, ["gone"]);
        assert_eq!(
            r.install,
            [
                wanted("up", "1-1"),
                wanted("down", "3-1"),
                wanted("gone", "5-1")
            ]
        );
    }

    #[test]
    fn redo_applies_the_new_versions_and_the_removals_again() {
        let r = redo(&mixed()).unwrap();
        assert_eq!(r.remove, ["gone"]);
        assert_eq!(r.dependencies, ["new"]);
        assert_eq!(
            r.install,
            [
                wanted("new", "1-1"),
                wanted("up", "2-1"),
                wanted("down", "2-1"),
                wanted("same", "1-1")
            ]
        );
    }

    #[test]
    fn redoing_an_undo_is_the_original_again() {
        // The undo of "install new, upgrade up 1-1 -> 2-1" as the history records it.
        let undone = entry(vec![
            action(ActionKind::Downgrade, "up", Some("2-1"), Some("1-1")),
            action(ActionKind::Remove, "new", Some("1-1"), None),
        ]);
        let r = redo(&undone).unwrap();
        assert_eq!(r.install, [wanted("up", "1-1")]);
        assert_eq!(r.remove, ["new"]);
        let back = undo(&undone).unwrap();
        assert_eq!(back.install, [wanted("up", "2-1"), wanted("new", "1-1")]);
        assert!(back.remove.is_empty());
    }

    #[test]
    fn failed_and_empty_entries_are_refused() {
        let mut failed = mixed();
        failed.result = HistoryResult::Failed("interrupted".into());
        let e = undo(&failed).unwrap_err().to_string();
        assert!(
            e.contains("transaction 7 did not complete (interrupted)"),
            "{e}"
        );
        assert!(redo(&failed).is_err());
        let mut clean = entry(vec![action(
            ActionKind::DeleteFile,
            "/var/cache/x.pkg.tar.zst",
            None,
            None,
        )]);
        clean.verb = "clean".into();
        let e = undo(&clean).unwrap_err().to_string();
        assert!(
            e.contains("transaction 7 (clean) changed no installed package"),
            "{e}"
        );
        assert!(undo(&entry(Vec::new())).is_err());
        assert!(redo(&entry(Vec::new())).is_err());
    }

    #[test]
    fn an_unrecorded_old_version_is_kept_as_unknown() {
        let r = undo(&entry(vec![action(ActionKind::Remove, "x", None, None)])).unwrap();
        assert_eq!(
            r.install,
            [Wanted {
                name: "x".into(),
                version: None
            }]
        );
    }

    fn backend_with(
        found: &'static [(&'static str, &'static str, &'static str)],
    ) -> MockPackageBackend {
        let mut backend = MockPackageBackend::new();
        backend
            .expect_version_target()
            .returning(move |name, version| {
                Ok(found
                    .iter()
                    .find(|(n, v, _)| *n == name && *v == version)
                    .map(|(_, _, target)| target.to_string()))
            });
        backend
    }

    #[tokio::test]
    async fn transactions_install_the_targets_first_then_remove() {
        let backend = backend_with(&[
            ("up", "1-1", "/cache/up-1-1-any.pkg.tar.zst"),
            ("gone", "5-1", "core/gone"),
        ]);
        let reversal = Reversal {
            install: vec![wanted("up", "1-1"), wanted("gone", "5-1")],
            remove: vec!["new".into()],
            dependencies: Vec::new(),
        };
        let txs = transactions(&backend, &reversal).await.unwrap();
        assert_eq!(
            txs,
            [
                Transaction::Install(vec![
                    "/cache/up-1-1-any.pkg.tar.zst".into(),
                    "core/gone".into()
                ]),
                Transaction::Remove {
                    names: vec!["new".into()],
                    recursive: false
                }
            ]
        );
        let only_removal = Reversal {
            install: Vec::new(),
            remove: vec!["new".into()],
            dependencies: Vec::new(),
        };
        let txs = transactions(&backend, &only_removal).await.unwrap();
        assert_eq!(txs.len(), 1);
    }

    #[tokio::test]
    async fn every_missing_version_is_named_and_nothing_is_planned() {
        let backend = backend_with(&[("up", "1-1", "/cache/up-1-1-any.pkg.tar.zst")]);
        let reversal = Reversal {
            install: vec![
                wanted("up", "1-1"),
                wanted("gone", "5-1"),
                Wanted {
                    name: "old".into(),
                    version: None,
                },
            ],
            remove: vec!["new".into()],
            dependencies: Vec::new(),
        };
        let e = transactions(&backend, &reversal)
            .await
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(
                "neither in the package cache nor in a repository: gone 5-1, old (version not \
                 recorded); nothing was changed"
            ),
            "{e}"
        );
    }

    #[tokio::test]
    async fn a_backend_error_is_passed_on() {
        let mut backend = MockPackageBackend::new();
        backend
            .expect_version_target()
            .returning(|_, _| Err(Error::InvalidRequest("cache unreadable".into())));
        let reversal = Reversal {
            install: vec![wanted("up", "1-1")],
            remove: Vec::new(),
            dependencies: Vec::new(),
        };
        let e = transactions(&backend, &reversal).await.unwrap_err();
        assert_eq!(e.to_string(), "invalid request: cache unreadable");
    }
}
