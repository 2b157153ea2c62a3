//! `remove`: report ids → taken out of the corpus and the index.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result};

use super::{Progress, check_corpus, corpus_entry, open_for_write, touch_stamp, writer};
use crate::index::{IndexRecord, ReportInfo, Store, damage};

/// Removes reports from the corpus and the index. Returns the ids that were not found.
/// An index that records another corpus is left as it is ([`crate::index::OtherCorpus`]).
pub fn remove(
    index_dir: &Path,
    corpus: &Path,
    ids: &[String],
    progress: &dyn Progress,
) -> Result<(Vec<String>, Vec<String>)> {
    if !Store::exists(index_dir) {
        return Ok((Vec::new(), ids.to_vec()));
    }
    let store = open_for_write(index_dir)?;
    let record = check_corpus(&store, corpus, false)?;
    let mut writer = writer(&store, progress)?;
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
                // Never outside the corpus, whatever an older index recorded.
                let path = corpus_entry(corpus, &info.file)?;
                if fs::symlink_metadata(&path).is_ok() {
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
        let failed = record.failed;
        store.commit(
            &mut writer,
            &IndexRecord::for_corpus(index_dir, corpus, failed),
        )?;
        writer
            .wait_merging_threads()
            .map_err(|e| damage::named(index_dir, e))?;
        touch_stamp(index_dir);
    }
    Ok((removed, missing))
}
