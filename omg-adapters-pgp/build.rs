//! Embeds the publishers' keyrings shipped in `keys/<publisher>.asc`, those that exist.

use std::path::PathBuf;

/// The publishers omg verifies signatures of.
const PUBLISHERS: &[&str] = &["node", "bun", "rust"];

fn main() {
    let dir =
        PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default()).join("keys");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut code = String::from("/// The keyrings shipped with omg: publisher and armoured keys.\npub(crate) const SHIPPED: &[(&str, &[u8])] = &[\n");
    for publisher in PUBLISHERS {
        let file = dir.join(format!("{publisher}.asc"));
        println!("cargo:rerun-if-changed={}", file.display());
        if file.is_file() {
            code.push_str(&format!(
                "    ({publisher:?}, include_bytes!({:?})),\n",
                file.display().to_string()
            ));
        }
    }
    code.push_str("];\n");
    let out =
        PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("shipped_keys.rs");
    if let Err(e) = std::fs::write(&out, code) {
        println!("cargo:warning=cannot write {}: {e}", out.display());
        std::process::exit(1);
    }
}
