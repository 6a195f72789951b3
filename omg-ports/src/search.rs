//! Search queries and their ranked results.

use serde::{Deserialize, Serialize};

use crate::PackageSummary;

/// A search request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bitcode", derive(bitcode::Encode, bitcode::Decode))]
pub struct SearchQuery {
    /// The text to look for, matched case-insensitively against names and descriptions.
    pub text: String,
    /// At most this many hits are returned; `None` returns them all (the command line's
    /// `--limit 0` means `None`). The total count is always reported.
    pub limit: Option<usize>,
    /// Only installed packages.
    pub installed_only: bool,
}

impl SearchQuery {
    /// A query for `text` with no limit over all packages.
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            limit: None,
            installed_only: false,
        }
    }

    /// The same query returning at most `limit` hits.
    pub fn with_limit(mut self, limit: usize) -> Self {
        self.limit = Some(limit);
        self
    }

    /// The same query restricted to installed packages.
    pub fn installed(mut self) -> Self {
        self.installed_only = true;
        self
    }
}

/// How a package matched the query, best first: the derived order is the ranking order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "bitcode", derive(bitcode::Encode, bitcode::Decode))]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// The name equals the query.
    Exact,
    /// The name starts with the query.
    Prefix,
    /// The query starts a word of the name (after `-`, `_`, `.`, `+` or a digit boundary).
    WordBoundary,
    /// The query occurs inside the name.
    Substring,
    /// The query's characters occur in order in the name (`frfx` finds `firefox`).
    Fuzzy,
    /// The query occurs in a name the package provides (`java-runtime`, `sh`).
    Provides,
    /// The query occurs in the description only.
    Description,
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bitcode", derive(bitcode::Encode, bitcode::Decode))]
pub struct SearchHit {
    /// The package that matched.
    pub package: PackageSummary,
    /// How it matched.
    pub kind: MatchKind,
    /// The fuzzy score within [`MatchKind::Fuzzy`] (higher is better); 0 for the other kinds.
    pub score: u32,
}

/// The ranked hits of a query.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "bitcode", derive(bitcode::Encode, bitcode::Decode))]
pub struct SearchResults {
    /// Hits, best first, at most the query's limit.
    pub hits: Vec<SearchHit>,
    /// How many packages matched in all, before the limit.
    pub total: usize,
}
