//! Chinese numerals ↔ integers: `十二` → 12, `一百零五` → 105, `三千` → 3000, `九十八` → 98,
//! `二〇一七` → 2017 (digit by digit), and back. Used for ROC dates and so that 第十二條 meets
//! 第12條: [`spellings`] gives a query word's other ways of writing its numbers.

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

/// `n` in Chinese numerals as it is read (12 → 十二, 105 → 一百零五, 10005 → 一万零五), with
/// the folded 万 and 亿; `None` for 0 and beyond 9999 亿.
pub fn number_to_chinese(n: u64) -> Option<String> {
    if n == 0 || n >= 1_000_000_000_000 {
        return None;
    }
    let groups = [
        (n / 100_000_000, "亿"),
        (n / 10_000 % 10_000, "万"),
        (n % 10_000, ""),
    ];
    let mut out = String::new();
    let mut skipped_zero = false;
    for (group, unit) in groups {
        if group == 0 {
            skipped_zero |= !out.is_empty();
            continue;
        }
        if !out.is_empty() && (group < 1000 || skipped_zero) {
            out.push('零');
        }
        push_group(group, out.is_empty(), &mut out);
        out.push_str(unit);
        skipped_zero = false;
    }
    Some(out)
}

/// The Chinese numeral of digit `d` (0 → 〇).
fn digit_char(d: u32) -> char {
    "〇一二三四五六七八九"
        .chars()
        .nth(d as usize)
        .unwrap_or('〇')
}

/// A group below 10,000 (千 百 十 and ones), with 零 for inner zeros; a leading 一十 is 十.
fn push_group(group: u64, leading: bool, out: &mut String) {
    let digits = [group / 1000, group / 100 % 10, group / 10 % 10, group % 10];
    let units = ["千", "百", "十", ""];
    let mut emitted = false;
    let mut zero = false;
    for (i, &d) in digits.iter().enumerate() {
        if d == 0 {
            zero |= emitted;
            continue;
        }
        if zero {
            out.push('零');
            zero = false;
        }
        if !(leading && !emitted && i == 2 && d == 1) {
            out.push(digit_char(d as u32));
        }
        out.push_str(units[i]);
        emitted = true;
    }
}

/// The other spellings of a folded query word's numbers: its Arabic numbers as read in
/// Chinese (第12条 → 第十二条) and, for three digits or more, digit by digit (105年 → 一〇五年);
/// its Chinese numerals in Arabic digits (一百零五年 → 105年). Numbers with separators
/// (3,500, 12.5) and lone 一 千 百 万 亿 (統一, 千萬) are left as they are.
pub fn spellings(word: &[char]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let digit_runs = |to: &dyn Fn(&[char]) -> Option<String>| -> Option<String> {
        respell(word, |c| c.is_ascii_digit(), to)
    };
    let reading = |run: &[char]| -> Option<String> {
        let text: String = run.iter().collect();
        if run.len() > 1 && run[0] == '0' {
            return None;
        }
        number_to_chinese(text.parse().ok()?)
    };
    let by_digit = |run: &[char]| -> Option<String> {
        (run.len() >= 3).then(|| {
            run.iter()
                .filter_map(|c| c.to_digit(10))
                .map(digit_char)
                .collect()
        })
    };
    out.extend(digit_runs(&reading));
    out.extend(digit_runs(&by_digit));
    // A date as often written: the year digit by digit, month and day read (104年12月 →
    // 一〇四年十二月).
    let mixed = |run: &[char]| match run.len() >= 3 {
        true => by_digit(run),
        false => reading(run),
    };
    out.extend(digit_runs(&mixed));
    out.extend(percent_spelling(word));
    let to_digits = |run: &[char]| -> Option<String> {
        if run.len() == 1 && matches!(run[0], '一' | '千' | '百' | '万' | '亿') {
            return None;
        }
        let text: String = run.iter().collect();
        chinese_to_number(&text).map(|v| v.to_string())
    };
    out.extend(respell(word, is_numeral_char, &to_digits));
    let original: String = word.iter().collect();
    let mut seen = std::collections::HashSet::new();
    out.retain(|s| *s != original && seen.insert(s.clone()));
    out
}

/// `word` with its percentages written the other way: 9% → 百分之九, 百分之十五 → 15%;
/// `None` when it has none. Decimals (12.5%) are left as they are.
fn percent_spelling(word: &[char]) -> Option<String> {
    const PER_CENT: [char; 3] = ['百', '分', '之'];
    let mut out = String::new();
    let mut replaced = false;
    let mut i = 0;
    while i < word.len() {
        if word[i..].starts_with(&PER_CENT) {
            let start = i + PER_CENT.len();
            let end = start
                + word[start..]
                    .iter()
                    .take_while(|c| is_numeral_char(**c))
                    .count();
            let run: String = word[start..end].iter().collect();
            if let Some(value) = chinese_to_number(&run) {
                out.push_str(&format!("{value}%"));
                replaced = true;
                i = end;
                continue;
            }
        }
        if word[i].is_ascii_digit() {
            let start = i;
            let end = start
                + word[start..]
                    .iter()
                    .take_while(|c| c.is_ascii_digit())
                    .count();
            let decimal = start > 0 && matches!(word[start - 1], '.' | ',');
            let percent = matches!(word.get(end), Some('%' | '％'));
            let text: String = word[start..end].iter().collect();
            let reading = text.parse().ok().and_then(number_to_chinese);
            match reading.filter(|_| percent && !decimal) {
                Some(reading) => {
                    out.push_str("百分之");
                    out.push_str(&reading);
                    replaced = true;
                    i = end + 1;
                }
                None => {
                    out.push_str(&text);
                    i = end;
                }
            }
            continue;
        }
        out.push(word[i]);
        i += 1;
    }
    replaced.then_some(out)
}

/// `word` with every maximal run of chars that `in_run` accepts replaced by `to(run)`, or
/// `None` when no run was replaced. A digit run touching a separator (3,500, 12.5) stays.
fn respell(
    word: &[char],
    in_run: impl Fn(char) -> bool,
    to: &dyn Fn(&[char]) -> Option<String>,
) -> Option<String> {
    let mut out = String::new();
    let mut replaced = false;
    let mut i = 0;
    while i < word.len() {
        if !in_run(word[i]) {
            out.push(word[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < word.len() && in_run(word[i]) {
            i += 1;
        }
        let run = &word[start..i];
        let separated =
            |k: Option<&char>| k.is_some_and(|c| matches!(c, '.' | ',' | ':' | '/' | '-'));
        let touches_separator = run[0].is_ascii_digit()
            && (start > 0 && separated(word.get(start - 1)) || separated(word.get(i)));
        match to(run).filter(|_| !touches_separator) {
            Some(spelled) => {
                out.push_str(&spelled);
                replaced = true;
            }
            None => out.extend(run),
        }
    }
    replaced.then_some(out)
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

    #[test]
    fn numbers_back_to_chinese() {
        for (v, s) in [
            (12, "十二"),
            (10, "十"),
            (105, "一百零五"),
            (110, "一百一十"),
            (2016, "二千零一十六"),
            (3000, "三千"),
            (10_005, "一万零五"),
            (120_000, "十二万"),
            (100_000_000, "一亿"),
            (3_500_000_000, "三十五亿"),
        ] {
            assert_eq!(number_to_chinese(v).as_deref(), Some(s), "{v}");
            assert_eq!(chinese_to_number(s), Some(v), "{s}");
        }
        assert_eq!(number_to_chinese(0), None);
    }

    #[test]
    fn spellings_of_numbers_in_words() {
        let spell = |w: &str| spellings(&w.chars().collect::<Vec<_>>());
        assert_eq!(spell("第12条"), vec!["第十二条"]);
        assert_eq!(spell("105年度"), vec!["一百零五年度", "一〇五年度"]);
        assert_eq!(spell("一百零五年度"), vec!["105年度"]);
        assert_eq!(spell("第十二条"), vec!["第12条"]);
        assert!(spell("104年12月").contains(&"一〇四年十二月".to_string()));
        assert!(spell("一〇四年十二月").contains(&"104年12月".to_string()));
        assert!(spell("104年1月1日").contains(&"一百零四年一月一日".to_string()));
        assert!(spell("9%至15%").contains(&"百分之九至百分之十五".to_string()));
        assert!(spell("百分之九至百分之十五").contains(&"9%至15%".to_string()));
        assert!(!spell("12.5%").iter().any(|s| s.contains("百分之")));
        assert!(spell("3,500").is_empty());
        assert!(spell("12.5").is_empty());
        assert!(spell("统一").is_empty());
        assert!(spell("台北市").is_empty());
    }
}
