//! Numbers, dates and synonyms: a query word → the other spellings it is also held whole
//! in (第十二條 for 第12條, 2017年 for 民國106年, 臺北市政府 for 北市府), and the queries
//! that find them, each earning less than the spelling typed.

use anyhow::Result;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query};

use super::WholeWord;
use super::statistics::{StatField, Statistics};
use super::terms::one_per_position;
use crate::analysis::analyzer::{Folded, gram_terms};
use crate::analysis::numerals::spellings;
use crate::analysis::synonyms::{self, Synonyms};
use crate::analysis::variants::variants;
use crate::report::roc::{date_spellings, year_spellings};
use crate::search::Searching;

// RANKING.md: typed spelling first
/// BM25 of a word found in another spelling of its numbers (第十二條 for 第12條), relative
/// to the spelling typed: the typed one ranks first when all else is equal.
pub(crate) const OTHER_SPELLING: f32 = 0.9;
/// A spelling some term of which is in at most 1/N of the passages is rare enough that
/// the other spellings of its numbers are searched too.
pub(crate) const RARE_SPELLING_SHARE: u64 = 200;
/// ... and a spelling some term of which is in at most this many passages: in a small
/// index every spelling is searched.
const MIN_RARE_SPELLING_DOCS: u64 = 1000;

impl Searching<'_> {
    /// The word's whole-run matches in the passage text and in its context, built once and
    /// shared by its scoring clauses and, for `-word`, the exclusion.
    /// A word with numbers is held whole in any of its spellings (第12條, 第十二條), unless
    /// the spelling typed is common: it then fills the page on its own, and every other
    /// spelling would double the cost of the search.
    /// A year word is also held in its other calendar, and a word of a synonym group as any
    /// other word of it (see [`alternatives`]), whatever their frequency: they name the same
    /// thing, and the spelling typed still ranks first.
    pub(super) fn whole_word(&self, typed: &str, folded: &Folded) -> Result<Option<WholeWord>> {
        let f = &self.store.fields;
        let others = searched_spellings(typed, folded, self.synonyms, self)?;
        let Some(body) = self.phrase(f.body_grams, folded)? else {
            return Ok(None);
        };
        let Some((context, _)) = self.phrase(f.context_grams, folded)? else {
            return Ok(None);
        };
        let Some((frame, _)) = self.phrase(f.frame_grams, folded)? else {
            return Ok(None);
        };
        if others.is_empty() {
            return Ok(Some(WholeWord {
                body,
                other_spellings: None,
                context,
                frame,
            }));
        }
        let others: Vec<Folded> = others.iter().map(|s| Folded::new(s)).collect();
        let mut bodies: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut contexts: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, context)];
        let mut frames: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, frame)];
        // Another spelling earns less BM25 than the one typed: 二百三十五万 has more and
        // rarer bigrams than 235万, which would otherwise outrank the spelling asked for.
        let typed = self.phrase_weight(f.body_grams, folded)?;
        for spelling in &others {
            if let Some((query, scale)) = self.phrase(f.body_grams, spelling)? {
                let weight = self.phrase_weight(f.body_grams, spelling)?;
                let fair = OTHER_SPELLING * typed / weight.max(typed);
                bodies.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(query, scale * fair)),
                ));
            }
            if let Some((query, _)) = self.phrase(f.context_grams, spelling)? {
                contexts.push((Occur::Should, query));
            }
            if let Some((query, _)) = self.phrase(f.frame_grams, spelling)? {
                frames.push((Occur::Should, query));
            }
        }
        Ok(Some(WholeWord {
            body,
            other_spellings: (!bodies.is_empty())
                .then(|| Box::new(BooleanQuery::new(bodies)) as Box<dyn Query>),
            context: Box::new(BooleanQuery::new(contexts)),
            frame: Box::new(BooleanQuery::new(frames)),
        }))
    }
}

/// Every other spelling a query word is searched as, locally and on the engine: its number
/// spellings when the spelling typed is rare (see [`spelling_is_rare`]), then its
/// [`alternatives`] whatever their frequency.
pub(crate) fn searched_spellings(
    typed: &str,
    folded: &Folded,
    synonyms: &Synonyms,
    stats: &dyn Statistics,
) -> Result<Vec<String>> {
    let mut others = spellings(&folded.chars);
    if !others.is_empty() && !spelling_is_rare(&one_per_position(gram_terms(folded)), stats)? {
        others.clear();
    }
    others.extend(alternatives(typed, synonyms));
    Ok(others)
}

/// Whether the spelling typed is rare enough for the other spellings of its numbers to be
/// searched too: some term of it is in few passages.
pub(crate) fn spelling_is_rare(
    terms: &[crate::analysis::analyzer::Term],
    stats: &dyn Statistics,
) -> Result<bool> {
    let rare = (stats.docs() / RARE_SPELLING_SHARE).max(MIN_RARE_SPELLING_DOCS);
    for t in terms {
        if stats.doc_freq(StatField::BodyGrams, &t.text)? <= rare {
            return Ok(true);
        }
    }
    Ok(false)
}

// RANKING.md: numbers and dates in any spelling
/// What a query word is also searched as, besides its number spellings: a year word in its
/// other calendar (`民國106年` → `2017年`, `106年`), then the other words of its synonym groups
/// (`北市府` → `臺北市政府` …), then its Taiwan/mainland phrase variants (`軟件` → `軟體`,
/// `計畫` → `計劃`, see [`variants`]). `analyze` shows them.
pub fn alternatives(typed: &str, synonyms: &Synonyms) -> Vec<String> {
    let folded: String = Folded::new(typed).chars.iter().collect();
    let mut out = year_spellings(&folded);
    out.extend(date_spellings(&folded));
    out.extend(synonyms.alternatives(typed));
    for variant in variants(typed) {
        if !out
            .iter()
            .any(|o| synonyms::key(o) == synonyms::key(&variant))
        {
            out.push(variant);
        }
    }
    out
}
