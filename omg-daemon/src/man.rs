//! omgd(8), generated from the command line ([`Args`]) by `omgd --print-man DIR` (`make
//! install` calls it), with the files and units omgd uses.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::CommandFactory;
use clap_mangen::roff::{italic, roman, Roff};
use clap_mangen::Man;

use crate::args::Args;

/// Writes omgd.8 into `dir` (created if missing); returns its path.
pub fn write_page(dir: &Path) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let page = Man::new(Args::command()).section("8").manual("omg manual");
    let path = dir.join(page.get_filename());
    let mut text = Vec::new();
    page.render(&mut text)?;
    text.extend_from_slice(files_section().as_bytes());
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}

fn files_section() -> String {
    let mut roff = Roff::new();
    roff.control("SH", ["FILES"]);
    for (file, what) in [
        (
            "$XDG_RUNTIME_DIR/omg/omgd.sock",
            "the socket omg asks (else /tmp/omg-$UID/omgd.sock)",
        ),
        (
            "$XDG_STATE_HOME/omg/omgd.redb",
            "the index snapshot and status (else ~/.local/state/omg/omgd.redb)",
        ),
        (
            "$XDG_CONFIG_HOME/omg/config.toml",
            "the configuration, omg.toml(5)",
        ),
        (
            "omgd.socket, omgd.service",
            "the systemd user units: systemctl --user enable --now omgd.socket",
        ),
    ] {
        roff.control("TP", [] as [&str; 0]);
        roff.text([italic(file)]);
        roff.text([roman(what)]);
    }
    roff.control("SH", ["SEE ALSO"]);
    roff.text([roman("omg(1), omg-daemon(1), omg.toml(5), systemctl(1)")]);
    roff.to_roff()
}
