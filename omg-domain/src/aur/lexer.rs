//! A small, forgiving shell tokenizer: enough of bash's quoting to see what a PKGBUILD or an
//! `.install` script runs, never enough to run it.
//!
//! It removes quotes the way the shell does (`'b''u''n'` and `c\url` become `bun` and `curl`)
//! while remembering that a word was quoted, joins backslash-continued lines, drops comments,
//! decodes `$'\x62'`, and lexes command substitutions (`$(...)`, backticks), process
//! substitutions (`<(...)`) and here-documents as nested token streams. Array assignments
//! (`source=(...)`) carry their elements. Nesting is bounded: deeper text stays literal.

/// How deep substitutions nest before the rest is kept as literal text.
const MAX_DEPTH: u32 = 12;

/// One shell word after quote removal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Word {
    /// The text with quotes and escapes removed; expansions (`$x`, `${x}`) kept as written,
    /// substitutions kept as `$(…)`.
    pub text: String,
    /// The 1-based line the word starts on.
    pub line: u32,
    /// Whether any quote or escape was removed from it.
    pub quoted: bool,
    /// Whether quoting covered only pieces of it, or it was made of several quoted pieces
    /// (`'b''u''n'`, `"c"url`, `c\url`).
    pub pieces: bool,
    /// Whether `$'...'` escapes (`\x62`, `\165`) spelled some of it.
    pub encoded: bool,
    /// The substitutions inside it, in order.
    pub subs: Vec<Sub>,
    /// For `name=(...)`: the array's elements.
    pub array: Option<Vec<Word>>,
}

/// What kind of nested text a [`Sub`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SubKind {
    /// `$(...)` or backticks: its output becomes text.
    Command,
    /// `<(...)` or `>(...)`: its output (or input) becomes a file.
    Process,
    /// A here-document's body.
    HereDoc,
}

/// A nested token stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sub {
    /// What it is.
    pub kind: SubKind,
    /// Its tokens.
    pub tokens: Vec<Tok>,
}

/// A control or redirection operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Op {
    /// `|` or `|&`.
    Pipe,
    /// `&&`.
    And,
    /// `||`.
    Or,
    /// `;`.
    Semi,
    /// `;;`, `;&`, `;;&`.
    CaseEnd,
    /// `&`.
    Amp,
    /// `(`.
    LParen,
    /// `)`.
    RParen,
}

/// One token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tok {
    /// A word.
    Word(Word),
    /// A control operator, with its line.
    Op(Op, u32),
    /// A redirection (`>`, `2>&1`, `<<EOF`...), with its line and, for a here-document, the
    /// body's tokens (also in the word's subs of the target).
    Redir(String, u32),
    /// The end of a line of code.
    Newline(u32),
}

/// Tokenizes `text` (lines counted from 1).
pub(crate) fn lex(text: &str) -> Vec<Tok> {
    lex_from(text, 1, 0)
}

fn lex_from(text: &str, first_line: u32, depth: u32) -> Vec<Tok> {
    let mut lexer = Lexer {
        chars: text.chars().collect(),
        i: 0,
        line: first_line,
        depth,
    };
    lexer.tokens(Term::Eof)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Term {
    Eof,
    Paren,
    Backtick,
}

struct Lexer {
    chars: Vec<char>,
    i: usize,
    line: u32,
    depth: u32,
}

/// The word being built.
struct Building {
    word: Word,
    started: bool,
    /// Pieces seen: (quoted?) per segment, collapsed.
    segments: Vec<bool>,
    /// How many quoted pieces and escapes it has.
    quotings: u32,
    /// Whether its first quoting is a backslash before its first character (`\cp`, the
    /// usual way around an alias, hides nothing).
    leading_escape: bool,
}

impl Building {
    fn new() -> Self {
        Building {
            word: Word::default(),
            started: false,
            segments: Vec::new(),
            quotings: 0,
            leading_escape: false,
        }
    }

    fn start(&mut self, line: u32) {
        if !self.started {
            self.started = true;
            self.word.line = line;
        }
    }

    fn push(&mut self, c: char, quoted: bool, line: u32) {
        self.start(line);
        self.word.text.push(c);
        self.segment(quoted);
    }

    fn segment(&mut self, quoted: bool) {
        if quoted {
            self.word.quoted = true;
        }
        if self.segments.last() != Some(&quoted) {
            self.segments.push(quoted);
        }
    }

    /// A character escaped by a backslash.
    fn escaped(&mut self, c: char, line: u32) {
        if self.quotings == 0 && self.word.text.is_empty() {
            self.leading_escape = true;
        }
        self.quotings += 1;
        self.push(c, true, line);
    }

    /// A quoted piece begins (consecutive quoted pieces count separately).
    fn quoted_piece(&mut self, line: u32) {
        self.quotings += 1;
        self.start(line);
        self.word.quoted = true;
        self.segments.push(true);
    }

    fn take(&mut self) -> Option<Word> {
        if !self.started {
            return None;
        }
        let mut building = std::mem::replace(self, Building::new());
        building.word.pieces = building.segments.len() >= 2
            && building.word.quoted
            && !(building.quotings == 1 && building.leading_escape);
        Some(building.word)
    }
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl Lexer {
    fn peek(&self, k: usize) -> Option<char> {
        self.chars.get(self.i + k).copied()
    }

    fn tokens(&mut self, term: Term) -> Vec<Tok> {
        let mut out: Vec<Tok> = Vec::new();
        let mut cur = Building::new();
        let mut parens = 0u32;
        // Here-documents waiting for the end of the line: (delimiter, strip tabs, token index).
        let mut pending: Vec<(String, bool, usize)> = Vec::new();
        let flush = |cur: &mut Building, out: &mut Vec<Tok>| {
            if let Some(w) = cur.take() {
                out.push(Tok::Word(w));
            }
        };
        while let Some(c) = self.peek(0) {
            match c {
                ' ' | '\t' | '\r' => {
                    flush(&mut cur, &mut out);
                    self.i += 1;
                }
                '\n' => {
                    flush(&mut cur, &mut out);
                    out.push(Tok::Newline(self.line));
                    self.i += 1;
                    self.line += 1;
                    for (delim, strip, at) in std::mem::take(&mut pending) {
                        self.heredoc(&delim, strip, at, &mut out);
                    }
                }
                '#' if !cur.started => {
                    while let Some(c) = self.peek(0) {
                        if c == '\n' {
                            break;
                        }
                        self.i += 1;
                    }
                }
                '\\' => match self.peek(1) {
                    Some('\n') => {
                        self.i += 2;
                        self.line += 1;
                    }
                    Some(next) => {
                        cur.escaped(next, self.line);
                        self.i += 2;
                    }
                    None => {
                        cur.push('\\', false, self.line);
                        self.i += 1;
                    }
                },
                '\'' => {
                    cur.quoted_piece(self.line);
                    self.i += 1;
                    while let Some(c) = self.peek(0) {
                        self.i += 1;
                        if c == '\'' {
                            break;
                        }
                        if c == '\n' {
                            self.line += 1;
                        }
                        cur.word.text.push(c);
                    }
                }
                '"' => {
                    cur.quoted_piece(self.line);
                    self.i += 1;
                    self.double_quoted(&mut cur);
                }
                '$' => self.dollar(&mut cur),
                '`' if term == Term::Backtick => {
                    self.i += 1;
                    break;
                }
                '`' => {
                    self.i += 1;
                    self.substitution(&mut cur, Term::Backtick, SubKind::Command);
                }
                '<' | '>' if self.peek(1) == Some('(') => {
                    flush(&mut cur, &mut out);
                    self.i += 2;
                    self.substitution(&mut cur, Term::Paren, SubKind::Process);
                }
                '<' | '>' => {
                    // A file descriptor number right before belongs to the operator.
                    if cur.started
                        && !cur.word.quoted
                        && cur.word.text.chars().all(|c| c.is_ascii_digit())
                    {
                        cur = Building::new();
                    } else {
                        flush(&mut cur, &mut out);
                    }
                    let line = self.line;
                    let mut op = String::new();
                    while let Some(c) = self.peek(0) {
                        if matches!(c, '<' | '>' | '|' | '&' | '-') && op.len() < 3 {
                            // `>&2`, `<<-`, `>|`: consume the operator's own characters.
                            if (c == '|' || c == '-') && op.is_empty() {
                                break;
                            }
                            op.push(c);
                            self.i += 1;
                        } else {
                            break;
                        }
                    }
                    let heredoc = op == "<<" || op == "<<-";
                    out.push(Tok::Redir(op.clone(), line));
                    if heredoc {
                        // The delimiter is the next word.
                        while matches!(self.peek(0), Some(' ' | '\t')) {
                            self.i += 1;
                        }
                        let at = out.len();
                        let delim = self.delimiter();
                        out.push(Tok::Word(Word {
                            text: delim.clone(),
                            line,
                            ..Word::default()
                        }));
                        pending.push((delim, op == "<<-", at));
                    }
                }
                '|' => {
                    flush(&mut cur, &mut out);
                    let line = self.line;
                    if self.peek(1) == Some('|') {
                        self.i += 2;
                        out.push(Tok::Op(Op::Or, line));
                    } else {
                        self.i += if self.peek(1) == Some('&') { 2 } else { 1 };
                        out.push(Tok::Op(Op::Pipe, line));
                    }
                }
                '&' => {
                    flush(&mut cur, &mut out);
                    let line = self.line;
                    if self.peek(1) == Some('&') {
                        self.i += 2;
                        out.push(Tok::Op(Op::And, line));
                    } else if self.peek(1) == Some('>') {
                        self.i += 2;
                        if self.peek(0) == Some('>') {
                            self.i += 1;
                        }
                        out.push(Tok::Redir("&>".to_owned(), line));
                    } else {
                        self.i += 1;
                        out.push(Tok::Op(Op::Amp, line));
                    }
                }
                ';' => {
                    flush(&mut cur, &mut out);
                    let line = self.line;
                    if matches!(self.peek(1), Some(';' | '&')) {
                        self.i += 2;
                        if self.peek(0) == Some('&') {
                            self.i += 1;
                        }
                        out.push(Tok::Op(Op::CaseEnd, line));
                    } else {
                        self.i += 1;
                        out.push(Tok::Op(Op::Semi, line));
                    }
                }
                '(' => {
                    let array_name = cur.started
                        && !cur.word.quoted
                        && cur.word.subs.is_empty()
                        && cur
                            .word
                            .text
                            .strip_suffix("+=")
                            .or_else(|| cur.word.text.strip_suffix('='))
                            .is_some_and(is_name);
                    self.i += 1;
                    if array_name && self.depth < MAX_DEPTH {
                        self.depth += 1;
                        let inner = self.tokens(Term::Paren);
                        self.depth -= 1;
                        let elements = inner
                            .into_iter()
                            .filter_map(|t| match t {
                                Tok::Word(w) => Some(w),
                                _ => None,
                            })
                            .collect();
                        cur.word.array = Some(elements);
                        flush(&mut cur, &mut out);
                    } else {
                        flush(&mut cur, &mut out);
                        parens += 1;
                        out.push(Tok::Op(Op::LParen, self.line));
                    }
                }
                ')' => {
                    flush(&mut cur, &mut out);
                    self.i += 1;
                    if parens == 0 && term == Term::Paren {
                        break;
                    }
                    parens = parens.saturating_sub(1);
                    out.push(Tok::Op(Op::RParen, self.line));
                }
                other => {
                    cur.push(other, false, self.line);
                    self.i += 1;
                }
            }
        }
        flush(&mut cur, &mut out);
        out
    }

    /// After an opening `"`: up to the closing one.
    fn double_quoted(&mut self, cur: &mut Building) {
        while let Some(c) = self.peek(0) {
            match c {
                '"' => {
                    self.i += 1;
                    return;
                }
                '\\' => match self.peek(1) {
                    Some('\n') => {
                        self.i += 2;
                        self.line += 1;
                    }
                    Some(next @ ('$' | '`' | '"' | '\\')) => {
                        cur.word.text.push(next);
                        self.i += 2;
                    }
                    _ => {
                        cur.word.text.push('\\');
                        self.i += 1;
                    }
                },
                '$' if matches!(self.peek(1), Some('(' | '{')) => self.dollar(cur),
                '`' => {
                    self.i += 1;
                    self.substitution(cur, Term::Backtick, SubKind::Command);
                }
                '\n' => {
                    cur.word.text.push('\n');
                    self.i += 1;
                    self.line += 1;
                }
                other => {
                    cur.word.text.push(other);
                    self.i += 1;
                }
            }
        }
    }

    /// At a `$`: a substitution, an arithmetic expansion, `$'...'`, `$"..."`, `${...}` or a
    /// plain `$`.
    fn dollar(&mut self, cur: &mut Building) {
        let line = self.line;
        match (self.peek(1), self.peek(2)) {
            (Some('('), Some('(')) => {
                cur.start(line);
                self.copy_balanced('(', ')', cur);
            }
            (Some('('), _) => {
                self.i += 2;
                self.substitution(cur, Term::Paren, SubKind::Command);
            }
            (Some('\''), _) => {
                self.i += 2;
                cur.quoted_piece(line);
                self.ansi_c(cur);
            }
            (Some('"'), _) => {
                self.i += 2;
                cur.quoted_piece(line);
                self.double_quoted(cur);
            }
            (Some('{'), _) => {
                cur.start(line);
                self.copy_balanced('{', '}', cur);
            }
            _ => {
                cur.push('$', false, line);
                self.i += 1;
            }
        }
    }

    /// Copies `$` and a balanced `open ... close` group literally.
    fn copy_balanced(&mut self, open: char, close: char, cur: &mut Building) {
        cur.segment(false);
        cur.word.text.push('$');
        self.i += 1;
        let mut level = 0u32;
        while let Some(c) = self.peek(0) {
            self.i += 1;
            if c == '\n' {
                self.line += 1;
            }
            cur.word.text.push(c);
            if c == open {
                level += 1;
            } else if c == close {
                level = level.saturating_sub(1);
                if level == 0 {
                    break;
                }
            }
        }
    }

    /// After `$(`, `` ` `` or `<(`: the nested text, up to its end.
    fn substitution(&mut self, cur: &mut Building, term: Term, kind: SubKind) {
        cur.start(self.line);
        cur.segment(false);
        if self.depth >= MAX_DEPTH {
            // Too deep: keep the rest of the group as text.
            let end = if term == Term::Backtick { '`' } else { ')' };
            while let Some(c) = self.peek(0) {
                self.i += 1;
                if c == '\n' {
                    self.line += 1;
                }
                if c == end {
                    break;
                }
                cur.word.text.push(c);
            }
            return;
        }
        self.depth += 1;
        let tokens = self.tokens(term);
        self.depth -= 1;
        cur.word.text.push_str(match kind {
            SubKind::Process => "<(…)",
            _ => "$(…)",
        });
        cur.word.subs.push(Sub { kind, tokens });
    }

    /// After `$'`: an ANSI-C string, decoded.
    fn ansi_c(&mut self, cur: &mut Building) {
        while let Some(c) = self.peek(0) {
            self.i += 1;
            match c {
                '\'' => return,
                '\\' => {
                    let Some(e) = self.peek(0) else { return };
                    self.i += 1;
                    let decoded = match e {
                        'n' => Some('\n'),
                        't' => Some('\t'),
                        'x' => self.radix_digits(16, 2),
                        'u' => self.radix_digits(16, 4),
                        '0'..='7' => {
                            self.i -= 1;
                            self.radix_digits(8, 3)
                        }
                        other => Some(other),
                    };
                    if matches!(e, 'x' | 'u' | '0'..='7') {
                        cur.word.encoded = true;
                    }
                    if let Some(d) = decoded {
                        cur.word.text.push(d);
                    }
                }
                '\n' => {
                    self.line += 1;
                    cur.word.text.push('\n');
                }
                other => cur.word.text.push(other),
            }
        }
    }

    fn radix_digits(&mut self, radix: u32, max: usize) -> Option<char> {
        let mut value = 0u32;
        let mut n = 0;
        while n < max {
            match self.peek(0).and_then(|c| c.to_digit(radix)) {
                Some(d) => {
                    value = value * radix + d;
                    self.i += 1;
                    n += 1;
                }
                None => break,
            }
        }
        if n == 0 {
            None
        } else {
            char::from_u32(value)
        }
    }

    /// A here-document's delimiter word, unquoted.
    fn delimiter(&mut self) -> String {
        let mut delim = String::new();
        while let Some(c) = self.peek(0) {
            if c.is_whitespace() || matches!(c, ';' | '|' | '&' | '<' | '>' | '(' | ')') {
                break;
            }
            self.i += 1;
            if !matches!(c, '\'' | '"' | '\\') {
                delim.push(c);
            }
        }
        delim
    }

    /// Reads a here-document body up to its delimiter line and attaches it, lexed, to the
    /// delimiter word at `at`.
    fn heredoc(&mut self, delim: &str, strip_tabs: bool, at: usize, out: &mut [Tok]) {
        let first_line = self.line;
        let mut body = String::new();
        loop {
            if self.i >= self.chars.len() {
                break;
            }
            let start = self.i;
            while let Some(c) = self.peek(0) {
                self.i += 1;
                if c == '\n' {
                    break;
                }
            }
            let end = if self.chars.get(self.i.saturating_sub(1)) == Some(&'\n') {
                self.i - 1
            } else {
                self.i
            };
            let line: String = self.chars[start..end].iter().collect();
            self.line += 1;
            let candidate = if strip_tabs {
                line.trim_start_matches('\t')
            } else {
                line.as_str()
            };
            if candidate.trim_end_matches('\r') == delim {
                break;
            }
            body.push_str(&line);
            body.push('\n');
        }
        if self.depth < MAX_DEPTH {
            let tokens = lex_from(&body, first_line, self.depth + 1);
            if let Some(Tok::Word(w)) = out.get_mut(at) {
                w.subs.push(Sub {
                    kind: SubKind::HereDoc,
                    tokens,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        lex(text)
            .into_iter()
            .filter_map(|t| match t {
                Tok::Word(w) => Some(w.text),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn quotes_and_escapes_are_removed_and_remembered() {
        let toks = lex("'b''u''n' install \"c\"url c\\url plain");
        let ws: Vec<&Word> = toks
            .iter()
            .filter_map(|t| match t {
                Tok::Word(w) => Some(w),
                _ => None,
            })
            .collect();
        assert_eq!(ws[0].text, "bun");
        assert!(ws[0].quoted && ws[0].pieces);
        assert_eq!(ws[1].text, "install");
        assert!(!ws[1].quoted);
        assert_eq!(ws[2].text, "curl");
        assert!(ws[2].pieces);
        assert_eq!(ws[3].text, "curl");
        assert!(ws[3].pieces);
        assert!(!ws[4].quoted);
        let toks = lex("\\cp a b");
        assert!(matches!(&toks[0], Tok::Word(w) if w.text == "cp" && w.quoted && !w.pieces));
    }

    #[test]
    fn ansi_c_strings_are_decoded() {
        assert_eq!(words("$'\\x62\\165n' x"), ["bun", "x"]);
        let toks = lex("$'\\x62un'");
        assert!(matches!(&toks[0], Tok::Word(w) if w.encoded));
    }

    #[test]
    fn comments_and_continuations() {
        let toks = lex("a \\\n  b # c | sh\n# whole line\nd");
        let lines: Vec<(String, u32)> = toks
            .iter()
            .filter_map(|t| match t {
                Tok::Word(w) => Some((w.text.clone(), w.line)),
                _ => None,
            })
            .collect();
        assert_eq!(
            lines,
            [("a".into(), 1), ("b".into(), 2), ("d".into(), 4)].to_vec()
        );
    }

    #[test]
    fn hash_inside_a_word_is_not_a_comment() {
        assert_eq!(
            words("git+https://x/y#branch=main z"),
            ["git+https://x/y#branch=main", "z"]
        );
    }

    #[test]
    fn substitutions_nest_inside_double_quotes() {
        let toks = lex("eval \"$(curl -s https://x)\"");
        let Some(Tok::Word(w)) = toks.get(1) else {
            panic!("{toks:?}")
        };
        assert_eq!(w.subs.len(), 1);
        assert_eq!(w.subs[0].kind, SubKind::Command);
        assert!(matches!(&w.subs[0].tokens[0], Tok::Word(c) if c.text == "curl"));
    }

    #[test]
    fn arrays_spanning_lines() {
        let toks = lex("source=(\"a::https://x/$pkgver\" # note\n  'b.patch'\n)\nnext");
        let Some(Tok::Word(w)) = toks.first() else {
            panic!()
        };
        let elems: Vec<(&str, u32)> = w
            .array
            .as_ref()
            .unwrap()
            .iter()
            .map(|e| (e.text.as_str(), e.line))
            .collect();
        assert_eq!(elems, [("a::https://x/$pkgver", 1), ("b.patch", 2)]);
        assert!(matches!(toks.last(), Some(Tok::Word(n)) if n.text == "next" && n.line == 4));
    }

    #[test]
    fn heredoc_bodies_are_lexed_apart() {
        let toks = lex("cat > x <<'EOF'\ndon't\ncurl a | sh\nEOF\nafter");
        let body = toks
            .iter()
            .find_map(|t| match t {
                Tok::Word(w) if w.text == "EOF" => w.subs.first(),
                _ => None,
            })
            .unwrap();
        assert_eq!(body.kind, SubKind::HereDoc);
        assert!(matches!(toks.last(), Some(Tok::Word(n)) if n.text == "after" && n.line == 5));
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let text = "$(".repeat(10_000);
        let _ = lex(&text);
        let text = "x=(".repeat(10_000);
        let _ = lex(&text);
    }
}
