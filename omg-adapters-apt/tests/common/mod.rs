//! Helpers shared by the integration tests: running apt's own tools, and tiny apt roots.

#![allow(dead_code)]

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// stdout of `program args`, which must succeed.
pub fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .env("LC_ALL", "C")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// lz4 frame of `text`, as apt keeps lists in Debian's container images.
pub fn lz4(text: &str) -> Vec<u8> {
    let mut enc = lz4_flex::frame::FrameEncoder::new(Vec::new());
    enc.write_all(text.as_bytes()).unwrap();
    enc.finish().unwrap()
}

/// The repository of a tiny root: `deb [trusted=yes] http://omg.invalid/debian omgtest main`.
pub const LIST_PREFIX: &str = "omg.invalid_debian_dists_omgtest";

/// `Packages` for amd64 in the tiny root.
pub const PACKAGES: &str = "\
Package: hello
Version: 2.10-3
Architecture: amd64
Installed-Size: 280
Pre-Depends: dpkg (>= 1.15.6~)
Depends: libfoo (>= 1.0), libc6 (>= 2.34) | libc6.1,
 libbar
Recommends: hello-doc
Suggests: sugg
Provides: greeter (= 1.0), hi
Conflicts: oldhello
Breaks: hello-legacy (<< 2)
Replaces: oldhello
Description: example package based on GNU hello
 The GNU hello program produces a familiar, friendly greeting.
 .
 It is an example.
Homepage: https://www.gnu.org/software/hello/
Size: 53000

Package: hello-doc
Version: 2.10-3
Architecture: all
Description: documentation for hello
Size: 1200

Package: libfoo
Version: 1.1-1
Architecture: amd64
Multi-Arch: same
Description: Foo library

Package: tool
Version: 3.0
Architecture: amd64
Depends: libfoo
Description: a tool

";

/// `Packages` for i386: nothing of it is installed.
pub const PACKAGES_I386: &str = "\
Package: wine32
Version: 8.0
Architecture: i386
Description: Windows API implementation - 32-bit

";

/// dpkg's status in the tiny root.
pub const STATUS: &str = "\
Package: libfoo
Status: install ok installed
Architecture: amd64
Multi-Arch: same
Version: 1.0-1
Description: Foo library (old)

Package: libbar
Status: install ok installed
Architecture: amd64
Version: 1.0-1
Description: Bar library nobody needs

Package: tool
Status: install ok installed
Architecture: amd64
Version: 3.0
Depends: libfoo
Description: a tool

Package: localonly
Status: install ok installed
Architecture: amd64
Version: 0.1
Description: installed from a .deb
 long text

Package: libqux
Status: install ok installed
Architecture: i386
Multi-Arch: same
Version: 2.0
Description: qux library

Package: removed
Status: deinstall ok config-files
Architecture: amd64
Version: 9.9
Description: only its configuration files are left

";

/// apt's auto-installed marks in the tiny root.
pub const EXTENDED_STATES: &str = "\
Package: libfoo
Architecture: amd64
Auto-Installed: 1

Package: libbar
Architecture: amd64
Auto-Installed: 1

";

/// A tiny apt root in a temporary directory: one repository (amd64 list lz4-compressed,
/// i386 list plain), a dpkg status and extended_states, `APT::Architectures` amd64 and
/// i386, and no binary cache.
pub struct TestRoot {
    pub dir: tempfile::TempDir,
}

impl TestRoot {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for d in [
            "etc/apt/apt.conf.d",
            "etc/apt/preferences.d",
            "etc/apt/sources.list.d",
            "var/lib/apt/lists/partial",
            "var/lib/dpkg",
            "var/cache/apt/archives/partial",
        ] {
            fs::create_dir_all(root.join(d)).unwrap();
        }
        fs::write(
            root.join("etc/apt/sources.list"),
            "deb [trusted=yes] http://omg.invalid/debian omgtest main\n",
        )
        .unwrap();
        fs::write(
            root.join("etc/apt/apt.conf.d/10omg"),
            "APT::Architecture \"amd64\";\nAPT::Architectures { \"amd64\"; \"i386\"; };\n\
             Dir::Cache::pkgcache \"\";\nDir::Cache::srcpkgcache \"\";\n",
        )
        .unwrap();
        fs::write(
            root.join(format!("var/lib/apt/lists/{LIST_PREFIX}_Release")),
            "Origin: omg\nLabel: omg\nSuite: testing\nCodename: omgtest\n\
             Architectures: amd64 i386\nComponents: main\n",
        )
        .unwrap();
        let root = TestRoot { dir };
        root.write_list("main_binary-amd64_Packages.lz4", &lz4(PACKAGES));
        root.write_list("main_binary-i386_Packages", PACKAGES_I386.as_bytes());
        fs::write(root.path().join("var/lib/dpkg/status"), STATUS).unwrap();
        fs::write(
            root.path().join("var/lib/apt/extended_states"),
            EXTENDED_STATES,
        )
        .unwrap();
        root
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The path of the list file `<LIST_PREFIX>_<suffix>`.
    pub fn list(&self, suffix: &str) -> PathBuf {
        self.path()
            .join(format!("var/lib/apt/lists/{LIST_PREFIX}_{suffix}"))
    }

    pub fn write_list(&self, suffix: &str, bytes: &[u8]) {
        fs::write(self.list(suffix), bytes).unwrap();
    }
}

/// deb822 paragraphs as field -> value (continuation lines joined with `\n`).
pub fn paragraphs(text: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut out = Vec::new();
    let mut current = std::collections::HashMap::new();
    let mut last: Option<String> = None;
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            last = None;
        } else if line.starts_with(' ') || line.starts_with('\t') {
            if let Some(field) = &last {
                let value: &mut String = current.get_mut(field).unwrap();
                value.push('\n');
                value.push_str(line.trim());
            }
        } else if let Some((field, value)) = line.split_once(':') {
            current.insert(field.to_owned(), value.trim().to_owned());
            last = Some(field.to_owned());
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The installed packages as apt names them (`name`, or `name:arch` for another
/// architecture), with their versions, from dpkg-query.
pub fn dpkg_installed() -> std::collections::BTreeMap<String, String> {
    let native = run("dpkg", &["--print-architecture"]).trim().to_owned();
    run(
        "dpkg-query",
        &[
            "-W",
            "-f=${Package}\t${Architecture}\t${Version}\t${db:Status-Status}\n",
        ],
    )
    .lines()
    .filter_map(|line| {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() != 4 || matches!(f[3], "not-installed" | "config-files") {
            return None;
        }
        let name = if f[1] == native || f[1] == "all" {
            f[0].to_owned()
        } else {
            format!("{}:{}", f[0], f[1])
        };
        Some((name, f[2].to_owned()))
    })
    .collect()
}
