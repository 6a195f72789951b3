//! The transport's [`Handler`]: answers from the current snapshot, through the cache.

use std::future::Future;
use std::sync::Arc;

use omg::{ListKind, SearchQuery};
use omg_transport_uds::{DaemonInfo, Handler, Request, Response};

use crate::refresh::Refresher;
use crate::state::{CacheKey, Snapshot, State};
use crate::suggest::suggest;

/// How many "did you mean" names an unknown package gets (as the Engine gives).
const SUGGESTIONS: usize = 3;
/// The most names a `Suggest` answers.
const MAX_SUGGEST: usize = 1000;

/// omgd's answers.
pub struct DaemonHandler {
    state: Arc<State>,
    refresher: Arc<Refresher>,
}

impl DaemonHandler {
    pub fn new(state: Arc<State>, refresher: Arc<Refresher>) -> DaemonHandler {
        DaemonHandler { state, refresher }
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
                self.cached(key, status(&snap)).await
            }
            Request::Suggest { prefix, limit } => {
                let limit = usize::try_from(limit)
                    .unwrap_or(MAX_SUGGEST)
                    .min(MAX_SUGGEST);
                Response::Suggestions(suggest(&snap.index, &prefix, limit))
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
        let key = CacheKey::Search {
            generation: snap.generation,
            text: query.text.clone(),
            limit: query.limit,
            installed_only: query.installed_only,
        };
        if let Some(hit) = self.state.cached(&key) {
            return hit;
        }
        let answer = Arc::new(match snap.index.search(&query) {
            Ok(results) => Response::Search(results),
            Err(e) => Response::from(e),
        });
        self.state.remember(key, Arc::clone(&answer));
        answer
    }

    async fn cached(&self, key: CacheKey, compute: impl Future<Output = Response>) -> Response {
        if let Some(hit) = self.state.cached(&key) {
            return (*hit).clone();
        }
        let answer = compute.await;
        self.state.note_backend_use();
        self.state.remember(key, Arc::new(answer.clone()));
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

    fn handle(&self, request: Request) -> impl Future<Output = Arc<Response>> + Send {
        let name = request.name();
        async move {
            let answer = self.answer(request).await;
            tracing::debug!(request = name, answer = answer.name(), "answered");
            answer
        }
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

async fn status(snap: &Snapshot) -> Response {
    match omg::status::status(&snap.engine).await {
        Ok(s) => Response::Status(s),
        Err(e) => Response::from(e),
    }
}
