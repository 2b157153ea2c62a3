//! Search: a query string and filters → ranked passages with snippets and facet counts.
//!
//! A query is whitespace-separated words; `"quoted phrases"` must match, `-word` must not.
//! Each word is folded exactly as the index was, then matched three ways: as an exact
//! (punctuation-insensitive) run of bigrams in the passage; as the words of the index's own
//! term dictionary that it contains (BM25; so no jieba dictionary is loaded at query time);
//! and by its bigrams in the passage's context (the heading above it, the lead sentence of
//! its list, a table row's caption and column headers). Words are OR-ed, but each word a
//! passage contains whole adds a fixed bonus, so passages matching more of the query rank
//! first and BM25 orders the rest. Passages of reports whose title holds some of the words
//! get a smaller bonus per word.

pub mod locate;
pub mod request;
pub mod snippet;
pub mod sum_query;
pub mod top;

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;

use anyhow::Result;
use serde::Serialize;
use tantivy::collector::{Count, DocSetCollector, FacetCollector, TopDocs};
use tantivy::query::{
    Bm25StatisticsProvider, BooleanQuery, BoostQuery, EmptyQuery, Occur, PhraseQuery, Query,
    RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{Facet, Field, IndexRecordOption};
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use crate::analysis::analyzer::{Folded, gram_terms, is_han, is_significant, query_pieces};
use crate::analysis::numerals::spellings;
use crate::index::Store;
use crate::report::passage::Passage;
use crate::search::snippet::{Snippet, make_snippet};
use crate::search::sum_query::{Anchor, Candidates, Clause, ReportKeys, SumQuery};
use crate::search::top::TopHits;

/// Bonus for a word found whole in the passage text.
const WHOLE_WORD_BODY: f32 = 8.0;
/// Bonus for a word found whole in the passage's context only.
const WHOLE_WORD_CONTEXT: f32 = 7.0;
/// Weight of BM25 on the passage's context relative to its text.
const CONTEXT_WEIGHT: f32 = 0.2;
/// Bonus for each query word found in the title of the passage's report: a report about
/// 大眾捷運 makes its table rows answers to a query that names 大眾捷運.
const TITLE_WORD: f32 = 4.0;
/// BM25 of a word found in another spelling of its numbers (第十二條 for 第12條), relative
/// to the spelling typed: the typed one ranks first when all else is equal.
const OTHER_SPELLING: f32 = 0.9;
/// A spelling some term of which is in at most 1/N of the passages is rare enough that
/// the other spellings of its numbers are searched too.
const RARE_SPELLING_SHARE: u64 = 200;
/// A word in more than 1/N of all passages is too common to score on its own.
const COMMON_TERM_SHARE: u64 = 20;
/// A word whose bigrams are all in more than 1/N of the passages is matched without positions.
const COMMON_PHRASE_SHARE: u64 = 50;
/// Most hits one search returns.
pub const MAX_LIMIT: usize = 10_000;
/// Deepest page offset accepted.
pub const MAX_OFFSET: usize = 1_000_000;
/// Longest substring of a query word looked up as a dictionary word.
const MAX_WORD_CHARS: usize = 8;
/// Query words beyond this are ignored (a pasted page is not a query).
const MAX_QUERY_WORDS: usize = 32;
/// Characters of one query word beyond this are ignored.
const MAX_QUERY_WORD_CHARS: usize = 64;

/// A word's whole-run queries: (in the passage text, in its context).
/// A word's whole-run queries: in the passage text (and the factor that brings a shortened
/// phrase's BM25 back to the full phrase's), in its context.
type WholeWord = ((Box<dyn Query>, f32), Box<dyn Query>);

/// What to search for.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub query: String,
    pub limit: usize,
    pub offset: usize,
    pub kind: Option<String>,
    pub report: Option<String>,
    pub year: Option<String>,
    pub section: Option<String>,
    pub facets: bool,
}

/// A ranked passage.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    #[serde(flatten)]
    pub passage: Passage,
    /// Best fragments of the text, matched words wrapped in `<mark>…</mark>`.
    pub snippet: String,
    pub score: f32,
    /// Matched character ranges `[start, end)` in `text`.
    pub highlights: Vec<[usize; 2]>,
}

/// Facet counts over all matches.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Facets {
    pub kind: BTreeMap<String, u64>,
    pub report: BTreeMap<String, u64>,
    pub year: BTreeMap<String, u64>,
    pub section: BTreeMap<String, u64>,
    pub organisation: BTreeMap<String, u64>,
}

/// Result of a search.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub hits: Vec<Hit>,
    pub total: usize,
    pub facets: Option<Facets>,
}

/// One parsed query word.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryWord {
    pub text: String,
    pub required: bool,
    pub excluded: bool,
}

/// Splits a query into words: whitespace separates, `"…"` (or `“…”`) groups a phrase that
/// must match, a leading `-` (or full-width `－`) excludes. Unbalanced quotes run to the end.
pub fn parse_query(query: &str) -> Vec<QueryWord> {
    let mut words = Vec::new();
    let mut chars = query.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut excluded = false;
        if matches!(c, '-' | '－') {
            chars.next();
            excluded = true;
        }
        let quoted = matches!(chars.peek(), Some('"' | '“' | '＂'));
        let mut text = String::new();
        if quoted {
            chars.next();
            for c in chars.by_ref() {
                if matches!(c, '"' | '”' | '＂') {
                    break;
                }
                text.push(c);
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                text.push(c);
                chars.next();
            }
        }
        if text.chars().any(|c| c.is_alphanumeric()) {
            let text: String = text.chars().take(MAX_QUERY_WORD_CHARS).collect();
            words.push(QueryWord {
                text,
                required: quoted && !excluded,
                excluded,
            });
        }
        if words.len() >= MAX_QUERY_WORDS {
            break;
        }
    }
    words
}

/// What every tier of one search shares: its words and the report title bonuses.
struct Prepared {
    words: Vec<QueryWord>,
    report_bonuses: Vec<(u64, f32)>,
    /// What snippets mark: the words sought, each in any spelling of its numbers, as it may
    /// have been matched.
    marked: Vec<String>,
}

/// Which passages a search considers, from the narrowest to all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    /// Passages holding every query word whole (in the text or the context).
    EveryWordWhole,
    /// Passages holding at least one query word whole.
    SomeWordWhole,
    /// Passages matching any part of any query word.
    AnyPart,
}

/// Builds queries against one index.
pub struct Searching<'a> {
    pub store: &'a Store,
    pub searcher: &'a Searcher,
    /// Document frequencies already looked up during the current search: building the query
    /// and weighting BM25 ask for the same terms, tier after tier.
    doc_freqs: RefCell<HashMap<Term, u64>>,
}

impl<'a> Searching<'a> {
    pub fn new(store: &'a Store, searcher: &'a Searcher) -> Searching<'a> {
        Searching {
            store,
            searcher,
            doc_freqs: RefCell::new(HashMap::new()),
        }
    }
}

impl Bm25StatisticsProvider for Searching<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        self.searcher.total_num_tokens(field)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        self.searcher.total_num_docs()
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        if let Some(&n) = self.doc_freqs.borrow().get(term) {
            return Ok(n);
        }
        let n = self.searcher.doc_freq(term)?;
        self.doc_freqs.borrow_mut().insert(term.clone(), n);
        Ok(n)
    }
}

impl Searching<'_> {
    /// Number of documents holding `text` in `field` (0: not a term of the index).
    fn doc_freq(&self, field: Field, text: &str) -> u64 {
        Bm25StatisticsProvider::doc_freq(self, &Term::from_field_text(field, text)).unwrap_or(0)
    }

    /// Section facet terms (at any depth) whose heading contains `needle` after folding,
    /// punctuation and spaces aside. Passages below such a heading carry its term.
    fn section_terms(&self, needle: &str) -> Vec<Term> {
        let field = self.store.fields.section;
        let key = significant_text(needle);
        if key.is_empty() {
            return Vec::new();
        }
        let mut terms = Vec::new();
        for segment in self.searcher.segment_readers() {
            let Ok(index) = segment.inverted_index(field) else {
                continue;
            };
            let Ok(mut stream) = index.terms().stream() else {
                continue;
            };
            while stream.advance() {
                let Ok(encoded) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                let last = encoded.rsplit('\0').next().unwrap_or(encoded);
                if significant_text(last).contains(&key)
                    && let Ok(facet) = Facet::from_encoded(stream.key().to_vec())
                {
                    terms.push(Term::from_facet(field, &facet));
                }
            }
        }
        terms.sort();
        terms.dedup();
        terms
    }

    /// Passages containing the word: on the body field (which has positions) its bigrams
    /// and alphanumeric terms as a phrase, punctuation and spaces aside; on the short context
    /// and title fields, all of those terms present. With the query, the factor by which its
    /// BM25 must be multiplied to equal the full phrase's (see [`Self::phrase_cover`]).
    fn phrase(&self, field: Field, folded: &Folded) -> Option<(Box<dyn Query>, f32)> {
        let terms = one_per_position(gram_terms(folded));
        let first = terms.first()?.position;
        // Positions make the match exact; for a word whose every bigram is in a large share
        // of the index (行政院), reading them costs more than it is worth: all bigrams
        // present is then enough.
        let common = || {
            let max_df = self.searcher.num_docs() / COMMON_PHRASE_SHARE;
            terms.iter().all(|t| self.doc_freq(field, &t.text) > max_df)
        };
        if field == self.store.fields.body_grams && !common() {
            let pairs: Vec<(usize, Term)> = terms
                .iter()
                .map(|t| (t.position - first, Term::from_field_text(field, &t.text)))
                .collect();
            if pairs.len() > 1 {
                let (pairs, scale) = self.phrase_cover(pairs);
                return Some((Box::new(PhraseQuery::new_with_offset(pairs)), scale));
            }
        }
        let mut texts: Vec<String> = terms.into_iter().map(|t| t.text).collect();
        texts.sort();
        texts.dedup();
        let clauses: Vec<(Occur, Box<dyn Query>)> = texts
            .iter()
            .map(|t| {
                let q: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(field, t),
                    IndexRecordOption::WithFreqs,
                ));
                (Occur::Must, q)
            })
            .collect();
        Some((Box::new(BooleanQuery::new(clauses)), 1.0))
    }

    /// A run of Han bigrams at consecutive positions is fixed by every other bigram plus the
    /// last (食品 安全 衛生 管理 理法 for 食品安全衛生管理法): a phrase of those reads about half
    /// the positions and finds the same passages the same number of times. Its BM25 weight is
    /// its terms' idf sum; the returned factor scales it back to the full phrase's.
    fn phrase_cover(&self, pairs: Vec<(usize, Term)>) -> (Vec<(usize, Term)>, f32) {
        let han_bigram = |term: &Term| {
            term.value()
                .as_str()
                .is_some_and(|t| t.chars().count() == 2 && t.chars().all(is_han))
        };
        let consecutive = pairs
            .iter()
            .enumerate()
            .all(|(i, (offset, _))| *offset == i);
        if pairs.len() < 3 || !consecutive || !pairs.iter().all(|(_, t)| han_bigram(t)) {
            return (pairs, 1.0);
        }
        let last = pairs.len() - 1;
        let idf = |term: &Term| self.idf(term);
        let full: f32 = pairs.iter().map(|(_, t)| idf(t)).sum();
        let kept: Vec<(usize, Term)> = pairs
            .into_iter()
            .filter(|(offset, _)| offset % 2 == 0 || *offset == last)
            .collect();
        let cover: f32 = kept.iter().map(|(_, t)| idf(t)).sum();
        let scale = if cover > 0.0 { full / cover } else { 1.0 };
        (kept, scale)
    }

    /// tantivy's BM25 idf of `term` (crate-private there), so that scales computed with it
    /// are exact.
    fn idf(&self, term: &Term) -> f32 {
        let docs = Bm25StatisticsProvider::total_num_docs(self).unwrap_or(0);
        let df = Bm25StatisticsProvider::doc_freq(self, term)
            .unwrap_or(0)
            .min(docs);
        let x = ((docs - df) as f32 + 0.5) / (df as f32 + 0.5);
        (1.0 + x).ln()
    }

    /// The idf sum of the terms a passage holding `folded` whole has in `field`: the weight of
    /// its phrase.
    fn phrase_weight(&self, field: Field, folded: &Folded) -> f32 {
        one_per_position(gram_terms(folded))
            .iter()
            .map(|t| self.idf(&Term::from_field_text(field, &t.text)))
            .sum()
    }

    /// Dictionary words contained in the query word, each as a BM25 term query. Words found
    /// in a large share of all passages (以上, 的) add little but would make every search
    /// score most of the index; the word's own phrase clause still finds them.
    fn word_terms(&self, field: Field, folded: &Folded) -> Vec<Box<dyn Query>> {
        let (han_runs, alnum) = query_pieces(folded);
        let max_df = (self.searcher.num_docs() / COMMON_TERM_SHARE).max(1000);
        let mut texts: Vec<String> = Vec::new();
        for (start, end) in han_runs {
            let chars = &folded.chars[start..end];
            // Every dictionary word inside the query word scores, as jieba's search mode
            // indexed every one of them (处理 inside 待处理 too).
            let mut covered = vec![false; chars.len()];
            for len in (2..=chars.len().min(MAX_WORD_CHARS)).rev() {
                for i in 0..=chars.len() - len {
                    let s: String = chars[i..i + len].iter().collect();
                    let df = self.doc_freq(field, &s);
                    if df > 0 {
                        covered[i..i + len].iter_mut().for_each(|c| *c = true);
                        if df <= max_df {
                            texts.push(s);
                        }
                    }
                }
            }
            for (i, c) in chars.iter().enumerate() {
                let s = c.to_string();
                if !covered[i] && self.doc_freq(field, &s) <= max_df {
                    texts.push(s);
                }
            }
        }
        texts.extend(
            alnum
                .into_iter()
                .map(|t| t.text)
                .filter(|t| self.doc_freq(field, t) <= max_df),
        );
        texts.sort();
        texts.dedup();
        texts
            .into_iter()
            .map(|t| {
                Box::new(TermQuery::new(
                    Term::from_field_text(field, &t),
                    IndexRecordOption::WithFreqs,
                )) as Box<dyn Query>
            })
            .collect()
    }

    /// The word's whole-run matches in the passage text and in its context, built once and
    /// shared by its scoring clauses and, for `-word`, the exclusion.
    /// A word with numbers is held whole in any of its spellings (第12條, 第十二條), unless
    /// the spelling typed is common: it then fills the page on its own, and every other
    /// spelling would double the cost of the search.
    fn whole_word(&self, folded: &Folded) -> Option<WholeWord> {
        let f = &self.store.fields;
        let mut others = spellings(&folded.chars);
        let rare = self.searcher.num_docs() / RARE_SPELLING_SHARE;
        let typed_is_rare = || {
            one_per_position(gram_terms(folded))
                .iter()
                .any(|t| self.doc_freq(f.body_grams, &t.text) <= rare)
        };
        if !others.is_empty() && !typed_is_rare() {
            others.clear();
        }
        if others.is_empty() {
            return Some((
                self.phrase(f.body_grams, folded)?,
                self.phrase(f.context_grams, folded)?.0,
            ));
        }
        let others: Vec<Folded> = others.iter().map(|s| Folded::new(s)).collect();
        let mut bodies: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut contexts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        // Another spelling earns less BM25 than the one typed: 二百三十五万 has more and
        // rarer bigrams than 235万, which would otherwise outrank the spelling asked for.
        let typed = self.phrase_weight(f.body_grams, folded);
        for (n, spelling) in std::iter::once(folded).chain(&others).enumerate() {
            if let Some((query, scale)) = self.phrase(f.body_grams, spelling) {
                let fair = match n {
                    0 => 1.0,
                    _ => {
                        let weight = self.phrase_weight(f.body_grams, spelling);
                        OTHER_SPELLING * typed / weight.max(typed)
                    }
                };
                bodies.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(query, scale * fair)),
                ));
            }
            if let Some((query, _)) = self.phrase(f.context_grams, spelling) {
                contexts.push((Occur::Should, query));
            }
        }
        if bodies.is_empty() || contexts.is_empty() {
            return None;
        }
        Some((
            (Box::new(BooleanQuery::new(bodies)), 1.0),
            Box::new(BooleanQuery::new(contexts)),
        ))
    }

    /// A word's whole run in the text or the context.
    fn exact_query(whole: &WholeWord) -> Box<dyn Query> {
        Box::new(BooleanQuery::new(vec![
            (Occur::Should, whole.0.0.box_clone()),
            (Occur::Should, whole.1.box_clone()),
        ]))
    }

    /// The scoring clauses of one word; a passage's score sums those it matches. With
    /// `whole_run_bm25`, holding the whole run also earns its BM25 (as a phrase in the text,
    /// its bigrams in the context): a passage holding it more often, or holding a rarer
    /// word, ranks higher.
    fn word_clauses(
        &self,
        folded: &Folded,
        whole: Option<&WholeWord>,
        whole_run_bm25: bool,
        word: usize,
    ) -> Vec<Clause> {
        let run_weight = if whole_run_bm25 { 1.0 } else { 0.0 };
        let mut clauses = Vec::new();
        if let Some(((body, body_scale), context)) = whole {
            clauses.push(Clause {
                query: body.box_clone(),
                bonus: WHOLE_WORD_BODY,
                weight: run_weight * body_scale,
                anchor: Anchor::Word(word),
            });
            clauses.push(Clause {
                query: context.box_clone(),
                bonus: WHOLE_WORD_CONTEXT,
                weight: CONTEXT_WEIGHT + run_weight,
                anchor: Anchor::Word(word),
            });
        }
        clauses.extend(
            self.word_terms(self.store.fields.body_words, folded)
                .into_iter()
                .map(|q| Clause::scored(q, Anchor::Part)),
        );
        clauses
    }

    /// Score bonuses for the passages of reports whose title contains some of the words:
    /// (report key, [`TITLE_WORD`] per word found in its title), sorted by key.
    fn title_bonuses(&self, words: &[&QueryWord]) -> Vec<(u64, f32)> {
        let field = self.store.fields.title_grams;
        // The report's key comes from a column, not the stored document: no block of the doc
        // store is decompressed for this.
        let mut bonuses: Vec<(u64, f32)> = Vec::new();
        for word in words {
            let Some((query, _)) = self.phrase(field, &Folded::new(&word.text)) else {
                continue;
            };
            if let Ok(keys) = self.searcher.search(&query, &ReportKeys) {
                bonuses.extend(keys.into_iter().map(|key| (key, TITLE_WORD)));
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
        bonuses
    }

    /// The full query: words, phrases, exclusions and filters, among the passages of `tier`.
    fn build(&self, request: &Request, prepared: &Prepared, tier: Tier) -> Box<dyn Query> {
        let blank = |v: &Option<String>| v.as_deref().is_some_and(|v| v.trim().is_empty());
        if blank(&request.kind)
            || blank(&request.report)
            || blank(&request.year)
            || blank(&request.section)
        {
            return Box::new(EmptyQuery);
        }
        let words = &prepared.words;
        // What a candidate must (not) match…
        let mut required: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut excluded: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        // …and the clauses that find candidates and score them.
        let mut clauses: Vec<Clause> = Vec::new();
        let mut required_words = Vec::new();
        let mut whole_words = 0;
        for w in words {
            let folded = Folded::new(&w.text);
            let whole = self.whole_word(&folded);
            if w.excluded {
                if let Some(whole) = &whole {
                    excluded.push((Occur::Should, Self::exact_query(whole)));
                }
                continue;
            }
            match &whole {
                Some(_) if w.required => required_words.push(whole_words),
                None if w.required || tier == Tier::EveryWordWhole => {
                    // No passage holds this word whole.
                    return Box::new(EmptyQuery);
                }
                _ => {}
            }
            clauses.extend(self.word_clauses(
                &folded,
                whole.as_ref(),
                tier != Tier::AnyPart,
                whole_words,
            ));
            if whole.is_some() {
                whole_words += 1;
            }
        }
        let anchored = match tier {
            Tier::AnyPart => !clauses.is_empty(),
            _ => whole_words > 0,
        };
        if !anchored {
            return Box::new(EmptyQuery);
        }
        let store = self.store;
        let mut filter = |term: Term| {
            required.push((
                Occur::Must,
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
            ))
        };
        if let Some(kind) = &request.kind {
            filter(store.kind_term(kind));
        }
        if let Some(report) = &request.report {
            filter(store.report_term(report));
        }
        if let Some(year) = &request.year {
            filter(store.year_term(year));
        }
        if let Some(section) = &request.section {
            let terms = self.section_terms(section);
            if terms.is_empty() {
                return Box::new(EmptyQuery);
            }
            required.push((Occur::Must, Box::new(TermSetQuery::new(terms))));
        }
        let boolean = |clauses: Vec<(Occur, Box<dyn Query>)>| {
            (!clauses.is_empty()).then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>)
        };
        Box::new(SumQuery {
            candidates: match tier {
                Tier::EveryWordWhole => Candidates::EveryWord,
                Tier::SomeWordWhole => Candidates::SomeWord,
                Tier::AnyPart => Candidates::AnyPart,
            },
            clauses,
            required: boolean(required),
            excluded: boolean(excluded),
            required_words,
            report_bonuses: prepared.report_bonuses.clone(),
        })
    }

    /// Runs a search: first among passages holding every query word whole, then among those
    /// holding one, and when that does not fill the page (or facets must count every match),
    /// among all that match any part. Each tier is far smaller than the next when the query
    /// has common words, and holds its best passages (every whole word earns a bonus).
    pub fn run(&self, request: &Request) -> Result<Outcome> {
        // Frequencies are only shared within one search, so each is measured as a fresh
        // process would run it.
        self.doc_freqs.borrow_mut().clear();
        // Title bonuses only add to the score of passages that are candidates anyway; every
        // tier uses the same.
        let words = parse_query(&request.query);
        let positive_words: Vec<&QueryWord> = words.iter().filter(|w| !w.excluded).collect();
        let report_bonuses = if positive_words.len() > 1 {
            self.title_bonuses(&positive_words)
        } else {
            Vec::new()
        };
        let several_words = positive_words.len() > 1;
        let marked = positive_words
            .iter()
            .flat_map(|w| {
                let others = spellings(&Folded::new(&w.text).chars);
                std::iter::once(w.text.clone()).chain(others)
            })
            .collect();
        let prepared = Prepared {
            words,
            report_bonuses,
            marked,
        };
        if !request.facets {
            let limit = request.limit.clamp(1, MAX_LIMIT);
            let tiers: &[Tier] = if several_words {
                &[Tier::EveryWordWhole, Tier::SomeWordWhole]
            } else {
                &[Tier::SomeWordWhole]
            };
            for &tier in tiers {
                let outcome = self.run_query(request, &prepared, tier)?;
                if outcome.hits.len() >= limit {
                    return Ok(outcome);
                }
            }
        }
        self.run_query(request, &prepared, Tier::AnyPart)
    }

    fn run_query(&self, request: &Request, prepared: &Prepared, tier: Tier) -> Result<Outcome> {
        let query = self.build(request, prepared, tier);
        // tantivy allocates the whole page up front: keep library callers within bounds too.
        let limit = request.limit.clamp(1, MAX_LIMIT);
        let offset = request.offset.min(MAX_OFFSET);
        // The passage's prior is part of its score (see `SumQuery`).
        let top = TopHits::new(limit, offset);
        let (top_docs, total, facets) = if request.facets {
            let f = &self.store.fields;
            let collector = |field: Field| {
                let mut c = FacetCollector::for_field(
                    self.store.index.schema().get_field_name(field).to_string(),
                );
                c.add_facet(Facet::root());
                c
            };
            let (top_docs, total, (kind, report, year), (section, org)) =
                self.searcher.search_with_statistics_provider(
                    &query,
                    &(
                        top,
                        Count,
                        (collector(f.kind), collector(f.report), collector(f.year)),
                        (collector(f.section), collector(f.org)),
                    ),
                    self,
                )?;
            let to_map = |counts: tantivy::collector::FacetCounts| -> BTreeMap<String, u64> {
                counts
                    .get(Facet::root())
                    .map(|(facet, n)| (facet_label(facet), n))
                    .collect()
            };
            let facets = Facets {
                kind: to_map(kind),
                report: to_map(report),
                year: to_map(year),
                section: to_map(section),
                organisation: to_map(org),
            };
            (top_docs, total, Some(facets))
        } else {
            // Counting every match would visit them all: only facets need the total.
            let top_docs = self
                .searcher
                .search_with_statistics_provider(&query, &top, self)?;
            let total = top_docs.len();
            (top_docs, total, None)
        };
        let mut hits = Vec::with_capacity(top_docs.len());
        for (score, address) in top_docs {
            let passage = self.passage(address)?;
            let Snippet { text, highlights } = make_snippet(&passage.text, &prepared.marked);
            hits.push(Hit {
                passage,
                snippet: text,
                score,
                highlights,
            });
        }
        Ok(Outcome {
            hits,
            total,
            facets,
        })
    }

    pub fn passage(&self, address: DocAddress) -> Result<Passage> {
        let doc: TantivyDocument = self.searcher.doc(address)?;
        self.store.passage(&doc)
    }

    /// The passage with this id, or `None`. Ids are not indexed: the report's passages are
    /// read and the one with the id picked.
    pub fn get(&self, id: &str) -> Result<Option<Passage>> {
        let Some((report, _)) = crate::report::passage::split_id(id) else {
            return Ok(None);
        };
        let query = TermQuery::new(self.store.report_term(report), IndexRecordOption::Basic);
        let addresses = self.searcher.search(&query, &DocSetCollector)?;
        for address in addresses {
            let doc: TantivyDocument = self.searcher.doc(address)?;
            if let Ok(p) = self.store.passage(&doc)
                && p.id == id
            {
                return Ok(Some(p));
            }
        }
        Ok(None)
    }

    /// Passages of `report` with `seq` in `[from, to]`, in document order.
    pub fn range(&self, report: &str, from: u64, to: u64) -> Result<Vec<Passage>> {
        let f = &self.store.fields;
        let query = BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    self.store.report_term(report),
                    IndexRecordOption::Basic,
                )) as Box<dyn Query>,
            ),
            (
                Occur::Must,
                Box::new(RangeQuery::new(
                    Bound::Included(Term::from_field_u64(f.seq, from)),
                    Bound::Included(Term::from_field_u64(f.seq, to)),
                )),
            ),
        ]);
        let (from, to) = (from.min(to), to.max(from));
        let limit = to.saturating_sub(from).saturating_add(1).min(10_000) as usize;
        let found = self
            .searcher
            .search(&query, &TopDocs::with_limit(limit.max(1)).order_by_score())?;
        let mut out = Vec::with_capacity(found.len());
        for (_, address) in found {
            let doc: TantivyDocument = self.searcher.doc(address)?;
            if let Ok(p) = self.store.passage(&doc) {
                out.push(p);
            }
        }
        out.sort_by_key(|p| p.seq);
        Ok(out)
    }
}

/// The terms that a passage holding the word must have at each position: where several
/// share one (a number's value, its digits as written, its parts), the one covering most of
/// the word from the earliest char, so `235万` asks for 2350000, which `2,350,000` also gives.
fn one_per_position(
    mut terms: Vec<crate::analysis::analyzer::Term>,
) -> Vec<crate::analysis::analyzer::Term> {
    terms.sort_by(|a, b| {
        (a.position, a.char_start)
            .cmp(&(b.position, b.char_start))
            .then(b.char_end.cmp(&a.char_end))
    });
    terms.dedup_by(|later, kept| later.position == kept.position);
    terms
}

/// Folded letters, digits and ideographs of `text`.
fn significant_text(text: &str) -> String {
    Folded::new(text)
        .chars
        .into_iter()
        .filter(|c| is_significant(*c))
        .collect()
}

fn facet_label(facet: &Facet) -> String {
    facet
        .to_path()
        .last()
        .map(|s| s.to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small index on disk in a temporary folder with one report per text.
    fn index_of(texts: &[&str]) -> (tempfile::TempDir, Store) {
        let dir = tempfile::TempDir::new().unwrap();
        let corpus = dir.path().join("corpus");
        std::fs::create_dir(&corpus).unwrap();
        for (i, text) in texts.iter().enumerate() {
            std::fs::write(
                corpus.join(format!("r{i}.txt")),
                format!("標題：報告{i}\n\n{text}\n"),
            )
            .unwrap();
        }
        let index = dir.path().join("index");
        crate::corpus::update(&index, &corpus, false, &crate::corpus::Quiet).unwrap();
        let store = Store::open_for_search(&index).unwrap();
        (dir, store)
    }

    fn texts_found(store: &Store, query: &str) -> Vec<String> {
        let searcher = store.reader().unwrap().searcher();
        let searching = Searching::new(store, &searcher);
        let request = Request {
            query: query.to_string(),
            limit: 10,
            ..Request::default()
        };
        searching
            .run(&request)
            .unwrap()
            .hits
            .into_iter()
            .map(|h| h.passage.text)
            .collect()
    }

    #[test]
    fn words_inside_other_words_are_found() {
        let (_dir, store) = index_of(&[
            "中華人民共和國成立於一九四九年。",
            "本案件待處理。",
            "兩岸城市交流。",
        ]);
        assert_eq!(
            texts_found(&store, "人民共和國"),
            vec!["中華人民共和國成立於一九四九年。"]
        );
        assert_eq!(texts_found(&store, "处理"), vec!["本案件待處理。"]);
        assert_eq!(
            texts_found(&store, "1949"),
            vec!["中華人民共和國成立於一九四九年。"]
        );
    }

    #[test]
    fn numbers_meet_however_they_are_written() {
        let (_dir, store) = index_of(&[
            "超過2,350,000元至4,400,000元者，課徵340,000元。",
            "超過235萬元至440萬元者。",
            "第1，2，3項所定之金額為235元。",
        ]);
        let sorted = |mut texts: Vec<String>| {
            texts.sort();
            texts
        };
        assert_eq!(
            sorted(texts_found(&store, "\"235萬元至440萬元\"")),
            vec![
                "超過2,350,000元至4,400,000元者，課徵340,000元。",
                "超過235萬元至440萬元者。"
            ]
        );
        assert_eq!(
            sorted(texts_found(&store, "\"2,350,000元至\"")),
            sorted(texts_found(&store, "\"235萬元至\"")),
        );
        // Full-width commas between numbers separate them (no number 123 here).
        assert_eq!(
            texts_found(&store, "\"3項\""),
            vec!["第1，2，3項所定之金額為235元。"]
        );
        assert!(texts_found(&store, "123").is_empty());
        // A char beside a number is matched whole: 第3條 inside 依第3條規定, not in 第3-1條.
        // (Among enough other passages that its terms are rare: a word whose terms are all
        // common is matched without positions.)
        let mut texts = vec!["依第3條規定辦理。", "第3點，條文如下。", "第 3-1 條"];
        texts.extend(std::iter::repeat_n("其他無關的段落。", 200));
        let (_dir, store) = index_of(&texts);
        assert_eq!(texts_found(&store, "\"第3條\""), vec!["依第3條規定辦理。"]);
    }

    #[test]
    fn rare_numbers_are_found_in_either_spelling() {
        let mut texts = vec![
            "依第十二條規定辦理。",
            "本條例第12條所定。",
            "一百零五年度預算。",
        ];
        // Enough other passages that these numbers are rare (a common spelling is searched
        // as typed only).
        texts.extend(std::iter::repeat_n("其他無關的段落。", 600));
        let (_dir, store) = index_of(&texts);
        assert_eq!(
            texts_found(&store, "\"第12條\""),
            vec!["本條例第12條所定。", "依第十二條規定辦理。"],
            "the spelling typed first"
        );
        assert_eq!(
            texts_found(&store, "\"第十二條\""),
            vec!["依第十二條規定辦理。", "本條例第12條所定。"]
        );
        assert_eq!(
            texts_found(&store, "\"105年度\""),
            vec!["一百零五年度預算。"]
        );
    }

    #[test]
    fn quoted_phrases_need_the_exact_run() {
        let (_dir, store) = index_of(&["共和國的人民。", "人民共和國的成立。"]);
        // Both hold 人民 and 共和; only one holds them as one run.
        assert_eq!(
            texts_found(&store, "\"人民共和\""),
            vec!["人民共和國的成立。"]
        );
        assert!(texts_found(&store, "\"共和人民\"").is_empty());
        assert_eq!(
            texts_found(&store, "人民 -\"人民共和\""),
            vec!["共和國的人民。"]
        );
    }

    #[test]
    fn long_words_match_only_their_exact_run() {
        let (_dir, store) = index_of(&[
            "依食品安全衛生管理法辦理。",
            "食品安全與衛生管理法規。",
            "管理法、食品安全衛生。",
        ]);
        assert_eq!(
            texts_found(&store, "\"食品安全衛生管理法\""),
            vec!["依食品安全衛生管理法辦理。"]
        );
    }

    #[test]
    fn a_passage_holding_more_words_ranks_first() {
        let (_dir, store) = index_of(&[
            "雙城論壇在臺北舉行。",
            "雙城論壇的交流成果豐碩。",
            "交流活動。",
        ]);
        let found = texts_found(&store, "雙城論壇 交流成果");
        assert_eq!(found[0], "雙城論壇的交流成果豐碩。");
        assert_eq!(found.len(), 3);
    }

    #[test]
    fn query_syntax() {
        let w = parse_query(r#"雙城論壇 "交流 成果" -上海 ecfa"#);
        assert_eq!(w.len(), 4);
        assert_eq!(w[1].text, "交流 成果");
        assert!(w[1].required);
        assert!(w[2].excluded);
        assert!(!w[3].required && !w[3].excluded);
    }

    #[test]
    fn hostile_queries_parse() {
        for q in [
            "\"",
            "-",
            "- -",
            "\"unbalanced",
            "title:x",
            "((",
            "😀",
            "\u{200b}",
            "\u{0}\u{1}",
            "１２３",
        ] {
            let _ = parse_query(q);
        }
        assert!(parse_query("-").is_empty());
        assert!(parse_query("。、").is_empty());
        assert_eq!(
            parse_query(&"字".repeat(20_000))[0].text.chars().count(),
            MAX_QUERY_WORD_CHARS
        );
    }
}
