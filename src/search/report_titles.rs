//! Report titles kept per segment: a report document's address → its report id and its
//! title folded to letters, digits and ideographs (what a query typed as a title is compared
//! with).
//!
//! A query that a few report titles hold whole (at most
//! [`max_candidates`](crate::search::plan::outline::TitleProbe::max_candidates) of them) has each of
//! those reports' stored record read to see whether its title is the query: one doc store
//! block decompressed per report, the largest share of building a search's plan. A title
//! never changes within a segment (segment files are immutable), so it is read once and
//! kept, as the segment's report runs are (see [`crate::search::report_runs`]): the same
//! titles come back for every query sharing their words.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::index::SegmentId;
use tantivy::{DocAddress, DocId, Searcher};

use crate::analysis::analyzer::significant_text;
use crate::index::{ReportInfo, Store};

/// Most titles kept: a few MiB at most. Past it they are all forgotten and read again as
/// asked (a long-running server whose segments were merged many times).
const MAX_KEPT: usize = 100_000;

/// A report document's id and folded title.
#[derive(Debug)]
pub struct ReportTitle {
    pub id: String,
    /// The title's letters, digits and ideographs, folded.
    pub key: String,
}

/// `None`: the document holds no report record.
type Kept = HashMap<(SegmentId, DocId), Option<Arc<ReportTitle>>>;

static KEPT: Mutex<Option<Kept>> = Mutex::new(None);

/// The title of the report document at `address`, read from the doc store the first time.
pub fn of(store: &Store, searcher: &Searcher, address: DocAddress) -> Option<Arc<ReportTitle>> {
    let segment = searcher.segment_reader(address.segment_ord).segment_id();
    let slot = (segment, address.doc_id);
    if let Some(kept) = KEPT
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .and_then(|kept| kept.get(&slot))
    {
        return kept.clone();
    }
    let title = read(store, searcher, address).map(Arc::new);
    let mut kept = KEPT.lock().unwrap_or_else(|e| e.into_inner());
    let kept = kept.get_or_insert_with(HashMap::new);
    if kept.len() >= MAX_KEPT {
        kept.clear();
    }
    kept.insert(slot, title.clone());
    title
}

fn read(store: &Store, searcher: &Searcher, address: DocAddress) -> Option<ReportTitle> {
    let doc = searcher.doc::<tantivy::TantivyDocument>(address).ok()?;
    let info = store.payload::<ReportInfo>(&doc).ok()?;
    Some(ReportTitle {
        key: significant_text(&info.title),
        id: info.id,
    })
}

#[cfg(test)]
mod tests {
    use crate::search::plan::TITLE_QUERY_BONUS;
    use crate::search::tests::titled_index;
    use crate::search::{Request, Searching};

    #[test]
    fn a_title_typed_whole_finds_its_opening_passage_again_from_the_kept_title() {
        let (_dir, store) = titled_index(&[
            (
                "湖山水庫運用要點",
                "第一段說明湖山水庫。\n\n第二段談運用要點。",
            ),
            ("其他報告", "引述湖山水庫運用要點的段落。"),
        ]);
        let searcher = store.reader().unwrap().searcher();
        let searching = Searching::new(&store, &searcher);
        let first = |query: &str| {
            let outcome = searching
                .run(&Request {
                    query: query.into(),
                    limit: 1,
                    ..Default::default()
                })
                .unwrap();
            let hit = &outcome.hits[0];
            (hit.passage.title.clone(), hit.score)
        };
        // The second search compares the query with the title kept by the first.
        for _ in 0..2 {
            let (title, score) = first("「湖山水庫運用要點」");
            assert_eq!(title, "湖山水庫運用要點");
            assert!(score >= TITLE_QUERY_BONUS, "{score}");
        }
    }
}
