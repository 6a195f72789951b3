//! java: Adoptium's v3 API (available_releases, feature_releases with package checksums).

use omg_adapters_releases::JavaProvider;
use omg_ports::{ArchiveFormat, Error, RemoteVersion, RuntimeProvider};
use omg_testkit::runtimes::adoptium_release;
use serde_json::{json, Value};

use crate::common::Server;
use crate::support::*;

const QUERY: &str = "ga?architecture=x64&image_type=jdk&jvm_impl=hotspot&os=linux&page_size=20&sort_order=DESC&vendor=eclipse";

/// One entry of a feature_releases answer for linux x64, downloadable from `server`.
fn release(
    server: &Server,
    semver: &str,
    name: &str,
    package: &str,
    checksum: Value,
    ts: &str,
) -> Value {
    let tag = name.replace('+', "%2B");
    let link = server.url(&format!("/download/{tag}/{package}"));
    adoptium_release(semver, name, "linux", "x64", package, &link, checksum, ts)
}

/// Serves features 21 (two builds, the newest with the archive) and 22 (one build without
/// a checksum); 23 is listed but has no build for the platform (404).
fn serve() -> (Server, Vec<u8>) {
    let server = Server::start();
    let archive = tar_gz(&[
        (
            "jdk-21.0.5+11/bin/java",
            &script("openjdk version \"21.0.5\" 2024-10-15 LTS"),
            0o755,
        ),
        ("jdk-21.0.5+11/lib/modules", b"modules", 0o644),
        ("jdk-21.0.5+11/release", b"JAVA_VERSION=\"21.0.5\"\n", 0o644),
    ]);
    let pkg = "OpenJDK21U-jdk_x64_linux_hotspot_21.0.5_11.tar.gz";
    server.put(
        &format!("/download/jdk-21.0.5%2B11/{pkg}"),
        archive.clone(),
        None,
        None,
    );
    server.put(
        "/v3/info/available_releases",
        serde_json::to_vec(&json!({
            "available_lts_releases": [8, 11, 17, 21],
            "available_releases": [21, 22, 23],
            "most_recent_feature_release": 23,
            "most_recent_feature_version": 24,
            "most_recent_lts": 21,
            "tip_version": 24
        }))
        .unwrap(),
        None,
        None,
    );
    let f21 = json!([
        release(
            &server,
            "21.0.5+11.0.LTS",
            "jdk-21.0.5+11",
            pkg,
            json!(sha256(&archive)),
            "2024-10-16T10:11:09Z"
        ),
        release(
            &server,
            "21.0.4+7.0.LTS",
            "jdk-21.0.4+7",
            "OpenJDK21U-jdk_x64_linux_hotspot_21.0.4_7.tar.gz",
            json!("e".repeat(64)),
            "2024-07-17T09:00:00Z"
        ),
    ]);
    server.put(
        &format!("/v3/assets/feature_releases/21/{QUERY}"),
        serde_json::to_vec(&f21).unwrap(),
        None,
        None,
    );
    let f22 = json!([release(
        &server,
        "22.0.2+9",
        "jdk-22.0.2+9",
        "OpenJDK22U-jdk_x64_linux_hotspot_22.0.2_9.tar.gz",
        Value::Null,
        "2024-07-18T09:00:00Z"
    )]);
    server.put(
        &format!("/v3/assets/feature_releases/22/{QUERY}"),
        serde_json::to_vec(&f22).unwrap(),
        None,
        None,
    );
    (server, archive)
}

#[tokio::test]
async fn java_versions_from_the_feature_releases() {
    let (server, _) = serve();
    let versions = JavaProvider::new(fetcher(), server.base.clone())
        .remote_versions(&linux_x64())
        .await
        .unwrap();
    let got: Vec<(&str, Option<&str>)> = versions
        .iter()
        .map(|v| (v.version.as_str(), v.lts.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("22.0.2+9", None),
            ("21.0.5+11", Some("LTS")),
            ("21.0.4+7", Some("LTS"))
        ]
    );
    assert_eq!(versions[1].date.as_deref(), Some("2024-10-16"));
}

#[tokio::test]
async fn java_artifact_with_the_package_checksum() {
    let (server, archive) = serve();
    let a = JavaProvider::new(fetcher(), server.base.clone())
        .artifact("21.0.5+11", &linux_x64())
        .await
        .unwrap();
    let pkg = "OpenJDK21U-jdk_x64_linux_hotspot_21.0.5_11.tar.gz";
    assert_eq!(a.file_name, pkg);
    assert_eq!(
        a.url,
        server.url(&format!("/download/jdk-21.0.5%2B11/{pkg}"))
    );
    assert_eq!(a.sha256, sha256(&archive));
    assert_eq!(a.format, ArchiveFormat::TarGz);
    assert_eq!(
        a.checksum_source,
        server.url(&format!("/v3/assets/feature_releases/21/{QUERY}"))
    );
}

#[tokio::test]
async fn java_package_without_checksum_is_refused() {
    let (server, _) = serve();
    let err = JavaProvider::new(fetcher(), server.base.clone())
        .artifact("22.0.2+9", &linux_x64())
        .await
        .unwrap_err();
    let Error::MissingChecksum { file, .. } = err else {
        panic!("{err:?}")
    };
    assert_eq!(file, "OpenJDK22U-jdk_x64_linux_hotspot_22.0.2_9.tar.gz");
}

#[tokio::test]
async fn java_unknown_version_suggests_the_closest() {
    let (server, _) = serve();
    let p = JavaProvider::new(fetcher(), server.base.clone());
    let err = p.artifact("21.0.3+9", &linux_x64()).await.unwrap_err();
    let Error::UnknownVersion {
        runtime, closest, ..
    } = err
    else {
        panic!("{err:?}")
    };
    assert_eq!(runtime, "java");
    assert_eq!(closest, ["21.0.4+7", "21.0.5+11"]);
    // A feature Adoptium does not list at all.
    let err = p.artifact("19.0.2+7", &linux_x64()).await.unwrap_err();
    let Error::UnknownVersion { closest, .. } = err else {
        panic!("{err:?}")
    };
    assert_eq!(closest[0], "21.0.5+11");
}

#[tokio::test]
async fn java_installs_with_java_home_and_runs() {
    let (server, _) = serve();
    let dir = tempfile::tempdir().unwrap();
    let installed = installer(dir.path())
        .install(
            &JavaProvider::new(fetcher(), server.base.clone()),
            &RemoteVersion::new("21.0.5+11"),
            None,
        )
        .await
        .unwrap();
    let root = dir.path().join("runtimes/java/21.0.5+11");
    assert_eq!(installed.path, root);
    assert!(root.join("lib/modules").is_file());
    assert_eq!(installed.env(), [("JAVA_HOME".to_string(), root.clone())]);
    assert_eq!(
        run(&installed, "java"),
        "openjdk version \"21.0.5\" 2024-10-15 LTS\n"
    );
}
