//! Search: a prepared index of package summaries and the ranking rules.
//!
//! Ranking, best first: exact name, name prefix, word-boundary match in the name, substring
//! of the name, fuzzy name match (nucleo), a provided name containing the query
//! (`java-runtime`), description match. Ties go to the shorter name, then to the earlier
//! repository (the order the backend listed them in), then by name. Matching is
//! case-insensitive. A package in several repositories is one entry per repository.
//!
//! Fuzzy matches are loose (at least half the points nucleo gives a contiguous match) only
//! for a query found nowhere as it is; when the query occurs in some name, provided name or
//! description, a fuzzy match must be tight: queries of four characters or more, more than
//! half of the query contiguous in the name, and a score near a contiguous match's (see
//! `fuzzy.rs`). So `frfx` finds `firefox`, and `tmux` finds what contains `tmux`.
//!
//! With several words, every word must occur in the name, the description or a provided
//! name, and the package ranks by how its name matches the whole query.

mod bits;
mod charset;
mod classify;
mod column;
mod fuzzy;
mod index;
mod merge;
#[cfg(test)]
mod merge_props;
mod trigram;

pub use index::{Index, Matches};
pub use merge::{
    aur_summary, merge_aur, search_indexes_with_aur, search_shape, search_with_aur, AUR_REPOSITORY,
};
