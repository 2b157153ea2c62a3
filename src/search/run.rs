//! Running a search: a request → its plan → the queries of each match level, run in order →
//! one page of hits with snippets, and facet counts over every match.
//!
//! Hits are ordered by match level first (every query word whole, then some word whole, then
//! only parts of words), then by score, then by a key only the passage decides. That order is
//! a function of the query, the filters and the index alone: the page size, the offset and
//! `--facets` never change it. Levels run one after the other, and a later level is only
//! read when the earlier ones do not fill `offset + limit`; this is exact, since no passage of
//! a later level can rank above one of an earlier level.

use std::collections::{HashMap, HashSet};

use anyhow::Result;
use tantivy::collector::Count;
use tantivy::columnar::Column;
use tantivy::query::{EnableScoring, Query};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Score};
use tantivy::{DocSet, TERMINATED};

use crate::index::{KeyColumn, SAME_TEXT_FIELD, report_key_of};
use crate::search::clauses::{Scope, anywhere};
use crate::search::counts::FacetCounter;
use crate::search::plan::Plan;
use crate::search::snippet::{Snippet, make_snippet};
use crate::search::top::TopHits;
use crate::search::{Facets, Hit, Level, MAX_LIMIT, MAX_OFFSET, Outcome, Request, Searching};

/// Matches read beyond the page at least, for repeats to be folded without a second search.
const REPEAT_MARGIN: usize = 10;

/// A match: its level, its score and where it is.
type Ranked = (Level, Score, DocAddress);

impl Searching<'_> {
    /// Runs a search (see the module documentation).
    pub fn run(&self, request: &Request) -> Result<Outcome> {
        // Frequencies are only shared within one search, so each is measured as a fresh
        // process would run it.
        self.doc_freqs.borrow_mut().clear();
        if request.has_blank_filter() {
            return Ok(Outcome::default());
        }
        let plan = self.plan(&request.query);
        // tantivy allocates the whole page up front: keep library callers within bounds too.
        let limit = request.limit.clamp(1, MAX_LIMIT);
        let offset = request.offset.min(MAX_OFFSET);
        let wanted = offset + limit;
        let levels: &[Level] = if plan.positive().count() > 1 {
            &[Level::All, Level::Some, Level::Partial]
        } else {
            &[Level::All, Level::Partial]
        };
        // Repeats of a passage already ranked are folded into it; while they leave the page
        // short, more is read. Folding follows the one order, so every page agrees on it.
        // A page's worth more is read at once, so that a few repeats on the page do not
        // cost a second search.
        let mut budget = wanted.saturating_mul(2).max(wanted + REPEAT_MARGIN);
        let (ranked, matched) = loop {
            let (ranked, matched, complete) = self.ranked(request, &plan, levels, budget)?;
            let kept = self.without_repeats(ranked);
            if kept.len() >= wanted || complete {
                break (kept, matched);
            }
            budget = budget.saturating_mul(2);
        };
        let (total, facets) = match request.facets {
            true => {
                let (total, facets) = self.facets(request, &plan)?;
                (total, Some(facets))
            }
            false => (matched, None),
        };
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
            let also = self.repeats_of(address, &passage.report)?;
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
                let keys = KeyColumn::open(segment);
                for &i in segment_hits {
                    let doc = page[i].2.doc_id;
                    let titled = word
                        .title_keys
                        .binary_search(&report_key_of(keys.get(doc)))
                        .is_ok();
                    let held = scorer.doc() == doc || scorer.doc() < doc && scorer.seek(doc) == doc;
                    if !titled && !held {
                        missing[i].push(word.text.clone());
                    }
                }
            }
        }
        Ok(missing)
    }

    /// The best `budget` matches, level by level, with the number of matches of the levels
    /// read and whether those are all the matches there are.
    fn ranked(
        &self,
        request: &Request,
        plan: &super::plan::Plan,
        levels: &[Level],
        budget: usize,
    ) -> Result<(Vec<Ranked>, usize, bool)> {
        let mut ranked: Vec<Ranked> = Vec::new();
        let mut matched = 0;
        for (n, &level) in levels.iter().enumerate() {
            if matched >= budget {
                return Ok((ranked, matched, false));
            }
            let query = self.build(request, plan, Scope::Level(level));
            let (top, count) = self.searcher.search_with_statistics_provider(
                &query,
                &(TopHits::new(budget - matched, 0), Count),
                self,
            )?;
            ranked.extend(
                top.into_iter()
                    .map(|(score, address)| (level, score, address)),
            );
            matched += count;
            if n + 1 == levels.len() {
                let complete = ranked.len() == matched;
                return Ok((ranked, matched, complete));
            }
        }
        Ok((ranked, matched, true))
    }

    /// `ranked` without the passages whose text (list markers and spaces aside) a passage of
    /// the same report ranked above them has.
    fn without_repeats(&self, ranked: Vec<Ranked>) -> Vec<Ranked> {
        let mut columns: HashMap<u32, (KeyColumn, Option<Column<u64>>)> = HashMap::new();
        let mut seen: HashSet<(u64, u64)> = HashSet::new();
        ranked
            .into_iter()
            .filter(|&(_, _, address)| {
                let (keys, same) = columns.entry(address.segment_ord).or_insert_with(|| {
                    let segment = self.searcher.segment_reader(address.segment_ord);
                    let same = segment.fast_fields().u64(SAME_TEXT_FIELD).ok();
                    (KeyColumn::open(segment), same)
                });
                let Some(text_key) = same.as_ref().and_then(|c| c.first(address.doc_id)) else {
                    return true;
                };
                seen.insert((report_key_of(keys.get(address.doc_id)), text_key))
            })
            .collect()
    }

    /// Ids of the other passages of `report` with the text of the one at `address`, in
    /// document order.
    fn repeats_of(&self, address: DocAddress, report: &str) -> Result<Vec<String>> {
        let segment = self.searcher.segment_reader(address.segment_ord);
        let Some(text_key) = segment
            .fast_fields()
            .u64(SAME_TEXT_FIELD)
            .ok()
            .and_then(|c| c.first(address.doc_id))
        else {
            return Ok(Vec::new());
        };
        // The key is a column only: the report's postings are walked in each segment and
        // each passage's key read from the column (a few µs per thousand passages).
        let term = self.store.report_term(report);
        let mut found = Vec::new();
        for (ord, segment) in self.searcher.segment_readers().iter().enumerate() {
            let Ok(column) = segment.fast_fields().u64(SAME_TEXT_FIELD) else {
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

    /// The number of matches at any level, and their facet counts.
    fn facets(&self, request: &Request, plan: &super::plan::Plan) -> Result<(usize, Facets)> {
        let query = self.build(request, plan, Scope::Any);
        let (total, counts) = self.searcher.search(&query, &(Count, FacetCounter))?;
        Ok((total, FacetCounter::facets(counts)))
    }
}
