//! One pass over a sync database archive: each entry's path is split and checked, each
//! `desc` parsed, and every problem libalpm would log is collected with libalpm's wording.

use std::io::{self, BufRead, BufReader};
use std::path::Path;

use flate2::bufread::MultiGzDecoder;

use super::desc::{self, Problem};
use super::format::Format;
use super::index::{IndexBuilder, SyncIndex};
use super::names;
use super::tar::{Tar, TarError};

/// Decompressed bytes buffered between the decompressor and the tar walk (larger buffers
/// make zlib copy less into its window; past 512 KiB the gain is nil).
const BUFFER: usize = 512 * 1024;

/// Reads `bytes`, the whole file `path` of repository `repo`: the index and the errors met
/// (none for a sound database). `None` when the file's compression is not one the reader
/// handles.
pub(super) fn read(bytes: &[u8], path: &Path, repo: &str) -> Option<(SyncIndex, Vec<String>)> {
    let format = Format::detect(bytes)?;
    let reader = Reader::new(repo, path, format, bytes.len());
    Some(match format {
        Format::Gzip => reader.walk(BufReader::with_capacity(BUFFER, MultiGzDecoder::new(bytes))),
        Format::Zstd => match zstd::stream::read::Decoder::with_buffer(bytes) {
            Ok(decoder) => reader.walk(BufReader::with_capacity(BUFFER, decoder)),
            Err(e) => reader.fail_to_open(&e.to_string()),
        },
        Format::Xz => reader.walk(BufReader::with_capacity(
            BUFFER,
            xz2::bufread::XzDecoder::new_multi_decoder(bytes),
        )),
        Format::Tar => reader.walk(bytes),
    })
}

/// The state of one pass.
struct Reader<'a> {
    repo: &'a str,
    path: &'a Path,
    format: Format,
    index: IndexBuilder,
    errors: Vec<String>,
    /// An entry failed to parse: libalpm then reports that, not a failed read.
    unparsable: bool,
    /// The first unknown `%KEY%` (package, key) and how many were met.
    unknown_keys: Option<(String, String)>,
    unknown_count: usize,
}

impl<'a> Reader<'a> {
    fn new(repo: &'a str, path: &'a Path, format: Format, compressed: usize) -> Self {
        Reader {
            repo,
            path,
            format,
            // Names, versions, descriptions and architectures take about as many bytes as
            // the compressed file.
            index: IndexBuilder::with_capacity(compressed),
            errors: Vec::new(),
            unparsable: false,
            unknown_keys: None,
            unknown_count: 0,
        }
    }

    fn walk(mut self, input: impl BufRead) -> (SyncIndex, Vec<String>) {
        let mut tar = Tar::new(input);
        let mut path = Vec::new();
        let mut problems = Vec::new();
        let mut opened = false;
        let failure = loop {
            let entry = match tar.next_entry() {
                Ok(Some(entry)) => entry,
                Ok(None) => break None,
                Err(e) => break Some((e, opened)),
            };
            opened = true;
            if entry.is_dir {
                continue;
            }
            path.clear();
            path.extend_from_slice(entry.path);
            let Some((name, version)) = names::split(&path) else {
                self.error(format!(
                    "invalid name for database entry '{}'",
                    String::from_utf8_lossy(&path)
                ));
                self.unparsable(&path);
                continue;
            };
            let Some(id) = self.package(&path, name, version) else {
                continue;
            };
            match names::file_name(&path) {
                None => tracing::warn!(
                    repository = self.repo,
                    entry = %String::from_utf8_lossy(&path),
                    "unknown database file"
                ),
                Some(b"desc" | b"depends") => match tar.data() {
                    Ok(data) => self.parse(id, &path, name, data, &mut problems),
                    Err(e) => break Some((e, opened)),
                },
                // `files` lists and anything else carry nothing the index needs.
                Some(_) => {}
            }
        };
        if let Some((e, opened)) = failure {
            self.failed(&e, opened);
        }
        if self.index.overflowed() {
            self.errors
                .push("the database holds more than 4 GiB of text".to_string());
        }
        if let Some((package, key)) = &self.unknown_keys {
            tracing::warn!(
                repository = self.repo,
                package = %package,
                key = %key,
                count = self.unknown_count,
                "unknown keys in sync database"
            );
        }
        let (repo, mut errors) = (self.repo, self.errors);
        let index = self
            .index
            .finish(|name| errors.push(version_mismatch(repo, name)));
        (index, errors)
    }

    /// The package `name` at `version` that entry `path` belongs to, added if new; `None`
    /// when libalpm would refuse the entry (the errors are recorded).
    fn package(&mut self, path: &[u8], name: &[u8], version: &[u8]) -> Option<usize> {
        if let Some(id) = self.index.last_named(name) {
            return Some(id);
        }
        let problems = names::meta_problems(name, version);
        if !problems.is_empty() {
            let (name, version) = (
                String::from_utf8_lossy(name),
                String::from_utf8_lossy(version),
            );
            for problem in problems {
                self.error(format!(
                    "invalid metadata for package {name}-{version} ({problem})"
                ));
            }
            self.unparsable(path);
            return None;
        }
        match (std::str::from_utf8(name), std::str::from_utf8(version)) {
            (Ok(name), Ok(version)) => Some(self.index.push(name, version)),
            _ => {
                self.not_utf8(path);
                None
            }
        }
    }

    /// Parses `data`, the `desc` (or `depends`) file at `path` of package `id` called `name`.
    fn parse(
        &mut self,
        id: usize,
        path: &[u8],
        name: &[u8],
        data: &[u8],
        problems: &mut Vec<Problem>,
    ) {
        problems.clear();
        let desc = desc::parse(data, name, self.index.version(id).as_bytes(), problems);
        let shown = || String::from_utf8_lossy(name);
        for problem in problems.iter() {
            let repo = self.repo;
            match problem {
                Problem::NameMismatch => self.error(format!(
                    "{repo} database is inconsistent: name mismatch on package {}",
                    shown()
                )),
                Problem::IllegalFilename => self.error(format!(
                    "{repo} database is inconsistent: filename of package {} is illegal",
                    shown()
                )),
                Problem::FilenameTooLong => self.error(format!(
                    "{repo} database is inconsistent: filename of package {} is too long",
                    shown()
                )),
                Problem::Unparsable => self.unparsable(path),
            }
        }
        if desc.version_mismatch {
            self.error(version_mismatch(self.repo, &shown()));
        }
        if desc.version_claimed {
            self.index.claim_version(id);
        }
        if let Some(key) = desc.unknown_key {
            self.unknown_count += 1;
            self.unknown_keys.get_or_insert_with(|| {
                (
                    shown().into_owned(),
                    String::from_utf8_lossy(key).into_owned(),
                )
            });
        }
        if let Some(text) = self.text(path, desc.desc) {
            self.index.set_description(id, text);
        }
        if let Some(text) = self.text(path, desc.arch) {
            self.index.set_architecture(id, text);
        }
        if let Some(text) = self.text(path, desc.provides) {
            self.index.set_provides(id, text);
        }
    }

    /// `value` as text; a value that is not UTF-8 is an error.
    fn text<'t>(&mut self, path: &[u8], value: Option<&'t [u8]>) -> Option<&'t str> {
        let text = std::str::from_utf8(value?).ok();
        if text.is_none() {
            self.not_utf8(path);
        }
        text
    }

    fn error(&mut self, message: String) {
        self.errors.push(message);
    }

    fn unparsable(&mut self, path: &[u8]) {
        self.unparsable = true;
        self.error(format!(
            "could not parse package description file '{}' from db '{}'",
            String::from_utf8_lossy(path),
            self.repo
        ));
    }

    fn not_utf8(&mut self, path: &[u8]) {
        self.error(format!(
            "entry '{}' holds text that is not valid UTF-8",
            String::from_utf8_lossy(path)
        ));
    }

    /// The walk stopped on `e`; `opened` once a first header was read. Before that libalpm
    /// fails to open the file; after, it reports a failed read unless an entry failed first.
    fn failed(&mut self, e: &TarError, opened: bool) {
        let detail = match e {
            TarError::NotTar => "Unrecognized archive format".to_string(),
            TarError::Damaged => "Damaged tar archive".to_string(),
            TarError::Truncated => "Truncated tar archive".to_string(),
            TarError::Input(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                self.format.truncated().to_string()
            }
            TarError::Input(e) => format!("damaged {} data: {e}", self.format.name()),
        };
        if !opened {
            self.error(format!(
                "could not open file {}: {detail}",
                self.path.display()
            ));
        } else if !self.unparsable {
            self.error(format!("could not read db '{}' ({detail})", self.repo));
        }
    }

    fn fail_to_open(mut self, detail: &str) -> (SyncIndex, Vec<String>) {
        self.error(format!(
            "could not open file {}: {detail}",
            self.path.display()
        ));
        (SyncIndex::default(), self.errors)
    }
}

fn version_mismatch(repo: &str, name: &str) -> String {
    format!("{repo} database is inconsistent: version mismatch on package {name}")
}
