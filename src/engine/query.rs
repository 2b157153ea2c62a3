//! The engine's query plan: query words and document frequencies asked of the engine → one
//! OpenSearch query per match level, following local search's rules (see `src/search/`):
//! a word held whole earns 4 × its idf in the text, 3.5 × in the context, plus BM25; its
//! dictionary parts their BM25; its other spellings (numbers, calendars, synonyms, variants,
//! chosen by local search's `searched_spellings`) 0.9 of the typed one's bonus; a report
//! title holding it 2 × its idf; the kind's prior
//! multiplies the sum; levels all, some, partial.
//!
//! Everything here is pure: [`Stats`] holds what was asked of the engine, so the queries
//! are tested without one.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{Value, json};

use crate::analysis::analyzer::{Folded, gram_terms, is_significant, query_pieces};
use crate::analysis::numerals::spellings;
use crate::analysis::synonyms::Synonyms;
use crate::export::preanalyzed;
use crate::search::clauses::{
    CONTEXT_WEIGHT, TOGETHER_PER_IDF, WHOLE_WORD_BODY_PER_IDF, WHOLE_WORD_CONTEXT_PER_IDF,
};
use crate::search::plan::{
    MAX_TITLED_REPORTS, MAX_WORD_CHARS, OTHER_SPELLING, TITLE_QUERY_BONUS, TITLE_WORD_PER_IDF,
    alternatives, dictionary_parts, idf, is_one_han_char, matched_without_positions,
    one_per_position, searched_spellings,
};
use crate::search::plan::{StatField, Statistics, levels};
use crate::search::{Level, QueryWord, Request};

/// Field names of the exported documents.
const BODY_WORDS: &str = "body_words";
const BODY_GRAMS: &str = "body_grams";
const CONTEXT_GRAMS: &str = "context_grams";
const FRAME_GRAMS: &str = "frame_grams";
const TITLE_GRAMS: &str = "title_grams";

/// Document frequencies the plan needs, as counted by the engine.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    /// Documents, counted as the local index counts them (passages plus one per report).
    pub docs: u64,
    /// (field, term) → documents holding it.
    pub doc_freqs: HashMap<(String, String), u64>,
    /// Query word (folded, significant chars) → reports whose title holds it.
    pub titled_reports: HashMap<String, u64>,
}

impl Stats {
    pub fn doc_freq(&self, field: &str, term: &str) -> u64 {
        self.doc_freqs
            .get(&(field.to_string(), term.to_string()))
            .copied()
            .unwrap_or(0)
    }
}

/// The plan's rules read the engine's frequencies as they read the local index's. Asking
/// the engine is where an error can happen, and it propagates there (`EngineSearch::stats`);
/// the terms asked are every term the rules read (see [`needed`]), so a term missing from
/// the answer is one no document holds.
impl Statistics for Stats {
    fn docs(&self) -> u64 {
        self.docs
    }

    fn doc_freq(&self, field: StatField, term: &str) -> anyhow::Result<u64> {
        let field = match field {
            StatField::BodyWords => BODY_WORDS,
            StatField::BodyGrams => BODY_GRAMS,
        };
        Ok(Stats::doc_freq(self, field, term))
    }
}

/// The significant chars of a folded word: how the word field would hold it as one term.
fn key_of(folded: &Folded) -> String {
    folded
        .chars
        .iter()
        .filter(|c| is_significant(**c))
        .collect()
}

/// Terms whose frequencies the plan of `words` needs (field, term), and the words whose
/// titled reports it needs (word key → its pre-analysed phrase).
pub fn needed(
    words: &[QueryWord],
    synonyms: &Synonyms,
) -> (BTreeSet<(String, String)>, BTreeMap<String, String>) {
    let mut terms = BTreeSet::new();
    let mut titles = BTreeMap::new();
    let mut add = |field: &str, term: String| {
        terms.insert((field.to_string(), term));
    };
    for word in words {
        let folded = Folded::new(&word.text);
        let key = key_of(&folded);
        if key.is_empty() {
            continue;
        }
        add(BODY_WORDS, key.clone());
        for t in one_per_position(gram_terms(&folded)) {
            add(BODY_GRAMS, t.text);
        }
        let others = spellings(&folded.chars);
        for spelling in others.iter().chain(&alternatives(&word.text, synonyms)) {
            for t in one_per_position(gram_terms(&Folded::new(spelling))) {
                add(BODY_GRAMS, t.text);
            }
        }
        for text in part_candidates(&folded) {
            add(BODY_WORDS, text);
        }
        let grams = one_per_position(gram_terms(&folded));
        if !grams.is_empty() {
            titles.insert(key, preanalyzed(&grams));
        }
    }
    (terms, titles)
}

/// Every piece of a word that may be a dictionary word: substrings of its Han runs of two to
/// eight chars, its single chars, and its alphanumeric terms.
fn part_candidates(folded: &Folded) -> Vec<String> {
    let mut out = han_pieces(folded);
    out.extend(query_pieces(folded).1.into_iter().map(|t| t.text));
    out
}

/// Substrings of a sentence's Han runs, up to eight chars, whose frequencies its cut into
/// content words needs.
pub fn sentence_pieces(text: &str) -> Vec<String> {
    han_pieces(&Folded::new(text))
}

/// Substrings of a word's Han runs, of one to eight chars.
fn han_pieces(folded: &Folded) -> Vec<String> {
    let (han_runs, _) = query_pieces(folded);
    let mut out = Vec::new();
    for (start, end) in han_runs {
        let chars = &folded.chars[start..end];
        for len in 1..=chars.len().min(MAX_WORD_CHARS) {
            for i in 0..=chars.len() - len {
                out.push(chars[i..i + len].iter().collect());
            }
        }
    }
    out
}

/// A query word, planned.
#[derive(Debug, Clone)]
pub struct EngineWord {
    pub text: String,
    pub required: bool,
    pub excluded: bool,
    /// Pre-analysed phrase of the word as typed; `None` when it has nothing to match.
    typed: Option<String>,
    /// Matched as all terms present rather than a phrase (every bigram is common).
    common: bool,
    /// The one Han character of a one-character word: held wherever it stands (see
    /// `Searching::one_char`), as a constant-score pattern of the terms holding it.
    one_char: Option<char>,
    /// Other spellings it is searched as (numbers, calendars, synonyms, variants: see
    /// `searched_spellings`), each with its BM25 factor.
    others: Vec<(String, f32)>,
    rarity: f32,
    run_factor: f32,
    /// Dictionary parts: term, whether holding it is a partial match.
    parts: Vec<(String, bool)>,
    /// Report titles holding it count for the match level.
    titled: bool,
    /// Marked in snippets.
    pub marked: Vec<String>,
}

/// A text's significant folded chars (how a query is compared with a report's title), and
/// its pre-analysed bigrams; `None` under two chars.
pub fn title_key(text: &str) -> Option<(String, String)> {
    let key = key_of(&Folded::new(text));
    if key.chars().count() < 2 {
        return None;
    }
    let grams = one_per_position(gram_terms(&Folded::new(&key)));
    Some((key, preanalyzed(&grams)))
}

/// A planned query.
#[derive(Debug, Clone)]
pub struct EnginePlan {
    pub words: Vec<EngineWord>,
    /// Reports whose title the whole query equals: their opening passages come first, as
    /// full matches (RANKING.md: a title typed whole).
    pub opening: Vec<String>,
    /// Title bonuses apply (more than one positive word).
    title_bonus: bool,
    /// A question's linking bigrams, scored by their BM25 (see `search::plan::question_words`).
    pub links: Vec<String>,
    /// Neighbouring words of a question held together: their run (pre-analysed), whether it
    /// is matched without positions, and its bonus per unit (see [`together`]).
    pub together: Vec<(String, bool, f32)>,
}

/// Two neighbouring words of a question and the two as typed together.
pub type Pair = (String, String, String);

/// The text-field terms whose frequencies [`together`] needs.
pub fn together_terms(neighbours: &[Pair]) -> Vec<(String, String)> {
    neighbours
        .iter()
        .flat_map(|(_, _, both)| one_per_position(gram_terms(&Folded::new(both))))
        .map(|t| (BODY_GRAMS.to_string(), t.text))
        .collect()
}

/// Neighbouring words of a question found next to each other, as locally
/// (`Searching::together`): the bigrams the two make together, beyond those each makes alone,
/// earn a bonus in proportion to their idf.
pub fn together(neighbours: &[Pair], stats: &Stats) -> anyhow::Result<Vec<(String, bool, f32)>> {
    let weight = |text: &str| -> f32 {
        one_per_position(gram_terms(&Folded::new(text)))
            .iter()
            .map(|t| idf(stats.doc_freq(BODY_GRAMS, &t.text), stats.docs))
            .sum()
    };
    let mut out = Vec::new();
    for (first, second, both) in neighbours {
        let extra = weight(both) - weight(first) - weight(second);
        let grams = one_per_position(gram_terms(&Folded::new(both)));
        if grams.is_empty() || extra <= 0.0 {
            continue;
        }
        let common = grams.len() > 1 && matched_without_positions(&grams, stats)?;
        out.push((preanalyzed(&grams), common, extra));
    }
    Ok(out)
}

impl EnginePlan {
    pub fn positive(&self) -> impl Iterator<Item = &EngineWord> {
        self.words.iter().filter(|w| !w.excluded)
    }

    /// The opening passages of [`Self::opening`], and the reports' passages.
    fn openings(&self) -> Option<(Value, Value)> {
        if self.opening.is_empty() {
            return None;
        }
        let reports = json!({"terms": {"report": self.opening}});
        let first = json!({"bool": {"filter": [reports.clone(), {"term": {"seq": 0}}]}});
        Some((first, reports))
    }

    /// What snippets mark.
    pub fn marked(&self) -> Vec<String> {
        self.positive().flat_map(|w| w.marked.clone()).collect()
    }

    /// Common one-character words cut from a question (`asked`) are held where the index
    /// holds the character alone, as locally (`Searching::alone`), not wherever it stands.
    pub fn held_alone(&mut self, asked: &[String]) {
        for word in &mut self.words {
            if asked.contains(&word.text) {
                word.one_char = None;
            }
        }
    }

    /// The levels to read, in order.
    pub fn levels(&self) -> &'static [Level] {
        levels(self.positive().count())
    }

    /// Each positive word with something to match, and the query of documents holding it
    /// for the match level (RANKING.md: partial hits name what they miss): a hit the query
    /// does not match misses the word, as locally (`Searching::missing`).
    pub fn held_by_word(&self) -> Vec<(&str, Value)> {
        self.positive()
            .filter_map(|w| Some((w.text.as_str(), w.held_for_level()?)))
            .collect()
    }

    /// Each positive word with something to match, and the query of passages holding it
    /// whole in their text or context (locally `clauses::anywhere`), which did-you-mean asks.
    pub fn anywhere_by_word(&self) -> Vec<(&str, Value)> {
        self.positive()
            .filter_map(|w| Some((w.text.as_str(), w.held()?)))
            .collect()
    }
}

/// Plans `words` with the engine's `stats`, as `src/search/plan/` plans them locally, by
/// the same rules (read through [`Statistics`]).
pub fn plan(
    words: Vec<QueryWord>,
    stats: &Stats,
    synonyms: &Synonyms,
) -> anyhow::Result<EnginePlan> {
    let docs = stats.docs;
    let sum_idf = |terms: &[crate::analysis::analyzer::Term]| -> f32 {
        terms
            .iter()
            .map(|t| idf(stats.doc_freq(BODY_GRAMS, &t.text), docs))
            .sum()
    };
    let positive = words.iter().filter(|w| !w.excluded).count();
    let planned = words
        .into_iter()
        .map(|w| {
            let folded = Folded::new(&w.text);
            let key = key_of(&folded);
            let grams = one_per_position(gram_terms(&folded));
            let typed = (!grams.is_empty()).then(|| preanalyzed(&grams));
            let as_word = stats.doc_freq(BODY_WORDS, &key);
            let df = if as_word > 0 {
                as_word
            } else {
                grams
                    .iter()
                    .map(|t| stats.doc_freq(BODY_GRAMS, &t.text))
                    .min()
                    .unwrap_or(0)
            };
            let rarity = idf(df, docs);
            let common = grams.len() > 1 && matched_without_positions(&grams, stats)?;
            let typed_weight = sum_idf(&grams);
            let run_factor = if typed_weight > 0.0 {
                rarity / typed_weight
            } else {
                1.0
            };
            let others = searched_spellings(&w.text, &folded, synonyms, stats)?
                .iter()
                .filter_map(|s| {
                    let terms = one_per_position(gram_terms(&Folded::new(s)));
                    if terms.is_empty() {
                        return None;
                    }
                    let weight = sum_idf(&terms);
                    let fair = OTHER_SPELLING * typed_weight / weight.max(typed_weight);
                    Some((preanalyzed(&terms), fair))
                })
                .collect();
            let parts = if w.excluded {
                Vec::new()
            } else {
                dictionary_parts(&folded, &key, stats)?
            };
            let titled = stats
                .titled_reports
                .get(&key)
                .is_some_and(|&n| n > 0 && n as usize <= MAX_TITLED_REPORTS);
            // Marked as locally: every spelling, searched or not, and every alternative.
            let marked = std::iter::once(w.text.clone())
                .chain(spellings(&folded.chars))
                .chain(alternatives(&w.text, synonyms))
                .collect();
            let one_char = match grams.as_slice() {
                [only] if is_one_han_char(&only.text) => only.text.chars().next(),
                _ => None,
            };
            Ok(EngineWord {
                text: w.text,
                required: w.required,
                excluded: w.excluded,
                typed,
                common,
                one_char,
                others,
                rarity,
                run_factor,
                parts,
                titled: titled && positive > 1,
                marked,
            })
        })
        .collect::<anyhow::Result<_>>()?;
    Ok(EnginePlan {
        words: planned,
        opening: Vec::new(),
        title_bonus: positive > 1,
        links: Vec::new(),
        together: Vec::new(),
    })
}

/// Which passages a query finds (as `clauses::Scope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Level(Level),
}

/// Filters of a request, as engine clauses; `None` when one can match nothing.
pub fn filters(request: &Request) -> Option<Vec<Value>> {
    let mut out = Vec::new();
    let kinds: Vec<String> = request
        .kinds
        .iter()
        .map(|k| k.as_str().to_string())
        .collect();
    // Repeated values of one filter: any of them.
    for (field, values) in [
        ("kind", &kinds),
        ("report", &request.reports),
        ("organisation", &request.organisations),
    ] {
        if !values.is_empty() {
            out.push(json!({"terms": {field: values}}));
        }
    }
    // Dates are `YYYY-MM-DD` keywords: their order is the calendar's.
    if request.from.is_some() || request.to.is_some() {
        let mut range = serde_json::Map::new();
        if let Some(from) = &request.from {
            range.insert("gte".into(), json!(from));
        }
        if let Some(to) = &request.to {
            range.insert("lte".into(), json!(to));
        }
        out.push(json!({"range": {"date": range}}));
    }
    if let Some(year) = &request.year {
        out.push(json!({"term": {"year": year}}));
    }
    if let Some(section) = &request.section {
        let key = crate::export::document::significant_text(section);
        if key.is_empty() {
            return None;
        }
        out.push(json!({"wildcard": {"section_folded": {"value": format!("*{key}*")}}}));
    }
    Some(out)
}

fn phrase(field: &str, text: &str, boost: f32) -> Value {
    json!({"match_phrase": {field: {"query": text, "boost": boost}}})
}

fn all_terms(field: &str, text: &str, boost: f32) -> Value {
    // Each term once, as the local query lists them.
    let mut terms: Vec<&str> = text.split(' ').filter(|t| *t != "_").collect();
    terms.sort_unstable();
    terms.dedup();
    json!({"match": {field: {"query": terms.join(" "), "operator": "and", "boost": boost}}})
}

/// Documents holding `text` whole: in a passage's text (as a phrase) or a report's title;
/// `None` when it has nothing to match. See `Searching::is_held_whole`.
pub fn held_whole(text: &str) -> Option<Value> {
    let grams = one_per_position(gram_terms(&Folded::new(text)));
    if grams.is_empty() {
        return None;
    }
    let typed = preanalyzed(&grams);
    Some(any_of(vec![
        phrase(BODY_GRAMS, &typed, 1.0),
        all_terms(TITLE_GRAMS, &typed, 1.0),
    ]))
}

/// Passages whose text holds `text` (folded) as a phrase of its bigrams; `None` when it
/// has nothing to match.
pub fn in_text(text: &str) -> Option<Value> {
    let grams = one_per_position(gram_terms(&Folded::new(text)));
    (!grams.is_empty()).then(|| phrase(BODY_GRAMS, &preanalyzed(&grams), 1.0))
}

/// A term of the text field (a folded bigram).
pub fn text_term(gram: &str) -> (String, String) {
    (BODY_GRAMS.to_string(), gram.to_string())
}

/// The bonus of a passage whose place names every word, as locally (`SumQuery::place_bonuses`):
/// its report's title holds some words (titled ones), its headings the others.
fn place(plan: &EnginePlan) -> Option<Value> {
    let words: Vec<&EngineWord> = plan.positive().filter(|w| w.typed.is_some()).collect();
    if words.len() < 2 {
        return None;
    }
    let titles: Vec<Value> = words
        .iter()
        .filter(|w| w.titled)
        .filter_map(|w| w.title())
        .collect();
    if titles.is_empty() {
        return None;
    }
    // The headings must hold a word the title does not: a title holding every word names a
    // report, not a place in it (RANKING.md: own text first).
    let placed: Vec<Value> = words
        .iter()
        .filter_map(|w| {
            let context = w.context(1.0)?;
            Some(match (w.titled, w.title()) {
                (true, Some(title)) => json!({"bool": {"filter": [context], "must_not": [title]}}),
                _ => context,
            })
        })
        .collect();
    let mut must = vec![any_of(titles), any_of(placed)];
    for word in &words {
        let mut held: Vec<Value> = word.context(1.0).into_iter().collect();
        if word.titled {
            held.extend(word.title());
        }
        must.push(any_of(held));
    }
    let bonus: f32 = words
        .iter()
        .map(|w| WHOLE_WORD_BODY_PER_IDF * w.rarity)
        .sum();
    Some(constant(json!({"bool": {"filter": must}}), bonus))
}

/// Terms of `field` holding the character `c` (alone or in a bigram), constant score 1.
fn holding_char(field: &str, c: char) -> Value {
    json!({"constant_score": {"filter": {"regexp": {field: {"value": format!("{c}.?|.{c}")}}}, "boost": 1.0}})
}

fn any_of(clauses: Vec<Value>) -> Value {
    json!({"bool": {"should": clauses, "minimum_should_match": 1}})
}

fn constant(filter: Value, boost: f32) -> Value {
    json!({"constant_score": {"filter": filter, "boost": boost}})
}

impl EngineWord {
    /// The word's whole run in the text as typed (`boost` scales its BM25).
    fn body_typed(&self, boost: f32) -> Option<Value> {
        let typed = self.typed.as_deref()?;
        if let Some(c) = self.one_char {
            return Some(holding_char(BODY_GRAMS, c));
        }
        Some(match self.common {
            true => all_terms(BODY_GRAMS, typed, boost),
            false => phrase(BODY_GRAMS, typed, boost),
        })
    }

    /// In the text, in another spelling.
    fn body_others(&self, boost: f32) -> Option<Value> {
        if self.others.is_empty() {
            return None;
        }
        Some(any_of(
            self.others
                .iter()
                .map(|(s, fair)| phrase(BODY_GRAMS, s, boost * fair))
                .collect(),
        ))
    }

    /// In the context, in any spelling.
    fn context(&self, boost: f32) -> Option<Value> {
        let typed = self.typed.as_deref()?;
        if let Some(c) = self.one_char {
            return Some(holding_char(CONTEXT_GRAMS, c));
        }
        let mut clauses = vec![all_terms(CONTEXT_GRAMS, typed, boost)];
        clauses.extend(
            self.others
                .iter()
                .map(|(s, _)| all_terms(CONTEXT_GRAMS, s, boost)),
        );
        Some(any_of(clauses))
    }

    /// In the title of the passage's report.
    fn title(&self) -> Option<Value> {
        if let Some(c) = self.one_char {
            return Some(holding_char(TITLE_GRAMS, c));
        }
        Some(all_terms(TITLE_GRAMS, self.typed.as_deref()?, 1.0))
    }

    /// Held whole by a clause: in the text (any spelling) or the context.
    fn held(&self) -> Option<Value> {
        let mut clauses: Vec<Value> = self.body_typed(1.0).into_iter().collect();
        clauses.extend(self.body_others(1.0));
        clauses.extend(self.context(1.0));
        (!clauses.is_empty()).then(|| any_of(clauses))
    }

    /// Held for the level: by a clause, or by its report's title.
    fn held_for_level(&self) -> Option<Value> {
        let held = self.held()?;
        match (self.titled, self.title()) {
            (true, Some(title)) => Some(any_of(vec![held, title])),
            _ => Some(held),
        }
    }

    /// A quoted phrase: in the text, or for a table row in its caption or headers (its
    /// frame), as locally (RANKING.md: quoted phrases).
    fn in_passage(&self) -> Option<Value> {
        let mut clauses: Vec<Value> = self.body_typed(1.0).into_iter().collect();
        clauses.extend(self.body_others(1.0));
        clauses.push(self.frame()?);
        Some(any_of(clauses))
    }

    /// In a table row's caption or column headers, in any spelling.
    fn frame(&self) -> Option<Value> {
        let typed = self.typed.as_deref()?;
        if let Some(c) = self.one_char {
            return Some(holding_char(FRAME_GRAMS, c));
        }
        let mut clauses = vec![all_terms(FRAME_GRAMS, typed, 1.0)];
        clauses.extend(
            self.others
                .iter()
                .map(|(s, _)| all_terms(FRAME_GRAMS, s, 1.0)),
        );
        Some(any_of(clauses))
    }

    /// The scoring clauses of the word.
    fn scoring(&self, out: &mut Vec<Value>) {
        // A one-character word's whole match has no BM25 of its own (its dictionary word,
        // a part, gives it), as locally.
        let bm25 = self.run_factor;
        if let Some(body) = self.body_typed(bm25) {
            out.push(constant(
                self.body_typed(1.0).unwrap_or(Value::Null),
                WHOLE_WORD_BODY_PER_IDF * self.rarity,
            ));
            if self.one_char.is_none() {
                out.push(body);
            }
        }
        // Another spelling earns its share of the bonus and no BM25, as locally
        // (RANKING.md: typed spelling first).
        if let Some(others) = self.body_others(1.0) {
            out.push(constant(
                others,
                WHOLE_WORD_BODY_PER_IDF * self.rarity * OTHER_SPELLING,
            ));
        }
        if let Some(context) = self.context(bm25 * (CONTEXT_WEIGHT + 1.0)) {
            out.push(constant(
                self.context(1.0).unwrap_or(Value::Null),
                WHOLE_WORD_CONTEXT_PER_IDF * self.rarity,
            ));
            if self.one_char.is_none() {
                out.push(context);
            }
        }
        for (part, _) in &self.parts {
            out.push(json!({"term": {BODY_WORDS: {"value": part}}}));
        }
    }
}

/// The engine query of one scope; `None` when it can match nothing.
pub fn build(request: &Request, plan: &EnginePlan, scope: Scope) -> Option<Value> {
    let mut filter: Vec<Value> = filters(request)?;
    let mut must_not: Vec<Value> = Vec::new();
    let mut scoring: Vec<Value> = Vec::new();
    let mut held: Vec<Value> = Vec::new();
    let mut held_for_level: Vec<Value> = Vec::new();
    let mut pieces: Vec<Value> = Vec::new();
    for word in &plan.words {
        if word.excluded {
            must_not.extend(word.held());
            continue;
        }
        let openings = plan.openings();
        match word.held() {
            Some(_) if word.required => {
                let mut held = vec![word.in_passage()?];
                held.extend(openings.as_ref().map(|(first, _)| first.clone()));
                filter.push(any_of(held));
            }
            None if word.required || scope == Scope::Level(Level::All) => return None,
            _ => {}
        }
        word.scoring(&mut scoring);
        if let (Some(h), Some(l)) = (word.held(), word.held_for_level()) {
            // A title typed whole: its report's title holds every word, its opening
            // passage each (as locally).
            match &openings {
                Some((first, reports)) => {
                    held.push(any_of(vec![h, first.clone()]));
                    held_for_level.push(any_of(vec![l, first.clone(), reports.clone()]));
                }
                None => {
                    held.push(h);
                    held_for_level.push(l);
                }
            }
        }
        pieces.extend(
            word.parts
                .iter()
                .filter(|(_, piece)| *piece)
                .map(|(t, _)| json!({"term": {BODY_WORDS: t}})),
        );
        if plan.title_bonus
            && let Some(title) = word.title()
        {
            scoring.push(constant(title, TITLE_WORD_PER_IDF * word.rarity));
        }
    }
    scoring.extend(place(plan));
    if let Some((first, _)) = plan.openings() {
        scoring.push(constant(first, TITLE_QUERY_BONUS));
    }
    scoring.extend(plan.together.iter().map(|(run, common, extra)| {
        let held = match common {
            true => all_terms(BODY_GRAMS, run, 1.0),
            false => phrase(BODY_GRAMS, run, 1.0),
        };
        constant(held, TOGETHER_PER_IDF * extra)
    }));
    scoring.extend(
        plan.links
            .iter()
            .map(|link| json!({"term": {BODY_GRAMS: {"value": link}}})),
    );
    match scope {
        Scope::Level(Level::All) => {
            if held.is_empty() {
                return None;
            }
            filter.push(any_of(held));
            filter.extend(held_for_level);
        }
        Scope::Level(Level::Some) => {
            if held.is_empty() {
                return None;
            }
            filter.push(any_of(held));
            must_not.push(json!({"bool": {"filter": held_for_level}}));
        }
        Scope::Level(Level::Partial) => {
            if pieces.is_empty() {
                return None;
            }
            filter.push(any_of(pieces));
            must_not.extend(held);
        }
    }
    let boolean = json!({"bool": {
        "filter": filter,
        "must_not": must_not,
        "should": scoring,
    }});
    Some(json!({"function_score": {
        "query": boolean,
        "field_value_factor": {"field": "prior", "missing": 1.0},
        "boost_mode": "multiply"
    }}))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str) -> QueryWord {
        QueryWord {
            text: text.into(),
            required: false,
            excluded: false,
        }
    }

    fn stats(docs: u64, dfs: &[(&str, &str, u64)]) -> Stats {
        Stats {
            docs,
            doc_freqs: dfs
                .iter()
                .map(|(f, t, n)| ((f.to_string(), t.to_string()), *n))
                .collect(),
            titled_reports: HashMap::new(),
        }
    }

    #[test]
    fn needed_terms_cover_the_word_its_bigrams_and_parts() {
        let (terms, titles) = needed(&[word("雙城論壇")], Synonyms::builtin());
        for (field, term) in [
            ("body_words", "双城论坛"),
            ("body_words", "论坛"),
            ("body_words", "双"),
            ("body_grams", "双城"),
            ("body_grams", "论坛"),
        ] {
            assert!(
                terms.contains(&(field.into(), term.into())),
                "{field}:{term}"
            );
        }
        assert_eq!(
            titles.get("双城论坛").map(String::as_str),
            Some("双城 城论 论坛")
        );
    }

    #[test]
    fn rare_word_is_a_phrase_with_idf_bonus() {
        let s = stats(
            10_000,
            &[
                ("body_words", "双城论坛", 5),
                ("body_words", "论坛", 50),
                ("body_grams", "双城", 10),
                ("body_grams", "城论", 6),
                ("body_grams", "论坛", 60),
            ],
        );
        let plan = plan(vec![word("雙城論壇")], &s, Synonyms::builtin()).unwrap();
        let w = &plan.words[0];
        assert!(!w.common);
        assert_eq!(w.typed.as_deref(), Some("双城 城论 论坛"));
        assert!((w.rarity - idf(5, 10_000)).abs() < 1e-6);
        // 论坛 is a dictionary word inside it; 双城论坛 itself is the whole run's.
        assert_eq!(w.parts, vec![("论坛".to_string(), true)]);
        let query = build(&Request::default(), &plan, Scope::Level(Level::All)).unwrap();
        let text = query.to_string();
        assert!(text.contains("match_phrase"), "{text}");
        let bonus =
            query["function_score"]["query"]["bool"]["should"][0]["constant_score"]["boost"]
                .as_f64()
                .unwrap();
        let expected = f64::from(WHOLE_WORD_BODY_PER_IDF * w.rarity);
        assert!((bonus - expected).abs() < 1e-4, "{text}");
        // One word: no `some` level, and nothing to title-bonus.
        assert_eq!(plan.levels(), &[Level::All, Level::Partial]);
        assert!(!text.contains("title_grams"), "{text}");
    }

    #[test]
    fn a_word_is_also_searched_in_its_alternatives_typed_first() {
        // 北市府's agency names and 106年's other calendar, whatever their frequency, each
        // asked of the engine, searched and marked, at most 0.9 of the typed spelling.
        let words = vec![word("北市府"), word("106年")];
        let (terms, _) = needed(&words, Synonyms::builtin());
        for gram in ["政府", "2017"] {
            assert!(
                terms.contains(&("body_grams".into(), gram.into())),
                "{gram}"
            );
        }
        let plan = plan(words, &stats(10, &[]), Synonyms::builtin()).unwrap();
        let others =
            |w: &EngineWord| -> Vec<String> { w.others.iter().map(|(s, _)| s.clone()).collect() };
        assert!(others(&plan.words[0]).iter().any(|s| s.contains("政府")));
        assert!(others(&plan.words[1]).iter().any(|s| s.contains("2017")));
        assert!(plan.words.iter().all(|w| {
            w.others
                .iter()
                .all(|(_, fair)| *fair <= OTHER_SPELLING + 1e-6)
        }));
        let marked = plan.marked();
        for m in ["北市府", "臺北市政府", "106年", "2017年"] {
            assert!(marked.iter().any(|x| x == m), "{m}: {marked:?}");
        }
    }

    #[test]
    fn common_bigrams_match_without_positions() {
        // Common as the local rule counts it: in more than 1/50 of the passages, and in more
        // than 1,000 (a small index reads positions).
        let s = stats(
            100_000,
            &[
                ("body_grams", "双城", 5_000),
                ("body_grams", "城论", 5_000),
                ("body_grams", "论坛", 5_000),
            ],
        );
        let plan = plan(vec![word("雙城論壇")], &s, Synonyms::builtin()).unwrap();
        assert!(plan.words[0].common);
        let query = build(&Request::default(), &plan, Scope::Level(Level::All))
            .unwrap()
            .to_string();
        assert!(!query.contains("match_phrase"), "{query}");
    }

    #[test]
    fn levels_and_exclusions() {
        let s = stats(
            1000,
            &[("body_words", "台北", 10), ("body_words", "上海", 10)],
        );
        let mut words = vec![word("臺北"), word("上海"), word("北京")];
        words[2].excluded = true;
        let plan = plan(words, &s, Synonyms::builtin()).unwrap();
        assert_eq!(plan.levels(), &[Level::All, Level::Some, Level::Partial]);
        let some = build(&Request::default(), &plan, Scope::Level(Level::Some)).unwrap();
        let must_not = &some["function_score"]["query"]["bool"]["must_not"];
        // The excluded word, and passages holding every word (the `all` level).
        assert_eq!(must_not.as_array().unwrap().len(), 2, "{must_not}");
        assert!(must_not.to_string().contains("北京"), "{must_not}");
        // A word with nothing to match empties the `all` level.
        let empty = plan_with_blank();
        assert!(build(&Request::default(), &empty, Scope::Level(Level::All)).is_none());
    }

    fn plan_with_blank() -> EnginePlan {
        plan(
            vec![word("臺北"), word("，")],
            &stats(10, &[]),
            Synonyms::builtin(),
        )
        .unwrap()
    }

    #[test]
    fn filters_become_terms_and_a_section_wildcard() {
        let request = Request {
            kinds: vec![
                crate::report::parse::Kind::TableRow,
                crate::report::parse::Kind::Paragraph,
            ],
            from: Some("2017-01-01".into()),
            section: Some("兩岸 交流".into()),
            ..Request::default()
        };
        let f = Value::Array(filters(&request).unwrap()).to_string();
        assert!(
            f.contains(r#"{"terms":{"kind":["table_row","paragraph"]}}"#),
            "{f}"
        );
        assert!(
            f.contains(r#"{"range":{"date":{"gte":"2017-01-01"}}}"#),
            "{f}"
        );
        assert!(f.contains("*两岸交流*"), "{f}");
        let blank = Request {
            section: Some("，".into()),
            ..Request::default()
        };
        assert!(filters(&blank).is_none());
    }
}
