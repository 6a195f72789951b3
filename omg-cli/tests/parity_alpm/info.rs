//! Differential tests: info (see main.rs).
