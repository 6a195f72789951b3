//! The "unknown version" error, with the closest versions the source does have.

use omg_ports::runtime_order::{compare, nearest, numeric_prefix};
use omg_ports::{Error, RemoteVersion};

/// How many close versions an [`Error::UnknownVersion`] suggests.
const SUGGESTIONS: usize = 5;

/// [`Error::UnknownVersion`] for `version` of `runtime`, suggesting the closest of `known`:
/// those sharing the most leading numbers with it (`version` is exact, as the port asks, so
/// this is what the domain's `closest` answers for it).
pub(crate) fn unknown_version(runtime: &str, version: &str, known: &[RemoteVersion]) -> Error {
    Error::UnknownVersion {
        runtime: runtime.into(),
        spec: version.into(),
        closest: nearest(&numeric_prefix(version), known, SUGGESTIONS),
    }
}

/// Sorts versions newest first (numeric ordering).
pub(crate) fn newest_first(versions: &mut [RemoteVersion]) {
    versions.sort_by(|a, b| compare(&b.version, &a.version));
}
