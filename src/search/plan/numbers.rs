//! Numbers, dates and synonyms: a query word → the other spellings it is also held whole
//! in (第十二條 for 第12條, 2017年 for 民國106年, 臺北市政府 for 北市府), and the queries
//! that find them, each earning less than the spelling typed.

use anyhow::Result;

use super::statistics::{StatField, Statistics};
use super::terms::one_per_position;
use crate::analysis::analyzer::{Folded, gram_terms};
use crate::analysis::numerals::spellings;
use crate::analysis::synonyms::{self, Synonyms};
use crate::analysis::variants::variants;
use crate::report::roc::{date_spellings, year_spellings};

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
