//! The world the runtime CLI tests run `omg` in: a private HOME with XDG data, config and
//! cache directories in a temporary directory, a project tree (`proj/sub/deeper`,
//! `elsewhere`), no mise on PATH (and mise's releases unreachable), each runtime's mirror
//! (`OMG_RUNTIMES_<NAME>_MIRROR`), and the keys the test sources sign with (node, bun, mise)
//! in `[runtimes] keys_dir`.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use omg_testkit::minisign::mise_key;
use omg_testkit::pgp::publisher_key;

use crate::common::{omg_bin, Run};

/// A private HOME with XDG directories, a project tree and the mirrors to use.
pub struct World {
    tmp: tempfile::TempDir,
    env: Vec<(String, String)>,
}

impl World {
    pub fn new(mirrors: &[(&str, String)]) -> World {
        let tmp = tempfile::tempdir().unwrap();
        let p = |s: &str| tmp.path().join(s).to_string_lossy().into_owned();
        let mut env = vec![
            ("HOME".to_string(), p("home")),
            ("XDG_DATA_HOME".to_string(), p("data")),
            ("XDG_CONFIG_HOME".to_string(), p("config")),
            ("XDG_CACHE_HOME".to_string(), p("cache")),
            // No omgd of the user's (its socket is under the runtime directory, else
            // /tmp/omg-$UID) and no state of theirs.
            ("XDG_RUNTIME_DIR".to_string(), p("run")),
            ("XDG_STATE_HOME".to_string(), p("state")),
            // No mise unless a test puts one there.
            ("PATH".to_string(), "/usr/bin:/bin".to_string()),
            // omg's own mise is never downloaded from the network: a test that wants it
            // serves mise's releases and points this there.
            (
                "OMG_RUNTIMES_MISE_MIRROR".to_string(),
                "http://127.0.0.1:9/no-mise-releases".to_string(),
            ),
        ];
        for (runtime, url) in mirrors {
            env.push((
                format!("OMG_RUNTIMES_{}_MIRROR", runtime.to_uppercase()),
                url.clone(),
            ));
        }
        for d in [
            "home",
            "data",
            "config",
            "cache",
            "proj/sub/deeper",
            "elsewhere",
        ] {
            std::fs::create_dir_all(tmp.path().join(d)).unwrap();
        }
        // The test sources sign as their publishers do, with the testkit's keys: trusted
        // here as a publisher's new key would be, through keys_dir.
        let keys = tmp.path().join("config/omg/keys");
        std::fs::create_dir_all(&keys).unwrap();
        for publisher in ["node", "bun"] {
            std::fs::write(
                keys.join(format!("{publisher}.asc")),
                publisher_key(publisher).public_armored(),
            )
            .unwrap();
        }
        std::fs::write(keys.join("mise.pub"), mise_key().public_file()).unwrap();
        env.push((
            "OMG_RUNTIMES_KEYS_DIR".into(),
            keys.to_string_lossy().into_owned(),
        ));
        World { tmp, env }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.tmp.path().join(rel)
    }

    pub fn runtimes_dir(&self, runtime: &str) -> PathBuf {
        self.path("data/omg/runtimes").join(runtime)
    }

    /// The entries of a runtime's directory (hidden leftovers included).
    pub fn entries(&self, runtime: &str) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(self.runtimes_dir(runtime))
            .map(|it| {
                it.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }

    pub fn command(&self, program: &Path, cwd: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(self.path(cwd))
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        cmd
    }

    pub fn omg(&self, cwd: &str, args: &[&str]) -> Run {
        self.omg_env(cwd, args, &[])
    }

    pub fn omg_env(&self, cwd: &str, args: &[&str], extra: &[(&str, &str)]) -> Run {
        let out = self
            .command(omg_bin(), cwd)
            .args(args)
            .envs(extra.iter().copied())
            .output()
            .unwrap();
        Run {
            code: out.status.code(),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
        }
    }

    /// Trusts `armored` (a public key) for `publisher`'s signatures: `<publisher>.asc` in
    /// the world's `keys_dir`, for every command from now on.
    pub fn trust(&mut self, publisher: &str, armored: &str) {
        let dir = self.path("config/omg/keys");
        std::fs::write(dir.join(format!("{publisher}.asc")), armored).unwrap();
    }

    pub fn write(&self, rel: &str, contents: &str) {
        std::fs::write(self.path(rel), contents).unwrap();
    }
}
