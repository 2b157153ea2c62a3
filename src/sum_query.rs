//! Candidate scoring: a query that picks candidate passages and a list of scoring clauses →
//! each candidate scored by the sum of the clauses that hold it, times the passage's prior.
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

/// Documents matching `candidates`, scored by the clauses of `scoring` that match them.
#[derive(Debug)]
pub struct SumQuery {
    candidates: Box<dyn Query>,
    scoring: Vec<Box<dyn Query>>,
}

impl SumQuery {
    pub fn new(candidates: Box<dyn Query>, scoring: Vec<Box<dyn Query>>) -> SumQuery {
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
            scoring: self.scoring.iter().map(|q| q.box_clone()).collect(),
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
        let scoring = if enable_scoring.is_scoring_enabled() {
            self.scoring
                .iter()
                .map(|q| q.weight(enable_scoring))
                .collect::<tantivy::Result<Vec<_>>>()?
        } else {
            Vec::new()
        };
        Ok(Box::new(SumWeight {
            candidates,
            scoring,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a tantivy::Term, bool)) {
        self.candidates.query_terms(visitor);
        for q in &self.scoring {
            q.query_terms(visitor);
        }
    }
}

struct SumWeight {
    candidates: Box<dyn Weight>,
    scoring: Vec<Box<dyn Weight>>,
}

impl Weight for SumWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let candidates = self.candidates.scorer(reader, 1.0)?;
        let mut scoring = Vec::with_capacity(self.scoring.len());
        for weight in &self.scoring {
            let scorer = weight.scorer(reader, boost)?;
            // Words absent from this segment would be asked about every candidate.
            if scorer.doc() != TERMINATED {
                scoring.push(scorer);
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

struct SumScorer {
    candidates: Box<dyn Scorer>,
    scoring: Vec<Box<dyn Scorer>>,
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
            // Candidates come in increasing order, so every clause only moves forward.
            if clause.doc() < doc {
                clause.seek(doc);
            }
            if clause.doc() == doc {
                sum += clause.score();
            }
        }
        match &self.prior {
            Some(prior) => sum * prior.get_val(doc) as Score / 100.0,
            None => sum,
        }
    }
}
