//! `.SRCINFO`: the metadata makepkg writes beside a PKGBUILD, and the only metadata the AUR
//! reads.
//!
//! ```text
//! pkgbase = foo
//!     pkgver = 1.2
//!     pkgrel = 1
//!     depends = glibc
//!     depends_x86_64 = lib32-glibc
//!
//! pkgname = foo
//!
//! pkgname = foo-docs
//!     depends =
//! ```
//!
//! `key = value` lines (makepkg indents with a tab), `#` comments and blank lines; arrays
//! are repeated keys, kept in order with their architecture suffix. The first field must
//! be `pkgbase`, then come one or more `pkgname` sections. Errors name the line.

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use omg_ports::{Error, Result, Srcinfo, SrcinfoField};

use crate::escape::escape;
use crate::limits::{SRCINFO_MAX_BYTES, SRCINFO_MAX_FIELDS, SRCINFO_MAX_LINE};

/// What the next step is after a damaged `.SRCINFO`.
const ADVICE: &str = "the package's .SRCINFO is damaged; tell its maintainer (makepkg --printsrcinfo writes a correct one)";

/// The `.SRCINFO` in `text` (at most [`SRCINFO_MAX_BYTES`] bytes, lines of at most
/// [`SRCINFO_MAX_LINE`], at most [`SRCINFO_MAX_FIELDS`] fields).
///
/// # Errors
///
/// [`Error::Io`] (kind `InvalidData`, path `.SRCINFO`) naming the line: a line that is not
/// `key = value`, a key that is not letters, digits and `_`, a control character, a first
/// field other than `pkgbase`, a second `pkgbase`, an empty or repeated `pkgname`, no
/// `pkgname` at all, or a bound passed.
pub fn parse_srcinfo(text: &str) -> Result<Srcinfo> {
    parse_at(Path::new(".SRCINFO"), text)
}

/// The `.SRCINFO` file at `path`: a regular file (not a link, FIFO or device; refused
/// without being waited on) of at most [`SRCINFO_MAX_BYTES`] bytes, in UTF-8.
///
/// # Errors
///
/// [`Error::Io`] naming `path` when it cannot be opened or read, is not a regular file, is
/// larger than the bound or not UTF-8, and as [`parse_srcinfo`] (naming `path`).
pub fn read_srcinfo(path: &Path) -> Result<Srcinfo> {
    let io_err = |source: io::Error| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| {
            if e.raw_os_error() == Some(libc::ELOOP) {
                invalid(path, "a symbolic link, not a regular file; refused".into())
            } else {
                io_err(e)
            }
        })?;
    let meta = file.metadata().map_err(io_err)?;
    if !meta.is_file() {
        return Err(invalid(path, "not a regular file; refused".into()));
    }
    if meta.len() > SRCINFO_MAX_BYTES {
        return Err(too_big(path));
    }
    let bytes = read_capped(file).map_err(io_err)?;
    if bytes.len() as u64 > SRCINFO_MAX_BYTES {
        return Err(too_big(path));
    }
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        invalid(path, format!("line {line}: not UTF-8; {ADVICE}"))
    })?;
    parse_at(path, text)
}

/// At most one byte more than the bound, to tell a file that grew past it.
fn read_capped(file: File) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    file.take(SRCINFO_MAX_BYTES + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn too_big(path: &Path) -> Error {
    invalid(
        path,
        format!("larger than {SRCINFO_MAX_BYTES} bytes, the limit for a .SRCINFO; refused"),
    )
}

fn invalid(path: &Path, message: String) -> Error {
    Error::Io {
        path: PathBuf::from(path),
        source: io::Error::new(io::ErrorKind::InvalidData, message),
    }
}

/// Where fields go.
enum Section {
    /// Before `pkgbase`.
    Start,
    /// The pkgbase section.
    Base,
    /// The last pkgname section.
    Package,
}

fn parse_at(path: &Path, text: &str) -> Result<Srcinfo> {
    if text.len() as u64 > SRCINFO_MAX_BYTES {
        return Err(too_big(path));
    }
    let bad = |line: usize, what: String| invalid(path, format!("line {line}: {what}; {ADVICE}"));
    let mut info = Srcinfo::default();
    let mut section = Section::Start;
    let mut fields = 0usize;
    for (i, raw) in text.split('\n').enumerate() {
        let n = i + 1;
        if raw.len() > SRCINFO_MAX_LINE {
            return Err(bad(
                n,
                format!(
                    "a line of {} bytes, longer than the limit of {SRCINFO_MAX_LINE}",
                    raw.len()
                ),
            ));
        }
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let line = line.trim_start_matches([' ', '\t']);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(c) = line.chars().find(|&c| c.is_control() && c != '\t') {
            return Err(bad(
                n,
                format!("a control character ({})", escape(&c.to_string())),
            ));
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(bad(
                n,
                format!("\"{}\" is not a `key = value` line", escape(line)),
            ));
        };
        let key = key.trim_end_matches([' ', '\t']);
        let value = value.trim_matches([' ', '\t']);
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(bad(
                n,
                format!("\"{}\" is not a key (letters, digits and _)", escape(key)),
            ));
        }
        fields += 1;
        if fields > SRCINFO_MAX_FIELDS {
            return Err(bad(
                n,
                format!("more than {SRCINFO_MAX_FIELDS} fields, the limit"),
            ));
        }
        let line_no = u32::try_from(n).unwrap_or(u32::MAX);
        match (key, &section) {
            ("pkgbase", Section::Start) => {
                if value.is_empty() {
                    return Err(bad(n, "an empty pkgbase".into()));
                }
                info.pkgbase = value.to_owned();
                section = Section::Base;
            }
            ("pkgbase", _) => return Err(bad(n, "a second pkgbase".into())),
            (_, Section::Start) => {
                return Err(bad(
                    n,
                    format!("the first field is \"{}\", not pkgbase", escape(key)),
                ))
            }
            ("pkgname", _) => {
                if value.is_empty() {
                    return Err(bad(n, "an empty pkgname".into()));
                }
                if info.packages.iter().any(|(name, _)| name == value) {
                    return Err(bad(
                        n,
                        format!("a second section for pkgname \"{}\"", escape(value)),
                    ));
                }
                info.packages.push((value.to_owned(), Vec::new()));
                section = Section::Package;
            }
            (_, Section::Base) => info.base.push(field(key, value, line_no)),
            (_, Section::Package) => {
                if let Some((_, own)) = info.packages.last_mut() {
                    own.push(field(key, value, line_no));
                }
            }
        }
    }
    match section {
        Section::Start => Err(invalid(
            path,
            format!("no pkgbase line (an empty .SRCINFO); {ADVICE}"),
        )),
        Section::Base => Err(invalid(
            path,
            format!(
                "no pkgname section after pkgbase \"{}\"; {ADVICE}",
                escape(&info.pkgbase)
            ),
        )),
        Section::Package => Ok(info),
    }
}

fn field(key: &str, value: &str, line: u32) -> SrcinfoField {
    SrcinfoField {
        key: key.to_owned(),
        value: value.to_owned(),
        line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A split package as makepkg 7 writes it: tab-indented, blank lines between sections,
    /// architecture-specific sources, checksums and dependencies, a package that clears a
    /// base dependency and one that adds its own.
    const SPLIT: &str = "pkgbase = libfoo
\tpkgdesc = The foo library
\tpkgver = 3.4.1
\tpkgrel = 2
\tepoch = 1
\turl = https://foo.example.org
\tarch = x86_64
\tarch = aarch64
\tlicense = BSD-3-Clause
\tcheckdepends = python-pytest
\tmakedepends = meson
\tmakedepends = ninja
\tdepends = glibc
\tdepends = zlib>=1.3
\toptdepends = python: bindings
\tsource = https://foo.example.org/libfoo-3.4.1.tar.gz
\tsource = fix-build.patch
\tsha256sums = 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
\tsha256sums = SKIP
\tdepends_x86_64 = lib32-glibc
\tsource_x86_64_v3 = https://foo.example.org/libfoo-3.4.1-x86_64_v3.bin
\tsha256sums_x86_64_v3 = SKIP
\tsource_aarch64 = https://foo.example.org/libfoo-3.4.1-aarch64.bin
\tsha256sums_aarch64 = SKIP

pkgname = libfoo

pkgname = libfoo-docs
\tpkgdesc = Documentation of the foo library
\tarch = any
\tdepends = 
\toptdepends = 

pkgname = python-libfoo
\tdepends = libfoo
\tdepends = python
\tdepends_x86_64 = 
";

    #[test]
    fn parses_a_split_package() {
        let info = parse_srcinfo(SPLIT).unwrap();
        assert_eq!(info.pkgbase, "libfoo");
        assert_eq!(info.full_version(), "1:3.4.1-2");
        let names: Vec<&str> = info.packages.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["libfoo", "libfoo-docs", "python-libfoo"]);
        assert_eq!(
            info.base_values("makedepends").collect::<Vec<_>>(),
            ["meson", "ninja"]
        );
        assert_eq!(
            info.base_values("source_x86_64_v3").collect::<Vec<_>>(),
            ["https://foo.example.org/libfoo-3.4.1-x86_64_v3.bin"]
        );
        assert_eq!(info.base_value("sha256sums_aarch64"), Some("SKIP"));
        assert_eq!(info.base[0].key, "pkgdesc");
        assert_eq!(info.base[0].line, 2);
        // The docs section's empty depends is kept as such, with its line.
        let docs = &info.packages[1].1;
        assert_eq!(docs[2].key, "depends");
        assert_eq!(docs[2].value, "");
        assert_eq!(docs[2].line, 31);
    }

    #[test]
    fn package_values_fold_base_arch_and_clearing() {
        let info = parse_srcinfo(SPLIT).unwrap();
        // Inherited from the base, with the architecture's own.
        assert_eq!(
            info.package_values("libfoo", "depends", "x86_64"),
            ["glibc", "zlib>=1.3", "lib32-glibc"]
        );
        assert_eq!(
            info.package_values("libfoo", "depends", "aarch64"),
            ["glibc", "zlib>=1.3"]
        );
        // An empty value clears the base's generic depends (not the arch-specific ones).
        assert_eq!(
            info.package_values("libfoo-docs", "depends", "aarch64"),
            Vec::<String>::new()
        );
        assert_eq!(
            info.package_values("libfoo-docs", "depends", "x86_64"),
            ["lib32-glibc"]
        );
        assert!(info
            .package_values("libfoo-docs", "optdepends", "x86_64")
            .is_empty());
        // Its own list replaces the base's; its empty depends_x86_64 clears that one.
        assert_eq!(
            info.package_values("python-libfoo", "depends", "x86_64"),
            ["libfoo", "python"]
        );
        assert_eq!(
            info.package_values("python-libfoo", "source", "x86_64_v3"),
            [
                "https://foo.example.org/libfoo-3.4.1.tar.gz",
                "fix-build.patch",
                "https://foo.example.org/libfoo-3.4.1-x86_64_v3.bin"
            ]
        );
    }

    #[test]
    fn comments_blank_lines_spaces_and_crlf() {
        let text = "# Generated by makepkg\r\n\r\npkgbase=bar\r\n  pkgver = 2\r\n\tpkgrel=1\r\n   # a comment\r\n\r\npkgname = bar\r\n\tdepends = a = b\r\n";
        let info = parse_srcinfo(text).unwrap();
        assert_eq!(info.pkgbase, "bar");
        assert_eq!(info.full_version(), "2-1");
        assert_eq!(info.packages[0].1[0].value, "a = b");
        let zero_epoch = "pkgbase = z\n\tpkgver = 1\n\tpkgrel = 3\n\tepoch = 0\npkgname = z\n";
        assert_eq!(parse_srcinfo(zero_epoch).unwrap().full_version(), "1-3");
    }

    fn error_of(text: &str) -> String {
        let e = parse_srcinfo(text).unwrap_err();
        assert!(matches!(e, Error::Io { .. }), "{e}");
        e.to_string()
    }

    #[test]
    fn errors_name_the_line() {
        let cases = [
            (
                "pkgname = a\n",
                "line 1: the first field is \"pkgname\", not pkgbase",
            ),
            (
                "\n# c\n\tpkgver = 1\n",
                "line 3: the first field is \"pkgver\"",
            ),
            (
                "pkgbase = a\n\tjust words\npkgname = a\n",
                "line 2: \"just words\" is not a `key = value` line",
            ),
            ("pkgbase = a\npkgbase = b\n", "line 2: a second pkgbase"),
            ("pkgbase = \n", "line 1: an empty pkgbase"),
            (
                "pkgbase = a\npkgname = a\npkgname = a\n",
                "line 3: a second section for pkgname \"a\"",
            ),
            ("pkgbase = a\npkgname =\n", "line 2: an empty pkgname"),
            (
                "pkgbase = a\n\tdep-ends = x\npkgname = a\n",
                "line 2: \"dep-ends\" is not a key",
            ),
            (
                "pkgbase = a\n\tdepends = x\u{1b}[2J\npkgname = a\n",
                "line 2: a control character (\\u{1b})",
            ),
            ("pkgbase = a\n = x\n", "line 2: \"\" is not a key"),
            ("", "no pkgbase line"),
            ("# only a comment\n", "no pkgbase line"),
            (
                "pkgbase = a\n\tpkgver = 1\n",
                "no pkgname section after pkgbase \"a\"",
            ),
        ];
        for (text, want) in cases {
            let e = error_of(text);
            assert!(e.contains(want), "{text:?}: {e}");
            assert!(e.starts_with(".SRCINFO: "), "{e}");
            assert!(!e.chars().any(char::is_control), "{e}");
        }
    }

    #[test]
    fn bounds() {
        let long = format!(
            "pkgbase = a\n\tpkgdesc = {}\npkgname = a\n",
            "x".repeat(SRCINFO_MAX_LINE)
        );
        assert!(error_of(&long).contains("line 2: a line of"));
        let mut many = String::from("pkgbase = a\npkgname = a\n");
        for _ in 0..SRCINFO_MAX_FIELDS {
            many.push_str("o=\n");
        }
        let e = error_of(&many);
        assert!(
            e.contains(&format!("line {}: more than", SRCINFO_MAX_FIELDS + 1)),
            "{e}"
        );
        let big = "#".repeat(SRCINFO_MAX_BYTES as usize + 1);
        assert!(error_of(&big).contains("larger than"));
    }

    #[test]
    fn reads_regular_files_only() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(".SRCINFO");
        std::fs::write(&file, SPLIT).unwrap();
        assert_eq!(read_srcinfo(&file).unwrap(), parse_srcinfo(SPLIT).unwrap());

        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        let e = read_srcinfo(&link).unwrap_err().to_string();
        assert!(e.contains("symbolic link"), "{e}");

        let e = read_srcinfo(dir.path()).unwrap_err().to_string();
        assert!(e.contains("not a regular file"), "{e}");

        let fifo = dir.path().join("fifo");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        let e = read_srcinfo(&fifo).unwrap_err().to_string();
        assert!(e.contains("not a regular file"), "{e}");

        let big = dir.path().join("big");
        std::fs::write(&big, vec![b'#'; SRCINFO_MAX_BYTES as usize + 1]).unwrap();
        let e = read_srcinfo(&big).unwrap_err().to_string();
        assert!(e.contains("larger than"), "{e}");

        let latin1 = dir.path().join("latin1");
        std::fs::write(&latin1, b"pkgbase = a\n\tpkgdesc = caf\xe9\npkgname = a\n").unwrap();
        let e = read_srcinfo(&latin1).unwrap_err().to_string();
        assert!(e.contains("line 2: not UTF-8"), "{e}");
        assert!(e.starts_with(&latin1.display().to_string()), "{e}");

        let missing = dir.path().join("missing");
        assert!(matches!(
            read_srcinfo(&missing).unwrap_err(),
            Error::Io { .. }
        ));
    }
}
