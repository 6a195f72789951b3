//! The commands that change the system: plan, show, confirm, commit with progress, record.
//!
//! Order of a run: root first (without it: offer sudo, which re-runs the whole command), then
//! for each transaction the plan is computed and printed; `--dry-run` stops there; otherwise
//! the user confirms (or `--yes`), the backend commits with progress, Ctrl-C goes to the
//! library's interrupt, the result goes to the history, and a running omgd is told.

pub(crate) mod confirm;
pub mod privilege;
mod progress;
pub mod record;
pub(crate) mod signals;
mod stdout_guard;
pub(crate) mod steps;
mod undo;

use std::io::{IsTerminal, Write};

use omg::Engine;
use omg_cli_core::args::{Cli, WriteArgs};
use omg_cli_core::render::{self, Output};
use omg_cli_core::route::WriteCommand;
use omg_ports::{Error, HistoryResult, ListKind, Plan, Result, Transaction, TransactionOutcome};
use serde_json::json;

pub use record::read as read_history;

/// Runs a write command; what it returns is printed last.
pub async fn run(
    engine: &Engine,
    cli: &Cli,
    out: &Output,
    command: WriteCommand<'_>,
    write: WriteArgs,
) -> Result<String> {
    let root = cli.global.root.as_deref();
    if !write.dry_run && !privilege::may_write(root) {
        privilege::become_root(&operation(command), write.sudo, out.json)?;
    }
    // From here on SIGINT, SIGTERM and SIGHUP stop the run at its next safe point: never
    // while libalpm or apt holds its lock half-way.
    let stop = signals::Stop::listen(engine.backend().clone())?;
    // undo and redo: what reverses the entry, each version found (or refused, naming them).
    if let Some(reversal) = undo::reversal(engine, command).await? {
        return undo::run(engine, cli, out, (command, write), &reversal, &stop).await;
    }
    if let WriteCommand::Install {
        packages,
        reinstall,
        aur,
    } = command
    {
        let request = crate::aur::install::Request {
            targets: packages,
            reinstall,
            review: aur,
            write,
        };
        if let Some(done) = crate::aur::install::run(engine, cli, out, &request, &stop).await? {
            return Ok(done);
        }
    }
    // Arch news first, as paru -Syu shows them (on Arch with the AUR's settings on): an
    // unread item asking for manual intervention stops the upgrade.
    if matches!(command, WriteCommand::Update { .. })
        && !write.dry_run
        && engine.backend_info().name == "alpm"
    {
        let settings = omg_config::Settings::load()?;
        if settings.aur_enabled()? {
            crate::news::before_update(out, &settings).await?;
        }
    }
    let transactions = transactions(engine, command).await?;
    let Some((last, first)) = transactions.split_last() else {
        return Ok(nothing_to_do(out));
    };
    for tx in first {
        stop.check()?;
        // Each transaction's result as it ends (`update` refreshes, then upgrades).
        print(&one(engine, cli, out, (command, write), tx, &stop, None).await?);
    }
    stop.check()?;
    let text = one(engine, cli, out, (command, write), last, &stop, None).await?;
    // Then the AUR's packages (Arch), as paru -Syu does after pacman's part.
    if let WriteCommand::Update { devel, aur, .. } = command {
        let request = crate::aur::update::Request {
            command,
            devel,
            review: aur,
            write,
        };
        print(&text);
        return Ok(crate::aur::update::run(engine, cli, out, request, &stop)
            .await?
            .unwrap_or_default());
    }
    Ok(text)
}

/// The transactions a command stands for (`clean` can be two).
async fn transactions(engine: &Engine, command: WriteCommand<'_>) -> Result<Vec<Transaction>> {
    if let Some(fixed) = fixed_transactions(command) {
        return Ok(fixed);
    }
    Ok(match command {
        WriteCommand::Clean(c) => {
            let both = !c.orphans && !c.cache;
            let mut txs = Vec::new();
            if c.orphans || both {
                let names: Vec<String> = engine
                    .list(ListKind::Orphans)
                    .await?
                    .into_iter()
                    .map(|p| p.name)
                    .collect();
                if !names.is_empty() {
                    txs.push(Transaction::Remove {
                        names,
                        recursive: true,
                    });
                }
            }
            if c.cache || both {
                txs.push(match c.keep {
                    Some(keep) => Transaction::CleanCache { keep },
                    None => Transaction::CleanCacheUninstalled,
                });
            }
            txs
        }
        // Answered by fixed_transactions (and undo/redo by their reversal).
        WriteCommand::Undo(_)
        | WriteCommand::Redo(_)
        | WriteCommand::Install { .. }
        | WriteCommand::Remove { .. }
        | WriteCommand::Update { .. }
        | WriteCommand::Sync => Vec::new(),
    })
}

/// The transactions of the commands that need nothing from the backend to know them.
fn fixed_transactions(command: WriteCommand<'_>) -> Option<Vec<Transaction>> {
    Some(match command {
        WriteCommand::Install {
            packages,
            reinstall,
            ..
        } => vec![if reinstall {
            Transaction::Reinstall(packages.to_vec())
        } else {
            Transaction::Install(packages.to_vec())
        }],
        WriteCommand::Remove {
            packages,
            recursive,
        } => vec![Transaction::Remove {
            names: packages.to_vec(),
            recursive,
        }],
        // pacman -Syu, apt update && apt upgrade.
        WriteCommand::Update { no_refresh, .. } => {
            if no_refresh {
                vec![Transaction::Upgrade]
            } else {
                vec![Transaction::Refresh, Transaction::Upgrade]
            }
        }
        WriteCommand::Sync => vec![Transaction::Refresh],
        WriteCommand::Clean(_) | WriteCommand::Undo(_) | WriteCommand::Redo(_) => return None,
    })
}

/// `install firefox`, `update`, ... for messages.
fn operation(command: WriteCommand<'_>) -> String {
    match command {
        WriteCommand::Install { packages, .. } => format!("install {}", packages.join(" ")),
        WriteCommand::Remove { packages, .. } => format!("remove {}", packages.join(" ")),
        WriteCommand::Update { .. } => "update".into(),
        WriteCommand::Sync => "sync".into(),
        WriteCommand::Clean(_) => "clean".into(),
        WriteCommand::Undo(id) => format!("history undo {id}"),
        WriteCommand::Redo(id) => format!("history redo {id}"),
    }
}

/// The verb the history records for `tx` run for `command`: `undo` and `redo` for theirs
/// (their plans show what each transaction does), else the transaction's own.
fn recorded_verb(command: WriteCommand<'_>, tx: &Transaction) -> &'static str {
    match command {
        WriteCommand::Undo(_) => "undo",
        WriteCommand::Redo(_) => "redo",
        _ => tx.verb(),
    }
}

fn nothing_to_do(out: &Output) -> String {
    if out.json {
        format!("{}\n", json!({ "event": "done", "actions": [] }))
    } else {
        "nothing to do\n".into()
    }
}

/// Plan, show, confirm and commit one transaction; what it did goes to the history, or to
/// `collected` (undo and redo record their steps together).
pub(crate) async fn one(
    engine: &Engine,
    cli: &Cli,
    out: &Output,
    (command, write): (WriteCommand<'_>, WriteArgs),
    tx: &Transaction,
    stop: &signals::Stop,
    collected: Option<&mut steps::Collected>,
) -> Result<String> {
    let verb = tx.verb();
    let backend = engine.backend();
    let held;
    let mut tx = tx;
    // A refresh has nothing to show beforehand (the databases it fetches say what changes)
    // and is not confirmed, as pacman -Sy is not; a dry run says what it would download and
    // touches nothing.
    let plan = if matches!(tx, Transaction::Refresh) {
        if write.dry_run {
            let plan = backend.plan(tx).await?;
            return Ok(render::plan(out, verb, &plan));
        }
        Plan::default()
    } else {
        let mut plan = backend.plan(tx).await?;
        // pacman's question for held packages, on a terminal; elsewhere (and on "no") the
        // removal leaves them out, as the plan says.
        if !plan.held.is_empty() && asks(out, write) {
            let question = "HoldPkg was found in target list. Do you want to continue?";
            if let (true, Transaction::Remove { names, recursive }) =
                (confirm::ask_no(question)?, tx)
            {
                held = Transaction::RemoveHeld {
                    names: names.clone(),
                    recursive: *recursive,
                };
                tx = &held;
                plan = backend.plan(tx).await?;
            }
        }
        // Nothing but held packages, not confirmed: refused, in a dry run too.
        if plan.is_empty() && !plan.held.is_empty() {
            return Err(Error::InvalidRequest(format!(
                "{}; nothing else to remove",
                plan.warnings.join("; ")
            )));
        }
        if write.dry_run || !out.json {
            print(&render::plan(out, verb, &plan));
        } else {
            print(&format!(
                "{}\n",
                json!({ "event": "plan", "verb": verb, "plan": plan })
            ));
        }
        if plan.is_empty() || write.dry_run {
            return Ok(String::new());
        }
        if !write.yes {
            confirm_or_stop(out)?;
        }
        plan
    };
    stop.check()?;
    let started = record::Started::now();
    let result = commit(engine, tx, &plan, out, stop).await;
    let change = record::Change {
        verb: recorded_verb(command, tx).to_string(),
        command: command_line(),
        actions: match &result {
            Ok(o) if !o.actions.is_empty() => o.actions.clone(),
            _ => plan.actions.clone(),
        },
        reasons: Vec::new(),
        result: match &result {
            Ok(_) => HistoryResult::Success,
            Err(e) => HistoryResult::Failed(e.to_string()),
        },
    };
    // undo and redo record all their steps as one entry, once they ended.
    match collected {
        Some(collected) => collected.add(change),
        None => {
            started
                .record(engine, cli.global.socket.as_deref(), change)
                .await
        }
    }
    Ok(render::outcome(out, verb, &result?))
}

/// True when omg may ask: on a terminal, without `--yes`, `--json` or `--dry-run`.
fn asks(out: &Output, write: WriteArgs) -> bool {
    !write.yes && !write.dry_run && !out.json && std::io::stdin().is_terminal()
}

/// Asks "Proceed?" on a terminal; elsewhere `--yes` is required.
pub(crate) fn confirm_or_stop(out: &Output) -> Result<()> {
    if out.json || !std::io::stdin().is_terminal() {
        return Err(Error::InvalidRequest(
            "not on a terminal, so omg cannot ask for confirmation; add --yes to go ahead \
             (or --dry-run to only see the plan)"
                .into(),
        ));
    }
    if confirm::ask("Proceed?")? {
        Ok(())
    } else {
        Err(Error::Interrupted("cancelled; nothing was changed".into()))
    }
}

/// Commits with progress; SIGINT, SIGTERM and SIGHUP ask the backend to stop at its next
/// safe point ([`signals::Stop`]).
async fn commit(
    engine: &Engine,
    tx: &Transaction,
    plan: &Plan,
    out: &Output,
    stop: &signals::Stop,
) -> Result<TransactionOutcome> {
    let backend = engine.backend();
    // With --json, what dpkg or a scriptlet prints goes to stderr for the time of the commit.
    let guard = if out.json {
        stdout_guard::StdoutToStderr::new()
    } else {
        None
    };
    let json_out = guard
        .as_ref()
        .and_then(stdout_guard::StdoutToStderr::json_out);
    let sink = progress::sink(out.json, json_out, plan.download_size);
    stop.committing(true);
    let result = backend.commit(tx, sink).await;
    stop.committing(false);
    result
}

pub(crate) fn command_line() -> String {
    let args: Vec<String> = std::env::args().skip(1).collect();
    format!("omg {}", args.join(" "))
}

pub(crate) fn print(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

#[cfg(test)]
mod tests {
    use super::*;
    use omg_cli_core::args::CleanArgs;

    #[test]
    fn each_write_command_stands_for_its_transactions() {
        let names = ["a".to_string(), "b".to_string()];
        let install = WriteCommand::Install {
            packages: &names,
            reinstall: false,
            aur: Default::default(),
        };
        assert_eq!(
            fixed_transactions(install),
            Some(vec![Transaction::Install(names.to_vec())])
        );
        assert_eq!(operation(install), "install a b");
        let reinstall = WriteCommand::Install {
            packages: &names,
            reinstall: true,
            aur: Default::default(),
        };
        assert_eq!(
            fixed_transactions(reinstall),
            Some(vec![Transaction::Reinstall(names.to_vec())])
        );
        let remove = WriteCommand::Remove {
            packages: &names,
            recursive: true,
        };
        assert_eq!(
            fixed_transactions(remove),
            Some(vec![Transaction::Remove {
                names: names.to_vec(),
                recursive: true
            }])
        );
        assert_eq!(operation(remove), "remove a b");
        // pacman -Syu: refresh, then upgrade; --no-refresh upgrades from what is on disk.
        assert_eq!(
            fixed_transactions(WriteCommand::Update {
                no_refresh: false,
                devel: false,
                aur: Default::default(),
            }),
            Some(vec![Transaction::Refresh, Transaction::Upgrade])
        );
        assert_eq!(
            fixed_transactions(WriteCommand::Update {
                no_refresh: true,
                devel: false,
                aur: Default::default(),
            }),
            Some(vec![Transaction::Upgrade])
        );
        assert_eq!(
            fixed_transactions(WriteCommand::Sync),
            Some(vec![Transaction::Refresh])
        );
        // clean asks the backend for the orphans first.
        let clean = CleanArgs {
            orphans: true,
            cache: false,
            keep: None,
            write: WriteArgs::default(),
        };
        assert_eq!(fixed_transactions(WriteCommand::Clean(&clean)), None);
        assert_eq!(operation(WriteCommand::Clean(&clean)), "clean");
        // undo and redo read the history and ask the backend for the old versions.
        assert_eq!(fixed_transactions(WriteCommand::Undo(3)), None);
        assert_eq!(fixed_transactions(WriteCommand::Redo(3)), None);
        assert_eq!(operation(WriteCommand::Undo(3)), "history undo 3");
        assert_eq!(operation(WriteCommand::Redo(4)), "history redo 4");
        let tx = Transaction::Install(names.to_vec());
        assert_eq!(recorded_verb(WriteCommand::Undo(3), &tx), "undo");
        assert_eq!(recorded_verb(WriteCommand::Redo(3), &tx), "redo");
        assert_eq!(recorded_verb(install, &tx), "install");
    }

    #[test]
    fn nothing_to_do_reads_well_in_both_forms() {
        let mut out = Output {
            json: false,
            quiet: false,
            color: false,
            width: None,
        };
        assert_eq!(nothing_to_do(&out), "nothing to do\n");
        out.json = true;
        let v: serde_json::Value = serde_json::from_str(&nothing_to_do(&out)).unwrap();
        assert_eq!(v, json!({ "event": "done", "actions": [] }));
    }
}
