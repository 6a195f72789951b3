//! Builds the small C++ bridges (libapt calls rust-apt does not bind): `src/refresh.rs`,
//! and `src/transaction/bridge.rs` with `bridge.cc`.

fn main() {
    cxx_build::bridges(["src/refresh.rs", "src/transaction/bridge.rs"])
        .file("src/transaction/bridge.cc")
        .flag_if_supported("-std=c++17")
        .compile("omg-adapters-apt-bridge");
    println!("cargo:rustc-link-lib=apt-pkg");
    for file in [
        "src/refresh.rs",
        "src/refresh.h",
        "src/transaction/bridge.rs",
        "src/transaction/bridge.h",
        "src/transaction/bridge.cc",
    ] {
        println!("cargo:rerun-if-changed={file}");
    }
}
