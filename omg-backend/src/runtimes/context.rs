//! What the runtime commands need: configuration, the runtimes directory, the global
//! defaults, the providers (downloading through one lazily built HTTP client) and mise.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use async_trait::async_trait;
use omg_adapters_http::{HttpConfig, HttpFetcher};
use omg_adapters_releases::{providers, RuntimesConfig, NATIVE_RUNTIMES};
use omg_adapters_runtimes::{GlobalDefaults, Installer, RuntimesHome, UnpackLimits};
use omg_ports::{
    Error, FetchOutcome, FetchRequest, Fetcher, ProgressSink, Result, RuntimeProvider,
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
}

impl Ctx {
    /// From config.toml (and `OMG_*`) and the XDG directories.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for a broken config.toml; [`Error::InvalidRequest`] without HOME.
    pub fn load() -> Result<Ctx> {
        let settings = Settings::load()?;
        let mut rc = RuntimesConfig::default();
        for name in NATIVE_RUNTIMES {
            if let Some(m) = settings.runtime_mirror(name) {
                rc.mirrors.insert(name.to_string(), m);
            }
        }
        let fetcher: Arc<dyn Fetcher> = Arc::new(LazyFetcher::default());
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
            ),
            providers: providers(&rc, fetcher),
            home,
            defaults,
        })
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

/// The first executable file `name` in `$PATH`.
pub fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// An [`HttpFetcher`] built on first use: commands that never download (which, current,
/// list) do not pay for setting up TLS.
#[derive(Default)]
struct LazyFetcher(OnceLock<std::result::Result<HttpFetcher, String>>);

impl LazyFetcher {
    fn get(&self) -> Result<&HttpFetcher> {
        self.0
            .get_or_init(|| HttpFetcher::new(&HttpConfig::default()).map_err(|e| e.to_string()))
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
}

/// The mise omg would use (`omg doctor`), from the same configuration as the commands.
///
/// # Errors
///
/// As [`Ctx::load`].
pub fn load_mise() -> Result<MiseSource> {
    Ctx::load().map(|ctx| ctx.mise)
}
