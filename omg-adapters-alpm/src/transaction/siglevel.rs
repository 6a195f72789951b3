//! `SigLevel` words of `pacman.conf` as libalpm's [`SigLevel`], the way pacman's
//! `process_siglevel` reads them.
//!
//! A repository's words apply on top of the `[options]` level, which applies on top of
//! pacman's default (`Optional` for packages and databases). Applying the repository's words
//! to the resolved global level gives what pacman's `merge_siglevel` gives: each word only
//! touches the bits of its own kind (package or database, check or trust).

use std::path::Path;

use alpm::SigLevel;
use omg_ports::{Error, Result};

/// pacman's default: signatures optional for packages and databases.
pub(crate) const PACMAN_DEFAULT: SigLevel = SigLevel::PACKAGE
    .union(SigLevel::PACKAGE_OPTIONAL)
    .union(SigLevel::DATABASE)
    .union(SigLevel::DATABASE_OPTIONAL);

/// `base` changed by `words` (`Never`, `Optional`, `Required`, `TrustedOnly`, `TrustAll`, each
/// optionally prefixed with `Package` or `Database`).
pub(crate) fn apply(base: SigLevel, words: &[String], config: &Path) -> Result<SigLevel> {
    let mut level = base;
    for word in words {
        let (package, database, rest) = if let Some(rest) = word.strip_prefix("Package") {
            (true, false, rest)
        } else if let Some(rest) = word.strip_prefix("Database") {
            (false, true, rest)
        } else {
            (true, true, word.as_str())
        };
        let kinds = [
            (
                package,
                SigLevel::PACKAGE,
                SigLevel::PACKAGE_OPTIONAL,
                SigLevel::PACKAGE_MARGINAL_OK | SigLevel::PACKAGE_UNKNOWN_OK,
            ),
            (
                database,
                SigLevel::DATABASE,
                SigLevel::DATABASE_OPTIONAL,
                SigLevel::DATABASE_MARGINAL_OK | SigLevel::DATABASE_UNKNOWN_OK,
            ),
        ];
        for (on, check, optional, trust) in kinds {
            if !on {
                continue;
            }
            match rest {
                "Never" => level.remove(check),
                "Optional" => level.insert(check | optional),
                "Required" => {
                    level.insert(check);
                    level.remove(optional);
                }
                "TrustedOnly" => level.remove(trust),
                "TrustAll" => level.insert(trust),
                _ => {
                    return Err(Error::Config {
                        path: config.to_path_buf(),
                        reason: format!("SigLevel '{word}' is not a signature level pacman knows"),
                    })
                }
            }
        }
    }
    level.remove(SigLevel::USE_DEFAULT);
    Ok(level)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_string).collect()
    }

    fn level(text: &str) -> SigLevel {
        apply(PACMAN_DEFAULT, &words(text), Path::new("pacman.conf")).unwrap()
    }

    #[test]
    fn never_turns_every_check_off() {
        assert!(!level("Never").intersects(SigLevel::PACKAGE | SigLevel::DATABASE));
    }

    #[test]
    fn arch_default_requires_packages_and_makes_databases_optional() {
        let l = level("Required DatabaseOptional");
        assert!(l.contains(SigLevel::PACKAGE));
        assert!(!l.contains(SigLevel::PACKAGE_OPTIONAL));
        assert!(l.contains(SigLevel::DATABASE | SigLevel::DATABASE_OPTIONAL));
    }

    #[test]
    fn a_repository_refines_the_global_level() {
        let global = level("Required DatabaseOptional TrustAll");
        let repo = apply(global, &words("PackageTrustedOnly"), Path::new("c")).unwrap();
        assert!(!repo.contains(SigLevel::PACKAGE_UNKNOWN_OK));
        assert!(repo.contains(SigLevel::DATABASE_UNKNOWN_OK));
        assert!(repo.contains(SigLevel::PACKAGE));
    }

    #[test]
    fn unknown_words_are_configuration_errors() {
        let err = apply(
            PACMAN_DEFAULT,
            &words("Sometimes"),
            Path::new("/etc/pacman.conf"),
        );
        assert!(matches!(err, Err(Error::Config { reason, .. }) if reason.contains("Sometimes")));
    }
}
