//! Sizes as people read them.

use std::fmt;

/// A byte count that displays in binary units with two decimals, as pacman prints sizes:
/// `512 B`, `1.50 KiB`, `4.00 MiB`, `5.00 GiB`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Bytes(pub u64);

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
        let mut value = self.0 as f64;
        let mut unit = 0;
        while value >= 1024.0 && unit + 1 < UNITS.len() {
            value /= 1024.0;
            unit += 1;
        }
        if unit == 0 {
            write!(f, "{} B", self.0)
        } else {
            write!(f, "{value:.2} {}", UNITS[unit])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_units_with_two_decimals() {
        assert_eq!(Bytes(0).to_string(), "0 B");
        assert_eq!(Bytes(1023).to_string(), "1023 B");
        assert_eq!(Bytes(1536).to_string(), "1.50 KiB");
        assert_eq!(Bytes(15058).to_string(), "14.71 KiB");
        assert_eq!(Bytes(5 * 1024 * 1024 * 1024).to_string(), "5.00 GiB");
    }

    #[test]
    fn the_disk_space_error_says_sizes_in_units() {
        let e = crate::Error::DiskSpace {
            mount: "/var".into(),
            needed: 15058,
            available: 1024,
        };
        assert_eq!(
            e.to_string(),
            "not enough free space on /var: 14.71 KiB needed, 1.00 KiB available"
        );
    }
}
