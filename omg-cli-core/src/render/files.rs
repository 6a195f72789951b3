//! `omg files`, `omg owns` and `omg mark`: pacman -Ql, -Qo and -D style lines.

use omg_ports::{InstallReason, Owner, PackageFiles, ReasonChange};

use super::escape::escape;
use super::{json, Output, Style};

/// `name path` per file, as `pacman -Ql` prints them; with `-q` the paths alone
/// (`pacman -Qlq`, `dpkg -L`).
pub fn files(out: &Output, packages: &[PackageFiles]) -> String {
    if out.json {
        return json(&packages);
    }
    let mut s = String::new();
    for p in packages {
        let name = out.paint(Style::Bold, &escape(&p.name));
        for file in &p.files {
            if out.quiet {
                s.push_str(&format!("{}\n", escape(file)));
            } else {
                s.push_str(&format!("{name} {}\n", escape(file)));
            }
        }
    }
    s
}

/// `path is owned by name version`, as `pacman -Qo` prints it; with `-q` the names alone.
pub fn owners(out: &Output, owners: &[Owner]) -> String {
    if out.json {
        return json(&owners);
    }
    owners
        .iter()
        .map(|o| {
            let name = out.paint(Style::Bold, &escape(&o.name));
            if out.quiet {
                format!("{name}\n")
            } else {
                format!(
                    "{} is owned by {name} {}\n",
                    escape(&o.path),
                    out.paint(Style::Green, &escape(&o.version))
                )
            }
        })
        .collect()
}

/// One line per package: the reason it now has (or would have, for a dry run), and
/// whether that changed anything.
pub fn marks(out: &Output, changes: &[ReasonChange], dry_run: bool) -> String {
    if out.json {
        return json(&changes);
    }
    changes
        .iter()
        .map(|c| {
            let reason = reason_text(c.to);
            let name = out.paint(Style::Bold, &escape(&c.name));
            match (c.from == c.to, dry_run) {
                (true, _) => format!("{name}: already {reason}\n"),
                (false, true) => format!(
                    "{name}: would be marked {reason} (now {})\n",
                    reason_text(c.from)
                ),
                (false, false) => format!("{name}: install reason set to {reason}\n"),
            }
        })
        .collect()
}

fn reason_text(reason: InstallReason) -> &'static str {
    match reason {
        InstallReason::Explicit => "installed explicitly",
        InstallReason::Dependency => "installed as a dependency",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pacman_lines() {
        let out = Output::default();
        let p = PackageFiles {
            name: "nano".into(),
            version: "8.3-1".into(),
            files: vec!["/usr/".into(), "/usr/bin/nano".into()],
        };
        assert_eq!(
            files(&out, std::slice::from_ref(&p)),
            "nano /usr/\nnano /usr/bin/nano\n"
        );
        let quiet = Output { quiet: true, ..out };
        assert_eq!(files(&quiet, &[p]), "/usr/\n/usr/bin/nano\n");
        let o = Owner {
            path: "/usr/bin/nano".into(),
            name: "nano".into(),
            version: "8.3-1".into(),
        };
        assert_eq!(
            owners(&out, std::slice::from_ref(&o)),
            "/usr/bin/nano is owned by nano 8.3-1\n"
        );
        assert_eq!(owners(&quiet, &[o]), "nano\n");
    }

    #[test]
    fn file_names_are_escaped() {
        let p = PackageFiles {
            name: "x".into(),
            version: "1".into(),
            files: vec!["/tmp/a\x1b[2Jb".into()],
        };
        assert_eq!(files(&Output::default(), &[p]), "x /tmp/a\\e[2Jb\n");
    }

    #[test]
    fn marks_say_what_changed() {
        let c = |from, to| ReasonChange {
            name: "a".into(),
            from,
            to,
        };
        let out = Output::default();
        use InstallReason::*;
        assert_eq!(
            marks(&out, &[c(Explicit, Dependency)], false),
            "a: install reason set to installed as a dependency\n"
        );
        assert_eq!(
            marks(&out, &[c(Explicit, Dependency)], true),
            "a: would be marked installed as a dependency (now installed explicitly)\n"
        );
        assert_eq!(
            marks(&out, &[c(Explicit, Explicit)], false),
            "a: already installed explicitly\n"
        );
    }
}
