//! Tables: aligned columns that fit the terminal, or plain rows for a pipe.
//!
//! On a terminal (`width` given) a table fits the width: the widest columns before the last
//! give up width until the last column has room (at least 20 characters, or what it needs);
//! a cell wider than its column is never cut (a name or version stays whole and copyable):
//! the rest of its row continues on the next line, aligned. The last column is cut at a word
//! boundary with an ellipsis ([`Fit::Cut`], descriptions) or wrapped under itself
//! ([`Fit::Wrap`], lists of ids). In a pipe (`width` is `None`) a table is aligned as on a
//! wide terminal ([`Piped::Aligned`]) or printed as tab-separated fields ([`Piped::Tabs`]),
//! never padded to its widest cell.
//!
//! Every cell's text is escaped ([`super::escape`]): text from a database never reaches the
//! terminal with its control characters. Cells borrow what they show where they can: the
//! table is built and written once per command, and on the daemon path its allocations were
//! a fair part of `omg`'s start-up.

use std::borrow::Cow;

use super::escape::escape;
use super::{Output, Style};

/// Rows of cells; every row has as many cells as the header.
pub(super) struct Table<'a> {
    pub(super) header: Vec<&'static str>,
    pub(super) rows: Vec<Vec<Cell<'a>>>,
}

/// One cell: its text and, separately, how it is painted (colour codes do not count
/// toward the width).
pub(super) struct Cell<'a> {
    pub(super) text: Cow<'a, str>,
    pub(super) painted: Option<String>,
}

impl<'a> Cell<'a> {
    /// `text`, escaped.
    pub(super) fn plain(text: impl Into<Cow<'a, str>>) -> Self {
        Self {
            text: escaped(text.into()),
            painted: None,
        }
    }

    /// `text` (escaped) in `style` when `out` paints at all; plain otherwise (nothing to copy).
    pub(super) fn styled(out: &Output, style: Style, text: impl Into<Cow<'a, str>>) -> Self {
        let text = escaped(text.into());
        let painted = out.color.then(|| out.paint(style, &text));
        Self { text, painted }
    }
}

/// `text` with control characters escaped, without copying when there are none.
fn escaped(text: Cow<'_, str>) -> Cow<'_, str> {
    match text {
        Cow::Borrowed(s) => escape(s),
        Cow::Owned(s) => match escape(&s) {
            Cow::Borrowed(_) => Cow::Owned(s),
            Cow::Owned(e) => Cow::Owned(e),
        },
    }
}

/// What the last column does when it is too wide for the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fit {
    /// Cut at a word boundary, with an ellipsis.
    Cut,
    /// Wrapped at word boundaries, the continuation lines under the column.
    Wrap,
}

/// How a table is printed in a pipe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Piped {
    /// Aligned columns, as on a terminal of unlimited width.
    Aligned,
    /// The header and each row as fields separated by one tab (no padding).
    Tabs,
}

/// How a table is laid out.
#[derive(Debug, Clone, Copy)]
pub(super) struct Layout {
    pub(super) last: Fit,
    pub(super) piped: Piped,
    /// Columns before the last whose text wraps within the column on a terminal (prose,
    /// like the audit's fix), by index; other cells stay whole.
    pub(super) wrapped: &'static [usize],
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            last: Fit::Cut,
            piped: Piped::Aligned,
            wrapped: &[],
        }
    }
}

const GAP: usize = 2;
/// The last column keeps at least this much room (or what it needs, when less).
const MIN_LAST: usize = 20;
/// Columns before the last give up width down to their header's, but not below this.
const MIN_COLUMN: usize = 4;

fn width_of(text: &str) -> usize {
    text.chars().count()
}

impl Table<'_> {
    /// The table for a terminal `width` characters wide (a pipe when `None`), the default
    /// layout: the last column cut, aligned in a pipe.
    pub(super) fn render(
        &self,
        width: Option<usize>,
        header_style: impl Fn(&str) -> String,
    ) -> String {
        self.render_with(width, Layout::default(), header_style)
    }

    /// The table with `layout`.
    pub(super) fn render_with(
        &self,
        width: Option<usize>,
        layout: Layout,
        header_style: impl Fn(&str) -> String,
    ) -> String {
        if width.is_none() && layout.piped == Piped::Tabs {
            return self.tabs();
        }
        let cols = self.header.len();
        if cols == 0 {
            return String::new();
        }
        let last = cols - 1;
        let mut widths: Vec<usize> = self.header.iter().map(|h| width_of(h)).collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(width_of(&cell.text));
            }
        }
        let last_width = width.map(|total| fit(&self.header, &mut widths, total));
        let mut offsets = Vec::with_capacity(cols);
        let mut at = 0;
        for w in &widths {
            offsets.push(at);
            at += w + GAP;
        }
        let guess: usize = widths.iter().sum::<usize>() + cols * GAP + 1;
        let mut out = String::with_capacity(guess * (self.rows.len() + 1));
        let header: Vec<Cell> = self.header.iter().map(|h| Cell::plain(*h)).collect();
        let lines = Lines {
            offsets: &offsets,
            widths: &widths,
            total: width,
            last_width,
            fit: layout.last,
            wrapped: layout.wrapped,
        };
        lines.row(&mut out, &header, Some(&header_style));
        for row in &self.rows {
            lines.row(&mut out, row, None);
        }
        debug_assert!(last < cols);
        out
    }

    /// Tab-separated: the header, then one line per row.
    fn tabs(&self) -> String {
        let mut out = self.header.join("\t");
        out.push('\n');
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate() {
                if i > 0 {
                    out.push('\t');
                }
                out.push_str(&cell.text);
            }
            out.push('\n');
        }
        out
    }
}

/// Narrows `widths` (all but the last) until the last column has its room within `total`;
/// returns the last column's width.
fn fit(header: &[&str], widths: &mut [usize], total: usize) -> usize {
    let last = widths.len() - 1;
    let want_last = widths[last].min(MIN_LAST.max(total / 4));
    let fixed = |widths: &[usize]| widths[..last].iter().map(|w| w + GAP).sum::<usize>();
    while fixed(widths) + want_last > total {
        let widest = (0..last)
            .filter(|&i| widths[i] > width_of(header[i]).max(MIN_COLUMN))
            .max_by_key(|&i| widths[i]);
        match widest {
            Some(i) => widths[i] -= 1,
            None => break,
        }
    }
    total.saturating_sub(fixed(widths)).max(want_last.min(10))
}

/// Writes rows at fixed column offsets.
struct Lines<'o> {
    offsets: &'o [usize],
    widths: &'o [usize],
    /// The terminal's width, if any.
    total: Option<usize>,
    last_width: Option<usize>,
    fit: Fit,
    wrapped: &'static [usize],
}

impl Lines<'_> {
    fn row(&self, out: &mut String, row: &[Cell], style: Option<&dyn Fn(&str) -> String>) {
        let last = row.len().saturating_sub(1);
        // Each cell's lines: one, except a wrapped last cell.
        let cells: Vec<Vec<Cow<str>>> = row
            .iter()
            .enumerate()
            .map(|(i, cell)| match self.last_width {
                Some(w) if i == last => match self.fit {
                    Fit::Cut => vec![cut(&cell.text, w)],
                    Fit::Wrap => wrap(&cell.text, w),
                },
                Some(_) if self.wrapped.contains(&i) => wrap(&cell.text, self.widths[i]),
                _ => vec![Cow::Borrowed(cell.text.as_ref())],
            })
            .collect();
        let height = cells.iter().map(Vec::len).max().unwrap_or(1);
        for k in 0..height {
            let mut cursor = 0;
            for (i, lines) in cells.iter().enumerate() {
                let Some(text) = lines.get(k).filter(|t| !t.is_empty()) else {
                    continue;
                };
                let mut target = self.offsets[i];
                let len = width_of(text);
                let beyond = self.total.is_some_and(|t| target + len > t);
                // The previous cell ran over this one's start, or this one would run past
                // the terminal's edge: continue on the next line.
                if cursor > 0 && (cursor + GAP > target || beyond) {
                    out.push('\n');
                    cursor = 0;
                }
                // A cell too wide to start at its column (a long version) ends at the edge.
                if let (true, Some(total)) = (beyond, self.total) {
                    target = total.saturating_sub(len);
                }
                out.extend(std::iter::repeat_n(' ', target - cursor));
                let whole = matches!(text, Cow::Borrowed(t) if *t == row[i].text.as_ref());
                match (style, &row[i].painted) {
                    (Some(f), _) => out.push_str(&f(text)),
                    (None, Some(p)) if whole && height == 1 => out.push_str(p),
                    _ => out.push_str(text),
                }
                cursor = target + len;
            }
            out.push('\n');
        }
    }
}

/// `text` cut to `width` characters at a word boundary, an ellipsis last; borrowed when it
/// fits. A first word wider than `width` is cut inside itself.
fn cut(text: &str, width: usize) -> Cow<'_, str> {
    if width_of(text) <= width {
        return Cow::Borrowed(text);
    }
    let room = width.saturating_sub(1);
    let prefix: String = text.chars().take(room).collect();
    let at_word = prefix
        .char_indices()
        .rev()
        .filter(|&(_, c)| c == ' ')
        .map(|(i, _)| i)
        .find(|&i| i > 0);
    // The next character is a space: the prefix already ends on a word.
    let next_is_space = text.chars().nth(room) == Some(' ');
    let mut s = match at_word {
        Some(i) if !next_is_space => prefix[..i].to_string(),
        _ => prefix,
    };
    let trimmed = s.trim_end_matches([' ', ',', ';', ':', '-']).len();
    s.truncate(trimmed);
    s.push('…');
    Cow::Owned(s)
}

/// `text` wrapped at spaces into lines of at most `width` characters (a longer word is split).
fn wrap(text: &str, width: usize) -> Vec<Cow<'_, str>> {
    if width_of(text) <= width || width == 0 {
        return vec![Cow::Borrowed(text)];
    }
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let mut word: String = word.to_string();
        loop {
            let line_len = width_of(&line);
            let sep = usize::from(line_len > 0);
            if line_len + sep + width_of(&word) <= width {
                if sep == 1 {
                    line.push(' ');
                }
                line.push_str(&word);
                break;
            }
            if line_len > 0 {
                lines.push(Cow::Owned(std::mem::take(&mut line)));
                continue;
            }
            // A word longer than the line: split it.
            let head: String = word.chars().take(width).collect();
            word = word.chars().skip(width).collect();
            lines.push(Cow::Owned(head));
            if word.is_empty() {
                break;
            }
        }
    }
    if !line.is_empty() {
        lines.push(Cow::Owned(line));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table<'static> {
        Table {
            header: vec!["NAME", "DESCRIPTION"],
            rows: vec![
                vec![Cell::plain("a"), Cell::plain("short")],
                vec![
                    Cell::plain("longer-name"),
                    Cell::plain("a description that is long"),
                ],
            ],
        }
    }

    #[test]
    fn aligns_and_cuts_at_a_word() {
        let t = table();
        assert_eq!(
            t.render(None, |s| s.to_string()),
            "NAME         DESCRIPTION\na            short\nlonger-name  a description that is long\n"
        );
        // 33 columns: 13 for the name column and its gap, 20 for the description, cut after
        // a whole word, ellipsis included.
        assert_eq!(
            t.render(Some(33), |s| s.to_string()),
            "NAME         DESCRIPTION\na            short\nlonger-name  a description that…\n"
        );
        // 25 columns: the description keeps 19; the name column gives up width, and the
        // longer name stays whole, its row going on under the next column.
        assert_eq!(
            t.render(Some(25), |s| s.to_string()),
            "NAME  DESCRIPTION\na     short\nlonger-name\n      a description that…\n"
        );
        assert_eq!(cut("a description that is long", 16), "a description…");
        assert_eq!(cut("a description that is long", 15), "a description…");
        assert_eq!(cut("AVL tree manipulation library", 20), "AVL tree…");
        assert_eq!(cut("supercalifragilistic", 8), "superca…");
    }

    #[test]
    fn tabs_in_a_pipe() {
        let layout = Layout {
            last: Fit::Cut,
            piped: Piped::Tabs,
            wrapped: &[],
        };
        assert_eq!(
            table().render_with(None, layout, |s| s.to_string()),
            "NAME\tDESCRIPTION\na\tshort\nlonger-name\ta description that is long\n"
        );
    }

    #[test]
    fn narrow_terminal_moves_long_cells_and_wraps_the_last_column() {
        let long = "a-package-with-a-name-far-longer-than-the-others";
        let t = Table {
            header: vec!["NAME", "VERSION", "IDS"],
            rows: vec![
                vec![
                    Cell::plain("bash"),
                    Cell::plain("5.2-1"),
                    Cell::plain("CVE-2024-0001 CVE-2024-0002 CVE-2024-0003"),
                ],
                vec![
                    Cell::plain(long),
                    Cell::plain("1.0-1"),
                    Cell::plain("CVE-1"),
                ],
            ],
        };
        let layout = Layout {
            last: Fit::Wrap,
            piped: Piped::Aligned,
            wrapped: &[],
        };
        let text = t.render_with(Some(40), layout, |s| s.to_string());
        for line in text.lines() {
            if !line.contains(long) {
                assert!(line.chars().count() <= 40, "{line:?} in\n{text}");
            }
        }
        // The long name is whole, and its row goes on aligned under its columns.
        let lines: Vec<&str> = text.lines().collect();
        let version_at = lines[0].find("VERSION").expect("header");
        assert!(lines.contains(&long), "{text}");
        let after = lines
            .iter()
            .position(|l| *l == long)
            .map(|i| lines[i + 1])
            .expect("a continuation");
        assert_eq!(after.find("1.0-1"), Some(version_at), "{text}");
        // Every id is there, wrapped under its column.
        for id in ["CVE-2024-0001", "CVE-2024-0002", "CVE-2024-0003"] {
            assert!(text.contains(id), "{text}");
        }
    }

    #[test]
    fn prose_columns_wrap_within_themselves() {
        let t = Table {
            header: vec!["PACKAGE", "FIX", "IDS"],
            rows: vec![vec![
                Cell::plain("bash"),
                Cell::plain("fixed in 5.2.15-3, not yet in your repositories"),
                Cell::plain("CVE-2099-0001"),
            ]],
        };
        let layout = Layout {
            last: Fit::Wrap,
            piped: Piped::Aligned,
            wrapped: &[1],
        };
        let text = t.render_with(Some(50), layout, |s| s.to_string());
        assert_eq!(
            text,
            "PACKAGE  FIX                         IDS\n\
             bash     fixed in 5.2.15-3, not yet  CVE-2099-0001\n\
             \x20        in your repositories\n"
        );
    }

    #[test]
    fn control_characters_are_escaped() {
        let t = Table {
            header: vec!["NAME", "DESCRIPTION"],
            rows: vec![vec![
                Cell::plain("evil"),
                Cell::plain(String::from("\x1b]0;owned\x07title")),
            ]],
        };
        let text = t.render(None, |s| s.to_string());
        assert!(!text.contains('\x1b') && !text.contains('\x07'), "{text:?}");
        assert!(text.contains("\\e]0;owned\\x07title"), "{text:?}");
    }
}
