//! Simple commands and pipelines out of a token stream, and which word of a command names
//! the program it runs.

use super::lexer::{Op, Tok, Word};

/// One simple command: its words (redirection targets apart) and its redirections.
#[derive(Debug, Default)]
pub(crate) struct Command<'t> {
    /// The words, in order, leading assignments and keywords included.
    pub words: Vec<&'t Word>,
    /// `(operator, target)` for each redirection.
    pub redirects: Vec<(&'t str, Option<&'t Word>)>,
    /// The line it starts on.
    pub line: u32,
    /// The line its last token is on.
    pub end_line: u32,
}

impl Command<'_> {
    fn is_empty(&self) -> bool {
        self.words.is_empty() && self.redirects.is_empty()
    }
}

/// Commands joined by `|`.
pub(crate) type Pipeline<'t> = Vec<Command<'t>>;

/// The pipelines of `tokens`, in order (nested substitutions stay inside their words).
pub(crate) fn pipelines(tokens: &[Tok]) -> Vec<Pipeline<'_>> {
    let mut out: Vec<Pipeline<'_>> = Vec::new();
    let mut pipeline: Pipeline<'_> = Vec::new();
    let mut cmd = Command::default();
    let mut redirect_pending = false;
    for tok in tokens {
        match tok {
            Tok::Word(w) => {
                if cmd.is_empty() {
                    cmd.line = w.line;
                }
                cmd.end_line = cmd.end_line.max(w.line);
                if redirect_pending {
                    if let Some(last) = cmd.redirects.last_mut() {
                        last.1 = Some(w);
                    }
                    redirect_pending = false;
                } else {
                    cmd.words.push(w);
                }
            }
            Tok::Redir(op, l) => {
                if cmd.is_empty() {
                    cmd.line = *l;
                }
                cmd.end_line = cmd.end_line.max(*l);
                cmd.redirects.push((op.as_str(), None));
                redirect_pending = true;
            }
            Tok::Op(Op::Pipe, _) => {
                redirect_pending = false;
                end_cmd(&mut cmd, &mut pipeline);
            }
            Tok::Op(Op::LParen | Op::RParen, _) => {
                redirect_pending = false;
                end_cmd(&mut cmd, &mut pipeline);
            }
            Tok::Op(_, _) | Tok::Newline(_) => {
                redirect_pending = false;
                end_cmd(&mut cmd, &mut pipeline);
                if !pipeline.is_empty() {
                    out.push(std::mem::take(&mut pipeline));
                }
            }
        }
    }
    end_cmd(&mut cmd, &mut pipeline);
    if !pipeline.is_empty() {
        out.push(pipeline);
    }
    out
}

fn end_cmd<'t>(cmd: &mut Command<'t>, pipeline: &mut Pipeline<'t>) {
    let done = std::mem::take(cmd);
    if !done.is_empty() {
        pipeline.push(done);
    }
}

/// Whether `text` is `name=...` or `name+=...`.
pub(crate) fn assignment_name(text: &str) -> Option<&str> {
    let (name, _) = text.split_once('=')?;
    let name = name.strip_suffix('+').unwrap_or(name);
    let mut chars = name.chars();
    let ok = matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    ok.then_some(name)
}

/// Reserved words that a command can start with before the program's name.
const KEYWORDS: &[&str] = &[
    "if", "then", "else", "elif", "do", "while", "until", "!", "{", "}", "time", "fi", "done",
    "esac",
];

/// Reserved words after which no program is named on this command.
const NO_COMMAND: &[&str] = &["for", "case", "select", "function", "in"];

/// Programs that run the program named after them.
const PREFIXES: &[&str] = &[
    "sudo",
    "doas",
    "env",
    "command",
    "builtin",
    "exec",
    "nohup",
    "nice",
    "ionice",
    "timeout",
    "stdbuf",
    "setsid",
    "xargs",
    "busybox",
    "unbuffer",
    "fakeroot",
    "runuser",
    "taskset",
    "chrt",
    "arch-chroot",
];

/// Options of a prefix program that take the next word as their value.
fn option_takes_value(prefix: &str, option: &str) -> bool {
    match prefix {
        "sudo" | "doas" | "runuser" => matches!(option, "-u" | "-g" | "--user" | "--group"),
        "nice" => option == "-n",
        "ionice" => matches!(option, "-c" | "-n"),
        "xargs" => matches!(option, "-I" | "-n" | "-P" | "-d" | "-L" | "-s" | "-E"),
        "env" => matches!(option, "-u" | "-C" | "-S"),
        _ => false,
    }
}

/// The base name of a program path (`/usr/bin/curl` → `curl`).
pub(crate) fn base_name(text: &str) -> &str {
    text.rsplit('/').next().unwrap_or(text)
}

/// Where a command names its program: the indexes of the prefix words (`sudo`, `env`...)
/// and of the program's word, or `None` (only assignments, `for`, `case`, `command -v`).
pub(crate) fn program(words: &[&Word]) -> Option<(Vec<usize>, usize)> {
    let mut prefixes = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let text = words.get(i)?.text.as_str();
        if NO_COMMAND.contains(&text) {
            return None;
        }
        if KEYWORDS.contains(&text) || assignment_name(text).is_some() {
            i += 1;
            continue;
        }
        let name = base_name(text);
        if PREFIXES.contains(&name) {
            prefixes.push(i);
            i += 1;
            let mut duration_done = false;
            while let Some(w) = words.get(i) {
                let t = w.text.as_str();
                if name == "command" && matches!(t, "-v" | "-V") {
                    return None;
                }
                if t.starts_with('-') {
                    i += if option_takes_value(name, t) { 2 } else { 1 };
                } else if name == "env" && assignment_name(t).is_some() {
                    i += 1;
                } else if matches!(name, "timeout" | "taskset" | "chrt") && !duration_done {
                    duration_done = true;
                    i += 1;
                } else {
                    break;
                }
            }
            continue;
        }
        return Some((prefixes, i));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::lexer::lex;
    use super::*;

    fn names(text: &str) -> Vec<Vec<String>> {
        let toks = lex(text);
        pipelines(&toks)
            .iter()
            .map(|p| {
                p.iter()
                    .filter_map(|c| program(&c.words).map(|(_, i)| c.words[i].text.clone()))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn pipelines_and_programs() {
        assert_eq!(
            names("X=1 sudo -u nobody env A=b curl -s x | bash -s; if true; then echo a; fi"),
            [
                vec!["curl".to_owned(), "bash".to_owned()],
                vec!["true".to_owned()],
                vec!["echo".to_owned()],
                vec![],
            ]
        );
        assert_eq!(names("command -v curl"), [Vec::<String>::new()]);
        assert_eq!(
            names("for x in a b; do sh $x; done"),
            [vec![], vec!["sh"], vec![]]
        );
    }

    #[test]
    fn redirect_targets_are_not_arguments() {
        let toks = lex("bash 2>&1 <<< \"$x\" -s");
        let ps = pipelines(&toks);
        let c = &ps[0][0];
        let texts: Vec<&str> = c.words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["bash", "-s"]);
        assert_eq!(c.redirects.len(), 2);
        assert_eq!(c.redirects[1].0, "<<<");
    }
}
