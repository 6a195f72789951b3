//! The AUR in the helper: search and info beside the repositories (reads.rs), and
//! installs built from it (install.rs).

mod build_progress;
mod context;
pub mod install;
mod pgp;
pub mod reads;
mod review;
pub mod update;
mod vcs;

use std::sync::Arc;

use omg::Engine;
use omg_adapters_aur::AurRpc;
use omg_adapters_http::{HttpConfig, HttpFetcher};
use omg_cli_core::route::Sources;
use omg_config::{AurUrls, Settings};
use omg_ports::{AurSource, Error, Result};

/// The AUR as this command sees it: where to ask, and the base of package pages.
pub struct Aur {
    source: Arc<dyn AurSource>,
    urls: AurUrls,
    pages: String,
}

impl Aur {
    /// The AUR to ask, `None` when it does not apply: `--repo`, a backend other than
    /// libalpm, or `[aur] enabled = false` without `--aur`.
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] for `--aur` on a system without the AUR (apt), and the
    /// configuration's errors.
    pub fn open(engine: &Engine, sources: Sources) -> Result<Option<Aur>> {
        if !sources.aur() {
            return Ok(None);
        }
        let backend = engine.backend_info().name;
        if backend != "alpm" {
            return match sources {
                Sources::Aur => Err(Error::Unsupported {
                    backend,
                    operation: "the AUR (it is an Arch Linux repository; search without --aur)"
                        .into(),
                }),
                _ => Ok(None),
            };
        }
        let settings = Settings::load()?;
        if sources == Sources::All && !settings.aur_enabled()? {
            return Ok(None);
        }
        let urls = settings.aur_urls();
        let fetcher = HttpFetcher::new(&HttpConfig::default())?;
        Ok(Some(Aur {
            source: Arc::new(AurRpc::with_urls(
                Arc::new(fetcher),
                urls.rpc.clone(),
                urls.dump.clone(),
            )),
            pages: urls.pages(),
            urls,
        }))
    }
}
