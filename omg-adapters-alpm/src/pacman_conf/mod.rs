//! A reader for `pacman.conf`, following pacman 7.1's own parser (`src/common/ini.c`,
//! `src/pacman/conf.c`) for everything omg needs to read the databases.
//!
//! Read: `[options]` `RootDir`, `DBPath`, `CacheDir` and `Architecture` (`auto` becomes the
//! machine's architecture), repository sections in file order with their `Server` lines, and
//! `Include` anywhere (glob patterns allowed in the last path component, included files
//! parsed as if inline, nested at most 10 deep). `$repo` and `$arch` in servers are
//! substituted once the whole file is read. For transactions it also keeps `SigLevel` (of
//! `[options]` and of each repository), `GPGDir`, `LogFile`, `HookDir`, `CheckSpace`,
//! `IgnorePkg`, `IgnoreGroup`, `NoUpgrade`, `NoExtract` and `ParallelDownloads`. `Usage` and
//! the other pacman options are accepted and ignored; unknown directives are logged and ignored, as pacman
//! does.
//!
//! Deliberate differences from pacman: a line that starts with `[` but does not end with `]`,
//! an empty or duplicated repository name, and a repository called `local` are errors here
//! (pacman would attribute the following lines to the previous section, or fail later when
//! registering). Every error is an [`Error::Config`] naming the file and, where there is one,
//! the line.

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};

use omg_ports::{Error, Result};

use glob::wildcard_match;

pub(crate) mod glob;
#[cfg(test)]
mod tests;

/// pacman's own limit on nested `Include`s.
const MAX_INCLUDE_DEPTH: usize = 10;

/// The settings of a `pacman.conf` that matter for reading the package databases.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PacmanConf {
    /// The file that was read.
    pub path: PathBuf,
    /// `RootDir`, when set (the first occurrence wins, as in pacman).
    pub root_dir: Option<PathBuf>,
    /// `DBPath`, when set (the first occurrence wins, as in pacman).
    pub db_path: Option<PathBuf>,
    /// Every `CacheDir`, in order.
    pub cache_dirs: Vec<PathBuf>,
    /// Every `Architecture`, in order, with `auto` resolved.
    pub architectures: Vec<String>,
    /// Repository sections in file order.
    pub repos: Vec<Repository>,
    /// `SigLevel` words of `[options]`, in order (used for transactions).
    pub sig_level: Vec<String>,
    /// `GPGDir`, when set.
    pub gpg_dir: Option<PathBuf>,
    /// `LogFile`, when set.
    pub log_file: Option<PathBuf>,
    /// Every `HookDir`, in order.
    pub hook_dirs: Vec<PathBuf>,
    /// `CheckSpace` is present.
    pub check_space: bool,
    /// `IgnorePkg` entries.
    pub ignore_pkgs: Vec<String>,
    /// `HoldPkg` entries (glob patterns of packages not to remove without asking).
    pub hold_pkgs: Vec<String>,
    /// `IgnoreGroup` entries.
    pub ignore_groups: Vec<String>,
    /// `NoUpgrade` entries.
    pub no_upgrade: Vec<String>,
    /// `NoExtract` entries.
    pub no_extract: Vec<String>,
    /// `ParallelDownloads`, when set.
    pub parallel_downloads: Option<u32>,
    /// `DownloadUser`: the unprivileged user libalpm downloads as, when set.
    pub download_user: Option<String>,
    /// `DisableSandboxFilesystem`, or `DisableSandbox`: downloads may write anywhere.
    pub disable_sandbox_filesystem: bool,
    /// `DisableSandboxSyscalls`, or `DisableSandbox`: no system-call filter for downloads.
    pub disable_sandbox_syscalls: bool,
}

/// One repository section of `pacman.conf`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repository {
    /// Section name: the repository, and the name of its database file.
    pub name: String,
    /// `Server` URLs in order, with `$repo` and `$arch` substituted.
    pub servers: Vec<String>,
    /// The section's `SigLevel` words, in order (empty: the `[options]` level applies).
    pub sig_level: Vec<String>,
}

/// Where the parser reads included files from: the file system, or a map in unit tests.
pub(crate) trait ConfSource {
    /// The contents of `path`.
    fn read(&self, path: &Path) -> io::Result<String>;
    /// The entries of directory `dir` (full paths), for glob patterns in `Include`.
    fn list(&self, dir: &Path) -> io::Result<Vec<PathBuf>>;
}

/// The real file system.
struct FileSystem;

/// The largest configuration file read (pacman.conf, an included mirrorlist): real ones are
/// a few KiB; a device or a runaway file is refused instead of read into memory.
pub const MAX_CONF_BYTES: u64 = 1 << 20;

/// `path`'s text: a regular file (after symlinks) of at most [`MAX_CONF_BYTES`].
fn read_conf(path: &Path) -> io::Result<String> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    let mut text = String::new();
    file.take(MAX_CONF_BYTES + 1).read_to_string(&mut text)?;
    if text.len() as u64 > MAX_CONF_BYTES {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("larger than {} KiB", MAX_CONF_BYTES >> 10),
        ));
    }
    Ok(text)
}

impl ConfSource for FileSystem {
    fn read(&self, path: &Path) -> io::Result<String> {
        read_conf(path)
    }

    fn list(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        std::fs::read_dir(dir)?
            .map(|entry| entry.map(|e| e.path()))
            .collect()
    }
}

impl PacmanConf {
    /// Reads and parses `path` and every file it includes.
    ///
    /// A missing file is an [`Error::Config`] that says so and that `--config` chooses another.
    pub fn load(path: &Path) -> Result<PacmanConf> {
        let text = match read_conf(path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(config_error(
                    path,
                    "the file does not exist; give an existing pacman.conf".to_string(),
                ));
            }
            Err(e) => {
                return Err(config_error(
                    path,
                    format!("cannot be read ({e}); give a readable pacman.conf"),
                ));
            }
        };
        Self::parse_with(&text, path, &FileSystem)
    }

    /// Parses `text` as the contents of `path`; `Include`d files are read from the file system.
    pub fn parse(text: &str, path: &Path) -> Result<PacmanConf> {
        Self::parse_with(text, path, &FileSystem)
    }

    pub(crate) fn parse_with(
        text: &str,
        path: &Path,
        source: &dyn ConfSource,
    ) -> Result<PacmanConf> {
        let mut parser = Parser {
            source,
            conf: PacmanConf {
                path: path.to_path_buf(),
                ..PacmanConf::default()
            },
            section: Section::None,
            servers: Vec::new(),
            names: HashSet::new(),
        };
        parser.parse_text(text, path, 0)?;
        parser.finish()
    }
}

/// The section the parser is in.
enum Section {
    /// Before the first section header.
    None,
    /// `[options]`.
    Options,
    /// A repository: index into `conf.repos`.
    Repo(usize),
}

/// A `Server` line before substitution, with where it came from.
struct RawServer {
    repo: usize,
    url: String,
    file: PathBuf,
    line: usize,
}

struct Parser<'a> {
    source: &'a dyn ConfSource,
    conf: PacmanConf,
    section: Section,
    servers: Vec<RawServer>,
    names: HashSet<String>,
}

impl Parser<'_> {
    fn parse_text(&mut self, text: &str, file: &Path, depth: usize) -> Result<()> {
        for (index, raw) in text.lines().enumerate() {
            let line = index + 1;
            let trimmed = raw.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            if let Some(rest) = trimmed.strip_prefix('[') {
                let Some(name) = rest.strip_suffix(']') else {
                    return Err(at(
                        file,
                        line,
                        format!("malformed section header '{trimmed}'"),
                    ));
                };
                self.open_section(name, file, line)?;
                continue;
            }
            let (key, value) = match trimmed.split_once('=') {
                Some((k, v)) => (k.trim(), Some(v.trim())),
                None => (trimmed, None),
            };
            self.directive(key, value, file, line, depth)?;
        }
        Ok(())
    }

    fn open_section(&mut self, name: &str, file: &Path, line: usize) -> Result<()> {
        if name == "options" {
            self.section = Section::Options;
            return Ok(());
        }
        if name.is_empty() {
            return Err(at(file, line, "empty repository name '[]'".to_string()));
        }
        if name.contains(['/', '\0']) {
            return Err(at(
                file,
                line,
                format!("repository name '{name}' contains '/' or a NUL character"),
            ));
        }
        if name == "local" {
            return Err(at(
                file,
                line,
                "the name 'local' is reserved for the database of installed packages".to_string(),
            ));
        }
        if !self.names.insert(name.to_string()) {
            return Err(at(
                file,
                line,
                format!("repository '{name}' is defined more than once"),
            ));
        }
        self.conf.repos.push(Repository {
            name: name.to_string(),
            servers: Vec::new(),
            sig_level: Vec::new(),
        });
        self.section = Section::Repo(self.conf.repos.len() - 1);
        Ok(())
    }

    fn directive(
        &mut self,
        key: &str,
        value: Option<&str>,
        file: &Path,
        line: usize,
        depth: usize,
    ) -> Result<()> {
        if key == "Include" {
            let pattern = needs_value(key, value, file, line)?;
            return self.include(pattern, file, line, depth);
        }
        match self.section {
            Section::None => Err(at(
                file,
                line,
                format!("'{key}' is outside any section; all directives must belong to a section"),
            )),
            Section::Options => self.option(key, value, file, line),
            Section::Repo(repo) => {
                match key {
                    "Server" => {
                        let url = needs_value(key, value, file, line)?;
                        self.servers.push(RawServer {
                            repo,
                            url: url.to_string(),
                            file: file.to_path_buf(),
                            line,
                        });
                    }
                    "SigLevel" => {
                        let v = needs_value(key, value, file, line)?;
                        if let Some(r) = self.conf.repos.get_mut(repo) {
                            r.sig_level.extend(v.split_whitespace().map(str::to_string));
                        }
                    }
                    "Usage" | "CacheServer" => {}
                    _ => tracing::warn!(
                        file = %file.display(),
                        line,
                        "pacman.conf: directive '{key}' in a repository section is not recognized"
                    ),
                }
                Ok(())
            }
        }
    }

    fn option(&mut self, key: &str, value: Option<&str>, file: &Path, line: usize) -> Result<()> {
        match key {
            "RootDir" => {
                let v = needs_value(key, value, file, line)?;
                self.conf.root_dir.get_or_insert_with(|| PathBuf::from(v));
            }
            "DBPath" => {
                let v = needs_value(key, value, file, line)?;
                self.conf.db_path.get_or_insert_with(|| PathBuf::from(v));
            }
            "CacheDir" => {
                let v = needs_value(key, value, file, line)?;
                self.conf
                    .cache_dirs
                    .extend(v.split_whitespace().map(PathBuf::from));
            }
            "Architecture" => {
                let v = needs_value(key, value, file, line)?;
                for arch in v.split_whitespace() {
                    let arch = if arch == "auto" {
                        machine_architecture()
                    } else {
                        arch.to_string()
                    };
                    if !self.conf.architectures.contains(&arch) {
                        self.conf.architectures.push(arch);
                    }
                }
            }
            "SigLevel" => {
                let v = needs_value(key, value, file, line)?;
                words(&mut self.conf.sig_level, v);
            }
            "GPGDir" => {
                let v = needs_value(key, value, file, line)?;
                self.conf.gpg_dir.get_or_insert_with(|| PathBuf::from(v));
            }
            "LogFile" => {
                let v = needs_value(key, value, file, line)?;
                self.conf.log_file.get_or_insert_with(|| PathBuf::from(v));
            }
            "HookDir" => {
                let v = needs_value(key, value, file, line)?;
                self.conf.hook_dirs.push(PathBuf::from(v));
            }
            "CheckSpace" => self.conf.check_space = true,
            "DownloadUser" => {
                let v = needs_value(key, value, file, line)?;
                self.conf.download_user.get_or_insert_with(|| v.to_string());
            }
            "DisableSandbox" => {
                self.conf.disable_sandbox_filesystem = true;
                self.conf.disable_sandbox_syscalls = true;
            }
            "DisableSandboxFilesystem" => self.conf.disable_sandbox_filesystem = true,
            "DisableSandboxSyscalls" => self.conf.disable_sandbox_syscalls = true,
            "IgnorePkg" => words(
                &mut self.conf.ignore_pkgs,
                needs_value(key, value, file, line)?,
            ),
            "HoldPkg" => words(
                &mut self.conf.hold_pkgs,
                needs_value(key, value, file, line)?,
            ),
            "IgnoreGroup" => words(
                &mut self.conf.ignore_groups,
                needs_value(key, value, file, line)?,
            ),
            "NoUpgrade" => words(
                &mut self.conf.no_upgrade,
                needs_value(key, value, file, line)?,
            ),
            "NoExtract" => words(
                &mut self.conf.no_extract,
                needs_value(key, value, file, line)?,
            ),
            "ParallelDownloads" => {
                let v = needs_value(key, value, file, line)?;
                let n = v.parse::<u32>().ok().filter(|n| *n > 0).ok_or_else(|| {
                    at(
                        file,
                        line,
                        format!("ParallelDownloads '{v}' is not a positive number"),
                    )
                })?;
                self.conf.parallel_downloads = Some(n);
            }
            k if KNOWN_OPTIONS.contains(&k) => {}
            _ => tracing::warn!(
                file = %file.display(),
                line,
                "pacman.conf: directive '{key}' in section 'options' is not recognized"
            ),
        }
        Ok(())
    }

    fn include(&mut self, pattern: &str, file: &Path, line: usize, depth: usize) -> Result<()> {
        if depth + 1 > MAX_INCLUDE_DEPTH {
            return Err(at(
                file,
                line,
                format!("Include nested more than {MAX_INCLUDE_DEPTH} deep (an include loop?)"),
            ));
        }
        for target in self.expand(Path::new(pattern)) {
            let text = self.source.read(&target).map_err(|e| {
                at(
                    file,
                    line,
                    format!("cannot read Include file {}: {e}", target.display()),
                )
            })?;
            tracing::debug!(file = %file.display(), line, "including {}", target.display());
            self.parse_text(&text, &target, depth + 1)?;
        }
        Ok(())
    }

    /// The files a pattern names, like glob(3) with GLOB_NOCHECK: wildcards are honoured in
    /// the last component only; no match gives the pattern itself (which then fails to read).
    fn expand(&self, pattern: &Path) -> Vec<PathBuf> {
        let name = pattern.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if !name.contains(['*', '?', '[']) {
            return vec![pattern.to_path_buf()];
        }
        let dir = match pattern.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let mut matches: Vec<PathBuf> = self
            .source
            .list(&dir)
            .unwrap_or_default()
            .into_iter()
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| !n.starts_with('.') && wildcard_match(name, n))
            })
            .collect();
        matches.sort();
        if matches.is_empty() {
            matches.push(pattern.to_path_buf());
        }
        matches
    }

    fn finish(mut self) -> Result<PacmanConf> {
        let arch = self.conf.architectures.first().cloned();
        for raw in std::mem::take(&mut self.servers) {
            let Some(repo) = self.conf.repos.get_mut(raw.repo) else {
                continue;
            };
            let mut url = raw.url.replace("$repo", &repo.name);
            if url.contains("$arch") {
                let Some(arch) = &arch else {
                    return Err(at(
                        &raw.file,
                        raw.line,
                        format!(
                            "server '{}' uses $arch but no Architecture is set in [options]",
                            raw.url
                        ),
                    ));
                };
                url = url.replace("$arch", arch);
            }
            repo.servers.push(url);
        }
        Ok(self.conf)
    }
}

/// `[options]` directives pacman knows that omg does not need.
const KNOWN_OPTIONS: &[&str] = &[
    "UseSyslog",
    "ILoveCandy",
    "VerbosePkgLists",
    "CheckSpace",
    "Color",
    "NoProgressBar",
    "DisableDownloadTimeout",
    "NoUpgrade",
    "NoExtract",
    "IgnorePkg",
    "IgnoreGroup",
    "HookDir",
    "GPGDir",
    "LogFile",
    "XferCommand",
    "CleanMethod",
    "SigLevel",
    "LocalFileSigLevel",
    "RemoteFileSigLevel",
    "ParallelDownloads",
];

/// Appends the whitespace-separated words of `value` to `list`.
fn words(list: &mut Vec<String>, value: &str) {
    list.extend(value.split_whitespace().map(str::to_string));
}

fn needs_value<'v>(key: &str, value: Option<&'v str>, file: &Path, line: usize) -> Result<&'v str> {
    match value {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(at(file, line, format!("directive '{key}' needs a value"))),
    }
}

fn config_error(path: &Path, reason: String) -> Error {
    Error::Config {
        path: path.to_path_buf(),
        reason,
    }
}

fn at(file: &Path, line: usize, reason: String) -> Error {
    config_error(file, format!("line {line}: {reason}"))
}

/// The machine's architecture as `uname -m` reports it, which is what pacman's `auto` uses.
pub(crate) fn machine_architecture() -> String {
    std::fs::read_to_string("/proc/sys/kernel/arch")
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| match std::env::consts::ARCH {
            "x86" => "i686".to_string(),
            other => other.to_string(),
        })
}
