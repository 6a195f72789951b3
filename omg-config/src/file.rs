//! The file and the environment, untyped: `config.toml` read into a TOML table, each value
//! looked up with its `OMG_<SECTION>_<KEY>` variable on top, and where it came from.

use std::path::{Path, PathBuf};

use omg_ports::{Error, Result};

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// This environment variable.
    Env(String),
    /// This configuration file.
    File(PathBuf),
}

/// A configured value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    /// The value (numbers and booleans as TOML writes them).
    pub value: String,
    /// Where it came from.
    pub origin: Origin,
}

/// The configuration file's contents, and the environment on top.
#[derive(Debug, Clone, Default)]
pub struct Config {
    path: Option<PathBuf>,
    table: toml::Table,
}

impl Config {
    /// The user's configuration (see the module docs for where it is).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] naming the file when it exists but cannot be read or is not TOML.
    pub fn load() -> Result<Config> {
        match default_path() {
            Some(path) => Config::load_from(&path),
            None => Ok(Config::default()),
        }
    }

    /// The configuration in `path` (empty when it does not exist).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] naming the file when it cannot be read or is not TOML.
    pub fn load_from(path: &Path) -> Result<Config> {
        let text = match read_bounded(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Config {
                    path: Some(path.to_path_buf()),
                    table: toml::Table::new(),
                })
            }
            Err(e) => {
                return Err(Error::Config {
                    path: path.to_path_buf(),
                    reason: format!("cannot read it: {e}"),
                })
            }
        };
        let table = text.parse::<toml::Table>().map_err(|e| Error::Config {
            path: path.to_path_buf(),
            reason: format!("not valid TOML: {}", e.message()),
        })?;
        Ok(Config {
            path: Some(path.to_path_buf()),
            table,
        })
    }

    /// The file this configuration was read from (it may not exist).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// `key` of `section` (`runtimes.node` for a nested table): the environment variable
    /// [`env_name`] when set and not empty, else the file's value.
    pub fn get(&self, section: &str, key: &str) -> Option<Value> {
        let var = env_name(section, key);
        if let Some(v) = std::env::var_os(&var).filter(|v| !v.is_empty()) {
            return Some(Value {
                value: v.to_string_lossy().into_owned(),
                origin: Origin::Env(var),
            });
        }
        let mut table = &self.table;
        for part in section.split('.') {
            table = table.get(part)?.as_table()?;
        }
        let value = match table.get(key)? {
            toml::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        Some(Value {
            value,
            origin: Origin::File(self.path.clone().unwrap_or_default()),
        })
    }

    /// Every key the file sets, as `(section, key)` (`section` of a nested table joined with
    /// dots: `runtimes.node`), in the file's order of tables.
    pub fn file_keys(&self) -> Vec<(String, String)> {
        fn walk(table: &toml::Table, section: &str, out: &mut Vec<(String, String)>) {
            for (name, value) in table {
                match value.as_table() {
                    Some(inner) => {
                        let path = if section.is_empty() {
                            name.clone()
                        } else {
                            format!("{section}.{name}")
                        };
                        walk(inner, &path, out);
                    }
                    None => out.push((section.to_string(), name.clone())),
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.table, "", &mut out);
        out
    }

    /// The value of `key` in `section`, or `None`.
    pub fn string(&self, section: &str, key: &str) -> Option<String> {
        self.get(section, key).map(|v| v.value)
    }
}

/// `OMG_<SECTION>_<KEY>`, upper-case, dots and dashes as underscores.
pub fn env_name(section: &str, key: &str) -> String {
    let mut name = format!("OMG_{section}_{key}");
    name = name.replace(['.', '-'], "_");
    name.to_ascii_uppercase()
}

/// `$OMG_CONFIG`, else `$XDG_CONFIG_HOME/omg/config.toml`, else `$HOME/.config/omg/config.toml`.
pub fn default_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("OMG_CONFIG").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let absolute = |var: &str| {
        std::env::var_os(var)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    absolute("XDG_CONFIG_HOME")
        .or_else(|| absolute("HOME").map(|h| h.join(".config")))
        .map(|base| base.join("omg").join("config.toml"))
}

impl Config {
    /// `key` of `section` as a whole number of `unit`s, `None` when not set.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] naming the file or variable when the value is not a whole number.
    pub fn whole_number(&self, section: &str, key: &str, unit: &str) -> Result<Option<u64>> {
        let Some(value) = self.get(section, key) else {
            return Ok(None);
        };
        match value.value.trim().parse::<u64>() {
            Ok(n) => Ok(Some(n)),
            Err(_) => Err(Error::Config {
                path: match value.origin {
                    Origin::File(p) => p,
                    Origin::Env(var) => PathBuf::from(format!("${var}")),
                },
                reason: format!(
                    "[{section}] {key} is {:?}; give a whole number of {unit}",
                    value.value
                ),
            }),
        }
    }
}

impl Config {
    /// `key` of `section` as `true`/`false` (also `1`/`0`, `yes`/`no`), `default` when not
    /// set.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] naming the file or variable for any other value.
    pub fn boolean(&self, section: &str, key: &str, default: bool) -> Result<bool> {
        let Some(value) = self.get(section, key) else {
            return Ok(default);
        };
        match value.value.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Ok(true),
            "false" | "0" | "no" | "off" => Ok(false),
            _ => Err(Error::Config {
                path: match value.origin {
                    Origin::File(p) => p,
                    Origin::Env(var) => PathBuf::from(format!("${var}")),
                },
                reason: format!("[{section}] {key} is {:?}; give true or false", value.value),
            }),
        }
    }
}

/// The largest configuration file omg reads: a hand-written file is a few KiB.
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// `path`'s text: a regular file (after symlinks) of at most [`MAX_FILE_BYTES`].
fn read_bounded(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    let mut text = String::new();
    file.take(MAX_FILE_BYTES + 1).read_to_string(&mut text)?;
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("larger than {} KiB", MAX_FILE_BYTES >> 10),
        ));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_names() {
        assert_eq!(env_name("audit", "arch_feed"), "OMG_AUDIT_ARCH_FEED");
        assert_eq!(
            env_name("runtimes.node", "mirror"),
            "OMG_RUNTIMES_NODE_MIRROR"
        );
        assert_eq!(
            env_name("daemon", "refresh-interval"),
            "OMG_DAEMON_REFRESH_INTERVAL"
        );
    }

    #[test]
    fn file_values_nested_sections_and_env_override() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            "[audit]\narch_feed = \"https://mirror/all.json\"\n\
             [runtimes.node]\nmirror = \"https://nodejs.example\"\n[daemon]\ninterval = 300\n",
        )
        .unwrap();
        let c = Config::load_from(&path).unwrap();
        assert_eq!(
            c.get("audit", "arch_feed"),
            Some(Value {
                value: "https://mirror/all.json".into(),
                origin: Origin::File(path.clone())
            })
        );
        assert_eq!(
            c.string("runtimes.node", "mirror").as_deref(),
            Some("https://nodejs.example")
        );
        assert_eq!(c.string("daemon", "interval").as_deref(), Some("300"));
        assert_eq!(c.string("audit", "debian_feed"), None);
        // A variable no other test reads, so setting it cannot disturb them.
        std::env::set_var("OMG_AUDIT_TEST_ONLY_KEY", "from-env");
        let v = c.get("audit", "test_only_key").unwrap();
        assert_eq!(v.value, "from-env");
        assert_eq!(v.origin, Origin::Env("OMG_AUDIT_TEST_ONLY_KEY".into()));
    }

    #[test]
    fn missing_file_is_empty_and_bad_toml_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let c = Config::load_from(&dir.path().join("absent.toml")).unwrap();
        assert_eq!(c.string("audit", "arch_feed"), None);
        let bad = dir.path().join("bad.toml");
        std::fs::write(&bad, "[audit\n").unwrap();
        let e = Config::load_from(&bad).unwrap_err();
        assert!(
            e.to_string()
                .starts_with(&format!("configuration {}: not valid TOML", bad.display())),
            "{e}"
        );
    }

    #[test]
    fn a_device_or_a_huge_file_is_refused_naming_it() {
        let e = Config::load_from(Path::new("/dev/zero")).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.toml");
        let line = format!("# {}\n", "x".repeat(1021));
        std::fs::write(&big, line.repeat(1025)).unwrap();
        let e = Config::load_from(&big).unwrap_err();
        assert!(e.to_string().contains("larger than 1024 KiB"), "{e}");
    }
}
