//! What the runtime commands need: configuration, the runtimes directory, the global
//! defaults, the providers (downloading through one lazily built HTTP client) and mise.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use async_trait::async_trait;
use omg_adapters_http::{BearerToken, HttpConfig, HttpFetcher};
use omg_adapters_pgp::{PgpVerifier, PUBLISHERS};
use omg_adapters_releases::{providers, IndexCache, RuntimesConfig, Signatures, NATIVE_RUNTIMES};
use omg_adapters_runtimes::{GlobalDefaults, Installer, RuntimesHome, UnpackLimits};
use omg_ports::{
    Error, FetchOutcome, FetchRequest, Fetcher, Page, ProgressSink, Result, RuntimeProvider,
};

use omg_config::Settings;

use super::mise_source::MiseSource;

/// The runtime commands' world.
pub struct Ctx {
    /// The runtimes directory.
    pub home: RuntimesHome,
    /// `omg use --global`'s file.
    pub defaults: GlobalDefaults,
    /// Every provider.
    pub providers: Vec<Arc<dyn RuntimeProvider>>,
    /// Installs through the providers.
    pub installer: Installer,
    /// The mise runtimes omg does not install go to.
    pub mise: MiseSource,
    /// The cache in front of the providers' downloads.
    indexes: Arc<IndexCache>,
}

/// `$XDG_CACHE_HOME/omg/runtimes/index` (else `~/.cache/...`).
fn index_cache_dir() -> Result<PathBuf> {
    std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .map(|base| base.join("omg").join("runtimes").join("index"))
        .ok_or_else(|| Error::InvalidRequest("neither XDG_CACHE_HOME nor HOME is set".into()))
}

impl Ctx {
    /// From config.toml (and `OMG_*`) and the XDG directories; `offline` (`--offline`)
    /// as `[runtimes] offline = true`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for a broken config.toml; [`Error::InvalidRequest`] without HOME.
    pub fn load(offline: bool) -> Result<Ctx> {
        let settings = Settings::load()?;
        let mut rc = RuntimesConfig::default();
        for name in NATIVE_RUNTIMES {
            if let Some(m) = settings.runtime_mirror(name) {
                rc.mirrors.insert(name.to_string(), m);
            }
        }
        rc.signatures = signatures(&settings)?;
        let mut http = HttpConfig::default();
        // The GitHub token goes to GitHub's API only (python's, bun's and ruby's releases
        // there), never to downloads or other mirrors.
        if let Some((token, _)) = settings.github_token()? {
            http.bearer_tokens.push(BearerToken {
                scope: settings.github_api_url()?,
                token,
            });
        }
        // The remote indexes through a cache: `lts` and ranges resolve offline too.
        let indexes = Arc::new(
            IndexCache::new(Arc::new(LazyFetcher::new(http)), index_cache_dir()?)
                .with_max_age(settings.runtimes_index_max_age()?)
                .offline(offline || settings.runtimes_offline()?),
        );
        let fetcher: Arc<dyn Fetcher> = indexes.clone();
        let home = RuntimesHome::from_env()?;
        // `$XDG_DATA_HOME/omg`: the bundled mise goes to `mise/` beside `runtimes/`.
        let data_dir = home.root().parent().unwrap_or(home.root()).to_path_buf();
        let defaults = GlobalDefaults::from_env().ok_or_else(|| {
            Error::InvalidRequest("neither XDG_CONFIG_HOME nor HOME is set".into())
        })?;
        let mut limits = UnpackLimits::default();
        if let Some(bytes) = settings.max_unpacked_bytes()? {
            limits.max_bytes = bytes;
        }
        Ok(Ctx {
            installer: Installer::new(home.clone(), fetcher.clone()).with_unpack_limits(limits),
            mise: MiseSource::choose(
                &settings,
                find_on_path("mise"),
                &data_dir,
                fetcher.clone(),
                limits,
                rc.signatures.clone(),
            ),
            providers: providers(&rc, fetcher),
            home,
            defaults,
            indexes,
        })
    }

    /// Warns once, with the index cache's warnings.
    pub fn warn(&self, text: String) {
        self.indexes.warn(text);
    }

    /// The warnings of the index cache (a cached index used because the network failed)
    /// and of [`Ctx::warn`], printed once each.
    pub fn print_warnings(&self) {
        for w in self.indexes.take_warnings() {
            eprintln!("omg: warning: {}", omg_cli_core::render::escape(&w));
        }
    }

    /// The provider of `runtime`, or `None` (then mise handles it).
    pub fn provider(&self, runtime: &str) -> Option<&Arc<dyn RuntimeProvider>> {
        self.providers.iter().find(|p| p.name() == runtime)
    }

    /// The runtimes omg installs itself, comma-separated, for messages.
    pub fn native_list(&self) -> String {
        self.providers
            .iter()
            .map(|p| p.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The publishers' keys (shipped, then `[runtimes] keys_dir`) and
/// `[runtimes] require_signatures`.
fn signatures(settings: &Settings) -> Result<Signatures> {
    let mut verifier = PgpVerifier::shipped();
    if let Some(dir) = settings.keys_dir() {
        verifier
            .add_keys_dir(&dir, PUBLISHERS)
            .map_err(|e| Error::Config {
                path: dir.clone(),
                reason: e.to_string(),
            })?;
    }
    Ok(Signatures::new(
        Arc::new(verifier),
        settings.require_signatures()?,
    ))
}

pub use omg_cli_core::child::find_on_path;

/// An [`HttpFetcher`] built on first use: commands that never download (which, current,
/// list) do not pay for setting up TLS.
struct LazyFetcher {
    config: HttpConfig,
    fetcher: OnceLock<std::result::Result<HttpFetcher, String>>,
}

impl LazyFetcher {
    fn new(config: HttpConfig) -> Self {
        LazyFetcher {
            config,
            fetcher: OnceLock::new(),
        }
    }

    fn get(&self) -> Result<&HttpFetcher> {
        self.fetcher
            .get_or_init(|| HttpFetcher::new(&self.config).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|message| Error::Library {
                library: "reqwest".into(),
                message: message.clone(),
            })
    }
}

#[async_trait]
impl Fetcher for LazyFetcher {
    async fn fetch(
        &self,
        request: &FetchRequest,
        progress: Option<Arc<dyn ProgressSink>>,
    ) -> Result<FetchOutcome<Vec<u8>>> {
        self.get()?.fetch(request, progress).await
    }

    async fn fetch_to_file(
        &self,
        request: &FetchRequest,
        dest: &Path,
        progress: Option<Arc<dyn ProgressSink>>,
    ) -> Result<FetchOutcome<u64>> {
        self.get()?.fetch_to_file(request, dest, progress).await
    }

    async fn fetch_page(&self, request: &FetchRequest) -> Result<Page> {
        self.get()?.fetch_page(request).await
    }
}

/// The mise omg would use (`omg doctor`), from the same configuration as the commands.
///
/// # Errors
///
/// As [`Ctx::load`].
pub fn load_mise() -> Result<MiseSource> {
    Ctx::load(false).map(|ctx| ctx.mise)
}
