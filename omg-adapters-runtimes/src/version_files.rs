//! Reading version files from the disk for the domain's resolver.

use std::collections::HashSet;
use std::ffi::OsString;
use std::io::Write;
use std::path::Path;

use omg_ports::{mise_env_files, DirFiles, Error, Result, VERSION_FILES};

/// The version files in `start` and each directory above it up to `/`, nearest first (only
/// directories that have any). Unreadable files are skipped (a version file omg cannot read
/// does not decide anything); files larger than 1 MiB are skipped too.
///
/// Each directory is listed once and only the names of [`VERSION_FILES`] whose first
/// component is in it are looked at: this runs before every prompt (the shell hook), and one
/// listing costs fewer system calls than a failed look-up per name. A directory that cannot
/// be listed (search permission only) is probed name by name.
pub fn read_version_files(start: &Path) -> Vec<DirFiles> {
    read_version_files_with(start, &|k: &str| std::env::var(k).ok())
}

/// [`read_version_files`] with the environment given (`GOWORK`): go's rule for its
/// workspace file (`go help environment`): `GOWORK=off` disables workspace mode, so no
/// `go.work` counts; `GOWORK=/abs/path/go.work` names the workspace file to use wherever the
/// command runs, so that file decides go's version before any go.work or go.mod found by the
/// walk (a relative path, or a file that cannot be read, changes nothing: go refuses it).
///
/// `MISE_ENV` (`staging`, or several: `ci,staging`, the last the strongest) adds mise's files
/// of those environments ([`omg_ports::mise_env_files`]), above all of mise's other files as
/// mise 2026.9 ranks them; `.config/mise/conf.d/*.toml` are read whatever the environment
/// (below `.config/mise/config.toml`, the last in alphabetical order first).
pub fn read_version_files_with(
    start: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> Vec<DirFiles> {
    let envs: Vec<String> = env("MISE_ENV")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|e| {
            !e.is_empty()
                && e.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        })
        .map(String::from)
        .collect();
    let dirs = walk_version_files(start, &envs);
    match env("GOWORK").as_deref().map(str::trim) {
        None | Some("") => dirs,
        Some("off") => without(dirs, &["go.work"]),
        Some(path) => match workspace_file(Path::new(path)) {
            Some((dir, contents)) => {
                let mut dirs = without(dirs, &["go.work", "go.mod"]);
                dirs.insert(
                    0,
                    DirFiles {
                        dir,
                        files: vec![("go.work".to_string(), contents)],
                    },
                );
                dirs
            }
            None => dirs,
        },
    }
}

/// `dirs` without the files named `names` (and without directories left with none).
fn without(mut dirs: Vec<DirFiles>, names: &[&str]) -> Vec<DirFiles> {
    for d in &mut dirs {
        d.files.retain(|(n, _)| !names.contains(&n.as_str()));
    }
    dirs.retain(|d| !d.files.is_empty());
    dirs
}

/// The directory and contents of `GOWORK`'s file: an absolute path to a regular file named
/// `go.work` of at most 1 MiB.
fn workspace_file(path: &Path) -> Option<(std::path::PathBuf, String)> {
    if !path.is_absolute() || path.file_name()? != "go.work" {
        tracing::debug!(path = %path.display(), "GOWORK is not an absolute path to a go.work; passed over");
        return None;
    }
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > 1 << 20 {
        return None;
    }
    let contents = std::fs::read_to_string(path).ok()?;
    Some((path.parent()?.to_path_buf(), contents))
}

/// The walk of [`read_version_files`], with mise's environments `envs` (weakest first).
fn walk_version_files(start: &Path, envs: &[String]) -> Vec<DirFiles> {
    let mut wanted: HashSet<String> = VERSION_FILES
        .iter()
        .map(|n| n.split('/').next().unwrap_or(n).to_string())
        .collect();
    for e in envs {
        for name in mise_env_files(e) {
            wanted.insert(name.split('/').next().unwrap_or(&name).to_string());
        }
    }
    let mut out = Vec::new();
    let mut dir = Some(start);
    while let Some(d) = dir {
        let listed = listing(d, &wanted);
        let mut files = Vec::new();
        for name in names_in(d, envs, listed.as_ref()) {
            if let Some(present) = &listed {
                let first = name.split('/').next().unwrap_or(&name);
                if !present.contains(std::ffi::OsStr::new(first)) {
                    continue;
                }
            }
            let path = d.join(&name);
            let Ok(meta) = std::fs::metadata(&path) else {
                continue;
            };
            if !meta.is_file() || meta.len() > 1 << 20 {
                continue;
            }
            match std::fs::read_to_string(&path) {
                Ok(contents) => files.push((name, contents)),
                Err(e) => tracing::debug!("skipping {}: {e}", path.display()),
            }
        }
        if !files.is_empty() {
            out.push(DirFiles {
                dir: d.to_path_buf(),
                files,
            });
        }
        dir = d.parent();
    }
    out
}

/// The most `conf.d` fragments read in one directory.
const MAX_CONF_D: usize = 64;

/// The names to look for in `dir`, in the order they are consulted: [`VERSION_FILES`], after
/// the files of mise's environments (the strongest first) and, when `.config` is there, with
/// the `conf.d` fragments after `.config/mise/config.toml` (the last alphabetically first;
/// at most [`MAX_CONF_D`]).
fn names_in(dir: &Path, envs: &[String], listed: Option<&HashSet<OsString>>) -> Vec<String> {
    let mut names = Vec::with_capacity(VERSION_FILES.len());
    for name in VERSION_FILES {
        match *name {
            ".mise.local.toml" => {
                for e in envs.iter().rev() {
                    names.extend(mise_env_files(e));
                }
                names.push(name.to_string());
            }
            ".config/mise/config.toml" => {
                names.push(name.to_string());
                if listed.is_none_or(|l| l.contains(std::ffi::OsStr::new(".config"))) {
                    names.extend(conf_d(dir));
                }
            }
            _ => names.push(name.to_string()),
        }
    }
    names
}

/// `.config/mise/conf.d/*.toml` in `dir`, the last in alphabetical order first.
fn conf_d(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir.join(".config/mise/conf.d")) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.ends_with(".toml") && !n.starts_with('.'))
        .map(|n| format!(".config/mise/conf.d/{n}"))
        .filter(|n| omg_ports::version_file_anchor(n).is_some())
        .collect();
    names.sort_unstable_by(|a, b| b.cmp(a));
    names.truncate(MAX_CONF_D);
    names
}

/// The entries of `dir` among `wanted` (the first components of [`VERSION_FILES`]), or
/// `None` when `dir` cannot be listed.
fn listing(dir: &Path, wanted: &HashSet<String>) -> Option<HashSet<OsString>> {
    let entries = std::fs::read_dir(dir).ok()?;
    Some(
        entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name())
            .filter(|n| n.to_str().is_some_and(|n| wanted.contains(n)))
            .collect(),
    )
}

/// Writes a version file atomically: the new contents go to a temporary file in the same
/// directory, which then replaces `path` in one rename (a reader sees the old file or the new
/// one, never half of it). An existing file keeps its permissions.
///
/// # Errors
///
/// [`Error::Io`] naming the file or directory that could not be written.
pub fn write_version_file(path: &Path, contents: &str) -> Result<()> {
    let io = |p: &Path, source: std::io::Error| Error::Io {
        path: p.to_path_buf(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| io(dir, e))?;
    tmp.write_all(contents.as_bytes())
        .map_err(|e| io(tmp.path(), e))?;
    let permissions = match std::fs::metadata(path) {
        Ok(meta) => meta.permissions(),
        // A new file: rw-r--r--, as editors and `echo > f` under the usual umask make it.
        Err(_) => {
            use std::os::unix::fs::PermissionsExt;
            std::fs::Permissions::from_mode(0o644)
        }
    };
    tmp.as_file()
        .set_permissions(permissions)
        .map_err(|e| io(tmp.path(), e))?;
    tmp.as_file().sync_all().map_err(|e| io(tmp.path(), e))?;
    tmp.persist(path).map_err(|e| io(path, e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_files_and_subpaths_nearest_first() {
        let tmp = tempfile::tempdir().unwrap();
        let top = tmp.path();
        let deep = top.join("a/b");
        std::fs::create_dir_all(deep.join(".config")).unwrap();
        std::fs::write(top.join(".nvmrc"), "20\n").unwrap();
        std::fs::write(deep.join(".config/mise.toml"), "[tools]\nnode = \"18\"\n").unwrap();
        std::fs::write(deep.join("go.mod"), "go 1.22\n").unwrap();
        // Not a regular file: passed over.
        std::fs::create_dir_all(deep.join(".python-version")).unwrap();
        let got = read_version_files(&deep);
        let names: Vec<(std::path::PathBuf, Vec<String>)> = got
            .iter()
            .map(|d| {
                let mut n: Vec<String> = d.files.iter().map(|(n, _)| n.clone()).collect();
                n.sort();
                (d.dir.clone(), n)
            })
            .take(2)
            .collect();
        assert_eq!(
            names,
            vec![
                (
                    deep.clone(),
                    vec![".config/mise.toml".to_string(), "go.mod".to_string()]
                ),
                (top.to_path_buf(), vec![".nvmrc".to_string()]),
            ]
        );
    }

    /// go's GOWORK: `off` drops the workspace file; a path to a go.work decides wherever the
    /// command runs (go help environment); anything else changes nothing.
    #[test]
    fn gowork_off_and_a_workspace_file_elsewhere() {
        let tmp = tempfile::tempdir().unwrap();
        let ws = tmp.path().join("ws");
        let module = ws.join("mod");
        std::fs::create_dir_all(&module).unwrap();
        std::fs::write(ws.join("go.work"), "go 1.22.1\n").unwrap();
        std::fs::write(module.join("go.mod"), "go 1.21.0\n").unwrap();
        let other = tmp.path().join("other");
        std::fs::create_dir_all(&other).unwrap();
        std::fs::write(other.join("go.work"), "go 1.23.0\n").unwrap();
        let names = |dirs: &[DirFiles]| -> Vec<(std::path::PathBuf, String)> {
            dirs.iter()
                .flat_map(|d| d.files.iter().map(|(n, _)| (d.dir.clone(), n.clone())))
                .filter(|(_, n)| n.starts_with("go."))
                .collect()
        };
        let env = |v: Option<&'static str>| {
            move |k: &str| (k == "GOWORK").then_some(v).flatten().map(String::from)
        };
        let plain = read_version_files_with(&module, &env(None));
        assert_eq!(
            names(&plain),
            vec![
                (module.clone(), "go.mod".into()),
                (ws.clone(), "go.work".into())
            ]
        );
        let off = read_version_files_with(&module, &env(Some("off")));
        assert_eq!(names(&off), vec![(module.clone(), "go.mod".into())]);
        let path = other.join("go.work");
        let path: &'static str = Box::leak(path.to_string_lossy().into_owned().into_boxed_str());
        let named = read_version_files_with(&module, &env(Some(path)));
        assert_eq!(names(&named), vec![(other.clone(), "go.work".into())]);
        assert_eq!(named[0].files[0].1, "go 1.23.0\n");
        // A relative path or a missing file: as if unset.
        for v in ["go.work", "/nonexistent/go.work"] {
            let same = read_version_files_with(&module, &env(Some(v)));
            assert_eq!(names(&same), names(&plain), "{v}");
        }
    }
}
