//! Loading the engine: the corpus's documents → `_bulk` requests of bounded size, each item
//! the engine refuses with 429/5xx sent again (bounded), every other refusal reported with
//! its passage id and reason. Nothing is dropped silently.

use std::collections::HashSet;
use std::time::Duration;

use anyhow::{Result, bail};
use serde_json::{Value, json};

use crate::corpus::{CorpusFile, Failure};
use crate::export::{
    Document, Exported, bulk_action, documents, report_stand_in, stand_in_action, stand_in_id,
};

use super::{Engine, reason, retryable};

/// A batch is sent when it holds this many documents…
pub const BATCH_DOCUMENTS: usize = 2000;
/// …or this many bytes of NDJSON, whichever comes first.
pub const BATCH_BYTES: usize = 8 * 1024 * 1024;
/// Times an item refused with 429/5xx is sent again.
const ITEM_ATTEMPTS: u32 = 5;

/// What a push did.
#[derive(Debug, Default)]
pub struct Pushed {
    pub exported: Exported,
    /// Documents the engine accepted.
    pub indexed: usize,
    /// Documents the engine refused: passage id and reason.
    pub refused: Vec<Failure>,
    pub created_index: bool,
    /// Reports the index held before, sent again.
    pub replaced_reports: usize,
    /// Passages deleted because their report no longer has them.
    pub deleted: usize,
}

/// Progress of a push, per report read.
pub trait PushProgress {
    fn start(&self, files: u64);
    fn report_done(&self, passages: usize);
    fn finish(&self);
}

/// Sends the documents of `files` into the engine's index (created if missing). When the
/// index existed, the passages a report held there and no longer has are deleted in the same
/// bulk requests, so that a revised report leaves no passage whose text it no longer has.
pub fn push(
    engine: &Engine,
    files: &[CorpusFile],
    shards: u32,
    replicas: u32,
    progress: &dyn PushProgress,
) -> Result<Pushed> {
    let mut pushed = Pushed {
        created_index: engine.create_index_if_missing(shards, replicas)?,
        ..Pushed::default()
    };
    let mut batch = Batch::default();
    progress.start(files.len() as u64);
    let exported = documents(files, |file, docs| {
        if !pushed.created_index {
            // Passages the report no longer has (its text changed) go; the others are
            // overwritten under their unchanged ids.
            let stand_in = stand_in_id(&file.id);
            let mut current: HashSet<&str> = docs.iter().map(|d| d.id.as_str()).collect();
            current.insert(&stand_in);
            let stale: Vec<String> = engine
                .report_ids(&file.id)?
                .into_iter()
                .filter(|id| !current.contains(id.as_str()))
                .collect();
            for id in &stale {
                batch.delete(&engine.index, id, &file.id);
            }
            pushed.replaced_reports += 1;
            pushed.deleted += stale.len();
        }
        let n = docs.len();
        for doc in docs {
            batch.add(&engine.index, &doc)?;
            if batch.full() {
                send(engine, &mut batch, &mut pushed)?;
            }
        }
        batch.add_stand_in(&engine.index, &file.id);
        progress.report_done(n);
        Ok(())
    })?;
    send(engine, &mut batch, &mut pushed)?;
    engine.ok("POST", &format!("/{}/_refresh", engine.index), None)?;
    progress.finish();
    pushed.exported = exported;
    Ok(pushed)
}

/// Percent-encodes a query-string value.
pub fn encode(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Bulk lines waiting to be sent, with the passage id of each item.
#[derive(Default)]
struct Batch {
    items: Vec<Item>,
    bytes: usize,
}

/// One bulk item.
struct Item {
    /// The passage id (or the report stand-in's).
    id: String,
    /// Action and document lines.
    lines: String,
    /// A report's stand-in, not counted as a passage indexed.
    stand_in: bool,
}

impl Batch {
    fn add(&mut self, index: &str, doc: &Document) -> Result<()> {
        let lines = format!(
            "{}\n{}\n",
            bulk_action(index, doc),
            serde_json::to_string(doc)?
        );
        self.bytes += lines.len();
        self.items.push(Item {
            id: doc.id.clone(),
            lines,
            stand_in: false,
        });
        Ok(())
    }

    /// The stand-in of a report's own document (see [`report_stand_in`]).
    fn add_stand_in(&mut self, index: &str, report: &str) {
        let lines = format!(
            "{}\n{}\n",
            stand_in_action(index, report),
            report_stand_in(report)
        );
        self.bytes += lines.len();
        self.items.push(Item {
            id: stand_in_id(report),
            lines,
            stand_in: true,
        });
    }

    /// A passage the engine must forget.
    fn delete(&mut self, index: &str, id: &str, report: &str) {
        let line = format!(
            "{}\n",
            json!({"delete": {"_index": index, "_id": id, "routing": report}})
        );
        self.bytes += line.len();
        self.items.push(Item {
            id: id.to_string(),
            lines: line,
            stand_in: false,
        });
    }

    fn full(&self) -> bool {
        self.items.len() >= BATCH_DOCUMENTS || self.bytes >= BATCH_BYTES
    }
}

/// Sends the batch; items refused with 429/5xx go again (with backoff), others are recorded.
fn send(engine: &Engine, batch: &mut Batch, pushed: &mut Pushed) -> Result<()> {
    let mut items = std::mem::take(&mut batch.items);
    batch.bytes = 0;
    let mut wait = Duration::from_millis(500);
    for attempt in 1..=ITEM_ATTEMPTS {
        if items.is_empty() {
            return Ok(());
        }
        let body: String = items.iter().map(|item| item.lines.as_str()).collect();
        let answer = engine.ok("POST", "/_bulk", Some(&body))?;
        let results = answer
            .get("items")
            .and_then(Value::as_array)
            .filter(|r| r.len() == items.len());
        let Some(results) = results else {
            bail!(
                "POST {}/_bulk: the answer does not list one result per document",
                engine.url()
            );
        };
        let mut again = Vec::new();
        for (item, result) in items.into_iter().zip(results) {
            let (result, deleting) = match (result.get("index"), result.get("delete")) {
                (Some(r), _) => (r, false),
                (None, Some(r)) => (r, true),
                (None, None) => (result, false),
            };
            let status = result.get("status").and_then(Value::as_u64).unwrap_or(0) as u16;
            if deleting && (status == 404 || (200..300).contains(&status)) {
                // Gone already or now.
            } else if (200..300).contains(&status) {
                pushed.indexed += usize::from(!item.stand_in);
            } else if retryable(status) && attempt < ITEM_ATTEMPTS {
                again.push(item);
            } else {
                let why = result
                    .get("error")
                    .map(|e| reason(&json!({"error": e})))
                    .unwrap_or_else(|| format!("HTTP {status}"));
                pushed.refused.push(Failure::new(item.id, why));
            }
        }
        items = again;
        if !items.is_empty() {
            std::thread::sleep(wait);
            wait *= 2;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(encode("mojlaw.A0010077"), "mojlaw.A0010077");
        assert_eq!(encode("a b&c"), "a%20b%26c");
        assert_eq!(encode("報"), "%E5%A0%B1");
    }
}
