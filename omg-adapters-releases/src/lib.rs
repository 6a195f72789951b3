//! omg's language runtime sources: one [`RuntimeProvider`] per source, each in the source's
//! own format, all downloading through one [`Fetcher`] (`omg-adapters-http`'s `HttpFetcher`
//! in omg), and the registry ([`providers`]). Each source's index is fetched once per
//! provider and kept for the process (`index.rs`: one `CachedIndex` for every provider).
//!
//! | runtime | index | checksums | default base URL (`[runtimes.<name>] mirror`) |
//! | --- | --- | --- | --- |
//! | node | `<mirror>/index.json` | `<mirror>/v<version>/SHASUMS256.txt` | `https://nodejs.org/dist` |
//! | go | `<mirror>/?mode=json&include=all` | in the index (`sha256`) | `https://go.dev/dl` |
//! | bun | `<mirror>/releases?per_page=100` (GitHub's releases API), then the pages its `Link` header names, at most 10 | the release's `SHASUMS256.txt` asset | `https://api.github.com/repos/oven-sh/bun` |
//! | python | `<mirror>/releases?per_page=20` (GitHub's releases API; `cpython-<version>+<release>-<triple>-install_only.tar.gz` assets), then the pages its `Link` header names, at most 25 | the release's `SHA256SUMS` asset (else `<asset>.sha256`, else the asset's GitHub `digest`) | `https://api.github.com/repos/astral-sh/python-build-standalone` |
//! | rust | `<mirror>/manifests.txt` (every published manifest), else the three channel manifests | `<mirror>/dist/channel-rust-<version>.toml` (`[pkg.rust.target.<triple>]` `xz_hash`, else `hash`) | `https://static.rust-lang.org` |
//! | java | `<mirror>/v3/info/available_releases`, then per feature `<mirror>/v3/assets/feature_releases/<feature>/ga?architecture=x64&image_type=jdk&jvm_impl=hotspot&os=linux&page_size=20&sort_order=DESC&vendor=eclipse` and the pages its `Link` header names, at most 25 | in the answer (`binaries[].package.checksum`) | `https://api.adoptium.net` |
//! | ruby | `<mirror>/releases/tags/toolcache` (GitHub's releases API; `ruby-<version>-<platform>.tar.gz` assets, `ubuntu-22.04` preferred for linux x64) | a `SHA256SUMS`/`SHASUMS256.txt` asset, else `<asset>.sha256`, else the asset's GitHub `digest`; none: refused | `https://api.github.com/repos/ruby/ruby-builder` |
//!
//! A paged list (`paged.rs`) is read page by page, only as far as a command needs: a
//! listing ([`RuntimeProvider::remote_versions`]) reads the first page (the newest
//! versions); resolving a version
//! ([`RuntimeProvider::remote_versions_until`], [`RuntimeProvider::artifact`]) reads on until
//! it is found; past the bound of pages the answer is [`omg_ports::Error::TooManyPages`].
//! GitHub's exhausted rate limit is said as GitHub's, with what raises it (a token: see
//! `[runtimes] github_token`; the fetcher sends it to GitHub's API only).
//!
//! Signatures ([`Signatures`], through the `SignatureVerifier` port): node's
//! `v<version>/SHASUMS256.txt.sig` (detached, over SHASUMS256.txt), bun's
//! `SHASUMS256.txt.asc` asset (cleartext-signed sums, used when it verifies) and rust's
//! `<manifest>.asc` (detached, over the channel manifest the sums come from). python
//! publishes none; go's, java's and ruby's are not checked.
//!
//! mise itself ([`MiseReleases`], not in [`providers`]): `<mirror>/v<version>/mise-v<version>-<os>-<arch>.tar.gz`, checked against `<mirror>/v<version>/SHASUMS256.txt`; the default base is `https://github.com/jdx/mise/releases/download` (`[runtimes] mise_mirror`).
//!
//! To add a provider: a module here implementing [`RuntimeProvider`], and a line in
//! [`providers`].

#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::collections::BTreeMap;
use std::sync::Arc;

use omg_ports::{Fetcher, RuntimeProvider};

mod bun;
mod checksums;
mod github;
mod go;
mod index;
pub mod index_cache;
mod java;
mod mise;
mod node;
mod paged;
mod python;
mod ruby;
mod rust;
mod signature;
mod text;
mod unknown;

pub use bun::BunProvider;
pub use checksums::parse_shasums;
pub use go::GoProvider;
pub use index_cache::IndexCache;
pub use java::JavaProvider;
pub use mise::{MiseReleases, DEFAULT_MISE_MIRROR, MISE, MISE_VERSION};
pub use node::NodeProvider;
pub use python::PythonProvider;
pub use ruby::RubyProvider;
pub use rust::RustProvider;
pub use signature::Signatures;
pub use text::{fetch_bytes, fetch_text};

/// The runtimes omg installs itself; anything else goes through mise.
pub const NATIVE_RUNTIMES: &[&str] = &["node", "python", "go", "rust", "ruby", "java", "bun"];

/// Where `runtime`'s provider fetches from when `[runtimes.<name>] mirror` is not set;
/// `None` for a runtime omg does not install itself.
pub fn default_mirror(runtime: &str) -> Option<&'static str> {
    Some(match runtime {
        "node" => node::DEFAULT_MIRROR,
        "python" => python::DEFAULT_MIRROR,
        "go" => go::DEFAULT_MIRROR,
        "rust" => rust::DEFAULT_MIRROR,
        "ruby" => ruby::DEFAULT_MIRROR,
        "java" => java::DEFAULT_MIRROR,
        "bun" => bun::DEFAULT_MIRROR,
        _ => return None,
    })
}

/// Where each source lives: `[runtimes.<name>] mirror` of config.toml (or
/// `OMG_RUNTIMES_<NAME>_MIRROR`), by runtime name. A runtime without an entry uses its
/// official location.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuntimesConfig {
    /// Runtime name -> base URL.
    pub mirrors: BTreeMap<String, String>,
    /// How the publishers' OpenPGP signatures are checked (node, bun, rust); off by
    /// default.
    pub signatures: Signatures,
}

impl RuntimesConfig {
    /// The mirror for `runtime`, or `default`; a trailing `/` is dropped.
    pub fn mirror(&self, runtime: &str, default: &str) -> String {
        self.mirrors
            .get(runtime)
            .map(String::as_str)
            .filter(|m| !m.trim().is_empty())
            .unwrap_or(default)
            .trim()
            .trim_end_matches('/')
            .to_string()
    }
}

/// Every provider, configured: the registry the CLI looks runtimes up in.
pub fn providers(
    config: &RuntimesConfig,
    fetcher: Arc<dyn Fetcher>,
) -> Vec<Arc<dyn RuntimeProvider>> {
    vec![
        Arc::new(
            NodeProvider::new(fetcher.clone(), config.mirror("node", node::DEFAULT_MIRROR))
                .with_signatures(config.signatures.clone()),
        ),
        Arc::new(GoProvider::new(
            fetcher.clone(),
            config.mirror("go", go::DEFAULT_MIRROR),
        )),
        Arc::new(
            BunProvider::new(fetcher.clone(), config.mirror("bun", bun::DEFAULT_MIRROR))
                .with_signatures(config.signatures.clone()),
        ),
        Arc::new(PythonProvider::new(
            fetcher.clone(),
            config.mirror("python", python::DEFAULT_MIRROR),
        )),
        Arc::new(
            RustProvider::new(fetcher.clone(), config.mirror("rust", rust::DEFAULT_MIRROR))
                .with_signatures(config.signatures.clone()),
        ),
        Arc::new(JavaProvider::new(
            fetcher.clone(),
            config.mirror("java", java::DEFAULT_MIRROR),
        )),
        Arc::new(RubyProvider::new(
            fetcher,
            config.mirror("ruby", ruby::DEFAULT_MIRROR),
        )),
    ]
}

#[cfg(test)]
mod default_mirror_tests {
    use super::*;

    #[test]
    fn every_native_runtime_has_a_default_mirror() {
        for name in NATIVE_RUNTIMES {
            let mirror = default_mirror(name).unwrap_or_default();
            assert!(mirror.starts_with("https://"), "{name}: {mirror:?}");
        }
        assert_eq!(default_mirror("zig"), None);
    }
}
