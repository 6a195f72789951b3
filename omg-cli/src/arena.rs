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
//! Large blocks (a frame of a few hundred kilobytes and more, the text decoded from it) go
//! to transparent huge pages where the kernel offers them (`madvise(MADV_HUGEPAGE)`, from
//! the first such block to the region's end): the 970 KB of `omg search lib` otherwise
//! cost two fresh 4 KiB pages per kilobyte read and copied, 500 page faults, more than
//! everything else the client does. Small answers never reach that part of the region.
//!
//! Bounded: past [`ARENA_BYTES`] (or where the region could not be mapped), allocations go
//! to the system allocator, and memory given back from there is freed as usual. The region
//! is reserved, not committed: untouched pages cost nothing.

use std::alloc::{GlobalAlloc, Layout, System};
use std::ptr::{self, NonNull};
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering};

/// The arena's size: far above what any answer within omgd's frame limit decodes to.
pub const ARENA_BYTES: usize = 256 << 20;

/// From this size on, a block goes to the part of the region that takes huge pages.
const LARGE: usize = 256 << 10;

/// A transparent huge page (x86-64, aarch64 with 4 KiB pages).
const HUGE_PAGE: usize = 2 << 20;

/// A bump allocator over one lazily mapped region, falling back to [`System`].
pub struct Arena {
    base: AtomicPtr<u8>,
    /// Bytes of the region handed out so far.
    used: AtomicUsize,
    /// Where the part of the region advised for huge pages starts (`usize::MAX`: none yet).
    huge_from: AtomicUsize,
    /// Set once mapping the region failed: everything goes to the system allocator.
    failed: AtomicBool,
}

impl Arena {
    /// An arena that maps nothing until its first allocation.
    pub const fn new() -> Self {
        Arena {
            base: AtomicPtr::new(ptr::null_mut()),
            used: AtomicUsize::new(0),
            huge_from: AtomicUsize::new(usize::MAX),
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
            // The first large block starts the huge-page part, at a huge page's boundary.
            let open_huge = size >= LARGE && self.huge_from.load(Ordering::Relaxed) == usize::MAX;
            let align = if open_huge {
                align.max(HUGE_PAGE)
            } else {
                align
            };
            let start = (base_addr + used).next_multiple_of(align) - base_addr;
            let Some(end) = start.checked_add(size).filter(|&end| end <= ARENA_BYTES) else {
                return ptr::null_mut();
            };
            match self
                .used
                .compare_exchange_weak(used, end, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => {
                    if open_huge {
                        self.advise_huge(base, start);
                    }
                    // SAFETY: `start + size <= ARENA_BYTES`: inside the mapping.
                    return unsafe { base.as_ptr().add(start) };
                }
                Err(now) => used = now,
            }
        }
    }

    /// Asks for huge pages from `start` to the region's end, once. Where the kernel has
    /// none (THP off, another page size) the advice is ignored and 4 KiB pages serve.
    fn advise_huge(&self, base: NonNull<u8>, start: usize) {
        if self
            .huge_from
            .compare_exchange(usize::MAX, start, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
        {
            return;
        }
        // SAFETY: advice over a part of our own mapping (`start < ARENA_BYTES`); it changes
        // how pages are backed, never their contents, which are still zero.
        unsafe {
            libc::madvise(
                base.as_ptr().add(start).cast(),
                ARENA_BYTES - start,
                libc::MADV_HUGEPAGE,
            );
        }
    }

    /// True when a block at `ptr` (owned) may grow to `new_size` where it is: a block
    /// growing large moves to the huge-page part unless it is in it already.
    fn may_grow_in_place(&self, ptr: *mut u8, new_size: usize) -> bool {
        let base = self.base.load(Ordering::Acquire) as usize;
        new_size < LARGE || ptr as usize - base >= self.huge_from.load(Ordering::Relaxed)
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
            let in_place = start
                .checked_add(new_size)
                .filter(|&e| e <= ARENA_BYTES && self.may_grow_in_place(ptr, new_size));
            if let Some(new_end) = in_place {
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

    /// The first large block starts at a huge page's boundary; a block that grows large
    /// moves there with its bytes; small blocks after it follow it.
    #[test]
    fn large_blocks_go_to_the_huge_page_part() {
        let arena = Arena::new();
        // SAFETY: every layout is non-zero in size; each block is used within the size it
        // was allocated (or reallocated) with.
        unsafe {
            let small = Layout::from_size_align(1000, 8).unwrap();
            let frame = arena.alloc(small);
            frame.write_bytes(5, 1000);
            let base = arena.base.load(Ordering::Acquire) as usize;
            assert_eq!(arena.huge_from.load(Ordering::Relaxed), usize::MAX);
            // Growing past LARGE moves it, at a huge page boundary.
            let grown = arena.realloc(frame, small, LARGE * 2);
            assert_ne!(grown, frame);
            assert_eq!(grown as usize % HUGE_PAGE, 0);
            assert_eq!(
                grown as usize - base,
                arena.huge_from.load(Ordering::Relaxed)
            );
            assert!(std::slice::from_raw_parts(grown, 1000)
                .iter()
                .all(|&b| b == 5));
            // From there it grows in place.
            let big = Layout::from_size_align(LARGE * 2, 8).unwrap();
            assert_eq!(arena.realloc(grown, big, LARGE * 4), grown);
            // The next large block is not aligned again, and zeroed memory is zero.
            let text = arena.alloc_zeroed(Layout::from_size_align(LARGE, 1).unwrap());
            assert_eq!(text as usize, grown as usize + LARGE * 4);
            assert!(std::slice::from_raw_parts(text, LARGE)
                .iter()
                .all(|&b| b == 0));
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
