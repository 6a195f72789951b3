//! A prepared libalpm transaction as omg's [`Plan`]: what it adds and removes, with versions,
//! repositories, sizes and install reasons.

use std::cmp::Ordering;

use alpm::{Alpm, PackageReason};
use omg_ports::{ActionKind, InstallReason, Plan, PlannedAction};

/// The plan of the prepared transaction on `alpm`: removals first (libalpm removes replaced
/// and conflicting packages before it installs), then installations in libalpm's order.
pub(crate) fn from_prepared(alpm: &Alpm) -> Plan {
    let local = alpm.localdb();
    let mut plan = Plan::default();
    let mut delta: i64 = 0;
    for old in alpm.trans_remove() {
        let size = size(old.isize());
        delta -= size as i64;
        plan.actions.push(PlannedAction {
            kind: ActionKind::Remove,
            name: old.name().to_string(),
            old_version: Some(old.version().to_string()),
            new_version: None,
            repository: None,
            download_size: 0,
            installed_size: size,
            reason: Some(reason(old.reason())),
        });
    }
    for new in alpm.trans_add() {
        let old = local.pkg(new.name()).ok();
        let kind = match old.map(|o| new.version().vercmp(o.version())) {
            None => ActionKind::Install,
            Some(Ordering::Greater) => ActionKind::Upgrade,
            Some(Ordering::Less) => ActionKind::Downgrade,
            Some(Ordering::Equal) => ActionKind::Reinstall,
        };
        if kind == ActionKind::Reinstall {
            plan.warnings.push(format!(
                "{}-{} is up to date -- reinstalling",
                new.name(),
                new.version()
            ));
        }
        if kind == ActionKind::Downgrade {
            plan.warnings.push(format!(
                "{} will be downgraded from {} to {}",
                new.name(),
                old.map(|o| o.version().to_string()).unwrap_or_default(),
                new.version()
            ));
        }
        let installed_size = size(new.isize());
        delta += installed_size as i64 - old.map_or(0, |o| size(o.isize()) as i64);
        let download_size = size(new.download_size());
        plan.download_size += download_size;
        plan.actions.push(PlannedAction {
            kind,
            name: new.name().to_string(),
            old_version: old.map(|o| o.version().to_string()),
            new_version: Some(new.version().to_string()),
            repository: new.db().map(|db| db.name().to_string()),
            download_size,
            installed_size,
            // libalpm keeps the reason of an installed package; new ones are explicit when
            // asked for and dependencies when pulled in.
            reason: Some(reason(old.map_or(new.reason(), |o| o.reason()))),
        });
    }
    plan.installed_size_delta = delta;
    plan
}

fn size(bytes: i64) -> u64 {
    u64::try_from(bytes).unwrap_or(0)
}

pub(crate) fn reason(r: PackageReason) -> InstallReason {
    match r {
        PackageReason::Explicit => InstallReason::Explicit,
        PackageReason::Depend => InstallReason::Dependency,
    }
}
