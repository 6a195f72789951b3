//! Values libapt derives from its configuration once per process.
//!
//! `APT::Configuration::getArchitectures` (and the languages, compression types and
//! compressors) keep their first answer in a static for the rest of the process, so a
//! configuration loaded later would still see the first one's architectures: measured here,
//! a root configured for amd64 alone still read the i386 lists of a root served before it.
//! [`refresh`] recomputes them; [`crate::config::apply`] calls it after every load.
//! rust-apt has no binding for the uncached calls, hence this small bridge.

#[cxx::bridge(namespace = "omg_apt")]
mod ffi {
    unsafe extern "C++" {
        include!("omg-adapters-apt/src/refresh.h");

        /// Recomputes libapt's cached architectures, languages and compressors from the
        /// configuration now loaded.
        fn refresh_configuration_caches();
    }
}

/// Recomputes libapt's configuration-derived statics. Worker thread only.
pub(crate) fn refresh() {
    ffi::refresh_configuration_caches();
}
