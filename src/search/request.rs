//! Request checking: a [`Request`] as typed → a [`ValidRequest`] (or why it is not one).
//!
//! The one place that decides whether a search request is acceptable; the command line
//! checks every request here before it opens the index. [`Searching::run`] itself stays
//! lenient for library callers: it bounds the page and matches nothing for an empty filter.
//!
//! [`Searching::run`]: crate::search::Searching::run

use std::collections::BTreeSet;
use std::fmt;
use std::ops::Deref;

use crate::analysis::synonyms::{self, Synonyms};
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

/// A field of a search request, as the CLI and the search page name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Query,
    Kind,
    Report,
    Organisation,
    Year,
    From,
    To,
    Section,
    Limit,
    Offset,
}

impl Field {
    /// Every field with its option (CLI), its name for readers (page, and first on the CLI)
    /// and its URL parameter. The one place any is spelled.
    const TABLE: [(Field, &'static str, &'static str, &'static str); 10] = [
        (Field::Query, "QUERY", "查詢詞", "q"),
        (Field::Kind, "--kind", "種類", "kind"),
        (Field::Report, "--report", "報告", "report"),
        (Field::Organisation, "--org", "機關", "org"),
        (Field::Year, "--year", "年份", "year"),
        (Field::From, "--from", "起日", "from"),
        (Field::To, "--to", "迄日", "to"),
        (Field::Section, "--section", "章節", "section"),
        (Field::Limit, "--limit", "筆數", "limit"),
        (Field::Offset, "--offset", "略過筆數", "offset"),
    ];

    /// The command-line option: `--year`.
    pub fn flag(self) -> &'static str {
        Self::TABLE[self as usize].1
    }

    /// The name readers see: 年份.
    pub fn label(self) -> &'static str {
        Self::TABLE[self as usize].2
    }

    /// The URL parameter: `year`.
    pub fn parameter(self) -> &'static str {
        Self::TABLE[self as usize].3
    }
}

/// Why a request was refused: the field, the value as typed, and the cause in words that
/// name no option (`不是年份 not a year (…)`), so that the CLI and the page can each say which
/// field in their own terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidRequest {
    pub field: Field,
    /// The value as typed; none when the field is missing or blank.
    pub value: Option<String>,
    /// Chinese first, then English, then what to type instead.
    pub cause: String,
}

impl InvalidRequest {
    fn new(field: Field, value: Option<&str>, cause: impl Into<String>) -> InvalidRequest {
        InvalidRequest {
            field,
            value: value.map(str::to_string),
            cause: cause.into(),
        }
    }

    /// The refusal for readers of a form or an API answer: the field's name, not an option:
    /// `年份 abc: 不是年份 not a year (…)`.
    pub fn for_readers(&self) -> String {
        match &self.value {
            Some(value) => format!("{} {value}: {}", self.field.label(), self.cause),
            None => format!("{}: {}", self.field.label(), self.cause),
        }
    }
}

/// The command-line refusal: the field's name, the option and the value as typed, then the
/// cause: `年份 --year abc: 不是年份 not a year (…)`.
impl fmt::Display for InvalidRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.field.label(), self.field.flag())?;
        if let Some(value) = &self.value {
            write!(f, " {value}")?;
        }
        write!(f, ": {}", self.cause)
    }
}

impl std::error::Error for InvalidRequest {}

/// The kinds a passage can have, as readers and the CLI name them: `段落 paragraph、…`.
fn passage_kinds() -> String {
    Kind::of_passages()
        .map(|k| format!("{} {}", k.label(), k.as_str()))
        .collect::<Vec<_>>()
        .join("、")
}

impl Request {
    /// Checks every field: a query, no empty filter (it would match every passage), the page
    /// within bounds, known passage kinds, a year, dates in either calendar.
    ///
    /// Refuses a blank query and `limit` 0; `typed_kinds` come back as `kinds` (`表格列`
    /// becomes [`Kind::TableRow`]), `year` as four digits (an ROC year such as `106` or `民國106年` becomes
    /// `2017`), `from` and `to` as `YYYY-MM-DD` (a year or month stands for its first day in
    /// `from`, its last in `to`).
    pub fn validated(mut self) -> Result<ValidRequest, InvalidRequest> {
        const EMPTY: &str =
            "空白 empty value: 請填入內容，或拿掉這個條件 fill it in or leave it out";
        if self.query.trim().is_empty() {
            return Err(InvalidRequest::new(
                Field::Query,
                None,
                "空白 empty query: 請輸入要找的字詞 type the words to find",
            ));
        }
        let lists = [
            (Field::Kind, &self.typed_kinds),
            (Field::Report, &self.reports),
            (Field::Organisation, &self.organisations),
        ];
        for (field, values) in lists {
            if values.iter().any(|v| v.trim().is_empty()) {
                return Err(InvalidRequest::new(field, None, EMPTY));
            }
        }
        for (field, value) in [
            (Field::Year, &self.year),
            (Field::From, &self.from),
            (Field::To, &self.to),
            (Field::Section, &self.section),
        ] {
            if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
                return Err(InvalidRequest::new(field, None, EMPTY));
            }
        }
        let limit = self.limit.to_string();
        if self.limit == 0 {
            return Err(InvalidRequest::new(
                Field::Limit,
                Some(&limit),
                "至少 1 筆 at least 1 (the facet counts cover every match anyway)",
            ));
        }
        if self.limit > MAX_LIMIT {
            return Err(InvalidRequest::new(
                Field::Limit,
                Some(&limit),
                format!("最多 {MAX_LIMIT} 筆 at most {MAX_LIMIT}"),
            ));
        }
        if self.offset > MAX_OFFSET {
            return Err(InvalidRequest::new(
                Field::Offset,
                Some(&self.offset.to_string()),
                format!("最多 {MAX_OFFSET} at most {MAX_OFFSET}"),
            ));
        }
        for typed in std::mem::take(&mut self.typed_kinds) {
            match Kind::from_typed(&typed).filter(|k| *k != Kind::Table) {
                Some(kind) => self.kinds.push(kind),
                None => {
                    return Err(InvalidRequest::new(
                        Field::Kind,
                        Some(&typed),
                        format!("不明的種類 unknown kind: 請用 use {}", passage_kinds()),
                    ));
                }
            }
        }
        if let Some(year) = &self.year {
            match gregorian_year(year) {
                Some(y) => self.year = Some(y.to_string()),
                None => {
                    return Err(InvalidRequest::new(
                        Field::Year,
                        Some(year),
                        "不是年份 not a year: 請寫 2017，或民國年 106、民國106 (an ROC year)",
                    ));
                }
            }
        }
        for (field, value, bound) in [
            (Field::From, &mut self.from, Bound::Start),
            (Field::To, &mut self.to, Bound::End),
        ] {
            if let Some(typed) = value {
                match date_bound(typed, bound) {
                    Some(date) => *value = Some(date),
                    None => {
                        return Err(InvalidRequest::new(
                            field,
                            Some(typed),
                            "不是日期 not a date: 請寫 2017-12-25、2017-12、2017，或民國 106/12/25、民國106年12月",
                        ));
                    }
                }
            }
        }
        if let (Some(from), Some(to)) = (&self.from, &self.to)
            && from > to
        {
            return Err(InvalidRequest::new(
                Field::From,
                Some(from),
                format!("晚於迄日 {to} is after the end date: 請對調兩個日期 swap the two dates"),
            ));
        }
        let cuts = parse_query_cuts(&self.query).1;
        Ok(ValidRequest(self, cuts))
    }
}

/// Organisations named at most in an unknown organisation's refusal; `baogao reports` and
/// the facets list them all.
const ORGANISATIONS_SHOWN: usize = 20;

impl ValidRequest {
    /// The organisation filters as staff type them → the organisations the index holds
    /// (`known`): compared folded (台/臺, Simplified/Traditional, width) and through the agency
    /// table and the corpus's synonyms (`北市府` → `臺北市政府`). A name matching none of
    /// `known` is refused with the known ones listed: a filter matching nothing would only
    /// say 查無結果.
    pub fn with_organisations(
        mut self,
        known: &BTreeSet<String>,
        synonyms: &Synonyms,
    ) -> Result<ValidRequest, InvalidRequest> {
        let mut resolved: Vec<String> = Vec::new();
        for typed in &self.0.organisations {
            let mut keys = vec![synonyms::key(typed)];
            keys.extend(
                synonyms
                    .alternatives(typed)
                    .iter()
                    .map(|w| synonyms::key(w)),
            );
            let matching: Vec<&String> = known
                .iter()
                .filter(|name| keys.contains(&synonyms::key(name)))
                .collect();
            if matching.is_empty() {
                let mut listed: Vec<&str> = known
                    .iter()
                    .take(ORGANISATIONS_SHOWN)
                    .map(String::as_str)
                    .collect();
                if known.len() > ORGANISATIONS_SHOWN {
                    listed.push("…");
                }
                let cause = if known.is_empty() {
                    "索引裡的報告都沒有註明機關 no indexed report names its organisation: 請拿掉這個條件 leave it out".to_string()
                } else {
                    format!(
                        "索引裡沒有這個機關 no such organisation: 請用 use {}",
                        listed.join("、")
                    )
                };
                return Err(InvalidRequest::new(Field::Organisation, Some(typed), cause));
            }
            for name in matching {
                if !resolved.contains(name) {
                    resolved.push(name.clone());
                }
            }
        }
        self.0.organisations = resolved;
        Ok(self)
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
        r.validated().unwrap_err().to_string()
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
        assert!(refusal(r).starts_with("章節 --section: 空白 empty value"));
        let r = Request {
            typed_kinds: vec!["table_row".to_string(), "tabel".to_string()],
            ..request()
        };
        assert!(refusal(r).starts_with("種類 --kind tabel: 不明的種類 unknown kind"));
        // No passage is of kind `table`: a filter on it would find nothing, so it is refused.
        let r = Request {
            typed_kinds: vec!["table".to_string()],
            ..request()
        };
        let refused = refusal(r);
        assert!(refused.contains("表格列 table_row"), "{refused}");
        let r = Request {
            typed_kinds: vec!["表格列".to_string(), "表题".to_string()],
            ..request()
        };
        assert_eq!(
            r.validated().unwrap().kinds,
            [Kind::TableRow, Kind::Caption]
        );
        let r = Request {
            kinds: vec![Kind::Note],
            typed_kinds: vec!["table_row".to_string(), "paragraph".to_string()],
            ..request()
        };
        // Kinds given typed by a library caller stay; the typed ones join them.
        assert_eq!(
            r.validated().unwrap().kinds,
            [Kind::Note, Kind::TableRow, Kind::Paragraph]
        );
        let r = Request {
            organisations: vec!["臺北市政府".to_string(), " ".to_string()],
            ..request()
        };
        assert!(refusal(r).starts_with("機關 --org: 空白"));
    }

    #[test]
    fn a_blank_query_and_an_empty_page_are_refused() {
        let r = Request {
            query: " \t".to_string(),
            ..request()
        };
        assert!(refusal(r).starts_with("查詢詞 QUERY: 空白 empty query"));
        let r = Request {
            limit: 0,
            ..request()
        };
        assert!(refusal(r).starts_with("筆數 --limit 0: 至少 1 筆 at least 1"));
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
        let refused = r.validated().unwrap_err();
        assert!(
            refused
                .to_string()
                .starts_with("年份 --year abc: 不是年份 not a year")
        );
        // A form names its field, not the option.
        assert!(refused.for_readers().starts_with("年份 abc: 不是年份"));
        assert!(!refused.for_readers().contains("--"));
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
        assert!(refusal(r).starts_with("起日 --from 2018-01-01: 晚於迄日 2017-12-31"));
        let r = Request {
            to: Some("2017-13-01".to_string()),
            ..request()
        };
        assert!(refusal(r).starts_with("迄日 --to 2017-13-01: 不是日期 not a date"));
    }

    #[test]
    fn organisations_are_matched_as_staff_type_them() {
        let known: BTreeSet<String> = ["臺北市政府", "行政院環境保護署", "新北市政府"]
            .into_iter()
            .map(str::to_string)
            .collect();
        let agencies = Synonyms::builtin();
        for (typed, found) in [
            ("臺北市政府", "臺北市政府"),
            ("台北市政府", "臺北市政府"),
            ("台北市政府 ", "臺北市政府"),
            ("北市府", "臺北市政府"),
            ("台北市府", "臺北市政府"),
            ("环保署", "行政院環境保護署"),
            ("環保署", "行政院環境保護署"),
        ] {
            let r = Request {
                organisations: vec![typed.to_string()],
                ..request()
            };
            let valid = r.validated().unwrap().with_organisations(&known, agencies);
            assert_eq!(valid.unwrap().organisations, [found], "{typed}");
        }
        let r = Request {
            organisations: vec!["北市府".to_string(), "臺北市政府".to_string()],
            ..request()
        };
        let valid = r.validated().unwrap().with_organisations(&known, agencies);
        assert_eq!(valid.unwrap().organisations, ["臺北市政府"], "once each");
        let r = Request {
            organisations: vec!["高雄市政府".to_string()],
            ..request()
        };
        let refused = r
            .validated()
            .unwrap()
            .with_organisations(&known, agencies)
            .unwrap_err()
            .to_string();
        assert!(
            refused.starts_with("機關 --org 高雄市政府: 索引裡沒有這個機關"),
            "{refused}"
        );
        assert!(refused.contains("新北市政府、臺北市政府"), "{refused}");
    }

    #[test]
    fn the_page_is_bounded() {
        let r = Request {
            limit: MAX_LIMIT + 1,
            ..request()
        };
        assert_eq!(
            refusal(r),
            format!(
                "筆數 --limit {}: 最多 {MAX_LIMIT} 筆 at most {MAX_LIMIT}",
                MAX_LIMIT + 1
            )
        );
        let r = Request {
            offset: MAX_OFFSET + 1,
            ..request()
        };
        assert!(refusal(r).starts_with("略過筆數 --offset"));
    }
}
