//! Report model: text → report.

mod blocks;
mod dates;
mod front_matter;
mod lines;
pub mod parse;
pub mod passage;
