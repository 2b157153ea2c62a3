//! Report titles: the query and the index → the reports whose title the query names (a
//! title typed whole, whose opening passage comes first) and the reports whose title holds
//! a query word (a bonus for each of their passages, and a say in the match level).

use anyhow::Result;
use tantivy::Term;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;

use super::outline::TitleProbe;
use super::{Opening, Plan};
use crate::analysis::analyzer::Folded;
use crate::search::sum_query::ReportKeys;
use crate::search::{Searching, report_titles};

// RANKING.md: the report's title
/// Bonus for each query word found in the title of the passage's report, per unit of the
/// word's idf: a report about 大眾捷運 makes its table rows answers to a query that names
/// 大眾捷運.
pub(crate) const TITLE_WORD_PER_IDF: f32 = 2.0;
/// Most reports whose title may hold a word for the match level (see [`PlannedWord::title_keys`]).
pub(crate) const MAX_TITLED_REPORTS: usize = 1000;
// RANKING.md: a title typed whole
/// Bonus of the opening passage of a report whose title the query equals: above any score
/// the words themselves earn (rare words earn tens per idf unit), so it comes first.
pub(crate) const TITLE_QUERY_BONUS: f32 = 10_000.0;
/// Most reports whose titles hold every term of a query that are read to see whether one
/// equals it: a query held by more titles is a common phrase, and reading each report's
/// stored record would cost more than the search.
pub(crate) const MAX_TITLE_CANDIDATES: usize = 200;

impl Searching<'_> {
    /// The reports whose title the query equals, folded, punctuation and spaces aside (a
    /// title typed as the query, its quotation marks and all), and their opening passages
    /// (RANKING.md: a title typed whole).
    pub(super) fn titled_opening(&self, query: &str) -> Result<Option<Opening>> {
        let Some(probe) = TitleProbe::new(query) else {
            return Ok(None);
        };
        let f = &self.store.fields;
        let Some((title_query, _)) = self.phrase(f.title_grams, &Folded::new(&probe.key))? else {
            return Ok(None);
        };
        let found = self
            .searcher
            .search(&title_query, &tantivy::collector::DocSetCollector)?;
        if found.len() > probe.max_candidates {
            return Ok(None);
        }
        let mut keys = Vec::new();
        let mut openings: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for address in found {
            // Read from the doc store once per segment, then kept (see `report_titles`).
            let Some(info) = report_titles::of(self.store, self.searcher, address) else {
                continue;
            };
            if info.key != probe.key {
                continue;
            }
            keys.push(crate::index::report_key(&info.id));
            let opening = BooleanQuery::new(vec![
                (
                    Occur::Must,
                    Box::new(TermQuery::new(
                        self.store.report_term(&info.id),
                        IndexRecordOption::Basic,
                    )) as Box<dyn Query>,
                ),
                (
                    Occur::Must,
                    Box::new(TermQuery::new(
                        Term::from_field_u64(f.seq, 0),
                        IndexRecordOption::Basic,
                    )),
                ),
            ]);
            openings.push((Occur::Should, Box::new(opening)));
        }
        if keys.is_empty() {
            return Ok(None);
        }
        keys.sort_unstable();
        keys.dedup();
        Ok(Some((keys, Box::new(BooleanQuery::new(openings)))))
    }

    /// Score bonuses for the passages of reports whose title contains some of the words:
    /// (report key, [`TITLE_WORD_PER_IDF`] × the word's idf per word found in its title), sorted by key.
    /// Also records, in each word, the keys of the reports whose title holds it.
    pub(super) fn title_bonuses(&self, plan: &mut Plan) -> Result<Vec<(u64, f32)>> {
        let field = self.store.fields.title_grams;
        // The report's key comes from a column, not the stored document: no block of the doc
        // store is decompressed for this.
        let mut bonuses: Vec<(u64, f32)> = Vec::new();
        for word in plan.words.iter_mut().filter(|w| !w.excluded) {
            let Some((query, _)) = self.phrase(field, &word.folded)? else {
                continue;
            };
            let mut keys = self.searcher.search(&query, &ReportKeys)?;
            let bonus = TITLE_WORD_PER_IDF * word.rarity;
            bonuses.extend(keys.iter().map(|&key| (key, bonus)));
            keys.sort_unstable();
            keys.dedup();
            keys.retain(|&key| key != 0);
            // A word in the titles of many reports (行政院) says little about a passage's
            // subject, and would make the `all` level read every passage of the query's
            // words instead of leapfrogging between them.
            if keys.len() <= MAX_TITLED_REPORTS {
                word.title_keys = keys;
            }
        }
        bonuses.sort_by_key(|&(key, _)| key);
        bonuses.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                kept.1 += later.1;
            }
            same
        });
        bonuses.retain(|&(key, _)| key != 0);
        Ok(bonuses)
    }
}
