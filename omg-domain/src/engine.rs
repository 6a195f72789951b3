//! The Engine: the read operations of omg over any [`PackageBackend`].

use std::sync::Arc;

use omg_ports::{
    BackendInfo, Error, InstallReason, ListKind, Package, PackageBackend, PackageSummary, Result,
    SearchQuery, SearchResults, Status,
};

use crate::search::Index;
use crate::why::WhyReport;

/// How many "did you mean" names an unknown package gets.
const SUGGESTIONS: usize = 3;

/// Search, info, list and status over one backend. Cheap to clone.
#[derive(Clone)]
pub struct Engine {
    backend: Arc<dyn PackageBackend>,
}

impl Engine {
    /// An engine over `backend`.
    pub fn new(backend: Arc<dyn PackageBackend>) -> Self {
        Self { backend }
    }

    /// The backend and configuration this engine answers for.
    pub fn backend_info(&self) -> BackendInfo {
        self.backend.info()
    }

    /// The backend itself, for operations the engine does not wrap.
    pub fn backend(&self) -> &Arc<dyn PackageBackend> {
        &self.backend
    }

    /// Read every package into a search index.
    pub async fn index(&self) -> Result<Index> {
        Ok(Index::new(self.backend.packages().await?))
    }

    /// Ranked search over every package (see [`crate::search`] for the rules).
    pub async fn search(&self, query: &SearchQuery) -> Result<SearchResults> {
        if query.text.trim().is_empty() {
            return Err(Error::InvalidRequest(
                "the search query is empty; give a word to look for".into(),
            ));
        }
        self.index().await?.search(query)
    }

    /// Full records of `names`, in order. The first unknown name fails with
    /// [`Error::NotFound`] carrying the closest existing names.
    pub async fn info(&self, names: &[String]) -> Result<Vec<Package>> {
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            match self.backend.package(name).await? {
                Some(p) => out.push(p),
                None => {
                    let suggestions = self.index().await?.suggest(name, SUGGESTIONS);
                    return Err(Error::NotFound {
                        name: name.clone(),
                        suggestions,
                    });
                }
            }
        }
        Ok(out)
    }

    /// Installed packages of the given kind, sorted by name.
    pub async fn list(&self, kind: ListKind) -> Result<Vec<PackageSummary>> {
        let mut list = match kind {
            ListKind::Installed => self.backend.installed().await?,
            ListKind::Explicit => explicit(self.backend.installed().await?),
            ListKind::Orphans => self.backend.orphans().await?,
            ListKind::Upgradable => self.backend.upgradable().await?,
        };
        list.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(list)
    }

    /// Why the installed package `name` is there (see [`crate::why`]). A name that is not
    /// installed fails with [`Error::NotFound`] carrying the closest installed names.
    pub async fn why(&self, name: &str) -> Result<WhyReport> {
        let graph = self.backend.dependency_graph().await?;
        crate::why::why(&graph, name).ok_or_else(|| Error::NotFound {
            name: name.to_string(),
            suggestions: crate::suggest::closest(
                name,
                graph.iter().map(|n| n.name.as_str()),
                SUGGESTIONS,
            ),
        })
    }

    /// Counts of available, installed, explicit, orphaned and upgradable packages.
    pub async fn status(&self) -> Result<Status> {
        self.status_of(&self.backend.packages().await?).await
    }

    /// As [`Engine::status`], counting the available packages in `packages`, the backend's
    /// whole list as [`PackageBackend::packages`] gave it (a search index holds it already),
    /// instead of listing them again.
    pub async fn status_of(&self, packages: &[PackageSummary]) -> Result<Status> {
        // What the repositories offer (`pacman -Sl | wc -l`): not what only is installed.
        let available = packages
            .iter()
            .filter(|p| p.repository != PackageSummary::LOCAL)
            .count();
        let installed = self.backend.installed().await?;
        let explicit = installed.iter().filter(|p| is_explicit(p)).count();
        Ok(Status {
            backend: self.backend.info().name,
            available,
            installed: installed.len(),
            explicit,
            orphans: self.backend.orphans().await?.len(),
            upgradable: self.backend.upgradable().await?.len(),
            // The shells add the last audit's summary (it lives in their feed cache) and the
            // runtimes (on disk).
            security: None,
            runtimes: Vec::new(),
        })
    }
}

fn is_explicit(p: &PackageSummary) -> bool {
    p.installed
        .as_ref()
        .is_some_and(|i| i.reason == InstallReason::Explicit)
}

fn explicit(installed: Vec<PackageSummary>) -> Vec<PackageSummary> {
    installed.into_iter().filter(is_explicit).collect()
}
