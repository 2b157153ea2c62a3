//! Query planning: the parsed query and the index's statistics → the query's [`Outline`]
//! (every query word analysed once per search: what to match, how, and what each match
//! earns), which both executors run — the local one compiled to tantivy queries
//! ([`crate::search::compile`]), the engine's to JSON (`src/engine/query.rs`). A word typed
//! as a whole sentence (a question) is first split into its content words; question words
//! and particles are dropped.
//!
//! Every ranking rule is written here, once, kept by concern: [`questions`] (a sentence cut
//! into its content words), [`numbers`] (other spellings of a word's numbers, dates and
//! synonyms), [`names`] (report titles), [`terms`] (which terms a word is matched and scored
//! by), [`weights`] (what a word held whole earns); [`outline`] puts them together.

mod names;
mod numbers;
pub mod outline;
mod questions;
pub(crate) mod statistics;
mod terms;
mod weights;

use std::collections::HashMap;

use anyhow::Result;
use tantivy::query::Query;
use tantivy::schema::Field;

use crate::analysis::analyzer::{Folded, gram_terms};
use crate::search::compile::{Plan, report_set};
use crate::search::query::parse_query;
use crate::search::{Level, Searching};
use outline::{TitleProbe, cut, is_question, matched, tokens};
pub(crate) use statistics::{StatField, Statistics};

#[cfg(test)]
pub(crate) use names::TITLE_QUERY_BONUS;
pub use numbers::alternatives;
pub(crate) use numbers::searched_spellings;
pub(crate) use questions::{asks, is_sentence, lone_char_is_rare, question_words};
pub(crate) use terms::{
    MAX_WORD_CHARS, dictionary_parts, idf, is_one_han_char, matched_without_positions,
    one_per_position,
};

// RANKING.md: match level first
/// The match levels a search reads, in order, for a query of `positive` words (not
/// excluded): `some` only where there is more than one word to hold.
pub(crate) fn levels(positive: usize) -> &'static [Level] {
    if positive > 1 {
        &[Level::All, Level::Some, Level::Partial]
    } else {
        &[Level::All, Level::Partial]
    }
}

impl Searching<'_> {
    /// Analyses the query once for all the queries of one search.
    pub(super) fn plan(&self, query: &str) -> Result<Plan> {
        let typed = parse_query(query);
        let mut questions = Vec::with_capacity(typed.len());
        for word in &typed {
            questions.push(is_question(word, |text| self.is_held_whole(text))?);
        }
        let cut = cut(typed, &questions, self)?;
        // The reports whose title holds each word, which the outline counts (a say in the
        // match level) and compile() gives its title bonus: not looked for where the outline
        // gives none (a query of one word).
        let several = cut.words.iter().filter(|w| !w.excluded).count() > 1;
        let mut titles: Vec<Option<Vec<u64>>> = Vec::with_capacity(cut.words.len());
        let mut titled: HashMap<String, u64> = HashMap::new();
        for word in &cut.words {
            let grams = tokens(&word.text);
            if !several || word.excluded || grams.is_empty() {
                titles.push(None);
                continue;
            }
            let found = report_set(self.titled_reports(&grams, outline::in_titles(&grams))?);
            let key = Folded::new(&word.text).significant();
            titled.insert(key, found.len() as u64);
            titles.push(Some(found));
        }
        let titled = |key: &str| titled.get(key).copied().unwrap_or(0);
        let outline = outline::outline(cut, self, self.synonyms, titled)?;
        let opening = match TitleProbe::new(query) {
            Some(probe) => self.titled_opening(&probe)?,
            None => None,
        };
        self.compile(outline, &titles, opening)
    }

    /// Whether some report title or passage holds a long word whole: it is then a name
    /// (內政部彰化老人養護中心辦事細則, a regulation's title), not a sentence to cut.
    fn is_held_whole(&self, text: &str) -> Result<bool> {
        let folded = Folded::new(text);
        let f = &self.store.fields;
        for field in [f.title_grams, f.body_grams] {
            if let Some(query) = self.phrase(field, &folded)?
                && self.searcher.search(&query, &tantivy::collector::Count)? > 0
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Passages containing the word whole in `field`, matched as the outline matches a word
    /// (see [`outline::matched`]).
    pub(super) fn phrase(&self, field: Field, folded: &Folded) -> Result<Option<Box<dyn Query>>> {
        let grams = one_per_position(gram_terms(folded));
        let how = matched(&grams, false, self)?;
        Ok(self.matching(field, &grams, how)?.map(|(query, _)| query))
    }
}

impl Statistics for Searching<'_> {
    fn docs(&self) -> u64 {
        self.searcher.num_docs()
    }

    fn doc_freq(&self, field: StatField, term: &str) -> Result<u64> {
        let f = &self.store.fields;
        let field = match field {
            StatField::BodyWords => f.body_words,
            StatField::BodyGrams => f.body_grams,
        };
        Ok(Searching::doc_freq(self, field, term)?)
    }
}
