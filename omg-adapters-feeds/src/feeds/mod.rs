//! Parsers of the trackers' feeds into [`Advisories`]: exactly the published formats, and a
//! [`Error::MalformedFeed`] naming the feed for anything else (truncated bodies included).

mod arch;
mod debian;
mod debian_lists;
mod osv;

pub use arch::parse_arch;
pub use debian::parse_debian;
pub use debian_lists::parse_debian_advisories;
pub use osv::parse_ubuntu_osv;

use omg_ports::{Advisories, Error, FeedKind, Result};

/// Parses `body` as `kind`'s feed from `url`, keeping `release` (the Debian codename, the
/// Ubuntu version) where the feed covers several (the DSA and DLA lists are kept whole).
///
/// # Errors
///
/// [`Error::MalformedFeed`] when `body` is not the feed's format;
/// [`Error::InvalidRequest`] when Debian or Ubuntu are asked for without a release, or for a
/// release the feed does not know.
pub fn parse(kind: FeedKind, url: &str, body: &[u8], release: Option<&str>) -> Result<Advisories> {
    let release = || {
        release.ok_or_else(|| {
            Error::InvalidRequest(format!(
                "{} covers several releases; name one ([audit] release in config.toml)",
                kind.title()
            ))
        })
    };
    match kind {
        FeedKind::Arch => parse_arch(url, body).map(Advisories::Arch),
        FeedKind::Debian => parse_debian(url, body, release()?).map(Advisories::Debian),
        FeedKind::Ubuntu => parse_ubuntu_osv(url, body, release()?).map(Advisories::Osv),
        FeedKind::DebianDsa | FeedKind::DebianDla => {
            parse_debian_advisories(kind, url, body).map(Advisories::DebianAdvisories)
        }
    }
}

/// [`Error::MalformedFeed`] for `kind`'s feed at `url`.
pub(crate) fn malformed(kind: FeedKind, url: &str, reason: impl std::fmt::Display) -> Error {
    Error::MalformedFeed {
        feed: kind.name().to_owned(),
        url: url.to_owned(),
        reason: reason.to_string(),
    }
}
