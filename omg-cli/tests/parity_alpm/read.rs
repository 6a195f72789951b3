//! Differential tests: read (see main.rs).
