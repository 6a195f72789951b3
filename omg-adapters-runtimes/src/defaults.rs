//! The global default versions (`omg use --global`): `$XDG_CONFIG_HOME/omg/runtimes.toml`.
//!
//! ```toml
//! [global]
//! node = "20.11.1"
//! go = "1.22"
//! ```

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use omg_ports::{Error, Result};
use serde::{Deserialize, Serialize};

#[derive(Debug, Default, Serialize, Deserialize)]
struct File {
    #[serde(default)]
    global: BTreeMap<String, String>,
}

/// The global defaults file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlobalDefaults {
    path: PathBuf,
}

impl GlobalDefaults {
    /// The defaults in `path`.
    pub fn at(path: impl Into<PathBuf>) -> Self {
        GlobalDefaults { path: path.into() }
    }

    /// `$XDG_CONFIG_HOME/omg/runtimes.toml`, else `~/.config/omg/runtimes.toml`; `None`
    /// when neither variable is set.
    pub fn from_env() -> Option<Self> {
        let base = std::env::var_os("XDG_CONFIG_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
        Some(GlobalDefaults::at(base.join("omg").join("runtimes.toml")))
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runtime -> spec. An absent file is empty.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] naming the file when it cannot be read or is not valid TOML.
    pub fn load(&self) -> Result<BTreeMap<String, String>> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
            Err(e) => return Err(self.error(e.to_string())),
        };
        let file: File = toml::from_str(&text).map_err(|e| self.error(e.to_string()))?;
        Ok(file.global)
    }

    /// Sets `runtime`'s default to `spec`, keeping the others; the file is replaced
    /// atomically, under a lock of its directory (concurrent writers take turns).
    ///
    /// # Errors
    ///
    /// As [`GlobalDefaults::load`], and [`Error::Io`] when the file cannot be written.
    pub fn set(&self, runtime: &str, spec: &str) -> Result<()> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        // Read, change and replace under the directory's lock: two `omg use --global` at
        // once both land.
        let _writer = crate::lock::lock_dir(dir)?;
        let mut global = self.load()?;
        global.insert(runtime.to_string(), spec.to_string());
        let text = toml::to_string(&File { global }).map_err(|e| self.error(e.to_string()))?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| io(dir, e))?;
        tmp.write_all(text.as_bytes())
            .map_err(|e| io(tmp.path(), e))?;
        tmp.as_file().sync_all().map_err(|e| io(tmp.path(), e))?;
        tmp.persist(&self.path)
            .map_err(|e| io(&self.path, e.error))?;
        Ok(())
    }

    fn error(&self, reason: String) -> Error {
        Error::Config {
            path: self.path.clone(),
            reason: format!(
                "{reason}; fix or delete the file (it holds the global runtime defaults)"
            ),
        }
    }
}

fn io(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_keeps_others_and_round_trips() {
        let dir = tempfile::tempdir()
            .map_err(|e| e.to_string())
            .unwrap_or_else(|e| panic!("{e}"));
        let d = GlobalDefaults::at(dir.path().join("sub/runtimes.toml"));
        assert!(d.load().is_ok_and(|m| m.is_empty()));
        assert!(d.set("node", "20").is_ok());
        assert!(d.set("go", "1.22").is_ok());
        assert!(d.set("node", "21").is_ok());
        let m = d.load().unwrap_or_default();
        assert_eq!(m.get("node").map(String::as_str), Some("21"));
        assert_eq!(m.get("go").map(String::as_str), Some("1.22"));
        std::fs::write(d.path(), "global = 3").unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(d.load(), Err(Error::Config { .. })));
    }

    /// Writers at once (`omg use --global` in several shells): each one's default lands;
    /// without the lock, read-change-replace loses some.
    #[test]
    fn concurrent_writers_lose_nothing() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("runtimes.toml");
        let writers: Vec<_> = (0..8)
            .map(|w| {
                let d = GlobalDefaults::at(path.clone());
                std::thread::spawn(move || {
                    for i in 0..20 {
                        d.set(&format!("rt{w}-{i}"), "1")
                            .unwrap_or_else(|e| panic!("{e}"));
                    }
                })
            })
            .collect();
        for w in writers {
            w.join().unwrap_or_else(|_| panic!("a writer failed"));
        }
        let all = GlobalDefaults::at(path).load().unwrap_or_default();
        assert_eq!(all.len(), 160, "lost updates");
    }
}
