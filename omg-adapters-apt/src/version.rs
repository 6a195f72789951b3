//! libapt's own version ordering.

use std::cmp::Ordering;
use std::sync::Mutex;

use crate::worker;

/// Serialises the fallback comparisons made when the worker thread is gone.
static FALLBACK: Mutex<()> = Mutex::new(());

/// Compares two Debian version strings with libapt's own comparison (dpkg's ordering:
/// `epoch:upstream-revision`, `~` before everything, even before the end).
///
/// libapt needs no cache for this, but it reads process-wide state, so the comparison runs
/// on the libapt worker thread: each call is a round trip to it (microseconds), waiting
/// behind any libapt work in progress. Should the worker be gone, it runs on the calling
/// thread instead, one call at a time.
///
/// ```
/// use std::cmp::Ordering;
/// assert_eq!(omg_adapters_apt::compare_versions("1.0~rc1", "1.0"), Ordering::Less);
/// assert_eq!(omg_adapters_apt::compare_versions("1:0.9", "2.0"), Ordering::Greater);
/// ```
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    let (left, right) = (terminated(a), terminated(b));
    match worker::call_blocking(move |_| libapt_compare(&left, &right)) {
        Ok(ordering) => ordering,
        Err(_) => {
            let _one_at_a_time = FALLBACK.lock().unwrap_or_else(|p| p.into_inner());
            compare_here(a, b)
        }
    }
}

/// libapt's comparison on the calling thread: for the worker itself, which must not wait
/// for itself.
pub(crate) fn compare_here(a: &str, b: &str) -> Ordering {
    libapt_compare(&terminated(a), &terminated(b))
}

/// `version` followed by a NUL byte.
fn terminated(version: &str) -> String {
    let mut s = String::with_capacity(version.len() + 1);
    s.push_str(version);
    s.push('\0');
    s
}

/// libapt's comparison of two [`terminated`] strings, given without their NUL.
///
/// libapt's `debVersioningSystem::CmpFragment` scans digit runs and leading zeros without
/// checking the end it was given: it relies on the NUL that ends every version string in
/// apt's own cache. rust-apt passes Rust slices, which have none, so whatever byte follows
/// in memory decides `"10"` against `"10"` (measured: `Less` or `Greater` at random). A NUL
/// right after each slice makes those scans stop where the string ends.
///
/// rust-apt's `util::cmp_versions` also runs `pkgInitSystem` on every call (about 40 µs);
/// its raw binding, used here, initialises libapt's system only when there is none.
fn libapt_compare(left: &str, right: &str) -> Ordering {
    rust_apt::raw::cmp_versions(strip(left), strip(right)).cmp(&0)
}

fn strip(terminated: &str) -> &str {
    terminated.strip_suffix('\0').unwrap_or(terminated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dpkg_ordering() {
        assert_eq!(compare_versions("1.0", "1.0"), Ordering::Equal);
        assert_eq!(compare_versions("10", "10"), Ordering::Equal);
        assert_eq!(compare_versions("1.0-1", "1.0-2"), Ordering::Less);
        assert_eq!(compare_versions("1.0~rc1", "1.0"), Ordering::Less);
        assert_eq!(compare_versions("1.0", "1.0+b1"), Ordering::Less);
        assert_eq!(compare_versions("2:1", "1:9"), Ordering::Greater);
        assert_eq!(compare_versions("0:1.0", "1.0"), Ordering::Equal);
    }

    #[test]
    fn equal_digit_runs_stay_equal_whatever_follows_in_memory() {
        // Slices of one buffer: the byte after each is a digit.
        let buffer = "10999";
        for _ in 0..100 {
            assert_eq!(
                compare_versions(&buffer[..2], &buffer[..2]),
                Ordering::Equal
            );
            assert_eq!(compare_versions(&buffer[..2], "10"), Ordering::Equal);
        }
    }
}
