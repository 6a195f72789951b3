//! Text from outside (package databases, feeds, URLs) made safe to print: control characters
//! never reach the terminal as themselves.
//!
//! A description with an ESC in it could otherwise move the cursor, recolour or retitle the
//! terminal, or hide what follows. Every renderer passes outside text through [`escape`]
//! (one line) or [`escape_lines`] (text whose line breaks are kept, like a long description).

use std::borrow::Cow;

/// `text` with every control character written as an escape: `\e` for ESC, `\t`, `\n`, `\r`,
/// `\xNN` for the other C0 controls and DEL, `\u{NNNN}` for C1 controls and the Unicode
/// bidirectional overrides and isolates (which reorder what follows them). Borrowed when
/// there is nothing to escape, which is nearly always.
pub fn escape(text: &str) -> Cow<'_, str> {
    escape_keeping(text, false)
}

/// Like [`escape`], but line feeds are kept as line breaks.
pub fn escape_lines(text: &str) -> Cow<'_, str> {
    escape_keeping(text, true)
}

fn escape_keeping(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    let unsafe_char = |c: char| needs_escape(c) && !(keep_newlines && c == '\n');
    if printable_ascii(text.as_bytes()) || !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !unsafe_char(c) {
            out.push(c);
            continue;
        }
        match c {
            '\x1b' => out.push_str("\\e"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
        }
    }
    Cow::Owned(out)
}

/// True when every byte is printable ASCII: nothing to escape. Tested eight bytes at a
/// time (a search through omgd prints thousands of names and descriptions; a test per
/// character cost more than the rest of the rendering).
fn printable_ascii(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The high bit of a byte is set where it is below `n` (n <= 0x80; the classic
    // "has less than" test: a byte of `x` at or above 0x80 is caught separately).
    let below = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x & HIGH;
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let mut le = [0u8; 8];
        le.copy_from_slice(word);
        let x = u64::from_le_bytes(le);
        let del = x ^ (ONES * 0x7f); // a zero byte where `x` has DEL
        if (x & HIGH) | below(x, 0x20) | below(del, 1) != 0 {
            return false;
        }
    }
    words
        .remainder()
        .iter()
        .all(|&b| b.wrapping_sub(0x20) < 0x5f)
}

/// Control characters (C0, DEL, C1) and the bidirectional formatting characters.
fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_and_the_rest_borrowed() {
        assert!(matches!(escape("plain text, ünïcode"), Cow::Borrowed(_)));
        assert_eq!(escape("red \x1b[31mtext\x1b[0m"), "red \\e[31mtext\\e[0m");
        assert_eq!(escape("a\tb\nc\rd\x07\x7f"), "a\\tb\\nc\\rd\\x07\\x7f");
        assert_eq!(escape("c1 \u{9b}2J"), "c1 \\u{009b}2J");
        assert_eq!(escape("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(escape_lines("one\ntwo\x1b"), "one\ntwo\\e");
    }

    #[test]
    fn the_ascii_test_sees_every_byte() {
        let long = "a".repeat(70);
        assert!(printable_ascii(long.as_bytes()));
        assert!(printable_ascii(b" ~"));
        for at in [0, 31, 32, 63, 64, 69] {
            for bad in [0x00u8, 0x1b, 0x1f, 0x7f, 0x80, 0xff] {
                let mut bytes = long.clone().into_bytes();
                bytes[at] = bad;
                assert!(!printable_ascii(&bytes), "byte {bad:#x} at {at}");
            }
        }
        let text = format!("{}\x1b[2J", "d".repeat(40));
        assert!(escape(&text).ends_with("\\e[2J"));
    }
}
