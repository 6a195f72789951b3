//! What a command prints and its exit code.

/// What to print and the exit code: a command's whole result, whichever process answered it.
#[derive(Debug)]
pub struct Answer {
    /// For stdout.
    pub stdout: String,
    /// For stderr (warnings, errors).
    pub stderr: String,
    /// The exit code.
    pub code: u8,
}

impl From<String> for Answer {
    /// A successful answer that prints `stdout`.
    fn from(stdout: String) -> Self {
        Answer {
            stdout,
            stderr: String::new(),
            code: crate::exit::OK,
        }
    }
}
