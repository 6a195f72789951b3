//! Builds the small C++ bridge of `src/refresh.rs` (libapt calls rust-apt does not bind).

fn main() {
    cxx_build::bridge("src/refresh.rs")
        .flag_if_supported("-std=c++17")
        .compile("omg-adapters-apt-refresh");
    println!("cargo:rustc-link-lib=apt-pkg");
    println!("cargo:rerun-if-changed=src/refresh.rs");
    println!("cargo:rerun-if-changed=src/refresh.h");
}
