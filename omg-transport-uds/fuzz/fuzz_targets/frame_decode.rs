//! Arbitrary bytes into the blocking frame reader and the message decoders: no panic, and no
//! allocation beyond the frame limit plus what the input could justify.
#![no_main]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use libfuzzer_sys::fuzz_target;
use omg_transport_uds::frame::blocking::read_frame;
use omg_transport_uds::message::{decode_request, decode_response};

/// The frame limit used here: small, so that over-limit headers are common.
const MAX_FRAME: u32 = 64 * 1024;

/// The largest single allocation allowed while decoding one input.
const ALLOCATION_BOUND: usize = 16 * 1024 * 1024;

struct Tracking;

static LARGEST: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator; only records sizes.
unsafe impl GlobalAlloc for Tracking {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LARGEST.fetch_max(new_size, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Tracking = Tracking;

fuzz_target!(|data: &[u8]| {
    LARGEST.store(0, Ordering::Relaxed);
    let mut input = data;
    while let Ok(Some(payload)) = read_frame(&mut input, MAX_FRAME) {
        assert!(payload.len() <= MAX_FRAME as usize);
        let _ = decode_request(&payload);
        let _ = decode_response(&payload);
    }
    let largest = LARGEST.load(Ordering::Relaxed);
    assert!(
        largest <= ALLOCATION_BOUND,
        "one allocation of {largest} bytes for {} input bytes",
        data.len()
    );
});
