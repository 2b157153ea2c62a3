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
//!
//! The rule ([`respelled`]) reads an index through [`Spellings`]: the local one here, the
//! engine's in `src/engine/suggest.rs`, so both suggest alike.

use std::collections::{BTreeMap, BTreeSet};

use tantivy::collector::{Count, TopDocs};
use tantivy::query::Query;
use tantivy::termdict::TermDictionary;
use tantivy_fst::Automaton;

use crate::analysis::analyzer::{Folded, is_han};
use crate::analysis::fold::fold_char;
use crate::search::Searching;
use crate::search::clauses::anywhere;
use crate::search::compile::Plan;

/// Shortest word a spelling is offered for: one character has no neighbour to judge by.
const MIN_CHARS: usize = 2;
/// Longest such word (longer ones are names or sentences, rarely a typo of one character).
const MAX_CHARS: usize = 8;
/// Most candidate spellings counted as phrases per word, those whose rarest bigram is most
/// frequent first: bounds the work when a neighbour is a common character.
const MAX_CANDIDATES: usize = 64;

/// Where the rule reads an index: the local one ([`Searching`]) or the engine's
/// (`src/engine/suggest.rs`). Frequencies and counts read 0 on an error: a suggestion is
/// only a hint.
pub trait Spellings {
    /// Characters `c` such that `pair[0]` then `c` is an indexed bigram (`pair[1]`, the
    /// character typed there, may guide the search; it is itself removed by the rule).
    fn second_chars(&self, pair: [char; 2]) -> BTreeSet<char>;
    /// Characters `c` such that `c` then `pair[1]` is an indexed bigram.
    fn first_chars(&self, pair: [char; 2]) -> BTreeSet<char>;
    /// For each bigram (folded), the passages holding it (asked together: the engine
    /// answers them in one request).
    fn gram_freqs(&self, grams: &[String]) -> Vec<u64>;
    /// For each spelling (folded), the passages holding it as a phrase.
    fn held(&self, spellings: &[String]) -> Vec<usize>;
    /// `spelling` (folded) as the first passage holding it writes it.
    fn as_written(&self, spelling: &[char]) -> Option<String>;
}

// RANKING.md: did you mean
/// `query` with each of `unheld` (its words no passage holds) replaced by its nearest held
/// spelling (see the module documentation); `None` when no word could be replaced.
pub fn respelled<'a>(
    source: &impl Spellings,
    query: &str,
    unheld: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let mut suggestion = query.to_string();
    let mut changed = false;
    for word in unheld {
        let Some(spelling) = nearest_held(source, word) else {
            continue;
        };
        if let Some(at) = suggestion.find(word) {
            suggestion.replace_range(at..at + word.len(), &spelling);
            changed = true;
        }
    }
    changed.then_some(suggestion)
}

/// The spelling of `typed` with one Han character replaced that the most passages hold,
/// as a passage writes it.
fn nearest_held(source: &impl Spellings, typed: &str) -> Option<String> {
    let typed_chars: Vec<char> = typed.chars().collect();
    let word: Vec<char> = typed_chars.iter().map(|&c| fold_char(c)).collect();
    if !(MIN_CHARS..=MAX_CHARS).contains(&word.len()) || !word.iter().all(|&c| is_han(c)) {
        return None;
    }
    let mut spellings: BTreeSet<Vec<char>> = BTreeSet::new();
    for i in 0..word.len() {
        for c in replacements(source, &word, i) {
            let mut spelling = word.clone();
            spelling[i] = c;
            spellings.insert(spelling);
        }
    }
    // Candidate spellings with the document frequency of their rarest bigram.
    let grams: Vec<String> = spellings
        .iter()
        .flat_map(|s| s.windows(2).map(pair_text))
        .collect::<BTreeSet<String>>()
        .into_iter()
        .collect();
    let freqs: BTreeMap<&String, u64> = grams.iter().zip(source.gram_freqs(&grams)).collect();
    let mut ordered: Vec<(Vec<char>, u64)> = spellings
        .into_iter()
        .filter_map(|spelling| {
            let rarest = spelling
                .windows(2)
                .map(|pair| freqs.get(&pair_text(pair)).copied().unwrap_or(0))
                .min()
                .unwrap_or(0);
            (rarest > 0).then_some((spelling, rarest))
        })
        .collect();
    ordered.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    ordered.truncate(MAX_CANDIDATES);
    let texts: Vec<String> = ordered.iter().map(|(s, _)| s.iter().collect()).collect();
    let best = source
        .held(&texts)
        .into_iter()
        .zip(ordered)
        .filter(|(held, _)| *held > 0)
        // The most held; between equals, the first in character order.
        .max_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.0.cmp(&a.1.0)))
        .map(|(_, (spelling, _))| spelling)?;
    Some(
        source
            .as_written(&best)
            .unwrap_or_else(|| spell_like(&typed_chars, &word, &best)),
    )
}

/// Characters other than `word[i]` that form indexed bigrams with `word[i]`'s neighbours.
fn replacements(source: &impl Spellings, word: &[char], i: usize) -> BTreeSet<char> {
    let mut found = match i {
        0 => source.first_chars([word[0], word[1]]),
        _ => source.second_chars([word[i - 1], word[i]]),
    };
    found.remove(&word[i]);
    if i > 0 && i + 1 < word.len() {
        let found_chars: Vec<char> = found.into_iter().collect();
        let grams: Vec<String> = found_chars
            .iter()
            .map(|&c| pair_text(&[c, word[i + 1]]))
            .collect();
        return found_chars
            .into_iter()
            .zip(source.gram_freqs(&grams))
            .filter(|(_, freq)| *freq > 0)
            .map(|(c, _)| c)
            .collect();
    }
    found
}

/// The run of `text` that folds to `spelling`, as `text` writes it.
pub fn written_in(text: &str, spelling: &[char]) -> Option<String> {
    let text: Vec<char> = text.chars().collect();
    text.windows(spelling.len())
        .find(|window| {
            window
                .iter()
                .map(|&c| fold_char(c))
                .eq(spelling.iter().copied())
        })
        .map(|window| window.iter().collect())
}

impl Searching<'_> {
    /// The query with each word no passage holds replaced by its nearest held spelling.
    pub(super) fn suggestion(&self, query: &str, plan: &Plan) -> Option<String> {
        let unheld = plan.positive().filter(|word| {
            word.whole
                .as_ref()
                .is_some_and(|whole| self.count(anywhere(whole).as_ref()) == 0)
        });
        respelled(self, query, unheld.map(|word| word.word.text.as_str()))
    }

    /// Passages `query` matches (0 on an error: a suggestion is only a hint).
    fn count(&self, query: &dyn Query) -> usize {
        self.searcher.search(query, &Count).unwrap_or(0)
    }

    /// The phrase query of a folded spelling in the text.
    fn spelled(&self, spelling: &str) -> Option<Box<dyn Query>> {
        let field = self.store.fields.body_grams;
        self.phrase(field, &Folded::new(spelling)).ok()?
    }

    /// Two-character terms of the text field, each segment's dictionary walked by `walk`.
    fn grams(&self, walk: impl Fn(&TermDictionary, &mut BTreeSet<char>)) -> BTreeSet<char> {
        let mut found = BTreeSet::new();
        for segment in self.searcher.segment_readers() {
            if let Ok(index) = segment.inverted_index(self.store.fields.body_grams) {
                walk(index.terms(), &mut found);
            }
        }
        found
    }
}

impl Spellings for Searching<'_> {
    fn second_chars(&self, pair: [char; 2]) -> BTreeSet<char> {
        self.grams(|terms, found| first_chars_after(terms, pair[0], found))
    }

    fn first_chars(&self, pair: [char; 2]) -> BTreeSet<char> {
        self.grams(|terms, found| second_chars_of(terms, pair[1], found))
    }

    fn gram_freqs(&self, grams: &[String]) -> Vec<u64> {
        let field = self.store.fields.body_grams;
        grams
            .iter()
            .map(|gram| self.doc_freq(field, gram).unwrap_or(0))
            .collect()
    }

    fn held(&self, spellings: &[String]) -> Vec<usize> {
        spellings
            .iter()
            .map(|s| self.spelled(s).map_or(0, |q| self.count(q.as_ref())))
            .collect()
    }

    fn as_written(&self, spelling: &[char]) -> Option<String> {
        let query = self.spelled(&spelling.iter().collect::<String>())?;
        let found = self
            .searcher
            .search(query.as_ref(), &TopDocs::with_limit(1).order_by_score())
            .ok()?;
        let (_, address) = found.first()?;
        written_in(&self.passage(*address).ok()?.text, spelling)
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
