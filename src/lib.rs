//! baogao (報告): a search engine for Chinese research reports.
//!
//! Two flows, one folder per stage (see `ARCHITECTURE.md`):
//!
//! ```text
//! write:  file bytes ─ ingest ─▶ text ─ report ─▶ Report ─▶ passages with ids
//!                     (decode, formats)   (parse)            (passage)
//!                                                                │ analysis (fold, numbers,
//!                                                                ▼ jieba words, bigrams)
//!         corpus/ ◀──── corpus (update, add, remove) ────▶ index/ (tantivy)
//!
//! read:   query ─ search::query ─▶ words ─ search::plan (cut, every rule and weight)
//!         ─▶ plan::outline::Outline (backend-neutral: tokens, match kinds, weights, levels) ─┬▶
//!           local:  search::compile ─▶ tantivy queries ─ clauses ─▶ one query per match
//!                   level (sum_query scores, top orders; search::run runs it)
//!           engine: engine::query ─▶ one OpenSearch query per match level (engine::search
//!                   runs it)
//!         ─ search::levels (one loop: levels in order, page, repeats) ─▶ ranked hits
//!         ─ snippet ─▶ Outcome ─ cli::output ─▶ stdout (plain or JSON Lines)
//! ```
//!
//! [`ingest`] bytes → text, [`report`] text → report model and passages, [`analysis`] text →
//! terms (the same at index and query time), [`index`] passages ↔ tantivy documents,
//! [`corpus`] the corpus folder kept in step with its index, [`search`] query → ranked hits
//! (and [`search::locate`] quotation → source passage), [`cli`] arguments → one unit per
//! command → output, [`serve`] the same over HTTP (search page and JSON API). The library
//! never prints; the CLI does.
//!
//! Scaling out: [`export`] turns the corpus into an OpenSearch index definition and `_bulk`
//! documents whose text fields carry baogao's analysis pre-analysed; [`engine`] pushes them
//! and runs the search plan's [`search::plan::outline::Outline`] on the engine, as local
//! search runs it on tantivy ([`search::compile`]): the rules and weights are the plan's,
//! written once; each executor only writes them as its own queries.

pub mod analysis;
pub mod cli;
pub mod corpus;
pub mod engine;
pub mod export;
pub mod index;
pub mod ingest;
pub mod report;
pub mod search;
pub mod serve;
