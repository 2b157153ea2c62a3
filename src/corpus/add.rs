//! `add`: files → copied byte for byte into the corpus and indexed.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};
use rayon::prelude::*;

use super::Failure;
use super::reports::{CorpusFile, id_for_relative_path, is_safe_id, mtime_nanos};
use super::update::update;
use super::{Quiet, Summary, open_for_write, touch_stamp, write_report};
use crate::index::{ReportInfo, Store};
use crate::ingest::{Ingested, ingest_bytes, read_report_file};

/// A file given to `add` that passed every check.
struct Checked {
    request: AddRequest,
    id: String,
    bytes: Vec<u8>,
    ingested: Ingested,
}

/// One file given to `add`.
pub struct AddRequest {
    pub path: PathBuf,
    pub id: Option<String>,
}

/// Adds files to the corpus and the index. Each file is checked (read, decoded, parsed)
/// before anything is written; bad files are reported and the others still added.
pub fn add(
    index_dir: &Path,
    corpus: &Path,
    requests: &[AddRequest],
    encoding: Option<&str>,
) -> Result<Summary> {
    let mut summary = Summary::default();
    fs::create_dir_all(corpus)
        .with_context(|| format!("{}: cannot create corpus folder", corpus.display()))?;

    // Validate everything first (in parallel): nothing is touched for a bad file.
    let checked: Vec<Result<Checked, Failure>> = requests
        .par_iter()
        .map(|r| {
            let shown = r.path.display().to_string();
            let id = match &r.id {
                Some(id) => id.clone(),
                None => {
                    let name = r.path.file_name().map(PathBuf::from).unwrap_or_default();
                    id_for_relative_path(&name)
                }
            };
            let fail = |e: anyhow::Error| Failure::new(shown.clone(), format!("{e:#}"));
            if !is_safe_id(&id) {
                return Err(fail(anyhow!(
                    "unsafe report id '{id}' (use letters, digits, CJK, '-', '_', '.')"
                )));
            }
            let bytes = read_report_file(&r.path).map_err(fail)?;
            let ingested = ingest_bytes(&bytes, &r.path, encoding).map_err(fail)?;
            Ok(Checked {
                request: AddRequest {
                    path: r.path.clone(),
                    id: Some(id.clone()),
                },
                id,
                bytes,
                ingested,
            })
        })
        .collect();

    let mut good = Vec::new();
    let mut ids_in_batch: BTreeMap<String, String> = BTreeMap::new();
    for result in checked {
        match result {
            Ok(Checked {
                request,
                id,
                bytes,
                ingested,
            }) => {
                let shown = request.path.display().to_string();
                if let Some(other) = ids_in_batch.insert(id.clone(), shown.clone()) {
                    summary.failed.push(Failure::new(
                        shown,
                        format!("report id '{id}' is also given by {other}"),
                    ));
                    continue;
                }
                good.push((request, id, bytes, ingested));
            }
            Err(failure) => summary.failed.push(failure),
        }
    }
    if good.is_empty() {
        return Ok(summary);
    }
    // The first write to a new index starts with what the corpus already holds, so that
    // reports shipped in it (or copied there by hand) are not left out.
    if !Store::exists(index_dir) {
        update(index_dir, corpus, false, &Quiet)?;
    }

    let store = open_for_write(index_dir)?;
    let mut writer = store.writer()?;
    let reader = store.reader()?;
    // Only the reports being added are looked up: listing all of them costs seconds in a
    // corpus of tens of thousands.
    let searcher = reader.searcher();
    let mut known: HashMap<String, ReportInfo> = HashMap::new();
    for (_, id, _, _) in &good {
        if let Some(info) = store.report(&searcher, id)? {
            known.insert(id.clone(), info);
        }
    }

    for (request, id, bytes, ingested) in good {
        let ext = request
            .path
            .extension()
            .map(|e| format!(".{}", e.to_string_lossy()))
            .unwrap_or_default();
        let relative = format!("{id}{ext}");
        let target = corpus.join(&relative);
        let hash = blake3::hash(&bytes).to_hex().to_string();
        if let Some(prev) = known.get(&id)
            && prev.hash == hash
            && prev.file == relative
            && target.is_file()
        {
            summary.unchanged += 1;
            continue;
        }
        write_atomically(&target, &bytes)?;
        // A previous version stored under another extension goes away.
        if let Some(prev) = known.get(&id)
            && prev.file != relative
        {
            let _ = fs::remove_file(corpus.join(&prev.file));
        }
        let meta = fs::metadata(&target)?;
        let file = CorpusFile {
            id: id.clone(),
            path: target.clone(),
            relative,
            size: meta.len(),
            mtime: mtime_nanos(&meta),
        };
        summary.passages += write_report(&store, &writer, &file, &hash, &ingested, known.get(&id))?;
        summary.bytes_indexed += file.size;
        if known.contains_key(&id) {
            summary.replaced.push(id);
        } else {
            summary.added.push(id);
        }
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    touch_stamp(index_dir);
    Ok(summary)
}

/// Removes the temporary files (`.NAME.PID.baogao-tmp`) of `add` runs killed before their
/// rename. Only `add` writes them, while holding the writer lock that the caller now holds;
/// still, in case another index shares this corpus folder, a file is only removed when its
/// process is gone (Linux `/proc`) or, without `/proc`, when it is an hour old.
pub(super) fn remove_stale_temp_files(corpus: &Path) {
    let Ok(entries) = fs::read_dir(corpus) else {
        return;
    };
    let procfs = Path::new("/proc/self").exists();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let Some(pid) = name
            .strip_prefix('.')
            .and_then(|n| n.strip_suffix(".baogao-tmp"))
            .and_then(|n| n.rsplit('.').next())
        else {
            continue;
        };
        let stale = if procfs {
            !Path::new("/proc").join(pid).exists()
        } else {
            entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 3600)
        };
        if stale {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Writes `bytes` to `target` through a temporary file and a rename: the corpus never holds a
/// half-written report.
fn write_atomically(target: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = target.with_file_name(format!(
        ".{}.{}.baogao-tmp",
        target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        std::process::id()
    ));
    fs::write(&tmp, bytes).with_context(|| format!("{}: cannot write", tmp.display()))?;
    if let Ok(f) = fs::File::open(&tmp) {
        let _ = f.sync_all();
    }
    fs::rename(&tmp, target).with_context(|| format!("{}: cannot write", target.display()))?;
    Ok(())
}
