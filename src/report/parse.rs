//! Structure recovery: decoded text → [`Report`] (metadata + blocks in document order).
//!
//! The input is plain text as PDF extractors and government web sites produce it: one line
//! per paragraph or per printed line, tables as TAB-separated rows, page breaks that cut
//! paragraphs and table rows in two. The output is the report model every later stage uses:
//! title, ISO date, metadata, and blocks (`heading`, `paragraph`, `list_item`, `table`,
//! `table_row`, `caption`, `note`), each with the section path above it. Block text is always
//! the original text (re-joined where a page break cut it); nothing is normalized here.

use serde::Serialize;
use std::collections::BTreeMap;

/// Kind of a block, as shown in `parse --json` and used as a search facet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Heading,
    Paragraph,
    ListItem,
    Table,
    TableRow,
    Caption,
    Note,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Heading => "heading",
            Kind::Paragraph => "paragraph",
            Kind::ListItem => "list_item",
            Kind::Table => "table",
            Kind::TableRow => "table_row",
            Kind::Caption => "caption",
            Kind::Note => "note",
        }
    }

    /// The letter that stands for the kind in passage ids.
    pub fn letter(self) -> char {
        match self {
            Kind::Heading => 'h',
            Kind::Paragraph => 'p',
            Kind::ListItem => 'l',
            Kind::Table => 't',
            Kind::TableRow => 'r',
            Kind::Caption => 'c',
            Kind::Note => 'n',
        }
    }

    /// The kind whose [`Kind::letter`] this is.
    pub fn from_letter(letter: char) -> Option<Kind> {
        [
            Kind::Heading,
            Kind::Paragraph,
            Kind::ListItem,
            Kind::Table,
            Kind::TableRow,
            Kind::Caption,
            Kind::Note,
        ]
        .into_iter()
        .find(|k| k.letter() == letter)
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "heading" => Kind::Heading,
            "paragraph" => Kind::Paragraph,
            "list_item" => Kind::ListItem,
            "table" => Kind::Table,
            "table_row" => Kind::TableRow,
            "caption" => Kind::Caption,
            "note" => Kind::Note,
            _ => return None,
        })
    }
}

/// One unit of a report: a heading, a paragraph, a table row, …
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Block {
    pub kind: Kind,
    /// Original text; for a table row its cells (after fill-down) joined by TAB.
    pub text: String,
    /// Heading texts above this block, outermost first.
    pub section: Vec<String>,
    /// Caption of the table this row or table belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    /// Ordinal (1-based) of the table in the report: two tables may share a caption number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table_index: Option<usize>,
    /// Column names of the table.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<String>,
    /// Cells of a table row after merged cells were filled down.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cells: Vec<String>,
    /// Text that describes a table without being a row: unit lines, spanning titles.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table_note: Option<String>,
}

impl Block {
    fn new(kind: Kind, text: String, section: &[String]) -> Block {
        Block {
            kind,
            text,
            section: section.to_vec(),
            table: None,
            table_index: None,
            headers: Vec::new(),
            cells: Vec::new(),
            table_note: None,
        }
    }
}

/// Metadata found on a cover page or in a gazette header.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Meta {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commissioned_by: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// Other `key：value` header lines (字號, 篇別, 來源, …).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub other: BTreeMap<String, String>,
}

impl Meta {
    /// The body a facet should show: the agency, else the commissioning body.
    pub fn organisation(&self) -> Option<&str> {
        self.agency.as_deref().or(self.commissioned_by.as_deref())
    }
}

/// A parsed report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub title: String,
    pub date: Option<String>,
    pub meta: Meta,
    pub blocks: Vec<Block>,
}

/// Parse decoded text into a report. Never panics; any text gives some report.
pub fn parse(text: &str) -> Report {
    let lines: Vec<&str> = split_lines(text);
    let front = read_front_matter(&lines);
    let blocks = BlockBuilder::default().build(&lines, &front.skip);
    Report {
        title: front.title,
        date: front.date,
        meta: front.meta,
        blocks,
    }
}

/// Lines without their terminators; CRLF, CR and LF all end a line.
fn split_lines(text: &str) -> Vec<&str> {
    text.split('\n')
        .flat_map(|l| l.split('\r'))
        .map(|l| l.trim_end_matches([' ', '\u{3000}', '\u{a0}', '\u{feff}']))
        .collect()
}

/// A line with nothing to read: whitespace, or only what an encoder left for a character
/// it could not encode (a no-break space becomes `?` or `&#160;` in Big5).
fn is_blank(line: &str) -> bool {
    let rest = line.replace("&#160;", "").replace("&nbsp;", "");
    rest.chars()
        .all(|c| c.is_whitespace() || matches!(c, '\u{feff}' | '?' | '\u{fffd}'))
}

fn is_row(line: &str) -> bool {
    line.contains('\t') && line.chars().any(|c| !c.is_whitespace())
}

// ---------------------------------------------------------------------------------------
// Front matter: title, date, metadata.

struct FrontMatter {
    title: String,
    date: Option<String>,
    meta: Meta,
    /// Line numbers consumed by the front matter (not emitted as blocks).
    skip: Vec<bool>,
}

/// Cover lines that name the kind of document, not the document.
const GENERIC_LABELS: &[&str] = &[
    "委託研究報告",
    "研究報告",
    "期末報告",
    "期中報告",
    "成果報告",
    "結案報告",
    "委託研究計畫",
    "研究計畫",
    "政策研究報告",
    "專題研究報告",
    "委託研究計畫期末報告",
    "計畫成果報告",
];

/// How many lines at the top of a file may hold cover/header information.
const FRONT_WINDOW: usize = 40;

fn read_front_matter(lines: &[&str]) -> FrontMatter {
    let mut meta = Meta::default();
    let mut skip = vec![false; lines.len()];
    let mut date = None;
    let mut explicit_title = None;
    let window = lines.len().min(FRONT_WINDOW);

    for (i, raw) in lines.iter().enumerate().take(window) {
        let line = raw.trim();
        if let Some((key, value)) = split_key_value(line) {
            let value = value.trim();
            let consumed = match key {
                "標題" | "标题" | "題名" | "名稱" => {
                    explicit_title.get_or_insert_with(|| value.to_string());
                    true
                }
                "日期" | "發布日期" | "发布日期" | "發文日期" | "公布日期" => {
                    if date.is_none() {
                        date = find_date(value);
                    }
                    true
                }
                "計畫主持人" | "协同主持人" | "協同主持人" | "研究主持人" | "主持人"
                | "计划主持人" | "研究人員" | "研究人员" | "作者" => {
                    meta.authors.extend(split_list(value));
                    true
                }
                "機關" | "机关" | "發布機關" | "主管機關" => {
                    meta.agency.get_or_insert_with(|| value.to_string());
                    true
                }
                "類別" | "类别" => {
                    meta.category.get_or_insert_with(|| value.to_string());
                    true
                }
                "關鍵詞" | "关键词" | "關鍵字" | "关键字" => {
                    meta.keywords.extend(split_list(value));
                    true
                }
                "委託單位" | "委托单位" | "委託機關" => {
                    meta.commissioned_by
                        .get_or_insert_with(|| value.to_string());
                    true
                }
                "字號" | "篇別" | "來源" | "发文字号" | "文號" | "執行單位" | "研究單位" =>
                {
                    meta.other.insert(key.to_string(), value.to_string());
                    true
                }
                _ => false,
            };
            if consumed {
                skip[i] = true;
                continue;
            }
        }
        if let Some(body) = commissioning_body(line) {
            meta.commissioned_by.get_or_insert(body);
            skip[i] = true;
        }
    }

    // A date line on the cover (中華民國 106 年 12 月 25 日) when no 日期： line was found.
    if date.is_none() {
        for (i, raw) in lines.iter().enumerate().take(window) {
            let line = raw.trim();
            if line.chars().count() <= 30
                && let Some(d) = find_date(line)
            {
                date = Some(d);
                if is_date_only(line) {
                    skip[i] = true;
                }
                break;
            }
        }
    }
    if date.is_none() {
        date = lines.iter().take(200).find_map(|l| find_date(l));
    }

    let title = match explicit_title {
        Some(t) => t,
        None => find_title(lines, window, &mut skip),
    };
    // Cover labels (委託研究報告) and the title repeated on the cover are not passages.
    let squeeze = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let title_key = squeeze(&title);
    for (i, raw) in lines.iter().enumerate().take(window) {
        let line = raw.trim();
        if GENERIC_LABELS.contains(&line) || !title_key.is_empty() && squeeze(line) == title_key {
            skip[i] = true;
        }
    }
    FrontMatter {
        title,
        date,
        meta,
        skip,
    }
}

/// `key：value` where key is a short label; accepts full-width and ASCII colons.
fn split_key_value(line: &str) -> Option<(&str, &str)> {
    let idx = line.find(['：', ':'])?;
    let key = line[..idx].trim();
    let value = &line[idx + line[idx..].chars().next()?.len_utf8()..];
    let chars = key.chars().count();
    if (1..=6).contains(&chars) && !key.contains(' ') {
        Some((key, value))
    } else {
        None
    }
}

fn split_list(value: &str) -> Vec<String> {
    value
        .split(['、', '，', ',', ';', '；', '/', '／'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// `臺北市政府委託研究` → `臺北市政府`.
fn commissioning_body(line: &str) -> Option<String> {
    if line.chars().count() > 30 {
        return None;
    }
    for marker in ["委託研究", "委托研究", "委託辦理", "委託"] {
        if let Some(idx) = line.find(marker) {
            let body = line[..idx].trim();
            let rest = line[idx + marker.len()..].trim();
            let rest_ok =
                rest.is_empty() || ["報告", "计划", "計畫", "案", "成果報告"].contains(&rest);
            if !body.is_empty() && rest_ok && body.chars().count() >= 2 {
                return Some(body.to_string());
            }
        }
    }
    None
}

fn is_date_only(line: &str) -> bool {
    let stripped: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    let rest = stripped
        .trim_start_matches("中華民國")
        .trim_start_matches("民國")
        .trim_start_matches("西元");
    rest.chars().all(|c| {
        c.is_ascii_digit() || "年月日〇零一二三四五六七八九十０１２３４５６７８９".contains(c)
    })
}

/// A line longer than this is never taken for the title.
const MAX_TITLE_CHARS: usize = 200;

fn find_title(lines: &[&str], window: usize, skip: &mut [bool]) -> String {
    let mut parts: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < window {
        let line = lines[i].trim();
        let usable = !line.is_empty()
            && !skip[i]
            && !is_row(lines[i])
            && !GENERIC_LABELS.contains(&line)
            && !is_date_only(line);
        if !usable {
            if !parts.is_empty() && !line.is_empty() {
                break;
            }
            i += 1;
            continue;
        }
        if parts.is_empty() {
            // A long first line is text, not a title (and would be copied into every
            // passage of the report).
            if line.chars().nth(MAX_TITLE_CHARS).is_some() {
                break;
            }
            parts.push(i);
            // A gazette-style file: the first line is the title, header lines follow at once.
            if lines
                .get(i + 1)
                .is_some_and(|l| split_key_value(l.trim()).is_some())
            {
                break;
            }
        } else {
            let so_far: usize = parts.iter().map(|&p| lines[p].trim().chars().count()).sum();
            let cont = line.chars().count() <= 20
                && so_far <= 30
                && !ends_sentence(lines[*parts.last().unwrap()].trim())
                && !looks_like_heading(line);
            if cont {
                parts.push(i);
            } else {
                break;
            }
        }
        i += 1;
    }
    // Join only a title that was cut (the cover sets it over lines); if the text repeats the
    // whole title as one line soon after, that confirms the join.
    let title = join_parts(parts.iter().map(|&p| lines[p].trim()));
    for &p in &parts {
        skip[p] = true;
    }
    title
}

fn join_parts<'a>(parts: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for p in parts {
        join_into(&mut out, p);
    }
    out
}

/// Appends `next` to `out` as a continuation of the same sentence: no space between CJK
/// characters, one space between Latin words.
pub fn join_into(out: &mut String, next: &str) {
    let next = next.trim_start_matches([' ', '\u{3000}']);
    if let (Some(a), Some(b)) = (out.chars().last(), next.chars().next())
        && needs_space(a, b)
    {
        out.push(' ');
    }
    out.push_str(next);
}

fn needs_space(a: char, b: char) -> bool {
    let latin_end = a.is_ascii_alphanumeric() || matches!(a, ',' | '.' | ';' | ':' | ')' | '%');
    let latin_start = b.is_ascii_alphanumeric() || matches!(b, '(' | '"');
    latin_end && latin_start
}

// ---------------------------------------------------------------------------------------
// Dates.

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

fn starts_with_at(chars: &[char], i: usize, s: &str) -> bool {
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

fn to_digit(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        '０'..='９' => Some((c as u32 - '０' as u32) as u8),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// Line classification.

/// A heading family: headings of the same family are siblings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
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
fn outline_marker(line: &str) -> Option<(Family, usize)> {
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

fn ends_sentence(text: &str) -> bool {
    text.trim_end()
        .chars()
        .last()
        .is_some_and(|c| "。！？；!?;…".contains(c) || c == '」' && text.ends_with("。」"))
}

/// A line that would end a sentence or clause — not a heading.
fn ends_clause(text: &str) -> bool {
    ends_sentence(text) || text.trim_end().ends_with(['，', ',', '：', ':', '、'])
}

fn looks_like_heading(line: &str) -> bool {
    classify_line(line).0 == LineKind::Heading
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineKind {
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

fn classify_line(line: &str) -> (LineKind, Option<Family>) {
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
fn caption_kind(t: &str) -> Option<LineKind> {
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

// ---------------------------------------------------------------------------------------
// Block building.

/// A block shorter than this that stops before a blank line is a title or label, not a
/// paragraph cut by a page break.
const MIN_CUT_PARAGRAPH_CHARS: usize = 20;

#[derive(Default)]
struct BlockBuilder {
    blocks: Vec<Block>,
    /// Heading stack: (family, text).
    outline: Vec<(Option<Family>, String)>,
    tables: usize,
    /// Whether the last text block was closed by a blank line (a page break candidate).
    gap_since_last: bool,
}

impl BlockBuilder {
    fn section(&self) -> Vec<String> {
        self.outline.iter().map(|(_, t)| t.clone()).collect()
    }

    fn build(mut self, lines: &[&str], skip: &[bool]) -> Vec<Block> {
        let mut i = 0;
        while i < lines.len() {
            let line = lines[i];
            if skip.get(i).copied().unwrap_or(false) || is_blank(line) {
                self.gap_since_last = true;
                i += 1;
                continue;
            }
            if is_row(line) {
                // A table: rows with only blank lines between them.
                let mut rows = Vec::new();
                let mut j = i;
                let mut after_blank = false;
                while j < lines.len() {
                    if is_blank(lines[j]) {
                        after_blank = true;
                        j += 1;
                        continue;
                    }
                    if !is_row(lines[j]) {
                        break;
                    }
                    rows.push((lines[j], after_blank));
                    after_blank = false;
                    j += 1;
                }
                self.push_table(&rows);
                self.gap_since_last = true;
                i = j;
                continue;
            }
            self.push_line(line.trim());
            self.gap_since_last = false;
            i += 1;
        }
        self.blocks
    }

    fn push_line(&mut self, line: &str) {
        let (kind, family) = classify_line(line);
        match kind {
            LineKind::Heading => {
                let family = family.unwrap_or(Family::Numeral);
                if let Some(pos) = self.outline.iter().position(|(f, _)| *f == Some(family)) {
                    self.outline.truncate(pos);
                }
                let section = self.section();
                self.blocks
                    .push(Block::new(Kind::Heading, line.to_string(), &section));
                self.outline.push((Some(family), line.to_string()));
            }
            LineKind::ListItem => {
                let section = self.section();
                self.blocks
                    .push(Block::new(Kind::ListItem, line.to_string(), &section));
            }
            LineKind::FigureCaption | LineKind::TableCaption => {
                let section = self.section();
                self.blocks
                    .push(Block::new(Kind::Caption, line.to_string(), &section));
            }
            LineKind::Note => {
                let section = self.section();
                self.blocks
                    .push(Block::new(Kind::Note, line.to_string(), &section));
            }
            LineKind::Text => {
                if self.continues_previous(line) {
                    let last = self
                        .blocks
                        .last_mut()
                        .expect("checked by continues_previous");
                    join_into(&mut last.text, line);
                } else {
                    let section = self.section();
                    self.blocks
                        .push(Block::new(Kind::Paragraph, line.to_string(), &section));
                }
            }
        }
    }

    /// Whether a text line continues the previous block: a paragraph or list item that does
    /// not end a sentence, cut by a page break or hard-wrapped by an extractor.
    fn continues_previous(&self, line: &str) -> bool {
        let Some(last) = self.blocks.last() else {
            return false;
        };
        if !matches!(last.kind, Kind::Paragraph | Kind::ListItem | Kind::Note) {
            return false;
        }
        if last.kind == Kind::Note && self.gap_since_last {
            return false;
        }
        if ends_sentence(&last.text) {
            return false;
        }
        if is_unit_line(line) {
            return false;
        }
        let first = line.chars().next().unwrap_or(' ');
        // A line opening a quotation or a bracket after a clause end starts something new.
        if self.gap_since_last && ends_clause(&last.text) && matches!(first, '「' | '『' | '《')
        {
            return false;
        }
        if !self.gap_since_last {
            // Hard-wrapped lines: join unless the previous line ended a clause with a colon
            // (a lead-in to what follows) — then keep them apart.
            return !last.text.trim_end().ends_with(['：', ':']);
        }
        // Across a blank line (page break): the previous block stopped mid-sentence, and it
        // was long enough to have run into the page end (a short line is a title or label).
        last.text.chars().count() >= MIN_CUT_PARAGRAPH_CHARS
            && !last.text.trim_end().ends_with(['：', ':'])
    }

    fn push_table(&mut self, rows: &[(&str, bool)]) {
        // Split into cells; merge continuation lines (only one non-empty cell, not the first,
        // which is the rest of a cell cut by a page break) into the row above.
        let mut raw: Vec<Vec<String>> = Vec::new();
        let mut prelude: Vec<String> = Vec::new();
        for (line, _after_blank) in rows {
            let cells: Vec<String> = line.split('\t').map(|c| c.trim().to_string()).collect();
            let non_empty: Vec<usize> =
                (0..cells.len()).filter(|&k| !cells[k].is_empty()).collect();
            if raw.is_empty() {
                // Single-cell lines before the header row: a spanning title or a unit line.
                if non_empty.len() <= 1 {
                    if let Some(&k) = non_empty.first() {
                        prelude.push(cells[k].clone());
                    }
                    continue;
                }
            } else if non_empty.len() == 1 && non_empty[0] > 0 {
                let k = non_empty[0];
                let prev = raw.last_mut().expect("raw is not empty");
                if prev.len() <= k {
                    prev.resize(k + 1, String::new());
                }
                let cell = &mut prev[k];
                join_into(cell, &cells[k]);
                continue;
            } else if non_empty.is_empty() {
                continue;
            }
            raw.push(cells);
        }
        if raw.is_empty() {
            // No line with two cells: paragraphs indented with a TAB, not a table (as a table
            // without rows their text would be no passage at all).
            for (line, after_blank) in rows {
                let text = line.trim_matches(|c: char| c.is_whitespace());
                if *after_blank {
                    self.gap_since_last = true;
                }
                if !text.is_empty() {
                    self.push_line(text);
                    self.gap_since_last = false;
                }
            }
            return;
        }

        let (caption, extra_note) = self.take_caption();
        let mut note_parts: Vec<String> = extra_note.into_iter().collect();
        note_parts.extend(prelude.iter().cloned());
        let table_note = (!note_parts.is_empty()).then(|| note_parts.join(" "));

        self.tables += 1;
        let table_index = self.tables;
        let section = self.section();
        let caption_text = caption.clone().unwrap_or_default();

        let mut rows_iter = raw.into_iter();
        let headers: Vec<String> = match rows_iter.len() {
            0 => Vec::new(),
            1 => Vec::new(),
            _ => rows_iter.next().unwrap_or_default(),
        };
        let headers = trim_trailing_empty(headers);

        let mut table_block = Block::new(Kind::Table, caption_text.clone(), &section);
        table_block.table = caption.clone();
        table_block.table_index = Some(table_index);
        table_block.headers = headers.clone();
        table_block.table_note = table_note.clone();
        if table_block.text.is_empty() {
            table_block.text = headers.join("\t");
        }
        self.blocks.push(table_block);

        let mut above: Vec<String> = Vec::new();
        for cells in rows_iter {
            let mut cells = trim_trailing_empty(cells);
            // A repeated header row (tables continued on the next page) is not data.
            if !headers.is_empty() && cells == headers {
                continue;
            }
            let leading = cells.iter().take_while(|c| c.is_empty()).count();
            for (k, cell) in cells.iter_mut().enumerate().take(leading) {
                if let Some(v) = above.get(k) {
                    cell.clone_from(v);
                }
            }
            above.clone_from(&cells);
            let mut block = Block::new(Kind::TableRow, cells.join("\t"), &section);
            block.table = caption.clone();
            block.table_index = Some(table_index);
            block.headers = headers.clone();
            block.cells = cells;
            block.table_note = table_note.clone();
            self.blocks.push(block);
        }
    }

    /// Removes the caption lines that precede a table (a `表X` line, optionally followed by a
    /// title line and a `單位：` line; or an appendix heading; or a short title ending in 表)
    /// and returns (caption, unit line).
    fn take_caption(&mut self) -> (Option<String>, Option<String>) {
        let mut unit = None;
        if let Some(last) = self.blocks.last()
            && is_unit_line(&last.text)
            && last.kind != Kind::TableRow
        {
            unit = Some(last.text.clone());
            self.blocks.pop();
        }
        let n = self.blocks.len();
        let last = self.blocks.last();
        let Some(last) = last else {
            return (None, unit);
        };
        let short_title = |b: &Block| {
            b.kind == Kind::Paragraph && b.text.chars().count() <= 60 && !ends_clause(&b.text)
        };
        // 表1 / title line
        if n >= 2 && short_title(last) {
            let before = &self.blocks[n - 2];
            if before.kind == Kind::Caption
                && caption_kind(&before.text) == Some(LineKind::TableCaption)
            {
                let mut caption = before.text.clone();
                caption.push(' ');
                caption.push_str(last.text.trim());
                self.blocks.truncate(n - 2);
                return (Some(caption), unit);
            }
        }
        if last.kind == Kind::Caption && caption_kind(&last.text) == Some(LineKind::TableCaption) {
            let caption = last.text.clone();
            self.blocks.pop();
            return (Some(caption), unit);
        }
        if last.kind == Kind::Heading
            && matches!(outline_marker(&last.text), Some((Family::Appendix, _)))
        {
            return (Some(last.text.clone()), unit);
        }
        // A short line ending in 表/一覽, or any short line right above a 單位： line, titles
        // the table below it.
        let titled = last.text.ends_with('表') || last.text.ends_with("一覽") || unit.is_some();
        if short_title(last) && titled {
            let caption = last.text.clone();
            self.blocks.pop();
            return (Some(caption), unit);
        }
        (None, unit)
    }
}

fn is_unit_line(text: &str) -> bool {
    let t = text.trim();
    (t.starts_with("單位") || t.starts_with("单位")) && t.chars().count() <= 40
}

fn trim_trailing_empty(mut cells: Vec<String>) -> Vec<String> {
    while cells.last().is_some_and(|c| c.is_empty()) {
        cells.pop();
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = include_str!("../../corpus/taipei-shanghai-city-exchange-2017.txt");

    fn sample() -> Report {
        parse(SAMPLE)
    }

    #[test]
    fn sample_title_and_date() {
        let r = sample();
        assert_eq!(r.title, "兩岸城市交流之機遇與風險評估");
        assert_eq!(r.date.as_deref(), Some("2017-12-25"));
        assert_eq!(r.meta.commissioned_by.as_deref(), Some("臺北市政府"));
        assert_eq!(r.meta.authors, vec!["王信賢", "王占璽", "林雅鈴"]);
    }

    #[test]
    fn sample_tables() {
        let r = sample();
        let tables: Vec<&Block> = r.blocks.iter().filter(|b| b.kind == Kind::Table).collect();
        let captions: Vec<&str> = tables
            .iter()
            .map(|b| b.table.as_deref().unwrap_or(""))
            .collect();
        assert_eq!(tables.len(), 9, "{captions:?}");
        assert!(captions[0].starts_with("表一"));
        assert!(captions[8].starts_with("附錄一"));
        let table4: Vec<&Block> = r
            .blocks
            .iter()
            .filter(|b| {
                b.kind == Kind::TableRow
                    && b.table.as_deref().is_some_and(|t| t.starts_with("表四"))
            })
            .collect();
        assert_eq!(table4.len(), 47);
        let vilnius = table4.iter().find(|b| b.text.contains("Vilnius")).unwrap();
        assert_eq!(
            vilnius.cells,
            vec!["歐洲", "立陶宛", "維爾紐斯市", "Vilnius", "1998.05.28"]
        );
        assert_eq!(vilnius.headers[0], "洲別");
        assert!(
            table4
                .iter()
                .all(|b| !b.cells[0].is_empty() && !b.cells[1].is_empty())
        );
        // Two tables numbered 表五 keep distinct identities.
        let fives: Vec<usize> = tables
            .iter()
            .filter(|b| b.table.as_deref().unwrap_or("").starts_with("表五"))
            .map(|b| b.table_index.unwrap())
            .collect();
        assert_eq!(fives.len(), 2);
        assert_ne!(fives[0], fives[1]);
    }

    #[test]
    fn sample_page_breaks_rejoined() {
        let r = sample();
        assert!(r.blocks.iter().any(|b| {
            b.kind == Kind::Paragraph
                && b.text
                    .contains("建設兩岸產業合作區，開放臺資企業的內銷市場")
        }));
        // A row cut by a page break keeps the rest of its cell.
        assert!(r.blocks.iter().any(|b| b.kind == Kind::TableRow
            && b.text.contains("深入探討，互換經驗。")
            && b.text.starts_with("2017.04.20")));
    }

    #[test]
    fn sample_captions_sections_lists() {
        let r = sample();
        let figures: Vec<&str> = r
            .blocks
            .iter()
            .filter(|b| b.kind == Kind::Caption)
            .map(|b| b.text.as_str())
            .collect();
        assert_eq!(figures.len(), 4, "{figures:?}");
        assert!(figures.iter().all(|c| c.starts_with('圖')));
        let p = r
            .blocks
            .iter()
            .find(|b| b.text.starts_with("2011 年 2 月先後有遼寧省錦州市"))
            .unwrap();
        assert_eq!(
            p.section,
            vec![
                "貳、兩岸城市交流模式與現況",
                "一、兩種模式：專案性交流與機制性交流",
                "（一）專案性交流模式",
                "2. 專案性交流的案例",
                "（1）新北市"
            ]
        );
        let items = r.blocks.iter().filter(|b| b.kind == Kind::ListItem).count();
        assert!(items >= 6, "{items}");
        assert!(
            r.blocks
                .iter()
                .any(|b| b.kind == Kind::Note && b.text.starts_with("資料來源：天下雜誌"))
        );
    }

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

    #[test]
    fn gazette_header() {
        let text = "行政院第3483次會議院長提示\n機關：行政院\n日期：中華民國105年1月14日\n類別：專載\n關鍵詞：議事錄;政府施政\n\n一、院長提示\n\n本院持續推動。\n";
        let r = parse(text);
        assert_eq!(r.title, "行政院第3483次會議院長提示");
        assert_eq!(r.date.as_deref(), Some("2016-01-14"));
        assert_eq!(r.meta.agency.as_deref(), Some("行政院"));
        assert_eq!(r.meta.keywords, vec!["議事錄", "政府施政"]);
        assert_eq!(r.blocks[0].kind, Kind::Heading);
        assert_eq!(r.blocks[1].section, vec!["一、院長提示"]);
    }

    #[test]
    fn table_caption_from_number_and_title_lines() {
        let text = "標題：測試\n\n表1\n\n90年至94年營運概況表\n\n單位：新台幣仟元\n\n年度\t營收\t成長率\n90\t138\t15%\n91\t142\t3%\n\n資料來源：各業者\n";
        let r = parse(text);
        let rows: Vec<&Block> = r
            .blocks
            .iter()
            .filter(|b| b.kind == Kind::TableRow)
            .collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].table.as_deref(), Some("表1 90年至94年營運概況表"));
        assert_eq!(rows[0].headers, vec!["年度", "營收", "成長率"]);
        assert_eq!(rows[0].table_note.as_deref(), Some("單位：新台幣仟元"));
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

    #[test]
    fn hard_wrapped_lines_rejoin() {
        let text =
            "標題：x\n\n本報告旨在探討當前兩岸城市交流的現況\n與評估，特別是臺北市。\n下一段開始\n";
        let r = parse(text);
        assert_eq!(
            r.blocks[0].text,
            "本報告旨在探討當前兩岸城市交流的現況與評估，特別是臺北市。"
        );
        assert_eq!(r.blocks[1].text, "下一段開始");
    }

    #[test]
    fn latin_words_join_with_space() {
        let mut s = String::from("Global Power");
        join_into(&mut s, "City Index");
        assert_eq!(s, "Global Power City Index");
        let mut s = String::from("兩岸產業");
        join_into(&mut s, "合作區");
        assert_eq!(s, "兩岸產業合作區");
    }

    #[test]
    fn crlf_and_cr() {
        let r = parse("標題：t\r\n\r\n第一段。\r\n\r\n第二段。\r");
        assert_eq!(r.blocks.len(), 2);
        assert_eq!(r.blocks[1].text, "第二段。");
    }
}
