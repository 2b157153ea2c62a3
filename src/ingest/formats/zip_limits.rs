//! Bounded reading of zip-based formats (DOCX now; ODT and the like reuse it).
//!
//! In: an open [`zip::ZipArchive`], the name of one entry, and the [`ZipBudget`] of the
//! archive being read. Out: the entry's bytes, or a [`ZipLimit`] saying which bound it
//! broke. A zip entry can inflate a thousandfold (a zip bomb: 1.6 MB of DOCX became 256 MiB
//! of XML and a gigabyte of memory), so every entry is read through [`Read::take`]: memory
//! never holds more than the bound plus one byte, and a file over a bound is refused, never
//! silently cut.
//!
//! The bounds:
//! - [`MAX_ENTRY_BYTES`] per entry and [`MAX_ARCHIVE_BYTES`] for all entries read from one
//!   archive: the XML of a long text-only report is a few MiB to a few tens of MiB (Word
//!   writes roughly ten bytes of markup per character of text), so 64 MiB leaves room for
//!   the longest reports while the text, the parse and the index stay a small multiple of it;
//! - [`MAX_RATIO`] : 1 inflation for entries above [`RATIO_FLOOR_BYTES`]: Word XML deflates
//!   about 5–20 : 1, a bomb a thousand to one; small entries are exempt because a tiny
//!   repetitive part (styles, settings) may compress further and costs nothing.

use std::fmt;
use std::io::{Read, Seek};

/// Largest inflated size of one zip entry read.
pub const MAX_ENTRY_BYTES: u64 = 64 << 20;
/// Largest inflated size of all entries read from one archive together.
pub const MAX_ARCHIVE_BYTES: u64 = 64 << 20;
/// Largest inflated : compressed ratio of an entry above [`RATIO_FLOOR_BYTES`].
pub const MAX_RATIO: u64 = 100;
/// Entries up to this inflated size are not held to [`MAX_RATIO`].
pub const RATIO_FLOOR_BYTES: u64 = 1 << 20;

/// What is left to read from one archive, across its entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZipBudget {
    remaining: u64,
}

impl Default for ZipBudget {
    fn default() -> Self {
        ZipBudget {
            remaining: MAX_ARCHIVE_BYTES,
        }
    }
}

/// Which bound an entry broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZipLimit {
    /// The entry alone inflates past [`MAX_ENTRY_BYTES`].
    EntryTooLarge { entry: String },
    /// The entries read so far inflate past [`MAX_ARCHIVE_BYTES`] together.
    ArchiveTooLarge { entry: String },
    /// The entry inflates more than [`MAX_RATIO`] : 1 (a zip bomb).
    Ratio { entry: String },
}

impl fmt::Display for ZipLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mib = |bytes: u64| bytes >> 20;
        match self {
            ZipLimit::EntryTooLarge { entry } => write!(
                f,
                "解壓後超過 {} MiB 上限（{entry}） {entry} is over {} MiB unzipped",
                mib(MAX_ENTRY_BYTES),
                mib(MAX_ENTRY_BYTES)
            ),
            ZipLimit::ArchiveTooLarge { entry } => write!(
                f,
                "解壓後合計超過 {} MiB 上限（讀到 {entry}） entries are over {} MiB unzipped together (at {entry})",
                mib(MAX_ARCHIVE_BYTES),
                mib(MAX_ARCHIVE_BYTES)
            ),
            ZipLimit::Ratio { entry } => write!(
                f,
                "壓縮比超過 {MAX_RATIO}:1，疑為壓縮炸彈（{entry}） {entry} inflates more than {MAX_RATIO}:1 (zip bomb?)"
            ),
        }
    }
}

/// Why an entry could not be read: a bound, or the archive itself.
#[derive(Debug)]
pub enum ZipReadError {
    Limit(ZipLimit),
    Zip(String),
}

/// Reads the entry `name` of `archive` within the bounds of the module documentation,
/// charging what it inflates to `budget`.
pub fn read_zip_entry_bounded<R: Read + Seek>(
    archive: &mut zip::ZipArchive<R>,
    name: &str,
    budget: &mut ZipBudget,
) -> Result<Vec<u8>, ZipReadError> {
    let entry = archive
        .by_name(name)
        .map_err(|e| ZipReadError::Zip(e.to_string()))?;
    let ratio_cap = entry
        .compressed_size()
        .saturating_mul(MAX_RATIO)
        .max(RATIO_FLOOR_BYTES);
    let cap = MAX_ENTRY_BYTES.min(budget.remaining).min(ratio_cap);
    // Which bound a read of more than `cap` bytes broke: the tightest one.
    let broken = || {
        let entry = name.to_string();
        if cap == ratio_cap {
            ZipLimit::Ratio { entry }
        } else if cap == MAX_ENTRY_BYTES {
            ZipLimit::EntryTooLarge { entry }
        } else {
            ZipLimit::ArchiveTooLarge { entry }
        }
    };
    // The declared size can lie; it only lets an honest bomb be refused without inflating.
    if entry.size() > cap {
        return Err(ZipReadError::Limit(broken()));
    }
    let mut bytes = Vec::with_capacity(entry.size() as usize);
    entry
        .take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ZipReadError::Zip(e.to_string()))?;
    if bytes.len() as u64 > cap {
        return Err(ZipReadError::Limit(broken()));
    }
    budget.remaining -= bytes.len() as u64;
    Ok(bytes)
}

#[cfg(test)]
pub(crate) mod tests {
    use std::io::{Cursor, Write};

    use zip::CompressionMethod::{Deflated, Stored};

    use super::*;

    /// A zip holding `entries` (name, bytes), compressed with `method`.
    pub(crate) fn zip_of(entries: &[(&str, &[u8])], method: zip::CompressionMethod) -> Vec<u8> {
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(method)
            .large_file(false);
        for (name, bytes) in entries {
            z.start_file(*name, options).unwrap();
            z.write_all(bytes).unwrap();
        }
        z.finish().unwrap().into_inner()
    }

    fn read(zip: &[u8], name: &str, budget: &mut ZipBudget) -> Result<Vec<u8>, ZipReadError> {
        let mut archive = zip::ZipArchive::new(Cursor::new(zip)).unwrap();
        read_zip_entry_bounded(&mut archive, name, budget)
    }

    fn limit(r: Result<Vec<u8>, ZipReadError>) -> ZipLimit {
        match r {
            Err(ZipReadError::Limit(l)) => l,
            Err(ZipReadError::Zip(e)) => panic!("zip error {e}"),
            Ok(b) => panic!("read {} bytes", b.len()),
        }
    }

    #[test]
    fn a_bomb_is_refused_by_its_ratio() {
        // 8 MiB of one byte deflates about a thousandfold.
        let bomb = vec![b'a'; 8 << 20];
        let zip = zip_of(&[("word/document.xml", &bomb)], Deflated);
        let l = limit(read(&zip, "word/document.xml", &mut ZipBudget::default()));
        assert!(matches!(l, ZipLimit::Ratio { .. }), "{l:?}");
        assert!(l.to_string().contains("word/document.xml"), "{l}");
        assert!(l.to_string().starts_with("壓縮比"), "{l}");
    }

    #[test]
    fn entry_and_archive_sizes_are_bounded() {
        // Stored entries inflate 1:1: only the size bounds apply.
        let big = vec![b'a'; MAX_ENTRY_BYTES as usize + 1];
        let half = vec![b'a'; MAX_ARCHIVE_BYTES as usize / 2 + 1];
        let zip = zip_of(
            &[("big.xml", &big), ("a.xml", &half), ("b.xml", &half)],
            Stored,
        );
        let l = limit(read(&zip, "big.xml", &mut ZipBudget::default()));
        assert!(matches!(l, ZipLimit::EntryTooLarge { .. }), "{l:?}");
        let mut budget = ZipBudget::default();
        let first = read(&zip, "a.xml", &mut budget).ok().unwrap();
        assert_eq!(first.len(), half.len());
        let l = limit(read(&zip, "b.xml", &mut budget));
        assert!(matches!(l, ZipLimit::ArchiveTooLarge { .. }), "{l:?}");
    }

    #[test]
    fn small_repetitive_entries_pass() {
        let small = vec![b'a'; RATIO_FLOOR_BYTES as usize];
        let zip = zip_of(&[("s.xml", &small)], Deflated);
        let bytes = read(&zip, "s.xml", &mut ZipBudget::default()).ok().unwrap();
        assert_eq!(bytes, small);
    }
}
