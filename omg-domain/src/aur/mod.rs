//! The AUR review: warnings omg computes itself before showing a package's diff, each with
//! the file and line (or the metadata value) it comes from.
//!
//! [`review`] reads the package's files as text and never runs them:
//!
//! - **Shell files** (the PKGBUILD, `.install` scripts, other `*.sh` files): code fetched
//!   and run (`curl ... | sh`, `bash <(curl ...)`, `eval "$(curl ...)"`, a variable holding
//!   downloaded text run later, `python -c` with urllib and exec) is `fetch-and-run`;
//!   decoded text run (`base64 -d | sh`) is `encoded-exec`; command names hidden by quoting
//!   (`'b''u''n'`, `"c"url`, `c\url`, `$'\x62un'`, `$a$b` from literal pieces) are
//!   `obfuscated-command`. In `.install` scripts (run as root), a language package manager
//!   (`npm install`, `bun`, `pip`...) is `install-script-package-manager` and a download
//!   `install-script-download`, both high; in the PKGBUILD a package manager fetching
//!   packages is only `build-package-manager` (medium: common and legitimate). Quotes are
//!   removed the way the shell does, continued lines are joined (the first line is
//!   reported), comments are ignored, here-documents and `$(...)`, `<(...)` and backticks
//!   are read as nested code, and a file a fetcher saved and then ran counts as fetched.
//! - **Sources** (from the `.SRCINFO` for the architecture): hosts the previously reviewed
//!   version did not use (`new-source-host`), remote non-VCS sources whose checksums are
//!   all `SKIP` (`source-without-checksum`), and sources named like a patch that are a VCS
//!   repository or a program (`disguised-source`, the July 2025 case).
//! - **`.SRCINFO` against the PKGBUILD**: the AUR indexes the one, makepkg runs the other;
//!   a remote source the PKGBUILD fetches that `.SRCINFO` does not list is
//!   `srcinfo-mismatch` (high), the reverse and version disagreements medium; a source
//!   array the review cannot read is said so (`pkgbuild-unclear`, low).
//! - **Metadata** (the AUR record and who omg saw behind the package last time):
//!   `adopted-orphan` (high), `maintainer-changed`, `co-maintainer-added`,
//!   `submitter-changed`, `young-package` (first submitted less than 14 days ago),
//!   `pending-requests` (medium), `few-votes`, `out-of-date`, `orphaned` (low).
//! - **Names**: `typosquat` (medium) when a name of the package is one slip away from a
//!   popular one: within a Damerau-Levenshtein distance of 1 (4+ characters) or 2 (10+),
//!   also with a variant suffix (`-bin`, `-git`...) taken off both names, or the same
//!   letters with other separators or look-alike digits; never for versions differing in
//!   digits (`qt5-base`, `qt6-base`), the usual variants (`firefox-bin`) or a name that is
//!   itself popular.
//!
//! A high warning means going on requires typing the package name. The result is sorted
//! (high first, then metadata before files, then file and line) and deterministic; codes
//! are stable kebab-case names. Evidence is the line as found (the renderer escapes
//! control characters), cut to [`MAX_EVIDENCE`] characters.

mod commands;
pub mod depend;
mod expansion;
pub mod facts;
mod lexer;
mod metadata;
mod pkgbuild;
pub mod plan;
mod scripts;
mod sources;
mod typosquat;

#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests;

use std::cmp::Reverse;
use std::collections::{BTreeSet, HashSet};

use omg_ports::{AurPackage, ReviewSeverity, ReviewWarning, Srcinfo};

pub use depend::{Constraint, DepOp, Depend, DependError};
pub use facts::{PlanFacts, Question};
pub use metadata::{FEW_VOTES, YOUNG_SECONDS};
pub use plan::{
    missing_records, no_choice, plan, AurPlan, BaseBuild, PlanError, PlanOptions, PlanView,
    PlannedPkg, UnmetReason, Unresolved,
};
use scripts::ShellKind;
pub use typosquat::POPULAR_AT;

/// The longest evidence kept, in characters.
pub const MAX_EVIDENCE: usize = 200;

/// The most text of one file that is read; the rest of a larger file is not reviewed (and
/// a warning says so).
pub const MAX_FILE_TEXT: usize = 1024 * 1024;

/// The most names of one package (its base and packages) checked for typosquatting.
pub const MAX_NAMES: usize = 64;

/// The most files of one package that are read.
pub const MAX_FILES: usize = 512;

/// One file of a package's repository, as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RepoFile<'a> {
    /// Its path in the repository (`PKGBUILD`, `.SRCINFO`, `foo.install`, `keys/pgp/x.asc`).
    pub name: &'a str,
    /// Its text.
    pub text: &'a str,
}

/// Who omg saw behind a package when the user last reviewed or installed it (its local
/// history of the dump's `Maintainer`, `Submitter` and `CoMaintainers`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeenPeople {
    /// The maintainer then; `None` when it was orphaned.
    pub maintainer: Option<String>,
    /// The submitter then, when known.
    pub submitter: Option<String>,
    /// The co-maintainers then.
    pub co_maintainers: Vec<String>,
}

/// The version the user reviewed last time.
#[derive(Debug, Clone, Copy, Default)]
pub struct PreviousReview<'a> {
    /// Its files (the PKGBUILD's sources stand in for a missing `.SRCINFO`).
    pub files: &'a [RepoFile<'a>],
    /// Its parsed `.SRCINFO`, when there was one.
    pub srcinfo: Option<&'a Srcinfo>,
}

/// Everything [`review`] looks at.
#[derive(Debug, Clone, Copy)]
pub struct ReviewInput<'a> {
    /// The package base (the repository's name).
    pub package_base: &'a str,
    /// The files about to be built: the PKGBUILD, `.install` scripts, other files (the
    /// `.SRCINFO` text, when given, only serves as evidence).
    pub files: &'a [RepoFile<'a>],
    /// The parsed `.SRCINFO` of these files.
    pub srcinfo: &'a Srcinfo,
    /// The previously reviewed version, `None` on a first review.
    pub previous: Option<PreviousReview<'a>>,
    /// The package's AUR record, when the AUR has it.
    pub record: Option<&'a AurPackage>,
    /// Who omg saw behind the package last time, `None` when it never did.
    pub seen: Option<&'a SeenPeople>,
    /// Who omgd saw behind the package at the refreshes of the AUR metadata since then
    /// (each a change), oldest first: the maintainers in between, who the endpoints alone
    /// would hide.
    pub history: &'a [SeenPeople],
    /// When the oldest AUR package of the record's maintainer was first submitted, unix
    /// seconds (the AUR's search by maintainer), `None` when not known: a bound on the
    /// account's age, which the AUR does not publish.
    pub maintainer_since: Option<i64>,
    /// Popular package names (of the AUR and the repositories) to check typosquatting
    /// against.
    pub popular: &'a [String],
    /// The time now, unix seconds.
    pub now: i64,
    /// The architecture built for (`x86_64`): selects `source_<arch>` and friends.
    pub arch: &'a str,
}

/// One finding before it is tied to a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Finding {
    pub severity: ReviewSeverity,
    pub code: &'static str,
    pub message: String,
    /// 1-based; 0 for metadata.
    pub line: u32,
    pub end_line: u32,
    /// The evidence when it is not the file's lines.
    pub evidence: Option<String>,
}

/// Cuts `text` to [`MAX_EVIDENCE`] characters (marking the cut with `…`).
fn truncate(text: &str) -> String {
    match text.char_indices().nth(MAX_EVIDENCE) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// The lines `first..=last` (1-based) of `lines`, trimmed and joined by a space.
fn lines_of(lines: &[&str], first: u32, last: u32) -> String {
    let first = first.max(1) as usize;
    let last = (last.max(first as u32) as usize).min(first + 20);
    let mut out = String::new();
    for l in lines.iter().skip(first - 1).take(last - first + 1) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(l.trim());
        if out.len() > MAX_EVIDENCE * 4 {
            break;
        }
    }
    truncate(&out)
}

fn to_warning(f: Finding, file: Option<&str>, lines: Option<&[&str]>) -> ReviewWarning {
    let evidence = match (&f.evidence, lines) {
        (Some(e), _) => truncate(e),
        (None, Some(l)) => lines_of(l, f.line, f.end_line),
        (None, None) => String::new(),
    };
    ReviewWarning {
        severity: f.severity,
        code: f.code.to_owned(),
        message: f.message,
        file: file.map(str::to_owned),
        line: (f.line > 0).then_some(f.line),
        evidence,
    }
}

/// The first `MAX_FILE_TEXT` bytes of `text` (on a character boundary).
fn bounded(text: &str) -> &str {
    if text.len() <= MAX_FILE_TEXT {
        return text;
    }
    let mut end = MAX_FILE_TEXT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// What kind of shell file `file` is, if it is one.
fn shell_kind(file: &RepoFile<'_>, install_names: &BTreeSet<&str>) -> Option<ShellKind> {
    let name = file.name;
    if name == "PKGBUILD" {
        return Some(ShellKind::Pkgbuild);
    }
    if name.ends_with(".install") || install_names.contains(name) {
        return Some(ShellKind::Install);
    }
    let shell_ending = [".sh", ".bash", ".zsh", ".ksh"]
        .iter()
        .any(|e| name.ends_with(e));
    let first_line = file.text.lines().next().unwrap_or("");
    let shebang = first_line.starts_with("#!")
        && ["sh", "bash", "zsh", "dash", "ksh"]
            .iter()
            .any(|s| first_line.split(['/', ' ']).any(|part| part == *s));
    (shell_ending || shebang).then_some(ShellKind::Script)
}

/// The review's warnings for `input`, sorted: high first, then metadata, then by file and
/// line.
///
/// ```
/// use omg_domain::aur::{review, RepoFile, ReviewInput};
/// use omg_ports::{ReviewSeverity, Srcinfo};
///
/// let install = "post_install() {\n  'b''u''n' install -g helper\n}\n";
/// let files = [RepoFile { name: "tool.install", text: install }];
/// let srcinfo = Srcinfo { pkgbase: "tool".into(), ..Srcinfo::default() };
/// let warnings = review(&ReviewInput {
///     package_base: "tool",
///     files: &files,
///     srcinfo: &srcinfo,
///     previous: None,
///     record: None,
///     seen: None,
///     history: &[],
///     maintainer_since: None,
///     popular: &[],
///     now: 1_796_212_800,
///     arch: "x86_64",
/// });
/// assert_eq!(warnings[0].severity, ReviewSeverity::High);
/// assert_eq!(warnings[0].code, "install-script-package-manager");
/// assert_eq!(warnings[0].line, Some(2));
/// ```
pub fn review(input: &ReviewInput<'_>) -> Vec<ReviewWarning> {
    let mut out: Vec<ReviewWarning> = Vec::new();
    let srcinfo = input.srcinfo;
    let files = input.files.get(..MAX_FILES).unwrap_or(input.files);
    let dot_srcinfo_lines: Option<Vec<&str>> = files
        .iter()
        .find(|f| f.name == ".SRCINFO")
        .map(|f| bounded(f.text).lines().collect());
    let mut install_names: BTreeSet<&str> = srcinfo.base_values("install").collect();
    for (_, fields) in &srcinfo.packages {
        install_names.extend(
            fields
                .iter()
                .filter(|f| f.key == "install")
                .map(|f| f.value.as_str()),
        );
    }
    let previous_names: Option<BTreeSet<&str>> = input
        .previous
        .map(|p| p.files.iter().map(|f| f.name).collect());

    if input.files.len() > files.len() {
        out.push(to_warning(
            Finding {
                severity: ReviewSeverity::Medium,
                code: "too-many-files",
                message: format!(
                    "only the first {MAX_FILES} files were reviewed: read the others yourself"
                ),
                line: 0,
                end_line: 0,
                evidence: Some(format!("{} files", input.files.len())),
            },
            None,
            None,
        ));
    }

    // The PKGBUILD names install scripts too (any name, not only `*.install`).
    let mut pkgbuild_lexed = files
        .iter()
        .find(|f| f.name == "PKGBUILD")
        .map(|f| lexer::lex(bounded(f.text)));
    let pkgbuild_install: Vec<String> = pkgbuild_lexed
        .as_deref()
        .map(|tokens| pkgbuild::install_files(tokens, input.arch))
        .unwrap_or_default();
    install_names.extend(pkgbuild_install.iter().map(String::as_str));

    // The files.
    let mut pkgbuild_tokens = None;
    for file in files {
        let Some(kind) = shell_kind(file, &install_names) else {
            continue;
        };
        let text = bounded(file.text);
        if text.len() < file.text.len() {
            out.push(to_warning(
                Finding {
                    severity: ReviewSeverity::Medium,
                    code: "file-too-large",
                    message: format!("only the first {MAX_FILE_TEXT} bytes were reviewed: read the rest yourself"),
                    line: 0,
                    end_line: 0,
                    evidence: Some(format!("{} bytes", file.text.len())),
                },
                Some(file.name),
                None,
            ));
        }
        let tokens = match (kind, pkgbuild_lexed.take()) {
            (ShellKind::Pkgbuild, Some(lexed)) => lexed,
            (_, kept) => {
                pkgbuild_lexed = kept;
                lexer::lex(text)
            }
        };
        let lines: Vec<&str> = text.lines().collect();
        for f in scripts::scan_tokens(&tokens, kind) {
            out.push(to_warning(f, Some(file.name), Some(&lines)));
        }
        if kind == ShellKind::Install {
            if let Some(names) = &previous_names {
                if !names.contains(file.name) {
                    out.push(to_warning(
                        Finding {
                            severity: ReviewSeverity::Medium,
                            code: "install-script-added",
                            message: "a new install script: it runs as root when the package is installed".to_owned(),
                            line: 1,
                            end_line: 1,
                            evidence: None,
                        },
                        Some(file.name),
                        Some(&lines),
                    ));
                }
            }
        }
        if kind == ShellKind::Pkgbuild {
            pkgbuild_tokens = Some((tokens, lines));
        }
    }

    // Sources.
    let srcinfo_name = Some(".SRCINFO");
    let mut srcinfo_findings = sources::check(srcinfo, input.arch);
    if let Some(previous) = input.previous {
        let hosts = match previous.srcinfo {
            Some(s) => Some(sources::hosts(s, input.arch)),
            None => previous
                .files
                .iter()
                .find(|f| f.name == "PKGBUILD")
                .map(|f| pkgbuild::hosts(&lexer::lex(bounded(f.text)), input.arch)),
        };
        if let Some(hosts) = hosts {
            srcinfo_findings.extend(sources::new_hosts(srcinfo, input.arch, &hosts));
        }
    }

    // .SRCINFO against the PKGBUILD.
    if let Some((tokens, lines)) = &pkgbuild_tokens {
        let (in_pkgbuild, in_srcinfo) = pkgbuild::compare(tokens, srcinfo, input.arch);
        for f in in_pkgbuild {
            out.push(to_warning(f, Some("PKGBUILD"), Some(lines)));
        }
        srcinfo_findings.extend(in_srcinfo);
    }
    for mut f in srcinfo_findings {
        if let Some(lines) = &dot_srcinfo_lines {
            let line = lines_of(lines, f.line, f.line);
            if !line.is_empty() {
                f.evidence = Some(line);
            }
        }
        out.push(to_warning(f, srcinfo_name, None));
    }

    // Metadata.
    if let Some(record) = input.record {
        for f in metadata::check(
            record,
            input.seen,
            input.history,
            input.maintainer_since,
            input.now,
        ) {
            out.push(to_warning(f, None, None));
        }
    }

    // Names.
    let popular: HashSet<&str> = input.popular.iter().map(String::as_str).collect();
    let mut names: BTreeSet<&str> = BTreeSet::new();
    names.insert(input.package_base);
    names.extend(srcinfo.packages.iter().map(|(n, _)| n.as_str()));
    if let Some(r) = input.record {
        names.insert(r.name.as_str());
    }
    for name in names.into_iter().filter(|n| !n.is_empty()).take(MAX_NAMES) {
        if let Some(target) = typosquat::closest(name, &popular) {
            out.push(to_warning(
                Finding {
                    severity: ReviewSeverity::Medium,
                    code: "typosquat",
                    message: format!("the name {name} is one slip away from the popular {target}: is this the package you meant?"),
                    line: 0,
                    end_line: 0,
                    evidence: Some(format!("{name} ~ {target}")),
                },
                None,
                None,
            ));
        }
    }

    out.sort_by(|a, b| {
        (
            Reverse(a.severity),
            &a.file,
            a.line,
            &a.code,
            &a.message,
            &a.evidence,
        )
            .cmp(&(
                Reverse(b.severity),
                &b.file,
                b.line,
                &b.code,
                &b.message,
                &b.evidence,
            ))
    });
    // One warning per code and line (two rules may see the same thing).
    out.dedup_by(|a, b| {
        a.code == b.code
            && a.file == b.file
            && a.line == b.line
            && (a.file.is_some() || a.message == b.message)
    });
    out
}
