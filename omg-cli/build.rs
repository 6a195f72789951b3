//! Link options of the thin `omg` binary, whose whole budget is about one process start.

fn main() {
    // Relative relocations packed (DT_RELR: glibc 2.36+, binutils 2.38+), and libc's symbols
    // bound when first called rather than all at start-up: together they were half of the
    // dynamic loader's work for `omg search` through omgd.
    println!("cargo:rustc-link-arg-bin=omg=-Wl,-z,pack-relative-relocs");
    println!("cargo:rustc-link-arg-bin=omg=-Wl,-z,lazy");
}
