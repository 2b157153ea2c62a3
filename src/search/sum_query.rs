//! Candidate scoring: scoring clauses, which of them make a passage a candidate, and the
//! filters a candidate must pass → each candidate scored by the sum of the clauses that hold
//! it, times the passage's prior. A clause adds a fixed bonus when it matches plus,
//! optionally, its weighted BM25 score, so one phrase scorer serves both "holds the word
//! whole" and "how well".
//!
//! A boolean query would do the same arithmetic, but it evaluates each word's phrases once to
//! find candidates and again to score them, and walks its optional clauses as one union that
//! refills a window of thousands of documents around every candidate: with common words
//! (行政院) that reads most of their postings for a few hundred candidates. Here the clauses'
//! own scorers find the candidates (leapfrogging from word to word when every word must be
//! held), and a clause that does not make candidates only skips forward to the next one, so
//! a search reads what it scores, once.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::collections::binary_heap::PeekMut;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Cardinality, ColumnValues};
use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentOrdinal, SegmentReader, TERMINATED};

use crate::index::{KeyColumn, PRIOR_FIELD, report_key_of};
use crate::search::report_runs::{self, KeyFilter, Ranges, ReportRuns};

/// Prior of a document without one.
const DEFAULT_PRIOR: u64 = 100;

/// What matching a clause says about a document being a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// The clause holds query word `n` whole.
    Word(usize),
    /// The clause holds a part of a query word.
    Part,
    /// The clause only adds to the score of candidates.
    Never,
}

/// Which documents are candidates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Candidates {
    /// Every query word is held whole by one of its clauses.
    EveryWord,
    /// Some clause holds a query word whole.
    SomeWord,
    /// Some clause holding a word or a part of one matches.
    AnyPart,
}

/// One scoring clause: a document it matches earns `bonus + weight × score`.
#[derive(Debug)]
pub struct Clause {
    pub query: Box<dyn Query>,
    pub bonus: Score,
    /// 0 when only the bonus counts: the clause's own score is then never computed.
    pub weight: Score,
    pub anchor: Anchor,
    /// The clause finds the word in the passage's place (the headings above it, a table
    /// row's caption and headers), not in its text: see [`SumQuery::place_bonus`].
    pub place: bool,
}

impl Clause {
    /// A clause worth its query's score.
    pub fn scored(query: Box<dyn Query>, anchor: Anchor) -> Clause {
        Clause {
            query,
            bonus: 0.0,
            weight: 1.0,
            anchor,
            place: false,
        }
    }
}

impl Clone for Clause {
    fn clone(&self) -> Clause {
        Clause {
            query: self.query.box_clone(),
            bonus: self.bonus,
            weight: self.weight,
            anchor: self.anchor,
            place: self.place,
        }
    }
}

/// Candidates (see [`Candidates`]) that match `required` and not `excluded`, scored by the
/// clauses that match them plus the bonus of their report.
#[derive(Debug)]
pub struct SumQuery {
    pub candidates: Candidates,
    /// Keep only the candidates of one match level: with [`Candidates::SomeWord`], those
    /// that do not hold every word; with [`Candidates::AnyPart`], those holding no word whole.
    pub exclusive: bool,
    pub clauses: Vec<Clause>,
    pub required: Option<Box<dyn Query>>,
    pub excluded: Option<Box<dyn Query>>,
    /// Words (the `n` of [`Anchor::Word`]) every candidate must hold whole, whatever
    /// `candidates` says.
    pub required_words: Vec<usize>,
    /// For each word (the `n` of [`Anchor::Word`]), the keys of the reports whose title holds
    /// it, sorted: their passages hold the word for the match level, if they hold another
    /// word themselves.
    pub title_keys: Vec<Vec<u64>>,
    /// (report key, bonus), sorted by key (see [`crate::index::report_key`]).
    pub report_bonuses: Vec<(u64, Score)>,
    /// The bonus of a passage whose place holds every word, its report's title some and its
    /// context clauses (headings) the others: the query names where the passage is
    /// (`科學技術基本法 第17條`: the law's report, the article's heading); the outline's
    /// [`crate::search::plan::outline::Outline::place_bonus`]. None: no such bonus.
    pub place_bonus: Option<Score>,
}

impl Clone for SumQuery {
    fn clone(&self) -> SumQuery {
        SumQuery {
            candidates: self.candidates,
            exclusive: self.exclusive,
            clauses: self.clauses.clone(),
            required: self.required.as_ref().map(|q| q.box_clone()),
            excluded: self.excluded.as_ref().map(|q| q.box_clone()),
            required_words: self.required_words.clone(),
            title_keys: self.title_keys.clone(),
            report_bonuses: self.report_bonuses.clone(),
            place_bonus: self.place_bonus,
        }
    }
}

impl Query for SumQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        // Filters and bonus-only clauses are never scored.
        let unscored = match enable_scoring.searcher() {
            Some(searcher) => EnableScoring::disabled_from_searcher(searcher),
            None => EnableScoring::disabled_from_schema(enable_scoring.schema()),
        };
        let filter =
            |q: &Option<Box<dyn Query>>| q.as_ref().map(|q| q.weight(unscored)).transpose();
        let mut clauses = Vec::with_capacity(self.clauses.len());
        for clause in &self.clauses {
            let scored = clause.weight != 0.0 && enable_scoring.is_scoring_enabled();
            let weight = clause
                .query
                .weight(if scored { enable_scoring } else { unscored })?;
            clauses.push(ClauseWeight {
                weight,
                bonus: clause.bonus,
                factor: if scored { clause.weight } else { 0.0 },
                anchor: clause.anchor,
                place: clause.place,
            });
        }
        Ok(Box::new(SumWeight {
            candidates: self.candidates,
            exclusive: self.exclusive,
            clauses,
            required: filter(&self.required)?,
            excluded: filter(&self.excluded)?,
            required_words: self.required_words.clone(),
            title_keys: self.title_keys.clone().into(),
            report_bonuses: self.report_bonuses.as_slice().into(),
            bonus_filter: Arc::new(KeyFilter::new(
                self.report_bonuses.iter().map(|&(key, _)| key),
            )),
            place_bonus: self.place_bonus,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a tantivy::Term, bool)) {
        for clause in &self.clauses {
            clause.query.query_terms(visitor);
        }
    }
}

struct ClauseWeight {
    weight: Box<dyn Weight>,
    bonus: Score,
    factor: Score,
    anchor: Anchor,
    place: bool,
}

struct SumWeight {
    candidates: Candidates,
    exclusive: bool,
    clauses: Vec<ClauseWeight>,
    required: Option<Box<dyn Weight>>,
    excluded: Option<Box<dyn Weight>>,
    required_words: Vec<usize>,
    /// Shared with each segment's scorer.
    title_keys: Arc<[Vec<u64>]>,
    /// Shared with each segment's scorer: a word in thousands of report titles (行政院) has
    /// a bonus for each report, copied per segment before.
    report_bonuses: Arc<[(u64, Score)]>,
    /// The keys of `report_bonuses`.
    bonus_filter: Arc<KeyFilter>,
    place_bonus: Option<Score>,
}

impl Weight for SumWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut clauses = Vec::with_capacity(self.clauses.len());
        let mut words: Vec<Vec<usize>> = Vec::new();
        let mut generators = Vec::new();
        let mut docs = Vec::with_capacity(self.clauses.len());
        for (i, clause) in self.clauses.iter().enumerate() {
            let scorer = clause.weight.scorer(reader, boost)?;
            docs.push(scorer.doc());
            match clause.anchor {
                Anchor::Word(n) => {
                    if words.len() <= n {
                        words.resize(n + 1, Vec::new());
                    }
                    words[n].push(i);
                    // Passages holding a word are never partial matches.
                    if !(self.exclusive && self.candidates == Candidates::AnyPart) {
                        generators.push(i);
                    }
                }
                Anchor::Part if self.candidates == Candidates::AnyPart => generators.push(i),
                _ => {}
            }
            clauses.push(ClauseScorer {
                scorer,
                bonus: clause.bonus * boost,
                factor: clause.factor,
                place: clause.place,
                word: match clause.anchor {
                    Anchor::Word(n) => Some(n),
                    _ => None,
                },
            });
        }
        // Whole blocks for `due_mask`; the padding is never due.
        docs.resize(docs.len().next_multiple_of(DUE_BLOCK), TERMINATED);
        let titled = self.title_keys.iter().any(|keys| !keys.is_empty());
        let report_keys = (!self.report_bonuses.is_empty() || titled).then(|| ReportOf::of(reader));
        // With the segment's report runs, the passages of the reports whose title holds a
        // word are ranges, and a word held by a passage or its report's title is one more
        // docset to leapfrog over.
        // Only the levels that ask whether titles hold the words need them.
        let title_checked = self.candidates == Candidates::EveryWord
            || self.exclusive && self.candidates == Candidates::SomeWord;
        let title_ranges: Vec<Option<Ranges>> = match &report_keys {
            Some(ReportOf::Runs(runs, _)) if title_checked => (0..words.len())
                .map(|n| {
                    self.title_keys
                        .get(n)
                        .filter(|keys| !keys.is_empty())
                        .map(|keys| runs.ranges(keys))
                })
                .collect(),
            _ => Vec::new(),
        };
        let ranged = !title_ranges.is_empty();
        // Without runs, a word that report titles hold has no postings to leapfrog over:
        // candidates holding every word are found by leapfrogging over the other words, then
        // checked for the titled ones; only when every word is titled, among those holding
        // some word.
        let untitled: Vec<usize> = (0..words.len())
            .filter(|&n| ranged || self.title_keys.get(n).is_none_or(|keys| keys.is_empty()))
            .collect();
        let every_word = self.candidates == Candidates::EveryWord && !untitled.is_empty();
        let level_check = match (self.exclusive, self.candidates) {
            (_, Candidates::EveryWord) if titled && !ranged => LevelCheck::EveryWord,
            (true, Candidates::SomeWord) => LevelCheck::NotEveryWord,
            (true, Candidates::AnyPart) => LevelCheck::NoWord,
            _ => LevelCheck::None,
        };
        let all_words = words.clone();
        let words_len = words.len();
        let must_hold: Vec<Vec<usize>> = if every_word {
            untitled.iter().map(|&n| words[n].clone()).collect()
        } else {
            self.required_words
                .iter()
                .map(|&n| words.get(n).cloned().unwrap_or_default())
                .collect()
        };
        // In ranged mode `must_hold` lists every word, in word order, beside its ranges.
        let must_hold_ranges: Vec<Option<Ranges>> = if every_word && ranged {
            title_ranges.clone()
        } else {
            Vec::new()
        };
        if self.candidates == Candidates::EveryWord && words_len == 0
            || must_hold.iter().enumerate().any(|(n, w)| {
                w.iter().all(|&i| docs[i] == TERMINATED)
                    && must_hold_ranges
                        .get(n)
                        .is_none_or(|r| r.as_ref().is_none_or(Ranges::is_empty))
            })
        {
            return Ok(Box::new(EmptyScorer));
        }
        let filter =
            |w: &Option<Box<dyn Weight>>| w.as_ref().map(|w| w.scorer(reader, 1.0)).transpose();
        // Every document of an index written since the report documents have a prior too:
        // its values are then read directly, not through the column's index of which
        // documents have one, once per candidate.
        let prior = reader
            .fast_fields()
            .u64(PRIOR_FIELD)
            .ok()
            .map(|c| match c.get_cardinality() {
                Cardinality::Full => c.values,
                _ => c.first_or_default_col(DEFAULT_PRIOR),
            });
        // Only these modes ask the generators (see `find`), and a few are asked faster in turn.
        let asked = !every_word || !must_hold_ranges.is_empty();
        let generated = (asked && generators.len() > MAX_GENERATORS_IN_TURN).then(|| {
            generators
                .iter()
                .filter(|&&i| docs[i] != TERMINATED)
                .map(|&i| Reverse((docs[i], i)))
                .collect()
        });
        let mut scorer = SumScorer {
            clauses,
            docs,
            every_word,
            must_hold,
            level_check,
            all_words,
            generated,
            generators,
            required: filter(&self.required)?,
            excluded: filter(&self.excluded)?,
            prior,
            report_keys,
            must_hold_ranges,
            title_ranges,
            place_bonus: self.place_bonus.map(|b| b * boost),
            title_keys: self.title_keys.clone(),
            report_bonuses: self.report_bonuses.clone(),
            bonus_filter: self.bonus_filter.clone(),
            boost,
            last_bonus: None,
            last_titled: (None, Vec::new()),
            evaluated: Evaluated {
                doc: TERMINATED,
                sum: 0.0,
                placed: false,
                held: 0,
            },
            doc: 0,
        };
        scorer.doc = scorer.find(0);
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        explained(self, reader, doc, "sum of matching clauses × prior")
    }
}

/// `weight`'s score of `doc` as one explanation (no details), or an error when `doc` does
/// not match.
pub(crate) fn explained(
    weight: &dyn Weight,
    reader: &SegmentReader,
    doc: DocId,
    what: &'static str,
) -> tantivy::Result<Explanation> {
    let mut scorer = weight.scorer(reader, 1.0)?;
    if scorer.seek(doc) != doc {
        return Err(tantivy::TantivyError::InvalidArgument(format!(
            "document {doc} does not match"
        )));
    }
    Ok(Explanation::new(what, scorer.score()))
}

/// Which candidates a scorer keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LevelCheck {
    None,
    /// Those holding every word, in themselves or their report's title.
    EveryWord,
    /// Those that do not hold every word (in themselves or their report's title).
    NotEveryWord,
    /// Those holding no word.
    NoWord,
}

/// What the clauses say of one document (see [`SumScorer::evaluate`]).
#[derive(Debug, Clone, Copy)]
struct Evaluated {
    doc: DocId,
    /// The bonuses and weighted scores of the clauses matching it, added in clause order.
    sum: Score,
    /// Whether one of them finds a word in the passage's place.
    placed: bool,
    /// Bit `n`: the passage itself holds word `n` whole.
    held: u64,
}

/// Clauses whose documents [`due_mask`] compares at once.
const DUE_BLOCK: usize = 16;

/// Bit `j`: `docs[j]` is at or before `doc`. A fixed-size block compiles to a few vector
/// compares.
fn due_mask(docs: &[DocId; DUE_BLOCK], doc: DocId) -> u32 {
    let mut mask = 0;
    for (j, &d) in docs.iter().enumerate() {
        mask |= u32::from(d <= doc) << j;
    }
    mask
}

/// Generators up to this many are asked in turn for their next document; more are a heap.
const MAX_GENERATORS_IN_TURN: usize = 8;

/// Words a document's [`Evaluated::held`] can tell (a query has at most 32).
const MAX_MASKED_WORDS: usize = 64;

struct ClauseScorer {
    scorer: Box<dyn Scorer>,
    bonus: Score,
    factor: Score,
    place: bool,
    /// The word the clause holds whole (`n` of [`Anchor::Word`]).
    word: Option<usize>,
}

/// Clause `i`'s first document at or after `target` (clauses only move forward); `docs`
/// holds each clause's document (see [`SumScorer::docs`]).
fn reach_clause(
    clauses: &mut [ClauseScorer],
    docs: &mut [DocId],
    i: usize,
    target: DocId,
) -> DocId {
    if docs[i] < target {
        docs[i] = clauses[i].scorer.seek(target);
    }
    docs[i]
}

struct SumScorer {
    clauses: Vec<ClauseScorer>,
    /// Each clause's document ([`TERMINATED`]: none in this segment), kept apart from its
    /// scorer: every candidate asks every clause where it is, and a question typed as a
    /// sentence has dozens of clauses and 10⁵ candidates. Side by side, the clauses at or
    /// before a candidate are found without a branch per clause (see `evaluate`).
    docs: Vec<DocId>,
    /// Whether candidates are the documents holding every word (else: any generator's).
    every_word: bool,
    /// The clauses holding each word that every candidate must hold.
    must_hold: Vec<Vec<usize>>,
    /// Which candidates belong to the level sought.
    level_check: LevelCheck,
    /// The clauses holding each word.
    all_words: Vec<Vec<usize>>,
    /// See [`SumQuery::title_keys`].
    title_keys: Arc<[Vec<u64>]>,
    /// Clauses any of which makes a candidate, unless `every_word`.
    generators: Vec<usize>,
    /// With more than [`MAX_GENERATORS_IN_TURN`], the generators with documents left, by
    /// the document each was last seen at (see `first_generated`).
    generated: Option<BinaryHeap<Reverse<(DocId, usize)>>>,
    required: Option<Box<dyn Scorer>>,
    excluded: Option<Box<dyn Scorer>>,
    prior: Option<Arc<dyn ColumnValues<u64>>>,
    /// Where a candidate's report key is read, when some bonus or title needs it.
    report_keys: Option<ReportOf>,
    /// In ranged mode (report runs known, candidates holding every word), the documents of
    /// the reports whose title holds each word of `must_hold` (`None`: no title holds it).
    must_hold_ranges: Vec<Option<Ranges>>,
    /// With report runs, the documents of the reports whose title holds each word.
    title_ranges: Vec<Option<Ranges>>,
    /// (report key, bonus) before `boost`.
    report_bonuses: Arc<[(u64, Score)]>,
    /// The keys of `report_bonuses`: most candidates' reports have no bonus.
    bonus_filter: Arc<KeyFilter>,
    /// The boost the scorer was made with, applied to a report bonus when it is found.
    boost: Score,
    /// The report key last asked for a bonus, and its bonus (see `report_bonus`).
    last_bonus: Option<(u64, Option<Score>)>,
    /// The report last asked whether it names a place, and which words its title holds.
    last_titled: (Option<Option<u64>>, Vec<bool>),
    /// See [`SumQuery::place_bonus`].
    place_bonus: Option<Score>,
    /// The last document evaluated.
    evaluated: Evaluated,
    doc: DocId,
}

/// Where a segment's report keys are read.
enum ReportOf {
    /// Its report runs (see [`report_runs`]), with a cursor into them.
    Runs(Arc<ReportRuns>, usize),
    /// Its key column.
    Column(KeyColumn),
}

impl ReportOf {
    /// The segment's runs if it was warmed, else its key column.
    fn of(segment: &SegmentReader) -> ReportOf {
        match report_runs::of(segment) {
            Some(runs) => ReportOf::Runs(runs, 0),
            None => ReportOf::Column(KeyColumn::open(segment)),
        }
    }

    fn key(&mut self, doc: DocId) -> u64 {
        match self {
            ReportOf::Runs(runs, cursor) => runs.key_at(cursor, doc),
            ReportOf::Column(keys) => report_key_of(keys.get(doc)),
        }
    }
}

/// Whether the title of `report` holds word `n` (see [`SumQuery::title_keys`]).
fn title_holds(title_keys: &[Vec<u64>], n: usize, report: Option<u64>) -> bool {
    report.is_some_and(|key| {
        title_keys
            .get(n)
            .is_some_and(|keys| keys.binary_search(&key).is_ok())
    })
}

/// First document of `docset` at or after `target` (docsets only move forward).
fn reach(docset: &mut dyn DocSet, target: DocId) -> DocId {
    let doc = docset.doc();
    if doc < target {
        docset.seek(target)
    } else {
        doc
    }
}

impl SumScorer {
    /// The first candidate at or after `target`.
    fn find(&mut self, mut target: DocId) -> DocId {
        loop {
            let doc = if self.every_word {
                self.first_holding_every_word(target)
            } else {
                self.first_generated(target)
            };
            if doc == TERMINATED {
                return TERMINATED;
            }
            // A passage that holds no word itself is no candidate, whatever titles hold.
            if !self.must_hold_ranges.is_empty() {
                let own = self.first_generated(doc);
                if own != doc {
                    if own == TERMINATED {
                        return TERMINATED;
                    }
                    target = own;
                    continue;
                }
            }
            if !self.every_word && !self.must_hold.is_empty() {
                let next = self.first_holding_every_word(doc);
                if next != doc {
                    target = next;
                    continue;
                }
            }
            // Filters before the level: the level reads every clause (see `evaluate`).
            if let Some(required) = &mut self.required {
                let next = reach(required.as_mut(), doc);
                if next != doc {
                    target = next;
                    continue;
                }
            }
            if let Some(excluded) = &mut self.excluded
                && reach(excluded.as_mut(), doc) == doc
            {
                target = doc + 1;
                continue;
            }
            let in_level = match self.level_check {
                LevelCheck::None => true,
                LevelCheck::EveryWord => self.holds_every_word(doc),
                LevelCheck::NotEveryWord => !self.holds_every_word(doc),
                LevelCheck::NoWord => self.holds_no_word(doc),
            };
            if !in_level {
                target = doc + 1;
                continue;
            }
            return doc;
        }
    }

    /// Whether `doc` holds word `n` whole itself.
    fn holds_own(&mut self, doc: DocId, n: usize) -> bool {
        if self.all_words.len() <= MAX_MASKED_WORDS {
            return self.evaluate(doc).held & (1 << n) != 0;
        }
        let (clauses, docs) = (&mut self.clauses, &mut self.docs);
        self.all_words[n]
            .iter()
            .any(|&i| reach_clause(clauses, docs, i, doc) == doc)
    }

    /// Whether `doc` holds every word whole, itself or in its report's title; the words
    /// after the first it lacks are not asked about.
    fn holds_every_word(&mut self, doc: DocId) -> bool {
        // The report's key is read only for a word the passage does not hold itself and
        // some title holds: without runs each read is a likely cache miss into a column of a
        // key per passage, and most candidates hold their words themselves.
        let mut report: Option<Option<u64>> = None;
        for n in 0..self.all_words.len() {
            if self.holds_own(doc, n) {
                continue;
            }
            if self.title_keys.get(n).is_none_or(|k| k.is_empty()) {
                return false;
            }
            let titled = match self.title_ranges.get_mut(n) {
                Some(ranges) => ranges.as_mut().is_some_and(|r| r.contains(doc)),
                None => {
                    let keys = &mut self.report_keys;
                    let report =
                        *report.get_or_insert_with(|| keys.as_mut().map(|keys| keys.key(doc)));
                    title_holds(&self.title_keys, n, report)
                }
            };
            if !titled {
                return false;
            }
        }
        true
    }

    /// Whether `doc` holds no word whole itself.
    fn holds_no_word(&mut self, doc: DocId) -> bool {
        if self.all_words.len() <= MAX_MASKED_WORDS {
            return self.evaluate(doc).held == 0;
        }
        !(0..self.all_words.len()).any(|n| self.holds_own(doc, n))
    }

    /// The bonus of the passages of report `key`, if it has one. Candidates come in document
    /// order and a report's passages are consecutive, so the last report's answer is kept:
    /// a binary search of thousands of bonuses per candidate (a sentence's words are in many
    /// titles) was a third of scoring a question typed as a sentence.
    fn report_bonus(&mut self, key: u64) -> Option<Score> {
        match self.last_bonus {
            Some((last, bonus)) if last == key => bonus,
            _ if !self.bonus_filter.may_hold(key) => {
                self.last_bonus = Some((key, None));
                None
            }
            _ => {
                let found = self.report_bonuses.binary_search_by_key(&key, |&(k, _)| k);
                let bonus = found.ok().map(|i| self.report_bonuses[i].1 * self.boost);
                self.last_bonus = Some((key, bonus));
                bonus
            }
        }
    }

    /// The report key of `doc`, when some bonus or title needs it.
    fn report_of(&mut self, doc: DocId) -> Option<u64> {
        self.report_keys.as_mut().map(|keys| keys.key(doc))
    }

    // RANKING.md: a title and a heading name a place
    /// Whether the passage's place holds every word at `doc` (clauses already reached): its
    /// report's title at least one, a place clause each of the others, and there are others.
    /// A title holding every word names a report, not a place in it: its passages inherit
    /// the words alike, so none earns the place's bonus (RANKING.md: own text first).
    fn placed(&mut self, doc: DocId, report: Option<u64>) -> bool {
        // Which words the title holds, asked once per report met (see `report_bonus`): each
        // was a binary search of the word's title keys, up to three times per candidate.
        if self.last_titled.0 != Some(report) {
            let holds = (0..self.all_words.len()).map(|n| title_holds(&self.title_keys, n, report));
            self.last_titled = (Some(report), holds.collect());
        }
        let titled = &self.last_titled.1;
        titled.iter().any(|&t| t)
            && titled.iter().any(|&t| !t)
            && self.all_words.iter().zip(titled).all(|(word, &titled)| {
                titled
                    || word
                        .iter()
                        .any(|&i| self.clauses[i].place && self.docs[i] == doc)
            })
    }

    /// Reaches every clause to `doc` once and adds up what the matching ones earn (see
    /// [`Evaluated`]): the level and the score of a candidate read the same clauses, and a
    /// question typed as a sentence has dozens. Most clauses are past `doc`: a bit mask of
    /// those that are not, 64 clauses at a time, leaves the rest untouched. Bits are taken
    /// in clause order, so scores add up in the same order.
    fn evaluate(&mut self, doc: DocId) -> Evaluated {
        if self.evaluated.doc != doc {
            let mut sum = 0.0;
            let mut placed = false;
            let mut held = 0u64;
            for base in (0..self.docs.len()).step_by(DUE_BLOCK) {
                let block = &self.docs[base..base + DUE_BLOCK];
                let mut due = due_mask(block.try_into().expect("whole blocks"), doc);
                while due != 0 {
                    let i = base + due.trailing_zeros() as usize;
                    due &= due - 1;
                    if reach_clause(&mut self.clauses, &mut self.docs, i, doc) != doc {
                        continue;
                    }
                    let clause = &mut self.clauses[i];
                    sum += clause.bonus;
                    placed |= clause.place;
                    if clause.factor != 0.0 {
                        sum += clause.factor * clause.scorer.score();
                    }
                    if let Some(n) = clause.word.filter(|&n| n < MAX_MASKED_WORDS) {
                        held |= 1 << n;
                    }
                }
            }
            self.evaluated = Evaluated {
                doc,
                sum,
                placed,
                held,
            };
        }
        self.evaluated
    }

    /// The first document at or after `target` that some generator holds. Many generators
    /// (a question typed as a sentence) are a heap by document: a candidate moves the few at
    /// the one before, not all of them. Other steps move clauses too, so a heap entry may be
    /// behind its clause; the top is brought up to date before it is taken.
    fn first_generated(&mut self, target: DocId) -> DocId {
        let Some(generated) = &mut self.generated else {
            let mut first = TERMINATED;
            for &i in &self.generators {
                first = first.min(reach_clause(&mut self.clauses, &mut self.docs, i, target));
            }
            return first;
        };
        loop {
            let Some(mut top) = generated.peek_mut() else {
                return TERMINATED;
            };
            let Reverse((queued, i)) = *top;
            let doc = reach_clause(&mut self.clauses, &mut self.docs, i, target);
            if doc == queued {
                return doc;
            }
            if doc == TERMINATED {
                PeekMut::pop(top);
            } else {
                *top = Reverse((doc, i));
            }
        }
    }

    /// Leapfrog over the words that must be held: a word's next document is the first of
    /// its clauses'.
    fn first_holding_every_word(&mut self, mut target: DocId) -> DocId {
        'again: loop {
            for (n, word) in self.must_hold.iter().enumerate() {
                let mut next = match self.must_hold_ranges.get_mut(n) {
                    Some(Some(ranges)) => ranges.next_from(target),
                    _ => TERMINATED,
                };
                for &i in word {
                    next = next.min(reach_clause(&mut self.clauses, &mut self.docs, i, target));
                }
                if next != target {
                    if next == TERMINATED {
                        return TERMINATED;
                    }
                    target = next;
                    continue 'again;
                }
            }
            return target;
        }
    }
}

impl DocSet for SumScorer {
    fn advance(&mut self) -> DocId {
        if self.doc != TERMINATED {
            self.doc = self.find(self.doc + 1);
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc < target {
            self.doc = self.find(target);
        }
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        let hint = |i: &usize| self.clauses[*i].scorer.size_hint();
        if !self.every_word {
            self.generators.iter().map(hint).max().unwrap_or(0)
        } else {
            self.must_hold
                .iter()
                .map(|w| w.iter().map(hint).max().unwrap_or(0))
                .min()
                .unwrap_or(0)
        }
    }
}

impl Scorer for SumScorer {
    fn score(&mut self) -> Score {
        let doc = self.doc;
        if doc == TERMINATED {
            return 0.0;
        }
        let Evaluated {
            mut sum, placed, ..
        } = self.evaluate(doc);
        // The report's key, read only when a bonus depends on it (see `holds_every_word`).
        let mut report = None;
        if !self.report_bonuses.is_empty()
            && let Some(key) = *report.get_or_insert_with(|| self.report_of(doc))
            && let Some(bonus) = self.report_bonus(key)
        {
            sum += bonus;
        }
        if let Some(place_bonus) = self.place_bonus.filter(|_| placed)
            && {
                let report = match report {
                    Some(report) => report,
                    None => self.report_of(doc),
                };
                self.placed(doc, report)
            }
        {
            sum += place_bonus;
        }
        match &self.prior {
            Some(prior) => sum * prior.get_val(doc) as Score / 100.0,
            None => sum,
        }
    }
}

/// Collects the report keys of the matching documents.
pub struct ReportKeys;

pub struct SegmentReportKeys {
    /// Matches come in document order: with the segment's runs, each key is a step of the
    /// runs' cursor instead of a read of the key column (the report documents a title word
    /// matches are 1 in 55 documents, each read a likely cache miss; 行政院 matches thousands).
    report: ReportOf,
    found: Vec<u64>,
}

impl Collector for ReportKeys {
    type Fruit = Vec<u64>;
    type Child = SegmentReportKeys;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        Ok(SegmentReportKeys {
            report: ReportOf::of(segment),
            found: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<u64>>) -> tantivy::Result<Vec<u64>> {
        Ok(fruits.concat())
    }
}

impl SegmentCollector for SegmentReportKeys {
    type Fruit = Vec<u64>;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.found.push(self.report.key(doc));
    }

    fn harvest(self) -> Vec<u64> {
        self.found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::TopDocs;
    use tantivy::query::TermQuery;
    use tantivy::schema::{FAST, IndexRecordOption, STRING, Schema};
    use tantivy::{Index, TantivyDocument, Term};

    /// Documents 0..n with `tag`s, a `prior` in percent and a key whose report key is doc
    /// number / 2 + 1.
    fn index(docs: &[(&str, u64)]) -> (Index, tantivy::schema::Field) {
        let mut builder = Schema::builder();
        let tag = builder.add_text_field("tag", STRING);
        let prior = builder.add_u64_field(PRIOR_FIELD, FAST);
        let key = builder.add_u64_field(crate::index::KEY_FIELD, FAST);
        let index = Index::create_in_ram(builder.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for (n, (t, p)) in docs.iter().enumerate() {
            let mut doc = TantivyDocument::default();
            doc.add_u64(key, KeyColumn::encode((n as u64 / 2 + 1) << 16 | n as u64));
            for word in t.split(' ') {
                doc.add_text(tag, word);
            }
            doc.add_u64(prior, *p);
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        (index, tag)
    }

    fn term_query(field: tantivy::schema::Field, text: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::Basic,
        ))
    }

    fn scores(index: &Index, query: &dyn Query) -> Vec<(u32, f32)> {
        let searcher = index.reader().unwrap().searcher();
        let mut found: Vec<(u32, f32)> = searcher
            .search(query, &TopDocs::with_limit(10).order_by_score())
            .unwrap()
            .into_iter()
            .map(|(score, address)| (address.doc_id, score))
            .collect();
        found.sort_by_key(|&(doc, _)| doc);
        found
    }

    fn bonus(query: Box<dyn Query>, bonus: Score, anchor: Anchor) -> Clause {
        Clause {
            query,
            bonus,
            weight: 0.0,
            anchor,
            place: false,
        }
    }

    fn sum(
        candidates: Candidates,
        clauses: Vec<Clause>,
        required: Option<Box<dyn Query>>,
        excluded: Option<Box<dyn Query>>,
    ) -> SumQuery {
        SumQuery {
            candidates,
            exclusive: false,
            clauses,
            required,
            excluded,
            required_words: Vec::new(),
            title_keys: Vec::new(),
            report_bonuses: Vec::new(),
            place_bonus: None,
        }
    }

    #[test]
    fn candidates_are_scored_by_the_clauses_they_match_times_their_prior() {
        let (index, tag) = index(&[("a b", 100), ("a", 50), ("b", 100), ("a c", 100)]);
        let clauses = || {
            vec![
                bonus(term_query(tag, "a"), 8.0, Anchor::Word(0)),
                bonus(term_query(tag, "b"), 2.0, Anchor::Part),
                bonus(term_query(tag, "c"), 1.0, Anchor::Never),
            ]
        };
        // Document 2 holds b but no word whole; document 1 has half the prior.
        let some_word = sum(Candidates::SomeWord, clauses(), None, None);
        assert_eq!(
            scores(&index, &some_word),
            vec![(0, 10.0), (1, 4.0), (3, 9.0)]
        );
        let any_part = sum(Candidates::AnyPart, clauses(), None, None);
        assert_eq!(
            scores(&index, &any_part),
            vec![(0, 10.0), (1, 4.0), (2, 2.0), (3, 9.0)]
        );
        let filtered = sum(
            Candidates::AnyPart,
            clauses(),
            Some(term_query(tag, "a")),
            Some(term_query(tag, "c")),
        );
        assert_eq!(scores(&index, &filtered), vec![(0, 10.0), (1, 4.0)]);
    }

    #[test]
    fn clauses_in_several_blocks_add_up_where_they_match() {
        // More clauses than a block of `due_mask`, some absent from the index (z).
        let (index, tag) = index(&[("t0 t3", 100), ("t1", 100), ("t2 t3 t9", 100), ("z0", 100)]);
        let tags = ["t0", "t1", "z1", "t2", "t3", "t9", "z2"];
        let clauses = (0..3 * DUE_BLOCK)
            .map(|k| {
                bonus(
                    term_query(tag, tags[k % tags.len()]),
                    k as Score + 1.0,
                    Anchor::Part,
                )
            })
            .collect();
        let expected = |held: &[&str]| -> Score {
            (0..3 * DUE_BLOCK)
                .filter(|k| held.contains(&tags[k % tags.len()]))
                .map(|k| k as Score + 1.0)
                .sum()
        };
        assert_eq!(
            scores(&index, &sum(Candidates::AnyPart, clauses, None, None)),
            vec![
                (0, expected(&["t0", "t3"])),
                (1, expected(&["t1"])),
                (2, expected(&["t2", "t3", "t9"])),
            ]
        );
    }

    #[test]
    fn every_word_must_be_held_by_one_of_its_clauses() {
        let (index, tag) = index(&[
            ("a x", 100),
            ("b y", 100),
            ("a y", 100),
            ("x b", 100),
            ("a", 100),
            ("y", 100),
            ("b x y", 100),
        ]);
        // Word 0 is a or b, word 1 is x or y.
        let query = sum(
            Candidates::EveryWord,
            vec![
                bonus(term_query(tag, "a"), 1.0, Anchor::Word(0)),
                bonus(term_query(tag, "b"), 2.0, Anchor::Word(0)),
                bonus(term_query(tag, "x"), 10.0, Anchor::Word(1)),
                bonus(term_query(tag, "y"), 20.0, Anchor::Word(1)),
            ],
            None,
            None,
        );
        assert_eq!(
            scores(&index, &query),
            vec![(0, 11.0), (1, 22.0), (2, 21.0), (3, 12.0), (6, 32.0)]
        );
    }

    #[test]
    fn required_words_narrow_any_mode() {
        let (index, tag) = index(&[("a", 100), ("b", 100), ("a b", 100), ("c", 100)]);
        for candidates in [Candidates::SomeWord, Candidates::AnyPart] {
            let mut query = sum(
                candidates,
                vec![
                    bonus(term_query(tag, "a"), 1.0, Anchor::Word(0)),
                    bonus(term_query(tag, "b"), 2.0, Anchor::Word(1)),
                    bonus(term_query(tag, "c"), 4.0, Anchor::Part),
                ],
                None,
                None,
            );
            query.required_words = vec![1];
            assert_eq!(scores(&index, &query), vec![(1, 2.0), (2, 3.0)]);
        }
    }

    #[test]
    fn report_bonuses_add_to_candidates_of_those_reports() {
        // Reports (keys) 1: docs 0, 1; 2: docs 2, 3; 3: doc 4.
        let (index, tag) = index(&[("a", 100), ("b", 100), ("a", 50), ("a", 100), ("a", 100)]);
        let mut query = sum(
            Candidates::SomeWord,
            vec![bonus(term_query(tag, "a"), 1.0, Anchor::Word(0))],
            None,
            None,
        );
        query.report_bonuses = vec![(1, 4.0), (2, 8.0), (9, 100.0)];
        // The prior applies to the bonus too; doc 1 is no candidate.
        assert_eq!(
            scores(&index, &query),
            vec![(0, 5.0), (2, 4.5), (3, 9.0), (4, 1.0)]
        );
    }
}
