//! `omg use`, `omg runtimes install|uninstall|list`, `omg which`, `omg current`,
//! `omg exec`: each returns what to print.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};

use omg_adapters_runtimes::lock::lock_dir;
use omg_adapters_runtimes::{read_version_files, write_version_file, InstalledRuntime};
use omg_domain::runtime::{
    conventional_contents, conventional_file, edit_version_file, resolve_all, with_overrides, Edit,
    Origin, Resolution, VersionSpec,
};
use omg_ports::{Addon, Enough, Error, RemoteVersion, Result};
use serde_json::{json, Value};

use super::context::{find_on_path, Ctx};
use super::ensure::{add_missing, ensure};
use super::mise::{self, MiseCommand};
use super::progress;
use omg_cli_core::active::{
    active, constraint_warning, default_spec, env_override, file_resolution, installed_match,
    origin_text, path_toolchain, resolution, rust_toolchain_warning, uses_system, vendor_refusal,
};
use omg_cli_core::render::{escape, Output};
use omg_cli_core::Answer;

fn answer(out: &Output, text: String, value: Value) -> Answer {
    let stdout = if out.json {
        let mut s = serde_json::to_string_pretty(&value).unwrap_or_default();
        s.push('\n');
        s
    } else {
        text
    };
    Answer {
        stdout,
        stderr: String::new(),
        code: omg_cli_core::exit::OK,
    }
}

fn block_on<T>(f: impl std::future::Future<Output = Result<T>>) -> Result<T> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Library {
            library: "tokio".into(),
            message: e.to_string(),
        })?
        .block_on(f)
}

fn cwd() -> Result<PathBuf> {
    std::env::current_dir().map_err(|source| Error::Io {
        path: PathBuf::from("."),
        source,
    })
}

fn install_json(i: &InstalledRuntime, now: bool) -> Value {
    json!({
        "runtime": i.record.runtime,
        "version": i.version(),
        "lts": i.record.release.lts,
        "channel": i.record.release.channel,
        "path": i.path,
        "installed_now": now,
        "sha256": i.record.artifact.sha256,
        "signed_by": i.record.artifact.signed_by,
        "warnings": if now { i.record.artifact.warnings.clone() } else { Vec::new() },
    })
}

/// The verification warnings of a version installed now (no signature, plain http), one
/// `omg: warning:` line each.
fn install_warnings(i: &InstalledRuntime, now: bool) -> String {
    if !now {
        return String::new();
    }
    i.record
        .artifact
        .warnings
        .iter()
        .map(|w| format!("omg: warning: {}\n", escape(w)))
        .collect()
}

/// The lines of `text` (`omg: warning: ...` lines, as printed on stderr) for `--json`: each
/// without its prefix.
fn warning_list(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.strip_prefix("omg: warning: ").unwrap_or(l).to_string())
        .collect()
}

/// `omg use <runtime> [version] [--global]`.
pub fn use_(
    ctx: &Ctx,
    out: &Output,
    runtime: &str,
    version: Option<&str>,
    global: bool,
) -> Result<Answer> {
    let Some(provider) = ctx.provider(runtime) else {
        return mise::run(
            ctx,
            &MiseCommand::Use {
                runtime: runtime.into(),
                version: version.map(String::from),
                global,
            },
        );
    };
    let dir = cwd()?;
    // The files: what `omg use` edits, whatever this shell overrides.
    let decided = file_resolution(&ctx.defaults, runtime, &dir)?;
    let spec = match (version, &decided) {
        (Some(v), _) => VersionSpec::parse(v),
        (None, Some(r)) => r.spec.clone(),
        (None, None) => default_spec(runtime),
    };
    let (installed, now) = block_on(ensure(ctx, provider, &spec, progress::sink(out.json)))?;
    // The spec as typed stays in the file (`20`, `lts/iron`); without one, the exact version.
    let written = version
        .map(|v| v.trim().to_string())
        .unwrap_or_else(|| installed.version().to_string());
    // What the toolchain file that decides (and is to name this version) asks beyond it:
    // rust's components and targets, added as rustup adds them, before the file changes (a
    // failure leaves it as it was).
    let (installed, added, addon_warnings) = match (&decided, global) {
        (Some(r), false) => block_on(add_missing(
            ctx,
            provider,
            r,
            installed,
            progress::sink(out.json),
        ))?,
        _ => (installed, Vec::new(), Vec::new()),
    };
    let (target, text_where) = if global {
        ctx.defaults.set(runtime, &written)?;
        (ctx.defaults.path().to_path_buf(), "globally".to_string())
    } else {
        let path = pin_in_project(runtime, &written, &dir, decided.as_ref())?;
        let place = path.parent().unwrap_or(&dir).display().to_string();
        (path, format!("in {place}"))
    };
    let mut text = String::new();
    if now {
        text.push_str(&format!(
            "installed {runtime} {} in {}\n",
            installed.version(),
            installed.path.display()
        ));
    }
    text.push_str(&added_text(&installed, &added, &[], ""));
    text.push_str(&format!(
        "using {runtime} {} {text_where} ({} says {written})\n",
        installed.version(),
        target.display()
    ));
    if let Ok(Some(o)) = env_override(runtime) {
        if !out.json {
            text.push_str(&format!(
                "note: {} ({}) overrides it in this shell; `omg shell {runtime} --unset`\n",
                origin_text(&o.origin),
                o.spec_text
            ));
        }
    }
    if std::env::var_os("__OMG_HOOK").is_none() && !out.json {
        text.push_str("note: add `eval \"$(omg hook bash)\"` to ~/.bashrc (or zsh/fish) so the version is on PATH when you enter the directory\n");
    }
    let mut value = install_json(&installed, now);
    value["file"] = json!(target);
    value["spec"] = json!(written);
    value["global"] = json!(global);
    value["added"] = json!(added.iter().map(ToString::to_string).collect::<Vec<_>>());
    let mut answer = answer(out, text, value);
    answer.stderr = install_warnings(&installed, now);
    answer
        .stderr
        .push_str(&added_text(&installed, &[], &addon_warnings, "omg: "));
    Ok(answer)
}

/// `omg runtimes install <runtime> [version]`.
pub fn install(ctx: &Ctx, out: &Output, runtime: &str, version: Option<&str>) -> Result<Answer> {
    let Some(provider) = ctx.provider(runtime) else {
        return mise::run(
            ctx,
            &MiseCommand::Install {
                runtime: runtime.into(),
                version: version.map(String::from),
            },
        );
    };
    let spec = version
        .map(VersionSpec::parse)
        .unwrap_or_else(|| default_spec(runtime));
    let (i, now) = block_on(ensure(ctx, provider, &spec, progress::sink(out.json)))?;
    let text = if now {
        format!(
            "installed {runtime} {} in {}\n",
            i.version(),
            i.path.display()
        )
    } else {
        format!(
            "{runtime} {} is already installed in {}\n",
            i.version(),
            i.path.display()
        )
    };
    let mut answer = answer(out, text, install_json(&i, now));
    answer.stderr = install_warnings(&i, now);
    Ok(answer)
}

/// `omg runtimes uninstall <runtime> <version>`.
pub fn uninstall(ctx: &Ctx, out: &Output, runtime: &str, version: &str) -> Result<Answer> {
    if ctx.provider(runtime).is_none() && ctx.home.installed(runtime)?.is_empty() {
        return mise::run(
            ctx,
            &MiseCommand::Uninstall {
                runtime: runtime.into(),
                version: version.into(),
            },
        );
    }
    let spec = VersionSpec::parse(version);
    let Some(i) = installed_match(&ctx.home, runtime, &spec)? else {
        return Err(Error::NotInstalled {
            runtime: runtime.into(),
            version: version.into(),
        });
    };
    let path = ctx.home.uninstall(runtime, i.version())?;
    Ok(answer(
        out,
        format!("removed {runtime} {} ({})\n", i.version(), path.display()),
        json!({"runtime": runtime, "version": i.version(), "path": path, "removed": true}),
    ))
}

/// `omg runtimes list [--remote [--all]] [runtime]`.
pub fn list(
    ctx: &Ctx,
    out: &Output,
    runtime: Option<&str>,
    remote: bool,
    all: bool,
) -> Result<Answer> {
    if remote {
        let Some(runtime) = runtime else {
            return Err(Error::InvalidRequest(
                "--remote needs a runtime: omg runtimes list --remote node".into(),
            ));
        };
        let Some(provider) = ctx.provider(runtime) else {
            return mise::run(
                ctx,
                &MiseCommand::List {
                    runtime: runtime.into(),
                    remote: true,
                },
            );
        };
        // The newest page of a paged source, unless every version is asked for.
        let platform = ctx.installer.platform();
        let versions: Vec<RemoteVersion> = if all {
            block_on(provider.remote_versions_until(platform, &Enough::never()))?
        } else {
            block_on(provider.remote_versions(platform))?
        };
        let installed: Vec<String> = ctx
            .home
            .installed(runtime)?
            .iter()
            .map(|i| i.version().to_string())
            .collect();
        let mut text = String::new();
        let mut rows = Vec::new();
        for v in &versions {
            let is_installed = installed.contains(&v.version);
            let tag = v
                .lts
                .as_deref()
                .map(|l| format!("lts/{}", l.to_ascii_lowercase()))
                .or_else(|| v.channel.clone())
                .or_else(|| v.prerelease.then(|| "pre-release".to_string()))
                .unwrap_or_default();
            let mut line = format!(
                "{:<24} {:<16} {}",
                v.version,
                tag,
                v.date.as_deref().unwrap_or("")
            );
            if is_installed {
                line.push_str("  installed");
            }
            text.push_str(line.trim_end());
            text.push('\n');
            let mut row = serde_json::to_value(v).unwrap_or_default();
            row["installed"] = json!(is_installed);
            rows.push(row);
        }
        return Ok(answer(out, text, Value::Array(rows)));
    }
    let names: Vec<String> = match runtime {
        Some(r) => vec![r.to_string()],
        None => ctx.home.runtimes(),
    };
    if let Some(r) = runtime {
        if ctx.provider(r).is_none() && ctx.home.installed(r)?.is_empty() {
            return mise::run(
                ctx,
                &MiseCommand::List {
                    runtime: r.into(),
                    remote: false,
                },
            );
        }
    }
    let dir = cwd()?;
    let mut text = String::new();
    let mut rows = Vec::new();
    for name in names {
        let here = active(&ctx.home, &ctx.defaults, &name, &dir)?;
        let active_version = here
            .as_ref()
            .and_then(|a| a.installed.as_ref())
            .map(|i| i.version().to_string());
        for i in ctx.home.installed(&name)? {
            let is_active = active_version.as_deref() == Some(i.version());
            let tag = i
                .record
                .release
                .lts
                .as_deref()
                .map(|l| format!("lts/{}", l.to_ascii_lowercase()))
                .or_else(|| i.record.release.channel.clone())
                .unwrap_or_default();
            let mut line = format!("{name:<8} {:<20} {tag:<14}", i.version());
            if is_active {
                if let Some(a) = &here {
                    line.push_str(&format!(" active ({})", origin_text(&a.resolution.origin)));
                }
            }
            text.push_str(line.trim_end());
            text.push('\n');
            rows.push(json!({
                "runtime": name,
                "version": i.version(),
                "lts": i.record.release.lts,
                "channel": i.record.release.channel,
                "path": i.path,
                "active": is_active,
            }));
        }
    }
    if rows.is_empty() && !out.json {
        text = "no runtimes installed; `omg use node 20` installs one\n".into();
    }
    Ok(answer(out, text, Value::Array(rows)))
}

/// The runtime that provides binary `name` here: a runtime of that name, an active
/// installed version with that binary on its PATH entries, or a provider listing it.
fn runtime_for(ctx: &Ctx, name: &str, dir: &Path) -> Result<Option<String>> {
    if ctx.provider(name).is_some() || ctx.home.runtimes().iter().any(|r| r == name) {
        return Ok(Some(name.to_string()));
    }
    for p in &ctx.providers {
        if let Some(a) = active(&ctx.home, &ctx.defaults, p.name(), dir)? {
            if let Some(i) = a.installed {
                if i.bin_dirs().iter().any(|d| d.join(name).is_file()) {
                    return Ok(Some(p.name().to_string()));
                }
            }
        }
    }
    Ok(ctx
        .providers
        .iter()
        .find(|p| p.binaries().iter().any(|b| b == name))
        .map(|p| p.name().to_string()))
}

/// `omg which <runtime|binary>`; other tools' names of a runtime (`nodejs`, `golang`,
/// `rustc`, `python3`, `jdk`) are that runtime, as for `omg use` and `omg exec`.
pub fn which(ctx: &Ctx, out: &Output, name: &str) -> Result<Answer> {
    let dir = cwd()?;
    let canonical = omg_domain::runtime::canonical_runtime(name);
    let known = |runtime: &str| {
        ctx.provider(runtime).is_some() || ctx.home.runtimes().iter().any(|r| r == runtime)
    };
    let alias = (canonical != name && known(&canonical)).then_some(canonical);
    let runtime = match &alias {
        Some(runtime) => Some(runtime.clone()),
        None => runtime_for(ctx, name, &dir)?,
    };
    let Some(runtime) = runtime else {
        return mise::run(ctx, &MiseCommand::Which { name: name.into() });
    };
    let Some(a) = active(&ctx.home, &ctx.defaults, &runtime, &dir)? else {
        return Ok(Answer {
            stdout: if out.json {
                format!("{}\n", json!({"runtime": runtime, "active": false}))
            } else {
                String::new()
            },
            stderr: format!(
                "omg: {runtime} has no version here: no version file in {} or above, no global default; run `omg use {runtime} <version>`\n",
                dir.display()
            ),
            code: omg_cli_core::exit::FAILURE,
        });
    };
    let origin = origin_text(&a.resolution.origin);
    if uses_system(&ctx.home, &runtime, &a.resolution.spec)? {
        return which_system(out, name, &runtime, &a.resolution);
    }
    if let Some(root) = path_toolchain(&a.resolution.spec) {
        return which_path(out, name, &runtime, &a.resolution, &root);
    }
    let Some(i) = a.installed else {
        if let Some(refused) = vendor_refusal(&runtime, &a.resolution.spec) {
            return Err(refused);
        }
        return Err(Error::NotInstalled {
            runtime,
            version: a.resolution.spec_text,
        });
    };
    // The binary of that name (`python3`, `rustc`), else, for another name of the
    // runtime (`nodejs`), the runtime's own (`node`).
    let binary = [name, runtime.as_str()]
        .iter()
        .flat_map(|n| i.bin_dirs().into_iter().map(move |d| d.join(n)))
        .find(|p| p.exists());
    let shown = binary.clone().unwrap_or_else(|| i.path.clone());
    let text = format!(
        "{runtime} {} {}\n  decided by {origin} ({})\n",
        i.version(),
        shown.display(),
        a.resolution.spec_text
    );
    let mut warning = constraint_warning(&a.resolution, i.version()).unwrap_or_default();
    warning.push_str(&rust_toolchain_warning(&a.resolution, &i));
    let value = json!({
        "runtime": runtime,
        "version": i.version(),
        "spec": a.resolution.spec_text,
        "origin": a.resolution.origin,
        "path": i.path,
        "binary": binary,
        "warnings": warning_list(&warning),
    });
    let mut answer = answer(out, text, value);
    answer.stderr = warning;
    Ok(answer)
}

/// `omg which` where a toolchain file names a toolchain on disk (rustup's `path`): the
/// binary in its `bin`, version `path`.
fn which_path(
    out: &Output,
    name: &str,
    runtime: &str,
    r: &omg_domain::runtime::Resolution,
    root: &Path,
) -> Result<Answer> {
    let bin = root.join("bin");
    let Some(binary) = [name, runtime]
        .iter()
        .map(|n| bin.join(n))
        .find(|p| p.is_file())
    else {
        return Err(Error::InvalidRequest(format!(
            "{runtime}: {} names the toolchain {}, which has no bin/{name}",
            origin_text(&r.origin),
            root.display()
        )));
    };
    let text = format!(
        "{runtime} path {}\n  decided by {} ({})\n",
        escape(&binary.display().to_string()),
        escape(&origin_text(&r.origin)),
        escape(&r.spec_text)
    );
    let value = json!({
        "runtime": runtime,
        "version": "path",
        "spec": r.spec_text,
        "origin": r.origin,
        "path": root,
        "binary": binary,
    });
    Ok(answer(out, text, value))
}

/// `omg which` where the version file says `system`: the binary of that name (or the
/// runtime's own) on PATH, version `system`.
fn which_system(
    out: &Output,
    name: &str,
    runtime: &str,
    r: &omg_domain::runtime::Resolution,
) -> Result<Answer> {
    let Some(binary) = find_on_path(name).or_else(|| find_on_path(runtime)) else {
        return Err(Error::InvalidRequest(format!(
            "{runtime}: {} says `system`, and there is no {name} on PATH",
            origin_text(&r.origin)
        )));
    };
    let dir = binary.parent().map(Path::to_path_buf).unwrap_or_default();
    let text = format!(
        "{runtime} system {}\n  decided by {} ({})\n",
        escape(&binary.display().to_string()),
        escape(&origin_text(&r.origin)),
        escape(&r.spec_text)
    );
    let value = json!({
        "runtime": runtime,
        "version": "system",
        "spec": r.spec_text,
        "origin": r.origin,
        "path": dir,
        "binary": binary,
    });
    Ok(answer(out, text, value))
}

/// `omg current`.
pub fn current(ctx: &Ctx, out: &Output) -> Result<Answer> {
    let dir = cwd()?;
    let dirs = read_version_files(&dir);
    let all = resolve_all(&dirs, &ctx.defaults.load()?, ctx.defaults.path());
    // The shell's OMG_<RUNTIME>_VERSION beats the files, for the runtimes omg installs.
    let mut overrides = Vec::new();
    for p in &ctx.providers {
        overrides.extend(env_override(p.name())?);
    }
    let all = with_overrides(all, overrides);
    let mut text = String::new();
    let mut warnings = String::new();
    let mut rows = Vec::new();
    for r in all {
        let native = ctx.provider(&r.runtime).is_some();
        let system = native
            && (uses_system(&ctx.home, &r.runtime, &r.spec)? || path_toolchain(&r.spec).is_some());
        let installed = if native && !system {
            installed_match(&ctx.home, &r.runtime, &r.spec)?
        } else {
            None
        };
        let warning = installed
            .as_ref()
            .and_then(|i| constraint_warning(&r, i.version()))
            .unwrap_or_default();
        warnings.push_str(&warning);
        let state = match (&installed, native) {
            (Some(i), _) => i.version().to_string(),
            (None, true) if system && path_toolchain(&r.spec).is_some() => "path".to_string(),
            (None, true) if system => "system".to_string(),
            (None, true) => "not installed".to_string(),
            (None, false) => "via mise".to_string(),
        };
        text.push_str(&format!(
            "{:<8} {:<16} {:<16} {}\n",
            r.runtime,
            r.spec_text,
            state,
            origin_text(&r.origin)
        ));
        rows.push(json!({
            "runtime": r.runtime,
            "spec": r.spec_text,
            "version": installed.as_ref().map(|i| i.version().to_string()),
            "installed": installed.is_some(),
            "origin": r.origin,
            "warnings": warning_list(&warning),
        }));
    }
    if rows.is_empty() && !out.json {
        text = format!(
            "no runtime versions are set in {} or above\n",
            dir.display()
        );
    }
    let mut answer = answer(out, text, Value::Array(rows));
    answer.stderr = warnings;
    Ok(answer)
}

/// `omg exec <runtime>[@<version>] -- <cmd>...`: replaces this process on success.
pub fn exec(ctx: &Ctx, out: &Output, target: &str, command: &[String]) -> Result<Answer> {
    let (runtime, version) = match target.split_once('@') {
        Some((r, v)) => (r.to_string(), Some(v.to_string())),
        None => (target.to_string(), None),
    };
    let Some(provider) = ctx.provider(&runtime) else {
        return mise::run(
            ctx,
            &MiseCommand::Exec {
                runtime,
                version,
                command: command.to_vec(),
            },
        );
    };
    let dir = cwd()?;
    let (spec, resolved) = match &version {
        Some(v) => (VersionSpec::parse(v), None),
        None => match resolution(&ctx.defaults, &runtime, &dir)? {
            Some(r) => (r.spec.clone(), Some(r)),
            None => {
                return Err(Error::InvalidRequest(format!(
                "no {runtime} version is set here; name one: omg exec {runtime}@<version> -- ..."
            )))
            }
        },
    };
    let Some((program, args)) = command.split_first() else {
        return Err(Error::InvalidRequest("no command given after --".into()));
    };
    if uses_system(&ctx.home, &runtime, &spec)? {
        // `system`: the command as it is, with the PATH it has.
        let err = std::process::Command::new(program).args(args).exec();
        return Err(Error::Io {
            path: PathBuf::from(program),
            source: err,
        });
    }
    if let Some(root) = path_toolchain(&spec) {
        // A toolchain on disk (rustup's `path`): its bin first on PATH, nothing installed.
        let mut path = vec![root.join("bin")];
        if let Some(old) = std::env::var_os("PATH") {
            path.extend(std::env::split_paths(&old));
        }
        let joined =
            std::env::join_paths(path).map_err(|e| Error::InvalidRequest(e.to_string()))?;
        let err = std::process::Command::new(program)
            .args(args)
            .env("PATH", &joined)
            .exec();
        return Err(Error::Io {
            path: PathBuf::from(program),
            source: err,
        });
    }
    let (mut installed, now) = block_on(ensure(ctx, provider, &spec, progress::sink(out.json)))?;
    ctx.print_warnings();
    eprint!("{}", install_warnings(&installed, now));
    if let Some(r) = &resolved {
        let (with, added, warnings) = block_on(add_missing(
            ctx,
            provider,
            r,
            installed,
            progress::sink(out.json),
        ))?;
        installed = with;
        eprint!("{}", added_text(&installed, &added, &warnings, "omg: "));
        let mut w = constraint_warning(r, installed.version()).unwrap_or_default();
        w.push_str(&rust_toolchain_warning(r, &installed));
        eprint!("{w}");
    }
    let mut path: Vec<PathBuf> = installed.bin_dirs();
    if let Some(old) = std::env::var_os("PATH") {
        path.extend(std::env::split_paths(&old));
    }
    let joined = std::env::join_paths(path).map_err(|e| Error::InvalidRequest(e.to_string()))?;
    let mut cmd = std::process::Command::new(program);
    cmd.args(args).env("PATH", &joined);
    for (k, v) in installed.env() {
        cmd.env(k, v);
    }
    let err = cmd.exec();
    Err(Error::Io {
        path: PathBuf::from(program),
        source: err,
    })
}

/// Pins `runtime` to `version` in the project: the version file that decided it is edited,
/// keeping its other content (other tools, fallback lines, rust components); a file omg does
/// not rewrite gets the conventional file beside it, which comes first; without a deciding
/// file, the conventional file in `dir`. Every write is atomic. Returns the file written.
fn pin_in_project(
    runtime: &str,
    version: &str,
    dir: &Path,
    decided: Option<&Resolution>,
) -> Result<PathBuf> {
    let conventional = |at: &Path| -> Result<PathBuf> {
        let Some(name) = conventional_file(runtime) else {
            return Err(Error::InvalidRequest(format!(
                "{runtime} has no version file of its own; use --global"
            )));
        };
        let path = at.join(name);
        let _writer = lock_dir(at)?;
        write_version_file(&path, &conventional_contents(runtime, version))?;
        Ok(path)
    };
    let Some(Origin::File { path }) = decided.map(|r| &r.origin) else {
        return conventional(dir);
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // mise's files under .config/ or .mise/ are matched by their full relative name.
    let relative = match path.parent().and_then(Path::file_name) {
        Some(parent) if parent == ".config" || parent == ".mise" || parent == "mise" => {
            format!("{}/{name}", parent.to_string_lossy())
        }
        _ => name,
    };
    // Read, edit and replace under the directory's lock: two `omg use` at once (node and
    // python in one .tool-versions) both land.
    let edit = {
        let _writer = lock_dir(path.parent().unwrap_or(dir))?;
        let contents = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        let edit = edit_version_file(&relative, &contents, runtime, version);
        if let Edit::InPlace(new) = &edit {
            write_version_file(path, new)?;
        }
        edit
    };
    match edit {
        Edit::InPlace(_) => Ok(path.clone()),
        Edit::Conventional => conventional(path.parent().unwrap_or(dir)),
        Edit::Unsupported(reason) => Err(Error::InvalidRequest(format!(
            "{} decides {runtime} here, but {reason}",
            path.display()
        ))),
    }
}

/// "added component rust-src, target wasm32-unknown-unknown to rust 1.80.1" (when anything
/// was added) and the addon sources' warnings, each line after `prefix`.
fn added_text(
    installed: &InstalledRuntime,
    added: &[Addon],
    warnings: &[String],
    prefix: &str,
) -> String {
    let mut text = String::new();
    if !added.is_empty() {
        let names: Vec<String> = added.iter().map(ToString::to_string).collect();
        text.push_str(&format!(
            "{prefix}added {} to rust {}\n",
            names.join(", "),
            installed.version()
        ));
    }
    for w in warnings {
        text.push_str(&format!("omg: warning: {}\n", escape(w)));
    }
    text
}
