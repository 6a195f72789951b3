//! The AUR's metadata dump (`packages-meta-ext-v1.json.gz`): a gzip-compressed JSON array
//! of package records, decoded and parsed as a stream, one record at a time, the
//! decompressed text never held whole.

use std::fmt;
use std::io::{self, BufReader, Read};

use flate2::read::GzDecoder;
use omg_ports::{AurPackage, Result};
use serde::de::{Deserializer, SeqAccess, Visitor};

use crate::limits::DumpLimits;
use crate::rpc::{collect_bounded_map, malformed, Record};

/// The feed name dump errors carry.
pub(crate) const DUMP_FEED: &str = "AUR metadata dump";

/// The packages of a gzip-compressed metadata dump read from `gz` (fetched from `url`),
/// within [`DUMP_MAX_UNPACKED`](crate::limits::DUMP_MAX_UNPACKED) decompressed bytes and
/// [`DUMP_MAX_RECORDS`](crate::limits::DUMP_MAX_RECORDS) records.
///
/// # Errors
///
/// [`omg_ports::Error::AurAnswer`] naming `url` when `gz` is not gzip, is cut short
/// (truncated in the middle of the compressed stream or of its trailer), unpacks past the
/// bound, holds more records than the bound, or is not a JSON array of records as the RPC
/// writes them (string and list bounds included).
pub fn parse_dump(url: &str, gz: impl Read) -> Result<Vec<AurPackage>> {
    parse_dump_within(url, gz, DumpLimits::DEFAULT, |p| p)
}

/// [`parse_dump`], each record turned by `map` as it is read: a daemon that keeps a part
/// of each record never holds all of them whole.
///
/// # Errors
///
/// As [`parse_dump`].
pub fn parse_dump_map<T>(
    url: &str,
    gz: impl Read,
    map: impl FnMut(AurPackage) -> T,
) -> Result<Vec<T>> {
    parse_dump_within(url, gz, DumpLimits::DEFAULT, map)
}

/// [`parse_dump_map`] within `limits`.
pub(crate) fn parse_dump_within<T>(
    url: &str,
    gz: impl Read,
    limits: DumpLimits,
    map: impl FnMut(AurPackage) -> T,
) -> Result<Vec<T>> {
    let mut capped = Capped {
        inner: GzDecoder::new(gz),
        left: limits.unpacked,
        exceeded: false,
    };
    let parsed = {
        let mut de =
            serde_json::Deserializer::from_reader(BufReader::with_capacity(64 << 10, &mut capped));
        de.deserialize_seq(Records {
            max: limits.records,
            map,
        })
        // Reads to the end: trailing text, or a gzip trailer cut short, is an error.
        .and_then(|records| de.end().map(|()| records))
    };
    match parsed {
        Ok(records) => {
            tracing::debug!(records = records.len(), %url, "parsed the AUR metadata dump");
            Ok(records)
        }
        Err(_) if capped.exceeded => Err(malformed(
            url,
            format!(
                "it unpacks to more than {} bytes, the limit; refused",
                limits.unpacked
            ),
        )),
        Err(e) => Err(malformed(url, e)),
    }
}

/// The top-level array, visited element by element.
struct Records<F> {
    max: usize,
    map: F,
}

impl<'de, T, F: FnMut(AurPackage) -> T> Visitor<'de> for Records<F> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a JSON array of at most {} package records", self.max)
    }

    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        collect_bounded_map::<Record, A, T>(&mut seq, self.max, self.map)
    }
}

/// A reader that fails (rather than ends) once more than `left` bytes came through.
struct Capped<R> {
    inner: R,
    left: u64,
    exceeded: bool,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.left == 0 {
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => {
                    self.exceeded = true;
                    Err(io::Error::other(
                        "the decompressed dump passes its size limit",
                    ))
                }
            };
        }
        let want = usize::try_from(self.left).map_or(buf.len(), |left| left.min(buf.len()));
        let n = self.inner.read(&mut buf[..want])?;
        self.left -= n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::write::GzEncoder;
    use flate2::Compression;

    use super::*;

    pub(crate) fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn rec(i: usize) -> String {
        format!(
            r#"{{"ID":{i},"Name":"pkg{i}","PackageBaseID":{i},"PackageBase":"base{i}","Version":"1.{i}-1","Description":"number {i}","URL":null,"URLPath":"/cgit/aur.git/snapshot/pkg{i}.tar.gz","Maintainer":"m","NumVotes":{i},"Popularity":0.5,"OutOfDate":null,"FirstSubmitted":1,"LastModified":2,"Submitter":"s","License":["MIT"],"Keywords":[],"Depends":["glibc"],"CoMaintainers":["x"]}}"#
        )
    }

    fn dump_text(n: usize) -> String {
        let records: Vec<String> = (0..n).map(rec).collect();
        format!("[\n{}\n]\n", records.join(",\n"))
    }

    #[test]
    fn parses_a_dump() {
        let gz = gzip(dump_text(3).as_bytes());
        let pkgs = parse_dump("u", gz.as_slice()).unwrap();
        assert_eq!(pkgs.len(), 3);
        assert_eq!(pkgs[2].name, "pkg2");
        assert_eq!(pkgs[2].package_base, "base2");
        assert_eq!(pkgs[2].depends, ["glibc"]);
        assert_eq!(pkgs[2].co_maintainers, ["x"]);
        assert_eq!(pkgs[2].submitter.as_deref(), Some("s"));
        assert!(parse_dump("u", gzip(b"[]").as_slice()).unwrap().is_empty());
    }

    #[test]
    fn truncated_gzip_is_malformed_wherever_it_is_cut() {
        let gz = gzip(dump_text(50).as_bytes());
        // In the deflate stream, in the 8-byte trailer, and in the header.
        for cut in [gz.len() / 2, gz.len() - 1, gz.len() - 5, 5, 0] {
            let e = parse_dump("https://aur/dump.gz", &gz[..cut]).unwrap_err();
            assert!(
                matches!(e, omg_ports::Error::AurAnswer { .. }),
                "{cut}: {e}"
            );
            assert!(e.to_string().contains("https://aur/dump.gz"), "{e}");
        }
    }

    #[test]
    fn not_gzip_or_not_an_array_is_malformed() {
        for gz in [
            b"[]".to_vec(),
            gzip(b"{}"),
            gzip(b"[1, 2]"),
            gzip(b"[] trailing"),
            gzip(b"<html></html>"),
        ] {
            let e = parse_dump("u", gz.as_slice()).unwrap_err();
            assert!(matches!(e, omg_ports::Error::AurAnswer { .. }), "{e}");
        }
    }

    #[test]
    fn the_bounds_refuse() {
        let text = dump_text(20);
        let gz = gzip(text.as_bytes());
        let exact = DumpLimits {
            unpacked: text.len() as u64,
            records: 20,
        };
        assert_eq!(
            parse_dump_within("u", gz.as_slice(), exact, |p| p)
                .unwrap()
                .len(),
            20
        );
        let small = DumpLimits {
            unpacked: text.len() as u64 - 1,
            records: 20,
        };
        let e = parse_dump_within("u", gz.as_slice(), small, |p| p)
            .unwrap_err()
            .to_string();
        assert!(e.contains("unpacks to more than"), "{e}");
        let few = DumpLimits {
            unpacked: u64::MAX,
            records: 19,
        };
        let e = parse_dump_within("u", gz.as_slice(), few, |p| p)
            .unwrap_err()
            .to_string();
        assert!(e.contains("more than 19 package records"), "{e}");
    }

    #[test]
    fn a_bomb_stops_at_the_bound() {
        // 64 MiB of spaces before the array: tiny compressed, refused at a 1 MiB bound.
        let mut e = GzEncoder::new(Vec::new(), Compression::best());
        let spaces = vec![b' '; 1 << 20];
        for _ in 0..64 {
            e.write_all(&spaces).unwrap();
        }
        e.write_all(b"[]").unwrap();
        let gz = e.finish().unwrap();
        let limits = DumpLimits {
            unpacked: 1 << 20,
            records: 10,
        };
        let e = parse_dump_within("u", gz.as_slice(), limits, |p| p)
            .unwrap_err()
            .to_string();
        assert!(e.contains("unpacks to more than 1048576 bytes"), "{e}");
    }
}
