//! Large rendered searches kept as sealed memory files, for clients that take their stdout
//! as a file beside the answer (protocol 4.6's `SearchTextFd`): written once per cached
//! text, then each request costs a small frame and a file descriptor instead of encoding
//! and sending the text.

use std::os::fd::OwnedFd;
use std::sync::Arc;
use std::time::Duration;

use moka::sync::Cache;
use omg_transport_uds::shared_file::{sealed_file, SHARED_TEXT_MIN};
use omg_transport_uds::{Reply, Response};

use crate::state::CacheKey;

/// Bytes of files kept at once (their pages are omgd's memory, as the cached texts are).
const FILES_BYTES: u64 = 32 * 1024 * 1024;

/// The files of cached texts, by the texts' cache keys, with their sizes.
pub struct SharedTexts {
    files: Cache<CacheKey, (Arc<OwnedFd>, u32)>,
}

impl SharedTexts {
    /// An empty set whose files live at most `ttl` (as the cached texts do).
    pub fn new(ttl: Duration) -> SharedTexts {
        SharedTexts {
            files: Cache::builder()
                .max_capacity(FILES_BYTES)
                .weigher(|_: &CacheKey, (_, len): &(Arc<OwnedFd>, u32)| *len)
                .time_to_live(ttl)
                .build(),
        }
    }

    /// `text` (a [`Response::Text`], the answer under `key`) as the client of a
    /// `SearchTextFd` gets it: a [`Response::TextFd`] and the sealed file of its stdout
    /// when stdout is [`SHARED_TEXT_MIN`] bytes or more, else `text` itself; also `text`
    /// when no memory file can be made.
    pub fn reply(&self, key: Option<CacheKey>, text: Arc<Response>) -> Reply {
        let (
            Some(key),
            Response::Text {
                stdout,
                stderr,
                code,
            },
        ) = (key, &*text)
        else {
            return text.into();
        };
        if stdout.len() < SHARED_TEXT_MIN {
            return text.into();
        }
        let file = match self.files.get(&key) {
            Some((file, _)) => file,
            None => match sealed_file("omgd-search", stdout.as_bytes()) {
                Ok(file) => {
                    let file = Arc::new(file);
                    let len = u32::try_from(stdout.len()).unwrap_or(u32::MAX);
                    self.files.insert(key, (Arc::clone(&file), len));
                    file
                }
                Err(e) => {
                    tracing::debug!(error = %e, "no memory file for a large answer; sending it in the frame");
                    return text.into();
                }
            },
        };
        Reply {
            response: Arc::new(Response::TextFd {
                len: stdout.len() as u64,
                stderr: stderr.clone(),
                code: *code,
            }),
            file: Some(file),
        }
    }

    /// Drop every file (a new index, or an idle omgd giving its memory back).
    pub fn clear(&self) {
        self.files.invalidate_all();
        self.files.run_pending_tasks();
    }
}
