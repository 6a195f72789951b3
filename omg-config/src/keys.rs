//! The schema: every key of config.toml, its default and what it does. Code reads keys
//! through [`crate::Settings`], whose accessors name them from here; `omg config` lists
//! [`KEYS`].

use omg_ports::FeedKind;

/// A key's default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyDefault {
    /// This value.
    Fixed(&'static str),
    /// Decided by the code that reads it (what `omg config` shows comes from there); the
    /// text says what it is.
    Computed(&'static str),
}

/// One key of config.toml.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyDef {
    /// The table: `audit`, `runtimes`; `runtimes.*` stands for one table per runtime
    /// (`runtimes.node`).
    pub section: &'static str,
    /// The key inside it.
    pub name: &'static str,
    /// Its default.
    pub default: KeyDefault,
    /// What it does, for `omg config` and the manual.
    pub doc: &'static str,
}

/// The section of the security audit.
pub const AUDIT: &str = "audit";
/// The section of omgd.
pub const DAEMON: &str = "daemon";
/// The section of package transactions.
pub const TRANSACTIONS: &str = "transactions";
/// The section of language runtimes (and `runtimes.<name>` per runtime).
pub const RUNTIMES: &str = "runtimes";
/// The section of the Arch User Repository.
pub const AUR: &str = "aur";

/// `[audit] release`.
pub const AUDIT_RELEASE: &str = "release";
/// `[audit] refresh_secs`.
pub const AUDIT_REFRESH_SECS: &str = "refresh_secs";
/// `[daemon] refresh_secs`.
pub const DAEMON_REFRESH_SECS: &str = "refresh_secs";
/// `[daemon] idle_secs`.
pub const DAEMON_IDLE_SECS: &str = "idle_secs";
/// `[transactions] lock_timeout`.
pub const LOCK_TIMEOUT: &str = "lock_timeout";
/// `[runtimes] mise`.
pub const MISE: &str = "mise";
/// `[runtimes] mise_version`.
pub const MISE_VERSION: &str = "mise_version";
/// `[runtimes] mise_mirror`.
pub const MISE_MIRROR: &str = "mise_mirror";
/// `[runtimes] max_unpacked`.
pub const MAX_UNPACKED: &str = "max_unpacked";
/// `[runtimes] require_signatures`.
pub const REQUIRE_SIGNATURES: &str = "require_signatures";
/// `[runtimes] keys_dir`.
pub const KEYS_DIR: &str = "keys_dir";
/// `[runtimes.<name>] mirror`.
pub const MIRROR: &str = "mirror";
/// `[runtimes] github_token`.
pub const GITHUB_TOKEN: &str = "github_token";
/// `[runtimes] github_api_url`.
pub const GITHUB_API_URL: &str = "github_api_url";
/// `[runtimes] github_api_url`'s default: GitHub's REST API.
pub const DEFAULT_GITHUB_API_URL: &str = "https://api.github.com";
/// The variable read for a GitHub token when `OMG_RUNTIMES_GITHUB_TOKEN` is not set; it
/// wins over `[runtimes] github_token` of the file, as gh and mise let the environment win
/// over a stored token.
pub const GITHUB_TOKEN_ENV: &str = "GITHUB_TOKEN";
/// `[aur] enabled`.
pub const AUR_ENABLED: &str = "enabled";
/// `[aur] url`.
pub const AUR_URL: &str = "url";
/// `[aur] rpc_url`.
pub const AUR_RPC_URL: &str = "rpc_url";
/// `[aur] dump_url`.
pub const AUR_DUMP_URL: &str = "dump_url";
/// `[runtimes] offline`.
pub const RUNTIMES_OFFLINE: &str = "offline";
/// `[runtimes] index_max_age_secs`.
pub const RUNTIMES_INDEX_MAX_AGE_SECS: &str = "index_max_age_secs";
/// `[runtimes] index_max_age_secs`'s default: an hour.
pub const DEFAULT_RUNTIMES_INDEX_MAX_AGE_SECS: u64 = 3_600;
/// `[aur] refresh_secs`.
pub const AUR_REFRESH_SECS: &str = "refresh_secs";
/// `[aur] vcs_timeout_secs`.
pub const AUR_VCS_TIMEOUT_SECS: &str = "vcs_timeout_secs";
/// `[aur] news_url`.
pub const AUR_NEWS_URL: &str = "news_url";
/// `[aur] review_hook`.
pub const AUR_REVIEW_HOOK: &str = "review_hook";

/// `[aur] url`'s default: where `<pkgbase>.git` is cloned from.
pub const DEFAULT_AUR_URL: &str = "https://aur.archlinux.org";
/// `[aur] rpc_url`'s default: the RPC's base (`/v5/search`, `/v5/info` below it).
pub const DEFAULT_AUR_RPC_URL: &str = "https://aur.archlinux.org/rpc";
/// `[aur] dump_url`'s default: the extended metadata dump.
pub const DEFAULT_AUR_DUMP_URL: &str = "https://aur.archlinux.org/packages-meta-ext-v1.json.gz";
/// `[aur] news_url`'s default: the Arch news feed (RSS).
pub const DEFAULT_AUR_NEWS_URL: &str = "https://archlinux.org/feeds/news/";
/// `[aur] refresh_secs`'s default: once an hour.
pub const DEFAULT_AUR_REFRESH_SECS: u64 = 3_600;
/// `[aur] vcs_timeout_secs`'s default.
pub const DEFAULT_AUR_VCS_TIMEOUT_SECS: u64 = 30;

/// The feeds, in the order `omg config` lists them.
pub const FEEDS: [FeedKind; 5] = [
    FeedKind::Arch,
    FeedKind::Debian,
    FeedKind::Ubuntu,
    FeedKind::DebianDsa,
    FeedKind::DebianDla,
];

/// `[audit] <feed>_feed`: `arch_feed`, `debian_dsa_feed`...
pub fn feed_key(kind: FeedKind) -> &'static str {
    match kind {
        FeedKind::Arch => "arch_feed",
        FeedKind::Debian => "debian_feed",
        FeedKind::Ubuntu => "ubuntu_feed",
        FeedKind::DebianDsa => "debian_dsa_feed",
        FeedKind::DebianDla => "debian_dla_feed",
    }
}

/// The `[audit]` keys that decide an audit's feeds and release: what a client sends omgd so
/// that omgd audits as the client would.
pub const AUDIT_REQUEST_KEYS: [&str; 6] = [
    "arch_feed",
    "debian_feed",
    "ubuntu_feed",
    "debian_dsa_feed",
    "debian_dla_feed",
    AUDIT_RELEASE,
];

/// The tracker's official location of a feed: `[audit] <feed>_feed`'s default.
pub fn default_feed_url(kind: FeedKind) -> &'static str {
    match kind {
        FeedKind::Arch => "https://security.archlinux.org/all.json",
        FeedKind::Debian => "https://security-tracker.debian.org/tracker/data/json",
        FeedKind::Ubuntu => "https://osv-vulnerabilities.storage.googleapis.com/Ubuntu/all.zip",
        FeedKind::DebianDsa => "https://salsa.debian.org/security-tracker-team/security-tracker/-/raw/master/data/DSA/list",
        FeedKind::DebianDla => "https://salsa.debian.org/security-tracker-team/security-tracker/-/raw/master/data/DLA/list",
    }
}

/// `[daemon] refresh_secs`'s default.
pub const DEFAULT_DAEMON_REFRESH_SECS: u64 = 300;
/// `[daemon] idle_secs`'s default.
pub const DEFAULT_DAEMON_IDLE_SECS: u64 = 60;
/// `[audit] refresh_secs`'s default: once a day.
pub const DEFAULT_AUDIT_REFRESH_SECS: u64 = 86_400;
/// `[transactions] lock_timeout`'s default, in seconds.
pub const DEFAULT_LOCK_TIMEOUT_SECS: u64 = 60;

/// Every key omg reads, in the order `omg config` lists them.
pub const KEYS: &[KeyDef] = &[
    KeyDef {
        section: AUDIT,
        name: "arch_feed",
        default: KeyDefault::Fixed("https://security.archlinux.org/all.json"),
        doc: "the Arch security tracker's JSON",
    },
    KeyDef {
        section: AUDIT,
        name: "debian_feed",
        default: KeyDefault::Fixed("https://security-tracker.debian.org/tracker/data/json"),
        doc: "the Debian security tracker's JSON",
    },
    KeyDef {
        section: AUDIT,
        name: "ubuntu_feed",
        default: KeyDefault::Fixed(
            "https://osv-vulnerabilities.storage.googleapis.com/Ubuntu/all.zip",
        ),
        doc: "Ubuntu's OSV archive",
    },
    KeyDef {
        section: AUDIT,
        name: "debian_dsa_feed",
        default: KeyDefault::Fixed("https://salsa.debian.org/security-tracker-team/security-tracker/-/raw/master/data/DSA/list"),
        doc: "the tracker's DSA list",
    },
    KeyDef {
        section: AUDIT,
        name: "debian_dla_feed",
        default: KeyDefault::Fixed("https://salsa.debian.org/security-tracker-team/security-tracker/-/raw/master/data/DLA/list"),
        doc: "the tracker's DLA list",
    },
    KeyDef {
        section: AUDIT,
        name: AUDIT_RELEASE,
        default: KeyDefault::Computed("from os-release"),
        doc: "the Debian codename or Ubuntu version to audit for",
    },
    KeyDef {
        section: AUDIT,
        name: AUDIT_REFRESH_SECS,
        default: KeyDefault::Fixed("86400"),
        doc: "how often omgd refreshes the security feed, in seconds (0: never)",
    },
    KeyDef {
        section: DAEMON,
        name: DAEMON_REFRESH_SECS,
        default: KeyDefault::Fixed("300"),
        doc: "how often omgd checks the package databases at least, in seconds",
    },
    KeyDef {
        section: DAEMON,
        name: DAEMON_IDLE_SECS,
        default: KeyDefault::Fixed("60"),
        doc: "how long omgd keeps a connection without a request, in seconds",
    },
    KeyDef {
        section: TRANSACTIONS,
        name: LOCK_TIMEOUT,
        default: KeyDefault::Fixed("60"),
        doc: "how long a write waits for another package manager's lock, in seconds",
    },
    KeyDef {
        section: RUNTIMES,
        name: MISE,
        default: KeyDefault::Computed("mise on PATH"),
        doc: "the mise binary for runtimes omg does not install itself",
    },
    KeyDef {
        section: RUNTIMES,
        name: MISE_VERSION,
        default: KeyDefault::Computed("the mise release omg pins"),
        doc: "the mise release omg downloads when no mise is configured or on PATH",
    },
    KeyDef {
        section: RUNTIMES,
        name: MISE_MIRROR,
        default: KeyDefault::Computed("mise's GitHub releases"),
        doc: "where mise's releases are downloaded from (v<version>/ below it)",
    },
    KeyDef {
        section: RUNTIMES,
        name: MAX_UNPACKED,
        default: KeyDefault::Computed("MiB a runtime archive may unpack to"),
        doc: "the most a runtime archive may unpack to, in MiB",
    },
    KeyDef {
        section: RUNTIMES,
        name: GITHUB_TOKEN,
        default: KeyDefault::Computed("$GITHUB_TOKEN, else none"),
        doc: "a GitHub token, sent as `Authorization: Bearer` only to URLs under github_api_url (raising GitHub's rate limit from 60 to 5,000 requests an hour); $OMG_RUNTIMES_GITHUB_TOKEN, then $GITHUB_TOKEN win over the file; never printed",
    },
    KeyDef {
        section: RUNTIMES,
        name: RUNTIMES_OFFLINE,
        default: KeyDefault::Fixed("false"),
        doc: "resolve runtime versions from cached indexes only, download nothing",
    },
    KeyDef {
        section: RUNTIMES,
        name: RUNTIMES_INDEX_MAX_AGE_SECS,
        default: KeyDefault::Fixed("3600"),
        doc: "how long a runtime's cached remote index is used without asking, in seconds",
    },
    KeyDef {
        section: RUNTIMES,
        name: GITHUB_API_URL,
        default: KeyDefault::Fixed(DEFAULT_GITHUB_API_URL),
        doc: "GitHub's API, the only place github_token is sent to (a GitHub Enterprise server: https://<host>/api/v3)",
    },
    KeyDef {
        section: RUNTIMES,
        name: REQUIRE_SIGNATURES,
        default: KeyDefault::Fixed("false"),
        doc: "refuse a runtime whose publisher's signature cannot be checked (else: warn)",
    },
    KeyDef {
        section: RUNTIMES,
        name: KEYS_DIR,
        default: KeyDefault::Computed("none: the keys shipped with omg"),
        doc: "more OpenPGP keys: <dir>/<publisher>.asc or <dir>/<publisher>/*.asc",
    },
    KeyDef {
        section: "runtimes.*",
        name: MIRROR,
        default: KeyDefault::Computed("the runtime's official download site"),
        doc: "where a runtime's releases are downloaded from",
    },
    KeyDef {
        section: AUR,
        name: AUR_ENABLED,
        default: KeyDefault::Fixed("true"),
        doc: "on Arch, search and info include the AUR (false: repositories only)",
    },
    KeyDef {
        section: AUR,
        name: AUR_URL,
        default: KeyDefault::Fixed(DEFAULT_AUR_URL),
        doc: "where AUR package repositories (<pkgbase>.git) are cloned from",
    },
    KeyDef {
        section: AUR,
        name: AUR_RPC_URL,
        default: KeyDefault::Fixed(DEFAULT_AUR_RPC_URL),
        doc: "the AUR's RPC (v5), asked without omgd",
    },
    KeyDef {
        section: AUR,
        name: AUR_DUMP_URL,
        default: KeyDefault::Fixed(DEFAULT_AUR_DUMP_URL),
        doc: "the AUR's metadata dump, which omgd keeps in its index",
    },
    KeyDef {
        section: AUR,
        name: AUR_REFRESH_SECS,
        default: KeyDefault::Fixed("3600"),
        doc: "how often omgd refreshes the AUR's metadata dump, in seconds (0: never)",
    },
    KeyDef {
        section: AUR,
        name: AUR_VCS_TIMEOUT_SECS,
        default: KeyDefault::Fixed("30"),
        doc: "how long `omg update --devel` waits for each VCS source's git ls-remote, in seconds",
    },
    KeyDef {
        section: AUR,
        name: AUR_NEWS_URL,
        default: KeyDefault::Fixed(DEFAULT_AUR_NEWS_URL),
        doc: "the Arch news feed shown before an upgrade",
    },
    KeyDef {
        section: AUR,
        name: AUR_REVIEW_HOOK,
        default: KeyDefault::Computed("none"),
        doc: "a program run on each AUR review (the clone's path; the warnings as JSON on stdin) that may veto the build by failing",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_and_the_functions_agree() {
        for kind in FEEDS {
            let def = KEYS
                .iter()
                .find(|k| k.section == AUDIT && k.name == feed_key(kind))
                .unwrap();
            assert_eq!(def.default, KeyDefault::Fixed(default_feed_url(kind)));
            assert!(AUDIT_REQUEST_KEYS.contains(&def.name));
        }
        let fixed = |section: &str, name: &str| {
            KEYS.iter()
                .find(|k| k.section == section && k.name == name)
                .map(|k| k.default)
        };
        let n = |v: u64| v.to_string();
        assert_eq!(
            fixed(DAEMON, DAEMON_REFRESH_SECS),
            Some(KeyDefault::Fixed(n(DEFAULT_DAEMON_REFRESH_SECS).leak()))
        );
        assert_eq!(
            fixed(DAEMON, DAEMON_IDLE_SECS),
            Some(KeyDefault::Fixed(n(DEFAULT_DAEMON_IDLE_SECS).leak()))
        );
        assert_eq!(
            fixed(AUDIT, AUDIT_REFRESH_SECS),
            Some(KeyDefault::Fixed(n(DEFAULT_AUDIT_REFRESH_SECS).leak()))
        );
        assert_eq!(
            fixed(TRANSACTIONS, LOCK_TIMEOUT),
            Some(KeyDefault::Fixed(n(DEFAULT_LOCK_TIMEOUT_SECS).leak()))
        );
        assert_eq!(
            fixed(AUR, AUR_REFRESH_SECS),
            Some(KeyDefault::Fixed(n(DEFAULT_AUR_REFRESH_SECS).leak()))
        );
        assert_eq!(
            fixed(RUNTIMES, GITHUB_API_URL),
            Some(KeyDefault::Fixed(DEFAULT_GITHUB_API_URL))
        );
        assert_eq!(
            fixed(AUR, AUR_VCS_TIMEOUT_SECS),
            Some(KeyDefault::Fixed(n(DEFAULT_AUR_VCS_TIMEOUT_SECS).leak()))
        );
    }

    #[test]
    fn every_key_is_listed_once() {
        let mut seen: Vec<_> = KEYS.iter().map(|k| (k.section, k.name)).collect();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), KEYS.len());
    }
}
