//! The apt side of the differential suite: omg with `--backend apt` on the host, and the
//! peers' commands in the same, plain environment (`apt-cache` and `apt-get` on a
//! decompressed copy of the host's lists: [`apt_options`]).

// Each module uses its own subset.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use crate::common::{self, Run};

/// `omg --backend apt args...` on the host's apt state, isolated from the user's omg. Its
/// cache directory is this suite's own, shared by its runs: libapt's binary cache is built
/// by the first and checked (and used) by the others, as a user's runs do.
pub fn omg(args: &[&str]) -> Run {
    let mut all = vec!["--backend", "apt"];
    all.extend_from_slice(args);
    let cache = scratch().join("omg-cache");
    common::omg(
        &all,
        &[("XDG_CACHE_HOME", cache.to_str().expect("a UTF-8 path"))],
    )
}

/// This suite's own directory, emptied by the first call of the process.
fn scratch() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("parity-apt");
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).expect("create the suite's directory");
        root
    })
}

/// `program args...` with the C locale (the peers' messages and sorting in English and
/// byte order). A missing program fails under `CI=true` (the set-up installs it) and is
/// `None` otherwise.
pub fn tool(program: &str, args: &[&str]) -> Option<Run> {
    let path = common::tool_path(program)?;
    let options: &[String] = if program == "apt-cache" || program == "apt-get" {
        apt_options()
    } else {
        &[]
    };
    let out = Command::new(path)
        .args(options)
        .args(args)
        .env("LC_ALL", "C")
        .env_remove("LANGUAGE")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    Some(Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}

/// The stdout of `program args...`, which must succeed; `None` as for [`tool`].
pub fn tool_stdout(program: &str, args: &[&str]) -> Option<String> {
    let run = tool(program, args)?;
    assert_eq!(
        run.code,
        Some(0),
        "{program} {args:?} failed:\n{}",
        run.stderr
    );
    Some(run.stdout)
}

/// The options that point `apt-cache` and `apt-get` at a copy of the host's list files with
/// its indexes decompressed, and at a binary cache of their own, built once.
///
/// The records are the host's, byte for byte, so its answers are the same; only its speed
/// differs. Where apt keeps its lists compressed (`.lz4` in Debian's container images),
/// libapt reads each record it prints by decompressing its list from the start: `apt-cache
/// search python3` took 58 s for its 4,348 hits there, and 1 s on the decompressed copy.
fn apt_options() -> &'static [String] {
    static OPTIONS: OnceLock<Vec<String>> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let root = scratch();
        let (lists, cache) = (root.join("lists"), root.join("cache"));
        std::fs::create_dir_all(lists.join("partial")).expect("create the lists' copy");
        std::fs::create_dir_all(&cache).expect("create the cache directory");
        copy_lists(&host_lists(), &lists);
        let options = vec![
            "-o".to_string(),
            format!("Dir::State::lists={}/", lists.display()),
            "-o".to_string(),
            format!("Dir::Cache={}/", cache.display()),
            "-o".to_string(),
            "Dir::Cache::pkgcache=pkgcache.bin".to_string(),
            "-o".to_string(),
            "Dir::Cache::srcpkgcache=srcpkgcache.bin".to_string(),
        ];
        // Built here, once, so that tests running at once do not each build it.
        let built = Command::new("apt-cache")
            .args(&options)
            .arg("stats")
            .stdout(Stdio::null())
            .status()
            .expect("run apt-cache stats");
        assert!(built.success(), "apt-cache could not build its cache");
        options
    })
}

/// apt's lists directory (`Dir::State::lists`), from `apt-config`.
fn host_lists() -> PathBuf {
    let out = Command::new("apt-config")
        .args(["shell", "LISTS", "Dir::State::lists/d"])
        .output()
        .expect("run apt-config");
    let text = String::from_utf8_lossy(&out.stdout);
    let value = text
        .trim()
        .strip_prefix("LISTS='")
        .and_then(|v| v.strip_suffix('\''))
        .unwrap_or_else(|| panic!("apt-config shell said {text:?}"));
    PathBuf::from(value)
}

/// Copies the regular files of `from` into `to`, an index compressed by apt (`_Packages.lz4`
/// and the like) decompressed by apt's own `apt-helper cat-file`.
fn copy_lists(from: &Path, to: &Path) {
    const HELPER: &str = "/usr/lib/apt/apt-helper";
    for entry in std::fs::read_dir(from).expect("read apt's lists") {
        let path = entry.expect("a list entry").path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !path.is_file() || name == "lock" {
            continue;
        }
        let stem = [".lz4", ".gz", ".xz", ".zst", ".bz2", ".lzma"]
            .iter()
            .find_map(|ext| name.strip_suffix(ext))
            .filter(|s| {
                ["_Packages", "_Sources", "_Translation-"]
                    .iter()
                    .any(|k| s.contains(k))
            });
        match stem {
            Some(stem) if Path::new(HELPER).exists() => {
                let out = std::fs::File::create(to.join(stem)).expect("create a list's copy");
                let ok = Command::new(HELPER)
                    .arg("cat-file")
                    .arg(&path)
                    .stdout(out)
                    .status()
                    .expect("run apt-helper");
                assert!(
                    ok.success(),
                    "apt-helper cat-file {} failed",
                    path.display()
                );
            }
            _ => {
                std::fs::copy(&path, to.join(&name)).expect("copy a list");
            }
        }
    }
}
