//! A backend of your own: implement `PackageBackend` and the whole domain (ranked search,
//! "did you mean", lists, status) works on it. Here the packages live in memory; a real
//! backend would read another distribution's database.
//!
//! `cargo run --example custom_backend -- edit`

use std::sync::Arc;

use async_trait::async_trait;
use omg::ports::{
    BackendInfo, Error, Fingerprint, InstallReason, Installed, Package, PackageBackend,
    PackageSummary, Plan, ProgressSink, Result, Transaction, TransactionOutcome, VersionScheme,
};
use omg::{Engine, ListKind, SearchQuery};

/// Packages of a made-up distribution, kept in memory.
struct ToyBackend {
    packages: Vec<Package>,
}

impl ToyBackend {
    fn new() -> Self {
        let pkg = |name: &str, version: &str, description: &str, installed: bool| Package {
            name: name.into(),
            version: version.into(),
            description: description.into(),
            repository: "toy".into(),
            architecture: "any".into(),
            installed: installed.then(|| Installed {
                version: version.into(),
                reason: InstallReason::Explicit,
                date: None,
            }),
            ..Package::default()
        };
        Self {
            packages: vec![
                pkg("toyedit", "1.2-1", "A small text editor", true),
                pkg("toyshell", "0.9-3", "A shell that edits its history", false),
                pkg("toybox-tools", "2.0-1", "Assorted tools", true),
            ],
        }
    }

    fn summaries(&self, keep: impl Fn(&Package) -> bool) -> Vec<PackageSummary> {
        self.packages
            .iter()
            .filter(|p| keep(p))
            .map(Package::summary)
            .collect()
    }
}

#[async_trait]
impl PackageBackend for ToyBackend {
    fn info(&self) -> BackendInfo {
        BackendInfo {
            name: "toy".into(),
            root: "/".into(),
            config: None,
            version_scheme: VersionScheme::Alpm,
        }
    }

    async fn packages(&self) -> Result<Vec<PackageSummary>> {
        Ok(self.summaries(|_| true))
    }

    async fn installed(&self) -> Result<Vec<PackageSummary>> {
        Ok(self.summaries(|p| p.installed.is_some()))
    }

    async fn package(&self, name: &str) -> Result<Option<Package>> {
        Ok(self.packages.iter().find(|p| p.name == name).cloned())
    }

    async fn upgradable(&self) -> Result<Vec<PackageSummary>> {
        Ok(Vec::new())
    }

    async fn orphans(&self) -> Result<Vec<PackageSummary>> {
        Ok(Vec::new())
    }

    async fn fingerprint(&self) -> Result<Fingerprint> {
        Ok(Fingerprint::default())
    }

    async fn plan(&self, _tx: &Transaction) -> Result<Plan> {
        Err(Error::Unsupported {
            backend: "toy".into(),
            operation: "transactions".into(),
        })
    }

    async fn commit(
        &self,
        _tx: &Transaction,
        _progress: Arc<dyn ProgressSink>,
    ) -> Result<TransactionOutcome> {
        Err(Error::Unsupported {
            backend: "toy".into(),
            operation: "transactions".into(),
        })
    }
}

fn main() -> std::result::Result<(), Box<dyn std::error::Error>> {
    let term = std::env::args().nth(1).unwrap_or_else(|| "edit".into());
    let engine = Engine::new(Arc::new(ToyBackend::new()));
    let runtime = tokio::runtime::Builder::new_current_thread().build()?;
    runtime.block_on(async {
        for hit in engine.search(&SearchQuery::new(&term)).await?.hits {
            println!("{:<14} {:?}", hit.package.name, hit.kind);
        }
        let installed = engine.list(ListKind::Installed).await?;
        println!("installed: {}", installed.len());
        if let Err(e) = engine.info(&["toyedt".into()]).await {
            println!("{e}");
        }
        Ok(())
    })
}
