//! The one error type the ports speak. Every message says what happened and what to do next.

use std::path::PathBuf;

/// Errors from backends and the domain.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No package by that name.
    #[error("package '{name}' was not found{}", did_you_mean(.suggestions))]
    NotFound {
        /// The name that was asked for.
        name: String,
        /// Close names that do exist, best first.
        suggestions: Vec<String>,
    },
    /// A package database is absent.
    #[error("package database {} is missing", .path.display())]
    MissingDatabase {
        /// The file that should exist.
        path: PathBuf,
    },
    /// A package database exists but could not be read, or yielded no packages.
    #[error("package database {} is unreadable ({reason})", .path.display())]
    CorruptDatabase {
        /// The damaged file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A configuration file is missing or invalid.
    #[error("configuration {}: {reason}", .path.display())]
    Config {
        /// The configuration file.
        path: PathBuf,
        /// What is wrong, and how to fix it.
        reason: String,
    },
    /// The request itself is invalid (an empty query, a bad option).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The backend does not implement this operation.
    #[error("the {backend} backend does not support {operation} yet")]
    Unsupported {
        /// Backend name.
        backend: String,
        /// The operation that was asked for.
        operation: String,
    },
    /// This build of omg was compiled without the backend (the facade's cargo feature of
    /// that name was off).
    #[error(
        "this build of omg has no {backend} backend; build it with the cargo feature `{backend}`"
    )]
    BackendNotBuilt {
        /// Backend name: `alpm` or `apt`.
        backend: String,
    },
    /// The underlying package library reported an error.
    #[error("{library}: {message}")]
    Library {
        /// Which library (`libalpm`, `libapt-pkg`).
        library: String,
        /// Its message.
        message: String,
    },
    /// The backend's worker is gone (it panicked or was shut down).
    #[error("the {0} backend is no longer running; restart omg")]
    BackendGone(String),
    /// omg's own state database could not be read or written.
    #[error("state database {}: {reason}; stop omgd and remove the file to start afresh", .path.display())]
    Storage {
        /// The database file.
        path: PathBuf,
        /// What failed.
        reason: String,
    },
    /// Changing packages needs root.
    #[error("{operation} needs root")]
    NeedsRoot {
        /// What was asked (`install firefox`, `sync`).
        operation: String,
    },
    /// Another package manager holds the database lock and did not release it in time.
    #[error("{} is held by {}; waited {waited_secs} s. Wait for it to finish, then try again", .path.display(), holder_text(.holder))]
    Locked {
        /// The lock file.
        path: PathBuf,
        /// The holding process, when it can be found (`pid 1234 (pacman)`).
        holder: Option<String>,
        /// How long omg waited.
        waited_secs: u64,
    },
    /// A lock file exists but no process holds it (left behind by a crash).
    #[error("{} exists but no running process holds it (left by an interrupted package manager); make sure none is running, then remove it: rm {}", .path.display(), .path.display())]
    StaleLock {
        /// The lock file.
        path: PathBuf,
    },
    /// A dependency cannot be satisfied by any repository.
    #[error(
        "cannot satisfy dependency '{dependency}' of {required_by}; no repository provides it"
    )]
    Unsatisfiable {
        /// The dependency as written (`libfoo>=2`).
        dependency: String,
        /// The package that needs it.
        required_by: String,
    },
    /// Two packages of the transaction (or one and an installed package) conflict.
    #[error("{first} and {second} are in conflict{}; remove one of them first", reason_text(.reason))]
    Conflict {
        /// One package.
        first: String,
        /// The other.
        second: String,
        /// The conflicting declaration, when known.
        reason: Option<String>,
    },
    /// A package would overwrite a file that exists on disk.
    #[error("{package}: {} already exists ({}); remove or move it, or remove the package that owns it", .path.display(), owner_text(.owner))]
    FileConflict {
        /// The package being installed.
        package: String,
        /// The file.
        path: PathBuf,
        /// The installed package that owns it, if any.
        owner: Option<String>,
    },
    /// Not enough free space on a file system.
    #[error("not enough free space on {}: {} needed, {} available", .mount.display(), crate::Bytes(*.needed), crate::Bytes(*.available))]
    DiskSpace {
        /// The mount point.
        mount: PathBuf,
        /// Bytes needed.
        needed: u64,
        /// Bytes free.
        available: u64,
    },
    /// A package file is damaged or its checksum or signature does not match.
    #[error("package file {} is corrupt ({reason}); delete it and run the command again to download it afresh", .path.display())]
    CorruptPackage {
        /// The package file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A download failed.
    #[error(
        "download of {url} failed: {reason}; check the network and the mirror, then try again"
    )]
    Download {
        /// What was fetched.
        url: String,
        /// Why it failed.
        reason: String,
    },
    /// A server refused a request because its rate limit was reached (HTTP 403 or 429 with
    /// `X-RateLimit-Remaining: 0`, or with `Retry-After`).
    #[error("the rate limit of {service} was reached ({url}){}; {advice}", resets_text(*.resets_at))]
    RateLimited {
        /// Whose limit it is: `GitHub's API`, or the server's host.
        service: String,
        /// The request that was refused.
        url: String,
        /// When the limit resets, in seconds since the Unix epoch (`X-RateLimit-Reset`, or
        /// the time of the answer plus `Retry-After`), when the server says.
        resets_at: Option<u64>,
        /// True when the request carried a credential (an API token).
        authenticated: bool,
        /// What to do about it.
        advice: String,
    },
    /// A paged runtime index (GitHub's releases, Adoptium's builds) still named a next page
    /// when omg's bound on the pages it reads was reached.
    #[error("{index} ({url}) still names a next page after {pages} pages, the most omg reads; what was asked for is not in the pages read. Check [runtimes.{runtime}] mirror in config.toml (a server answering endlessly), or ask for a newer version")]
    TooManyPages {
        /// The runtime (`python`).
        runtime: String,
        /// What the index is (`python-build-standalone releases`).
        index: String,
        /// Its first page.
        url: String,
        /// How many pages were read.
        pages: usize,
    },
    /// A security feed was downloaded (or read from the cache) but is not what it should
    /// be: not the tracker's format, or cut short.
    #[error("{feed} ({url}) is malformed: {reason}; the previous good copy, if any, was kept. Check the feed's URL ([audit] in config.toml) or try again later")]
    MalformedFeed {
        /// Which feed (`arch`, `debian`, `ubuntu`).
        feed: String,
        /// Where it came from.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The AUR answered something that is not its RPC's JSON or its metadata dump (cut
    /// short, oversized, another format), or an error answer (a query too short, too many
    /// results).
    #[error("the AUR's answer ({url}) is unusable: {reason}; check [aur] rpc_url and dump_url in config.toml, or try again later")]
    AurAnswer {
        /// Where it came from.
        url: String,
        /// What is wrong with it (the server's own text for an error answer).
        reason: String,
    },
    /// `--offline` was asked but no copy of a feed was ever downloaded.
    #[error("no cached copy of the {feed} feed ({url})")]
    NoCachedFeed {
        /// Which feed (`arch`, `debian`, `ubuntu`).
        feed: String,
        /// The feed's URL.
        url: String,
    },
    /// A downloaded file's sha256 is not the one its source publishes; nothing was installed.
    #[error("checksum mismatch for {file}: expected sha256 {expected}, got {actual}; nothing was installed. The download was damaged or the mirror serves a different file: try again, or check the mirror")]
    ChecksumMismatch {
        /// The file (`node-v20.11.1-linux-x64.tar.xz`).
        file: String,
        /// The published sha256.
        expected: String,
        /// The sha256 of what was downloaded.
        actual: String,
    },
    /// The source publishes no checksum for a file, so it is not installed.
    #[error("no published sha256 for {file} in {source_url}; nothing was installed (omg never installs an unverified download). Check the mirror, or pick another version")]
    MissingChecksum {
        /// The file that has no checksum.
        file: String,
        /// Where the checksum was looked for.
        source_url: String,
    },
    /// A checksum file's signature (OpenPGP or minisign) is bad: altered after signing, made by a key
    /// that is not the publisher's, or unreadable. Nothing was installed.
    #[error("bad signature on {file} ({signature_url}): {reason}; key {key}; nothing was installed. The mirror serves files the publisher did not sign: use the official mirror, or, if the publisher has a new release key, add it to [runtimes] keys_dir")]
    BadSignature {
        /// The signed file (`SHASUMS256.txt`).
        file: String,
        /// Where the signature came from.
        signature_url: String,
        /// The key that made (or should have made) the signature, hex; `none` when unknown.
        key: String,
        /// What is wrong.
        reason: String,
    },
    /// A checksum file has no OpenPGP signature that could be verified (none published, or
    /// no keys for its publisher) and `[runtimes] require_signatures` is set.
    #[error("{file} could not be verified: {reason}; nothing was installed because [runtimes] require_signatures is set. Set it to false (or OMG_RUNTIMES_REQUIRE_SIGNATURES=false) to install on the checksum alone, or add the publisher's keys to [runtimes] keys_dir")]
    UnverifiedSignature {
        /// The file that should have been signed.
        file: String,
        /// Why it was not verified (`no signature at <url>`, `no keys for node`).
        reason: String,
    },
    /// A runtime version spec matches nothing the source (or the installation) has.
    #[error("{runtime} has no version matching '{spec}'{}", closest_text(.closest))]
    UnknownVersion {
        /// The runtime (`node`).
        runtime: String,
        /// What was asked (`21.99`, `lts/nope`).
        spec: String,
        /// The closest versions that do exist, best first.
        closest: Vec<String>,
    },
    /// A runtime that omg neither installs itself nor can hand to mise.
    #[error("{runtime} is not a runtime omg installs itself ({native}); others go through mise, and no `mise` binary was found. Install mise (https://mise.jdx.dev/getting-started.html, e.g. `curl https://mise.run | sh`) or set `[runtimes] mise = \"/path/to/mise\"` in config.toml")]
    NoMise {
        /// The runtime asked for (`deno`).
        runtime: String,
        /// The native runtimes, comma-separated.
        native: String,
    },
    /// A runtime version is not installed.
    #[error("{runtime} {version} is not installed")]
    NotInstalled {
        /// The runtime.
        runtime: String,
        /// The version.
        version: String,
    },
    /// A source has no build of a version for this platform.
    #[error("{runtime} {version} has no build for {platform}; pick another version or platform")]
    UnsupportedPlatform {
        /// The runtime.
        runtime: String,
        /// The version.
        version: String,
        /// The platform (`linux-x86_64`).
        platform: String,
    },
    /// An archive entry would land outside the directory it is unpacked into; nothing was
    /// installed.
    #[error("archive {archive} has an unsafe entry '{entry}' ({reason}); nothing was installed. The archive is not what the source should serve: check the mirror")]
    UnsafeArchiveEntry {
        /// The archive's file name.
        archive: String,
        /// The entry's path as stored.
        entry: String,
        /// Why it is refused (`parent directory`, `absolute path`, `link points outside`).
        reason: String,
    },
    /// The user interrupted the operation; nothing half-done was left behind.
    #[error("interrupted: {0}")]
    Interrupted(String),
    /// An I/O error on a named file.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

/// `Result` with the ports' [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

fn holder_text(holder: &Option<String>) -> String {
    holder.clone().unwrap_or_else(|| "another process".into())
}

fn reason_text(reason: &Option<String>) -> String {
    reason
        .as_ref()
        .map(|r| format!(" ({r})"))
        .unwrap_or_default()
}

fn owner_text(owner: &Option<String>) -> String {
    match owner {
        Some(o) => format!("owned by {o}"),
        None => "owned by no package".into(),
    }
}

/// `; it resets at 2025-06-01 12:34:56 UTC`, or nothing.
fn resets_text(resets_at: Option<u64>) -> String {
    resets_at
        .map(|t| format!("; it resets at {} UTC", utc_date_time(t)))
        .unwrap_or_default()
}

/// `YYYY-MM-DD hh:mm:ss` (UTC) of seconds since the Unix epoch.
fn utc_date_time(unix: u64) -> String {
    let secs = i64::try_from(unix).unwrap_or(i64::MAX / 2);
    let of_day = secs.rem_euclid(86_400);
    format!(
        "{} {:02}:{:02}:{:02}",
        crate::utc_date(secs),
        of_day / 3_600,
        of_day % 3_600 / 60,
        of_day % 60
    )
}

fn closest_text(closest: &[String]) -> String {
    if closest.is_empty() {
        String::new()
    } else {
        format!("; closest: {}", closest.join(", "))
    }
}

fn did_you_mean(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", suggestions.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_found_lists_suggestions() {
        let e = Error::NotFound {
            name: "fierfox".into(),
            suggestions: vec!["firefox".into(), "firefox-esr".into()],
        };
        assert_eq!(
            e.to_string(),
            "package 'fierfox' was not found; did you mean firefox, firefox-esr?"
        );
        let e = Error::NotFound {
            name: "zzz".into(),
            suggestions: vec![],
        };
        assert_eq!(e.to_string(), "package 'zzz' was not found");
    }

    #[test]
    fn a_rate_limit_says_when_it_resets() {
        assert_eq!(utc_date_time(0), "1970-01-01 00:00:00");
        assert_eq!(utc_date_time(1_709_251_199), "2024-02-29 23:59:59");
        assert_eq!(utc_date_time(1_735_689_600), "2025-01-01 00:00:00");
        let e = Error::RateLimited {
            service: "GitHub's API".into(),
            url: "https://api.github.com/x".into(),
            resets_at: Some(1_735_693_384),
            authenticated: false,
            advice: "set GITHUB_TOKEN".into(),
        };
        assert_eq!(
            e.to_string(),
            "the rate limit of GitHub's API was reached (https://api.github.com/x); it resets \
             at 2025-01-01 01:03:04 UTC; set GITHUB_TOKEN"
        );
    }
}
