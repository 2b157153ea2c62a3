//! The engine's queries: the backend-neutral plan ([`Outline`], made by `src/search/plan/`
//! with the engine's frequencies) → one OpenSearch query per match level. Every rule and
//! weight is the outline's; here each of its clauses is written as JSON: a word's tokens as
//! a pre-analysed phrase (or all terms present, or a constant-score pattern of the terms
//! holding one character), its bonuses as `constant_score` clauses, BM25 factors as boosts,
//! and the kind's prior multiplying the sum.
//!
//! Everything here is pure: [`Stats`] holds what was asked of the engine, so the queries
//! are tested without one.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::export::preanalyzed;
use crate::search::plan::outline::{
    Condition, Holding, LevelRule, Matched, Outline, OutlineWord, Place, Token, in_titles, tokens,
};
use crate::search::plan::{StatField, Statistics};
use crate::search::{Level, Request};

/// Field names of the exported documents.
const BODY_WORDS: &str = "body_words";
const BODY_GRAMS: &str = "body_grams";
const CONTEXT_GRAMS: &str = "context_grams";
const FRAME_GRAMS: &str = "frame_grams";
const TITLE_GRAMS: &str = "title_grams";

/// The engine field holding a field whose frequencies the plan reads.
pub fn stat_field(field: StatField) -> &'static str {
    match field {
        StatField::BodyWords => BODY_WORDS,
        StatField::BodyGrams => BODY_GRAMS,
    }
}

/// Document frequencies the plan needs, as counted by the engine.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    /// Documents, counted as the local index counts them (passages plus one per report).
    pub docs: u64,
    /// (field, term) → documents holding it.
    pub doc_freqs: HashMap<(StatField, String), u64>,
    /// Query word key → reports whose title holds it.
    pub titled_reports: HashMap<String, u64>,
}

/// The plan's rules read the engine's frequencies as they read the local index's. Asking
/// the engine is where an error can happen, and it propagates there (`EngineSearch::stats`);
/// the terms asked are every term the rules read (`plan::outline::needed`), so a term
/// missing from the answer is one no document holds.
impl Statistics for Stats {
    fn docs(&self) -> u64 {
        self.docs
    }

    fn doc_freq(&self, field: StatField, term: &str) -> anyhow::Result<u64> {
        Ok(self
            .doc_freqs
            .get(&(field, term.to_string()))
            .copied()
            .unwrap_or(0))
    }
}

/// A pre-analysed phrase of tokens, as the engine's fields take it.
pub fn phrase_text(tokens: &[Token]) -> String {
    preanalyzed(tokens)
}

/// A query word of the outline, with its tokens written as the engine reads them.
#[derive(Debug, Clone)]
pub struct EngineWord {
    pub word: OutlineWord,
    /// Pre-analysed phrase of the word as typed; `None` when it has nothing to match.
    typed: Option<String>,
    /// Its other spellings, pre-analysed, each with how the outline matches it and its BM25
    /// factor.
    others: Vec<(String, Matched, f32)>,
}

/// A planned query, as the engine runs it.
#[derive(Debug, Clone)]
pub struct EnginePlan {
    pub words: Vec<EngineWord>,
    /// Reports whose title the whole query equals: their opening passages come first, as
    /// full matches (RANKING.md: a title typed whole).
    pub opening: Vec<String>,
    pub outline: Outline,
}

impl EnginePlan {
    pub fn new(outline: Outline, opening: Vec<String>) -> Self {
        let words = outline
            .words
            .iter()
            .map(|w| EngineWord {
                typed: w.matchable().then(|| preanalyzed(&w.tokens)),
                others: w
                    .others
                    .iter()
                    .map(|s| (preanalyzed(&s.tokens), s.matched, s.fair))
                    .collect(),
                word: w.clone(),
            })
            .collect();
        Self {
            words,
            opening,
            outline,
        }
    }

    pub fn positive(&self) -> impl Iterator<Item = &EngineWord> {
        self.words.iter().filter(|w| !w.word.excluded)
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
    pub fn marked(&self) -> &[String] {
        &self.outline.marked
    }

    /// The levels to read, in order.
    pub fn levels(&self) -> &'static [Level] {
        self.outline.levels()
    }

    /// Each positive word with something to match, and the query of documents holding it
    /// for the match level (RANKING.md: partial hits name what they miss): a hit the query
    /// does not match misses the word, as locally (`Searching::missing`).
    pub fn held_by_word(&self) -> Vec<(&str, Value)> {
        self.positive()
            .filter_map(|w| Some((w.word.text.as_str(), w.held_for_level()?)))
            .collect()
    }

    /// Each positive word with something to match, and the query of passages holding it
    /// whole in their text or context (locally `clauses::anywhere`), which did-you-mean asks.
    pub fn anywhere_by_word(&self) -> Vec<(&str, Value)> {
        self.positive()
            .filter_map(|w| Some((w.word.text.as_str(), w.held()?)))
            .collect()
    }
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
        let key = crate::analysis::analyzer::significant_text(section);
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
    let grams = tokens(text);
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
    let grams = tokens(text);
    (!grams.is_empty()).then(|| phrase(BODY_GRAMS, &preanalyzed(&grams), 1.0))
}

/// Documents whose report title holds a word of these tokens, matched as the outline says
/// titles are ([`in_titles`]); `None` when it has none.
pub fn in_title(tokens: &[Token]) -> Option<Value> {
    if tokens.is_empty() {
        return None;
    }
    Some(match in_titles(tokens) {
        Matched::Char(c) => holding_char(TITLE_GRAMS, c),
        _ => all_terms(TITLE_GRAMS, &preanalyzed(tokens), 1.0),
    })
}

/// The bonus of a passage whose place names every word, as locally (`SumQuery::place_bonus`):
/// its report's title holds some words (titled ones), its headings the others.
fn place(plan: &EnginePlan) -> Option<Value> {
    let bonus = plan.outline.place_bonus?;
    let words: Vec<&EngineWord> = plan.positive().filter(|w| w.typed.is_some()).collect();
    let titles: Vec<Value> = words
        .iter()
        .filter(|w| w.word.titled)
        .filter_map(|w| w.title())
        .collect();
    if titles.is_empty() {
        return None;
    }
    // The headings must hold a word the title does not: a title holding every word names a
    // report, not a place in it.
    let placed: Vec<Value> = words
        .iter()
        .filter_map(|w| {
            let context = w.context(1.0)?;
            Some(match (w.word.titled, w.title()) {
                (true, Some(title)) => json!({"bool": {"filter": [context], "must_not": [title]}}),
                _ => context,
            })
        })
        .collect();
    let mut must = vec![any_of(titles), any_of(placed)];
    for word in &words {
        let mut held: Vec<Value> = word.context(1.0).into_iter().collect();
        if word.word.titled {
            held.extend(word.title());
        }
        must.push(any_of(held));
    }
    Some(constant(json!({"bool": {"filter": must}}), bonus))
}

/// Terms of `field` holding the character `c` (alone or in a bigram), constant score 1.
fn holding_char(field: &str, c: char) -> Value {
    char_scored(field, c, 1.0)
}

/// The same, constant score `boost`.
fn char_scored(field: &str, c: char, boost: f32) -> Value {
    json!({"constant_score": {"filter": {"regexp": {field: {"value": format!("{c}.?|.{c}")}}}, "boost": boost}})
}

/// Another spelling of a word (pre-analysed) in `field`: a phrase (`in_text`) or all its
/// terms, scaled by `boost`; one the outline matches by its character (三 of 3) is held by
/// any term holding it, scored `boost`.
fn other_spelling(field: &str, text: &str, matched: Matched, boost: f32, in_text: bool) -> Value {
    match matched {
        Matched::Char(c) => char_scored(field, c, boost),
        _ if in_text => phrase(field, text, boost),
        _ => all_terms(field, text, boost),
    }
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
        Some(match self.word.matched {
            Matched::Char(c) => holding_char(BODY_GRAMS, c),
            Matched::AllTerms => all_terms(BODY_GRAMS, typed, boost),
            Matched::Phrase => phrase(BODY_GRAMS, typed, boost),
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
                .map(|(s, matched, fair)| {
                    other_spelling(BODY_GRAMS, s, *matched, boost * fair, true)
                })
                .collect(),
        ))
    }

    /// In the context, in any spelling.
    fn context(&self, boost: f32) -> Option<Value> {
        let typed = self.typed.as_deref()?;
        if let Matched::Char(c) = self.word.matched {
            return Some(holding_char(CONTEXT_GRAMS, c));
        }
        let mut clauses = vec![all_terms(CONTEXT_GRAMS, typed, boost)];
        clauses.extend(
            self.others
                .iter()
                .map(|(s, matched, _)| other_spelling(CONTEXT_GRAMS, s, *matched, boost, false)),
        );
        Some(any_of(clauses))
    }

    /// In the title of the passage's report.
    fn title(&self) -> Option<Value> {
        in_title(&self.word.tokens)
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
        match (self.word.titled, self.title()) {
            (true, Some(title)) => Some(any_of(vec![held, title])),
            _ => Some(held),
        }
    }

    /// Held whole in `place` (see [`Place`]).
    fn held_in(&self, place: Place) -> Option<Value> {
        match place {
            Place::TextOrFrame => {
                let mut clauses: Vec<Value> = self.body_typed(1.0).into_iter().collect();
                clauses.extend(self.body_others(1.0));
                clauses.push(self.frame()?);
                Some(any_of(clauses))
            }
            Place::Anywhere => self.held(),
        }
    }

    /// In a table row's caption or column headers, in any spelling.
    fn frame(&self) -> Option<Value> {
        let typed = self.typed.as_deref()?;
        if let Matched::Char(c) = self.word.matched {
            return Some(holding_char(FRAME_GRAMS, c));
        }
        let mut clauses = vec![all_terms(FRAME_GRAMS, typed, 1.0)];
        clauses.extend(
            self.others
                .iter()
                .map(|(s, matched, _)| other_spelling(FRAME_GRAMS, s, *matched, 1.0, false)),
        );
        Some(any_of(clauses))
    }

    /// The scoring clauses of the word.
    fn scoring(&self, out: &mut Vec<Value>) {
        let word = &self.word;
        // A one-character word's whole match has no BM25 of its own (its dictionary word,
        // a part, gives it), as locally.
        let bm25 = !matches!(word.matched, Matched::Char(_));
        if let Some(body) = self.body_typed(word.bm25) {
            out.push(constant(
                self.body_typed(1.0).unwrap_or(Value::Null),
                word.body_bonus,
            ));
            if bm25 {
                out.push(body);
            }
        }
        // Another spelling earns its share of the bonus and no BM25, as locally
        // (RANKING.md: typed spelling first).
        if let Some(others) = self.body_others(1.0) {
            out.push(constant(others, word.other_bonus));
        }
        if let Some(context) = self.context(word.context_bm25) {
            out.push(constant(
                self.context(1.0).unwrap_or(Value::Null),
                word.context_bonus,
            ));
            if bm25 {
                out.push(context);
            }
        }
        for part in &word.parts {
            out.push(json!({"term": {BODY_WORDS: {"value": part.term}}}));
        }
    }
}

/// The engine query of one match level (its conditions: [`LevelRule`]); `None` when it can
/// match nothing.
pub fn build(request: &Request, plan: &EnginePlan, level: Level) -> Option<Value> {
    let rule = LevelRule::of(level);
    let mut filter: Vec<Value> = filters(request)?;
    let mut must_not: Vec<Value> = Vec::new();
    let mut scoring: Vec<Value> = Vec::new();
    let mut held: Vec<Value> = Vec::new();
    let mut held_for_level: Vec<Value> = Vec::new();
    let mut pieces: Vec<Value> = Vec::new();
    for word in &plan.words {
        let openings = plan.openings();
        // The outline's condition on the word, translated.
        match (word.word.condition, word.held()) {
            (Condition::Lack(place), _) => {
                must_not.extend(word.held_in(place));
                continue;
            }
            (Condition::Hold(place), Some(_)) => {
                let mut held = vec![word.held_in(place)?];
                if word.word.by_opening {
                    held.extend(openings.as_ref().map(|(first, _)| first.clone()));
                }
                filter.push(any_of(held));
            }
            (Condition::Hold(_), None) => return None,
            (Condition::Free, None) if rule.every.is_some() => return None,
            (Condition::Free, _) => {}
        }
        word.scoring(&mut scoring);
        if let (Some(h), Some(l)) = (word.held(), word.held_for_level()) {
            // A title typed whole: its report's title holds every word, its opening
            // passage each the outline says it holds (as locally).
            match (&openings, word.word.by_opening) {
                (Some((first, reports)), true) => {
                    held.push(any_of(vec![h, first.clone()]));
                    held_for_level.push(any_of(vec![l, first.clone(), reports.clone()]));
                }
                _ => {
                    held.push(h);
                    held_for_level.push(l);
                }
            }
        }
        pieces.extend(
            word.word
                .parts
                .iter()
                .filter(|part| part.partial)
                .map(|part| json!({"term": {BODY_WORDS: part.term}})),
        );
        if let (Some(bonus), Some(title)) = (word.word.title_bonus, word.title()) {
            scoring.push(constant(title, bonus));
        }
    }
    scoring.extend(place(plan));
    if let Some((first, _)) = plan.openings() {
        scoring.push(constant(first, plan.outline.opening_bonus));
    }
    scoring.extend(plan.outline.together.iter().map(|t| {
        let run = preanalyzed(&t.tokens);
        let held = match t.matched {
            Matched::AllTerms => all_terms(BODY_GRAMS, &run, 1.0),
            _ => phrase(BODY_GRAMS, &run, 1.0),
        };
        constant(held, t.bonus)
    }));
    scoring.extend(
        plan.outline
            .links
            .iter()
            .map(|link| json!({"term": {BODY_GRAMS: {"value": link}}})),
    );
    let holding = |h: Holding| match h {
        Holding::Whole => &held,
        Holding::ForLevel => &held_for_level,
        Holding::Piece => &pieces,
    };
    let some = holding(rule.some);
    if some.is_empty() {
        return None;
    }
    filter.push(any_of(some.clone()));
    if let Some(every) = rule.every {
        filter.extend(holding(every).iter().cloned());
    }
    if let Some(not_every) = rule.not_every {
        must_not.push(json!({"bool": {"filter": holding(not_every)}}));
    }
    if let Some(none) = rule.none {
        must_not.extend(holding(none).iter().cloned());
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
    use crate::analysis::synonyms::Synonyms;
    use crate::search::QueryWord;
    use crate::search::plan::outline::tests::word;
    use crate::search::plan::outline::{Cut, outline};

    fn stats(docs: u64, dfs: &[(StatField, &str, u64)]) -> Stats {
        Stats {
            docs,
            doc_freqs: dfs
                .iter()
                .map(|(f, t, n)| ((*f, t.to_string()), *n))
                .collect(),
            titled_reports: HashMap::new(),
        }
    }

    fn plan(words: Vec<QueryWord>, stats: &Stats) -> EnginePlan {
        let cut = Cut {
            words,
            ..Cut::default()
        };
        plan_of(cut, stats)
    }

    fn plan_of(cut: Cut, stats: &Stats) -> EnginePlan {
        let outline = outline(cut, stats, Synonyms::builtin(), |_| 0).unwrap();
        EnginePlan::new(outline, Vec::new())
    }

    #[test]
    fn a_phrase_earns_the_outlines_bonus_as_a_constant() {
        let s = stats(
            10_000,
            &[
                (StatField::BodyWords, "双城论坛", 5),
                (StatField::BodyWords, "论坛", 50),
                (StatField::BodyGrams, "双城", 10),
                (StatField::BodyGrams, "城论", 6),
                (StatField::BodyGrams, "论坛", 60),
            ],
        );
        let plan = plan(vec![word("雙城論壇")], &s);
        let w = &plan.words[0];
        assert_eq!(w.typed.as_deref(), Some("双城 城论 论坛"));
        let query = build(&Request::default(), &plan, Level::All).unwrap();
        let text = query.to_string();
        assert!(text.contains("match_phrase"), "{text}");
        let bonus =
            query["function_score"]["query"]["bool"]["should"][0]["constant_score"]["boost"]
                .as_f64()
                .unwrap();
        assert!(
            (bonus - f64::from(w.word.body_bonus)).abs() < 1e-4,
            "{text}"
        );
        // One word: nothing to title-bonus.
        assert!(!text.contains("title_grams"), "{text}");
    }

    #[test]
    fn common_bigrams_match_without_positions() {
        let s = stats(
            100_000,
            &[
                (StatField::BodyGrams, "双城", 5_000),
                (StatField::BodyGrams, "城论", 5_000),
                (StatField::BodyGrams, "论坛", 5_000),
            ],
        );
        let plan = plan(vec![word("雙城論壇")], &s);
        assert_eq!(plan.words[0].word.matched, Matched::AllTerms);
        let query = build(&Request::default(), &plan, Level::All)
            .unwrap()
            .to_string();
        assert!(!query.contains("match_phrase"), "{query}");
    }

    #[test]
    fn levels_and_exclusions() {
        let s = stats(
            1000,
            &[
                (StatField::BodyWords, "台北", 10),
                (StatField::BodyWords, "上海", 10),
            ],
        );
        let mut words = vec![word("臺北"), word("上海"), word("北京")];
        words[2].excluded = true;
        let plan = plan(words, &s);
        assert_eq!(plan.levels(), &[Level::All, Level::Some, Level::Partial]);
        let some = build(&Request::default(), &plan, Level::Some).unwrap();
        let must_not = &some["function_score"]["query"]["bool"]["must_not"];
        // The excluded word, and passages holding every word (the `all` level).
        assert_eq!(must_not.as_array().unwrap().len(), 2, "{must_not}");
        assert!(must_not.to_string().contains("北京"), "{must_not}");
        // A word with nothing to match empties the `all` level.
        let blank = super::tests::plan(vec![word("臺北"), word("，")], &stats(10, &[]));
        assert!(build(&Request::default(), &blank, Level::All).is_none());
    }

    /// A question's common character (人, 二: in more than 1/200 of the passages as a word)
    /// is matched alone in the text, but found in titles through any term holding it, and
    /// searched in no other spelling; a one-character other spelling (三 of 3) is held by
    /// any term holding the character, as locally.
    #[test]
    fn one_character_words_and_spellings_are_held_as_locally() {
        let s = stats(
            1000,
            &[
                (StatField::BodyWords, "人", 500),
                (StatField::BodyWords, "二", 500),
                (StatField::BodyWords, "原因", 10),
            ],
        );
        let cut = Cut {
            words: vec![word("原因"), word("人"), word("二"), word("3")],
            asked: ["人", "二"].iter().map(|c| c.chars().collect()).collect(),
            ..Cut::default()
        };
        let plan = plan_of(cut, &s);
        let [_, person, two, three] = &plan.words[..] else {
            panic!("{:?}", plan.words)
        };
        assert_eq!(person.word.matched, Matched::Phrase);
        assert_eq!(
            person.title().unwrap().to_string(),
            holding_char(TITLE_GRAMS, '人').to_string()
        );
        assert!(two.others.is_empty(), "{:?}", two.others);
        assert_eq!(three.others.len(), 1, "{:?}", three.others);
        let held = three.held().unwrap().to_string();
        assert!(held.contains(r#""value":"三.?|.三""#), "{held}");
        // The titled-report count asks titles the same way.
        assert_eq!(in_title(&person.word.tokens), person.title());
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
