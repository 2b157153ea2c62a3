//! The reports of a corpus folder: report files found under `--corpus` → their ids.
//!
//! The corpus never reads outside itself: symbolic links inside it are not followed (a link
//! could lead out of the corpus, to `/etc`, or back up into it, a loop), and each folder is
//! entered once. Files are read, and written or removed by `add` and `remove`, only when
//! their real path lies inside the corpus folder's real path ([`inside_corpus`]).

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use ignore::gitignore::{Gitignore, GitignoreBuilder};

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

impl CorpusFile {
    /// The file's bytes, read only when its real path still lies inside the corpus (it may
    /// have been swapped for a link since the scan): see [`inside_corpus`].
    pub fn read(&self) -> Result<Vec<u8>> {
        let depth = Path::new(&self.relative).components().count();
        let corpus = self.path.ancestors().nth(depth).unwrap_or(Path::new("."));
        let real = inside_corpus(corpus, &self.path)?;
        crate::ingest::read_report_file(&real)
    }
}

pub(super) fn mtime_nanos(meta: &fs::Metadata) -> u64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64)
}

/// The name of the file in a corpus folder that lists, in gitignore syntax, the files and
/// folders `index` leaves out on purpose.
pub const IGNORE_FILE: &str = ".baogaoignore";

/// The report files of a corpus, how many its ignore file left out, and how many symbolic
/// links were not followed.
#[derive(Debug, Default)]
pub struct Scanned {
    pub files: Vec<CorpusFile>,
    pub ignored: usize,
    pub links: usize,
}

/// All report files under `corpus`, sorted by relative path, with unique ids (a later file
/// whose id is taken gets `-2`, `-3`, …; sorting makes that deterministic).
pub fn scan(corpus: &Path) -> Result<Vec<CorpusFile>> {
    Ok(scan_corpus(corpus)?.files)
}

/// [`scan`], leaving out what the corpus's [`IGNORE_FILE`] lists.
pub fn scan_corpus(corpus: &Path) -> Result<Scanned> {
    let ignore = ignore_rules(corpus)?;
    let mut walk = Walk {
        root: corpus,
        ignore: &ignore,
        found: Vec::new(),
        ignored: 0,
        links: 0,
        entered: HashSet::new(),
    };
    walk.folder(corpus)
        .with_context(|| format!("{}: cannot read corpus folder", corpus.display()))?;
    let Walk {
        mut found,
        ignored,
        links,
        ..
    } = walk;
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
    Ok(Scanned {
        files: found,
        ignored,
        links,
    })
}

/// The real path of `path` (symlinks resolved) when it lies inside the real path of the
/// folder `corpus`; an error naming `path` otherwise. Every corpus file is read through
/// this, so that a file swapped for a link after the scan is not followed out either.
pub fn inside_corpus(corpus: &Path, path: &Path) -> Result<PathBuf> {
    let root = corpus
        .canonicalize()
        .with_context(|| format!("{}: cannot read corpus folder", corpus.display()))?;
    let real = path
        .canonicalize()
        .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), crate::ingest::io_cause(&e)))?;
    if !real.starts_with(&root) {
        bail!(
            "{}: leads outside the corpus folder {} (a symbolic link?); not read",
            path.display(),
            corpus.display()
        );
    }
    Ok(real)
}

/// Where `name` in the corpus is written or removed: the corpus folder's real path joined
/// with `name` (a name the corpus holds, such as `id.txt`; a link of that name is replaced
/// or removed itself, its target left alone). An error when `name` would leave the folder.
pub fn corpus_entry(corpus: &Path, name: &str) -> Result<PathBuf> {
    let relative = Path::new(name);
    let plain = relative
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)));
    if !plain {
        bail!("{name}: not a file name inside the corpus folder");
    }
    let path = corpus.join(relative);
    let Some(parent) = path.parent() else {
        bail!("{name}: not a file name inside the corpus folder");
    };
    let folder = inside_corpus(corpus, parent)?;
    Ok(folder.join(relative.file_name().unwrap_or_default()))
}

/// The rules of the corpus's ignore file (none when there is no such file).
fn ignore_rules(corpus: &Path) -> Result<Gitignore> {
    let path = corpus.join(IGNORE_FILE);
    if !path.is_file() {
        return Ok(Gitignore::empty());
    }
    inside_corpus(corpus, &path)?;
    let mut builder = GitignoreBuilder::new(corpus);
    if let Some(e) = builder.add(&path) {
        bail!("{}: {}", path.display(), one_line(&e.to_string()));
    }
    builder
        .build()
        .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), one_line(&e.to_string())))
}

fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

/// One scan of a corpus folder.
struct Walk<'a> {
    root: &'a Path,
    ignore: &'a Gitignore,
    found: Vec<CorpusFile>,
    ignored: usize,
    links: usize,
    /// Folders entered, by (device, inode): a folder mounted twice (a bind mount of a parent)
    /// is read once, so no folder layout can make the scan loop.
    entered: HashSet<FolderId>,
}

#[cfg(unix)]
type FolderId = (u64, u64);
#[cfg(not(unix))]
type FolderId = PathBuf;

#[cfg(unix)]
fn folder_id(_path: &Path, meta: &fs::Metadata) -> FolderId {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn folder_id(path: &Path, _: &fs::Metadata) -> FolderId {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

impl Walk<'_> {
    fn folder(&mut self, dir: &Path) -> std::io::Result<()> {
        let meta = fs::metadata(dir)?;
        if !self.entered.insert(folder_id(dir, &meta)) {
            return Ok(());
        }
        for entry in fs::read_dir(dir)? {
            let entry = entry?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            // Hidden files, temporary files of an interrupted `add`, and notes about the folder.
            if name.starts_with('.') || name.ends_with(".baogao-tmp") {
                continue;
            }
            // The corpus's synonym groups, read at query time: not a report.
            if dir == self.root && name == crate::analysis::synonyms::FILE_NAME {
                continue;
            }
            let path = entry.path();
            // The entry itself, not what a link points to.
            let meta = match fs::symlink_metadata(&path) {
                Ok(m) => m,
                Err(_) => continue,
            };
            if meta.file_type().is_symlink() {
                self.links += 1;
                continue;
            }
            if self.ignore.matched(&path, meta.is_dir()).is_ignore() {
                if meta.is_dir() || is_report_file(&path) {
                    self.ignored += 1;
                }
                continue;
            }
            if meta.is_dir() {
                self.folder(&path)?;
            } else if meta.is_file() && (is_report_file(&path) || looks_like_report(&path)) {
                let relative = path.strip_prefix(self.root).unwrap_or(&path).to_path_buf();
                self.found.push(CorpusFile {
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
}

/// File extensions `index` treats as reports; other files in the corpus (manifests, notes)
/// are left alone. Files without an extension are tried as text.
pub const REPORT_EXTENSIONS: &[&str] = &[
    "txt", "text", "pdf", "docx", "html", "htm", "xhtml", "odt", "ods", "doc",
];

/// Whether a file `index` cannot read still looks like a report (a slide deck, a
/// spreadsheet, an archive, by extension or first bytes): it is listed as failed, with the
/// reason, rather than passed over.
fn looks_like_report(path: &Path) -> bool {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if crate::ingest::formats::UNSUPPORTED_EXTENSIONS.contains(&ext.as_str()) {
        return true;
    }
    let mut head = [0u8; 8];
    fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok_and(|()| crate::ingest::formats::container_kind(&head).is_some())
}

pub fn is_report_file(path: &Path) -> bool {
    path.extension().is_none_or(|e| {
        let e = e.to_string_lossy().to_ascii_lowercase();
        REPORT_EXTENSIONS.contains(&e.as_str())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
