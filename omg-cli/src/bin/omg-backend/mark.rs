//! `omg mark --explicit|--dependency <pkg>...`: record why packages are installed
//! (pacman -D --asexplicit/--asdeps, apt-mark manual/auto). A write: it needs root (or sudo)
//! unless `--dry-run`, and what it changed goes to the history like a transaction's.

use std::time::Instant;

use omg::Engine;
use omg_cli::args::{Cli, MarkArgs};
use omg_cli::render::{self, Output};
use omg_ports::{HistoryEntry, HistoryResult, Result};

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
    let started_at = jiff::Timestamp::now().as_second();
    let clock = Instant::now();
    let result = engine
        .backend()
        .set_reason(&args.packages, reason, args.dry_run)
        .await;
    let changed = result
        .as_ref()
        .map_or(true, |changes| changes.iter().any(|c| c.from != c.to));
    if !args.dry_run && changed {
        let entry = HistoryEntry {
            id: 0,
            started_at,
            duration_ms: u64::try_from(clock.elapsed().as_millis()).unwrap_or(u64::MAX),
            command: format!("omg {operation}"),
            verb: "mark".into(),
            user: record::user(),
            actions: Vec::new(),
            result: match &result {
                Ok(_) => HistoryResult::Success,
                Err(e) => HistoryResult::Failed(e.to_string()),
            },
        };
        let root = std::path::PathBuf::from(engine.backend_info().root);
        record::append(&root, &entry).await;
        record::notify_daemon(cli.global.socket.as_deref());
    }
    Ok(render::marks(out, &result?, args.dry_run))
}
