//! Terms of a word: a query word and document frequencies → which terms a passage holding
//! it has (one per position), whether its run is matched with positions, the dictionary
//! words inside it that score on their own, and BM25's idf. No tantivy query is built here:
//! local and engine search both follow these rules.

use anyhow::Result;

use super::statistics::{StatField, Statistics};
use crate::analysis::analyzer::{Folded, is_han, is_significant, query_pieces};

/// A word in more than 1/N of all passages is too common to score on its own.
pub(crate) const COMMON_TERM_SHARE: u64 = 20;
/// A word whose bigrams are all in more than 1/N of the passages is matched without positions.
pub(crate) const COMMON_PHRASE_SHARE: u64 = 50;
/// ... and in more than this many: positions are cheap to read in a small index.
const MIN_COMMON_DOCS: u64 = 1000;
/// Longest substring of a query word looked up as a dictionary word.
pub(crate) const MAX_WORD_CHARS: usize = 8;

/// Whether a word's run may be matched without positions (all its terms present is then
/// enough): every term is a Han bigram in a large share of the index (行政院), where reading
/// positions costs more than it is worth. Never for numbers or single characters: the same
/// ones in another order (104年7月1日 for 104年1月1日) would be a false match.
pub(crate) fn matched_without_positions(
    terms: &[crate::analysis::analyzer::Term],
    stats: &dyn Statistics,
) -> Result<bool> {
    let max_df = (stats.docs() / COMMON_PHRASE_SHARE).max(MIN_COMMON_DOCS);
    for t in terms {
        if t.text.chars().count() != 2
            || !t.text.chars().all(is_han)
            || stats.doc_freq(StatField::BodyGrams, &t.text)? <= max_df
        {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The dictionary words inside a query word (all but `key`, the word itself, whose whole run
/// scores on its own), each with whether holding it is a partial match of the word: one
/// character of a longer word is not. Every dictionary word inside scores, as jieba's search
/// mode indexed every one of them (处理 inside 待处理 too); words in a large share of all
/// passages (以上, 的) add little but would make every search score most of the index.
pub(crate) fn dictionary_parts(
    folded: &Folded,
    key: &str,
    stats: &dyn Statistics,
) -> Result<Vec<(String, bool)>> {
    let doc_freq = |term: &str| stats.doc_freq(StatField::BodyWords, term);
    let word_chars = folded.chars.iter().filter(|c| is_significant(**c)).count();
    let (han_runs, alnum) = query_pieces(folded);
    let max_df = (stats.docs() / COMMON_TERM_SHARE).max(1000);
    let mut texts: Vec<String> = Vec::new();
    for (start, end) in han_runs {
        let chars = &folded.chars[start..end];
        let mut covered = vec![false; chars.len()];
        for len in (2..=chars.len().min(MAX_WORD_CHARS)).rev() {
            for i in 0..=chars.len() - len {
                let s: String = chars[i..i + len].iter().collect();
                let df = doc_freq(&s)?;
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
            if !covered[i] && doc_freq(&s)? <= max_df {
                texts.push(s);
            }
        }
    }
    for t in alnum {
        if doc_freq(&t.text)? <= max_df {
            texts.push(t.text);
        }
    }
    texts.sort();
    texts.dedup();
    // A one-character word's whole match is unscored (see `Searching::one_char`): its own
    // dictionary term gives its BM25.
    if word_chars > 1 {
        texts.retain(|t| t != key);
    }
    Ok(texts
        .into_iter()
        .map(|t| {
            let piece = word_chars <= 1 || t.chars().count() >= 2;
            (t, piece)
        })
        .collect())
}

/// The terms that a passage holding the word must have at each position: where several
/// share one (a number's value, its digits as written, its parts), the one covering most of
/// the word from the earliest char, so `235万` asks for 2350000, which `2,350,000` also gives.
pub(crate) fn one_per_position(
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

/// Whether a term is one Han character.
pub(crate) fn is_one_han_char(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(is_han) && chars.next().is_none()
}

/// tantivy's BM25 idf (crate-private there), so that scales computed with it are exact.
pub(crate) fn idf(df: u64, docs: u64) -> f32 {
    let df = df.min(docs);
    let x = ((docs - df) as f32 + 0.5) / (df as f32 + 0.5);
    (1.0 + x).ln()
}
