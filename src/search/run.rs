//! Running a search: a request → its plan → the queries of each match level, run in order →
//! one page of hits with snippets, the number of matches of the levels read, and facet counts
//! over those same matches.
//!
//! Hits are ordered by match level first (every query word whole, then some word whole, then
//! only parts of words), then by score, then by a key only the passage decides. That order is
//! a function of the query, the filters and the index alone: the page size, the offset and
//! `--facets` never change it. Levels run one after the other, and a later level is only
//! read when the earlier ones do not fill `offset + limit`; this is exact, since no passage of
//! a later level can rank above one of an earlier level.
//!
//! Facets are counted in the same pass that ranks a level, over the levels read: the matches
//! `total` counts. Counting every match of every level instead would read, for a broad query
//! (行政院 施政方針) the 131,917 passages holding either word or a part of one, while the page
//! needs the few hundred holding both; see docs/DEVELOPMENT.md for what that cost.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

use anyhow::Result;
use tantivy::collector::Count;
use tantivy::columnar::Column;
use tantivy::query::{EnableScoring, Query};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Searcher};
use tantivy::{DocSet, TERMINATED};

use crate::index::{KeyColumn, SAME_TEXT_FIELD, report_key_of};
use crate::search::clauses::anywhere;
use crate::search::compile::Plan;
use crate::search::counts::{self, FacetCounter, LabelCounts};
use crate::search::levels::{Read, read_levels, read_page};
use crate::search::report_runs;
use crate::search::snippet::{Snippet, make_snippet};
use crate::search::top::TopHits;
use crate::search::{Hit, Level, Outcome, Request, Searching};

/// Matches read beyond the page at least, for repeats to be folded without a second search.
const REPEAT_MARGIN: usize = 10;

/// A match: its level, its score and where it is.
type Ranked = crate::search::levels::Ranked<DocAddress>;

/// The [`SAME_TEXT_FIELD`] column of each segment, opened when first asked for during one
/// search (or once with the segment's report runs): opening a column reads its header, and
/// every hit of a page asks every segment.
struct SameText<'s> {
    searcher: &'s Searcher,
    columns: Vec<OnceCell<Option<Column<u64>>>>,
}

impl<'s> SameText<'s> {
    fn new(searcher: &'s Searcher) -> SameText<'s> {
        SameText {
            searcher,
            columns: vec![OnceCell::new(); searcher.segment_readers().len()],
        }
    }

    fn of(&self, segment_ord: u32) -> Option<&Column<u64>> {
        self.columns[segment_ord as usize]
            .get_or_init(|| {
                let segment = self.searcher.segment_reader(segment_ord);
                match report_runs::of(segment) {
                    Some(runs) => runs.same_text().cloned(),
                    None => segment.fast_fields().u64(SAME_TEXT_FIELD).ok(),
                }
            })
            .as_ref()
    }
}

impl Searching<'_> {
    /// Runs a search (see the module documentation).
    pub fn run(&self, request: &Request) -> Result<Outcome> {
        // Frequencies are only shared within one search, so each is measured as a fresh
        // process would run it.
        self.doc_freqs.borrow_mut().clear();
        if request.has_blank_filter() {
            return Ok(Outcome::default());
        }
        let plan = self.plan(&request.query)?;
        let (offset, limit) = request.page();
        let wanted = offset + limit;
        let levels = plan.levels;
        // Repeats of a passage already ranked are folded into it; while they leave the page
        // short, more is read. Folding follows the one order, so every page agrees on it.
        // A page's worth more is read at once, so that a few repeats on the page do not
        // cost a second search.
        let budget = wanted.saturating_mul(2).max(wanted + REPEAT_MARGIN);
        let same_text = SameText::new(self.searcher);
        let (ranked, total, counts) = read_page(
            wanted,
            budget,
            |budget| self.ranked(request, &plan, levels, budget),
            |ranked| self.without_repeats(ranked, &same_text),
        )?;
        let facets = counts.map(FacetCounter::facets);
        // The best level is that of the first match, whatever the page.
        let suggestion = match ranked.first() {
            None | Some((Level::Partial, _, _)) => self.suggestion(&request.query, &plan),
            Some(_) => None,
        };
        let page: Vec<Ranked> = ranked.into_iter().skip(offset).take(limit).collect();
        let mut missing = self.missing(&plan, &page)?.into_iter();
        let mut hits = Vec::with_capacity(page.len());
        for (level, score, address) in page {
            let passage = self.passage(address)?;
            let Snippet { text, highlights } = make_snippet(&passage.text, &plan.marked);
            let also = self.repeats_of(address, &passage.report, &same_text)?;
            hits.push(Hit {
                passage,
                snippet: text,
                score,
                highlights,
                level,
                also,
                missing: missing.next().unwrap_or_default(),
            });
        }
        Ok(Outcome {
            hits,
            total,
            facets,
            suggestion,
        })
    }

    // RANKING.md: partial hits name what they miss
    /// For each hit of `page`, the query words it does not hold whole: neither its text nor
    /// its context hold the word's run, nor its report's title the word (as the match level
    /// counts them). Hits of level `all` hold every word. One scorer per word and segment,
    /// moved forward through the page's hits in document order.
    fn missing(&self, plan: &Plan, page: &[Ranked]) -> Result<Vec<Vec<String>>> {
        let mut missing = vec![Vec::new(); page.len()];
        let mut order: Vec<usize> = (0..page.len())
            .filter(|&i| page[i].0 != Level::All)
            .collect();
        if order.is_empty() {
            return Ok(missing);
        }
        order.sort_by_key(|&i| page[i].2);
        let unscored = EnableScoring::disabled_from_searcher(self.searcher);
        for word in plan.positive() {
            let Some(whole) = &word.whole else {
                // Nothing to match (no letter, digit or ideograph): nothing to miss.
                continue;
            };
            let weight = anywhere(whole).weight(unscored)?;
            for segment_hits in
                order.chunk_by(|&a, &b| page[a].2.segment_ord == page[b].2.segment_ord)
            {
                let segment = self
                    .searcher
                    .segment_reader(page[segment_hits[0]].2.segment_ord);
                let mut scorer = weight.scorer(segment, 1.0)?;
                let keys = report_runs::key_column(segment);
                for &i in segment_hits {
                    let doc = page[i].2.doc_id;
                    let titled = word
                        .title_keys
                        .binary_search(&report_key_of(keys.get(doc)))
                        .is_ok();
                    let held = scorer.doc() == doc || scorer.doc() < doc && scorer.seek(doc) == doc;
                    if !titled && !held {
                        missing[i].push(word.word.text.clone());
                    }
                }
            }
        }
        Ok(missing)
    }

    /// The best `budget` matches, level by level, with the number of matches of the levels
    /// read, whether those are all the matches there are, and (when the request asks for
    /// facets) their facet counts, collected as the levels are ranked.
    fn ranked(
        &self,
        request: &Request,
        plan: &Plan,
        levels: &[Level],
        budget: usize,
    ) -> Result<Read<DocAddress, LabelCounts>> {
        if request.facets {
            counts::forget_other_segments(self.searcher);
        }
        let counts = request.facets.then(LabelCounts::default);
        read_levels(levels, budget, counts, |level, wanted, counts| {
            let query = self.build(request, plan, level);
            let counter = counts.is_some().then_some(FacetCounter);
            let (top, count, level_counts) = self.searcher.search_with_statistics_provider(
                &query,
                &(TopHits::new(wanted, 0), Count, counter),
                self,
            )?;
            if let (Some(into), Some(level_counts)) = (counts, level_counts) {
                FacetCounter::add(into, level_counts);
            }
            Ok(Some((top, count)))
        })
    }

    /// `ranked` without the passages whose text (list markers and spaces aside) a passage of
    /// the same report ranked above them has.
    fn without_repeats(&self, ranked: Vec<Ranked>, same_text: &SameText) -> Vec<Ranked> {
        let mut keys: HashMap<u32, KeyColumn> = HashMap::new();
        let mut seen: HashSet<(u64, u64)> = HashSet::new();
        ranked
            .into_iter()
            .filter(|&(_, _, address)| {
                let Some(text_key) = same_text
                    .of(address.segment_ord)
                    .and_then(|c| c.first(address.doc_id))
                else {
                    return true;
                };
                let keys = keys.entry(address.segment_ord).or_insert_with(|| {
                    report_runs::key_column(self.searcher.segment_reader(address.segment_ord))
                });
                seen.insert((report_key_of(keys.get(address.doc_id)), text_key))
            })
            .collect()
    }

    /// Ids of the other passages of `report` with the text of the one at `address`, in
    /// document order.
    fn repeats_of(
        &self,
        address: DocAddress,
        report: &str,
        same_text: &SameText,
    ) -> Result<Vec<String>> {
        let Some(text_key) = same_text
            .of(address.segment_ord)
            .and_then(|c| c.first(address.doc_id))
        else {
            return Ok(Vec::new());
        };
        // RANKING.md: repeats take one slot
        // The key is a column only: the report's postings are walked in each segment and
        // each passage's key read from the column (a few µs per thousand passages).
        let term = self.store.report_term(report);
        let mut found = Vec::new();
        for (ord, segment) in self.searcher.segment_readers().iter().enumerate() {
            let Some(column) = same_text.of(ord as u32) else {
                continue;
            };
            let Some(mut postings) = segment
                .inverted_index(term.field())?
                .read_postings(&term, IndexRecordOption::Basic)?
            else {
                continue;
            };
            let alive = segment.alive_bitset();
            let mut doc = postings.doc();
            while doc != TERMINATED {
                let other = DocAddress::new(ord as u32, doc);
                if other != address
                    && alive.is_none_or(|a| a.is_alive(doc))
                    && column.first(doc) == Some(text_key)
                {
                    found.push(other);
                }
                doc = postings.advance();
            }
        }
        let mut repeats = Vec::new();
        for other in found {
            let passage = self.passage(other)?;
            repeats.push((passage.seq, passage.id));
        }
        repeats.sort();
        Ok(repeats.into_iter().map(|(_, id)| id).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::Store;

    /// The kind counts of an outcome, added up.
    fn counted(outcome: &Outcome) -> u64 {
        outcome.facets.as_ref().unwrap().kind.values().sum()
    }

    #[test]
    fn report_runs_change_no_hit_nor_score() {
        let dir = tempfile::TempDir::new().unwrap();
        let corpus = dir.path().join("corpus");
        std::fs::create_dir(&corpus).unwrap();
        // Titles hold the query words, so that the level `all` asks titles for them.
        let reports = [
            (
                "城市交流報告",
                ["雙城論壇在臺北舉行。", "交流活動很多。", "城市的未來。"],
            ),
            (
                "論壇紀要",
                ["城市交流頻繁。", "本次議程。", "交流與論壇並行。"],
            ),
            (
                "其他事項",
                ["雙城論壇促進城市交流。", "論壇結束。", "無關的段落。"],
            ),
            ("城市論壇", ["紀要一則。", "交流。", "雙城的交流紀要。"]),
        ];
        for (i, (title, passages)) in reports.iter().enumerate() {
            let text = format!("標題：{title}\n\n{}\n", passages.join("\n\n"));
            std::fs::write(corpus.join(format!("r{i}.txt")), text).unwrap();
        }
        let index = dir.path().join("index");
        crate::corpus::update(&index, &corpus, false, &crate::corpus::Quiet).unwrap();
        let store = Store::open_for_search(&index).unwrap();
        let searcher = store.reader().unwrap().searcher();
        let searching = Searching::new(&store, &searcher);
        let queries = [
            "交流 論壇",
            "城市 論壇",
            "論壇",
            "交流 紀要 城市",
            "城市 議程",
        ];
        let found = |query: &str| {
            let outcome = searching
                .run(&Request {
                    query: query.into(),
                    limit: 100,
                    ..Default::default()
                })
                .unwrap();
            let hits: Vec<(String, u32, Level)> = outcome
                .hits
                .iter()
                .map(|h| (h.passage.id.clone(), h.score.to_bits(), h.level))
                .collect();
            (hits, outcome.total)
        };
        let before: Vec<_> = queries.iter().map(|q| found(q)).collect();
        assert!(before.iter().all(|(hits, _)| !hits.is_empty()));
        crate::search::report_runs::warm(&searcher);
        let runs = crate::search::report_runs::of(searcher.segment_reader(0));
        assert!(runs.is_some_and(|r| !r.is_empty()));
        let after: Vec<_> = queries.iter().map(|q| found(q)).collect();
        assert_eq!(before, after);
    }

    #[test]
    fn facets_count_the_matches_total_counts_and_change_no_hit() {
        let dir = tempfile::TempDir::new().unwrap();
        let corpus = dir.path().join("corpus");
        std::fs::create_dir(&corpus).unwrap();
        // 30 passages hold both words, 20 only the first, 10 only part of it.
        let mut text = String::from("標題：城市報告\n\n");
        for i in 0..30 {
            text.push_str(&format!("第{i}段記載雙城論壇促進城市交流。\n\n"));
        }
        for i in 0..20 {
            text.push_str(&format!("第{i}則提到雙城論壇的議程。\n\n"));
        }
        for i in 0..10 {
            text.push_str(&format!("第{i}項只談論壇本身。\n\n"));
        }
        std::fs::write(corpus.join("r.txt"), text).unwrap();
        let index = dir.path().join("index");
        crate::corpus::update(&index, &corpus, false, &crate::corpus::Quiet).unwrap();
        let store = Store::open_for_search(&index).unwrap();
        let searcher = store.reader().unwrap().searcher();
        let searching = Searching::new(&store, &searcher);
        let mut totals = Vec::new();
        for limit in [1, 5, 100] {
            let plain = Request {
                query: "雙城論壇 交流".into(),
                limit,
                ..Default::default()
            };
            let faceted = searching
                .run(&Request {
                    facets: true,
                    ..plain.clone()
                })
                .unwrap();
            let plain = searching.run(&plain).unwrap();
            let ids = |o: &Outcome| -> Vec<String> {
                o.hits.iter().map(|h| h.passage.id.clone()).collect()
            };
            assert_eq!(ids(&faceted), ids(&plain), "limit {limit}");
            assert_eq!(faceted.total, plain.total, "limit {limit}");
            assert_eq!(counted(&faceted), faceted.total as u64, "limit {limit}");
            let facets = faceted.facets.unwrap();
            assert_eq!(facets.report.values().sum::<u64>(), faceted.total as u64);
            totals.push(faceted.total);
        }
        // A small page reads the level of passages holding both words alone; a page larger
        // than that level reads the next ones, and counts them.
        assert_eq!(totals[0], 30);
        assert_eq!(totals[1], 30);
        assert!(totals[2] >= 50, "{totals:?}");
    }
}
