use proptest::prelude::*;

use super::*;

/// A feed in the shape archlinux.org serves: an XML declaration, the Atom namespace, a
/// channel with its own title/link/description, items whose description is escaped HTML,
/// a `dc:creator` and a `guid` that is a tag URI.
const ARCH_SHAPE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>Arch Linux: Recent news updates</title><link>https://archlinux.org/news/</link><description>The latest and greatest news from the Arch Linux distribution.</description><atom:link href="https://archlinux.org/feeds/news/" rel="self"></atom:link><language>en-us</language><lastBuildDate>Mon, 03 Nov 2025 10:00:00 +0000</lastBuildDate>
<item><title>Older tool 2.0 ships a new config format</title><link>https://archlinux.org/news/older-tool/</link><description>&lt;p&gt;Tool &amp;amp; friends moved to &lt;code&gt;/etc/tool.d&lt;/code&gt;.&lt;/p&gt;</description><dc:creator xmlns:dc="http://purl.org/dc/elements/1.1/">A Packager</dc:creator><pubDate>Wed, 01 Oct 2025 08:30:00 +0000</pubDate><guid isPermaLink="false">tag:archlinux.org,2025-10-01:/news/older-tool/</guid></item>
<item><title>libfoo&gt;=3 update requires manual intervention</title><link>https://archlinux.org/news/libfoo-manual/</link><description><![CDATA[<p>Upgrading <strong>libfoo</strong> needs   a manual step:</p>
<pre><code>pacman -Syu --overwrite '/usr/lib/libfoo*'</code></pre>
<p>See the&nbsp;wiki &mdash; it&rsquo;s short.</p>]]></description><dc:creator xmlns:dc="http://purl.org/dc/elements/1.1/">Another Packager</dc:creator><pubDate>Sun, 02 Nov 2025 18:05:09 +0000</pubDate><guid isPermaLink="false">tag:archlinux.org,2025-11-02:/news/libfoo-manual/</guid></item>
</channel></rss>
"#;

fn parse(text: &str) -> Result<Vec<NewsItem>, NewsError> {
    parse_news(text.as_bytes())
}

fn rss(items: &str) -> String {
    format!("<rss version=\"2.0\"><channel><title>t</title>{items}</channel></rss>")
}

#[test]
fn the_arch_shape_is_read_newest_first() {
    let items = parse(ARCH_SHAPE).unwrap();
    assert_eq!(items.len(), 2);
    let newest = &items[0];
    assert_eq!(
        newest.title,
        "libfoo>=3 update requires manual intervention"
    );
    assert_eq!(
        newest.link.as_deref(),
        Some("https://archlinux.org/news/libfoo-manual/")
    );
    // 2025-11-02T18:05:09Z
    assert_eq!(newest.published, Some(1_762_106_709));
    assert_eq!(
        newest.summary,
        "Upgrading libfoo needs a manual step: pacman -Syu --overwrite '/usr/lib/libfoo*' \
         See the wiki \u{2014} it\u{2019}s short."
    );
    let older = &items[1];
    assert_eq!(older.title, "Older tool 2.0 ships a new config format");
    // Escaped HTML: the XML escapes decoded first, then the HTML's own (&amp;amp; -> &).
    assert_eq!(older.summary, "Tool & friends moved to /etc/tool.d.");
    assert_eq!(older.published, Some(1_759_307_400));
}

#[test]
fn named_zones_and_offsets_are_read_as_rfc_2822_says() {
    let item = |date: &str| {
        let items = parse(&rss(&format!(
            "<item><title>x</title><pubDate>{date}</pubDate></item>"
        )))
        .unwrap();
        items[0].published
    };
    let utc = Some(1_762_106_709);
    assert_eq!(item("Sun, 02 Nov 2025 18:05:09 +0000"), utc);
    assert_eq!(item("Sun, 02 Nov 2025 18:05:09 GMT"), utc);
    assert_eq!(item("Sun, 02 Nov 2025 18:05:09 UT"), utc);
    assert_eq!(item("Sun, 02 Nov 2025 13:05:09 EST"), utc);
    assert_eq!(item("Sun, 02 Nov 2025 20:05:09 +0200"), utc);
    assert_eq!(item("  2 Nov 2025 18:05:09 -0000 "), utc);
    // Not RFC 2822: the item is kept, without a date.
    assert_eq!(item("2025-11-02T18:05:09Z"), None);
    assert_eq!(item("yesterday"), None);
}

#[test]
fn missing_fields_leave_the_item_with_what_it_has() {
    let items = parse(&rss(
        "<item><title>only a title</title></item>\
         <item><description>&lt;p&gt;no title&lt;/p&gt;</description>\
           <guid isPermaLink=\"true\">https://example.org/n/1</guid></item>\
         <item><guid>tag:example.org,2025:/x</guid></item>\
         <item/>\
         <item><title>dated</title><pubDate>Sun, 02 Nov 2025 18:05:09 +0000</pubDate></item>",
    ))
    .unwrap();
    // An item with nothing to show is dropped; the dated one comes first, the undated ones
    // keep the feed's order.
    let titles: Vec<&str> = items.iter().map(|i| i.title.as_str()).collect();
    assert_eq!(titles, ["dated", "only a title", ""]);
    assert_eq!(items[1].link, None);
    assert_eq!(items[1].summary, "");
    assert_eq!(items[1].published, None);
    // A guid that is a URL stands for the missing link.
    assert_eq!(items[2].link.as_deref(), Some("https://example.org/n/1"));
    assert_eq!(items[2].summary, "no title");
}

#[test]
fn a_feed_without_items_is_empty_not_an_error() {
    assert_eq!(parse(&rss("")).unwrap(), []);
    assert_eq!(parse("<rss><channel/></rss>").unwrap(), []);
}

#[test]
fn prefixed_and_unknown_elements_are_not_taken_for_fields() {
    let items = parse(&rss(
        "<item><atom:link href=\"https://evil.example/\"/><title>t</title>\
         <media:title>not this</media:title><link>https://a.example/</link>\
         <category><title>nested, ignored</title></category></item>",
    ))
    .unwrap();
    assert_eq!(items[0].title, "t");
    assert_eq!(items[0].link.as_deref(), Some("https://a.example/"));
}

#[test]
fn not_rss_is_refused_with_a_typed_error() {
    let not_rss = [
        "",
        "   ",
        "{\"items\": []}",
        "<!DOCTYPE html><html><body>502 Bad Gateway</body></html>",
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry/></feed>",
        "<rss version=\"2.0\"></rss>",
        "<rss/>",
        "hello <rss><channel/></rss>",
    ];
    for body in not_rss {
        match parse(body) {
            Err(NewsError::NotRss(_)) => {}
            other => panic!("{body:?}: {other:?}"),
        }
    }
}

#[test]
fn truncated_or_broken_xml_is_refused() {
    let whole = ARCH_SHAPE;
    for cut in [60, 200, whole.len() / 2, whole.len() - 30, whole.len() - 8] {
        let mut at = cut;
        while !whole.is_char_boundary(at) {
            at -= 1;
        }
        match parse(&whole[..at]) {
            Err(NewsError::Xml { .. }) => {}
            other => panic!("cut at {at}: {other:?}"),
        }
    }
    for body in [
        "<rss><channel><item><title>x</link></item></channel></rss>",
        "<rss><channel><item><title>a &bogus; b</title></item></channel></rss>",
        "<rss><channel><item><title>&#0;</title></item></channel></rss>",
        "<rss><channel><item><title>\u{1}<</title></item></channel></rss>",
    ] {
        match parse(body) {
            Err(NewsError::Xml { reason, .. }) => {
                assert!(!reason.chars().any(char::is_control), "{reason:?}");
            }
            other => panic!("{body:?}: {other:?}"),
        }
    }
    // Not UTF-8.
    let mut latin1 = b"<rss><channel><item><title>caf".to_vec();
    latin1.extend_from_slice(&[0xe9]);
    latin1.extend_from_slice(b"</title></item></channel></rss>");
    assert!(matches!(parse_news(&latin1), Err(NewsError::Xml { .. })));
}

#[test]
fn bounds_are_refusals() {
    let many = "<item><title>x</title></item>".repeat(MAX_NEWS_ITEMS + 1);
    assert_eq!(
        parse(&rss(&many)),
        Err(NewsError::TooManyItems {
            limit: MAX_NEWS_ITEMS
        })
    );
    let enough = "<item><title>x</title></item>".repeat(MAX_NEWS_ITEMS);
    assert_eq!(parse(&rss(&enough)).unwrap().len(), MAX_NEWS_ITEMS);

    let long = format!(
        "<item><description>{}</description></item>",
        "a".repeat(MAX_FIELD_BYTES + 1)
    );
    assert_eq!(
        parse(&rss(&long)),
        Err(NewsError::FieldTooLong {
            field: "description",
            limit: MAX_FIELD_BYTES
        })
    );
    // Escapes count once decoded, and text split by references adds up.
    let refs = format!(
        "<item><title>{}</title></item>",
        "&amp;".repeat(MAX_FIELD_BYTES + 1)
    );
    assert!(matches!(
        parse(&rss(&refs)),
        Err(NewsError::FieldTooLong { field: "title", .. })
    ));

    let deep = format!(
        "<rss><channel><item><title>{}x{}</title></item></channel></rss>",
        "<b>".repeat(MAX_DEPTH),
        "</b>".repeat(MAX_DEPTH)
    );
    assert_eq!(parse(&deep), Err(NewsError::TooDeep { limit: MAX_DEPTH }));

    let huge = vec![b' '; usize::try_from(MAX_NEWS_BYTES).unwrap() + 1];
    assert!(matches!(parse_news(&huge), Err(NewsError::TooLarge { .. })));
}

#[test]
fn html_becomes_plain_text() {
    let t = |html: &str| html_to_text(html, MAX_SUMMARY_CHARS);
    assert_eq!(t("<p>a</p><p>b</p>"), "a b");
    assert_eq!(t("in<b>line</b> <i>words</i>"), "inline words");
    assert_eq!(t("x<br/>y<br>z"), "x y z");
    assert_eq!(t("1 &lt; 2 &amp;&amp; 3 &gt; 2"), "1 < 2 && 3 > 2");
    assert_eq!(t("&#65;&#x42;&#X43; &hellip;"), "ABC \u{2026}");
    assert_eq!(t("a < b and c <3"), "a < b and c <3");
    assert_eq!(t("&unknown; & &;"), "&unknown; & &;");
    assert_eq!(t("&#0;&#xd800;&#99999999;"), "\u{fffd}\u{fffd}\u{fffd}");
    assert_eq!(t("<!-- hidden <p> -->shown"), "shown");
    assert_eq!(
        t("<script>alert('x')</script>text<STYLE>p{}</STYLE> more"),
        "text more"
    );
    assert_eq!(t("<p class=\"x\">  spaced \n\t out  </p>"), "spaced out");
    assert_eq!(t("cut <a href=\"x"), "cut");
    assert_eq!(t("<script>never closed"), "");
}

#[test]
fn long_summaries_are_cut_at_a_word_within_the_bound() {
    let words = "word ".repeat(400);
    let s = html_to_text(&words, MAX_SUMMARY_CHARS);
    assert!(
        s.chars().count() <= MAX_SUMMARY_CHARS,
        "{}",
        s.chars().count()
    );
    assert!(s.ends_with("word…"), "{s}");
    let one = "x".repeat(1000);
    let s = html_to_text(&one, 10);
    assert_eq!(s, "xxxxxxxxx…");
    assert_eq!(html_to_text("short", 10), "short");
    assert_eq!(html_to_text("exactly10!", 10), "exactly10!");
    assert_eq!(html_to_text("abc", 0), "");
}

#[test]
fn errors_convert_to_a_download_error_naming_the_key() {
    let e = NewsError::NotRss("x".into()).into_error("http://127.0.0.1/feed");
    let text = e.to_string();
    assert!(text.contains("http://127.0.0.1/feed"), "{text}");
    assert!(text.contains("[aur] news_url"), "{text}");
}

fn check_items(items: &[NewsItem]) {
    assert!(items.len() <= MAX_NEWS_ITEMS);
    for item in items {
        assert!(item.title.len() <= MAX_FIELD_BYTES);
        assert!(item
            .link
            .as_ref()
            .is_none_or(|l| l.len() <= MAX_FIELD_BYTES));
        assert!(item.summary.chars().count() <= MAX_SUMMARY_CHARS);
        assert_eq!(item.title.trim(), item.title);
    }
    let dates: Vec<i128> = items
        .iter()
        .map(|i| i.published.map_or(i128::MIN, i128::from))
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any bytes: an answer or an error, never a panic; errors without control characters.
    #[test]
    fn any_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..2048)) {
        match parse_news(&body) {
            Ok(items) => check_items(&items),
            Err(e) => prop_assert!(!e.to_string().chars().any(char::is_control)),
        }
    }

    /// Mutations of a real-shaped feed (bytes replaced, the body cut): never a panic.
    #[test]
    fn mutated_feeds_never_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut body = ARCH_SHAPE.as_bytes().to_vec();
        for (at, byte) in edits {
            let i = at.index(body.len());
            body[i] = byte;
        }
        let end = cut.index(body.len() + 1);
        if let Ok(items) = parse_news(&body[..end]) {
            check_items(&items);
        }
    }

    /// Items with arbitrary text in every field: read within bounds.
    #[test]
    fn arbitrary_fields_stay_within_bounds(
        fields in proptest::collection::vec(("\\PC{0,80}", "\\PC{0,400}", "\\PC{0,40}"), 0..20),
    ) {
        let escape = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;");
        let items: String = fields
            .iter()
            .map(|(title, description, date)| {
                format!(
                    "<item><title>{}</title><description>{}</description><pubDate>{}</pubDate></item>",
                    escape(title),
                    escape(description),
                    escape(date)
                )
            })
            .collect();
        if let Ok(items) = parse(&rss(&items)) {
            check_items(&items);
        }
    }

    /// The HTML reduction on any text: within the bound, no runs of whitespace.
    #[test]
    fn html_to_text_is_bounded(html in "\\PC{0,1500}", max in 0usize..700) {
        let text = html_to_text(&html, max);
        prop_assert!(text.chars().count() <= max);
        prop_assert!(!text.contains("  "));
        prop_assert_eq!(text.trim(), text.as_str());
    }
}
