//! The `.SRCINFO`'s sources: what each entry fetches and from where, checksums, sources
//! disguised as patches, and hosts the previous review did not see.

use std::collections::{BTreeSet, HashMap};

use omg_ports::{ReviewSeverity, Srcinfo, SrcinfoField};

use super::Finding;

/// The checksum arrays makepkg verifies.
pub(super) const CHECKSUM_KEYS: &[&str] = &[
    "cksums",
    "md5sums",
    "sha1sums",
    "sha224sums",
    "sha256sums",
    "sha384sums",
    "sha512sums",
    "b2sums",
];

/// The version control systems makepkg fetches (`git+https://`, `git://`...).
const VCS: &[&str] = &["git", "svn", "hg", "bzr", "fossil"];

/// File endings of programs and scripts.
const EXECUTABLE_ENDINGS: &[&str] = &[
    ".sh",
    ".bash",
    ".py",
    ".pl",
    ".rb",
    ".js",
    ".mjs",
    ".ts",
    ".php",
    ".exe",
    ".bin",
    ".elf",
    ".so",
    ".appimage",
    ".jar",
    ".ps1",
];

/// One `source` entry, taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SourceEntry<'a> {
    /// The local name before `::`, when given.
    pub rename: Option<&'a str>,
    /// What is fetched (after `::`).
    pub url: &'a str,
    /// The host, lowercased, for a remote entry.
    pub host: Option<String>,
    /// The version control system, for `git+https://...`, `git://...`.
    pub vcs: Option<&'static str>,
}

impl<'a> SourceEntry<'a> {
    /// Whether it is fetched from elsewhere (a URL, not a file of the repository).
    pub fn remote(&self) -> bool {
        self.url.contains("://") && !self.url.starts_with("file://")
    }

    /// The file name it gets: the rename, else the URL's last path segment.
    pub fn file_name(&self) -> &'a str {
        if let Some(r) = self.rename {
            return r;
        }
        let path = self.url.split(['#', '?']).next().unwrap_or(self.url);
        path.trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or(path)
    }
}

/// Takes a `source` value apart (`name::url`, `git+https://host/x#branch=y`, `file.patch`).
pub(crate) fn parse(value: &str) -> SourceEntry<'_> {
    let (rename, url) = match value.split_once("::") {
        Some((r, u)) => (Some(r), u),
        None => (None, value),
    };
    let mut vcs = None;
    let mut host = None;
    if let Some((scheme, rest)) = url.split_once("://") {
        let protocol = scheme
            .split('+')
            .next()
            .unwrap_or(scheme)
            .to_ascii_lowercase();
        vcs = VCS.iter().find(|v| **v == protocol).copied();
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        let authority = authority.rsplit('@').next().unwrap_or(authority);
        let hostname = if let Some(v6) = authority.strip_prefix('[') {
            v6.split(']').next().unwrap_or(v6)
        } else {
            authority.split(':').next().unwrap_or(authority)
        };
        let hostname = hostname.trim_end_matches('.').to_ascii_lowercase();
        if !hostname.is_empty() {
            host = Some(hostname);
        }
    }
    SourceEntry {
        rename,
        url,
        host,
        vcs,
    }
}

/// The `.SRCINFO` source fields that apply on `arch`: `source` then `source_<arch>`, each
/// with its index within its own array.
pub(crate) fn arch_sources<'a>(srcinfo: &'a Srcinfo, arch: &str) -> Vec<(&'a SrcinfoField, usize)> {
    let arch_key = format!("source_{arch}");
    let mut out = Vec::new();
    for key in ["source", arch_key.as_str()] {
        let fields = srcinfo
            .base
            .iter()
            .filter(|f| f.key == key && !f.value.is_empty());
        out.extend(fields.enumerate().map(|(i, f)| (f, i)));
    }
    out
}

/// The hosts the sources on `arch` are fetched from.
pub(crate) fn hosts(srcinfo: &Srcinfo, arch: &str) -> BTreeSet<String> {
    arch_sources(srcinfo, arch)
        .into_iter()
        .filter_map(|(f, _)| {
            let e = parse(&f.value);
            if e.remote() {
                e.host
            } else {
                None
            }
        })
        .collect()
}

fn srcinfo_finding(
    severity: ReviewSeverity,
    code: &'static str,
    message: String,
    f: &SrcinfoField,
) -> Finding {
    Finding {
        severity,
        code,
        message,
        line: f.line,
        end_line: f.line,
        evidence: Some(format!("{} = {}", f.key, f.value)),
    }
}

/// Hosts not among `previous` (the previously reviewed version's), once each, at their
/// first entry.
pub(crate) fn new_hosts(
    srcinfo: &Srcinfo,
    arch: &str,
    previous: &BTreeSet<String>,
) -> Vec<Finding> {
    let mut reported = BTreeSet::new();
    let mut out = Vec::new();
    for (f, _) in arch_sources(srcinfo, arch) {
        let e = parse(&f.value);
        let Some(host) = e.host.as_ref().filter(|_| e.remote()) else {
            continue;
        };
        if previous.contains(host) || !reported.insert(host.clone()) {
            continue;
        }
        out.push(srcinfo_finding(
            ReviewSeverity::Medium,
            "new-source-host",
            format!("fetches from {host}, which the previously reviewed version did not use"),
            f,
        ));
    }
    out
}

/// Remote, non-VCS sources whose every checksum is `SKIP` (or missing), and sources named
/// like a patch that fetch a repository or a program.
pub(crate) fn check(srcinfo: &Srcinfo, arch: &str) -> Vec<Finding> {
    let all = arch_sources(srcinfo, arch);
    let names: BTreeSet<&str> = all
        .iter()
        .map(|(f, _)| parse(&f.value).file_name())
        .collect();
    let has_pgp_keys = srcinfo.base_values("validpgpkeys").any(|v| !v.is_empty());
    // Every checksum array, read once.
    let mut sums: HashMap<&str, Vec<&str>> = HashMap::new();
    for f in &srcinfo.base {
        if CHECKSUM_KEYS.iter().any(|algo| {
            f.key
                .strip_prefix(algo)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('_'))
        }) {
            sums.entry(f.key.as_str())
                .or_default()
                .push(f.value.as_str());
        }
    }
    let mut out = Vec::new();
    for (f, index) in all {
        let e = parse(&f.value);
        let name = e.file_name();
        let lower = name.to_ascii_lowercase();
        let url_name = parse(e.url).file_name().to_ascii_lowercase();
        let patch_like = lower.contains("patch") || lower.ends_with(".diff");
        if patch_like && e.remote() {
            let executable = EXECUTABLE_ENDINGS.iter().any(|x| url_name.ends_with(x));
            if let Some(vcs) = e.vcs {
                out.push(srcinfo_finding(
                    ReviewSeverity::High,
                    "disguised-source",
                    format!("`{name}` is named like a patch but is a {vcs} repository: its contents are not in this review"),
                    f,
                ));
            } else if executable {
                out.push(srcinfo_finding(
                    ReviewSeverity::High,
                    "disguised-source",
                    format!("`{name}` is named like a patch but fetches the program `{url_name}`"),
                    f,
                ));
            }
        }
        if !e.remote() || e.vcs.is_some() {
            continue;
        }
        let signature = [".sig", ".asc", ".sign"].iter().any(|x| lower.ends_with(x));
        let signed = has_pgp_keys
            && [".sig", ".asc", ".sign"]
                .iter()
                .any(|x| names.contains(format!("{name}{x}").as_str()));
        if signature || signed {
            continue;
        }
        let suffix = f.key.strip_prefix("source").unwrap_or("");
        let verified = CHECKSUM_KEYS.iter().any(|algo| {
            let sum = sums
                .get(format!("{algo}{suffix}").as_str())
                .and_then(|values| values.get(index));
            sum.is_some_and(|sum| !sum.is_empty() && !sum.eq_ignore_ascii_case("SKIP"))
        });
        if !verified {
            out.push(srcinfo_finding(
                ReviewSeverity::Medium,
                "source-without-checksum",
                format!("`{name}` is downloaded without a checksum (SKIP): what it holds can change after this review"),
                f,
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::testing::srcinfo;
    use super::*;

    #[test]
    fn entries_are_taken_apart() {
        let e = parse("foo-1.0.tar.gz::https://User@Example.ORG:8443/dl/foo.tar.gz?x=1");
        assert_eq!(e.rename, Some("foo-1.0.tar.gz"));
        assert_eq!(e.host.as_deref(), Some("example.org"));
        assert!(e.remote() && e.vcs.is_none());
        let g = parse("git+https://github.com/a/b.git#branch=main");
        assert_eq!(g.vcs, Some("git"));
        assert_eq!(g.file_name(), "b.git");
        let local = parse("fix-build.patch");
        assert!(!local.remote() && local.host.is_none());
        assert_eq!(
            parse("git://[2001:db8:1:2]:9418/x").host.as_deref(),
            Some("2001:db8:1:2")
        );
    }

    #[test]
    fn the_july_2025_disguised_patch() {
        let s = srcinfo(&[
            ("pkgver", "1"),
            ("source", "https://ftp.mozilla.org/firefox-1.tar.bz2"),
            ("source", "patches::git+https://github.com/someone/patches"),
            ("sha256sums", "0123abcd"),
            ("sha256sums", "SKIP"),
        ]);
        let found = check(&s, "x86_64");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].code, "disguised-source");
        assert_eq!(found[0].severity, ReviewSeverity::High);
        assert_eq!(found[0].line, 3);
    }

    #[test]
    fn a_patch_named_script() {
        let s = srcinfo(&[
            ("source", "fix.patch::https://example.org/payload.sh"),
            ("sha256sums", "aa"),
        ]);
        assert_eq!(check(&s, "x86_64")[0].code, "disguised-source");
        let honest = srcinfo(&[
            (
                "source",
                "fix.patch::https://github.com/a/b/commit/123.patch",
            ),
            ("sha256sums", "aa"),
        ]);
        assert!(check(&honest, "x86_64").is_empty());
    }

    #[test]
    fn skip_on_remote_files_but_not_vcs_or_signatures() {
        let s = srcinfo(&[
            ("source", "https://example.org/a.tar.gz"),
            ("source", "https://example.org/a.tar.gz.sig"),
            ("source", "git+https://example.org/b.git"),
            ("source", "local.conf"),
            ("sha256sums", "SKIP"),
            ("sha256sums", "SKIP"),
            ("sha256sums", "SKIP"),
            ("sha256sums", "SKIP"),
            ("source_x86_64", "https://example.org/bin-x86_64"),
            ("sha256sums_x86_64", "SKIP"),
            ("b2sums_x86_64", "ffff"),
            ("source_aarch64", "https://example.org/bin-aarch64"),
            ("sha256sums_aarch64", "SKIP"),
        ]);
        let found = check(&s, "x86_64");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].code, "source-without-checksum");
        assert_eq!(found[0].line, 1);
    }

    #[test]
    fn signed_tarballs_may_skip() {
        let s = srcinfo(&[
            ("source", "https://example.org/a.tar.gz"),
            ("source", "https://example.org/a.tar.gz.asc"),
            ("validpgpkeys", "ABCDEF"),
            ("sha256sums", "SKIP"),
            ("sha256sums", "SKIP"),
        ]);
        assert!(check(&s, "x86_64").is_empty());
    }

    #[test]
    fn new_hosts_once_each() {
        let old = srcinfo(&[("source", "https://github.com/a/b/archive/v1.tar.gz")]);
        let new = srcinfo(&[
            ("source", "https://github.com/a/b/archive/v2.tar.gz"),
            ("source", "https://evil.example/x.tar.gz"),
            ("source", "https://evil.example/y.tar.gz"),
        ]);
        let found = new_hosts(&new, "x86_64", &hosts(&old, "x86_64"));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].line, 2);
        assert!(found[0].message.contains("evil.example"));
    }
}
