//! Analysis: text → terms.

pub mod analyzer;
pub mod explain;
pub mod fold;
pub mod numerals;
