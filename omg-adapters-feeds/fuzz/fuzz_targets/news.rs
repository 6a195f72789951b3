//! One news body's bytes into the parser (`omg_adapters_feeds::news::parse_news`): no panic;
//! at most 500 items, each field within its bound, the summary within its characters,
//! newest first; errors without control characters.
#![no_main]

use libfuzzer_sys::fuzz_target;
use omg_adapters_feeds::news::{
    parse_news, MAX_FIELD_BYTES, MAX_NEWS_ITEMS, MAX_SUMMARY_CHARS,
};

fuzz_target!(|data: &[u8]| {
    match parse_news(data) {
        Err(e) => {
            let text = e.to_string();
            assert!(!text.chars().any(char::is_control), "{text:?}");
        }
        Ok(items) => {
            assert!(items.len() <= MAX_NEWS_ITEMS);
            for item in &items {
                assert!(item.title.len() <= MAX_FIELD_BYTES);
                assert!(item.link.as_ref().is_none_or(|l| l.len() <= MAX_FIELD_BYTES));
                assert!(item.summary.chars().count() <= MAX_SUMMARY_CHARS);
            }
            let dates: Vec<i128> = items
                .iter()
                .map(|i| i.published.map_or(i128::MIN, i128::from))
                .collect();
            assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
        }
    }
});
