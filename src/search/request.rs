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
use crate::report::roc::{Bound, FIRST_GREGORIAN_YEAR, ROC_OFFSET, date_bound};
use crate::search::query::{QueryCut, parse_query_cuts};
use crate::search::{MAX_LIMIT, MAX_OFFSET, Request};

/// A request that passed [`Request::validated`], with what the query limits left out of its
/// query (searched without it; the caller tells the user).
#[derive(Debug, Clone)]
pub struct ValidRequest(Request, Vec<QueryCut>);

impl ValidRequest {
    /// What the query limits left out of the query, for the user.
    pub fn query_cuts(&self) -> &[QueryCut] {
        &self.1
    }

    /// [`ValidRequest::query_cuts`] as the lines warnings show.
    pub fn warnings(&self) -> Vec<String> {
        self.1.iter().map(ToString::to_string).collect()
    }
}

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
    /// within bounds, known passage kinds, a year, dates in either calendar.
    ///
    /// Refuses a blank query and `limit` 0; `year` comes back as four digits (an ROC year
    /// such as `106` or `民國106年` becomes `2017`), `from` and `to` as `YYYY-MM-DD` (a year
    /// or month stands for its first day in `from`, its last in `to`).
    pub fn validated(mut self) -> Result<ValidRequest, InvalidRequest> {
        let invalid = |msg: String| Err(InvalidRequest(msg));
        if self.query.trim().is_empty() {
            return invalid("empty query".to_string());
        }
        let lists = [
            ("--kind", &self.kinds),
            ("--report", &self.reports),
            ("--org", &self.organisations),
        ];
        for (flag, values) in lists {
            if values.iter().any(|v| v.trim().is_empty()) {
                return invalid(format!("{flag}: empty value"));
            }
        }
        for (flag, value) in [
            ("--year", &self.year),
            ("--from", &self.from),
            ("--to", &self.to),
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
        if let Some(kind) = self.kinds.iter().find(|k| Kind::from_name(k).is_none()) {
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
        for (flag, value, bound) in [
            ("--from", &mut self.from, Bound::Start),
            ("--to", &mut self.to, Bound::End),
        ] {
            if let Some(typed) = value {
                match date_bound(typed, bound) {
                    Some(date) => *value = Some(date),
                    None => {
                        return invalid(format!(
                            "{flag} {typed}: not a date (2017-12-25, 2017-12, 2017, or ROC: 106/12/25, 民國106年12月)"
                        ));
                    }
                }
            }
        }
        if let (Some(from), Some(to)) = (&self.from, &self.to)
            && from > to
        {
            return invalid(format!("--from {from} is after --to {to}"));
        }
        let cuts = parse_query_cuts(&self.query).1;
        Ok(ValidRequest(self, cuts))
    }
}

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
    fn a_valid_request_carries_what_the_query_limits_left_out() {
        assert!(request().validated().unwrap().query_cuts().is_empty());
        let words: Vec<String> = (0..35).map(|i| format!("詞{i}")).collect();
        let r = Request {
            query: words.join(" "),
            ..request()
        };
        let valid = r.validated().unwrap();
        assert_eq!(
            valid.query_cuts(),
            [QueryCut::TooManyWords {
                dropped: words[32..].to_vec()
            }]
        );
        assert_eq!(
            valid.warnings(),
            [
                "查詢字詞過多：第33個起未搜尋（詞32 詞33 詞34） too many words: from word 33 on not searched (詞32 詞33 詞34)"
            ]
        );
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
            kinds: vec!["table_row".to_string(), "tabel".to_string()],
            ..request()
        };
        assert!(refusal(r).starts_with("unknown kind 'tabel'"));
        let r = Request {
            kinds: vec!["table_row".to_string(), "paragraph".to_string()],
            ..request()
        };
        assert!(r.validated().is_ok());
        let r = Request {
            organisations: vec!["臺北市政府".to_string(), " ".to_string()],
            ..request()
        };
        assert_eq!(refusal(r), "--org: empty value");
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
    fn date_ranges_take_either_calendar_and_must_be_in_order() {
        let r = Request {
            from: Some("民國106年3月".to_string()),
            to: Some("2017".to_string()),
            ..request()
        };
        let valid = r.validated().unwrap();
        assert_eq!(valid.from.as_deref(), Some("2017-03-01"));
        assert_eq!(valid.to.as_deref(), Some("2017-12-31"));
        let r = Request {
            from: Some("2018".to_string()),
            to: Some("106".to_string()),
            ..request()
        };
        assert_eq!(refusal(r), "--from 2018-01-01 is after --to 2017-12-31");
        let r = Request {
            to: Some("2017-13-01".to_string()),
            ..request()
        };
        assert!(refusal(r).starts_with("--to 2017-13-01: not a date"));
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
