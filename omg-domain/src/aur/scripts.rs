//! What the shell files of a package run: code fetched or decoded and then executed,
//! package managers, downloads in install scripts, and command names hidden by quoting.

use std::collections::{HashMap, HashSet};
use std::ops::BitOr;

use omg_ports::ReviewSeverity;

use super::commands::{assignment_name, base_name, pipelines, program, Command};
use super::expansion;
use super::lexer::{SubKind, Tok, Word};
use super::Finding;

/// Which kind of shell file is scanned: the rules' severities depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ShellKind {
    /// The PKGBUILD: runs at build time, as the user.
    Pkgbuild,
    /// A pacman `.install` script: runs as root at install, upgrade or removal.
    Install,
    /// Another shell script of the repository (a launcher, a helper).
    Script,
}

/// Programs that download.
const FETCHERS: &[&str] = &["curl", "wget", "wget2", "aria2c", "fetch", "http", "xh"];

/// Programs that connect elsewhere without downloading a file.
const NETWORK_TOOLS: &[&str] = &["nc", "ncat", "netcat", "socat", "telnet"];

/// Programs that run code given to them.
const SHELLS: &[&str] = &[
    "sh", "bash", "zsh", "dash", "ksh", "mksh", "fish", "csh", "tcsh", "ash",
];

/// Interpreters besides shells (versions such as `python3.12` fold onto their family).
const INTERPRETERS: &[&str] = &[
    "python",
    "perl",
    "ruby",
    "node",
    "nodejs",
    "bun",
    "deno",
    "php",
    "lua",
    "luajit",
    "tclsh",
    "pwsh",
    "osascript",
];

/// Language package managers and the runners that fetch packages.
const PACKAGE_MANAGERS: &[&str] = &[
    "npm", "npx", "pnpm", "pnpx", "yarn", "bun", "bunx", "pip", "pipx", "uv", "uvx", "cargo",
    "gem", "go", "composer", "deno",
];

/// Other names an obfuscator would hide.
const SENSITIVE: &[&str] = &[
    "eval", "source", "exec", "base64", "base32", "xxd", "openssl", "git", "chmod", "sudo", "env",
    "rev", "printf", "echo",
];

/// Text in a `-c`/`-e` script that fetches.
const SCRIPT_FETCH: &[&str] = &[
    "urllib",
    "urlopen",
    "requests.get",
    "http.client",
    "httpx",
    "socket",
    "LWP",
    "HTTP::Tiny",
    "IO::Socket",
    "open-uri",
    "Net::HTTP",
    "URI.open",
    "fetch(",
    "https://",
    "http://",
];

/// Text in a `-c`/`-e` script that runs code.
const SCRIPT_EXEC: &[&str] = &[
    "exec(",
    "eval(",
    "eval ",
    "os.system",
    "subprocess",
    "__import__",
    "compile(",
    "child_process",
    "execSync",
    "spawn",
    "Function(",
    "system(",
    "system ",
    "`",
    "qx",
];

/// Text in a `-c`/`-e` script that decodes.
const SCRIPT_DECODE: &[&str] = &[
    "b64decode",
    "base64",
    "Base64",
    "decode_base64",
    "zlib.decompress",
    "codecs.decode",
    "bytes.fromhex",
    "marshal.loads",
    "Buffer.from",
    "atob(",
    "unpack(",
];

/// The most findings kept for one file (a hostile file could repeat a line endlessly).
const MAX_FINDINGS: usize = 1000;

/// The longest `-c` script text looked at.
const MAX_SCRIPT_TEXT: usize = 64 * 1024;

/// What a piece of text is made of: fetched from the network, decoded from hidden text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Flow {
    fetched: bool,
    decoded: bool,
}

impl BitOr for Flow {
    type Output = Flow;
    fn bitor(self, o: Flow) -> Flow {
        Flow {
            fetched: self.fetched || o.fetched,
            decoded: self.decoded || o.decoded,
        }
    }
}

/// The family of an interpreter's name (`python3.12` → `python`), when it is one.
fn interpreter(name: &str) -> Option<&'static str> {
    let trimmed = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    SHELLS
        .iter()
        .chain(INTERPRETERS)
        .find(|i| **i == name || **i == trimmed)
        .copied()
}

/// Whether an interpreter given `args` reads its program from standard input.
fn reads_stdin(args: &[&Word]) -> bool {
    for a in args {
        match a.text.as_str() {
            "-c" | "-e" | "-E" | "--eval" | "-m" | "-p" | "--print" => return false,
            "-s" | "-" | "/dev/stdin" => return true,
            t if t.starts_with('-') => {}
            _ => return false,
        }
    }
    true
}

/// Whether `name args` turns hidden text back into code-shaped text.
fn decodes(name: &str, args: &[&Word]) -> bool {
    let has = |flags: &[&str]| args.iter().any(|a| flags.contains(&a.text.as_str()));
    match name {
        "base64" | "base32" | "basenc" => has(&["-d", "--decode", "-D", "-di", "-id"]),
        "xxd" => has(&["-r", "-p", "-rp", "-r -p"]),
        "openssl" => has(&["-d", "base64", "-base64", "-a"]),
        "uudecode" | "rev" | "tr" | "gunzip" | "zcat" | "xzcat" | "bzcat" | "zstdcat" => true,
        "gzip" | "xz" | "bzip2" | "zstd" => has(&["-d", "--decompress", "-dc", "-cd"]),
        "printf" | "echo" => args
            .iter()
            .any(|a| a.text.contains("\\x") || a.text.contains("\\0")),
        _ => false,
    }
}

/// Whether a package manager invocation fetches packages from the network.
fn fetches_packages(pm: &str, args: &[&Word]) -> bool {
    let texts: Vec<&str> = args.iter().map(|a| a.text.as_str()).collect();
    let sub = texts.iter().find(|t| !t.starts_with('-')).copied();
    let has = |flag: &str| texts.contains(&flag);
    match pm {
        "npx" | "pnpx" | "bunx" | "uvx" => true,
        "npm" => matches!(
            sub,
            Some(
                "install"
                    | "i"
                    | "in"
                    | "ins"
                    | "inst"
                    | "add"
                    | "ci"
                    | "exec"
                    | "x"
                    | "update"
                    | "up"
                    | "upgrade"
                    | "create"
            )
        ),
        "pnpm" => matches!(
            sub,
            Some("install" | "i" | "add" | "dlx" | "update" | "up" | "create")
        ),
        "yarn" => matches!(
            sub,
            None | Some("install" | "add" | "dlx" | "global" | "upgrade" | "create")
        ),
        "bun" => matches!(
            sub,
            Some("install" | "i" | "add" | "x" | "create" | "upgrade")
        ),
        "pip" => matches!(sub, Some("install" | "download")) && !has("--no-index"),
        "pipx" => matches!(sub, Some("install" | "run" | "inject")),
        "uv" => matches!(sub, Some("pip" | "tool" | "sync" | "add")),
        "cargo" => sub == Some("install"),
        "gem" => {
            sub == Some("install") && !has("--local") && !texts.iter().any(|t| t.ends_with(".gem"))
        }
        "go" => matches!(sub, Some("install" | "get")),
        "composer" => matches!(
            sub,
            Some("install" | "require" | "update" | "create-project")
        ),
        "deno" => matches!(sub, Some("install" | "cache")),
        _ => false,
    }
}

/// The package manager a command runs (`pip3` → `pip`, `python -m pip` → `pip`) and the
/// arguments after its name.
fn package_manager<'a, 'w>(
    name: &str,
    args: &'a [&'w Word],
) -> Option<(&'static str, &'a [&'w Word])> {
    let trimmed = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    if let Some(pm) = PACKAGE_MANAGERS
        .iter()
        .find(|p| **p == name || **p == trimmed)
    {
        return Some((pm, args));
    }
    if interpreter(name) == Some("python") {
        let at = args.iter().position(|a| a.text == "-m")?;
        let module = args.get(at + 1)?.text.as_str();
        let pm = PACKAGE_MANAGERS.iter().find(|p| **p == module)?;
        return Some((pm, args.get(at + 2..).unwrap_or(&[])));
    }
    None
}

/// Scans one shell file's tokens.
pub(crate) fn scan_tokens(tokens: &[Tok], kind: ShellKind) -> Vec<Finding> {
    let mut scanner = Scanner {
        kind,
        tainted: HashMap::new(),
        literals: HashMap::new(),
        found: Vec::new(),
        span: None,
        downloaded: HashSet::new(),
    };
    scanner.tokens(tokens);
    scanner.found
}

struct Scanner {
    kind: ShellKind,
    /// Variables assigned fetched or decoded text.
    tainted: HashMap<String, Flow>,
    /// Variables assigned plain literal text (`c=cu; d=rl`), to see `$c$d`.
    literals: HashMap<String, String>,
    found: Vec<Finding>,
    /// Base names of files downloaded by a fetcher earlier in the file.
    downloaded: HashSet<String>,
    /// The lines of the pipeline being scanned: findings are reported at its start.
    span: Option<(u32, u32)>,
}

/// The variable names a word's text expands (`$x`, `${x}`, `${x:-y}`).
fn referenced(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        rest = &rest[at + 1..];
        let body = rest.strip_prefix('{').unwrap_or(rest);
        let end = body
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(body.len());
        if end > 0 {
            out.push(&body[..end]);
        }
    }
    out
}

fn plain_name(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '+'))
}

impl Scanner {
    fn hit(
        &mut self,
        severity: ReviewSeverity,
        code: &'static str,
        message: String,
        cmd: &Command<'_>,
    ) {
        if self.found.len() >= MAX_FINDINGS {
            return;
        }
        let (line, end_line) = self.span.unwrap_or((cmd.line, cmd.end_line.max(cmd.line)));
        self.found.push(Finding {
            severity,
            code,
            message,
            line,
            end_line,
            evidence: None,
        });
    }

    /// Scans a token stream; returns what its output is made of and what its words'
    /// expansions are made of.
    fn tokens(&mut self, tokens: &[Tok]) -> (Flow, Flow) {
        let mut all = Flow::default();
        let mut expansions = Flow::default();
        for pipeline in pipelines(tokens) {
            let first = pipeline.first().map_or(0, |c| c.line);
            let last = pipeline.iter().map(|c| c.end_line).max().unwrap_or(first);
            let outer = self.span.replace((first, last.max(first)));
            let mut upstream = Flow::default();
            for (stage, cmd) in pipeline.iter().enumerate() {
                let (out, words) = self.command(cmd, upstream, stage > 0);
                upstream = upstream | out;
                all = all | out;
                expansions = expansions | words;
            }
            self.span = outer;
        }
        (all, expansions)
    }

    /// What a word's text is made of, scanning its substitutions (each once); the second
    /// flow is what the expansions of its here-document body are made of.
    fn word(&mut self, w: &Word) -> (Flow, Flow) {
        let mut flow = Flow::default();
        let mut heredoc = Flow::default();
        for sub in &w.subs {
            let (inner, expansions) = self.tokens(&sub.tokens);
            if sub.kind == SubKind::HereDoc {
                heredoc = heredoc | expansions;
            } else {
                flow = flow | inner;
            }
        }
        for name in referenced(&w.text) {
            if let Some(f) = self.tainted.get(name) {
                flow = flow | *f;
            }
        }
        if let Some(elements) = &w.array {
            for e in elements {
                flow = flow | self.word(e).0;
            }
        }
        (flow, heredoc)
    }

    /// Scans one command given what flows into its standard input; returns what its output
    /// is made of and what its words are made of.
    fn command(&mut self, cmd: &Command<'_>, stdin: Flow, piped: bool) -> (Flow, Flow) {
        let word_flows: Vec<Flow> = cmd.words.iter().map(|w| self.word(w).0).collect();
        let words_flow = word_flows.iter().fold(Flow::default(), |a, b| a | *b);
        let mut redirect_flow = Flow::default();
        for (op, target) in &cmd.redirects {
            if let Some(t) = target {
                let (f, heredoc) = self.word(t);
                if matches!(*op, "<<<" | "<") {
                    redirect_flow = redirect_flow | f;
                }
                if matches!(*op, "<<" | "<<-") {
                    redirect_flow = redirect_flow | heredoc;
                }
            }
        }
        let program = program(&cmd.words);
        // Assignments: `x=$(curl ...)`, `local x=...`, `export x=...`.
        let declares = program.as_ref().is_some_and(|(_, i)| {
            matches!(
                cmd.words.get(*i).map(|w| w.text.as_str()),
                Some("local" | "export" | "declare" | "readonly" | "typeset")
            )
        });
        for (index, (w, flow)) in cmd.words.iter().zip(&word_flows).enumerate() {
            let Some(name) = assignment_name(&w.text) else {
                continue;
            };
            let leading = program.as_ref().is_none_or(|(_, i)| index < *i);
            if !(leading || declares) {
                continue;
            }
            let name = name.to_owned();
            if flow.fetched || flow.decoded {
                self.tainted.insert(name.clone(), *flow);
            } else {
                self.tainted.remove(&name);
            }
            let value = w.text.split_once('=').map(|(_, v)| v).unwrap_or("");
            if w.subs.is_empty() && w.array.is_none() && plain_name(value) {
                self.literals.insert(name, value.to_owned());
            } else {
                self.literals.remove(&name);
            }
        }
        let Some((prefixes, at)) = program else {
            return (words_flow, words_flow);
        };
        let Some(name_word) = cmd.words.get(at) else {
            return (Flow::default(), words_flow);
        };
        let args = cmd.words.get(at + 1..).unwrap_or(&[]);
        let arg_flow = word_flows
            .get(at + 1..)
            .unwrap_or(&[])
            .iter()
            .fold(Flow::default(), |a, b| a | *b);
        let resolved = if name_word.text.contains('$') {
            // Only pieces this file assigned as plain literals (`a=cu; b=rl; $a$b`), never
            // a default (`${CC:-cc}`).
            // One variable holding the whole name (`$_python`) hides nothing.
            let literals = &self.literals;
            let refs = referenced(&name_word.text);
            let whole = match refs.as_slice() {
                [one] => {
                    name_word.text == format!("${one}") || name_word.text == format!("${{{one}}}")
                }
                _ => false,
            };
            if !whole && refs.iter().all(|n| literals.contains_key(*n)) {
                expansion::expand(&name_word.text, &|n| literals.get(n).cloned())
            } else {
                None
            }
        } else {
            None
        };
        let name_text = resolved.as_deref().unwrap_or(&name_word.text);
        let name = base_name(name_text);

        self.obfuscation(cmd, &prefixes, name_word, name, resolved.is_some());
        // `$(curl ...)` in a command's place runs what it prints.
        if let Some(flow) = word_flows.get(at) {
            if flow.fetched {
                self.hit(
                    ReviewSeverity::High,
                    "fetch-and-run",
                    "runs as a command the text downloaded at this moment".to_owned(),
                    cmd,
                );
            }
            if flow.decoded {
                self.hit(
                    ReviewSeverity::High,
                    "encoded-exec",
                    "runs as a command text decoded from a hidden form".to_owned(),
                    cmd,
                );
            }
        }

        let own = Flow {
            fetched: FETCHERS.contains(&name),
            decoded: decodes(name, args),
        };
        let interp = interpreter(name);
        let via_xargs = prefixes.iter().any(|i| {
            cmd.words
                .get(*i)
                .is_some_and(|w| base_name(&w.text) == "xargs")
        });
        let runs_code = interp.is_some() || matches!(name, "eval" | "source" | ".");
        if runs_code {
            let mut input = arg_flow | redirect_flow;
            let stdin_is_code = match name {
                "eval" => false,
                "source" | "." => args
                    .first()
                    .is_some_and(|a| matches!(a.text.as_str(), "/dev/stdin" | "/proc/self/fd/0")),
                // `... | xargs sh -c` runs what it reads as arguments.
                _ => reads_stdin(args) || via_xargs,
            };
            if piped && stdin_is_code {
                input = input | stdin;
            }
            if input.fetched {
                self.hit(
                    ReviewSeverity::High,
                    "fetch-and-run",
                    format!("runs code downloaded at this moment with `{name}`"),
                    cmd,
                );
            }
            if input.decoded {
                self.hit(
                    ReviewSeverity::High,
                    "encoded-exec",
                    format!("runs text decoded from a hidden form with `{name}`"),
                    cmd,
                );
            }
            if interp.is_some() {
                self.inline_script(cmd, name, args);
            }
        }
        if own.fetched {
            self.record_downloads(cmd, name, args);
        }
        self.runs_download(cmd, name, name_text, args);
        self.package_manager(cmd, name, args);
        if self.kind == ShellKind::Install {
            let git_fetch = name == "git"
                && args
                    .iter()
                    .any(|a| matches!(a.text.as_str(), "clone" | "fetch" | "pull"));
            if own.fetched || git_fetch || NETWORK_TOOLS.contains(&name) {
                self.hit(
                    ReviewSeverity::High,
                    "install-script-download",
                    format!(
                        "the install script, run as root, connects to the network with `{name}`"
                    ),
                    cmd,
                );
            }
        }
        let passes_stdin = if piped { stdin } else { Flow::default() };
        (own | arg_flow | redirect_flow | passes_stdin, words_flow)
    }

    /// Remembers the files a fetcher writes (`curl -o F`, `curl -O URL`, `wget URL`,
    /// `wget -O F`, `> F`).
    fn record_downloads(&mut self, cmd: &Command<'_>, name: &str, args: &[&Word]) {
        let mut files: Vec<String> = Vec::new();
        let mut named = false;
        let mut remote_name = name != "curl";
        let mut i = 0;
        while let Some(a) = args.get(i) {
            let t = a.text.as_str();
            let next = args.get(i + 1).map(|w| w.text.clone());
            let output_flag = match name {
                "curl" | "aria2c" => 'o',
                _ => 'O',
            };
            if let Some(v) = t
                .strip_prefix("--output=")
                .or_else(|| t.strip_prefix("--output-document="))
            {
                files.push(v.to_owned());
                named = true;
            } else if matches!(t, "--output" | "--output-document") {
                files.extend(next);
                named = true;
                i += 1;
            } else if t.starts_with('-') && !t.starts_with("--") {
                let flags = &t[1..];
                if let Some(at) = flags.find(output_flag) {
                    let rest = &flags[at + 1..];
                    if rest.is_empty() {
                        files.extend(next);
                        i += 1;
                    } else {
                        files.push(rest.to_owned());
                    }
                    named = true;
                } else if name == "curl" && flags.contains('O') {
                    remote_name = true;
                }
            } else if t == "--remote-name" {
                remote_name = true;
            }
            i += 1;
        }
        if !named && remote_name {
            for a in args.iter().filter(|a| a.text.contains("://")) {
                let path = a.text.split(['?', '#']).next().unwrap_or(&a.text);
                files.push(base_name(path.trim_end_matches('/')).to_owned());
            }
        }
        for (op, target) in &cmd.redirects {
            if matches!(*op, ">" | ">>" | ">|" | "&>") {
                if let Some(t) = target {
                    files.push(t.text.clone());
                }
            }
        }
        for f in files {
            let b = base_name(&f);
            if !b.is_empty() && b != "-" && b != "null" {
                self.downloaded.insert(b.to_owned());
            }
        }
    }

    /// A file downloaded earlier in the file, run (`sh ./install.sh`, `./setup`,
    /// `source env.sh`).
    fn runs_download(&mut self, cmd: &Command<'_>, name: &str, name_text: &str, args: &[&Word]) {
        if self.downloaded.is_empty() {
            return;
        }
        let script = if interpreter(name).is_some() {
            args.iter()
                .map(|a| a.text.as_str())
                .take_while(|t| !matches!(*t, "-c" | "-e" | "-E" | "--eval" | "-m"))
                .find(|t| !t.starts_with('-'))
        } else if matches!(name, "source" | ".") {
            args.first().map(|a| a.text.as_str())
        } else if name_text.contains('/') {
            Some(name_text)
        } else {
            None
        };
        let Some(script) = script else { return };
        let file = base_name(script);
        if self.downloaded.contains(file) {
            self.hit(
                ReviewSeverity::High,
                "fetch-and-run",
                format!("runs {file}, which this script downloaded itself"),
                cmd,
            );
        }
    }

    /// A `-c`/`-e` program given on the command line that fetches or decodes and runs.
    fn inline_script(&mut self, cmd: &Command<'_>, name: &str, args: &[&Word]) {
        let Some(at) = args
            .iter()
            .position(|a| matches!(a.text.as_str(), "-c" | "-e" | "-E" | "--eval"))
        else {
            return;
        };
        let Some(script) = args.get(at + 1) else {
            return;
        };
        let text = script.text.get(..MAX_SCRIPT_TEXT).unwrap_or(&script.text);
        let any = |list: &[&str]| list.iter().any(|m| text.contains(m));
        if !any(SCRIPT_EXEC) {
            return;
        }
        if any(SCRIPT_FETCH) {
            self.hit(
                ReviewSeverity::High,
                "fetch-and-run",
                format!("a `{name}` one-liner downloads and runs code"),
                cmd,
            );
        } else if any(SCRIPT_DECODE) {
            self.hit(
                ReviewSeverity::High,
                "encoded-exec",
                format!("a `{name}` one-liner decodes and runs hidden code"),
                cmd,
            );
        }
    }

    fn package_manager(&mut self, cmd: &Command<'_>, name: &str, args: &[&Word]) {
        let Some((pm, rest)) = package_manager(name, args) else {
            return;
        };
        match self.kind {
            ShellKind::Install => self.hit(
                ReviewSeverity::High,
                "install-script-package-manager",
                format!(
                    "the install script runs `{pm}` as root: it can fetch and run any code at install time"
                ),
                cmd,
            ),
            ShellKind::Pkgbuild | ShellKind::Script => {
                if fetches_packages(pm, rest) {
                    self.hit(
                        ReviewSeverity::Medium,
                        "build-package-manager",
                        format!(
                            "fetches packages with `{pm}` while building: what they run is not in this review"
                        ),
                        cmd,
                    );
                }
            }
        }
    }

    /// Command names written in quoted pieces (`'b''u''n'`, `"c"url`, `c\url`,
    /// `$'\x62un'`) or assembled from variables (`$a$b`).
    fn obfuscation(
        &mut self,
        cmd: &Command<'_>,
        prefixes: &[usize],
        name_word: &Word,
        name: &str,
        assembled: bool,
    ) {
        let sensitive = |n: &str| {
            let n = base_name(n);
            FETCHERS.contains(&n)
                || NETWORK_TOOLS.contains(&n)
                || interpreter(n).is_some()
                || package_manager(n, &[]).is_some()
                || SENSITIVE.contains(&n)
        };
        let mut words: Vec<&Word> = prefixes
            .iter()
            .filter_map(|i| cmd.words.get(*i).copied())
            .collect();
        words.push(name_word);
        for w in words {
            let is_name = std::ptr::eq(w, name_word);
            let text = if is_name && assembled {
                name
            } else {
                w.text.as_str()
            };
            let hidden = w.pieces || w.encoded || (is_name && assembled);
            if !hidden || text.contains('$') || !plain_name(base_name(text)) {
                continue;
            }
            let shown = base_name(text);
            if sensitive(text) {
                self.hit(
                    ReviewSeverity::High,
                    "obfuscated-command",
                    format!("the command name `{shown}` is hidden in quoted, escaped or assembled pieces"),
                    cmd,
                );
            } else if w.pieces || w.encoded {
                self.hit(
                    ReviewSeverity::Medium,
                    "obfuscated-command",
                    format!("the command name `{shown}` is written in quoted or assembled pieces"),
                    cmd,
                );
            }
        }
    }
}
