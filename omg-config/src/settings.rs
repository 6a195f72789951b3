//! The typed settings: each accessor names its key from [`crate::keys`] and applies its
//! default.

use std::path::PathBuf;
use std::time::Duration;

use omg_ports::{Error, FeedKind, Result, Secret};

use crate::keys::{self, feed_key};
use crate::{Config, Origin};

/// Where the AUR is: `[aur] url`, `rpc_url`, `dump_url`, `news_url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AurUrls {
    /// The base of `<pkgbase>.git` repositories.
    pub git: String,
    /// The RPC's base (`<rpc>/v5/search`).
    pub rpc: String,
    /// The extended metadata dump.
    pub dump: String,
    /// The Arch news feed.
    pub news: String,
}

impl AurUrls {
    /// The base of the packages' pages (`<url>/packages/`, followed by a name).
    pub fn pages(&self) -> String {
        format!("{}/packages/", self.git.trim_end_matches('/'))
    }
}

/// omg's settings: config.toml with the `OMG_*` variables on top, typed.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    config: Config,
}

impl Settings {
    /// The user's settings (see the crate docs for where the file is).
    ///
    /// # Errors
    ///
    /// [`omg_ports::Error::Config`] naming the file when it exists but cannot be read, is
    /// not a regular file, is too large, or is not TOML.
    pub fn load() -> Result<Settings> {
        Config::load().map(Settings::from_config)
    }

    /// The settings of an already loaded configuration.
    pub fn from_config(config: Config) -> Settings {
        Settings { config }
    }

    /// The configuration underneath (for `omg config`'s origins).
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// `[audit] <feed>_feed`: the configured URL of `kind`'s feed, `None` for the default
    /// ([`crate::default_feed_url`]).
    pub fn feed_url(&self, kind: FeedKind) -> Option<String> {
        self.config.string(keys::AUDIT, feed_key(kind))
    }

    /// The `[audit]` settings a client sends omgd ([`keys::AUDIT_REQUEST_KEYS`]) that are set.
    pub fn audit_request(&self) -> Vec<(String, String)> {
        keys::AUDIT_REQUEST_KEYS
            .iter()
            .filter_map(|&key| Some((key.to_string(), self.config.string(keys::AUDIT, key)?)))
            .collect()
    }

    /// `[audit] refresh_secs`: how often omgd audits (0: never).
    ///
    /// # Errors
    ///
    /// [`omg_ports::Error::Config`] when the value is not a whole number.
    pub fn audit_refresh_secs(&self) -> Result<u64> {
        self.number(
            keys::AUDIT,
            keys::AUDIT_REFRESH_SECS,
            keys::DEFAULT_AUDIT_REFRESH_SECS,
        )
    }

    /// `[daemon] refresh_secs`: how often omgd checks the databases at least.
    ///
    /// # Errors
    ///
    /// [`omg_ports::Error::Config`] when the value is not a whole number.
    pub fn daemon_refresh_secs(&self) -> Result<u64> {
        self.number(
            keys::DAEMON,
            keys::DAEMON_REFRESH_SECS,
            keys::DEFAULT_DAEMON_REFRESH_SECS,
        )
    }

    /// `[daemon] idle_secs`: how long omgd keeps an idle connection.
    ///
    /// # Errors
    ///
    /// [`omg_ports::Error::Config`] when the value is not a whole number.
    pub fn daemon_idle_secs(&self) -> Result<u64> {
        self.number(
            keys::DAEMON,
            keys::DAEMON_IDLE_SECS,
            keys::DEFAULT_DAEMON_IDLE_SECS,
        )
    }

    /// `[transactions] lock_timeout`: how long a write waits for another package manager's
    /// lock; `None` when not set (the backend's default applies).
    ///
    /// # Errors
    ///
    /// [`omg_ports::Error::Config`] when the value is not a whole number of seconds.
    pub fn lock_timeout(&self) -> Result<Option<Duration>> {
        let secs = self
            .config
            .whole_number(keys::TRANSACTIONS, keys::LOCK_TIMEOUT, "seconds")?;
        Ok(secs.map(Duration::from_secs))
    }

    /// `[runtimes] mise`: the mise binary, `None` when not set.
    pub fn mise(&self) -> Option<PathBuf> {
        self.config
            .string(keys::RUNTIMES, keys::MISE)
            .map(PathBuf::from)
    }

    /// `[runtimes] mise_version`, `None` when not set.
    pub fn mise_version(&self) -> Option<String> {
        self.config.string(keys::RUNTIMES, keys::MISE_VERSION)
    }

    /// `[runtimes] mise_mirror`, `None` when not set.
    pub fn mise_mirror(&self) -> Option<String> {
        self.config.string(keys::RUNTIMES, keys::MISE_MIRROR)
    }

    /// `[runtimes] max_unpacked`, in bytes; `None` when not set.
    ///
    /// # Errors
    ///
    /// [`omg_ports::Error::Config`] when the value is not a whole number of MiB.
    pub fn max_unpacked_bytes(&self) -> Result<Option<u64>> {
        let mib = self
            .config
            .whole_number(keys::RUNTIMES, keys::MAX_UNPACKED, "MiB")?;
        Ok(mib.map(|m| m.saturating_mul(1 << 20)))
    }

    /// `[runtimes] require_signatures`: refuse a runtime whose checksums' OpenPGP signature
    /// cannot be verified (none published, no key for the publisher); default false (warn).
    ///
    /// # Errors
    ///
    /// [`omg_ports::Error::Config`] when the value is not `true` or `false`.
    pub fn require_signatures(&self) -> Result<bool> {
        self.config
            .boolean(keys::RUNTIMES, keys::REQUIRE_SIGNATURES, false)
    }

    /// `[runtimes] keys_dir`: a directory of publishers' OpenPGP keys that extend the
    /// shipped ones; `None` when not set.
    pub fn keys_dir(&self) -> Option<PathBuf> {
        self.config
            .string(keys::RUNTIMES, keys::KEYS_DIR)
            .filter(|s| !s.trim().is_empty())
            .map(PathBuf::from)
    }

    /// `[runtimes.<runtime>] mirror`, `None` when not set.
    pub fn runtime_mirror(&self, runtime: &str) -> Option<String> {
        self.config
            .string(&Settings::runtime_section(runtime), keys::MIRROR)
    }

    /// The GitHub token for GitHub's API and where it came from: `$OMG_RUNTIMES_GITHUB_TOKEN`,
    /// else `$GITHUB_TOKEN`, else `[runtimes] github_token` of the file (the environment
    /// wins, as with gh and mise); `None` when none is set (or all are blank).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] naming where the token came from (never the token) when it has
    /// characters a token cannot have: spaces inside, control or non-ASCII characters.
    pub fn github_token(&self) -> Result<Option<(Secret, Origin)>> {
        self.github_token_from(|var| std::env::var(var).ok())
    }

    /// [`Settings::github_token`] with `env` for reading `$GITHUB_TOKEN`.
    fn github_token_from(
        &self,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<(Secret, Origin)>> {
        let set = self
            .config
            .get(keys::RUNTIMES, keys::GITHUB_TOKEN)
            .map(|v| (Secret::new(v.value), v.origin))
            .filter(|(s, _)| !s.is_empty());
        let found = match set {
            Some((token, Origin::Env(var))) => Some((token, Origin::Env(var))),
            file => env(keys::GITHUB_TOKEN_ENV)
                .map(Secret::new)
                .filter(|s| !s.is_empty())
                .map(|s| (s, Origin::Env(keys::GITHUB_TOKEN_ENV.into())))
                .or(file),
        };
        match found {
            Some((token, origin)) if !token.expose().bytes().all(|b| b.is_ascii_graphic()) => {
                Err(Error::Config {
                    path: origin_path(&origin),
                    reason: format!(
                        "[{}] {} has characters a GitHub token cannot have (spaces, control \
                         or non-ASCII characters); set it to the token alone",
                        keys::RUNTIMES,
                        keys::GITHUB_TOKEN
                    ),
                })
            }
            found => Ok(found),
        }
    }

    /// `[runtimes] github_api_url`: GitHub's API, the only place the token goes; no
    /// trailing `/`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the value is not an `http://` or `https://` URL.
    pub fn github_api_url(&self) -> Result<String> {
        let Some(v) = self.config.get(keys::RUNTIMES, keys::GITHUB_API_URL) else {
            return Ok(keys::DEFAULT_GITHUB_API_URL.into());
        };
        let url = v.value.trim().trim_end_matches('/');
        let host = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .unwrap_or("");
        if host.is_empty() || host.starts_with('/') {
            return Err(Error::Config {
                path: origin_path(&v.origin),
                reason: format!(
                    "[{}] {} is {:?}; give an http(s) URL such as {}",
                    keys::RUNTIMES,
                    keys::GITHUB_API_URL,
                    v.value,
                    keys::DEFAULT_GITHUB_API_URL
                ),
            });
        }
        Ok(url.to_string())
    }

    /// `runtimes.<runtime>`: the table of one runtime.
    pub fn runtime_section(runtime: &str) -> String {
        format!("{}.{runtime}", keys::RUNTIMES)
    }

    /// `[runtimes] offline`: runtime versions resolve from cached indexes only and nothing
    /// is downloaded.
    ///
    /// # Errors
    ///
    /// [`omg_ports::Error::Config`] when the value is not `true` or `false`.
    pub fn runtimes_offline(&self) -> Result<bool> {
        self.config
            .boolean(keys::RUNTIMES, keys::RUNTIMES_OFFLINE, false)
    }

    /// `[runtimes] index_max_age_secs`: how long a cached remote index of a runtime is
    /// used without asking.
    ///
    /// # Errors
    ///
    /// [`omg_ports::Error::Config`] when it is not a whole number.
    pub fn runtimes_index_max_age(&self) -> Result<std::time::Duration> {
        self.number(
            keys::RUNTIMES,
            keys::RUNTIMES_INDEX_MAX_AGE_SECS,
            keys::DEFAULT_RUNTIMES_INDEX_MAX_AGE_SECS,
        )
        .map(std::time::Duration::from_secs)
    }

    /// `[aur] enabled`: whether search and info include the AUR (on Arch).
    ///
    /// # Errors
    ///
    /// [`omg_ports::Error::Config`] when the value is not `true` or `false`.
    pub fn aur_enabled(&self) -> Result<bool> {
        self.config.boolean(keys::AUR, keys::AUR_ENABLED, true)
    }

    /// The AUR's URLs: `[aur] url`, `rpc_url`, `dump_url` and `news_url`, defaults applied.
    pub fn aur_urls(&self) -> AurUrls {
        let get = |key: &str, default: &str| {
            self.config
                .string(keys::AUR, key)
                .unwrap_or_else(|| default.to_string())
        };
        AurUrls {
            git: get(keys::AUR_URL, keys::DEFAULT_AUR_URL),
            rpc: get(keys::AUR_RPC_URL, keys::DEFAULT_AUR_RPC_URL),
            dump: get(keys::AUR_DUMP_URL, keys::DEFAULT_AUR_DUMP_URL),
            news: get(keys::AUR_NEWS_URL, keys::DEFAULT_AUR_NEWS_URL),
        }
    }

    /// `[aur] review_hook`: a program run on each AUR review, `None` when not set.
    pub fn aur_review_hook(&self) -> Option<PathBuf> {
        self.config
            .string(keys::AUR, keys::AUR_REVIEW_HOOK)
            .filter(|s| !s.trim().is_empty())
            .map(PathBuf::from)
    }

    /// `[aur] refresh_secs`: how often omgd refreshes the AUR's dump (0: never).
    ///
    /// # Errors
    ///
    /// [`omg_ports::Error::Config`] when the value is not a whole number.
    pub fn aur_refresh_secs(&self) -> Result<u64> {
        self.number(
            keys::AUR,
            keys::AUR_REFRESH_SECS,
            keys::DEFAULT_AUR_REFRESH_SECS,
        )
    }

    /// `[aur] vcs_timeout_secs`: how long one VCS source may take to answer `git ls-remote`
    /// during `omg update --devel`; 0 counts as 1 (no source answers in no time).
    ///
    /// # Errors
    ///
    /// [`omg_ports::Error::Config`] when the value is not a whole number.
    pub fn aur_vcs_timeout(&self) -> Result<Duration> {
        self.number(
            keys::AUR,
            keys::AUR_VCS_TIMEOUT_SECS,
            keys::DEFAULT_AUR_VCS_TIMEOUT_SECS,
        )
        .map(|secs| Duration::from_secs(secs.max(1)))
    }

    fn number(&self, section: &str, key: &str, default: u64) -> Result<u64> {
        Ok(self
            .config
            .whole_number(section, key, "seconds")?
            .unwrap_or(default))
    }
}

/// Where a value came from, as [`Error::Config`] names it: the file, or `$VARIABLE`.
fn origin_path(origin: &Origin) -> PathBuf {
    match origin {
        Origin::File(p) => p.clone(),
        Origin::Env(var) => PathBuf::from(format!("${var}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_values_and_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            "[daemon]\nrefresh_secs = 12\n[transactions]\nlock_timeout = 5\n\
             [runtimes]\nmax_unpacked = 2\nmise = \"/opt/mise\"\n\
             [runtimes.node]\nmirror = \"http://127.0.0.1:1/node\"\n\
             [audit]\narch_feed = \"http://127.0.0.1:1/all.json\"\n\
             [aur]\nenabled = false\nrpc_url = \"http://127.0.0.1:1/rpc\"\n",
        )
        .unwrap();
        let s = Settings::from_config(Config::load_from(&path).unwrap());
        assert_eq!(s.daemon_refresh_secs().unwrap(), 12);
        assert_eq!(s.daemon_idle_secs().unwrap(), 60);
        assert_eq!(s.audit_refresh_secs().unwrap(), 86_400);
        assert_eq!(s.lock_timeout().unwrap(), Some(Duration::from_secs(5)));
        assert_eq!(s.max_unpacked_bytes().unwrap(), Some(2 << 20));
        assert_eq!(s.mise(), Some(PathBuf::from("/opt/mise")));
        assert_eq!(
            s.runtime_mirror("node").as_deref(),
            Some("http://127.0.0.1:1/node")
        );
        assert_eq!(s.runtime_mirror("go"), None);
        assert!(!s.aur_enabled().unwrap());
        let aur = s.aur_urls();
        assert_eq!(aur.rpc, "http://127.0.0.1:1/rpc");
        assert_eq!(aur.git, crate::keys::DEFAULT_AUR_URL);
        assert_eq!(s.aur_refresh_secs().unwrap(), 3_600);
        assert_eq!(s.aur_vcs_timeout().unwrap(), Duration::from_secs(30));
        let zero = dir.path().join("zero.toml");
        std::fs::write(&zero, "[aur]\nvcs_timeout_secs = 0\n").unwrap();
        let zero = Settings::from_config(Config::load_from(&zero).unwrap());
        assert_eq!(zero.aur_vcs_timeout().unwrap(), Duration::from_secs(1));
        assert!(Settings::default().aur_enabled().unwrap());
        assert_eq!(
            s.feed_url(FeedKind::Arch).as_deref(),
            Some("http://127.0.0.1:1/all.json")
        );
        assert_eq!(
            s.audit_request(),
            vec![(
                "arch_feed".to_string(),
                "http://127.0.0.1:1/all.json".to_string()
            )]
        );
    }

    /// gh and mise: a token in the environment wins over a stored one (gh's manual,
    /// "GH_TOKEN, GITHUB_TOKEN ... takes precedence over previously stored credentials").
    #[test]
    fn the_github_token_from_the_environment_wins_over_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            "[runtimes]
github_token = \" from-file\\n\"\ngithub_api_url = \"http://127.0.0.1:9/api/\"\n",
        )
        .unwrap();
        let s = Settings::from_config(Config::load_from(&path).unwrap());
        let none = |_: &str| None;
        let env = |var: &str| (var == "GITHUB_TOKEN").then(|| "from-env".to_string());
        let blank = |_: &str| Some("  ".to_string());
        let token = |r: Result<Option<(Secret, Origin)>>| {
            r.unwrap().map(|(t, o)| (t.expose().to_string(), o))
        };
        assert_eq!(
            token(s.github_token_from(none)),
            Some(("from-file".into(), Origin::File(path.clone())))
        );
        assert_eq!(
            token(s.github_token_from(env)),
            Some(("from-env".into(), Origin::Env("GITHUB_TOKEN".into())))
        );
        assert_eq!(
            token(s.github_token_from(blank)),
            Some(("from-file".into(), Origin::File(path.clone())))
        );
        assert_eq!(token(Settings::default().github_token_from(none)), None);
        assert_eq!(s.github_api_url().unwrap(), "http://127.0.0.1:9/api");
        assert_eq!(
            Settings::default().github_api_url().unwrap(),
            "https://api.github.com"
        );
        let bad = dir.path().join("bad.toml");
        std::fs::write(
            &bad,
            "[runtimes]
github_token = \"ghp_1 ghp_2\"\ngithub_api_url = \"api.github.com\"\n",
        )
        .unwrap();
        let s = Settings::from_config(Config::load_from(&bad).unwrap());
        let e = s.github_token_from(none).unwrap_err().to_string();
        assert!(e.contains("cannot have") && !e.contains("ghp_"), "{e}");
        let e = s.github_api_url().unwrap_err().to_string();
        assert!(e.contains("give an http(s) URL"), "{e}");
    }

    #[test]
    fn a_bad_number_names_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "[daemon]\nidle_secs = \"soon\"\n").unwrap();
        let s = Settings::from_config(Config::load_from(&path).unwrap());
        let e = s.daemon_idle_secs().unwrap_err().to_string();
        assert!(e.contains("[daemon] idle_secs is \"soon\""), "{e}");
    }
}
