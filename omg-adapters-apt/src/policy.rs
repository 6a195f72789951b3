//! libapt's candidate versions and auto-installed marks without a `pkgDepCache`.
//!
//! Building the DepCache computes every package's dependency state (a quarter of a second
//! for a Debian archive) although a listing needs only two things from it: the candidate,
//! which the DepCache takes from the policy, and the auto-installed mark, which it reads
//! from `extended_states`. Both are computed here the way libapt computes them.

use std::cmp::Ordering;
use std::collections::HashSet;
use std::fs::File;
use std::io::{self, BufReader};
use std::path::Path;

use rust_apt::{Cache, Package, Version};

use crate::deb822::Paragraphs;
use crate::version;

/// The candidate of `pkg` whose installed version is `installed`, as libapt's
/// `pkgPolicy::GetCandidateVer` chooses it: the version of highest pin priority (at least
/// 1, the first of equals in libapt's version order), never older than the installed one
/// unless pinned at 1000 or more.
pub(crate) fn candidate<'a>(
    pkg: &Package<'a>,
    installed: Option<&Version<'a>>,
) -> Option<Version<'a>> {
    let mut best: Option<(i32, Version<'a>)> = None;
    for version in pkg.versions() {
        let priority = version.priority();
        let floor = best.as_ref().map_or(-1, |(p, _)| *p);
        if priority == 0 || priority <= floor {
            continue;
        }
        if let Some(installed) = installed {
            if priority < 1000
                && version::compare_here(version.version(), installed.version()) == Ordering::Less
            {
                continue;
            }
        }
        best = Some((priority, version));
    }
    best.map(|(_, version)| version)
}

/// Which packages are marked automatically installed.
pub(crate) enum AutoMarks<'a> {
    /// Read from `extended_states`: libapt's package indexes.
    Read(HashSet<usize>),
    /// The marks of this cache's DepCache.
    DepCache(&'a Cache),
}

impl<'a> AutoMarks<'a> {
    /// The marks of `extended_states` at `path`, read directly when possible, else taken
    /// from the DepCache (which libapt then builds).
    pub(crate) fn new(cache: &'a Cache, path: &Path) -> AutoMarks<'a> {
        match read_marks(cache, path) {
            Ok(Some(marked)) => AutoMarks::Read(marked),
            Ok(None) => AutoMarks::DepCache(cache),
            Err(e) => {
                tracing::debug!(path = %path.display(), error = %e, "reading extended_states through libapt's DepCache");
                AutoMarks::DepCache(cache)
            }
        }
    }

    /// True when `pkg` is marked automatically installed.
    pub(crate) fn is_auto(&self, pkg: &Package<'_>) -> bool {
        match self {
            AutoMarks::Read(marked) => marked.contains(&pkg.index()),
            AutoMarks::DepCache(cache) => cache.depcache().is_auto_installed(pkg),
        }
    }
}

/// The packages `extended_states` marks as automatically installed, by libapt's package
/// index, as `pkgDepCache::readStateFile` finds them: by name and architecture, skipping
/// names the cache does not know or that have no version. A missing file marks nothing.
///
/// `None` when a paragraph has no `Architecture` (written by apt before multi-arch) or
/// `any`: libapt then marks the first package of the name's group and every other one
/// with a version, which only the DepCache can tell.
fn read_marks(cache: &Cache, path: &Path) -> io::Result<Option<HashSet<usize>>> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Some(HashSet::new())),
        Err(e) => return Err(e),
    };
    let mut paragraphs = Paragraphs::new(BufReader::new(file), 3, field);
    let mut marked = HashSet::new();
    let mut full = String::new();
    while let Some(p) = paragraphs.next_paragraph()? {
        let Some(arch) = p.get(ARCHITECTURE).filter(|a| !a.is_empty() && *a != "any") else {
            return Ok(None);
        };
        let name = p.get(PACKAGE).unwrap_or_default();
        if !p.get(AUTO).is_some_and(is_positive) {
            continue;
        }
        full.clear();
        full.push_str(name);
        full.push(':');
        full.push_str(arch);
        if let Some(pkg) = cache.get(&full).filter(Package::has_versions) {
            marked.insert(pkg.index());
        }
    }
    Ok(Some(marked))
}

const PACKAGE: usize = 0;
const ARCHITECTURE: usize = 1;
const AUTO: usize = 2;

fn field(name: &[u8]) -> Option<usize> {
    ["Package", "Architecture", "Auto-Installed"]
        .iter()
        .position(|f| f.as_bytes().eq_ignore_ascii_case(name))
}

/// True when `value` reads as a positive integer the way `strtol` reads it: an optional
/// sign, then the leading digits.
fn is_positive(value: &str) -> bool {
    let digits = match value.strip_prefix('-') {
        Some(_) => return false,
        None => value.strip_prefix('+').unwrap_or(value),
    };
    digits
        .bytes()
        .take_while(u8::is_ascii_digit)
        .any(|d| d != b'0')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_installed_values_read_like_strtol() {
        assert!(is_positive("1"));
        assert!(is_positive("+2"));
        assert!(is_positive("0010"));
        assert!(is_positive("1abc"));
        assert!(!is_positive("0"));
        assert!(!is_positive("-1"));
        assert!(!is_positive("yes"));
        assert!(!is_positive(""));
    }
}
