//! Structure recovery: decoded text → [`Report`] (metadata + blocks in document order).
//!
//! The input is plain text as PDF extractors and government web sites produce it: one line
//! per paragraph or per printed line, tables as TAB-separated rows, page breaks that cut
//! paragraphs and table rows in two. The output is the report model every later stage uses:
//! title, ISO date, metadata, and blocks (`heading`, `paragraph`, `list_item`, `table`,
//! `table_row`, `caption`, `note`), each with the section path above it. Block text is always
//! the original text (re-joined where a page break cut it); nothing is normalized here.

use super::blocks::BlockBuilder;
pub use super::dates::find_date;
pub use super::front_matter::join_into;
use super::front_matter::read_front_matter;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Kind of a block and of a passage, as shown in `parse --json`, in search hits, `get` and
/// the engine's documents, and used as a search facet and filter. It is spelled as text only
/// at the edges: JSON (its name), the index (its name as a facet, its letter in the doc
/// store), and what staff type (`--kind`, the page's filters).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Kind {
    Heading,
    /// The default of a passage built field by field.
    #[default]
    Paragraph,
    ListItem,
    Table,
    TableRow,
    Caption,
    Note,
}

impl Kind {
    /// Every kind, in declaration order, with its name (JSON, `--kind`, the index's kind
    /// field), the name readers see (the search page, `--kind` in Chinese) and the letter
    /// that stands for it in passage ids and the doc store. The one place any is spelled.
    const TABLE: [(Kind, &'static str, &'static str, char); 7] = [
        (Kind::Heading, "heading", "標題", 'h'),
        (Kind::Paragraph, "paragraph", "段落", 'p'),
        (Kind::ListItem, "list_item", "條列", 'l'),
        (Kind::Table, "table", "表格", 't'),
        (Kind::TableRow, "table_row", "表格列", 'r'),
        (Kind::Caption, "caption", "表題", 'c'),
        (Kind::Note, "note", "附註", 'n'),
    ];

    /// The kind's name: `heading`, `list_item`, …
    pub fn as_str(self) -> &'static str {
        Self::TABLE[self as usize].1
    }

    /// The kind's name for readers: 標題, 條列, …
    pub fn label(self) -> &'static str {
        Self::TABLE[self as usize].2
    }

    /// The letter that stands for the kind in passage ids.
    pub fn letter(self) -> char {
        Self::TABLE[self as usize].3
    }

    /// The kind whose [`Kind::as_str`] this is.
    pub fn from_name(name: &str) -> Option<Kind> {
        Self::TABLE
            .iter()
            .find(|row| row.1 == name)
            .map(|row| row.0)
    }

    /// The kind whose [`Kind::as_str`] or [`Kind::label`] this is, as staff type it: either
    /// name, around spaces, in either script or width (`表格列`, `表格行`, `TABLE_ROW`).
    pub fn from_typed(typed: &str) -> Option<Kind> {
        let typed = crate::analysis::fold::fold(typed.trim());
        Self::TABLE
            .iter()
            .find(|row| {
                crate::analysis::fold::fold(row.1) == typed
                    || crate::analysis::fold::fold(row.2) == typed
            })
            .map(|row| row.0)
    }

    /// The kinds a passage can have: a table's own block becomes its caption passage, its
    /// rows `table_row` passages, so no passage is of kind `table`.
    pub fn of_passages() -> impl Iterator<Item = Kind> {
        Self::TABLE
            .iter()
            .map(|row| row.0)
            .filter(|&kind| kind != Kind::Table)
    }

    /// The kind whose [`Kind::letter`] this is.
    pub fn from_letter(letter: char) -> Option<Kind> {
        Self::TABLE
            .iter()
            .find(|row| row.3 == letter)
            .map(|row| row.0)
    }
}

/// A kind serializes as its name.
impl Serialize for Kind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A kind prints as its name (`table_row`), as in JSON.
impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A kind deserializes from its name only (as JSON and the engine spell it).
impl<'de> Deserialize<'de> for Kind {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Kind, D::Error> {
        let name = String::deserialize(deserializer)?;
        Kind::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown kind {name:?}")))
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
    pub(super) fn new(kind: Kind, text: String, section: &[String]) -> Block {
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
pub(super) fn is_blank(line: &str) -> bool {
    let rest = line.replace("&#160;", "").replace("&nbsp;", "");
    rest.chars()
        .all(|c| c.is_whitespace() || matches!(c, '\u{feff}' | '?' | '\u{fffd}'))
}

pub(super) fn is_row(line: &str) -> bool {
    line.contains('\t') && line.chars().any(|c| !c.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_table_round_trips() {
        for (i, &(kind, name, _, letter)) in Kind::TABLE.iter().enumerate() {
            assert_eq!(kind as usize, i);
            assert_eq!((kind.as_str(), kind.letter()), (name, letter));
            assert_eq!(Kind::from_name(name), Some(kind));
            assert_eq!(Kind::from_letter(letter), Some(kind));
            assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{name}\""));
            assert_eq!(
                serde_json::from_str::<Kind>(&format!("\"{name}\"")).unwrap(),
                kind
            );
        }
        assert_eq!(Kind::from_name("figure"), None);
        assert_eq!(Kind::from_letter('x'), None);
    }

    #[test]
    fn kinds_are_typed_by_either_name_in_any_script() {
        assert_eq!(Kind::from_typed("table_row"), Some(Kind::TableRow));
        assert_eq!(Kind::from_typed("表格列"), Some(Kind::TableRow));
        assert_eq!(Kind::from_typed(" 表题 "), Some(Kind::Caption));
        assert_eq!(Kind::from_typed("ＮＯＴＥ"), Some(Kind::Note));
        assert_eq!(Kind::from_typed("段落"), Some(Kind::Paragraph));
        assert_eq!(Kind::from_typed("tabel"), None);
        assert!(!Kind::of_passages().any(|k| k == Kind::Table));
        assert_eq!(Kind::of_passages().count(), 6);
    }

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
    fn crlf_and_cr() {
        let r = parse("標題：t\r\n\r\n第一段。\r\n\r\n第二段。\r");
        assert_eq!(r.blocks.len(), 2);
        assert_eq!(r.blocks[1].text, "第二段。");
    }
}
