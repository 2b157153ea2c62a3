//! ROC (民國) calendar: a year word or a date as staff type it → its Gregorian (or ROC)
//! counterpart, and a report's ISO date → the ROC year shown beside it.
//!
//! Taiwanese government documents count years from 1912 (民國元年 = ROC year 1): 民國106年
//! is 2017. Both calendars appear in the reports and in what staff type, so a query year word
//! also matches its other calendar ([`year_spellings`]), date filters accept either
//! ([`date_bound`]) and dates are shown in both ([`with_roc_year`]).

/// ROC year 1 is 1912.
pub const ROC_OFFSET: u32 = 1911;
/// Gregorian years from this on are taken as they are; a smaller number is an ROC year.
pub const FIRST_GREGORIAN_YEAR: u32 = 1000;
/// A bare `N年` (no 民國 before it) is read as an ROC year only from 民國38年 (1949, when
/// the ROC government moved to Taiwan and its documents start): below that, `10年`, `30年`
/// are far likelier to be durations.
const FIRST_BARE_ROC_YEAR: u32 = 38;
/// … and up to 民國199年 (2110); four-digit years from 1912 to this are given their ROC form.
const LAST_ROC_YEAR: u32 = 199;

/// `2017-12-25` → `2017-12-25（民國106年）`; a date before 1912, or not starting with a
/// four-digit year, stays as it is.
pub fn with_roc_year(date: &str) -> String {
    match date.get(..4).and_then(|y| y.parse::<u32>().ok()) {
        Some(year) if year > ROC_OFFSET => format!("{date}（民國{}年）", year - ROC_OFFSET),
        _ => date.to_string(),
    }
}

// RANKING.md: numbers and dates in any spelling
/// The other-calendar spellings of a query word that is a year, typed form excluded:
/// `民國106年` → `2017年`, `106年`; `106年` → `2017年`, `民國106年`; `2017年` → `106年`
/// (which `民國106年` also holds). A word that is no year gets none. Works on the folded
/// form (`民国`, full-width digits already half-width) as well as on the typed one.
pub fn year_spellings(word: &str) -> Vec<String> {
    let text = word.trim();
    let (roc, rest) = match strip_roc_prefix(text) {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let Some(digits) = rest.strip_suffix('年') else {
        return Vec::new();
    };
    if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    // A leading zero (`0106年`) is not how anyone writes a year.
    if digits.starts_with('0') {
        return Vec::new();
    }
    let Ok(n) = digits.parse::<u32>() else {
        return Vec::new();
    };
    if roc && (1..=LAST_ROC_YEAR).contains(&n) {
        vec![format!("{}年", n + ROC_OFFSET), format!("{n}年")]
    } else if !roc && (FIRST_BARE_ROC_YEAR..=LAST_ROC_YEAR).contains(&n) {
        vec![format!("{}年", n + ROC_OFFSET), format!("民國{n}年")]
    } else if !roc && (ROC_OFFSET + 1..=ROC_OFFSET + LAST_ROC_YEAR).contains(&n) {
        vec![format!("{}年", n - ROC_OFFSET)]
    } else {
        Vec::new()
    }
}

/// The other spellings of a query word that is a whole date, typed form excluded: its other
/// calendar and its other forms (RANKING.md: numbers and dates in any spelling).
/// `2005年3月30日` → `94年3月30日` (which `中華民國94年3月30日` holds), `94.3.30`, `94.03.30`,
/// `2005.3.30`, `2005.03.30` and the same slashed; `106.12.25` → `2017年12月25日`,
/// `106年12月25日`, `106/12/25`, … A year and month (`2016年3月`) gets its other calendar
/// only: `2016.3` is a number. The index holds a dotted or slashed date as one term beside
/// its numbers, so each form is a spelling of its own; forms the index reads as the typed
/// one are left out.
pub fn date_spellings(word: &str) -> Vec<String> {
    let Some((year, month, day)) = whole_date(word.trim()) else {
        return Vec::new();
    };
    let roc = year - ROC_OFFSET;
    let mut out = match day {
        Some(day) => {
            let mut out = vec![
                format!("{year}年{month}月{day}日"),
                format!("{roc}年{month}月{day}日"),
            ];
            for separator in ['.', '/'] {
                for y in [roc, year] {
                    out.push(format!("{y}{separator}{month}{separator}{day}"));
                    out.push(format!("{y}{separator}{month:02}{separator}{day:02}"));
                }
            }
            out
        }
        None => vec![format!("{year}年{month}月"), format!("{roc}年{month}月")],
    };
    // The typed form, however it was typed (民國 before it, zero-padded, slashed).
    let typed: Vec<String> =
        crate::analysis::analyzer::gram_terms(&crate::analysis::analyzer::Folded::new(word))
            .into_iter()
            .map(|t| t.text)
            .collect();
    let stripped = strip_roc_prefix(word.trim()).unwrap_or(word.trim());
    out.retain(|s| s != stripped && s != word.trim());
    out.retain(|s| {
        let terms: Vec<String> =
            crate::analysis::analyzer::gram_terms(&crate::analysis::analyzer::Folded::new(s))
                .into_iter()
                .map(|t| t.text)
                .collect();
        terms != typed
    });
    let mut seen = std::collections::HashSet::new();
    out.retain(|s| seen.insert(s.clone()));
    out
}

/// A whole date as typed → (Gregorian year, month, day): `[民國]Y年M月D日`, `Y年M月` (no day),
/// `Y.M.D`, `Y/M/D`; a year below 1000 is an ROC year (a bare one from 民國38年 on, as
/// [`year_spellings`] reads it). `None`: no date, or no valid day.
fn whole_date(text: &str) -> Option<(u32, u32, Option<u32>)> {
    let (roc, rest) = match strip_roc_prefix(text) {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let han = rest.contains('年');
    let (parts, separators) = date_numbers(rest)?;
    // Every number of a Han date ends with its unit; a dotted date has three numbers.
    let well_formed = match han {
        true => {
            (separators == ['年', '月', '日'] || separators == ['年', '月'])
                && parts.len() == separators.len()
        }
        false => {
            separators.len() == 2 && separators[0] == separators[1] && separators[0] != '-' && !roc
        }
    };
    if !well_formed || parts.len() < 2 {
        return None;
    }
    let year = match parts[0] {
        y if y >= FIRST_GREGORIAN_YEAR => {
            if roc || !(ROC_OFFSET + 1..=ROC_OFFSET + LAST_ROC_YEAR).contains(&y) {
                return None;
            }
            y
        }
        y if roc && (1..=LAST_ROC_YEAR).contains(&y) => y + ROC_OFFSET,
        y if (FIRST_BARE_ROC_YEAR..=LAST_ROC_YEAR).contains(&y) => y + ROC_OFFSET,
        _ => return None,
    };
    let month = parts[1];
    if !(1..=12).contains(&month) {
        return None;
    }
    let day = match parts.get(2) {
        Some(&d) if (1..=days_in_month(year, month)).contains(&d) => Some(d),
        Some(_) => return None,
        None => None,
    };
    Some((year, month, day))
}

/// The numbers of a typed date and the separators between them (`.`, `/`, `-`, 年, 月, 日;
/// full-width digits and separators read as half-width). `None`: any other character, a
/// number over 9999, or a separator with no number before it (`2017--03`, `/3`).
fn date_numbers(text: &str) -> Option<(Vec<u32>, Vec<char>)> {
    let mut parts: Vec<u32> = Vec::new();
    let mut separators = Vec::new();
    let mut current: Option<u32> = None;
    for c in text.chars() {
        let c = match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32)?,
            '．' => '.',
            '／' => '/',
            '－' => '-',
            c => c,
        };
        if let Some(d) = c.to_digit(10) {
            let value = current.unwrap_or(0).checked_mul(10)?.checked_add(d)?;
            if value > 9999 {
                return None;
            }
            current = Some(value);
        } else if matches!(c, '-' | '/' | '.' | '年' | '月' | '日') {
            parts.push(current.take()?);
            separators.push(c);
        } else {
            return None;
        }
    }
    if let Some(value) = current {
        parts.push(value);
    }
    Some((parts, separators))
}

fn strip_roc_prefix(text: &str) -> Option<&str> {
    ["中華民國", "中华民国", "民國", "民国"]
        .iter()
        .find_map(|p| text.strip_prefix(p))
        .map(str::trim_start)
}

/// Which end of a date range a typed date bounds: a year or a month stands for its first
/// day at the start and its last day at the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    Start,
    End,
}

/// A date as typed → `YYYY-MM-DD` (the day it bounds): `2017`, `2017-03`, `2017-03-05`,
/// `2017/3/5`, `2017.3.5`, `106`, `106/3/5`, `民國106年3月5日`, `106年3月`, full-width digits
/// too. A year below 1000 is an ROC year. `None`: not a date.
pub fn date_bound(typed: &str, bound: Bound) -> Option<String> {
    let text = typed.trim();
    let (roc, rest) = match strip_roc_prefix(text) {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (parts, _) = date_numbers(rest)?;
    if parts.is_empty() || parts.len() > 3 {
        return None;
    }
    let year = match parts[0] {
        0 => return None,
        y if roc || y < FIRST_GREGORIAN_YEAR => {
            if y >= FIRST_GREGORIAN_YEAR {
                return None;
            }
            y + ROC_OFFSET
        }
        y => y,
    };
    let month = match parts.get(1) {
        Some(&m) if (1..=12).contains(&m) => m,
        Some(_) => return None,
        None if bound == Bound::Start => 1,
        None => 12,
    };
    let last_day = days_in_month(year, month);
    let day = match parts.get(2) {
        Some(&d) if (1..=last_day).contains(&d) => d,
        Some(_) => return None,
        None if bound == Bound::Start => 1,
        None => last_day,
    };
    Some(format!("{year:04}-{month:02}-{day:02}"))
}

/// `YYYY-MM-DD` → `YYYYMMDD` as a number, which orders as the dates do.
pub fn day_number(date: &str) -> Option<u64> {
    let digits: String = date.get(..10)?.chars().filter(|c| *c != '-').collect();
    (digits.len() == 8).then(|| digits.parse().ok()).flatten()
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_show_their_roc_year() {
        assert_eq!(with_roc_year("2017-12-25"), "2017-12-25（民國106年）");
        assert_eq!(with_roc_year("1912-01-01"), "1912-01-01（民國1年）");
        assert_eq!(with_roc_year("1900-01-01"), "1900-01-01");
        assert_eq!(with_roc_year("-"), "-");
    }

    #[test]
    fn year_words_meet_their_other_calendar() {
        assert_eq!(year_spellings("民國106年"), ["2017年", "106年"]);
        assert_eq!(year_spellings("民国106年"), ["2017年", "106年"]);
        assert_eq!(year_spellings("中華民國 1年"), ["1912年", "1年"]);
        assert_eq!(year_spellings("106年"), ["2017年", "民國106年"]);
        assert_eq!(year_spellings("2017年"), ["106年"]);
    }

    #[test]
    fn whole_dates_meet_across_calendars_and_forms() {
        let forms = |roc: &str, ad: &str| -> Vec<String> {
            let mut out = Vec::new();
            for separator in [".", "/"] {
                for date in [roc, ad] {
                    out.push(date.replace('.', separator));
                }
            }
            out
        };
        let dated = |head: &[&str], tail: Vec<String>, typed: &str| -> Vec<String> {
            let mut out: Vec<String> = head.iter().map(|s| s.to_string()).collect();
            out.extend(tail.into_iter().filter(|s| s != typed));
            out
        };
        assert_eq!(
            date_spellings("2005年3月30日"),
            dated(
                &[
                    "94年3月30日",
                    "94.3.30",
                    "94.03.30",
                    "2005.3.30",
                    "2005.03.30"
                ],
                vec![
                    "94/3/30".into(),
                    "94/03/30".into(),
                    "2005/3/30".into(),
                    "2005/03/30".into()
                ],
                ""
            )
        );
        assert_eq!(
            date_spellings("中華民國94年3月30日"),
            [
                vec!["2005年3月30日".to_string()],
                date_spellings("2005年3月30日")[1..].to_vec()
            ]
            .concat()
        );
        assert_eq!(
            date_spellings("106.12.25"),
            dated(
                &["2017年12月25日", "106年12月25日"],
                forms("106.12.25", "2017.12.25"),
                "106.12.25"
            )
        );
        assert_eq!(
            date_spellings("106/12/25"),
            dated(
                &["2017年12月25日", "106年12月25日"],
                forms("106.12.25", "2017.12.25"),
                "106/12/25"
            )
        );
        assert!(date_spellings("95.3.30").contains(&"2006年3月30日".to_string()));
        assert!(date_spellings("95.3.30").contains(&"95.03.30".to_string()));
        assert_eq!(date_spellings("2016年3月"), ["105年3月"]);
        // Numbers that are no dates: a decimal, a month 13, a day 30 of February, a
        // version, a duration.
        for word in [
            "106.12",
            "106.13.1",
            "2016.2.30",
            "1.2.3",
            "10年3月",
            "2016年3月3",
        ] {
            assert!(date_spellings(word).is_empty(), "{word}");
        }
        for word in [
            "2017",
            "106",
            "10年",
            "0106年",
            "3000年",
            "1900年",
            "年",
            "雙城論壇",
        ] {
            assert!(year_spellings(word).is_empty(), "{word}");
        }
    }

    #[test]
    fn dates_are_read_in_either_calendar() {
        let start = |t: &str| date_bound(t, Bound::Start);
        let end = |t: &str| date_bound(t, Bound::End);
        assert_eq!(start("2017").as_deref(), Some("2017-01-01"));
        assert_eq!(end("2017").as_deref(), Some("2017-12-31"));
        assert_eq!(start("106").as_deref(), Some("2017-01-01"));
        assert_eq!(end("民國106年").as_deref(), Some("2017-12-31"));
        assert_eq!(start("106/3/5").as_deref(), Some("2017-03-05"));
        assert_eq!(start("民國106年3月5日").as_deref(), Some("2017-03-05"));
        assert_eq!(end("2016-02").as_deref(), Some("2016-02-29"));
        assert_eq!(start("２０１７．１２．２５").as_deref(), Some("2017-12-25"));
        assert_eq!(end("2017-12-25").as_deref(), Some("2017-12-25"));
        for bad in [
            "",
            "abc",
            "2017-13",
            "2017-02-30",
            "0",
            "民國2017",
            "2017--03",
            "1/2/3/4",
        ] {
            assert_eq!(start(bad), None, "{bad}");
        }
    }

    #[test]
    fn day_numbers_order_as_dates() {
        assert_eq!(day_number("2017-12-25"), Some(20171225));
        assert!(day_number("2016-04-01") < day_number("2017-01-01"));
        assert_eq!(day_number("2017"), None);
    }
}
