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
