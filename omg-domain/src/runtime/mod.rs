//! Language runtimes: version specs, numeric ordering, and which version applies where.
//!
//! No I/O: the adapter (`omg-adapters-runtimes`) reads the version files and hands their
//! contents in as [`DirFiles`]; providers (`omg_ports::RuntimeProvider`) supply the remote
//! versions.
//!
//! # Version specs ([`VersionSpec::parse`])
//!
//! - `20.11.1`, `20`, `3.12`, `1.80`: a version, exact or partial. An exact match wins;
//!   otherwise the newest release whose leading numeric components are these (`20` picks
//!   `20.11.1`, never `200.1`). A leading `v` is ignored.
//! - `latest` (also nvm's `node`, `*`): the newest release.
//! - `lts`, `lts/*`: the newest release marked LTS (node). `lts/iron`: the newest of that
//!   LTS line, case-insensitive.
//! - `stable`, `beta`, `nightly`: the newest release on that channel (rust). A source
//!   without channels treats `stable` as `latest`.
//! - package.json ranges: `>=18` = the newest release at or above 18; `^20.11.1` = `20`
//!   (`^0.8.1` = `0.8`); `~20.11.1` = `20.11`; `20.x` = `20`; `a || b` uses `a`; of a
//!   range with several comparators, the first.
//! - Pre-releases (`1.23rc1`) are chosen only when named exactly.
//! - Versions are ordered numerically ([`compare`]): `20.9.0 < 20.10.0`.
//!
//! # Which file decides ([`resolve`])
//!
//! 1. Start in the current directory and walk up to `/`. The first directory that has a
//!    file naming the runtime decides: nearest wins.
//! 2. Within one directory the files are consulted in the order of [`VERSION_FILES`]:
//!    `.nvmrc`, `.node-version`, `package.json`, `.python-version`, `.go-version`,
//!    `go.mod`, `rust-toolchain.toml`, `rust-toolchain`, `.ruby-version`, `.java-version`,
//!    `.sdkmanrc`, `.bun-version`, then the multi-tool files `.tool-versions`, `mise.toml`,
//!    `.mise.toml`. So a runtime's own file beats a multi-tool file in the same directory.
//! 3. A file that exists but does not name the runtime (a package.json without `volta` or
//!    `engines` for it, a `.tool-versions` without its line) is passed over; the walk goes
//!    on.
//! 4. In package.json, `volta.<runtime>` beats `engines.<runtime>` (node and bun). In
//!    go.mod, `toolchain go1.22.1` beats `go 1.21`. In `.tool-versions` and mise.toml
//!    lists, the first version is used. Names other tools use are mapped (`nodejs` ->
//!    `node`, `golang` -> `go`). Vendor decorations are dropped for java (`temurin-21` ->
//!    `21`, sdkman's `21.0.2-tem` -> `21.0.2`) and ruby (`ruby-3.3.0` -> `3.3.0`).
//! 5. When no file decides, the global default (`omg use --global`) applies
//!    ([`resolve_all`] takes it); otherwise the runtime is not active.

mod files;
mod order;
mod resolve;
mod spec;

pub use files::{
    canonical_runtime, constraints, conventional_contents, conventional_file, parse, VERSION_FILES,
};
pub use order::{compare, numeric_prefix};
pub use resolve::{resolve, resolve_all, Constraint, DirFiles, Origin, Resolution};
pub use spec::{choose, closest, pep440_allows, select, Choice, VersionSpec};
