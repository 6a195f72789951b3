//! Unit tests of the pacman.conf parser, on strings and an in-memory file system.

use super::*;
use std::collections::HashMap;

#[derive(Default)]
struct Files(HashMap<PathBuf, String>);

impl Files {
    fn with(mut self, path: &str, text: &str) -> Self {
        self.0.insert(PathBuf::from(path), text.to_string());
        self
    }
}

impl ConfSource for Files {
    fn read(&self, path: &Path) -> io::Result<String> {
        self.0
            .get(path)
            .cloned()
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
    }
    fn list(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        Ok(self
            .0
            .keys()
            .filter(|p| p.parent() == Some(dir))
            .cloned()
            .collect())
    }
}

fn parse(text: &str, files: &Files) -> Result<PacmanConf> {
    PacmanConf::parse_with(text, Path::new("/etc/pacman.conf"), files)
}

fn reason(e: Error) -> (PathBuf, String) {
    match e {
        Error::Config { path, reason } => (path, reason),
        other => panic!("expected a Config error, got {other:?}"),
    }
}

const ARCH_CONF: &str = "\
# comment
[options]
RootDir     = /mnt/root
DBPath=/mnt/root/db/
CacheDir = /c1/ /c2/
CacheDir = /c3/
Architecture = x86_64 x86_64_v3
SigLevel = Required DatabaseOptional
Color
ParallelDownloads = 5

[core]
Server = https://mirror.example/$repo/os/$arch
  Server = file:///srv/$repo  

[extra]
SigLevel = Never
Include = /etc/pacman.d/mirrorlist
";

#[test]
fn parses_options_repos_and_includes_in_order() {
    let files = Files::default().with(
        "/etc/pacman.d/mirrorlist",
        "## mirrors\nServer = https://a.example/$repo/os/$arch\n#Server = https://off\nServer = https://b.example/$arch/$repo\n",
    );
    let conf = parse(ARCH_CONF, &files).unwrap();
    assert_eq!(conf.path, PathBuf::from("/etc/pacman.conf"));
    assert_eq!(conf.root_dir, Some(PathBuf::from("/mnt/root")));
    assert_eq!(conf.db_path, Some(PathBuf::from("/mnt/root/db/")));
    assert_eq!(
        conf.cache_dirs,
        vec![
            PathBuf::from("/c1/"),
            PathBuf::from("/c2/"),
            PathBuf::from("/c3/")
        ]
    );
    assert_eq!(conf.architectures, vec!["x86_64", "x86_64_v3"]);
    assert_eq!(conf.sig_level, vec!["Required", "DatabaseOptional"]);
    assert_eq!(conf.parallel_downloads, Some(5));
    assert_eq!(
        conf.repos,
        vec![
            Repository {
                name: "core".into(),
                servers: vec![
                    "https://mirror.example/core/os/x86_64".into(),
                    "file:///srv/core".into()
                ],
                sig_level: vec![],
            },
            Repository {
                name: "extra".into(),
                servers: vec![
                    "https://a.example/extra/os/x86_64".into(),
                    "https://b.example/x86_64/extra".into()
                ],
                sig_level: vec!["Never".into()],
            },
        ]
    );
}

#[test]
fn transaction_options_are_kept() {
    let conf = parse(
        "[options]\nGPGDir = /g/\nLogFile = /l.log\nHookDir = /h1/\nHookDir = /h2/\nCheckSpace\n\
         IgnorePkg = a b\nIgnorePkg = c\nIgnoreGroup = g\nNoUpgrade = etc/x\nNoExtract = usr/y\n\
         HoldPkg = pacman glibc\nHoldPkg = linux*\nDownloadUser = alpm\nDisableSandboxSyscalls\n",
        &Files::default(),
    )
    .unwrap();
    assert_eq!(conf.gpg_dir, Some(PathBuf::from("/g/")));
    assert_eq!(conf.log_file, Some(PathBuf::from("/l.log")));
    assert_eq!(
        conf.hook_dirs,
        [PathBuf::from("/h1/"), PathBuf::from("/h2/")]
    );
    assert!(conf.check_space);
    assert_eq!(conf.ignore_pkgs, ["a", "b", "c"]);
    assert_eq!(conf.hold_pkgs, ["pacman", "glibc", "linux*"]);
    assert_eq!(conf.download_user.as_deref(), Some("alpm"));
    assert!(conf.disable_sandbox_syscalls);
    assert!(!conf.disable_sandbox_filesystem);
    let both = parse("[options]\nDisableSandbox\n", &Files::default()).unwrap();
    assert!(both.disable_sandbox_filesystem && both.disable_sandbox_syscalls);
    assert_eq!(both.download_user, None);
    assert_eq!(conf.ignore_groups, ["g"]);
    assert_eq!(conf.no_upgrade, ["etc/x"]);
    assert_eq!(conf.no_extract, ["usr/y"]);
    let err = parse("[options]\nParallelDownloads = 0\n", &Files::default()).unwrap_err();
    assert!(reason(err).1.contains("ParallelDownloads '0'"));
}

#[test]
fn first_rootdir_and_dbpath_win_like_pacman() {
    let conf = parse(
        "[options]\nRootDir = /a\nRootDir = /b\nDBPath = /x\nDBPath = /y\n",
        &Files::default(),
    )
    .unwrap();
    assert_eq!(conf.root_dir, Some(PathBuf::from("/a")));
    assert_eq!(conf.db_path, Some(PathBuf::from("/x")));
    assert!(conf.repos.is_empty());
}

#[test]
fn architecture_auto_is_the_machine() {
    let conf = parse("[options]\nArchitecture = auto\n", &Files::default()).unwrap();
    assert_eq!(conf.architectures, vec![machine_architecture()]);
    assert!(!conf.architectures[0].is_empty());
}

#[test]
fn includes_may_open_sections_and_use_globs() {
    let files = Files::default()
        .with("/etc/pacman.d/repos/20-b.conf", "[b]\nServer = file:///b\n")
        .with(
            "/etc/pacman.d/repos/10-a.conf",
            "[a]\nServer = file:///$repo\n",
        )
        .with("/etc/pacman.d/repos/README", "not a conf");
    let conf = parse(
        "[options]\nArchitecture = aarch64\nInclude = /etc/pacman.d/repos/*.conf\n[c]\nServer = file:///c/$arch\n",
        &files,
    )
    .unwrap();
    let names: Vec<_> = conf.repos.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, vec!["a", "b", "c"]);
    assert_eq!(conf.repos[0].servers, vec!["file:///a"]);
    assert_eq!(conf.repos[2].servers, vec!["file:///c/aarch64"]);
}

#[test]
fn missing_include_names_the_including_file_and_line() {
    let (path, why) = reason(
        parse(
            "[options]\n[core]\nInclude = /nope/mirrorlist\n",
            &Files::default(),
        )
        .unwrap_err(),
    );
    assert_eq!(path, PathBuf::from("/etc/pacman.conf"));
    assert!(
        why.starts_with("line 3: cannot read Include file /nope/mirrorlist"),
        "{why}"
    );
}

#[test]
fn a_glob_matching_nothing_is_an_unreadable_include() {
    let (_, why) =
        reason(parse("[core]\nInclude = /none/*.conf\n", &Files::default()).unwrap_err());
    assert!(
        why.starts_with("line 2: cannot read Include file /none/*.conf"),
        "{why}"
    );
}

#[test]
fn errors_inside_an_include_name_the_included_file() {
    let files = Files::default().with("/m", "Server = file:///ok\nServer\n");
    let (path, why) = reason(parse("[core]\nInclude = /m\n", &files).unwrap_err());
    assert_eq!(path, PathBuf::from("/m"));
    assert_eq!(why, "line 2: directive 'Server' needs a value");
}

#[test]
fn include_loops_stop() {
    let files = Files::default().with("/loop", "Include = /loop\n");
    let (path, why) = reason(parse("[core]\nInclude = /loop\n", &files).unwrap_err());
    assert_eq!(path, PathBuf::from("/loop"));
    assert!(why.contains("nested more than 10 deep"), "{why}");
}

#[test]
fn directive_outside_a_section_is_an_error() {
    let (_, why) = reason(parse("\n# x\nRootDir = /\n", &Files::default()).unwrap_err());
    assert_eq!(
        why,
        "line 3: 'RootDir' is outside any section; all directives must belong to a section"
    );
}

#[test]
fn bad_headers_and_names_are_errors() {
    let cases = [
        (
            "[options]\n[core\n",
            "line 2: malformed section header '[core'",
        ),
        ("[]\n", "line 1: empty repository name '[]'"),
        (
            "[local]\n",
            "line 1: the name 'local' is reserved for the database of installed packages",
        ),
        (
            "[a/b]\n",
            "line 1: repository name 'a/b' contains '/' or a NUL character",
        ),
        (
            "[a]\n[b]\n[a]\n",
            "line 3: repository 'a' is defined more than once",
        ),
        (
            "[options]\nDBPath =\n",
            "line 2: directive 'DBPath' needs a value",
        ),
        (
            "[options]\nRootDir\n",
            "line 2: directive 'RootDir' needs a value",
        ),
    ];
    for (text, expected) in cases {
        let (path, why) = reason(parse(text, &Files::default()).unwrap_err());
        assert_eq!(path, PathBuf::from("/etc/pacman.conf"));
        assert_eq!(why, expected, "for {text:?}");
    }
}

#[test]
fn arch_variable_without_architecture_is_an_error() {
    let (_, why) = reason(
        parse(
            "[core]\n\nServer = https://m/$repo/$arch\n",
            &Files::default(),
        )
        .unwrap_err(),
    );
    assert_eq!(
        why,
        "line 3: server 'https://m/$repo/$arch' uses $arch but no Architecture is set in [options]"
    );
}

#[test]
fn unknown_directives_and_inline_hashes_are_tolerated() {
    let conf = parse(
        "[options]\nFrobnicate = yes\nHoldPkg = pacman glibc\n[core]\nUsage = Sync\nMystery\nServer = file:///x#y\n",
        &Files::default(),
    )
    .unwrap();
    assert_eq!(conf.repos[0].servers, vec!["file:///x#y"]);
}

#[test]
fn missing_file_says_which_and_how_to_choose_another() {
    let dir = std::env::temp_dir().join("omg-alpm-no-such-dir-for-test");
    let path = dir.join("pacman.conf");
    let err = PacmanConf::load(&path).unwrap_err();
    let text = err.to_string();
    assert!(text.contains(&path.display().to_string()), "{text}");
    assert!(text.contains("does not exist"), "{text}");
    assert!(text.contains("give an existing pacman.conf"), "{text}");
}

#[test]
fn load_reads_includes_from_the_file_system() {
    let dir = tempfile::tempdir().unwrap();
    let mirrorlist = dir.path().join("mirrorlist");
    std::fs::write(&mirrorlist, "Server = file:///srv/$repo\n").unwrap();
    let conf_path = dir.path().join("pacman.conf");
    std::fs::write(
        &conf_path,
        format!("[options]\n[core]\nInclude = {}\n", mirrorlist.display()),
    )
    .unwrap();
    let conf = PacmanConf::load(&conf_path).unwrap();
    assert_eq!(conf.repos[0].servers, vec!["file:///srv/core"]);
}

#[test]
fn a_device_or_a_huge_file_is_refused_naming_it() {
    // pacman.conf itself.
    let e = PacmanConf::load(Path::new("/dev/zero")).unwrap_err();
    assert!(e.to_string().contains("not a regular file"), "{e}");
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("pacman.conf");
    std::fs::write(&big, "#".repeat((MAX_CONF_BYTES + 1) as usize)).unwrap();
    let e = PacmanConf::load(&big).unwrap_err();
    assert!(e.to_string().contains("larger than 1024 KiB"), "{e}");
    // An included file: a device in place of a mirrorlist.
    let conf = dir.path().join("inc.conf");
    std::fs::write(&conf, "[options]\n[core]\nInclude = /dev/zero\n").unwrap();
    let e = PacmanConf::load(&conf).unwrap_err();
    assert!(e.to_string().contains("/dev/zero"), "{e}");
}
