//! Where each report's documents lie in a segment: the segment's key column → runs of
//! consecutive documents of one report, and for a set of report keys the document ranges
//! they cover.
//!
//! The match level lets a report's title hold a query word for its passages, and reports
//! whose title holds a query word earn a bonus: both need a candidate's report. Read from the
//! key column, that is one likely cache miss per candidate (a key per passage, 15 MiB at
//! corpus scale), and when every query word is in some title the `all` level had to visit
//! every passage holding any word to ask. With the runs, a candidate's report is found by
//! moving a cursor forward, and the passages of the titled reports are ranges that the
//! leapfrog between words can skip over.
//!
//! Runs are built once per segment by a long-lived searcher (`baogao serve`, through
//! [`RunsWarmer`], or [`warm`]): reading a whole key column costs a few milliseconds, more
//! than a one-off search from the command line gains. A search over a segment without runs
//! reads the key column as before, with the same results. The warmed segment also keeps its
//! key and same-text columns open ([`key_column`], [`ReportRuns::same_text`]), which every
//! search reads for its hits.

use std::sync::{Arc, Mutex};

use tantivy::columnar::Column;
use tantivy::index::SegmentId;
use tantivy::{DocId, Searcher, SearcherGeneration, SegmentReader, TERMINATED, Warmer};

use crate::index::{KeyColumn, SAME_TEXT_FIELD, report_key_of};

/// Runs of consecutive documents of one report in a segment.
#[derive(Debug, Default)]
pub struct ReportRuns {
    /// First document of each run, ascending; a run ends where the next starts.
    starts: Vec<DocId>,
    /// The report key of each run (see [`crate::index::report_key`]).
    keys: Vec<u64>,
    /// The report key of every run, ascending: the runs of a few hundred keys are found
    /// by searching forward in it, in cache-friendly steps (a hash map of the keys was a
    /// cache miss or two per key, per segment and level). Keys alone, without their runs
    /// beside them, fill half the cache lines a search touches.
    sorted_keys: Vec<u64>,
    /// The run of each of `sorted_keys`.
    sorted_runs: Vec<u32>,
    /// The keys of some run: a key of another segment (most of a word's title keys, with
    /// several segments) is passed over with one load instead of a search of `sorted_keys`.
    some_run: KeyFilter,
    max_doc: DocId,
    /// The segment's [`SAME_TEXT_FIELD`] column and its key column, opened with the runs:
    /// opening a column reads its header, and every search asks them of the segments of its
    /// hits.
    same_text: Option<Column<u64>>,
    key_column: Option<KeyColumn>,
}

impl ReportRuns {
    /// The runs of `segment`, read from its key column.
    pub fn build(segment: &SegmentReader) -> ReportRuns {
        let column = KeyColumn::open(segment);
        let max_doc = segment.max_doc();
        ReportRuns {
            same_text: segment.fast_fields().u64(SAME_TEXT_FIELD).ok(),
            key_column: Some(column.clone()),
            ..ReportRuns::of_keys(
                max_doc,
                (0..max_doc).map(|doc| report_key_of(column.get(doc))),
            )
        }
    }

    /// The segment's same-text column (see [`crate::index::Fields::same_text`]), if it has one.
    pub fn same_text(&self) -> Option<&Column<u64>> {
        self.same_text.as_ref()
    }

    /// The runs of documents `0..max_doc` whose report keys are `keys`, in document order.
    fn of_keys(max_doc: DocId, keys: impl Iterator<Item = u64>) -> ReportRuns {
        let mut runs = ReportRuns {
            max_doc,
            ..ReportRuns::default()
        };
        for (doc, key) in keys.enumerate() {
            if runs.keys.last() != Some(&key) {
                runs.starts.push(doc as DocId);
                runs.keys.push(key);
            }
        }
        let mut by_key: Vec<(u64, u32)> = (runs.keys.iter().copied())
            .zip(0..runs.keys.len() as u32)
            .collect();
        by_key.sort_unstable();
        (runs.sorted_keys, runs.sorted_runs) = by_key.into_iter().unzip();
        runs.some_run = KeyFilter::new(runs.keys.iter().copied());
        runs
    }

    /// Number of runs.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    fn end(&self, run: usize) -> DocId {
        self.starts.get(run + 1).copied().unwrap_or(self.max_doc)
    }

    /// The report key of `doc`; `cursor` remembers the run last found, so that documents
    /// asked in ascending order cost a step or a short search each.
    pub fn key_at(&self, cursor: &mut usize, doc: DocId) -> u64 {
        if self.starts.is_empty() || doc >= self.max_doc {
            return 0;
        }
        let run = (*cursor).min(self.starts.len() - 1);
        let run = if self.starts[run] > doc {
            self.starts.partition_point(|&s| s <= doc) - 1
        } else {
            run + last_at_most(&self.starts[run..], doc)
        };
        *cursor = run;
        self.keys[run]
    }

    /// The documents of the reports `keys`, as ascending disjoint ranges.
    pub fn ranges(&self, keys: &[u64]) -> Ranges {
        let mut ranges: Vec<(DocId, DocId)> = Vec::new();
        // Keys come sorted (a plan's title keys): each is searched for after the previous.
        let mut from = 0;
        let mut previous = None;
        for &key in keys {
            // Keys passed over leave `from` below the next key, which is searched from there.
            if !self.some_run.may_hold(key) {
                continue;
            }
            if previous.is_some_and(|p| key < p) {
                from = 0;
            }
            previous = Some(key);
            from += first_at_least(&self.sorted_keys[from..], key);
            let same = self.sorted_keys[from..].iter().take_while(|&&k| k == key);
            for &run in &self.sorted_runs[from..from + same.count()] {
                ranges.push((self.starts[run as usize], self.end(run as usize)));
            }
        }
        ranges.sort_unstable();
        // Runs never overlap; adjacent ones (two titled reports in a row) merge.
        ranges.dedup_by(|later, kept| {
            let joined = later.0 <= kept.1;
            if joined {
                kept.1 = kept.1.max(later.1);
            }
            joined
        });
        Ranges {
            ranges: ranges.into(),
            cursor: 0,
        }
    }
}

/// The index of the first entry of `sorted` that is `key` or more (`sorted.len()`: none).
/// The next title key is usually a few entries on (see [`gallop`]).
fn first_at_least(sorted: &[u64], key: u64) -> usize {
    gallop(sorted, |&k| k < key)
}

/// The index of the last entry of `sorted` that is `doc` or less, given that the first is: a
/// candidate's run is mostly the cursor's or a few on, and the matches of a title word (report
/// documents, 1 in 55) skip a few runs each (see [`gallop`]).
fn last_at_most(sorted: &[DocId], doc: DocId) -> usize {
    gallop(sorted, |&s| s <= doc) - 1
}

/// `sorted.partition_point(before)`, found by probing 1, 2, 4, … entries ahead before a
/// binary search of the last span: the point is usually near the start, where a binary
/// search of the whole slice was a chain of a dozen dependent loads per call (three times
/// the hash map of keys it replaced).
fn gallop<T>(sorted: &[T], before: impl Fn(&T) -> bool) -> usize {
    let mut low = 0;
    let mut step = 1;
    loop {
        let probe = low + step - 1;
        if probe >= sorted.len() || !before(&sorted[probe]) {
            let end = probe.min(sorted.len());
            return low + sorted[low..end].partition_point(&before);
        }
        low = probe + 1;
        step *= 2;
    }
}

/// A set of report keys that answers "not in it" with one load, mostly: a bit per slot of
/// hashed keys, eight slots per key, so about 1 in 8 keys outside is taken for one inside.
#[derive(Debug, Default)]
pub struct KeyFilter {
    bits: Vec<u64>,
    /// A key's slot is its hash's top bits: 64 − this many.
    shift: u32,
}

impl KeyFilter {
    pub fn new(keys: impl ExactSizeIterator<Item = u64>) -> KeyFilter {
        let slots = (keys.len() * 8).next_power_of_two().max(64);
        let mut filter = KeyFilter {
            bits: vec![0; slots / 64],
            shift: 64 - slots.trailing_zeros(),
        };
        for key in keys {
            let slot = filter.slot(key);
            filter.bits[slot / 64] |= 1 << (slot % 64);
        }
        filter
    }

    /// Fibonacci hashing: keys are hashes already, but the bits taken then do not depend on
    /// how they were made.
    fn slot(&self, key: u64) -> usize {
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    /// Whether `key` may be in the set (false: it is not).
    pub fn may_hold(&self, key: u64) -> bool {
        let slot = self.slot(key);
        self.bits
            .get(slot / 64)
            .is_some_and(|bits| bits & 1 << (slot % 64) != 0)
    }
}

/// Ascending disjoint ranges `[start, end)` of documents, read forward.
#[derive(Debug, Clone, Default)]
pub struct Ranges {
    /// Shared by the copies a scorer reads at its own pace (leapfrog and match level).
    ranges: Arc<[(DocId, DocId)]>,
    /// No range before this one ends after the documents asked so far.
    cursor: usize,
}

impl Ranges {
    /// The first document at or after `doc` in some range ([`TERMINATED`]: none). Documents
    /// are asked in ascending order.
    pub fn next_from(&mut self, doc: DocId) -> DocId {
        let rest = &self.ranges[self.cursor..];
        let skip = match rest.first() {
            Some(&(_, end)) if end <= doc => rest.partition_point(|&(_, end)| end <= doc),
            _ => 0,
        };
        self.cursor += skip;
        match self.ranges.get(self.cursor) {
            Some(&(start, _)) => start.max(doc),
            None => TERMINATED,
        }
    }

    /// Whether `doc` is in some range. Documents are asked in ascending order.
    pub fn contains(&mut self, doc: DocId) -> bool {
        self.next_from(doc) == doc
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }
}

/// The key column of `segment`: opened with its runs if it was warmed, else now.
pub fn key_column(segment: &SegmentReader) -> KeyColumn {
    of(segment)
        .and_then(|runs| runs.key_column.clone())
        .unwrap_or_else(|| KeyColumn::open(segment))
}

/// The runs of the segments warmed lately.
static BUILT: Mutex<Vec<(SegmentId, Arc<ReportRuns>)>> = Mutex::new(Vec::new());

/// The runs of `segment`, if it was warmed.
pub fn of(segment: &SegmentReader) -> Option<Arc<ReportRuns>> {
    let id = segment.segment_id();
    BUILT
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .find(|(built, _)| *built == id)
        .map(|(_, runs)| runs.clone())
}

/// Builds the runs of every segment of `searcher` not built yet, and forgets those of
/// segments it does not read (merged away or deleted).
pub fn warm(searcher: &Searcher) {
    let live = searcher.generation().segments();
    BUILT
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|(id, _)| live.contains_key(id));
    for segment in searcher.segment_readers() {
        if of(segment).is_none() {
            let runs = Arc::new(ReportRuns::build(segment));
            BUILT
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((segment.segment_id(), runs));
        }
    }
}

/// Builds the runs of each new searcher's segments (see [`warm`]); register it with the
/// index reader, and keep it alive as long as the reader.
pub struct RunsWarmer;

impl Warmer for RunsWarmer {
    fn warm(&self, searcher: &Searcher) -> tantivy::Result<()> {
        warm(searcher);
        Ok(())
    }

    fn garbage_collect(&self, live: &[&SearcherGeneration]) {
        BUILT
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|(id, _)| live.iter().any(|g| g.segments().contains_key(id)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(keys: &[u64]) -> ReportRuns {
        ReportRuns::of_keys(keys.len() as DocId, keys.iter().copied())
    }

    #[test]
    fn a_cursor_finds_the_key_of_each_document_in_any_order() {
        let keys = [5, 5, 7, 7, 7, 5, 9, 9, 3, 3, 3, 3, 1];
        let runs = runs(&keys);
        assert_eq!(runs.len(), 6);
        let mut cursor = 0;
        for (doc, &key) in keys.iter().enumerate() {
            assert_eq!(runs.key_at(&mut cursor, doc as DocId), key);
        }
        let mut cursor = 0;
        for doc in [12, 0, 8, 9, 2, 11, 6, 5] {
            assert_eq!(
                runs.key_at(&mut cursor, doc),
                keys[doc as usize],
                "doc {doc}"
            );
        }
        assert_eq!(runs.key_at(&mut cursor, 13), 0);
    }

    #[test]
    fn the_last_start_at_most_is_found_at_any_distance() {
        let starts: Vec<DocId> = (0..40).map(|i| i * 3).collect();
        for doc in 0..125 {
            let expected = starts.partition_point(|&s| s <= doc) - 1;
            assert_eq!(last_at_most(&starts, doc), expected, "doc {doc}");
        }
        assert_eq!(last_at_most(&[7], 9), 0);
    }

    #[test]
    fn the_first_key_at_least_is_found_from_anywhere() {
        let sorted: Vec<u64> = (0..40).map(|i| i / 3 * 2).collect();
        for key in 0..30 {
            let expected = sorted.partition_point(|&k| k < key);
            assert_eq!(first_at_least(&sorted, key), expected, "key {key}");
        }
        assert_eq!(first_at_least(&[], 5), 0);
    }

    #[test]
    fn ranges_cover_the_documents_of_the_keys_asked() {
        let keys = [5, 5, 7, 7, 7, 5, 9, 9, 3, 3, 3, 3, 1];
        let runs = runs(&keys);
        let mut ranges = runs.ranges(&[5, 9, 4]);
        let held: Vec<DocId> = (0..14).filter(|&doc| ranges.contains(doc)).collect();
        assert_eq!(held, [0, 1, 5, 6, 7]);
        // Sorted keys as a plan gives them, and keys of no run between them.
        let mut ranges = runs.ranges(&[0, 1, 2, 3, 6, 7, 8, 9, 10]);
        let held: Vec<DocId> = (0..14).filter(|&doc| ranges.contains(doc)).collect();
        assert_eq!(held, [2, 3, 4, 6, 7, 8, 9, 10, 11, 12]);
        let mut ranges = runs.ranges(&[5, 9]);
        assert_eq!(ranges.next_from(2), 5);
        assert_eq!(ranges.next_from(6), 6);
        assert_eq!(ranges.next_from(8), TERMINATED);
        assert!(runs.ranges(&[4]).is_empty());
    }

    #[test]
    fn keys_of_other_segments_are_passed_over_and_the_rest_found() {
        // Report keys as `report_key` makes them (48-bit hashes), two documents each.
        let keys: Vec<u64> = (0..3000u64)
            .map(|i| crate::index::report_key(&format!("r{}", i / 2)))
            .collect();
        let runs = runs(&keys);
        let mut asked: Vec<u64> = (0..3000)
            .map(|i| crate::index::report_key(&format!("r{}", i * 7)))
            .collect();
        asked.sort_unstable();
        let mut ranges = runs.ranges(&asked);
        let held: Vec<DocId> = (0..3000).filter(|&doc| ranges.contains(doc)).collect();
        let expected: Vec<DocId> = (0..3000)
            .filter(|&doc| asked.binary_search(&keys[doc as usize]).is_ok())
            .collect();
        assert_eq!(held, expected);
        assert_eq!(held.len(), 2 * 1500usize.div_ceil(7));
        let passed_over = asked
            .iter()
            .filter(|&&key| !runs.some_run.may_hold(key))
            .count();
        assert!(passed_over > 2000, "{passed_over} of 3000 passed over");
    }
}
