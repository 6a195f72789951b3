//! glibc's heap, tuned for a long-lived daemon: few arenas, freed memory handed back.

/// Arenas glibc's malloc may create (it defaults to eight per core).
///
/// Each thread that allocates (tokio's workers, the blocking pool, the backend's library
/// thread) otherwise gets an arena of its own, and memory freed in one is kept there for that
/// thread: measured on the host's 63,682 apt packages, omgd's resident size was 75 MiB after
/// start and 78 MiB after 300 searches with the default, 56 and 59 MiB with two arenas.
///
/// Two, not one: while omgd builds its index, the backend's library thread walks libapt's
/// cache and another thread reads the descriptions from the lists, both allocating for every
/// package, and with one arena they queue on its lock. On the host's 63,713 apt packages
/// (scratch A/B, alternating; BENCHMARKS.md, stop 27): ready after 467–476 ms from nothing
/// and 170–194 ms with libapt's binary cache built, with two; 510–589 and 198–227 ms with
/// one. With the AUR's 100,000 records beside 21,232 official packages (bench/aur.sh's
/// data; 60 large searches, 1,000 cache misses, then idle), the resident size with two
/// arenas against one: 98 / 96 MiB after loading, 125 / 119 MiB right after the searches,
/// 101 / 98 MiB idle; misses p50 74 / 71 µs, p99 514 / 504 µs. (One arena had been chosen before the mmap threshold and
/// the trim after large answers below, when two cost 171 MB against 135 MB after large
/// searches.)
const ARENAS: libc::c_int = 2;

/// Blocks at least this large are mapped on their own, and unmapped when freed.
///
/// glibc starts at 128 KiB but raises the threshold to the size of each mapped block freed,
/// so after one large answer (`omg search lib` with the AUR renders 6 MB of text) every
/// later one came from the heap and its pages stayed resident. Fixed at 1 MiB: with the
/// AUR's 100,000 records beside 21,232 official packages, 60 large searches left omgd at
/// 155 MiB resident with glibc's sliding threshold and at 119 MiB with this one (96 MiB
/// after loading either way). The vectors of a cache-missing search (under 1 MiB even for
/// a 3-letter query over both indexes) stay on the heap.
const MMAP_THRESHOLD: libc::c_int = 1024 * 1024;

/// Free memory at the top of the heap that glibc keeps instead of trimming at once.
///
/// Fixing the mmap threshold also fixes the trim threshold at glibc's 128 KiB, so the
/// vectors a cache-missing search frees were handed back after each query and faulted in
/// again by the next: with the AUR in the index, 1,000 misses took p50 100–132 µs and p99
/// 742–1,000 µs with it, 86–99 µs and 631–854 µs with 8 MiB (three runs each). An idle
/// omgd still gives everything back ([`release_free_memory`]); the resident size after 60
/// large searches was 119 MiB either way.
const TRIM_THRESHOLD: libc::c_int = 8 * 1024 * 1024;

/// Limit glibc's arenas and fix its mmap and trim thresholds, unless `MALLOC_ARENA_MAX`,
/// `MALLOC_MMAP_THRESHOLD_` or `MALLOC_TRIM_THRESHOLD_` say otherwise. Call before any
/// thread starts.
pub fn limit_arenas() {
    set_unless_in_env("MALLOC_ARENA_MAX", libc::M_ARENA_MAX, ARENAS);
    set_unless_in_env(
        "MALLOC_MMAP_THRESHOLD_",
        libc::M_MMAP_THRESHOLD,
        MMAP_THRESHOLD,
    );
    set_unless_in_env(
        "MALLOC_TRIM_THRESHOLD_",
        libc::M_TRIM_THRESHOLD,
        TRIM_THRESHOLD,
    );
}

fn set_unless_in_env(variable: &str, parameter: libc::c_int, value: libc::c_int) {
    if std::env::var_os(variable).is_some() {
        return;
    }
    // SAFETY: mallopt only sets one of glibc's allocator parameters; no thread has started.
    let ok = unsafe { libc::mallopt(parameter, value) };
    if ok != 1 {
        tracing::debug!(variable, "mallopt was refused; keeping glibc's default");
    }
}

/// Give the memory freed by a rebuild and its persistence (the old index, the encoded
/// snapshot, libapt's dependency cache for the status) back to the system: glibc keeps freed
/// heap otherwise, and omgd's resident size would stay at its peak.
pub fn release_free_memory() {
    // SAFETY: malloc_trim only walks glibc's own heap; it has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}
