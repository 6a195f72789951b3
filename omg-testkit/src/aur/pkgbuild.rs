//! [`AurPkg`]: one package base of the test AUR, written out as a PKGBUILD and the
//! .SRCINFO makepkg would print for it, and as its RPC records.

use sha2::{Digest, Sha256};

use super::record::AurRecord;

/// One package of a split base: what its `package_<name>()` overrides.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SplitPkg {
    /// `pkgname`.
    pub name: String,
    /// `pkgdesc` set in its package function (the base's otherwise).
    pub pkgdesc: Option<String>,
    /// `depends` set in its package function (the base's otherwise).
    pub depends: Option<Vec<String>>,
    /// `provides` set in its package function (the base's otherwise).
    pub provides: Option<Vec<String>>,
}

/// A package base with what its PKGBUILD, .SRCINFO and AUR records say. Every package
/// installs its local text files under `/usr/share/<pkgname>/`: builds are quick and offline.
#[derive(Debug, Clone, PartialEq)]
pub struct AurPkg {
    /// `pkgbase` (and `pkgname` when [`AurPkg::split`] is empty).
    pub base: String,
    /// `pkgver`.
    pub pkgver: String,
    /// `pkgrel`.
    pub pkgrel: String,
    /// `epoch`.
    pub epoch: Option<String>,
    /// `pkgdesc`.
    pub pkgdesc: String,
    /// `url`.
    pub url: Option<String>,
    /// `license`.
    pub license: Vec<String>,
    /// `depends`.
    pub depends: Vec<String>,
    /// `makedepends`.
    pub makedepends: Vec<String>,
    /// `optdepends` (`"name: why"`).
    pub optdepends: Vec<String>,
    /// `provides`.
    pub provides: Vec<String>,
    /// `conflicts`.
    pub conflicts: Vec<String>,
    /// The packages of a split base (empty: one package named like the base).
    pub split: Vec<SplitPkg>,
    /// Local source files (name, text), committed beside the PKGBUILD, with real sha256sums.
    pub files: Vec<(String, String)>,
    /// Further sources, checksum `SKIP` (`name::git+http://...`), in both files.
    pub remote_sources: Vec<String>,
    /// Sources in the PKGBUILD only, left out of the .SRCINFO (checksum `SKIP`).
    pub hidden_sources: Vec<String>,
    /// The body of `pkgver()`, if any.
    pub pkgver_fn: Option<String>,
    /// Lines of `build()` before its checks of the local files.
    pub build_lines: Vec<String>,
    /// Shell lines of each package function, before the files are installed.
    pub package_lines: Vec<String>,
    /// `Maintainer` of its records (`None`: orphaned).
    pub maintainer: Option<String>,
    /// `Submitter`.
    pub submitter: Option<String>,
    /// `Keywords`.
    pub keywords: Vec<String>,
    /// `NumVotes`.
    pub num_votes: u64,
    /// `Popularity`.
    pub popularity: f64,
    /// `FirstSubmitted`.
    pub first_submitted: i64,
    /// `LastModified`.
    pub last_modified: i64,
}

impl AurPkg {
    /// A single package `base` at `pkgver-1`, `arch=('any')`, license MIT, maintained
    /// and submitted by `omgtest`, installing one file `<base>.txt`.
    pub fn new(base: &str, pkgver: &str) -> AurPkg {
        AurPkg {
            base: base.to_owned(),
            pkgver: pkgver.to_owned(),
            pkgrel: "1".to_owned(),
            epoch: None,
            pkgdesc: format!("{base}: a package of omg's test AUR"),
            url: Some(format!("https://example.invalid/{base}")),
            license: vec!["MIT".to_owned()],
            depends: Vec::new(),
            makedepends: Vec::new(),
            optdepends: Vec::new(),
            provides: Vec::new(),
            conflicts: Vec::new(),
            split: Vec::new(),
            files: vec![(format!("{base}.txt"), format!("{base} {pkgver}\n"))],
            remote_sources: Vec::new(),
            hidden_sources: Vec::new(),
            pkgver_fn: None,
            build_lines: Vec::new(),
            package_lines: Vec::new(),
            maintainer: Some("omgtest".to_owned()),
            submitter: Some("omgtest".to_owned()),
            keywords: Vec::new(),
            num_votes: 1,
            popularity: 0.5,
            first_submitted: 1_700_000_000,
            last_modified: 1_700_000_000,
        }
    }

    /// `[epoch:]pkgver-pkgrel`.
    pub fn version(&self) -> String {
        match &self.epoch {
            Some(e) => format!("{e}:{}-{}", self.pkgver, self.pkgrel),
            None => format!("{}-{}", self.pkgver, self.pkgrel),
        }
    }

    /// The package names it builds.
    pub fn names(&self) -> Vec<String> {
        if self.split.is_empty() {
            vec![self.base.clone()]
        } else {
            self.split.iter().map(|s| s.name.clone()).collect()
        }
    }

    fn sources(&self) -> Vec<(String, String)> {
        let local = self
            .files
            .iter()
            .map(|(name, text)| (name.clone(), hex(&Sha256::digest(text.as_bytes()))));
        let remote = self
            .remote_sources
            .iter()
            .map(|s| (s.clone(), "SKIP".to_owned()));
        local.chain(remote).collect()
    }

    /// The PKGBUILD.
    pub fn pkgbuild(&self) -> String {
        let mut t = String::new();
        t.push_str("# Maintainer: ");
        t.push_str(self.maintainer.as_deref().unwrap_or("orphan"));
        t.push_str(" <omg@example.invalid>\n");
        if self.split.is_empty() {
            t.push_str(&format!("pkgname={}\n", q(&self.base)));
        } else {
            t.push_str(&format!("pkgbase={}\n", q(&self.base)));
            t.push_str(&format!("pkgname={}\n", arr(&self.names())));
        }
        t.push_str(&format!(
            "pkgver={}\npkgrel={}\n",
            q(&self.pkgver),
            q(&self.pkgrel)
        ));
        if let Some(e) = &self.epoch {
            t.push_str(&format!("epoch={}\n", q(e)));
        }
        t.push_str(&format!("pkgdesc={}\narch=('any')\n", q(&self.pkgdesc)));
        if let Some(u) = &self.url {
            t.push_str(&format!("url={}\n", q(u)));
        }
        for (key, list) in [
            ("license", &self.license),
            ("depends", &self.depends),
            ("makedepends", &self.makedepends),
            ("optdepends", &self.optdepends),
            ("provides", &self.provides),
            ("conflicts", &self.conflicts),
        ] {
            if !list.is_empty() {
                t.push_str(&format!("{key}={}\n", arr(list)));
            }
        }
        let mut sources = self.sources();
        sources.extend(
            self.hidden_sources
                .iter()
                .map(|s| (s.clone(), "SKIP".into())),
        );
        if !sources.is_empty() {
            let (names, sums): (Vec<String>, Vec<String>) = sources.into_iter().unzip();
            t.push_str(&format!(
                "source={}\nsha256sums={}\n",
                arr(&names),
                arr(&sums)
            ));
        }
        if let Some(body) = &self.pkgver_fn {
            t.push_str(&format!("\npkgver() {{\n  {body}\n}}\n"));
        }
        t.push_str("\nbuild() {\n  cd \"$srcdir\"\n");
        for line in &self.build_lines {
            t.push_str(&format!("  {line}\n"));
        }
        for (file, _) in &self.files {
            t.push_str(&format!("  test -s {}\n", q(file)));
        }
        t.push_str("}\n");
        if self.split.is_empty() {
            t.push_str("\npackage() {\n");
            t.push_str(&self.package_body(&self.base));
            t.push_str("}\n");
        } else {
            for s in &self.split {
                t.push_str(&format!("\npackage_{}() {{\n", s.name));
                if let Some(d) = &s.pkgdesc {
                    t.push_str(&format!("  pkgdesc={}\n", q(d)));
                }
                if let Some(d) = &s.depends {
                    t.push_str(&format!("  depends={}\n", arr(d)));
                }
                if let Some(p) = &s.provides {
                    t.push_str(&format!("  provides={}\n", arr(p)));
                }
                t.push_str(&self.package_body(&s.name));
                t.push_str("}\n");
            }
        }
        t
    }

    fn package_body(&self, name: &str) -> String {
        let mut t = String::new();
        for line in &self.package_lines {
            t.push_str(&format!("  {line}\n"));
        }
        for (file, _) in &self.files {
            t.push_str(&format!(
                "  install -Dm644 \"$srcdir\"/{} \"$pkgdir\"/usr/share/{name}/{}\n",
                q(file),
                q(file)
            ));
        }
        if self.files.is_empty() {
            t.push_str(&format!("  install -d \"$pkgdir\"/usr/share/{name}\n"));
        }
        t
    }

    /// The .SRCINFO, as `makepkg --printsrcinfo` prints it for [`AurPkg::pkgbuild`] (less
    /// the [`AurPkg::hidden_sources`]).
    pub fn srcinfo(&self) -> String {
        let mut t = format!("pkgbase = {}\n", self.base);
        let mut kv = |k: &str, v: &str| t.push_str(&format!("\t{k} = {v}\n"));
        kv("pkgdesc", &self.pkgdesc);
        kv("pkgver", &self.pkgver);
        kv("pkgrel", &self.pkgrel);
        if let Some(e) = &self.epoch {
            kv("epoch", e);
        }
        if let Some(u) = &self.url {
            kv("url", u);
        }
        kv("arch", "any");
        let sources = self.sources();
        for (key, list) in [
            ("license", &self.license),
            ("makedepends", &self.makedepends),
            ("depends", &self.depends),
            ("optdepends", &self.optdepends),
            ("provides", &self.provides),
            ("conflicts", &self.conflicts),
        ] {
            for v in list {
                kv(key, v);
            }
        }
        for (s, _) in &sources {
            kv("source", s);
        }
        for (_, sum) in &sources {
            kv("sha256sums", sum);
        }
        t.push('\n');
        if self.split.is_empty() {
            t.push_str(&format!("pkgname = {}\n", self.base));
        } else {
            for s in &self.split {
                t.push_str(&format!("pkgname = {}\n", s.name));
                if let Some(d) = &s.pkgdesc {
                    t.push_str(&format!("\tpkgdesc = {d}\n"));
                }
                if let Some(d) = &s.depends {
                    if d.is_empty() {
                        t.push_str("\tdepends = \n");
                    }
                    for v in d {
                        t.push_str(&format!("\tdepends = {v}\n"));
                    }
                }
                if let Some(p) = &s.provides {
                    if p.is_empty() {
                        t.push_str("\tprovides = \n");
                    }
                    for v in p {
                        t.push_str(&format!("\tprovides = {v}\n"));
                    }
                }
                t.push('\n');
            }
            t.pop();
        }
        t
    }

    /// Its AUR records, one per package name (IDs left to the server).
    pub fn records(&self) -> Vec<AurRecord> {
        let one = |name: &str, desc: &str, depends: &[String], provides: &[String]| {
            let mut r = AurRecord::new(name, &self.version());
            r.package_base = self.base.clone();
            r.description = Some(desc.to_owned());
            r.url = self.url.clone();
            r.maintainer = self.maintainer.clone();
            r.submitter = self.submitter.clone();
            r.num_votes = self.num_votes;
            r.popularity = self.popularity;
            r.first_submitted = self.first_submitted;
            r.last_modified = self.last_modified;
            r.license = self.license.clone();
            r.keywords = self.keywords.clone();
            r.depends = depends.to_vec();
            r.make_depends = self.makedepends.clone();
            r.opt_depends = self.optdepends.clone();
            r.provides = provides.to_vec();
            r.conflicts = self.conflicts.clone();
            r
        };
        if self.split.is_empty() {
            return vec![one(
                &self.base,
                &self.pkgdesc,
                &self.depends,
                &self.provides,
            )];
        }
        self.split
            .iter()
            .map(|s| {
                one(
                    &s.name,
                    s.pkgdesc.as_deref().unwrap_or(&self.pkgdesc),
                    s.depends.as_deref().unwrap_or(&self.depends),
                    s.provides.as_deref().unwrap_or(&self.provides),
                )
            })
            .collect()
    }
}

/// `s` in single quotes for bash.
fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// A bash array of `items`.
fn arr(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| q(s)).collect();
    format!("({})", quoted.join(" "))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
