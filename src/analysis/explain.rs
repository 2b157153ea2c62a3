//! Explanation: a text → how the analyzer sees it (folded text, word terms, gram terms).
//!
//! What `baogao analyze` shows; the command line only renders it.

use crate::analysis::analyzer::{Folded, Term, gram_terms, jieba, word_terms};

/// How one text is normalized and cut into search terms.
#[derive(Debug, Clone)]
pub struct Explanation {
    /// The text as given.
    pub text: String,
    /// The folded text that terms are cut from.
    pub normalized: String,
    /// Dictionary words (the `text` field's terms).
    pub words: Vec<Term>,
    /// Overlapping character grams (the `grams` field's terms).
    pub grams: Vec<Term>,
}

/// Runs the analyzer's stages on `text`, as indexing and search do.
pub fn explain(text: &str) -> Explanation {
    let folded = Folded::new(text);
    Explanation {
        text: text.to_string(),
        normalized: folded.text(),
        words: word_terms(&jieba(), &folded),
        grams: gram_terms(&folded),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explains_folding_words_and_grams() {
        let e = explain("臺北市 ＥＣＦＡ");
        assert_eq!(e.text, "臺北市 ＥＣＦＡ");
        assert_eq!(e.normalized, "台北市 ecfa");
        let words: Vec<&str> = e.words.iter().map(|t| t.text.as_str()).collect();
        assert!(
            words.contains(&"台北市") && words.contains(&"ecfa"),
            "{words:?}"
        );
        assert!(e.grams.iter().any(|t| t.text == "台北"), "{:?}", e.grams);
    }
}
