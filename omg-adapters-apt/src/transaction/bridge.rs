//! The C++ half of a transaction (`bridge.h`, `bridge.cc`): libapt's acquire system and
//! package manager driven with callbacks into [`Reporter`], which rust-apt's bindings
//! cannot cancel nor report per item.

pub(crate) use super::progress::Reporter;

#[cxx::bridge(namespace = "omg_apt")]
pub(crate) mod ffi {
    /// An item libapt did not fetch.
    #[derive(Debug, Clone)]
    struct FetchFailure {
        /// What was fetched (`DescURI`).
        uri: String,
        /// libapt's reason.
        error: String,
        /// Where the file was to go.
        file: String,
        /// A hash or signature mismatch (`StatAuthError`).
        auth: bool,
        /// A transient network failure, or an item never tried.
        transient: bool,
    }

    extern "Rust" {
        type Reporter;
        fn hit(self: &mut Reporter, description: &str, name: &str);
        fn fetch(self: &mut Reporter, description: &str, name: &str, size: u64);
        fn done(self: &mut Reporter, description: &str, name: &str, size: u64);
        fn fail(self: &mut Reporter, description: &str, name: &str, error: &str, ignored: bool);
        fn progress(self: &mut Reporter, description: &str, name: &str, done: u64, total: u64);
        fn keep_going(self: &mut Reporter) -> bool;
        fn pulse_interval_us(self: &Reporter) -> i32;
        fn status_changed(self: &mut Reporter, pkg: &str, done: u32, total: u32, action: &str);
        fn dpkg_error(self: &mut Reporter, pkg: &str, message: &str);
        fn dpkg_conffile(self: &mut Reporter, pkg: &str, message: &str);
    }

    unsafe extern "C++" {
        include!("omg-adapters-apt/src/transaction/bridge.h");

        #[namespace = ""]
        type PkgCacheFile = rust_apt::raw::PkgCacheFile;

        type Installer;

        /// A package manager for the changes marked in `file`'s DepCache. Must be dropped
        /// before the cache.
        fn new_installer(file: &PkgCacheFile) -> UniquePtr<Installer>;

        /// Fetches the archives: 0 done, 1 archives locked, 2 failures, 3 cancelled,
        /// 4 another error.
        fn fetch(
            self: Pin<&mut Installer>,
            reporter: &mut Reporter,
            archives: &str,
            failures: &mut Vec<FetchFailure>,
        ) -> u8;

        /// Runs dpkg: 0 completed, 1 failed, 2 incomplete.
        fn install(self: Pin<&mut Installer>, reporter: &mut Reporter) -> u8;

        /// Updates the lists: 0 done, 1 lists locked, 2 some failed, 3 cancelled, 4 error.
        fn update_lists(file: &PkgCacheFile, reporter: &mut Reporter) -> u8;

        /// libapt's `GetLock`: the descriptor holding a write lock on `path`, or -1.
        fn lock_file(path: &str) -> i32;

        /// Writes the auto-installed marks.
        fn write_state_file(file: &PkgCacheFile) -> bool;
    }
}
