//! `validpgpkeys`: the keys a package's signed sources must be signed with are checked in
//! the builder's keyring before makepkg runs (makepkg would fail on them half-way). A key
//! the package ships (`keys/pgp/<fingerprint>.asc`, the AUR's convention) is offered for
//! import; the keyserver is asked only with consent. Without a terminal, a missing key is
//! an error saying how to import it.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use omg_adapters_aur::makepkg::BuildUser;
use omg_cli_core::render::escape;
use omg_ports::{Error, Result, Srcinfo};

use crate::write::confirm::ask_no;

/// The largest key file read from a clone.
const MAX_KEY_BYTES: u64 = 1 << 20;

/// Makes sure every key of `srcinfo`'s `validpgpkeys` is in the keyring of `user` (this
/// process's user when `None`), importing shipped keys or fetching from the keyserver when
/// `interactive` and the user agrees.
///
/// # Errors
///
/// [`Error::InvalidRequest`] naming the first missing key and how to import it; gpg
/// failing to run.
pub fn ensure_keys(
    srcinfo: &Srcinfo,
    clone: &Path,
    user: Option<&BuildUser>,
    interactive: bool,
) -> Result<()> {
    let base = srcinfo.pkgbase.as_str();
    for fingerprint in srcinfo.base_values("validpgpkeys") {
        let fpr = fingerprint.trim().to_ascii_uppercase();
        if fpr.is_empty() {
            continue;
        }
        if !fpr.bytes().all(|b| b.is_ascii_hexdigit()) || !(8..=40).contains(&fpr.len()) {
            return Err(Error::InvalidRequest(format!(
                "{base}: validpgpkeys holds \"{}\", which is not a key fingerprint; the \
                 package is broken",
                escape(fingerprint)
            )));
        }
        if has_key(&fpr, user)? {
            continue;
        }
        let who = user.map_or_else(|| "your".to_string(), |u| format!("{}'s", u.name));
        let shipped = shipped_key(clone, &fpr);
        match (&shipped, interactive) {
            (Some(file), true) => {
                let question = format!(
                    "{base} ships the PGP key {fpr} (keys/pgp/{fpr}.asc). Import it into \
                     {who} keyring?"
                );
                if ask_no(&question)? {
                    gpg(user, &["--batch", "--import", &file.display().to_string()])?;
                }
            }
            (None, true) => {
                let question = format!(
                    "{base} needs the PGP key {fpr}, which is not in {who} keyring. Fetch it \
                     from the keyserver?"
                );
                if ask_no(&question)? {
                    gpg(user, &["--batch", "--recv-keys", &fpr])?;
                }
            }
            (_, false) => {}
        }
        if !has_key(&fpr, user)? {
            let how = match shipped {
                Some(file) => format!("gpg --import {}", file.display()),
                None => format!("gpg --recv-keys {fpr}"),
            };
            return Err(Error::InvalidRequest(format!(
                "{base} needs the PGP key {fpr} (validpgpkeys), which is not in {who} \
                 keyring; import it with `{how}` as that user (or run omg on a terminal to \
                 be asked); nothing was built"
            )));
        }
    }
    Ok(())
}

/// `keys/pgp/<fpr>.asc` of the clone, when it is a regular file of at most
/// [`MAX_KEY_BYTES`].
fn shipped_key(clone: &Path, fpr: &str) -> Option<PathBuf> {
    let path = clone.join("keys").join("pgp").join(format!("{fpr}.asc"));
    let meta = std::fs::symlink_metadata(&path).ok()?;
    (meta.is_file() && meta.len() <= MAX_KEY_BYTES).then_some(path)
}

fn has_key(fpr: &str, user: Option<&BuildUser>) -> Result<bool> {
    let out = command(user, &["--batch", "--list-keys", "--with-colons", fpr])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(gpg_missing)?;
    Ok(out.success())
}

fn gpg(user: Option<&BuildUser>, args: &[&str]) -> Result<()> {
    let mut child = command(user, args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(gpg_missing)?;
    let mut err = String::new();
    if let Some(mut stderr) = child.stderr.take() {
        let _ = stderr.by_ref().take(64 * 1024).read_to_string(&mut err);
    }
    let status = child.wait().map_err(gpg_missing)?;
    if status.success() {
        Ok(())
    } else {
        Err(Error::Library {
            library: "gpg".into(),
            message: format!("gpg {} failed: {}", args.join(" "), escape(err.trim())),
        })
    }
}

/// gpg as `user` (their uid, gid and home), else as this process.
fn command(user: Option<&BuildUser>, args: &[&str]) -> Command {
    let mut cmd = Command::new("gpg");
    cmd.args(args).stdin(Stdio::null());
    if let Some(u) = user {
        u.run_as(&mut cmd);
        cmd.env_remove("GNUPGHOME");
    }
    cmd
}

fn gpg_missing(e: std::io::Error) -> Error {
    Error::Library {
        library: "gpg".into(),
        message: format!(
            "cannot run gpg ({e}); install gnupg, which makepkg needs for signed sources"
        ),
    }
}
