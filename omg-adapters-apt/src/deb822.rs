//! A streaming reader of deb822 paragraphs (`Packages`, `Translation-*`, dpkg's `status`).
//!
//! Only what the index needs is kept: the first line of a few chosen fields. Continuation
//! lines (a description's long text, a folded `Depends`) are skipped without being copied,
//! so a 100 MB `Packages` file is read in one pass with a handful of reused buffers.

use std::io::{self, BufRead};

/// Reads paragraphs from `reader`, keeping the first line of the fields `classify` chooses.
///
/// `classify` maps a field name to the index of its slot (`0..slots`), or `None` for a
/// field to skip. Field names are compared however `classify` likes; deb822 field names
/// are case-insensitive, so it should use [`str::eq_ignore_ascii_case`] or similar.
pub(crate) struct Paragraphs<R, F> {
    reader: R,
    classify: F,
    line: Vec<u8>,
    values: Vec<String>,
    present: Vec<bool>,
    done: bool,
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

impl<R: BufRead, F: FnMut(&str) -> Option<usize>> Paragraphs<R, F> {
    /// A reader over `reader` with `slots` field slots chosen by `classify`.
    pub(crate) fn new(reader: R, slots: usize, classify: F) -> Self {
        Self {
            reader,
            classify,
            line: Vec::with_capacity(256),
            values: vec![String::new(); slots],
            present: vec![false; slots],
            done: false,
        }
    }

    /// The next paragraph, or `None` at the end of the input.
    ///
    /// Errors are the reader's (a failed read or decompression).
    pub(crate) fn next_paragraph(&mut self) -> io::Result<Option<Paragraph<'_>>> {
        if self.done {
            return Ok(None);
        }
        self.present.iter_mut().for_each(|p| *p = false);
        let mut fields = 0usize;
        loop {
            self.line.clear();
            let read = self.reader.read_until(b'\n', &mut self.line)?;
            if read == 0 {
                self.done = true;
                break;
            }
            let line = trim_line_end(&self.line);
            if line.is_empty() || line.iter().all(|b| *b == b' ' || *b == b'\t') {
                if fields > 0 {
                    break;
                }
                continue;
            }
            if matches!(line.first(), Some(b' ' | b'\t' | b'#')) {
                // A continuation line, or a comment: nothing the index keeps.
                continue;
            }
            fields += 1;
            let Some(colon) = line.iter().position(|b| *b == b':') else {
                continue;
            };
            let name = String::from_utf8_lossy(&line[..colon]);
            let Some(slot) = (self.classify)(name.trim()) else {
                continue;
            };
            let (Some(value), Some(present)) =
                (self.values.get_mut(slot), self.present.get_mut(slot))
            else {
                continue;
            };
            value.clear();
            value.push_str(String::from_utf8_lossy(&line[colon + 1..]).trim());
            *present = true;
        }
        if fields == 0 {
            return Ok(None);
        }
        Ok(Some(Paragraph {
            values: &self.values,
            present: &self.present,
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

    fn classify(name: &str) -> Option<usize> {
        ["Package", "Version", "Description"]
            .iter()
            .position(|f| f.eq_ignore_ascii_case(name))
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
    fn fields_do_not_leak_between_paragraphs() {
        let got = collect("Package: a\nVersion: 1\n\nPackage: b\n");
        assert_eq!(got[1], [Some("b".into()), None, None]);
    }
}
