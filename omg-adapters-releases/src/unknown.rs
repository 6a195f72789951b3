//! The "unknown version" error, with the closest versions the source does have.

use omg_domain::runtime::{closest, compare, VersionSpec};
use omg_ports::{Error, RemoteVersion};

/// How many close versions an [`Error::UnknownVersion`] suggests.
const SUGGESTIONS: usize = 5;

/// [`Error::UnknownVersion`] for `version` of `runtime`, suggesting the closest of `known`.
pub(crate) fn unknown_version(runtime: &str, version: &str, known: &[RemoteVersion]) -> Error {
    Error::UnknownVersion {
        runtime: runtime.into(),
        spec: version.into(),
        closest: closest(&VersionSpec::parse(version), known, SUGGESTIONS),
    }
}

/// Sorts versions newest first (numeric ordering).
pub(crate) fn newest_first(versions: &mut [RemoteVersion]) {
    versions.sort_by(|a, b| compare(&b.version, &a.version));
}
