//! Ubuntu's OSV records, as osv.dev publishes them per ecosystem: a zip archive
//! (`https://osv-vulnerabilities.storage.googleapis.com/Ubuntu/all.zip`) with one OSV JSON
//! file per record (`UBUNTU-CVE-2024-1234.json`, `USN-6543-1.json`, ...). The feed must be
//! such an archive; mirrors serve a copy of it.
//!
//! Each record lists, per ecosystem (`Ubuntu:22.04:LTS`, `Ubuntu:24.10`,
//! `Ubuntu:Pro:18.04:LTS`, ...), a source package and `ECOSYSTEM` ranges of events:
//!
//! ```json
//! {"id": "UBUNTU-CVE-2025-6491", "upstream": ["CVE-2025-6491"], "related": ["USN-7648-1"],
//!  "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/..."}, {"type": "Ubuntu", "score": "medium"}],
//!  "affected": [{"package": {"ecosystem": "Ubuntu:22.04:LTS", "name": "php8.1"},
//!                "ranges": [{"type": "ECOSYSTEM",
//!                            "events": [{"introduced": "0"}, {"fixed": "8.1.2-1ubuntu2.22"}]}]}]}
//! ```
//!
//! Only the host release's own ecosystem is kept: `Ubuntu:<version>` and
//! `Ubuntu:<version>:LTS`; Ubuntu Pro (ESM) and FIPS ecosystems are not (their fixes need a
//! subscription). Withdrawn records are skipped.

use std::io::{Cursor, Read};

use omg_ports::{FeedKind, OsvEvent, OsvRecord, Result};
use serde::Deserialize;

use super::malformed;

/// The largest record accepted, uncompressed (real ones are a few hundred kilobytes).
const MAX_RECORD: u64 = 32 << 20;

#[derive(Deserialize)]
struct Raw {
    id: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    upstream: Vec<String>,
    #[serde(default)]
    withdrawn: Option<String>,
    #[serde(default)]
    severity: Vec<RawSeverity>,
    #[serde(default)]
    affected: Vec<RawAffected>,
}

#[derive(Deserialize)]
struct RawSeverity {
    #[serde(rename = "type")]
    kind: String,
    score: String,
}

#[derive(Deserialize)]
struct RawAffected {
    package: RawPackage,
    #[serde(default)]
    ranges: Vec<RawRange>,
}

#[derive(Deserialize)]
struct RawPackage {
    ecosystem: String,
    name: String,
}

#[derive(Deserialize)]
struct RawRange {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    events: Vec<RawEvent>,
}

#[derive(Deserialize)]
struct RawEvent {
    introduced: Option<String>,
    fixed: Option<String>,
    last_affected: Option<String>,
    limit: Option<String>,
}

impl RawEvent {
    fn into_event(self) -> Option<OsvEvent> {
        Some(if let Some(v) = self.introduced {
            OsvEvent::Introduced(v)
        } else if let Some(v) = self.fixed {
            OsvEvent::Fixed(v)
        } else if let Some(v) = self.last_affected {
            OsvEvent::LastAffected(v)
        } else {
            OsvEvent::Limit(self.limit?)
        })
    }
}

/// The records of an osv.dev `all.zip` body from `url` that affect packages of Ubuntu
/// `version` (`22.04`), one per (record, package).
///
/// # Errors
///
/// [`omg_ports::Error::MalformedFeed`] when `body` is not a zip archive (or is cut short), or
/// one of its JSON files is not an OSV record; the message names the file.
pub fn parse_ubuntu_osv(url: &str, body: &[u8], version: &str) -> Result<Vec<OsvRecord>> {
    let bad = |reason: String| malformed(FeedKind::Ubuntu, url, reason);
    let mut archive = zip::ZipArchive::new(Cursor::new(body))
        .map_err(|e| bad(format!("not a zip archive of OSV records ({e})")))?;
    let ecosystems = [format!("Ubuntu:{version}"), format!("Ubuntu:{version}:LTS")];
    let mut out = Vec::new();
    let mut buf = Vec::new();
    for i in 0..archive.len() {
        let file = archive
            .by_index(i)
            .map_err(|e| bad(format!("entry {i}: {e}")))?;
        if file.is_dir() || !file.name().ends_with(".json") {
            continue;
        }
        let name = file.name().to_owned();
        buf.clear();
        file.take(MAX_RECORD + 1)
            .read_to_end(&mut buf)
            .map_err(|e| bad(format!("{name}: {e}")))?;
        if buf.len() as u64 > MAX_RECORD {
            return Err(bad(format!("{name} is larger than {MAX_RECORD} bytes")));
        }
        let raw: Raw = serde_json::from_slice(&buf).map_err(|e| bad(format!("{name}: {e}")))?;
        if raw.withdrawn.is_some() {
            continue;
        }
        collect(raw, &ecosystems, &mut out);
    }
    Ok(out)
}

fn collect(raw: Raw, ecosystems: &[String], out: &mut Vec<OsvRecord>) {
    let severity = raw
        .severity
        .iter()
        .find(|s| s.kind.eq_ignore_ascii_case("ubuntu"))
        .map(|s| s.score.clone());
    let mut upstream = raw.upstream;
    upstream.extend(raw.aliases);
    for affected in raw.affected {
        if !ecosystems.contains(&affected.package.ecosystem) {
            continue;
        }
        let ranges = affected
            .ranges
            .into_iter()
            .filter(|r| r.kind == "ECOSYSTEM")
            .map(|r| {
                r.events
                    .into_iter()
                    .filter_map(RawEvent::into_event)
                    .collect()
            })
            .collect();
        out.push(OsvRecord {
            id: raw.id.clone(),
            upstream: upstream.clone(),
            severity: severity.clone(),
            package: affected.package.name,
            ranges,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(files: &[(&str, &str)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, text) in files {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(text.as_bytes()).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    const RECORD: &str = r#"{"schema_version": "1.7.0", "id": "UBUNTU-CVE-2024-0001",
      "details": "x", "aliases": [], "upstream": ["CVE-2024-0001"], "related": ["USN-7000-1"],
      "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N"}, {"type": "Ubuntu", "score": "high"}],
      "published": "2024-01-01T00:00:00Z", "modified": "2024-02-01T00:00:00Z",
      "affected": [
        {"package": {"ecosystem": "Ubuntu:Pro:22.04:LTS", "name": "curl"},
         "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "7.81.0-1ubuntu1.16+esm1"}]}]},
        {"package": {"ecosystem": "Ubuntu:22.04:LTS", "name": "curl",
                     "purl": "pkg:deb/ubuntu/curl@7.81.0-1ubuntu1.16?arch=source&distro=jammy"},
         "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "7.81.0-1ubuntu1.16"}]}],
         "versions": ["7.81.0-1"]},
        {"package": {"ecosystem": "Ubuntu:24.04:LTS", "name": "curl"},
         "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}
      ]}"#;

    #[test]
    fn keeps_the_release_ecosystem_only() {
        let body = zip_of(&[("UBUNTU-CVE-2024-0001.json", RECORD)]);
        let records = parse_ubuntu_osv("u", &body, "22.04").unwrap();
        assert_eq!(
            records,
            vec![OsvRecord {
                id: "UBUNTU-CVE-2024-0001".into(),
                upstream: vec!["CVE-2024-0001".into()],
                severity: Some("high".into()),
                package: "curl".into(),
                ranges: vec![vec![
                    OsvEvent::Introduced("0".into()),
                    OsvEvent::Fixed("7.81.0-1ubuntu1.16".into())
                ]],
            }]
        );
        let noble = parse_ubuntu_osv("u", &body, "24.04").unwrap();
        assert_eq!(
            noble[0].ranges,
            vec![vec![OsvEvent::Introduced("0".into())]]
        );
        assert!(parse_ubuntu_osv("u", &body, "20.04").unwrap().is_empty());
    }

    #[test]
    fn withdrawn_records_are_skipped() {
        let withdrawn = RECORD.replacen(
            "\"details\"",
            "\"withdrawn\": \"2024-03-01T00:00:00Z\", \"details\"",
            1,
        );
        let body = zip_of(&[("a.json", &withdrawn)]);
        assert!(parse_ubuntu_osv("u", &body, "22.04").unwrap().is_empty());
    }

    #[test]
    fn truncated_archives_and_bad_records_are_malformed() {
        let body = zip_of(&[("UBUNTU-CVE-2024-0001.json", RECORD)]);
        let e =
            parse_ubuntu_osv("https://m/all.zip", &body[..body.len() - 10], "22.04").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("ubuntu (https://m/all.zip) is malformed"),
            "{e}"
        );
        let body = zip_of(&[("broken.json", "{\"id\": ")]);
        let e = parse_ubuntu_osv("u", &body, "22.04").unwrap_err();
        assert!(e.to_string().contains("broken.json"), "{e}");
    }
}
