//! Which package family a system belongs to, from the text of its `/etc/os-release`.

/// Where os-release(5) lives, relative to a system's root, in order of precedence: the first
/// that exists is the one to read (`etc/os-release`, else `usr/lib/os-release`).
pub const OS_RELEASE_FILES: [&str; 2] = ["etc/os-release", "usr/lib/os-release"];

/// A family of distributions sharing one package manager.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// Arch Linux and derivatives (pacman, libalpm).
    Arch,
    /// Debian, Ubuntu and derivatives (dpkg, apt).
    Debian,
}

/// The family named by an os-release file's `ID` or `ID_LIKE`, `None` when neither is known.
///
/// ```
/// use omg_domain::family::{family_from_os_release, Family};
/// let text = "NAME=\"Ubuntu\"\nID=ubuntu\nID_LIKE=debian\n";
/// assert_eq!(family_from_os_release(text), Some(Family::Debian));
/// ```
pub fn family_from_os_release(text: &str) -> Option<Family> {
    let value = |key: &str| {
        text.lines()
            .filter_map(|l| l.trim().strip_prefix(key)?.strip_prefix('='))
            .map(|v| v.trim().trim_matches(|c| c == '"' || c == '\''))
            .next_back()
            .map(str::to_ascii_lowercase)
    };
    let id = value("ID").unwrap_or_default();
    let like = value("ID_LIKE").unwrap_or_default();
    std::iter::once(id.as_str())
        .chain(like.split_whitespace())
        .find_map(family_of)
}

fn family_of(id: &str) -> Option<Family> {
    match id {
        "arch" | "archarm" | "manjaro" | "endeavouros" | "artix" | "cachyos" | "garuda" => {
            Some(Family::Arch)
        }
        "debian" | "ubuntu" | "linuxmint" | "pop" | "raspbian" | "kali" | "devuan" => {
            Some(Family::Debian)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distributions() {
        assert_eq!(family_from_os_release("ID=arch\n"), Some(Family::Arch));
        assert_eq!(
            family_from_os_release("ID=\"endeavouros\"\nID_LIKE=\"arch\"\n"),
            Some(Family::Arch)
        );
        assert_eq!(
            family_from_os_release("ID=debian\nVERSION_ID=\"12\"\n"),
            Some(Family::Debian)
        );
        assert_eq!(
            family_from_os_release("ID=neon\nID_LIKE=\"ubuntu debian\"\n"),
            Some(Family::Debian)
        );
        assert_eq!(family_from_os_release("ID=fedora\n"), None);
        // ID_LIKE= must not be read as ID.
        assert_eq!(
            family_from_os_release("ID_LIKE=arch\nID=foo\n"),
            Some(Family::Arch)
        );
    }
}
