//! `SHASUMS256.txt` / `SHA256SUMS`: lines of `<sha256>  <file name>` (sha256sum's format,
//! with `*` before the name in binary mode).

use std::collections::HashMap;

/// File name -> lower-case sha256, for every well-formed line. Lines that are not a 64-digit
/// hex sum followed by a name (a PGP armour, blank lines) are ignored; a path before the
/// name (`./dist/x.tar.gz`) is dropped.
pub fn parse_shasums(text: &str) -> HashMap<String, String> {
    text.lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let sum = words.next()?;
            let name = words.next()?.trim_start_matches('*');
            let name = name.rsplit('/').next().unwrap_or(name);
            (sum.len() == 64 && sum.bytes().all(|b| b.is_ascii_hexdigit()) && !name.is_empty())
                .then(|| (name.to_string(), sum.to_ascii_lowercase()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sha256sum_lines() {
        let a = "a".repeat(64);
        let b = "B".repeat(64);
        let text = format!(
            "-----BEGIN PGP SIGNED MESSAGE-----\n{a}  node-v20.11.1-linux-x64.tar.xz\n{b} *./bun-linux-x64.zip\nshort  x\n\n"
        );
        let m = parse_shasums(&text);
        assert_eq!(m.len(), 2);
        assert_eq!(m.get("node-v20.11.1-linux-x64.tar.xz"), Some(&a));
        assert_eq!(m.get("bun-linux-x64.zip"), Some(&"b".repeat(64)));
    }
}
