//! Line classification: one line → heading (and its outline family), list item, caption,
//! note or text.

use super::dates::{starts_with_at, to_digit};

/// A heading family: headings of the same family are siblings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Family {
    Chapter,      // 第一章 / 第一篇
    Section,      // 第一節
    Capital,      // 壹、
    Numeral,      // 一、
    ParenNumeral, // （一）
    Arabic,       // 1. / １、
    ParenArabic,  // （1）
    Article,      // 第N條
    Appendix,     // 附錄一
}

const CAPITAL_NUMERALS: &str = "壹貳參叁肆伍陸柒捌玖拾";
const CHINESE_NUMERALS: &str = "〇零一二三四五六七八九十百";

/// Recognizes an outline marker at the start of a line: its family and the marker length
/// (in chars, including trailing separator and spaces).
pub(crate) fn outline_marker(line: &str) -> Option<(Family, usize)> {
    let chars: Vec<char> = line.chars().take(24).collect();
    let mut i = 0;
    let skip_spaces = |i: &mut usize| {
        while chars.get(*i).is_some_and(|c| *c == ' ' || *c == '\u{3000}') {
            *i += 1;
        }
    };
    let first = *chars.first()?;
    if first == '第' {
        i = 1;
        skip_spaces(&mut i);
        let start = i;
        while chars
            .get(i)
            .is_some_and(|c| CHINESE_NUMERALS.contains(*c) || to_digit(*c).is_some())
        {
            i += 1;
        }
        if i == start {
            return None;
        }
        skip_spaces(&mut i);
        let family = match chars.get(i)? {
            '章' | '篇' | '編' | '部' => Family::Chapter,
            '節' | '节' => Family::Section,
            '條' | '条' => Family::Article,
            _ => return None,
        };
        i += 1;
        // 第N條之1
        if chars.get(i) == Some(&'之')
            && chars
                .get(i + 1)
                .is_some_and(|c| to_digit(*c).is_some() || CHINESE_NUMERALS.contains(*c))
        {
            i += 2;
        }
        skip_spaces(&mut i);
        return Some((family, i));
    }
    if starts_with_at(&chars, 0, "附錄") || starts_with_at(&chars, 0, "附录") {
        i = 2;
        skip_spaces(&mut i);
        let start = i;
        while chars.get(i).is_some_and(|c| {
            CHINESE_NUMERALS.contains(*c) || to_digit(*c).is_some() || c.is_ascii_uppercase()
        }) {
            i += 1;
        }
        if i == start
            && chars
                .get(i)
                .is_some_and(|c| !matches!(c, '：' | ':' | ' ' | '\u{3000}'))
        {
            return None;
        }
        while chars
            .get(i)
            .is_some_and(|c| matches!(c, '、' | '：' | ':' | ' ' | '\u{3000}' | '.'))
        {
            i += 1;
        }
        return Some((Family::Appendix, i));
    }
    if CAPITAL_NUMERALS.contains(first) {
        while chars.get(i).is_some_and(|c| CAPITAL_NUMERALS.contains(*c)) {
            i += 1;
        }
        skip_spaces(&mut i);
        if matches!(chars.get(i), Some('、' | '，' | ',' | '.' | '．')) {
            i += 1;
            skip_spaces(&mut i);
            return Some((Family::Capital, i));
        }
        return None;
    }
    if CHINESE_NUMERALS.contains(first) {
        while chars.get(i).is_some_and(|c| CHINESE_NUMERALS.contains(*c)) {
            i += 1;
        }
        if i > 3 {
            return None;
        }
        skip_spaces(&mut i);
        if matches!(chars.get(i), Some('、' | '，' | '.' | '．')) {
            i += 1;
            skip_spaces(&mut i);
            return Some((Family::Numeral, i));
        }
        return None;
    }
    if matches!(first, '(' | '（') {
        i = 1;
        skip_spaces(&mut i);
        let start = i;
        let chinese = chars.get(i).is_some_and(|c| CHINESE_NUMERALS.contains(*c));
        while chars.get(i).is_some_and(|c| {
            if chinese {
                CHINESE_NUMERALS.contains(*c)
            } else {
                to_digit(*c).is_some()
            }
        }) {
            i += 1;
        }
        if i == start || i - start > 3 {
            return None;
        }
        skip_spaces(&mut i);
        if matches!(chars.get(i), Some(')' | '）')) {
            i += 1;
            skip_spaces(&mut i);
            let family = if chinese {
                Family::ParenNumeral
            } else {
                Family::ParenArabic
            };
            return Some((family, i));
        }
        return None;
    }
    if to_digit(first).is_some() {
        while chars.get(i).is_some_and(|c| to_digit(*c).is_some()) {
            i += 1;
        }
        if i > 2 {
            return None;
        }
        match chars.get(i) {
            Some('、') => {}
            // `1.` but not `1.5` or `2016.08`
            Some('.' | '．') if chars.get(i + 1).is_none_or(|c| to_digit(*c).is_none()) => {}
            _ => return None,
        }
        i += 1;
        skip_spaces(&mut i);
        return Some((Family::Arabic, i));
    }
    None
}

/// Closing quotes and brackets that may follow a sentence's end (…嗎？」, …的！』, …。）).
const CLOSING_MARKS: &[char] = &['」', '』', '”', '’', '"', '）', ')', '》', '】'];

/// Whether a line ends a sentence: its last mark ends one, possibly inside closing quotes
/// or brackets (「我是反『反冒進』的！」 ends a sentence; 「計畫」 does not).
pub(super) fn ends_sentence(text: &str) -> bool {
    let trimmed = text.trim_end();
    let bare = trimmed.trim_end_matches(CLOSING_MARKS);
    bare.chars()
        .last()
        .is_some_and(|c| "。！？；!?;…".contains(c))
}

/// A line that would end a sentence or clause — not a heading.
pub(super) fn ends_clause(text: &str) -> bool {
    ends_sentence(text) || text.trim_end().ends_with(['，', ',', '：', ':', '、'])
}

pub(super) fn looks_like_heading(line: &str) -> bool {
    classify_line(line).0 == LineKind::Heading
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LineKind {
    Heading,
    ListItem,
    FigureCaption,
    TableCaption,
    Note,
    Text,
}

const BULLETS: &[char] = &[
    '-', '•', '●', '○', '■', '□', '◆', '◇', '▪', '※', '・', '‧', '*', '＊', '►', '➢', '✓',
];

/// The longest heading text (after its marker) we accept; longer numbered lines are list items.
const MAX_HEADING_CHARS: usize = 40;

pub(super) fn classify_line(line: &str) -> (LineKind, Option<Family>) {
    let t = line.trim_start_matches([' ', '\u{3000}', '\t']);
    if t.is_empty() {
        return (LineKind::Text, None);
    }
    if is_note_line(t) {
        return (LineKind::Note, None);
    }
    if let Some(kind) = caption_kind(t) {
        return (kind, None);
    }
    let first = t.chars().next().unwrap_or(' ');
    if BULLETS.contains(&first)
        && t.chars()
            .nth(1)
            .is_some_and(|c| c == ' ' || c == '\u{3000}' || !BULLETS.contains(&c))
    {
        return (LineKind::ListItem, None);
    }
    if ('①'..='⑳').contains(&first) || ('⑴'..='⒇').contains(&first) {
        return (LineKind::ListItem, None);
    }
    if let Some((family, marker_len)) = outline_marker(t) {
        let rest: String = t.chars().skip(marker_len).collect();
        let rest_len = rest.chars().count();
        // A heading names a part; a numbered line holding a sentence (commas, a formula) is
        // an item of a list.
        let heading_like = rest_len <= MAX_HEADING_CHARS
            && !ends_clause(&rest)
            && !rest.contains(['，', '。', '；', '＝', '='])
            && !rest.contains(" x ");
        return match family {
            // An article number alone or with a short title is a heading; with its text, a list item
            // would lose the number, so the whole article stays one block under its heading.
            Family::Article
            | Family::Chapter
            | Family::Section
            | Family::Capital
            | Family::Appendix => {
                if rest_len <= MAX_HEADING_CHARS && !ends_sentence(&rest) {
                    (LineKind::Heading, Some(family))
                } else {
                    (LineKind::ListItem, Some(family))
                }
            }
            _ if heading_like && rest_len > 0 => (LineKind::Heading, Some(family)),
            _ => (LineKind::ListItem, Some(family)),
        };
    }
    (LineKind::Text, None)
}

fn is_note_line(t: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "資料來源",
        "资料来源",
        "附註",
        "附注",
        "備註",
        "备注",
        "說明",
        "註",
        "注",
        "來源",
        "出處",
        "Source",
        "source",
    ];
    for p in PREFIXES {
        if let Some(rest) = t.strip_prefix(p) {
            let rest = rest.trim_start_matches(|c: char| {
                c.is_whitespace()
                    || to_digit(c).is_some()
                    || CHINESE_NUMERALS.contains(c)
                    || ('①'..='⑳').contains(&c)
            });
            if rest.starts_with(['：', ':']) {
                return true;
            }
        }
    }
    false
}

/// `圖一 …`, `圖3-1 …` → figure caption; `表四 …`, `表 1` → table caption.
pub(super) fn caption_kind(t: &str) -> Option<LineKind> {
    // 附表一 / 附圖2 (appendix tables and figures in laws and notices) caption like 表一.
    let t = t
        .strip_prefix("附")
        .filter(|r| r.starts_with(['表', '圖', '图']))
        .unwrap_or(t);
    let mut chars = t.chars();
    let kind = match chars.next()? {
        '圖' | '图' => LineKind::FigureCaption,
        '表' => LineKind::TableCaption,
        _ => return None,
    };
    let rest: Vec<char> = chars.collect();
    let mut i = 0;
    while rest.get(i).is_some_and(|c| *c == ' ' || *c == '\u{3000}') {
        i += 1;
    }
    let start = i;
    while rest.get(i).is_some_and(|c| {
        to_digit(*c).is_some()
            || CHINESE_NUMERALS.contains(*c)
            || matches!(c, '-' | '－' | '.' | '．' | '–')
    }) {
        i += 1;
    }
    if i == start {
        return None;
    }
    // The number is followed by the end, a space, a separator or the title itself; captions
    // are short and do not end a sentence.
    let total = t.chars().count();
    let next = rest.get(i);
    let ok_next = next.is_none_or(|c| {
        c.is_whitespace() || matches!(c, '：' | ':' | '、' | '　') || !c.is_ascii_punctuation()
    });
    if ok_next && total <= 80 && !ends_sentence(t) && !t.ends_with('，') {
        // 表示 / 圖書 are words, not captions: require the number to be a number.
        let number: String = rest[start..i].iter().collect();
        if number
            .chars()
            .any(|c| to_digit(c).is_some() || CHINESE_NUMERALS.contains(c))
        {
            return Some(kind);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_end_inside_closing_quotes() {
        assert!(ends_sentence("我是反『反冒進』的！」"));
        assert!(ends_sentence("而是個詮釋者。」"));
        assert!(ends_sentence("（詳見附表。）"));
        assert!(ends_sentence("結束。"));
        assert!(!ends_sentence("稱為「雙城論壇」"));
        assert!(!ends_sentence("（附表一）"));
        assert!(!ends_sentence("他說：「"));
    }

    #[test]
    fn heading_families() {
        for (line, kind) in [
            ("壹、研究背景", LineKind::Heading),
            ("貳 、 研究方法", LineKind::Heading),
            ("一、兩岸交流概況", LineKind::Heading),
            ("（一）臺北的全球城市競爭力", LineKind::Heading),
            ("(二) 臺北與國際城市交流網絡之連結", LineKind::Heading),
            ("1. 專案性交流的特色", LineKind::Heading),
            ("１、緣起", LineKind::Heading),
            ("（1）新北市", LineKind::Heading),
            ("第 一 章 緒論", LineKind::Heading),
            ("第12條", LineKind::Heading),
            ("附錄一 上海市級友好城市列表", LineKind::Heading),
            (
                "１、您對於其他單位所提意見，有無需要討論之處？",
                LineKind::ListItem,
            ),
            (
                "- (一) 若著眼於「雙城」當前民眾需求：「雙城」間",
                LineKind::ListItem,
            ),
            ("圖一 兩岸貿易總額：2008-2017", LineKind::FigureCaption),
            ("圖3-1 流程", LineKind::FigureCaption),
            ("表四 臺北市級姊妹市列表", LineKind::TableCaption),
            ("附表一", LineKind::TableCaption),
            ("附件一", LineKind::Text),
            ("資料來源：天下雜誌", LineKind::Note),
            ("註１：本表數據", LineKind::Note),
            ("2016.9 年度數據", LineKind::Text),
            ("表示同意本案。", LineKind::Text),
        ] {
            assert_eq!(classify_line(line).0, kind, "{line}");
        }
    }
}
