//! The reports of a corpus folder: report files found under `--corpus` → their ids.

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

pub(super) fn mtime_nanos(meta: &fs::Metadata) -> u64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64)
}

/// The name of the file in a corpus folder that lists, in gitignore syntax, the files and
/// folders `index` leaves out on purpose.
pub const IGNORE_FILE: &str = ".baogaoignore";

/// The report files of a corpus, and how many its ignore file left out.
#[derive(Debug, Default)]
pub struct Scanned {
    pub files: Vec<CorpusFile>,
    pub ignored: usize,
}

/// All report files under `corpus`, sorted by relative path, with unique ids (a later file
/// whose id is taken gets `-2`, `-3`, …; sorting makes that deterministic).
pub fn scan(corpus: &Path) -> Result<Vec<CorpusFile>> {
    Ok(scan_corpus(corpus)?.files)
}

/// [`scan`], leaving out what the corpus's [`IGNORE_FILE`] lists.
pub fn scan_corpus(corpus: &Path) -> Result<Scanned> {
    let ignore = ignore_rules(corpus)?;
    let mut found = Vec::new();
    let mut ignored = 0;
    walk(corpus, corpus, &ignore, &mut found, &mut ignored)
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
    Ok(Scanned {
        files: found,
        ignored,
    })
}

/// The rules of the corpus's ignore file (none when there is no such file).
fn ignore_rules(corpus: &Path) -> Result<Gitignore> {
    let path = corpus.join(IGNORE_FILE);
    if !path.is_file() {
        return Ok(Gitignore::empty());
    }
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

fn walk(
    root: &Path,
    dir: &Path,
    ignore: &Gitignore,
    out: &mut Vec<CorpusFile>,
    ignored: &mut usize,
) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // Hidden files, temporary files of an interrupted `add`, and notes about the folder.
        if name.starts_with('.') || name.ends_with(".baogao-tmp") {
            continue;
        }
        // The corpus's synonym groups, read at query time: not a report.
        if dir == root && name == crate::analysis::synonyms::FILE_NAME {
            continue;
        }
        let path = entry.path();
        let meta = match fs::metadata(&path) {
            Ok(m) => m,
            Err(_) => continue,
        };
        if ignore.matched(&path, meta.is_dir()).is_ignore() {
            if meta.is_dir() || is_report_file(&path) {
                *ignored += 1;
            }
            continue;
        }
        if meta.is_dir() {
            walk(root, &path, ignore, out, ignored)?;
        } else if meta.is_file() && (is_report_file(&path) || looks_like_report(&path)) {
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
