//! The `desc` files of a sync database (`%KEY%`, then values, then a blank line), read line
//! by line the way libalpm's `sync_db_read` reads them, keeping only what the index needs.
//!
//! Lines end at `\n`, and like C strings at their first NUL. A line that is then empty is
//! skipped between keys. Single-value keys (`%DESC%`, `%ARCH%`, ...) take the next line
//! whatever it holds; list keys (`%DEPENDS%`, ...) and unknown keys take lines up to an empty
//! one. A value that is missing at the end of the file, a list without its closing empty line,
//! a line longer than libalpm's 512 KiB buffer, a `%DATA%` line without `=` and an illegal
//! `%FILENAME%` fail the entry, as they fail libalpm's parse.
//!
//! The file is parsed from memory, whole: the reader takes it from the archive only once its
//! tar header has shown it within `Limits::entry` (16 MiB), so a line of any length costs at
//! most that before it is found too long.

use std::sync::LazyLock;

use memchr::memchr;
use memchr::memmem::Finder;

/// The longest line libalpm reads (its buffer holds 512 KiB, the NUL included).
const MAX_LINE: usize = 512 * 1024;

/// libalpm's `PATH_MAX` bound on `%FILENAME%`.
const PATH_MAX: usize = 4096;

/// The end of a list: a line end followed by an empty line (built once; building is costly).
static BLANK_LINE: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"\n\n"));

/// What one `desc` file says about its package.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Desc<'a> {
    /// `%DESC%`: the line after the key (libalpm keeps the last one when repeated).
    pub desc: Option<&'a [u8]>,
    /// `%ARCH%`.
    pub arch: Option<&'a [u8]>,
    /// `%PROVIDES%`: its values, one per line, each to be cut at its first NUL (a repeated
    /// key: the last list).
    pub provides: Option<&'a [u8]>,
    /// The file has a `%VERSION%` key.
    pub version_claimed: bool,
    /// A `%VERSION%` differs from the entry's version.
    pub version_mismatch: bool,
    /// The first key libalpm does not know (it warns about each one).
    pub unknown_key: Option<&'a [u8]>,
}

/// A problem libalpm reports while reading a `desc` file, in the order it meets them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Problem {
    /// A `%NAME%` differs from the entry's name.
    NameMismatch,
    /// `%FILENAME%` starts with `.` or holds a `/`.
    IllegalFilename,
    /// `%FILENAME%` is longer than `PATH_MAX`.
    FilenameTooLong,
    /// The parse stopped: libalpm drops the entry ("could not parse").
    Unparsable,
}

/// Reads `content`, the `desc` file of the entry `name`-`version`, appending the problems
/// met to `problems` (an [`Problem::Unparsable`] ends the parse).
pub(super) fn parse<'a>(
    content: &'a [u8],
    name: &[u8],
    version: &[u8],
    problems: &mut Vec<Problem>,
) -> Desc<'a> {
    let mut desc = Desc::default();
    if let Err(Unparsable) = parse_into(&mut desc, content, name, version, problems) {
        problems.push(Problem::Unparsable);
    }
    desc
}

/// The parse stopped early.
struct Unparsable;

fn parse_into<'a>(
    out: &mut Desc<'a>,
    content: &'a [u8],
    name: &[u8],
    version: &[u8],
    problems: &mut Vec<Problem>,
) -> Result<(), Unparsable> {
    let mut lines = Lines::new(content);
    while let Some(key) = lines.next_line()? {
        if key.is_empty() {
            continue;
        }
        match key {
            b"%NAME%" => {
                if lines.value()? != name {
                    problems.push(Problem::NameMismatch);
                }
            }
            b"%VERSION%" => {
                out.version_claimed = true;
                out.version_mismatch |= lines.value()? != version;
            }
            b"%DESC%" => out.desc = Some(lines.value()?),
            b"%PROVIDES%" => out.provides = Some(lines.list_block(content)?),
            b"%ARCH%" => out.arch = Some(lines.value()?),
            b"%FILENAME%" => {
                let filename = lines.value()?;
                if filename.first() == Some(&b'.') || memchr(b'/', filename).is_some() {
                    problems.push(Problem::IllegalFilename);
                    return Err(Unparsable);
                }
                if filename.len() > PATH_MAX {
                    problems.push(Problem::FilenameTooLong);
                    return Err(Unparsable);
                }
            }
            b"%BASE%" | b"%URL%" | b"%BUILDDATE%" | b"%PACKAGER%" | b"%CSIZE%" | b"%ISIZE%"
            | b"%MD5SUM%" | b"%SHA256SUM%" | b"%PGPSIG%" => {
                lines.value()?;
            }
            b"%DATA%" => {
                while let Some(line) = lines.list_item()? {
                    if memchr(b'=', line).is_none() {
                        return Err(Unparsable);
                    }
                }
            }
            b"%GROUPS%" | b"%LICENSE%" | b"%REPLACES%" | b"%DEPENDS%" | b"%OPTDEPENDS%"
            | b"%MAKEDEPENDS%" | b"%CHECKDEPENDS%" | b"%CONFLICTS%" | b"%FILES%" => {
                lines.skip_list()?
            }
            _ => {
                out.unknown_key.get_or_insert(key);
                lines.skip_list()?;
            }
        }
    }
    Ok(())
}

/// The lines of a file as libalpm's `_alpm_archive_fgets` returns them: a file ending in
/// `\n` has a last, empty line; each line is cut at its first NUL.
struct Lines<'a> {
    /// What follows the lines returned so far; `None` once the last line was returned.
    rest: Option<&'a [u8]>,
    /// Whether any NUL is present (most files have none, so lines are not searched for one).
    nul: bool,
}

impl<'a> Lines<'a> {
    fn new(content: &'a [u8]) -> Self {
        Lines {
            rest: Some(content),
            nul: memchr(0, content).is_some(),
        }
    }

    /// The next line, `None` at the end of the file.
    fn next_line(&mut self) -> Result<Option<&'a [u8]>, Unparsable> {
        let Some(rest) = self.rest else {
            return Ok(None);
        };
        // A third of the lines are the empty ones between keys: no search for those.
        if let Some(after) = rest.strip_prefix(b"\n") {
            self.rest = Some(after);
            return Ok(Some(b""));
        }
        let line = match memchr(b'\n', rest) {
            Some(eol) => {
                self.rest = rest.get(eol + 1..);
                &rest[..eol]
            }
            None => {
                self.rest = None;
                rest
            }
        };
        if line.len() >= MAX_LINE {
            return Err(Unparsable);
        }
        if self.nul {
            return Ok(Some(memchr(0, line).map_or(line, |nul| &line[..nul])));
        }
        Ok(Some(line))
    }

    /// The line after a single-value key, whatever it holds; it must exist.
    fn value(&mut self) -> Result<&'a [u8], Unparsable> {
        self.next_line()?.ok_or(Unparsable)
    }

    /// The next value of a list, `None` at the empty line that closes it (which must exist).
    fn list_item(&mut self) -> Result<Option<&'a [u8]>, Unparsable> {
        let line = self.value()?;
        Ok((!line.is_empty()).then_some(line))
    }

    /// The values of a list as one slice of `content` (the file being read), from the first
    /// value to the end of the last (values cut at a NUL keep the rest of their line: the
    /// reader cuts each line again), having read up to and with its closing empty line.
    fn list_block(&mut self, content: &'a [u8]) -> Result<&'a [u8], Unparsable> {
        let offset = |rest: Option<&[u8]>| content.len() - rest.map_or(0, <[u8]>::len);
        let start = offset(self.rest);
        let mut end = start;
        loop {
            let at = offset(self.rest);
            match self.list_item()? {
                Some(item) => end = at + item.len(),
                None => break,
            }
        }
        Ok(content.get(start..end).unwrap_or_default())
    }

    /// Skips a list up to and with its closing empty line, in one search when no NUL can
    /// make a line look empty and no line can be too long.
    fn skip_list(&mut self) -> Result<(), Unparsable> {
        let Some(rest) = self.rest.filter(|_| !self.nul) else {
            while self.list_item()?.is_some() {}
            return Ok(());
        };
        let closing = if rest.is_empty() {
            // The file's last, empty line.
            Some(None)
        } else if let Some(after) = rest.strip_prefix(b"\n") {
            Some(Some(after))
        } else if let Some(blank) = BLANK_LINE.find(rest) {
            (blank < MAX_LINE).then(|| rest.get(blank + 2..))
        } else if rest.len() < MAX_LINE && rest.ends_with(b"\n") {
            Some(None)
        } else {
            None
        };
        match closing {
            Some(after) => {
                self.rest = after;
                Ok(())
            }
            None => {
                while self.list_item()?.is_some() {}
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(content: &str) -> (Desc<'_>, Vec<Problem>) {
        let mut problems = Vec::new();
        let desc = parse(content.as_bytes(), b"foo", b"1.0-1", &mut problems);
        (desc, problems)
    }

    const REPO_ADD: &str = "%FILENAME%\nfoo-1.0-1-x86_64.pkg.tar.zst\n\n%NAME%\nfoo\n\n\
        %BASE%\nfoo\n\n%VERSION%\n1.0-1\n\n%DESC%\nThe foo tool\n\n%GROUPS%\ng1\ng2\n\n\
        %CSIZE%\n10\n\n%ISIZE%\n20\n\n%MD5SUM%\nabc\n\n%SHA256SUM%\ndef\n\n%PGPSIG%\nsig\n\n\
        %URL%\nhttps://x\n\n%LICENSE%\nMIT\n\n%ARCH%\nx86_64\n\n%BUILDDATE%\n1\n\n\
        %PACKAGER%\nme\n\n%DEPENDS%\nbar\nbaz>=2\n\n%OPTDEPENDS%\nqux: why\n\n\
        %MAKEDEPENDS%\nmake\n\n%CHECKDEPENDS%\ncheck\n\n%DATA%\nk=v\n\n";

    #[test]
    fn a_repo_add_entry() {
        let (desc, problems) = run(REPO_ADD);
        assert_eq!(
            desc,
            Desc {
                desc: Some(b"The foo tool"),
                arch: Some(b"x86_64"),
                provides: None,
                version_claimed: true,
                version_mismatch: false,
                unknown_key: None,
            }
        );
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn only_the_first_line_of_a_description_is_its_value() {
        // The second line reads as an unknown key, which swallows lines up to a blank one.
        let (desc, problems) =
            run("%DESC%\nfirst\nsecond\n%ARCH%\nnot read as a key\n\n%NAME%\nfoo\n");
        assert_eq!(desc.desc, Some(&b"first"[..]));
        assert_eq!(desc.arch, None);
        assert_eq!(desc.unknown_key, Some(&b"second"[..]));
        assert!(problems.is_empty());
    }

    #[test]
    fn a_single_value_takes_the_next_line_even_when_empty() {
        let (desc, problems) = run("%DESC%\n\n%ARCH%\nany\n");
        assert_eq!(desc.desc, Some(&b""[..]));
        assert_eq!(desc.arch, Some(&b"any"[..]));
        assert!(problems.is_empty());
        let (desc, problems) = run("%DESC%\n");
        assert_eq!(desc.desc, Some(&b""[..]), "the empty last line");
        assert!(problems.is_empty());
    }

    #[test]
    fn later_values_win_and_blank_lines_between_keys_are_skipped() {
        let (desc, _) = run("\n\n%DESC%\nold\n\n\n%DESC%\nnew\n");
        assert_eq!(desc.desc, Some(&b"new"[..]));
    }

    #[test]
    fn a_missing_value_or_an_unclosed_list_fails() {
        for content in [
            "%DESC%",
            "%NAME%\nfoo\n\n%ARCH%",
            "%DEPENDS%\nbar",
            "%XYZ%\nv",
        ] {
            let (_, problems) = run(content);
            assert_eq!(problems, [Problem::Unparsable], "{content:?}");
        }
        assert!(run("%DEPENDS%\nbar\n").1.is_empty());
        assert!(run("").1.is_empty());
        assert!(run("%DESC%\nno newline at the end").1.is_empty());
    }

    #[test]
    fn name_and_version_must_match_the_entry() {
        let (desc, problems) = run("%NAME%\nbar\n\n%VERSION%\n2.0-1\n\n%NAME%\nfoo\n\n");
        assert_eq!(problems, [Problem::NameMismatch]);
        assert!(desc.version_claimed && desc.version_mismatch);
        let (desc, problems) = run("%NAME%\nfoo\n\n");
        assert!(problems.is_empty());
        assert!(!desc.version_claimed && !desc.version_mismatch);
    }

    #[test]
    fn illegal_filenames_and_data_fail() {
        assert_eq!(
            run("%FILENAME%\n../x.pkg\n\n").1,
            [Problem::IllegalFilename, Problem::Unparsable]
        );
        assert_eq!(
            run("%FILENAME%\na/b.pkg\n\n").1,
            [Problem::IllegalFilename, Problem::Unparsable]
        );
        let long = format!("%FILENAME%\n{}\n\n", "x".repeat(PATH_MAX + 1));
        assert_eq!(
            run(&long).1,
            [Problem::FilenameTooLong, Problem::Unparsable]
        );
        assert_eq!(run("%DATA%\nnoequals\n\n").1, [Problem::Unparsable]);
        let huge = format!("%URL%\n{}\n\n", "u".repeat(MAX_LINE));
        assert_eq!(run(&huge).1, [Problem::Unparsable]);
    }

    #[test]
    fn unknown_keys_are_skipped_with_their_values() {
        let (desc, problems) = run("%NEWKEY%\na\nb\n\n%ARCH%\nany\n\n%OTHER%\nc\n\n");
        assert_eq!(desc.unknown_key, Some(&b"%NEWKEY%"[..]));
        assert_eq!(desc.arch, Some(&b"any"[..]));
        assert!(problems.is_empty());
    }

    #[test]
    fn provides_are_kept_as_their_lines() {
        let (desc, problems) =
            run("%PROVIDES%\nsh\nlibfoo.so=1-64\n\n%ARCH%\nany\n\n%PROVIDES%\n\n");
        assert!(problems.is_empty());
        assert_eq!(desc.provides, Some(&b""[..]), "the last list wins");
        let (desc, _) = run("%PROVIDES%\nsh\nlibfoo.so=1-64\n\n%ARCH%\nany\n");
        assert_eq!(desc.provides, Some(&b"sh\nlibfoo.so=1-64"[..]));
        assert_eq!(desc.arch, Some(&b"any"[..]));
        let (desc, _) = run("%PROVIDES%\nsh\0x\nz\0\n\n");
        assert_eq!(desc.provides, Some(&b"sh\0x\nz"[..]));
        let (_, problems) = run("%PROVIDES%\nsh");
        assert_eq!(problems, [Problem::Unparsable]);
    }

    #[test]
    fn lines_end_at_a_nul() {
        let (desc, problems) = run("%DESC%\nbefore\0after\n\n\0ignored\n%ARCH%\nany\n");
        assert_eq!(desc.desc, Some(&b"before"[..]));
        assert_eq!(desc.arch, Some(&b"any"[..]));
        assert!(problems.is_empty());
    }
}
