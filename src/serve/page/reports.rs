//! The report pages: the index's reports and known-bad files → `/reports` (with the upload
//! form when uploads are allowed) and `POST /upload` without the script; a report id →
//! `/r/{id}`, the whole report with contents and anchors, and `/r/{id}/file`, its original
//! file as a download. The search page's helpers (escaping, links, layout) come from
//! [`super`].

use std::fmt::Write as _;
use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, Request as HttpRequest, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};

use super::{
    Filters, date_html, escape, layout, passage_anchor, passage_block, refusal_page, report_link,
    search_form, url_encode,
};
use crate::corpus::REPORT_EXTENSIONS;
use crate::index::{IndexRecord, KnownFailure, ReportInfo};
use crate::report::parse::Kind;
use crate::report::passage::Passage;
use crate::serve::api::{self, DEFAULT_LIMIT};
use crate::serve::upload::{self, MAX_UPLOAD_FILES};
use crate::serve::{MAX_UPLOAD_BYTES, Refusal, Shared, blocking};

fn reports_html(reports: &[ReportInfo]) -> String {
    let mut out = format!(
        "<p class=\"total\">共 {} 份報告</p><table class=\"reports\"><thead><tr>\
         <th>報告</th><th>日期</th><th>機關</th><th>段落</th><th>表格列</th></tr></thead><tbody>",
        reports.len()
    );
    for r in reports {
        let _ = write!(
            out,
            "<tr><td><a href=\"{}\">{}</a><div class=\"meta\">{} · <a href=\"{}\">在此報告中搜尋</a></div></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&report_link(&r.id, None)),
            escape(&r.title),
            escape(&r.id),
            escape(
                &Filters::default()
                    .with("report", &r.id)
                    .link("", 0, DEFAULT_LIMIT)
            ),
            date_html(r.date.as_deref()),
            escape(r.organisation.as_deref().unwrap_or("—")),
            r.passages,
            r.table_rows
        );
    }
    out.push_str("</tbody></table>");
    out
}

/// The files of the corpus that could not be read (`reports --failed`), each with its
/// reason and what to do about it.
fn failures_html(failed: &[KnownFailure]) -> String {
    if failed.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "<h2 id=\"failed\">無法讀取的檔案（{} 個）</h2>\
         <p class=\"total\">這些檔案在 corpus 資料夾裡，但沒有編入索引。請依說明修正後，把新的檔案放回資料夾（或在此頁重新上傳）；伺服器會自動重新讀取。</p>\
         <table class=\"failures\"><thead><tr><th>檔案</th><th>原因</th><th>下一步</th></tr></thead><tbody>",
        failed.len()
    );
    for f in failed {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&f.file),
            escape(&f.cause),
            escape(next_step(&f.cause))
        );
    }
    out.push_str("</tbody></table>");
    out
}

/// What staff can do about a file that could not be read, from its cause.
fn next_step(cause: &str) -> &'static str {
    let lower = cause.to_lowercase();
    if lower.contains("掃描") || lower.contains("scan") || lower.contains("no text") {
        "這是掃描檔（沒有文字層）：請先以 OCR 轉出文字層，或改放 Word／文字檔。"
    } else if lower.contains("pdftotext") {
        "伺服器缺少 PDF 讀取程式：請管理者安裝 poppler-utils 與 poppler-data。"
    } else if lower.contains("未安裝") || lower.contains("antiword") {
        "伺服器缺少讀取此格式的程式：請管理者依原因安裝所需套件，或將檔案另存為 DOCX。"
    } else if lower.contains("不支援的格式") || lower.contains("unsupported") {
        "此格式無法讀取：請另存為 PDF、DOCX 或 ODT 後再放入。"
    } else if lower.contains("encrypt") || lower.contains("password") || lower.contains("加密") {
        "檔案有密碼保護：請存成沒有密碼的版本後再放入。"
    } else if lower.contains("encoding") || lower.contains("編碼") || lower.contains("utf") {
        "文字編碼無法辨識：請另存為 UTF-8 文字檔或 Word 檔。"
    } else if lower.contains("empty") || lower.contains("空") {
        "檔案是空的：請確認是完整的檔案後再放入。"
    } else {
        "檔案可能已損壞或格式不符：請用原程式開啟並另存（PDF、Word .docx、HTML 或文字檔）後再放入。"
    }
}

/// The upload form, shown when uploads are allowed: several files at once; the token, when
/// the server has one, goes into a field that the script sends as a header (it has no name,
/// so it is never part of the form's body).
fn upload_form(token_needed: bool) -> String {
    let accept: Vec<String> = REPORT_EXTENSIONS.iter().map(|e| format!(".{e}")).collect();
    let mut out = format!(
        "<h2 id=\"add\">新增報告</h2>\
         <form id=\"upload\" class=\"upload\" action=\"/upload\" method=\"post\" enctype=\"multipart/form-data\">\
         <label>報告檔（可一次選多個）<input type=\"file\" name=\"file\" multiple accept=\"{}\"></label>",
        escape(&accept.join(","))
    );
    if token_needed {
        out.push_str(
            "<label>權杖（管理者提供）<input type=\"password\" id=\"upload-token\" autocomplete=\"off\"></label>",
        );
    }
    let _ = write!(
        out,
        "<p class=\"meta\">接受 {}；一次最多 {MAX_UPLOAD_FILES} 個檔案，合計不超過 {} MiB。報告編號取自檔名（同名即取代舊版）。</p>\
         <button type=\"submit\">上傳</button></form><ul id=\"upload-results\" class=\"upload-results\" aria-live=\"polite\"></ul>",
        escape(&accept.join(" ")),
        MAX_UPLOAD_BYTES / (1024 * 1024)
    );
    out
}

/// `GET /reports`: every indexed report, the files that could not be read, and the upload
/// form when uploads are allowed.
pub async fn reports(State(shared): State<Arc<Shared>>) -> Response {
    let listed = blocking(&shared, |s| {
        let failed = IndexRecord::read(&s.index_dir)
            .map(|r| r.failed)
            .unwrap_or_default();
        Ok((s.store.reports(&s.searcher())?, failed))
    })
    .await;
    match listed {
        Ok((reports, failed)) => {
            let mut body = String::from("<h1>報告列表</h1>");
            if shared.options.allow_add {
                body.push_str(&upload_form(shared.options.token.is_some()));
            }
            if let Some(problem) = shared.watch_problem() {
                let _ = write!(
                    body,
                    "<p class=\"error\" role=\"alert\">{}</p>",
                    escape(&problem)
                );
            }
            body.push_str(&reports_html(&reports));
            body.push_str(&failures_html(&failed));
            Html(layout("報告列表 — 報告搜尋", &body)).into_response()
        }
        Err(refusal) => refusal_page(&refusal),
    }
}

/// `POST /upload`: the upload form sent without the script (no token possible then): the
/// same work as `POST /api/reports`, answered as a page.
pub async fn upload(State(shared): State<Arc<Shared>>, request: HttpRequest) -> Response {
    match api::add_form(&shared, request).await {
        Ok(results) => {
            let mut body = String::from("<h1>上傳結果</h1><ul class=\"upload-results\">");
            for r in &results {
                let class = if r.outcome == upload::Outcome::Refused {
                    "refused"
                } else {
                    "ok"
                };
                let _ = write!(
                    body,
                    "<li class=\"{class}\">{}：{}</li>",
                    escape(&r.name),
                    escape(&r.message)
                );
            }
            body.push_str("</ul><p><a href=\"/reports\">回到報告列表</a></p>");
            Html(layout("上傳結果 — 報告搜尋", &body)).into_response()
        }
        Err(refusal) => refusal_page(&refusal),
    }
}

/// `GET /r/{id}`: a whole report: its title, agency and date, its contents (the headings,
/// linked), every passage in order with its anchor, and the original file to download.
pub async fn report(
    State(shared): State<Arc<Shared>>,
    id: Result<Path<String>, PathRejection>,
    query: RawQuery,
) -> Response {
    let id = match id {
        Ok(Path(id)) => id,
        Err(e) => return refusal_page(&Refusal::BadRequest(e.body_text())),
    };
    if let Err(refusal) = api::parameters(query, &[]) {
        return refusal_page(&refusal);
    }
    let (info, passages) = match blocking(&shared, move |s| api::whole_report(s, &id)).await {
        Ok(found) => found,
        Err(refusal) => return refusal_page(&refusal),
    };
    let mut body = search_form("", &Filters::default());
    let _ = write!(
        body,
        "<h1>{}</h1><p class=\"meta\">{}{} · {} 段 · <a href=\"{}\" download>下載原始檔（{}）</a> · <a href=\"{}\">在此報告中搜尋</a></p>",
        escape(&info.title),
        info.organisation
            .as_deref()
            .map(|o| format!("{} · ", escape(o)))
            .unwrap_or_default(),
        date_html(info.date.as_deref()),
        info.passages,
        escape(&format!("/r/{}/file", url_encode(&info.id))),
        escape(&info.format),
        escape(
            &Filters::default()
                .with("report", &info.id)
                .link("", 0, DEFAULT_LIMIT)
        )
    );
    let headings: Vec<&Passage> = passages
        .iter()
        .filter(|p| p.kind == Kind::Heading)
        .collect();
    if !headings.is_empty() {
        body.push_str("<nav class=\"contents\" aria-label=\"目錄\"><h2>目錄</h2><ol>");
        for h in headings {
            let _ = write!(
                body,
                "<li><a href=\"#{}\">{}</a></li>",
                passage_anchor(h),
                escape(&h.text)
            );
        }
        body.push_str("</ol></nav>");
    }
    body.push_str("<section class=\"report-text\" aria-label=\"全文\"><h2>全文</h2>");
    for p in &passages {
        if p.kind == Kind::Heading {
            let level = (p.section.len() + 2).clamp(3, 6);
            let _ = write!(
                body,
                "<h{level} id=\"{}\">{} <a class=\"meta\" href=\"/p/{}\" aria-label=\"引用此標題\">#</a></h{level}>",
                passage_anchor(p),
                escape(&p.text),
                url_encode(&p.id)
            );
        } else {
            body.push_str(&passage_block(p, "context"));
        }
    }
    body.push_str("</section>");
    Html(layout(&format!("{} — 報告搜尋", info.title), &body)).into_response()
}

/// `GET /r/{id}/file`: the report's original file as the corpus holds it, as a download.
/// Only the file the index records for that report is served, and only when it lies inside
/// the corpus folder; the type follows the extension and the browser is told not to guess.
pub async fn download(
    State(shared): State<Arc<Shared>>,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    let id = match id {
        Ok(Path(id)) => id,
        Err(e) => return refusal_page(&Refusal::BadRequest(e.body_text())),
    };
    match blocking(&shared, move |s| api::original_file(s, &id)).await {
        Ok((name, bytes)) => {
            let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
            let media = match extension.as_deref() {
                Some("pdf") => "application/pdf",
                Some("docx") => {
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                }
                Some("html" | "htm") => "text/html",
                Some("xhtml") => "application/xhtml+xml",
                Some("odt") => "application/vnd.oasis.opendocument.text",
                Some("ods") => "application/vnd.oasis.opendocument.spreadsheet",
                Some("doc") => "application/msword",
                Some("txt" | "text") | None => "text/plain",
                Some(_) => "application/octet-stream",
            };
            // An ASCII stand-in for old clients, the real name in RFC 5987 form.
            let fallback: String = name
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            let disposition = format!(
                "attachment; filename=\"{fallback}\"; filename*=UTF-8''{}",
                url_encode(&name)
            );
            (
                [
                    (header::CONTENT_TYPE, media.to_string()),
                    (header::CONTENT_DISPOSITION, disposition),
                    (header::CACHE_CONTROL, "no-store".to_string()),
                ],
                bytes,
            )
                .into_response()
        }
        Err(refusal) => refusal_page(&refusal),
    }
}
