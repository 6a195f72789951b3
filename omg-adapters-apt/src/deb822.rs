//! A streaming reader of deb822 paragraphs (`Packages`, `Translation-*`, dpkg's `status`).
//!
//! Only what the index needs is kept: the first line of a few chosen fields. Continuation
//! lines (a description's long text, a folded `Depends`) are skipped without being copied,
//! so a 100 MB `Packages` file is read in one pass with a handful of reused buffers.

use std::io::{self, BufRead};

/// Reads paragraphs from `reader`, keeping the first line of the fields `classify` chooses.
///
/// `classify` maps a field name (its bytes, without surrounding blanks) to the index of its
/// slot (`0..slots`), or `None` for a field to skip. deb822 field names are ASCII and
/// case-insensitive, so it should compare with `<[u8]>::eq_ignore_ascii_case`.
///
/// Lines are scanned in the reader's own buffer: only the values kept are copied, and a
/// line is copied whole only when it straddles two reads.
pub(crate) struct Paragraphs<R, F> {
    reader: R,
    fields: Fields<F>,
    /// The start of a line the reader's buffer ended in.
    partial: Vec<u8>,
    done: bool,
}

/// The chosen fields of the paragraph being read.
struct Fields<F> {
    classify: F,
    values: Vec<String>,
    present: Vec<bool>,
    /// Field lines seen in this paragraph.
    count: usize,
}

/// One paragraph: the chosen fields' first lines, by slot.
#[derive(Debug)]
pub(crate) struct Paragraph<'a> {
    values: &'a [String],
    present: &'a [bool],
}

impl Paragraph<'_> {
    /// The value of slot `slot`, when the paragraph has that field.
    pub(crate) fn get(&self, slot: usize) -> Option<&str> {
        match self.present.get(slot) {
            Some(true) => self.values.get(slot).map(String::as_str),
            _ => None,
        }
    }
}

/// What a line did to the paragraph being read.
#[derive(PartialEq, Eq)]
enum Line {
    /// It belongs to the paragraph (or is a blank line before one).
    Continue,
    /// A blank line after the paragraph's fields: it is complete.
    End,
}

impl<F: FnMut(&[u8]) -> Option<usize>> Fields<F> {
    fn line(&mut self, line: &[u8]) -> Line {
        let line = trim_line_end(line);
        if line.iter().all(|b| *b == b' ' || *b == b'\t') {
            return if self.count > 0 {
                Line::End
            } else {
                Line::Continue
            };
        }
        if matches!(line.first(), Some(b' ' | b'\t' | b'#')) {
            // A continuation line, or a comment: nothing the index keeps.
            return Line::Continue;
        }
        self.count += 1;
        let Some(colon) = memchr::memchr(b':', line) else {
            return Line::Continue;
        };
        let (name, rest) = line.split_at(colon);
        let Some(slot) = (self.classify)(name.trim_ascii()) else {
            return Line::Continue;
        };
        if let (Some(value), Some(present)) =
            (self.values.get_mut(slot), self.present.get_mut(slot))
        {
            let rest = rest.get(1..).unwrap_or_default();
            value.clear();
            match std::str::from_utf8(rest) {
                Ok(text) => value.push_str(text.trim()),
                Err(_) => value.push_str(String::from_utf8_lossy(rest).trim()),
            }
            *present = true;
        }
        Line::Continue
    }
}

impl<R: BufRead, F: FnMut(&[u8]) -> Option<usize>> Paragraphs<R, F> {
    /// A reader over `reader` with `slots` field slots chosen by `classify`.
    pub(crate) fn new(reader: R, slots: usize, classify: F) -> Self {
        Self {
            reader,
            fields: Fields {
                classify,
                values: vec![String::new(); slots],
                present: vec![false; slots],
                count: 0,
            },
            partial: Vec::new(),
            done: false,
        }
    }

    /// The next paragraph, or `None` at the end of the input.
    ///
    /// Errors are the reader's (a failed read or decompression).
    pub(crate) fn next_paragraph(&mut self) -> io::Result<Option<Paragraph<'_>>> {
        let fields = &mut self.fields;
        fields.present.iter_mut().for_each(|p| *p = false);
        fields.count = 0;
        while !self.done {
            let buffer = self.reader.fill_buf()?;
            if buffer.is_empty() {
                self.done = true;
                if !self.partial.is_empty() {
                    fields.line(&self.partial);
                    self.partial.clear();
                }
                break;
            }
            let mut used = 0;
            let mut ended = false;
            for newline in memchr::memchr_iter(b'\n', buffer) {
                let line = &buffer[used..newline];
                used = newline + 1;
                let read = if self.partial.is_empty() {
                    fields.line(line)
                } else {
                    self.partial.extend_from_slice(line);
                    let read = fields.line(&self.partial);
                    self.partial.clear();
                    read
                };
                if read == Line::End {
                    ended = true;
                    break;
                }
            }
            if !ended {
                self.partial.extend_from_slice(&buffer[used..]);
                used = buffer.len();
            }
            self.reader.consume(used);
            if ended {
                break;
            }
        }
        if fields.count == 0 {
            return Ok(None);
        }
        Ok(Some(Paragraph {
            values: &fields.values,
            present: &fields.present,
        }))
    }
}

fn trim_line_end(line: &[u8]) -> &[u8] {
    let mut end = line.len();
    while end > 0 && matches!(line[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    &line[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(name: &[u8]) -> Option<usize> {
        ["Package", "Version", "Description"]
            .iter()
            .position(|f| f.as_bytes().eq_ignore_ascii_case(name))
    }

    fn collect(text: &str) -> Vec<[Option<String>; 3]> {
        let mut reader = Paragraphs::new(text.as_bytes(), 3, classify);
        let mut out = Vec::new();
        while let Ok(Some(p)) = reader.next_paragraph() {
            out.push([0, 1, 2].map(|i| p.get(i).map(str::to_owned)));
        }
        out
    }

    #[test]
    fn reads_first_lines_of_chosen_fields() {
        let text = "Package: a\nVersion: 1.0\nDescription: short one\n long text\n .\n more\nDepends: x,\n y\n\n\n\
                    package: b\r\nDESCRIPTION:   spaced  \r\n\r\nPackage: c\nVersion: 2";
        let got = collect(text);
        assert_eq!(got.len(), 3);
        assert_eq!(
            got[0],
            [
                Some("a".into()),
                Some("1.0".into()),
                Some("short one".into())
            ]
        );
        assert_eq!(got[1], [Some("b".into()), None, Some("spaced".into())]);
        assert_eq!(got[2], [Some("c".into()), Some("2".into()), None]);
    }

    #[test]
    fn empty_and_blank_input_have_no_paragraphs() {
        assert!(collect("").is_empty());
        assert!(collect("\n\n  \n").is_empty());
    }

    #[test]
    fn lines_straddling_reads_are_read_whole() {
        let text = "Package: a\nVersion: 1.0\nDescription: short one\n long text\n\n\
                    Package: bb\r\nDescription: second\r\n\r\n\n\
                    Package: c\nVersion: 2\nDescription: last without newline";
        let whole = collect(text);
        for capacity in 1..12 {
            let reader = std::io::BufReader::with_capacity(capacity, text.as_bytes());
            let mut paragraphs = Paragraphs::new(reader, 3, classify);
            let mut got = Vec::new();
            while let Ok(Some(p)) = paragraphs.next_paragraph() {
                got.push([0, 1, 2].map(|i| p.get(i).map(str::to_owned)));
            }
            assert_eq!(got, whole, "buffer of {capacity} bytes");
        }
        assert_eq!(whole.len(), 3);
        assert_eq!(whole[2][2].as_deref(), Some("last without newline"));
    }

    #[test]
    fn fields_do_not_leak_between_paragraphs() {
        let got = collect("Package: a\nVersion: 1\n\nPackage: b\n");
        assert_eq!(got[1], [Some("b".into()), None, None]);
    }
}
