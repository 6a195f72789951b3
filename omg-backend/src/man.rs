//! The manual pages, generated (never committed): omg(1) and one page per subcommand from
//! the command tree (`omg-install(1)`, `omg-runtimes-install(1)`...), and omg.toml(5), the
//! configuration file, from omg-config's schema. `omg-backend --print-man DIR` writes them
//! (`make install` calls it); omgd writes its own omgd(8). They live here, not in `omg`,
//! so that the thin client links no man-page generator.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::CommandFactory;
use clap_mangen::roff::{bold, italic, roman, Roff};
use clap_mangen::Man;
use omg_cli_core::args::Cli;
use omg_config::{KeyDefault, KEYS};

/// The argument of `omg-backend` that writes the pages instead of answering a command.
pub const PRINT_MAN_FLAG: &str = "--print-man";

/// Writes omg.1, one omg-<subcommand>.1 per visible subcommand (nested ones too) and
/// omg.toml.5 into `dir` (created if missing); returns the files written.
///
/// # Errors
/// The directory or a page could not be written.
pub fn write_pages(dir: &Path) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    command_pages(cmd, dir, &mut written)?;
    let config = dir.join("omg.toml.5");
    std::fs::write(&config, config_page())?;
    written.push(config);
    Ok(written)
}

fn command_pages(cmd: clap::Command, dir: &Path, written: &mut Vec<PathBuf>) -> io::Result<()> {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        command_pages(sub.clone(), dir, written)?;
    }
    let page = Man::new(cmd).manual("omg manual");
    let path = dir.join(page.get_filename());
    let mut file = std::fs::File::create(&path)?;
    page.render(&mut file)?;
    file.flush()?;
    written.push(path);
    Ok(())
}

/// omg.toml(5): where the file is, its sections and every key of [`KEYS`] with its default
/// and what it does, and the `OMG_<SECTION>_<KEY>` variables.
pub fn config_page() -> String {
    let mut page = Roff::new();
    page.control(
        "TH",
        [
            "OMG.TOML",
            "5",
            "",
            concat!("omg ", env!("CARGO_PKG_VERSION")),
            "omg manual",
        ],
    );
    page.control("SH", ["NAME"]);
    page.text([roman(
        "omg.toml - the configuration file of omg, omg-backend and omgd",
    )]);
    page.control("SH", ["SYNOPSIS"]);
    page.text([italic("$XDG_CONFIG_HOME/omg/config.toml")]);
    page.control("br", [] as [&str; 0]);
    page.text([italic("~/.config/omg/config.toml")]);
    page.control("br", [] as [&str; 0]);
    page.text([italic("$OMG_CONFIG")]);
    page.control("SH", ["DESCRIPTION"]);
    page.text([roman(
        "omg reads one TOML file: $OMG_CONFIG if set, else config.toml in $XDG_CONFIG_HOME/omg, \
         else in ~/.config/omg. A missing file is an empty configuration: every key has a \
         default. The keys are grouped in sections such as [audit], [daemon] or \
         [runtimes.node]; ",
    ), bold("omg config"), roman(" lists every key with its value and where it came from.")]);
    page.control("SH", ["ENVIRONMENT"]);
    page.text([roman(
        "Every key can be overridden by an environment variable OMG_<SECTION>_<KEY>: upper-case, \
         dots and dashes as underscores. [runtimes.node] mirror is OMG_RUNTIMES_NODE_MIRROR; \
         [daemon] idle_secs is OMG_DAEMON_IDLE_SECS.",
    )]);
    page.control("SH", ["KEYS"]);
    let mut section = "";
    for key in KEYS {
        if key.section != section {
            section = key.section;
            let title = format!("[{}]", section.replace('*', "<name>"));
            page.control("SS", [title.as_str()]);
            if section.ends_with(".*") {
                page.text([roman(
                    "One table per runtime: [runtimes.node], [runtimes.python]...",
                )]);
            }
        }
        page.control("TP", [] as [&str; 0]);
        page.text([bold(key.name)]);
        let default = match key.default {
            KeyDefault::Fixed(value) => format!("default: {value}"),
            KeyDefault::Computed(what) => format!("default: {what}"),
        };
        let var = omg_config::env_name(key.section, key.name).replace('*', "<NAME>");
        page.text([roman(format!("{} ({default}; {var}).", sentence(key.doc)))]);
    }
    page.control("SH", ["EXAMPLE"]);
    page.control("nf", [] as [&str; 0]);
    page.text([roman(
        "[daemon]\nidle_secs = 120\n\n[runtimes.node]\nmirror = \"https://nodejs.org/dist\"",
    )]);
    page.control("fi", [] as [&str; 0]);
    page.control("SH", ["SEE ALSO"]);
    page.text([roman("omg(1), omg-config(1), omgd(8)")]);
    page.render()
}

/// `doc` with a capital first letter.
fn sentence(doc: &str) -> String {
    let mut chars = doc.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_page_names_every_key_and_its_variable() {
        let page = config_page();
        for key in KEYS {
            assert!(page.contains(key.name), "{} missing", key.name);
            let var = omg_config::env_name(key.section, key.name).replace('*', "<NAME>");
            assert!(page.contains(&var), "{var} missing");
        }
    }

    #[test]
    fn pages_cover_nested_subcommands() {
        let dir = tempfile::tempdir().unwrap();
        let written = write_pages(dir.path()).unwrap();
        let names: Vec<_> = written
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        for name in [
            "omg.1",
            "omg-install.1",
            "omg-runtimes-install.1",
            "omg.toml.5",
        ] {
            assert!(names.iter().any(|n| n == name), "{name} not in {names:?}");
        }
        let install = std::fs::read_to_string(dir.path().join("omg-install.1")).unwrap();
        assert!(install.starts_with(".ie") || install.contains(".TH"));
    }
}
