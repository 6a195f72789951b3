//! Dependency strings (`zlib>=1.3`, `sh`, `libfoo.so=1-64`) and when a package or a
//! provided name satisfies them, by libalpm's rules:
//!
//! - the first `<` in the string makes `<` or `<=`, else the first `>` makes `>` or `>=`,
//!   else the first `=` makes `=`; the name is what comes before, the version what comes
//!   after; a `": "` starts a description (optional dependencies), which is dropped;
//! - a package satisfies a dependency by its own name and version, or by one of its
//!   provides: an unversioned dependency is met by any provide of that name, a versioned
//!   one only by a provide carrying `=version` (`foo=1.2` meets `foo>=1`, a bare `foo`
//!   does not);
//! - versions compare with [`alpm_vercmp`], so a constraint without a pkgrel (`foo=1.2`)
//!   ignores the candidate's pkgrel (`1.2-3` meets it).

use std::cmp::Ordering;
use std::fmt;

use omg_ports::AurPackage;

use crate::version::alpm_vercmp;

/// The longest dependency string accepted, in bytes.
pub const MAX_DEPEND_LEN: usize = 1024;

/// A version comparison of a dependency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DepOp {
    /// `=`
    Eq,
    /// `>=`
    Ge,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `<`
    Lt,
}

impl DepOp {
    /// Its spelling in a dependency string.
    pub fn as_str(self) -> &'static str {
        match self {
            DepOp::Eq => "=",
            DepOp::Ge => ">=",
            DepOp::Le => "<=",
            DepOp::Gt => ">",
            DepOp::Lt => "<",
        }
    }

    /// Whether `ordering` (a candidate's version against the constraint's) meets it.
    fn accepts(self, ordering: Ordering) -> bool {
        match self {
            DepOp::Eq => ordering == Ordering::Equal,
            DepOp::Ge => ordering != Ordering::Less,
            DepOp::Le => ordering != Ordering::Greater,
            DepOp::Gt => ordering == Ordering::Greater,
            DepOp::Lt => ordering == Ordering::Less,
        }
    }
}

/// The version part of a dependency: `>=1.2`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Constraint {
    /// The comparison.
    pub op: DepOp,
    /// The version compared with (`[epoch:]pkgver[-pkgrel]`).
    pub version: String,
}

/// A dependency: a name and an optional version constraint.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Depend {
    /// The package or provided name.
    pub name: String,
    /// The version constraint, `None` for any version.
    pub constraint: Option<Constraint>,
}

/// Why a dependency string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DependError {
    /// Nothing before the comparison (or an empty string).
    #[error("the dependency {0:?} has no name: fix the package's dependency list")]
    NoName(String),
    /// A comparison with nothing after it (`foo>=`).
    #[error(
        "the dependency {0:?} compares with an empty version: fix the package's dependency list"
    )]
    NoVersion(String),
    /// Whitespace or a control character in the name or version.
    #[error("the dependency {0:?} holds whitespace or a control character: fix the package's dependency list")]
    BadCharacter(String),
    /// Longer than [`MAX_DEPEND_LEN`].
    #[error("a dependency of {0} bytes is longer than the {MAX_DEPEND_LEN} accepted")]
    TooLong(usize),
}

impl Depend {
    /// Parse a dependency string as libalpm's `alpm_dep_from_string` does, refusing what
    /// makepkg would never write (no name, an empty version, whitespace or control
    /// characters, more than [`MAX_DEPEND_LEN`] bytes).
    ///
    /// ```
    /// use omg_domain::aur::{DepOp, Depend};
    /// let d = Depend::parse("zlib>=1.3").unwrap();
    /// assert_eq!(d.name, "zlib");
    /// assert_eq!(d.constraint.as_ref().unwrap().op, DepOp::Ge);
    /// assert!(d.satisfied_by("zlib", "1:1.2-1"));
    /// assert!(!d.satisfied_by("zlib", "1.2.13-2"));
    /// ```
    pub fn parse(text: &str) -> Result<Depend, DependError> {
        if text.len() > MAX_DEPEND_LEN {
            return Err(DependError::TooLong(text.len()));
        }
        let spec = match text.find(": ") {
            Some(at) => &text[..at],
            None => text,
        };
        let (name, constraint) = match split_op(spec) {
            Some((at, op)) => {
                let version = &spec[at + op.as_str().len()..];
                if version.is_empty() {
                    return Err(DependError::NoVersion(text.to_owned()));
                }
                (
                    &spec[..at],
                    Some(Constraint {
                        op,
                        version: version.to_owned(),
                    }),
                )
            }
            None => (spec, None),
        };
        if name.is_empty() {
            return Err(DependError::NoName(text.to_owned()));
        }
        let bad = |c: char| c.is_whitespace() || c.is_control();
        if name.contains(bad) || constraint.as_ref().is_some_and(|c| c.version.contains(bad)) {
            return Err(DependError::BadCharacter(text.to_owned()));
        }
        Ok(Depend {
            name: name.to_owned(),
            constraint,
        })
    }

    /// A dependency on `name` at any version.
    pub fn any(name: &str) -> Depend {
        Depend {
            name: name.to_owned(),
            constraint: None,
        }
    }

    /// A dependency on exactly `name=version`.
    pub fn exactly(name: &str, version: &str) -> Depend {
        Depend {
            name: name.to_owned(),
            constraint: Some(Constraint {
                op: DepOp::Eq,
                version: version.to_owned(),
            }),
        }
    }

    /// Whether `version` meets the constraint (always, without one).
    pub fn version_ok(&self, version: &str) -> bool {
        match &self.constraint {
            None => true,
            Some(c) => c.op.accepts(alpm_vercmp(version, &c.version)),
        }
    }

    /// Whether a package named `name` at `version` satisfies this dependency by its own
    /// name (libalpm's literal match; provides are [`Depend::satisfied_by_provide`]).
    pub fn satisfied_by(&self, name: &str, version: &str) -> bool {
        self.name == name && self.version_ok(version)
    }

    /// Whether a provides entry (`foo`, `foo=1.2`) satisfies this dependency: an
    /// unversioned dependency takes any provide of the name, a versioned one only a
    /// provide with `=version` that meets it. An unreadable provide satisfies nothing.
    pub fn satisfied_by_provide(&self, provide: &str) -> bool {
        let Ok(provided) = Depend::parse(provide) else {
            return false;
        };
        if provided.name != self.name {
            return false;
        }
        match (&self.constraint, &provided.constraint) {
            (None, _) => true,
            (Some(_), Some(p)) if p.op == DepOp::Eq => self.version_ok(&p.version),
            (Some(_), _) => false,
        }
    }

    /// Whether an AUR package satisfies this dependency, by its name or its provides.
    pub fn satisfied_by_package(&self, package: &AurPackage) -> bool {
        self.satisfied_by(&package.name, &package.version)
            || package
                .provides
                .iter()
                .any(|p| self.satisfied_by_provide(p))
    }
}

/// Where the comparison starts and which it is, libalpm's way (`<` first, then `>`, then
/// `=`).
fn split_op(spec: &str) -> Option<(usize, DepOp)> {
    let followed_by_eq = |at: usize| spec.as_bytes().get(at + 1) == Some(&b'=');
    if let Some(at) = spec.find('<') {
        return Some((
            at,
            if followed_by_eq(at) {
                DepOp::Le
            } else {
                DepOp::Lt
            },
        ));
    }
    if let Some(at) = spec.find('>') {
        return Some((
            at,
            if followed_by_eq(at) {
                DepOp::Ge
            } else {
                DepOp::Gt
            },
        ));
    }
    spec.find('=').map(|at| (at, DepOp::Eq))
}

impl fmt::Display for Depend {
    /// The dependency string, control characters escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escaped(&self.name))?;
        if let Some(c) = &self.constraint {
            f.write_str(c.op.as_str())?;
            f.write_str(&escaped(&c.version))?;
        }
        Ok(())
    }
}

/// `text` with control characters escaped (`\n`, `\u{1b}`), for messages.
pub(crate) fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dep(s: &str) -> Depend {
        Depend::parse(s).unwrap()
    }

    #[test]
    fn parses_every_operator() {
        for (text, op, version) in [
            ("a=1", DepOp::Eq, "1"),
            ("a>=1.2", DepOp::Ge, "1.2"),
            ("a<=1:2-3", DepOp::Le, "1:2-3"),
            ("a>1", DepOp::Gt, "1"),
            ("a<1", DepOp::Lt, "1"),
        ] {
            let d = dep(text);
            assert_eq!(d.name, "a", "{text}");
            let c = d.constraint.unwrap();
            assert_eq!((c.op, c.version.as_str()), (op, version), "{text}");
        }
        assert_eq!(dep("sh"), Depend::any("sh"));
        assert_eq!(dep("libfoo.so=1-64").name, "libfoo.so");
        assert_eq!(dep("libfoo.so=1-64").constraint.unwrap().version, "1-64");
    }

    #[test]
    fn parses_like_libalpm() {
        // A description after ": " is dropped (optdepends), the epoch's ':' is not one.
        assert_eq!(dep("python: for the scripts"), Depend::any("python"));
        assert_eq!(
            dep("foo=1:2.0: why").constraint.unwrap().version,
            "1:2.0".to_owned()
        );
        // '<' is looked for first, then '>', then '=': odd strings split the same way.
        let d = dep("a=1<2");
        assert_eq!(d.name, "a=1");
        assert_eq!(d.constraint.unwrap().op, DepOp::Lt);
        assert_eq!(dep("a>=b=c").constraint.unwrap().version, "b=c");
        assert_eq!(dep("a=>1").name, "a=");
    }

    #[test]
    fn refuses_what_makepkg_never_writes() {
        assert!(matches!(Depend::parse(""), Err(DependError::NoName(_))));
        assert!(matches!(Depend::parse(">=1"), Err(DependError::NoName(_))));
        assert!(matches!(
            Depend::parse("a>="),
            Err(DependError::NoVersion(_))
        ));
        assert!(matches!(
            Depend::parse("a b"),
            Err(DependError::BadCharacter(_))
        ));
        assert!(matches!(
            Depend::parse("a=1\n"),
            Err(DependError::BadCharacter(_))
        ));
        let long = "a".repeat(MAX_DEPEND_LEN + 1);
        assert!(matches!(Depend::parse(&long), Err(DependError::TooLong(_))));
        let message = DependError::BadCharacter("a\u{1b}[31m".into()).to_string();
        assert!(!message.contains('\u{1b}'), "{message}");
    }

    /// `pacman -T` prints a dependency when no installed package satisfies it; these are
    /// the answers for an installed `foo 1.2-3` (as pacman's test suite and vercmp(8)
    /// document the rules).
    #[test]
    fn literal_satisfaction_matches_pacman_t() {
        let installed = ("foo", "1.2-3");
        let met = [
            "foo",
            "foo=1.2",
            "foo=1.2-3",
            "foo>=1.2",
            "foo>=1.1",
            "foo>1.1",
            "foo<=1.2",
            "foo<1.3",
            "foo>=1.2-3",
            "foo>1.2-2",
            "foo<1.2-4",
        ];
        let unmet = [
            "foo=1.2-1",
            "foo>1.2",
            "foo<1.2",
            "foo>=1.3",
            "foo=1:1.2",
            "foo<=1.2-2",
            "bar",
            "fo",
            "foo<1.2-3",
            "foo>=1.2.1",
        ];
        for text in met {
            assert!(dep(text).satisfied_by(installed.0, installed.1), "{text}");
        }
        for text in unmet {
            assert!(!dep(text).satisfied_by(installed.0, installed.1), "{text}");
        }
    }

    #[test]
    fn a_constraint_without_pkgrel_ignores_the_candidates() {
        assert!(dep("foo=1.2").satisfied_by("foo", "1.2-7"));
        assert!(dep("foo<=1.2").satisfied_by("foo", "1.2-99"));
        assert!(!dep("foo<1.2").satisfied_by("foo", "1.2-1"));
        // A candidate without pkgrel against a constraint with one compares pkgver only.
        assert!(dep("foo=1.2-5").satisfied_by("foo", "1.2"));
        // The epoch always counts.
        assert!(dep("foo>=1.0").satisfied_by("foo", "1:0.1-1"));
        assert!(!dep("foo=1.2").satisfied_by("foo", "1:1.2-1"));
    }

    #[test]
    fn provides_follow_libalpm() {
        // A versioned provide meets versioned and unversioned dependencies.
        assert!(dep("foo>=1").satisfied_by_provide("foo=1.2"));
        assert!(dep("foo").satisfied_by_provide("foo=1.2"));
        assert!(!dep("foo>=2").satisfied_by_provide("foo=1.2"));
        assert!(dep("foo=1.2").satisfied_by_provide("foo=1.2-4"));
        // An unversioned provide meets only an unversioned dependency.
        assert!(dep("foo").satisfied_by_provide("foo"));
        assert!(!dep("foo>=1").satisfied_by_provide("foo"));
        // Only `=` provides carry a version.
        assert!(dep("foo").satisfied_by_provide("foo>=3"));
        assert!(!dep("foo>=1").satisfied_by_provide("foo>=3"));
        // Other names and unreadable provides meet nothing.
        assert!(!dep("foo").satisfied_by_provide("foobar=1"));
        assert!(!dep("foo").satisfied_by_provide(""));
    }

    #[test]
    fn packages_satisfy_by_name_or_provides() {
        let pkg = AurPackage {
            name: "foo-git".into(),
            version: "1.5.r3.gabc-1".into(),
            provides: vec!["foo=1.5".into(), "libfoo.so".into()],
            ..AurPackage::default()
        };
        assert!(dep("foo-git").satisfied_by_package(&pkg));
        assert!(dep("foo>=1.4").satisfied_by_package(&pkg));
        assert!(!dep("foo>=2").satisfied_by_package(&pkg));
        assert!(dep("libfoo.so").satisfied_by_package(&pkg));
        assert!(!dep("libfoo.so=1-64").satisfied_by_package(&pkg));
    }

    #[test]
    fn displays_escaped() {
        assert_eq!(dep("zlib>=1.3").to_string(), "zlib>=1.3");
        let odd = Depend::any("a\u{7}b");
        assert_eq!(odd.to_string(), "a\\u{7}b");
    }
}
