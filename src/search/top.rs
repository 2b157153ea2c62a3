//! The best hits of a search: scored documents → a page of `(score, address)`, best first,
//! equal scores in a fixed order.
//!
//! tantivy's `TopDocs` breaks ties by document address, and addresses depend on how the
//! indexing threads happened to split the documents into segments: the same corpus indexed
//! twice could list equally scored passages in another order, or cut a page between them
//! differently. Here ties go to the smaller [`passage_key`] (report, then place in the
//! report), which only the passages themselves decide.

use std::cmp::Ordering;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::index::KeyColumn;
#[cfg(doc)]
use crate::index::passage_key;
use crate::search::report_runs;

/// Collects the hits `offset..offset + limit` in the order described above.
pub struct TopHits {
    limit: usize,
    offset: usize,
}

impl TopHits {
    pub fn new(limit: usize, offset: usize) -> TopHits {
        TopHits {
            limit: limit.max(1),
            offset,
        }
    }
}

/// A collected hit; `Ord` puts the better hit first.
#[derive(Debug, Clone, Copy)]
pub struct Ranked {
    score: Score,
    /// Decides between equal scores.
    key: u64,
    address: DocAddress,
}

// RANKING.md: equal scores
impl Ord for Ranked {
    fn cmp(&self, other: &Ranked) -> Ordering {
        other
            .score
            .total_cmp(&self.score)
            .then(self.key.cmp(&other.key))
            .then(self.address.cmp(&other.address))
    }
}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Ranked) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Ranked) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Ranked {}

pub struct SegmentTopHits {
    segment: SegmentOrdinal,
    capacity: usize,
    /// Hits that may still be among the best: scores only, keys read when a truncation
    /// has to decide between equal scores.
    buffer: Vec<(Score, DocId)>,
    /// No hit scoring below this can be among the best any more.
    threshold: Score,
    keys: KeyColumn,
}

impl SegmentTopHits {
    fn ranked(&self, doc: DocId, score: Score) -> Ranked {
        Ranked {
            score,
            key: self.keys.get(doc),
            address: DocAddress::new(self.segment, doc),
        }
    }

    /// Keeps the best `capacity` hits of the buffer, best first.
    fn best(&mut self) -> Vec<Ranked> {
        if self.buffer.len() > self.capacity {
            // Only hits scoring like the last one kept need their key to be told apart.
            let by_score = |a: &(Score, DocId), b: &(Score, DocId)| b.0.total_cmp(&a.0);
            let (_, cut, _) = self
                .buffer
                .select_nth_unstable_by(self.capacity - 1, by_score);
            let cut = cut.0;
            self.buffer
                .retain(|&(score, _)| score.total_cmp(&cut).is_ge());
            self.threshold = cut;
        }
        let mut ranked: Vec<Ranked> = self
            .buffer
            .iter()
            .map(|&(score, doc)| self.ranked(doc, score))
            .collect();
        ranked.sort_unstable();
        ranked.truncate(self.capacity);
        ranked
    }
}

impl Collector for TopHits {
    type Fruit = Vec<(Score, DocAddress)>;
    type Child = SegmentTopHits;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentTopHits> {
        let capacity = self.offset.saturating_add(self.limit);
        Ok(SegmentTopHits {
            segment,
            capacity,
            // A page deep in the results is rare: the buffer grows only as hits arrive.
            buffer: Vec::with_capacity(capacity.min(1024) * 2),
            threshold: Score::NEG_INFINITY,
            keys: report_runs::key_column(reader),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Ranked>>) -> tantivy::Result<Self::Fruit> {
        let mut all: Vec<Ranked> = fruits.into_iter().flatten().collect();
        all.sort_unstable();
        Ok(all
            .into_iter()
            .skip(self.offset)
            .take(self.limit)
            .map(|r| (r.score, r.address))
            .collect())
    }
}

impl SegmentCollector for SegmentTopHits {
    type Fruit = Vec<Ranked>;

    fn collect(&mut self, doc: DocId, score: Score) {
        if score < self.threshold {
            return;
        }
        self.buffer.push((score, doc));
        // Truncating at twice the page keeps the cost per hit constant.
        if self.buffer.len() >= self.capacity.saturating_mul(2).max(64) {
            let best = self.best();
            self.buffer.clear();
            self.buffer
                .extend(best.iter().map(|r| (r.score, r.address.doc_id)));
        }
    }

    fn harvest(mut self) -> Vec<Ranked> {
        self.best()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::KEY_FIELD;
    use tantivy::query::AllQuery;
    use tantivy::schema::{FAST, Schema};
    use tantivy::{Index, TantivyDocument};

    /// An index of documents with these keys, split into segments as `segments` says.
    fn index(segments: &[&[u64]]) -> Index {
        let mut builder = Schema::builder();
        let key = builder.add_u64_field(KEY_FIELD, FAST);
        let index = Index::create_in_ram(builder.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for keys in segments {
            for &k in *keys {
                let mut doc = TantivyDocument::default();
                doc.add_u64(key, KeyColumn::encode(k));
                writer.add_document(doc).unwrap();
            }
            writer.commit().unwrap();
        }
        index
    }

    /// The key of each hit of a search where every document scores the same.
    fn page(index: &Index, limit: usize, offset: usize) -> Vec<u64> {
        let searcher = index.reader().unwrap().searcher();
        let hits = searcher
            .search(&AllQuery, &TopHits::new(limit, offset))
            .unwrap();
        hits.into_iter()
            .map(|(_, address)| {
                let segment = searcher.segment_reader(address.segment_ord);
                report_runs::key_column(segment).get(address.doc_id)
            })
            .collect()
    }

    #[test]
    fn a_better_score_wins_before_any_key() {
        let hit = |score: Score, key: u64| Ranked {
            score,
            key,
            address: DocAddress::new(0, 0),
        };
        let mut hits = [hit(1.0, 1), hit(2.0, 9), hit(1.0, 0), hit(f32::NAN, 0)];
        hits.sort();
        let order: Vec<(Score, u64)> = hits.iter().map(|h| (h.score, h.key)).collect();
        assert!(
            order[0].0.is_nan(),
            "NaN sorts first under total_cmp, never panics"
        );
        assert_eq!(order[1..], [(2.0, 9), (1.0, 0), (1.0, 1)]);
    }

    #[test]
    fn equal_scores_come_in_the_same_order_however_documents_are_split() {
        // Enough documents that the buffer is truncated several times.
        let docs: Vec<u64> = (0..300).map(|i| i * 37 % 300 * 10).collect();
        let one_segment = index(&[&docs]);
        let reversed: Vec<u64> = docs.iter().rev().copied().collect();
        let three_segments = index(&[&reversed[..20], &reversed[20..200], &reversed[200..]]);
        let mut expected = docs.clone();
        expected.sort();
        for index in [&one_segment, &three_segments] {
            assert_eq!(page(index, 10, 0), expected[..10]);
            // A page cut between equal scores takes the same hits either way.
            assert_eq!(page(index, 3, 2), expected[2..5]);
            assert_eq!(page(index, 1, 0), expected[..1]);
            assert_eq!(page(index, 1000, 0), expected);
        }
    }
}
