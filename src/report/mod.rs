//! Report model: the plain text of one report → a [`parse::Report`] (title, date,
//! metadata, blocks in document order) → citable [`passage`]s with stable ids.
//!
//! [`parse`] holds the model and runs the steps: `front_matter` (title, date, metadata),
//! `lines` (what each line is), `blocks` (lines → blocks, tables and page breaks
//! repaired); `dates` reads dates for the front matter; [`roc`] reads and writes ROC (民國)
//! years and dates.

mod blocks;
pub mod citation;
mod dates;
mod front_matter;
mod lines;
pub mod pages;
pub mod parse;
pub mod passage;
pub mod roc;
