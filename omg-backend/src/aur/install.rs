//! `omg install` with AUR packages (Arch): the targets no repository has are resolved
//! across the repositories and the AUR (omg-domain's plan), shown as one plan, reviewed
//! (aur/review.rs), built with makepkg as the invoking user, and installed through libalpm:
//! the repository dependencies first, then each base once built (a later base may need it
//! to build), the dependencies marked as such; one history entry for all of it.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use omg::Engine;
use omg_adapters_aur::makepkg::{BuildUser, Makepkg};
use omg_adapters_aur::repo::AurRepo;
use omg_cli_core::args::{AurArgs, Cli, WriteArgs};
use omg_cli_core::render::{escape, Output};
use omg_cli_core::route::{Sources, WriteCommand};
use omg_domain::aur::{missing_records, plan, AurPlan, Depend, PlanFacts, PlanOptions};
use omg_ports::{AurPackage, AurSearchBy, Error, PackageBackend, Result, Transaction};
use serde_json::json;

use super::build_progress::BuildProgress;
use super::context::ReviewContext;
use super::Aur;
use crate::write::steps::{mark_dependencies, Collected};
use crate::write::{one, print, record, signals};

/// At most this many rounds of fetching records (each a level of the dependency graph).
const MAX_ROUNDS: usize = 64;

/// What `omg install <names>` asked for.
pub struct Request<'a> {
    /// The names and files given.
    pub targets: &'a [String],
    /// `--reinstall`.
    pub reinstall: bool,
    /// `--review`, `--allow-risky`.
    pub review: AurArgs,
    /// `--yes`, `--dry-run`, `--sudo`.
    pub write: WriteArgs,
}

/// Installs `request.targets` when some of them are AUR packages; `None` when none is
/// (or the AUR does not apply), for the ordinary install.
pub async fn run(
    engine: &Engine,
    cli: &Cli,
    out: &Output,
    request: &Request<'_>,
    stop: &signals::Stop,
) -> Result<Option<String>> {
    let Some(aur) = Aur::open(engine, Sources::All)? else {
        return Ok(None);
    };
    let (repo_targets, aur_targets) = split(engine.backend().as_ref(), request.targets).await?;
    if aur_targets.is_empty() {
        return Ok(None);
    }
    // A name neither the repositories nor the AUR have (nor provide) is the ordinary
    // install's error (with its "did you mean").
    let known: Vec<String> = aur
        .source
        .info(&aur_targets)
        .await?
        .into_iter()
        .map(|p| p.name)
        .collect();
    let mut unknown: Vec<&String> = Vec::new();
    for target in aur_targets.iter().filter(|t| !known.contains(t)) {
        // Provided by AUR packages: the plan takes the one, or asks which (as paru does).
        if aur_providers(&aur, target).await.is_empty() {
            unknown.push(target);
        }
    }
    if let Some(first) = unknown.first() {
        if unknown.len() == aur_targets.len() {
            return Ok(None);
        }
        return Err(Error::NotFound {
            name: (*first).clone(),
            suggestions: Vec::new(),
        });
    }
    let job = Job {
        command: WriteCommand::Install {
            packages: request.targets,
            reinstall: request.reinstall,
            aur: request.review,
        },
        verb: "install",
        repo_targets,
        aur_targets,
        reinstall: request.reinstall,
        review: request.review,
        write: request.write,
        keep_as_dependencies: Vec::new(),
    };
    build_and_install(engine, cli, out, &aur, job, stop)
        .await
        .map(Some)
}

/// One run of AUR builds: what to install from where, and how.
pub(super) struct Job<'a> {
    /// The command line's command (for the plans and the history).
    pub command: WriteCommand<'a>,
    /// The history entry's verb.
    pub verb: &'static str,
    /// Targets the repositories have (or package files).
    pub repo_targets: Vec<String>,
    /// Targets for the AUR.
    pub aur_targets: Vec<String>,
    /// Build targets installed at the AUR's version too.
    pub reinstall: bool,
    /// `--review`, `--allow-risky`.
    pub review: AurArgs,
    /// `--yes`, `--dry-run`, `--sudo`.
    pub write: WriteArgs,
    /// Targets installed as dependencies before, marked so again once reinstalled (an
    /// upgrade keeps reasons).
    pub keep_as_dependencies: Vec<String>,
}

/// Resolves, shows, confirms, reviews, builds and installs `job`; one history entry.
pub(super) async fn build_and_install(
    engine: &Engine,
    cli: &Cli,
    out: &Output,
    aur: &Aur,
    job: Job<'_>,
    stop: &signals::Stop,
) -> Result<String> {
    let backend = engine.backend();
    let (repo_targets, aur_targets) = (&job.repo_targets, &job.aur_targets);
    let mut view = PlanFacts::default();
    resolve(aur, backend.as_ref(), aur_targets, &mut view).await?;
    let interactive = !job.write.yes && !out.json && std::io::stdin().is_terminal();
    let plan = plan(
        aur_targets,
        &view,
        |dep: &Depend, providers: &[&AurPackage]| {
            interactive.then(|| choose(dep, providers)).flatten()
        },
        PlanOptions {
            reinstall: job.reinstall,
            ..PlanOptions::default()
        },
    )
    .map_err(|e| Error::InvalidRequest(e.to_string()))?;
    print(&show_plan(out, &plan, repo_targets));
    if plan.builds.is_empty() && repo_targets.is_empty() || job.write.dry_run {
        return Ok(String::new());
    }
    if !job.write.yes {
        crate::write::confirm_or_stop(out)?;
    }
    let user = BuildUser::for_build()?;
    let cache = cache_dir(user.as_ref())?;
    // Every review before any build: a refused one stops everything.
    let mut reviewed = Vec::new();
    let maintainers: Vec<&str> = plan
        .builds
        .iter()
        .flat_map(|b| &b.packages)
        .filter_map(|p| view.record(&p.name)?.maintainer.as_deref())
        .collect();
    let context =
        ReviewContext::gather(backend.as_ref(), aur.source.as_ref(), &view, maintainers).await?;
    let hook = omg_config::Settings::load()?.aur_review_hook();
    for build in &plan.builds {
        stop.check()?;
        let repo = AurRepo::sync(&cache, &aur.urls.git, &build.base, user.as_ref())?;
        let record = build.packages.iter().find_map(|p| view.record(&p.name));
        let outcome = super::review::run(
            out,
            job.review,
            &repo,
            record,
            &context,
            std::env::consts::ARCH,
            hook.as_deref(),
        )?;
        if out.json {
            print(&format!(
                "{}\n",
                json!({
                    "event": "review",
                    "base": build.base,
                    "commit": outcome.commit,
                    "warnings": outcome.warnings,
                })
            ));
        }
        reviewed.push((repo, outcome.commit));
    }
    let started = record::Started::now();
    let mut collected = Collected::default();
    let command = job.command;
    let confirmed = WriteArgs {
        yes: true,
        ..job.write
    };
    let makepkg = Makepkg::new(
        user.clone(),
        cache.join("pkg"),
        cache.join("build"),
        cache.join("src"),
        cache.join("logs"),
    )
    .without_dependency_check(engine.backend_info().root != "/")
    .with_cancel(stop.flag());
    let mut installed_bases: Vec<String> = Vec::new();
    let result: Result<String> = async {
        let mut text = String::new();
        let mut first: Vec<String> = repo_targets.clone();
        first.extend(plan.repo_deps.iter().cloned());
        let step = Step {
            engine,
            cli,
            out,
            command: (command, confirmed),
            stop,
        };
        if !first.is_empty() {
            text = step.install(first, &plan.repo_deps, &mut collected).await?;
            print(&std::mem::take(&mut text));
        }
        for ((repo, commit), build) in reviewed.iter().zip(&plan.builds) {
            stop.check()?;
            repo.checkout(commit)?;
            let srcinfo = omg_adapters_aur::read_srcinfo(&repo.dir().join(".SRCINFO"))?;
            super::pgp::ensure_keys(&srcinfo, repo.dir(), user.as_ref(), interactive)?;
            let log = cache.join("logs").join(format!("{}.log", build.base));
            let progress = BuildProgress::start(out, &build.base, &build.version, &log);
            // Off the runtime's thread, so that a signal is heard (and stops makepkg).
            let built = {
                let (makepkg, dir, log) = (makepkg.clone(), repo.dir().to_path_buf(), log.clone());
                stop.stopping_at_once(true);
                let built = tokio::task::spawn_blocking(move || makepkg.build(&dir, &log))
                    .await
                    .unwrap_or_else(|e| Err(Error::Interrupted(format!("the build stopped: {e}"))));
                stop.stopping_at_once(false);
                built
            };
            progress.finish(&built);
            let files =
                built.map_err(|e| after_failed_build(e, &build.base, &plan, &installed_bases))?;
            let wanted: Vec<String> = build
                .packages
                .iter()
                .filter_map(|p| package_file(&files, &p.name))
                .map(|f| f.display().to_string())
                .collect();
            if wanted.len() != build.packages.len() {
                return Err(Error::InvalidRequest(format!(
                    "makepkg built {} but not every package omg planned ({}); see {}",
                    build.base,
                    build
                        .packages
                        .iter()
                        .map(|p| p.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    log.display()
                )));
            }
            let deps: Vec<String> = build
                .packages
                .iter()
                .filter(|p| !p.explicit || job.keep_as_dependencies.contains(&p.name))
                .map(|p| p.name.clone())
                .collect();
            text = step.install(wanted, &deps, &mut collected).await?;
            super::vcs::record_heads(repo, commit);
            installed_bases.push(build.base.clone());
            if build.base != plan.builds.last().map_or("", |b| b.base.as_str()) {
                print(&std::mem::take(&mut text));
            }
        }
        Ok(text)
    }
    .await;
    collected
        .record(engine, cli, started, job.verb, result.as_ref().err())
        .await;
    result
}

/// One install through the write path (plan, progress, history) with `as_dependencies`
/// marked as such afterwards.
struct Step<'a> {
    engine: &'a Engine,
    cli: &'a Cli,
    out: &'a Output,
    command: (WriteCommand<'a>, WriteArgs),
    stop: &'a signals::Stop,
}

impl Step<'_> {
    async fn install(
        &self,
        targets: Vec<String>,
        as_dependencies: &[String],
        collected: &mut Collected,
    ) -> Result<String> {
        let tx = Transaction::Install(targets);
        let text = one(
            self.engine,
            self.cli,
            self.out,
            self.command,
            &tx,
            self.stop,
            Some(&mut *collected),
        )
        .await?;
        mark_dependencies(self.engine, as_dependencies, collected).await?;
        Ok(text)
    }
}

/// A failed (or stopped) build's error, followed by what is installed already and what to
/// run next.
fn after_failed_build(e: Error, base: &str, plan: &AurPlan, installed: &[String]) -> Error {
    let rest: Vec<String> = plan
        .builds
        .iter()
        .skip_while(|b| b.base != base)
        .flat_map(|b| {
            b.packages
                .iter()
                .filter(|p| p.explicit)
                .map(|p| p.name.clone())
        })
        .collect();
    let done = if installed.is_empty() {
        "nothing was installed from the AUR".to_string()
    } else {
        let verb = if installed.len() == 1 {
            "stays"
        } else {
            "stay"
        };
        format!("{} {verb} installed", installed.join(", "))
    };
    let stopped = matches!(e, Error::Interrupted(_));
    let next = match (rest.is_empty(), stopped) {
        (true, _) => String::new(),
        (false, true) => format!("; to go on, run `omg install {}`", rest.join(" ")),
        (false, false) => format!("; once fixed, run `omg install {}`", rest.join(" ")),
    };
    let inner = match &e {
        Error::Library { message, .. } | Error::Interrupted(message) => message.clone(),
        other => other.to_string(),
    };
    let message = format!("{inner}\n{base} was not built; {done}{next}");
    if stopped {
        Error::Interrupted(message)
    } else {
        Error::Library {
            library: "makepkg".into(),
            message,
        }
    }
}

/// The targets the repositories (or files) answer, and the rest, for the AUR.
async fn split(
    backend: &dyn PackageBackend,
    targets: &[String],
) -> Result<(Vec<String>, Vec<String>)> {
    let mut repo = Vec::new();
    let mut aur = Vec::new();
    for t in targets {
        let file_or_qualified = t.contains('/') || t.starts_with('.');
        if file_or_qualified || backend.satisfier(t, false).await?.is_some() {
            repo.push(t.clone());
        } else {
            aur.push(t.clone());
        }
    }
    Ok((repo, aur))
}

/// Fetches AUR records until the planner needs no more: each round asks libalpm about the
/// dependencies not seen yet, then the AUR for the names still missing (info; then, for
/// names it does not have, the packages that provide them).
async fn resolve(
    aur: &Aur,
    backend: &dyn PackageBackend,
    targets: &[String],
    facts: &mut PlanFacts,
) -> Result<()> {
    for _ in 0..MAX_ROUNDS {
        for question in facts.unknown(targets) {
            let installed = backend.satisfier(&question.text, true).await?.is_some();
            let repo = backend.satisfier(&question.text, false).await?;
            tracing::debug!(dependency = %question.text, installed, repository = ?repo, "libalpm says");
            facts.answer(question, installed, repo);
        }
        let missing =
            missing_records(targets, facts).map_err(|e| Error::InvalidRequest(e.to_string()))?;
        if missing.is_empty() {
            return Ok(());
        }
        for record in aur.source.info(&missing).await? {
            facts.add_record(record);
        }
        for name in &missing {
            facts.mark_asked(name);
            if facts.has_record(name) {
                continue;
            }
            let providers = aur_providers(aur, name).await;
            let unknown: Vec<String> = providers
                .iter()
                .filter(|n| !facts.has_record(n))
                .cloned()
                .collect();
            for record in aur.source.info(&unknown).await? {
                facts.mark_asked(&record.name);
                facts.add_record(record);
            }
            facts.set_providers(name, providers);
        }
    }
    Err(Error::InvalidRequest(format!(
        "the AUR dependencies of {} go deeper than {MAX_ROUNDS} levels; install some of them first",
        targets.join(", ")
    )))
}

/// The AUR packages other than `name` that provide it (the AUR's `by=provides` search);
/// none when the AUR does not answer that search (too many results, say).
async fn aur_providers(aur: &Aur, name: &str) -> Vec<String> {
    match aur.source.search(name, AurSearchBy::Provides).await {
        Ok(found) => found
            .into_iter()
            .map(|p| p.name)
            .filter(|n| n != name)
            .collect(),
        Err(e) => {
            tracing::debug!(name = %name, error = %e, "the AUR's provides search failed");
            Vec::new()
        }
    }
}

/// On a terminal: which of several AUR packages should provide `dep`.
fn choose(dep: &Depend, providers: &[&AurPackage]) -> Option<usize> {
    println!(
        ":: There are {} AUR packages that provide {dep}:",
        providers.len()
    );
    for (i, p) in providers.iter().enumerate() {
        println!("   {}) {} {}", i + 1, escape(&p.name), escape(&p.version));
    }
    let answer = crate::write::confirm::read_line(":: Enter a number (default=1): ").ok()?;
    let answer = answer.trim();
    if answer.is_empty() {
        return Some(0);
    }
    answer
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=providers.len()).contains(n))
        .map(|n| n - 1)
}

/// The plan as text (`--json`: one `aur-plan` event line).
fn show_plan(out: &Output, plan: &AurPlan, repo_targets: &[String]) -> String {
    if out.json {
        let builds: Vec<_> = plan
            .builds
            .iter()
            .map(|b| {
                json!({
                    "base": b.base,
                    "version": b.version,
                    "packages": b.packages.iter().map(|p| json!({
                        "name": p.name, "explicit": p.explicit, "make_only": p.make_only,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        return format!(
            "{}\n",
            json!({
                "event": "aur-plan",
                "repo_targets": repo_targets,
                "repo_deps": plan.repo_deps,
                "builds": builds,
                "skipped": plan.skipped,
            })
        );
    }
    let mut s = String::new();
    for name in &plan.skipped {
        s.push_str(&format!(
            "warning: {} is up to date -- skipping (--reinstall builds it again)\n",
            escape(name)
        ));
    }
    if !plan.builds.is_empty() {
        s.push_str(&format!(
            ":: AUR packages to build ({}), in this order:\n",
            plan.builds.len()
        ));
        for b in &plan.builds {
            let names: Vec<String> = b
                .packages
                .iter()
                .map(|p| {
                    let mut n = escape(&p.name).into_owned();
                    if !p.explicit {
                        n.push_str(if p.make_only {
                            " (to build)"
                        } else {
                            " (dependency)"
                        });
                    }
                    n
                })
                .collect();
            s.push_str(&format!(
                "   {} {}: {}\n",
                escape(&b.base),
                escape(&b.version),
                names.join(", ")
            ));
        }
    }
    if !plan.repo_deps.is_empty() {
        s.push_str(&format!(
            ":: Repository packages needed first: {}\n",
            plan.repo_deps.join(" ")
        ));
    }
    s
}

/// Where clones, builds and logs go: `$XDG_CACHE_HOME/omg/aur` (else `~/.cache/omg/aur`) of
/// the user who builds.
pub(super) fn cache_dir(user: Option<&BuildUser>) -> Result<PathBuf> {
    let from_env = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    let base = match (from_env, user) {
        (Some(p), _) => p,
        (None, Some(u)) => u.home.join(".cache"),
        (None, None) => std::env::var_os("HOME")
            .map(|h| PathBuf::from(h).join(".cache"))
            .ok_or_else(|| {
                Error::InvalidRequest(
                    "neither XDG_CACHE_HOME nor HOME is set: omg has nowhere to clone and \
                     build AUR packages"
                        .into(),
                )
            })?,
    };
    Ok(base.join("omg").join("aur"))
}

/// The file of package `name` among `files` (`<name>-<pkgver>-<pkgrel>-<arch>.pkg.tar.*`).
fn package_file<'a>(files: &'a [PathBuf], name: &str) -> Option<&'a Path> {
    files
        .iter()
        .find(|f| {
            f.file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.split(".pkg.tar").next())
                .and_then(|stem| stem.strip_prefix(name))
                .and_then(|rest| rest.strip_prefix('-'))
                .is_some_and(|rest| rest.split('-').count() == 3)
        })
        .map(PathBuf::as_path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_files_are_found_by_name_not_by_prefix() {
        let files = vec![
            PathBuf::from("/p/aur-split-a-1.0-1-x86_64.pkg.tar.zst"),
            PathBuf::from("/p/aur-split-1.0-1-any.pkg.tar.zst"),
        ];
        assert_eq!(
            package_file(&files, "aur-split"),
            Some(Path::new("/p/aur-split-1.0-1-any.pkg.tar.zst"))
        );
        assert_eq!(
            package_file(&files, "aur-split-a"),
            Some(Path::new("/p/aur-split-a-1.0-1-x86_64.pkg.tar.zst"))
        );
        assert_eq!(package_file(&files, "aur"), None);
    }
}
