//! The key of a backend configuration in every table.

use omg_ports::BackendInfo;

/// `backend` as a JSON object: readable in a dump of the database, unambiguous (every field
/// is quoted and escaped) and independent of bitcode's format. A change of `BackendInfo`'s
/// fields changes the key, so state saved for the old shape is simply not found.
pub(crate) fn backend_key(backend: &BackendInfo) -> Result<String, serde_json::Error> {
    serde_json::to_string(backend)
}

#[cfg(test)]
mod tests {
    use super::*;
    use omg_ports::VersionScheme;

    fn alpm(config: Option<&str>) -> BackendInfo {
        BackendInfo {
            name: "alpm".into(),
            root: "/".into(),
            config: config.map(Into::into),
            version_scheme: VersionScheme::Alpm,
        }
    }

    #[test]
    fn is_readable_and_stable() -> Result<(), serde_json::Error> {
        assert_eq!(
            backend_key(&alpm(Some("/etc/pacman.conf")))?,
            r#"{"name":"alpm","root":"/","config":"/etc/pacman.conf","version_scheme":"alpm"}"#
        );
        Ok(())
    }

    #[test]
    fn tells_configurations_apart() -> Result<(), serde_json::Error> {
        assert_ne!(backend_key(&alpm(None))?, backend_key(&alpm(Some("")))?);
        let tricky = BackendInfo {
            name: "alpm\",\"root\":\"/".into(),
            root: String::new(),
            ..alpm(None)
        };
        assert_ne!(backend_key(&tricky)?, backend_key(&alpm(None))?);
        Ok(())
    }
}
