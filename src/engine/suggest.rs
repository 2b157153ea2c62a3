//! Did-you-mean on the engine: a query and its plan → the query with each word no passage
//! holds respelled, by the local rule (`src/search/suggest.rs`, [`respelled`]) reading the
//! engine's index. The bigrams next to a typed character come from OpenSearch's term
//! suggester on `body_grams` (one edit away from the typed bigram, the fixed neighbour kept);
//! frequencies and phrase counts from one `filters` aggregation each.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use crate::search::suggest::{Spellings, respelled, written_in};

use super::Engine;
use super::query::{EnginePlan, in_text};
use super::search::total;
use crate::search::plan::{StatField, Statistics};

/// Most bigrams one suggester call returns (the most frequent first, as the suggester sorts
/// by frequency): bounds the answer where a neighbour is a common character. Locally every
/// such bigram is read; see docs/SCALING.md.
const MAX_NEIGHBOURS: usize = 2_000;

/// Which character of a typed bigram a neighbour keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kept {
    First,
    Second,
}

impl Kept {
    /// Its place in the bigram, and that of the character it lets vary.
    fn places(self) -> (usize, usize) {
        match self {
            Kept::First => (0, 1),
            Kept::Second => (1, 0),
        }
    }
}

impl Engine {
    /// The query with each word no passage holds (in its text or context, in any spelling)
    /// replaced by its nearest held spelling; `None` when none could be (or the engine
    /// could not say: a suggestion is only a hint).
    pub(super) fn suggestion(&self, query: &str, plan: &EnginePlan) -> Option<String> {
        let unheld: Vec<&str> = plan
            .anywhere_by_word()
            .into_iter()
            .filter(|(_, held)| {
                let body = json!({"size": 0, "terminate_after": 1, "track_total_hits": true, "query": held});
                self.search_body(&body, None)
                    .is_ok_and(|answer| total(&answer) == 0)
            })
            .map(|(text, _)| text)
            .collect();
        respelled(self, query, unheld)
    }

    /// Indexed bigrams one edit from `pair` that keep its `kept` character: the characters
    /// standing at the other place.
    fn neighbours(&self, pair: [char; 2], kept: Kept) -> BTreeSet<char> {
        let (at, other) = kept.places();
        let text: String = pair.iter().collect();
        let body = json!({"size": 0, "suggest": {"near": {"text": text, "term": {
            "field": "body_grams",
            "analyzer": "whitespace",
            "suggest_mode": "always",
            "sort": "frequency",
            "size": MAX_NEIGHBOURS,
            "max_edits": 1,
            // The first character kept: it is a prefix the suggester can hold fixed.
            "prefix_length": if kept == Kept::First { 1 } else { 0 },
            "min_word_length": 2,
            "accuracy": 0.0,
            "max_term_freq": 1.0e9,
            "min_doc_freq": 0,
        }}}});
        let Ok(answer) = self.search_body(&body, None) else {
            return BTreeSet::new();
        };
        answer
            .pointer("/suggest/near")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|entry| entry.get("options")?.as_array())
            .flatten()
            .filter_map(|option| {
                let chars: Vec<char> = option.get("text")?.as_str()?.chars().collect();
                match chars.as_slice() {
                    &[a, b] if [a, b][at] == pair[at] => Some([a, b][other]),
                    _ => None,
                }
            })
            .collect()
    }

    /// Passages each query matches, in one request of `filters` aggregations.
    fn counts(&self, queries: &[Option<Value>]) -> Vec<usize> {
        let mut filters = Map::new();
        for (i, query) in queries.iter().enumerate() {
            if let Some(query) = query {
                filters.insert(format!("q{i}"), query.clone());
            }
        }
        if filters.is_empty() {
            return vec![0; queries.len()];
        }
        let body = json!({"size": 0, "aggs": {"held": {"filters": {"filters": filters}}}});
        let answer = self.search_body(&body, None).ok();
        (0..queries.len())
            .map(|i| {
                answer
                    .as_ref()
                    .and_then(|a| a.pointer(&format!("/aggregations/held/buckets/q{i}/doc_count")))
                    .and_then(Value::as_u64)
                    .unwrap_or(0) as usize
            })
            .collect()
    }
}

impl Spellings for Engine {
    fn second_chars(&self, pair: [char; 2]) -> BTreeSet<char> {
        self.neighbours(pair, Kept::First)
    }

    fn first_chars(&self, pair: [char; 2]) -> BTreeSet<char> {
        self.neighbours(pair, Kept::Second)
    }

    fn gram_freqs(&self, grams: &[String]) -> Vec<u64> {
        if grams.is_empty() {
            return Vec::new();
        }
        let terms: BTreeSet<(StatField, String)> = grams
            .iter()
            .map(|g| (StatField::BodyGrams, g.clone()))
            .collect();
        let Ok(stats) = self.stats(&terms, &Default::default()) else {
            return vec![0; grams.len()];
        };
        grams
            .iter()
            .map(|g| stats.doc_freq(StatField::BodyGrams, g).unwrap_or(0))
            .collect()
    }

    fn held(&self, spellings: &[String]) -> Vec<usize> {
        let queries: Vec<Option<Value>> = spellings.iter().map(|s| in_text(s)).collect();
        self.counts(&queries)
    }

    fn as_written(&self, spelling: &[char]) -> Option<String> {
        let query = in_text(&spelling.iter().collect::<String>())?;
        let body = json!({"size": 1, "query": query, "sort": [{"_score": "desc"}, {"key": "asc"}], "_source": ["text"]});
        let answer = self.search_body(&body, None).ok()?;
        let text = answer.pointer("/hits/hits/0/_source/text")?.as_str()?;
        written_in(text, spelling)
    }
}
