//! Facet counts from columns: the matches of a query → how many fall under each label of
//! each counted facet (kind, report, year, top section heading, organisation).
//!
//! Each segment holds, per facet, a dictionary-encoded string column of the label a document
//! is counted under (see [`Counted`]). A match adds to a tally of the label's term ordinal;
//! only when the segment is done are the ordinals that counted anything read back from the
//! column's dictionary, in one ordered pass. No facet dictionary is walked per query, and no
//! label is looked up per match.
//!
//! A segment's columns are opened once and kept (keyed by the segment's id, which names
//! immutable files): opening one reads its dictionary's block index and its ordinal codec's
//! block table, and a search with facets asks for them at every level it reads.
//!
//! A tally starts as a list of the ordinals met and becomes one counter per ordinal of the
//! column only once the list grows past a share of them: a search matching a few hundred
//! passages then neither clears nor scans a counter for each of the column's (tens of
//! thousands of) report and section labels.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::index::SegmentId;
use tantivy::{DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

use crate::index::Counted;
use crate::search::Facets;

/// Counts, per facet, the matches under each label.
pub struct FacetCounter;

/// Counts of one segment: per facet, its column (absent when no document of the segment has
/// that facet) and the tally of its term ordinals.
pub struct SegmentFacetCounter {
    columns: Vec<Option<(StrColumn, Tally)>>,
}

/// How often each term ordinal of a column was met.
enum Tally {
    /// Every ordinal met, once per match, until there are `limit` of them.
    Listed { ords: Vec<u32>, limit: usize },
    /// One counter per ordinal of the column.
    Counted(Vec<u32>),
}

impl Tally {
    /// A tally for a column of `terms` ordinals.
    fn new(terms: usize) -> Tally {
        // Past a quarter of the column's ordinals, sorting the list would cost more than
        // scanning one counter per ordinal.
        let limit = (terms / 4).max(64);
        Tally::Listed {
            ords: Vec::new(),
            limit,
        }
    }

    fn add(&mut self, ord: u32, terms: usize) {
        match self {
            Tally::Listed { ords, limit } => {
                ords.push(ord);
                if ords.len() >= *limit {
                    let mut counts = vec![0u32; terms];
                    for &ord in ords.iter() {
                        counts[ord as usize] += 1;
                    }
                    *self = Tally::Counted(counts);
                }
            }
            Tally::Counted(counts) => counts[ord as usize] += 1,
        }
    }

    /// The ordinals met, ascending, and how often each was.
    fn counted(self) -> (Vec<u64>, Vec<u32>) {
        match self {
            Tally::Listed { mut ords, .. } => {
                ords.sort_unstable();
                let mut met: Vec<u64> = Vec::new();
                let mut counts: Vec<u32> = Vec::new();
                for ord in ords.into_iter().map(u64::from) {
                    match (met.last(), counts.last_mut()) {
                        (Some(&last), Some(n)) if last == ord => *n += 1,
                        _ => {
                            met.push(ord);
                            counts.push(1);
                        }
                    }
                }
                (met, counts)
            }
            Tally::Counted(counts) => counts
                .into_iter()
                .enumerate()
                .filter(|&(_, n)| n > 0)
                .map(|(ord, n)| (ord as u64, n))
                .unzip(),
        }
    }
}

/// Per facet (in [`Counted::ALL`] order), its column in a segment, if any document of the
/// segment has that facet.
type SegmentColumns = Arc<Vec<Option<StrColumn>>>;

/// The columns of the segments searched lately.
static OPENED: Mutex<Vec<(SegmentId, SegmentColumns)>> = Mutex::new(Vec::new());

/// Forgets the columns of segments `searcher` does not read: those merged away or deleted,
/// whose files an open column would keep mapped.
pub fn forget_other_segments(searcher: &Searcher) {
    let live = searcher.generation().segments();
    OPENED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|(id, _)| live.contains_key(id));
}

/// The label columns of `reader`'s segment, opened on first use.
fn columns(reader: &SegmentReader) -> tantivy::Result<SegmentColumns> {
    let id = reader.segment_id();
    // A poisoned lock only means another search panicked while holding it; the list itself
    // is always whole.
    let kept = |opened: &Vec<(SegmentId, SegmentColumns)>| {
        opened
            .iter()
            .find(|(segment, _)| *segment == id)
            .map(|(_, columns)| columns.clone())
    };
    if let Some(columns) = kept(&OPENED.lock().unwrap_or_else(|e| e.into_inner())) {
        return Ok(columns);
    }
    let columns: SegmentColumns = Arc::new(
        Counted::ALL
            .iter()
            .map(|counted| reader.fast_fields().str(counted.column()))
            .collect::<tantivy::Result<_>>()?,
    );
    let mut opened = OPENED.lock().unwrap_or_else(|e| e.into_inner());
    if kept(&opened).is_none() {
        opened.push((id, columns.clone()));
    }
    Ok(columns)
}

/// Per facet (in [`Counted::ALL`] order), the count of each label.
pub type LabelCounts = Vec<BTreeMap<String, u64>>;

/// Per facet, the labels a segment counted, in dictionary (byte) order, with their counts.
type SegmentCounts = Vec<Vec<(String, u64)>>;

impl Collector for FacetCounter {
    type Fruit = LabelCounts;
    type Child = SegmentFacetCounter;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentFacetCounter> {
        let columns = columns(reader)?
            .iter()
            .map(|column| {
                column.clone().map(|column| {
                    let tally = Tally::new(column.num_terms());
                    (column, tally)
                })
            })
            .collect();
        Ok(SegmentFacetCounter { columns })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        segments: Vec<tantivy::Result<SegmentCounts>>,
    ) -> tantivy::Result<LabelCounts> {
        let mut merged: SegmentCounts = vec![Vec::new(); Counted::ALL.len()];
        for segment in segments {
            for (into, counts) in merged.iter_mut().zip(segment?) {
                into.extend(counts);
            }
        }
        Ok(merged
            .into_iter()
            .map(|mut counts| {
                // Each segment's labels come in dictionary order: sorting the runs is a
                // merge, and the map is then built from sorted labels in one go.
                counts.sort_by(|a, b| a.0.cmp(&b.0));
                counts.dedup_by(|later, kept| {
                    let same = later.0 == kept.0;
                    if same {
                        kept.1 += later.1;
                    }
                    same
                });
                counts.into_iter().collect()
            })
            .collect())
    }
}

impl SegmentCollector for SegmentFacetCounter {
    type Fruit = tantivy::Result<SegmentCounts>;

    fn collect(&mut self, doc: DocId, _: Score) {
        for (column, tally) in self.columns.iter_mut().flatten() {
            // A document has at most one label per facet.
            if let Some(ord) = column.ords().first(doc) {
                tally.add(ord as u32, column.num_terms());
            }
        }
    }

    fn harvest(self) -> tantivy::Result<SegmentCounts> {
        self.columns
            .into_iter()
            .map(|column| {
                let mut labels = Vec::new();
                let Some((column, tally)) = column else {
                    return Ok(labels);
                };
                let (ords, mut counted) = tally.counted();
                counted.reverse();
                column.dictionary().sorted_ords_to_term_cb(&ords, |label| {
                    let n = counted.pop().unwrap_or_default();
                    labels.push((String::from_utf8_lossy(label).into_owned(), u64::from(n)));
                })?;
                Ok(labels)
            })
            .collect()
    }
}

impl FacetCounter {
    /// Adds the counts of `more` (the matches of another query) to `into`.
    pub fn add(into: &mut LabelCounts, more: LabelCounts) {
        if into.iter().all(BTreeMap::is_empty) {
            *into = more;
            return;
        }
        into.resize_with(more.len().max(into.len()), BTreeMap::new);
        for (into, more) in into.iter_mut().zip(more) {
            for (label, n) in more {
                *into.entry(label).or_default() += n;
            }
        }
    }

    /// The counts of a merged fruit, by facet.
    pub fn facets(counts: LabelCounts) -> Facets {
        let mut facets = Facets::default();
        for (counted, labels) in Counted::ALL.into_iter().zip(counts) {
            *match counted {
                Counted::Kind => &mut facets.kind,
                Counted::Report => &mut facets.report,
                Counted::Year => &mut facets.year,
                Counted::Section => &mut facets.section,
                Counted::Organisation => &mut facets.organisation,
            } = labels;
        }
        facets
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::{DocSetCollector, FacetCollector};
    use tantivy::query::{AllQuery, Query, TermQuery};
    use tantivy::schema::{Facet, IndexRecordOption};

    use super::*;
    use crate::index::Store;
    use crate::report::passage::passages;

    /// Per facet, what tantivy's facet collector counts under the children of the facet
    /// root, by the child's name: how facets were counted before they had columns. The
    /// section, which is no facet, by the top heading of each stored passage.
    fn counted_by_facet_terms(store: &Store, query: &dyn Query) -> LabelCounts {
        let searcher = store.reader().unwrap().searcher();
        Counted::ALL
            .iter()
            .map(|counted| {
                let Some(field) = store.fields.facet(*counted) else {
                    let mut counts = BTreeMap::new();
                    for address in searcher.search(query, &DocSetCollector).unwrap() {
                        let doc: tantivy::TantivyDocument = searcher.doc(address).unwrap();
                        if let Ok(p) = store.passage(&searcher, &doc)
                            && let Some(top) = p.section.first()
                        {
                            *counts.entry(top.clone()).or_default() += 1;
                        }
                    }
                    return counts;
                };
                let mut collector = FacetCollector::for_field(
                    store.index.schema().get_field_name(field).to_string(),
                );
                collector.add_facet(Facet::root());
                let counts = searcher.search(query, &collector).unwrap();
                counts
                    .get(Facet::root())
                    .map(|(facet, n)| (facet.to_path().last().unwrap().to_string(), n))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn columns_count_what_facet_terms_count() {
        let dir = tempfile::TempDir::new().unwrap();
        let store = Store::open_for_write(dir.path()).unwrap();
        let mut writer = store.writer(&|| {}).unwrap();
        let text = include_str!("../../corpus/taipei-shanghai-city-exchange-2017.txt");
        let report = crate::report::parse::parse(text);
        // Two segments, reports with and without a date or an organisation, and sections
        // nested a few levels deep (counted under their top heading).
        for (segment, id) in ["r1", "r2", "r3"].iter().enumerate() {
            let mut list = passages(id, &report);
            if *id == "r3" {
                list.iter_mut().for_each(|p| p.date = None);
            }
            assert!(list.iter().any(|p| p.section.len() > 1));
            let organisation = (*id != "r2").then_some("陸委會");
            for passage in &list {
                writer
                    .add_document(store.passage_doc(passage, organisation).unwrap())
                    .unwrap();
            }
            let info = crate::index::ReportInfo {
                id: id.to_string(),
                title: report.title.clone(),
                date: report.date.clone(),
                organisation: organisation.map(str::to_string),
                encoding: "UTF-8".into(),
                format: "text".into(),
                replacements: 0,
                passages: list.len(),
                table_rows: 0,
                added: String::new(),
                file: format!("{id}.txt"),
                size: 0,
                mtime: 0,
                hash: String::new(),
            };
            writer
                .add_document(store.report_doc(&info).unwrap())
                .unwrap();
            if segment != 1 {
                writer.commit().unwrap();
            }
        }
        drop(writer);
        let searcher = store.reader().unwrap().searcher();
        assert!(searcher.segment_readers().len() > 1);
        let queries: Vec<Box<dyn Query>> = vec![
            Box::new(AllQuery),
            Box::new(TermQuery::new(
                store.report_term("r2"),
                IndexRecordOption::Basic,
            )),
            Box::new(TermQuery::new(
                store.kind_term(crate::report::parse::Kind::TableRow),
                IndexRecordOption::Basic,
            )),
        ];
        for query in &queries {
            let by_columns = searcher.search(query.as_ref(), &FacetCounter).unwrap();
            let by_terms = counted_by_facet_terms(&store, query.as_ref());
            assert_eq!(by_columns, by_terms);
        }
        let all = FacetCounter::facets(searcher.search(&AllQuery, &FacetCounter).unwrap());
        assert!(!all.kind.is_empty() && !all.year.is_empty());
        assert_eq!(all.report.len(), 3);
        assert_eq!(all.organisation.keys().collect::<Vec<_>>(), ["陸委會"]);
        assert!(all.section.len() > 1);
    }

    #[test]
    fn a_list_of_ordinals_and_a_counter_per_ordinal_tally_alike() {
        let terms = 1000;
        let met: Vec<u32> = (0..900).map(|i| i * 7 % 300 + i % 3).collect();
        for n in [0, 1, 63, 64, 249, 250, 900] {
            let mut tally = Tally::new(terms);
            let mut expected = vec![0u32; terms];
            for &ord in &met[..n] {
                tally.add(ord, terms);
                expected[ord as usize] += 1;
            }
            // Below a quarter of the ordinals the tally is still a list, above it counters.
            assert_eq!(matches!(tally, Tally::Listed { .. }), n < 250, "{n}");
            let (ords, counts) = tally.counted();
            let mut found = vec![0u32; terms];
            for (ord, count) in ords.iter().zip(&counts) {
                found[*ord as usize] = *count;
            }
            assert!(ords.windows(2).all(|w| w[0] < w[1]), "{n}: ascending");
            assert!(counts.iter().all(|&c| c > 0), "{n}: only ordinals met");
            assert_eq!(found, expected, "{n}");
        }
    }

    #[test]
    fn counts_of_two_queries_add_up() {
        let counts = |pairs: &[(&str, u64)]| -> LabelCounts {
            vec![pairs.iter().map(|&(l, n)| (l.to_string(), n)).collect()]
        };
        let mut into = LabelCounts::default();
        FacetCounter::add(&mut into, counts(&[("a", 1), ("b", 2)]));
        FacetCounter::add(&mut into, counts(&[("b", 3), ("c", 4)]));
        assert_eq!(into, counts(&[("a", 1), ("b", 5), ("c", 4)]));
    }

    #[test]
    fn a_facet_is_counted_under_its_first_component() {
        assert_eq!(
            Counted::label(&Facet::from_path(["壹、前言", "一、背景"])),
            Some("壹、前言")
        );
        assert_eq!(Counted::label(&Facet::from_path(["2017"])), Some("2017"));
        assert_eq!(Counted::label(&Facet::root()), None);
    }
}
