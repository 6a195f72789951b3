//! The thin client's allocator: a bump arena for a process that lives a few milliseconds.
//!
//! `omg` decodes omgd's answer, renders it and exits. A search with thousands of hits makes
//! tens of thousands of small allocations (every name, version and description) that live
//! until the exit; glibc's malloc spent more instructions on them than the decoding and the
//! rendering together (BENCHMARKS.md). Here an allocation is an aligned bump of an offset
//! in a region reserved at the first use, freeing is nothing (the exit returns the pages),
//! and the newest allocation grows in place (the output buffer, the frame being read).
//! Only the `omg` binary uses it (`#[global_allocator]` in its main.rs), never a library
//! user's process.
//!
//! Bounded: past [`ARENA_BYTES`] (or where the region could not be mapped), allocations go
//! to the system allocator, and memory given back from there is freed as usual. The region
//! is reserved, not committed: untouched pages cost nothing.

use std::alloc::{GlobalAlloc, Layout, System};
use std::ptr::{self, NonNull};
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering};

/// The arena's size: far above what any answer within omgd's frame limit decodes to.
pub const ARENA_BYTES: usize = 256 << 20;

/// A bump allocator over one lazily mapped region, falling back to [`System`].
pub struct Arena {
    base: AtomicPtr<u8>,
    /// Bytes of the region handed out so far.
    used: AtomicUsize,
    /// Set once mapping the region failed: everything goes to the system allocator.
    failed: AtomicBool,
}

impl Arena {
    /// An arena that maps nothing until its first allocation.
    pub const fn new() -> Self {
        Arena {
            base: AtomicPtr::new(ptr::null_mut()),
            used: AtomicUsize::new(0),
            failed: AtomicBool::new(false),
        }
    }

    /// The region, mapped at the first call; `None` when it cannot be.
    fn region(&self) -> Option<NonNull<u8>> {
        if let Some(base) = NonNull::new(self.base.load(Ordering::Acquire)) {
            return Some(base);
        }
        if self.failed.load(Ordering::Relaxed) {
            return None;
        }
        // SAFETY: an anonymous private mapping of fresh pages; the kernel picks the address.
        let mapped = unsafe {
            libc::mmap(
                ptr::null_mut(),
                ARENA_BYTES,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if mapped == libc::MAP_FAILED {
            self.failed.store(true, Ordering::Relaxed);
            return None;
        }
        let mapped = mapped.cast::<u8>();
        match self.base.compare_exchange(
            ptr::null_mut(),
            mapped,
            Ordering::AcqRel,
            Ordering::Acquire,
        ) {
            Ok(_) => NonNull::new(mapped),
            Err(theirs) => {
                // Another thread mapped it first: use theirs.
                // SAFETY: `mapped` is the mapping made above, used by no one.
                unsafe { libc::munmap(mapped.cast(), ARENA_BYTES) };
                NonNull::new(theirs)
            }
        }
    }

    /// True when `ptr` points into the region.
    fn owns(&self, ptr: *mut u8) -> bool {
        let base = self.base.load(Ordering::Acquire);
        !base.is_null() && (ptr as usize).wrapping_sub(base as usize) < ARENA_BYTES
    }

    /// `size` bytes aligned to `align` from the region, or null when it is full.
    fn bump(&self, size: usize, align: usize) -> *mut u8 {
        let Some(base) = self.region() else {
            return ptr::null_mut();
        };
        let base_addr = base.as_ptr() as usize;
        let mut used = self.used.load(Ordering::Relaxed);
        loop {
            let start = (base_addr + used).next_multiple_of(align) - base_addr;
            let Some(end) = start.checked_add(size).filter(|&end| end <= ARENA_BYTES) else {
                return ptr::null_mut();
            };
            match self
                .used
                .compare_exchange_weak(used, end, Ordering::Relaxed, Ordering::Relaxed)
            {
                // SAFETY: `start + size <= ARENA_BYTES`: inside the mapping.
                Ok(_) => return unsafe { base.as_ptr().add(start) },
                Err(now) => used = now,
            }
        }
    }
}

impl Default for Arena {
    fn default() -> Self {
        Self::new()
    }
}

// SAFETY: every block handed out is inside the mapping (or the system allocator's), aligned
// as asked, and never handed out twice: the offset only grows, by compare-and-swap.
unsafe impl GlobalAlloc for Arena {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = self.bump(layout.size(), layout.align());
        if p.is_null() {
            // SAFETY: the caller's layout is passed on unchanged.
            unsafe { System.alloc(layout) }
        } else {
            p
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = self.bump(layout.size(), layout.align());
        if p.is_null() {
            // SAFETY: as in `alloc`.
            unsafe { System.alloc_zeroed(layout) }
        } else {
            // Fresh pages of an anonymous mapping are zero, and the region is never reused.
            p
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if !self.owns(ptr) {
            // SAFETY: not ours, so the system allocator's, with the caller's layout.
            unsafe { System.dealloc(ptr, layout) }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if self.owns(ptr) {
            // A block shrinks where it is (the bytes it gives up are not reused: the region
            // must stay zero past the offset, for `alloc_zeroed`).
            if new_size <= layout.size() {
                return ptr;
            }
            // The newest block grows in place when the region has room.
            let base = self.base.load(Ordering::Acquire) as usize;
            let start = ptr as usize - base;
            let end = start + layout.size();
            if let Some(new_end) = start.checked_add(new_size).filter(|&e| e <= ARENA_BYTES) {
                if self
                    .used
                    .compare_exchange(end, new_end, Ordering::Relaxed, Ordering::Relaxed)
                    .is_ok()
                {
                    return ptr;
                }
            }
        }
        // SAFETY: the new layout differs only in size, which the caller made valid.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: forwarded to our own `alloc`.
        let new = unsafe { self.alloc(new_layout) };
        if !new.is_null() {
            // SAFETY: both blocks are valid for the smaller of the two sizes, and distinct.
            unsafe {
                ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        new
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_aligned_distinct_and_grow_in_place_when_newest() {
        let arena = Arena::new();
        // SAFETY: every layout is non-zero in size; each block is used within the size it
        // was allocated (or reallocated) with, and only after its allocation succeeded.
        unsafe {
            let a = arena.alloc(Layout::from_size_align(3, 1).unwrap());
            let b = arena.alloc(Layout::from_size_align(16, 16).unwrap());
            assert!(arena.owns(a) && arena.owns(b));
            assert_eq!(b as usize % 16, 0);
            assert!(b as usize >= a as usize + 3);
            b.write_bytes(7, 16);
            let grown = arena.realloc(b, Layout::from_size_align(16, 16).unwrap(), 4096);
            assert_eq!(grown, b, "the newest block grows in place");
            assert_eq!(*grown.add(15), 7);
            // An older block moves, keeping its bytes.
            a.write_bytes(9, 3);
            let moved = arena.realloc(a, Layout::from_size_align(3, 1).unwrap(), 100);
            assert_ne!(moved, a);
            assert_eq!(std::slice::from_raw_parts(moved, 3), &[9, 9, 9]);
            let zeroed = arena.alloc_zeroed(Layout::from_size_align(64, 8).unwrap());
            assert!(std::slice::from_raw_parts(zeroed, 64)
                .iter()
                .all(|&x| x == 0));
        }
    }

    #[test]
    fn past_the_region_the_system_allocator_serves() {
        let arena = Arena::new();
        // SAFETY: the layout is non-zero in size, and the one byte written lies inside the
        // block, which is freed with the layout it was allocated with.
        unsafe {
            let big = Layout::from_size_align(ARENA_BYTES + 1, 8).unwrap();
            let p = arena.alloc(big);
            assert!(!p.is_null());
            assert!(!arena.owns(p));
            p.write(1);
            arena.dealloc(p, big);
        }
    }
}
