//! An order-independent digest of what an index holds, to check that a change to indexing
//! (threads, buffers, merging, tokenizer internals) leaves the indexed content unchanged.
//!
//! Two builds of the same corpus put documents in different orders and segments (the writer
//! threads race), so files and search ties differ; this digest does not. For every field it
//! prints a hash of every term with its document frequency and, for each posting, the
//! document (known by its stored passage or report id), term frequency and positions; of the
//! field norms; and of the stored payloads (a report's `added` time left out).
//!
//! ```text
//! cargo run --release --example index_digest -- /path/to/index
//! ```

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;

use anyhow::{Context, Result};
use tantivy::schema::{FieldType, IndexRecordOption, Value};
use tantivy::{DocSet, Index, TERMINATED, TantivyDocument};

fn hash<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

fn main() -> Result<()> {
    let dir: PathBuf = std::env::args_os()
        .nth(1)
        .context("usage: index_digest INDEX_DIR")?
        .into();
    let index = Index::open_in_dir(&dir)?;
    let schema = index.schema();
    let payload = schema.get_field("record")?;
    let reader = index.reader()?;
    let searcher = reader.searcher();
    let segments = searcher.segment_readers();

    // Each document's key: the id in its stored payload; and the payload digest.
    let mut keys: Vec<Vec<u64>> = Vec::new();
    let mut stored = 0u64;
    let mut docs = 0u64;
    for segment in segments {
        let store = segment.get_store_reader(64)?;
        let mut seg_keys = vec![0u64; segment.max_doc() as usize];
        for doc_id in 0..segment.max_doc() {
            if segment.is_deleted(doc_id) {
                continue;
            }
            let doc: TantivyDocument = store.get(doc_id)?;
            let json = doc
                .get_first(payload)
                .and_then(|v| v.as_str())
                .context("payload")?;
            let mut value: serde_json::Value = serde_json::from_str(json)?;
            // A report document has its id; a passage its report and place in it (its own
            // id is stored only where it is not the one derived from its text).
            let is_report = value.get("q").is_none();
            let id = match value["id"].as_str() {
                Some(id) if is_report => id.to_string(),
                _ => format!("{}#{}", value["r"].as_str().context("report")?, value["q"]),
            };
            if is_report && let Some(map) = value.as_object_mut() {
                map.remove("added");
            }
            seg_keys[doc_id as usize] = hash(&(is_report, &id));
            stored = stored.wrapping_add(hash(&value.to_string()));
            docs += 1;
        }
        keys.push(seg_keys);
    }
    println!("docs {docs} stored {stored:016x}");

    for (field, entry) in schema.fields() {
        if !entry.is_indexed() {
            continue;
        }
        let option = match entry.field_type() {
            FieldType::Str(o) => o
                .get_indexing_options()
                .map_or(IndexRecordOption::Basic, |i| i.index_option()),
            _ => IndexRecordOption::Basic,
        };
        let mut terms: std::collections::HashMap<Vec<u8>, (u64, u64)> = Default::default();
        let mut norms = 0u64;
        let mut positions = Vec::new();
        for (segment, seg_keys) in segments.iter().zip(&keys) {
            if entry.has_fieldnorms() {
                let fieldnorms = segment.get_fieldnorms_reader(field)?;
                for doc_id in 0..segment.max_doc() {
                    if !segment.is_deleted(doc_id) {
                        norms = norms.wrapping_add(hash(&(
                            seg_keys[doc_id as usize],
                            fieldnorms.fieldnorm_id(doc_id),
                        )));
                    }
                }
            }
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted.terms().stream()?;
            while stream.advance() {
                let term = stream.key().to_vec();
                let info = stream.value().clone();
                let mut postings = inverted.read_postings_from_terminfo(&info, option)?;
                let (mut df, mut acc) = (0u64, 0u64);
                let mut doc = postings.doc();
                while doc != TERMINATED {
                    if !segment.is_deleted(doc) {
                        positions.clear();
                        if option.has_positions() {
                            tantivy::postings::Postings::positions(&mut postings, &mut positions);
                        }
                        let tf = if option.has_freq() {
                            tantivy::postings::Postings::term_freq(&postings)
                        } else {
                            0
                        };
                        df += 1;
                        acc = acc.wrapping_add(hash(&(seg_keys[doc as usize], tf, &positions)));
                    }
                    doc = postings.advance();
                }
                let slot = terms.entry(term).or_default();
                slot.0 += df;
                slot.1 = slot.1.wrapping_add(acc);
            }
        }
        let mut digest = 0u64;
        let mut postings = 0u64;
        for (term, (df, acc)) in &terms {
            if *df > 0 {
                digest = digest.wrapping_add(hash(&(term, df, acc)));
                postings += df;
            }
        }
        println!(
            "{:<14} terms {:>9} postings {:>11} digest {digest:016x} norms {norms:016x}",
            entry.name(),
            terms.values().filter(|(df, _)| *df > 0).count(),
            postings
        );
    }
    Ok(())
}
