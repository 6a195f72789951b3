//! What the caller of [`crate::aur::plan()`] has learnt so far: the answers of the package
//! manager (installed, in the repositories) for every dependency met, and the AUR records
//! fetched. A [`PlanView`] that the caller fills round by round: [`PlanFacts::unknown`]
//! says which dependencies to ask the package manager about, [`crate::aur::missing_records`]
//! which records to fetch.

use std::collections::{HashMap, HashSet};

use omg_ports::AurPackage;

use super::depend::Depend;
use super::plan::PlanView;

/// The answers gathered for one plan.
#[derive(Debug, Default)]
pub struct PlanFacts {
    installed: HashMap<Depend, bool>,
    repos: HashMap<Depend, Option<String>>,
    records: HashMap<String, AurPackage>,
    providers: HashMap<String, Vec<String>>,
    asked: HashSet<String>,
}

/// A dependency to ask the package manager about: what the planner will ask, and the text
/// to ask with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// The dependency the plan looks up.
    pub dep: Depend,
    /// The dependency string to resolve (pacman's syntax).
    pub text: String,
}

impl PlanFacts {
    /// The dependencies of `targets` and of every record known that were not answered yet
    /// (unreadable ones are left to the plan, which reports them). For each target whose
    /// record is known, also whether it is installed at the AUR's version: asked as
    /// `name>=version`, so that a VCS package built newer than the AUR's record counts as
    /// up to date (pacman and paru skip it too).
    pub fn unknown(&self, targets: &[String]) -> Vec<Question> {
        let mut out: Vec<Question> = Vec::new();
        let push = |dep: Depend, text: String, out: &mut Vec<Question>| {
            if !self.installed.contains_key(&dep) && !out.iter().any(|q| q.dep == dep) {
                out.push(Question { dep, text });
            }
        };
        let mut records: Vec<&AurPackage> = self.records.values().collect();
        records.sort_by(|a, b| a.name.cmp(&b.name));
        for r in &records {
            if targets.contains(&r.name) {
                let text = format!("{}>={}", r.name, r.version);
                push(Depend::exactly(&r.name, &r.version), text, &mut out);
            }
        }
        let texts = targets.iter().chain(
            records
                .iter()
                .flat_map(|r| [&r.depends, &r.make_depends, &r.check_depends])
                .flatten(),
        );
        for text in texts {
            if let Ok(dep) = Depend::parse(text) {
                push(dep, text.clone(), &mut out);
            }
        }
        out
    }

    /// Records the package manager's answers for `question`: whether an installed package
    /// satisfies it, and which repository package does.
    pub fn answer(&mut self, question: Question, installed: bool, in_repos: Option<String>) {
        self.installed.insert(question.dep.clone(), installed);
        self.repos.insert(question.dep, in_repos);
    }

    /// Adds a record fetched from the AUR.
    pub fn add_record(&mut self, record: AurPackage) {
        self.records.insert(record.name.clone(), record);
    }

    /// Notes that the AUR was asked for `name` (whether it has it or not).
    pub fn mark_asked(&mut self, name: &str) {
        self.asked.insert(name.to_owned());
    }

    /// The packages the AUR says provide `name`.
    pub fn set_providers(&mut self, name: &str, providers: Vec<String>) {
        self.providers.insert(name.to_owned(), providers);
    }

    /// Whether a record of `name` is known.
    pub fn has_record(&self, name: &str) -> bool {
        self.records.contains_key(name)
    }

    /// The record of `name`, when known.
    pub fn record(&self, name: &str) -> Option<&AurPackage> {
        self.records.get(name)
    }

    /// Every record known, in no particular order.
    pub fn records(&self) -> impl Iterator<Item = &AurPackage> {
        self.records.values()
    }
}

impl PlanView for PlanFacts {
    fn installed(&self, dep: &Depend) -> bool {
        self.installed.get(dep).copied().unwrap_or(false)
    }

    fn in_repos(&self, dep: &Depend) -> Option<String> {
        self.repos.get(dep).cloned().flatten()
    }

    fn aur(&self, name: &str) -> Option<&AurPackage> {
        self.records.get(name)
    }

    fn aur_providers(&self, dep_name: &str) -> Vec<&AurPackage> {
        self.providers
            .get(dep_name)
            .map(|names| names.iter().filter_map(|n| self.records.get(n)).collect())
            .unwrap_or_default()
    }

    fn asked(&self, name: &str) -> bool {
        self.asked.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_lists_each_dependency_once_and_the_targets_version_check() {
        let mut facts = PlanFacts::default();
        let targets = vec!["app".to_string()];
        assert_eq!(
            facts.unknown(&targets),
            [Question {
                dep: Depend::any("app"),
                text: "app".into()
            }]
        );
        facts.add_record(AurPackage {
            name: "app".into(),
            version: "2-1".into(),
            depends: vec!["lib>=1".into(), "glibc".into()],
            make_depends: vec!["glibc".into()],
            ..AurPackage::default()
        });
        let asked: Vec<String> = facts
            .unknown(&targets)
            .into_iter()
            .map(|q| q.text)
            .collect();
        assert_eq!(asked, ["app>=2-1", "app", "lib>=1", "glibc"]);
        for q in facts.unknown(&targets) {
            facts.answer(q, false, None);
        }
        assert!(facts.unknown(&targets).is_empty());
        assert!(!facts.installed(&Depend::exactly("app", "2-1")));
    }
}
