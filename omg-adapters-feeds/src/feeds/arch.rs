//! The Arch security tracker's `all.json`: a JSON array of AVG groups.
//!
//! ```json
//! [{"name": "AVG-2843", "packages": ["openssl"], "status": "Fixed", "severity": "High",
//!   "type": "arbitrary code execution", "affected": "3.0.7-1", "fixed": "3.0.8-1",
//!   "ticket": null, "issues": ["CVE-2023-0286"], "advisories": ["ASA-202302-1"]}]
//! ```

use omg_ports::{ArchGroup, FeedKind, Result};
use serde::Deserialize;

use super::malformed;

#[derive(Deserialize)]
struct Raw {
    name: String,
    packages: Vec<String>,
    status: String,
    severity: String,
    #[serde(rename = "type")]
    kind: String,
    affected: String,
    fixed: Option<String>,
    #[serde(default)]
    ticket: Option<String>,
    #[serde(default)]
    issues: Vec<String>,
    #[serde(default)]
    advisories: Vec<String>,
}

/// The groups of an `all.json` body from `url`.
///
/// # Errors
///
/// [`omg_ports::Error::MalformedFeed`] when `body` is not such a JSON array (cut short, HTML
/// from a captive portal, a record without its required fields).
pub fn parse_arch(url: &str, body: &[u8]) -> Result<Vec<ArchGroup>> {
    let raw: Vec<Raw> =
        serde_json::from_slice(body).map_err(|e| malformed(FeedKind::Arch, url, e))?;
    Ok(raw
        .into_iter()
        .map(|r| ArchGroup {
            name: r.name,
            packages: r.packages,
            status: r.status,
            severity: r.severity,
            kind: r.kind,
            affected: r.affected,
            fixed: r.fixed.filter(|f| !f.is_empty()),
            ticket: r.ticket,
            issues: r.issues,
            advisories: r.advisories,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXCERPT: &str = r#"[
  {"name": "AVG-2843", "packages": ["openssl", "lib32-openssl"], "status": "Fixed",
   "severity": "High", "type": "arbitrary code execution", "affected": "3.0.7-1",
   "fixed": "3.0.8-1", "ticket": null,
   "issues": ["CVE-2023-0286", "CVE-2023-0215"], "advisories": ["ASA-202302-1"]},
  {"name": "AVG-2900", "packages": ["sudo"], "status": "Vulnerable", "severity": "Medium",
   "type": "privilege escalation", "affected": "1.9.13.p3-1", "fixed": null,
   "ticket": "78123", "issues": ["CVE-2023-9999"], "advisories": []}
]"#;

    #[test]
    fn parses_groups() {
        let groups = parse_arch("u", EXCERPT.as_bytes()).unwrap();
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].name, "AVG-2843");
        assert_eq!(groups[0].packages, ["openssl", "lib32-openssl"]);
        assert_eq!(groups[0].fixed.as_deref(), Some("3.0.8-1"));
        assert_eq!(groups[0].kind, "arbitrary code execution");
        assert_eq!(groups[1].fixed, None);
        assert_eq!(groups[1].ticket.as_deref(), Some("78123"));
    }

    #[test]
    fn truncated_or_foreign_bodies_are_malformed_and_named() {
        let cut = &EXCERPT.as_bytes()[..EXCERPT.len() / 2];
        for body in [cut, b"<html>captive portal</html>".as_slice(), b"{}"] {
            let e = parse_arch("https://mirror/all.json", body).unwrap_err();
            let text = e.to_string();
            assert!(
                text.starts_with("arch (https://mirror/all.json) is malformed"),
                "{text}"
            );
        }
    }
}
