//! What an index records about itself beside its documents: the corpus folder it was built
//! from, and the corpus files that failed (with their hash, so that an unchanged bad file is
//! not read again). Goes in: an [`IndexRecord`] at each commit; comes out: the record of the
//! last commit.
//!
//! The record is tantivy's commit payload, kept in `meta.json`: it changes in the same atomic
//! commit as the documents, and tantivy's merges carry it over.

use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use tantivy::IndexWriter;

use super::Store;

/// The record kept in an index's commit payload.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexRecord {
    /// Absolute path of the corpus folder the index was built from. `None` for an index
    /// written before baogao recorded it: the first write records the corpus it is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corpus: Option<PathBuf>,
    /// The same folder relative to the index folder, so that an index and its corpus moved
    /// together (a renamed project folder) still find each other.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corpus_relative: Option<PathBuf>,
    /// Corpus files that could not be indexed, in path order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failed: Vec<KnownFailure>,
}

/// A corpus file that could not be indexed: skipped by later runs while its bytes stay the
/// same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownFailure {
    /// Path relative to the corpus folder.
    pub file: String,
    pub size: u64,
    pub mtime: u64,
    /// BLAKE3 of the file's bytes.
    pub hash: String,
    /// Why it failed, one line.
    pub cause: String,
}

impl IndexRecord {
    /// A record for an index of `corpus` stored in `index_dir` (both made absolute when
    /// they exist).
    pub fn for_corpus(index_dir: &Path, corpus: &Path, failed: Vec<KnownFailure>) -> IndexRecord {
        let corpus_abs = absolute(corpus);
        let corpus_relative = relative_path(&absolute(index_dir), &corpus_abs);
        IndexRecord {
            corpus: Some(corpus_abs),
            corpus_relative,
            failed,
        }
    }

    /// The record of the index in `index_dir`, read straight from its `meta.json` (without
    /// opening the index); `None` when there is no index or no record.
    pub fn read(index_dir: &Path) -> Option<IndexRecord> {
        #[derive(Deserialize)]
        struct Meta {
            payload: Option<String>,
        }
        let text = std::fs::read(index_dir.join("meta.json")).ok()?;
        let meta: Meta = serde_json::from_slice(&text).ok()?;
        serde_json::from_str(&meta.payload?).ok()
    }

    /// The recorded corpus folder: the relative path (from the index folder) when it
    /// resolves to a folder, else the absolute path (even when gone). The relative record
    /// wins so that a copied project folder (`cp -a proj proj-copy`, index and corpus side by
    /// side) is its own project: its `add` and `remove` write to the copy's corpus, never to
    /// the original's. The absolute record serves an index moved away from its corpus.
    pub fn recorded_corpus(&self, index_dir: &Path) -> Option<PathBuf> {
        let absolute = self.corpus.as_ref()?;
        if let Some(relative) = &self.corpus_relative {
            let beside = index_dir.join(relative);
            if beside.is_dir() {
                return Some(beside);
            }
        }
        Some(absolute.clone())
    }
}

/// The index belongs to another corpus than the one a writing command was given.
#[derive(Debug)]
pub struct OtherCorpus {
    pub index: PathBuf,
    pub recorded: PathBuf,
    pub given: PathBuf,
}

impl std::fmt::Display for OtherCorpus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: this index belongs to the corpus {}, not {}; nothing was changed (leave out \
             --corpus to use its own corpus, or re-point it with `baogao --index {} --corpus {} \
             index --repoint`)",
            self.index.display(),
            self.recorded.display(),
            self.given.display(),
            self.index.display(),
            self.given.display()
        )
    }
}

impl std::error::Error for OtherCorpus {}

/// Whether two paths name the same folder (compared as absolute, symlinks resolved, when
/// they exist).
pub fn same_folder(a: &Path, b: &Path) -> bool {
    absolute(a) == absolute(b)
}

/// `path` made absolute with symlinks resolved, or joined to the current folder when it
/// does not exist.
fn absolute(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| {
        std::env::current_dir()
            .map(|cwd| cwd.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    })
}

/// `to` relative to the folder `from` (both absolute): `../corpus`.
fn relative_path(from: &Path, to: &Path) -> Option<PathBuf> {
    if !from.is_absolute() || !to.is_absolute() {
        return None;
    }
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut relative = PathBuf::new();
    for _ in common..from.len() {
        relative.push("..");
    }
    for part in &to[common..] {
        relative.push(part);
    }
    Some(relative)
}

impl Store {
    /// The record of the last commit (empty for an index that has none).
    pub fn record(&self) -> IndexRecord {
        self.index
            .load_metas()
            .ok()
            .and_then(|m| m.payload)
            .and_then(|p| serde_json::from_str(&p).ok())
            .unwrap_or_default()
    }

    /// Commits the writer's changes together with `record`.
    pub fn commit(&self, writer: &mut IndexWriter, record: &IndexRecord) -> Result<()> {
        let payload = serde_json::to_string(record)?;
        let mut prepared = writer
            .prepare_commit()
            .map_err(|e| super::damage::named(&self.dir, e))?;
        prepared.set_payload(&payload);
        prepared
            .commit()
            .map_err(|e| super::damage::named(&self.dir, e))
            .context("commit failed, nothing was changed")?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_between_folders() {
        let rel = |a: &str, b: &str| relative_path(Path::new(a), Path::new(b)).unwrap();
        assert_eq!(rel("/w/p/index", "/w/p/corpus"), PathBuf::from("../corpus"));
        assert_eq!(rel("/w/index", "/w/index/c"), PathBuf::from("c"));
        assert_eq!(rel("/a/b", "/c"), PathBuf::from("../../c"));
        assert!(relative_path(Path::new("index"), Path::new("/c")).is_none());
    }

    #[test]
    fn the_record_follows_a_corpus_moved_with_its_index() {
        let dir = tempfile::TempDir::new().unwrap();
        let old = dir.path().join("old");
        std::fs::create_dir_all(old.join("corpus")).unwrap();
        std::fs::create_dir_all(old.join("index")).unwrap();
        let record = IndexRecord::for_corpus(&old.join("index"), &old.join("corpus"), vec![]);
        assert_eq!(record.corpus_relative, Some(PathBuf::from("../corpus")));
        let new = dir.path().join("new");
        std::fs::rename(&old, &new).unwrap();
        let found = record.recorded_corpus(&new.join("index")).unwrap();
        assert!(same_folder(&found, &new.join("corpus")), "{found:?}");
    }

    #[test]
    fn a_copied_project_uses_its_own_corpus() {
        let dir = tempfile::TempDir::new().unwrap();
        let original = dir.path().join("proj");
        std::fs::create_dir_all(original.join("corpus")).unwrap();
        std::fs::create_dir_all(original.join("index")).unwrap();
        let record =
            IndexRecord::for_corpus(&original.join("index"), &original.join("corpus"), vec![]);
        let copy = dir.path().join("proj-copy");
        std::fs::create_dir_all(copy.join("corpus")).unwrap();
        std::fs::create_dir_all(copy.join("index")).unwrap();
        let found = record.recorded_corpus(&copy.join("index")).unwrap();
        assert!(same_folder(&found, &copy.join("corpus")), "{found:?}");
        // An index moved away from its corpus still finds it by the absolute record.
        let alone = dir.path().join("elsewhere/index");
        std::fs::create_dir_all(&alone).unwrap();
        let found = record.recorded_corpus(&alone).unwrap();
        assert!(same_folder(&found, &original.join("corpus")), "{found:?}");
    }
}
