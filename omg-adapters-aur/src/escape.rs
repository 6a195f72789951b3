//! Text from outside, made safe to print inside an error message.

use std::fmt::Write;

/// The longest piece of outside text quoted in an error, in characters.
const MAX_QUOTED: usize = 200;

/// `text` with control characters written as `\u{..}` escapes (`\n`, `\t` and `\r` as
/// such) and cut at 200 characters (with `…`).
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_QUOTED * 2));
    for (i, c) in text.chars().enumerate() {
        if i == MAX_QUOTED {
            out.push('…');
            break;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || is_bidi_control(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// Characters that reorder the text around them on a terminal.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape("a\x1b[31mb\nc"), "a\\u{1b}[31mb\\nc");
        assert_eq!(escape("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(escape("plain text."), "plain text.");
    }

    #[test]
    fn long_text_is_cut() {
        let long = "é".repeat(500);
        let out = escape(&long);
        assert_eq!(out.chars().count(), MAX_QUOTED + 1);
        assert!(out.ends_with('…'));
    }
}
