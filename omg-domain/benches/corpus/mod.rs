//! The package list and query terms shared by the search bench and the callgrind driver
//! (`examples/search_queries.rs`).

use omg_ports::PackageSummary;

/// The packages of `OMG_BENCH_PACKAGES` (`name<TAB>version<TAB>description` per line,
/// optionally followed by `<TAB>` and the provided names separated by spaces), or `None`
/// with a note on stderr when the variable is unset.
pub fn packages_from_env() -> Option<Vec<PackageSummary>> {
    let Some(path) = std::env::var_os("OMG_BENCH_PACKAGES") else {
        eprintln!("set OMG_BENCH_PACKAGES to a name<TAB>version<TAB>description file");
        return None;
    };
    packages_from(&path)
}

/// The packages of the file at `path` (the format of [`packages_from_env`]), or `None` with
/// a note on stderr when it cannot be read.
pub fn packages_from(path: &std::ffi::OsStr) -> Option<Vec<PackageSummary>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("cannot read {}: {e}", path.to_string_lossy());
            return None;
        }
    };
    Some(
        text.lines()
            .filter_map(|l| {
                let mut f = l.splitn(4, '\t');
                Some(PackageSummary {
                    name: f.next()?.to_string(),
                    version: f.next()?.to_string(),
                    description: f.next().unwrap_or_default().to_string(),
                    repository: "main".into(),
                    architecture: "amd64".into(),
                    installed: None,
                    provides: f
                        .next()
                        .unwrap_or_default()
                        .split_whitespace()
                        .map(str::to_string)
                        .collect(),
                })
            })
            .collect(),
    )
}

/// Deterministic spread of terms: name prefixes of 3–6 characters, whole names, description
/// words.
pub fn terms(packages: &[PackageSummary]) -> Vec<String> {
    let mut out = Vec::new();
    let step = (packages.len() / 100).max(1);
    for (i, p) in packages.iter().step_by(step).enumerate() {
        let len = 3 + i % 4;
        out.push(p.name.chars().take(len).collect());
        out.push(p.name.clone());
        if let Some(word) = p.description.split_whitespace().find(|w| w.len() > 4) {
            out.push(word.to_lowercase());
        }
    }
    out.sort();
    out.dedup();
    out
}
