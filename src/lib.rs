//! baogao (報告): a command-line search engine for Chinese research reports.
//!
//! Pipeline, one module per stage: [`decode`] bytes → text, [`formats`] PDF/DOCX/HTML → text,
//! [`parse`] text → report model, [`passage`] report → citable passages with stable ids,
//! [`fold`] one-to-one character folding, [`analyzer`] terms for tantivy, [`index`] the
//! on-disk index, [`corpus`] corpus folder ↔ index, [`search`] ranked hits (scored by
//! [`sum_query`], ordered by [`top`]), [`snippet`] highlighted fragments, [`locate`]
//! quotation → source passage, [`cli`] and [`output`] the command line.

pub mod analysis;
pub mod cli;
pub mod corpus;
pub mod index;
pub mod ingest;
pub mod report;
pub mod search;
