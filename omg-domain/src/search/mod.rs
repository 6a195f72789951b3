//! Search: a prepared index of package summaries and the ranking rules.
//!
//! Ranking, best first: exact name, name prefix, word-boundary match in the name, substring
//! of the name, fuzzy name match (nucleo), description match. Ties go to the shorter name,
//! then to the earlier repository (the order the backend listed them in), then by name.
//! Matching is case-insensitive. With several words, every word must occur in the name or
//! the description, and the package ranks by how its name matches the whole query.

mod bits;
mod charset;
mod classify;
mod column;
mod fuzzy;
mod index;
mod trigram;

pub use index::Index;
