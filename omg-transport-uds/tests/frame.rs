//! Frame edge cases: limits checked before allocation, truncation, garbage, empty frames.
//!
//! This test binary counts allocations per thread, to show that a header claiming a huge
//! payload costs no matching allocation.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::Read;

use omg_transport_uds::frame::{
    append_frame, blocking, make_header, nonblocking, FrameBuffer, FrameError, DEFAULT_MAX_FRAME,
};
use omg_transport_uds::message::{decode_request, decode_response};
use proptest::prelude::*;

struct Counting;

thread_local! {
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator; only records sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = LARGEST.try_with(|l| l.set(l.get().max(layout.size())));
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = LARGEST.try_with(|l| l.set(l.get().max(new_size)));
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// The largest single allocation this thread made while running `f`.
fn largest_allocation<T>(f: impl FnOnce() -> T) -> (T, usize) {
    LARGEST.with(|l| l.set(0));
    let out = f();
    (out, LARGEST.with(|l| l.get()))
}

/// A reader that yields `bytes` and then fails the test if read again.
struct Exactly<'a> {
    bytes: &'a [u8],
}

impl Read for Exactly<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        assert!(!self.bytes.is_empty(), "read past the header");
        let n = buf.len().min(self.bytes.len());
        buf[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Ok(n)
    }
}

#[test]
fn a_4_gib_header_is_refused_at_once_without_allocating() {
    let header = [0xff, 0xff, 0xff, 0xff];
    let (result, largest) = largest_allocation(|| {
        blocking::read_frame(&mut Exactly { bytes: &header }, DEFAULT_MAX_FRAME)
    });
    assert!(
        matches!(
            result,
            Err(FrameError::TooLarge {
                len: 0xffff_ffff,
                max: DEFAULT_MAX_FRAME
            })
        ),
        "{result:?}"
    );
    assert!(largest < 4096, "allocated {largest} bytes");
}

#[test]
fn a_lying_header_within_the_limit_costs_only_what_arrives() {
    let mut wire = (DEFAULT_MAX_FRAME).to_be_bytes().to_vec();
    wire.extend_from_slice(&[7; 10]);
    let (result, largest) =
        largest_allocation(|| blocking::read_frame(&mut &wire[..], DEFAULT_MAX_FRAME));
    assert!(
        matches!(result, Err(FrameError::Truncated { got: 14, .. })),
        "{result:?}"
    );
    assert!(largest <= 128 * 1024, "allocated {largest} bytes");
}

#[test]
fn just_over_a_configured_limit_is_refused_both_ways() {
    let payload = vec![1u8; 101];
    let mut out = Vec::new();
    assert!(matches!(
        blocking::write_frame(&mut out, &payload, 100),
        Err(FrameError::TooLarge { len: 101, max: 100 })
    ));
    assert!(out.is_empty(), "nothing is written");
    blocking::write_frame(&mut out, &payload, 101).unwrap();
    assert!(matches!(
        blocking::read_frame(&mut &out[..], 100),
        Err(FrameError::TooLarge { len: 101, max: 100 })
    ));
    assert_eq!(
        blocking::read_frame(&mut &out[..], 101).unwrap().unwrap(),
        payload
    );
    assert!(make_header(u32::MAX as usize + 1, u32::MAX).is_err());
}

#[test]
fn zero_length_frames_are_frames() {
    let mut wire = Vec::new();
    append_frame(&mut wire, &[], DEFAULT_MAX_FRAME).unwrap();
    append_frame(&mut wire, &[], DEFAULT_MAX_FRAME).unwrap();
    assert_eq!(wire, [0; 8]);
    let mut r = &wire[..];
    assert_eq!(
        blocking::read_frame(&mut r, DEFAULT_MAX_FRAME).unwrap(),
        Some(vec![])
    );
    assert_eq!(
        blocking::read_frame(&mut r, DEFAULT_MAX_FRAME).unwrap(),
        Some(vec![])
    );
    assert_eq!(
        blocking::read_frame(&mut r, DEFAULT_MAX_FRAME).unwrap(),
        None
    );
    // An empty payload is not a message.
    assert!(decode_request(&[]).is_err());
}

#[test]
fn clean_eof_between_frames_is_none_and_mid_frame_is_truncated() {
    let mut wire = Vec::new();
    append_frame(&mut wire, b"abcdef", DEFAULT_MAX_FRAME).unwrap();
    for cut in 0..wire.len() {
        let result = blocking::read_frame(&mut &wire[..cut], DEFAULT_MAX_FRAME);
        if cut == 0 {
            assert!(matches!(result, Ok(None)));
        } else {
            assert!(
                matches!(result, Err(FrameError::Truncated { got, .. }) if got == cut as u64),
                "cut {cut}: {result:?}"
            );
        }
    }
}

#[test]
fn async_readers_agree_on_edge_cases() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut r: &[u8] = &[0xff, 0xff, 0xff, 0xff];
        assert!(matches!(
            nonblocking::read_frame(&mut r, DEFAULT_MAX_FRAME).await,
            Err(FrameError::TooLarge { .. })
        ));
        let mut r: &[u8] = &[0, 0, 0, 3, 1];
        assert!(matches!(
            nonblocking::read_frame(&mut r, DEFAULT_MAX_FRAME).await,
            Err(FrameError::Truncated {
                expected: 7,
                got: 5
            })
        ));
        let mut r: &[u8] = &[];
        assert!(matches!(
            nonblocking::read_frame(&mut r, DEFAULT_MAX_FRAME).await,
            Ok(None)
        ));

        let mut fb = FrameBuffer::new(DEFAULT_MAX_FRAME);
        let mut r: &[u8] = &[0xff, 0xff, 0xff, 0xff];
        assert!(fb.fill(&mut r).await.unwrap());
        assert!(matches!(fb.next_frame(), Err(FrameError::TooLarge { .. })));
    });
}

#[test]
fn garbage_payloads_are_typed_decode_errors() {
    for garbage in [&b"\x00"[..], b"\xff\xff\xff", b"hello world", &[0u8; 64]] {
        let e = decode_request(garbage).unwrap_err();
        assert_eq!(e.what, "request");
        assert!(e.to_string().contains("upgrade omg and omgd together"));
        assert!(decode_response(garbage).is_err());
    }
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let mut r = &bytes[..];
        while let Ok(Some(payload)) = blocking::read_frame(&mut r, 1024) {
            let _ = decode_request(&payload);
            let _ = decode_response(&payload);
        }
    }

    #[test]
    fn frames_round_trip(payloads in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 0..8)) {
        let mut wire = Vec::new();
        for p in &payloads {
            append_frame(&mut wire, p, DEFAULT_MAX_FRAME).unwrap();
        }
        let mut r = &wire[..];
        let mut back = Vec::new();
        while let Some(p) = blocking::read_frame(&mut r, DEFAULT_MAX_FRAME).unwrap() {
            back.push(p);
        }
        prop_assert_eq!(back, payloads);
    }
}
