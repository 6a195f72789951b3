//! libapt's messages as omg's errors.

use std::path::{Path, PathBuf};

use omg_ports::Error;
use rust_apt::error::{AptError, AptErrors};

/// The library name in [`Error::Library`].
pub(crate) const LIBRARY: &str = "libapt-pkg";

/// The backend name in errors and [`omg_ports::BackendInfo`].
pub(crate) const BACKEND: &str = "apt";

/// The worker thread is gone.
pub(crate) fn gone() -> Error {
    Error::BackendGone(BACKEND.to_owned())
}

/// libapt's pending error messages, leaving its stack empty. Warnings are logged, except
/// those containing `quiet`.
pub(crate) fn take_messages_except(quiet: Option<&str>) -> Vec<String> {
    split(AptErrors::new().iter(), quiet)
}

/// libapt's pending error messages, leaving its stack empty. Warnings are logged.
pub(crate) fn take_messages() -> Vec<String> {
    take_messages_except(None)
}

fn split<'a>(messages: impl Iterator<Item = &'a AptError>, quiet: Option<&str>) -> Vec<String> {
    let mut errors = Vec::new();
    for m in messages {
        if m.is_error {
            errors.push(m.msg.clone());
        } else if !quiet.is_some_and(|q| m.msg.contains(q)) {
            tracing::warn!(message = %m.msg, "libapt-pkg warning");
        }
    }
    errors
}

/// An error from libapt, given as its messages.
pub(crate) fn library(messages: &[String]) -> Error {
    Error::Library {
        library: LIBRARY.to_owned(),
        message: if messages.is_empty() {
            "failed without a message".to_owned()
        } else {
            messages.join("; ")
        },
    }
}

/// The text of `errors`' errors (warnings are logged).
pub(crate) fn error_messages(errors: &AptErrors) -> Vec<String> {
    split(errors.iter(), None)
}

/// The text of `errors`' messages, errors and warnings alike.
pub(crate) fn messages(errors: &AptErrors) -> Vec<String> {
    errors.iter().map(|m| m.msg.clone()).collect()
}

/// A failure to open the cache: a damaged list file under `lists` (apt names it in its
/// message) is [`Error::CorruptDatabase`], anything else [`Error::Library`].
pub(crate) fn open_failed(errors: &AptErrors, lists: &Path) -> Error {
    let messages = split(errors.iter(), None);
    match messages.iter().find_map(|m| path_under(m, lists)) {
        Some(path) => Error::CorruptDatabase {
            path,
            reason: format!("libapt-pkg: {}", messages.join("; ")),
        },
        None => library(&messages),
    }
}

/// The first word of `message` that is a path inside `dir`.
fn path_under(message: &str, dir: &Path) -> Option<PathBuf> {
    let dir = dir.to_str()?;
    if dir.is_empty() || dir == "/" {
        return None;
    }
    message
        .split(|c: char| c.is_whitespace() || matches!(c, '\'' | '"' | ',' | '(' | ')'))
        .filter(|word| word.len() > dir.len() && word.starts_with(dir))
        .map(|word| PathBuf::from(word.trim_end_matches([':', '.'])))
        .next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_list_file_apt_names() {
        let lists = Path::new("/tmp/r/var/lib/apt/lists/");
        let m = "LZ4F: /tmp/r/var/lib/apt/lists/x_Packages.lz4 Unexpected end of file";
        assert_eq!(
            path_under(m, lists),
            Some(PathBuf::from("/tmp/r/var/lib/apt/lists/x_Packages.lz4"))
        );
        assert_eq!(
            path_under(
                "Could not open file '/tmp/r/var/lib/apt/lists/y_Packages' - open",
                lists
            ),
            Some(PathBuf::from("/tmp/r/var/lib/apt/lists/y_Packages"))
        );
        assert_eq!(
            path_under("The package lists could not be parsed", lists),
            None
        );
        assert_eq!(path_under("/etc/apt/sources.list:3 bad", lists), None);
    }

    #[test]
    fn library_errors_keep_apt_messages() {
        let e = library(&["one".into(), "two".into()]);
        assert_eq!(e.to_string(), "libapt-pkg: one; two");
    }
}
