//! File descriptors: omgd serves up to [`MAX_CONNECTIONS`] clients at once, each a
//! descriptor, and the usual soft limit (1,024) would be used up by them alone. Then every
//! `accept` fails, and no client, not even a new one that would take an idle one's place,
//! is served.

/// Connections served at once at most (the transport's default).
pub const MAX_CONNECTIONS: usize = 1024;

/// Descriptors kept for everything else: the listener, the state file, the log, the
/// backend's databases, the runtime's own.
const RESERVED: u64 = 128;

/// Raises the soft limit on open files to the hard limit, and returns how many connections
/// fit under it ([`MAX_CONNECTIONS`] at most).
pub fn raise_limit() -> usize {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read or write the struct passed.
    let soft = unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return MAX_CONNECTIONS;
        }
        if lim.rlim_cur < lim.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: lim.rlim_max,
                rlim_max: lim.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                lim = raised;
            }
        }
        lim.rlim_cur
    };
    let fit = usize::try_from(soft.saturating_sub(RESERVED)).unwrap_or(usize::MAX);
    if fit < MAX_CONNECTIONS {
        tracing::warn!(
            open_files = soft,
            connections = fit,
            "the open-file limit is low; serving fewer connections at once"
        );
    }
    fit.clamp(1, MAX_CONNECTIONS)
}
