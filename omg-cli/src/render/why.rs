//! `omg why`.

use omg_domain::WhyReport;
use omg_ports::InstallReason;

use super::{json, Output, Style};

/// Why a package is installed, in sentences.
pub fn why(out: &Output, r: &WhyReport) -> String {
    if out.json {
        return json(r);
    }
    let name = out.paint(Style::Bold, &r.name);
    let mut text = match r.reason {
        InstallReason::Explicit => format!("{name} {} was installed explicitly\n", r.version),
        InstallReason::Dependency if r.is_orphan() => format!(
            "{name} {} was installed as a dependency, and nothing needs it any more \
             (`omg clean --orphans` removes it)\n",
            r.version
        ),
        InstallReason::Dependency => {
            format!("{name} {} was installed as a dependency\n", r.version)
        }
    };
    for chain in &r.chains {
        text.push_str(&format!("  {}\n", chain.join(" -> ")));
    }
    if r.needed_by_explicit > r.chains.len() {
        text.push_str(&format!(
            "  ... and {} more explicitly installed packages need it\n",
            r.needed_by_explicit - r.chains.len()
        ));
    }
    if !r.required_by.is_empty() {
        text.push_str(&format!("required by: {}\n", r.required_by.join(", ")));
    }
    if !r.optional_for.is_empty() {
        text.push_str(&format!("optional for: {}\n", r.optional_for.join(", ")));
    }
    text
}
