//! `add`: files → copied byte for byte into the corpus and indexed.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};
use rayon::prelude::*;

use super::reports::{
    CorpusFile, REPORT_EXTENSIONS, corpus_entry, id_for_relative_path, is_report_file, is_safe_id,
    mtime_nanos,
};
use super::update::update;
use super::{
    Event, Failure, Progress, Summary, check_corpus, open_for_write, touch_stamp, write_report,
    writer,
};
use crate::index::{IndexRecord, ReportInfo, Store, damage};
use crate::ingest::formats::FormatError;
use crate::ingest::{Ingested, ingest_bytes, io_cause, read_report_file};

/// A file given to `add` that passed every check.
struct Checked {
    request: AddRequest,
    id: String,
    /// Its name in the corpus.
    relative: String,
    bytes: Vec<u8>,
    ingested: Ingested,
}

/// One file given to `add`.
pub struct AddRequest {
    pub path: PathBuf,
    pub id: Option<String>,
}

/// Adds files to the corpus and the index. Each file is checked (read, decoded, parsed)
/// before anything is written; bad files are reported and the others still added. Atomic per
/// run: the copies are written under temporary names, the index committed, and only then
/// are the copies renamed into place; when anything fails before the commit, the copies are
/// deleted and corpus and index stay as they were.
pub fn add(
    index_dir: &Path,
    corpus: &Path,
    requests: &[AddRequest],
    encoding: Option<&str>,
    progress: &dyn Progress,
) -> Result<Summary> {
    let mut summary = Summary::default();
    if Store::exists(index_dir) {
        // Before anything else: an index of another corpus is not written to.
        check_corpus(&Store::open_for_search(index_dir)?, corpus, false)?;
    }
    fs::create_dir_all(corpus)
        .with_context(|| format!("{}: cannot create corpus folder", corpus.display()))?;
    // The copies go into the corpus folder's real path: a report's name holds no folder, so
    // no write can leave it.
    let corpus = &corpus
        .canonicalize()
        .with_context(|| format!("{}: cannot read corpus folder", corpus.display()))?;

    // Validate everything first (in parallel): nothing is touched for a bad file.
    let checked: Vec<Result<Checked, Failure>> = requests
        .par_iter()
        .map(|r| check(r, encoding, progress))
        .collect();

    let mut good = Vec::new();
    let mut ids_in_batch: BTreeMap<String, String> = BTreeMap::new();
    for result in checked {
        match result {
            Ok(checked) => {
                let shown = checked.request.path.display().to_string();
                if let Some(other) = ids_in_batch.insert(checked.id.clone(), shown.clone()) {
                    summary.failed.push(Failure::new(
                        shown,
                        format!("report id '{}' is also given by {other}", checked.id),
                    ));
                    continue;
                }
                good.push(checked);
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
        update(index_dir, corpus, false, progress)?;
    }

    let store = open_for_write(index_dir)?;
    let record = check_corpus(&store, corpus, false)?;
    let mut writer = writer(&store, progress)?;
    let reader = store.reader()?;
    // Only the reports being added are looked up: listing all of them costs seconds in a
    // corpus of tens of thousands.
    let searcher = reader.searcher();
    let mut known: HashMap<String, ReportInfo> = HashMap::new();
    for checked in &good {
        if let Some(info) = store.report(&searcher, &checked.id)? {
            known.insert(checked.id.clone(), info);
        }
    }

    let mut staged = Staged::default();
    let written = (|| -> Result<()> {
        for Checked {
            id,
            relative,
            bytes,
            ingested,
            ..
        } in good
        {
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
            let temp = write_temp(&target, &bytes, &mut staged)?;
            let meta = fs::metadata(&temp)
                .with_context(|| format!("{}: cannot write", target.display()))?;
            let file = CorpusFile {
                id: id.clone(),
                path: target.clone(),
                relative: relative.clone(),
                size: meta.len(),
                mtime: mtime_nanos(&meta),
            };
            summary.passages +=
                write_report(&store, &writer, &file, &hash, &ingested, known.get(&id))?;
            summary.bytes_indexed += file.size;
            // A previous version stored under another extension goes away after the commit.
            if let Some(prev) = known.get(&id)
                && prev.file != relative
            {
                // An older index may name a file behind a link: that one stays.
                if let Ok(old) = corpus_entry(corpus, &prev.file) {
                    staged.replaced_files.push(old);
                }
            }
            if known.contains_key(&id) {
                summary.replaced.push(id);
            } else {
                summary.added.push(id);
            }
        }
        // A file that failed before and is now added under its path is no longer failing.
        let added: Vec<&PathBuf> = staged.moves.iter().map(|(_, target)| target).collect();
        let failed = record
            .failed
            .into_iter()
            .filter(|f| !added.contains(&&corpus.join(&f.file)))
            .collect();
        store.commit(
            &mut writer,
            &IndexRecord::for_corpus(index_dir, corpus, failed),
        )
    })();
    if let Err(e) = written {
        // Nothing was committed: the copies go, the index keeps its last commit (the
        // segments written so far are collected when a writer opens next).
        for (temp, _) in &staged.moves {
            let _ = fs::remove_file(temp);
        }
        return Err(damage::worker_cause(index_dir, &mut writer, e));
    }
    writer
        .wait_merging_threads()
        .map_err(|e| damage::named(index_dir, e))?;
    for (temp, target) in &staged.moves {
        fs::rename(temp, target).with_context(|| format!("{}: cannot write", target.display()))?;
    }
    for old in &staged.replaced_files {
        let _ = fs::remove_file(old);
    }
    touch_stamp(index_dir);
    Ok(summary)
}

/// Files written by one `add`, moved into place after the commit.
#[derive(Default)]
struct Staged {
    /// (temporary file, its final name).
    moves: Vec<(PathBuf, PathBuf)>,
    /// Earlier versions of replaced reports stored under another name.
    replaced_files: Vec<PathBuf>,
}

/// Checks one file given to `add`: its id, its name in the corpus, its bytes and their text.
fn check(
    r: &AddRequest,
    encoding: Option<&str>,
    progress: &dyn Progress,
) -> Result<Checked, Failure> {
    let shown = r.path.display().to_string();
    let fail = |e: anyhow::Error| Failure::new(shown.clone(), format!("{e:#}"));
    let id = match &r.id {
        Some(id) => id.clone(),
        None => {
            let name = r.path.file_name().map(PathBuf::from).unwrap_or_default();
            id_for_relative_path(&name)
        }
    };
    if !is_safe_id(&id) {
        return Err(fail(anyhow!(
            "unsafe report id '{id}' (use letters, digits, CJK, '-', '_', '.')"
        )));
    }
    let ext = r
        .path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    let relative = format!("{id}{ext}");
    // `add` stores only what `index` reads back as the same report: a file `index` would
    // leave alone (note.md) or read under another id would be dropped by the next `index`.
    let read_back = id_for_relative_path(Path::new(&relative));
    if read_back != id {
        return Err(fail(anyhow!(
            "report id '{id}' cannot be stored: `index` would read {relative} as '{read_back}' \
             (give an id without a final '.xxx', or the file a report extension)"
        )));
    }
    let ext = ext.trim_start_matches('.').to_ascii_lowercase();
    if crate::ingest::formats::UNSUPPORTED_EXTENSIONS.contains(&ext.as_str()) {
        return Err(fail(FormatError::Unsupported(format!(".{ext}")).into()));
    }
    if !is_report_file(Path::new(&relative)) {
        return Err(fail(anyhow!(
            "不是報告檔 not a report file: 只讀 reads only {} 檔（或沒有副檔名的純文字檔 or files without extension）",
            REPORT_EXTENSIONS
                .iter()
                .map(|e| format!(".{e}"))
                .collect::<Vec<_>>()
                .join(" ")
        )));
    }
    let bytes = read_report_file(&r.path).map_err(fail)?;
    let ingested = ingest_bytes(&bytes, &r.path, encoding).map_err(fail)?;
    if let Some(forced) = encoding
        && let Some(doubt) = crate::ingest::decode::doubt_forced_encoding(&bytes, forced)
    {
        progress.event(Event::DoubtfulEncoding {
            file: r.path.clone(),
            forced: forced.to_string(),
            detected: doubt.detected,
            why: doubt.why,
        });
    }
    progress.event(Event::Read {
        id: id.clone(),
        title: ingested.report.title.clone(),
    });
    Ok(Checked {
        request: AddRequest {
            path: r.path.clone(),
            id: Some(id.clone()),
        },
        id,
        relative,
        bytes,
        ingested,
    })
}

/// Removes the temporary files (`.HASH.PID.baogao-tmp`) of `add` runs killed before their
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

/// Writes `bytes` to a temporary file beside `target` (renamed to it once the index has
/// committed) and records it in `staged`: the corpus never holds a half-written report. The
/// temporary name is short (`.HASH.PID.baogao-tmp`, HASH from the final name), so that any
/// name the file system accepts for the report works (a 250-byte Chinese name included).
fn write_temp(target: &Path, bytes: &[u8], staged: &mut Staged) -> Result<PathBuf> {
    let name = target.file_name().unwrap_or_default().as_encoded_bytes();
    let short = blake3::hash(name).to_hex();
    let temp = target.with_file_name(format!(
        ".{}.{}.baogao-tmp",
        &short[..16],
        std::process::id()
    ));
    staged.moves.push((temp.clone(), target.to_path_buf()));
    let write = || -> std::io::Result<()> {
        let mut file = fs::File::create(&temp)?;
        std::io::Write::write_all(&mut file, bytes)?;
        file.sync_all()
    };
    write().map_err(|e| anyhow!("{}: cannot write: {}", target.display(), io_cause(&e)))?;
    Ok(temp)
}
