//! Chinese numerals → integers: `十二` → 12, `一百零五` → 105, `三千` → 3000, `九十八` → 98,
//! `二〇一七` → 2017 (digit by digit). Used for ROC dates and so that 第十二條 meets 第12條.

const DIGITS: &str = "〇零一二三四五六七八九";

fn digit_value(c: char) -> Option<u64> {
    match c {
        '〇' | '零' => Some(0),
        '一' => Some(1),
        '二' | '兩' | '两' => Some(2),
        '三' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        '六' => Some(6),
        '七' => Some(7),
        '八' => Some(8),
        '九' => Some(9),
        _ => None,
    }
}

fn unit_value(c: char) -> Option<u64> {
    match c {
        '十' => Some(10),
        '百' => Some(100),
        '千' => Some(1000),
        _ => None,
    }
}

/// Whether `c` can be part of a Chinese numeral.
pub fn is_numeral_char(c: char) -> bool {
    digit_value(c).is_some() || unit_value(c).is_some() || matches!(c, '萬' | '万' | '億' | '亿')
}

/// Value of a whole run of Chinese numerals, or `None` when it is not a well-formed number.
pub fn chinese_to_number(run: &str) -> Option<u64> {
    if run.is_empty() {
        return None;
    }
    // Digit-by-digit form (二〇一七, 一九四九): only digits, at least two.
    if run.chars().count() >= 2
        && run.chars().all(|c| DIGITS.contains(c) || c == '兩')
        && !run.chars().any(|c| unit_value(c).is_some())
    {
        let mut v: u64 = 0;
        for c in run.chars() {
            v = v.checked_mul(10)?.checked_add(digit_value(c)?)?;
        }
        return Some(v);
    }
    let mut total: u64 = 0; // completed 億/萬 groups
    let mut section: u64 = 0; // below 萬
    let mut digit: Option<u64> = None;
    for c in run.chars() {
        if let Some(d) = digit_value(c) {
            // 零 only holds a place (一百零五); two real digits in a row are not a number.
            if digit.is_some_and(|prev| prev != 0) {
                return None; // two digits in a row without a unit: not a positional number
            }
            digit = Some(d);
        } else if let Some(u) = unit_value(c) {
            let d = digit.take().unwrap_or(1);
            section = section.checked_add(d.checked_mul(u)?)?;
        } else if matches!(c, '萬' | '万' | '億' | '亿') {
            let scale = if matches!(c, '萬' | '万') {
                10_000
            } else {
                100_000_000
            };
            let group = section.checked_add(digit.take().unwrap_or(0))?;
            let group = if group == 0 { 1 } else { group };
            total = total.checked_add(group.checked_mul(scale)?)?;
            section = 0;
        } else {
            return None;
        }
    }
    total.checked_add(section)?.checked_add(digit.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values() {
        for (s, v) in [
            ("十", 10),
            ("十二", 12),
            ("二十", 20),
            ("一百零五", 105),
            ("九十八", 98),
            ("三千", 3000),
            ("兩千五百", 2500),
            ("二〇一七", 2017),
            ("一萬二千", 12000),
            ("三十三", 33),
            ("五", 5),
        ] {
            assert_eq!(chinese_to_number(s), Some(v), "{s}");
        }
        assert_eq!(chinese_to_number(""), None);
        assert_eq!(chinese_to_number("一九四九"), Some(1949));
        assert_eq!(chinese_to_number("五百五五"), None);
        assert_eq!(chinese_to_number("中"), None);
    }
}
