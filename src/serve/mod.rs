//! The web server: an index and its corpus → an HTTP service (`baogao serve`) with a search
//! page for people ([`page`]) and a JSON API for programs ([`api`]).
//!
//! Everything a request asks is answered by the same library calls as the CLI (the request
//! validator of [`crate::search::request`], [`Searching`], [`locate`], [`corpus::add`]) and
//! serialized by the same types, so the API returns the hits of `baogao search --json` in the
//! same order. The tokio runtime is created here only, when `serve` starts, so that the other
//! commands start no faster or slower than before.
//!
//! Safe by default: read-only unless `allow_add`; a token guards uploads when one is set
//! (and must be set to allow uploads on a non-loopback address); each request's search work
//! is bounded in time and in how many run at once; ids from a URL are only ever looked up in
//! the index, and an upload is written under a name the server makes. [`guard`] checks each
//! request's headers (host, origin, token, size) before its body is read; the accept loop of
//! [`serve`] bounds how many connections are open and how long one may stay silent; [`watch`]
//! indexes what is copied into the corpus folder while the server runs.
//!
//! [`Searching`]: crate::search::Searching
//! [`locate`]: crate::search::locate::locate

pub mod api;
pub mod guard;
pub mod page;
pub mod upload;
pub mod watch;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::routing::get;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tantivy::{IndexReader, ReloadPolicy, Searcher, Warmer};
use tokio::sync::Semaphore;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::RequestBodyTimeoutLayer;

use crate::index::Store;
use crate::search::report_runs::RunsWarmer;

/// Longest a request may spend searching before it is answered 503.
const REQUEST_TIME: Duration = Duration::from_secs(10);
/// Largest upload accepted by `POST /api/reports`.
pub const MAX_UPLOAD_BYTES: usize = 64 * 1024 * 1024;
/// Longest an upload may take to be checked and indexed (it waits for another writer first,
/// up to a minute) before it is answered 503.
pub const ADD_TIME: Duration = Duration::from_secs(120);
/// How long a request waits for a free search slot before the server says it is busy.
const QUEUE_TIME: Duration = Duration::from_secs(5);
/// Longest a client may take to send a request's headers, and longest a kept-alive
/// connection may stay silent between requests: a slow or idle client is then disconnected.
pub const HEADER_READ_TIME: Duration = Duration::from_secs(10);
/// Longest an upload's body may pause between two pieces before the upload is dropped.
pub const BODY_PAUSE_TIME: Duration = Duration::from_secs(30);
/// Connections open at once; one more is closed as soon as it is accepted.
pub const MAX_CONNECTIONS: usize = 512;
/// File descriptors kept free for the index, the corpus and uploads when the process may open
/// few files: the connection cap is lowered so that connections never take the last ones.
const RESERVED_FILES: usize = 64;
/// Uploads read and added at once (each may hold [`MAX_UPLOAD_BYTES`] in memory).
pub const UPLOADS_AT_ONCE: usize = 2;
/// How long an upload waits for one of the [`UPLOADS_AT_ONCE`] slots before it is answered 503.
pub const UPLOAD_QUEUE_TIME: Duration = Duration::from_secs(10);
/// The page's own style sheet and script are its only resources; nothing may frame it.
pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// How the server is started.
#[derive(Debug, Clone)]
pub struct Options {
    pub host: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// Enables `POST /api/reports`.
    pub allow_add: bool,
    /// When set, uploads need `Authorization: Bearer TOKEN`.
    pub token: Option<String>,
    /// Host names (besides the address listened on) that requests may name in `Host`, e.g.
    /// the name of a reverse proxy or of the machine on the office network.
    pub allow_hosts: Vec<String>,
    /// Follow the corpus folder: files copied into it or removed are indexed within seconds.
    pub watch: bool,
}

impl Options {
    /// Refuses settings that would expose writing to the network without a token.
    pub fn validated(self) -> Result<Options> {
        if self.token.as_deref().is_some_and(|t| t.trim().is_empty()) {
            bail!("--token: empty value");
        }
        if let Some(bad) = self.allow_hosts.iter().find(|h| !guard::is_host_name(h)) {
            bail!("--allow-host {bad}: not a host name (e.g. reports.office.example)");
        }
        if self.allow_add && !self.host.is_loopback() && self.token.is_none() {
            bail!(
                "--allow-add on {} (not a loopback address) needs --token or BAOGAO_TOKEN",
                self.host
            );
        }
        Ok(self)
    }
}

/// What every request handler shares.
pub struct Shared {
    pub store: Store,
    /// Follows the index's commits: a report added by another process shows within a second.
    reader: IndexReader,
    /// Builds each new searcher's report runs (the reader holds it weakly).
    _runs: Arc<dyn Warmer>,
    pub index_dir: PathBuf,
    pub corpus_dir: PathBuf,
    pub options: Options,
    /// The address listened on (with the port chosen when 0 was asked for).
    pub address: SocketAddr,
    /// Upload slots: taken before an upload's body is read, so that parallel uploads cannot
    /// hold more than [`UPLOADS_AT_ONCE`] bodies in memory.
    pub uploads: Arc<Semaphore>,
    /// Search slots: a burst of requests queues here instead of starting a thread each. A
    /// slot is held until the work ends, even when its request has already been answered 503.
    slots: Arc<Semaphore>,
    /// What went wrong when the corpus watcher last updated the index (shown on `/reports`).
    watch_problem: std::sync::Mutex<Option<String>>,
}

impl Shared {
    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// Why the corpus watcher could not update the index the last time it tried, if it could not.
    pub fn watch_problem(&self) -> Option<String> {
        self.watch_problem.lock().map_or(None, |p| p.clone())
    }

    pub fn set_watch_problem(&self, problem: Option<String>) {
        if let Ok(mut slot) = self.watch_problem.lock() {
            *slot = problem;
        }
    }

    /// Makes a commit of this process visible at once (others show within the reload delay).
    pub fn reload(&self) {
        // A failed reload keeps the previous searcher, which still answers.
        let _ = self.reader.reload();
    }
}

/// Why a request could not be answered; [`api`] and [`page`] render it.
#[derive(Debug)]
pub enum Refusal {
    /// 400: a parameter is missing, unknown or invalid.
    BadRequest(String),
    /// 401: a token is required and was not given correctly.
    Unauthorized,
    /// 403: the server is read-only.
    ReadOnly,
    /// 403: a write that a page of another site may have sent (why, in words).
    CrossSite(String),
    /// 404: no such passage or report.
    NotFound(String),
    /// 405: the path exists, not with this method.
    MethodNotAllowed,
    /// 413: the body is larger than [`MAX_UPLOAD_BYTES`].
    TooLarge,
    /// 421: the `Host` header names neither this server nor an allowed host (the name given).
    WrongHost(String),
    /// 503: too busy or too slow.
    Busy,
    /// 500: the index could not be read.
    Internal(String),
    /// Any other error status, answered with its standard reason.
    Other(StatusCode),
}

impl Refusal {
    pub fn status(&self) -> StatusCode {
        match self {
            Refusal::BadRequest(_) => StatusCode::BAD_REQUEST,
            Refusal::Unauthorized => StatusCode::UNAUTHORIZED,
            Refusal::ReadOnly | Refusal::CrossSite(_) => StatusCode::FORBIDDEN,
            Refusal::NotFound(_) => StatusCode::NOT_FOUND,
            Refusal::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Refusal::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Refusal::WrongHost(_) => StatusCode::MISDIRECTED_REQUEST,
            Refusal::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Refusal::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Refusal::Other(status) => *status,
        }
    }

    pub fn message(&self) -> String {
        match self {
            Refusal::BadRequest(m) | Refusal::NotFound(m) | Refusal::Internal(m) => m.clone(),
            Refusal::Unauthorized => {
                "權杖缺少或錯誤 missing or wrong token (Authorization: Bearer …)".into()
            }
            Refusal::ReadOnly => "唯讀伺服器 read-only server: start it with --allow-add".into(),
            Refusal::CrossSite(why) => format!("拒絕跨站寫入 cross-site write refused: {why}"),
            Refusal::MethodNotAllowed => "不支援此方法 method not allowed on this path".into(),
            Refusal::TooLarge => format!(
                "上傳檔案過大 upload too large (at most {} MiB)",
                MAX_UPLOAD_BYTES / (1024 * 1024)
            ),
            Refusal::WrongHost(host) => format!(
                "主機名稱不符 Host '{host}' is not this server (start it with --allow-host NAME)"
            ),
            Refusal::Busy => "伺服器忙碌，請稍後再試 the server is busy; try again".into(),
            Refusal::Other(status) => format!(
                "請求無法處理 {} {}",
                status.as_u16(),
                status.canonical_reason().unwrap_or("error")
            ),
        }
    }
}

impl From<anyhow::Error> for Refusal {
    fn from(e: anyhow::Error) -> Refusal {
        Refusal::Internal(format!("{e:#}"))
    }
}

/// Runs `work` on a blocking thread once a search slot is free, within [`REQUEST_TIME`].
pub async fn blocking<T, F>(shared: &Arc<Shared>, work: F) -> Result<T, Refusal>
where
    T: Send + 'static,
    F: FnOnce(&Shared) -> Result<T, Refusal> + Send + 'static,
{
    blocking_within(shared, REQUEST_TIME, work).await
}

/// Runs `work` on a blocking thread once a slot is free; 503 when it takes over `limit` (the
/// work itself still finishes: an add is never cut half-way).
pub async fn blocking_within<T, F>(
    shared: &Arc<Shared>,
    limit: Duration,
    work: F,
) -> Result<T, Refusal>
where
    T: Send + 'static,
    F: FnOnce(&Shared) -> Result<T, Refusal> + Send + 'static,
{
    let slots = Arc::clone(&shared.slots);
    let permit = tokio::time::timeout(QUEUE_TIME, slots.acquire_owned())
        .await
        .map_err(|_| Refusal::Busy)?
        .map_err(|_| Refusal::Busy)?;
    let shared = Arc::clone(shared);
    let task = tokio::task::spawn_blocking(move || {
        let answer = work(&shared);
        drop(permit);
        answer
    });
    match tokio::time::timeout(limit, task).await {
        Ok(Ok(result)) => result,
        Ok(Err(e)) => Err(Refusal::Internal(format!("search failed: {e}"))),
        Err(_) => Err(Refusal::Busy),
    }
}

/// The routes: the page, its style sheet, the passage and report views, and the JSON API;
/// behind them [`guard::check`], and on every answer the security headers.
pub fn router(shared: Arc<Shared>) -> Router {
    let headers: [(HeaderName, &'static str); 4] = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ];
    let mut router = Router::new()
        .route("/", get(page::search))
        .route("/style.css", get(page::style))
        .route("/page.js", get(page::script))
        .route("/p/{id}", get(page::passage))
        .route("/r/{id}", get(page::report))
        .route("/r/{id}/file", get(page::download))
        .route("/reports", get(page::reports))
        .route(
            "/upload",
            axum::routing::post(page::upload).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .route("/api/search", get(api::search))
        .route("/api/passages/{id}", get(api::passage))
        .route("/api/reports/{id}", get(api::report))
        .route("/api/locate", get(api::locate))
        .route(
            "/api/reports",
            get(api::reports)
                .post(api::add)
                .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .fallback(page::not_found)
        .layer(RequestBodyTimeoutLayer::new(BODY_PAUSE_TIME))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&shared),
            guard::check,
        ))
        .with_state(shared);
    for (name, value) in headers {
        router = router.layer(SetResponseHeaderLayer::overriding(
            name,
            HeaderValue::from_static(value),
        ));
    }
    router
}

/// How many connections may be open at once: [`MAX_CONNECTIONS`], fewer when the process may
/// open fewer files than that plus [`RESERVED_FILES`].
fn connection_cap() -> usize {
    #[cfg(unix)]
    {
        let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile);
        if let Some(files) = limit.current.and_then(|n| usize::try_from(n).ok()) {
            return MAX_CONNECTIONS.min(files.saturating_sub(RESERVED_FILES).max(1));
        }
    }
    MAX_CONNECTIONS
}

/// Opens the index and serves it until Ctrl-C or SIGTERM. `ready` is told the address
/// listened on (the port chosen when `options.port` is 0) once requests are accepted.
pub fn serve(
    index_dir: PathBuf,
    corpus_dir: PathBuf,
    options: Options,
    ready: impl FnOnce(SocketAddr),
) -> Result<()> {
    let options = options.validated()?;
    let store = Store::open_for_search(&index_dir)?;
    // A server answers many searches with one searcher: the report runs of its segments
    // are worth building once (a few ms per million passages).
    let runs: Arc<dyn Warmer> = Arc::new(RunsWarmer);
    let reader = store
        .index
        .reader_builder()
        .reload_policy(ReloadPolicy::OnCommitWithDelay)
        .warmers(vec![Arc::downgrade(&runs)])
        .try_into()
        .with_context(|| format!("{}: cannot open index reader", index_dir.display()))?;
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads.clamp(1, 4))
        .enable_all()
        .build()
        .context("cannot start the server runtime")?;
    runtime.block_on(async move {
        let wanted = SocketAddr::new(options.host, options.port);
        let listener = tokio::net::TcpListener::bind(wanted)
            .await
            .with_context(|| format!("cannot listen on {wanted}"))?;
        let address = listener.local_addr()?;
        let shared = Arc::new(Shared {
            store,
            reader,
            _runs: runs,
            index_dir,
            corpus_dir,
            address,
            uploads: Arc::new(Semaphore::new(UPLOADS_AT_ONCE)),
            slots: Arc::new(Semaphore::new(threads * 2)),
            options,
            watch_problem: std::sync::Mutex::new(None),
        });
        // The watch lives as long as the server; a folder that cannot be watched is said on
        // the reports page, and the server answers all the same.
        let _watch = if shared.options.watch {
            watch::start(Arc::clone(&shared))
                .map_err(|problem| shared.set_watch_problem(Some(problem)))
                .ok()
        } else {
            None
        };
        let stop = stop_signal();
        ready(address);
        accept_until_stopped(listener, router(shared), stop).await;
        anyhow::Ok(())
    })?;
    // Blocking searches still running finish on their own; do not wait for them.
    runtime.shutdown_timeout(Duration::from_secs(1));
    Ok(())
}

/// Accepts connections until a stop signal, each served over HTTP/1.1 with the header-read
/// timeout; a connection over the cap is closed at once, so that the open ones (and the
/// process's file descriptors) are never all taken by clients that send nothing.
async fn accept_until_stopped(
    listener: tokio::net::TcpListener,
    app: Router,
    mut stop: std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>,
) {
    let open = Arc::new(Semaphore::new(connection_cap()));
    let graceful = GracefulShutdown::new();
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors or a connection reset before it was accepted:
                // wait a moment rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        let Ok(permit) = Arc::clone(&open).try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let service = TowerToHyperService::new(app.clone());
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(HEADER_READ_TIME);
        let connection = http.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A connection ending in an error (reset, timeout) concerns that client only.
            let _ = connection.await;
            drop(permit);
        });
    }
    // Requests in progress get a moment to finish; idle connections are closed.
    let _ = tokio::time::timeout(Duration::from_secs(5), graceful.shutdown()).await;
}

/// Resolves when Ctrl-C (SIGINT) or SIGTERM arrives. The handlers are installed when this is
/// called, not when it is first awaited: a signal sent as soon as the server says it is
/// listening must stop it gracefully, not kill it.
fn stop_signal() -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let (Ok(mut term), Ok(mut interrupt)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) {
            return Box::pin(async move {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = interrupt.recv() => {}
                }
            });
        }
    }
    Box::pin(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

/// Whether `given` equals `expected`, in time that does not depend on where they differ.
pub fn same_token(given: &str, expected: &str) -> bool {
    let (a, b) = (given.as_bytes(), expected.as_bytes());
    let mut diff = a.len() ^ b.len();
    for (i, &x) in a.iter().enumerate() {
        diff |= usize::from(x ^ b.get(i % b.len().max(1)).copied().unwrap_or(0));
    }
    diff == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(host: &str, allow_add: bool, token: Option<&str>) -> Options {
        Options {
            host: host.parse().unwrap(),
            port: 0,
            allow_add,
            token: token.map(str::to_string),
            allow_hosts: Vec::new(),
            watch: false,
        }
    }

    #[test]
    fn uploads_on_the_network_need_a_token() {
        assert!(options("127.0.0.1", true, None).validated().is_ok());
        assert!(options("::1", true, None).validated().is_ok());
        assert!(options("0.0.0.0", false, None).validated().is_ok());
        let refused = options("0.0.0.0", true, None).validated().unwrap_err();
        assert!(refused.to_string().contains("needs --token"), "{refused}");
        assert!(options("0.0.0.0", true, Some("s3cret")).validated().is_ok());
        assert!(options("127.0.0.1", true, Some(" ")).validated().is_err());
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(same_token("abc", "abc"));
        assert!(!same_token("abd", "abc"));
        assert!(!same_token("ab", "abc"));
        assert!(!same_token("abcd", "abc"));
        assert!(!same_token("", "abc"));
    }
}
