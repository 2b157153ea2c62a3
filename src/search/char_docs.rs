//! Passages holding one Han character: a field and a term pattern (the character alone or in
//! a bigram) → per segment, the set of documents holding some matching term, found once per
//! search and shared by every match level.
//!
//! The pattern `X.?|.X` cannot be narrowed by the term dictionary's order (any character may
//! come first), so each match is a walk of the whole bigram dictionary plus a read of every
//! matching term's postings: a question with a common single character (三 of 三個國家) spent
//! half its time there, once per level and segment. A search builds its plan once and
//! clones this query into each level, so the clones share what the first one found.
//! Scored as tantivy's `RegexQuery` is: a constant, the boost.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::index::SegmentId;
use tantivy::query::{
    BitSetDocSet, ConstScorer, EnableScoring, Explanation, Query, Scorer, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{BitSet, DocId, DocSet, Score, SegmentReader, TantivyError};
use tantivy_fst::Regex;

/// Documents of each segment read so far.
type Found = Arc<Mutex<HashMap<SegmentId, BitSet>>>;

/// Documents holding a term of `field` that `regex` matches (see the module documentation).
#[derive(Clone)]
pub struct CharDocs {
    field: Field,
    regex: Arc<Regex>,
    found: Found,
}

impl std::fmt::Debug for CharDocs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CharDocs")
            .field("field", &self.field)
            .finish()
    }
}

impl CharDocs {
    /// The query, or an error for a pattern that is no regex.
    pub fn new(pattern: &str, field: Field) -> tantivy::Result<CharDocs> {
        let regex = Regex::new(pattern)
            .map_err(|e| TantivyError::InvalidArgument(format!("{pattern}: {e}")))?;
        Ok(CharDocs {
            field,
            regex: Arc::new(regex),
            found: Found::default(),
        })
    }
}

impl Query for CharDocs {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl CharDocs {
    /// The documents of `reader`'s segment holding a matching term.
    fn docs(&self, reader: &SegmentReader) -> tantivy::Result<BitSet> {
        let id = reader.segment_id();
        if let Some(docs) = self
            .found
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&id)
        {
            return Ok(docs.clone());
        }
        let mut docs = BitSet::with_max_value(reader.max_doc());
        let index = reader.inverted_index(self.field)?;
        let mut terms = index.terms().search(self.regex.as_ref()).into_stream()?;
        while terms.advance() {
            let mut postings =
                index.read_block_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)?;
            while !postings.docs().is_empty() {
                for &doc in postings.docs() {
                    docs.insert(doc);
                }
                postings.advance();
            }
        }
        self.found
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, docs.clone());
        Ok(docs)
    }
}

impl Weight for CharDocs {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let docs = BitSetDocSet::from(self.docs(reader)?);
        Ok(Box::new(ConstScorer::new(docs, boost)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) == doc {
            Ok(Explanation::new("CharDocs", 1.0))
        } else {
            Err(TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::DocSetCollector;
    use tantivy::query::{QueryClone, RegexQuery};
    use tantivy::schema::{STRING, Schema};
    use tantivy::{Index, TantivyDocument};

    #[test]
    fn finds_what_a_regex_query_finds_in_every_clone() {
        let mut builder = Schema::builder();
        let field = builder.add_text_field("grams", STRING);
        let index = Index::create_in_ram(builder.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for (i, terms) in [["三個", "國家"], ["十三", "年"], ["山", "水"], ["三", "x"]]
            .iter()
            .enumerate()
        {
            let mut doc = TantivyDocument::default();
            for term in terms {
                doc.add_text(field, term);
            }
            writer.add_document(doc).unwrap();
            if i == 1 {
                writer.commit().unwrap();
            }
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let pattern = "三.?|.三";
        let expected = searcher
            .search(
                &RegexQuery::from_pattern(pattern, field).unwrap(),
                &DocSetCollector,
            )
            .unwrap();
        assert_eq!(expected.len(), 3);
        let query = CharDocs::new(pattern, field).unwrap();
        for copy in [query.box_clone(), query.box_clone()] {
            assert_eq!(
                searcher.search(copy.as_ref(), &DocSetCollector).unwrap(),
                expected
            );
        }
        assert_eq!(
            query.found.lock().unwrap().len(),
            searcher.segment_readers().len()
        );
    }
}
