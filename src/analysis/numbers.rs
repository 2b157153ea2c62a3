//! Number rules: which chars continue a number value, Chinese numerals' Arabic values, and
//! the number and Latin-word terms of an alphanumeric run (`3,500` → `3500`, `2016.08.08`
//! also as `2016` `08` `08`).

use super::terms::Terms;
use super::units::Folded;
use crate::analysis::numerals::{chinese_to_number, is_numeral_char};

/// Whether the char at `i` belongs to the number value that ends just before it: a digit
/// after a digit, a thousands comma or a decimal point (`2,350,000`, `1,178.9`), or a unit
/// (`235万`). A value takes one position however it is written, so `235万元` and
/// `2,350,000元` put the same terms at the same positions. Numbers joined by other
/// separators (`3-1`, `2016.08.08`, `10:30`) keep a position each: 第3條 is not in 第3-1條.
pub(super) fn continues_number(chars: &[char], i: usize) -> bool {
    let digit_at = |k: usize| chars.get(k).is_some_and(char::is_ascii_digit);
    if i == 0 {
        return false;
    }
    if chars[i].is_ascii_digit() {
        return digit_at(i - 1) || joins_value(chars, i - 1);
    }
    joins_value(chars, i) || is_number_unit(chars, i)
}

/// Whether the separator at `i` is inside one number value: a thousands comma, or a
/// decimal point (a dot that is the only one among the digits around it).
fn joins_value(chars: &[char], i: usize) -> bool {
    if !joins_digits(chars, i) {
        return false;
    }
    match chars[i] {
        ',' => true,
        '.' => {
            let digit_or_comma = |c: &char| c.is_ascii_digit() || *c == ',';
            let before = chars[..i].iter().rev().find(|c| !digit_or_comma(c));
            let after = chars[i + 1..].iter().position(|c| !c.is_ascii_digit());
            let dot_after = after.is_some_and(|k| joins_digits(chars, i + 1 + k));
            before != Some(&'.') && !dot_after
        }
        _ => false,
    }
}

/// Whether the char at `i` is a separator inside a number: `.,:/-` between digits, a comma
/// only before a group of three digits (`2,350,000`; in `1，2，3` the folded full-width
/// commas separate three numbers).
pub(super) fn joins_digits(chars: &[char], i: usize) -> bool {
    let digit_at = |k: usize| chars.get(k).is_some_and(char::is_ascii_digit);
    if i == 0 || !is_inner_separator(chars[i]) || !digit_at(i - 1) || !digit_at(i + 1) {
        return false;
    }
    chars[i] != ',' || (1..=3).all(|k| digit_at(i + k)) && !digit_at(i + 4)
}

/// Whether the char at `i` is a unit that the number before it absorbs: 万 or 亿 right after
/// digits (`235万`, whose scaled value 2350000 stands for both).
pub(super) fn is_number_unit(chars: &[char], i: usize) -> bool {
    i > 0 && matches!(chars[i], '万' | '亿') && chars[i - 1].is_ascii_digit()
}

/// Separators that stay inside a number between digits.
fn is_inner_separator(c: char) -> bool {
    matches!(c, '.' | ',' | ':' | '/' | '-')
}

/// Chinese numeral runs inside a Han run also yield their Arabic value (第十二條 → `12`).
/// A lone 一 is left alone: it is far more often a word part (統一) than a number.
pub(super) fn numeral_values(folded: &Folded, start: usize, end: usize, out: &mut Terms) {
    let chars = &folded.chars;
    let mut run = std::mem::take(&mut out.scratch);
    let mut i = start;
    while i < end {
        if !is_numeral_char(chars[i]) {
            i += 1;
            continue;
        }
        let s = i;
        while i < end && is_numeral_char(chars[i]) {
            i += 1;
        }
        if i - s == 1 && matches!(chars[s], '一' | '千' | '百' | '万' | '亿') {
            continue;
        }
        run.clear();
        run.extend(&chars[s..i]);
        if let Some(v) = chinese_to_number(&run) {
            out.push_number(v, folded.positions[s], s, i);
        }
        // 三十五億 also yields 35, so that it meets 35億 (digits, then the Han unit).
        if i - s >= 2
            && run.ends_with(['万', '亿'])
            && let Some(v) = chinese_to_number(run.trim_end_matches(['万', '亿']))
        {
            out.push_number(v, folded.positions[s], s, i - 1);
        }
    }
    out.scratch = run;
}

/// `235万` is also 2350000 and `35亿` also 3500000000, so they meet numbers written out.
pub(super) fn scaled_number(digits: &str, unit: Option<&char>) -> Option<String> {
    let scale: u64 = match unit? {
        '万' => 10_000,
        '亿' => 100_000_000,
        _ => return None,
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty()
        || !int.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 8
    {
        return None;
    }
    let int_value: u64 = int.parse().ok()?;
    let frac_value: u64 = if frac.is_empty() {
        0
    } else {
        frac.parse().ok()?
    };
    let frac_scaled = frac_value.checked_mul(scale)? / 10u64.pow(frac.len() as u32);
    Some(
        int_value
            .checked_mul(scale)?
            .checked_add(frac_scaled)?
            .to_string(),
    )
}

/// Number and Latin-word terms of one alphanumeric run.
pub(super) fn alnum_terms(folded: &Folded, start: usize, end: usize, out: &mut Terms) {
    let chars = &folded.chars;
    let position = folded.positions[start];
    // A plain word or number (no separator) is its own single term: the common case.
    if chars[start..end]
        .iter()
        .all(|c| c.is_alphanumeric() && c.is_ascii_digit() == chars[start].is_ascii_digit())
    {
        let text_start = out.text.len();
        out.push_chars(&chars[start..end], position, start, end);
        if chars[start].is_ascii_digit()
            && let Some(scaled) = scaled_number(&out.text[text_start..], chars.get(end))
        {
            out.push_str(&scaled, position, start, end + 1);
        }
        return;
    }
    let mut raw = std::mem::take(&mut out.scratch);
    raw.clear();
    raw.extend(&chars[start..end]);
    // Thousands separators go: 3,500 → 3500, 1,178.9 → 1178.9.
    let whole = strip_thousands(&raw);
    out.push_str(&whole, position, start, end);
    if let Some(scaled) = scaled_number(&whole, chars.get(end)) {
        out.push_str(&scaled, position, start, end + 1);
    }
    // Parts: split at separators and at letter/digit boundaries, each at its own position.
    let mut parts = Vec::new();
    let mut i = start;
    while i < end {
        let c = chars[i];
        if !c.is_alphanumeric() {
            i += 1;
            continue;
        }
        let s = i;
        let digit = c.is_ascii_digit();
        while i < end && chars[i].is_alphanumeric() && chars[i].is_ascii_digit() == digit {
            i += 1;
        }
        parts.push((s, i));
    }
    let separators = raw
        .chars()
        .filter(|c| matches!(c, '.' | ':' | '/' | '-'))
        .count();
    let thousands_only = *whole != *raw
        && separators == raw.chars().filter(|c| *c == '.').count()
        && separators <= 1;
    if parts.len() > 1 && !thousands_only {
        // 12.5 stays whole (a decimal); dates, codes and PM10 also give their parts.
        let decimal = separators == 1 && raw.contains('.') && parts.len() == 2;
        if !decimal {
            for (s, e) in parts {
                if !chars[s..e].iter().copied().eq(whole.chars()) {
                    out.push_chars(&chars[s..e], folded.positions[s], s, e);
                }
            }
        }
    }
    drop(whole);
    out.scratch = raw;
}

fn strip_thousands(raw: &str) -> std::borrow::Cow<'_, str> {
    if !raw.contains(',') {
        return raw.into();
    }
    // Only a well-formed 1,234,567(.89) loses its commas; other commas split nothing here.
    let (int, frac) = match raw.split_once('.') {
        Some((a, b)) => (a, Some(b)),
        None => (raw, None),
    };
    let groups: Vec<&str> = int.split(',').collect();
    let ok = groups[0].len() <= 3
        && !groups[0].is_empty()
        && groups[1..].iter().all(|g| g.len() == 3)
        && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()));
    if !ok {
        return raw.replace(',', "").into();
    }
    let mut s = groups.concat();
    if let Some(f) = frac {
        s.push('.');
        s.push_str(f);
    }
    s.into()
}
