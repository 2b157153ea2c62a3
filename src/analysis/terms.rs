//! The term buffer: analyzed terms whose texts share one string, reused text after text.

use super::analyzer::MAX_TOKEN_CHARS;

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
pub(super) struct RawTerm {
    text_start: usize,
    text_end: usize,
    pub(super) position: usize,
    pub(super) char_start: usize,
    pub(super) char_end: usize,
}

/// Terms being built: their texts share one string, so the thousands of terms of a passage
/// cost no allocation each, and the buffers serve passage after passage.
#[derive(Debug, Clone, Default)]
pub struct Terms {
    pub(super) text: String,
    pub(super) terms: Vec<RawTerm>,
    /// Scratch space for the analysis steps.
    pub(super) scratch: String,
    pub(super) significant: Vec<usize>,
}

impl Terms {
    pub(super) fn clear(&mut self) {
        self.text.clear();
        self.terms.clear();
    }

    pub(super) fn text_of(&self, t: &RawTerm) -> &str {
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

    pub(super) fn push_str(
        &mut self,
        text: &str,
        position: usize,
        char_start: usize,
        char_end: usize,
    ) {
        let start = self.text.len();
        self.text.push_str(text);
        self.push_from(start, position, char_start, char_end);
    }

    pub(super) fn push_chars(
        &mut self,
        text: &[char],
        position: usize,
        char_start: usize,
        char_end: usize,
    ) {
        let start = self.text.len();
        self.text.extend(text);
        self.push_from(start, position, char_start, char_end);
    }

    pub(super) fn push_number(
        &mut self,
        value: u64,
        position: usize,
        char_start: usize,
        char_end: usize,
    ) {
        use std::fmt::Write;
        let start = self.text.len();
        let _ = write!(self.text, "{value}");
        self.push_from(start, position, char_start, char_end);
    }

    /// Sorted by position (tantivy needs positions in order for each term) and
    /// deduplicated. Terms equal in position, char range and text are equal in every field,
    /// so an unstable sort gives the same order as a stable one.
    pub(super) fn finish(&mut self) {
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

    pub(super) fn to_terms(&self) -> Vec<Term> {
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
