//! The transport's [`Handler`]: answers from the current snapshot, through the cache.

use std::future::Future;
use std::sync::Arc;

use omg::{ListKind, SearchQuery};
use omg_transport_uds::{AuditRequest, DaemonInfo, Handler, Reply, Request, Response, TextOutput};

use crate::aur::AurHolder;
use crate::refresh::Refresher;
use crate::state::{CacheKey, Snapshot, State};
use crate::suggest::{complete, suggest};

/// How many "did you mean" names an unknown package gets (as the Engine gives).
const SUGGESTIONS: usize = 3;
/// The most names a `Suggest` or `Complete` answers.
const MAX_SUGGEST: usize = 1000;

/// omgd's answers.
pub struct DaemonHandler {
    state: Arc<State>,
    refresher: Arc<Refresher>,
    aur: Arc<AurHolder>,
}

impl DaemonHandler {
    pub fn new(state: Arc<State>, refresher: Arc<Refresher>, aur: Arc<AurHolder>) -> DaemonHandler {
        DaemonHandler {
            state,
            refresher,
            aur,
        }
    }

    async fn answer(&self, request: Request) -> Arc<Response> {
        self.state.count_request();
        let snap = self.state.current();
        let answer = match request {
            Request::Hello { .. } => {
                Response::InvalidRequest("Hello is only valid as the first message".into())
            }
            Request::Ping => Response::Pong,
            Request::Stats => Response::Stats(self.state.stats()),
            Request::Search(query) => return self.search(&snap, query),
            Request::SearchAur { query, aur_only } => {
                return self.search_aur(&snap, query, aur_only)
            }
            Request::SearchText { query, aur, output } => {
                return self.search_text(&snap, query, aur, output)
            }
            // Answered by `handle` (it comes with a file); here as `SearchText`.
            Request::SearchTextFd { query, aur, output } => {
                return self.search_text(&snap, query, aur, output)
            }
            Request::InfoAur { names, aur_only } => {
                let mut repository = Vec::with_capacity(names.len());
                for name in &names {
                    if aur_only {
                        repository.push(None);
                        continue;
                    }
                    match snap.engine.backend().package(name).await {
                        Ok(p) => repository.push(p),
                        Err(e) => return Arc::new(Response::from(e)),
                    }
                }
                self.aur.info(&names, repository).await
            }
            Request::Info(names) => {
                let key = CacheKey::Info {
                    generation: snap.generation,
                    names: names.clone(),
                };
                self.cached(key, info(&snap, names)).await
            }
            Request::List(kind) => {
                let key = CacheKey::List {
                    generation: snap.generation,
                    kind,
                };
                self.cached(key, list(&snap, kind)).await
            }
            Request::Status => {
                let key = CacheKey::Status {
                    generation: snap.generation,
                };
                with_current_runtimes(self.cached(key, status(&snap)).await).await
            }
            Request::Why(name) => {
                let key = CacheKey::Why {
                    generation: snap.generation,
                    name: name.clone(),
                };
                self.cached(key, why(&snap, name)).await
            }
            Request::Audit(request) => self.audit(&snap, request).await,
            Request::Suggest { prefix, limit } => {
                let limit = usize::try_from(limit)
                    .unwrap_or(MAX_SUGGEST)
                    .min(MAX_SUGGEST);
                Response::Suggestions(suggest(&snap.index, &prefix, limit))
            }
            Request::Complete {
                prefix,
                installed,
                limit,
            } => {
                let limit = usize::try_from(limit)
                    .unwrap_or(MAX_SUGGEST)
                    .min(MAX_SUGGEST);
                Response::Suggestions(complete(&snap.index, &prefix, installed, limit))
            }
            Request::Invalidate => match self.refresher.invalidate(&self.state).await {
                Ok(index_generation) => Response::Invalidated { index_generation },
                Err(e) => Response::Internal(format!("{e:#}")),
            },
        };
        Arc::new(answer)
    }

    /// The answer of a search, shared with the cache: a page of thousands of hits is
    /// encoded from there, not copied first.
    fn search(&self, snap: &Snapshot, query: SearchQuery) -> Arc<Response> {
        let key = search_key(snap, &query);
        self.through_cache(&key, || search(snap, &query))
    }

    /// The answer of a search of the AUR (beside the repositories unless `aur_only`),
    /// through the cache as [`Self::search`].
    fn search_aur(&self, snap: &Snapshot, query: SearchQuery, aur_only: bool) -> Arc<Response> {
        match self.search_aur_key(snap, &query, aur_only) {
            Ok((key, aur)) => self.through_cache(&key, || {
                aur.search((!aur_only).then_some(&snap.index), &query)
            }),
            Err(no_aur) => no_aur,
        }
    }

    /// A search rendered as the client prints it ([`Request::SearchText`]), through the
    /// cache. The hits themselves are not cached beside their text.
    fn search_text(
        &self,
        snap: &Snapshot,
        query: SearchQuery,
        aur: Option<bool>,
        output: TextOutput,
    ) -> Arc<Response> {
        self.search_text_keyed(snap, query, aur, output).1
    }

    /// [`Self::search_text`] with its cache key (`None` for the answer given when omgd
    /// holds no AUR metadata).
    fn search_text_keyed(
        &self,
        snap: &Snapshot,
        query: SearchQuery,
        aur: Option<bool>,
        output: TextOutput,
    ) -> (Option<CacheKey>, Arc<Response>) {
        let (hits_key, hits): (CacheKey, Box<dyn FnOnce() -> Response + '_>) = match aur {
            None => (search_key(snap, &query), Box::new(|| search(snap, &query))),
            Some(aur_only) => match self.search_aur_key(snap, &query, aur_only) {
                Ok((key, aur)) => (
                    key,
                    Box::new(move || aur.search((!aur_only).then_some(&snap.index), &query)),
                ),
                Err(no_aur) => return (None, no_aur),
            },
        };
        let key = CacheKey::Text {
            search: Box::new(hits_key),
            output,
        };
        let text = self.through_cache(&key, || crate::text::search(&hits(), output));
        (Some(key), text)
    }

    /// [`Request::SearchTextFd`]: the text of [`Self::search_text`], a large stdout as a
    /// sealed memory file beside the answer.
    fn search_text_fd(&self, query: SearchQuery, aur: Option<bool>, output: TextOutput) -> Reply {
        self.state.count_request();
        let snap = self.state.current();
        let (key, text) = self.search_text_keyed(&snap, query, aur, output);
        self.state.shared().reply(key, text)
    }

    /// The cache key of a search of the AUR, and the AUR's index; the answer to give when
    /// omgd holds no AUR metadata.
    fn search_aur_key(
        &self,
        snap: &Snapshot,
        query: &SearchQuery,
        aur_only: bool,
    ) -> Result<(CacheKey, Arc<crate::aur::AurIndex>), Arc<Response>> {
        let Some(aur) = self.aur.current() else {
            // The client asks the AUR's RPC itself.
            return Err(Arc::new(Response::InvalidRequest(
                "omgd holds no AUR metadata (not Arch, [aur] enabled = false, or the dump \
                 was not fetched yet)"
                    .into(),
            )));
        };
        let key = CacheKey::SearchAur {
            generation: snap.generation,
            aur_generation: aur.generation(),
            text: query.text.clone(),
            limit: query.limit,
            installed_only: query.installed_only,
            aur_only,
        };
        Ok((key, aur))
    }

    /// The cached answer for `key`, else `compute`'s, remembered (the key is copied only
    /// then: a hit costs no allocation).
    fn through_cache(&self, key: &CacheKey, compute: impl FnOnce() -> Response) -> Arc<Response> {
        if let Some(hit) = self.state.cached(key) {
            return hit;
        }
        let answer = Arc::new(compute());
        self.state.remember(key.clone(), Arc::clone(&answer));
        answer
    }

    /// The audit the client would run itself (its `[audit]` settings, its `--offline`), over
    /// the served backend; one at a time with the background audit, since they share the
    /// feed cache file. A failure is answered as such and the client audits directly.
    async fn audit(&self, snap: &Snapshot, request: AuditRequest) -> Response {
        let lookup = |section: &str, key: &str| {
            (section == "audit")
                .then(|| request.settings.iter().find(|(k, _)| k == key))
                .flatten()
                .map(|(_, v)| v.clone())
        };
        let options = match omg::audit::AuditOptions::configured(lookup, request.offline) {
            Ok(o) => o,
            Err(e) => return Response::from(e),
        };
        let _one_at_a_time = self.state.audit_lock().await;
        self.state.note_backend_use();
        match omg::audit::audit(&snap.engine, &options).await {
            Ok(audit) => {
                // It saved a new summary for `omg status`.
                self.state.forget_status();
                Response::Audit(audit.outcome)
            }
            Err(e) => {
                tracing::info!(error = %e, "audit asked for, and failed");
                Response::from(e)
            }
        }
    }

    /// The cached answer for `key`, else the one being computed for another request, else
    /// `compute`'s.
    async fn cached(&self, key: CacheKey, compute: impl Future<Output = Response>) -> Response {
        if let Some(hit) = self.state.cached(&key) {
            return (*hit).clone();
        }
        let cell = self.state.computing(&key);
        let answer = cell
            .get_or_init(|| async {
                let answer = Arc::new(compute.await);
                self.state.note_backend_use();
                self.state.remember(key.clone(), Arc::clone(&answer));
                answer
            })
            .await;
        let answer = (**answer).clone();
        self.state.computed(&key, &cell);
        answer
    }
}

impl Handler for DaemonHandler {
    fn welcome(&self) -> DaemonInfo {
        DaemonInfo {
            daemon_version: env!("CARGO_PKG_VERSION").to_string(),
            backend: self.state.backend().clone(),
            index_generation: self.state.current().generation,
        }
    }

    fn handle(&self, request: Request) -> impl Future<Output = Reply> + Send {
        let name = request.name();
        async move {
            let reply = match request {
                Request::SearchTextFd { query, aur, output } => {
                    self.search_text_fd(query, aur, output)
                }
                other => self.answer(other).await.into(),
            };
            tracing::debug!(request = name, answer = reply.response.name(), "answered");
            reply
        }
    }
}

/// The cache key of a search of the served index.
fn search_key(snap: &Snapshot, query: &SearchQuery) -> CacheKey {
    CacheKey::Search {
        generation: snap.generation,
        text: query.text.clone(),
        limit: query.limit,
        installed_only: query.installed_only,
    }
}

/// A search of the served index.
fn search(snap: &Snapshot, query: &SearchQuery) -> Response {
    match snap.index.search(query) {
        Ok(results) => Response::Search(results),
        Err(e) => Response::from(e),
    }
}

/// Like `Engine::info`, with the suggestions taken from the served index instead of a
/// fresh read of every package.
async fn info(snap: &Snapshot, names: Vec<String>) -> Response {
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        match snap.engine.backend().package(&name).await {
            Ok(Some(p)) => out.push(p),
            Ok(None) => {
                let suggestions = snap.index.suggest(&name, SUGGESTIONS);
                return Response::NotFound { name, suggestions };
            }
            Err(e) => return Response::from(e),
        }
    }
    Response::Packages(out)
}

async fn list(snap: &Snapshot, kind: ListKind) -> Response {
    match snap.engine.list(kind).await {
        Ok(l) => Response::List(l),
        Err(e) => Response::from(e),
    }
}

async fn why(snap: &Snapshot, name: String) -> Response {
    match snap.engine.why(&name).await {
        Ok(report) => Response::Why(report),
        Err(e) => Response::from(e),
    }
}

/// `answer` (a status, perhaps cached) with the runtimes read now, as direct mode reads
/// them: `omg runtimes install` and `omg use` change them without telling omgd. A directory
/// listing per runtime and one small file; nothing of it depends on the client's directory.
async fn with_current_runtimes(answer: Response) -> Response {
    match answer {
        Response::Status(mut status) => {
            status.runtimes = tokio::task::spawn_blocking(omg::status::runtimes)
                .await
                .unwrap_or_default();
            Response::Status(status)
        }
        other => other,
    }
}

async fn status(snap: &Snapshot) -> Response {
    match omg::status::status_of(&snap.engine, snap.index.packages()).await {
        Ok(s) => Response::Status(s),
        Err(e) => Response::from(e),
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    /// omgd audits with the `[audit]` settings a client sends: the client must send every
    /// key the audit's options read.
    #[test]
    fn clients_send_every_audit_setting_the_options_read() {
        let asked = RefCell::new(Vec::new());
        let options = omg::audit::AuditOptions::configured(
            |section, key| {
                asked.borrow_mut().push(format!("{section}.{key}"));
                None
            },
            true,
        );
        // Without XDG_CACHE_HOME and HOME the options fail after the lookups; either way
        // the keys were asked for.
        drop(options);
        let sent: Vec<String> = omg_config::keys::AUDIT_REQUEST_KEYS
            .iter()
            .map(|k| format!("audit.{k}"))
            .collect();
        let mut asked = asked.into_inner();
        asked.sort();
        let mut sent_sorted = sent.clone();
        sent_sorted.sort();
        assert_eq!(asked, sent_sorted);
    }
}
