//! `remove`: report ids → taken out of the corpus and the index.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result};

use super::{open_for_write, touch_stamp};
use crate::index::{ReportInfo, Store};

/// Removes reports from the corpus and the index. Returns the ids that were not found.
pub fn remove(
    index_dir: &Path,
    corpus: &Path,
    ids: &[String],
) -> Result<(Vec<String>, Vec<String>)> {
    if !Store::exists(index_dir) {
        return Ok((Vec::new(), ids.to_vec()));
    }
    let store = open_for_write(index_dir)?;
    let mut writer = store.writer()?;
    let reader = store.reader()?;
    let searcher = reader.searcher();
    let mut known: HashMap<String, ReportInfo> = HashMap::new();
    for id in ids {
        if let Some(info) = store.report(&searcher, id)? {
            known.insert(id.clone(), info);
        }
    }
    let mut removed = Vec::new();
    let mut missing = Vec::new();
    for id in ids {
        match known.get(id) {
            Some(info) => {
                // File first: if we are killed before the commit, the next `index` sees the
                // file gone and finishes the removal.
                let path = corpus.join(&info.file);
                if path.exists() {
                    fs::remove_file(&path)
                        .with_context(|| format!("{}: cannot remove", path.display()))?;
                }
                writer.delete_term(store.report_term(id));
                removed.push(id.clone());
            }
            None => missing.push(id.clone()),
        }
    }
    // Only unknown ids: leave the index exactly as it was.
    if !removed.is_empty() {
        writer.commit()?;
        writer.wait_merging_threads()?;
        touch_stamp(index_dir);
    }
    Ok((removed, missing))
}
