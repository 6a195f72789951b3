//! Which runtime version is active where (the shell hook in `omg` and the runtime commands
//! in `omg-backend` both ask), and which remote release a spec selects.

use std::path::{Path, PathBuf};

use omg_adapters_runtimes::{read_version_files, GlobalDefaults, InstalledRuntime, RuntimesHome};
use omg_domain::runtime::{
    choose, closest, enough_for, env_overrides, resolve, select, Choice, Origin, Resolution,
    VersionSpec,
};
use omg_ports::{Addon, Enough, Error, Platform, RemoteVersion, Result, RuntimeProvider};

use crate::render::escape;

/// A runtime's resolution here and the installed version it selects (if any).
pub struct Active {
    /// What is asked, and what decided it.
    pub resolution: Resolution,
    /// The installed version the spec selects, or `None` when none is installed.
    pub installed: Option<InstalledRuntime>,
}

/// What decides `runtime`'s version in `cwd`: the shell's `OMG_<RUNTIME>_VERSION`, else
/// the nearest version file, else the global default; `None` when none names it.
///
/// # Errors
///
/// [`Error::InvalidRequest`] naming the variable when its value is no spec of the
/// runtime; the global defaults' errors.
pub fn resolution(
    defaults: &GlobalDefaults,
    runtime: &str,
    cwd: &Path,
) -> Result<Option<Resolution>> {
    if let Some(r) = env_override(runtime)? {
        return Ok(Some(r));
    }
    file_resolution(defaults, runtime, cwd)
}

/// What the files decide for `runtime` in `cwd`, whatever the shell overrides: the nearest
/// version file, else the global default (`omg use` edits what this names).
pub fn file_resolution(
    defaults: &GlobalDefaults,
    runtime: &str,
    cwd: &Path,
) -> Result<Option<Resolution>> {
    if let Some(r) = resolve(runtime, &read_version_files(cwd)) {
        return Ok(Some(r));
    }
    Ok(defaults.load()?.remove(runtime).map(|spec| Resolution {
        runtime: runtime.to_string(),
        spec: VersionSpec::parse(&spec),
        spec_text: spec,
        origin: Origin::Global {
            path: defaults.path().to_path_buf(),
        },
        constraint: None,
    }))
}

/// The shell's override of `runtime`'s version (`OMG_NODE_VERSION`, set by `omg shell`),
/// or `None` when the variable is unset or empty.
///
/// # Errors
///
/// [`Error::InvalidRequest`] naming the variable when its value is no spec of the runtime.
pub fn env_override(runtime: &str) -> Result<Option<Resolution>> {
    let env = |k: &str| std::env::var_os(k).map(|v| v.to_string_lossy().into_owned());
    let (mut valid, invalid) = env_overrides(&[runtime], &env);
    match invalid.into_iter().next() {
        Some(e) => Err(Error::InvalidRequest(e.to_string())),
        None => Ok(valid.pop()),
    }
}

/// True when `spec` means the system's own `runtime` here: `system`, or a fallback list
/// that reaches `system` before any of its versions is installed (pyenv, nvm, asdf). omg
/// then puts nothing of its own on PATH for the runtime.
pub fn uses_system(home: &RuntimesHome, runtime: &str, spec: &VersionSpec) -> Result<bool> {
    if !spec.alternatives().contains(&VersionSpec::System) {
        return Ok(false);
    }
    let installed = home.installed(runtime)?;
    let releases: Vec<RemoteVersion> = installed.iter().map(|i| i.record.release.clone()).collect();
    Ok(choose(spec, &releases) == Choice::System)
}

/// The toolchain directory a `path:` spec names (rustup's `path = "..."`, mise's
/// `path:`), `~/` expanded; `None` for other specs.
pub fn path_toolchain(spec: &VersionSpec) -> Option<std::path::PathBuf> {
    let VersionSpec::Path(p) = spec.alternatives().first()? else {
        return None;
    };
    match p.strip_prefix("~/") {
        Some(rest) => std::env::var_os("HOME").map(|h| Path::new(&h).join(rest)),
        None => Some(std::path::PathBuf::from(p)),
    }
}

/// What a rust toolchain file asks beyond the toolchain (`components`, `targets`) that
/// `installed` lacks, with the file's path: omg's rust comes with rustc, cargo, the host's
/// standard library, clippy and rustfmt, and `omg use`/`omg exec` add the rest as rustup
/// does ([`omg_adapters_runtimes::Installer::add`]). `None` when the decider is not a
/// toolchain file; an empty list when nothing is missing.
pub fn rust_toolchain_missing(
    resolution: &Resolution,
    installed: &InstalledRuntime,
) -> Option<(PathBuf, Vec<Addon>)> {
    let Origin::File { path } = &resolution.origin else {
        return None;
    };
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if resolution.runtime != "rust" || !name.starts_with("rust-toolchain") {
        return None;
    }
    let t = std::fs::read_to_string(path)
        .ok()
        .and_then(|c| omg_domain::runtime::rust_toolchain(name, &c))?;
    let root = &installed.path;
    let rustlib = root.join("lib/rustlib");
    let recorded = &installed.record.addons;
    let present = |component: &str| match component.trim_end_matches("-preview") {
        "rustc" | "cargo" | "rust-std" | "rust-docs" => true,
        "clippy" => root.join("bin/cargo-clippy").is_file(),
        "rustfmt" => root.join("bin/rustfmt").is_file(),
        "rust-src" => rustlib.join("src").is_dir(),
        "rust-analyzer" => root.join("bin/rust-analyzer").is_file(),
        _ => false,
    };
    let mut missing: Vec<Addon> = t
        .components
        .iter()
        .filter(|c| !present(c))
        .map(|c| Addon::Component(c.clone()))
        .filter(|a| !recorded.contains(a))
        .collect();
    missing.extend(
        t.targets
            .iter()
            .filter(|target| !rustlib.join(target).is_dir())
            .map(|target| Addon::Target(target.clone()))
            .filter(|a| !recorded.contains(a)),
    );
    Some((path.clone(), missing))
}

/// The warning for what a rust toolchain file asks that `installed` lacks
/// ([`rust_toolchain_missing`]), naming the command that adds it; empty when nothing is
/// missing or the decider is not a toolchain file.
pub fn rust_toolchain_warning(resolution: &Resolution, installed: &InstalledRuntime) -> String {
    let Some((path, missing)) = rust_toolchain_missing(resolution, installed) else {
        return String::new();
    };
    if missing.is_empty() {
        return String::new();
    }
    let missing: Vec<String> = missing.iter().map(ToString::to_string).collect();
    format!(
        "omg: warning: {} asks for {}, which rust {} lacks; `omg use rust` or `omg exec rust -- ...` here adds them\n",
        escape(&path.display().to_string()),
        escape(&missing.join(", ")),
        escape(installed.version())
    )
}

/// The error for a spec whose first choice is a build from a vendor omg does not install
/// (java's `zulu-21`, sdkman's `21.0.2-amzn`): named, never replaced with Temurin's build.
pub fn vendor_refusal(runtime: &str, spec: &VersionSpec) -> Option<Error> {
    let VersionSpec::Vendor { vendor, version } = spec.alternatives().first()? else {
        return None;
    };
    let (vendor, version) = (escape(vendor), escape(version));
    Some(Error::InvalidRequest(format!(
        "{runtime} {vendor}-{version} is a {vendor} build; omg installs Eclipse Temurin builds only. Install {vendor}'s JDK another way (mise, sdkman), or name a Temurin version (e.g. {version})"
    )))
}

/// The warning for a chosen `version` outside the resolution's requirement (uv's
/// `requires-python` when a `.python-version` chose), or `None` when it is inside or
/// nothing is required.
pub fn constraint_warning(resolution: &Resolution, version: &str) -> Option<String> {
    let c = resolution.constraint.as_ref()?;
    (c.allows(version) == Some(false)).then(|| {
        format!(
            "omg: warning: {} {} ({}) does not meet {} in {}\n",
            resolution.runtime,
            escape(version),
            escape(&origin_text(&resolution.origin)),
            escape(&c.text),
            escape(&c.path.display().to_string())
        )
    })
}

/// The installed version of `runtime` that `spec` selects.
pub fn installed_match(
    home: &RuntimesHome,
    runtime: &str,
    spec: &VersionSpec,
) -> Result<Option<InstalledRuntime>> {
    let installed = home.installed(runtime)?;
    let releases: Vec<RemoteVersion> = installed.iter().map(|i| i.record.release.clone()).collect();
    Ok(select(spec, &releases)
        .and_then(|r| installed.iter().find(|i| i.version() == r.version))
        .cloned())
}

/// `runtime`'s active version in `cwd`.
pub fn active(
    home: &RuntimesHome,
    defaults: &GlobalDefaults,
    runtime: &str,
    cwd: &Path,
) -> Result<Option<Active>> {
    let Some(resolution) = resolution(defaults, runtime, cwd)? else {
        return Ok(None);
    };
    let installed = installed_match(home, runtime, &resolution.spec)?;
    Ok(Some(Active {
        resolution,
        installed,
    }))
}

/// The remote release `spec` selects, reading a paged source's pages only until
/// [`enough_for`] it.
///
/// # Errors
///
/// [`Error::UnknownVersion`] with the closest versions when nothing matches.
pub async fn remote_release(
    provider: &dyn RuntimeProvider,
    spec: &VersionSpec,
    platform: &Platform,
) -> Result<RemoteVersion> {
    if let Some(refused) = vendor_refusal(provider.name(), spec) {
        return Err(refused);
    }
    // A paged source (GitHub's releases, Adoptium's builds) is read only as far as the
    // spec needs: the newest page for `latest` or a recent version, further for an old one.
    let wanted = spec.clone();
    let versions = provider
        .remote_versions_until(platform, &Enough::when(move |v| enough_for(&wanted, v)))
        .await?;
    select(spec, &versions)
        .cloned()
        .ok_or_else(|| Error::UnknownVersion {
            runtime: provider.name().to_string(),
            spec: spec.to_string(),
            closest: closest(spec, &versions, 5),
        })
}

/// The default spec for `omg use` / `omg runtimes install` without a version: node's
/// newest LTS, rust's stable channel, everything else's newest release.
pub fn default_spec(runtime: &str) -> VersionSpec {
    match runtime {
        "node" => VersionSpec::Lts,
        "rust" => VersionSpec::Channel("stable".into()),
        _ => VersionSpec::Latest,
    }
}

/// A description of an origin for humans: the file, `global default (<file>)`, or the
/// variable (`$OMG_NODE_VERSION`, as `omg config` names variables).
pub fn origin_text(origin: &Origin) -> String {
    match origin {
        Origin::Env { variable } => format!("${variable}"),
        Origin::File { path } => path.display().to_string(),
        Origin::Global { path } => format!("global default ({})", path.display()),
        Origin::CommandLine => "command line".into(),
    }
}
