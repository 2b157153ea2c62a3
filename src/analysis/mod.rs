//! Analysis: text → terms.

pub mod analyzer;
pub mod fold;
mod numbers;
pub mod numerals;
mod terms;
mod tokenizer;
mod units;
