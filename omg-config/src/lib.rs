//! omg's configuration: `$XDG_CONFIG_HOME/omg/config.toml` (else `~/.config/omg/config.toml`;
//! `$OMG_CONFIG` names another file), in sections such as `[audit]`, `[daemon]` or
//! `[runtimes.node]`. Every key can be overridden by an environment variable
//! `OMG_<SECTION>_<KEY>`: upper-case, dots and dashes as underscores (`[runtimes.node] mirror`
//! -> `OMG_RUNTIMES_NODE_MIRROR`). A missing file is an empty configuration.
//!
//! - [`keys`]: the schema, the one place a key is named: every key, its default and what it
//!   does ([`keys::KEYS`], what `omg config` lists).
//! - [`Settings`]: the typed values the CLI, its helper and omgd read, defaults applied.
//! - [`Config`]: the file and the environment, untyped, with each value's [`Origin`].
//!
//! ```
//! let settings = omg_config::Settings::from_config(omg_config::Config::default());
//! assert_eq!(settings.daemon_refresh_secs().unwrap(), 300);
//! ```

#![forbid(unsafe_code)]

mod file;
pub mod keys;
mod settings;

pub use file::{default_path, env_name, Config, Origin, Value, MAX_FILE_BYTES};
pub use keys::{default_feed_url, KeyDef, KeyDefault, KEYS};
pub use settings::{AurUrls, Settings};
