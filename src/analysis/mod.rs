//! Analysis: original text → search terms with positions and byte offsets, the same when
//! indexing and when querying.
//!
//! [`fold`] folds each character one-to-one (its table is generated); `units` keeps the
//! folded text with its offsets and cuts it into runs; [`analyzer`] turns runs into word
//! terms (jieba) and bigram terms, with `numbers` and [`numerals`] for number values,
//! `terms` as the buffer they are written to, and `tokenizer` handing them to tantivy.
//! [`synonyms`] holds word groups (agency short forms, the corpus's `synonyms.txt`) that a
//! query word is also searched as; it changes no term. [`variants`] gives a query word's
//! Taiwan/mainland phrase variants (軟件/軟體, 計畫/計劃) from OpenCC's phrase tables, also
//! searched as alternatives.

pub mod analyzer;
pub mod explain;
pub mod fold;
mod numbers;
pub mod numerals;
pub mod synonyms;
mod terms;
mod tokenizer;
mod units;
pub mod variants;
