//! Analysis: original text → search terms with positions and byte offsets.
//!
//! The same steps run when indexing and when querying. First every character is folded
//! one-to-one ([`crate::fold`]: width, case, compatibility ideographs, Traditional →
//! Simplified, variants), so offsets map back to the original by index. Then the folded text
//! is cut into runs: Han runs go to jieba-rs in search mode (overlapping words), alphanumeric
//! runs become number/word tokens (`3,500` → `3500`, `2016.08.08` also as `2016` `08` `08`,
//! `PM10` also as `pm` `10`), and Chinese numerals also yield their Arabic value
//! (`十二` → `12`). A second analysis emits Han character bigrams so that a word jieba split
//! differently is still found.
//!
//! Positions count *significant* characters only (letters, digits, ideographs), so
//! punctuation and spaces never change a phrase: `兩岸，城市` and `兩岸城市` put the same
//! terms at the same positions. Token offsets are byte offsets into the original text.

use std::sync::{Arc, OnceLock};

use jieba_rs::Jieba;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use crate::fold::fold_char;
use crate::numerals::{chinese_to_number, is_numeral_char};

/// Name under which the word analyzer is registered in tantivy.
pub const WORDS: &str = "baogao_words";
/// Name under which the bigram analyzer is registered in tantivy.
pub const GRAMS: &str = "baogao_grams";

/// Tokens longer than this (in chars) are dropped: they are hashes, base64 or garbage, and
/// tantivy refuses terms beyond 64 KB.
const MAX_TOKEN_CHARS: usize = 64;

/// The jieba dictionary, built once per process (it takes ~100 ms).
pub fn jieba() -> Arc<Jieba> {
    static JIEBA: OnceLock<Arc<Jieba>> = OnceLock::new();
    JIEBA.get_or_init(|| Arc::new(Jieba::new())).clone()
}

/// Whether a character carries meaning for search (counts as a position).
pub fn is_significant(c: char) -> bool {
    // Ideographs first: `is_alphanumeric` takes a slow table lookup for them.
    c.is_ascii_alphanumeric() || is_han(c) || !c.is_ascii() && c.is_alphanumeric()
}

pub fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3134F}' | '〇')
}

/// Folded text with the position and byte offset of every character.
pub struct Folded {
    /// Folded characters.
    pub chars: Vec<char>,
    /// Byte offset in the original text of each char, plus the total length at the end.
    pub byte_offsets: Vec<usize>,
    /// Significant-character position of each char (the position of the next significant
    /// char for insignificant ones).
    pub positions: Vec<usize>,
}

impl Folded {
    pub fn new(original: &str) -> Folded {
        let mut chars = Vec::with_capacity(original.len() / 2);
        let mut byte_offsets = Vec::with_capacity(original.len() / 2 + 1);
        let mut positions = Vec::with_capacity(original.len() / 2);
        let mut pos = 0;
        for (i, c) in original.char_indices() {
            let f = match fold_char(c) {
                // Government text writes the numeral zero as a circle (一○%).
                '○' | '◯' => '〇',
                f => f,
            };
            chars.push(f);
            byte_offsets.push(i);
            positions.push(pos);
            if is_significant(f) {
                pos += 1;
            }
        }
        byte_offsets.push(original.len());
        Folded {
            chars,
            byte_offsets,
            positions,
        }
    }

    pub fn text(&self) -> String {
        self.chars.iter().collect()
    }
}

/// One analyzed term: folded text, significant-char position, char range in the original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub text: String,
    pub position: usize,
    pub char_start: usize,
    pub char_end: usize,
}

/// Word terms of `text`: jieba words of Han runs, numbers, Latin words.
pub fn word_terms(jieba: &Jieba, folded: &Folded) -> Vec<Term> {
    let mut out = Vec::new();
    for run in runs(&folded.chars) {
        match run.kind {
            RunKind::Han => han_words(jieba, folded, run.start, run.end, &mut out),
            RunKind::Alnum => alnum_terms(folded, run.start, run.end, &mut out),
        }
    }
    finish(out)
}

/// Bigram terms of `text`: every pair of adjacent significant Han chars (crossing
/// punctuation), a lone Han char as itself, and alphanumeric runs as in [`word_terms`].
pub fn gram_terms(folded: &Folded) -> Vec<Term> {
    let mut out = Vec::new();
    // Han bigrams over the sequence of significant chars, so punctuation does not break them.
    let sig: Vec<usize> = (0..folded.chars.len())
        .filter(|&i| is_significant(folded.chars[i]))
        .collect();
    for (k, &i) in sig.iter().enumerate() {
        if !is_han(folded.chars[i]) {
            continue;
        }
        let next = sig.get(k + 1).copied().filter(|&j| is_han(folded.chars[j]));
        let prev_han = k > 0 && is_han(folded.chars[sig[k - 1]]);
        match next {
            Some(j) => out.push(Term {
                text: [folded.chars[i], folded.chars[j]].iter().collect(),
                position: folded.positions[i],
                char_start: i,
                char_end: j + 1,
            }),
            None if !prev_han => out.push(Term {
                text: folded.chars[i].to_string(),
                position: folded.positions[i],
                char_start: i,
                char_end: i + 1,
            }),
            None => {}
        }
    }
    for run in runs(&folded.chars) {
        if run.kind == RunKind::Alnum {
            alnum_terms(folded, run.start, run.end, &mut out);
        }
    }
    finish(out)
}

/// Sorted by position (tantivy needs positions in order for each term) and deduplicated.
fn finish(mut out: Vec<Term>) -> Vec<Term> {
    out.retain(|t| !t.text.is_empty() && t.text.chars().count() <= MAX_TOKEN_CHARS);
    out.sort_by(|a, b| {
        (a.position, a.char_start, a.char_end, &a.text).cmp(&(
            b.position,
            b.char_start,
            b.char_end,
            &b.text,
        ))
    });
    out.dedup_by(|a, b| a.text == b.text && a.position == b.position);
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RunKind {
    Han,
    Alnum,
}

#[derive(Debug, Clone, Copy)]
struct Run {
    kind: RunKind,
    start: usize,
    end: usize,
}

/// Splits folded chars into Han runs and alphanumeric runs (which keep inner `.,:/-` between
/// digits and `%` after them, so numbers stay whole).
fn runs(chars: &[char]) -> Vec<Run> {
    let mut out = Vec::new();
    let mut i = 0;
    let n = chars.len();
    while i < n {
        let c = chars[i];
        if is_han(c) {
            let start = i;
            while i < n && is_han(chars[i]) {
                i += 1;
            }
            out.push(Run {
                kind: RunKind::Han,
                start,
                end: i,
            });
        } else if c.is_alphanumeric() {
            let start = i;
            while i < n {
                let c = chars[i];
                let inner_separator = matches!(c, '.' | ',' | ':' | '/' | '-')
                    && i > start
                    && chars[i - 1].is_ascii_digit()
                    && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit());
                if c.is_alphanumeric() && !is_han(c) || inner_separator {
                    i += 1;
                } else {
                    break;
                }
            }
            out.push(Run {
                kind: RunKind::Alnum,
                start,
                end: i,
            });
        } else {
            i += 1;
        }
    }
    out
}

/// Han runs longer than this are segmented in pieces: jieba's memory grows with the input
/// (it once allocated 4 GB on a 200 MB line), and real sentences are far shorter.
const MAX_SEGMENT_CHARS: usize = 256;

fn han_words(jieba: &Jieba, folded: &Folded, start: usize, end: usize, out: &mut Vec<Term>) {
    let mut piece = String::new();
    let mut from = start;
    while from < end {
        let to = (from + MAX_SEGMENT_CHARS).min(end);
        piece.clear();
        piece.extend(&folded.chars[from..to]);
        for token in jieba.cut_for_search(&piece, false) {
            let s = from + token.start;
            let e = from + token.end;
            out.push(Term {
                text: token.word.to_string(),
                position: folded.positions[s],
                char_start: s,
                char_end: e,
            });
        }
        from = to;
    }
    numeral_values(folded, start, end, out);
}

/// Chinese numeral runs inside a Han run also yield their Arabic value (第十二條 → `12`).
/// A lone 一 is left alone: it is far more often a word part (統一) than a number.
fn numeral_values(folded: &Folded, start: usize, end: usize, out: &mut Vec<Term>) {
    let chars = &folded.chars;
    let mut i = start;
    while i < end {
        if !is_numeral_char(chars[i]) {
            i += 1;
            continue;
        }
        let s = i;
        while i < end && is_numeral_char(chars[i]) {
            i += 1;
        }
        let run: String = chars[s..i].iter().collect();
        if run == "一" || run == "千" || run == "百" || run == "万" || run == "亿" {
            continue;
        }
        if let Some(v) = chinese_to_number(&run) {
            out.push(Term {
                text: v.to_string(),
                position: folded.positions[s],
                char_start: s,
                char_end: i,
            });
        }
        // 三十五億 also yields 35, so that it meets 35億 (digits, then the Han unit).
        if run.chars().count() >= 2
            && run.ends_with(['万', '亿'])
            && let Some(v) = chinese_to_number(run.trim_end_matches(['万', '亿']))
        {
            out.push(Term {
                text: v.to_string(),
                position: folded.positions[s],
                char_start: s,
                char_end: i - 1,
            });
        }
    }
}

/// `235万` is also 2350000 and `35亿` also 3500000000, so they meet numbers written out.
fn scaled_number(digits: &str, unit: Option<&char>) -> Option<String> {
    let scale: u64 = match unit? {
        '万' => 10_000,
        '亿' => 100_000_000,
        _ => return None,
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty()
        || !int.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 8
    {
        return None;
    }
    let int_value: u64 = int.parse().ok()?;
    let frac_value: u64 = if frac.is_empty() {
        0
    } else {
        frac.parse().ok()?
    };
    let frac_scaled = frac_value.checked_mul(scale)? / 10u64.pow(frac.len() as u32);
    Some(
        int_value
            .checked_mul(scale)?
            .checked_add(frac_scaled)?
            .to_string(),
    )
}

/// Number and Latin-word terms of one alphanumeric run.
fn alnum_terms(folded: &Folded, start: usize, end: usize, out: &mut Vec<Term>) {
    let chars = &folded.chars;
    let raw: String = chars[start..end].iter().collect();
    let position = folded.positions[start];
    let push = |out: &mut Vec<Term>, text: String, s: usize, e: usize| {
        out.push(Term {
            text,
            position: folded.positions[s],
            char_start: s,
            char_end: e,
        });
    };
    // Thousands separators go: 3,500 → 3500, 1,178.9 → 1178.9.
    let whole = strip_thousands(&raw);
    let _ = position;
    push(out, whole.clone(), start, end);
    if let Some(scaled) = scaled_number(&whole, chars.get(end)) {
        push(out, scaled, start, end);
    }
    // Parts: split at separators and at letter/digit boundaries, each at its own position.
    let mut parts = Vec::new();
    let mut i = start;
    while i < end {
        let c = chars[i];
        if !c.is_alphanumeric() {
            i += 1;
            continue;
        }
        let s = i;
        let digit = c.is_ascii_digit();
        while i < end && chars[i].is_alphanumeric() && chars[i].is_ascii_digit() == digit {
            i += 1;
        }
        parts.push((s, i));
    }
    let separators = raw
        .chars()
        .filter(|c| matches!(c, '.' | ':' | '/' | '-'))
        .count();
    let thousands_only =
        whole != raw && separators == raw.chars().filter(|c| *c == '.').count() && separators <= 1;
    if parts.len() > 1 && !thousands_only {
        // 12.5 stays whole (a decimal); dates, codes and PM10 also give their parts.
        let decimal = separators == 1 && raw.contains('.') && parts.len() == 2;
        if !decimal {
            for (s, e) in parts {
                let text: String = chars[s..e].iter().collect();
                if text != whole {
                    push(out, text, s, e);
                }
            }
        }
    }
}

fn strip_thousands(raw: &str) -> String {
    if !raw.contains(',') {
        return raw.to_string();
    }
    // Only a well-formed 1,234,567(.89) loses its commas; other commas split nothing here.
    let (int, frac) = match raw.split_once('.') {
        Some((a, b)) => (a, Some(b)),
        None => (raw, None),
    };
    let groups: Vec<&str> = int.split(',').collect();
    let ok = groups[0].len() <= 3
        && !groups[0].is_empty()
        && groups[1..].iter().all(|g| g.len() == 3)
        && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()));
    if !ok {
        return raw.replace(',', "");
    }
    let mut s = groups.concat();
    if let Some(f) = frac {
        s.push('.');
        s.push_str(f);
    }
    s
}

/// Terms for one query word: what the word field can match, without loading jieba.
///
/// Han runs are looked up against the index's own term dictionary by the caller; here we
/// only produce the run strings and the alphanumeric terms.
pub fn query_pieces(folded: &Folded) -> (Vec<(usize, usize)>, Vec<Term>) {
    let mut han = Vec::new();
    let mut alnum = Vec::new();
    for run in runs(&folded.chars) {
        match run.kind {
            RunKind::Han => {
                han.push((run.start, run.end));
                numeral_values(folded, run.start, run.end, &mut alnum);
            }
            RunKind::Alnum => alnum_terms(folded, run.start, run.end, &mut alnum),
        }
    }
    (han, finish(alnum))
}

// ---------------------------------------------------------------------------------------
// tantivy adapters.

/// The word analyzer as a tantivy tokenizer.
#[derive(Clone)]
pub struct WordTokenizer {
    jieba: Arc<Jieba>,
}

impl WordTokenizer {
    pub fn new(jieba: Arc<Jieba>) -> WordTokenizer {
        WordTokenizer { jieba }
    }
}

/// The bigram analyzer as a tantivy tokenizer.
#[derive(Clone, Default)]
pub struct GramTokenizer;

/// Pre-computed tokens handed to tantivy one by one.
pub struct VecTokenStream {
    tokens: Vec<Token>,
    index: usize,
}

impl VecTokenStream {
    fn new(folded: &Folded, terms: Vec<Term>) -> VecTokenStream {
        let tokens = terms
            .into_iter()
            .map(|t| Token {
                offset_from: folded.byte_offsets[t.char_start],
                offset_to: folded.byte_offsets[t.char_end],
                position: t.position,
                text: t.text,
                position_length: 1,
            })
            .collect();
        VecTokenStream { tokens, index: 0 }
    }
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        if self.index < self.tokens.len() {
            self.index += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.index - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.index - 1]
    }
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let folded = Folded::new(text);
        let terms = word_terms(&self.jieba, &folded);
        VecTokenStream::new(&folded, terms)
    }
}

impl Tokenizer for GramTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let folded = Folded::new(text);
        let terms = gram_terms(&folded);
        VecTokenStream::new(&folded, terms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        word_terms(&jieba(), &Folded::new(text))
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    fn grams(text: &str) -> Vec<(String, usize)> {
        gram_terms(&Folded::new(text))
            .into_iter()
            .map(|t| (t.text, t.position))
            .collect()
    }

    #[test]
    fn traditional_and_simplified_meet() {
        assert_eq!(words("臺北市"), words("台北市"));
        assert!(words("臺北市").contains(&"台北市".to_string()));
        assert_eq!(words("雙城論壇"), words("双城论坛"));
        assert_eq!(words("姊妹市"), words("姐妹市"));
    }

    #[test]
    fn width_and_case() {
        assert_eq!(words("ＥＣＦＡ"), vec!["ecfa"]);
        assert_eq!(words("ecfa"), words("ECFA"));
        assert_eq!(words("３，５００"), words("3,500"));
    }

    #[test]
    fn numbers() {
        assert_eq!(words("3,500"), vec!["3500"]);
        assert_eq!(words("3500"), vec!["3500"]);
        assert_eq!(words("12.5%"), vec!["12.5"]);
        let date = words("2016.08.08");
        assert!(
            date.contains(&"2016.08.08".to_string()) && date.contains(&"2016".to_string()),
            "{date:?}"
        );
        let pm = words("PM10");
        assert!(
            pm.contains(&"pm10".to_string()) && pm.contains(&"10".to_string()),
            "{pm:?}"
        );
        assert_eq!(words("1,178.9"), vec!["1178.9"]);
    }

    #[test]
    fn chinese_numerals_meet_digits() {
        assert!(words("第十二條").contains(&"12".to_string()));
        assert!(words("一百零五年").contains(&"105".to_string()));
        assert!(words("百分之五").contains(&"5".to_string()));
        assert!(words("3000萬").contains(&"3000".to_string()));
        assert!(words("3,000萬元").contains(&"3000".to_string()));
        assert!(words("35億元").contains(&"3500000000".to_string()));
        assert!(words("三十五億元").contains(&"35".to_string()));
        assert!(words("三十五億元").contains(&"3500000000".to_string()));
        assert!(words("235萬元").contains(&"2350000".to_string()));
        assert!(words("2,350,000元").contains(&"2350000".to_string()));
        assert!(words("一○%").contains(&"10".to_string()));
    }

    #[test]
    fn punctuation_and_spaces_dropped() {
        assert!(
            words("兩岸，城市。 「交流」")
                .iter()
                .all(|w| w.chars().all(char::is_alphanumeric))
        );
        assert_eq!(grams("兩岸，城市"), grams("兩岸城市"));
    }

    #[test]
    fn bigrams_cover_substrings() {
        let g: Vec<String> = grams("待處理").into_iter().map(|(t, _)| t).collect();
        assert_eq!(g, vec!["待处", "处理"]);
        assert_eq!(grams("市"), vec![("市".to_string(), 0)]);
    }

    #[test]
    fn offsets_point_into_original() {
        let text = "臺北 ＥＣＦＡ 協議";
        let folded = Folded::new(text);
        for t in word_terms(&jieba(), &folded) {
            let s = folded.byte_offsets[t.char_start];
            let e = folded.byte_offsets[t.char_end];
            let original = &text[s..e];
            let refolded: String = original.chars().map(fold_char).collect();
            assert_eq!(refolded, t.text);
        }
    }

    #[test]
    fn positions_are_sorted() {
        let terms = word_terms(
            &jieba(),
            &Folded::new("中華人民共和國成立於一九四九年，3,500人"),
        );
        assert!(terms.windows(2).all(|w| w[0].position <= w[1].position));
    }
}
