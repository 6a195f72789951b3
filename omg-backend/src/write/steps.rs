//! A write made of several steps (transactions, reasons marked) recorded as one history
//! entry: undo and redo, and AUR installs (repository dependencies, then each built base).

use std::collections::HashSet;

use omg::Engine;
use omg_cli_core::args::Cli;
use omg_ports::{Error, HistoryResult, InstallReason, PlannedAction, ReasonChange, Result};

use super::record;

/// What the steps did, for their one history entry.
#[derive(Default)]
pub(crate) struct Collected {
    actions: Vec<PlannedAction>,
    reasons: Vec<ReasonChange>,
    failure: Option<String>,
}

impl Collected {
    /// Adds what one step did (or meant to, when it failed).
    pub(crate) fn add(&mut self, change: record::Change) {
        self.actions.extend(change.actions);
        self.reasons.extend(change.reasons);
        if let HistoryResult::Failed(why) = change.result {
            self.failure.get_or_insert(why);
        }
    }

    /// Records one entry with `verb` for everything collected, when anything changed; a
    /// failure of a step (or `error`, the run's) marks it failed.
    pub(crate) async fn record(
        self,
        engine: &Engine,
        cli: &Cli,
        started: record::Started,
        verb: &str,
        error: Option<&Error>,
    ) {
        if self.actions.is_empty() && self.reasons.is_empty() {
            return;
        }
        let failure = self.failure.or_else(|| error.map(ToString::to_string));
        let change = record::Change {
            verb: verb.to_string(),
            command: super::command_line(),
            actions: self.actions,
            reasons: self.reasons,
            result: failure.map_or(HistoryResult::Success, HistoryResult::Failed),
        };
        started
            .record(engine, cli.global.socket.as_deref(), change)
            .await;
    }
}

/// Marks the installed packages of `names` as dependencies (installing them by name or file
/// made them explicit); returns the reasons that changed, also added to `collected`.
pub(crate) async fn mark_dependencies(
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
