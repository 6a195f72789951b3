//! omg's pure logic: version ordering, search ranking, suggestions, undoing recorded
//! transactions ([`reversal`]), the AUR review's warnings ([`aur`]) and the [`Engine`].
//!
//! Nothing here does I/O: the world comes in through the ports of `omg-ports` (chiefly
//! [`omg_ports::PackageBackend`]).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod audit;
pub mod aur;
pub mod engine;
pub mod family;
pub mod reversal;
pub mod runtime;
pub mod search;
pub mod suggest;
pub mod version;
pub mod why;

pub use engine::Engine;
pub use search::Index;
pub use why::WhyReport;
