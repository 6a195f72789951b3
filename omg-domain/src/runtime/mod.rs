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
//!   LTS line, case-insensitive. `lts/-1` (nvm): the newest of the LTS line before the
//!   newest line.
//! - `stable`, `beta`, `nightly`: the newest release on that channel (rust). A source
//!   without channels treats `stable` as `latest`.
//! - `system` (pyenv, nvm, asdf): the system's own installation; omg selects nothing and puts
//!   nothing on PATH for the runtime.
//! - Several specs in one file ([`VersionSpec::AnyOf`]: the lines of `.python-version`, the
//!   versions on a `.tool-versions` line) are fallbacks: the first that selects an installed
//!   version decides, else the first that selects a remote one; a `system` reached first
//!   means the system's.
//! - python forms: `3.12`, `3.12.1`, `python-3.12` and `cpython-3.12` (uv) are CPython;
//!   `3.13t` (free-threaded) and `pypy3.10-7.3.17` are kept as written and select nothing
//!   omg installs (an unknown-version error naming them, never the default 3.13 build).
//! - npm ranges ([`VersionSpec::Range`], text starting with `<`, `>`, `^`, `~`, or with
//!   `||` or several words): npm's rules through the `nodejs-semver` crate, the newest
//!   satisfying release (`>=18 <21`; `18 || 20` is the newest 20; `^20.11.1` is not
//!   satisfied by 20.1.0). `20.x` and `=20.1` are versions. A version of one or two numbers
//!   is compared as `x.0.0`/`x.y.0`.
//! - `path:<dir>` (rustup's `path = "..."` toolchain, relative to its file; mise's
//!   `path:`): that directory as it is, its `bin` on PATH ([`VersionSpec::Path`]).
//! - PEP 440 specifier sets ([`VersionSpec::Pep440`]) come only from `requires-python`.
//! - Pre-releases (`1.23rc1`) are chosen only when named exactly.
//! - Versions are ordered numerically ([`compare`]): `20.9.0 < 20.10.0`.
//!
//! # Which file decides ([`resolve`])
//!
//! 1. Start in the current directory and walk up to `/`. The first directory that has a
//!    file naming the runtime decides: nearest wins.
//! 2. Within one directory the files are consulted in the order of [`VERSION_FILES`],
//!    mise's precedence: mise's own files first (those of `MISE_ENV`'s environments,
//!    `mise.staging.toml`..., the strongest environment first: [`omg_ports::mise_env_files`];
//!    then `.mise.local.toml`, `mise.local.toml`, `.config/mise/config.local.toml`,
//!    `.mise.toml`, `mise.toml`, `mise/config.toml`, `.mise/config.toml`,
//!    `.config/mise.toml`, `.config/mise/config.toml`, `.config/mise/conf.d/*.toml` the last
//!    alphabetically first: [`omg_ports::version_file_anchor`]), then asdf's `.tool-versions`, then
//!    the single-runtime files: `.nvmrc`, `.node-version`, `package.json`,
//!    `.python-version`, `.python-versions` (uv: its first line), `pyproject.toml`,
//!    `.go-version`, `go.work`, `go.mod`, `rust-toolchain` (rustup: the legacy file wins
//!    when both are there), `rust-toolchain.toml`,
//!    `.ruby-version`, `.java-version`, `.sdkmanrc`, `.bun-version`. So a multi-tool file
//!    beats a runtime's own file in the same directory, as in mise.
//! 3. A file that exists but does not name the runtime (a package.json without `volta` or
//!    `devEngines` for it, a `.tool-versions` without its line) is passed over; the walk goes
//!    on.
//! 4. In package.json, `volta.<runtime>` beats npm's `devEngines.runtime` (an entry whose
//!    `name` is the runtime), which beats bun's `engines.bun`; node's `engines.node` is a
//!    requirement (rule 5), never a version. In go.mod and go.work, `toolchain go1.22.1`
//!    beats `go 1.21` when it names a full release not older than the `go` line (go's
//!    rule); otherwise the `go` line is used. Inside a workspace (a go.work in the
//!    directory or above) go.mod is passed over: go.work decides, as for the go command.
//!    go's `GOWORK` (`off`, or an absolute path to a go.work) is applied by the adapter
//!    that reads the files (`omg_adapters_runtimes::read_version_files_with`).
//!    In mise.toml lists the first version is used; `.tool-versions`' several versions are
//!    fallbacks (asdf). Names other tools use are mapped (`nodejs` -> `node`, `golang` ->
//!    `go`). For java the vendor is kept: Temurin's names become the bare
//!    version (`temurin-21` -> `21`, jenv's `temurin64-21`, sdkman's `21.0.2-tem` ->
//!    `21.0.2`, asdf-java's `temurin-21.0.7+6.0.LTS` -> Adoptium's `21.0.7+6`; generic
//!    `openjdk` names too), another vendor's is [`VersionSpec::Vendor`] (`zulu-21`,
//!    sdkman's `21.0.2-amzn` -> `corretto-21.0.2`), which selects nothing and is refused by
//!    name. ruby's `ruby-3.3.0` is `3.3.0`.
//! 5. Requirements ([`constraints`]) are not version files: pyproject.toml's
//!    `project.requires-python` (PEP 440, uv's rule) and package.json's `engines.node` (npm
//!    range; nvm and mise refuse to take a version from it). When a version file decides,
//!    the nearest requirement (walking up from the current directory) is attached as
//!    [`Resolution::constraint`] and a chosen version outside it gets a warning; the file
//!    still wins. When no version file names python, the nearest `requires-python`
//!    decides ([`VersionSpec::Pep440`]: the newest installed version inside it, else the
//!    newest remote one), before the global default; `engines.node` never decides.
//! 6. When no file decides, the global default (`omg use --global`) applies
//!    ([`resolve_all`] takes it); otherwise the runtime is not active.
//! 7. Above all of these, the shell's `OMG_<RUNTIME>_VERSION` (`omg shell`), when set,
//!    decides ([`override_resolution`], [`with_overrides`]; origin [`Origin::Env`]).

mod edit;
mod enough;
mod env_override;
mod files;
mod java;
mod requirements;
mod resolve;
mod rust_toolchain;
mod spec;

pub use edit::{edit_version_file, Edit};
pub use env_override::{
    env_overrides, override_resolution, override_variable, with_overrides, InvalidOverride,
    MAX_OVERRIDE_LEN,
};
pub use files::{canonical_runtime, conventional_contents, conventional_file, parse};
pub use java::FOREIGN_JAVA_VENDORS;
// Numeric ordering and the version files' names and contents live in omg-ports: the
// runtime adapters use them too.
pub use enough::enough_for;
pub use omg_ports::runtime_order::{compare, numeric_prefix};
pub use omg_ports::{DirFiles, VERSION_FILES};
pub use requirements::{constraints, RangeSyntax, Requirement};
pub use resolve::{resolve, resolve_all, Constraint, Origin, Resolution, MAX_ALTERNATIVES};
pub use rust_toolchain::{rust_toolchain, RustToolchain};
pub use spec::{choose, closest, npm_satisfies, pep440_allows, select, Choice, VersionSpec};
