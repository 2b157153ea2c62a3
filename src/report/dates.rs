//! Dates: the first date in a text as `YYYY-MM-DD` (ROC years converted).

/// Finds the first date in `text` and returns it as `YYYY-MM-DD`; ROC years are converted.
pub fn find_date(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    let mut i = 0;
    while i < n {
        // Skip to a year candidate start.
        let (roc, start) = if starts_with_at(&chars, i, "中華民國") {
            (true, i + 4)
        } else if starts_with_at(&chars, i, "民國") {
            (true, i + 2)
        } else if starts_with_at(&chars, i, "西元") {
            (false, i + 2)
        } else if chars[i].is_ascii_digit() || to_digit(chars[i]).is_some() {
            (false, i)
        } else {
            i += 1;
            continue;
        };
        if let Some((y, m, d, _)) = read_ymd(&chars, start) {
            let year = if roc || y < 200 { y + 1911 } else { y };
            let plausible =
                (1900..=2100).contains(&year) && (1..=12).contains(&m) && (1..=31).contains(&d);
            // Bare Arabic years below 200 are ROC years only when written with 年.
            if plausible && (roc || y >= 1900 || (y < 200 && chars_before_is_boundary(&chars, i))) {
                return Some(format!("{year:04}-{m:02}-{d:02}"));
            }
        }
        i = start.max(i + 1);
    }
    None
}

fn chars_before_is_boundary(chars: &[char], i: usize) -> bool {
    i == 0 || !chars[i - 1].is_ascii_digit()
}

pub(super) fn starts_with_at(chars: &[char], i: usize, s: &str) -> bool {
    (i..).zip(s.chars()).all(|(j, c)| chars.get(j) == Some(&c))
}

/// Reads `N 年 N 月 N 日` (spaces allowed, Arabic, full-width or Chinese numerals).
fn read_ymd(chars: &[char], mut i: usize) -> Option<(u32, u32, u32, usize)> {
    let mut parts = [0u32; 3];
    for (k, unit) in ['年', '月', '日'].iter().enumerate() {
        while chars.get(i).is_some_and(|c| c.is_whitespace()) {
            i += 1;
        }
        let (value, next) = read_number(chars, i)?;
        i = next;
        while chars.get(i).is_some_and(|c| c.is_whitespace()) {
            i += 1;
        }
        if chars.get(i) != Some(unit) {
            return None;
        }
        i += 1;
        parts[k] = value;
    }
    Some((parts[0], parts[1], parts[2], i))
}

fn read_number(chars: &[char], i: usize) -> Option<(u32, usize)> {
    let mut j = i;
    let mut digits = String::new();
    while let Some(&c) = chars.get(j) {
        if let Some(d) = to_digit(c) {
            digits.push(char::from(b'0' + d));
            j += 1;
        } else {
            break;
        }
    }
    if !digits.is_empty() && digits.len() <= 4 {
        return Some((digits.parse().ok()?, j));
    }
    if !digits.is_empty() {
        return None;
    }
    let mut run = String::new();
    while let Some(&c) = chars.get(j) {
        if "〇零一二三四五六七八九十百".contains(c) {
            run.push(c);
            j += 1;
        } else {
            break;
        }
    }
    let value = crate::analysis::numerals::chinese_to_number(&run)?;
    u32::try_from(value).ok().map(|v| (v, j))
}

pub(super) fn to_digit(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        '０'..='９' => Some((c as u32 - '０' as u32) as u8),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roc_dates() {
        assert_eq!(
            find_date("中華民國 106 年 12 月 25 日").as_deref(),
            Some("2017-12-25")
        );
        assert_eq!(find_date("民國95年10月16日").as_deref(), Some("2006-10-16"));
        assert_eq!(
            find_date("中華民國九十八年一月一日").as_deref(),
            Some("2009-01-01")
        );
        assert_eq!(find_date("2016年8月8日").as_deref(), Some("2016-08-08"));
        assert_eq!(find_date("共計 30 項"), None);
    }
}
