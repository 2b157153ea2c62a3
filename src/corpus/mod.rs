//! The corpus folder and its index kept in step: files → reports → index updates.
//!
//! `index` scans `--corpus` recursively and brings the index up to date (new and changed files
//! indexed, deleted ones removed, unchanged ones skipped by size+mtime, then by hash); `add`
//! copies files byte for byte into the corpus and indexes them; `remove` takes reports out.
//! Every change to the index is one atomic tantivy commit, and corpus files are written to a
//! temporary name and renamed, so a process killed at any moment loses nothing: the next
//! `index` finishes the job.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use rayon::prelude::*;
use tantivy::IndexWriter;

use crate::index::{ReportInfo, Store, now_rfc3339};
use crate::ingest::{Ingested, ingest_bytes, read_report_file};
use crate::report::passage::passages;

/// Text handed to the writer between two commits during a long `index` run, so a killed
/// run keeps most of its work.
const COMMIT_EVERY_BYTES: u64 = 64 * 1024 * 1024;

/// Files read and parsed at once (bounds memory: a batch is parsed in parallel, then fed
/// to the writer).
const BATCH_FILES: usize = 256;

/// Whether `id` is a safe report id: letters, digits, CJK, `-`, `_`, `.`; not empty, not
/// `.`/`..`, no path separators.
pub fn is_safe_id(id: &str) -> bool {
    !id.is_empty()
        && id != "."
        && id != ".."
        && !id.starts_with('.')
        && id.chars().count() <= 200
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The report id a corpus file gets: its path relative to the corpus without extension,
/// folders joined by `.`, unsafe characters replaced by `_`.
pub fn id_for_relative_path(relative: &Path) -> String {
    let mut parts: Vec<String> = relative
        .parent()
        .into_iter()
        .flat_map(|p| p.components())
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let stem = relative
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    parts.push(stem);
    let joined = parts.join(".");
    let cleaned: String = joined
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let cleaned = cleaned.trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "_".to_string()
    } else {
        cleaned
    }
}

/// A file found in the corpus.
#[derive(Debug, Clone)]
pub struct CorpusFile {
    pub id: String,
    pub path: PathBuf,
    pub relative: String,
    pub size: u64,
    pub mtime: u64,
}

fn mtime_nanos(meta: &fs::Metadata) -> u64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64)
}

/// All report files under `corpus`, sorted by relative path, with unique ids (a later file
/// whose id is taken gets `-2`, `-3`, …; sorting makes that deterministic).
pub fn scan(corpus: &Path) -> Result<Vec<CorpusFile>> {
    let mut found = Vec::new();
    walk(corpus, corpus, &mut found)
        .with_context(|| format!("{}: cannot read corpus folder", corpus.display()))?;
    found.sort_by(|a: &CorpusFile, b| a.relative.cmp(&b.relative));
    let mut taken: HashSet<String> = HashSet::new();
    for file in &mut found {
        if !taken.insert(file.id.clone()) {
            let base = file.id.clone();
            let mut n = 2;
            while !taken.insert(format!("{base}-{n}")) {
                n += 1;
            }
            file.id = format!("{base}-{n}");
        }
    }
    Ok(found)
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<CorpusFile>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // Hidden files, temporary files of an interrupted `add`, and notes about the folder.
        if name.starts_with('.') || name.ends_with(".baogao-tmp") {
            continue;
        }
        let path = entry.path();
        let meta = match fs::metadata(&path) {
            Ok(m) => m,
            Err(_) => continue,
        };
        if meta.is_dir() {
            walk(root, &path, out)?;
        } else if meta.is_file() && is_report_file(&path) {
            let relative = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
            out.push(CorpusFile {
                id: id_for_relative_path(&relative),
                relative: relative.to_string_lossy().replace('\\', "/"),
                path,
                size: meta.len(),
                mtime: mtime_nanos(&meta),
            });
        }
    }
    Ok(())
}

/// File extensions `index` treats as reports; other files in the corpus (manifests, notes)
/// are left alone. Files without an extension are tried as text.
pub const REPORT_EXTENSIONS: &[&str] = &["txt", "text", "pdf", "docx", "html", "htm", "xhtml"];

fn is_report_file(path: &Path) -> bool {
    path.extension().is_none_or(|e| {
        let e = e.to_string_lossy().to_ascii_lowercase();
        REPORT_EXTENSIONS.contains(&e.as_str())
    })
}

/// What an update did.
#[derive(Debug, Default)]
pub struct Summary {
    pub added: Vec<String>,
    pub replaced: Vec<String>,
    pub removed: Vec<String>,
    pub unchanged: usize,
    /// (file, one-line cause)
    pub failed: Vec<(String, String)>,
    pub bytes_indexed: u64,
    pub passages: usize,
}

/// Progress callbacks for a long run.
pub trait Progress: Sync {
    fn start(&self, total: u64);
    fn advance(&self, bytes: u64);
    fn finish(&self);
}

/// No progress display.
pub struct Quiet;

impl Progress for Quiet {
    fn start(&self, _: u64) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}

/// A corpus file read for indexing: its hash, and its parsed content unless unchanged.
struct Read {
    hash: String,
    ingested: Option<Ingested>,
}

/// A file given to `add` that passed every check.
struct Checked {
    request: AddRequest,
    id: String,
    bytes: Vec<u8>,
    ingested: Ingested,
}

/// Brings the index in `index_dir` up to date with `corpus`. With `rebuild`, every report is
/// indexed again (in the same single commit that drops the old documents).
pub fn update(
    index_dir: &Path,
    corpus: &Path,
    rebuild: bool,
    progress: &dyn Progress,
) -> Result<Summary> {
    update_with(index_dir, corpus, rebuild, progress, true)
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

/// [`update`], and with `wait_for_lock` false, fails at once with [`Busy`] instead of
/// waiting when another process is writing an existing index (a search refreshing the
/// index should not wait a minute for a long `index` run).
pub fn update_with(
    index_dir: &Path,
    corpus: &Path,
    rebuild: bool,
    progress: &dyn Progress,
    wait_for_lock: bool,
) -> Result<Summary> {
    if !corpus.is_dir() {
        bail!("{}: corpus folder not found", corpus.display());
    }
    if !wait_for_lock && Store::exists(index_dir) {
        // Probe the writer lock before loading the dictionary; the lock is released at
        // once, so in a rare race `store.writer()` below still waits.
        use tantivy::directory::{Directory, INDEX_WRITER_LOCK, MmapDirectory};
        let dir = MmapDirectory::open(index_dir)
            .with_context(|| format!("{}: cannot open index", index_dir.display()))?;
        if dir.acquire_lock(&INDEX_WRITER_LOCK).is_err() {
            return Err(Busy(index_dir.to_path_buf()).into());
        }
    }
    if rebuild && Store::discard_incompatible(index_dir)? {
        eprintln!(
            "baogao: {}: removed an index built by another version",
            index_dir.display()
        );
    }
    let store = open_for_write(index_dir)?;
    let mut writer = store.writer()?;
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
    let files = scan(corpus)?;
    let mut summary = Summary::default();
    if rebuild {
        writer.delete_all_documents()?;
    }

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
            _ => todo.push(file.clone()),
        }
    }
    let present: HashSet<&str> = files.iter().map(|f| f.id.as_str()).collect();
    for id in known.keys() {
        if !present.contains(id.as_str()) {
            writer.delete_term(store.report_term(id));
            summary.removed.push(id.clone());
        }
    }

    progress.start(todo.iter().map(|f| f.size).sum());
    let mut since_commit = 0u64;
    for batch in todo.chunks(BATCH_FILES) {
        let results: Vec<(CorpusFile, Result<Read>)> = batch
            .par_iter()
            .map(|file| {
                let result = (|| {
                    let bytes = read_report_file(&file.path)?;
                    let hash = blake3::hash(&bytes).to_hex().to_string();
                    if known
                        .get(&file.id)
                        .is_some_and(|k| k.hash == hash && k.file == file.relative)
                    {
                        return Ok(Read {
                            hash,
                            ingested: None,
                        });
                    }
                    let ingested = ingest_bytes(&bytes, &file.path, None)?;
                    Ok(Read {
                        hash,
                        ingested: Some(ingested),
                    })
                })();
                (file.clone(), result)
            })
            .collect();
        for (file, result) in results {
            progress.advance(file.size);
            match result {
                Ok(Read {
                    hash,
                    ingested: None,
                }) => {
                    // Same bytes, new mtime: refresh the report document only.
                    let mut info = known[&file.id].clone();
                    info.mtime = file.mtime;
                    info.hash = hash;
                    writer.delete_term(tantivy::Term::from_field_text(store.fields.id, &info.id));
                    writer.add_document(store.report_doc(&info)?)?;
                    summary.unchanged += 1;
                }
                Ok(Read {
                    hash,
                    ingested: Some(ingested),
                }) => {
                    let existed = known.contains_key(&file.id);
                    let n = write_report(
                        &store,
                        &writer,
                        &file,
                        &hash,
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
                Err(e) => summary
                    .failed
                    .push((file.path.display().to_string(), format!("{e:#}"))),
            }
        }
        if since_commit >= COMMIT_EVERY_BYTES && !rebuild {
            writer.commit()?;
            since_commit = 0;
        }
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    // A first index, a rebuild or a large batch of new reports leaves many small segments.
    let documents = store.reader()?.searcher().num_docs() as usize;
    if rebuild || summary.passages * COMPACT_SHARE >= documents {
        merge_small_segments(&store)?;
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
fn merge_small_segments(store: &Store) -> Result<()> {
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
    let mut writer = store.writer()?;
    writer.merge(&small).wait()?;
    // The merged segments' files would otherwise stay on disk until the next write.
    writer.garbage_collect_files().wait()?;
    writer.wait_merging_threads()?;
    Ok(())
}

/// Deletes the report's old documents and adds the new ones (same commit).
fn write_report(
    store: &Store,
    writer: &IndexWriter,
    file: &CorpusFile,
    hash: &str,
    ingested: &Ingested,
    previous: Option<&ReportInfo>,
) -> Result<usize> {
    let report = &ingested.report;
    let list = passages(&file.id, report);
    let organisation = report.meta.organisation().map(str::to_string);
    writer.delete_term(store.report_term(&file.id));
    for p in &list {
        writer.add_document(store.passage_doc(p, organisation.as_deref())?)?;
    }
    let info = ReportInfo {
        id: file.id.clone(),
        title: report.title.clone(),
        date: report.date.clone(),
        organisation,
        encoding: ingested.encoding.clone(),
        format: ingested.format.clone(),
        replacements: ingested.replacements,
        passages: list.len(),
        table_rows: list.iter().filter(|p| p.kind == "table_row").count(),
        // A report replaced by a revision keeps the date it first arrived.
        added: previous.map_or_else(now_rfc3339, |p| p.added.clone()),
        file: file.relative.clone(),
        size: file.size,
        mtime: file.mtime,
        hash: hash.to_string(),
    };
    writer.add_document(store.report_doc(&info)?)?;
    Ok(list.len())
}

/// Name of the file whose mtime says when the index was last brought up to date.
const STAMP: &str = ".baogao-stamp";

fn touch_stamp(index_dir: &Path) {
    let _ = fs::write(index_dir.join(STAMP), now_rfc3339());
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
    // Errors are (file, cause): a file name holding ": " stays whole.
    let checked: Vec<Result<Checked, (String, String)>> = requests
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
            let fail = |e: anyhow::Error| (shown.clone(), format!("{e:#}"));
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
                    summary
                        .failed
                        .push((shown, format!("report id '{id}' is also given by {other}")));
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

/// [`Store::open_for_write`], once more when it failed because another process created the
/// index at the same moment.
fn open_for_write(index_dir: &Path) -> Result<Store> {
    match Store::open_for_write(index_dir) {
        Err(e) if Store::exists(index_dir) => Store::open_for_write(index_dir).map_err(|_| e),
        other => other,
    }
}

/// Removes the temporary files (`.NAME.PID.baogao-tmp`) of `add` runs killed before their
/// rename. Only `add` writes them, while holding the writer lock that the caller now holds;
/// still, in case another index shares this corpus folder, a file is only removed when its
/// process is gone (Linux `/proc`) or, without `/proc`, when it is an hour old.
fn remove_stale_temp_files(corpus: &Path) {
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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn safe_ids() {
        for ok in ["report-1", "報告_2017", "a.b", "x"] {
            assert!(is_safe_id(ok), "{ok}");
        }
        for bad in ["", "..", "../x", "/abs", "a/b", "a b", ".hidden", "a\\b"] {
            assert!(!is_safe_id(bad), "{bad}");
        }
    }

    #[test]
    fn ids_from_paths() {
        assert_eq!(
            id_for_relative_path(Path::new("mojlaw/A0010077.txt")),
            "mojlaw.A0010077"
        );
        assert_eq!(
            id_for_relative_path(Path::new("my report.txt")),
            "my_report"
        );
        assert_eq!(id_for_relative_path(Path::new("報告.pdf")), "報告");
    }
}
