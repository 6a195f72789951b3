//! dpkg's failures, as libapt reports them from dpkg's status descriptor, as typed errors.

use std::path::{Path, PathBuf};

use omg_ports::Error;

use super::commit::free_space;
use crate::error::library;

/// The error for a failed dpkg run: `errors` are dpkg's `(package, message)` pairs,
/// `messages` libapt's own, `root` the file system packages go to and `needed` the planned
/// growth of the installed size.
pub(crate) fn error(
    errors: &[(String, String)],
    messages: &[String],
    root: &Path,
    needed: i64,
) -> Error {
    for (pkg, message) in errors {
        if let Some((path, owner)) = overwrite(message) {
            return Error::FileConflict {
                package: package_name(pkg),
                path,
                owner: Some(owner),
            };
        }
    }
    let all = errors
        .iter()
        .map(|(_, m)| m.as_str())
        .chain(messages.iter().map(String::as_str));
    if all.clone().any(|m| m.contains("No space left on device")) {
        return Error::DiskSpace {
            mount: root.to_path_buf(),
            needed: needed.max(0).unsigned_abs(),
            available: free_space(root).unwrap_or(0),
        };
    }
    let mut text: Vec<String> = errors
        .iter()
        .map(|(pkg, m)| format!("dpkg: {}: {}", package_name(pkg), m.trim()))
        .collect();
    text.extend(messages.iter().cloned());
    library(&text)
}

/// `(path, owner)` of dpkg's `trying to overwrite '/x', which is also in package y 1.0`.
fn overwrite(message: &str) -> Option<(PathBuf, String)> {
    let rest = message.split("trying to overwrite '").nth(1)?;
    let (path, rest) = rest.split_once('\'')?;
    let owner = rest.split("which is also in package ").nth(1)?;
    let owner = owner.split_whitespace().next()?;
    Some((PathBuf::from(path), owner.trim_end_matches(',').to_owned()))
}

/// The package libapt names in a dpkg error: a name, `name:arch`, or an archive's path
/// (`/var/cache/apt/archives/name_1.0_all.deb`).
fn package_name(reported: &str) -> String {
    let file = reported.rsplit('/').next().unwrap_or(reported);
    let name = match file.strip_suffix(".deb") {
        Some(stem) => stem.split('_').next().unwrap_or(stem),
        None => file,
    };
    name.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overwrite_errors_name_the_file_and_its_owner() {
        let m = "trying to overwrite '/usr/share/omg-test/shared.txt', which is also in package omg-test-b 1.0";
        assert_eq!(
            overwrite(m),
            Some((
                PathBuf::from("/usr/share/omg-test/shared.txt"),
                "omg-test-b".to_owned()
            ))
        );
        assert_eq!(
            overwrite("subprocess installed post-installation script returned error exit status 1"),
            None
        );
    }

    #[test]
    fn packages_are_named_from_archives_too() {
        assert_eq!(
            package_name("/var/cache/apt/archives/omg-test-d_1.0_all.deb"),
            "omg-test-d"
        );
        assert_eq!(package_name("omg-test-d:amd64"), "omg-test-d:amd64");
    }

    #[test]
    fn other_failures_keep_dpkg_messages() {
        let e = error(
            &[("foo".into(), "post-installation script failed".into())],
            &["Sub-process /usr/bin/dpkg returned an error code (1)".into()],
            Path::new("/"),
            0,
        );
        let text = e.to_string();
        assert!(
            text.contains("dpkg: foo: post-installation script failed"),
            "{text}"
        );
        assert!(text.contains("returned an error code"), "{text}");
    }
}
