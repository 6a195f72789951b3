use omg_testkit::http::Server;

use super::*;

const DAY: i64 = 86_400;
/// "Now" in these tests: 2025-11-10T00:00:00Z.
const NOW: i64 = 1_762_732_800;

fn rfc2822(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds)
        .unwrap()
        .strftime("%a, %d %b %Y %H:%M:%S +0000")
        .to_string()
}

/// A feed of `(title, published)` items.
fn feed(items: &[(&str, i64)]) -> String {
    let items: String = items
        .iter()
        .map(|(title, at)| {
            format!(
                "<item><title>{title}</title><link>https://archlinux.org/news/{at}/</link>\
                 <description>&lt;p&gt;About {title}.&lt;/p&gt;</description>\
                 <pubDate>{}</pubDate></item>",
                rfc2822(*at)
            )
        })
        .collect();
    format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Arch</title>{items}</channel></rss>")
}

fn http() -> HttpFetcher {
    HttpFetcher::new(&HttpConfig::default()).unwrap()
}

#[test]
fn unread_is_after_the_state_or_within_the_first_run_window() {
    let item = |title: &str, published: Option<i64>| NewsItem {
        title: title.into(),
        link: None,
        published,
        summary: String::new(),
    };
    let items = [
        item("new", Some(NOW - DAY)),
        item("old", Some(NOW - 20 * DAY)),
        item("undated", None),
    ];
    let titles = |v: Vec<&NewsItem>| v.iter().map(|i| i.title.clone()).collect::<Vec<_>>();
    assert_eq!(titles(unread(&items, None, NOW)), ["new"]);
    assert_eq!(
        titles(unread(&items, Some(NOW - 30 * DAY), NOW)),
        ["new", "old"]
    );
    assert_eq!(
        titles(unread(&items, Some(NOW - DAY), NOW)),
        Vec::<String>::new()
    );
    assert!(needs_manual_intervention(&item(
        "foo>=1.2 upgrade requires Manual Intervention",
        None
    )));
    assert!(!needs_manual_intervention(&item(
        "manual pages moved",
        None
    )));
}

#[test]
fn the_state_is_written_atomically_and_read_within_bounds() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("omg/news-read");
    assert_eq!(read_state(&path).unwrap(), None);
    write_state(&path, 1234).unwrap();
    assert_eq!(read_state(&path).unwrap(), Some(1234));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "1234\n");
    write_state(&path, 99).unwrap();
    assert_eq!(read_state(&path).unwrap(), Some(99));
    // Nothing left beside it.
    let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["news-read"]);

    std::fs::write(&path, "yesterday\n").unwrap();
    let e = read_state(&path).unwrap_err().to_string();
    assert!(e.contains("delete it"), "{e}");
    std::fs::write(&path, "1".repeat(5000)).unwrap();
    assert!(read_state(&path).unwrap_err().to_string().contains("4 KiB"));
    std::fs::remove_file(&path).unwrap();
    std::fs::create_dir(&path).unwrap();
    assert!(read_state(&path)
        .unwrap_err()
        .to_string()
        .contains("not a regular file"));
    std::fs::remove_dir(&path).unwrap();
    let fifo = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    assert!(read_state(&path)
        .unwrap_err()
        .to_string()
        .contains("not a regular file"));
}

#[tokio::test(flavor = "current_thread")]
async fn before_update_shows_marks_and_then_is_quiet() {
    let server = Server::start();
    server.put(
        "/feeds/news/",
        feed(&[("New keyring", NOW - DAY), ("Old news", NOW - 30 * DAY)]),
        None,
        None,
    );
    let url = server.url("/feeds/news/");
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("omg/news-read");
    let out = Output::default();
    let (text, warnings, result) =
        check_before_update(&http(), &url, Some(&state), NOW, &out).await;
    result.unwrap();
    assert_eq!(warnings, "");
    assert!(text.contains("New keyring"), "{text}");
    assert!(text.contains("About New keyring."), "{text}");
    assert!(!text.contains("Old news"), "{text}");
    assert_eq!(read_state(&state).unwrap(), Some(NOW - DAY));
    let (text, warnings, result) =
        check_before_update(&http(), &url, Some(&state), NOW, &out).await;
    result.unwrap();
    assert_eq!((text.as_str(), warnings.as_str()), ("", ""));
}

#[tokio::test(flavor = "current_thread")]
async fn before_update_refuses_on_manual_intervention_until_read() {
    let server = Server::start();
    server.put(
        "/news",
        feed(&[
            (
                "linux-firmware &gt;= 20250508 upgrade requires manual intervention",
                NOW - DAY,
            ),
            ("Something else", NOW - 2 * DAY),
        ]),
        None,
        None,
    );
    let url = server.url("/news");
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("news-read");
    let out = Output::default();
    for _ in 0..2 {
        let (text, _, result) = check_before_update(&http(), &url, Some(&state), NOW, &out).await;
        let e = result.unwrap_err();
        assert_eq!(exit::code(&e), exit::USAGE);
        let message = e.to_string();
        assert!(message.contains("omg news"), "{message}");
        assert!(message.contains("omg update again"), "{message}");
        assert!(message.contains("linux-firmware >= 20250508"), "{message}");
        assert!(text.contains("Something else"), "{text}");
        // Not marked read: the next update stops again.
        assert_eq!(read_state(&state).unwrap(), None);
    }
    // `omg news` shows it and marks it read; the update goes on.
    let answer = news(
        &http(),
        &url,
        Some(&state),
        NOW,
        &out,
        NewsArgs {
            all: false,
            ack: false,
        },
    )
    .await
    .unwrap();
    assert!(
        answer.stdout.contains("requires manual intervention"),
        "{}",
        answer.stdout
    );
    let (text, _, result) = check_before_update(&http(), &url, Some(&state), NOW, &out).await;
    result.unwrap();
    assert_eq!(text, "");
}

#[tokio::test(flavor = "current_thread")]
async fn an_unusable_feed_is_a_warning_before_an_update() {
    let server = Server::start();
    server.put(
        "/html",
        "<!DOCTYPE html><html><body>maintenance</body></html>",
        None,
        None,
    );
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("news-read");
    let out = Output::default();
    for url in [
        server.url("/html"),
        server.url("/missing"),
        // Nothing listens on port 9 (discard) of the loopback in the test environment.
        "http://127.0.0.1:9/feeds/news/".to_string(),
    ] {
        let (text, warnings, result) =
            check_before_update(&http(), &url, Some(&state), NOW, &out).await;
        result.unwrap();
        assert_eq!(text, "");
        assert!(
            warnings.starts_with("omg: warning: the Arch news was not checked:"),
            "{warnings}"
        );
        assert!(warnings.contains(&url), "{warnings}");
    }
    // A broken state file is a warning too, and the window's news counts as unread.
    server.put("/feed", feed(&[("Fresh", NOW - DAY)]), None, None);
    std::fs::write(&state, "garbage").unwrap();
    let (text, warnings, result) =
        check_before_update(&http(), &server.url("/feed"), Some(&state), NOW, &out).await;
    result.unwrap();
    assert!(text.contains("Fresh"), "{text}");
    assert!(warnings.contains("delete it"), "{warnings}");
}

#[test]
fn text_is_escaped_and_wrapped() {
    let item = NewsItem {
        title: "evil\x1b]0;title\x07".into(),
        link: Some("https://a.example/\x1b[2J".into()),
        published: Some(NOW),
        summary: "word ".repeat(40).trim_end().to_string(),
    };
    let out = Output {
        width: Some(40),
        ..Output::default()
    };
    let text = render_text(&out, &[&item]);
    assert!(!text.contains('\x1b'), "{text:?}");
    assert!(
        text.starts_with("2025-11-10  evil\\e]0;title\\x07\n"),
        "{text}"
    );
    for line in text.lines() {
        assert!(line.chars().count() <= 40, "{line:?}");
    }
    assert_eq!(wrap("a bb ccc", 4), ["a bb", "ccc"]);
    assert_eq!(
        wrap("averyveryverylongword x", 4),
        ["averyveryverylongword", "x"]
    );
    assert_eq!(wrap("", 4), Vec::<String>::new());
}
