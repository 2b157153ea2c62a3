//! Request checking: a [`Request`] as typed → a [`ValidRequest`] (or why it is not one).
//!
//! The one place that decides whether a search request is acceptable; the command line
//! checks every request here before it opens the index. [`Searching::run`] itself stays
//! lenient for library callers: it bounds the page and matches nothing for an empty filter.
//!
//! [`Searching::run`]: crate::search::Searching::run

use std::fmt;
use std::ops::Deref;

use crate::report::parse::Kind;
use crate::search::{MAX_LIMIT, MAX_OFFSET, Request};

/// A request that passed [`Request::validated`].
#[derive(Debug, Clone)]
pub struct ValidRequest(Request);

impl Deref for ValidRequest {
    type Target = Request;
    fn deref(&self) -> &Request {
        &self.0
    }
}

/// Why a request was refused: one line naming the option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidRequest(pub String);

impl fmt::Display for InvalidRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InvalidRequest {}

impl Request {
    /// Checks every field: no empty filter (it would match every passage), the page within
    /// bounds, a known passage kind.
    pub fn validated(self) -> Result<ValidRequest, InvalidRequest> {
        let invalid = |msg: String| Err(InvalidRequest(msg));
        for (flag, value) in [
            ("--kind", &self.kind),
            ("--report", &self.report),
            ("--year", &self.year),
            ("--section", &self.section),
        ] {
            if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
                return invalid(format!("{flag}: empty value"));
            }
        }
        if self.limit > MAX_LIMIT {
            return invalid(format!("--limit {}: at most {MAX_LIMIT}", self.limit));
        }
        if self.offset > MAX_OFFSET {
            return invalid(format!("--offset {}: at most {MAX_OFFSET}", self.offset));
        }
        if let Some(kind) = &self.kind
            && Kind::parse(kind).is_none()
        {
            return invalid(format!(
                "unknown kind '{kind}' (paragraph, table_row, list_item, heading, caption, note)"
            ));
        }
        Ok(ValidRequest(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> Request {
        Request {
            query: "交流".to_string(),
            limit: 10,
            ..Request::default()
        }
    }

    fn refusal(r: Request) -> String {
        r.validated().unwrap_err().0
    }

    #[test]
    fn a_plain_request_passes_unchanged() {
        let valid = request().validated().unwrap();
        assert_eq!(valid.query, "交流");
        assert_eq!(valid.limit, 10);
    }

    #[test]
    fn empty_filters_and_unknown_kinds_are_refused() {
        let blank = Some(" ".to_string());
        let r = Request {
            section: blank.clone(),
            ..request()
        };
        assert_eq!(refusal(r), "--section: empty value");
        let r = Request {
            kind: Some("tabel".to_string()),
            ..request()
        };
        assert!(refusal(r).starts_with("unknown kind 'tabel'"));
        let r = Request {
            kind: Some("table_row".to_string()),
            ..request()
        };
        assert!(r.validated().is_ok());
    }

    #[test]
    fn the_page_is_bounded() {
        let r = Request {
            limit: MAX_LIMIT + 1,
            ..request()
        };
        assert_eq!(
            refusal(r),
            format!("--limit {}: at most {MAX_LIMIT}", MAX_LIMIT + 1)
        );
        let r = Request {
            offset: MAX_OFFSET + 1,
            ..request()
        };
        assert!(refusal(r).starts_with("--offset"));
    }
}
