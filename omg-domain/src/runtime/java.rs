//! java's versions as jenv, asdf-java and sdkman write them, with the vendor kept.

/// A java version as jenv, asdf-java and sdkman write it, with its vendor kept:
/// Eclipse Temurin's builds (the ones omg installs: `temurin-21.0.2`, jenv's
/// `temurin64-21.0.2`, sdkman's `21.0.2-tem`, generic OpenJDK names) become the bare
/// version, and asdf-java's build suffix goes as Adoptium names it
/// (`temurin-21.0.7+6.0.LTS` -> `21.0.7+6`); another vendor's stays `<vendor>-<version>`
/// with sdkman's short names spelled out (`21.0.2-amzn` -> `corretto-21.0.2`), so that it
/// can be refused by name ([`crate::runtime::VersionSpec::Vendor`]).
pub(super) fn java_version(text: &str) -> String {
    let t = text.trim();
    let (vendor, version) = match t.rsplit_once('-') {
        // sdkman: `21.0.2-tem`.
        Some((v, suffix))
            if v.starts_with(|c: char| c.is_ascii_digit())
                && !suffix.is_empty()
                && suffix.chars().all(|c| c.is_ascii_alphabetic()) =>
        {
            (Some(sdkman_vendor(suffix)), v)
        }
        _ => match t
            .char_indices()
            .find(|&(i, c)| c == '-' && t[i + 1..].starts_with(|d: char| d.is_ascii_digit()))
        {
            // asdf-java, jenv: `temurin-21.0.2`, `temurin64-21.0.2`, `openjdk64-17.0.1`.
            Some((dash, _)) if dash > 0 => {
                let i = dash + 1;
                let name = t[..dash].to_ascii_lowercase();
                let name = name
                    .strip_suffix("64")
                    .or_else(|| name.strip_suffix("32"))
                    .unwrap_or(&name)
                    .to_string();
                (Some(name), &t[i..])
            }
            _ => (None, t),
        },
    };
    // `21.0.7+6.0.LTS` -> `21.0.7+6` (Adoptium's name of the build).
    let version = match version.split_once('+') {
        Some((core, build)) => {
            let digits: String = build.chars().take_while(char::is_ascii_digit).collect();
            if digits.is_empty() {
                core.to_string()
            } else {
                format!("{core}+{digits}")
            }
        }
        None => version.to_string(),
    };
    match vendor {
        Some(v) if !TEMURIN_NAMES.contains(&v.as_str()) => format!("{v}-{version}"),
        _ => version,
    }
}

/// Names of the builds omg installs (Eclipse Temurin, formerly AdoptOpenJDK's HotSpot
/// builds) and generic OpenJDK names, in jenv, asdf-java and sdkman.
const TEMURIN_NAMES: &[&str] = &[
    "temurin",
    "tem",
    "adoptium",
    "adoptopenjdk",
    "openjdk",
    "open",
];

/// sdkman's vendor suffixes spelled out as asdf-java names the vendors.
fn sdkman_vendor(suffix: &str) -> String {
    let lower = suffix.to_ascii_lowercase();
    match lower.as_str() {
        "amzn" => "corretto",
        "ms" => "microsoft",
        "graal" | "graalce" => "graalvm",
        "librca" | "nik" => "liberica",
        "sapmchn" => "sapmachine",
        "sem" => "semeru",
        "albba" => "dragonwell",
        "jbr" => "jetbrains",
        other => other,
    }
    .to_string()
}

/// JDK vendors other than Eclipse Temurin, as asdf-java names them: a spec
/// `<vendor>-<version>` with one of these is [`crate::runtime::VersionSpec::Vendor`].
pub const FOREIGN_JAVA_VENDORS: &[&str] = &[
    "zulu",
    "corretto",
    "microsoft",
    "oracle",
    "graalvm",
    "liberica",
    "sapmachine",
    "semeru",
    "dragonwell",
    "kona",
    "mandrel",
    "jetbrains",
    "trava",
    "bisheng",
];
