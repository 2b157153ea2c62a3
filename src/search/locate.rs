//! Quotation lookup: a quoted sentence, as people write it → the passage, or the run of
//! consecutive passages, it came from, with a match type, a score and character ranges.
//!
//! Quote and passages are compared after folding (Traditional/Simplified, variants, width,
//! case) and with every character that is not a letter, digit or ideograph removed, so
//! re-punctuation, full/half-width forms, spaces, TABs between table cells and page-break
//! repairs do not matter. An elision (`……`, `…`, `...`, `⋯`, `（略）`, `（中略）`, `[…]`,
//! see [`split_gaps`]) cuts the quote into pieces that must appear in this order, with any
//! text between them. Candidates come from the bigram field; around each one its report's
//! neighbouring passages are joined and the whole quote is aligned against them with a
//! semi-global edit distance in which a gap skips text for free. A quotation that runs
//! from one paragraph into the next thus returns the run of passages it covers. An
//! alignment that keeps less than [`MIN_SIMILARITY`] of the quote is not a source: the
//! caller gets the closest candidate instead, to say how near it came.

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
/// Passages joined on each side of a candidate: a quotation may run from the end of one
/// passage into the next, and an elision may skip a passage or two between its pieces.
const NEIGHBOURS: u64 = 2;
/// Neighbours are left out of a window once it holds this many significant characters,
/// which bounds the alignment table (quote × window).
const MAX_WINDOW_CHARS: usize = 12_000;
/// Share of the quote's bigrams a window must hold before it is aligned at all.
const MIN_GRAM_SHARE: f32 = 0.4;

/// How a source matches the quotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchType {
    /// The same text after folding, punctuation aside (elided parts skipped).
    Exact,
    /// Small edits.
    Near,
}

impl MatchType {
    pub fn name(self) -> &'static str {
        match self {
            MatchType::Exact => "exact",
            MatchType::Near => "near",
        }
    }
}

/// Where a quotation was found: one passage, or a run of consecutive passages of one report.
#[derive(Debug, Clone, Serialize)]
pub struct Located {
    /// The first passage of the run.
    #[serde(flatten)]
    pub passage: Passage,
    #[serde(rename = "match")]
    pub match_type: MatchType,
    /// Share of the quote matched, 0–1.
    pub score: f32,
    /// `[start, end)` char range of the quotation inside `text` (of the first passage).
    pub range: [usize; 2],
    /// The matched text marked inside its surroundings; passages of a run joined by ` ¶ `.
    pub snippet: String,
    /// The last passage of the run, when the quotation spans more than one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_id: Option<String>,
    /// The page of the last passage of the run (PDF reports).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_page: Option<u32>,
    /// `[start, end)` char range of the quotation inside the last passage's text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_range: Option<[usize; 2]>,
    /// Every id of the run, first to last, when it has more than one passage.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub run: Vec<String>,
}

impl Located {
    /// `ID` for a single passage, `FIRST…LAST` for a run.
    pub fn ids(&self) -> String {
        match &self.last_id {
            Some(last) => format!("{}…{last}", self.passage.id),
            None => self.passage.id.clone(),
        }
    }
}

/// What a lookup found: the sources, best first, or (when there are none) the closest
/// candidate below [`MIN_SIMILARITY`], if any passage shared enough of the quote to be aligned.
#[derive(Debug, Clone, Default)]
pub struct Lookup {
    pub sources: Vec<Located>,
    pub closest: Option<Located>,
}

/// The pieces of a quotation between its elisions, in order; pieces without a letter,
/// digit or ideograph are left out. A quote without elisions is one piece.
pub fn split_gaps(quote: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut piece_start = 0;
    let mut at = 0;
    while at < quote.len() {
        if let Some(len) = gap_at(&quote[at..]) {
            pieces.push(&quote[piece_start..at]);
            at += len;
            piece_start = at;
        } else {
            at += quote[at..].chars().next().map_or(1, char::len_utf8);
        }
    }
    pieces.push(&quote[piece_start..]);
    pieces.retain(|p| p.chars().any(is_significant));
    pieces
}

/// Characters that make an ellipsis on their own (one or more of them).
const ELLIPSIS_CHARS: [char; 3] = ['…', '⋯', '‥'];
/// Dots that make an ellipsis when three or more follow each other.
const ELLIPSIS_DOTS: [char; 3] = ['.', '．', '。'];
const OPENING: [char; 6] = ['(', '（', '[', '［', '〔', '【'];
const CLOSING: [char; 6] = [')', '）', ']', '］', '〕', '】'];
/// What a bracket holds to mark an omission: `（略）`, `（中略）`, `（下略）` ….
const OMITTED: [&str; 9] = [
    "略",
    "中略",
    "上略",
    "下略",
    "前略",
    "後略",
    "后略",
    "以下略",
    "省略",
];

/// The length in bytes of the elision `text` starts with, if it starts with one.
fn gap_at(text: &str) -> Option<usize> {
    if let Some(len) = ellipsis_at(text) {
        return Some(len);
    }
    let open = text.chars().next().filter(|c| OPENING.contains(c))?;
    let inner = &text[open.len_utf8()..];
    let inner_len = ellipsis_at(inner).or_else(|| {
        OMITTED
            .iter()
            .filter(|word| inner.starts_with(*word))
            .map(|word| word.len())
            .max()
    })?;
    let close = inner[inner_len..]
        .chars()
        .next()
        .filter(|c| CLOSING.contains(c))?;
    Some(open.len_utf8() + inner_len + close.len_utf8())
}

/// The length in bytes of the ellipsis `text` starts with: a run of `…`/`⋯`/`‥`, or of
/// three or more dots.
fn ellipsis_at(text: &str) -> Option<usize> {
    let run = |set: &[char]| -> (usize, usize) {
        text.chars()
            .take_while(|c| set.contains(c))
            .fold((0, 0), |(n, bytes), c| (n + 1, bytes + c.len_utf8()))
    };
    let (n, bytes) = run(&ELLIPSIS_CHARS);
    if n > 0 {
        return Some(bytes);
    }
    let (n, bytes) = run(&ELLIPSIS_DOTS);
    (n >= 3).then_some(bytes)
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

/// The quote as compared: its significant chars, and where each elision falls (the number
/// of chars before it).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Key {
    chars: Vec<char>,
    gaps: Vec<usize>,
    /// For each char, the piece it belongs to.
    piece_of: Vec<usize>,
}

impl Key {
    fn new(quote: &str) -> Key {
        let mut key = Key {
            chars: Vec::new(),
            gaps: Vec::new(),
            piece_of: Vec::new(),
        };
        for (n, piece) in split_gaps(quote).into_iter().enumerate() {
            let room = MAX_QUOTE_CHARS - key.chars.len();
            if room == 0 {
                break;
            }
            if n > 0 {
                key.gaps.push(key.chars.len());
            }
            let (chars, _) = significant(piece);
            let taken = chars.len().min(room);
            key.chars.extend(&chars[..taken]);
            key.piece_of.extend(std::iter::repeat_n(n, taken));
        }
        key
    }

    /// The bigrams of each piece (none across an elision).
    fn grams(&self) -> HashSet<String> {
        let mut grams = HashSet::new();
        let mut from = 0;
        for to in self.gaps.iter().copied().chain([self.chars.len()]) {
            let piece: String = self.chars[from..to].iter().collect();
            grams.extend(gram_terms(&Folded::new(&piece)).into_iter().map(|t| t.text));
            from = to;
        }
        grams
    }
}

/// The best alignment of a quote inside a text.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Alignment {
    distance: usize,
    /// Text positions holding a quote char unchanged, with the piece of that char, in order.
    matched: Vec<(usize, usize)>,
}

/// Semi-global alignment of `key` against `text`: the edit distance of the whole quote
/// against its best-matching stretch of the text, where each elision of the quote skips
/// any stretch of text for free. `None` when no char of the quote is found unchanged.
fn align(key: &Key, text: &[char]) -> Option<Alignment> {
    let (n, m) = (key.chars.len(), text.len());
    let width = m + 1;
    // table[i * width + j]: distance of quote[..i] ending at text[..j], any start.
    let mut table = vec![0u32; (n + 1) * width];
    // After an elision the next piece may start anywhere further on: the row is replaced by
    // its running minimum, and `skips` remembers where each minimum came from.
    let mut skips: Vec<(usize, Vec<u32>, Vec<usize>)> = Vec::new();
    for i in 1..=n {
        let previous_row = i - 1;
        let (done, rest) = table.split_at_mut(i * width);
        let mut previous: &[u32] = &done[previous_row * width..];
        if key.gaps.contains(&previous_row) {
            let mut best = (u32::MAX, 0);
            let (mut minimum, mut from) = (Vec::with_capacity(width), Vec::with_capacity(width));
            for (j, &d) in previous.iter().enumerate() {
                if d < best.0 {
                    best = (d, j);
                }
                minimum.push(best.0);
                from.push(best.1);
            }
            skips.push((previous_row, minimum, from));
            previous = skips.last().map_or(previous, |s| &s.1);
        }
        let q = key.chars[i - 1];
        let row = &mut rest[..width];
        row[0] = previous[0] + 1;
        for j in 1..=m {
            let substitute = previous[j - 1] + u32::from(text[j - 1] != q);
            let delete = previous[j] + 1; // quote char missing from the text
            let insert = row[j - 1] + 1; // text char missing from the quote
            row[j] = substitute.min(delete).min(insert);
        }
    }
    let last = &table[n * width..];
    let (mut j, &distance) = last.iter().enumerate().min_by_key(|(j, d)| (**d, *j))?;
    // Trace back, preferring an unchanged or substituted char, to list the chars kept.
    let mut matched = Vec::new();
    let mut i = n;
    while i > 0 {
        let here = table[i * width + j];
        let skip = skips.iter().find(|s| s.0 == i - 1);
        let above = |j: usize| skip.map_or(table[(i - 1) * width + j], |s| s.1[j]);
        let q = key.chars[i - 1];
        if j > 0 && here == above(j - 1) + u32::from(text[j - 1] != q) {
            if text[j - 1] == q {
                matched.push((j - 1, key.piece_of[i - 1]));
            }
            j -= 1;
        } else if here == above(j) + 1 {
        } else {
            j -= 1;
            continue;
        }
        i -= 1;
        if let Some(skip) = skip {
            j = skip.2[j];
        }
    }
    matched.reverse();
    (!matched.is_empty()).then_some(Alignment {
        distance: distance as usize,
        matched,
    })
}

/// Consecutive passages of one report, their significant chars joined for alignment.
struct Window {
    passages: Vec<Passage>,
    chars: Vec<char>,
    /// For each char: its passage (index in `passages`) and its char index in that text.
    origin: Vec<(usize, usize)>,
}

impl Window {
    /// The passages (consecutive, in order) around the one with `seq`, the nearest first
    /// while the window holds fewer than [`MAX_WINDOW_CHARS`].
    fn around(passages: Vec<Passage>, seq: u64) -> Option<Window> {
        let centre = passages.iter().position(|p| p.seq == seq)?;
        let keys: Vec<(Vec<char>, Vec<usize>)> =
            passages.iter().map(|p| significant(&p.text)).collect();
        let (mut lo, mut hi) = (centre, centre);
        let mut size = keys[centre].0.len();
        for step in 1..passages.len() {
            for k in [centre.checked_sub(step), Some(centre + step)]
                .into_iter()
                .flatten()
                .filter(|&k| k < passages.len())
            {
                // Only a neighbour next to the window keeps it a run of consecutive passages.
                if (k + 1 == lo || k == hi + 1) && size + keys[k].0.len() <= MAX_WINDOW_CHARS {
                    size += keys[k].0.len();
                    lo = lo.min(k);
                    hi = hi.max(k);
                }
            }
        }
        let mut window = Window {
            passages: Vec::new(),
            chars: Vec::with_capacity(size),
            origin: Vec::with_capacity(size),
        };
        for (k, (passage, (chars, index))) in passages
            .into_iter()
            .zip(keys)
            .enumerate()
            .skip(lo)
            .take(hi - lo + 1)
        {
            let at = k - lo;
            window.chars.extend(chars);
            window.origin.extend(index.into_iter().map(|i| (at, i)));
            window.passages.push(passage);
        }
        Some(window)
    }

    /// The source an alignment found in this window, `quote_len` being the quote's length.
    fn located(&self, alignment: &Alignment, quote_len: usize) -> Option<Found> {
        let first = self.origin[alignment.matched.first()?.0].0;
        let last = self.origin[alignment.matched.last()?.0].0;
        // Per passage of the run, the char range of each piece quoted from it.
        let mut marks: Vec<Vec<[usize; 2]>> = vec![Vec::new(); last - first + 1];
        let mut previous: Option<(usize, usize)> = None; // (passage, piece)
        for &(at, piece) in &alignment.matched {
            let (passage, index) = self.origin[at];
            let ranges = &mut marks[passage - first];
            match ranges.last_mut() {
                Some(range) if previous == Some((passage, piece)) => range[1] = index + 1,
                _ => ranges.push([index, index + 1]),
            }
            previous = Some((passage, piece));
        }
        let span = |ranges: &[[usize; 2]]| -> Option<[usize; 2]> {
            Some([ranges.first()?[0], ranges.last()?[1]])
        };
        let snippet = self.passages[first..=last]
            .iter()
            .zip(&marks)
            .map(|(p, ranges)| {
                if ranges.is_empty() {
                    "…".to_string()
                } else {
                    mark_ranges(&p.text, ranges)
                }
            })
            .collect::<Vec<_>>()
            .join(" ¶ ");
        let score = 1.0 - alignment.distance as f32 / quote_len as f32;
        let (head, tail) = (&self.passages[first], &self.passages[last]);
        let is_run = last > first;
        let located = Located {
            passage: head.clone(),
            match_type: if alignment.distance == 0 {
                MatchType::Exact
            } else {
                MatchType::Near
            },
            score: (score.max(0.0) * 1000.0).round() / 1000.0,
            range: span(&marks[0])?,
            snippet,
            last_id: is_run.then(|| tail.id.clone()),
            last_page: if is_run { tail.page } else { None },
            last_range: if is_run {
                span(&marks[last - first])
            } else {
                None
            },
            run: if is_run {
                self.passages[first..=last]
                    .iter()
                    .map(|p| p.id.clone())
                    .collect()
            } else {
                Vec::new()
            },
        };
        Some(Found {
            located,
            seqs: (head.seq, tail.seq),
        })
    }
}

/// A source with the place of its run in the report, for telling overlapping runs apart.
struct Found {
    located: Located,
    seqs: (u64, u64),
}

/// Finds the sources of `quote`, best first (at most `limit`); when none matches well
/// enough, the closest candidate instead.
pub fn locate(store: &Store, searcher: &Searcher, quote: &str, limit: usize) -> Result<Lookup> {
    let key = Key::new(quote);
    if key.chars.len() < MIN_QUOTE_CHARS {
        return Ok(Lookup::default());
    }
    let grams = key.grams();
    let field = store.fields.body_grams;
    let clauses: Vec<(Occur, Box<dyn Query>)> = grams
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
        return Ok(Lookup::default());
    }
    let query = BooleanQuery::new(clauses);
    let candidates = searcher.search(&query, &TopHits::new(CANDIDATES, 0))?;

    let mut windows_seen = HashSet::new();
    let mut found = Vec::new();
    for (rank, (_, address)) in candidates.into_iter().enumerate() {
        let doc: TantivyDocument = searcher.doc(address)?;
        let candidate = store.passage(searcher, &doc)?;
        let passages = store.range(
            searcher,
            &candidate.report,
            candidate.seq.saturating_sub(NEIGHBOURS),
            candidate.seq.saturating_add(NEIGHBOURS),
        )?;
        let Some(window) = Window::around(passages, candidate.seq) else {
            continue;
        };
        let seqs = (
            window.passages.first().map_or(0, |p| p.seq),
            window.passages.last().map_or(0, |p| p.seq),
        );
        if !windows_seen.insert((candidate.report.clone(), seqs)) {
            continue;
        }
        // Cheap filter before the quadratic alignment: enough of the quote's bigrams occur.
        // The first candidate is always aligned, so that a miss can say how close it came.
        let text: String = window.chars.iter().collect();
        let present = grams.iter().filter(|g| text.contains(g.as_str())).count();
        if rank > 0 && (present as f32) < grams.len() as f32 * MIN_GRAM_SHARE {
            continue;
        }
        found.extend(
            align(&key, &window.chars)
                .and_then(|alignment| window.located(&alignment, key.chars.len())),
        );
    }
    found.sort_by(|a, b| {
        b.located
            .score
            .total_cmp(&a.located.score)
            .then(a.located.passage.id.cmp(&b.located.passage.id))
    });
    // Windows around neighbouring candidates find the same source: keep its best run.
    let mut kept: Vec<Found> = Vec::new();
    for f in found {
        let overlaps = kept.iter().any(|k| {
            k.located.passage.report == f.located.passage.report
                && k.seqs.0 <= f.seqs.1
                && f.seqs.0 <= k.seqs.1
        });
        if !overlaps {
            kept.push(f);
        }
    }
    let mut sources: Vec<Located> = kept.into_iter().map(|f| f.located).collect();
    let Some(best) = sources.first().map(|l| l.score) else {
        return Ok(Lookup::default());
    };
    if best < MIN_SIMILARITY {
        return Ok(Lookup {
            sources: Vec::new(),
            closest: sources.into_iter().next(),
        });
    }
    sources.retain(|l| l.score >= MIN_SIMILARITY.max(best - 0.15));
    sources.truncate(limit.max(1));
    Ok(Lookup {
        sources,
        closest: None,
    })
}

/// Chars of context shown on each side of a marked range, and between two ranges before
/// the middle is elided.
const CONTEXT: usize = 30;

/// The passage text around `ranges` (sorted, apart) with each range marked.
fn mark_ranges(text: &str, ranges: &[[usize; 2]]) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut at = ranges.first().map_or(0, |r| r[0]).saturating_sub(CONTEXT);
    if at > 0 {
        out.push('…');
    }
    for range in ranges {
        if range[0] - at > 2 * CONTEXT {
            out.extend(&chars[at..at + CONTEXT]);
            out.push('…');
            at = range[0] - CONTEXT;
        }
        out.extend(&chars[at..range[0]]);
        out.push_str(MARK_OPEN);
        out.extend(&chars[range[0]..range[1]]);
        out.push_str(MARK_CLOSE);
        at = range[1];
    }
    let to = (at + CONTEXT).min(chars.len());
    out.extend(&chars[at..to]);
    if to < chars.len() {
        out.push('…');
    }
    out.replace(['\t', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> Key {
        Key::new(s)
    }

    /// The text as the alignment sees it.
    fn chars(s: &str) -> Vec<char> {
        significant(s).0
    }

    fn passage(seq: u64, text: &str) -> Passage {
        Passage {
            id: format!("r#p{seq}"),
            report: "r".into(),
            text: text.into(),
            seq,
            page: Some(seq as u32 + 1),
            ..Passage::default()
        }
    }

    #[test]
    fn exact_substring_aligns_with_zero_distance() {
        let a = align(&key("城市交流"), &chars("兩岸城市交流的機遇")).unwrap();
        assert_eq!(a.distance, 0);
        let kept: Vec<usize> = a.matched.iter().map(|m| m.0).collect();
        assert_eq!(kept, [2, 3, 4, 5]);
    }

    #[test]
    fn small_edits_cost_little() {
        let a = align(
            &key("已簽署三十項交流合作備忘錄"),
            &chars("臺北與上海已簽署30項交流合作備忘錄"),
        )
        .unwrap();
        assert!(a.distance <= 3, "{}", a.distance);
    }

    #[test]
    fn unrelated_text_scores_low() {
        let q = key("今天天氣很好我們去公園散步吧");
        let d = align(
            &q,
            &chars("兩岸城市交流之機遇與風險評估，特別是臺北市與上海市間的互動機制"),
        )
        .map_or(q.chars.len(), |a| a.distance);
        assert!(1.0 - d as f32 / q.chars.len() as f32 <= MIN_SIMILARITY);
    }

    #[test]
    fn significant_chars_ignore_punctuation_and_fold() {
        let (a, _) = significant("臺北，上海。ＡＢ１２");
        let (b, _) = significant("台北 上海 ab12");
        assert_eq!(a, b);
    }

    #[test]
    fn every_written_elision_splits_the_quote() {
        for gap in [
            "……",
            "…",
            "...",
            "⋯",
            "⋯⋯",
            "（略）",
            "（中略）",
            "(略)",
            "(中略)",
            "[...]",
            "[…]",
            "．．．",
            "［…］",
            "（下略）",
        ] {
            assert_eq!(
                split_gaps(&format!("臺北市政府{gap}上海市政府")),
                ["臺北市政府", "上海市政府"],
                "{gap}"
            );
        }
        // Leading and trailing elisions leave no empty piece.
        assert_eq!(split_gaps("……臺北市……"), ["臺北市"]);
        // A decimal point, two dots and a bracket that holds words are text.
        assert_eq!(split_gaps("成長1.5%..(略有)增加"), ["成長1.5%..(略有)增加"]);
    }

    #[test]
    fn an_elision_skips_any_text_for_free() {
        let text = chars("甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳");
        let a = align(&key("乙丙丁……寅卯辰"), &text).unwrap();
        assert_eq!(a.distance, 0);
        assert_eq!(a.matched.first(), Some(&(1, 0)));
        assert_eq!(a.matched.last(), Some(&(14, 1)));
        // Without the elision the skipped text costs.
        assert!(align(&key("乙丙丁寅卯辰"), &text).unwrap().distance > 0);
        // The pieces must come in order.
        assert!(align(&key("寅卯辰……乙丙丁"), &text).unwrap().distance >= 3);
    }

    #[test]
    fn a_quote_across_two_passages_returns_their_run() {
        let passages = vec![
            passage(4, "前面無關的一段文字。"),
            passage(5, "兩岸城市交流日益頻繁。臺北與上海"),
            passage(6, "已簽署多項合作備忘錄，涵蓋文化與經濟。"),
            passage(7, "後面也無關。"),
        ];
        let window = Window::around(passages, 5).unwrap();
        let k = key("臺北與上海已簽署多項合作備忘錄");
        let a = align(&k, &window.chars).unwrap();
        let found = window.located(&a, k.chars.len()).unwrap();
        let l = found.located;
        assert_eq!(found.seqs, (5, 6));
        assert_eq!(l.passage.id, "r#p5");
        assert_eq!(l.last_id.as_deref(), Some("r#p6"));
        assert_eq!((l.passage.page, l.last_page), (Some(6), Some(7)));
        assert_eq!(l.range, [11, 16]);
        assert_eq!(l.last_range, Some([0, 10]));
        assert_eq!(l.run, ["r#p5", "r#p6"]);
        assert_eq!(l.ids(), "r#p5…r#p6");
        assert_eq!(l.match_type, MatchType::Exact);
    }

    #[test]
    fn a_quote_inside_one_passage_is_no_run() {
        let passages = vec![passage(0, "甲乙丙丁"), passage(1, "戊己庚辛壬癸")];
        let window = Window::around(passages, 0).unwrap();
        let k = key("己庚辛");
        let a = align(&k, &window.chars).unwrap();
        let l = window.located(&a, k.chars.len()).unwrap().located;
        assert_eq!(
            (l.passage.id.as_str(), l.last_id, l.range),
            ("r#p1", None, [1, 4])
        );
        assert!(l.run.is_empty());
    }

    #[test]
    fn marks_show_each_piece() {
        assert_eq!(
            mark_ranges("甲乙丙丁戊", &[[0, 1], [3, 5]]),
            format!("{MARK_OPEN}甲{MARK_CLOSE}乙丙{MARK_OPEN}丁戊{MARK_CLOSE}")
        );
    }
}
