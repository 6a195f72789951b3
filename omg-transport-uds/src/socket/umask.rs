//! Running a closure under a temporary umask.
//!
//! The umask is process-wide: while the closure runs, files that other threads of this
//! process create get the temporary mask too. With the mask omg uses (077) they can only end
//! up *less* accessible than intended, never more, and the window is one `bind` call. Changes
//! made through this module are serialised, so two concurrent callers cannot leave the
//! process with the wrong mask; code elsewhere that changes the umask at the same moment is
//! not covered.

use std::sync::Mutex;

static UMASK_LOCK: Mutex<()> = Mutex::new(());

/// Run `f` with the process umask set to `mask`, then restore the previous mask.
pub(crate) fn with_umask<T>(mask: u32, f: impl FnOnce() -> T) -> T {
    // A poisoned lock only means another caller panicked; the mask was restored by its guard.
    let _serial = UMASK_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    // SAFETY: umask has no preconditions and cannot fail.
    let previous = unsafe { libc::umask(mask as libc::mode_t) };
    let _restore = Restore(previous);
    f()
}

struct Restore(libc::mode_t);

impl Drop for Restore {
    fn drop(&mut self) {
        // SAFETY: as above.
        unsafe {
            libc::umask(self.0);
        }
    }
}
