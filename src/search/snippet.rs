//! Snippets: a passage's original text and the query words → the best fragments with the
//! matched words marked, and the matched character ranges.
//!
//! Built from our own folding rather than tantivy's `SnippetGenerator`: lengths are counted
//! in characters (not bytes), fragments are cut at sentence ends (。！？；), and overlapping
//! search-mode tokens cannot put a boundary inside a character.

use crate::analysis::analyzer::{Folded, UnitKey, units};

/// A passage shorter than this (in chars) is shown whole.
const WHOLE_CHARS: usize = 160;
/// Budget for the fragments of a longer passage.
const SNIPPET_CHARS: usize = 150;
/// A single sentence longer than this is cut around its first match.
const MAX_FRAGMENT_CHARS: usize = 120;

pub const MARK_OPEN: &str = "<mark>";
pub const MARK_CLOSE: &str = "</mark>";

#[derive(Debug, Clone, PartialEq)]
pub struct Snippet {
    /// Fragments joined by `…`, matches wrapped in `<mark>…</mark>`.
    pub text: String,
    /// Matched `[start, end)` char ranges in the whole passage text.
    pub highlights: Vec<[usize; 2]>,
}

/// Char ranges of `text` where the query words (or, failing that, their longest pieces of two
/// or more positions) occur, compared after folding, ignoring punctuation and spaces, and
/// with numbers compared by value (`235萬` marks `2,350,000`): position by position, as the
/// index matched them.
pub fn find_matches(text: &str, words: &[String]) -> Vec<[usize; 2]> {
    let text_units = units(&Folded::new(text));
    let keys: Vec<&UnitKey> = text_units.iter().map(|u| &u.key).collect();
    // The char range of `len` units from unit `from` on.
    let span = |from: usize, len: usize| [text_units[from].start, text_units[from + len - 1].end];
    let mut spans: Vec<[usize; 2]> = Vec::new();
    for word in words {
        let word_units = units(&Folded::new(word));
        let key: Vec<&UnitKey> = word_units.iter().map(|u| &u.key).collect();
        if key.is_empty() {
            continue;
        }
        let whole = occurrences(&keys, &key);
        if !whole.is_empty() {
            spans.extend(whole.into_iter().map(|s| span(s, key.len())));
            continue;
        }
        // Longest pieces first; a piece covered by a longer one is skipped.
        let mut covered = vec![false; key.len()];
        for len in (2..key.len()).rev() {
            for i in 0..=key.len() - len {
                if covered[i..i + len].iter().all(|c| *c) {
                    continue;
                }
                let found = occurrences(&keys, &key[i..i + len]);
                if !found.is_empty() {
                    covered[i..i + len].iter_mut().for_each(|c| *c = true);
                    spans.extend(found.into_iter().map(|s| span(s, len)));
                }
            }
        }
    }
    spans.sort();
    let mut merged: Vec<[usize; 2]> = Vec::new();
    for s in spans {
        match merged.last_mut() {
            Some(last) if s[0] <= last[1] => last[1] = last[1].max(s[1]),
            _ => merged.push(s),
        }
    }
    merged
}

fn occurrences<T: PartialEq>(haystack: &[T], needle: &[T]) -> Vec<usize> {
    if needle.is_empty() || needle.len() > haystack.len() {
        return Vec::new();
    }
    haystack
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect()
}

/// The snippet of `text` for the query `words`.
pub fn make_snippet(text: &str, words: &[String]) -> Snippet {
    let chars: Vec<char> = text.chars().collect();
    let highlights = find_matches(text, words);
    let fragments = choose_fragments(&chars, &highlights);
    let mut out = String::new();
    for (k, (start, end)) in fragments.iter().enumerate() {
        if k == 0 && *start > 0 || k > 0 {
            out.push('…');
        }
        render(&chars, *start, *end, &highlights, &mut out);
    }
    if fragments.last().is_some_and(|(_, end)| *end < chars.len()) {
        out.push('…');
    }
    Snippet {
        text: out,
        highlights,
    }
}

fn render(chars: &[char], start: usize, end: usize, highlights: &[[usize; 2]], out: &mut String) {
    let mut i = start;
    for h in highlights.iter().filter(|h| h[1] > start && h[0] < end) {
        let hs = h[0].max(start);
        let he = h[1].min(end);
        out.extend(chars[i..hs].iter().map(|c| display_char(*c)));
        out.push_str(MARK_OPEN);
        out.extend(chars[hs..he].iter().map(|c| display_char(*c)));
        out.push_str(MARK_CLOSE);
        i = he;
    }
    out.extend(chars[i..end].iter().map(|c| display_char(*c)));
}

/// Tabs (between table cells) and line breaks show as spaces in a one-line snippet.
fn display_char(c: char) -> char {
    if c == '\t' || c == '\n' || c == '\r' {
        ' '
    } else {
        c
    }
}

/// Sentence ranges `[start, end)` of the text, each ending after its 。！？； or line break.
fn sentences(chars: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in chars.iter().enumerate() {
        if matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';' | '\n') {
            out.push((start, i + 1));
            start = i + 1;
        }
    }
    if start < chars.len() {
        out.push((start, chars.len()));
    }
    out
}

fn choose_fragments(chars: &[char], highlights: &[[usize; 2]]) -> Vec<(usize, usize)> {
    if chars.len() <= WHOLE_CHARS {
        return vec![(0, chars.len())];
    }
    let sentences = sentences(chars);
    let hits_in =
        |(s, e): (usize, usize)| highlights.iter().filter(|h| h[0] < e && h[1] > s).count();
    let mut ranked: Vec<(usize, (usize, usize))> = sentences
        .iter()
        .enumerate()
        .map(|(i, &r)| (i, r))
        .filter(|(_, r)| hits_in(*r) > 0)
        .collect();
    // Most matches first, earlier sentences on ties.
    ranked.sort_by_key(|(i, r)| (std::cmp::Reverse(hits_in(*r)), *i));
    let mut chosen: Vec<(usize, usize)> = Vec::new();
    let mut used = 0;
    for (_, (s, e)) in ranked {
        if used >= SNIPPET_CHARS {
            break;
        }
        let (s, e) = if e - s > MAX_FRAGMENT_CHARS {
            let first = highlights
                .iter()
                .find(|h| h[0] >= s && h[0] < e)
                .map_or(s, |h| h[0]);
            let from = first.saturating_sub(MAX_FRAGMENT_CHARS / 3).max(s);
            (from, (from + MAX_FRAGMENT_CHARS).min(e))
        } else {
            (s, e)
        };
        used += e - s;
        chosen.push((s, e));
    }
    if chosen.is_empty() {
        let end = chars.len().min(SNIPPET_CHARS);
        let end = sentences
            .iter()
            .map(|r| r.1)
            .find(|&e| e >= end / 2 && e <= end)
            .unwrap_or(end);
        return vec![(0, end)];
    }
    chosen.sort();
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_folded_matches_in_original() {
        let s = make_snippet(
            "臺北市與上海市的雙城論壇。",
            &["台北".to_string(), "双城论坛".to_string()],
        );
        assert_eq!(
            s.text,
            "<mark>臺北</mark>市與上海市的<mark>雙城論壇</mark>。"
        );
        assert_eq!(s.highlights, vec![[0, 2], [8, 12]]);
    }

    #[test]
    fn punctuation_inside_a_match_is_ignored() {
        let s = make_snippet("交流，合作備忘錄", &["交流合作".to_string()]);
        assert_eq!(s.highlights, vec![[0, 5]]);
    }

    #[test]
    fn numbers_are_marked_by_value() {
        let text = "超過2,350,000元至4,400,000元者，第3-1條";
        let s = make_snippet(text, &["235萬元至440萬元".to_string()]);
        assert_eq!(s.highlights, vec![[2, 23]]);
        // 3 is not 3500; 第3-1條 holds the piece 第3 of 第3條, not the whole.
        assert!(
            make_snippet("共3,500人", &["3".to_string()])
                .highlights
                .is_empty()
        );
        let s = make_snippet(text, &["第3條".to_string()]);
        assert_eq!(s.highlights, vec![[25, 27]]);
    }

    #[test]
    fn long_text_is_cut_at_sentences_by_chars() {
        let filler = "這是一段沒有關鍵字的句子。".repeat(20);
        let text = format!("{filler}這裡提到雙城論壇的成果。{filler}");
        let s = make_snippet(&text, &["雙城論壇".to_string()]);
        assert!(s.text.contains("<mark>雙城論壇</mark>"));
        assert!(s.text.starts_with('…') && s.text.ends_with('…'));
        let visible = s.text.replace(MARK_OPEN, "").replace(MARK_CLOSE, "");
        assert!(visible.chars().count() <= SNIPPET_CHARS + 2, "{visible}");
    }

    #[test]
    fn no_match_gives_the_start() {
        let text = "甲。".repeat(200);
        let s = make_snippet(&text, &["乙".to_string()]);
        assert!(s.highlights.is_empty());
        assert!(s.text.chars().count() <= SNIPPET_CHARS + 1);
    }
}
