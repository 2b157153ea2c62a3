//! Report model: text → report.

pub mod parse;
pub mod passage;
