//! Differential tests: search (see main.rs). omg's hits and `apt-cache search`'s on the
//! host, compared as sets of names: every apt-cache hit is an omg hit (but for matches in
//! long descriptions, which omg does not search: docs/parity.md `## Search`), and omg adds
//! at most a few tight fuzzy hits. Provided names are matched (`mail-transport-agent`),
//! nothing found is exit code 1, and `status` counts what `apt list` offers.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::world;

/// Plain words people search for: short and long, a handful of hits and thousands
/// (python3). Each costs apt-cache a full pass over every description, up to half a minute
/// for the words with the most hits, so the list is kept short.
const WORDS: &[&str] = &[
    "tmux", "ripgrep", "python3", "vim", "curl", "openssl", "nginx", "bash", "zsh", "htop",
];

/// The most hits omg may add to apt-cache's for a plain word (tight fuzzy matches).
const HANDFUL: usize = 5;

/// omg's hits: name -> match kind, from `--json search ...`.
fn omg_hits(args: &[&str]) -> (Option<i32>, BTreeMap<String, String>) {
    let run = world::omg(args);
    let json = run.json();
    let hits = json["hits"]
        .as_array()
        .unwrap_or_else(|| panic!("no hits array: {json}"))
        .iter()
        .map(|h| {
            (
                h["package"]["name"].as_str().expect("name").to_string(),
                h["kind"].as_str().expect("kind").to_string(),
            )
        })
        .collect();
    (run.code, hits)
}

/// apt-cache search's hits (`name - summary` lines); `None` without apt-cache.
fn apt_hits(words: &[&str]) -> Option<BTreeSet<String>> {
    let mut args = vec!["search"];
    args.extend_from_slice(words);
    let out = world::tool_stdout("apt-cache", &args)?;
    Some(
        out.lines()
            .filter_map(|l| l.split(" - ").next())
            .map(str::to_string)
            .collect(),
    )
}

/// The long descriptions (after the summary line) of `names`' candidates, lower-cased.
fn long_descriptions(names: &[&String]) -> BTreeMap<String, String> {
    let mut args = vec!["show", "--no-all-versions"];
    args.extend(names.iter().map(|n| n.as_str()));
    let text = world::tool_stdout("apt-cache", &args).unwrap_or_default();
    let mut out = BTreeMap::new();
    for stanza in text.split("\n\n") {
        let Some(name) = stanza
            .lines()
            .find_map(|l| l.strip_prefix("Package: "))
            .map(str::to_string)
        else {
            continue;
        };
        let long: String = stanza
            .lines()
            .skip_while(|l| !l.starts_with("Description"))
            .skip(1)
            .take_while(|l| l.starts_with(' '))
            .collect::<Vec<_>>()
            .join("\n");
        out.insert(name, long.to_lowercase());
    }
    out
}

#[test]
fn plain_words_find_what_apt_cache_finds_and_at_most_a_handful_more() {
    let mut report = Vec::new();
    let mut compared = 0;
    for word in WORDS {
        let Some(peer) = apt_hits(&[word]) else {
            return;
        };
        let (code, hits) = omg_hits(&["--json", "search", word]);
        let missing: Vec<&String> = peer.iter().filter(|n| !hits.contains_key(*n)).collect();
        if !missing.is_empty() {
            // apt-cache also searches the long description; omg the summary line only.
            let long = long_descriptions(&missing);
            for name in &missing {
                assert!(
                    long.get(*name).is_some_and(|d| d.contains(word)),
                    "{word}: apt-cache search finds {name}, omg does not"
                );
            }
        }
        let extra: Vec<(&String, &String)> =
            hits.iter().filter(|(n, _)| !peer.contains(*n)).collect();
        assert!(
            extra.iter().all(|(_, kind)| *kind == "fuzzy"),
            "{word}: omg hits apt-cache does not have that are not fuzzy: {extra:?}"
        );
        assert!(
            extra.len() <= HANDFUL,
            "{word}: omg adds {} hits to apt-cache's {}: {:?}",
            extra.len(),
            peer.len(),
            &extra[..extra.len().min(20)]
        );
        assert_eq!(code, Some(if hits.is_empty() { 1 } else { 0 }), "{word}");
        compared += usize::from(!peer.is_empty());
        report.push(format!(
            "{word}: apt-cache {} omg {} (long descriptions only: {})",
            peer.len(),
            hits.len(),
            missing.len()
        ));
    }
    println!("{}", report.join("\n"));
    assert!(
        compared >= WORDS.len() / 2,
        "too few words found: {report:?}"
    );
}

/// What packages provide is matched like apt-cache search does: `mail-transport-agent`
/// finds the MTAs, which rank as `provides` matches unless their name or summary has it.
#[test]
fn provided_names_are_found_like_apt_cache() {
    for word in [
        "mail-transport-agent",
        "java-runtime",
        "x-terminal-emulator",
    ] {
        let Some(peer) = apt_hits(&[word]) else {
            return;
        };
        let (code, hits) = omg_hits(&["--json", "search", word]);
        let names: BTreeSet<String> = hits.keys().cloned().collect();
        assert_eq!(names, peer, "{word}");
        assert_eq!(code, Some(if peer.is_empty() { 1 } else { 0 }), "{word}");
        if word == "mail-transport-agent" {
            assert!(
                hits.values().filter(|k| *k == "provides").count() >= 3,
                "{word}: {hits:?}"
            );
        }
    }
}

/// Nothing found: exit code 1 like pacman -Ss (apt-cache search exits 0: docs/parity.md),
/// nothing on stdout; `--limit 0` is no limit; `status` counts `apt list`'s packages but
/// those installed from no repository (`[installed,local]`).
#[test]
fn nothing_found_limit_0_and_the_available_count() {
    let nothing = "zzqxjvwnothingmatchesthis";
    let Some(peer) = apt_hits(&[nothing]) else {
        return;
    };
    assert!(peer.is_empty());
    let run = world::omg(&["search", nothing]);
    run.expect_code(1);
    assert_eq!(run.stdout, "");
    let (code, hits) = omg_hits(&["--json", "search", nothing]);
    assert_eq!((code, hits.len()), (Some(1), 0));
    let (_, all) = omg_hits(&["--json", "search", "tmux"]);
    let (_, zero) = omg_hits(&["--json", "search", "tmux", "--limit", "0"]);
    assert!(!all.is_empty());
    assert_eq!(zero, all);
    let Some(list) = world::tool_stdout("apt", &["list"]) else {
        return;
    };
    let offered = list
        .lines()
        .filter(|l| l.contains('/') && !l.contains("local]"))
        .count();
    let status = world::omg(&["--json", "status"]).json();
    assert_eq!(status["available"].as_u64(), Some(offered as u64));
}

/// `--json search`'s hits carry `provides` (docs/json.md).
#[test]
fn the_json_carries_provides() {
    let Some(_) = apt_hits(&["mail-transport-agent"]) else {
        return;
    };
    let run = world::omg(&["--json", "search", "mail-transport-agent"]);
    let json = run.json();
    for hit in json["hits"].as_array().expect("hits") {
        let provides = hit["package"]["provides"].as_array().expect("provides");
        assert!(provides.iter().all(Value::is_string), "{hit}");
        if hit["kind"] == "provides" {
            assert!(
                provides.iter().any(|p| p
                    .as_str()
                    .is_some_and(|p| p.contains("mail-transport-agent"))),
                "{hit}"
            );
        }
    }
}
