//! Differential tests: search (see main.rs).
