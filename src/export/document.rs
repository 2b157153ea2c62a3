//! One passage → the OpenSearch document that stands for it: display fields as stored
//! locally, keyword fields for facets and filters, and the pre-analysed text fields.

use jieba_rs::Jieba;
use serde::Serialize;
use serde_json::{Value, json};

use crate::analysis::analyzer::{Folded, gram_terms, significant_text, word_terms};
use crate::index::{kind_prior, passage_key};
use crate::report::parse::Kind;
use crate::report::passage::Passage;

use super::{EMPTY_FIELD, EMPTY_POSITION, STACK, preanalyzed};

/// The engine document of a passage. Field names are the mapping's (see
/// [`super::index_definition`]).
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    /// The passage id (also the document's `_id`).
    pub id: String,
    pub report: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<String>,
    pub kind: Kind,
    pub section: Vec<String>,
    /// The top-level section (the `section` facet).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section_top: Option<String>,
    /// Every heading above the passage, folded and without punctuation or spaces, for
    /// `--section` (which matches a heading containing the text typed).
    pub section_folded: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table_note: Option<String>,
    pub seq: u64,
    /// The report's file, relative to the corpus folder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// First page of the passage (PDF reports).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// The page was read by OCR.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub ocr: bool,
    /// [`passage_key`] with its top bit flipped, so that the engine's signed order on it is
    /// the local unsigned order (equal scores: the smaller key first).
    pub key: i64,
    /// The kind's prior as a factor (local search multiplies the score by it).
    pub prior: f32,
    pub body_words: String,
    pub body_grams: String,
    pub context_grams: String,
    /// A table row's caption and column headers ([`Passage::frame`]).
    pub frame_grams: String,
    pub title_grams: String,
}

/// [`passage_key`] as the engine's signed 64-bit order.
pub fn engine_key(report: &str, seq: u64) -> i64 {
    (passage_key(report, seq) ^ (1 << 63)) as i64
}

/// A scored field's pre-analysed text, [`EMPTY_FIELD`] when it holds no term.
fn scored(text: String) -> String {
    match text.is_empty() {
        true => EMPTY_FIELD.to_string(),
        false => text,
    }
}

/// The word field as the local index holds it: its terms without frequencies (tantivy's
/// `Basic` record option: every term counts once in BM25) in a field of the same length. Each
/// distinct term once, then [`EMPTY_FIELD`] for every other token, so that Lucene's BM25 reads
/// a frequency of 1 and the field's true length. The word field has no positions to keep.
fn once_each(text: &str) -> String {
    let mut seen = std::collections::HashSet::new();
    let mut out: Vec<&str> = Vec::new();
    let mut padding = 0;
    for term in text
        .split(' ')
        .filter(|t| *t != EMPTY_POSITION)
        .flat_map(|t| t.split(STACK))
        .filter(|t| !t.is_empty())
    {
        match seen.insert(term) {
            true => out.push(term),
            false => padding += 1,
        }
    }
    out.extend(std::iter::repeat_n(EMPTY_FIELD, padding));
    out.join(" ")
}

/// The `_id` of a report's stand-in document (see [`report_stand_in`]); passage ids never
/// end so (`#` and a kind letter and hex digits).
pub fn stand_in_id(report: &str) -> String {
    format!("{report}#report")
}

/// The stand-in of a report's own document in the local index: it holds [`EMPTY_FIELD`] in
/// each scored field and nothing else, so that the engine's BM25 counts the documents and
/// average field lengths as tantivy does (docs/SCALING.md, agreement of the two backends).
/// No query matches it.
pub fn report_stand_in(report: &str) -> Value {
    json!({
        "id": stand_in_id(report),
        "report": report,
        "body_words": EMPTY_FIELD,
        "body_grams": EMPTY_FIELD,
        "context_grams": EMPTY_FIELD,
    })
}

/// The document of `passage`, whose report has this organisation.
pub fn passage_document(jieba: &Jieba, passage: &Passage, organisation: Option<&str>) -> Document {
    let body = Folded::new(&passage.text);
    let context = Folded::new(&passage.context());
    let title = Folded::new(&passage.title);
    Document {
        id: passage.id.clone(),
        report: passage.report.clone(),
        title: passage.title.clone(),
        date: passage.date.clone(),
        year: passage
            .date
            .as_deref()
            .and_then(|d| d.get(..4))
            .map(str::to_string),
        kind: passage.kind,
        section: passage.section.clone(),
        section_top: passage.section.first().cloned(),
        section_folded: passage
            .section
            .iter()
            .map(|s| significant_text(s))
            .filter(|s| !s.is_empty())
            .collect(),
        organisation: organisation.map(str::to_string),
        text: passage.text.clone(),
        table: passage.table.clone(),
        headers: passage.headers.clone(),
        table_note: passage.table_note.clone(),
        seq: passage.seq,
        file: passage.file.clone(),
        page: passage.page,
        ocr: passage.ocr,
        key: engine_key(&passage.report, passage.seq),
        prior: kind_prior(passage.kind) as f32 / 100.0,
        body_words: scored(once_each(&preanalyzed(&word_terms(jieba, &body)))),
        body_grams: scored(preanalyzed(&gram_terms(&body))),
        context_grams: scored(preanalyzed(&gram_terms(&context))),
        frame_grams: preanalyzed(&gram_terms(&Folded::new(&passage.frame()))),
        title_grams: preanalyzed(&gram_terms(&title)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_terms_count_once_in_a_field_of_the_same_length() {
        assert_eq!(once_each("a|b c _ a b|d"), "a b c d __ __");
        assert_eq!(scored(once_each("")), EMPTY_FIELD);
        assert_eq!(scored("x _ y".into()), "x _ y");
    }

    #[test]
    fn keys_keep_the_local_order() {
        let pairs = [("a", 1), ("a", 2), ("b", 0), ("zz", 9)];
        for x in pairs {
            for y in pairs {
                let local = passage_key(x.0, x.1).cmp(&passage_key(y.0, y.1));
                assert_eq!(engine_key(x.0, x.1).cmp(&engine_key(y.0, y.1)), local);
            }
        }
    }
}
