//! `omg history undo|redo <id>`: the entry read from the history, its reversal (omg-domain's
//! `reversal`), and afterwards the install reasons of what came back as a dependency.

use std::collections::HashSet;
use std::path::PathBuf;

use omg::domain::reversal::{self, Reversal};
use omg::Engine;
use omg_cli_core::args::Cli;
use omg_cli_core::render::{self, Output};
use omg_cli_core::route::WriteCommand;
use omg_ports::{HistoryResult, InstallReason, ReasonChange, Result};

use super::record;

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

/// Marks the installed packages of `names` as dependencies again (installing them by name
/// or file made them explicit); what changed goes to the history under `verb`. Says what
/// changed, in text (a JSON event stream has said it with the transactions' actions).
pub(super) async fn mark_dependencies(
    engine: &Engine,
    cli: &Cli,
    out: &Output,
    verb: &str,
    names: &[String],
) -> Result<String> {
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
        return Ok(String::new());
    }
    let started = record::Started::now();
    let result = engine
        .backend()
        .set_reason(&names, InstallReason::Dependency, false)
        .await;
    let reasons: Vec<ReasonChange> = result
        .as_ref()
        .map(|changes| changes.iter().filter(|c| c.from != c.to).cloned().collect())
        .unwrap_or_default();
    if result.is_err() || !reasons.is_empty() {
        let change = record::Change {
            verb: verb.to_string(),
            command: super::command_line(),
            actions: Vec::new(),
            reasons: reasons.clone(),
            result: match &result {
                Ok(_) => HistoryResult::Success,
                Err(e) => HistoryResult::Failed(e.to_string()),
            },
        };
        started
            .record(engine, cli.global.socket.as_deref(), change)
            .await;
    }
    result?;
    Ok(if out.json {
        String::new()
    } else {
        render::marks(out, &reasons, false)
    })
}
