//! Differential tests: plans (see main.rs).
