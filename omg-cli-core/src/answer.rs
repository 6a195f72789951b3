//! What a command prints and its exit code.

use omg_ports::Error;

use crate::render::{self, Output};

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

impl Answer {
    /// The answer of a command that failed with `error`: its rendering (stderr, or the
    /// JSON error object on stdout with `--json`) and its exit code.
    pub fn failed(out: &Output, error: &Error) -> Self {
        let (stdout, stderr) = render::error(out, error);
        Answer {
            stdout,
            stderr,
            code: crate::exit::code(error),
        }
    }
}
