//! Embeds the publishers' keyrings shipped in `keys/<publisher>.asc` (OpenPGP) and
//! `keys/<publisher>.pub` (minisign), those that exist.

use std::path::{Path, PathBuf};

/// The publishers omg verifies signatures of.
const PUBLISHERS: &[&str] = &["node", "bun", "rust", "mise"];

/// `pub(crate) const <name>: &[(&str, &[u8])]`: each publisher with a `keys/<publisher>.<ext>`
/// file, and that file's bytes.
fn table(dir: &Path, ext: &str, name: &str, doc: &str) -> String {
    let mut code = format!("/// {doc}\npub(crate) const {name}: &[(&str, &[u8])] = &[\n");
    for publisher in PUBLISHERS {
        let file = dir.join(format!("{publisher}.{ext}"));
        println!("cargo:rerun-if-changed={}", file.display());
        if file.is_file() {
            code.push_str(&format!(
                "    ({publisher:?}, include_bytes!({:?})),\n",
                file.display().to_string()
            ));
        }
    }
    code.push_str("];\n");
    code
}

fn main() {
    let dir =
        PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default()).join("keys");
    println!("cargo:rerun-if-changed={}", dir.display());
    let code = table(
        &dir,
        "asc",
        "SHIPPED",
        "The keyrings shipped with omg: publisher and armoured keys.",
    ) + &table(
        &dir,
        "pub",
        "SHIPPED_MINISIGN",
        "The minisign keys shipped with omg: publisher and `minisign.pub` text.",
    );
    let out =
        PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("shipped_keys.rs");
    if let Err(e) = std::fs::write(&out, code) {
        println!("cargo:warning=cannot write {}: {e}", out.display());
        std::process::exit(1);
    }
}
