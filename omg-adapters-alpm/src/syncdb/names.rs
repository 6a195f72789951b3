//! Entry paths of a sync database (`name-pkgver-pkgrel/desc`), split and checked the way
//! libalpm does it (`_alpm_splitname`, `_alpm_pkg_check_meta`).

use memchr::{memchr, memchr3, memrchr};

use crate::pacman_conf::glob::wildcard_match;

/// libalpm's `NAME_MAX` bound on `name-version`, the local database's directory name.
const NAME_MAX: usize = 255;

/// The package directory of `path` split into name and version, like `_alpm_splitname`: the
/// directory is what precedes the first `/`, and the last two `-` in it start the version.
/// `None` when there are not two `-` or the name would be empty: libalpm's "invalid name for
/// database entry".
pub(super) fn split(path: &[u8]) -> Option<(&[u8], &[u8])> {
    let dir = memchr(b'/', path).map_or(path, |slash| &path[..slash]);
    let rel = memrchr(b'-', dir)?;
    let ver = memrchr(b'-', &dir[..rel])?;
    if ver == 0 {
        return None;
    }
    Some((&dir[..ver], &dir[ver + 1..]))
}

/// The file name of `path`: what follows its last `/`, or `None` for a path without one.
pub(super) fn file_name(path: &[u8]) -> Option<&[u8]> {
    memrchr(b'/', path).map(|slash| &path[slash + 1..])
}

/// What `_alpm_pkg_check_meta` objects to in a new package named `name` at `version` (each
/// problem is one libalpm error; libalpm then refuses the entry).
pub(super) fn meta_problems(name: &[u8], version: &[u8]) -> Vec<&'static str> {
    let mut problems = Vec::new();
    if matches!(name.first(), Some(b'-' | b'.')) {
        problems.push("package name cannot start with '.' or '-'");
    }
    // libalpm calls fnmatch with the name as the pattern and the character class as the
    // text, so only a name that is itself a matching pattern trips it.
    if memchr3(b'*', b'?', b'[', name).is_some()
        && wildcard_match(&String::from_utf8_lossy(name), "[![:alnum:]+_.@-]")
    {
        problems.push("package name contains invalid characters");
    }
    if name.len() + version.len() + 1 > NAME_MAX {
        problems.push("package name and version too long");
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split_str(path: &str) -> Option<(&str, &str)> {
        split(path.as_bytes()).map(|(n, v)| {
            (
                std::str::from_utf8(n).unwrap(),
                std::str::from_utf8(v).unwrap(),
            )
        })
    }

    #[test]
    fn the_last_two_dashes_start_the_version() {
        assert_eq!(split_str("foo-1.0-1/desc"), Some(("foo", "1.0-1")));
        assert_eq!(
            split_str("python-foo-bar-1:2.3.4-5/desc"),
            Some(("python-foo-bar", "1:2.3.4-5"))
        );
        assert_eq!(split_str("foo-1.0-1"), Some(("foo", "1.0-1")));
        assert_eq!(split_str("foo-1.0-1/"), Some(("foo", "1.0-1")));
        // Only the part before the first '/' counts.
        assert_eq!(
            split_str("foo-1.0-1/sub-dir-x/desc"),
            Some(("foo", "1.0-1"))
        );
        assert_eq!(split_str("x--1/desc"), Some(("x", "-1")));
    }

    #[test]
    fn entries_without_two_dashes_or_a_name_are_invalid() {
        for path in [
            "garbage/desc",
            "foo-1/desc",
            "-1-1/desc",
            "a-b/desc",
            "/desc",
            "",
            "-",
            "--",
            "/foo-1-1/desc",
        ] {
            assert_eq!(split_str(path), None, "{path:?}");
        }
        assert_eq!(
            split_str("--1-1"),
            Some(("-", "1-1")),
            "'-' as a name splits"
        );
    }

    #[test]
    fn file_names() {
        assert_eq!(file_name(b"foo-1-1/desc"), Some(&b"desc"[..]));
        assert_eq!(file_name(b"foo-1-1/a/files"), Some(&b"files"[..]));
        assert_eq!(file_name(b"foo-1-1/"), Some(&b""[..]));
        assert_eq!(file_name(b"foo-1-1"), None);
    }

    #[test]
    fn metadata_rules() {
        assert!(meta_problems(b"foo", b"1-1").is_empty());
        assert!(meta_problems(b"g++_x.y@z-1", b"1:2-3").is_empty());
        assert_eq!(
            meta_problems(b".hidden", b"1-1"),
            ["package name cannot start with '.' or '-'"]
        );
        assert_eq!(
            meta_problems(b"-dash", b"1-1"),
            ["package name cannot start with '.' or '-'"]
        );
        assert_eq!(
            meta_problems(b"*", b"1-1"),
            ["package name contains invalid characters"]
        );
        assert!(
            meta_problems(b"a[b", b"1-1").is_empty(),
            "no match, no error"
        );
        let long = vec![b'a'; 250];
        assert_eq!(
            meta_problems(&long, b"1.0-1"),
            ["package name and version too long"]
        );
        assert!(meta_problems(&long[..248], b"1.0-1").is_empty());
    }
}
