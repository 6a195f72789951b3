//! One pass over a sync database archive: each entry's path is split and checked, each
//! `desc` parsed, and every problem libalpm would log is collected with libalpm's wording,
//! within [`Limits`] (a limit passed stops the pass).

use std::io::{self, BufRead, BufReader};
use std::path::Path;

use flate2::bufread::MultiGzDecoder;

use super::desc::{self, Problem};
use super::format::Format;
use super::index::{IndexBuilder, SyncIndex};
use super::limits::{self, shown, Exceeded, Limits};
use super::names;
use super::tar::{Tar, TarError};

/// Decompressed bytes buffered between the decompressor and the tar walk (larger buffers
/// make zlib copy less into its window; past 512 KiB the gain is nil).
const BUFFER: usize = 512 * 1024;

/// The most error messages kept: past them the database is corrupt many times over, and the
/// pass stops.
const MAX_ERRORS: usize = 64;

/// What one pass found: the index and the errors met (none for a sound database).
pub(super) type Outcome = (SyncIndex, Vec<String>);

/// Reads `input`, the whole file `path` of repository `repo`, stored in `format` and `len`
/// bytes long, within `limits`.
pub(super) fn read(
    format: Format,
    input: impl BufRead,
    path: &Path,
    repo: &str,
    len: u64,
    limits: Limits,
) -> Result<Outcome, Exceeded> {
    // The tar walk stops at the bound the file's size allows; past the ratio's, the error
    // says so.
    let walk_limits = Limits {
        unpacked: limits.unpacked_for(len),
        ..limits
    };
    let by_ratio = |e: Exceeded| match e {
        Exceeded::Unpacked { limit } if limit < limits.unpacked => Exceeded::Ratio {
            size: len,
            ratio: limits.ratio,
        },
        other => other,
    };
    let reader = Reader::new(repo, path, format, len, walk_limits);
    let outcome = match format {
        Format::Gzip => reader.walk(BufReader::with_capacity(BUFFER, MultiGzDecoder::new(input))),
        Format::Zstd => match zstd::stream::read::Decoder::with_buffer(input) {
            Ok(mut decoder) => match decoder.window_log_max(limits.zstd_window_log) {
                Ok(()) => reader.walk(BufReader::with_capacity(BUFFER, decoder)),
                Err(e) => Ok(reader.fail_to_open(&e.to_string())),
            },
            Err(e) => Ok(reader.fail_to_open(&e.to_string())),
        },
        Format::Xz => {
            match xz2::stream::Stream::new_stream_decoder(
                limits.xz_memory,
                xz2::stream::CONCATENATED,
            ) {
                Ok(stream) => reader.walk(BufReader::with_capacity(
                    BUFFER,
                    xz2::bufread::XzDecoder::new_stream(input, stream),
                )),
                Err(e) => Ok(reader.fail_to_open(&e.to_string())),
            }
        }
        Format::Tar => reader.walk(input),
    };
    outcome.map_err(by_ratio)
}

/// The state of one pass.
struct Reader<'a> {
    repo: &'a str,
    path: &'a Path,
    format: Format,
    limits: Limits,
    index: IndexBuilder,
    errors: Vec<String>,
    /// An entry failed to parse: libalpm then reports that, not a failed read.
    unparsable: bool,
    /// The first unknown `%KEY%` (package, key) and how many were met.
    unknown_keys: Option<(String, String)>,
    unknown_count: usize,
    /// The first entry that is not in a package's directory, and how many there were.
    unknown_files: Option<String>,
    unknown_file_count: usize,
}

impl<'a> Reader<'a> {
    fn new(repo: &'a str, path: &'a Path, format: Format, compressed: u64, limits: Limits) -> Self {
        // Names, versions, descriptions and architectures take about as many bytes as the
        // compressed file.
        let capacity = usize::try_from(compressed).map_or(limits.text, |c| c.min(limits.text));
        Reader {
            repo,
            path,
            format,
            limits,
            index: IndexBuilder::with_capacity(capacity, limits.text),
            errors: Vec::new(),
            unparsable: false,
            unknown_keys: None,
            unknown_count: 0,
            unknown_files: None,
            unknown_file_count: 0,
        }
    }

    fn walk(mut self, input: impl BufRead) -> Result<Outcome, Exceeded> {
        let mut tar = Tar::new(input, self.limits);
        let mut path = Vec::new();
        let mut problems = Vec::new();
        let mut opened = false;
        let failure = loop {
            if self.errors.len() >= MAX_ERRORS {
                self.errors.push(format!(
                    "more than {MAX_ERRORS} errors: the rest of the database was not read"
                ));
                break None;
            }
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
                    shown(&path)
                ));
                self.unparsable(&path);
                continue;
            };
            let Some(id) = self.package(&path, name, version)? else {
                continue;
            };
            match names::file_name(&path) {
                None => {
                    self.unknown_file_count += 1;
                    self.unknown_files.get_or_insert_with(|| shown(&path));
                }
                Some(b"desc" | b"depends") => match tar.data() {
                    Ok(data) => self.parse(id, &path, name, data, &mut problems)?,
                    Err(e) => break Some((e, opened)),
                },
                // `files` lists and anything else carry nothing the index needs.
                Some(_) => {}
            }
        };
        if let Some((e, opened)) = failure {
            self.failed(e, opened)?;
        }
        // One warning of each kind, however many entries (a hostile archive may hold
        // hundreds of thousands).
        if let Some(entry) = &self.unknown_files {
            tracing::warn!(
                repository = self.repo,
                entry = %entry,
                count = self.unknown_file_count,
                "unknown database files"
            );
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
        let index = self.index.finish(|name| {
            if errors.len() < MAX_ERRORS {
                errors.push(version_mismatch(repo, name));
            }
        });
        Ok((index, errors))
    }

    /// The package `name` at `version` that entry `path` belongs to, added if new; `None`
    /// when libalpm would refuse the entry (the errors are recorded). One package too many,
    /// or too much text, is an error.
    fn package(
        &mut self,
        path: &[u8],
        name: &[u8],
        version: &[u8],
    ) -> Result<Option<usize>, Exceeded> {
        if let Some(id) = self.index.last_named(name) {
            return Ok(Some(id));
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
            return Ok(None);
        }
        match (std::str::from_utf8(name), std::str::from_utf8(version)) {
            (Ok(name), Ok(version)) => {
                if self.index.len() >= self.limits.packages {
                    return Err(Exceeded::Packages {
                        limit: self.limits.packages,
                    });
                }
                let id = self.index.push(name, version);
                self.check_text()?;
                Ok(Some(id))
            }
            _ => {
                self.not_utf8(path);
                Ok(None)
            }
        }
    }

    /// The index text past [`Limits::text`] is an error.
    fn check_text(&self) -> Result<(), Exceeded> {
        if self.index.overflowed() {
            return Err(Exceeded::Text {
                limit: self.limits.text,
            });
        }
        Ok(())
    }

    /// Parses `data`, the `desc` (or `depends`) file at `path` of package `id` called `name`.
    fn parse(
        &mut self,
        id: usize,
        path: &[u8],
        name: &[u8],
        data: &[u8],
        problems: &mut Vec<Problem>,
    ) -> Result<(), Exceeded> {
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
            self.unknown_keys
                .get_or_insert_with(|| (shown().into_owned(), limits::shown(key)));
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
        self.check_text()
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
            shown(path),
            self.repo
        ));
    }

    fn not_utf8(&mut self, path: &[u8]) {
        self.error(format!(
            "entry '{}' holds text that is not valid UTF-8",
            shown(path)
        ));
    }

    /// The walk stopped on `e`; `opened` once a first header was read. Before that libalpm
    /// fails to open the file; after, it reports a failed read unless an entry failed first.
    /// A limit passed (by the archive or its decoder) is returned instead.
    fn failed(&mut self, e: TarError, opened: bool) -> Result<(), Exceeded> {
        if let Some(exceeded) = self.decoder_memory(&e) {
            return Err(exceeded);
        }
        let detail = match e {
            TarError::NotTar => "Unrecognized archive format".to_string(),
            TarError::Damaged => "Damaged tar archive".to_string(),
            TarError::Truncated => "Truncated tar archive".to_string(),
            TarError::Input(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                self.format.truncated().to_string()
            }
            TarError::Input(e) => format!("damaged {} data: {e}", self.format.name()),
            TarError::Limit(exceeded) => return Err(exceeded),
        };
        if !opened {
            self.error(format!(
                "could not open file {}: {detail}",
                self.path.display()
            ));
        } else if !self.unparsable {
            self.error(format!("could not read db '{}' ({detail})", self.repo));
        }
        Ok(())
    }

    /// The limit `e` reports when it is a decoder refusing a stream that needs more memory
    /// than [`Limits::zstd_window_log`] or [`Limits::xz_memory`] allow.
    fn decoder_memory(&self, e: &TarError) -> Option<Exceeded> {
        let TarError::Input(e) = e else {
            return None;
        };
        let limit = match self.format {
            Format::Xz => {
                let inner = e.get_ref()?.downcast_ref::<xz2::stream::Error>()?;
                matches!(inner, xz2::stream::Error::MemLimit).then_some(self.limits.xz_memory)?
            }
            // zstd's only word for it: ZSTD_error_frameParameter_windowTooLarge.
            Format::Zstd => e
                .to_string()
                .contains("Frame requires too much memory")
                .then_some(1u64 << self.limits.zstd_window_log)?,
            Format::Gzip | Format::Tar => return None,
        };
        Some(Exceeded::DecoderMemory {
            format: self.format.name(),
            limit,
        })
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
