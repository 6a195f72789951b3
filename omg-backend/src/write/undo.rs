//! `omg history undo|redo <id>`: the entry read from the history, its reversal (omg-domain's
//! `reversal`) carried out as up to two transactions (installs, then removals), then the
//! install reasons of what came back as a dependency; all of it recorded as one history
//! entry, so that redoing an undo's entry undoes again.

use std::collections::HashSet;
use std::path::PathBuf;

use omg::domain::reversal::{self, Reversal};
use omg::Engine;
use omg_cli_core::args::{Cli, WriteArgs};
use omg_cli_core::render::{self, Output};
use omg_cli_core::route::WriteCommand;
use omg_ports::{HistoryResult, InstallReason, PlannedAction, ReasonChange, Result};

use super::{one, record, recorded_verb, signals};

/// The reversal of the entry `command` names; `None` for the other write commands.
pub(super) async fn reversal(
    engine: &Engine,
    command: WriteCommand<'_>,
) -> Result<Option<Reversal>> {
    let (id, undo) = match command {
        WriteCommand::Undo(id) => (id, true),
        WriteCommand::Redo(id) => (id, false),
        _ => return Ok(None),
    };
    let root = PathBuf::from(engine.backend_info().root);
    let entry = record::entry(&root, id).await?;
    Ok(Some(if undo {
        reversal::undo(&entry)?
    } else {
        reversal::redo(&entry)?
    }))
}

/// What the steps of an undo or redo did, for its one history entry.
#[derive(Default)]
pub(super) struct Collected {
    actions: Vec<PlannedAction>,
    reasons: Vec<ReasonChange>,
    failure: Option<String>,
}

impl Collected {
    /// Adds what one step did (or meant to, when it failed).
    pub(super) fn add(&mut self, change: record::Change) {
        self.actions.extend(change.actions);
        self.reasons.extend(change.reasons);
        if let HistoryResult::Failed(why) = change.result {
            self.failure.get_or_insert(why);
        }
    }
}

/// Carries `reversal` out: its transactions as any write's (plan, confirmation, progress,
/// Ctrl-C), then the dependencies marked; one history entry for all of it when anything was
/// committed, with the verb `undo` or `redo`.
pub(super) async fn run(
    engine: &Engine,
    cli: &Cli,
    out: &Output,
    (command, write): (WriteCommand<'_>, WriteArgs),
    reversal: &Reversal,
    stop: &signals::Stop,
) -> Result<String> {
    let transactions = reversal::transactions(engine.backend().as_ref(), reversal).await?;
    let Some(last) = transactions.last() else {
        return Ok(super::nothing_to_do(out));
    };
    let verb = recorded_verb(command, last);
    let started = record::Started::now();
    let mut collected = Collected::default();
    let result: Result<String> = async {
        let mut text = String::new();
        for (i, tx) in transactions.iter().enumerate() {
            stop.check()?;
            let done = one(
                engine,
                cli,
                out,
                (command, write),
                tx,
                stop,
                Some(&mut collected),
            );
            text = done.await?;
            if i + 1 < transactions.len() {
                super::print(&std::mem::take(&mut text));
            }
        }
        if !write.dry_run && !reversal.dependencies.is_empty() {
            let marks = mark_dependencies(engine, &reversal.dependencies, &mut collected);
            if !out.json {
                text.push_str(&render::marks(out, &marks.await?, false));
            } else {
                marks.await?;
            }
        }
        Ok(text)
    }
    .await;
    if !collected.actions.is_empty() || !collected.reasons.is_empty() {
        let failure = collected
            .failure
            .or_else(|| result.as_ref().err().map(|e| e.to_string()));
        let change = record::Change {
            verb: verb.to_string(),
            command: super::command_line(),
            actions: collected.actions,
            reasons: collected.reasons,
            result: failure.map_or(HistoryResult::Success, HistoryResult::Failed),
        };
        started
            .record(engine, cli.global.socket.as_deref(), change)
            .await;
    }
    result
}

/// Marks the installed packages of `names` as dependencies again (installing them by name
/// or file made them explicit); returns the reasons that changed, also added to
/// `collected`.
async fn mark_dependencies(
    engine: &Engine,
    names: &[String],
    collected: &mut Collected,
) -> Result<Vec<ReasonChange>> {
    let installed: HashSet<String> = engine
        .backend()
        .installed()
        .await?
        .into_iter()
        .map(|p| p.name)
        .collect();
    let names: Vec<String> = names
        .iter()
        .filter(|n| installed.contains(*n))
        .cloned()
        .collect();
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let changes = engine
        .backend()
        .set_reason(&names, InstallReason::Dependency, false)
        .await;
    let changes = match changes {
        Ok(changes) => changes,
        Err(e) => {
            collected.failure.get_or_insert(e.to_string());
            return Err(e);
        }
    };
    let changed: Vec<ReasonChange> = changes.into_iter().filter(|c| c.from != c.to).collect();
    collected.reasons.extend(changed.iter().cloned());
    Ok(changed)
}
