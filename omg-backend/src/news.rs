//! The Arch news: `omg news`, and [`before_update`], the check `omg update` runs first.
//!
//! The feed is `[aur] news_url` (`https://archlinux.org/feeds/news/`), read by
//! `omg_adapters_feeds::news` within bounds. What the user has read is one number in
//! `$XDG_STATE_HOME/omg/news-read` (else `~/.local/state/omg/news-read`): the publication
//! time (Unix seconds) of the newest item shown or acknowledged. An item published after it
//! is unread; with no such file, the items of the last 14 days are.
//!
//! [`before_update`] shows the unread items and marks them read, except when one of them
//! asks for manual intervention (its title says so, as Arch's do): then the upgrade stops
//! until the user has read it with `omg news`. A feed that cannot be had is a warning there,
//! never a failed upgrade.

use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use omg_adapters_feeds::news::{fetch_news, NewsItem};
use omg_adapters_http::{HttpConfig, HttpFetcher};
use omg_cli_core::args::NewsArgs;
use omg_cli_core::render::{escape, now_secs, Output};
use omg_cli_core::{exit, Answer};
use omg_config::Settings;
use omg_ports::{Error, Fetcher, Result};
use serde_json::json;

/// With no record of what was read, items published this recently are unread: 14 days.
pub const FIRST_RUN_WINDOW_SECS: i64 = 14 * 86_400;

/// The largest state file read: 4 KiB (it holds one number).
const MAX_STATE_BYTES: u64 = 4096;

/// The words of a title that stop `omg update` (compared without case).
const MANUAL_INTERVENTION: &str = "manual intervention";

/// `omg news [--all] [--ack]`.
///
/// # Errors
///
/// The configuration's errors, the feed's ([`Error::Download`]: unreachable, too large, not
/// RSS), a state file that is not omg's, and, with `--ack`, a state file that cannot be
/// written.
pub fn run(out: &Output, args: NewsArgs) -> Result<Answer> {
    let settings = Settings::load()?;
    let url = settings.aur_urls().news;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Library {
            library: "tokio".into(),
            message: format!("cannot start the async runtime: {e}"),
        })?;
    let fetcher = fetcher()?;
    let state = state_path();
    runtime.block_on(news(
        &fetcher,
        &url,
        state.as_deref(),
        now_secs(),
        out,
        args,
    ))
}

/// `omg news` on `fetcher`, with the state in `state` (`None`: nowhere to keep it) at time
/// `now`.
///
/// # Errors
///
/// As [`run`].
pub async fn news(
    fetcher: &dyn Fetcher,
    url: &str,
    state: Option<&Path>,
    now: i64,
    out: &Output,
    args: NewsArgs,
) -> Result<Answer> {
    let seen = match state {
        Some(path) => read_state(path)?,
        None => None,
    };
    let items = fetch_news(fetcher, url).await?;
    let unread = unread(&items, seen, now);
    let all: Vec<&NewsItem> = items.iter().collect();
    let shown: &[&NewsItem] = if args.all {
        &all
    } else if args.ack {
        &[]
    } else {
        &unread
    };
    let marked: &[&NewsItem] = if args.ack || args.all { &all } else { &unread };
    let mut stderr = String::new();
    if let Err(e) = mark_read(state, seen, marked) {
        if args.ack {
            return Err(e);
        }
        stderr = warning(&format!("the news read is not remembered: {e}"));
    }
    let stdout = if out.json {
        render_json(shown, &unread)
    } else if args.ack {
        String::new()
    } else if shown.is_empty() {
        if args.all {
            "The news feed has no items.\n".to_string()
        } else {
            "No unread Arch news (omg news --all shows every item).\n".to_string()
        }
    } else {
        render_text(out, shown)
    };
    Ok(Answer {
        stdout,
        stderr,
        code: exit::OK,
    })
}

/// The check before `omg update`: prints the unread Arch news (on stdout, on stderr with
/// `--json`, whose stdout is the transaction's events) and marks it read.
///
/// Call it first thing in the update path, on its async runtime:
/// `omg_backend::news::before_update(out, &Settings::load()?).await?`.
///
/// # Errors
///
/// [`Error::InvalidRequest`] when an unread item's title asks for manual intervention: it
/// is not marked read, and the message says to read it with `omg news` and run
/// `omg update` again. A feed that cannot be fetched or parsed, or a state file that cannot
/// be read or written, is a warning on stderr, never an error.
pub async fn before_update(out: &Output, settings: &Settings) -> Result<()> {
    let url = settings.aur_urls().news;
    let fetcher = match fetcher() {
        Ok(f) => f,
        Err(e) => {
            eprint!(
                "{}",
                warning(&format!("the Arch news was not checked: {e}"))
            );
            return Ok(());
        }
    };
    let state = state_path();
    let (text, warnings, result) =
        check_before_update(&fetcher, &url, state.as_deref(), now_secs(), out).await;
    eprint!("{warnings}");
    if out.json {
        eprint!("{text}");
    } else {
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(text.as_bytes());
        let _ = stdout.flush();
    }
    result
}

/// [`before_update`]'s work without printing: `(the news to print, the warnings, the
/// verdict)`.
pub async fn check_before_update(
    fetcher: &dyn Fetcher,
    url: &str,
    state: Option<&Path>,
    now: i64,
    out: &Output,
) -> (String, String, Result<()>) {
    let mut warnings = String::new();
    let seen = match state.map(read_state).transpose() {
        Ok(seen) => seen.flatten(),
        Err(e) => {
            warnings.push_str(&warning(&format!(
                "{e}; the news of the last 14 days counts as unread"
            )));
            None
        }
    };
    let items = match fetch_news(fetcher, url).await {
        Ok(items) => items,
        Err(e) => {
            warnings.push_str(&warning(&format!(
                "the Arch news was not checked: {}",
                omg_cli_core::render::message(&e)
            )));
            return (String::new(), warnings, Ok(()));
        }
    };
    let unread = unread(&items, seen, now);
    if unread.is_empty() {
        return (String::new(), warnings, Ok(()));
    }
    let text = format!("Unread Arch news:\n\n{}", render_text(out, &unread));
    let manual: Vec<&str> = unread
        .iter()
        .filter(|i| needs_manual_intervention(i))
        .map(|i| i.title.as_str())
        .collect();
    if !manual.is_empty() {
        let titles: Vec<String> = manual
            .iter()
            .map(|t| format!("\"{}\"", escape(t)))
            .collect();
        let error = Error::InvalidRequest(format!(
            "the Arch news asks for manual intervention before this upgrade ({}); read it \
             with `omg news`, do what it says, then run omg update again",
            titles.join(", ")
        ));
        return (text, warnings, Err(error));
    }
    if let Err(e) = mark_read(state, seen, &unread) {
        warnings.push_str(&warning(&format!("the news read is not remembered: {e}")));
    }
    (text, warnings, Ok(()))
}

/// Whether `item`'s title asks for manual intervention (`... requires manual
/// intervention`), in any case.
pub fn needs_manual_intervention(item: &NewsItem) -> bool {
    item.title.to_lowercase().contains(MANUAL_INTERVENTION)
}

/// The items published after `seen`, or with no record, in the last
/// [`FIRST_RUN_WINDOW_SECS`] before `now`; undated items never are.
pub fn unread(items: &[NewsItem], seen: Option<i64>, now: i64) -> Vec<&NewsItem> {
    let after = seen.unwrap_or_else(|| now.saturating_sub(FIRST_RUN_WINDOW_SECS));
    items
        .iter()
        .filter(|i| i.published.is_some_and(|p| p > after))
        .collect()
}

/// Where the state is kept: `$XDG_STATE_HOME/omg/news-read` (an absolute path, as the
/// XDG specification wants), else `$HOME/.local/state/omg/news-read`.
pub fn state_path() -> Option<PathBuf> {
    let absolute = |var: &str| {
        std::env::var_os(var)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    let base =
        absolute("XDG_STATE_HOME").or_else(|| absolute("HOME").map(|h| h.join(".local/state")))?;
    Some(base.join("omg").join("news-read"))
}

/// The newest publication time read, from `path`; `None` when there is no file.
///
/// # Errors
///
/// [`Error::Io`] naming the file when it cannot be read, is not a regular file, is larger
/// than 4 KiB, or does not hold one number (the message says to delete it).
pub fn read_state(path: &Path) -> Result<Option<i64>> {
    let io = |source: std::io::Error| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let not_ours = |why: &str| {
        io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "{why}: not omg's record of the news read; delete it, and omg news writes it anew"
            ),
        ))
    };
    // O_NONBLOCK: a FIFO put there is refused below, never waited on.
    let file = match std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(e)),
    };
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(not_ours("not a regular file"));
    }
    if meta.len() > MAX_STATE_BYTES {
        return Err(not_ours("larger than 4 KiB"));
    }
    let mut text = String::new();
    file.take(MAX_STATE_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|_| not_ours("not text"))?;
    if text.len() as u64 > MAX_STATE_BYTES {
        return Err(not_ours("larger than 4 KiB"));
    }
    text.trim()
        .parse::<i64>()
        .map(Some)
        .map_err(|_| not_ours("not a number of seconds"))
}

/// Writes `seen` to `path` atomically: a new file beside it, renamed over it.
///
/// # Errors
///
/// [`Error::Io`] naming the file or its directory.
pub fn write_state(path: &Path, seen: i64) -> Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let io = |path: &Path, source: std::io::Error| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let tmp = dir.join(format!(".news-read.{}.tmp", std::process::id()));
    let written = (|| {
        let _ = std::fs::remove_file(&tmp);
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o644)
            .open(&tmp)?;
        file.write_all(format!("{seen}\n").as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(path, e));
    }
    Ok(())
}

/// Records `items` as read: the state moves forward to the newest of them (never back).
fn mark_read(state: Option<&Path>, seen: Option<i64>, items: &[&NewsItem]) -> Result<()> {
    let Some(newest) = items.iter().filter_map(|i| i.published).max() else {
        return Ok(());
    };
    if seen.is_some_and(|s| s >= newest) {
        return Ok(());
    }
    let Some(path) = state else {
        return Err(Error::InvalidRequest(
            "neither XDG_STATE_HOME nor HOME is set to an absolute path".into(),
        ));
    };
    write_state(path, newest)
}

fn fetcher() -> Result<HttpFetcher> {
    // Shorter than the downloads' waits: this runs before every upgrade.
    HttpFetcher::new(&HttpConfig {
        connect_timeout: Duration::from_secs(5),
        read_timeout: Duration::from_secs(15),
        ..HttpConfig::default()
    })
}

fn warning(text: &str) -> String {
    format!("omg: warning: {}\n", escape(text))
}

/// `YYYY-MM-DD` (UTC) of a Unix time.
fn day(seconds: i64) -> Option<String> {
    jiff::Timestamp::from_second(seconds)
        .ok()
        .map(|t| t.strftime("%Y-%m-%d").to_string())
}

/// The items as text: the date and title, the link, the summary wrapped to the terminal.
fn render_text(out: &Output, items: &[&NewsItem]) -> String {
    const INDENT: &str = "    ";
    let width = out.width.unwrap_or(80).max(40);
    let mut text = String::new();
    for (n, item) in items.iter().enumerate() {
        if n > 0 {
            text.push('\n');
        }
        let date = item
            .published
            .and_then(day)
            .unwrap_or_else(|| "----------".into());
        let title = if item.title.is_empty() {
            "(untitled)".into()
        } else {
            escape(&item.title)
        };
        let title = if needs_manual_intervention(item) && out.color {
            format!("\x1b[1;31m{title}\x1b[0m")
        } else if out.color {
            format!("\x1b[1m{title}\x1b[0m")
        } else {
            title.into_owned()
        };
        text.push_str(&format!("{date}  {title}\n"));
        if let Some(link) = &item.link {
            text.push_str(&format!("{INDENT}{}\n", escape(link)));
        }
        for line in wrap(&escape(&item.summary), width - INDENT.len()) {
            text.push_str(&format!("{INDENT}{line}\n"));
        }
    }
    text
}

/// `text` cut into lines of at most `room` characters at spaces (a longer word stands alone).
fn wrap(text: &str, room: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut len = 0;
    for word in text.split_whitespace() {
        let w = word.chars().count();
        if len > 0 && len + 1 + w > room {
            lines.push(std::mem::take(&mut line));
            len = 0;
        }
        if len > 0 {
            line.push(' ');
            len += 1;
        }
        line.push_str(word);
        len += w;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The items as a JSON array (docs/json.md, `NewsItem`).
fn render_json(items: &[&NewsItem], unread: &[&NewsItem]) -> String {
    let values: Vec<serde_json::Value> = items
        .iter()
        .map(|item| {
            json!({
                "title": item.title,
                "link": item.link,
                "published": item.published,
                "date": item.published.and_then(day),
                "summary": item.summary,
                "unread": unread.iter().any(|u| std::ptr::eq(*u, *item)),
                "manual_intervention": needs_manual_intervention(item),
            })
        })
        .collect();
    match serde_json::to_string_pretty(&values) {
        Ok(mut s) => {
            s.push('\n');
            s
        }
        Err(e) => format!("{{\"error\":{{\"message\":\"{e}\"}}}}\n"),
    }
}

#[cfg(test)]
mod tests;
