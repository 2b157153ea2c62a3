//! Quotation lookup: a quoted sentence → the passage(s) it came from, with a match type, a
//! score and the character range inside the passage.
//!
//! Quote and passages are compared after folding (Traditional/Simplified, variants, width,
//! case) and with every character that is not a letter, digit or ideograph removed, so
//! re-punctuation, spaces, TABs between table cells and page-break repairs do not matter.
//! Candidates come from the bigram field; each is then aligned with a semi-global edit
//! distance (the whole quote against the best substring of the passage). An alignment that
//! keeps less than [`MIN_SIMILARITY`] of the quote is not a source: `locate` says so rather
//! than offer a weak candidate.

use std::collections::HashSet;

use anyhow::Result;
use serde::Serialize;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, TantivyDocument, Term};

use crate::analysis::analyzer::{Folded, gram_terms, is_significant};
use crate::index::Store;
use crate::report::passage::Passage;
use crate::search::snippet::{MARK_CLOSE, MARK_OPEN};
use crate::search::top::TopHits;

/// Below this share of the quote kept by the best alignment, a passage is not the source.
pub const MIN_SIMILARITY: f32 = 0.7;
/// Candidates fetched from the index before alignment.
const CANDIDATES: usize = 40;
/// Quotes are compared on at most this many significant characters.
const MAX_QUOTE_CHARS: usize = 600;
/// Fewer significant characters than this cannot identify a source.
const MIN_QUOTE_CHARS: usize = 4;

/// Where a quotation was found.
#[derive(Debug, Clone, Serialize)]
pub struct Located {
    #[serde(flatten)]
    pub passage: Passage,
    /// `exact` (same text after folding, punctuation aside) or `near` (small edits).
    #[serde(rename = "match")]
    pub match_type: &'static str,
    /// Share of the quote matched, 0–1.
    pub score: f32,
    /// `[start, end)` char range of the quotation inside `text`.
    pub range: [usize; 2],
    /// The matched range marked inside its surroundings.
    pub snippet: String,
}

/// Significant folded chars of a text with their char index in the original.
fn significant(text: &str) -> (Vec<char>, Vec<usize>) {
    let folded = Folded::new(text);
    folded
        .chars
        .iter()
        .enumerate()
        .filter(|(_, c)| is_significant(**c))
        .map(|(i, c)| (*c, i))
        .unzip()
}

/// Semi-global alignment: edit distance of the whole `quote` against its best-matching
/// substring of `passage`; returns (distance, start, end) in passage indices.
fn align(quote: &[char], passage: &[char]) -> (usize, usize, usize) {
    let m = passage.len();
    // prev[j]: distance of quote[..i] ending at passage[..j]; start[j]: where that match began.
    let mut prev: Vec<usize> = vec![0; m + 1];
    let mut prev_start: Vec<usize> = (0..=m).collect();
    let mut cur = vec![0; m + 1];
    let mut cur_start = vec![0; m + 1];
    for (i, &q) in quote.iter().enumerate() {
        cur[0] = i + 1;
        cur_start[0] = 0;
        for j in 1..=m {
            let substitute = prev[j - 1] + usize::from(passage[j - 1] != q);
            let delete = prev[j] + 1; // quote char missing from passage
            let insert = cur[j - 1] + 1; // passage char missing from quote
            let (best, start) = if substitute <= delete && substitute <= insert {
                (substitute, prev_start[j - 1])
            } else if delete <= insert {
                (delete, prev_start[j])
            } else {
                (insert, cur_start[j - 1])
            };
            cur[j] = best;
            cur_start[j] = start;
        }
        std::mem::swap(&mut prev, &mut cur);
        std::mem::swap(&mut prev_start, &mut cur_start);
    }
    let (end, &distance) = prev
        .iter()
        .enumerate()
        .min_by_key(|(j, d)| (**d, *j))
        .unwrap_or((0, &quote.len()));
    (distance, prev_start[end], end)
}

/// Finds the sources of `quote`, best first; empty when nothing matches well enough.
pub fn locate(
    store: &Store,
    searcher: &Searcher,
    quote: &str,
    limit: usize,
) -> Result<Vec<Located>> {
    let (mut key, _) = significant(quote);
    key.truncate(MAX_QUOTE_CHARS);
    if key.len() < MIN_QUOTE_CHARS {
        return Ok(Vec::new());
    }
    let key_text: String = key.iter().collect();
    let grams: Vec<String> = gram_terms(&Folded::new(&key_text))
        .into_iter()
        .map(|t| t.text)
        .collect();
    let unique: HashSet<&String> = grams.iter().collect();
    let field = store.fields.body_grams;
    let clauses: Vec<(Occur, Box<dyn Query>)> = unique
        .iter()
        .map(|g| {
            (
                Occur::Should,
                Box::new(TermQuery::new(
                    Term::from_field_text(field, g),
                    IndexRecordOption::WithFreqs,
                )) as Box<dyn Query>,
            )
        })
        .collect();
    if clauses.is_empty() {
        return Ok(Vec::new());
    }
    let query = BooleanQuery::new(clauses);
    let found = searcher.search(&query, &TopHits::new(CANDIDATES, 0))?;

    let mut located = Vec::new();
    for (_, address) in found {
        let doc: TantivyDocument = searcher.doc(address)?;
        let passage = store.passage(&doc)?;
        let (chars, index) = significant(&passage.text);
        if chars.is_empty() {
            continue;
        }
        // Cheap filter before the quadratic alignment: enough of the quote's bigrams occur.
        let text: String = chars.iter().collect();
        let present = unique.iter().filter(|g| text.contains(g.as_str())).count();
        if (present as f32) < unique.len() as f32 * 0.4 {
            continue;
        }
        let (distance, start, end) = align(&key, &chars);
        let score = 1.0 - distance as f32 / key.len() as f32;
        if score < MIN_SIMILARITY || end <= start {
            continue;
        }
        let range = [index[start], index[end - 1] + 1];
        let match_type = if distance == 0 { "exact" } else { "near" };
        let snippet = mark_range(&passage.text, range);
        located.push(Located {
            passage,
            match_type,
            score: (score * 1000.0).round() / 1000.0,
            range,
            snippet,
        });
    }
    located.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.passage.id.cmp(&b.passage.id))
    });
    if let Some(best) = located.first().map(|l| l.score) {
        located.retain(|l| l.score >= best - 0.15);
    }
    located.truncate(limit.max(1));
    Ok(located)
}

/// The passage text around `range` (up to 30 chars each side) with the range marked.
fn mark_range(text: &str, range: [usize; 2]) -> String {
    let chars: Vec<char> = text.chars().collect();
    let from = range[0].saturating_sub(30);
    let to = (range[1] + 30).min(chars.len());
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    out.extend(&chars[from..range[0]]);
    out.push_str(MARK_OPEN);
    out.extend(&chars[range[0]..range[1]]);
    out.push_str(MARK_CLOSE);
    out.extend(&chars[range[1]..to]);
    if to < chars.len() {
        out.push('…');
    }
    out.replace(['\t', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn exact_substring_aligns_with_zero_distance() {
        let (d, s, e) = align(&chars("城市交流"), &chars("兩岸城市交流的機遇"));
        assert_eq!((d, s, e), (0, 2, 6));
    }

    #[test]
    fn small_edits_cost_little() {
        let (d, _, _) = align(
            &chars("已簽署三十項交流合作備忘錄"),
            &chars("臺北與上海已簽署30項交流合作備忘錄"),
        );
        assert!(d <= 3, "{d}");
    }

    #[test]
    fn unrelated_text_scores_low() {
        let q = chars("今天天氣很好我們去公園散步吧");
        let (d, _, _) = align(
            &q,
            &chars("兩岸城市交流之機遇與風險評估，特別是臺北市與上海市間的互動機制"),
        );
        assert!(1.0 - d as f32 / q.len() as f32 <= MIN_SIMILARITY);
    }

    #[test]
    fn significant_chars_ignore_punctuation_and_fold() {
        let (a, _) = significant("臺北，上海。");
        let (b, _) = significant("台北 上海");
        assert_eq!(a, b);
    }
}
