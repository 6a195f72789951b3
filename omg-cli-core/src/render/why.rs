//! `omg why`.

use omg_domain::WhyReport;
use omg_ports::InstallReason;

use super::escape::escape;
use super::{json, Output, Style};

/// Why a package is installed, in sentences.
pub fn why(out: &Output, r: &WhyReport) -> String {
    if out.json {
        return json(r);
    }
    let name = out.paint(Style::Bold, &escape(&r.name));
    let version = escape(&r.version);
    let mut text = match r.reason {
        InstallReason::Explicit => format!("{name} {version} was installed explicitly\n"),
        InstallReason::Dependency if r.is_orphan() => format!(
            "{name} {version} was installed as a dependency, and nothing needs it any more \
             (`omg clean --orphans` removes it)\n"
        ),
        InstallReason::Dependency => {
            format!("{name} {version} was installed as a dependency\n")
        }
    };
    for chain in &r.chains {
        text.push_str(&format!("  {}\n", escape(&chain.join(" -> "))));
    }
    if r.needed_by_explicit > r.chains.len() {
        text.push_str(&format!(
            "  ... and {} more explicitly installed packages need it\n",
            r.needed_by_explicit - r.chains.len()
        ));
    }
    if !r.required_by.is_empty() {
        text.push_str(&format!(
            "required by: {}\n",
            escape(&r.required_by.join(", "))
        ));
    }
    if !r.optional_for.is_empty() {
        text.push_str(&format!(
            "optional for: {}\n",
            escape(&r.optional_for.join(", "))
        ));
    }
    text
}
