//! VCS packages (`-git` and others with `git+` sources that follow a branch): after a build
//! the upstream heads are recorded beside the clone (`<clone>.omg-vcs.json`); `omg update
//! --devel` asks `git ls-remote` again and rebuilds what moved, as paru's devel database
//! does.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use omg_adapters_aur::parse_srcinfo;
use omg_adapters_aur::repo::{ls_remote, vcs_sources, AurRepo};

/// How long one `git ls-remote` may take.
const LS_REMOTE_TIMEOUT: Duration = Duration::from_secs(30);
/// The largest record read back.
const MAX_RECORD_BYTES: u64 = 256 * 1024;

/// Records the heads of the VCS sources of `commit`'s `.SRCINFO` in `repo` (nothing for a
/// package without VCS sources). A failure is logged: the record only serves `--devel`.
pub fn record_heads(repo: &AurRepo, commit: &str) {
    let heads = match current_heads(repo, commit) {
        Some(h) if !h.is_empty() => h,
        _ => return,
    };
    let path = record_path(repo.dir());
    match serde_json::to_string(&heads) {
        Ok(text) => {
            if let Err(e) = std::fs::write(&path, text) {
                tracing::warn!(path = %path.display(), error = %e, "cannot record the VCS heads");
            }
        }
        Err(e) => tracing::warn!(error = %e, "cannot record the VCS heads"),
    }
}

/// Whether the package base cloned at `clone` follows VCS sources whose heads moved since
/// its last build (`None` when omg does not know: no clone, no record, no VCS source).
pub fn moved(clone: &Path) -> Option<bool> {
    let recorded = load(&record_path(clone))?;
    for (url, (branch, head)) in &recorded {
        match ls_remote(url, branch.as_deref(), LS_REMOTE_TIMEOUT) {
            Ok(Some(now)) if now != *head => return Some(true),
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(url = %url, error = %e, "cannot ask the VCS source for its head");
                return None;
            }
        }
    }
    Some(false)
}

/// url -> (branch, head).
type Heads = BTreeMap<String, (Option<String>, String)>;

fn current_heads(repo: &AurRepo, commit: &str) -> Option<Heads> {
    let files = repo.files_at(commit).ok()?;
    let text = files.iter().find(|f| f.name == ".SRCINFO")?.text.clone();
    let srcinfo = parse_srcinfo(&text).ok()?;
    let mut heads = Heads::new();
    for source in vcs_sources(&srcinfo, std::env::consts::ARCH) {
        match ls_remote(&source.url, source.branch.as_deref(), LS_REMOTE_TIMEOUT) {
            Ok(Some(head)) => {
                heads.insert(source.url, (source.branch, head));
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(url = %source.url, error = %e, "cannot record a VCS head"),
        }
    }
    Some(heads)
}

fn record_path(clone: &Path) -> PathBuf {
    let mut name = clone.as_os_str().to_os_string();
    name.push(".omg-vcs.json");
    PathBuf::from(name)
}

fn load(path: &Path) -> Option<Heads> {
    use std::io::Read;
    let file = std::fs::File::open(path).ok()?;
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    let mut text = String::new();
    file.take(MAX_RECORD_BYTES).read_to_string(&mut text).ok()?;
    serde_json::from_str(&text).ok()
}
