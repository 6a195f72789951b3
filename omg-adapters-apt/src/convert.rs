//! Small, pure conversions from apt's vocabulary to omg's.

use omg_ports::InstallReason;

/// The repository of a version that only dpkg's status file has: installed, from no
/// repository the cache knows.
pub(crate) const LOCAL: &str = "local";

fn real(value: Option<&str>) -> Option<&str> {
    value
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "now")
}

/// The label of a package file, as omg shows a repository: `<suite>/<component>`.
///
/// The suite is the release's codename (`bookworm`, `bookworm-security`, `jammy-updates`),
/// else its archive (`stable`, `oldstable-security`), because the codename is what a
/// sources.list names and it does not move when a release ages. Without both, the component
/// alone, then the site, then `unknown`. dpkg's status file (archive `now`) has no label.
pub(crate) fn repository_label(
    codename: Option<&str>,
    archive: Option<&str>,
    component: Option<&str>,
    site: Option<&str>,
) -> String {
    let suite = real(codename).or(real(archive));
    match (suite, real(component)) {
        (Some(suite), Some(component)) => format!("{suite}/{component}"),
        (Some(suite), None) => suite.to_owned(),
        (None, Some(component)) => component.to_owned(),
        (None, None) => real(site).unwrap_or("unknown").to_owned(),
    }
}

/// apt's auto-installed mark as omg's reason.
pub(crate) fn install_reason(auto_installed: bool) -> InstallReason {
    if auto_installed {
        InstallReason::Dependency
    } else {
        InstallReason::Explicit
    }
}

/// A relationship field (`Depends`, `Provides`, ...) as its comma-separated entries, in
/// apt's syntax (`libc6 (>= 2.34)`, `a | b`), with folded whitespace collapsed.
pub(crate) fn relations(field: &str) -> Vec<String> {
    field
        .split(',')
        .map(|entry| entry.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|entry| !entry.is_empty())
        .collect()
}

/// The summary line of a description.
pub(crate) fn summary_line(description: &str) -> String {
    description.lines().next().unwrap_or("").trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_prefer_codename_then_archive() {
        let l = repository_label;
        assert_eq!(
            l(Some("bookworm"), Some("oldstable"), Some("main"), None),
            "bookworm/main"
        );
        assert_eq!(
            l(None, Some("stable-security"), Some("main"), None),
            "stable-security/main"
        );
        assert_eq!(l(Some("nodistro"), None, Some(""), None), "nodistro");
        assert_eq!(l(None, None, Some("main"), None), "main");
        assert_eq!(l(None, Some("now"), Some("now"), None), "unknown");
        assert_eq!(
            l(None, None, None, Some("deb.example.org")),
            "deb.example.org"
        );
    }

    #[test]
    fn relations_keep_apt_syntax() {
        assert_eq!(
            relations("libc6 (>= 2.34), a | b (<< 2),\n  c:any"),
            vec!["libc6 (>= 2.34)", "a | b (<< 2)", "c:any"]
        );
        assert!(relations(" ").is_empty());
    }

    #[test]
    fn reasons_and_summaries() {
        assert_eq!(install_reason(true), InstallReason::Dependency);
        assert_eq!(install_reason(false), InstallReason::Explicit);
        assert_eq!(summary_line(" short\n long text"), "short");
        assert_eq!(summary_line(""), "");
    }
}
