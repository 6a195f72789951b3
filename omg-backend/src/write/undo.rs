//! `omg history undo|redo <id>`: the entry read from the history, its reversal (omg-domain's
//! `reversal`) carried out as up to two transactions (installs, then removals), then the
//! install reasons of what came back as a dependency; all of it recorded as one history
//! entry, so that redoing an undo's entry undoes again.

use std::path::PathBuf;

use omg::domain::reversal::{self, Reversal};
use omg::Engine;
use omg_cli_core::args::{Cli, WriteArgs};
use omg_cli_core::render::{self, Output};
use omg_cli_core::route::WriteCommand;
use omg_ports::Result;

use super::steps::{mark_dependencies, Collected};
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
    collected
        .record(engine, cli, started, verb, result.as_ref().err())
        .await;
    result
}
