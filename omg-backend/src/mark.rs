//! `omg mark --explicit|--dependency <pkg>...`: record why packages are installed
//! (pacman -D --asexplicit/--asdeps, apt-mark manual/auto). A write: it needs root (or sudo)
//! unless `--dry-run`, and what it changed goes to the history like a transaction's.

use omg::Engine;
use omg_cli_core::args::{Cli, MarkArgs};
use omg_cli_core::render::{self, Output};
use omg_ports::{HistoryResult, ReasonChange, Result};

use crate::write::{privilege, record};

/// Changes the install reasons (all or none) and says what changed.
pub async fn run(engine: &Engine, cli: &Cli, out: &Output, args: &MarkArgs) -> Result<String> {
    let reason = args.reason();
    let flag = match reason {
        omg_ports::InstallReason::Explicit => "--explicit",
        omg_ports::InstallReason::Dependency => "--dependency",
    };
    let operation = format!("mark {flag} {}", args.packages.join(" "));
    if !args.dry_run && !privilege::may_write(cli.global.root.as_deref()) {
        // Nothing to change needs no root: ask the backend first without writing.
        let changes = engine
            .backend()
            .set_reason(&args.packages, reason, true)
            .await?;
        if changes.iter().any(|c| c.from != c.to) {
            privilege::become_root(&operation, args.sudo, out.json)?;
        }
    }
    let started = record::Started::now();
    let result = engine
        .backend()
        .set_reason(&args.packages, reason, args.dry_run)
        .await;
    // Each package whose reason changed, with its old and new reason.
    let reasons: Vec<ReasonChange> = result
        .as_ref()
        .map(|changes| changes.iter().filter(|c| c.from != c.to).cloned().collect())
        .unwrap_or_default();
    if !args.dry_run && (result.is_err() || !reasons.is_empty()) {
        let change = record::Change {
            verb: "mark".into(),
            command: format!("omg {operation}"),
            actions: Vec::new(),
            reasons,
            result: match &result {
                Ok(_) => HistoryResult::Success,
                Err(e) => HistoryResult::Failed(e.to_string()),
            },
        };
        started
            .record(engine, cli.global.socket.as_deref(), change)
            .await;
    }
    Ok(render::marks(out, &result?, args.dry_run))
}
