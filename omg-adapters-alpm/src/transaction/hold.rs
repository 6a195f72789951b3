//! pacman's `HoldPkg`: packages `pacman.conf` says are not to be removed without asking.
//!
//! pacman warns for each one in a removal and asks "HoldPkg was found in target list. Do you
//! want to continue?", defaulting to no (so `--noconfirm` refuses the whole removal). omg
//! asks the same on a terminal (the CLI, from [`omg_ports::Plan::held`]); otherwise a
//! [`omg_ports::Transaction::Remove`] leaves the held targets out, with a warning naming
//! each and why, and removes the rest: the plan and the commit compute the same split
//! ([`split`]). A held package the removal would still take (a dependency that
//! `--recursive` finds unneeded) is refused before anything changes. A
//! [`omg_ports::Transaction::RemoveHeld`] (after the user confirmed) removes them too.

use std::ffi::CString;

use omg_ports::{ActionKind, Error, Plan};

/// The packages `plan` removes that match one of the `HoldPkg` `patterns` (shell globs,
/// matched with fnmatch(3) as pacman does).
pub(crate) fn held<'p>(plan: &'p Plan, patterns: &[String]) -> Vec<&'p str> {
    plan.actions
        .iter()
        .filter(|a| a.kind == ActionKind::Remove)
        .map(|a| a.name.as_str())
        .filter(|name| patterns.iter().any(|p| glob_matches(p, name)))
        .collect()
}

/// `names` split into those to remove and the held ones left out.
pub(crate) fn split(names: &[String], patterns: &[String]) -> (Vec<String>, Vec<String>) {
    names
        .iter()
        .cloned()
        .partition(|name| !patterns.iter().any(|p| glob_matches(p, name)))
}

/// The warning for each held target a removal leaves out.
pub(crate) fn left_out(held: &[String]) -> Vec<String> {
    held.iter()
        .map(|name| {
            format!(
                "{name} is designated as HoldPkg in pacman.conf: not removed (confirm it on a \
                 terminal, without --yes)"
            )
        })
        .collect()
}

/// One warning per held package, for the plan.
pub(crate) fn warnings(held: &[&str]) -> Vec<String> {
    held.iter()
        .map(|name| format!("{name} is designated as a HoldPkg in pacman.conf"))
        .collect()
}

/// The refusal of a commit that would remove `held`.
pub(crate) fn refusal(held: &[&str]) -> Error {
    let (subject, verb) = match held {
        [one] => ((*one).to_string(), "is"),
        _ => (held.join(", "), "are"),
    };
    Error::InvalidRequest(format!(
        "{subject} {verb} designated as HoldPkg in pacman.conf; omg does not remove held \
         packages (remove them from HoldPkg, or use pacman -R and confirm, if you really mean it)"
    ))
}

fn glob_matches(pattern: &str, name: &str) -> bool {
    let (Ok(pattern), Ok(name)) = (CString::new(pattern), CString::new(name)) else {
        return false;
    };
    // SAFETY: two NUL-terminated strings that live across the call; fnmatch only reads them.
    unsafe { libc::fnmatch(pattern.as_ptr(), name.as_ptr(), 0) == 0 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use omg_ports::PlannedAction;

    fn plan(actions: &[(ActionKind, &str)]) -> Plan {
        Plan {
            actions: actions
                .iter()
                .map(|(kind, name)| PlannedAction {
                    kind: *kind,
                    name: (*name).to_string(),
                    old_version: None,
                    new_version: None,
                    repository: None,
                    download_size: 0,
                    installed_size: 0,
                    reason: None,
                })
                .collect(),
            ..Plan::default()
        }
    }

    #[test]
    fn held_targets_are_split_off() {
        let names: Vec<String> = ["vim", "glibc", "linux-lts"].map(String::from).to_vec();
        let patterns = ["glibc".to_string(), "linux*".into()];
        let (rest, held) = split(&names, &patterns);
        assert_eq!(rest, ["vim"]);
        assert_eq!(held, ["glibc", "linux-lts"]);
        assert!(left_out(&held)[0].starts_with("glibc is designated as HoldPkg"));
    }

    #[test]
    fn removals_matching_a_pattern_are_held() {
        let p = plan(&[
            (ActionKind::Remove, "glibc"),
            (ActionKind::Remove, "linux-lts"),
            (ActionKind::Remove, "vim"),
            (ActionKind::Upgrade, "pacman"),
        ]);
        let patterns = ["pacman".to_string(), "glibc".into(), "linux*".into()];
        assert_eq!(held(&p, &patterns), ["glibc", "linux-lts"]);
        assert!(held(&p, &[]).is_empty());
        assert!(held(&p, &["lin?x".to_string()]).is_empty());
    }

    #[test]
    fn the_refusal_names_the_packages() {
        let one = refusal(&["glibc"]).to_string();
        assert!(one.contains("glibc is designated as HoldPkg"), "{one}");
        let two = refusal(&["glibc", "pacman"]).to_string();
        assert!(two.contains("glibc, pacman are designated"), "{two}");
    }
}
