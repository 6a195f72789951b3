//! The streaming reader against libalpm itself, on the same files.

use std::path::Path;

use alpm::{Alpm, SigLevel};

use super::format::Format;
use super::reader;
use super::Limits;
use crate::health::LogCapture;
use omg_testkit::alpm::{sync_entries, DbCompression, FixturePackage, FixtureRoot};

/// (name, version, description, architecture) of every package, in list order.
type Rows = Vec<(String, String, String, String)>;

/// Archive files: (path, contents).
type Files = Vec<(String, Vec<u8>)>;

const COMPRESSIONS: [DbCompression; 4] = [
    DbCompression::Gzip,
    DbCompression::Zstd,
    DbCompression::Xz,
    DbCompression::None,
];

/// What libalpm reads from `repo`'s database in `root`, and the errors it logs.
fn libalpm(root: &FixtureRoot, repo: &str) -> (Rows, Vec<String>) {
    let root_dir = root.root().display().to_string();
    let dbpath = root.dbpath().display().to_string();
    let alpm = Alpm::new(root_dir, dbpath).unwrap();
    let log = LogCapture::install(&alpm);
    let db = alpm.register_syncdb(repo, SigLevel::NONE).unwrap();
    log.start();
    let rows = db
        .pkgs()
        .iter()
        .map(|p| {
            (
                p.name().to_string(),
                p.version().as_str().to_string(),
                p.desc().unwrap_or_default().to_string(),
                p.arch().unwrap_or_default().to_string(),
            )
        })
        .collect();
    (rows, log.finish())
}

/// What the streaming reader reads from `path`, and the errors it reports.
fn streamed(path: &Path, repo: &str) -> (Rows, Vec<String>) {
    let bytes = std::fs::read(path).unwrap();
    let format = Format::detect(&bytes).expect("a format the reader handles");
    let (index, errors) = reader::read(
        format,
        bytes.as_slice(),
        path,
        repo,
        bytes.len() as u64,
        Limits::DEFAULT,
    )
    .expect("within the limits");
    let rows = index
        .iter()
        .map(|e| {
            (
                e.name.to_string(),
                e.version.to_string(),
                e.description.to_string(),
                e.architecture.to_string(),
            )
        })
        .collect();
    (rows, errors)
}

fn desc_file(name: &str, version: &str, body: &str) -> (String, Vec<u8>) {
    (
        format!("{name}-{version}/desc"),
        format!("%NAME%\n{name}\n\n%VERSION%\n{version}\n\n{body}").into_bytes(),
    )
}

/// A few hundred packages with the shapes real databases have, in an archive order that is
/// not name order.
fn varied_entries() -> Files {
    let mut packages: Vec<FixturePackage> = (0..300)
        .map(|i| {
            let version = match i % 4 {
                0 => format!("{}:{}.{}-{}", i % 3 + 1, i, i % 7, i % 2 + 1),
                1 => format!("{i}.0+r{}.g1a2b3c-1", i * 7),
                2 => format!("0.{i}_beta~{}-2.1", i % 5),
                _ => format!("{i}-1"),
            };
            let name = match i % 5 {
                0 => format!("lib{i}-python-foo"),
                1 => format!("Pkg+{i}.x@y_z"),
                2 => format!("p{i}"),
                3 => format!("zz-{i}-git"),
                _ => format!("a{i}"),
            };
            FixturePackage::new(name, version)
                .desc(format!("Package {i}: ünïcödé, 日本語, \"quotes\" & <tags>"))
                .arch(if i % 3 == 0 { "any" } else { "x86_64" })
                .depends(["glibc", "zlib>=1.2"])
                .optdepends(["python: for scripts"])
        })
        .collect();
    packages.reverse();
    let mut entries = sync_entries(&packages);
    for (i, p) in packages.iter().enumerate().step_by(7) {
        entries.insert(
            i + 1,
            (
                format!("{}/files", p.entry_name()),
                b"%FILES%\nusr/\nusr/bin/\nusr/bin/tool\n\n".to_vec(),
            ),
        );
    }
    entries.extend([
        desc_file(
            "multi",
            "1.0-1",
            "%DESC%\nfirst line\nsecond line\n\n%ARCH%\nany\n\n",
        ),
        desc_file("no-desc", "1.0-1", "%ARCH%\nx86_64\n\n"),
        desc_file("empty-desc", "1.0-1", "%DESC%\n\n%ARCH%\nany\n\n"),
        desc_file("no-arch", "2.0-1", "%DESC%\nno architecture\n\n"),
        desc_file(
            "newer-format",
            "1.0-1",
            "%DESC%\nhas new keys\n\n%NEWKEY%\nx\ny\n\n%ARCH%\nany\n\n%DATA%\nk=v\n\n",
        ),
        (
            "no-name-1:1.0-1/desc".into(),
            b"%VERSION%\n1:1.0-1\n\n%DESC%\nno %NAME% key\n\n".to_vec(),
        ),
        ("only-files-1-1/files".into(), b"%FILES%\nusr/\n\n".to_vec()),
        (
            "old-format-1.0-1/depends".into(),
            b"%DEPENDS%\nglibc\n\n%PROVIDES%\nold\n\n".to_vec(),
        ),
        desc_file("old-format", "1.0-1", "%DESC%\ndesc and depends files\n\n"),
        desc_file(
            "trailing-no-newline",
            "1-1",
            "%DESC%\nends without a newline",
        ),
        (
            "dos-1-1/desc".into(),
            b"%NAME%\ndos\n\n%DESC%\ncarriage\r\n\n".to_vec(),
        ),
    ]);
    entries
}

#[test]
fn entries_equal_libalpms_in_every_compression() {
    let entries = varied_entries();
    for compression in COMPRESSIONS {
        let dir = tempfile::tempdir().unwrap();
        let mut root = FixtureRoot::create(dir.path()).unwrap();
        let path = root
            .add_raw_sync_db_as("core", &entries, compression)
            .unwrap();
        let (want, alpm_errors) = libalpm(&root, "core");
        assert!(alpm_errors.is_empty(), "{compression:?}: {alpm_errors:?}");
        assert_eq!(want.len(), 310, "{compression:?}");
        let (got, errors) = streamed(&path, "core");
        assert!(errors.is_empty(), "{compression:?}: {errors:?}");
        assert_eq!(got, want, "{compression:?}");
    }
}

#[test]
fn the_multi_line_and_missing_fields_read_like_libalpm() {
    let dir = tempfile::tempdir().unwrap();
    let mut root = FixtureRoot::create(dir.path()).unwrap();
    let path = root.add_raw_sync_db("core", &varied_entries()).unwrap();
    let (got, _) = streamed(&path, "core");
    let find = |name: &str| got.iter().find(|r| r.0 == name).cloned().unwrap();
    let row = |n: &str, v: &str, d: &str, a: &str| (n.into(), v.into(), d.into(), a.into());
    assert_eq!(find("multi"), row("multi", "1.0-1", "first line", "any"));
    assert_eq!(find("no-desc"), row("no-desc", "1.0-1", "", "x86_64"));
    assert_eq!(
        find("no-arch"),
        row("no-arch", "2.0-1", "no architecture", "")
    );
    assert_eq!(
        find("no-name"),
        row("no-name", "1:1.0-1", "no %NAME% key", "")
    );
    assert_eq!(find("only-files"), row("only-files", "1-1", "", ""));
    assert_eq!(find("old-format").2, "desc and depends files");
    assert_eq!(find("dos").2, "carriage\r");
}

/// Damaged databases: the reader reports exactly what libalpm logs.
#[test]
fn damage_is_reported_with_libalpms_messages() {
    let cases: Vec<(&str, Files)> = vec![
        (
            "invalid entry name",
            vec![
                desc_file("alpha", "1.0-1", ""),
                ("garbage/desc".into(), b"%DESC%\nx\n\n".to_vec()),
            ],
        ),
        (
            "name mismatch",
            vec![(
                "beta-1.0-1/desc".into(),
                b"%NAME%\ngamma\n\n%VERSION%\n1.0-1\n\n".to_vec(),
            )],
        ),
        (
            "version mismatch",
            vec![("beta-1.0-1/desc".into(), b"%VERSION%\n2.0-1\n\n".to_vec())],
        ),
        (
            "bad metadata",
            vec![
                (".hidden-1.0-1/desc".into(), b"%DESC%\nx\n\n".to_vec()),
                ("ok-1.0-1/desc".into(), b"%DESC%\nx\n\n".to_vec()),
            ],
        ),
        (
            "illegal filename",
            vec![(
                "beta-1.0-1/desc".into(),
                b"%FILENAME%\n../../etc/passwd\n\n".to_vec(),
            )],
        ),
        (
            "unclosed list",
            vec![("beta-1.0-1/desc".into(), b"%DEPENDS%\nglibc".to_vec())],
        ),
        (
            "missing value",
            vec![("beta-1.0-1/desc".into(), b"%NAME%\nbeta\n\n%ARCH%".to_vec())],
        ),
        (
            "bad data line",
            vec![("beta-1.0-1/desc".into(), b"%DATA%\nnot a pair\n\n".to_vec())],
        ),
    ];
    for (what, entries) in cases {
        let dir = tempfile::tempdir().unwrap();
        let mut root = FixtureRoot::create(dir.path()).unwrap();
        let path = root.add_raw_sync_db("extra", &entries).unwrap();
        let (_, want) = libalpm(&root, "extra");
        let (_, got) = streamed(&path, "extra");
        assert!(!want.is_empty(), "{what}: libalpm found nothing wrong");
        assert_eq!(got, want, "{what}");
    }
}

#[test]
fn truncated_and_foreign_archives_are_errors_for_both() {
    let packages: Vec<_> = (0..200)
        .map(|i| FixturePackage::new(format!("pkg-{i}"), "1.0-1"))
        .collect();
    for compression in COMPRESSIONS {
        let dir = tempfile::tempdir().unwrap();
        let mut root = FixtureRoot::create(dir.path()).unwrap();
        let path = root
            .add_raw_sync_db_as("core", &sync_entries(&packages), compression)
            .unwrap();
        let bytes = std::fs::read(&path).unwrap();
        // Off a block boundary: a plain tar cut between entries is a shorter, sound archive.
        std::fs::write(&path, &bytes[..bytes.len() / 2 + 100]).unwrap();
        let (_, want) = libalpm(&root, "core");
        let (_, got) = streamed(&path, "core");
        if compression == DbCompression::Xz {
            // libarchive: "Lzma library error: No progress is possible".
            assert_eq!(want.len(), 1);
            assert_eq!(got, ["could not read db 'core' (truncated xz input)"]);
        } else {
            assert_eq!(got, want, "{compression:?}");
        }
    }

    let dir = tempfile::tempdir().unwrap();
    let mut root = FixtureRoot::create(dir.path()).unwrap();
    let path = root.add_sync_db("core", &packages).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, &[b'x'; 4096]).unwrap();
    std::fs::write(&path, gz.finish().unwrap()).unwrap();
    let (_, want) = libalpm(&root, "core");
    let (_, got) = streamed(&path, "core");
    assert_eq!(
        got,
        [format!(
            "could not open file {}: Unrecognized archive format",
            path.display()
        )]
    );
    assert_eq!(got, want);
}

#[test]
fn an_entry_with_text_that_is_not_utf8_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut root = FixtureRoot::create(dir.path()).unwrap();
    let path = root
        .add_raw_sync_db(
            "core",
            &[
                desc_file("alpha", "1-1", "%DESC%\nfine\n\n"),
                ("beta-1-1/desc".into(), b"%DESC%\ncaf\xe9\n\n".to_vec()),
            ],
        )
        .unwrap();
    let (_, errors) = streamed(&path, "core");
    assert_eq!(
        errors,
        ["entry 'beta-1-1/desc' holds text that is not valid UTF-8"]
    );
}

/// What the reader makes of `bytes` within `limits`.
fn read_within(bytes: &[u8], limits: Limits) -> Result<(usize, Vec<String>), super::Exceeded> {
    super::read_bytes(bytes, "core", limits)
        .expect("a format the reader handles")
        .map(|(index, errors)| (index.len(), errors))
}

fn packages(n: usize) -> Vec<FixturePackage> {
    (0..n)
        .map(|i| FixturePackage::new(format!("pkg-{i:03}"), "1.0-1").desc("a package"))
        .collect()
}

fn archive(entries: &Files, compression: DbCompression) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let mut root = FixtureRoot::create(dir.path()).unwrap();
    let path = root
        .add_raw_sync_db_as("core", entries, compression)
        .unwrap();
    std::fs::read(path).unwrap()
}

#[test]
fn packages_and_text_past_their_limits_stop_the_read() {
    let bytes = archive(&sync_entries(&packages(10)), DbCompression::Gzip);
    let exactly = Limits {
        packages: 10,
        ..Limits::DEFAULT
    };
    assert_eq!(read_within(&bytes, exactly).unwrap().0, 10);
    let fewer = Limits {
        packages: 9,
        ..Limits::DEFAULT
    };
    assert_eq!(
        read_within(&bytes, fewer).unwrap_err(),
        super::Exceeded::Packages { limit: 9 }
    );
    let little_text = Limits {
        text: 100,
        ..Limits::DEFAULT
    };
    assert_eq!(
        read_within(&bytes, little_text).unwrap_err(),
        super::Exceeded::Text { limit: 100 }
    );
}

#[test]
fn a_desc_past_the_entry_limit_is_refused_with_its_path() {
    let big = format!("%DESC%\n{}\n\n", "d".repeat(5000));
    let entries = vec![desc_file("big", "1-1", &big)];
    let bytes = archive(&entries, DbCompression::Zstd);
    let limits = Limits {
        entry: 4096,
        ..Limits::DEFAULT
    };
    let e = read_within(&bytes, limits).unwrap_err();
    assert!(
        matches!(&e, super::Exceeded::Entry { path, limit: 4096, .. } if path == "big-1-1/desc"),
        "{e:?}"
    );
    assert!(e.to_string().contains("'big-1-1/desc'"), "{e}");
}

/// Streams needing a larger zstd window or more xz memory than allowed are refused as such,
/// not as damage.
#[test]
fn decoders_needing_too_much_memory_are_refused() {
    let tar = archive(&sync_entries(&packages(50)), DbCompression::None);
    // zstd level 3 without a known size declares a 2 MiB window (2^21).
    let zst = zstd::encode_all(tar.as_slice(), 3).unwrap();
    let narrow = Limits {
        zstd_window_log: 20,
        ..Limits::DEFAULT
    };
    assert_eq!(
        read_within(&zst, narrow).unwrap_err(),
        super::Exceeded::DecoderMemory {
            format: "zstd",
            limit: 1 << 20
        }
    );
    assert_eq!(read_within(&zst, Limits::DEFAULT).unwrap().0, 50);
    // xz -6 needs about 9 MiB to decode.
    let xz = omg_testkit::alpm::compress(&tar, DbCompression::Xz).unwrap();
    let small = Limits {
        xz_memory: 1 << 20,
        ..Limits::DEFAULT
    };
    assert_eq!(
        read_within(&xz, small).unwrap_err(),
        super::Exceeded::DecoderMemory {
            format: "xz",
            limit: 1 << 20
        }
    );
    assert_eq!(read_within(&xz, Limits::DEFAULT).unwrap().0, 50);
}

/// A database with an error in every entry is corrupt after the first few dozen: the rest is
/// not read, and the messages kept stay few.
#[test]
fn errors_are_counted_up_to_a_bound() {
    let entries: Files = (0..500)
        .map(|i| (format!("garbage{i}/desc"), b"%DESC%\nx\n\n".to_vec()))
        .collect();
    let bytes = archive(&entries, DbCompression::Gzip);
    let (_, errors) = read_within(&bytes, Limits::DEFAULT).unwrap();
    assert!(errors.len() <= 70, "{}", errors.len());
    assert_eq!(
        errors.last().map(String::as_str),
        Some("more than 64 errors: the rest of the database was not read")
    );
}

#[test]
fn past_the_floor_an_archive_may_unpack_to_a_multiple_of_its_size() {
    // Ten packages: about 16 KiB unpacked from well under 1 KiB of gzip.
    let bytes = archive(&sync_entries(&packages(10)), DbCompression::Gzip);
    let ratio = |ratio, ratio_floor| Limits {
        ratio,
        ratio_floor,
        ..Limits::DEFAULT
    };
    assert_eq!(read_within(&bytes, ratio(64, 0)).unwrap().0, 10);
    assert_eq!(
        read_within(&bytes, ratio(4, 0)).unwrap_err(),
        super::Exceeded::Ratio {
            size: bytes.len() as u64,
            ratio: 4
        }
    );
    assert_eq!(read_within(&bytes, ratio(4, 1 << 20)).unwrap().0, 10);
    let capped = Limits {
        unpacked: 4096,
        ..ratio(4, 1 << 20)
    };
    assert_eq!(
        read_within(&bytes, capped).unwrap_err(),
        super::Exceeded::Unpacked { limit: 4096 }
    );
}
