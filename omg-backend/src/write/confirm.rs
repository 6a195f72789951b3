//! Asking the user on the terminal.

use std::io::{BufRead, Write};

use omg_ports::{Error, Result};

/// Asks `question [Y/n]` on stderr and reads the answer from stdin; empty means yes.
pub fn ask(question: &str) -> Result<bool> {
    Ok(is_yes(&read_line(&format!("{question} [Y/n] "))?))
}

/// Asks `question [y/N]` on stderr, as pacman asks what it advises against; only `y` or
/// `yes` is yes.
pub fn ask_no(question: &str) -> Result<bool> {
    let a = read_line(&format!(":: {question} [y/N] "))?
        .trim()
        .to_ascii_lowercase();
    Ok(a == "y" || a == "yes")
}

/// Prints `prompt` on stderr and reads one line of stdin (empty at the end of input).
pub(crate) fn read_line(prompt: &str) -> Result<String> {
    let mut stderr = std::io::stderr().lock();
    let _ = write!(stderr, "{prompt}");
    let _ = stderr.flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|source| Error::Io {
            path: "stdin".into(),
            source,
        })?;
    Ok(line)
}

/// `""`, `y`, `yes` (any case) are yes; anything else, and end of input, is no.
fn is_yes(answer: &str) -> bool {
    let a = answer.trim().to_ascii_lowercase();
    (answer.ends_with('\n') && a.is_empty()) || a == "y" || a == "yes"
}

#[cfg(test)]
mod tests {
    use super::is_yes;

    #[test]
    fn answers() {
        assert!(is_yes("\n"));
        assert!(is_yes("y\n"));
        assert!(is_yes("YES\n"));
        assert!(!is_yes("n\n"));
        assert!(!is_yes("nope\n"));
        // End of input (Ctrl-D) without an answer is not a yes.
        assert!(!is_yes(""));
    }
}
