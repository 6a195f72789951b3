//! dpkg's file lists and apt's auto-installed marks: `omg files` (`dpkg -L`), `omg owns`
//! (`dpkg -S`) and `omg mark` (`apt-mark manual/auto`). Worker thread only.

use std::ffi::CString;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use omg_ports::{Error, InstallReason, Owner, PackageFiles, ReasonChange, Result};
use rust_apt::{Cache, Package};

use crate::config::Paths;
use crate::convert::install_reason;
use crate::transaction::bridge::ffi;

/// The largest file list read (dpkg's lists are a few MiB at most).
const MAX_LIST_BYTES: u64 = 64 << 20;

/// dpkg's `info` directory: beside its status file.
fn info_dir(paths: &Paths) -> PathBuf {
    paths
        .status
        .parent()
        .map_or_else(|| PathBuf::from("/var/lib/dpkg/info"), |d| d.join("info"))
}

/// The files of the installed package `name` (`name` or `name:arch`), from dpkg's
/// `info/<name>[:<arch>].list`, in its order; `None` when it is not installed.
pub(crate) fn files(cache: &Cache, paths: &Paths, name: &str) -> Result<Option<PackageFiles>> {
    let Some(pkg) = cache.get(name) else {
        return Ok(None);
    };
    let Some(installed) = pkg.installed() else {
        return Ok(None);
    };
    let mut files = Vec::new();
    for path in list_paths(paths, &pkg) {
        match read_list(&path) {
            Ok(lines) => {
                files = lines;
                break;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(source) => return Err(Error::Io { path, source }),
        }
    }
    Ok(Some(PackageFiles {
        name: pkg.fullname(true),
        version: installed.version().to_owned(),
        files,
    }))
}

/// Where dpkg keeps `pkg`'s file list: `info/<name>:<arch>.list` (packages dpkg names
/// with their architecture, Multi-Arch: same), else `info/<name>.list`.
fn list_paths(paths: &Paths, pkg: &Package<'_>) -> [PathBuf; 2] {
    let dir = info_dir(paths);
    [
        dir.join(format!("{}:{}.list", pkg.name(), pkg.arch())),
        dir.join(format!("{}.list", pkg.name())),
    ]
}

/// When the installed `pkg` was installed (or last upgraded), in seconds since the Unix
/// epoch: dpkg records no date, so this is the time its file list was last written, as
/// dpkg-query's `db-fsys:Last-Modified` gives it. `None` without a list.
pub(crate) fn install_date(paths: &Paths, pkg: &Package<'_>) -> Option<i64> {
    list_paths(paths, pkg).iter().find_map(|path| {
        let modified = std::fs::metadata(path).ok()?.modified().ok()?;
        let seconds = modified
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_secs();
        i64::try_from(seconds).ok()
    })
}

/// The directories a merged `/usr` links to from the root (`/bin` -> `usr/bin`).
const MERGED: [&str; 6] = ["bin", "sbin", "lib", "lib32", "lib64", "libx32"];

/// The installed packages owning what `pattern` names, as `dpkg -S pattern` finds them, by
/// the name dpkg gives them (`name`, or `name:arch` for a package installed for several
/// architectures), each owner of each matching path once, sorted by path and name:
///
/// - an absolute path without wildcards is looked up exactly (repeated and trailing `/`
///   ignored, as dpkg does);
/// - a pattern that does not start with `/`, `*`, `[` or `?` is searched as `*pattern*`
///   (`bin/ls`, `libc.so`: every path containing it);
/// - a pattern with `*`, `?`, `[...]` or `\` is a shell wildcard matched against whole
///   paths by fnmatch(3) with no flags, as dpkg does (`*` and `?` match `/` too).
///
/// When nothing matches and the pattern is in a directory of a merged `/usr`
/// (`/usr/bin/bash`, whose package lists `/bin/bash`), the other spelling is tried (dpkg
/// -S finds nothing there).
///
/// # Errors
///
/// [`Error::InvalidRequest`] for an empty pattern or one with a NUL byte, [`Error::Io`]
/// when dpkg's `info` directory cannot be read.
pub(crate) fn owners(cache: &Cache, paths: &Paths, pattern: &str) -> Result<Vec<Owner>> {
    let query = Query::of(pattern)?;
    let found = search(cache, paths, &query)?;
    if !found.is_empty() {
        return Ok(found);
    }
    let alias = merged_alias(query.text(), |dir| {
        std::fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink())
    });
    match alias {
        Some(alias) => search(cache, paths, &Query::of(&alias)?),
        None => Ok(found),
    }
}

/// What `dpkg -S` makes of its argument.
#[derive(Debug, PartialEq, Eq)]
enum Query {
    /// A path looked up as it is listed.
    Exact(String),
    /// A shell wildcard for fnmatch(3).
    Wildcard(CString),
}

impl Query {
    fn of(pattern: &str) -> Result<Query> {
        if pattern.is_empty() {
            return Err(Error::InvalidRequest(
                "an empty path or pattern owns nothing; name a file (/usr/bin/ls), a command \
                 (ls) or a pattern (bin/ls, '*/ls')"
                    .into(),
            ));
        }
        let pattern = if pattern.starts_with(['/', '*', '[', '?']) {
            pattern.to_owned()
        } else {
            format!("*{pattern}*")
        };
        if !pattern.contains(['*', '?', '[', '\\']) {
            return Ok(Query::Exact(normalize(&pattern)));
        }
        CString::new(pattern)
            .map(Query::Wildcard)
            .map_err(|_| Error::InvalidRequest("a pattern cannot hold a NUL byte".into()))
    }

    fn text(&self) -> &str {
        match self {
            Query::Exact(path) => path,
            Query::Wildcard(pattern) => pattern.to_str().unwrap_or_default(),
        }
    }

    fn matches(&self, entry: &[u8]) -> bool {
        match self {
            Query::Exact(path) => entry == path.as_bytes(),
            Query::Wildcard(pattern) => {
                let Ok(entry) = CString::new(entry) else {
                    return false;
                };
                // SAFETY: both are valid NUL-terminated strings for the duration of the call.
                unsafe { libc::fnmatch(pattern.as_ptr(), entry.as_ptr(), 0) == 0 }
            }
        }
    }
}

/// `path` with runs of `/` as one and no trailing `/` (but `/` itself), as dpkg looks a
/// path up.
fn normalize(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if c == '/' && out.ends_with('/') {
            continue;
        }
        out.push(c);
    }
    while out.len() > 1 && out.ends_with('/') {
        out.pop();
    }
    out
}

/// `path` spelled through the other side of a merged `/usr` (`/usr/bin/x` <-> `/bin/x`),
/// when `is_link` says the top-level directory is a link.
fn merged_alias(path: &str, is_link: impl Fn(&Path) -> bool) -> Option<String> {
    for top in MERGED {
        let short = format!("/{top}/");
        let long = format!("/usr/{top}/");
        if !is_link(Path::new(&format!("/{top}"))) {
            continue;
        }
        if let Some(rest) = path.strip_prefix(&long) {
            return Some(format!("{short}{rest}"));
        }
        if let Some(rest) = path.strip_prefix(&short) {
            return Some(format!("{long}{rest}"));
        }
    }
    None
}

/// Every (path, package) of dpkg's file lists that `query` matches.
fn search(cache: &Cache, paths: &Paths, query: &Query) -> Result<Vec<Owner>> {
    let dir = info_dir(paths);
    let entries = std::fs::read_dir(&dir).map_err(|source| Error::Io {
        path: dir.clone(),
        source,
    })?;
    let exact = matches!(query, Query::Exact(_));
    let mut owners = Vec::new();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(stem) = file_name
            .to_str()
            .and_then(|n| n.strip_suffix(".list"))
            .map(str::to_owned)
        else {
            continue;
        };
        let Some(version) = cache
            .get(&stem)
            .and_then(|p| p.installed())
            .map(|v| v.version().to_owned())
        else {
            continue;
        };
        let Ok(file) = File::open(entry.path()) else {
            continue;
        };
        let mut reader = BufReader::new(file.take(MAX_LIST_BYTES));
        let mut line = Vec::new();
        while reader.read_until(b'\n', &mut line).unwrap_or(0) > 0 {
            let listed = line.strip_suffix(b"\n").unwrap_or(&line);
            if query.matches(listed) {
                owners.push(Owner {
                    path: String::from_utf8_lossy(listed).into_owned(),
                    name: stem.clone(),
                    version: version.clone(),
                });
                // A package lists a path once.
                if exact {
                    break;
                }
            }
            line.clear();
        }
    }
    owners.sort_by(|a, b| a.path.cmp(&b.path).then_with(|| a.name.cmp(&b.name)));
    owners.dedup();
    Ok(owners)
}

fn read_list(path: &Path) -> std::io::Result<Vec<String>> {
    let file = File::open(path)?;
    let mut text = Vec::new();
    file.take(MAX_LIST_BYTES).read_to_end(&mut text)?;
    Ok(String::from_utf8_lossy(&text)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect())
}

/// Marks each installed package of `names` automatically installed (`Dependency`) or
/// manually installed (`Explicit`) in libapt's DepCache and writes `extended_states`, as
/// `apt-mark auto/manual` does; all or none. `cache` is a cache of this call's own.
pub(crate) fn set_reason(
    cache: Cache,
    paths: &Paths,
    names: &[String],
    reason: InstallReason,
    dry_run: bool,
) -> Result<Vec<ReasonChange>> {
    let auto = reason == InstallReason::Dependency;
    let mut targets = Vec::with_capacity(names.len());
    for name in names {
        let pkg = cache
            .get(name)
            .filter(|p| p.installed().is_some())
            .ok_or_else(|| Error::NotFound {
                name: name.clone(),
                suggestions: Vec::new(),
            })?;
        let from = install_reason(cache.depcache().is_auto_installed(&pkg));
        targets.push((pkg, from));
    }
    let changes: Vec<ReasonChange> = targets
        .iter()
        .map(|(pkg, from)| ReasonChange {
            name: pkg.fullname(true),
            from: *from,
            to: reason,
        })
        .collect();
    if dry_run || changes.iter().all(|c| c.from == c.to) {
        return Ok(changes);
    }
    let dir = paths
        .extended_states
        .parent()
        .unwrap_or_else(|| Path::new("/"));
    if !writable(dir) {
        return Err(Error::NeedsRoot {
            operation: "changing install reasons".into(),
        });
    }
    for (pkg, from) in &targets {
        if *from != reason {
            pkg.mark_auto(auto);
        }
    }
    if !ffi::write_state_file(&cache) {
        return Err(Error::Library {
            library: "libapt-pkg".into(),
            message: format!(
                "cannot write {}: {}",
                paths.extended_states.display(),
                crate::error::take_messages().join("; ")
            ),
        });
    }
    Ok(changes)
}

/// `access(path, W_OK)`.
fn writable(path: &Path) -> bool {
    let Ok(path) = CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `path` is a valid NUL-terminated string for the duration of the call.
    unsafe { libc::access(path.as_ptr(), libc::W_OK) == 0 }
}

#[cfg(test)]
mod tests {
    use super::{merged_alias, normalize, Query};
    use std::path::Path;

    #[test]
    fn queries_as_dpkg_s_reads_them() {
        let exact = |p: &str| Query::Exact(p.to_owned());
        let wild = |p: &str| Query::Wildcard(std::ffi::CString::new(p).unwrap());
        assert_eq!(Query::of("/bin/bash").unwrap(), exact("/bin/bash"));
        assert_eq!(
            Query::of("//usr/share/doc/").unwrap(),
            exact("/usr/share/doc")
        );
        assert_eq!(Query::of("bin/ls").unwrap(), wild("*bin/ls*"));
        assert_eq!(Query::of("ls").unwrap(), wild("*ls*"));
        assert_eq!(Query::of("*/ls").unwrap(), wild("*/ls"));
        assert_eq!(Query::of("/bin/l?").unwrap(), wild("/bin/l?"));
        assert!(Query::of("").is_err());
        assert!(Query::of("a\0b").is_err());
        assert_eq!(normalize("/"), "/");
    }

    #[test]
    fn wildcards_match_like_fnmatch_without_flags() {
        let q = Query::of("*bin/ls*").unwrap();
        assert!(q.matches(b"/usr/bin/ls"));
        assert!(q.matches(b"/bin/lsblk"));
        assert!(!q.matches(b"/usr/lib/ls"));
        // `*` and `?` cross `/`; `[...]` is a class; `\` escapes.
        assert!(Query::of("/u?r*ls").unwrap().matches(b"/usr/bin/ls"));
        assert!(Query::of("/bin/bas[h]").unwrap().matches(b"/bin/bash"));
        assert!(!Query::of("/bin/\\*").unwrap().matches(b"/bin/bash"));
        assert!(Query::of("/bin/\\*").unwrap().matches(b"/bin/*"));
        assert!(Query::of("/bin/bash").unwrap().matches(b"/bin/bash"));
        assert!(!Query::of("/bin/bash").unwrap().matches(b"/bin/bash2"));
    }

    #[test]
    fn merged_usr_aliases() {
        let all = |_: &Path| true;
        assert_eq!(
            merged_alias("/usr/bin/bash", all).as_deref(),
            Some("/bin/bash")
        );
        assert_eq!(
            merged_alias("/sbin/ldconfig", all).as_deref(),
            Some("/usr/sbin/ldconfig")
        );
        assert_eq!(merged_alias("/usr/share/doc", all), None);
        assert_eq!(merged_alias("/usr/bin/bash", |_| false), None);
    }
}
