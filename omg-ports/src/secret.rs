//! [`Secret`]: a credential (an API token) that is never printed.

use std::fmt;

/// A credential such as an API token. Its [`Debug`](fmt::Debug) and
/// [`Display`](fmt::Display) print `(hidden)`, so that neither a log line, an error message
/// nor a configuration dump can show it; only [`Secret::expose`] gives the text, for the one
/// place that sends it.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    /// `text` as a secret, surrounding whitespace dropped (a token pasted with its newline).
    pub fn new(text: impl Into<String>) -> Self {
        let text = text.into();
        Secret(text.trim().to_string())
    }

    /// The credential itself, for the request that carries it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True when there is no credential (an empty or blank text).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(hidden)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(hidden)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_printed() {
        let s = Secret::new(" ghp_abc123\n");
        assert_eq!(s.expose(), "ghp_abc123");
        assert_eq!(
            format!("{s:?} {s} {s:#?}"),
            "Secret(hidden) (hidden) Secret(hidden)"
        );
        assert!(Secret::new(" \n").is_empty());
    }
}
