//! The corpus folder and its index kept in step: files → reports → index updates.
//!
//! `index` scans `--corpus` recursively and brings the index up to date (new and changed files
//! indexed, deleted ones removed, unchanged ones skipped by size+mtime, then by hash); `add`
//! copies files byte for byte into the corpus and indexes them; `remove` takes reports out.
//! Every change to the index is one atomic tantivy commit, and corpus files are written to a
//! temporary name and renamed, so a process killed at any moment loses nothing: the next
//! `index` finishes the job.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Result;
use tantivy::IndexWriter;

use crate::index::{IndexRecord, OtherCorpus, ReportInfo, Store, now_rfc3339, record};
use crate::ingest::Ingested;
use crate::report::passage::passages;

mod failure;
pub use failure::Failure;

mod add;
mod remove;
mod reports;
mod update;

pub use self::add::{AddRequest, add};
pub use self::remove::remove;
pub use self::reports::{
    CorpusFile, IGNORE_FILE, REPORT_EXTENSIONS, Scanned, corpus_entry, id_for_relative_path,
    inside_corpus, is_report_file, is_safe_id, scan, scan_corpus,
};
pub use self::update::{Busy, UpdateOptions, index_is_stale, update, update_with};

/// What an update did.
#[derive(Debug, Default)]
pub struct Summary {
    pub added: Vec<String>,
    pub replaced: Vec<String>,
    pub removed: Vec<String>,
    pub unchanged: usize,
    /// Files that failed in this run (new failures, or files that changed and failed again).
    pub failed: Vec<Failure>,
    /// Files that failed before with the same bytes: not read again, not counted as failed
    /// (`reports --failed` lists them).
    pub skipped_as_before: usize,
    /// Files left out by the corpus's `.baogaoignore`.
    pub ignored: usize,
    /// Symbolic links in the corpus, not followed.
    pub links: usize,
    pub bytes_indexed: u64,
    pub passages: usize,
}

impl Summary {
    /// The summary as `add --json` and `POST /api/reports` give it:
    /// `{"added","replaced","unchanged","failed":[{"file","error"}],"passages"}`.
    pub fn to_json(&self) -> serde_json::Value {
        let failed: Vec<_> = self
            .failed
            .iter()
            .map(|f| serde_json::json!({"file": f.file, "error": f.cause}))
            .collect();
        serde_json::json!({
            "added": self.added, "replaced": self.replaced, "unchanged": self.unchanged,
            "failed": failed, "passages": self.passages,
        })
    }
}

/// Something a run tells the user about on its way (the library never prints: the caller
/// shows these, on stderr for the CLI).
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// `index --rebuild` found an index it could not use (damaged, or built by another
    /// version of baogao) and deleted its files before starting over.
    DiscardedUnusableIndex { index: PathBuf, cause: String },
    /// Another process holds the index writer lock: this run waits for it.
    WaitingForWriter { index: PathBuf },
    /// A file was decoded with the encoding the user forced, and the text looks wrong.
    DoubtfulEncoding {
        file: PathBuf,
        forced: String,
        detected: String,
        why: String,
    },
    /// A report was read: its id and its title as decoded, for the user to check.
    Read { id: String, title: String },
}

/// Progress callbacks for a long run, and the events to tell the user about.
pub trait Progress: Sync {
    fn start(&self, total: u64);
    fn advance(&self, bytes: u64);
    fn finish(&self);
    fn event(&self, event: Event);
}

/// No progress display and no events (for library callers and tests that show nothing).
pub struct Quiet;

impl Progress for Quiet {
    fn start(&self, _: u64) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
    fn event(&self, _: Event) {}
}

/// Refuses to write an index that records another corpus than `corpus` (unless told to
/// re-point it): a read command run from the wrong folder must never empty an index.
fn check_corpus(store: &Store, corpus: &Path, repoint: bool) -> Result<IndexRecord> {
    let record = store.record();
    if !repoint
        && let Some(recorded) = record.recorded_corpus(&store.dir)
        && !record::same_folder(&recorded, corpus)
    {
        return Err(OtherCorpus {
            index: store.dir.clone(),
            recorded,
            given: corpus.to_path_buf(),
        }
        .into());
    }
    Ok(record)
}

/// A writer on `store`, telling `progress` when it has to wait for another process.
fn writer(store: &Store, progress: &dyn Progress) -> Result<IndexWriter> {
    store.writer(&|| {
        progress.event(Event::WaitingForWriter {
            index: store.dir.clone(),
        })
    })
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
    let mut list = passages(&file.id, report);
    crate::report::pages::place_on_pages(&mut list, &ingested.pages, &ingested.ocr_pages);
    for p in &mut list {
        p.file = Some(file.relative.clone());
    }
    let organisation = report.meta.organisation().map(str::to_string);
    writer.delete_term(store.report_term(&file.id));
    for doc in store.passage_docs(&list, organisation.as_deref())? {
        writer.add_document(doc)?;
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
        table_rows: list
            .iter()
            .filter(|p| p.kind == crate::report::parse::Kind::TableRow)
            .count(),
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
    let _ = fs::remove_file(index_dir.join(REFRESH_FAILED));
}

/// Name of the file that holds why the last automatic update before a search failed.
const REFRESH_FAILED: &str = ".baogao-refresh-failed";

/// Records that the automatic update before a search failed with `cause` (a full disk):
/// the index counts as up to date with the corpus as it is now, so that the next searches
/// answer at once from the index as it is instead of failing the same update again; a change
/// in the corpus, or `index`, tries again. Writes nothing but an empty file and a timestamp
/// when the disk is too full for the cause.
pub fn note_failed_refresh(index_dir: &Path, cause: &str) {
    if fs::write(index_dir.join(REFRESH_FAILED), cause).is_err() {
        let _ = fs::File::create(index_dir.join(REFRESH_FAILED));
    }
    let stamp = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(index_dir.join(STAMP));
    if let Ok(stamp) = stamp {
        let _ = stamp.set_modified(std::time::SystemTime::now());
    }
}

/// Why the last automatic update failed, when it did and no update has succeeded since.
pub fn failed_refresh(index_dir: &Path) -> Option<String> {
    let cause = fs::read_to_string(index_dir.join(REFRESH_FAILED)).ok()?;
    Some(if cause.trim().is_empty() {
        "the disk was too full to record why".to_string()
    } else {
        cause.trim().to_string()
    })
}

/// [`Store::open_for_write`], once more when it failed because another process created the
/// index at the same moment.
fn open_for_write(index_dir: &Path) -> Result<Store> {
    match Store::open_for_write(index_dir) {
        Err(e) if Store::exists(index_dir) => Store::open_for_write(index_dir).map_err(|_| e),
        other => other,
    }
}
