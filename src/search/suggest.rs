//! Did-you-mean: a query and its plan → the query with each word no passage holds replaced
//! by the spelling that differs from it in one character and that the most passages hold
//! (雙成論壇 → 雙城論壇), or nothing when no such spelling exists.
//!
//! Candidates come from the index's own character bigrams (`body_grams`), not its dictionary
//! words: jieba cuts a name like 雙城論壇 into 雙城 and 論壇, so no dictionary term spells it.
//! A character replaced at position `i` must form indexed bigrams with both neighbours; those
//! with the left neighbour are one range of the term dictionary (its prefix), those with the
//! right one, for the first character, an automaton walk over the dictionary. Each candidate
//! is then counted as a phrase, the most frequent first. The work is bounded by the
//! bigrams sharing one character with the word, and by [`MAX_CANDIDATES`] phrase counts.

use std::collections::{BTreeMap, BTreeSet};

use tantivy::collector::{Count, TopDocs};
use tantivy::query::Query;
use tantivy::termdict::TermDictionary;
use tantivy_fst::Automaton;

use crate::analysis::analyzer::{Folded, is_han};
use crate::analysis::fold::fold_char;
use crate::search::Searching;
use crate::search::clauses::anywhere;
use crate::search::plan::Plan;

/// Shortest word a spelling is offered for: one character has no neighbour to judge by.
const MIN_CHARS: usize = 2;
/// Longest such word (longer ones are names or sentences, rarely a typo of one character).
const MAX_CHARS: usize = 8;
/// Most candidate spellings counted as phrases per word, those whose rarest bigram is most
/// frequent first: bounds the work when a neighbour is a common character.
const MAX_CANDIDATES: usize = 64;

impl Searching<'_> {
    // RANKING.md: did you mean
    /// The query with each unheld word replaced by its nearest held spelling (see the module
    /// documentation); `None` when no word could be replaced.
    pub(super) fn suggestion(&self, query: &str, plan: &Plan) -> Option<String> {
        let mut suggestion = query.to_string();
        let mut changed = false;
        for word in plan.positive() {
            let Some(whole) = &word.whole else {
                continue;
            };
            if self.count(anywhere(whole).as_ref()) > 0 {
                continue;
            }
            let Some(spelling) = self.nearest_held(&word.text) else {
                continue;
            };
            if let Some(at) = suggestion.find(&word.text) {
                suggestion.replace_range(at..at + word.text.len(), &spelling);
                changed = true;
            }
        }
        changed.then_some(suggestion)
    }

    /// Passages `query` matches (0 on an error: a suggestion is only a hint).
    fn count(&self, query: &dyn Query) -> usize {
        self.searcher.search(query, &Count).unwrap_or(0)
    }

    /// The spelling of `typed` with one Han character replaced that the most passages hold,
    /// as a passage writes it.
    fn nearest_held(&self, typed: &str) -> Option<String> {
        let typed_chars: Vec<char> = typed.chars().collect();
        let word: Vec<char> = typed_chars.iter().map(|&c| fold_char(c)).collect();
        if !(MIN_CHARS..=MAX_CHARS).contains(&word.len()) || !word.iter().all(|&c| is_han(c)) {
            return None;
        }
        // Candidate spellings with the document frequency of their rarest bigram.
        let mut candidates: BTreeMap<Vec<char>, u64> = BTreeMap::new();
        for i in 0..word.len() {
            for c in self.replacements(&word, i) {
                let mut spelling = word.clone();
                spelling[i] = c;
                // An unreadable frequency counts as none, as `count` does: a suggestion is
                // only a hint.
                let rarest = spelling
                    .windows(2)
                    .map(|pair| {
                        self.doc_freq(self.store.fields.body_grams, &pair_text(pair))
                            .unwrap_or(0)
                    })
                    .min()
                    .unwrap_or(0);
                if rarest > 0 {
                    candidates.insert(spelling, rarest);
                }
            }
        }
        let mut ordered: Vec<(Vec<char>, u64)> = candidates.into_iter().collect();
        ordered.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let field = self.store.fields.body_grams;
        let (best, query) = ordered
            .into_iter()
            .take(MAX_CANDIDATES)
            .filter_map(|(spelling, _)| {
                let text: String = spelling.iter().collect();
                let (query, _) = self.phrase(field, &Folded::new(&text)).ok()??;
                let held = self.count(query.as_ref());
                (held > 0).then_some((held, spelling, query))
            })
            // The most held; between equals, the first in character order.
            .max_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.cmp(&a.1)))
            .map(|(_, spelling, query)| (spelling, query))?;
        Some(
            self.as_written(query.as_ref(), &best)
                .unwrap_or_else(|| spell_like(&typed_chars, &word, &best)),
        )
    }

    /// Characters other than `word[i]` that form indexed bigrams with `word[i]`'s
    /// neighbours.
    fn replacements(&self, word: &[char], i: usize) -> BTreeSet<char> {
        let field = self.store.fields.body_grams;
        let mut found = BTreeSet::new();
        for segment in self.searcher.segment_readers() {
            let Ok(index) = segment.inverted_index(field) else {
                continue;
            };
            let terms = index.terms();
            match i {
                0 => second_chars_of(terms, word[1], &mut found),
                _ => first_chars_after(terms, word[i - 1], &mut found),
            }
        }
        found.remove(&word[i]);
        if i > 0 && i + 1 < word.len() {
            found.retain(|&c| {
                self.doc_freq(field, &pair_text(&[c, word[i + 1]]))
                    .unwrap_or(0)
                    > 0
            });
        }
        found
    }

    /// `spelling` as the first passage holding it writes it (its Traditional characters,
    /// when the index folded them).
    fn as_written(&self, query: &dyn Query, spelling: &[char]) -> Option<String> {
        let found = self
            .searcher
            .search(query, &TopDocs::with_limit(1).order_by_score())
            .ok()?;
        let (_, address) = found.first()?;
        let text: Vec<char> = self.passage(*address).ok()?.text.chars().collect();
        text.windows(spelling.len())
            .find(|window| {
                window
                    .iter()
                    .map(|&c| fold_char(c))
                    .eq(spelling.iter().copied())
            })
            .map(|window| window.iter().collect())
    }
}

/// Two characters as one bigram term.
fn pair_text(pair: &[char]) -> String {
    pair.iter().collect()
}

/// `spelling` in the characters typed where it agrees with the typed word.
fn spell_like(typed: &[char], folded: &[char], spelling: &[char]) -> String {
    spelling
        .iter()
        .zip(typed.iter().zip(folded))
        .map(|(&c, (&t, &f))| if c == f { t } else { c })
        .collect()
}

/// Adds to `found` the second character of every two-character term starting with `first`:
/// a range of the dictionary.
fn first_chars_after(terms: &TermDictionary, first: char, found: &mut BTreeSet<char>) {
    let prefix = first.to_string();
    let Ok(mut stream) = terms.range().ge(prefix.as_bytes()).into_stream() else {
        return;
    };
    while stream.advance() {
        if !stream.key().starts_with(prefix.as_bytes()) {
            break;
        }
        if let Some(second) = only_pair(stream.key()).filter(|p| p[0] == first) {
            found.insert(second[1]);
        }
    }
}

/// Adds to `found` the first character of every two-character term ending with `second`.
fn second_chars_of(terms: &TermDictionary, second: char, found: &mut BTreeSet<char>) {
    let mut rest = [0; 4];
    let automaton = AnyCharThen {
        rest: second.encode_utf8(&mut rest).as_bytes(),
    };
    let Ok(mut stream) = terms.search(automaton).into_stream() else {
        return;
    };
    while stream.advance() {
        if let Some(pair) = only_pair(stream.key()) {
            found.insert(pair[0]);
        }
    }
}

/// The two characters of a two-character term.
fn only_pair(key: &[u8]) -> Option<[char; 2]> {
    let text = std::str::from_utf8(key).ok()?;
    let mut chars = text.chars();
    let pair = [chars.next()?, chars.next()?];
    chars.next().is_none().then_some(pair)
}

/// Terms of one character, any, followed by the bytes `rest`: the dictionary is walked only
/// along its first characters, not read whole.
struct AnyCharThen<'a> {
    rest: &'a [u8],
}

#[derive(Debug, Clone, Copy)]
enum Walk {
    /// Before the first character.
    Start,
    /// Inside the first character, with this many bytes of it still to come.
    Inside(u8),
    /// Past the first character, with this many bytes of `rest` matched.
    Rest(usize),
    Dead,
}

impl Automaton for AnyCharThen<'_> {
    type State = Walk;

    fn start(&self) -> Walk {
        Walk::Start
    }

    fn is_match(&self, state: &Walk) -> bool {
        matches!(state, Walk::Rest(n) if *n == self.rest.len())
    }

    fn can_match(&self, state: &Walk) -> bool {
        !matches!(state, Walk::Dead)
    }

    fn accept(&self, state: &Walk, byte: u8) -> Walk {
        let after_first = |left: u8| match left {
            0 => Walk::Rest(0),
            n => Walk::Inside(n),
        };
        match *state {
            Walk::Start => match byte {
                0x00..=0x7F => after_first(0),
                0xC0..=0xDF => after_first(1),
                0xE0..=0xEF => after_first(2),
                0xF0..=0xF7 => after_first(3),
                _ => Walk::Dead,
            },
            Walk::Inside(left) if byte & 0xC0 == 0x80 => after_first(left - 1),
            Walk::Rest(n) if self.rest.get(n) == Some(&byte) => Walk::Rest(n + 1),
            _ => Walk::Dead,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(automaton: &AnyCharThen, text: &str) -> bool {
        let mut state = automaton.start();
        for &b in text.as_bytes() {
            state = automaton.accept(&state, b);
        }
        automaton.is_match(&state)
    }

    #[test]
    fn the_automaton_takes_one_character_then_the_rest() {
        let automaton = AnyCharThen {
            rest: "论".as_bytes(),
        };
        assert!(walk(&automaton, "城论"));
        assert!(walk(&automaton, "a论"));
        assert!(!walk(&automaton, "论"));
        assert!(!walk(&automaton, "双城论"));
        assert!(!walk(&automaton, "城论坛"));
    }

    #[test]
    fn a_spelling_keeps_the_typed_characters_it_shares() {
        let typed: Vec<char> = "雙成論壇".chars().collect();
        let folded: Vec<char> = typed.iter().map(|&c| fold_char(c)).collect();
        let mut spelling = folded.clone();
        spelling[1] = '城';
        assert_eq!(spell_like(&typed, &folded, &spelling), "雙城論壇");
    }
}
