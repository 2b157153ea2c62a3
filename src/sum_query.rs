//! Candidate scoring: a query that picks candidate passages and a list of scoring clauses →
//! each candidate scored by the sum of the clauses that hold it, times the passage's prior.
//! A clause adds a fixed bonus when it matches plus, optionally, its weighted BM25 score, so
//! one phrase scorer serves both "holds the word whole" and "how well".
//!
//! A boolean query would do the same arithmetic, but it walks its optional clauses as one
//! union that refills a window of thousands of documents around every candidate: with common
//! words (行政院) that reads most of their postings for a few hundred candidates. Here each
//! clause only skips forward to the next candidate, so a search reads what it scores.

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED};

/// Fast field holding each document's prior weight in percent.
const PRIOR_FIELD: &str = "prior";
/// Prior of a document without one.
const DEFAULT_PRIOR: u64 = 100;

/// One scoring clause: a document it matches earns `bonus + weight × score`.
#[derive(Debug)]
pub struct Clause {
    pub query: Box<dyn Query>,
    pub bonus: Score,
    /// 0 when only the bonus counts: the clause's own score is then never computed.
    pub weight: Score,
}

impl Clause {
    /// A clause worth its query's score.
    pub fn scored(query: Box<dyn Query>) -> Clause {
        Clause {
            query,
            bonus: 0.0,
            weight: 1.0,
        }
    }

    /// A clause worth a fixed bonus.
    pub fn bonus(query: Box<dyn Query>, bonus: Score) -> Clause {
        Clause {
            query,
            bonus,
            weight: 0.0,
        }
    }
}

impl Clone for Clause {
    fn clone(&self) -> Clause {
        Clause {
            query: self.query.box_clone(),
            bonus: self.bonus,
            weight: self.weight,
        }
    }
}

/// Documents matching `candidates`, scored by the clauses of `scoring` that match them.
#[derive(Debug)]
pub struct SumQuery {
    candidates: Box<dyn Query>,
    scoring: Vec<Clause>,
}

impl SumQuery {
    pub fn new(candidates: Box<dyn Query>, scoring: Vec<Clause>) -> SumQuery {
        SumQuery {
            candidates,
            scoring,
        }
    }
}

impl Clone for SumQuery {
    fn clone(&self) -> SumQuery {
        SumQuery {
            candidates: self.candidates.box_clone(),
            scoring: self.scoring.clone(),
        }
    }
}

impl Query for SumQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        // The candidates' own scores are never read.
        let unscored = match enable_scoring.searcher() {
            Some(searcher) => EnableScoring::disabled_from_searcher(searcher),
            None => EnableScoring::disabled_from_schema(enable_scoring.schema()),
        };
        let candidates = self.candidates.weight(unscored)?;
        let mut scoring = Vec::new();
        if enable_scoring.is_scoring_enabled() {
            for clause in &self.scoring {
                let weight = if clause.weight == 0.0 {
                    clause.query.weight(unscored)?
                } else {
                    clause.query.weight(enable_scoring)?
                };
                scoring.push((weight, clause.bonus, clause.weight));
            }
        }
        Ok(Box::new(SumWeight {
            candidates,
            scoring,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a tantivy::Term, bool)) {
        self.candidates.query_terms(visitor);
        for clause in &self.scoring {
            clause.query.query_terms(visitor);
        }
    }
}

struct SumWeight {
    candidates: Box<dyn Weight>,
    /// (clause, bonus, weight)
    scoring: Vec<(Box<dyn Weight>, Score, Score)>,
}

impl Weight for SumWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let candidates = self.candidates.scorer(reader, 1.0)?;
        let mut scoring = Vec::with_capacity(self.scoring.len());
        for (clause, bonus, weight) in &self.scoring {
            let scorer = clause.scorer(reader, boost)?;
            // Words absent from this segment would be asked about every candidate.
            if scorer.doc() != TERMINATED {
                scoring.push(ClauseScorer {
                    scorer,
                    bonus: bonus * boost,
                    weight: *weight,
                });
            }
        }
        let prior = reader
            .fast_fields()
            .u64(PRIOR_FIELD)
            .ok()
            .map(|c| c.first_or_default_col(DEFAULT_PRIOR));
        Ok(Box::new(SumScorer {
            candidates,
            scoring,
            prior,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        Ok(Explanation::new(
            "sum of matching clauses × prior",
            scorer.score(),
        ))
    }
}

struct ClauseScorer {
    scorer: Box<dyn Scorer>,
    bonus: Score,
    weight: Score,
}

struct SumScorer {
    candidates: Box<dyn Scorer>,
    scoring: Vec<ClauseScorer>,
    prior: Option<std::sync::Arc<dyn tantivy::columnar::ColumnValues<u64>>>,
}

impl DocSet for SumScorer {
    fn advance(&mut self) -> DocId {
        self.candidates.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.candidates.seek(target)
    }

    fn doc(&self) -> DocId {
        self.candidates.doc()
    }

    fn size_hint(&self) -> u32 {
        self.candidates.size_hint()
    }
}

impl Scorer for SumScorer {
    fn score(&mut self) -> Score {
        let doc = self.candidates.doc();
        if doc == TERMINATED {
            return 0.0;
        }
        let mut sum = 0.0;
        for clause in &mut self.scoring {
            let scorer = &mut clause.scorer;
            // Candidates come in increasing order, so every clause only moves forward.
            if scorer.doc() < doc {
                scorer.seek(doc);
            }
            if scorer.doc() == doc {
                sum += clause.bonus;
                if clause.weight != 0.0 {
                    sum += clause.weight * scorer.score();
                }
            }
        }
        match &self.prior {
            Some(prior) => sum * prior.get_val(doc) as Score / 100.0,
            None => sum,
        }
    }
}

/// Documents holding some of the terms, each scored by the bonus of its term (the sum, when
/// it holds several). Meant for a few short postings lists (the passages of a few reports):
/// they are read whole into one sorted list, so a candidate costs one comparison.
#[derive(Debug, Clone)]
pub struct BonusQuery {
    bonuses: Vec<(tantivy::Term, Score)>,
}

impl BonusQuery {
    pub fn new(bonuses: Vec<(tantivy::Term, Score)>) -> BonusQuery {
        BonusQuery { bonuses }
    }
}

impl Query for BonusQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Weight for BonusQuery {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut docs: Vec<(DocId, Score)> = Vec::new();
        for (term, bonus) in &self.bonuses {
            let index = reader.inverted_index(term.field())?;
            let Some(mut postings) =
                index.read_postings(term, tantivy::schema::IndexRecordOption::Basic)?
            else {
                continue;
            };
            let mut doc = postings.doc();
            while doc != TERMINATED {
                docs.push((doc, bonus * boost));
                doc = postings.advance();
            }
        }
        docs.sort_unstable_by_key(|&(doc, _)| doc);
        docs.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                kept.1 += later.1;
            }
            same
        });
        docs.push((TERMINATED, 0.0));
        Ok(Box::new(SortedScorer { docs, cursor: 0 }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        Ok(Explanation::new("report title bonus", scorer.score()))
    }
}

/// Scored documents from a list sorted by doc id and ending with `TERMINATED`.
struct SortedScorer {
    docs: Vec<(DocId, Score)>,
    cursor: usize,
}

impl DocSet for SortedScorer {
    fn advance(&mut self) -> DocId {
        if self.cursor + 1 < self.docs.len() {
            self.cursor += 1;
        }
        self.doc()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        let rest = &self.docs[self.cursor..];
        self.cursor += rest.partition_point(|&(doc, _)| doc < target);
        self.doc()
    }

    fn doc(&self) -> DocId {
        self.docs[self.cursor].0
    }

    fn size_hint(&self) -> u32 {
        (self.docs.len() - self.cursor - 1) as u32
    }
}

impl Scorer for SortedScorer {
    fn score(&mut self) -> Score {
        self.docs[self.cursor].1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::TopDocs;
    use tantivy::query::TermQuery;
    use tantivy::schema::{FAST, IndexRecordOption, STRING, Schema};
    use tantivy::{Index, TantivyDocument, Term};

    /// Documents 0..n with a `tag` per doc and a `prior` in percent.
    fn index(docs: &[(&str, u64)]) -> (Index, tantivy::schema::Field) {
        let mut builder = Schema::builder();
        let tag = builder.add_text_field("tag", STRING);
        let prior = builder.add_u64_field(PRIOR_FIELD, FAST);
        let index = Index::create_in_ram(builder.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for (t, p) in docs {
            let mut doc = TantivyDocument::default();
            for word in t.split(' ') {
                doc.add_text(tag, word);
            }
            doc.add_u64(prior, *p);
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        (index, tag)
    }

    fn term_query(field: tantivy::schema::Field, text: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::Basic,
        ))
    }

    fn scores(index: &Index, query: &dyn Query) -> Vec<(u32, f32)> {
        let searcher = index.reader().unwrap().searcher();
        let mut found: Vec<(u32, f32)> = searcher
            .search(query, &TopDocs::with_limit(10).order_by_score())
            .unwrap()
            .into_iter()
            .map(|(score, address)| (address.doc_id, score))
            .collect();
        found.sort_by_key(|&(doc, _)| doc);
        found
    }

    #[test]
    fn candidates_are_scored_by_the_clauses_they_match_times_their_prior() {
        let (index, tag) = index(&[("a b", 100), ("a", 50), ("b", 100), ("a c", 100)]);
        let query = SumQuery::new(
            term_query(tag, "a"),
            vec![
                Clause::bonus(term_query(tag, "a"), 8.0),
                Clause::bonus(term_query(tag, "b"), 2.0),
                Clause::bonus(term_query(tag, "c"), 1.0),
            ],
        );
        // Document 2 holds b but is no candidate; document 1 has half the prior.
        assert_eq!(scores(&index, &query), vec![(0, 10.0), (1, 4.0), (3, 9.0)]);
    }

    #[test]
    fn bonuses_add_up_per_document() {
        let (index, tag) = index(&[("r1", 100), ("r2", 100), ("r1 r2", 100), ("x", 100)]);
        let bonuses = BonusQuery::new(vec![
            (Term::from_field_text(tag, "r1"), 4.0),
            (Term::from_field_text(tag, "r2"), 8.0),
            (Term::from_field_text(tag, "missing"), 1.0),
        ]);
        assert_eq!(
            scores(&index, &bonuses),
            vec![(0, 4.0), (1, 8.0), (2, 12.0)]
        );
        // As a clause it only scores candidates, and seeks past those it skips.
        let query = SumQuery::new(
            term_query(tag, "r2"),
            vec![Clause::scored(Box::new(bonuses))],
        );
        assert_eq!(scores(&index, &query), vec![(1, 8.0), (2, 12.0)]);
    }
}
