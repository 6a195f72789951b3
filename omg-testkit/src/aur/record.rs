//! [`AurRecord`]: one package as aurweb describes it, written as aurweb's JSON by hand
//! (`serde_json::json!` with aurweb's field names), independent of omg's own types.

use serde_json::{json, Map, Value};

/// One AUR package (a `Packages` row of aurweb with its base, votes and relations).
///
/// `id` and `package_base_id` of 0 are assigned by the [`AurServer`](super::AurServer)
/// when the record is put (kept when a record of the same name is replaced).
#[derive(Debug, Clone, PartialEq)]
pub struct AurRecord {
    /// `ID`.
    pub id: u64,
    /// `Name`.
    pub name: String,
    /// `PackageBaseID`.
    pub package_base_id: u64,
    /// `PackageBase`.
    pub package_base: String,
    /// `Version`: `[epoch:]pkgver-pkgrel`.
    pub version: String,
    /// `Description`.
    pub description: Option<String>,
    /// `URL` (upstream's).
    pub url: Option<String>,
    /// `Maintainer` (`None`: orphaned).
    pub maintainer: Option<String>,
    /// `NumVotes`.
    pub num_votes: u64,
    /// `Popularity`: written as aurweb does, rounded to 6 decimals, and 0 as the
    /// integer `0` (a client must accept both).
    pub popularity: f64,
    /// `OutOfDate`: when it was flagged, seconds since the epoch.
    pub out_of_date: Option<i64>,
    /// `FirstSubmitted`, seconds since the epoch.
    pub first_submitted: i64,
    /// `LastModified`, seconds since the epoch.
    pub last_modified: i64,
    /// `Submitter` (info answers and the extended dump).
    pub submitter: Option<String>,
    /// `License`.
    pub license: Vec<String>,
    /// `Keywords`.
    pub keywords: Vec<String>,
    /// `Depends`, constraints inline (`"aur-lib>=1.2"`).
    pub depends: Vec<String>,
    /// `MakeDepends`.
    pub make_depends: Vec<String>,
    /// `CheckDepends`.
    pub check_depends: Vec<String>,
    /// `OptDepends` (`"name: why"`).
    pub opt_depends: Vec<String>,
    /// `Provides`.
    pub provides: Vec<String>,
    /// `Conflicts`.
    pub conflicts: Vec<String>,
    /// `Replaces`.
    pub replaces: Vec<String>,
    /// `Groups`.
    pub groups: Vec<String>,
    /// `CoMaintainers`.
    pub co_maintainers: Vec<String>,
}

impl AurRecord {
    /// A record named `name` (its own base) at `version`, maintained by `omgtest`,
    /// submitted and last modified at 1,700,000,000, with nothing else set.
    pub fn new(name: &str, version: &str) -> AurRecord {
        AurRecord {
            id: 0,
            name: name.to_owned(),
            package_base_id: 0,
            package_base: name.to_owned(),
            version: version.to_owned(),
            description: None,
            url: None,
            maintainer: Some("omgtest".to_owned()),
            num_votes: 0,
            popularity: 0.0,
            out_of_date: None,
            first_submitted: 1_700_000_000,
            last_modified: 1_700_000_000,
            submitter: Some("omgtest".to_owned()),
            license: Vec::new(),
            keywords: Vec::new(),
            depends: Vec::new(),
            make_depends: Vec::new(),
            check_depends: Vec::new(),
            opt_depends: Vec::new(),
            provides: Vec::new(),
            conflicts: Vec::new(),
            replaces: Vec::new(),
            groups: Vec::new(),
            co_maintainers: Vec::new(),
        }
    }

    /// The fields of a search result (RPC `search`): `URLPath` from the package base.
    pub fn search_json(&self) -> Value {
        Value::Object(self.common(&self.package_base))
    }

    /// The fields of an info result (RPC `info`, `"type": "multiinfo"`): the search fields,
    /// `Submitter`, `License` and `Keywords` always, the relation lists when not empty.
    pub fn info_json(&self) -> Value {
        let mut m = self.common(&self.package_base);
        self.add_info(&mut m);
        Value::Object(m)
    }

    /// A record of `/packages-meta-v1.json.gz`: search-shaped, `URLPath` built from the
    /// package's name as the real dump does (wrong for split packages: clients must use
    /// `PackageBase`).
    pub fn dump_json(&self) -> Value {
        Value::Object(self.common(&self.name))
    }

    /// A record of `/packages-meta-ext-v1.json.gz`: [`AurRecord::dump_json`] plus the
    /// info fields.
    pub fn dump_ext_json(&self) -> Value {
        let mut m = self.common(&self.name);
        self.add_info(&mut m);
        Value::Object(m)
    }

    fn common(&self, snapshot: &str) -> Map<String, Value> {
        let v = json!({
            "ID": self.id,
            "Name": self.name,
            "PackageBaseID": self.package_base_id,
            "PackageBase": self.package_base,
            "Version": self.version,
            "Description": self.description,
            "URL": self.url,
            "URLPath": format!("/cgit/aur.git/snapshot/{snapshot}.tar.gz"),
            "Maintainer": self.maintainer,
            "NumVotes": self.num_votes,
            "Popularity": popularity(self.popularity),
            "OutOfDate": self.out_of_date,
            "FirstSubmitted": self.first_submitted,
            "LastModified": self.last_modified,
        });
        match v {
            Value::Object(m) => m,
            _ => unreachable!("json! of an object"),
        }
    }

    fn add_info(&self, m: &mut Map<String, Value>) {
        m.insert("Submitter".into(), json!(self.submitter));
        m.insert("License".into(), json!(self.license));
        m.insert("Keywords".into(), json!(self.keywords));
        for (key, list) in [
            ("Depends", &self.depends),
            ("MakeDepends", &self.make_depends),
            ("CheckDepends", &self.check_depends),
            ("OptDepends", &self.opt_depends),
            ("Provides", &self.provides),
            ("Conflicts", &self.conflicts),
            ("Replaces", &self.replaces),
            ("Groups", &self.groups),
            ("CoMaintainers", &self.co_maintainers),
        ] {
            if !list.is_empty() {
                m.insert(key.into(), json!(list));
            }
        }
    }
}

/// aurweb's `Popularity`: the integer 0 when zero, else a float rounded to 6 decimals.
fn popularity(p: f64) -> Value {
    if p == 0.0 {
        json!(0)
    } else {
        json!((p * 1e6).round() / 1e6)
    }
}

/// The package name of a dependency string: `aur-lib>=1.2` and `python: for x` give
/// `aur-lib` and `python`.
pub(crate) fn relation_name(dep: &str) -> &str {
    let end = dep.find(['<', '>', '=', ':']).unwrap_or(dep.len());
    dep[..end].trim()
}
