//! Serves the test AUR's catalogue (omg-testkit's `AurFixture`) and writes a pacman root
//! with its repository dependencies, for trying omg's AUR commands by hand:
//!
//! ```sh
//! cargo run -p omg-testkit --example aur_fixture -- /tmp/aur-demo
//! # then, in another shell, the variables it prints, and e.g.
//! omg --backend alpm --config /tmp/aur-demo/root/etc/pacman.conf install aur-app
//! ```
//!
//! Reads commands on stdin while it serves: `evil` publishes aur-evil-update 2.0 (whose
//! build() runs `curl ... | bash`), `bump <base> <pkgver>` publishes a new version, `maint
//! <base> <name>` changes a maintainer, `quit` ends.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::BufRead;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use omg_testkit::alpm::FixtureRoot;
use omg_testkit::aur::AurFixture;

fn main() {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .expect("usage: aur_fixture DIR (created; must not exist)"),
    );
    assert!(!dir.exists(), "{} exists already", dir.display());
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut aur = AurFixture::create(&dir.join("aur"));
    let mut root = FixtureRoot::create(&dir.join("root")).unwrap();
    root.publish("core", &AurFixture::repo_packages()).unwrap();
    root.install_local(&[]).unwrap();
    println!("export OMG_AUR_ENABLED=true");
    println!("export OMG_AUR_RPC_URL={}", aur.server().url("/rpc"));
    println!(
        "export OMG_AUR_DUMP_URL={}",
        aur.server().url("/packages-meta-ext-v1.json.gz")
    );
    println!("export OMG_AUR_URL={}", aur.base_url());
    // The Arch news, with no item: `omg update` reads it first.
    let news = omg_testkit::http::Server::start();
    news.put(
        "/feeds/news/",
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel>\
         <title>Arch Linux: Recent news updates</title>\
         <link>https://archlinux.org/news/</link></channel></rss>\n",
        None,
        None,
    );
    println!("export OMG_AUR_NEWS_URL={}", news.url("/feeds/news/"));
    println!("export XDG_CACHE_HOME={}", dir.join("cache").display());
    println!(
        "export OMG_HISTORY_FILE={}",
        dir.join("history.redb").display()
    );
    println!("# pacman.conf: {}", root.config_path().display());
    for line in std::io::stdin().lock().lines() {
        let line = line.unwrap();
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["evil"] => aur.publish_evil_update(),
            ["bump", base, pkgver] => {
                let mut pkg = aur.pkg(base).clone();
                pkg.pkgver = (*pkgver).to_string();
                let text = format!("{base} {pkgver}\n");
                for file in &mut pkg.files {
                    file.1.clone_from(&text);
                }
                aur.publish(pkg);
            }
            ["maint", base, name] => aur.change_maintainer(base, Some(name)),
            ["quit"] => break,
            _ => eprintln!("commands: evil | bump <base> <pkgver> | maint <base> <name> | quit"),
        }
        println!("ok");
    }
}
