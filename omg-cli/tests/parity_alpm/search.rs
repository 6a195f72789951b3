//! Differential tests: search (see main.rs). omg's hits and pacman -Ss's on the same root,
//! compared as sets of (repository, name): every pacman hit is an omg hit (but for group
//! matches, see docs/parity.md `## Search`), and omg adds at most a few tight fuzzy hits.
//! Provided names are matched, a name in two repositories is two hits, nothing found is exit
//! code 1, `--limit 0` is no limit, and the JSON has its documented shape.

use std::collections::BTreeSet;

use omg_testkit::alpm::{FixturePackage, FixtureRoot};
use serde_json::Value;

use crate::common::Run;
use crate::world::{self, World};

/// Plain words people search for; most occur in the generated root's names, some only in
/// descriptions.
const WORDS: &[&str] = &[
    "tmux",
    "ripgrep",
    "python3",
    "vim",
    "curl",
    "openssl",
    "nginx",
    "bash",
    "emacs",
    "gcc",
    "git",
    "firefox",
    "zsh",
    "htop",
    "perl",
    "docker",
    "postgresql",
    "wireshark",
];

/// The most hits omg may add to pacman's for a plain word (tight fuzzy matches).
const HANDFUL: usize = 5;

/// One hit of omg's `--json search`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Hit {
    repository: String,
    name: String,
    kind: String,
}

/// omg's hits, in its order, from `--json search ...`.
fn omg_hits(run: &Run) -> Vec<Hit> {
    let json = run.json();
    json["hits"]
        .as_array()
        .unwrap_or_else(|| panic!("no hits array: {json}"))
        .iter()
        .map(|h| Hit {
            repository: h["package"]["repository"]
                .as_str()
                .expect("repository")
                .into(),
            name: h["package"]["name"].as_str().expect("name").into(),
            kind: h["kind"].as_str().expect("kind").into(),
        })
        .collect()
}

/// pacman -Ss's hits: the `repository/name version ...` lines.
fn pacman_hits(run: &Run) -> BTreeSet<(String, String)> {
    run.stdout
        .lines()
        .filter(|l| !l.starts_with(' ') && !l.is_empty())
        .map(|l| {
            let head = l.split(' ').next().unwrap_or_default();
            let (repo, name) = head
                .split_once('/')
                .unwrap_or_else(|| panic!("not a pacman -Ss line: {l:?}"));
            (repo.to_string(), name.to_string())
        })
        .collect()
}

fn pairs(hits: &[Hit]) -> BTreeSet<(String, String)> {
    hits.iter()
        .map(|h| (h.repository.clone(), h.name.clone()))
        .collect()
}

/// The package `name` of `repo` as written into `world`.
fn written<'a>(world: &'a World, repo: &str, name: &str) -> &'a FixturePackage {
    world
        .sync_packages()
        .find(|(r, p)| *r == repo && p.name == name)
        .map(|(_, p)| p)
        .unwrap_or_else(|| panic!("{repo}/{name} was not written"))
}

/// True when `word` occurs (case-insensitively) in the package's name, description or a
/// provided name: what omg matches.
fn omg_matchable(p: &FixturePackage, word: &str) -> bool {
    let word = word.to_lowercase();
    p.name.to_lowercase().contains(&word)
        || p.desc.to_lowercase().contains(&word)
        || p.provides.iter().any(|r| {
            omg_ports::PackageSummary::provided_name(r)
                .to_lowercase()
                .contains(&word)
        })
}

#[test]
fn plain_words_find_what_pacman_finds_and_at_most_a_handful_more() {
    let w = world::large();
    let Some(_) = w.pacman(&["-V"]) else { return };
    let mut report = Vec::new();
    let mut compared = 0;
    for word in WORDS {
        let peer = pacman_hits(&w.pacman(&["-Ss", word]).expect("pacman"));
        let run = w.omg(&["--json", "search", word]);
        let hits = omg_hits(&run);
        let ours = pairs(&hits);
        // pacman also matches group names (omg does not: docs/parity.md).
        for (repo, name) in peer.difference(&ours) {
            let p = written(w, repo, name);
            assert!(
                !omg_matchable(p, word) && p.groups.iter().any(|g| g.contains(word)),
                "{word}: pacman finds {repo}/{name}, omg does not"
            );
        }
        let extra: Vec<&Hit> = hits
            .iter()
            .filter(|h| !peer.contains(&(h.repository.clone(), h.name.clone())))
            .collect();
        assert!(
            extra.iter().all(|h| h.kind == "fuzzy"),
            "{word}: omg hits pacman does not have that are not fuzzy: {extra:?}"
        );
        // A word found nowhere as it is gets omg's loose fuzzy matches (docs/parity.md,
        // "Fuzzy matches"): the handful applies where pacman finds something. Which words
        // the generated root holds follows the host's apt lists.
        assert!(
            peer.is_empty() || extra.len() <= HANDFUL,
            "{word}: omg adds {} hits to pacman's {}: {:?}",
            extra.len(),
            peer.len(),
            &extra[..extra.len().min(20)]
        );
        // Nothing found is exit code 1 for both.
        assert_eq!(
            run.code,
            Some(if hits.is_empty() { 1 } else { 0 }),
            "{word}"
        );
        compared += usize::from(!peer.is_empty());
        report.push(format!("{word}: pacman {} omg {}", peer.len(), hits.len()));
    }
    println!("{}", report.join("\n"));
    assert!(
        compared >= WORDS.len() / 2,
        "too few words found: {report:?}"
    );
}

/// A query found nowhere as it is still gets fuzzy hits (`frfx` finds firefox), which
/// pacman -Ss does not have.
#[test]
fn an_abbreviation_found_nowhere_gets_fuzzy_hits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut root = FixtureRoot::create(dir.path()).expect("root");
    root.add_sync_db(
        "extra",
        &[
            FixturePackage::new("firefox", "130.0-1").desc("Fast, private and safe web browser"),
            FixturePackage::new("thunderbird", "128.0-1").desc("Mail and news client"),
        ],
    )
    .expect("extra");
    let conf = root.config_path();
    let hits = omg_hits(world::omg(&conf, &["--json", "search", "frfx"]).expect_code(0));
    assert_eq!(
        hits,
        [Hit {
            repository: "extra".into(),
            name: "firefox".into(),
            kind: "fuzzy".into()
        }]
    );
    if let Some(pacman) = world::pacman(&conf, &["-Ss", "frfx"]) {
        assert_eq!(pacman.code, Some(1), "pacman finds nothing");
    }
}

/// Names found only among what packages provide: omg finds exactly pacman's packages.
#[test]
fn provided_names_are_found_like_pacman() {
    let w = world::large();
    let Some(_) = w.pacman(&["-V"]) else { return };
    let packages: Vec<&FixturePackage> = w.sync_packages().map(|(_, p)| p).collect();
    let mut candidates: BTreeSet<String> = BTreeSet::new();
    for p in &packages {
        for r in &p.provides {
            let name = omg_ports::PackageSummary::provided_name(r).to_lowercase();
            // Plain text (no regex characters for pacman) and long enough to be rare.
            if name.len() >= 8 && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
                candidates.insert(name);
            }
        }
    }
    let only_provided: Vec<&String> = candidates
        .iter()
        .filter(|c| {
            packages.iter().all(|p| {
                !p.name.to_lowercase().contains(c.as_str())
                    && !p.desc.to_lowercase().contains(c.as_str())
                    && !p.groups.iter().any(|g| g.contains(c.as_str()))
            })
        })
        .take(8)
        .collect();
    assert!(
        only_provided.len() >= 3,
        "the generated root has too few provided-only names: {only_provided:?}"
    );
    for word in only_provided {
        let peer = pacman_hits(&w.pacman(&["-Ss", word]).expect("pacman"));
        let hits = omg_hits(w.omg(&["--json", "search", word]).expect_code(0));
        assert!(!peer.is_empty(), "{word}: pacman finds nothing");
        assert_eq!(pairs(&hits), peer, "{word}");
        assert!(
            hits.iter().all(|h| h.kind == "provides"),
            "{word}: {hits:?}"
        );
    }
}

/// Provided names rank after name matches and before description matches.
#[test]
fn provides_rank_between_names_and_descriptions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut root = FixtureRoot::create(dir.path()).expect("root");
    root.add_sync_db(
        "extra",
        &[
            FixturePackage::new("jre-openjdk", "21.0.4-1")
                .desc("OpenJDK Java 21 full runtime environment")
                .provides(["java-runtime=21", "java-runtime-openjdk=21"]),
            FixturePackage::new("jre17-openjdk", "17.0.12-1")
                .desc("OpenJDK Java 17 full runtime environment")
                .provides(["java-runtime=17"]),
            FixturePackage::new("java-runtime-common", "3-5")
                .desc("Common files for Java Runtime Environments"),
            FixturePackage::new("archlinux-java-run", "10-1")
                .desc("Java launcher that picks a java-runtime by version"),
            FixturePackage::new("gcc", "14.2-1").desc("The GNU Compiler Collection"),
        ],
    )
    .expect("extra");
    let conf = root.config_path();
    let hits = omg_hits(world::omg(&conf, &["--json", "search", "java-runtime"]).expect_code(0));
    let got: Vec<(&str, &str)> = hits
        .iter()
        .map(|h| (h.name.as_str(), h.kind.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("java-runtime-common", "prefix"),
            ("jre-openjdk", "provides"),
            ("jre17-openjdk", "provides"),
            ("archlinux-java-run", "description"),
        ]
    );
    if let Some(pacman) = world::pacman(&conf, &["-Ss", "java-runtime"]) {
        assert_eq!(pairs(&hits), pacman_hits(&pacman));
    }
}

/// A name in two repositories is one hit per repository (like pacman -Ss), the first
/// repository first; `status` counts `pacman -Sl`'s lines; `info` takes the first
/// repository's package.
#[test]
fn a_name_in_two_repositories_is_a_hit_in_each() {
    let w = world::large();
    let Some(sl) = w.pacman(&["-Sl"]) else { return };
    let (_, chaotic) = w
        .repos
        .iter()
        .find(|(r, _)| r == "chaotic")
        .expect("a chaotic repository");
    let mut checked = 0;
    for p in chaotic.iter().take(5) {
        let exact = format!("^{}$", regex_escape(&p.name));
        let peer = pacman_hits(&w.pacman(&["-Ss", &exact]).expect("pacman"));
        let hits = omg_hits(w.omg(&["--json", "search", &p.name]).expect_code(0));
        let same_name: Vec<&str> = hits
            .iter()
            .filter(|h| h.name == p.name)
            .map(|h| h.repository.as_str())
            .collect();
        assert_eq!(same_name, ["core", "chaotic"], "{}", p.name);
        let ours: BTreeSet<(String, String)> = pairs(&hits)
            .into_iter()
            .filter(|(_, n)| *n == p.name)
            .collect();
        assert_eq!(ours, peer, "{}", p.name);
        let info = w.omg(&["--json", "info", &p.name]).json();
        let first = if info.is_array() { &info[0] } else { &info };
        assert_eq!(first["repository"], "core", "{}: {info}", p.name);
        checked += 1;
    }
    assert!(checked > 0);
    let status = w.omg(&["--json", "status"]).json();
    assert_eq!(
        status["available"].as_u64(),
        Some(sl.stdout.lines().count() as u64),
        "available = pacman -Sl | wc -l"
    );
}

/// `^`/`$`-anchored pacman regex for a package name (names may hold `+` and `.`).
fn regex_escape(name: &str) -> String {
    name.chars()
        .flat_map(|c| {
            let special = matches!(c, '+' | '.');
            special.then_some('\\').into_iter().chain([c])
        })
        .collect()
}

/// Nothing found: exit code 1 like pacman -Ss, nothing on stdout (an empty list in JSON).
/// `--limit 0` means no limit.
#[test]
fn nothing_found_is_exit_code_1_and_limit_0_is_no_limit() {
    let w = world::large();
    let nothing = "zzqxjvwnothingmatchesthis";
    let run = w.omg(&["search", nothing]);
    run.expect_code(1);
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr, "no packages found\n");
    let json = w.omg(&["--json", "search", nothing]);
    json.expect_code(1);
    assert_eq!(json.json()["total"], 0);
    assert_eq!(json.json()["hits"], Value::Array(Vec::new()));
    assert_eq!(w.omg(&["-q", "search", nothing]).code, Some(1));
    if let Some(pacman) = w.pacman(&["-Ss", nothing]) {
        assert_eq!(pacman.code, Some(1));
    }
    let all = omg_hits(w.omg(&["--json", "search", "python"]).expect_code(0));
    let zero = omg_hits(
        w.omg(&["--json", "search", "python", "--limit", "0"])
            .expect_code(0),
    );
    assert!(all.len() > 1);
    assert_eq!(zero, all);
    let two = omg_hits(
        w.omg(&["--json", "search", "python", "--limit", "2"])
            .expect_code(0),
    );
    assert_eq!(two, all[..2]);
}

/// `--json search`: the documented shape (docs/json.md): `hits` of `{package, kind,
/// score}`, `total`; a package's fields, `provides` among them.
#[test]
fn the_json_has_its_documented_shape() {
    let w = world::large();
    let json = w
        .omg(&["--json", "search", "python3", "--limit", "5"])
        .json();
    let keys = |v: &Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&json), ["hits", "total"]);
    assert!(json["total"].as_u64().is_some_and(|t| t > 5));
    let hits = json["hits"].as_array().expect("hits");
    assert_eq!(hits.len(), 5);
    for hit in hits {
        assert_eq!(keys(hit), ["kind", "package", "score"]);
        assert!(
            [
                "exact",
                "prefix",
                "word_boundary",
                "substring",
                "fuzzy",
                "provides",
                "description"
            ]
            .contains(&hit["kind"].as_str().expect("kind")),
            "{hit}"
        );
        assert!(hit["score"].is_u64());
        let p = &hit["package"];
        assert_eq!(
            keys(p),
            [
                "architecture",
                "description",
                "installed",
                "name",
                "provides",
                "repository",
                "version"
            ]
        );
        assert!(p["provides"]
            .as_array()
            .is_some_and(|a| a.iter().all(Value::is_string)));
    }
}
