//! Text units: original text → folded chars with their positions and byte offsets
//! ([`Folded`]), the position units a quotation or query word must match ([`units`]), and the
//! Han and alphanumeric runs the analyzers cut.

use super::numbers::{continues_number, joins_digits, scaled_number};
use crate::analysis::fold::fold_char;

/// Whether a character carries meaning for search (counts as a position).
pub fn is_significant(c: char) -> bool {
    // Ideographs first: `is_alphanumeric` takes a slow table lookup for them.
    c.is_ascii_alphanumeric() || is_han(c) || !c.is_ascii() && c.is_alphanumeric()
}

/// Folded letters, digits and ideographs of `text`, punctuation and spaces dropped: how a
/// title or a heading is compared with what was typed.
pub fn significant_text(text: &str) -> String {
    Folded::new(text).significant()
}

pub fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3134F}' | '〇')
}

/// Folded text with the position and byte offset of every character.
#[derive(Clone)]
pub struct Folded {
    /// Folded characters.
    pub chars: Vec<char>,
    /// Byte offset in the original text of each char, plus the total length at the end.
    pub byte_offsets: Vec<usize>,
    /// Significant-character position of each char (the position of the next significant
    /// char for insignificant ones).
    pub positions: Vec<usize>,
}

impl Folded {
    /// The folded letters, digits and ideographs, punctuation and spaces dropped (see
    /// [`significant_text`]).
    pub fn significant(&self) -> String {
        self.chars.iter().filter(|c| is_significant(**c)).collect()
    }

    pub fn new(original: &str) -> Folded {
        let mut folded = Folded {
            chars: Vec::with_capacity(original.len() / 2),
            byte_offsets: Vec::with_capacity(original.len() / 2 + 1),
            positions: Vec::with_capacity(original.len() / 2),
        };
        folded.refill(original);
        folded
    }

    /// Folds `original` into this value's buffers (what [`Folded::new`] returns, without
    /// allocating once the buffers are large enough).
    pub fn refill(&mut self, original: &str) {
        let Folded {
            chars,
            byte_offsets,
            positions,
        } = self;
        chars.clear();
        byte_offsets.clear();
        positions.clear();
        for (i, c) in original.char_indices() {
            chars.push(match fold_char(c) {
                // Government text writes the numeral zero as a circle (一○%).
                '○' | '◯' => '〇',
                f => f,
            });
            byte_offsets.push(i);
        }
        byte_offsets.push(original.len());
        let mut pos = 0;
        for i in 0..chars.len() {
            let c = chars[i];
            if continues_number(chars, i) {
                // Part of the number before: its position.
                positions.push(pos - 1);
            } else {
                positions.push(pos);
                if is_significant(c) {
                    pos += 1;
                }
            }
        }
    }

    pub fn text(&self) -> String {
        self.chars.iter().collect()
    }
}

/// One position of a text: a significant char, or a whole number value however written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub key: UnitKey,
    /// Char range in the text.
    pub start: usize,
    pub end: usize,
}

/// What a [`Unit`] compares by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitKey {
    /// A folded char.
    Char(char),
    /// A number's value: `2350000` for both `235万` and `2,350,000`.
    Number(String),
}

/// The text as a sequence of [`Unit`]s, one per position: what a quotation or a query word
/// must match, whatever its punctuation, spaces and way of writing numbers.
pub fn units(folded: &Folded) -> Vec<Unit> {
    let chars = &folded.chars;
    let mut out: Vec<Unit> = Vec::new();
    let mut number = String::new();
    let finish_number = |number: &mut String, out: &mut Vec<Unit>| {
        if number.is_empty() {
            return;
        }
        if let Some(last) = out.last_mut() {
            let unit = number.chars().last().filter(|u| matches!(u, '万' | '亿'));
            let digits = number.trim_end_matches(['万', '亿']).replace(',', "");
            last.key = UnitKey::Number(
                unit.and_then(|u| scaled_number(&digits, Some(&u)))
                    .unwrap_or(digits),
            );
        }
        number.clear();
    };
    for (i, &c) in chars.iter().enumerate() {
        if continues_number(chars, i) {
            number.push(c);
            if let Some(last) = out.last_mut() {
                last.end = i + 1;
            }
            continue;
        }
        if !is_significant(c) {
            continue;
        }
        finish_number(&mut number, &mut out);
        if c.is_ascii_digit() {
            number.push(c);
        }
        out.push(Unit {
            key: UnitKey::Char(c),
            start: i,
            end: i + 1,
        });
    }
    finish_number(&mut number, &mut out);
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RunKind {
    Han,
    Alnum,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Run {
    pub(super) kind: RunKind,
    pub(super) start: usize,
    pub(super) end: usize,
}

/// Splits folded chars into Han runs and alphanumeric runs (which keep inner `.,:/-` between
/// digits and `%` after them, so numbers stay whole).
pub(super) fn runs(chars: &[char]) -> Runs<'_> {
    Runs { chars, i: 0 }
}

/// The runs of [`runs`], in order.
pub(super) struct Runs<'a> {
    chars: &'a [char],
    i: usize,
}

impl Iterator for Runs<'_> {
    type Item = Run;

    fn next(&mut self) -> Option<Run> {
        let chars = self.chars;
        let n = chars.len();
        let mut i = self.i;
        let run = loop {
            if i >= n {
                break None;
            }
            let c = chars[i];
            if is_han(c) {
                let start = i;
                while i < n && is_han(chars[i]) {
                    i += 1;
                }
                break Some(Run {
                    kind: RunKind::Han,
                    start,
                    end: i,
                });
            } else if c.is_alphanumeric() {
                let start = i;
                while i < n {
                    let c = chars[i];
                    if c.is_alphanumeric() && !is_han(c) || i > start && joins_digits(chars, i) {
                        i += 1;
                    } else {
                        break;
                    }
                }
                break Some(Run {
                    kind: RunKind::Alnum,
                    start,
                    end: i,
                });
            } else {
                i += 1;
            }
        };
        self.i = i;
        run
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_give_numbers_one_value() {
        let keys = |text: &str| -> Vec<String> {
            units(&Folded::new(text))
                .into_iter()
                .map(|u| match u.key {
                    UnitKey::Char(c) => c.to_string(),
                    UnitKey::Number(n) => format!("#{n}"),
                })
                .collect()
        };
        assert_eq!(keys("235萬元至"), keys("2,350,000 元至"));
        assert_eq!(keys("235萬元至"), vec!["#2350000", "元", "至"]);
        assert_eq!(keys("第3-1條"), vec!["第", "#3", "#1", "条"]);
        assert_eq!(keys("12.5%"), vec!["#12.5"]);
        let spans: Vec<(usize, usize)> = units(&Folded::new("超過2,350,000元"))
            .into_iter()
            .map(|u| (u.start, u.end))
            .collect();
        assert_eq!(spans, vec![(0, 1), (1, 2), (2, 11), (11, 12)]);
    }
}
