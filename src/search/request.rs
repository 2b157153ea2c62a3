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
    /// Checks every field: a query, no empty filter (it would match every passage), the page
    /// within bounds, a known passage kind, a year.
    ///
    /// Refuses a blank query and `limit` 0; `year` comes back as four digits (an ROC year
    /// such as `106` or `民國106年` becomes `2017`).
    pub fn validated(mut self) -> Result<ValidRequest, InvalidRequest> {
        let invalid = |msg: String| Err(InvalidRequest(msg));
        if self.query.trim().is_empty() {
            return invalid("empty query".to_string());
        }
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
        if self.limit == 0 {
            return invalid(
                "--limit 0: at least 1 (--facets counts every match anyway)".to_string(),
            );
        }
        if self.limit > MAX_LIMIT {
            return invalid(format!("--limit {}: at most {MAX_LIMIT}", self.limit));
        }
        if self.offset > MAX_OFFSET {
            return invalid(format!("--offset {}: at most {MAX_OFFSET}", self.offset));
        }
        if let Some(kind) = &self.kind
            && Kind::from_name(kind).is_none()
        {
            return invalid(format!(
                "unknown kind '{kind}' (paragraph, table_row, list_item, heading, caption, note)"
            ));
        }
        if let Some(year) = &self.year {
            match gregorian_year(year) {
                Some(y) => self.year = Some(y.to_string()),
                None => {
                    return invalid(format!(
                        "--year {year}: not a year (2017, or an ROC year: 106, 民國106)"
                    ));
                }
            }
        }
        Ok(ValidRequest(self))
    }
}

/// Gregorian years from this on are taken as they are; a smaller number is an ROC (民國)
/// year, counted from 1912.
const FIRST_GREGORIAN_YEAR: u32 = 1000;
/// ROC year 1 is 1912.
const ROC_OFFSET: u32 = 1911;

/// A year as typed → the Gregorian year: `2017`, `２０１７`, `106`, `民國106`, `民国106年`.
pub fn gregorian_year(typed: &str) -> Option<u32> {
    let text = typed.trim();
    let (roc, text) = match text.strip_prefix("民國").or(text.strip_prefix("民国")) {
        Some(rest) => (true, rest.trim_start()),
        None => (false, text),
    };
    let text = text.strip_suffix('年').unwrap_or(text);
    if text.is_empty() || text.chars().count() > 4 {
        return None;
    }
    let mut year = 0;
    for c in text.chars() {
        // Full-width digits are digits too.
        let c = match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32)?,
            c => c,
        };
        year = year * 10 + c.to_digit(10)?;
    }
    match year {
        0 => None,
        y if roc || y < FIRST_GREGORIAN_YEAR => {
            (y < FIRST_GREGORIAN_YEAR).then_some(y + ROC_OFFSET)
        }
        y => Some(y),
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
    fn a_blank_query_and_an_empty_page_are_refused() {
        let r = Request {
            query: " \t".to_string(),
            ..request()
        };
        assert_eq!(refusal(r), "empty query");
        let r = Request {
            limit: 0,
            ..request()
        };
        assert!(refusal(r).starts_with("--limit 0: at least 1"));
    }

    #[test]
    fn years_are_gregorian_or_roc() {
        for (typed, year) in [
            ("2017", 2017),
            (" 2016 ", 2016),
            ("２０１７", 2017),
            ("106", 2017),
            ("1", 1912),
            ("民國106", 2017),
            ("民国 105年", 2016),
            ("106年", 2017),
        ] {
            assert_eq!(gregorian_year(typed), Some(year), "{typed}");
        }
        for typed in [
            "abc",
            "",
            "0",
            "20170",
            "民國2017",
            "2017-01",
            "-106",
            "１０６ｘ",
        ] {
            assert_eq!(gregorian_year(typed), None, "{typed}");
        }
        let r = Request {
            year: Some("106".to_string()),
            ..request()
        };
        assert_eq!(r.validated().unwrap().year.as_deref(), Some("2017"));
        let r = Request {
            year: Some("abc".to_string()),
            ..request()
        };
        assert!(refusal(r).starts_with("--year abc: not a year"));
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
