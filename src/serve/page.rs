//! The search page: URL parameters → server-rendered HTML in Traditional Chinese, no external
//! file (the machine may be offline); its style sheet (`/style.css`) and its small script
//! (`/page.js`: copy buttons, uploads with the token) are served by the server, so that the
//! Content-Security-Policy needs nothing inline. Each page has one `<h1>` and a skip link.
//!
//! `/` is the query box and, given `q`, the hits (a link named by the section path, the
//! report, kind, ISO and ROC date, page, match level, highlighted snippet; a table row as a
//! row under its caption and headers), facet values as links that narrow the search, a chip
//! per filter in force that removes it, and paging. `/p/{id}` shows a passage in its context
//! with its id and its `get --cite` line to copy; `/r/{id}` a whole report with contents and
//! anchors, `/r/{id}/file` its original file as a download; `/reports` lists the reports,
//! the files that could not be read and, with uploads allowed, the upload form (`/upload`
//! without the script; these report pages are in `reports.rs`, the style sheet in
//! `page.css`). Every text from a request or the index goes through [`escape`]; every value
//! put into a link through [`url_encode`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::Uri;
use axum::response::{Html, IntoResponse, Response};

use crate::report::citation::citation;
use crate::report::parse::Kind;
use crate::report::passage::Passage;
use crate::search::snippet::{MARK_CLOSE, MARK_OPEN};
use crate::search::{Hit, Level, Outcome};
use crate::serve::api::{self, DEFAULT_LIMIT, Parameters, REPEATABLE, passage_around, run_search};
use crate::serve::{Refusal, Shared, blocking};

mod reports;
pub use reports::{download, report, reports, upload};

/// Values shown per facet (the most frequent first).
const FACET_VALUES: usize = 12;
/// Passages shown on each side of a passage in its view, unless `context` says otherwise.
const PAGE_CONTEXT: u64 = 2;
const MAX_PAGE_CONTEXT: u64 = 20;

/// The page's script: copy buttons, and uploads sent with the token in a header.
const SCRIPT: &str = include_str!("page.js");

/// The page's style sheet.
const STYLE: &str = include_str!("page.css");

/// Text → HTML text or attribute value.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Text → one URL path segment or query value (everything but unreserved ASCII encoded).
pub fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A snippet with `<mark>` around matches → HTML: everything escaped, the marks kept.
fn snippet_html(snippet: &str) -> String {
    let mut out = String::new();
    for (i, open) in snippet.split(MARK_OPEN).enumerate() {
        if i == 0 {
            out.push_str(&escape(open));
            continue;
        }
        match open.split_once(MARK_CLOSE) {
            Some((marked, rest)) => {
                let _ = write!(out, "<mark>{}</mark>{}", escape(marked), escape(rest));
            }
            None => out.push_str(&escape(open)),
        }
    }
    out
}

/// `chars[from..to]` escaped, with the parts inside `highlights` (char ranges of the whole
/// text) marked.
fn marked_range(chars: &[char], from: usize, to: usize, highlights: &[[usize; 2]]) -> String {
    let mut out = String::new();
    let mut i = from;
    while i < to {
        let inside = highlights.iter().any(|h| h[0] <= i && i < h[1]);
        let mut j = i;
        while j < to && highlights.iter().any(|h| h[0] <= j && j < h[1]) == inside {
            j += 1;
        }
        let piece: String = chars[i..j].iter().collect();
        if inside {
            let _ = write!(out, "<mark>{}</mark>", escape(&piece));
        } else {
            out.push_str(&escape(&piece));
        }
        i = j;
    }
    out
}

/// `2017-12-25` → `民國106年12月25日` (none before 1912).
pub fn roc_date(iso: &str) -> Option<String> {
    let mut parts = iso.splitn(3, '-');
    let year: u32 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    (year > 1911).then(|| format!("民國{}年{month}月{day}日", year - 1911))
}

fn date_html(date: Option<&str>) -> String {
    match date {
        None => "日期不詳".to_string(),
        Some(d) => match roc_date(d) {
            Some(roc) => format!("<time datetime=\"{0}\">{0}</time>（{1}）", escape(d), roc),
            None => format!("<time>{}</time>", escape(d)),
        },
    }
}

/// A kind as a URL filter or a facet count names it → its name for readers (the parser's
/// own table), or the name as given. Passages carry a [`Kind`] and use [`Kind::label`].
fn kind_label(kind: &str) -> &str {
    match Kind::from_typed(kind) {
        Some(known) => known.label(),
        None => kind,
    }
}

/// Where a passage sits, as a link's name: its section path, else its kind in its report.
fn place_name(p: &Passage) -> String {
    let mut name = p.section.join(" › ");
    if let Some(table) = &p.table {
        if !name.is_empty() {
            name.push_str(" › ");
        }
        name.push_str(table);
    }
    if name.is_empty() {
        name = format!("{}：{}", p.title, p.kind.label());
    }
    name
}

/// ` · 頁 N` when the passage's page is known, ` （OCR）` after it when the page was read by
/// OCR (its text may hold misread characters, as `search` marks it).
fn page_html(page: Option<u32>, ocr: bool) -> String {
    let mark = if ocr { " （OCR）" } else { "" };
    page.map(|n| format!(" · 頁 {n}{mark}")).unwrap_or_default()
}

/// The report page, at the passage's anchor when one is given.
fn report_link(report: &str, at: Option<&Passage>) -> String {
    match at {
        Some(p) => format!("/r/{}#{}", url_encode(report), passage_anchor(p)),
        None => format!("/r/{}", url_encode(report)),
    }
}

/// A passage's anchor on its report page: its position (ids hold `#`, awkward in a fragment).
fn passage_anchor(p: &Passage) -> String {
    format!("s{}", p.seq)
}

fn level_label(level: Level) -> &'static str {
    match level {
        Level::All => "完全符合",
        Level::Some => "符合部分詞",
        Level::Partial => "部分符合",
    }
}

/// A whole page: `body` must hold the page's one `<h1>`. The skip link leads past the
/// header to it; the script (copy buttons, uploads with the token) is a file of ours, as the
/// Content-Security-Policy wants.
fn layout(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-Hant\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{}</title><link rel=\"stylesheet\" href=\"/style.css\">\
         <script src=\"/page.js\" defer></script></head><body>\
         <a class=\"skip\" href=\"#main\">跳到主要內容</a>\
         <header><nav aria-label=\"網站\"><a class=\"brand\" href=\"/\">報告搜尋</a><a href=\"/reports\">報告列表</a></nav></header>\
         <main id=\"main\" tabindex=\"-1\">{body}</main></body></html>\n",
        escape(title)
    )
}

/// `GET /page.js`: the page's script.
pub async fn script() -> Response {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/javascript; charset=utf-8",
        )],
        SCRIPT,
    )
        .into_response()
}

/// `GET /style.css`: the page's style.
pub async fn style() -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "text/css; charset=utf-8")],
        STYLE,
    )
        .into_response()
}

/// A refusal as a page, under an empty query box.
pub fn refusal_page(refusal: &Refusal) -> Response {
    error_page_for("", &Filters::default(), refusal)
}

/// The refusal under the query box, which keeps what was typed.
fn error_page_for(q: &str, filters: &Filters, refusal: &Refusal) -> Response {
    let body = format!(
        "{}<h1>無法處理 {}</h1><p class=\"error\" role=\"alert\">{}</p>",
        search_form(q, filters),
        refusal.status().as_u16(),
        escape(&refusal.message())
    );
    (refusal.status(), Html(layout("錯誤 — 報告搜尋", &body))).into_response()
}

/// The filters in force, as the URL gave them: (name, value) pairs, several values for the
/// filters a URL may repeat (kind, report, org: any of them).
#[derive(Default, Clone)]
struct Filters(BTreeSet<(&'static str, String)>);

/// The filters a search page keeps from link to link, with their names for readers.
const FILTERS: &[(&str, &str)] = &[
    ("kind", "種類"),
    ("report", "報告"),
    ("org", "機關"),
    ("year", "年份"),
    ("from", "起"),
    ("to", "迄"),
    ("section", "章節"),
];

impl Filters {
    fn from(parameters: &Parameters) -> Filters {
        let mut pairs = BTreeSet::new();
        for (name, _) in FILTERS {
            for value in parameters.all(name) {
                pairs.insert((*name, value));
            }
        }
        Filters(pairs)
    }

    fn has(&self, name: &'static str, value: &str) -> bool {
        self.0.contains(&(name, value.to_string()))
    }

    /// `/?q=…&filters…&offset=…`.
    fn link(&self, q: &str, offset: usize, limit: usize) -> String {
        let mut url = format!("/?q={}", url_encode(q));
        for (name, value) in &self.0 {
            let _ = write!(url, "&{name}={}", url_encode(value));
        }
        if limit != DEFAULT_LIMIT {
            let _ = write!(url, "&limit={limit}");
        }
        if offset > 0 {
            let _ = write!(url, "&offset={offset}");
        }
        url
    }

    /// One more value: added to a repeatable filter, replacing the value of another.
    fn with(&self, name: &'static str, value: &str) -> Filters {
        let mut f = self.clone();
        if !REPEATABLE.contains(&name) {
            f.0.retain(|(n, _)| *n != name);
        }
        f.0.insert((name, value.to_string()));
        f
    }

    fn without(&self, name: &'static str, value: &str) -> Filters {
        let mut f = self.clone();
        f.0.remove(&(name, value.to_string()));
        f
    }
}

fn search_form(q: &str, filters: &Filters) -> String {
    let mut out = String::from("<form class=\"q\" action=\"/\" method=\"get\" role=\"search\">");
    let _ = write!(
        out,
        "<input type=\"search\" name=\"q\" value=\"{}\" placeholder=\"輸入關鍵詞，例如：雙城論壇 交流\" aria-label=\"查詢\" autofocus>",
        escape(q)
    );
    for (name, value) in &filters.0 {
        let _ = write!(
            out,
            "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
            escape(value)
        );
    }
    out.push_str("<button type=\"submit\">搜尋</button></form>");
    out
}

fn chips(q: &str, filters: &Filters, limit: usize) -> String {
    if filters.0.is_empty() {
        return String::new();
    }
    let mut out = String::from("<div class=\"chips\">");
    for (name, label) in FILTERS {
        for (_, value) in filters.0.iter().filter(|(n, _)| n == name) {
            let shown = if *name == "kind" {
                kind_label(value)
            } else {
                value.as_str()
            };
            let _ = write!(
                out,
                "<a class=\"chip\" href=\"{}\" title=\"取消此條件\">{label}：{} ✕</a>",
                escape(&filters.without(name, value).link(q, 0, limit)),
                escape(shown)
            );
        }
    }
    out.push_str("</div>");
    out
}

fn hit_html(hit: &Hit) -> String {
    let p = &hit.passage;
    // The link is named by where the passage sits, so that a list of links read aloud is
    // not ten times the same report title; the title follows, linked to the report.
    let mut out = format!(
        "<li class=\"hit\" data-id=\"{}\"><div class=\"place\"><a href=\"/p/{}\">{}</a></div>",
        escape(&p.id),
        url_encode(&p.id),
        escape(&place_name(p))
    );
    let _ = write!(
        out,
        "<div class=\"meta\"><a href=\"{}\">{}</a> · {} · {}{} · {}</div>",
        escape(&report_link(&p.report, Some(p))),
        escape(&p.title),
        p.kind.label(),
        date_html(p.date.as_deref()),
        page_html(p.page, p.ocr),
        level_label(hit.level)
    );
    if p.kind == Kind::TableRow && !p.cells.is_empty() {
        out.push_str(&row_table(p, &hit.highlights));
    } else {
        let _ = write!(
            out,
            "<p class=\"snippet\">{}</p>",
            snippet_html(&hit.snippet)
        );
    }
    if !hit.missing.is_empty() {
        let _ = write!(
            out,
            "<div class=\"missing\">缺少：{}</div>",
            escape(&hit.missing.join("、"))
        );
    }
    out.push_str("</li>");
    out
}

/// A table row under its caption and headers, the matched parts of its cells marked.
fn row_table(p: &Passage, highlights: &[[usize; 2]]) -> String {
    let mut out = String::from("<table class=\"row\">");
    if let Some(t) = &p.table {
        let _ = write!(out, "<caption>{}</caption>", escape(t));
    }
    if p.headers.iter().any(|h| !h.is_empty()) {
        out.push_str("<thead><tr>");
        for h in &p.headers {
            let _ = write!(out, "<th>{}</th>", escape(h));
        }
        out.push_str("</tr></thead>");
    }
    out.push_str("<tbody><tr>");
    // The text is the cells joined by TAB, so each cell's place in it is known.
    let chars: Vec<char> = p.text.chars().collect();
    let mut start = 0;
    for cell in &p.cells {
        let len = cell.chars().count();
        let end = (start + len).min(chars.len());
        let from = start.min(end);
        let _ = write!(
            out,
            "<td>{}</td>",
            marked_range(&chars, from, end, highlights)
        );
        start = end + 1;
    }
    out.push_str("</tr></tbody></table>");
    if let Some(n) = &p.table_note {
        let _ = write!(out, "<div class=\"meta\">{}</div>", escape(n));
    }
    out
}

fn facets_html(q: &str, filters: &Filters, outcome: &Outcome, limit: usize) -> String {
    let Some(facets) = &outcome.facets else {
        return String::new();
    };
    let mut out = String::from("<aside id=\"facets\" aria-label=\"篩選\">");
    let groups: [(&str, Option<&'static str>, &BTreeMap<String, u64>); 5] = [
        ("種類", Some("kind"), &facets.kind),
        ("報告", Some("report"), &facets.report),
        ("年份", Some("year"), &facets.year),
        ("章節", Some("section"), &facets.section),
        ("機關", Some("org"), &facets.organisation),
    ];
    for (label, name, counts) in groups {
        if counts.is_empty() {
            continue;
        }
        let mut items: Vec<(&String, &u64)> = counts.iter().collect();
        items.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let _ = write!(out, "<h2>{label}</h2><ul class=\"facet\">");
        for (value, count) in items.into_iter().take(FACET_VALUES) {
            let shown = if name == Some("kind") {
                kind_label(value)
            } else {
                value.as_str()
            };
            match name {
                Some(name) if !filters.has(name, value) => {
                    let _ = write!(
                        out,
                        "<li><a href=\"{}\" data-facet=\"{name}\">{}</a><span class=\"count\">{count}</span></li>",
                        escape(&filters.with(name, value).link(q, 0, limit)),
                        escape(shown)
                    );
                }
                _ => {
                    let _ = write!(
                        out,
                        "<li><span>{}</span><span class=\"count\">{count}</span></li>",
                        escape(shown)
                    );
                }
            }
        }
        out.push_str("</ul>");
    }
    out.push_str("</aside>");
    out
}

fn results_html(
    q: &str,
    filters: &Filters,
    outcome: &Outcome,
    offset: usize,
    limit: usize,
) -> String {
    let mut out = String::from("<div class=\"layout\"><section aria-label=\"結果\">");
    out.push_str(&chips(q, filters, limit));
    if let Some(suggestion) = &outcome.suggestion {
        // The same filters, the query spelled as the passages spell it.
        let _ = write!(
            out,
            "<p class=\"suggestion\">你是不是要找：<a href=\"{}\">{}</a></p>",
            escape(&filters.link(suggestion, 0, limit)),
            escape(suggestion)
        );
    }
    if outcome.hits.is_empty() {
        let _ = write!(
            out,
            "<p class=\"total\">找不到符合「{}」的段落。</p>",
            escape(q)
        );
    } else {
        let _ = write!(
            out,
            "<p class=\"total\">共 {} 筆符合，顯示第 {}–{} 筆 <a class=\"to-facets\" href=\"#facets\">篩選 ↓</a></p><ol class=\"hits\" start=\"{}\">",
            outcome.total,
            offset + 1,
            offset + outcome.hits.len(),
            offset + 1
        );
        for (i, hit) in outcome.hits.iter().enumerate() {
            let first_partial = hit.level == Level::Partial
                && (i == 0 || outcome.hits[i - 1].level != Level::Partial);
            if first_partial {
                // As in the CLI: nobody should take parts of words for answers.
                let notice = if offset + i == 0 {
                    "沒有完全符合的結果；以下為部分符合："
                } else {
                    "以下為部分符合："
                };
                let _ = write!(out, "<li class=\"notice\">{notice}</li>");
            }
            out.push_str(&hit_html(hit));
        }
        out.push_str("</ol>");
    }
    out.push_str("<nav class=\"pages\" aria-label=\"分頁\">");
    if offset > 0 {
        let _ = write!(
            out,
            "<a rel=\"prev\" href=\"{}\">‹ 上一頁</a>",
            escape(&filters.link(q, offset.saturating_sub(limit), limit))
        );
    }
    if offset + outcome.hits.len() < outcome.total {
        let _ = write!(
            out,
            "<a rel=\"next\" href=\"{}\">下一頁 ›</a>",
            escape(&filters.link(q, offset + limit, limit))
        );
    }
    out.push_str("</nav></section>");
    out.push_str(&facets_html(q, filters, outcome, limit));
    out.push_str("</div>");
    out
}

/// `GET /`: the query box, and the hits when `q` is given.
pub async fn search(State(shared): State<Arc<Shared>>, query: RawQuery) -> Response {
    let parameters = match api::search_parameters(query) {
        Ok(p) => p,
        Err(refusal) => return refusal_page(&refusal),
    };
    let q = parameters.text("q").unwrap_or("").to_string();
    let filters = Filters::from(&parameters);
    if q.trim().is_empty() {
        let body = format!(
            "<h1>報告搜尋</h1>{}{}<p class=\"total\">在所有報告的段落與表格列中搜尋；正體、簡體皆可。</p>",
            search_form("", &filters),
            chips("", &filters, DEFAULT_LIMIT)
        );
        return Html(layout("報告搜尋", &body)).into_response();
    }
    let request = match parameters.search_request(true) {
        Ok(r) => r,
        Err(refusal) => return error_page_for(&q, &filters, &refusal),
    };
    let (offset, limit) = (request.offset, request.limit);
    let outcome = match blocking(&shared, move |s| run_search(s, &request)).await {
        Ok(o) => o,
        Err(refusal) => return error_page_for(&q, &filters, &refusal),
    };
    let body = format!(
        "{}<h1 class=\"results\">「{}」的搜尋結果</h1>{}",
        search_form(&q, &filters),
        escape(&q),
        results_html(&q, &filters, &outcome, offset, limit)
    );
    Html(layout(&format!("{q} — 報告搜尋"), &body)).into_response()
}

fn passage_block(p: &Passage, class: &str) -> String {
    let mut out = format!(
        "<div class=\"passage {class}\" id=\"{}\"><div class=\"meta\"><a href=\"/p/{}\">{}</a> · {}{}",
        passage_anchor(p),
        url_encode(&p.id),
        escape(&p.id),
        p.kind.label(),
        page_html(p.page, p.ocr)
    );
    if !p.section.is_empty() {
        let _ = write!(out, " · {}", escape(&p.section.join(" › ")));
    }
    out.push_str("</div>");
    if p.kind == Kind::TableRow && !p.cells.is_empty() {
        out.push_str(&row_table(p, &[]));
    } else {
        let _ = write!(out, "<p class=\"snippet\">{}</p>", escape(&p.text));
    }
    out.push_str("</div>");
    out
}

/// `GET /p/{id}`: a passage in its context, its id and its citation.
pub async fn passage(
    State(shared): State<Arc<Shared>>,
    id: Result<Path<String>, PathRejection>,
    query: RawQuery,
) -> Response {
    let id = match id {
        Ok(Path(id)) => id,
        Err(e) => return refusal_page(&Refusal::BadRequest(e.body_text())),
    };
    let context = match api::parameters(query, &["context"])
        .and_then(|p| p.number("context", PAGE_CONTEXT))
    {
        Ok(c) => c.min(MAX_PAGE_CONTEXT),
        Err(refusal) => return refusal_page(&refusal),
    };
    let found = blocking(&shared, move |s| {
        let (p, before, after) = passage_around(s, &id, context)?;
        let organisation = s
            .store
            .report(&s.searcher(), &p.report)?
            .and_then(|info| info.organisation);
        Ok((p, before, after, organisation))
    })
    .await;
    let (p, before, after, organisation) = match found {
        Ok(found) => found,
        Err(refusal) => return refusal_page(&refusal),
    };
    let mut body = search_form("", &Filters::default());
    let _ = write!(
        body,
        "<h1>{}</h1><p class=\"meta\">{}{} · {} · <a href=\"{}\">閱讀全文</a> · <a href=\"{}\">在此報告中搜尋</a></p>",
        escape(&p.title),
        organisation
            .as_deref()
            .map(|o| format!("{} · ", escape(o)))
            .unwrap_or_default(),
        date_html(p.date.as_deref()),
        page_html(p.page, p.ocr).trim_start_matches(" · "),
        escape(&report_link(&p.report, Some(&p))),
        escape(
            &Filters::default()
                .with("report", &p.report)
                .link("", 0, DEFAULT_LIMIT)
        )
    );
    for b in &before {
        body.push_str(&passage_block(b, "context"));
    }
    body.push_str(&passage_block(&p, "focus"));
    let _ = write!(
        body,
        "<label class=\"copy\">段落編號<input readonly value=\"{}\"></label>\
         <label class=\"copy\" for=\"cite\">引用</label>\
         <textarea id=\"cite\" class=\"citation\" readonly rows=\"3\">{}</textarea>\
         <button type=\"button\" class=\"copy-button\" data-copy=\"cite\">複製引用</button>\
         <span class=\"copied\" role=\"status\"></span>",
        escape(&p.id),
        escape(&citation(&p, organisation.as_deref()))
    );
    for a in &after {
        body.push_str(&passage_block(a, "context"));
    }
    Html(layout(&format!("{} — 報告搜尋", p.id), &body)).into_response()
}

/// Any other path: 404, as JSON under `/api/`, as a page elsewhere.
pub async fn not_found(uri: Uri) -> Response {
    let refusal = Refusal::NotFound(format!("找不到此頁 {}: no such page", uri.path()));
    if uri.path().starts_with("/api/") {
        return refusal.into_response();
    }
    refusal_page(&refusal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_read_by_ocr_are_marked() {
        assert_eq!(page_html(Some(2), false), " · 頁 2");
        assert_eq!(page_html(Some(2), true), " · 頁 2 （OCR）");
        assert_eq!(page_html(None, true), "");
    }

    #[test]
    fn text_is_escaped_and_marks_kept() {
        assert_eq!(
            escape("<script>alert('x')</script>&\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"
        );
        let snippet = format!("a<b {MARK_OPEN}<i>{MARK_CLOSE} c");
        assert_eq!(snippet_html(&snippet), "a&lt;b <mark>&lt;i&gt;</mark> c");
    }

    #[test]
    fn values_in_links_are_encoded() {
        assert_eq!(url_encode("r#p1 &x=<"), "r%23p1%20%26x%3D%3C");
        assert_eq!(url_encode("雙"), "%E9%9B%99");
        let filters = Filters::default().with("kind", "table_row");
        assert_eq!(
            filters.link("a b", 20, 10),
            "/?q=a%20b&kind=table_row&offset=20"
        );
    }

    #[test]
    fn roc_dates() {
        assert_eq!(roc_date("2017-12-25").as_deref(), Some("民國106年12月25日"));
        assert_eq!(roc_date("1911-01-01"), None);
        assert_eq!(roc_date("x"), None);
    }

    #[test]
    fn cells_are_marked_where_the_text_matched() {
        let chars: Vec<char> = "美洲\t美國\t波士頓市".chars().collect();
        // 美國 is chars 3..5 of the text, 波士頓 6..9.
        let highlights = [[3, 5], [6, 9]];
        assert_eq!(marked_range(&chars, 0, 2, &highlights), "美洲");
        assert_eq!(marked_range(&chars, 3, 5, &highlights), "<mark>美國</mark>");
        assert_eq!(
            marked_range(&chars, 6, 10, &highlights),
            "<mark>波士頓</mark>市"
        );
    }
}
