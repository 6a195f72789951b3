//! The Arch news feed (`https://archlinux.org/feeds/news/`, RSS 2.0): [`parse_news`] reads a
//! body within bounds into [`NewsItem`]s, newest first; [`fetch_news`] downloads it through
//! the [`Fetcher`] port first.
//!
//! Every bound is a refusal, never a cut: a body over [`MAX_NEWS_BYTES`], more than
//! [`MAX_NEWS_ITEMS`] items, a field over [`MAX_FIELD_BYTES`] or elements nested deeper than
//! [`MAX_DEPTH`] is a [`NewsError`]; so is a document that is not RSS (an HTML error page, a
//! JSON answer) or is cut short. Only the summary is shortened on purpose: the description's
//! HTML reduced to plain text, at most [`MAX_SUMMARY_CHARS`] characters.
//!
//! An item's `pubDate` that is not an RFC 2822 date leaves [`NewsItem::published`] empty
//! instead of refusing the feed: such an item is listed last and never counts as unread.

use std::fmt::Write as _;

use omg_ports::{Error, FetchOutcome, FetchRequest, Fetcher, Result};
use quick_xml::events::{BytesRef, Event};
use quick_xml::Reader;
use serde::Serialize;
use tracing::debug;

/// The largest news body accepted, in bytes: 4 MiB (the real feed is about 100 KiB).
pub const MAX_NEWS_BYTES: u64 = 4 << 20;
/// The most items a feed may hold (the real one carries the last 10).
pub const MAX_NEWS_ITEMS: usize = 500;
/// The longest field of an item (title, link, description, pubDate, guid), in bytes of
/// text once the XML's escapes are decoded.
pub const MAX_FIELD_BYTES: usize = 64 << 10;
/// The longest summary, in characters (an ellipsis included).
pub const MAX_SUMMARY_CHARS: usize = 600;
/// The deepest nesting of elements accepted.
pub const MAX_DEPTH: usize = 64;

/// One item of the news feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewsItem {
    /// The title, whitespace collapsed (empty when the item has none).
    pub title: String,
    /// The item's page (`<link>`, else a `<guid>` that is a URL).
    pub link: Option<String>,
    /// When it was published: `pubDate` in seconds since the Unix epoch; `None` when the
    /// item has no date or one that is not RFC 2822.
    pub published: Option<i64>,
    /// The description's HTML as plain text: tags removed, entities decoded, whitespace
    /// collapsed, at most [`MAX_SUMMARY_CHARS`] characters (cut ones end in `…`).
    pub summary: String,
}

/// Why a body is not a news feed omg reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NewsError {
    /// The body is larger than [`MAX_NEWS_BYTES`].
    #[error("the feed is {len} bytes, over the limit of {limit}")]
    TooLarge {
        /// The body's size.
        len: u64,
        /// The limit.
        limit: u64,
    },
    /// Well-formed or not, the document is not RSS: another root element, no channel,
    /// text before the root, nothing at all.
    #[error("not an RSS feed: {0}")]
    NotRss(String),
    /// The XML is not well-formed, or it is cut short.
    #[error("not well-formed XML at byte {position}: {reason}")]
    Xml {
        /// Where the reader stopped, in bytes from the start.
        position: u64,
        /// What is wrong (outside text escaped).
        reason: String,
    },
    /// More items than [`MAX_NEWS_ITEMS`].
    #[error("the feed has more than {limit} items")]
    TooManyItems {
        /// The limit.
        limit: usize,
    },
    /// An item's field is longer than [`MAX_FIELD_BYTES`].
    #[error("an item's <{field}> is longer than {limit} bytes")]
    FieldTooLong {
        /// The element (`title`, `description`, ...).
        field: &'static str,
        /// The limit.
        limit: usize,
    },
    /// Elements nested deeper than [`MAX_DEPTH`].
    #[error("elements are nested deeper than {limit}")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
}

impl NewsError {
    /// The ports' error for a feed at `url` that is this: [`Error::Download`] naming the
    /// URL and the `[aur] news_url` key that chose it.
    pub fn into_error(self, url: &str) -> Error {
        Error::Download {
            url: url.to_owned(),
            reason: format!("{self} (is [aur] news_url in config.toml the Arch news feed?)"),
        }
    }
}

/// Downloads the news feed at `url` (at most [`MAX_NEWS_BYTES`]) and parses it.
///
/// # Errors
///
/// The fetcher's [`Error::Download`] (unreachable, an HTTP error, too large), and
/// [`Error::Download`] naming the URL when the body is not a news feed ([`NewsError`]).
pub async fn fetch_news(fetcher: &dyn Fetcher, url: &str) -> Result<Vec<NewsItem>> {
    let request = FetchRequest::new(url, MAX_NEWS_BYTES).labelled("Arch news");
    match fetcher.fetch(&request, None).await? {
        FetchOutcome::Fetched { body, .. } => {
            debug!(url, bytes = body.len(), "news downloaded");
            parse_news(&body).map_err(|e| e.into_error(url))
        }
        FetchOutcome::NotModified => Err(Error::Download {
            url: url.to_owned(),
            reason: "the server answered 304 Not Modified to an unconditional request".into(),
        }),
    }
}

/// The items of an RSS 2.0 body, newest first (items without a date last, in the feed's
/// order).
///
/// # Errors
///
/// [`NewsError`] for a body that is too large, not RSS, not well-formed XML (cut short
/// included), or beyond a bound.
pub fn parse_news(body: &[u8]) -> Result<Vec<NewsItem>, NewsError> {
    let len = body.len() as u64;
    if len > MAX_NEWS_BYTES {
        return Err(NewsError::TooLarge {
            len,
            limit: MAX_NEWS_BYTES,
        });
    }
    let mut items = Parser::default().run(body)?;
    // Stable: items of one date, and the undated ones, keep the feed's order.
    items.sort_by_key(|item| std::cmp::Reverse(item.published.map_or(i128::MIN, i128::from)));
    Ok(items)
}

/// The fields of an item omg reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Title,
    Link,
    Description,
    PubDate,
    Guid,
}

impl Field {
    fn from_name(name: &[u8]) -> Option<Field> {
        Some(match name {
            b"title" => Field::Title,
            b"link" => Field::Link,
            b"description" => Field::Description,
            b"pubDate" => Field::PubDate,
            b"guid" => Field::Guid,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Link => "link",
            Field::Description => "description",
            Field::PubDate => "pubDate",
            Field::Guid => "guid",
        }
    }
}

/// Where the reader is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Elem {
    Rss,
    Channel,
    Item,
    /// A field of an item, or an element inside one (its text belongs to the field).
    Field(Field),
    Other,
}

/// An item's fields as read, XML escapes decoded.
#[derive(Debug, Default)]
struct RawItem {
    title: Option<String>,
    link: Option<String>,
    description: Option<String>,
    pub_date: Option<String>,
    guid: Option<String>,
}

impl RawItem {
    fn slot(&mut self, field: Field) -> &mut Option<String> {
        match field {
            Field::Title => &mut self.title,
            Field::Link => &mut self.link,
            Field::Description => &mut self.description,
            Field::PubDate => &mut self.pub_date,
            Field::Guid => &mut self.guid,
        }
    }

    /// The item, or `None` when it has nothing to show.
    fn finish(self) -> Option<NewsItem> {
        let title = collapse_whitespace(self.title.as_deref().unwrap_or(""));
        let url = |text: Option<String>| {
            text.map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty() && !t.chars().any(char::is_whitespace))
        };
        let link = url(self.link).or_else(|| {
            url(self.guid).filter(|g| g.starts_with("https://") || g.starts_with("http://"))
        });
        let published = self.pub_date.as_deref().and_then(rfc2822_seconds);
        let summary = html_to_text(self.description.as_deref().unwrap_or(""), MAX_SUMMARY_CHARS);
        if title.is_empty() && summary.is_empty() && link.is_none() {
            return None;
        }
        Some(NewsItem {
            title,
            link,
            published,
            summary,
        })
    }
}

#[derive(Default)]
struct Parser {
    path: Vec<Elem>,
    saw_channel: bool,
    item_count: usize,
    item: Option<RawItem>,
    /// The text of the field being read.
    text: String,
    items: Vec<NewsItem>,
}

impl Parser {
    fn run(mut self, body: &[u8]) -> Result<Vec<NewsItem>, NewsError> {
        let mut reader = Reader::from_reader(body);
        let config = reader.config_mut();
        config.check_end_names = true;
        config.expand_empty_elements = false;
        let mut root_seen = false;
        loop {
            let event = reader.read_event().map_err(|e| NewsError::Xml {
                position: reader.error_position(),
                reason: quote(&e.to_string()),
            })?;
            let position = reader.buffer_position();
            match event {
                Event::Start(e) => {
                    root_seen = true;
                    self.open(e.name().as_ref(), false)?;
                }
                Event::Empty(e) => {
                    root_seen = true;
                    self.open(e.name().as_ref(), true)?;
                    self.close()?;
                }
                Event::End(_) => {
                    self.close()?;
                    if self.path.is_empty() {
                        // The root is closed: what follows is not read.
                        break;
                    }
                }
                Event::Text(t) => {
                    let text = t.xml10_content().map_err(|e| xml_error(position, &e))?;
                    self.text_event(&text, root_seen)?;
                }
                Event::CData(c) => {
                    let text = c.decode().map_err(|e| xml_error(position, &e))?;
                    self.text_event(&text, root_seen)?;
                }
                Event::GeneralRef(r) => {
                    let text = resolve_reference(&r)
                        .map_err(|reason| NewsError::Xml { position, reason })?;
                    self.text_event(&text, root_seen)?;
                }
                Event::Eof => {
                    if !root_seen {
                        return Err(NewsError::NotRss("the document has no element".into()));
                    }
                    return Err(NewsError::Xml {
                        position,
                        reason: "the document ends before </rss>: it was cut short".into(),
                    });
                }
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
            }
        }
        if !self.saw_channel {
            return Err(NewsError::NotRss("<rss> holds no <channel>".into()));
        }
        Ok(self.items)
    }

    fn open(&mut self, name: &[u8], empty: bool) -> Result<(), NewsError> {
        if self.path.len() >= MAX_DEPTH {
            return Err(NewsError::TooDeep { limit: MAX_DEPTH });
        }
        let elem = match self.path.last() {
            None if name == b"rss" => Elem::Rss,
            None => {
                return Err(NewsError::NotRss(format!(
                    "the root element is <{}>, not <rss>",
                    quote(&String::from_utf8_lossy(name))
                )))
            }
            Some(Elem::Rss) if name == b"channel" => {
                self.saw_channel = true;
                Elem::Channel
            }
            Some(Elem::Channel) if name == b"item" => {
                self.item_count += 1;
                if self.item_count > MAX_NEWS_ITEMS {
                    return Err(NewsError::TooManyItems {
                        limit: MAX_NEWS_ITEMS,
                    });
                }
                self.item = Some(RawItem::default());
                Elem::Item
            }
            Some(Elem::Item) => match Field::from_name(name) {
                Some(field) => {
                    self.text.clear();
                    Elem::Field(field)
                }
                None => Elem::Other,
            },
            Some(&Elem::Field(field)) => Elem::Field(field),
            Some(_) => Elem::Other,
        };
        if empty && elem == Elem::Rss {
            return Err(NewsError::NotRss("<rss> holds no <channel>".into()));
        }
        self.path.push(elem);
        Ok(())
    }

    fn close(&mut self) -> Result<(), NewsError> {
        let closed = self.path.pop();
        let parent = self.path.last().copied();
        match (closed, parent) {
            // The field itself ends (not an element inside it).
            (Some(Elem::Field(field)), Some(Elem::Item)) => {
                let text = std::mem::take(&mut self.text);
                if let Some(item) = self.item.as_mut() {
                    let slot = item.slot(field);
                    // The first of a repeated field counts.
                    if slot.is_none() {
                        *slot = Some(text);
                    }
                }
            }
            (Some(Elem::Item), _) => {
                if let Some(item) = self.item.take().and_then(RawItem::finish) {
                    self.items.push(item);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn text_event(&mut self, text: &str, root_seen: bool) -> Result<(), NewsError> {
        match self.path.last() {
            Some(&Elem::Field(field)) => {
                if self.text.len() + text.len() > MAX_FIELD_BYTES {
                    return Err(NewsError::FieldTooLong {
                        field: field.name(),
                        limit: MAX_FIELD_BYTES,
                    });
                }
                self.text.push_str(text);
                Ok(())
            }
            None if !text.trim().is_empty() => Err(NewsError::NotRss(if root_seen {
                "text after the root element".into()
            } else {
                "text before the first element".into()
            })),
            _ => Ok(()),
        }
    }
}

/// The text an XML reference stands for: a character reference or one of XML's five
/// entities (an RSS document declares no others).
fn resolve_reference(r: &BytesRef<'_>) -> Result<String, String> {
    if r.is_char_ref() {
        return match r.resolve_char_ref() {
            Ok(Some(c)) => Ok(c.to_string()),
            Ok(None) | Err(_) => Err(format!(
                "an invalid character reference &{};",
                quote(&String::from_utf8_lossy(r))
            )),
        };
    }
    let name = String::from_utf8_lossy(r);
    quick_xml::escape::resolve_xml_entity(&name)
        .map(str::to_owned)
        .ok_or_else(|| format!("an undeclared entity &{};", quote(&name)))
}

fn xml_error(position: u64, error: &impl std::fmt::Display) -> NewsError {
    NewsError::Xml {
        position,
        reason: quote(&error.to_string()),
    }
}

/// The longest piece of outside text quoted in an error, in characters.
const MAX_QUOTED: usize = 120;

/// `text` with control characters written as `\u{..}` and cut at [`MAX_QUOTED`]
/// characters: safe inside an error message.
fn quote(text: &str) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == MAX_QUOTED {
            out.push('…');
            break;
        }
        if c.is_control()
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// Seconds since the epoch of an RFC 2822 date (`Tue, 01 Jul 2025 12:00:00 +0000`, named
/// zones like `GMT` and `EST` too).
fn rfc2822_seconds(text: &str) -> Option<i64> {
    static PARSER: jiff::fmt::rfc2822::DateTimeParser = jiff::fmt::rfc2822::DateTimeParser::new();
    match PARSER.parse_timestamp(text.trim()) {
        Ok(t) => Some(t.as_second()),
        Err(e) => {
            debug!(date = %quote(text), error = %e, "a news item's pubDate is not RFC 2822");
            None
        }
    }
}

/// Runs of whitespace as one space, none at either end.
fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Elements after which text is a new block (a space between their words).
const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "td",
    "th",
    "tr",
    "ul",
];

/// Elements whose content is not text.
const SKIPPED_TAGS: &[&str] = &["script", "style", "template"];

/// The longest entity name looked up (`&CounterClockwiseContourIntegral;` is 31).
const MAX_ENTITY: usize = 40;

/// HTML as plain text: tags removed (the content of script and style too), entities
/// decoded, whitespace collapsed, at most `max_chars` characters; cut text ends in `…`.
pub(crate) fn html_to_text(html: &str, max_chars: usize) -> String {
    let mut text = Text::new(max_chars);
    // ASCII lower-casing keeps every byte offset: tag names are compared on this copy.
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    while i < html.len() && !text.full {
        let rest = &html[i..];
        let Some(c) = rest.chars().next() else {
            break;
        };
        if c == '<' {
            if let Some(skip) = markup_len(&lower[i..]) {
                let tag = tag_name(&lower[i..]);
                if BLOCK_TAGS.contains(&tag.name) {
                    text.space();
                }
                i += skip;
                if !tag.closing && SKIPPED_TAGS.contains(&tag.name) {
                    let end = format!("</{}", tag.name);
                    i = lower[i..].find(&end).map_or(html.len(), |at| {
                        let after = i + at;
                        after + markup_len(&lower[after..]).unwrap_or(lower.len() - after)
                    });
                }
                continue;
            }
        } else if c == '&' {
            if let Some((decoded, len)) = entity(rest) {
                for d in decoded.chars() {
                    text.push(d);
                }
                i += len;
                continue;
            }
        }
        text.push(c);
        i += c.len_utf8();
    }
    text.finish()
}

/// The length of the markup at the start of `lower` (`<` first): a comment, a declaration
/// or processing instruction, or a tag; `None` when the `<` is text (`a < b`).
fn markup_len(lower: &str) -> Option<usize> {
    if let Some(comment) = lower.strip_prefix("<!--") {
        return Some(comment.find("-->").map_or(lower.len(), |at| 4 + at + 3));
    }
    let next = lower[1..].chars().next()?;
    if !(next.is_ascii_alphabetic() || matches!(next, '/' | '!' | '?')) {
        return None;
    }
    // An unterminated tag runs to the end (as browsers drop it).
    Some(lower.find('>').map_or(lower.len(), |at| at + 1))
}

struct Tag<'a> {
    name: &'a str,
    closing: bool,
}

/// The name of the tag at the start of `lower` (`<p class=x>` -> `p`).
fn tag_name(lower: &str) -> Tag<'_> {
    let body = &lower[1..];
    let (closing, body) = match body.strip_prefix('/') {
        Some(b) => (true, b),
        None => (false, body),
    };
    let end = body
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(body.len());
    Tag {
        name: &body[..end],
        closing,
    }
}

/// The character(s) an HTML entity at the start of `text` (`&` first) stands for, and its
/// length; `None` when the `&` is text.
fn entity(text: &str) -> Option<(String, usize)> {
    let end = text
        .char_indices()
        .skip(1)
        .take(MAX_ENTITY + 1)
        .find(|&(_, c)| c == ';')
        .map(|(at, _)| at)?;
    let name = &text[1..end];
    let decoded = if let Some(number) = name.strip_prefix('#') {
        let value = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse::<u32>().ok()?,
        };
        // NUL, surrogates and values past Unicode: the replacement character, as HTML says.
        let c = char::from_u32(value)
            .filter(|&c| c != '\0')
            .unwrap_or('\u{fffd}');
        c.to_string()
    } else {
        quick_xml::escape::resolve_html5_entity(name)?.to_owned()
    };
    Some((decoded, end + 1))
}

/// Plain text being built: whitespace collapsed, bounded.
struct Text {
    out: String,
    chars: usize,
    max: usize,
    pending_space: bool,
    full: bool,
}

impl Text {
    fn new(max: usize) -> Text {
        Text {
            out: String::new(),
            chars: 0,
            max,
            pending_space: false,
            full: false,
        }
    }

    fn space(&mut self) {
        self.pending_space = true;
    }

    fn push(&mut self, c: char) {
        if self.full {
            return;
        }
        if c.is_whitespace() {
            self.pending_space = true;
            return;
        }
        let space = self.pending_space && !self.out.is_empty();
        let needed = 1 + usize::from(space);
        if self.chars + needed > self.max {
            self.cut();
            return;
        }
        if space {
            self.out.push(' ');
        }
        self.pending_space = false;
        self.out.push(c);
        self.chars += needed;
    }

    /// Ends the text with `…` within the bound, at a word's end when one is near.
    fn cut(&mut self) {
        self.full = true;
        if self.max == 0 {
            self.out.clear();
            return;
        }
        // Room for the ellipsis.
        while self.chars + 1 > self.max {
            if self.out.pop().is_none() {
                break;
            }
            self.chars -= 1;
        }
        let tail: String = self.out.chars().rev().take(40).collect();
        if let Some(back) = tail.find(' ') {
            let keep_chars = self.chars - tail[..back].chars().count();
            let cut_at = self
                .out
                .char_indices()
                .nth(keep_chars)
                .map_or(self.out.len(), |(at, _)| at);
            self.out.truncate(cut_at);
            self.chars = keep_chars;
        }
        while self.out.ends_with(' ') {
            self.out.pop();
            self.chars -= 1;
        }
        self.out.push('…');
        self.chars += 1;
    }

    fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests;
