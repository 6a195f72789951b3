//! VCS packages (`-git` and others with `git+` sources that follow a branch): after a build
//! the upstream heads are recorded beside the clone (`<clone>.omg-vcs.json`); `omg update
//! --devel` asks `git ls-remote` again, every source at once, and rebuilds what moved, as
//! paru's devel database does.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use omg_adapters_aur::parse_srcinfo;
use omg_adapters_aur::repo::{ls_remote, vcs_sources, AurRepo};
use omg_cli_core::render::escape;
use omg_ports::Error;

/// How long one `git ls-remote` may take when the heads are recorded after a build.
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

/// The most `git ls-remote` run at once by [`moved`].
const PARALLEL: usize = 8;

/// What [`moved`] found.
#[derive(Debug, Default)]
pub struct Moved {
    /// For each clone asked about, in order: whether one of its VCS sources moved since its
    /// last build (`false` also when omg does not know: no record, no VCS source).
    pub moved: Vec<bool>,
    /// One line per source that could not be asked (unreachable, too slow), naming it.
    pub warnings: Vec<String>,
}

/// Whether the package bases cloned at `clones` follow VCS sources whose heads moved since
/// their last build. Every recorded source of every clone is asked at once ([`PARALLEL`] at
/// a time), each given `timeout`: a source that does not answer is a warning, and the others'
/// answers still count.
pub async fn moved(clones: Vec<PathBuf>, timeout: Duration) -> Moved {
    let count = clones.len();
    let asked = tokio::task::spawn_blocking(move || ask_all(&clones, timeout)).await;
    asked.unwrap_or_else(|e| Moved {
        moved: vec![false; count],
        warnings: vec![format!("the VCS sources were not asked: {e}")],
    })
}

/// One recorded source: the index of its clone, its URL and branch, the head recorded.
type Source = (usize, String, Option<String>, String);

fn ask_all(clones: &[PathBuf], timeout: Duration) -> Moved {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Mutex, PoisonError};
    let sources: Vec<Source> = clones
        .iter()
        .enumerate()
        .filter_map(|(i, clone)| Some((i, load(&record_path(clone))?)))
        .flat_map(|(i, heads)| {
            heads
                .into_iter()
                .map(move |(url, (branch, head))| (i, url, branch, head))
        })
        .collect();
    let next = AtomicUsize::new(0);
    let found = Mutex::new(Moved {
        moved: vec![false; clones.len()],
        warnings: Vec::new(),
    });
    std::thread::scope(|scope| {
        for _ in 0..PARALLEL.min(sources.len()) {
            scope.spawn(|| {
                while let Some(source) = sources.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let answer = ask(source, timeout);
                    let mut found = found.lock().unwrap_or_else(PoisonError::into_inner);
                    match answer {
                        Ok(true) => found.moved[source.0] = true,
                        Ok(false) => {}
                        Err(warning) => found.warnings.push(warning),
                    }
                }
            });
        }
    });
    let mut found = found.into_inner().unwrap_or_else(PoisonError::into_inner);
    found.warnings.sort();
    found
}

/// Whether `source`'s head moved; `Err` with a warning naming it when it did not answer.
fn ask(source: &Source, timeout: Duration) -> Result<bool, String> {
    let (_, url, branch, head) = source;
    match ls_remote(url, branch.as_deref(), timeout) {
        Ok(now) => Ok(now.is_some_and(|now| now != *head)),
        Err(e) => {
            tracing::debug!(url = %url, error = %e, "cannot ask the VCS source for its head");
            // ls_remote's reasons escape what they quote.
            let reason = match e {
                Error::Download { reason, .. } => reason,
                other => other.to_string(),
            };
            Err(format!(
                "the VCS source {} did not answer ({reason}); its package is not rebuilt \
                 unless another of its sources moved",
                escape(url),
            ))
        }
    }
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
