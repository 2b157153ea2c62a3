//! Analysis: text → terms.

pub mod analyzer;
pub mod fold;
pub mod numerals;
