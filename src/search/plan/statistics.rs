//! Statistics the plan asks of an index: a field and a term → how many documents hold it,
//! and how many documents there are. Local search answers from tantivy, engine search from
//! the frequencies it asked OpenSearch for; the rules in [`super`] read either alike, and a
//! failed lookup is an error of the search, not a word the index lacks.

use anyhow::Result;

/// The fields whose term frequencies the rules read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StatField {
    /// Dictionary words of the passage text (jieba's cut, folded).
    BodyWords,
    /// Bigrams and alphanumeric terms of the passage text.
    BodyGrams,
}

/// Document frequencies of one index.
pub trait Statistics {
    /// Documents of the index (passages plus one per report).
    fn docs(&self) -> u64;
    /// Documents holding `term` in `field` (0: not a term of the index).
    fn doc_freq(&self, field: StatField, term: &str) -> Result<u64>;
}

#[cfg(test)]
pub(crate) mod fixed {
    //! Statistics of a made-up index, for the rules' unit tests.
    use super::*;

    /// Every document count is `docs`; `df` answers the frequencies.
    pub struct Fixed<F: Fn(StatField, &str) -> u64> {
        pub docs: u64,
        pub df: F,
    }

    impl<F: Fn(StatField, &str) -> u64> Statistics for Fixed<F> {
        fn docs(&self) -> u64 {
            self.docs
        }
        fn doc_freq(&self, field: StatField, term: &str) -> Result<u64> {
            Ok((self.df)(field, term))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyzer::{Folded, gram_terms};
    use crate::search::plan::numbers::spelling_is_rare;
    use crate::search::plan::{
        dictionary_parts, lone_char_is_rare, matched_without_positions, one_per_position,
        question_words,
    };

    /// An index whose term dictionary cannot be read.
    struct Unreadable;

    impl Statistics for Unreadable {
        fn docs(&self) -> u64 {
            100_000
        }
        fn doc_freq(&self, _: StatField, _: &str) -> Result<u64> {
            anyhow::bail!("索引無法讀取 (index unreadable)")
        }
    }

    #[test]
    fn a_failed_lookup_fails_the_rule_instead_of_counting_as_no_document() {
        let grams = one_per_position(gram_terms(&Folded::new("雙城論壇")));
        assert!(dictionary_parts(&Folded::new("雙城論壇"), "双城论坛", &Unreadable).is_err());
        assert!(matched_without_positions(&grams, &Unreadable).is_err());
        assert!(spelling_is_rare(&grams, &Unreadable).is_err());
        assert!(lone_char_is_rare("渝", &Unreadable).is_err());
        assert!(question_words("重慶簡稱什麼？", &Unreadable).is_err());
    }
}
