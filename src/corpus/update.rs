//! `index`: the corpus folder → the index brought up to date (new and changed files indexed,
//! deleted ones removed, unchanged ones skipped).

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use rayon::prelude::*;

use super::add::remove_stale_temp_files;
use super::reports::{CorpusFile, scan_corpus};
use super::{
    Event, Failure, Progress, STAMP, Summary, check_corpus, open_for_write, touch_stamp,
    write_report, writer,
};
use crate::index::{IndexRecord, KnownFailure, ReportInfo, Store, damage};
use crate::ingest::formats::FormatError;
use crate::ingest::{Ingested, ingest_bytes};

/// Text handed to the writer between two commits during a long `index` run, so a killed
/// run keeps most of its work.
const COMMIT_EVERY_BYTES: u64 = 64 * 1024 * 1024;

/// Files read and parsed at once (bounds memory: a batch is parsed in parallel, then fed
/// to the writer).
const BATCH_FILES: usize = 256;

/// A corpus file read for indexing.
enum Read {
    /// The same bytes as the indexed report (only its mtime changed).
    Unchanged,
    /// The same bytes as a file that failed before.
    FailedBefore,
    Parsed(Box<Ingested>),
}

/// Brings the index in `index_dir` up to date with `corpus`. With `rebuild`, every report is
/// indexed again (in the same single commit that drops the old documents).
pub fn update(
    index_dir: &Path,
    corpus: &Path,
    rebuild: bool,
    progress: &dyn Progress,
) -> Result<Summary> {
    let options = UpdateOptions {
        rebuild,
        wait_for_lock: true,
        repoint: false,
    };
    update_with(index_dir, corpus, &options, progress)
}

/// How [`update_with`] runs.
#[derive(Debug, Clone, Copy)]
pub struct UpdateOptions {
    /// Index every report again, and retry the files that failed before.
    pub rebuild: bool,
    /// Wait when another process is writing the index; else fail at once with [`Busy`] (a
    /// search refreshing the index should not wait a minute for a long `index` run).
    pub wait_for_lock: bool,
    /// Make `corpus` the index's corpus even though it records another one (the user
    /// confirmed it): reports of the old corpus that are not in this one are removed.
    pub repoint: bool,
}

/// Another process holds the index writer lock (returned by [`update_with`] when told not
/// to wait; find it with `error.downcast_ref::<Busy>()`).
#[derive(Debug)]
pub struct Busy(pub PathBuf);

impl std::fmt::Display for Busy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: another baogao process is writing the index",
            self.0.display()
        )
    }
}

impl std::error::Error for Busy {}

/// [`update`] with every option. An index that records another corpus is left as it is
/// ([`crate::index::OtherCorpus`]) unless `options.repoint`.
pub fn update_with(
    index_dir: &Path,
    corpus: &Path,
    options: &UpdateOptions,
    progress: &dyn Progress,
) -> Result<Summary> {
    let rebuild = options.rebuild;
    if !corpus.is_dir() {
        bail!("{}: corpus folder not found", corpus.display());
    }
    if !options.wait_for_lock && Store::exists(index_dir) {
        // Probe the writer lock before loading the dictionary; the lock is released at
        // once, so in a rare race `store.writer()` below still waits.
        use tantivy::directory::{Directory, INDEX_WRITER_LOCK, MmapDirectory};
        let dir = MmapDirectory::open(index_dir).map_err(|e| damage::named(index_dir, e.into()))?;
        if dir.acquire_lock(&INDEX_WRITER_LOCK).is_err() {
            return Err(Busy(index_dir.to_path_buf()).into());
        }
    }
    // The corpus check comes before a damaged index is discarded: a rebuild given the
    // wrong corpus must not delete anything either.
    if Store::exists(index_dir)
        && !options.repoint
        && let Some(record) = IndexRecord::read(index_dir)
        && let Some(recorded) = record.recorded_corpus(index_dir)
        && !crate::index::record::same_folder(&recorded, corpus)
    {
        return Err(crate::index::OtherCorpus {
            index: index_dir.to_path_buf(),
            recorded,
            given: corpus.to_path_buf(),
        }
        .into());
    }
    if rebuild && let Some(cause) = Store::discard_unusable(index_dir)? {
        progress.event(Event::DiscardedUnusableIndex {
            index: index_dir.to_path_buf(),
            cause,
        });
    }
    let store = open_for_write(index_dir)?;
    let record = check_corpus(&store, corpus, options.repoint)?;
    let mut writer = writer(&store, progress)?;
    remove_stale_temp_files(corpus);
    // The reader is dropped at once: a live searcher keeps the files of its segments, which
    // a merge at the end could then not delete.
    let indexed: HashMap<String, ReportInfo> = store
        .reports(&store.reader()?.searcher())?
        .into_iter()
        .map(|r| (r.id.clone(), r))
        .collect();
    // A rebuild indexes every report again but keeps the date each one first arrived.
    let (known, arrived) = if rebuild {
        (HashMap::new(), indexed)
    } else {
        (indexed, HashMap::new())
    };
    // Files that failed before, by path; a rebuild or a new corpus tries them all again.
    let failed_before: HashMap<String, KnownFailure> = if rebuild || options.repoint {
        HashMap::new()
    } else {
        record
            .failed
            .into_iter()
            .map(|f| (f.file.clone(), f))
            .collect()
    };
    let scanned = scan_corpus(corpus)?;
    let files = scanned.files;
    let mut summary = Summary {
        ignored: scanned.ignored,
        links: scanned.links,
        ..Summary::default()
    };
    let mut failures: Vec<KnownFailure> = Vec::new();
    if rebuild {
        writer.delete_all_documents()?;
    }
    // A first index (or a rebuild) is written in one commit: each commit flushes every
    // writer thread's segment, small segments that tantivy then merges again (a killed
    // first index is simply run again).
    let first = rebuild || known.is_empty();

    // Which files need work: new, or size/mtime differ (then the hash decides).
    let mut todo = Vec::new();
    for file in &files {
        match known.get(&file.id) {
            Some(info)
                if info.file == file.relative
                    && info.size == file.size
                    && info.mtime == file.mtime =>
            {
                summary.unchanged += 1;
            }
            _ => match failed_before.get(&file.relative) {
                Some(before) if before.size == file.size && before.mtime == file.mtime => {
                    summary.skipped_as_before += 1;
                    failures.push(before.clone());
                }
                _ => todo.push(file.clone()),
            },
        }
    }
    let present: HashSet<&str> = files.iter().map(|f| f.id.as_str()).collect();
    for id in known.keys() {
        if !present.contains(id.as_str()) {
            writer.delete_term(store.report_term(id));
            summary.removed.push(id.clone());
        }
    }

    // Any failure while writing is said with its real cause (a full disk), not as tantivy's
    // "an index writer was killed".
    let written = (|| -> Result<()> {
        progress.start(todo.iter().map(|f| f.size).sum());
        let mut since_commit = 0u64;
        // Batches are read and parsed on rayon's threads while the previous batch is fed to
        // the writer (whose own threads tokenize): both stages keep the cores busy. At most
        // two parsed batches wait, which bounds memory.
        let (parsed, batches) = std::sync::mpsc::sync_channel(1);
        let parse = |batch: &[CorpusFile]| -> Vec<(CorpusFile, Option<String>, Result<Read>)> {
            batch
                .par_iter()
                .map(|file| {
                    let bytes = match file.read() {
                        Ok(bytes) => bytes,
                        Err(e) => return (file.clone(), None, Err(e)),
                    };
                    let hash = blake3::hash(&bytes).to_hex().to_string();
                    if known
                        .get(&file.id)
                        .is_some_and(|k| k.hash == hash && k.file == file.relative)
                    {
                        return (file.clone(), Some(hash), Ok(Read::Unchanged));
                    }
                    if failed_before
                        .get(&file.relative)
                        .is_some_and(|f| f.hash == hash)
                    {
                        return (file.clone(), Some(hash), Ok(Read::FailedBefore));
                    }
                    let result =
                        ingest_bytes(&bytes, &file.path, None).map(|i| Read::Parsed(Box::new(i)));
                    (file.clone(), Some(hash), result)
                })
                .collect()
        };
        std::thread::scope(|scope| -> Result<()> {
            scope.spawn(move || {
                for batch in todo.chunks(BATCH_FILES) {
                    // The writer stopped (an error): no more batches are wanted.
                    if parsed.send(parse(batch)).is_err() {
                        break;
                    }
                }
            });
            for results in batches {
                for (file, hash, result) in results {
                    progress.advance(file.size);
                    match result {
                        Ok(Read::Unchanged) => {
                            // Same bytes, new mtime: refresh the report document only.
                            let mut info = known[&file.id].clone();
                            info.mtime = file.mtime;
                            info.hash = hash.unwrap_or_default();
                            writer.delete_term(tantivy::Term::from_field_text(
                                store.fields.id,
                                &info.id,
                            ));
                            writer.add_document(store.report_doc(&info)?)?;
                            summary.unchanged += 1;
                        }
                        Ok(Read::FailedBefore) => {
                            let mut before = failed_before[&file.relative].clone();
                            before.mtime = file.mtime;
                            failures.push(before);
                            summary.skipped_as_before += 1;
                        }
                        Ok(Read::Parsed(ingested)) => {
                            let existed = known.contains_key(&file.id);
                            progress.event(Event::Read {
                                id: file.id.clone(),
                                title: ingested.report.title.clone(),
                            });
                            let n = write_report(
                                &store,
                                &writer,
                                &file,
                                hash.as_deref().unwrap_or_default(),
                                &ingested,
                                known.get(&file.id).or(arrived.get(&file.id)),
                            )?;
                            summary.passages += n;
                            summary.bytes_indexed += file.size;
                            since_commit += file.size;
                            if existed {
                                summary.replaced.push(file.id.clone());
                            } else {
                                summary.added.push(file.id.clone());
                            }
                        }
                        Err(e) => {
                            let cause = format!("{e:#}");
                            // A file is known bad only for what is in its bytes: a missing program
                            // (pdftotext) or an unreadable file is tried again next time.
                            let missing_tool = e
                                .downcast_ref::<FormatError>()
                                .is_some_and(|f| matches!(f, FormatError::MissingTool(_)));
                            if let Some(hash) = hash.filter(|_| !missing_tool) {
                                failures.push(KnownFailure {
                                    file: file.relative.clone(),
                                    size: file.size,
                                    mtime: file.mtime,
                                    hash,
                                    cause: cause.clone(),
                                });
                            }
                            summary
                                .failed
                                .push(Failure::new(file.path.display().to_string(), cause));
                        }
                    }
                }
                if since_commit >= COMMIT_EVERY_BYTES && !first {
                    // Failures found so far are recorded at the end, with the last commit.
                    let failed_so_far = failed_before.values().cloned().collect();
                    store.commit(
                        &mut writer,
                        &IndexRecord::for_corpus(index_dir, corpus, failed_so_far),
                    )?;
                    since_commit = 0;
                }
            }
            Ok(())
        })?;
        failures.sort_by(|a, b| a.file.cmp(&b.file));
        store.commit(
            &mut writer,
            &IndexRecord::for_corpus(index_dir, corpus, failures),
        )
    })();
    if let Err(e) = written {
        return Err(damage::worker_cause(index_dir, &mut writer, e));
    }
    writer
        .wait_merging_threads()
        .map_err(|e| damage::named(index_dir, e))?;
    // A first index, a rebuild or a large batch of new reports leaves many small segments.
    let documents = store.reader()?.searcher().num_docs() as usize;
    if first || summary.passages * COMPACT_SHARE >= documents {
        merge_small_segments(&store, progress)?;
    }
    progress.finish();
    touch_stamp(index_dir);
    Ok(summary)
}

/// `index` merges small segments when the run wrote at least 1/N of the index's documents.
const COMPACT_SHARE: usize = 2;

/// Most documents merged into one segment at the end of `index`: bounds the time and memory
/// of that merge whatever the size of the corpus.
const COMPACT_MAX_DOCS: u32 = 500_000;

/// Merges the smallest segments, up to [`COMPACT_MAX_DOCS`] documents, into one. A search
/// opens every segment's files and looks each query term up in each: on the benchmark
/// corpus, 8 segments → 3 takes a cold search from 7.0 to 4.7 ms, for 1.5 s more at the end
/// of a full index (one segment would save 0.2 ms more, but that merge reads the whole index
/// and its cost grows with the corpus). A kill during the merge leaves the previous segments
/// in place.
fn merge_small_segments(store: &Store, progress: &dyn Progress) -> Result<()> {
    let mut segments = store.index.searchable_segment_metas()?;
    segments.sort_by_key(|s| s.max_doc());
    let mut total = 0;
    let small: Vec<_> = segments
        .iter()
        .take_while(|s| {
            total += s.max_doc();
            total <= COMPACT_MAX_DOCS
        })
        .map(|s| s.id())
        .collect();
    // Segment metas in hand keep their files from garbage collection.
    drop(segments);
    if small.len() < 2 {
        return Ok(());
    }
    let named = |e| damage::named(&store.dir, e);
    let mut writer = writer(store, progress)?;
    writer.merge(&small).wait().map_err(named)?;
    // The merged segments' files would otherwise stay on disk until the next write.
    writer.garbage_collect_files().wait().map_err(named)?;
    writer.wait_merging_threads().map_err(named)?;
    Ok(())
}

/// Whether the corpus folder changed after the index was last updated (cheap: looks at the
/// folder's own mtime and the files directly in it, not the whole tree).
pub fn index_is_stale(index_dir: &Path, corpus: &Path) -> bool {
    let Ok(stamp) = fs::metadata(index_dir.join(STAMP)).and_then(|m| m.modified()) else {
        return true;
    };
    let newer = |p: &Path| {
        fs::metadata(p)
            .and_then(|m| m.modified())
            .is_ok_and(|t| t > stamp)
    };
    if newer(corpus) {
        return true;
    }
    match fs::read_dir(corpus) {
        Ok(entries) => entries.flatten().any(|e| newer(&e.path())),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Quiet;

    #[test]
    fn small_segments_are_merged_after_a_large_run() {
        let dir = tempfile::TempDir::new().unwrap();
        let corpus = dir.path().join("corpus");
        let index = dir.path().join("index");
        fs::create_dir(&corpus).unwrap();
        let segments = || {
            Store::open_for_search(&index)
                .unwrap()
                .index
                .searchable_segment_ids()
                .unwrap()
                .len()
        };
        // Each run adds one report in its own commit, so its own segment…
        for i in 0..3 {
            fs::write(
                corpus.join(format!("r{i}.txt")),
                format!("標題：報告{i}\n\n第{i}段的內容。\n"),
            )
            .unwrap();
            update(&index, &corpus, false, &Quiet).unwrap();
        }
        let before = segments();
        // …and the last run wrote a third of the documents: below the share that compacts.
        assert!(before >= 2, "{before} segments");
        // A rebuild writes every document, then merges the small segments.
        update(&index, &corpus, true, &Quiet).unwrap();
        assert_eq!(segments(), 1);
    }
}
