//! Uploads of several files at once: a `multipart/form-data` body (the page's form, or a
//! program's `files=…`) → each file part added as `baogao add FILE` adds it (the report id from
//! the file name, the bytes kept as they came) → one result per file, in Chinese first.
//!
//! The parts are read by axum's `Multipart` (multer) within the body limit of the route; a
//! part that is not a file, more than [`MAX_UPLOAD_FILES`] files, or a body that is not a
//! well-formed form is refused whole (400) before anything is stored. A file whose bytes are
//! those of a report already indexed under another id is not added again: its result names
//! that report. The token is never read from the body: the guard has checked it, from the
//! `Authorization` header, before the body was read (the page's script sends it there).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::Multipart;
use serde::Serialize;

use crate::corpus::{self, AddRequest, REPORT_EXTENSIONS, id_for_relative_path, is_report_file};
use crate::serve::{Refusal, Shared};

/// Files one upload may carry (each counted against the body limit, [`super::MAX_UPLOAD_BYTES`]).
pub const MAX_UPLOAD_FILES: usize = 20;

/// Uploads go to a folder of their own under the system's temporary folder, named by the
/// server (process id and a counter), never by the request.
static UPLOADS: AtomicU64 = AtomicU64::new(0);

/// A file of an upload as it came: its name (the last part of what the browser sent) and bytes.
pub struct UploadedFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What became of one uploaded file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Added,
    Replaced,
    /// The same bytes as the report named in `same_as` (this id, or another one): nothing stored.
    SameContent,
    Refused,
}

/// One line of an upload's answer.
#[derive(Debug, Clone, Serialize)]
pub struct FileResult {
    /// The file name as sent.
    pub name: String,
    pub outcome: Outcome,
    /// The report id the file has (or would have had).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// For [`Outcome::SameContent`]: the report holding these bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub same_as: Option<String>,
    /// What happened, Chinese first.
    pub message: String,
}

impl FileResult {
    fn refused(name: &str, id: Option<String>, why: &str) -> FileResult {
        FileResult {
            name: name.to_string(),
            outcome: Outcome::Refused,
            id,
            same_as: None,
            message: format!("拒收 refused: {why}"),
        }
    }
}

/// Reads the file parts of a form. Empty parts without a name (a form sent with no file
/// chosen) are skipped; any other part that is not a file is refused.
pub async fn read_files(mut form: Multipart) -> Result<Vec<UploadedFile>, Refusal> {
    let mut files = Vec::new();
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return Err(multipart_refusal(e)),
        };
        let field_name = field.name().unwrap_or("").to_string();
        let Some(sent_name) = field.file_name().map(str::to_string) else {
            return Err(Refusal::BadRequest(format!(
                "表單欄位「{field_name}」不是檔案 form field '{field_name}' is not a file: \
                 只收檔案 only files are accepted"
            )));
        };
        let bytes = field.bytes().await.map_err(multipart_refusal)?;
        if sent_name.is_empty() && bytes.is_empty() {
            continue;
        }
        if files.len() == MAX_UPLOAD_FILES {
            return Err(Refusal::BadRequest(format!(
                "檔案太多 too many files: 一次最多 {MAX_UPLOAD_FILES} 個 at most {MAX_UPLOAD_FILES} per upload"
            )));
        }
        files.push(UploadedFile {
            name: base_name(&sent_name),
            bytes: bytes.to_vec(),
        });
    }
    if files.is_empty() {
        return Err(Refusal::BadRequest(
            "沒有檔案 no file: 請選擇要新增的報告檔 choose the report files to add".into(),
        ));
    }
    Ok(files)
}

fn multipart_refusal(e: axum::extract::multipart::MultipartError) -> Refusal {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        return Refusal::TooLarge;
    }
    Refusal::BadRequest(format!(
        "表單無法讀取 malformed form upload: {}",
        e.body_text()
    ))
}

/// The last part of a name a browser or program sent (some send a whole Windows path).
fn base_name(sent: &str) -> String {
    sent.rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .to_string()
}

/// A new, empty folder for one upload's files; the caller removes it. One counter for every
/// kind of upload, so that two uploads at once never share a folder.
pub fn upload_folder() -> Result<std::path::PathBuf, Refusal> {
    let folder = std::env::temp_dir().join(format!(
        "baogao-upload-{}-{}",
        std::process::id(),
        UPLOADS.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&folder)
        .map_err(|e| Refusal::Internal(format!("cannot store the upload: {e}")))?;
    Ok(folder)
}

/// Adds the files (one `add` run for all of them, so one commit) and says what became of each.
pub fn add_files(shared: &Shared, files: Vec<UploadedFile>) -> Result<Vec<FileResult>, Refusal> {
    let folder = upload_folder()?;
    let result = add_in(shared, &folder, files);
    let _ = std::fs::remove_dir_all(&folder);
    result
}

fn add_in(
    shared: &Shared,
    folder: &Path,
    files: Vec<UploadedFile>,
) -> Result<Vec<FileResult>, Refusal> {
    let searcher = shared.searcher();
    // Reports by content, to tell a file that is already here under another name.
    let by_hash: HashMap<String, String> = shared
        .store
        .reports(&searcher)?
        .into_iter()
        .map(|r| (r.hash, r.id))
        .collect();
    let mut results: Vec<FileResult> = Vec::new();
    // (index in results, the path given to add)
    let mut to_add: Vec<(usize, PathBuf)> = Vec::new();
    let mut ids_seen: HashMap<String, String> = HashMap::new();
    for file in files {
        let name = file.name;
        let id = id_for_relative_path(Path::new(&name));
        let refuse = |why: &str| FileResult::refused(&name, Some(id.clone()), why);
        if name.is_empty() || name.starts_with('.') {
            results.push(FileResult::refused(
                &name,
                None,
                "檔名不可用 unusable file name: 請給檔案一個名稱 give the file a name",
            ));
            continue;
        }
        if !is_report_file(Path::new(&name)) {
            results.push(refuse(&format!(
                "不是報告檔 not a report file: 只收 accepted: {} 檔，或沒有副檔名的純文字檔 or plain text without extension",
                REPORT_EXTENSIONS
                    .iter()
                    .map(|e| format!(".{e}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            )));
            continue;
        }
        if file.bytes.is_empty() {
            results.push(refuse("空檔案 empty file"));
            continue;
        }
        if let Some(other) = ids_seen.insert(id.clone(), name.clone()) {
            results.push(refuse(&format!(
                "與同批的 {other} 得到相同的報告編號 {id} the same report id as {other} in this upload: 請改檔名 rename one"
            )));
            continue;
        }
        let hash = blake3::hash(&file.bytes).to_hex().to_string();
        if let Some(holder) = by_hash.get(&hash) {
            let message = if *holder == id {
                format!(
                    "與報告 {holder} 內容相同，未變更 same content as report {holder}: unchanged"
                )
            } else {
                format!(
                    "與報告 {holder} 內容相同，未新增 same content as report {holder}: not added again"
                )
            };
            results.push(FileResult {
                name: name.clone(),
                outcome: Outcome::SameContent,
                id: Some(id),
                same_as: Some(holder.clone()),
                message,
            });
            continue;
        }
        let sub = folder.join(to_add.len().to_string());
        let path = sub.join(&name);
        std::fs::create_dir_all(&sub)
            .and_then(|()| std::fs::write(&path, &file.bytes))
            .map_err(|e| Refusal::Internal(format!("cannot store the upload: {e}")))?;
        results.push(FileResult {
            name,
            outcome: Outcome::Refused,
            id: Some(id),
            same_as: None,
            message: String::new(),
        });
        to_add.push((results.len() - 1, path));
    }
    if to_add.is_empty() {
        return Ok(results);
    }
    let requests: Vec<AddRequest> = to_add
        .iter()
        .map(|(_, path)| AddRequest {
            path: path.clone(),
            id: None,
        })
        .collect();
    let summary = corpus::add(
        &shared.index_dir,
        &shared.corpus_dir,
        &requests,
        None,
        &corpus::Quiet,
    )?;
    shared.reload();
    for (at, path) in &to_add {
        let result = &mut results[*at];
        let id = result.id.clone().unwrap_or_default();
        let shown = path.display().to_string();
        if let Some(failure) = summary.failed.iter().find(|f| f.file == shown) {
            // The cause names the server's temporary copy only through `file`: give the cause.
            *result = FileResult::refused(&result.name, Some(id), &failure.cause);
        } else if summary.added.contains(&id) {
            result.outcome = Outcome::Added;
            result.message = format!("已新增報告 {id} added");
        } else if summary.replaced.contains(&id) {
            result.outcome = Outcome::Replaced;
            result.message = format!("已取代報告 {id} replaced");
        } else {
            result.outcome = Outcome::SameContent;
            result.same_as = Some(id.clone());
            result.message =
                format!("與報告 {id} 內容相同，未變更 same content as report {id}: unchanged");
        }
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_last_part_of_a_sent_name_is_kept() {
        assert_eq!(base_name("C:\\Users\\x\\報告.pdf"), "報告.pdf");
        assert_eq!(base_name("../../etc/passwd"), "passwd");
        assert_eq!(base_name(" a\u{0}b.txt "), "ab.txt");
        assert_eq!(base_name("dir/"), "");
    }
}
