//! libalpm's event callback, bound directly through alpm-sys.
//!
//! The `alpm` crate (5.0.2) reads every event through a pointer to the whole `alpm_event_t`
//! union (8-byte aligned), but libalpm passes pointers to the smaller member structs it
//! declares on its stack (`alpm_event_any_t` is 4-byte aligned), so the crate's
//! `AnyEvent::event` is a misaligned read (debug builds abort on it). This module reads the
//! type as a `u32` at offset 0 and then only the member struct libalpm actually passed for
//! that type, and copies what omg needs into an owned [`TxEvent`].

use std::ffi::{c_void, CStr};
use std::os::raw::c_char;
use std::panic::{self, AssertUnwindSafe};
use std::ptr;

use alpm_sys::{
    alpm_event_database_missing_t, alpm_event_hook_run_t, alpm_event_hook_t,
    alpm_event_optdep_removal_t, alpm_event_package_operation_t, alpm_event_pacnew_created_t,
    alpm_event_pacsave_created_t, alpm_event_pkg_retrieve_t, alpm_event_scriptlet_info_t,
    alpm_event_t, alpm_pkg_t,
};

use super::callbacks::Shared;

/// An event, copied out of libalpm's memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TxEvent {
    /// A phase of its own (checking dependencies, downloading, ...).
    Phase(String),
    /// A package operation started: `installing foo (1.0-1)`, ...
    Operation(String),
    /// A hook runs: its description, position and the number of hooks.
    HookRun(String, usize, usize),
    /// Something to tell the user: level and text.
    Message(&'static str, String),
    /// The transaction finished without being interrupted.
    TransactionDone,
    /// Nothing omg reports.
    Other,
}

/// The `alpm_cb_event` installed on transaction handles; `ctx` is the handle's [`Shared`].
///
/// # Safety
///
/// libalpm calls it with the `ctx` given to `alpm_option_set_eventcb` (a `Shared` that
/// outlives the handle) and an event of the member type its `type` names.
pub(crate) unsafe extern "C" fn event_cb(ctx: *mut c_void, event: *mut alpm_event_t) {
    if ctx.is_null() || event.is_null() {
        return;
    }
    // SAFETY: guaranteed by the caller (see above).
    let (shared, decoded) = unsafe { (&*(ctx as *const Shared), decode(event)) };
    // SAFETY: every event struct starts with its `u32` type.
    match unsafe { ptr::read(event as *const u32) } {
        // DB_RETRIEVE_START, PKG_RETRIEVE_START
        18 | 21 => shared.downloads_start(),
        // DB_RETRIEVE_DONE/FAILED, PKG_RETRIEVE_DONE/FAILED
        19 | 20 | 22 | 23 => shared.downloads_end(),
        // LOAD_START
        15 => {
            let _ = panic::catch_unwind(AssertUnwindSafe(|| shared.verify_checked()));
        }
        _ => {}
    }
    // A panic must not unwind into C.
    let _ = panic::catch_unwind(AssertUnwindSafe(|| shared.on_event(decoded)));
}

/// # Safety
///
/// `event` points at a live member struct of the type its first `u32` names.
unsafe fn decode(event: *mut alpm_event_t) -> TxEvent {
    // SAFETY: (the whole function) every member struct starts with the `u32` type; each
    // cast below is to the struct libalpm uses for that type, and its strings and packages
    // live for the duration of the callback.
    unsafe {
        let kind = ptr::read(event as *const u32);
        let phase = |text: &str| TxEvent::Phase(text.to_string());
        match kind {
            1 => phase("checking dependencies"),
            3 => phase("checking for file conflicts"),
            5 => phase("resolving dependencies"),
            7 => phase("looking for conflicting packages"),
            9 => phase("processing package changes"),
            10 => TxEvent::TransactionDone,
            11 => {
                let e = event as *const alpm_event_package_operation_t;
                let operation = ptr::read(ptr::addr_of!((*e).operation) as *const u32);
                let (old, new) = ((*e).oldpkg, (*e).newpkg);
                TxEvent::Operation(match operation {
                    1 => format!("installing {} ({})", name(new), version(new)),
                    2 => format!(
                        "upgrading {} ({} -> {})",
                        name(new),
                        version(old),
                        version(new)
                    ),
                    3 => format!("reinstalling {} ({})", name(new), version(new)),
                    4 => format!(
                        "downgrading {} ({} -> {})",
                        name(new),
                        version(old),
                        version(new)
                    ),
                    _ => format!("removing {} ({})", name(old), version(old)),
                })
            }
            13 => phase("checking package integrity"),
            15 => phase("loading package files"),
            17 => {
                let e = event as *const alpm_event_scriptlet_info_t;
                TxEvent::Message("info", text((*e).line).trim_end().to_string())
            }
            18 => phase("synchronizing package databases"),
            20 => TxEvent::Message("error", "failed to synchronize all databases".into()),
            21 => {
                let e = event as *const alpm_event_pkg_retrieve_t;
                // The size is the plan's and the download bars' (in KiB, MiB), not a raw
                // byte count here.
                let n = (*e).num;
                TxEvent::Phase(format!(
                    "downloading {n} package{}",
                    if n == 1 { "" } else { "s" }
                ))
            }
            23 => TxEvent::Message("error", "failed to download some packages".into()),
            24 => phase("checking available disk space"),
            26 => {
                let e = event as *const alpm_event_optdep_removal_t;
                let dep = alpm_sys::alpm_dep_compute_string((*e).optdep);
                let dep_text = text(dep);
                if !dep.is_null() {
                    libc::free(dep as *mut c_void);
                }
                TxEvent::Message(
                    "info",
                    format!("{} optionally requires {dep_text}", name((*e).pkg)),
                )
            }
            27 => {
                let e = event as *const alpm_event_database_missing_t;
                TxEvent::Message(
                    "warning",
                    format!(
                        "database of repository '{}' is missing; a refresh downloads it",
                        text((*e).dbname)
                    ),
                )
            }
            28 => phase("checking keys in keyring"),
            30 => phase("downloading required keys"),
            32 => {
                let e = event as *const alpm_event_pacnew_created_t;
                let file = text((*e).file);
                TxEvent::Message("warning", format!("{file} installed as {file}.pacnew"))
            }
            33 => {
                let e = event as *const alpm_event_pacsave_created_t;
                let file = text((*e).file);
                TxEvent::Message("warning", format!("{file} saved as {file}.pacsave"))
            }
            34 => {
                let e = event as *const alpm_event_hook_t;
                let when = ptr::read(ptr::addr_of!((*e).when) as *const u32);
                phase(if when == 1 {
                    "running pre-transaction hooks"
                } else {
                    "running post-transaction hooks"
                })
            }
            36 => {
                let e = event as *const alpm_event_hook_run_t;
                let desc = if (*e).desc.is_null() {
                    text((*e).name)
                } else {
                    text((*e).desc)
                };
                TxEvent::HookRun(format!("running hook: {desc}"), (*e).position, (*e).total)
            }
            _ => TxEvent::Other,
        }
    }
}

/// # Safety
///
/// `s` is null or a NUL-terminated string.
unsafe fn text(s: *const c_char) -> String {
    if s.is_null() {
        return String::new();
    }
    // SAFETY: guaranteed by the caller.
    unsafe { CStr::from_ptr(s) }.to_string_lossy().into_owned()
}

/// # Safety
///
/// `pkg` is null or a live package.
unsafe fn name(pkg: *mut alpm_pkg_t) -> String {
    if pkg.is_null() {
        return String::new();
    }
    // SAFETY: guaranteed by the caller.
    unsafe { text(alpm_sys::alpm_pkg_get_name(pkg)) }
}

/// # Safety
///
/// `pkg` is null or a live package.
unsafe fn version(pkg: *mut alpm_pkg_t) -> String {
    if pkg.is_null() {
        return String::new();
    }
    // SAFETY: guaranteed by the caller.
    unsafe { text(alpm_sys::alpm_pkg_get_version(pkg)) }
}
