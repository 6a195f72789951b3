//! Where a directory under the root really is, following symbolic links as the kernel
//! does when libarchive writes into it: an absolute target starts from the host's `/`
//! (not from the root), `..` climbs, and a link leads wherever its target leads.
//!
//! A component may be a symbolic link on disk, or one a package of the transaction
//! creates; libalpm installs the packages one after the other and may replace or remove
//! links meanwhile, so every possibility is followed: the link on disk, each link of the
//! transaction at that path, and a plain directory. The directory is refused when any of
//! them leads outside the root. The root itself is canonical (no links in it), so a path
//! that leaves it is outside whatever follows; host paths are never followed.

use std::collections::{HashMap, HashSet, VecDeque};
use std::ffi::OsStr;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// The kernel's limit of symbolic links followed in one lookup (MAXSYMLINKS).
const MAX_FOLLOWS: u32 = 40;
/// Component steps over every possibility of one directory.
const MAX_STEPS: usize = 10_000;

/// A symbolic link that was followed: its path under the root, its target, and whether it
/// is on disk (else a package of the transaction creates it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Link {
    pub path: Vec<u8>,
    pub target: Vec<u8>,
    pub on_disk: bool,
}

/// Why a directory is outside the root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Outside {
    /// Through this link.
    Through(Link),
    /// Too many links to follow (a loop, or a package built to make the check expensive).
    TooManyLinks,
}

/// The root, the links of the transaction, and what was learnt so far.
pub(super) struct World {
    /// The canonical root's components.
    root: Vec<Vec<u8>>,
    /// Symbolic links the transaction's packages create, by normalised path.
    links: HashMap<Vec<u8>, Vec<Vec<u8>>>,
    /// Symbolic links on disk, by path under the root (`None`: not a link).
    disk: HashMap<Vec<u8>, Option<Vec<u8>>>,
    /// Directories found inside.
    inside: HashSet<Vec<u8>>,
}

/// One possibility being followed.
struct Walk {
    /// Where it is, as host components.
    at: Vec<Vec<u8>>,
    /// The components still to walk.
    rest: VecDeque<Vec<u8>>,
    follows: u32,
    /// The last link followed.
    via: Option<Rc<Link>>,
}

impl World {
    /// `root` must be canonical.
    pub fn new(root: &Path, links: impl IntoIterator<Item = (Vec<u8>, Vec<u8>)>) -> World {
        let mut map: HashMap<Vec<u8>, Vec<Vec<u8>>> = HashMap::new();
        for (path, target) in links {
            let targets = map.entry(path).or_default();
            if !targets.contains(&target) {
                targets.push(target);
            }
        }
        World {
            root: parts(root.as_os_str().as_bytes()),
            links: map,
            disk: HashMap::new(),
            inside: HashSet::new(),
        }
    }

    /// `None` when the directory `dir` (normalised, relative to the root) is inside the
    /// root whichever way it is reached.
    pub fn outside(&mut self, dir: &[u8]) -> Option<Outside> {
        if self.inside.contains(dir) {
            return None;
        }
        let mut work = vec![Walk {
            at: self.root.clone(),
            rest: parts(dir).into(),
            follows: 0,
            via: None,
        }];
        let mut steps = 0usize;
        while let Some(mut walk) = work.pop() {
            loop {
                steps += 1;
                if steps > MAX_STEPS {
                    return Some(Outside::TooManyLinks);
                }
                let Some(part) = walk.rest.pop_front() else {
                    if walk.at.len() < self.root.len() {
                        return Some(self.escape(&walk));
                    }
                    break;
                };
                if part == b".." {
                    walk.at.pop();
                    continue;
                }
                if walk.at.len() < self.root.len() {
                    // Above the root (after `..` or an absolute target): only the way back
                    // down into it stays inside.
                    if part != self.root[walk.at.len()] {
                        return Some(self.escape(&walk));
                    }
                    walk.at.push(part);
                    continue;
                }
                let mut next = walk.at.clone();
                next.push(part);
                let rel = next[self.root.len()..].join(&b'/');
                let mut targets: Vec<(Vec<u8>, bool)> = self
                    .links
                    .get(&rel)
                    .map(|t| t.iter().map(|t| (t.clone(), false)).collect())
                    .unwrap_or_default();
                if let Some(target) = self.on_disk(&next, &rel) {
                    targets.push((target, true));
                }
                for (target, on_disk) in targets {
                    if walk.follows + 1 > MAX_FOLLOWS {
                        return Some(Outside::TooManyLinks);
                    }
                    let mut rest: VecDeque<Vec<u8>> = parts(&target).into();
                    rest.extend(walk.rest.iter().cloned());
                    work.push(Walk {
                        at: if target.first() == Some(&b'/') {
                            Vec::new()
                        } else {
                            walk.at.clone()
                        },
                        rest,
                        follows: walk.follows + 1,
                        via: Some(Rc::new(Link {
                            path: rel.clone(),
                            target,
                            on_disk,
                        })),
                    });
                }
                // A plain directory (or one created by the extraction).
                walk.at = next;
            }
        }
        self.inside.insert(dir.to_vec());
        None
    }

    fn escape(&self, walk: &Walk) -> Outside {
        match &walk.via {
            Some(link) => Outside::Through(Link::clone(link)),
            None => Outside::TooManyLinks,
        }
    }

    /// The target of the symbolic link at host path `at` (`rel` under the root), if it is
    /// one.
    fn on_disk(&mut self, at: &[Vec<u8>], rel: &[u8]) -> Option<Vec<u8>> {
        if let Some(known) = self.disk.get(rel) {
            return known.clone();
        }
        let mut host = Vec::new();
        for part in at {
            host.push(b'/');
            host.extend_from_slice(part);
        }
        let host = PathBuf::from(OsStr::from_bytes(&host));
        let target = match std::fs::symlink_metadata(&host) {
            Ok(m) if m.file_type().is_symlink() => std::fs::read_link(&host)
                .ok()
                .map(|t| t.into_os_string().into_vec()),
            _ => None,
        };
        self.disk.insert(rel.to_vec(), target.clone());
        target
    }
}

/// The components of `path`, without empty and `.` ones (`..` kept).
fn parts(path: &[u8]) -> Vec<Vec<u8>> {
    path.split(|b| *b == b'/')
        .filter(|p| !p.is_empty() && *p != b".")
        .map(<[u8]>::to_vec)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world(root: &Path, links: &[(&str, &str)]) -> World {
        World::new(
            root,
            links
                .iter()
                .map(|(p, t)| (p.as_bytes().to_vec(), t.as_bytes().to_vec())),
        )
    }

    #[test]
    fn links_of_the_transaction_are_followed_like_the_kernel() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let inside = format!("{}/usr/lib", root.display());
        let mut w = world(
            &root,
            &[
                ("a", "/"),
                ("b", "../../.."),
                ("usr/lib64", "lib"),
                ("c", "usr/lib64"),
                ("d", &inside),
                ("loop1", "loop2"),
                ("loop2", "loop1"),
                ("e", "usr/../.."),
                ("f", "usr/../usr"),
            ],
        );
        assert_eq!(w.outside(b"usr/share"), None);
        assert_eq!(w.outside(b"usr/lib64/x"), None);
        assert_eq!(w.outside(b"c/x"), None);
        assert_eq!(w.outside(b"f/x"), None);
        // An absolute target naming a place inside the root stays inside.
        assert_eq!(w.outside(b"d/x"), None);
        for dir in ["a/etc", "a", "b/etc", "e"] {
            assert!(
                matches!(w.outside(dir.as_bytes()), Some(Outside::Through(_))),
                "{dir}"
            );
        }
        assert_eq!(w.outside(b"loop1/x"), Some(Outside::TooManyLinks));
        // A final link is not followed: nothing is written through it.
        assert_eq!(w.outside(b"usr"), None);
    }

    #[test]
    fn links_on_disk_count_too() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("usr/lib")).unwrap();
        std::os::unix::fs::symlink("/etc", root.join("usr/etc")).unwrap();
        std::os::unix::fs::symlink("lib", root.join("usr/lib64")).unwrap();
        let mut w = world(&root, &[]);
        assert_eq!(w.outside(b"usr/lib64/x"), None);
        assert_eq!(
            w.outside(b"usr/etc/x"),
            Some(Outside::Through(Link {
                path: b"usr/etc".to_vec(),
                target: b"/etc".to_vec(),
                on_disk: true
            }))
        );
    }

    #[test]
    fn with_the_host_as_root_nothing_leads_outside() {
        let mut w = world(Path::new("/"), &[("a", "/"), ("b", "../../..")]);
        assert_eq!(w.outside(b"a/etc"), None);
        assert_eq!(w.outside(b"b/etc"), None);
    }
}
