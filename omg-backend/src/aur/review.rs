//! The review of an AUR package base before it is built: what changed since the commit the
//! user last accepted (the ref `AUR_SEEN`, as paru and yay keep it), and the warnings
//! omg-domain computes, shown as `--review` says. Only an accepted review moves `AUR_SEEN`;
//! the build then uses exactly the reviewed commit.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use omg_adapters_aur::parse_srcinfo;
use omg_adapters_aur::people::{self, People};
use omg_adapters_aur::repo::{AurRepo, RepoFile};
use omg_cli_core::args::{AurArgs, Review};
use omg_cli_core::render::{self, Output};
use omg_domain::aur::{review, PreviousReview, RepoFile as Reviewed, ReviewInput, SeenPeople};
use omg_ports::{AurPackage, Error, Result, ReviewSeverity, ReviewWarning, Srcinfo};

use super::context::ReviewContext;
use crate::write::confirm::{ask_no, read_line};

/// What the review decided for one base.
pub struct Outcome {
    /// The commit to build.
    pub commit: String,
    /// The warnings (for `--json` and the history).
    pub warnings: Vec<ReviewWarning>,
}

/// Review `repo` (synced) as `args` says; `Ok` with the commit to build once accepted.
///
/// # Errors
///
/// [`Error::InvalidRequest`] when the review is refused (by the user, or for a high warning
/// with `--review=accept` and no `--allow-risky`) or needs a terminal it does not have; the
/// repository's errors.
pub fn run(
    out: &Output,
    args: AurArgs,
    repo: &AurRepo,
    record: Option<&AurPackage>,
    context: &ReviewContext,
    arch: &str,
    hook: Option<&Path>,
) -> Result<Outcome> {
    let base = repo.pkgbase().to_string();
    let head = repo.remote_head()?;
    let seen = repo.seen()?;
    if seen.as_deref() == Some(head.as_str()) {
        say(
            out,
            &format!(":: {base}: reviewed before, unchanged since\n"),
        );
        return Ok(Outcome {
            commit: head,
            warnings: Vec::new(),
        });
    }
    let files = repo.files_at(&head)?;
    let srcinfo = srcinfo_of(&base, &files)?;
    let previous_files = match &seen {
        Some(commit) => Some(repo.files_at(commit)?),
        None => None,
    };
    let previous_srcinfo = previous_files
        .as_ref()
        .and_then(|f| srcinfo_of(&base, f).ok());
    let installed_at = record.and_then(|r| context.installed_at(&r.name));
    let (people, history) = people_of(repo.dir(), &base, installed_at);
    let texts = readable(&files);
    let previous_texts = previous_files.as_deref().map(readable);
    let warnings = review(&ReviewInput {
        package_base: &base,
        files: &texts,
        srcinfo: &srcinfo,
        previous: previous_texts.as_deref().map(|files| PreviousReview {
            files,
            srcinfo: previous_srcinfo.as_ref(),
        }),
        record,
        seen: people.as_ref(),
        history: &history,
        maintainer_since: record
            .and_then(|r| r.maintainer.as_deref())
            .and_then(|m| context.maintainer_since(m)),
        popular: &context.popular,
        now: now(),
        arch,
    });
    let version = srcinfo.full_version();
    let high = warnings.iter().any(|w| w.severity == ReviewSeverity::High);
    if args.review != Review::Skip {
        if let Some(hook) = hook {
            run_hook(hook, &base, repo.dir(), &head, &warnings)?;
        }
    }
    match args.review {
        Review::Skip => {
            say(
                out,
                &format!(
                    ":: {base} {version}: not reviewed (--review=skip): {} warning(s) and the \
                     diff since {} not shown\n",
                    warnings.len(),
                    seen.as_deref().map_or("the first commit", short)
                ),
            );
            // Not reviewed, but installed: who is behind it now is what the next review
            // compares with (`AUR_SEEN` stays where the last review left it).
            remember_people(repo, record);
            return Ok(Outcome {
                commit: head,
                warnings,
            });
        }
        Review::Accept => {
            say(
                out,
                &render::review_warnings(out, &base, &version, &warnings),
            );
            say(
                out,
                &render::review_diff(out, &repo.diff(seen.as_deref(), &head)?),
            );
            if high && !args.allow_risky {
                return Err(Error::InvalidRequest(format!(
                    "{base}: a high warning stops the build (review it on a terminal, or add \
                     --allow-risky to build anyway); nothing was built"
                )));
            }
        }
        Review::Ask => {
            if !std::io::stdin().is_terminal() {
                return Err(Error::InvalidRequest(format!(
                    "{base} needs a review and there is no terminal to ask on: run omg on \
                     one, or use --review=accept to print the review and go on"
                )));
            }
            say(
                out,
                &render::review_warnings(out, &base, &version, &warnings),
            );
            page(&render::review_diff(
                out,
                &repo.diff(seen.as_deref(), &head)?,
            ));
            let accepted = if high {
                ask_name(&base)?
            } else {
                ask_no(&format!("Build {base} {version}?"))?
            };
            if !accepted {
                return Err(Error::InvalidRequest(format!(
                    "{base}: the review was not accepted; nothing was built"
                )));
            }
        }
    }
    repo.mark_seen(&head)?;
    remember_people(repo, record);
    Ok(Outcome {
        commit: head,
        warnings,
    })
}

/// `[aur] review_hook`: `hook <clone> <commit>` with the warnings as JSON on stdin; a
/// failure (or a hook that cannot run) vetoes the build.
fn run_hook(
    hook: &Path,
    base: &str,
    clone: &Path,
    commit: &str,
    warnings: &[ReviewWarning],
) -> Result<()> {
    let veto = |why: String| {
        Error::InvalidRequest(format!(
            "{base}: the review hook {} vetoed the build ({why}); nothing was built",
            hook.display()
        ))
    };
    let mut child = Command::new(hook)
        .arg(clone)
        .arg(commit)
        .env("OMG_AUR_PACKAGE_BASE", base)
        .stdin(Stdio::piped())
        .spawn()
        .map_err(|e| veto(format!("it cannot run: {e}")))?;
    if let Some(mut stdin) = child.stdin.take() {
        let text = serde_json::to_string(warnings).unwrap_or_else(|_| "[]".into());
        // A hook that does not read its input still decides by its exit status.
        let _ = stdin.write_all(text.as_bytes());
    }
    let status = child.wait().map_err(|e| veto(e.to_string()))?;
    if status.success() {
        Ok(())
    } else {
        Err(veto(format!("it exited with {status}")))
    }
}

/// The parsed `.SRCINFO` among `files`.
fn srcinfo_of(base: &str, files: &[RepoFile]) -> Result<Srcinfo> {
    let file = files
        .iter()
        .find(|f| f.name == ".SRCINFO" && f.refused.is_none())
        .ok_or_else(|| {
            Error::InvalidRequest(format!(
                "the AUR repository of {base} has no readable .SRCINFO; it cannot be built"
            ))
        })?;
    parse_srcinfo(&file.text)
}

fn readable(files: &[RepoFile]) -> Vec<Reviewed<'_>> {
    files
        .iter()
        .filter(|f| f.refused.is_none())
        .map(|f| Reviewed {
            name: &f.name,
            text: &f.text,
        })
        .collect()
}

/// Records who is behind the package now, for the next review to compare with.
fn remember_people(repo: &AurRepo, record: Option<&AurPackage>) {
    let Some(r) = record else { return };
    let path = people::seen_path(records_dir(repo.dir()), repo.pkgbase());
    let seen = People {
        at: now(),
        maintainer: r.maintainer.clone(),
        submitter: r.submitter.clone(),
        co_maintainers: r.co_maintainers.clone(),
    };
    if let Err(e) = people::write_seen(&path, &seen) {
        tracing::warn!(path = %path.display(), error = %e, "cannot record who maintains the package");
    }
}

/// The AUR cache the clone `dir` is in, where the records of people are.
fn records_dir(clone: &Path) -> &Path {
    clone.parent().unwrap_or(clone)
}

/// Who was behind the package when the user last accepted it (or, for a package omg never
/// reviewed but that is installed, when it was installed: omgd's last observation before
/// then, else its first after), and who omgd saw at the dump's refreshes since (oldest first;
/// none when the record has no time).
fn people_of(
    clone: &Path,
    base: &str,
    installed_at: Option<i64>,
) -> (Option<SeenPeople>, Vec<SeenPeople>) {
    let dir = records_dir(clone);
    let observed = || people::read_history(&people::history_path(dir, base));
    let (seen, since) = match people::read_seen(&people::seen_path(dir, base)) {
        Some(seen) => {
            let since = seen.at;
            (seen, since)
        }
        None => {
            let Some(installed) = installed_at else {
                return (None, Vec::new());
            };
            let history = observed();
            let baseline = history
                .iter()
                .rev()
                .find(|p| p.at <= installed)
                .or_else(|| history.first())
                .cloned();
            let Some(baseline) = baseline else {
                return (None, Vec::new());
            };
            let since = baseline.at.max(installed);
            (baseline, since)
        }
    };
    let history = if since > 0 {
        observed()
            .into_iter()
            .filter(|p| p.at > since)
            .map(seen_people)
            .collect()
    } else {
        Vec::new()
    };
    (Some(seen_people(seen)), history)
}

fn seen_people(p: People) -> SeenPeople {
    SeenPeople {
        maintainer: p.maintainer,
        submitter: p.submitter,
        co_maintainers: p.co_maintainers,
    }
}

fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Review text goes to stdout in text mode, to stderr with `--json` (stdout carries the
/// events).
fn say(out: &Output, text: &str) {
    if out.json {
        eprint!("{text}");
    } else {
        print!("{text}");
        let _ = std::io::stdout().flush();
    }
}

/// `text` through `$PAGER` (else `less -R`), else printed.
fn page(text: &str) {
    let pager = std::env::var("PAGER")
        .ok()
        .filter(|p| !p.trim().is_empty())
        .unwrap_or_else(|| "less -R".into());
    let mut words = pager.split_whitespace();
    let Some(program) = words.next() else {
        print!("{text}");
        return;
    };
    let child = Command::new(program)
        .args(words)
        .stdin(Stdio::piped())
        .spawn();
    match child {
        Ok(mut child) => {
            if let Some(mut stdin) = child.stdin.take() {
                let _ = stdin.write_all(text.as_bytes());
            }
            let _ = child.wait();
        }
        Err(_) => print!("{text}"),
    }
}

/// A high warning: going on needs the base's name typed.
fn ask_name(base: &str) -> Result<bool> {
    let answer = read_line(&format!(
        ":: A high warning: type {base} to build it anyway, anything else to stop: "
    ))?;
    Ok(answer.trim() == base)
}
