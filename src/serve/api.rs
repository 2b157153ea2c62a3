//! The JSON API: URL parameters → the same validated requests as the CLI → JSON bodies built
//! from the same serializable types as `--json` (a hit here is a line of `search --json`).
//!
//! - `GET /api/search?q=&limit=&offset=&kind=&report=&year=&section=&facets=1` →
//!   `{"hits":[…],"facets":{…},"total":N,"warnings":[…]}` (`facets` only when asked for,
//!   `warnings` only when the query limits left words out);
//! - `GET /api/passages/{id}?context=N&cite=1` → `{"passage":{…},"citation":"…","before":[…],
//!   "after":[…]}` (`citation`, the line of `get --cite`, only with `cite=1`);
//! - `GET /api/reports` → `{"reports":[…]}`; `GET /api/reports/{id}` → `{"report":{…},
//!   "passages":[…]}`; `GET /api/locate?q=&limit=` → `{"sources":[…]}`;
//! - `POST /api/reports` with a `multipart/form-data` body of files → one result per file
//!   ([`super::upload`]); with a bare body and `?id=ID&name=FILE.EXT` → the `add --json`
//!   summary (only with `--allow-add`; with a token, `Authorization: Bearer TOKEN`; from a
//!   script without a token, `Content-Type: application/octet-stream`; see [`super::guard`]).
//!
//! A bad parameter (or one that is not UTF-8) is 400, an unknown id or path 404, each with
//! `{"error":"…"}`; so are the guard's refusals and 405, 413.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, Multipart, Path, RawQuery, Request as HttpRequest, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Value, json};

use crate::corpus::{self, AddRequest, REPORT_EXTENSIONS, is_safe_id};
use crate::index::ReportInfo;
use crate::report::citation::citation;
use crate::report::passage::Passage;
use crate::search::locate::{Located, locate as locate_quote};
use crate::search::request::ValidRequest;
use crate::search::{Facets, Hit, Outcome, Request, Searching};
use crate::serve::upload::{self, FileResult};
use crate::serve::{ADD_TIME, Refusal, Shared, blocking, blocking_within};

/// Parameters of a search, shared by the page and the API.
const SEARCH_PARAMETERS: &[&str] = &[
    "q", "limit", "offset", "kind", "report", "org", "year", "from", "to", "section", "facets",
];
/// Hits per page when `limit` is not given (as in the CLI).
pub const DEFAULT_LIMIT: usize = 10;
/// Context passages `GET /api/passages/{id}` returns at most on each side.
const MAX_CONTEXT: u64 = 50;
/// Sources `locate` returns by default and at most.
const DEFAULT_SOURCES: usize = 5;
const MAX_SOURCES: usize = 100;

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        (self.status(), Json(json!({"error": self.message()}))).into_response()
    }
}

/// Filters a URL may repeat, as the CLI's `--kind`, `--report` and `--org`: any of them.
pub const REPEATABLE: &[&str] = &["kind", "report", "org"];

/// URL parameters, each one known and named at most once, but for the [`REPEATABLE`] ones.
pub struct Parameters(HashMap<String, Vec<String>>);

impl Parameters {
    /// Checks `pairs` against the names `known`.
    pub fn new(pairs: Vec<(String, String)>, known: &[&str]) -> Result<Parameters, Refusal> {
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        for (name, value) in pairs {
            if !known.contains(&name.as_str()) {
                return Err(Refusal::BadRequest(format!(
                    "unknown parameter '{name}' (known: {})",
                    known.join(", ")
                )));
            }
            let values = map.entry(name.clone()).or_default();
            if !values.is_empty() && !REPEATABLE.contains(&name.as_str()) {
                return Err(Refusal::BadRequest(format!(
                    "parameter '{name}' given twice"
                )));
            }
            values.push(value);
        }
        Ok(Parameters(map))
    }

    /// The value of `name`; the first of a repeated one.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .and_then(|values| values.first())
            .map(String::as_str)
    }

    /// Every non-empty value of `name`, in the order given (a form's blank field is none).
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .get(name)
            .into_iter()
            .flatten()
            .filter(|v| !v.is_empty())
            .cloned()
            .collect()
    }

    /// A whole number, `default` when absent.
    pub fn number<T: std::str::FromStr>(&self, name: &str, default: T) -> Result<T, Refusal> {
        match self.text(name) {
            None => Ok(default),
            Some(v) => v
                .trim()
                .parse()
                .map_err(|_| Refusal::BadRequest(format!("{name}={v}: not a whole number"))),
        }
    }

    /// `1`/`true` or `0`/`false`; absent is false.
    pub fn flag(&self, name: &str) -> Result<bool, Refusal> {
        match self.text(name) {
            None | Some("0") | Some("false") => Ok(false),
            Some("1") | Some("true") | Some("") => Ok(true),
            Some(v) => Err(Refusal::BadRequest(format!("{name}={v}: use 1 or 0"))),
        }
    }

    /// The search these parameters ask for, checked by the CLI's own validator. Filters given
    /// empty in a URL (a form's blank field) are absent.
    pub fn search_request(&self, facets: bool) -> Result<ValidRequest, Refusal> {
        let filter = |name: &str| {
            self.text(name)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        Request {
            query: self.text("q").unwrap_or("").to_string(),
            limit: self.number("limit", DEFAULT_LIMIT)?,
            offset: self.number("offset", 0)?,
            kinds: Vec::new(),
            typed_kinds: self.all("kind"),
            reports: self.all("report"),
            organisations: self.all("org"),
            year: filter("year"),
            from: filter("from"),
            to: filter("to"),
            section: filter("section"),
            facets: facets || self.flag("facets")?,
        }
        .validated()
        .map_err(|e| Refusal::BadRequest(e.for_readers()))
    }
}

pub fn search_parameters(query: RawQuery) -> Result<Parameters, Refusal> {
    parameters(query, SEARCH_PARAMETERS)
}

pub fn parameters(RawQuery(query): RawQuery, known: &[&str]) -> Result<Parameters, Refusal> {
    Parameters::new(decoded_pairs(query.as_deref().unwrap_or(""))?, known)
}

/// `a=1&b=x+y` → its name/value pairs, percent-decoded; bytes that are not UTF-8 are refused
/// (as the CLI refuses such arguments) rather than replaced.
fn decoded_pairs(query: &str) -> Result<Vec<(String, String)>, Refusal> {
    let decode = |raw: &str, name: &str| {
        let spaced = raw.replace('+', " ");
        percent_encoding::percent_decode_str(&spaced)
            .decode_utf8()
            .map(|text| text.into_owned())
            .map_err(|_| {
                Refusal::BadRequest(format!("參數不是 UTF-8 parameter '{name}': not UTF-8 text"))
            })
    };
    let mut pairs = Vec::new();
    for piece in query.split('&').filter(|p| !p.is_empty()) {
        let (raw_name, raw_value) = piece.split_once('=').unwrap_or((piece, ""));
        let name = decode(raw_name, &String::from_utf8_lossy(raw_name.as_bytes()))?;
        let value = decode(raw_value, &name)?;
        pairs.push((name, value));
    }
    Ok(pairs)
}

/// Runs a validated search; an unknown report filter is 404 as in the CLI (exit 1).
pub fn run_search(shared: &Shared, request: &ValidRequest) -> Result<Outcome, Refusal> {
    let searcher = shared.searcher();
    for report in &request.reports {
        if shared.store.report(&searcher, report)?.is_none() {
            return Err(Refusal::NotFound(format!(
                "report {report}: no such report"
            )));
        }
    }
    let searching = Searching::new(&shared.store, &searcher);
    if request.organisations.is_empty() {
        return Ok(searching.run(request)?);
    }
    let known = shared.store.organisations(&searcher)?;
    let request = request
        .clone()
        .with_organisations(&known, searching.synonyms)
        .map_err(|e| Refusal::BadRequest(e.for_readers()))?;
    Ok(searching.run(&request)?)
}

/// The passage with this id and up to `context` passages on each side, in document order.
pub fn passage_around(
    shared: &Shared,
    id: &str,
    context: u64,
) -> Result<(Passage, Vec<Passage>, Vec<Passage>), Refusal> {
    let searcher = shared.searcher();
    let Some(passage) = shared.store.get(&searcher, id)? else {
        return Err(Refusal::NotFound(format!("{id}: no such passage")));
    };
    let around = shared.store.around(&searcher, &passage, context)?;
    let (before, rest): (Vec<Passage>, Vec<Passage>) =
        around.into_iter().partition(|p| p.seq < passage.seq);
    let after = rest.into_iter().filter(|p| p.seq > passage.seq).collect();
    Ok((passage, before, after))
}

pub async fn search(
    State(shared): State<Arc<Shared>>,
    query: RawQuery,
) -> Result<Json<SearchBody>, Refusal> {
    let request = search_parameters(query)?.search_request(false)?;
    let warnings = request.warnings();
    let outcome = blocking(&shared, move |s| run_search(s, &request)).await?;
    Ok(Json(SearchBody {
        hits: outcome.hits,
        facets: outcome.facets,
        total: outcome.total,
        warnings,
        suggestion: outcome.suggestion,
    }))
}

/// The answer of `GET /api/search`: the hits serialized as `search --json` prints them
/// (fields in the same order), then the facet counts and the total of the facet line.
#[derive(Serialize)]
pub struct SearchBody {
    pub hits: Vec<Hit>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facets: Option<Facets>,
    pub total: usize,
    /// What the query limits left out of the query (absent when nothing was).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// The query respelled where no passage holds a word (absent otherwise): see
    /// `search::suggest`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

/// The answer of `GET /api/passages/{id}`: the passage and its context, in document order.
#[derive(Serialize)]
pub struct PassageBody {
    pub passage: Passage,
    /// With `cite=1`: the line of `get --cite`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citation: Option<String>,
    pub before: Vec<Passage>,
    pub after: Vec<Passage>,
}

/// The answer of `GET /api/reports`: the objects of `reports --json`.
#[derive(Serialize)]
pub struct ReportsBody {
    pub reports: Vec<ReportInfo>,
}

/// The answer of `GET /api/locate`: the objects of `locate --json`, best first; when there
/// are none, the closest candidate below the threshold, if any.
#[derive(Serialize)]
pub struct SourcesBody {
    pub sources: Vec<Located>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closest: Option<Located>,
}

pub async fn passage(
    State(shared): State<Arc<Shared>>,
    id: Result<Path<String>, PathRejection>,
    query: RawQuery,
) -> Result<Json<PassageBody>, Refusal> {
    let Path(id) = id.map_err(|e| Refusal::BadRequest(e.body_text()))?;
    let parameters = parameters(query, &["context", "cite"])?;
    let context = parameters.number("context", 0u64)?;
    let cite = parameters.flag("cite")?;
    if context > MAX_CONTEXT {
        return Err(Refusal::BadRequest(format!(
            "context={context}: at most {MAX_CONTEXT}"
        )));
    }
    let (passage, before, after, citation) = blocking(&shared, move |s| {
        let (passage, before, after) = passage_around(s, &id, context)?;
        let citation = if cite {
            let organisation = s
                .store
                .report(&s.searcher(), &passage.report)?
                .and_then(|info| info.organisation);
            Some(citation(&passage, organisation.as_deref()))
        } else {
            None
        };
        Ok((passage, before, after, citation))
    })
    .await?;
    Ok(Json(PassageBody {
        passage,
        citation,
        before,
        after,
    }))
}

pub async fn reports(
    State(shared): State<Arc<Shared>>,
    query: RawQuery,
) -> Result<Json<ReportsBody>, Refusal> {
    parameters(query, &[])?;
    let reports = blocking(&shared, |s| Ok(s.store.reports(&s.searcher())?)).await?;
    Ok(Json(ReportsBody { reports }))
}

pub async fn locate(
    State(shared): State<Arc<Shared>>,
    query: RawQuery,
) -> Result<Json<SourcesBody>, Refusal> {
    let parameters = parameters(query, &["q", "limit"])?;
    let quote = parameters.text("q").unwrap_or("").to_string();
    if quote.trim().is_empty() {
        return Err(Refusal::BadRequest("q: empty quotation".into()));
    }
    let limit = parameters.number("limit", DEFAULT_SOURCES)?;
    if !(1..=MAX_SOURCES).contains(&limit) {
        return Err(Refusal::BadRequest(format!(
            "limit={limit}: 1 to {MAX_SOURCES}"
        )));
    }
    let lookup = blocking(&shared, move |s| {
        Ok(locate_quote(&s.store, &s.searcher(), &quote, limit)?)
    })
    .await?;
    Ok(Json(SourcesBody {
        sources: lookup.sources,
        closest: lookup.closest,
    }))
}

/// A report and its passages in order; 404 when the index has no such report.
pub fn whole_report(shared: &Shared, id: &str) -> Result<(ReportInfo, Vec<Passage>), Refusal> {
    let searcher = shared.searcher();
    let Some(info) = shared.store.report(&searcher, id)? else {
        return Err(Refusal::NotFound(format!(
            "查無此報告 {id}: no such report"
        )));
    };
    let passages = shared.store.report_passages(&searcher, id)?;
    Ok((info, passages))
}

/// The original file of a report: its name and bytes. Only the file the index records for
/// the report is read, and only when it resolves inside the corpus folder (a link or a
/// doctored record pointing elsewhere is refused).
pub fn original_file(shared: &Shared, id: &str) -> Result<(String, Vec<u8>), Refusal> {
    let Some(info) = shared.store.report(&shared.searcher(), id)? else {
        return Err(Refusal::NotFound(format!(
            "查無此報告 {id}: no such report"
        )));
    };
    let missing = || {
        Refusal::NotFound(format!(
            "找不到原始檔 {}: the original file is gone",
            info.file
        ))
    };
    let corpus = shared.corpus_dir.canonicalize().map_err(|_| missing())?;
    let path = corpus
        .join(&info.file)
        .canonicalize()
        .map_err(|_| missing())?;
    if !path.starts_with(&corpus) || !path.is_file() {
        return Err(missing());
    }
    let bytes = crate::ingest::read_report_file(&path).map_err(|_| missing())?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| format!("{id}.txt"));
    Ok((name, bytes))
}

/// The answer of `GET /api/reports/{id}`: the report as `reports --json` lists it, and its
/// passages in order (as `get ID --json` prints them).
#[derive(Serialize)]
pub struct ReportBody {
    pub report: ReportInfo,
    pub passages: Vec<Passage>,
}

pub async fn report(
    State(shared): State<Arc<Shared>>,
    id: Result<Path<String>, PathRejection>,
    query: RawQuery,
) -> Result<Json<ReportBody>, Refusal> {
    let Path(id) = id.map_err(|e| Refusal::BadRequest(e.body_text()))?;
    parameters(query, &[])?;
    let (report, passages) = blocking(&shared, move |s| whole_report(s, &id)).await?;
    Ok(Json(ReportBody { report, passages }))
}

/// The media type of a request's body, lower case, without parameters.
fn media_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// `POST /api/reports`: a form of files (`multipart/form-data`) → one result per file; a
/// bare body with `?id=&name=` → the `add --json` summary. A URL-encoded form is refused
/// (415): it cannot carry a file.
pub async fn add(
    State(shared): State<Arc<Shared>>,
    query: RawQuery,
    request: HttpRequest,
) -> Response {
    // The guard has checked the host, the token, the origin and the size, and holds an
    // upload slot while the body is read and added.
    let media = media_type(request.headers());
    if media == "multipart/form-data" {
        if let Err(refusal) = parameters(query, &[]) {
            return refusal.into_response();
        }
        return match add_form(&shared, request).await {
            Ok(results) => uploaded_answer(results),
            Err(refusal) => refusal.into_response(),
        };
    }
    if media == "application/x-www-form-urlencoded" {
        return Refusal::Other(StatusCode::UNSUPPORTED_MEDIA_TYPE).into_response();
    }
    let body = match Bytes::from_request(request, &()).await {
        Ok(body) => body,
        Err(rejection) => return rejection.into_response(),
    };
    match add_body(&shared, query, body).await {
        Ok(json) => json.into_response(),
        Err(refusal) => refusal.into_response(),
    }
}

/// The files of a form, added (see [`upload`]).
pub async fn add_form(
    shared: &Arc<Shared>,
    request: HttpRequest,
) -> Result<Vec<FileResult>, Refusal> {
    let form = Multipart::from_request(request, &()).await.map_err(|e| {
        Refusal::BadRequest(format!(
            "表單無法讀取 malformed form upload: {}",
            e.body_text()
        ))
    })?;
    let files = upload::read_files(form).await?;
    blocking_within(shared, ADD_TIME, move |s| upload::add_files(s, files)).await
}

/// `{"files":[…]}`: 200 when a file was added, replaced or already there; else 415 when every
/// file was of a type that is not a report, 400 otherwise, with the first refusal as `error`.
fn uploaded_answer(files: Vec<FileResult>) -> Response {
    let refused: Vec<&FileResult> = files
        .iter()
        .filter(|f| f.outcome == upload::Outcome::Refused)
        .collect();
    if refused.len() < files.len() {
        return Json(json!({ "files": files })).into_response();
    }
    let status = if refused.iter().all(|f| f.message.contains("不是報告檔")) {
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    } else {
        StatusCode::BAD_REQUEST
    };
    let error = refused
        .first()
        .map(|f| format!("{}: {}", f.name, f.message));
    (status, Json(json!({ "error": error, "files": files }))).into_response()
}

async fn add_body(
    shared: &Arc<Shared>,
    query: RawQuery,
    body: Bytes,
) -> Result<Json<Value>, Refusal> {
    let parameters = parameters(query, &["id", "name"])?;
    let id = parameters.text("id").unwrap_or("").to_string();
    if !is_safe_id(&id) {
        return Err(Refusal::BadRequest(format!(
            "id={id}: unsafe or empty report id (use letters, digits, CJK, '-', '_', '.')"
        )));
    }
    // The name only says the format, through its extension; a name without one is text.
    let extension = match parameters.text("name").and_then(|n| n.rsplit_once('.')) {
        None => "txt".to_string(),
        Some((_, e)) => {
            let e = e.to_ascii_lowercase();
            if !REPORT_EXTENSIONS.contains(&e.as_str()) {
                return Err(Refusal::BadRequest(format!(
                    "name: unsupported extension '.{e}' (use {})",
                    REPORT_EXTENSIONS.join(", ")
                )));
            }
            e
        }
    };
    if body.is_empty() {
        return Err(Refusal::BadRequest("empty upload".into()));
    }
    let summary = blocking_within(shared, ADD_TIME, move |s| {
        let folder = super::upload::upload_folder()?;
        let file: PathBuf = folder.join(format!("upload.{extension}"));
        let result = std::fs::write(&file, &body)
            .map_err(|e| Refusal::Internal(format!("cannot store the upload: {e}")))
            .and_then(|()| {
                let request = AddRequest {
                    path: file.clone(),
                    id: Some(id),
                };
                Ok(corpus::add(
                    &s.index_dir,
                    &s.corpus_dir,
                    &[request],
                    None,
                    &corpus::Quiet,
                )?)
            });
        let _ = std::fs::remove_dir_all(&folder);
        let summary = result?;
        s.reload();
        Ok(summary)
    })
    .await?;
    if let Some(failure) = summary.failed.first() {
        // The file named in the failure is the server's temporary copy: give the cause only.
        return Err(Refusal::BadRequest(failure.cause.clone()));
    }
    Ok(Json(summary.to_json()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parameters(pairs: &[(&str, &str)]) -> Result<Parameters, Refusal> {
        let pairs = pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        Parameters::new(pairs, SEARCH_PARAMETERS)
    }

    fn refusal(r: Result<impl Sized, Refusal>) -> String {
        match r {
            Err(Refusal::BadRequest(m)) => m,
            Err(other) => panic!("not a 400: {other:?}"),
            Ok(_) => panic!("accepted"),
        }
    }

    #[test]
    fn query_bytes_that_are_not_utf8_are_refused() {
        assert_eq!(
            decoded_pairs("q=%E4%BA%A4+x&limit=2&facets").unwrap(),
            [("q", "交 x"), ("limit", "2"), ("facets", "")]
                .map(|(n, v)| (n.to_string(), v.to_string()))
        );
        assert!(refusal(decoded_pairs("limit=2&q=%FF%FE")).contains("parameter 'q'"));
        assert!(refusal(decoded_pairs("%FF=1")).contains("not UTF-8"));
    }

    #[test]
    fn unknown_and_repeated_parameters_are_refused() {
        assert!(refusal(parameters(&[("q", "a"), ("lmit", "2")])).contains("'lmit'"));
        assert!(refusal(parameters(&[("q", "a"), ("q", "b")])).contains("twice"));
        // Filters repeat as on the command line: any of the values.
        let p = parameters(&[("q", "a"), ("kind", "段落"), ("kind", "table_row")]).unwrap();
        assert_eq!(
            p.search_request(false).unwrap().kinds,
            [
                crate::report::parse::Kind::Paragraph,
                crate::report::parse::Kind::TableRow
            ]
        );
    }

    #[test]
    fn words_past_the_query_limit_are_a_warning_of_the_answer() {
        let many: Vec<String> = (0..34).map(|i| format!("詞{i}")).collect();
        let p = parameters(&[("q", &many.join(" "))]).unwrap();
        let request = p.search_request(false).unwrap();
        let body = SearchBody {
            hits: Vec::new(),
            facets: None,
            total: 0,
            warnings: request.warnings(),
            suggestion: None,
        };
        let json = serde_json::to_value(&body).unwrap();
        let warning = json["warnings"][0].as_str().unwrap();
        assert!(
            warning.starts_with("查詢字詞過多：第33個起未搜尋"),
            "{warning}"
        );
        assert!(warning.contains("詞33"), "{warning}");
        let p = parameters(&[("q", "交流")]).unwrap();
        let quiet = SearchBody {
            warnings: p.search_request(false).unwrap().warnings(),
            ..body
        };
        assert!(
            serde_json::to_value(&quiet)
                .unwrap()
                .get("warnings")
                .is_none()
        );
    }

    #[test]
    fn values_become_the_cli_request() {
        let p =
            parameters(&[("q", "交流"), ("limit", "3"), ("kind", ""), ("year", "106")]).unwrap();
        let request = p.search_request(false).unwrap();
        assert_eq!((request.limit, request.offset), (3, 0));
        assert!(request.kinds.is_empty(), "a blank form field is no filter");
        assert_eq!(
            request.year.as_deref(),
            Some("2017"),
            "the CLI's validator ran"
        );
        assert!(!request.facets);
        let p = parameters(&[("q", "交流"), ("facets", "1")]).unwrap();
        assert!(p.search_request(false).unwrap().facets);
        let p = parameters(&[("q", "交流"), ("limit", "2x")]).unwrap();
        assert!(refusal(p.search_request(false)).contains("limit=2x"));
        let p = parameters(&[("q", "交流"), ("facets", "yes")]).unwrap();
        assert!(refusal(p.search_request(false)).contains("facets=yes"));
        let p = parameters(&[("q", " ")]).unwrap();
        assert!(refusal(p.search_request(false)).starts_with("查詢詞: 空白 empty query"));
        let p = parameters(&[("q", "交流"), ("year", "abc")]).unwrap();
        assert_eq!(
            refusal(p.search_request(false)),
            "年份 abc: 不是年份 not a year: 請寫 2017，或民國年 106、民國106 (an ROC year)"
        );
    }
}
