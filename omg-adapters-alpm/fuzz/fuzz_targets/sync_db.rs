//! Whole sync database files into the streaming reader (`omg_adapters_alpm::fuzzing`): no
//! panic, no hang, and no allocation beyond the bound its limits allow.
//!
//! The first byte chooses how the rest becomes a file: as it is (any format, told by its
//! magic bytes: mutated compressed streams), or compressed with gzip, zstd or xz (a mutated tar
//! inside each decoder). Seeds: `cargo run -p omg-adapters-alpm --example
//! fuzz_seeds`.
#![no_main]

mod alloc;

use std::io::Write;

use libfuzzer_sys::fuzz_target;
use omg_adapters_alpm::fuzzing::{read_sync_db, ALLOCATION_BOUND};

#[global_allocator]
static ALLOC: alloc::Tracking = alloc::Tracking;

fn gzip(tar: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let _ = gz.write_all(tar);
    gz.finish().unwrap_or_default()
}

fn xz(tar: &[u8]) -> Vec<u8> {
    let mut xz = xz2::write::XzEncoder::new(Vec::new(), 0);
    let _ = xz.write_all(tar);
    xz.finish().unwrap_or_default()
}

fuzz_target!(|data: &[u8]| {
    let Some((&how, rest)) = data.split_first() else {
        return;
    };
    let file = match how % 4 {
        0 => rest.to_vec(),
        1 => gzip(rest),
        2 => zstd::encode_all(rest, 1).unwrap_or_default(),
        _ => xz(rest),
    };
    alloc::reset();
    let _ = read_sync_db(&file);
    let largest = alloc::largest();
    assert!(
        largest <= ALLOCATION_BOUND,
        "one allocation of {largest} bytes for a {} byte file",
        file.len()
    );
});
