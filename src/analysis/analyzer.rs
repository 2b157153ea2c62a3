//! Analysis: original text → search terms with positions and byte offsets.
//!
//! The same steps run when indexing and when querying. First every character is folded
//! one-to-one ([`crate::analysis::fold`]: width, case, compatibility ideographs, Traditional →
//! Simplified, variants), so offsets map back to the original by index. Then the folded text
//! is cut into runs: Han runs go to jieba-rs in search mode (overlapping words), alphanumeric
//! runs become number/word tokens (`3,500` → `3500`, `2016.08.08` also as `2016` `08` `08`,
//! `PM10` also as `pm` `10`), and Chinese numerals also yield their Arabic value
//! (`十二` → `12`). A second analysis emits Han character bigrams so that a word jieba split
//! differently is still found.
//!
//! Positions count *significant* characters only (letters, digits, ideographs), so
//! punctuation and spaces never change a phrase: `兩岸，城市` and `兩岸城市` put the same
//! terms at the same positions. A number takes one position however it is written, its unit
//! included (`235萬元至` and `2,350,000元至` give 2350000 then 元至 at the next position), and
//! a Han char beside a number is also a term of its own (第 and 條 of `依第3條規定`). Token
//! offsets are byte offsets into the original text.

use std::sync::{Arc, OnceLock};

use jieba_rs::Jieba;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use crate::analysis::fold::fold_char;
use crate::analysis::numerals::{chinese_to_number, is_numeral_char};

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

/// Whether the char at `i` belongs to the number value that ends just before it: a digit
/// after a digit, a thousands comma or a decimal point (`2,350,000`, `1,178.9`), or a unit
/// (`235万`). A value takes one position however it is written, so `235万元` and
/// `2,350,000元` put the same terms at the same positions. Numbers joined by other
/// separators (`3-1`, `2016.08.08`, `10:30`) keep a position each: 第3條 is not in 第3-1條.
fn continues_number(chars: &[char], i: usize) -> bool {
    let digit_at = |k: usize| chars.get(k).is_some_and(char::is_ascii_digit);
    if i == 0 {
        return false;
    }
    if chars[i].is_ascii_digit() {
        return digit_at(i - 1) || joins_value(chars, i - 1);
    }
    joins_value(chars, i) || is_number_unit(chars, i)
}

/// Whether the separator at `i` is inside one number value: a thousands comma, or a
/// decimal point (a dot that is the only one among the digits around it).
fn joins_value(chars: &[char], i: usize) -> bool {
    if !joins_digits(chars, i) {
        return false;
    }
    match chars[i] {
        ',' => true,
        '.' => {
            let digit_or_comma = |c: &char| c.is_ascii_digit() || *c == ',';
            let before = chars[..i].iter().rev().find(|c| !digit_or_comma(c));
            let after = chars[i + 1..].iter().position(|c| !c.is_ascii_digit());
            let dot_after = after.is_some_and(|k| joins_digits(chars, i + 1 + k));
            before != Some(&'.') && !dot_after
        }
        _ => false,
    }
}

/// Whether the char at `i` is a separator inside a number: `.,:/-` between digits, a comma
/// only before a group of three digits (`2,350,000`; in `1，2，3` the folded full-width
/// commas separate three numbers).
fn joins_digits(chars: &[char], i: usize) -> bool {
    let digit_at = |k: usize| chars.get(k).is_some_and(char::is_ascii_digit);
    if i == 0 || !is_inner_separator(chars[i]) || !digit_at(i - 1) || !digit_at(i + 1) {
        return false;
    }
    chars[i] != ',' || (1..=3).all(|k| digit_at(i + k)) && !digit_at(i + 4)
}

/// Whether the char at `i` is a unit that the number before it absorbs: 万 or 亿 right after
/// digits (`235万`, whose scaled value 2350000 stands for both).
fn is_number_unit(chars: &[char], i: usize) -> bool {
    i > 0 && matches!(chars[i], '万' | '亿') && chars[i - 1].is_ascii_digit()
}

/// Separators that stay inside a number between digits.
fn is_inner_separator(c: char) -> bool {
    matches!(c, '.' | ',' | ':' | '/' | '-')
}

pub fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3134F}' | '〇')
}

/// Folded text with the position and byte offset of every character.
#[derive(Clone)]
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
        let mut folded = Folded {
            chars: Vec::with_capacity(original.len() / 2),
            byte_offsets: Vec::with_capacity(original.len() / 2 + 1),
            positions: Vec::with_capacity(original.len() / 2),
        };
        folded.refill(original);
        folded
    }

    /// Folds `original` into this value's buffers (what [`Folded::new`] returns, without
    /// allocating once the buffers are large enough).
    pub fn refill(&mut self, original: &str) {
        let Folded {
            chars,
            byte_offsets,
            positions,
        } = self;
        chars.clear();
        byte_offsets.clear();
        positions.clear();
        for (i, c) in original.char_indices() {
            chars.push(match fold_char(c) {
                // Government text writes the numeral zero as a circle (一○%).
                '○' | '◯' => '〇',
                f => f,
            });
            byte_offsets.push(i);
        }
        byte_offsets.push(original.len());
        let mut pos = 0;
        for i in 0..chars.len() {
            let c = chars[i];
            if continues_number(chars, i) {
                // Part of the number before: its position.
                positions.push(pos - 1);
            } else {
                positions.push(pos);
                if is_significant(c) {
                    pos += 1;
                }
            }
        }
    }

    pub fn text(&self) -> String {
        self.chars.iter().collect()
    }
}

/// One position of a text: a significant char, or a whole number value however written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub key: UnitKey,
    /// Char range in the text.
    pub start: usize,
    pub end: usize,
}

/// What a [`Unit`] compares by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitKey {
    /// A folded char.
    Char(char),
    /// A number's value: `2350000` for both `235万` and `2,350,000`.
    Number(String),
}

/// The text as a sequence of [`Unit`]s, one per position: what a quotation or a query word
/// must match, whatever its punctuation, spaces and way of writing numbers.
pub fn units(folded: &Folded) -> Vec<Unit> {
    let chars = &folded.chars;
    let mut out: Vec<Unit> = Vec::new();
    let mut number = String::new();
    let finish_number = |number: &mut String, out: &mut Vec<Unit>| {
        if number.is_empty() {
            return;
        }
        if let Some(last) = out.last_mut() {
            let unit = number.chars().last().filter(|u| matches!(u, '万' | '亿'));
            let digits = number.trim_end_matches(['万', '亿']).replace(',', "");
            last.key = UnitKey::Number(
                unit.and_then(|u| scaled_number(&digits, Some(&u)))
                    .unwrap_or(digits),
            );
        }
        number.clear();
    };
    for (i, &c) in chars.iter().enumerate() {
        if continues_number(chars, i) {
            number.push(c);
            if let Some(last) = out.last_mut() {
                last.end = i + 1;
            }
            continue;
        }
        if !is_significant(c) {
            continue;
        }
        finish_number(&mut number, &mut out);
        if c.is_ascii_digit() {
            number.push(c);
        }
        out.push(Unit {
            key: UnitKey::Char(c),
            start: i,
            end: i + 1,
        });
    }
    finish_number(&mut number, &mut out);
    out
}

/// One analyzed term: folded text, significant-char position, char range in the original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub text: String,
    pub position: usize,
    pub char_start: usize,
    pub char_end: usize,
}

/// A [`Term`] whose text lies in its [`Terms`] buffer.
#[derive(Debug, Clone, Copy)]
struct RawTerm {
    text_start: usize,
    text_end: usize,
    position: usize,
    char_start: usize,
    char_end: usize,
}

/// Terms being built: their texts share one string, so the thousands of terms of a passage
/// cost no allocation each, and the buffers serve passage after passage.
#[derive(Debug, Clone, Default)]
pub struct Terms {
    text: String,
    terms: Vec<RawTerm>,
    /// Scratch space for the analysis steps.
    scratch: String,
    significant: Vec<usize>,
}

impl Terms {
    fn clear(&mut self) {
        self.text.clear();
        self.terms.clear();
    }

    fn text_of(&self, t: &RawTerm) -> &str {
        &self.text[t.text_start..t.text_end]
    }

    /// Adds a term whose text was just appended to `self.text` from `text_start` on.
    fn push_from(
        &mut self,
        text_start: usize,
        position: usize,
        char_start: usize,
        char_end: usize,
    ) {
        self.terms.push(RawTerm {
            text_start,
            text_end: self.text.len(),
            position,
            char_start,
            char_end,
        });
    }

    fn push_str(&mut self, text: &str, position: usize, char_start: usize, char_end: usize) {
        let start = self.text.len();
        self.text.push_str(text);
        self.push_from(start, position, char_start, char_end);
    }

    fn push_chars(&mut self, text: &[char], position: usize, char_start: usize, char_end: usize) {
        let start = self.text.len();
        self.text.extend(text);
        self.push_from(start, position, char_start, char_end);
    }

    fn push_number(&mut self, value: u64, position: usize, char_start: usize, char_end: usize) {
        use std::fmt::Write;
        let start = self.text.len();
        let _ = write!(self.text, "{value}");
        self.push_from(start, position, char_start, char_end);
    }

    /// Sorted by position (tantivy needs positions in order for each term) and
    /// deduplicated. Terms equal in position, char range and text are equal in every field,
    /// so an unstable sort gives the same order as a stable one.
    fn finish(&mut self) {
        let Terms { text, terms, .. } = self;
        let text_of = |t: &RawTerm| &text[t.text_start..t.text_end];
        terms.retain(|t| {
            let s = text_of(t);
            // A term of at most MAX_TOKEN_CHARS bytes has at most as many chars.
            !s.is_empty() && (s.len() <= MAX_TOKEN_CHARS || s.chars().count() <= MAX_TOKEN_CHARS)
        });
        let key = |t: &RawTerm| (t.position, t.char_start, t.char_end);
        let in_order =
            |a: &RawTerm, b: &RawTerm| key(a).cmp(&key(b)).then_with(|| text_of(a).cmp(text_of(b)));
        if !terms.is_sorted_by(|a, b| in_order(a, b).is_le()) {
            terms.sort_unstable_by(in_order);
        }
        terms.dedup_by(|a, b| a.position == b.position && text_of(a) == text_of(b));
    }

    fn to_terms(&self) -> Vec<Term> {
        self.terms
            .iter()
            .map(|t| Term {
                text: self.text_of(t).to_string(),
                position: t.position,
                char_start: t.char_start,
                char_end: t.char_end,
            })
            .collect()
    }
}

/// Word terms of `text`: jieba words of Han runs, numbers, Latin words.
pub fn word_terms(jieba: &Jieba, folded: &Folded) -> Vec<Term> {
    let mut out = Terms::default();
    word_terms_into(jieba, folded, &mut out);
    out.to_terms()
}

fn word_terms_into(jieba: &Jieba, folded: &Folded, out: &mut Terms) {
    out.clear();
    for run in runs(&folded.chars) {
        match run.kind {
            RunKind::Han => han_words(jieba, folded, run.start, run.end, out),
            RunKind::Alnum => alnum_terms(folded, run.start, run.end, out),
        }
    }
    out.finish();
}

/// Bigram terms of `text`: every pair of adjacent significant Han chars (crossing
/// punctuation), a lone Han char as itself, and alphanumeric runs as in [`word_terms`].
pub fn gram_terms(folded: &Folded) -> Vec<Term> {
    let mut out = Terms::default();
    gram_terms_into(folded, &mut out);
    out.to_terms()
}

fn gram_terms_into(folded: &Folded, out: &mut Terms) {
    out.clear();
    let chars = &folded.chars;
    // Han bigrams over the sequence of significant chars, so punctuation does not break them.
    let mut sig = std::mem::take(&mut out.significant);
    sig.clear();
    sig.extend((0..chars.len()).filter(|&i| is_significant(chars[i])));
    for (k, &i) in sig.iter().enumerate() {
        if !is_han(chars[i]) {
            continue;
        }
        // What stands beside the char: another Han char, a number or Latin word (a number's
        // unit, 万 in 235万元, counts as part of the number), or nothing.
        let next = sig.get(k + 1).copied();
        let next_han = next.is_some_and(|j| is_han(chars[j]));
        let prev = k.checked_sub(1).map(|p| sig[p]);
        let prev_han = prev.is_some_and(|p| is_han(chars[p]) && !is_number_unit(chars, p));
        if let Some(j) = next.filter(|_| next_han) {
            out.push_chars(&[chars[i], chars[j]], folded.positions[i], i, j + 1);
        }
        // A char beside a number is also a term of its own, so that 第3條 is found in
        // 依第3條規定 (where 第 and 條 are in bigrams with other chars), and 元 after 235万 as
        // after 2,350,000.
        let beside_alnum = next.is_some() && !next_han || prev.is_some() && !prev_han;
        if !next_han && !prev_han || beside_alnum {
            out.push_chars(&chars[i..=i], folded.positions[i], i, i + 1);
        }
    }
    out.significant = sig;
    for run in runs(&folded.chars) {
        if run.kind == RunKind::Alnum {
            alnum_terms(folded, run.start, run.end, out);
        }
    }
    out.finish();
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
fn runs(chars: &[char]) -> Runs<'_> {
    Runs { chars, i: 0 }
}

/// The runs of [`runs`], in order.
struct Runs<'a> {
    chars: &'a [char],
    i: usize,
}

impl Iterator for Runs<'_> {
    type Item = Run;

    fn next(&mut self) -> Option<Run> {
        let chars = self.chars;
        let n = chars.len();
        let mut i = self.i;
        let run = loop {
            if i >= n {
                break None;
            }
            let c = chars[i];
            if is_han(c) {
                let start = i;
                while i < n && is_han(chars[i]) {
                    i += 1;
                }
                break Some(Run {
                    kind: RunKind::Han,
                    start,
                    end: i,
                });
            } else if c.is_alphanumeric() {
                let start = i;
                while i < n {
                    let c = chars[i];
                    if c.is_alphanumeric() && !is_han(c) || i > start && joins_digits(chars, i) {
                        i += 1;
                    } else {
                        break;
                    }
                }
                break Some(Run {
                    kind: RunKind::Alnum,
                    start,
                    end: i,
                });
            } else {
                i += 1;
            }
        };
        self.i = i;
        run
    }
}

/// Han runs longer than this are segmented in pieces: jieba's memory grows with the input
/// (it once allocated 4 GB on a 200 MB line), and real sentences are far shorter.
const MAX_SEGMENT_CHARS: usize = 256;

fn han_words(jieba: &Jieba, folded: &Folded, start: usize, end: usize, out: &mut Terms) {
    let mut piece = std::mem::take(&mut out.scratch);
    let mut from = start;
    while from < end {
        let to = (from + MAX_SEGMENT_CHARS).min(end);
        piece.clear();
        piece.extend(&folded.chars[from..to]);
        for token in jieba.cut_for_search(&piece, false) {
            let s = from + token.start;
            let e = from + token.end;
            out.push_str(token.word, folded.positions[s], s, e);
        }
        from = to;
    }
    out.scratch = piece;
    numeral_values(folded, start, end, out);
}

/// Chinese numeral runs inside a Han run also yield their Arabic value (第十二條 → `12`).
/// A lone 一 is left alone: it is far more often a word part (統一) than a number.
fn numeral_values(folded: &Folded, start: usize, end: usize, out: &mut Terms) {
    let chars = &folded.chars;
    let mut run = std::mem::take(&mut out.scratch);
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
        if i - s == 1 && matches!(chars[s], '一' | '千' | '百' | '万' | '亿') {
            continue;
        }
        run.clear();
        run.extend(&chars[s..i]);
        if let Some(v) = chinese_to_number(&run) {
            out.push_number(v, folded.positions[s], s, i);
        }
        // 三十五億 also yields 35, so that it meets 35億 (digits, then the Han unit).
        if i - s >= 2
            && run.ends_with(['万', '亿'])
            && let Some(v) = chinese_to_number(run.trim_end_matches(['万', '亿']))
        {
            out.push_number(v, folded.positions[s], s, i - 1);
        }
    }
    out.scratch = run;
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
fn alnum_terms(folded: &Folded, start: usize, end: usize, out: &mut Terms) {
    let chars = &folded.chars;
    let position = folded.positions[start];
    // A plain word or number (no separator) is its own single term: the common case.
    if chars[start..end]
        .iter()
        .all(|c| c.is_alphanumeric() && c.is_ascii_digit() == chars[start].is_ascii_digit())
    {
        let text_start = out.text.len();
        out.push_chars(&chars[start..end], position, start, end);
        if chars[start].is_ascii_digit()
            && let Some(scaled) = scaled_number(&out.text[text_start..], chars.get(end))
        {
            out.push_str(&scaled, position, start, end + 1);
        }
        return;
    }
    let mut raw = std::mem::take(&mut out.scratch);
    raw.clear();
    raw.extend(&chars[start..end]);
    // Thousands separators go: 3,500 → 3500, 1,178.9 → 1178.9.
    let whole = strip_thousands(&raw);
    out.push_str(&whole, position, start, end);
    if let Some(scaled) = scaled_number(&whole, chars.get(end)) {
        out.push_str(&scaled, position, start, end + 1);
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
    let thousands_only = *whole != *raw
        && separators == raw.chars().filter(|c| *c == '.').count()
        && separators <= 1;
    if parts.len() > 1 && !thousands_only {
        // 12.5 stays whole (a decimal); dates, codes and PM10 also give their parts.
        let decimal = separators == 1 && raw.contains('.') && parts.len() == 2;
        if !decimal {
            for (s, e) in parts {
                if !chars[s..e].iter().copied().eq(whole.chars()) {
                    out.push_chars(&chars[s..e], folded.positions[s], s, e);
                }
            }
        }
    }
    drop(whole);
    out.scratch = raw;
}

fn strip_thousands(raw: &str) -> std::borrow::Cow<'_, str> {
    if !raw.contains(',') {
        return raw.into();
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
        return raw.replace(',', "").into();
    }
    let mut s = groups.concat();
    if let Some(f) = frac {
        s.push('.');
        s.push_str(f);
    }
    s.into()
}

/// Terms for one query word: what the word field can match, without loading jieba.
///
/// Han runs are looked up against the index's own term dictionary by the caller; here we
/// only produce the run strings and the alphanumeric terms.
pub fn query_pieces(folded: &Folded) -> (Vec<(usize, usize)>, Vec<Term>) {
    let mut han = Vec::new();
    let mut alnum = Terms::default();
    for run in runs(&folded.chars) {
        match run.kind {
            RunKind::Han => {
                han.push((run.start, run.end));
                numeral_values(folded, run.start, run.end, &mut alnum);
            }
            RunKind::Alnum => alnum_terms(folded, run.start, run.end, &mut alnum),
        }
    }
    alnum.finish();
    (han, alnum.to_terms())
}

// ---------------------------------------------------------------------------------------
// tantivy adapters.

/// Buffers a tokenizer reuses from one text to the next.
#[derive(Clone)]
struct Scratch {
    folded: Folded,
    terms: Terms,
    token: Token,
}

impl Default for Scratch {
    fn default() -> Scratch {
        Scratch {
            folded: Folded {
                chars: Vec::new(),
                byte_offsets: Vec::new(),
                positions: Vec::new(),
            },
            terms: Terms::default(),
            token: Token::default(),
        }
    }
}

impl Scratch {
    /// Folds `text`, dropping the buffers first when an outsized text (a huge table row)
    /// left them big, so that a tokenizer does not keep that memory for good.
    fn fold(&mut self, text: &str) {
        const KEEP_CHARS: usize = 1 << 16;
        if self.folded.chars.capacity() > KEEP_CHARS || self.terms.terms.capacity() > KEEP_CHARS {
            *self = Scratch::default();
        }
        self.folded.refill(text);
    }

    fn stream(&mut self) -> TermTokenStream<'_> {
        TermTokenStream {
            terms: &self.terms,
            byte_offsets: &self.folded.byte_offsets,
            next: 0,
            token: &mut self.token,
        }
    }
}

/// The word analyzer as a tantivy tokenizer.
#[derive(Clone)]
pub struct WordTokenizer {
    jieba: Arc<Jieba>,
    scratch: Scratch,
}

impl WordTokenizer {
    pub fn new(jieba: Arc<Jieba>) -> WordTokenizer {
        WordTokenizer {
            jieba,
            scratch: Scratch::default(),
        }
    }
}

/// The bigram analyzer as a tantivy tokenizer.
#[derive(Clone, Default)]
pub struct GramTokenizer {
    scratch: Scratch,
}

/// Analyzed terms handed to tantivy one by one, through one reused [`Token`].
pub struct TermTokenStream<'a> {
    terms: &'a Terms,
    byte_offsets: &'a [usize],
    next: usize,
    token: &'a mut Token,
}

impl TokenStream for TermTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(t) = self.terms.terms.get(self.next) else {
            return false;
        };
        self.next += 1;
        let token = &mut *self.token;
        token.text.clear();
        token.text.push_str(self.terms.text_of(t));
        token.position = t.position;
        token.offset_from = self.byte_offsets[t.char_start];
        token.offset_to = self.byte_offsets[t.char_end];
        token.position_length = 1;
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = TermTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> TermTokenStream<'a> {
        self.scratch.fold(text);
        let Scratch { folded, terms, .. } = &mut self.scratch;
        word_terms_into(&self.jieba, folded, terms);
        self.scratch.stream()
    }
}

impl Tokenizer for GramTokenizer {
    type TokenStream<'a> = TermTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> TermTokenStream<'a> {
        self.scratch.fold(text);
        let Scratch { folded, terms, .. } = &mut self.scratch;
        gram_terms_into(folded, terms);
        self.scratch.stream()
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

    /// The tokenizers hand tantivy exactly the analyzed terms, with byte offsets, also when
    /// one tokenizer (and its reused buffers) serves text after text of all kinds.
    #[test]
    fn token_streams_match_terms_across_texts() {
        let texts = [
            "中華人民共和國成立於一九四九年，3,500人。",
            "",
            "ＰＭ２．５懸浮微粒 PM10 2016.08.08 12.5% 1,178.9 3,000萬元 三十五億元 第十二條",
            "臺北 ＥＣＦＡ 協議：一○%、235萬元、35亿、abc123def、x-1/2:3",
            "市",
            "兩岸，城市。 「交流」 一 千 百",
        ];
        let mut words = WordTokenizer::new(jieba());
        let mut grams = GramTokenizer::default();
        for round in 0..2 {
            for text in texts {
                let folded = Folded::new(text);
                let expected = |terms: Vec<Term>| -> Vec<(String, usize, usize, usize)> {
                    terms
                        .into_iter()
                        .map(|t| {
                            let from = folded.byte_offsets[t.char_start];
                            let to = folded.byte_offsets[t.char_end];
                            (t.text, t.position, from, to)
                        })
                        .collect()
                };
                let streamed = |mut stream: TermTokenStream| {
                    let mut out = Vec::new();
                    while stream.advance() {
                        let t = stream.token();
                        assert_eq!(t.position_length, 1);
                        out.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
                    }
                    out
                };
                let want = expected(word_terms(&jieba(), &folded));
                assert_eq!(streamed(words.token_stream(text)), want, "{round} {text}");
                let want = expected(gram_terms(&folded));
                assert_eq!(streamed(grams.token_stream(text)), want, "{round} {text}");
            }
        }
    }

    /// Every term, position and char range of a text of all kinds (the index depends on
    /// them). A number value takes one position however it is written (2.5, 1,178.9); the
    /// numbers of a date keep one each (2016.08.08).
    #[test]
    fn analysis_unchanged() {
        let show = |terms: Vec<Term>| -> String {
            let shown: Vec<String> = terms
                .iter()
                .map(|t| format!("{}@{}:{}-{}", t.text, t.position, t.char_start, t.char_end))
                .collect();
            shown.join(" ")
        };
        let folded = Folded::new("ＰＭ２．５懸浮微粒 2016.08.08，1,178.9 三十五億元 一○% x-1");
        assert_eq!(
            show(word_terms(&jieba(), &folded)),
            "pm@0:0-2 pm2.5@0:0-5 2@2:2-3 5@2:4-5 悬浮@3:5-7 微粒@5:7-9 2016@7:10-14 \
             2016.08.08@7:10-20 08@8:15-17 08@9:18-20 1178.9@10:21-28 三十@12:29-31 \
             35@12:29-32 三十五@12:29-32 3500000000@12:29-33 十五@13:30-32 亿元@15:32-34 \
             一@17:35-36 10@17:35-37 〇@18:36-37 x@19:39-40 1@20:41-42"
        );
        assert_eq!(
            show(gram_terms(&folded)),
            "pm@0:0-2 pm2.5@0:0-5 2@2:2-3 5@2:4-5 悬@3:5-6 悬浮@3:5-7 浮微@4:6-8 微粒@5:7-9 \
             粒@6:8-9 2016@7:10-14 2016.08.08@7:10-20 08@8:15-17 08@9:18-20 1178.9@10:21-28 \
             三@12:29-30 三十@12:29-31 十五@13:30-32 五亿@14:31-33 亿元@15:32-34 \
             元一@16:33-36 一〇@17:35-37 〇@18:36-37 x@19:39-40 1@20:41-42"
        );
        // 235万 stands for 2350000 (the scaled value spans the unit); 元 after the unit is a
        // term of its own, at the position after the number, as after 2,350,000.
        assert_eq!(
            show(gram_terms(&Folded::new("235萬元至"))),
            "235@0:0-3 2350000@0:0-4 万@0:3-4 万元@0:3-5 元@1:4-5 元至@1:4-6"
        );
        assert_eq!(
            show(gram_terms(&Folded::new("2,350,000元至"))),
            "2350000@0:0-9 元@1:9-10 元至@1:9-11"
        );
    }

    #[test]
    fn units_give_numbers_one_value() {
        let keys = |text: &str| -> Vec<String> {
            units(&Folded::new(text))
                .into_iter()
                .map(|u| match u.key {
                    UnitKey::Char(c) => c.to_string(),
                    UnitKey::Number(n) => format!("#{n}"),
                })
                .collect()
        };
        assert_eq!(keys("235萬元至"), keys("2,350,000 元至"));
        assert_eq!(keys("235萬元至"), vec!["#2350000", "元", "至"]);
        assert_eq!(keys("第3-1條"), vec!["第", "#3", "#1", "条"]);
        assert_eq!(keys("12.5%"), vec!["#12.5"]);
        let spans: Vec<(usize, usize)> = units(&Folded::new("超過2,350,000元"))
            .into_iter()
            .map(|u| (u.start, u.end))
            .collect();
        assert_eq!(spans, vec![(0, 1), (1, 2), (2, 11), (11, 12)]);
    }

    #[test]
    fn alphanumeric_runs() {
        assert_eq!(words("abc123def"), vec!["abc", "abc123def", "123", "def"]);
        assert_eq!(words("3000萬"), vec!["3000", "30000000", "万"]);
        assert_eq!(words("12.5萬"), vec!["12.5", "125000", "万"]);
        assert_eq!(words("x-1"), vec!["x", "1"]);
        assert_eq!(words("1-2"), vec!["1", "1-2", "2"]);
        assert_eq!(words("Ⅻ"), vec!["ⅻ"]);
        let g = grams("第3,500萬");
        assert_eq!(
            g,
            vec![
                ("第".to_string(), 0),
                ("3500".to_string(), 1),
                ("35000000".to_string(), 1),
                ("万".to_string(), 1)
            ]
        );
    }
}
