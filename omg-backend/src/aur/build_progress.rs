//! What omg shows while makepkg builds a package base (makepkg's own output goes only to the
//! build log): on a terminal a spinner line on stderr with the time so far and the log's
//! last line; on a pipe (or a dumb terminal) a plain line at the start and one at the end;
//! with `--json` a
//! `build` event at the start and one at the end (docs/json.md, `BuildEvent`).

use std::fs::File;
use std::io::{IsTerminal, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use omg_cli_core::render::{escape, terminal_width, Output};
use omg_ports::{Error, Result};
use serde_json::json;

use crate::write::print;

/// The spinner line is cut to this many columns (fewer on a narrower terminal).
const MAX_WIDTH: usize = 80;
/// How often the spinner line is drawn again (the clock and the log's last line).
const TICK: Duration = Duration::from_millis(250);
/// How much of the end of the log is read for its last line.
const TAIL_BYTES: u64 = 4096;

/// How one build ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Built,
    Failed,
    /// Stopped by a signal.
    Stopped,
}

impl Outcome {
    fn of<T>(result: &Result<T>) -> Outcome {
        match result {
            Ok(_) => Outcome::Built,
            Err(Error::Interrupted(_)) => Outcome::Stopped,
            Err(_) => Outcome::Failed,
        }
    }

    /// The `state` of the `build` event.
    fn state(self) -> &'static str {
        match self {
            Outcome::Built => "built",
            Outcome::Failed => "failed",
            Outcome::Stopped => "stopped",
        }
    }
}

enum Mode {
    /// `build` events on stdout; the plain lines on stderr.
    Json,
    /// A spinner on stderr.
    Terminal(ProgressBar),
    /// Plain lines on stdout.
    Plain,
}

/// The progress of one build, from [`BuildProgress::start`] to [`BuildProgress::finish`].
pub(super) struct BuildProgress {
    /// `<base> <version>`, escaped.
    name: String,
    base: String,
    version: String,
    log: PathBuf,
    started: Instant,
    mode: Mode,
}

impl BuildProgress {
    /// Shows that `base` `version` is being built, its makepkg output going to `log`.
    pub(super) fn start(out: &Output, base: &str, version: &str, log: &Path) -> BuildProgress {
        let name = format!("{} {}", escape(base), escape(version));
        // indicatif draws nothing on a terminal without cursor movement (`TERM` unset or
        // `dumb`): that one gets the plain lines.
        let target = ProgressDrawTarget::stderr();
        let mode = if out.json {
            Mode::Json
        } else if std::io::stderr().is_terminal() && !target.is_hidden() {
            Mode::Terminal(spinner(&name, log, target))
        } else {
            Mode::Plain
        };
        let progress = BuildProgress {
            name,
            base: base.to_string(),
            version: version.to_string(),
            log: log.to_path_buf(),
            started: Instant::now(),
            mode,
        };
        match &progress.mode {
            Mode::Json => {
                progress.event("started", 0);
                eprintln!(":: Building {}...", progress.name);
            }
            Mode::Plain => print(&format!(":: Building {}...\n", progress.name)),
            Mode::Terminal(_) => {}
        }
        progress
    }

    /// Shows how the build ended (`result` is the build's; a failure's error, with the
    /// log's tail, is the caller's to show).
    pub(super) fn finish<T>(self, result: &Result<T>) {
        let outcome = Outcome::of(result);
        let seconds = self.started.elapsed().as_secs();
        let line = end_line(&self.name, outcome, seconds);
        match &self.mode {
            Mode::Json => {
                self.event(outcome.state(), seconds);
                eprintln!("{line}");
            }
            Mode::Plain => print(&format!("{line}\n")),
            Mode::Terminal(bar) => {
                bar.finish_and_clear();
                eprintln!("{line}");
            }
        }
    }

    /// One `build` event line on stdout.
    fn event(&self, state: &str, seconds: u64) {
        print(&format!(
            "{}\n",
            json!({
                "event": "build",
                "base": self.base,
                "version": self.version,
                "state": state,
                "seconds": seconds,
                "log": self.log.display().to_string(),
            })
        ));
    }
}

impl Drop for BuildProgress {
    fn drop(&mut self) {
        if let Mode::Terminal(bar) = &self.mode {
            if !bar.is_finished() {
                bar.finish_and_clear();
            }
        }
    }
}

/// The last line of a finished build.
fn end_line(name: &str, outcome: Outcome, seconds: u64) -> String {
    match outcome {
        Outcome::Built => format!(":: Built {name} in {seconds} s"),
        Outcome::Failed => format!(":: Building {name} failed after {seconds} s"),
        Outcome::Stopped => format!(":: Building {name} was stopped after {seconds} s"),
    }
}

/// The spinner line on stderr, drawn every [`TICK`]: `:: Building <name>  0:12  <the log's
/// last line>`.
fn spinner(name: &str, log: &Path, target: ProgressDrawTarget) -> ProgressBar {
    let width = terminal_width().min(MAX_WIDTH);
    let prefix = format!(":: Building {name}");
    let log = log.to_path_buf();
    let line = move |state: &ProgressState, w: &mut dyn std::fmt::Write| {
        let _ = w.write_str(&spinner_line(
            &prefix,
            state.elapsed().as_secs(),
            &last_line(&read_tail(&log)),
            width,
        ));
    };
    let style = ProgressStyle::with_template("{line}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
        .with_key("line", line);
    let bar = ProgressBar::with_draw_target(None, target).with_style(style);
    bar.enable_steady_tick(TICK);
    bar
}

/// `<prefix>  <clock>  <last>`, cut to `width` characters.
fn spinner_line(prefix: &str, seconds: u64, last: &str, width: usize) -> String {
    let mut line = format!("{prefix}  {}", clock(seconds));
    if !last.is_empty() {
        line.push_str("  ");
        line.push_str(last);
    }
    cut(&line, width)
}

/// `m:ss` (`h:mm:ss` from an hour on).
fn clock(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// `text` in at most `width` characters (the last one `…` when cut).
fn cut(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// The end of the log ([`TAIL_BYTES`] at most); empty when it cannot be read yet.
fn read_tail(path: &Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    if let Ok(mut file) = File::open(path) {
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        if file
            .seek(SeekFrom::Start(len.saturating_sub(TAIL_BYTES)))
            .is_ok()
        {
            let _ = file.take(TAIL_BYTES).read_to_end(&mut bytes);
        }
    }
    bytes
}

/// The last non-blank line of `tail` as a terminal shows it (what follows its last `\r`,
/// as a progress meter redraws), trimmed and escaped.
fn last_line(tail: &[u8]) -> String {
    let text = String::from_utf8_lossy(tail);
    text.split('\n')
        .rev()
        .map(|l| {
            l.rsplit('\r')
                .find(|part| !part.trim().is_empty())
                .unwrap_or("")
        })
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(|l| escape(l).into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_counts_minutes_and_hours() {
        assert_eq!(clock(0), "0:00");
        assert_eq!(clock(12), "0:12");
        assert_eq!(clock(61), "1:01");
        assert_eq!(clock(3600 + 125), "1:02:05");
    }

    #[test]
    fn the_last_line_is_the_last_drawn_escaped() {
        assert_eq!(last_line(b""), "");
        assert_eq!(last_line(b"one\ntwo\n\n  \n"), "two");
        assert_eq!(last_line(b"==> Starting build()...\n  10%\r  55%\r"), "55%");
        assert_eq!(last_line(b"evil \x1b[2J end\n"), "evil \\e[2J end");
        assert_eq!(last_line(b"cut mid-line"), "cut mid-line");
    }

    #[test]
    fn the_spinner_line_fits_its_width() {
        let line = spinner_line(":: Building foo 1.0-1", 12, "compiling", 80);
        assert_eq!(line, ":: Building foo 1.0-1  0:12  compiling");
        let long = "x".repeat(200);
        let line = spinner_line(":: Building foo 1.0-1", 12, &long, 80);
        assert_eq!(line.chars().count(), 80);
        assert!(
            line.starts_with(":: Building foo 1.0-1  0:12  xxx"),
            "{line}"
        );
        assert!(line.ends_with('…'), "{line}");
        assert_eq!(
            spinner_line(":: Building foo 1.0-1", 0, "", 80),
            ":: Building foo 1.0-1  0:00"
        );
    }

    #[test]
    fn the_end_lines_say_how_long_it_took() {
        assert_eq!(
            end_line("foo 1.0-1", Outcome::Built, 12),
            ":: Built foo 1.0-1 in 12 s"
        );
        assert_eq!(
            end_line("foo 1.0-1", Outcome::Failed, 3),
            ":: Building foo 1.0-1 failed after 3 s"
        );
        let stopped: Result<()> = Err(Error::Interrupted("x".into()));
        assert_eq!(Outcome::of(&stopped).state(), "stopped");
        assert_eq!(Outcome::of(&Ok::<(), Error>(())).state(), "built");
    }
}
