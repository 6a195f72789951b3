//! The PKGBUILD read as text, never run: its top-level assignments, simple variables
//! expanded, compared with the `.SRCINFO` the AUR indexes.

use std::collections::{BTreeSet, HashMap};

use omg_ports::{ReviewSeverity, Srcinfo};

use super::commands::assignment_name;
use super::expansion;
use super::lexer::{Op, Tok, Word};
use super::sources::{arch_sources, parse};
use super::Finding;

/// One top-level assignment.
#[derive(Debug, Clone)]
pub(crate) struct Assignment<'t> {
    /// The variable.
    pub name: &'t str,
    /// `+=` rather than `=`.
    pub append: bool,
    /// The scalar's word, or the array's elements.
    pub values: Vec<&'t Word>,
    /// Whether it is an array.
    pub array: bool,
    /// Inside `if`, `case` or a loop: it may or may not happen.
    pub conditional: bool,
    /// Its line.
    pub line: u32,
}

/// The assignments made outside functions, in order.
pub(crate) fn top_level(tokens: &[Tok]) -> Vec<Assignment<'_>> {
    let mut out = Vec::new();
    let mut braces = 0i32;
    let mut nesting = 0i32;
    let mut at_start = true;
    let mut after_function = false;
    let mut redirect_target = false;
    for tok in tokens {
        match tok {
            Tok::Newline(_) | Tok::Op(_, _) => {
                at_start = true;
                redirect_target = false;
                if matches!(tok, Tok::Op(Op::RParen, _)) && after_function {
                    after_function = false;
                }
            }
            Tok::Redir(_, _) => redirect_target = true,
            Tok::Word(w) => {
                if redirect_target {
                    redirect_target = false;
                    continue;
                }
                if after_function {
                    // `function name {`: the name, then the body opens.
                    after_function = false;
                    at_start = true;
                    continue;
                }
                if !at_start {
                    continue;
                }
                let text = if w.quoted { "" } else { w.text.as_str() };
                match text {
                    "{" => braces += 1,
                    "}" => {
                        braces -= 1;
                        at_start = false;
                    }
                    "if" | "while" | "until" => nesting += 1,
                    "for" | "case" | "select" => {
                        nesting += 1;
                        at_start = false;
                    }
                    "fi" | "done" | "esac" => {
                        nesting -= 1;
                        at_start = false;
                    }
                    "then" | "else" | "elif" | "do" | "!" => {}
                    "function" => after_function = true,
                    _ => match assignment_name(&w.text) {
                        Some(name) if braces <= 0 => {
                            let append = w
                                .text
                                .get(name.len()..)
                                .is_some_and(|r| r.starts_with("+="));
                            let (values, array) = match &w.array {
                                Some(elements) => (elements.iter().collect(), true),
                                None => (vec![w], false),
                            };
                            out.push(Assignment {
                                name,
                                append,
                                values,
                                array,
                                conditional: nesting > 0,
                                line: w.line,
                            });
                        }
                        Some(_) => {}
                        None => at_start = false,
                    },
                }
            }
        }
    }
    out
}

/// The text of an assignment's value word (a scalar's word holds `name=value`).
fn value_text<'w>(a: &Assignment<'_>, w: &'w Word) -> &'w str {
    if a.array {
        &w.text
    } else {
        w.text.split_once('=').map(|(_, v)| v).unwrap_or("")
    }
}

/// Expands `text` with the PKGBUILD's simple variables (see [`super::expansion`]).
fn expand(text: &str, vars: &HashMap<&str, String>) -> Option<String> {
    expansion::expand(text, &|name| vars.get(name).cloned())
}

/// The PKGBUILD's simple variables: unconditional top-level scalars (and an array's first
/// element, as `$pkgname` gives), expanded in order; `CARCH` is `arch`.
fn variables<'t>(assignments: &[Assignment<'t>], arch: &str) -> HashMap<&'t str, String> {
    let mut vars: HashMap<&str, String> = HashMap::new();
    vars.insert("CARCH", arch.to_owned());
    for a in assignments {
        if a.conditional || a.append {
            vars.remove(a.name);
            continue;
        }
        let Some(first) = a.values.first() else {
            vars.remove(a.name);
            continue;
        };
        match (first.subs.is_empty(), expand(value_text(a, first), &vars)) {
            (true, Some(v)) => {
                vars.insert(a.name, v);
            }
            _ => {
                vars.remove(a.name);
            }
        }
    }
    vars
}

/// Compares the PKGBUILD with the `.SRCINFO`: remote sources the PKGBUILD fetches that the
/// `.SRCINFO` does not list (high), listed ones it does not fetch (medium), and `pkgver`,
/// `pkgrel` or `epoch` disagreeing (medium). Arrays it cannot read (command substitutions,
/// loops, conditions, unknown variables) are reported as such (low), not guessed at.
///
/// Returns the PKGBUILD's findings and the `.SRCINFO`'s.
pub(crate) fn compare(
    tokens: &[Tok],
    srcinfo: &Srcinfo,
    arch: &str,
) -> (Vec<Finding>, Vec<Finding>) {
    let assignments = top_level(tokens);
    let vars = variables(&assignments, arch);
    let mut pkgbuild = Vec::new();
    let mut dot_srcinfo = Vec::new();

    // Sources.
    let arch_key = format!("source_{arch}");
    let mut base_urls: Vec<(String, u32)> = Vec::new();
    let mut arch_urls: Vec<(String, u32)> = Vec::new();
    let mut unclear: Option<u32> = None;
    let mut seen_any = false;
    for a in assignments
        .iter()
        .filter(|a| a.name == "source" || a.name == arch_key)
    {
        seen_any = true;
        if a.conditional {
            unclear.get_or_insert(a.line);
            continue;
        }
        let mut values = Vec::new();
        for w in &a.values {
            match (w.subs.is_empty(), expand(value_text(a, w), &vars)) {
                (true, Some(v)) => values.push((v, w.line)),
                _ => {
                    unclear.get_or_insert(a.line);
                }
            }
        }
        let list = if a.name == "source" {
            &mut base_urls
        } else {
            &mut arch_urls
        };
        if !a.append {
            list.clear();
        }
        list.extend(values);
    }
    let urls: Vec<(String, u32)> = base_urls.into_iter().chain(arch_urls).collect();
    let srcinfo_sources = arch_sources(srcinfo, arch);
    if let Some(line) = unclear {
        pkgbuild.push(Finding {
            severity: ReviewSeverity::Low,
            code: "pkgbuild-unclear",
            message: "the PKGBUILD builds its source list in a way this review cannot read (a command, a condition or a variable): compare it with .SRCINFO by hand".to_owned(),
            line,
            end_line: line,
            evidence: None,
        });
    } else if seen_any || srcinfo_sources.is_empty() {
        let listed: BTreeSet<&str> = srcinfo_sources
            .iter()
            .map(|(f, _)| parse(&f.value).url)
            .collect();
        let fetched: BTreeSet<&str> = urls.iter().map(|(u, _)| parse(u).url).collect();
        for (value, line) in &urls {
            let e = parse(value);
            if e.remote() && !listed.contains(e.url) {
                pkgbuild.push(Finding {
                    severity: ReviewSeverity::High,
                    code: "srcinfo-mismatch",
                    message: format!(
                        "the PKGBUILD fetches {} which .SRCINFO (what the AUR shows) does not list",
                        e.url
                    ),
                    line: *line,
                    end_line: *line,
                    evidence: None,
                });
            }
        }
        for (f, _) in &srcinfo_sources {
            let e = parse(&f.value);
            if e.remote() && !fetched.contains(e.url) {
                dot_srcinfo.push(Finding {
                    severity: ReviewSeverity::Medium,
                    code: "srcinfo-mismatch",
                    message: format!(".SRCINFO lists {} which the PKGBUILD does not fetch", e.url),
                    line: f.line,
                    end_line: f.line,
                    evidence: Some(format!("{} = {}", f.key, f.value)),
                });
            }
        }
    } else {
        pkgbuild.push(Finding {
            severity: ReviewSeverity::Low,
            code: "pkgbuild-unclear",
            message: "no source array found at the PKGBUILD's top level although .SRCINFO lists sources: compare them by hand".to_owned(),
            line: 1,
            end_line: 1,
            evidence: None,
        });
    }

    // Checksums: the PKGBUILD's are the ones makepkg verifies.
    for &algo in super::sources::CHECKSUM_KEYS {
        for key in [algo.to_owned(), format!("{algo}_{arch}")] {
            let mine: Vec<&Assignment<'_>> = assignments.iter().filter(|a| a.name == key).collect();
            let [only] = mine.as_slice() else { continue };
            if only.conditional || only.append {
                continue;
            }
            let values: Option<Vec<String>> = only
                .values
                .iter()
                .map(|w| {
                    if w.subs.is_empty() {
                        expand(value_text(only, w), &vars).map(|v| v.to_ascii_lowercase())
                    } else {
                        None
                    }
                })
                .collect();
            let Some(values) = values else { continue };
            let theirs: Vec<String> = srcinfo
                .base_values(&key)
                .map(str::to_ascii_lowercase)
                .collect();
            if values != theirs {
                pkgbuild.push(Finding {
                    severity: ReviewSeverity::Medium,
                    code: "srcinfo-mismatch",
                    message: format!(
                        "the PKGBUILD's {key} differ from .SRCINFO's: makepkg verifies the PKGBUILD's"
                    ),
                    line: only.line,
                    end_line: only.line,
                    evidence: None,
                });
            }
        }
    }

    // Versions.
    for key in ["pkgver", "pkgrel", "epoch"] {
        let theirs = srcinfo.base_value(key).unwrap_or("");
        let mine: Vec<&Assignment<'_>> = assignments.iter().filter(|a| a.name == key).collect();
        let [only] = mine.as_slice() else { continue };
        if only.conditional || only.array {
            continue;
        }
        let Some(value) = vars.get(key) else { continue };
        // An epoch of 0 is no epoch.
        let same = value == theirs || (key == "epoch" && value == "0" && theirs.is_empty());
        if !same {
            pkgbuild.push(Finding {
                severity: ReviewSeverity::Medium,
                code: "srcinfo-mismatch",
                message: format!(
                    "the PKGBUILD says {key}={value} but .SRCINFO says {key}={theirs}"
                ),
                line: only.line,
                end_line: only.line,
                evidence: None,
            });
        }
    }
    (pkgbuild, dot_srcinfo)
}

/// The files the PKGBUILD names in `install=` anywhere (a split package sets it in its
/// `package_*()` function), expanded where it can be.
pub(crate) fn install_files(tokens: &[Tok], arch: &str) -> Vec<String> {
    let assignments = top_level(tokens);
    let vars = variables(&assignments, arch);
    tokens
        .iter()
        .filter_map(|t| match t {
            Tok::Word(w) => w.text.strip_prefix("install="),
            _ => None,
        })
        .filter_map(|v| expand(v, &vars))
        .filter(|v| !v.is_empty())
        .collect()
}

/// The remote hosts of the PKGBUILD's readable top-level source arrays on `arch`.
pub(crate) fn hosts(tokens: &[Tok], arch: &str) -> BTreeSet<String> {
    let assignments = top_level(tokens);
    let vars = variables(&assignments, arch);
    let arch_key = format!("source_{arch}");
    assignments
        .iter()
        .filter(|a| a.name == "source" || a.name == arch_key)
        .flat_map(|a| a.values.iter().map(move |w| (a, *w)))
        .filter_map(|(a, w)| expand(value_text(a, w), &vars))
        .filter_map(|v| {
            let e = parse(&v);
            if e.remote() {
                e.host
            } else {
                None
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::lexer::lex;
    use super::super::testing::srcinfo;
    use super::*;

    const PKGBUILD: &str = r#"# Maintainer: Someone <someone at example dot org>
pkgname=hello-tool
_upstream=Hello-Tool
pkgver=2.1.0
pkgrel=1
arch=('x86_64')
source=("$pkgname-$pkgver.tar.gz::https://github.com/example/${_upstream}/archive/v${pkgver}.tar.gz"
        'fix-build.patch')
source_x86_64=("https://example.org/${pkgname%-tool}-tool-${CARCH}.bin")
sha256sums=('aaaa' 'bbbb')
sha256sums_x86_64=('cccc')

build() {
  cd "$_upstream-$pkgver"
  source=(overridden)
  make
}
"#;

    fn matching() -> Srcinfo {
        srcinfo(&[
            ("pkgver", "2.1.0"),
            ("pkgrel", "1"),
            (
                "source",
                "hello-tool-2.1.0.tar.gz::https://github.com/example/Hello-Tool/archive/v2.1.0.tar.gz",
            ),
            ("source", "fix-build.patch"),
            ("source_x86_64", "https://example.org/hello-tool-x86_64.bin"),
            ("sha256sums", "AAAA"),
            ("sha256sums", "bbbb"),
            ("sha256sums_x86_64", "cccc"),
        ])
    }

    #[test]
    fn top_level_only() {
        let toks = lex(PKGBUILD);
        let names: Vec<&str> = top_level(&toks).iter().map(|a| a.name).collect();
        assert_eq!(
            names,
            [
                "pkgname",
                "_upstream",
                "pkgver",
                "pkgrel",
                "arch",
                "source",
                "source_x86_64",
                "sha256sums",
                "sha256sums_x86_64"
            ]
        );
    }

    #[test]
    fn agreeing_files_give_nothing() {
        let toks = lex(PKGBUILD);
        let (a, b) = compare(&toks, &matching(), "x86_64");
        assert!(a.is_empty() && b.is_empty(), "{a:?} {b:?}");
    }

    #[test]
    fn a_source_hidden_from_srcinfo_is_high() {
        let text = PKGBUILD.replace(
            "'fix-build.patch')",
            "'fix-build.patch'\n        \"https://evil.example/$pkgname.sh\")",
        );
        let toks = lex(&text);
        let (a, b) = compare(&toks, &matching(), "x86_64");
        assert!(b.is_empty(), "{b:?}");
        assert_eq!(a.len(), 1, "{a:?}");
        assert_eq!(a[0].severity, ReviewSeverity::High);
        assert_eq!(a[0].code, "srcinfo-mismatch");
        assert_eq!(a[0].line, 9);
        assert!(a[0].message.contains("https://evil.example/hello-tool.sh"));
    }

    #[test]
    fn version_disagreement_is_medium() {
        let text = PKGBUILD.replace("pkgrel=1", "pkgrel=2");
        let toks = lex(&text);
        let (a, _) = compare(&toks, &matching(), "x86_64");
        assert_eq!(a.len(), 1, "{a:?}");
        assert_eq!(a[0].severity, ReviewSeverity::Medium);
        assert_eq!(a[0].line, 5);
    }

    #[test]
    fn computed_arrays_are_reported_not_guessed() {
        let text = PKGBUILD.replace("'fix-build.patch')", "$(curl -s https://example.org/list))");
        let toks = lex(&text);
        let (a, b) = compare(&toks, &matching(), "x86_64");
        assert!(b.is_empty());
        assert_eq!(a.len(), 1, "{a:?}");
        assert_eq!(a[0].code, "pkgbuild-unclear");
        assert_eq!(a[0].severity, ReviewSeverity::Low);

        let conditional = "pkgver=1\npkgrel=1\nif [[ $CARCH == x86_64 ]]; then\n  source=(https://a.example/x)\nfi\n";
        let toks = lex(conditional);
        let s = srcinfo(&[
            ("pkgver", "1"),
            ("pkgrel", "1"),
            ("source", "https://a.example/x"),
        ]);
        let (a, _) = compare(&toks, &s, "x86_64");
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].code, "pkgbuild-unclear");
    }

    #[test]
    fn a_source_only_in_srcinfo_is_medium() {
        let mut s = matching();
        s.base.push(omg_ports::SrcinfoField {
            key: "source".into(),
            value: "https://mirror.example/extra.tar.gz".into(),
            line: 40,
        });
        let toks = lex(PKGBUILD);
        let (a, b) = compare(&toks, &s, "x86_64");
        assert!(a.is_empty());
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].line, 40);
        assert_eq!(b[0].severity, ReviewSeverity::Medium);
    }

    #[test]
    fn checksums_that_differ() {
        let text = PKGBUILD.replace("sha256sums=('aaaa' 'bbbb')", "sha256sums=('SKIP' 'bbbb')");
        let s = matching();
        let (a, _) = compare(&lex(PKGBUILD), &s, "x86_64");
        assert!(a.is_empty(), "{a:?}");
        let (a, _) = compare(&lex(&text), &s, "x86_64");
        assert_eq!(a.len(), 1, "{a:?}");
        assert_eq!(a[0].line, 10);
    }

    #[test]
    fn install_files_anywhere() {
        let text = "pkgname=(a b)\npackage_a() {\n  install=$pkgname.install\n}\npackage_b() {\n  install=helper.sh\n}\n";
        assert_eq!(
            install_files(&lex(text), "x86_64"),
            ["a.install", "helper.sh"]
        );
    }

    #[test]
    fn hosts_of_a_previous_pkgbuild() {
        let toks = lex(PKGBUILD);
        let h: Vec<String> = hosts(&toks, "x86_64").into_iter().collect();
        assert_eq!(h, ["example.org", "github.com"]);
    }
}
