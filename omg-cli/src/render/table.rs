//! Aligned columns; the last column is cut to the terminal's width.

/// Rows of cells; every row has as many cells as the header.
pub(super) struct Table {
    pub(super) header: Vec<&'static str>,
    pub(super) rows: Vec<Vec<Cell>>,
}

/// One cell: its text and, separately, how it is painted (colour codes do not count
/// toward the width).
pub(super) struct Cell {
    pub(super) text: String,
    pub(super) painted: Option<String>,
}

impl Cell {
    pub(super) fn plain(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            painted: None,
        }
    }

    pub(super) fn painted(text: impl Into<String>, painted: String) -> Self {
        Self {
            text: text.into(),
            painted: Some(painted),
        }
    }
}

const GAP: usize = 2;

impl Table {
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
        let mut out = String::new();
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
            let shown = if i == last {
                last_width.map_or_else(|| cell.text.clone(), |w| truncate(&cell.text, w))
            } else {
                cell.text.clone()
            };
            let shown_len = shown.chars().count();
            let painted = match (style, &cell.painted) {
                (Some(f), _) => f(&shown),
                (None, Some(p)) if shown_len == cell.text.chars().count() => p.clone(),
                _ => shown,
            };
            out.push_str(&painted);
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

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut s: String = text.chars().take(width.saturating_sub(1)).collect();
    s.push('…');
    s
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
