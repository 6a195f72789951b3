//! Trigram postings over a [`Column`]: for every three-byte sequence, the entries that contain
//! it. A query of three bytes or more can only occur in the entries holding all of its
//! trigrams, so intersecting a few posting lists replaces a scan of the whole column.
//!
//! Bytes are folded into 64 codes before forming a trigram: ASCII letters, digits and 27
//! common punctuation characters each get their own code, every other byte shares one. A
//! trigram made only of own-code bytes is therefore exact; one with a shared code may stand
//! for several byte sequences, so its list is a superset that callers verify.
//!
//! Each list is a sequence of LEB128 varints (the first entry, then the gaps), all lists end
//! to end in one buffer: about 1.5 bytes per posting.

use super::column::Column;

/// Posting lists of one column.
#[derive(Debug, Clone, Default)]
pub(crate) struct Trigrams {
    /// The keys that have a list, ascending (about 20,000 of the 262,144 possible for the
    /// host's packages).
    keys: Vec<u32>,
    /// The list of `keys[i]` is `postings[offsets[i]..offsets[i + 1]]`.
    offsets: Vec<u32>,
    postings: Vec<u8>,
}

/// The entries that may contain a query.
#[derive(Debug, Default)]
pub(crate) struct Candidates {
    /// Entry positions, ascending.
    pub(crate) entries: Vec<u32>,
    /// True when every candidate is known to contain the query (no verification needed).
    pub(crate) exact: bool,
}

const KEYS: usize = 1 << 18;
/// The code of bytes without their own.
const SHARED: u8 = 63;
const PUNCTUATION: &[u8; 27] = b" -._+,()/:'\"!?&=*;[]<>#@%$~";

/// The 6-bit code of every byte.
const CODES: [u8; 256] = {
    let mut codes = [SHARED; 256];
    let mut i = 0;
    while i < 26 {
        codes[b'a' as usize + i] = i as u8;
        i += 1;
    }
    i = 0;
    while i < 10 {
        codes[b'0' as usize + i] = 26 + i as u8;
        i += 1;
    }
    i = 0;
    while i < PUNCTUATION.len() {
        codes[PUNCTUATION[i] as usize] = 36 + i as u8;
        i += 1;
    }
    codes
};

fn key(w: &[u8]) -> usize {
    w.iter().fold(0usize, |k, &b| {
        (k << 6) | usize::from(CODES[usize::from(b)])
    })
}

/// Each distinct trigram key of entry `i` (its bytes `entry`), through `f` with the key's
/// slot: `[entry that last had the key (u32::MAX: none), running value]`. Both halves
/// side by side, so that a key costs one cache line however large the table.
fn for_each_key(entry: &[u8], slots: &mut [[u32; 2]], i: u32, mut f: impl FnMut(&mut u32, u32)) {
    let mut k = 0usize;
    for (n, &b) in entry.iter().enumerate() {
        k = ((k << 6) | usize::from(CODES[usize::from(b)])) & (KEYS - 1);
        if n < 2 {
            continue;
        }
        if let Some([last, value]) = slots.get_mut(k) {
            if *last != i {
                let prev = *last;
                *last = i;
                f(value, prev);
            }
        }
    }
}

/// The gap stored for entry `i` after entry `prev` (`u32::MAX`: none before).
fn gap(i: u32, prev: u32) -> u32 {
    if prev == u32::MAX {
        i
    } else {
        i - prev
    }
}

fn varint_len(mut v: u32) -> u32 {
    let mut n = 1;
    while v >= 0x80 {
        v >>= 7;
        n += 1;
    }
    n
}

fn write_varint(out: &mut [u8], mut at: usize, mut v: u32) -> usize {
    while v >= 0x80 {
        out[at] = (v as u8) | 0x80;
        v >>= 7;
        at += 1;
    }
    out[at] = v as u8;
    at + 1
}

/// The entries of one posting list, ascending.
struct Postings<'a> {
    bytes: &'a [u8],
    pos: usize,
    value: Option<u32>,
}

impl Iterator for Postings<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        let mut v = 0u32;
        let mut shift = 0;
        loop {
            let b = *self.bytes.get(self.pos)?;
            self.pos += 1;
            v |= u32::from(b & 0x7f) << shift;
            if b < 0x80 {
                break;
            }
            shift += 7;
        }
        let value = self.value.map_or(v, |p| p + v);
        self.value = Some(value);
        Some(value)
    }
}

impl Trigrams {
    /// Posting lists for every entry of `column`: one pass to size the lists, one to fill.
    pub(crate) fn new(column: &Column) -> Self {
        let entries = u32::try_from(column.len()).unwrap_or(u32::MAX);
        // First pass: the byte length of every list.
        let mut slots = vec![[u32::MAX, 0]; KEYS];
        for i in 0..entries {
            let entry = column.get(i as usize).as_bytes();
            for_each_key(entry, &mut slots, i, |len, prev| {
                *len += varint_len(gap(i, prev));
            });
        }
        let mut keys = Vec::new();
        let mut offsets = vec![0u32];
        let mut total = 0u32;
        for (k, slot) in slots.iter_mut().enumerate() {
            let len = slot[1];
            // Second pass writes list `k` from its start.
            *slot = [u32::MAX, total];
            if len > 0 {
                total += len;
                keys.push(k as u32);
                offsets.push(total);
            }
        }
        let mut postings = vec![0u8; total as usize];
        for i in 0..entries {
            let entry = column.get(i as usize).as_bytes();
            for_each_key(entry, &mut slots, i, |at, prev| {
                *at = write_varint(&mut postings, *at as usize, gap(i, prev)) as u32;
            });
        }
        Self {
            keys,
            offsets,
            postings,
        }
    }

    fn list(&self, k: usize) -> &[u8] {
        let Ok(i) = self.keys.binary_search(&(k as u32)) else {
            return &[];
        };
        let start = self.offsets.get(i).copied().unwrap_or(0) as usize;
        let end = self.offsets.get(i + 1).copied().unwrap_or(0) as usize;
        self.postings.get(start..end).unwrap_or(&[])
    }

    /// The entries that may contain `needle`, or `None` when it is shorter than three bytes.
    pub(crate) fn candidates(&self, needle: &[u8]) -> Option<Candidates> {
        if needle.len() < 3 {
            return None;
        }
        let mut lists: Vec<&[u8]> = needle.windows(3).map(|w| self.list(key(w))).collect();
        lists.sort_unstable_by_key(|l| (l.len(), l.as_ptr()));
        lists.dedup_by_key(|l| l.as_ptr());
        let exact = needle.len() == 3 && needle.iter().all(|&b| CODES[usize::from(b)] != SHARED);
        let mut lists = lists.into_iter();
        let mut entries: Vec<u32> = lists.next().map(postings).into_iter().flatten().collect();
        for list in lists {
            // Checking a candidate with memmem costs about as much as decoding a few
            // postings, so a list longer (in bytes) than the candidates is not worth walking
            // (measured on the host's package list: walking longer ones only added work).
            if entries.is_empty() || list.len() > entries.len() {
                break;
            }
            retain_in(&mut entries, postings(list));
        }
        Some(Candidates { entries, exact })
    }

    /// Heap bytes held.
    pub(crate) fn heap_bytes(&self) -> usize {
        (self.keys.capacity() + self.offsets.capacity()) * std::mem::size_of::<u32>()
            + self.postings.capacity()
    }
}

fn postings(bytes: &[u8]) -> Postings<'_> {
    Postings {
        bytes,
        pos: 0,
        value: None,
    }
}

/// Keeps the entries (ascending) that `list` also holds.
fn retain_in(entries: &mut Vec<u32>, mut list: Postings<'_>) {
    let mut kept = 0;
    let mut current = list.next();
    for j in 0..entries.len() {
        let e = entries[j];
        while current.is_some_and(|v| v < e) {
            current = list.next();
        }
        match current {
            Some(v) if v == e => {
                entries[kept] = e;
                kept += 1;
            }
            Some(_) => {}
            None => break,
        }
    }
    entries.truncate(kept);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(entries: &[&str]) -> Column {
        let mut c = Column::with_capacity(entries.len(), 64);
        for e in entries {
            c.push_lower(e);
        }
        c
    }

    #[test]
    fn candidates_hold_every_entry_with_the_needle() {
        let mut names: Vec<String> = (0..700).map(|i| format!("pkg{i}")).collect();
        names.push("Firefox".into());
        names.push("xfirefoxy".into());
        names.push("fire".into());
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let t = Trigrams::new(&column(&refs));
        let c = t.candidates(b"firefox").unwrap();
        assert_eq!(c.entries, vec![700, 701]);
        assert!(!c.exact);
        let c = t.candidates(b"fir").unwrap();
        assert_eq!(c.entries, vec![700, 701, 702]);
        assert!(c.exact);
        // Gaps of several varint bytes: pkg1.. are spread over all 700 entries.
        let c = t.candidates(b"g69").unwrap();
        let want: Vec<u32> = std::iter::once(69).chain(690..700).collect();
        assert_eq!(c.entries, want);
        assert!(t.candidates(b"fi").is_none());
        assert!(t.candidates(b"zzz").unwrap().entries.is_empty());
    }

    #[test]
    fn shared_codes_are_supersets() {
        let t = Trigrams::new(&column(&["aé", "aè", "ab\tc"]));
        let c = t.candidates("aé".as_bytes()).unwrap();
        // `é` and `è` differ in their last byte, which shares a code with other bytes.
        assert_eq!(c.entries, vec![0, 1]);
        assert!(!c.exact);
        assert!(!t.candidates(b"b\tc").unwrap().exact);
    }

    #[test]
    fn varints_round_trip() {
        let mut buf = vec![0u8; 16];
        let values = [0u32, 127, 128, 16_383, 16_384, u32::MAX];
        let mut at = 0;
        for &v in &values {
            let next = write_varint(&mut buf, at, v);
            assert_eq!(next - at, varint_len(v) as usize);
            at = next;
        }
        let mut p = postings(&buf[..at]);
        let mut sum = 0u32;
        for &v in &values[..5] {
            sum += v;
            assert_eq!(p.next(), Some(sum));
        }
    }
}
