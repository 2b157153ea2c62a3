//! A union that only moves when asked: queries → the documents any of them matches, scored by
//! the sum of the scores of those that match it, in the order the queries are given.
//!
//! It stands where a boolean query of optional clauses would (a word's other spellings, its
//! bigrams in the context in any spelling, a word held in the text or the frame). tantivy's
//! union reads its clauses in windows of 4,096 documents and scores every document in the
//! window: right for reading a union from end to end, wasteful for the sum scorer, which seeks
//! a word's clauses to one candidate after another. With a common word (行政院 in the context
//! of most passages of a gazette) each seek past the window refilled it. Here each seek moves
//! only the clauses behind the target.
//!
//! Scores are the same as the boolean query's to the bit: the boolean query with one clause
//! is that clause; with more it adds the scores of the matching clauses from zero, in clause
//! order, as here.

use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED};

use crate::search::sum_query::explained;

/// The documents any of `queries` matches (see the module documentation).
#[derive(Debug)]
pub struct AnyOf {
    queries: Vec<Box<dyn Query>>,
}

impl AnyOf {
    pub fn new(queries: Vec<Box<dyn Query>>) -> AnyOf {
        AnyOf { queries }
    }
}

impl Clone for AnyOf {
    fn clone(&self) -> AnyOf {
        AnyOf {
            queries: self.queries.iter().map(|q| q.box_clone()).collect(),
        }
    }
}

impl Query for AnyOf {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = self
            .queries
            .iter()
            .map(|q| q.weight(enable_scoring))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(AnyOfWeight { weights }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a tantivy::Term, bool)) {
        for query in &self.queries {
            query.query_terms(visitor);
        }
    }
}

struct AnyOfWeight {
    weights: Vec<Box<dyn Weight>>,
}

impl Weight for AnyOfWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut scorers = Vec::with_capacity(self.weights.len());
        for weight in &self.weights {
            let scorer = weight.scorer(reader, boost)?;
            if scorer.doc() != TERMINATED {
                scorers.push(scorer);
            }
        }
        Ok(match scorers.len() {
            0 => Box::new(EmptyScorer),
            1 => scorers.pop().expect("one scorer"),
            _ => Box::new(AnyOfScorer::new(scorers)),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        explained(self, reader, doc, "sum of the matching queries")
    }
}

struct AnyOfScorer {
    /// Each query's scorer with its document, kept beside it (asked for every candidate).
    scorers: Vec<(DocId, Box<dyn Scorer>)>,
    doc: DocId,
}

impl AnyOfScorer {
    fn new(scorers: Vec<Box<dyn Scorer>>) -> AnyOfScorer {
        let scorers: Vec<(DocId, Box<dyn Scorer>)> =
            scorers.into_iter().map(|s| (s.doc(), s)).collect();
        let doc = scorers
            .iter()
            .map(|(doc, _)| *doc)
            .min()
            .unwrap_or(TERMINATED);
        AnyOfScorer { scorers, doc }
    }
}

impl DocSet for AnyOfScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        let current = self.doc;
        let mut first = TERMINATED;
        for (doc, scorer) in &mut self.scorers {
            if *doc == current {
                *doc = scorer.advance();
            }
            first = first.min(*doc);
        }
        self.doc = first;
        first
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        let mut first = TERMINATED;
        for (doc, scorer) in &mut self.scorers {
            if *doc < target {
                *doc = scorer.seek(target);
            }
            first = first.min(*doc);
        }
        self.doc = first;
        first
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.scorers
            .iter()
            .map(|(_, s)| s.size_hint())
            .fold(0u32, u32::saturating_add)
    }
}

impl Scorer for AnyOfScorer {
    fn score(&mut self) -> Score {
        let mut sum = 0.0;
        for (doc, scorer) in &mut self.scorers {
            if *doc == self.doc {
                sum += scorer.score();
            }
        }
        sum
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::query::{BooleanQuery, BoostQuery, Occur, TermQuery};
    use tantivy::schema::{Field, IndexRecordOption, Schema, TEXT};
    use tantivy::{Index, TantivyDocument, Term};

    /// An index of one segment whose documents have these texts.
    fn text_index(texts: impl Iterator<Item = String>) -> (Index, Field) {
        let mut builder = Schema::builder();
        let text = builder.add_text_field("text", TEXT);
        let index = Index::create_in_ram(builder.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for body in texts {
            let mut doc = TantivyDocument::default();
            doc.add_text(text, &body);
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        (index, text)
    }

    fn term(field: Field, text: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::WithFreqs,
        ))
    }

    /// `query`'s scorer on the index's one segment, scoring.
    fn scorer(index: &Index, query: &dyn Query) -> Box<dyn Scorer> {
        let searcher = index.reader().unwrap().searcher();
        let weight = query
            .weight(EnableScoring::enabled_from_searcher(&searcher))
            .unwrap();
        weight.scorer(searcher.segment_reader(0), 1.0).unwrap()
    }

    /// The (doc, score bits) of every match of `query`, read through its scorer as the sum
    /// scorer reads its clauses.
    fn matches(index: &Index, query: &dyn Query) -> Vec<(DocId, u32)> {
        let mut scorer = scorer(index, query);
        let mut found = Vec::new();
        while scorer.doc() != TERMINATED {
            found.push((scorer.doc(), scorer.score().to_bits()));
            scorer.advance();
        }
        found
    }

    /// (doc, score bits) after seeking `query`'s scorer to every 7th document.
    fn sought(index: &Index, query: &dyn Query) -> Vec<(DocId, u32)> {
        let mut scorer = scorer(index, query);
        let mut found = Vec::new();
        for target in (0..5_100).step_by(7) {
            if scorer.doc() < target {
                scorer.seek(target);
            }
            if scorer.doc() == TERMINATED {
                break;
            }
            found.push((scorer.doc(), scorer.score().to_bits()));
        }
        found
    }

    #[test]
    fn matches_and_scores_as_the_boolean_union_of_its_queries() {
        let words = ["apple", "pear", "plum", "fig"];
        let (index, text) = text_index((0..5_000usize).map(|i| {
            let mut body = String::new();
            for (w, word) in words.iter().enumerate() {
                // Each word in a different, overlapping share of the documents, repeated.
                if (i * (w + 3)).is_multiple_of(w + 2) {
                    for _ in 0..=(i % (w + 1)) {
                        body.push_str(word);
                        body.push(' ');
                    }
                }
            }
            body + "filler"
        }));
        let term = |w: &str| term(text, w);
        let sets: Vec<Vec<Box<dyn Query>>> = vec![
            vec![term("apple")],
            vec![term("apple"), term("pear")],
            vec![
                term("plum"),
                Box::new(BoostQuery::new(term("fig"), 0.7)),
                term("pear"),
            ],
            vec![term("absent"), term("fig")],
        ];
        for queries in sets {
            let boolean = BooleanQuery::new(
                queries
                    .iter()
                    .map(|q| (Occur::Should, q.box_clone()))
                    .collect(),
            );
            let expected = matches(&index, &boolean);
            assert!(!expected.is_empty());
            let any_of = AnyOf::new(queries);
            assert_eq!(matches(&index, &any_of), expected);
            assert_eq!(sought(&index, &any_of), sought(&index, &boolean));
        }
    }

    #[test]
    fn seeks_and_advances_to_the_next_match_of_any_query() {
        let (index, text) = text_index(
            (0..100).map(|i| if i % 10 == 0 { "rare common" } else { "common" }.to_string()),
        );
        let query = AnyOf::new(vec![term(text, "rare"), term(text, "common")]);
        let mut scorer = scorer(&index, &query);
        assert_eq!(scorer.doc(), 0);
        assert_eq!(scorer.seek(15), 15);
        assert_eq!(scorer.advance(), 16);
        assert_eq!(scorer.seek(16), 16);
        assert_eq!(scorer.seek(99), 99);
        assert_eq!(scorer.advance(), TERMINATED);
        assert_eq!(scorer.seek(120), TERMINATED);
    }
}
