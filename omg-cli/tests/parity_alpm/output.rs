//! Differential tests: output (see main.rs).
