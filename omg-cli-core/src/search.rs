//! `omg search`: the query the command line asks for, and what it prints and exits with,
//! the same in direct mode and through omgd.

use omg_ports::{AurPackage, SearchQuery, SearchResults};

use crate::exit;
use crate::render::{self, Output};
use crate::Answer;

/// The query of `omg search <words>... [--limit N] [--installed]`. `--limit 0` means no
/// limit (as without `--limit`; pacman and apt-cache have none), not an empty answer.
pub fn query(words: &[String], limit: Option<usize>, installed: bool) -> SearchQuery {
    SearchQuery {
        text: words.join(" "),
        limit: limit.filter(|&n| n > 0),
        installed_only: installed,
    }
}

/// What a search prints and its exit code. Nothing found is exit code 1 ([`exit::FAILURE`]),
/// like `pacman -Ss`: then stdout has nothing (an empty list in JSON,
/// `{"hits":[],"total":0}`) and stderr says so, so that `omg search x | wc -l` counts
/// packages and scripts can test the code.
pub fn answer(out: &Output, results: &SearchResults) -> Answer {
    answer_with_aur(out, results, &[])
}

/// [`answer`] of results holding AUR hits, whose records are `aur`.
pub fn answer_with_aur(out: &Output, results: &SearchResults, aur: &[AurPackage]) -> Answer {
    if results.total > 0 {
        return Answer {
            stdout: render::search_with_aur(out, results, aur),
            stderr: String::new(),
            code: exit::OK,
        };
    }
    Answer {
        stdout: if out.json {
            render::search_with_aur(out, results, aur)
        } else {
            String::new()
        },
        stderr: if out.json || out.quiet {
            String::new()
        } else {
            "no packages found\n".to_string()
        },
        code: exit::FAILURE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_zero_is_no_limit() {
        let words = ["vim".to_string(), "editor".to_string()];
        assert_eq!(query(&words, Some(0), false).limit, None);
        assert_eq!(query(&words, Some(3), true).limit, Some(3));
        assert_eq!(query(&words, None, false).text, "vim editor");
    }
}
