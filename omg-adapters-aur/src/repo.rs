//! [`AurRepo`]: the local clone of one AUR package base, driven through the system `git`.
//!
//! ```no_run
//! # fn demo(cache: &std::path::Path) -> omg_ports::Result<()> {
//! use omg_adapters_aur::repo::AurRepo;
//!
//! let repo = AurRepo::sync(cache, "https://aur.archlinux.org", "yay", None)?;
//! let head = repo.remote_head()?;
//! let diff = repo.diff(repo.seen()?.as_deref(), &head)?; // what changed since the review
//! # let _ = diff;
//! // ... the user reads it and agrees ...
//! repo.checkout(&head)?; // build exactly what was read
//! repo.mark_seen(&head)?;
//! # Ok(()) }
//! ```
//!
//! git runs without a shell, with no system configuration, no hooks, no pager, no colour, no
//! external diff or textconv, no terminal prompt, and every variable `GIT_*` of the caller
//! removed; network commands are killed after [`NETWORK_TIMEOUT`]. When root builds for a
//! user ([`BuildUser`]), git runs as that user so that the clone is the user's. What the
//! repository holds is hostile: names are checked before they reach the disk, files are read
//! within bounds, and links and submodules are reported, never followed.

use std::fs;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use omg_ports::{Error, Result, Srcinfo};

use crate::dirs::owned_dir;
use crate::escape::escape;
use crate::makepkg::BuildUser;
use crate::run::{run, Ran, RunError};

/// How long a network command (clone, fetch, ls-remote) may take before it is killed.
pub const NETWORK_TIMEOUT: Duration = Duration::from_secs(120);

/// How long a local git command may take before it is killed.
const LOCAL_TIMEOUT: Duration = Duration::from_secs(60);

/// The largest file [`AurRepo::files_at`] reads, in bytes.
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// The most top-level entries [`AurRepo::files_at`] accepts.
pub const MAX_ENTRIES: usize = 1000;

/// The largest diff [`AurRepo::diff`] returns, in bytes.
pub const MAX_DIFF_BYTES: usize = 32 << 20;

/// The ref paru and yay keep the last reviewed commit in.
pub const SEEN_REF: &str = "AUR_SEEN";

/// The longest package base name the AUR accepts, in bytes.
const MAX_PKGBASE: usize = 255;

/// True when `name` is a package base name the AUR accepts: lowercase letters, digits and
/// `@._+-`, not starting with `-` or `.`, at most 255 bytes. Only such a name becomes a
/// directory name (no `/`, no `..`).
pub fn valid_pkgbase(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_PKGBASE
        && !name.starts_with(['-', '.'])
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"@._+-".contains(&b))
}

/// True when `id` looks like a full commit id (40 or 64 lowercase hex digits): only such
/// ids are passed to git, never something it could read as an option or a revision range.
fn valid_commit(id: &str) -> bool {
    (id.len() == 40 || id.len() == 64) && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// What an entry of a repository's top level is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepoFileKind {
    /// A regular file (mode 100644).
    File,
    /// An executable regular file (mode 100755).
    Executable,
    /// A symbolic link (mode 120000): refused, never followed.
    Symlink,
    /// A submodule (mode 160000): refused.
    Submodule,
    /// A directory (`keys/`, `LICENSES/`): not read.
    Directory,
}

/// One entry of a repository's top level at a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoFile {
    /// Its name (outside text: escape it before printing; non-UTF-8 bytes read lossily).
    pub name: String,
    /// What it is.
    pub kind: RepoFileKind,
    /// Its text (non-UTF-8 bytes read lossily); empty when [`RepoFile::refused`] is set.
    pub text: String,
    /// Why its text was not read (a link, a submodule, a directory, a file larger than
    /// [`MAX_FILE_BYTES`]).
    pub refused: Option<String>,
}

/// A `git+` source of a `.SRCINFO` that follows a branch (a VCS source), to compare with
/// `git ls-remote` ([`ls_remote`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VcsSource {
    /// The repository's URL (`git+`, `name::`, `#fragment` and `?query` removed).
    pub url: String,
    /// The branch of `#branch=` (`None`: the remote's HEAD).
    pub branch: Option<String>,
}

/// The local clone of one package base (`<cache>/<pkgbase>`).
#[derive(Debug, Clone)]
pub struct AurRepo {
    dir: PathBuf,
    pkgbase: String,
    url: String,
    owner: Option<BuildUser>,
}

impl AurRepo {
    /// Clones `<git_base_url>/<pkgbase>.git` into `<cache_dir>/<pkgbase>` when that is
    /// absent, else fetches `origin` (pointed at that URL again); a fetch leaves the working
    /// tree as it was. With `owner` (root building for a user), `cache_dir` is created and
    /// given to the user, and git runs as the user, so that the clone is theirs.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] for a name the AUR would not accept (checked before the
    /// disk is touched); [`Error::Io`] naming the clone's directory when it is a link, not a
    /// directory, not a git clone or owned by someone else (remove it to start afresh), or
    /// when `cache_dir` cannot be created; [`Error::Download`] when the clone or fetch fails
    /// or takes longer than [`NETWORK_TIMEOUT`].
    pub fn sync(
        cache_dir: &Path,
        git_base_url: &str,
        pkgbase: &str,
        owner: Option<&BuildUser>,
    ) -> Result<AurRepo> {
        if !valid_pkgbase(pkgbase) {
            return Err(Error::InvalidRequest(format!(
                "\"{}\" is not an AUR package base name (lowercase letters, digits and @._+-, \
                 not starting with - or ., at most 255 bytes)",
                escape(pkgbase)
            )));
        }
        let url = format!("{}/{pkgbase}.git", git_base_url.trim_end_matches('/'));
        if url.starts_with('-') {
            return Err(Error::InvalidRequest(format!(
                "the AUR's git URL \"{}\" starts with '-'; check [aur] in config.toml",
                escape(&url)
            )));
        }
        owned_dir(cache_dir, owner, Some(0o755), "the AUR cache")?;
        let repo = AurRepo {
            dir: cache_dir.join(pkgbase),
            pkgbase: pkgbase.to_owned(),
            url,
            owner: owner.cloned(),
        };
        match fs::symlink_metadata(&repo.dir) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => repo.clone_fresh(cache_dir)?,
            Err(e) => {
                return Err(Error::Io {
                    path: repo.dir.clone(),
                    source: e,
                })
            }
            Ok(meta) => {
                repo.check_clone(&meta)?;
                repo.fetch()?;
            }
        }
        Ok(repo)
    }

    /// The clone's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The package base.
    pub fn pkgbase(&self) -> &str {
        &self.pkgbase
    }

    /// The URL cloned from.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The commit of origin's default branch as last fetched.
    ///
    /// # Errors
    ///
    /// [`Error::Library`] (`git`) when the clone has no such branch (an empty repository).
    pub fn remote_head(&self) -> Result<String> {
        for name in ["refs/remotes/origin/HEAD", "refs/remotes/origin/master"] {
            if let Some(id) = self.rev_parse(name)? {
                return Ok(id);
            }
        }
        Err(self.local_error(
            "find origin's default branch",
            "the AUR repository has no commit (a package base without a package); check the name",
        ))
    }

    /// The commit last reviewed ([`SEEN_REF`], as paru and yay keep it), if any.
    ///
    /// # Errors
    ///
    /// [`Error::Library`] (`git`) when git cannot be run.
    pub fn seen(&self) -> Result<Option<String>> {
        self.rev_parse(SEEN_REF)
    }

    /// Records `commit` as reviewed ([`SEEN_REF`]).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] when `commit` is not a full commit id; [`Error::Library`]
    /// (`git`) when the clone lacks it.
    pub fn mark_seen(&self, commit: &str) -> Result<()> {
        check_commit(commit)?;
        let target = format!("{commit}^{{commit}}");
        let id = self
            .rev_parse(&target)?
            .ok_or_else(|| self.local_error("mark the commit as seen", &no_commit(commit)))?;
        self.git_ok(&["update-ref", SEEN_REF, &id], "update-ref AUR_SEEN")?;
        Ok(())
    }

    /// `git diff` from `from` to `to`, every file included (`.SRCINFO`, `.install`
    /// scripts; binary files as text), with no colour, pager, external diff or textconv;
    /// `from: None` shows every file of `to` as added.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] for an id that is not a full commit id; [`Error::Library`]
    /// (`git`) when a commit is missing or the diff is larger than [`MAX_DIFF_BYTES`].
    pub fn diff(&self, from: Option<&str>, to: &str) -> Result<String> {
        check_commit(to)?;
        let from = match from {
            Some(id) => {
                check_commit(id)?;
                id.to_owned()
            }
            None => self.empty_tree()?,
        };
        let ran = self.git_run(
            &[
                "diff",
                "--no-color",
                "--no-ext-diff",
                "--no-textconv",
                "--text",
                "--no-renames",
                "--src-prefix=a/",
                "--dst-prefix=b/",
                &from,
                to,
                "--",
            ],
            MAX_DIFF_BYTES,
        )?;
        let ran = self.require_success(ran, "diff")?;
        if ran.stdout_over {
            return Err(self.local_error(
                "diff",
                &format!(
                    "the diff is larger than {MAX_DIFF_BYTES} bytes; read the repository itself in {}",
                    self.dir.display()
                ),
            ));
        }
        Ok(String::from_utf8_lossy(&ran.stdout).into_owned())
    }

    /// The entries at the top level of `commit`: regular files with their text (at most
    /// [`MAX_FILE_BYTES`] each, non-UTF-8 read lossily), and links, submodules, directories
    /// and larger files reported with [`RepoFile::refused`] set, never followed.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] for an id that is not a full commit id; [`Error::Library`]
    /// (`git`) when it is missing or has more than [`MAX_ENTRIES`] entries.
    pub fn files_at(&self, commit: &str) -> Result<Vec<RepoFile>> {
        check_commit(commit)?;
        let tree = format!("{commit}^{{tree}}");
        let ran = self.git_run(&["ls-tree", "-z", "-l", "--full-tree", &tree], 16 << 20)?;
        let ran = self.require_success(ran, "ls-tree")?;
        if ran.stdout_over {
            return Err(self.too_many_entries());
        }
        let records: Vec<&[u8]> = ran
            .stdout
            .split(|&b| b == 0)
            .filter(|r| !r.is_empty())
            .collect();
        if records.len() > MAX_ENTRIES {
            return Err(self.too_many_entries());
        }
        records.into_iter().map(|r| self.read_entry(r)).collect()
    }

    /// Checks `commit` out (detached, forced) and removes everything git does not track
    /// (`git clean -ffdx`), so that the build uses exactly the reviewed files.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] for an id that is not a full commit id; [`Error::Library`]
    /// (`git`) when it is missing or the checkout fails.
    pub fn checkout(&self, commit: &str) -> Result<()> {
        check_commit(commit)?;
        self.git_ok(
            &[
                "-c",
                "advice.detachedHead=false",
                "checkout",
                "-q",
                "--detach",
                "--force",
                commit,
                "--",
            ],
            "checkout",
        )?;
        self.git_ok(&["clean", "-ffdxq"], "clean")?;
        let head = self.rev_parse("HEAD")?;
        if head.as_deref() != Some(commit) {
            return Err(self.local_error(
                "checkout",
                &format!(
                    "HEAD is {head:?} after checking out {commit}; remove the clone and try again"
                ),
            ));
        }
        Ok(())
    }

    fn clone_fresh(&self, cache_dir: &Path) -> Result<()> {
        let mut cmd = git_command(self.owner.as_ref());
        cmd.current_dir(cache_dir)
            .args(["clone", "--quiet", "--no-recurse-submodules", "--"])
            .arg(&self.url)
            .arg(&self.pkgbase);
        tracing::debug!(url = %self.url, dir = %self.dir.display(), "git clone");
        let ran = run(cmd, 1 << 20, Some(NETWORK_TIMEOUT));
        self.network_result(ran, "clone")
    }

    fn fetch(&self) -> Result<()> {
        self.git_ok(
            &["remote", "set-url", "origin", &self.url],
            "remote set-url",
        )?;
        let mut cmd = self.command();
        cmd.args([
            "fetch",
            "--quiet",
            "--prune",
            "--no-recurse-submodules",
            "origin",
        ]);
        tracing::debug!(url = %self.url, dir = %self.dir.display(), "git fetch");
        let ran = run(cmd, 1 << 20, Some(NETWORK_TIMEOUT));
        self.network_result(ran, "fetch")
    }

    fn network_result(&self, ran: Result<Ran, RunError>, what: &str) -> Result<()> {
        let reason = match ran {
            Ok(r) if r.status.success() => return Ok(()),
            Ok(r) => format!(
                "git {what} exited with {}: {}",
                exit_text(r.status),
                escape(String::from_utf8_lossy(&r.stderr).trim())
            ),
            Err(RunError::TimedOut(t)) => {
                format!(
                    "git {what} took longer than {} s and was stopped",
                    t.as_secs()
                )
            }
            Err(RunError::Io(e)) => format!("git could not be run ({e}); is git installed?"),
        };
        Err(Error::Download {
            url: self.url.clone(),
            reason,
        })
    }

    /// The directory at `dir` must be a real directory holding a `.git` directory, owned by
    /// whom git runs as.
    fn check_clone(&self, meta: &fs::Metadata) -> Result<()> {
        let refuse = |why: String| Error::Io {
            path: self.dir.clone(),
            source: io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{why}, not a clone of {}; refused. Remove it (rm -rf {}) and try again",
                    self.url,
                    self.dir.display()
                ),
            ),
        };
        if meta.file_type().is_symlink() {
            return Err(refuse("a symbolic link".into()));
        }
        if !meta.is_dir() {
            return Err(refuse("not a directory".into()));
        }
        let want = self.owner.as_ref().map_or_else(crate::sys::euid, |u| u.uid);
        if meta.uid() != want {
            return Err(refuse(format!("owned by uid {}, not {want}", meta.uid())));
        }
        match fs::symlink_metadata(self.dir.join(".git")) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Err(refuse(".git is not a directory".into())),
            Err(_) => return Err(refuse("no .git directory".into())),
        }
        let ran = self.git_run(&["rev-parse", "--absolute-git-dir"], 64 << 10)?;
        let expected = self.dir.join(".git");
        let actual = PathBuf::from(String::from_utf8_lossy(&ran.stdout).trim());
        let same = match (actual.canonicalize(), expected.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if !ran.status.success() || !same {
            return Err(refuse("not a git repository of its own".into()));
        }
        Ok(())
    }

    fn read_entry(&self, record: &[u8]) -> Result<RepoFile> {
        let bad = || self.local_error("ls-tree", "an entry git printed could not be read");
        let tab = record.iter().position(|&b| b == b'\t').ok_or_else(bad)?;
        let name = String::from_utf8_lossy(&record[tab + 1..]).into_owned();
        let head = std::str::from_utf8(&record[..tab]).map_err(|_| bad())?;
        let mut parts = head.split_whitespace();
        let (mode, _kind, oid, size) = (
            parts.next().ok_or_else(bad)?,
            parts.next().ok_or_else(bad)?,
            parts.next().ok_or_else(bad)?,
            parts.next().ok_or_else(bad)?,
        );
        let refused = |kind: RepoFileKind, why: &str| RepoFile {
            name: name.clone(),
            kind,
            text: String::new(),
            refused: Some(why.to_owned()),
        };
        let kind = match mode {
            "100644" => RepoFileKind::File,
            "100755" => RepoFileKind::Executable,
            "120000" => {
                return Ok(refused(
                    RepoFileKind::Symlink,
                    "a symbolic link: refused, not followed",
                ))
            }
            "160000" => return Ok(refused(RepoFileKind::Submodule, "a submodule: refused")),
            "040000" => return Ok(refused(RepoFileKind::Directory, "a directory: not read")),
            _ => return Err(bad()),
        };
        if !valid_object(oid) {
            return Err(bad());
        }
        let size: u64 = size.parse().map_err(|_| bad())?;
        if size > MAX_FILE_BYTES {
            return Ok(refused(
                kind,
                &format!("{size} bytes, larger than the limit of {MAX_FILE_BYTES}: not read"),
            ));
        }
        let cap = usize::try_from(MAX_FILE_BYTES).unwrap_or(usize::MAX);
        let ran = self.git_run(&["cat-file", "blob", oid], cap)?;
        let ran = self.require_success(ran, "cat-file")?;
        if ran.stdout_over {
            return Ok(refused(
                kind,
                &format!("larger than the limit of {MAX_FILE_BYTES} bytes: not read"),
            ));
        }
        Ok(RepoFile {
            name,
            kind,
            text: String::from_utf8_lossy(&ran.stdout).into_owned(),
            refused: None,
        })
    }

    fn too_many_entries(&self) -> Error {
        self.local_error(
            "ls-tree",
            &format!(
                "more than {MAX_ENTRIES} files at the top level, the limit; an AUR repository \
                 this large is not reviewed"
            ),
        )
    }

    /// The id of the empty tree in this repository's object format.
    fn empty_tree(&self) -> Result<String> {
        let ran = self.git_run(&["hash-object", "-t", "tree", "/dev/null"], 1024)?;
        let ran = self.require_success(ran, "hash-object")?;
        let id = String::from_utf8_lossy(&ran.stdout).trim().to_owned();
        if valid_commit(&id) {
            Ok(id)
        } else {
            Err(self.local_error("hash-object", "git printed no object id"))
        }
    }

    /// `rev-parse --verify --quiet rev`: `None` when it does not exist.
    fn rev_parse(&self, rev: &str) -> Result<Option<String>> {
        let ran = self.git_run(&["rev-parse", "--verify", "--quiet", rev], 1024)?;
        if !ran.status.success() {
            return Ok(None);
        }
        let id = String::from_utf8_lossy(&ran.stdout).trim().to_owned();
        if valid_commit(&id) {
            Ok(Some(id))
        } else {
            Err(self.local_error("rev-parse", "git printed no object id"))
        }
    }

    fn command(&self) -> Command {
        let mut cmd = git_command(self.owner.as_ref());
        cmd.current_dir(&self.dir);
        cmd
    }

    fn git_run(&self, args: &[&str], cap: usize) -> Result<Ran> {
        let mut cmd = self.command();
        cmd.args(args);
        run(cmd, cap, Some(LOCAL_TIMEOUT)).map_err(|e| {
            let why = match e {
                RunError::Io(e) => format!("git could not be run ({e}); is git installed?"),
                RunError::TimedOut(t) => format!("took longer than {} s", t.as_secs()),
            };
            self.local_error(args.first().copied().unwrap_or("git"), &why)
        })
    }

    fn git_ok(&self, args: &[&str], what: &str) -> Result<Ran> {
        let ran = self.git_run(args, 1 << 20)?;
        self.require_success(ran, what)
    }

    fn require_success(&self, ran: Ran, what: &str) -> Result<Ran> {
        if ran.status.success() {
            return Ok(ran);
        }
        Err(self.local_error(
            what,
            &format!(
                "exited with {}: {}",
                exit_text(ran.status),
                escape(String::from_utf8_lossy(&ran.stderr).trim())
            ),
        ))
    }

    fn local_error(&self, what: &str, why: &str) -> Error {
        Error::Library {
            library: "git".into(),
            message: format!(
                "{what} in the clone of {} ({}): {why}",
                self.pkgbase,
                self.dir.display()
            ),
        }
    }
}

/// The commit `reference` (a branch; `None`: HEAD) of the repository at `url` has now,
/// by `git ls-remote` (killed after `timeout`); `None` when there is no such ref. A branch
/// is preferred over a tag of the same name.
///
/// # Errors
///
/// [`Error::InvalidRequest`] for a URL or reference starting with `-`; [`Error::Download`]
/// when git fails or takes longer than `timeout`.
pub fn ls_remote(url: &str, reference: Option<&str>, timeout: Duration) -> Result<Option<String>> {
    let reference = reference.unwrap_or("HEAD");
    if url.starts_with('-') || url.is_empty() || reference.starts_with('-') || reference.is_empty()
    {
        return Err(Error::InvalidRequest(format!(
            "\"{}\" at \"{}\" is not a git URL and branch",
            escape(url),
            escape(reference)
        )));
    }
    let mut cmd = git_command(None);
    cmd.args(["ls-remote", "--", url, reference]);
    let download = |reason: String| Error::Download {
        url: url.to_owned(),
        reason,
    };
    let ran = match run(cmd, 4 << 20, Some(timeout)) {
        Ok(r) => r,
        Err(RunError::TimedOut(t)) => {
            return Err(download(format!(
                "git ls-remote took longer than {} s and was stopped",
                t.as_secs()
            )))
        }
        Err(RunError::Io(e)) => {
            return Err(download(format!(
                "git could not be run ({e}); is git installed?"
            )))
        }
    };
    if !ran.status.success() {
        return Err(download(format!(
            "git ls-remote exited with {}: {}",
            exit_text(ran.status),
            escape(String::from_utf8_lossy(&ran.stderr).trim())
        )));
    }
    let text = String::from_utf8_lossy(&ran.stdout);
    let refs: Vec<(&str, &str)> = text
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .filter(|(id, _)| valid_commit(id))
        .collect();
    let wanted = [
        reference.to_owned(),
        format!("refs/heads/{reference}"),
        format!("refs/tags/{reference}^{{}}"),
        format!("refs/tags/{reference}"),
    ];
    for want in &wanted {
        if let Some((id, _)) = refs.iter().find(|(_, name)| name == want) {
            return Ok(Some((*id).to_owned()));
        }
    }
    Ok(refs.first().map(|(id, _)| (*id).to_owned()))
}

/// The `git+` sources of `srcinfo` for `arch` (the generic `source` and `source_<arch>`)
/// that follow a branch: not pinned by `#commit=` or `#tag=`, with `#branch=` kept. Each
/// is what makepkg would clone: `name::` and `git+` removed, `#fragment` and `?query` cut.
pub fn vcs_sources(srcinfo: &Srcinfo, arch: &str) -> Vec<VcsSource> {
    let arch_key = format!("source_{arch}");
    let mut out: Vec<VcsSource> = Vec::new();
    for source in srcinfo
        .base_values("source")
        .chain(srcinfo.base_values(&arch_key))
    {
        let url = source.split_once("::").map_or(source, |(_, u)| u);
        let Some(url) = url.strip_prefix("git+") else {
            continue;
        };
        let (url, fragment) = url.split_once('#').unwrap_or((url, ""));
        let url = url.split_once('?').map_or(url, |(u, _)| u);
        let (key, value) = fragment.split_once('=').unwrap_or((fragment, ""));
        let branch = match key {
            "commit" | "tag" => continue,
            "branch" if !value.is_empty() => Some(value.to_owned()),
            _ => None,
        };
        let found = VcsSource {
            url: url.to_owned(),
            branch,
        };
        if !url.is_empty() && !out.contains(&found) {
            out.push(found);
        }
    }
    out
}

/// `git` with the configuration every run gets (see the module's documentation), run as
/// `owner` when given.
fn git_command(owner: Option<&BuildUser>) -> Command {
    let mut cmd = Command::new("git");
    for (key, _) in std::env::vars_os() {
        if key.as_bytes().starts_with(b"GIT_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args([
            "--no-pager",
            "-c",
            "core.hooksPath=/dev/null",
            "-c",
            "core.fsmonitor=false",
            "-c",
            "core.pager=cat",
            "-c",
            "color.ui=false",
            "-c",
            "protocol.ext.allow=never",
            "-c",
            "core.quotePath=false",
        ]);
    if let Some(user) = owner {
        user.run_as(&mut cmd);
    }
    cmd
}

fn check_commit(id: &str) -> Result<()> {
    if valid_commit(id) {
        Ok(())
    } else {
        Err(Error::InvalidRequest(format!(
            "\"{}\" is not a full commit id (40 or 64 hex digits)",
            escape(id)
        )))
    }
}

fn valid_object(id: &str) -> bool {
    valid_commit(id)
}

fn no_commit(commit: &str) -> String {
    format!("the clone has no commit {commit}; sync it again")
}

/// `code N`, or the signal that ended the process.
pub(crate) fn exit_text(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("code {code}"),
        (None, Some(sig)) => format!("signal {sig}"),
        _ => "an unknown status".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkgbase_names() {
        for ok in [
            "yay",
            "aur-base",
            "lib32-foo",
            "foo@bar",
            "a.b_c+d",
            "0ad",
            "x",
        ] {
            assert!(valid_pkgbase(ok), "{ok}");
        }
        let long = "a".repeat(256);
        for bad in [
            "", "-rf", ".hidden", "..", "../etc", "a/b", "Yay", "a b", "a\nb", "é", &long,
        ] {
            assert!(!valid_pkgbase(bad), "{bad:?}");
        }
        assert!(valid_pkgbase(&"a".repeat(255)));
    }

    #[test]
    fn commit_ids() {
        assert!(valid_commit(&"0123456789abcdef".repeat(4)[..40]));
        assert!(valid_commit(&"a".repeat(64)));
        for bad in ["", "HEAD", "--output=x", &"A".repeat(40), &"a".repeat(41)] {
            assert!(!valid_commit(bad), "{bad}");
        }
    }
}
