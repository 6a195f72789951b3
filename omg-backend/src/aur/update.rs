//! `omg update` on Arch, after the repositories' upgrade: the installed packages no
//! repository has and the AUR does are upgraded from the AUR when its version is newer
//! (pacman's vercmp); with `--devel`, VCS packages whose upstream moved since their build
//! are rebuilt too. Install reasons are kept.

use std::cmp::Ordering;

use omg::Engine;
use omg_adapters_aur::makepkg::BuildUser;
use omg_cli_core::args::{AurArgs, Cli, WriteArgs};
use omg_cli_core::render::{escape, Output};
use omg_cli_core::route::{Sources, WriteCommand};
use omg_config::Settings;
use omg_domain::version::alpm_vercmp;
use omg_ports::{AurPackage, InstallReason, PackageSummary, Result};

use super::install::{build_and_install, cache_dir, Job};
use super::{vcs, Aur};
use crate::write::{print, signals};

/// What `omg update` asked for.
#[derive(Clone, Copy)]
pub struct Request<'a> {
    /// The command (for plans and the history).
    pub command: WriteCommand<'a>,
    /// `--devel`.
    pub devel: bool,
    /// `--review`, `--allow-risky`.
    pub review: AurArgs,
    /// `--yes`, `--dry-run`, `--sudo`.
    pub write: WriteArgs,
}

/// Upgrades the AUR packages that are out of date; `None` when the AUR does not apply.
pub async fn run(
    engine: &Engine,
    cli: &Cli,
    out: &Output,
    request: Request<'_>,
    stop: &signals::Stop,
) -> Result<Option<String>> {
    let Some(aur) = Aur::open(engine, Sources::All)? else {
        return Ok(None);
    };
    let installed = engine.backend().installed().await?;
    let Some(found) = ask(&aur, &installed).await else {
        return Ok(Some(String::new()));
    };
    let (records, upgrades, unchanged) = (found.records, found.upgrades, found.unchanged);
    let rebuilds = if request.devel && !unchanged.is_empty() {
        let unchanged: Vec<&str> = unchanged.iter().map(String::as_str).collect();
        devel_rebuilds(&records, &unchanged).await?
    } else {
        Vec::new()
    };
    if upgrades.is_empty() && rebuilds.is_empty() {
        print(if out.json {
            ""
        } else {
            ":: AUR packages are up to date\n"
        });
        return Ok(Some(String::new()));
    }
    if !out.json {
        let mut s = String::from(":: AUR upgrades:\n");
        for u in &upgrades {
            s.push_str(&format!(
                "   {} {} -> {}\n",
                escape(&u.name),
                escape(&u.installed),
                escape(&u.available)
            ));
        }
        for name in &rebuilds {
            s.push_str(&format!("   {} (its VCS source moved)\n", escape(name)));
        }
        print(&s);
    }
    let mut targets: Vec<String> = upgrades.into_iter().map(|u| u.name).collect();
    targets.extend(rebuilds.iter().cloned());
    let keep_as_dependencies = installed
        .iter()
        .filter(|p| {
            targets.contains(&p.name)
                && p.installed
                    .as_ref()
                    .is_some_and(|i| i.reason == InstallReason::Dependency)
        })
        .map(|p| p.name.clone())
        .collect();
    let job = Job {
        command: request.command,
        verb: "upgrade",
        repo_targets: Vec::new(),
        aur_targets: targets,
        reinstall: !rebuilds.is_empty(),
        review: request.review,
        write: request.write,
        keep_as_dependencies,
    };
    build_and_install(engine, cli, out, &aur, job, stop)
        .await
        .map(Some)
}

/// An installed AUR package with a newer version in the AUR.
pub struct Upgrade {
    /// Its name.
    pub name: String,
    /// The installed version.
    pub installed: String,
    /// The AUR's version.
    pub available: String,
}

/// What the AUR says of the installed packages no repository has.
struct Found {
    /// The AUR's records of them.
    records: Vec<AurPackage>,
    /// Those with a newer version (pacman's vercmp).
    upgrades: Vec<Upgrade>,
    /// The rest the AUR has.
    unchanged: Vec<String>,
}

/// Asks the AUR about the foreign packages among `installed`; `None` (after a warning) when
/// the AUR does not answer, an empty answer when there are none.
async fn ask(aur: &Aur, installed: &[PackageSummary]) -> Option<Found> {
    let foreign: Vec<&PackageSummary> = installed
        .iter()
        .filter(|p| p.repository == PackageSummary::LOCAL)
        .collect();
    let mut found = Found {
        records: Vec::new(),
        upgrades: Vec::new(),
        unchanged: Vec::new(),
    };
    if foreign.is_empty() {
        return Some(found);
    }
    let names: Vec<String> = foreign.iter().map(|p| p.name.clone()).collect();
    found.records = match aur.source.info(&names).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!(
                "omg: warning: the AUR was not asked for upgrades: {}",
                omg_cli_core::render::message(&e)
            );
            return None;
        }
    };
    for record in &found.records {
        let Some(current) = foreign
            .iter()
            .find(|p| p.name == record.name)
            .and_then(|p| p.installed.as_ref())
        else {
            continue;
        };
        match alpm_vercmp(&record.version, &current.version) {
            Ordering::Greater => found.upgrades.push(Upgrade {
                name: record.name.clone(),
                installed: current.version.clone(),
                available: record.version.clone(),
            }),
            _ => found.unchanged.push(record.name.clone()),
        }
    }
    Some(found)
}

/// `omg outdated` on Arch: the installed AUR packages with a newer version in the AUR, as
/// rows of the list (repository `aur`, the AUR's version as the available one); none, after
/// a warning, when the AUR does not answer.
pub async fn outdated(aur: &Aur, installed: &[PackageSummary]) -> Vec<PackageSummary> {
    let Some(found) = ask(aur, installed).await else {
        return Vec::new();
    };
    found
        .upgrades
        .into_iter()
        .filter_map(|u| {
            let mut row = installed.iter().find(|p| p.name == u.name)?.clone();
            row.version = u.available;
            row.repository = omg_domain::search::AUR_REPOSITORY.to_owned();
            Some(row)
        })
        .collect()
}

/// The packages among `names` (not upgraded by version) whose VCS sources moved since their
/// build, every source asked at once; a source that does not answer is a warning.
async fn devel_rebuilds(records: &[AurPackage], names: &[&str]) -> Result<Vec<String>> {
    let cache = cache_dir(BuildUser::for_build()?.as_ref())?;
    let timeout = Settings::load()?.aur_vcs_timeout()?;
    let asked: Vec<&AurPackage> = records
        .iter()
        .filter(|r| names.contains(&r.name.as_str()))
        .collect();
    // Split packages share their base's clone: each is asked once.
    let mut bases: Vec<&str> = asked.iter().map(|r| r.package_base.as_str()).collect();
    bases.sort_unstable();
    bases.dedup();
    let clones = bases.iter().map(|b| cache.join(b)).collect();
    let found = vcs::moved(clones, timeout).await;
    for warning in &found.warnings {
        eprintln!("omg: warning: {warning}");
    }
    Ok(asked
        .iter()
        .filter(|r| {
            bases
                .binary_search(&r.package_base.as_str())
                .is_ok_and(|i| found.moved.get(i) == Some(&true))
        })
        .map(|r| r.name.clone())
        .collect())
}
