//! [`SyncIndex`]: what the package index needs of one repository, every string in one buffer.

/// A string inside [`SyncIndex::text`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Span {
    start: u32,
    len: u32,
}

/// One package's fields.
#[derive(Debug, Clone, Copy)]
struct Fields {
    name: Span,
    version: Span,
    description: Span,
    architecture: Span,
    provides: Span,
}

/// The packages of one sync database, sorted by name (byte order, as libalpm sorts its
/// package list), one entry per name.
#[derive(Debug, Default)]
pub(crate) struct SyncIndex {
    text: String,
    entries: Vec<Fields>,
}

/// One package of a [`SyncIndex`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IndexEntry<'a> {
    /// `%NAME%`, from the entry's directory.
    pub name: &'a str,
    /// `[epoch:]pkgver-pkgrel`, from the entry's directory.
    pub version: &'a str,
    /// The first line of `%DESC%`, empty when absent.
    pub description: &'a str,
    /// `%ARCH%`, empty when absent.
    pub architecture: &'a str,
    /// `%PROVIDES%`: one relation per line (`sh`, `libfoo.so=1-64`), empty when absent. A
    /// line may hold a NUL, where libalpm's reading ends it.
    pub provides: &'a str,
}

impl<'a> IndexEntry<'a> {
    /// The names this package provides, without version constraints, each once.
    pub fn provided_names(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for line in self.provides.split('\n') {
            let line = line.split('\0').next().unwrap_or_default();
            let name = omg_ports::PackageSummary::provided_name(line);
            if !name.is_empty() && !out.iter().any(|n| n == name) {
                out.push(name.to_string());
            }
        }
        out
    }
}

impl SyncIndex {
    /// An index of `entries` (sorted and merged like one read from a file).
    #[cfg(test)]
    pub fn collect<'a>(entries: impl IntoIterator<Item = IndexEntry<'a>>) -> SyncIndex {
        Self::collect_with(entries.into_iter().map(|e| (e, None::<&str>)))
    }

    /// An index of `entries`, each with the relations it provides (replacing the entry's own
    /// `provides` lines): for packages read through libalpm.
    pub fn collect_with<'a, P: IntoIterator<Item = &'a str>>(
        entries: impl IntoIterator<Item = (IndexEntry<'a>, P)>,
    ) -> SyncIndex {
        let mut builder = IndexBuilder::default();
        let mut lines = String::new();
        for (e, provides) in entries {
            let id = builder.push(e.name, e.version);
            builder.set_description(id, e.description);
            builder.set_architecture(id, e.architecture);
            lines.clear();
            lines.push_str(e.provides);
            for relation in provides {
                if !lines.is_empty() {
                    lines.push('\n');
                }
                lines.push_str(relation);
            }
            if !lines.is_empty() {
                builder.set_provides(id, &lines);
            }
        }
        builder.finish(|_| {})
    }

    /// How many packages.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The packages, by name.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = IndexEntry<'_>> + '_ {
        self.entries.iter().map(|f| IndexEntry {
            name: self.str(f.name),
            version: self.str(f.version),
            description: self.str(f.description),
            architecture: self.str(f.architecture),
            provides: self.str(f.provides),
        })
    }

    /// Whether a package is called exactly `name`.
    pub fn contains(&self, name: &str) -> bool {
        self.entries
            .binary_search_by(|f| self.str(f.name).cmp(name))
            .is_ok()
    }

    fn str(&self, span: Span) -> &str {
        slice(&self.text, span)
    }
}

fn slice(text: &str, span: Span) -> &str {
    let start = span.start as usize;
    text.get(start..start + span.len as usize)
        .unwrap_or_default()
}

fn bytes(text: &str, span: Span) -> &[u8] {
    let start = span.start as usize;
    text.as_bytes()
        .get(start..start + span.len as usize)
        .unwrap_or_default()
}

/// A package as read, before sorting and merging.
#[derive(Debug, Clone, Copy)]
struct Raw {
    /// The first eight bytes of the name, big-endian, zero-padded: a sort key.
    prefix: u64,
    name: Span,
    version: Span,
    description: Option<Span>,
    architecture: Option<Span>,
    provides: Option<Span>,
    version_claimed: bool,
}

/// Builds a [`SyncIndex`] from packages in archive order, with libalpm's rules for a name met
/// more than once: the first version stays, later descriptions and architectures replace
/// earlier ones.
#[derive(Debug)]
pub(super) struct IndexBuilder {
    text: String,
    raws: Vec<Raw>,
    /// The most bytes of text (at most 4 GiB, what spans address).
    limit: usize,
    /// The text would have outgrown `limit`; spans past it are empty.
    overflow: bool,
}

impl Default for IndexBuilder {
    fn default() -> Self {
        IndexBuilder::with_capacity(0, usize::MAX)
    }
}

impl IndexBuilder {
    /// A builder expecting about `capacity` bytes of strings, and holding at most `limit`.
    pub fn with_capacity(capacity: usize, limit: usize) -> Self {
        IndexBuilder {
            text: String::with_capacity(capacity.min(limit)),
            raws: Vec::new(),
            limit: limit.min(u32::MAX as usize),
            overflow: false,
        }
    }

    /// How many packages were added (a name met again counts again).
    pub fn len(&self) -> usize {
        self.raws.len()
    }

    /// The last package added, when it is called `name` (entries of one package follow each
    /// other in an archive).
    pub fn last_named(&self, name: &[u8]) -> Option<usize> {
        let last = self.raws.len().checked_sub(1)?;
        (slice(&self.text, self.raws[last].name).as_bytes() == name).then_some(last)
    }

    /// Adds a package; returns its id.
    pub fn push(&mut self, name: &str, version: &str) -> usize {
        let mut prefix = [0u8; 8];
        for (to, from) in prefix.iter_mut().zip(name.as_bytes()) {
            *to = *from;
        }
        let name = self.add(name);
        let version = self.add(version);
        self.raws.push(Raw {
            prefix: u64::from_be_bytes(prefix),
            name,
            version,
            description: None,
            architecture: None,
            provides: None,
            version_claimed: false,
        });
        self.raws.len() - 1
    }

    /// The version of package `id`.
    pub fn version(&self, id: usize) -> &str {
        self.raws
            .get(id)
            .map_or("", |r| slice(&self.text, r.version))
    }

    /// Sets the description of package `id`.
    pub fn set_description(&mut self, id: usize, text: &str) {
        let span = self.add(text);
        if let Some(raw) = self.raws.get_mut(id) {
            raw.description = Some(span);
        }
    }

    /// Sets the architecture of package `id`.
    pub fn set_architecture(&mut self, id: usize, text: &str) {
        let span = self.add(text);
        if let Some(raw) = self.raws.get_mut(id) {
            raw.architecture = Some(span);
        }
    }

    /// Sets the provides lines of package `id`.
    pub fn set_provides(&mut self, id: usize, text: &str) {
        let span = self.add(text);
        if let Some(raw) = self.raws.get_mut(id) {
            raw.provides = Some(span);
        }
    }

    /// Records that a file of package `id` has a `%VERSION%`.
    pub fn claim_version(&mut self, id: usize) {
        if let Some(raw) = self.raws.get_mut(id) {
            raw.version_claimed = true;
        }
    }

    /// True when the strings outgrew the limit the builder was made with (or 4 GiB, what an
    /// index holds).
    pub fn overflowed(&self) -> bool {
        self.overflow
    }

    /// Sorts by name and merges packages met more than once. libalpm compares each
    /// `%VERSION%` with the first version of the name: `mismatch` is called with the name for
    /// a later directory of another version whose file has one. (A file that disagrees with its
    /// own directory was reported while parsing.)
    pub fn finish(self, mut mismatch: impl FnMut(&str)) -> SyncIndex {
        let IndexBuilder {
            mut text, mut raws, ..
        } = self;
        // Kept as long as the session: give back what the estimate over-reserved.
        text.shrink_to_fit();
        let name = |r: &Raw| slice(&text, r.name);
        // The first eight bytes decide most comparisons; names hold no NUL, so padding
        // with zeros keeps the order.
        let order = |a: &Raw, b: &Raw| {
            a.prefix
                .cmp(&b.prefix)
                .then_with(|| bytes(&text, a.name).cmp(bytes(&text, b.name)))
        };
        if !raws.is_sorted_by(|a, b| order(a, b).is_lt()) {
            raws.sort_by(order);
            raws.dedup_by(|later, first| {
                if name(later) != name(first) {
                    return false;
                }
                if later.version_claimed
                    && slice(&text, later.version) != slice(&text, first.version)
                {
                    mismatch(name(first));
                }
                first.description = later.description.or(first.description);
                first.architecture = later.architecture.or(first.architecture);
                first.provides = later.provides.or(first.provides);
                true
            });
        }
        let entries = raws
            .iter()
            .map(|r| Fields {
                name: r.name,
                version: r.version,
                description: r.description.unwrap_or_default(),
                architecture: r.architecture.unwrap_or_default(),
                provides: r.provides.unwrap_or_default(),
            })
            .collect();
        SyncIndex { text, entries }
    }

    fn add(&mut self, s: &str) -> Span {
        if self.text.len() + s.len() > self.limit {
            self.overflow = true;
            return Span::default();
        }
        let (Ok(start), Ok(len)) = (u32::try_from(self.text.len()), u32::try_from(s.len())) else {
            self.overflow = true;
            return Span::default();
        };
        self.text.push_str(s);
        Span { start, len }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry<'a>(name: &'a str, version: &'a str, description: &'a str) -> IndexEntry<'a> {
        IndexEntry {
            name,
            version,
            description,
            architecture: "x86_64",
            provides: "",
        }
    }

    #[test]
    fn sorted_by_name_in_byte_order() {
        let index = SyncIndex::collect([
            entry("b", "1-1", "B"),
            entry("a-z", "1-1", "AZ"),
            entry("A", "2-1", "upper"),
            entry("a", "1:1-1", "lower"),
        ]);
        let names: Vec<_> = index.iter().map(|e| e.name).collect();
        assert_eq!(names, ["A", "a", "a-z", "b"]);
        assert_eq!(index.iter().nth(1), Some(entry("a", "1:1-1", "lower")));
        assert!(index.contains("a-z") && !index.contains("c") && !index.contains(""));
        assert_eq!(index.len(), 4);
    }

    #[test]
    fn a_name_met_twice_keeps_its_first_version_and_its_last_description() {
        let mut b = IndexBuilder::default();
        let first = b.push("dup", "1-1");
        b.set_description(first, "first");
        b.set_architecture(first, "any");
        let other = b.push("other", "1-1");
        b.claim_version(other);
        let second = b.push("dup", "2-1");
        b.set_description(second, "second");
        b.set_provides(second, "dup-virtual=2");
        b.claim_version(second);
        let mut mismatches = Vec::new();
        let index = b.finish(|name| mismatches.push(name.to_string()));
        let got: Vec<_> = index.iter().collect();
        assert_eq!(
            got,
            [
                IndexEntry {
                    name: "dup",
                    version: "1-1",
                    description: "second",
                    architecture: "any",
                    provides: "dup-virtual=2",
                },
                IndexEntry {
                    name: "other",
                    version: "1-1",
                    description: "",
                    architecture: "",
                    provides: "",
                },
            ]
        );
        assert_eq!(mismatches, ["dup"]);
    }

    #[test]
    fn provided_names_drop_versions_and_repeats() {
        let index = SyncIndex::collect_with([(
            entry("jre", "1-1", "A runtime"),
            [
                "java-runtime=21",
                "sh",
                "java-runtime>=17",
                "",
                "libjvm.so=1-64",
            ],
        )]);
        let got = index.iter().next().map(|e| e.provided_names());
        assert_eq!(
            got,
            Some(vec![
                "java-runtime".to_string(),
                "sh".to_string(),
                "libjvm.so".to_string()
            ])
        );
        let cut = IndexEntry {
            provides: "a=1\nb\0junk\n\0",
            ..entry("x", "1-1", "")
        };
        assert_eq!(cut.provided_names(), ["a", "b"]);
    }

    #[test]
    fn the_last_package_is_found_by_name() {
        let mut b = IndexBuilder::default();
        assert_eq!(b.last_named(b"a"), None);
        let a = b.push("a", "1-1");
        assert_eq!(b.last_named(b"a"), Some(a));
        assert_eq!(b.last_named(b"b"), None);
        assert_eq!(b.version(a), "1-1");
        assert!(!b.overflowed());
        assert_eq!(b.len(), 1);
    }

    #[test]
    fn text_past_the_limit_overflows() {
        let mut b = IndexBuilder::with_capacity(1 << 20, 10);
        let a = b.push("abc", "1-1");
        b.set_description(a, "four");
        assert!(!b.overflowed(), "exactly at the limit");
        b.set_architecture(a, "x");
        assert!(b.overflowed());
        let index = b.finish(|_| {});
        assert_eq!(index.iter().next().map(|e| e.architecture), Some(""));
    }
}
