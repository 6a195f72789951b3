//! `omg search` and `omg info` in direct mode with the AUR: the RPC (`[aur] rpc_url`) is
//! asked beside the repositories, and both are ranked or printed together.

use std::collections::HashMap;

use omg::Engine;
use omg_cli_core::render::{self, AurInfo, InfoRecord, Output};
use omg_cli_core::route::Sources;
use omg_cli_core::Answer;
use omg_domain::search::{aur_summary, search_with_aur};
use omg_domain::Index;
use omg_ports::{AurPackage, AurSearchBy, Error, Package, Result, SearchQuery, SearchResults};

use super::Aur;
use crate::reads::Partial;

/// The shortest word the AUR's RPC searches for.
const MIN_RPC_WORD: usize = 2;

/// `omg search`, with the AUR's matches ranked among the repositories' (`aur`), or the
/// AUR's alone (`--aur`). When the AUR cannot be asked, the repositories' results are
/// printed with a warning on stderr; with `--aur` that is the error.
pub async fn search(
    engine: &Engine,
    out: &Output,
    aur: &Aur,
    query: &SearchQuery,
    sources: Sources,
) -> Result<Answer> {
    let unlimited = SearchQuery {
        limit: None,
        installed_only: false,
        ..query.clone()
    };
    let official = if sources.repositories() {
        engine.search(&unlimited).await?
    } else {
        SearchResults::default()
    };
    let mut warning = String::new();
    let (aur_results, records) = match aur_matches(aur, query).await {
        Ok(Some(found)) => found,
        Ok(None) if sources == Sources::Aur => {
            return Err(Error::InvalidRequest(format!(
            "the AUR searches for words of {MIN_RPC_WORD} characters or more; give a longer word"
        )))
        }
        Ok(None) => (SearchResults::default(), Vec::new()),
        Err(e) if sources == Sources::Aur => return Err(e),
        Err(e) => {
            warning = format!(
                "omg: warning: the AUR was not searched: {}; showing the repositories only\n",
                render::message(&e)
            );
            (SearchResults::default(), Vec::new())
        }
    };
    let by_name: HashMap<&str, &AurPackage> =
        records.iter().map(|p| (p.name.as_str(), p)).collect();
    let (merged, shown) = search_with_aur(
        official,
        aur_results,
        |n| by_name.get(n).map(|p| (*p).clone()),
        query,
    );
    let mut answer = omg_cli_core::search::answer_with_aur(out, &merged, &shown);
    if !out.json && !out.quiet {
        answer.stderr.insert_str(0, &warning);
    }
    Ok(answer)
}

/// `omg info`: each name's record from the repositories, else the AUR's (an installed AUR
/// package, found only in the local database, shows the AUR's record with its installed
/// state); an error for each name found nowhere. With `--aur`, the AUR's records only.
pub async fn info(
    engine: &Engine,
    out: &Output,
    aur: &Aur,
    names: &[String],
    sources: Sources,
) -> Result<Answer> {
    let mut found: Vec<Option<InfoRecord>> = Vec::with_capacity(names.len());
    let mut errors: Vec<Option<Error>> = Vec::with_capacity(names.len());
    let mut local: HashMap<usize, Package> = HashMap::new();
    for (i, name) in names.iter().enumerate() {
        if !sources.repositories() {
            found.push(None);
            errors.push(None);
            continue;
        }
        match engine.info(std::slice::from_ref(name)).await {
            Ok(mut packages) if !packages.is_empty() => {
                let p = packages.swap_remove(0);
                if p.repository == omg_ports::PackageSummary::LOCAL {
                    local.insert(i, p.clone());
                }
                found.push(Some(InfoRecord::Repository(p)));
                errors.push(None);
            }
            Ok(_) => {
                found.push(None);
                errors.push(None);
            }
            Err(e @ Error::NotFound { .. }) => {
                found.push(None);
                errors.push(Some(e));
            }
            Err(e) => return Err(e),
        }
    }
    let ask: Vec<String> = names
        .iter()
        .enumerate()
        .filter(|(i, _)| found[*i].is_none() || local.contains_key(i))
        .map(|(_, n)| n.clone())
        .collect();
    let mut aur_error = None;
    let records: HashMap<String, AurPackage> = match aur.source.info(&ask).await {
        Ok(list) => list.into_iter().map(|p| (p.name.clone(), p)).collect(),
        Err(e) => {
            aur_error = Some(e);
            HashMap::new()
        }
    };
    for (i, name) in names.iter().enumerate() {
        if let Some(record) = records.get(name) {
            found[i] = Some(InfoRecord::Aur(AurInfo {
                package: record.clone(),
                installed: local.get(&i).and_then(|p| p.installed.clone()),
                page: format!("{}{}", aur.pages, name),
            }));
            errors[i] = None;
        } else if found[i].is_none() && errors[i].is_none() {
            errors[i] = Some(Error::NotFound {
                name: name.clone(),
                suggestions: Vec::new(),
            });
        }
    }
    let mut partial = Partial::new();
    partial.found = found.into_iter().flatten().collect();
    partial.errors = aur_error
        .into_iter()
        .chain(errors.into_iter().flatten())
        .collect();
    partial.reply(out, |records| render::info_records(out, records))
}

/// Every AUR package matching `query` as the index ranks them (no fuzzy matches: the
/// RPC finds substrings only), and their records in the search answer's shape. The RPC
/// is asked for the longest word by name and description; the index then keeps what has
/// every word, as for the repositories. `None` when no word is long enough for the RPC.
async fn aur_matches(
    aur: &Aur,
    query: &SearchQuery,
) -> Result<Option<(SearchResults, Vec<AurPackage>)>> {
    let Some(word) = query
        .text
        .split_whitespace()
        .max_by_key(|w| w.chars().count())
        .filter(|w| w.chars().count() >= MIN_RPC_WORD)
    else {
        return Ok(None);
    };
    let records = aur.source.search(word, AurSearchBy::NameDesc).await?;
    let index = Index::new(records.iter().map(aur_summary).collect());
    let all = SearchQuery {
        text: query.text.clone(),
        limit: None,
        installed_only: false,
    };
    Ok(Some((index.search_literal(&all)?, records)))
}
