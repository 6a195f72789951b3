//! Answers rendered as the client prints them (protocol 4.5's `SearchText`), with the
//! client's own rendering functions (omg-cli-core), so that the bytes are the ones direct
//! mode prints. `omg search lib` then costs the client one copy of its text instead of
//! decoding and formatting ten thousand hits.

use omg_cli_core::render::Output;
use omg_cli_core::Answer;
use omg_transport_uds::{Response, TextOutput};

/// The text of a search answer (`Search` or `SearchAur`; a failure is rendered as the
/// client renders errors) for a client that prints as `output` says.
pub fn search(hits: &Response, output: TextOutput) -> Response {
    let out = Output {
        json: output.json,
        quiet: output.quiet,
        color: output.color,
        width: output.width.and_then(|w| usize::try_from(w).ok()),
    };
    let answer = match hits {
        Response::Search(results) => omg_cli_core::search::answer(&out, results),
        Response::SearchAur { results, aur } => {
            omg_cli_core::search::answer_with_aur(&out, results, aur)
        }
        other => match other.clone().into_result() {
            Err(e) => Answer::failed(&out, &e),
            Ok(unexpected) => {
                return Response::Internal(format!(
                    "a search answered {}, not hits",
                    unexpected.name()
                ))
            }
        },
    };
    Response::Text {
        stdout: answer.stdout,
        stderr: answer.stderr,
        code: answer.code,
    }
}
