//! `omg news` through the real `omg`: a feed in the Arch news' shape served from 127.0.0.1
//! (`[aur] news_url` through OMG_AUR_NEWS_URL) and the read state in a temporary
//! XDG_STATE_HOME. What happens before `omg update` (a manual-intervention item stops it, an
//! unreachable feed is a warning) is tested on `omg_backend::news` itself.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::path::{Path, PathBuf};

use common::{omg, Run};
use omg_testkit::http::Server;

const DAY: i64 = 86_400;

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

fn rfc2822(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds)
        .unwrap()
        .strftime("%a, %d %b %Y %H:%M:%S +0000")
        .to_string()
}

fn day(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds)
        .unwrap()
        .strftime("%Y-%m-%d")
        .to_string()
}

/// A feed of `(title, published, description)` items, descriptions as escaped HTML the
/// way archlinux.org writes them.
fn feed(items: &[(&str, i64, &str)]) -> String {
    let items: String = items
        .iter()
        .map(|(title, at, html)| {
            format!(
                "<item><title>{title}</title><link>https://archlinux.org/news/{at}/</link>\
                 <description>{}</description><pubDate>{}</pubDate>\
                 <guid isPermaLink=\"false\">tag:archlinux.org,{at}</guid></item>",
                html.replace('&', "&amp;").replace('<', "&lt;"),
                rfc2822(*at)
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\" \
         xmlns:atom=\"http://www.w3.org/2005/Atom\"><channel><title>Arch Linux: Recent news \
         updates</title><link>https://archlinux.org/news/</link>{items}</channel></rss>\n"
    )
}

/// A feed server and a state directory of one test.
struct World {
    server: Server,
    dir: tempfile::TempDir,
}

impl World {
    fn new(body: &str) -> World {
        let server = Server::start();
        server.put("/feeds/news/", body, None, None);
        World {
            server,
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn state_home(&self) -> PathBuf {
        self.dir.path().join("state")
    }

    fn state(&self) -> PathBuf {
        self.state_home().join("omg/news-read")
    }

    fn news(&self, args: &[&str]) -> Run {
        self.news_from(&self.server.url("/feeds/news/"), args)
    }

    fn news_from(&self, url: &str, args: &[&str]) -> Run {
        let mut all = vec!["news"];
        all.extend_from_slice(args);
        let home = self.state_home();
        omg(
            &all,
            &[
                ("OMG_AUR_NEWS_URL", url),
                ("XDG_STATE_HOME", home.to_str().unwrap()),
            ],
        )
    }
}

fn read_state(path: &Path) -> i64 {
    std::fs::read_to_string(path)
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn unread_news_is_shown_once() {
    let now = now();
    let (fresh, recent, old) = (now - DAY, now - 3 * DAY, now - 40 * DAY);
    let w = World::new(&feed(&[
        (
            "Keyring refresh",
            recent,
            "<p>Run <code>pacman-key --refresh-keys</code> &amp; relax.</p>",
        ),
        ("Old news", old, "<p>Long ago.</p>"),
        (
            "Valkey replaces Redis",
            fresh,
            "<p>The <strong>redis</strong> package moves to the AUR.</p>",
        ),
    ]));
    // First run: the last 14 days are unread, newest first.
    let first = w.news(&[]);
    let out = first.ok();
    assert!(
        out.starts_with(&format!("{}  Valkey replaces Redis\n", day(fresh))),
        "{out}"
    );
    assert!(
        out.contains(&format!("\n{}  Keyring refresh\n", day(recent))),
        "{out}"
    );
    assert!(
        out.contains(&format!("    https://archlinux.org/news/{fresh}/\n")),
        "{out}"
    );
    assert!(
        out.contains("    Run pacman-key --refresh-keys & relax.\n"),
        "{out}"
    );
    assert!(!out.contains("Old news"), "{out}");
    assert_eq!(read_state(&w.state()), fresh);
    // Read: nothing the second time.
    let second = w.news(&[]);
    assert!(
        second.ok().starts_with("No unread Arch news"),
        "{}",
        second.stdout
    );
    // A newer item appears: only it is unread.
    let newest = now - 60;
    w.server.put(
        "/feeds/news/",
        feed(&[
            ("Brand new", newest, "<p>Fresh.</p>"),
            ("Valkey replaces Redis", fresh, "<p>x</p>"),
        ]),
        None,
        None,
    );
    let third = w.news(&[]);
    let out = third.ok();
    assert!(out.contains("Brand new"), "{out}");
    assert!(!out.contains("Valkey"), "{out}");
    assert_eq!(read_state(&w.state()), newest);
}

#[test]
fn all_shows_every_item_and_ack_prints_nothing() {
    let now = now();
    let body = feed(&[
        ("Recent", now - 2 * DAY, "<p>r</p>"),
        ("Ancient", now - 400 * DAY, "<p>a</p>"),
    ]);
    let w = World::new(&body);
    let all = w.news(&["--all"]);
    let out = all.ok();
    assert!(out.contains("Recent") && out.contains("Ancient"), "{out}");
    assert!(out.find("Recent") < out.find("Ancient"), "{out}");
    // --all marks everything read, and still shows everything.
    assert!(w.news(&[]).ok().starts_with("No unread"));
    assert!(w.news(&["--all"]).ok().contains("Ancient"));

    let w = World::new(&body);
    assert_eq!(w.news(&["--ack"]).ok(), "");
    assert_eq!(read_state(&w.state()), now - 2 * DAY);
    assert!(w.news(&[]).ok().starts_with("No unread"));
    // --all and --ack together make no sense.
    w.news(&["--all", "--ack"]).expect_code(2);
}

#[test]
fn json_lists_the_items_with_their_state() {
    let now = now();
    let w = World::new(&feed(&[
        (
            "foo 2.0 upgrade requires manual intervention",
            now - DAY,
            "<p>Do <em>this</em>.</p>",
        ),
        ("Ancient", now - 400 * DAY, "<p>a</p>"),
    ]));
    let run = w.news(&["--all", "--json"]);
    run.ok();
    let items = run.json();
    let items = items.as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(
        items[0]["title"],
        "foo 2.0 upgrade requires manual intervention"
    );
    assert_eq!(items[0]["published"], now - DAY);
    assert_eq!(items[0]["date"], day(now - DAY));
    assert_eq!(items[0]["summary"], "Do this.");
    assert_eq!(items[0]["unread"], true);
    assert_eq!(items[0]["manual_intervention"], true);
    assert_eq!(items[1]["unread"], false);
    assert_eq!(items[1]["manual_intervention"], false);
    // Now read: an unread-only list is empty.
    let run = w.news(&["--json"]);
    run.ok();
    assert_eq!(run.json(), serde_json::json!([]));
}

#[test]
fn outside_text_is_escaped() {
    let now = now();
    let w = World::new(&feed(&[(
        "Title with &#27;[31mcolour",
        now - DAY,
        "<p>summary &#x1b;]0;retitled&#7; end</p>",
    )]));
    let run = w.news(&[]);
    let out = run.ok();
    assert!(!out.contains('\x1b') && !out.contains('\x07'), "{out:?}");
    assert!(out.contains("Title with \\e[31mcolour"), "{out}");
    assert!(out.contains("summary \\e]0;retitled\\x07 end"), "{out}");
}

#[test]
fn a_feed_that_cannot_be_had_is_an_error_naming_it() {
    let w = World::new("<html><body>Service Unavailable</body></html>");
    let run = w.news(&[]);
    assert_ne!(run.code, Some(0));
    assert!(run.stderr.contains("not an RSS feed"), "{}", run.stderr);
    assert!(run.stderr.contains("[aur] news_url"), "{}", run.stderr);
    let url = w.server.url("/nothing-here");
    let run = w.news_from(&url, &[]);
    assert_ne!(run.code, Some(0));
    assert!(run.stderr.contains(&url), "{}", run.stderr);
    // Nothing was marked read.
    assert!(!w.state().exists());
}

#[test]
fn news_needs_no_package_backend() {
    let now = now();
    let w = World::new(&feed(&[("Works anywhere", now - DAY, "<p>x</p>")]));
    let url = w.server.url("/feeds/news/");
    let home = w.state_home();
    let run = omg(
        &[
            "--backend",
            "alpm",
            "--config",
            "/nonexistent/pacman.conf",
            "news",
        ],
        &[
            ("OMG_AUR_NEWS_URL", url.as_str()),
            ("XDG_STATE_HOME", home.to_str().unwrap()),
        ],
    );
    assert!(run.ok().contains("Works anywhere"));
}

#[test]
fn a_state_file_that_is_not_ours_is_refused_with_what_to_do() {
    let now = now();
    let w = World::new(&feed(&[("Item", now - DAY, "<p>x</p>")]));
    std::fs::create_dir_all(w.state().parent().unwrap()).unwrap();
    std::fs::write(w.state(), "not a number").unwrap();
    let run = w.news(&[]);
    assert_ne!(run.code, Some(0));
    assert!(run.stderr.contains("news-read"), "{}", run.stderr);
    assert!(run.stderr.contains("delete it"), "{}", run.stderr);
}
