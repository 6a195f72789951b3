//! omg's local record of who was behind each AUR package base, kept beside the clones in
//! the AUR cache (`$XDG_CACHE_HOME/omg/aur`):
//!
//! - `<base>.omg-seen.json`: who it was when the user last accepted a review (written by
//!   the review);
//! - `<base>.omg-people.json`: who it was at each refresh of the metadata dump that saw a
//!   change (written by omgd for the bases the user cloned or installed), so that a review
//!   also sees the maintainers in between: a takeover that was handed back before the next
//!   review still shows.
//!
//! Both are read within bounds and only when they are regular files; a file that cannot be
//! read counts as no record (a review then says less, it never fails for it).

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The largest record file read back.
pub const MAX_RECORD_BYTES: u64 = 256 * 1024;

/// The most observations one history keeps (the oldest go first).
pub const MAX_OBSERVATIONS: usize = 64;

/// Who was behind a package base at one time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct People {
    /// When, unix seconds (0 in records written before omg kept it).
    #[serde(default)]
    pub at: i64,
    /// The maintainer; `None` when orphaned.
    pub maintainer: Option<String>,
    /// The submitter, when known.
    #[serde(default)]
    pub submitter: Option<String>,
    /// The co-maintainers.
    #[serde(default)]
    pub co_maintainers: Vec<String>,
}

impl People {
    /// The same people, whenever seen.
    #[must_use]
    pub fn same_people(&self, other: &People) -> bool {
        self.maintainer == other.maintainer
            && self.submitter == other.submitter
            && self.co_maintainers == other.co_maintainers
    }
}

/// The AUR cache of the user running this process: `$XDG_CACHE_HOME/omg/aur` (an absolute
/// `XDG_CACHE_HOME`), else `$HOME/.cache/omg/aur`; `None` without either.
#[must_use]
pub fn user_cache_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("omg").join("aur"))
}

/// `<dir>/<base>.omg-seen.json`.
#[must_use]
pub fn seen_path(dir: &Path, base: &str) -> PathBuf {
    dir.join(format!("{base}.omg-seen.json"))
}

/// `<dir>/<base>.omg-people.json`.
#[must_use]
pub fn history_path(dir: &Path, base: &str) -> PathBuf {
    dir.join(format!("{base}.omg-people.json"))
}

/// The package bases `dir` holds anything of: clones (directories) and records.
#[must_use]
pub fn known_bases(dir: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut bases: Vec<String> = entries
        .filter_map(|e| {
            let e = e.ok()?;
            let name = e.file_name().into_string().ok()?;
            let kind = e.file_type().ok()?;
            let base = if kind.is_dir() {
                name
            } else {
                name.strip_suffix(".omg-seen.json")
                    .or_else(|| name.strip_suffix(".omg-people.json"))?
                    .to_owned()
            };
            crate::repo::valid_pkgbase(&base).then_some(base)
        })
        .collect();
    bases.sort_unstable();
    bases.dedup();
    bases
}

/// The record at `path`, `None` when there is none or it is unusable (not a regular file,
/// too large, not JSON of this shape).
#[must_use]
pub fn read_seen(path: &Path) -> Option<People> {
    serde_json::from_slice(&read_bounded(path)?).ok()
}

/// The history at `path`, oldest first; empty when there is none or it is unusable.
#[must_use]
pub fn read_history(path: &Path) -> Vec<People> {
    let Some(bytes) = read_bounded(path) else {
        return Vec::new();
    };
    match serde_json::from_slice::<Vec<People>>(&bytes) {
        Ok(mut h) => {
            h.truncate(MAX_OBSERVATIONS);
            h
        }
        Err(e) => {
            tracing::debug!(path = %path.display(), error = %e, "an unusable history of maintainers");
            Vec::new()
        }
    }
}

/// Writes `people` to `path` (atomically).
///
/// # Errors
///
/// The file system's.
pub fn write_seen(path: &Path, people: &People) -> io::Result<()> {
    write_atomic(path, &serde_json::to_vec(people).map_err(io::Error::other)?)
}

/// Adds `people` to the history at `path` when they differ from its newest observation
/// (`Ok(false)`: the same people, nothing written); the oldest observations go beyond
/// [`MAX_OBSERVATIONS`].
///
/// # Errors
///
/// The file system's.
pub fn observe(path: &Path, people: People) -> io::Result<bool> {
    let mut history = read_history(path);
    if history.last().is_some_and(|last| last.same_people(&people)) {
        return Ok(false);
    }
    history.push(people);
    let excess = history.len().saturating_sub(MAX_OBSERVATIONS);
    history.drain(..excess);
    write_atomic(
        path,
        &serde_json::to_vec(&history).map_err(io::Error::other)?,
    )?;
    Ok(true)
}

fn read_bounded(path: &Path) -> Option<Vec<u8>> {
    let file = crate::sys::open_nofollow(path).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() || meta.len() > MAX_RECORD_BYTES {
        return None;
    }
    let mut bytes = Vec::new();
    file.take(MAX_RECORD_BYTES + 1)
        .read_to_end(&mut bytes)
        .ok()?;
    (bytes.len() as u64 <= MAX_RECORD_BYTES).then_some(bytes)
}

/// `bytes` into `path` through a temporary file beside it and a rename: a reader sees the
/// old record or the new one, never half of one.
fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut tmp = path.as_os_str().to_os_string();
    tmp.push(format!(".tmp{}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(at: i64, m: Option<&str>) -> People {
        People {
            at,
            maintainer: m.map(str::to_owned),
            submitter: Some("jane".into()),
            co_maintainers: vec![],
        }
    }

    #[test]
    fn a_history_grows_only_on_change_and_keeps_the_newest() {
        let dir = tempfile::tempdir().unwrap();
        let path = history_path(dir.path(), "foo");
        assert!(observe(&path, who(1, Some("alice"))).unwrap());
        assert!(!observe(&path, who(2, Some("alice"))).unwrap());
        assert!(observe(&path, who(3, Some("mallory"))).unwrap());
        assert!(observe(&path, who(4, None)).unwrap());
        let h = read_history(&path);
        assert_eq!(
            h.iter().map(|p| p.at).collect::<Vec<_>>(),
            vec![1, 3, 4],
            "{h:?}"
        );
        for i in 0..100 {
            observe(&path, who(10 + i, Some(if i % 2 == 0 { "a" } else { "b" }))).unwrap();
        }
        let h = read_history(&path);
        assert_eq!(h.len(), MAX_OBSERVATIONS);
        assert_eq!(h.last().map(|p| p.at), Some(109));
    }

    #[test]
    fn records_that_are_links_huge_or_garbage_count_as_none() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere.json");
        write_seen(&target, &who(1, Some("alice"))).unwrap();
        assert!(read_seen(&target).is_some());
        let link = seen_path(dir.path(), "foo");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert_eq!(read_seen(&link), None, "a link is not followed");
        let big = history_path(dir.path(), "big");
        fs::write(&big, vec![b' '; MAX_RECORD_BYTES as usize + 1]).unwrap();
        assert!(read_history(&big).is_empty());
        let bad = history_path(dir.path(), "bad");
        fs::write(&bad, b"{\"not\": \"a list\"}").unwrap();
        assert!(read_history(&bad).is_empty());
        fs::create_dir(dir.path().join("fifo-dir")).unwrap();
        assert!(read_history(&dir.path().join("fifo-dir")).is_empty());
    }

    #[test]
    fn an_old_seen_file_without_a_time_still_reads() {
        let dir = tempfile::tempdir().unwrap();
        let path = seen_path(dir.path(), "foo");
        fs::write(
            &path,
            br#"{"maintainer":"alice","submitter":null,"co_maintainers":[]}"#,
        )
        .unwrap();
        let seen = read_seen(&path).unwrap();
        assert_eq!((seen.at, seen.maintainer.as_deref()), (0, Some("alice")));
    }

    #[test]
    fn known_bases_are_clones_and_records() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("foo")).unwrap();
        fs::write(seen_path(dir.path(), "bar"), b"{}").unwrap();
        fs::write(history_path(dir.path(), "baz"), b"[]").unwrap();
        fs::write(dir.path().join("foo.omg-seen.json"), b"{}").unwrap();
        fs::write(dir.path().join("notes.txt"), b"").unwrap();
        assert_eq!(known_bases(dir.path()), vec!["bar", "baz", "foo"]);
        assert!(known_bases(&dir.path().join("missing")).is_empty());
    }
}
