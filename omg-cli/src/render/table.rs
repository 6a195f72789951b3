//! Aligned columns; the last column is cut to the terminal's width.
//!
//! Cells borrow what they show where they can: the table is built and written once per
//! command, and on the daemon path its allocations were a fair part of `omg`'s start-up.

use std::borrow::Cow;

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
    pub(super) fn plain(text: impl Into<Cow<'a, str>>) -> Self {
        Self {
            text: text.into(),
            painted: None,
        }
    }

    /// `text` in `style` when `out` paints at all; plain otherwise (nothing to copy).
    pub(super) fn styled(out: &Output, style: Style, text: impl Into<Cow<'a, str>>) -> Self {
        let text = text.into();
        let painted = out.color.then(|| out.paint(style, &text));
        Self { text, painted }
    }
}

const GAP: usize = 2;

impl Table<'_> {
    pub(super) fn render(
        &self,
        width: Option<usize>,
        header_style: impl Fn(&str) -> String,
    ) -> String {
        let cols = self.header.len();
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.text.chars().count());
            }
        }
        let fixed: usize = widths[..cols.saturating_sub(1)]
            .iter()
            .map(|w| w + GAP)
            .sum();
        let last_width = width.map(|w| w.saturating_sub(fixed).max(10));
        let guess: usize = widths.iter().sum::<usize>() + cols * GAP + 1;
        let mut out = String::with_capacity(guess * (self.rows.len() + 1));
        let header: Vec<Cell> = self.header.iter().map(|h| Cell::plain(*h)).collect();
        self.line(&mut out, &header, &widths, last_width, Some(&header_style));
        for row in &self.rows {
            self.line(&mut out, row, &widths, last_width, None);
        }
        out
    }

    fn line(
        &self,
        out: &mut String,
        row: &[Cell],
        widths: &[usize],
        last_width: Option<usize>,
        style: Option<&dyn Fn(&str) -> String>,
    ) {
        let last = row.len().saturating_sub(1);
        for (i, cell) in row.iter().enumerate() {
            let text: &str = &cell.text;
            let shown = match last_width {
                Some(w) if i == last => truncate(text, w),
                _ => Cow::Borrowed(text),
            };
            let shown_len = shown.chars().count();
            match (style, &cell.painted) {
                (Some(f), _) => out.push_str(&f(&shown)),
                (None, Some(p)) if matches!(shown, Cow::Borrowed(_)) => out.push_str(p),
                _ => out.push_str(&shown),
            }
            if i != last {
                out.extend(std::iter::repeat_n(' ', widths[i] - shown_len + GAP));
            }
        }
        // No trailing spaces: trim what padding an empty last cell left.
        while out.ends_with(' ') {
            out.pop();
        }
        out.push('\n');
    }
}

/// `text` cut to `width` characters, the last of them an ellipsis; borrowed when it fits.
fn truncate(text: &str, width: usize) -> Cow<'_, str> {
    if text.chars().count() <= width {
        return Cow::Borrowed(text);
    }
    let mut s: String = text.chars().take(width.saturating_sub(1)).collect();
    s.push('…');
    Cow::Owned(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_and_truncates() {
        let t = Table {
            header: vec!["NAME", "DESCRIPTION"],
            rows: vec![
                vec![Cell::plain("a"), Cell::plain("short")],
                vec![
                    Cell::plain("longer-name"),
                    Cell::plain("a description that is long"),
                ],
            ],
        };
        assert_eq!(
            t.render(None, |s| s.to_string()),
            "NAME         DESCRIPTION\na            short\nlonger-name  a description that is long\n"
        );
        // 25 columns: 13 for the name column and its gap, 12 for the description, ellipsis
        // included.
        assert_eq!(
            t.render(Some(25), |s| s.to_string()),
            "NAME         DESCRIPTION\na            short\nlonger-name  a descripti…\n"
        );
    }
}
