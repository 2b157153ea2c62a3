//! The gate every request passes before a handler (and before its body is read): a request's
//! headers → let through, or a [`Refusal`] answered at once, as JSON under `/api/` and as a
//! page elsewhere.
//!
//! - `Host` must name the server: an IP literal it listens on (any, when it listens on every
//!   interface), `localhost` on a loopback address, or a name given by `--allow-host`; the
//!   port must be the one listened on (421 otherwise). A page on a rebound DNS name thus
//!   reads nothing.
//! - A write (any method but GET, HEAD, OPTIONS, TRACE) is refused when the body announced is
//!   too large (413), the server is read-only (403), the token is missing or wrong (401), or a
//!   page of another site may have sent it (403): `Sec-Fetch-Site` says cross-site or
//!   same-site, `Origin` is not this server's, or, without `Origin`, without a token set and
//!   without `Sec-Fetch-Site: same-origin`, its `Content-Type` is one a form or a script may
//!   send without asking (`text/plain`, form, multipart, none).
//! - A write then waits for one of the upload slots, so that parallel uploads hold a bounded
//!   number of bodies in memory.
//!
//! The token is only ever read from `Authorization`, never from a form field: the page's
//! upload form has a token box without a name, and its script sends the token as that
//! header, so that every check here stays on the headers and a refused upload's body is
//! never parsed. A form posted without the script carries no token: it passes only on a
//! server without one (a loopback address), its `Origin` being this server's.
//!
//! Error answers made without a body of ours (405 from the router, 413 while a body without a
//! length is read) get one: `{"error": …}` under `/api/`, a page elsewhere.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::serve::{MAX_UPLOAD_BYTES, Refusal, Shared, UPLOAD_QUEUE_TIME, page, same_token};

/// Content types a browser sends cross-site without a preflight request (the Fetch
/// standard's CORS-safelisted ones for `Content-Type`).
const SIMPLE_CONTENT_TYPES: &[&str] = &[
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
];

/// Whether `name` may be given to `--allow-host`: a DNS name or an IP literal, no port.
pub fn is_host_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
}

/// The middleware: refuses what the headers already show cannot be allowed, then runs the
/// request (a write holding an upload slot) and gives bare error answers a body.
pub async fn check(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let answer = match admit(&shared, request.method(), request.headers()) {
        Err(refusal) => return render(refusal, api),
        Ok(Admission::Read) => next.run(request).await,
        Ok(Admission::Write) => {
            let uploads = Arc::clone(&shared.uploads);
            match tokio::time::timeout(UPLOAD_QUEUE_TIME, uploads.acquire_owned()).await {
                Ok(Ok(_slot)) => next.run(request).await,
                _ => return render(Refusal::Busy, api),
            }
        }
    };
    explained(answer, api)
}

/// What a request that passed the gate may do.
#[derive(Debug, PartialEq, Eq)]
enum Admission {
    Read,
    Write,
}

fn admit(shared: &Shared, method: &Method, headers: &HeaderMap) -> Result<Admission, Refusal> {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !host_allowed(host, shared.address, &shared.options.allow_hosts) {
        return Err(Refusal::WrongHost(host.chars().take(100).collect()));
    }
    if matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    ) {
        return Ok(Admission::Read);
    }
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if announced.is_some_and(|n| n > MAX_UPLOAD_BYTES as u64) {
        return Err(Refusal::TooLarge);
    }
    if !shared.options.allow_add {
        return Err(Refusal::ReadOnly);
    }
    if let Some(expected) = &shared.options.token {
        let given = bearer_token(headers).unwrap_or("");
        if !same_token(given, expected) {
            return Err(Refusal::Unauthorized);
        }
    }
    same_origin(headers, host, shared.options.token.is_some())?;
    Ok(Admission::Write)
}

/// The token of `Authorization: Bearer TOKEN`, the scheme in any case (RFC 7235).
fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

/// Whether `host` (the `Host` header) names the server listening on `address`.
fn host_allowed(host: &str, address: SocketAddr, allow_hosts: &[String]) -> bool {
    let Ok(authority) = host.parse::<axum::http::uri::Authority>() else {
        return false;
    };
    let name = authority.host();
    if allow_hosts
        .iter()
        .any(|allowed| allowed.eq_ignore_ascii_case(name))
    {
        return true;
    }
    let bound = address.ip();
    let port = authority.port_u16().unwrap_or(80);
    if port != address.port() {
        return false;
    }
    if name.eq_ignore_ascii_case("localhost") {
        return bound.is_loopback() || bound.is_unspecified();
    }
    match name
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
    {
        Ok(_) if bound.is_unspecified() => true,
        Ok(ip) if bound.is_loopback() => ip.is_loopback(),
        Ok(ip) => ip == bound,
        Err(_) => false,
    }
}

/// Refuses a write that another site's page may have sent (see the module's rules).
fn same_origin(headers: &HeaderMap, host: &str, token_checked: bool) -> Result<(), Refusal> {
    let text = |name| {
        headers
            .get(name)
            .map(|v| v.to_str().unwrap_or("?").trim().to_ascii_lowercase())
    };
    let site = text(header::HeaderName::from_static("sec-fetch-site"));
    if let Some(site) = &site
        && (site == "cross-site" || site == "same-site")
    {
        return Err(Refusal::CrossSite(format!("Sec-Fetch-Site: {site}")));
    }
    // Only a browser sets Sec-Fetch-Site, and a page cannot: same-origin is its word.
    let browser_same_origin = site.as_deref() == Some("same-origin");
    let host = host.to_ascii_lowercase();
    match text(header::ORIGIN) {
        Some(origin) => {
            let ours = origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"))
                == Some(host.as_str());
            if ours {
                Ok(())
            } else {
                Err(Refusal::CrossSite(format!(
                    "Origin {origin} is not this server"
                )))
            }
        }
        None if token_checked || browser_same_origin => Ok(()),
        None => {
            let content_type = text(header::CONTENT_TYPE).unwrap_or_default();
            let essence = content_type.split(';').next().unwrap_or("").trim();
            if essence.is_empty() || SIMPLE_CONTENT_TYPES.contains(&essence) {
                Err(Refusal::CrossSite(
                    "without Origin, send Content-Type: application/octet-stream \
                     (or the token)"
                        .into(),
                ))
            } else {
                Ok(())
            }
        }
    }
}

/// A refusal as JSON under `/api/`, as a page elsewhere.
fn render(refusal: Refusal, api: bool) -> Response {
    if api {
        refusal.into_response()
    } else {
        page::refusal_page(&refusal)
    }
}

/// An error answer without a JSON or HTML body gets one; its other headers (`Allow`) stay.
fn explained(answer: Response, api: bool) -> Response {
    let status = answer.status();
    let has_body = answer
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json") || t.starts_with("text/html"));
    if !(status.is_client_error() || status.is_server_error()) || has_body {
        return answer;
    }
    let refusal = match status.as_u16() {
        405 => Refusal::MethodNotAllowed,
        413 => Refusal::TooLarge,
        _ => Refusal::Other(status),
    };
    let (parts, _) = answer.into_parts();
    let mut explained = render(refusal, api);
    *explained.status_mut() = status;
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            explained.headers_mut().insert(name, value.clone());
        }
    }
    explained
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn the_bearer_scheme_is_read_in_any_case() {
        for value in ["Bearer s3cret", "bearer s3cret", "BEARER  s3cret "] {
            let given = headers(&[("authorization", value)]);
            assert_eq!(bearer_token(&given), Some("s3cret"), "{value}");
        }
        assert_eq!(bearer_token(&headers(&[("authorization", "s3cret")])), None);
        assert_eq!(
            bearer_token(&headers(&[("authorization", "Basic s3cret")])),
            None
        );
    }

    #[test]
    fn writes_from_other_sites_are_refused() {
        let host = "127.0.0.1:7700";
        let refused = |pairs: &[(&'static str, &'static str)], token: bool| {
            same_origin(&headers(pairs), host, token).is_err()
        };
        assert!(refused(&[("origin", "http://evil.example")], false));
        assert!(refused(&[("origin", "null")], true));
        assert!(refused(&[("origin", "http://127.0.0.1:7701")], false));
        assert!(refused(&[("sec-fetch-site", "cross-site")], true));
        assert!(refused(&[("sec-fetch-site", "same-site")], false));
        assert!(refused(&[("content-type", "text/plain")], false));
        assert!(refused(
            &[("content-type", "Multipart/Form-Data; boundary=x")],
            false
        ));
        assert!(refused(&[], false));
        assert!(!refused(&[("origin", "http://127.0.0.1:7700")], false));
        assert!(!refused(&[("sec-fetch-site", "same-origin")], false));
        assert!(!refused(
            &[("content-type", "application/octet-stream")],
            false
        ));
        assert!(!refused(&[], true), "a script with the token");
    }

    #[test]
    fn the_host_must_name_this_server() {
        let loopback: SocketAddr = "127.0.0.1:7700".parse().unwrap();
        let everywhere: SocketAddr = "0.0.0.0:7700".parse().unwrap();
        let lan: SocketAddr = "10.0.0.5:7700".parse().unwrap();
        let office = vec!["Reports.Office.Example".to_string()];
        for (host, address, allowed) in [
            ("127.0.0.1:7700", loopback, true),
            ("localhost:7700", loopback, true),
            ("[::1]:7700", loopback, true),
            ("127.0.0.1:7701", loopback, false),
            ("127.0.0.1", loopback, false),
            ("evil.example:7700", loopback, false),
            ("10.0.0.5:7700", loopback, false),
            ("", loopback, false),
            ("10.0.0.5:7700", lan, true),
            ("10.0.0.6:7700", lan, false),
            ("localhost:7700", lan, false),
            ("192.168.1.9:7700", everywhere, true),
            ("evil.example:7700", everywhere, false),
            ("reports.office.example", loopback, true),
            ("REPORTS.office.example:8443", lan, true),
        ] {
            assert_eq!(
                host_allowed(host, address, &office),
                allowed,
                "{host} on {address}"
            );
        }
    }

    #[test]
    fn allowed_host_names_are_names() {
        assert!(is_host_name("reports.office.example"));
        assert!(is_host_name("10.0.0.5"));
        assert!(!is_host_name(""));
        assert!(!is_host_name("a.example:80"));
        assert!(!is_host_name("a b"));
    }
}
