//! OpenDocument (`.odt` text, `.ods` spreadsheet) → text: `content.xml` read with `zip` +
//! `quick-xml`, in document order, rendered as DOCX is ([`super::docx::render`]).
//!
//! - a paragraph (`text:p`) or heading (`text:h`, any `text:outline-level`) is one line
//!   (`text:line-break` starts a new one); `text:s` is spaces, `text:tab` a TAB (a run of
//!   paragraphs with the same number of TABs is a tab-stop table, as in DOCX); a list item's
//!   label (`text:number`, the numbering LibreOffice stores) opens its paragraph, and a
//!   numbered heading's number is set apart from its text by a space;
//! - a table (`table:table`, header rows `table:table-header-rows` first, as the file has
//!   them) becomes TAB-separated rows; a cell spanning columns is followed by empty cells, a
//!   cell spanning rows is an empty cell below it when it leads the row (the parser fills
//!   it down) and repeats its text otherwise; a caption paragraph (`表…` holding a
//!   `text:sequence` number) placed under its table is moved above it, where the parser
//!   looks; repeated rows and columns (`number-*-repeated`, spreadsheets) are bounded;
//! - a spreadsheet's sheets are tables, each preceded by its name;
//! - notes, annotations, tracked deletions and shape descriptions are skipped;
//! - pages: a `text:soft-page-break` (where the producer laid out a page end) or a paragraph
//!   whose automatic style breaks the page (`fo:break-before`/`fo:break-after="page"`) ends
//!   a page; [`Extracted::pages`] holds each page's text when the file marks any;
//! - `meta.xml`: the title (`dc:title`), date (`meta:creation-date`, else `dc:date`) and
//!   author (`meta:initial-creator`, else `dc:creator`) are put in front of the text as
//!   `標題：`/`日期：`/`作者：` lines when the text itself gives none.

use std::collections::HashSet;
use std::io::{Cursor, Read};

use quick_xml::events::BytesStart;

use super::docx::{Cell, Piece, Table, render};
use super::{Extracted, FormatError, XmlWalker, extracted, walk_xml};
use crate::ingest::decode::DecodeError;
use crate::report::parse::parse;

/// Largest zip entry we inflate (a zip bomb guard).
const MAX_XML_BYTES: u64 = 256 << 20;
/// Largest column or row span honoured.
const MAX_SPAN: usize = 64;
/// Most copies of a repeated row or cell holding text (spreadsheets repeat empty ones by
/// the million).
const MAX_REPEAT: usize = 64;

/// Which OpenDocument kind a file is, by its `mimetype` entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Spreadsheet,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Text => "odt",
            Kind::Spreadsheet => "ods",
        }
    }
}

/// The OpenDocument kind of a zip file's first bytes (the uncompressed `mimetype` entry
/// comes first in every OpenDocument package).
pub fn sniff(head: &[u8]) -> Option<Kind> {
    let head = &head[..head.len().min(200)];
    if super::find(head, b"application/vnd.oasis.opendocument.text").is_some() {
        Some(Kind::Text)
    } else if super::find(head, b"application/vnd.oasis.opendocument.spreadsheet").is_some() {
        Some(Kind::Spreadsheet)
    } else {
        None
    }
}

/// Extracts the text of an OpenDocument text or spreadsheet file.
pub fn extract(kind: Kind, bytes: &[u8]) -> Result<Extracted, FormatError> {
    let corrupt = |what: &dyn std::fmt::Display| {
        FormatError::Corrupt(format!("corrupt {}: {what}", kind.name()))
    };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| corrupt(&e))?;
    let content = read_entry(&mut zip, "content.xml").map_err(|e| corrupt(&e))?;
    let content = utf8(content).map_err(|e| corrupt(&e))?;
    let body = std::panic::catch_unwind(|| body_text(&content, kind))
        .map_err(|_| corrupt(&"unreadable content.xml"))?
        .map_err(|e| corrupt(&e))?;
    if body.text.trim().is_empty() {
        return Err(FormatError::Decode(DecodeError::Empty));
    }
    // meta.xml is optional; a damaged one only loses the metadata.
    let meta = read_entry(&mut zip, "meta.xml")
        .ok()
        .and_then(|m| utf8(m).ok())
        .map(|m| read_meta(&m))
        .unwrap_or_default();
    let text = with_meta(body.text, &meta);
    let mut out = extracted(text, kind.name());
    if body.pages.len() > 1 {
        out.pages = body.pages;
    }
    Ok(out)
}

/// The bytes of one entry of the package, at most [`MAX_XML_BYTES`].
fn read_entry(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Result<Vec<u8>, String> {
    let file = zip.by_name(name).map_err(|e| format!("{name}: {e}"))?;
    let mut raw = Vec::new();
    file.take(MAX_XML_BYTES)
        .read_to_end(&mut raw)
        .map_err(|e| format!("{name}: {e}"))?;
    Ok(raw)
}

fn utf8(raw: Vec<u8>) -> Result<String, String> {
    let raw = raw.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&raw).to_vec();
    String::from_utf8(raw).map_err(|_| "XML is not UTF-8".to_string())
}

/// The document's text and, when the file marks page ends, each page's text.
struct Body {
    text: String,
    pages: Vec<String>,
}

fn body_text(xml: &str, kind: Kind) -> Result<Body, String> {
    let mut w = Walker {
        sheets: kind == Kind::Spreadsheet,
        ..Walker::default()
    };
    walk_xml(xml, &mut w)?;
    // Unclosed elements at the end of a truncated document: keep what was read.
    while let Some(p) = w.paragraphs.pop() {
        w.pieces.push(Placed {
            page: p.page,
            piece: Piece::Paragraph(p.text),
            caption: false,
        });
    }
    let mut placed = w.pieces;
    // A caption under its table goes above it, where the parser looks for it.
    for i in 1..placed.len() {
        if placed[i].caption && matches!(placed[i - 1].piece, Piece::Table(_)) {
            placed.swap(i - 1, i);
        }
    }
    let last_page = placed.iter().map(|p| p.page).max().unwrap_or(0);
    let mut pages = vec![Vec::new(); last_page + 1];
    let mut all = Vec::with_capacity(placed.len());
    for p in placed {
        if last_page > 0 {
            pages[p.page].push(p.piece.clone());
        }
        all.push(p.piece);
    }
    Ok(Body {
        text: render(all),
        pages: if last_page > 0 {
            pages.into_iter().map(render).collect()
        } else {
            Vec::new()
        },
    })
}

/// A piece of the body and the page it starts on.
struct Placed {
    page: usize,
    piece: Piece,
    /// A `表…` paragraph numbered by a `text:sequence` (a caption).
    caption: bool,
}

#[derive(Default)]
struct Paragraph {
    text: String,
    page: usize,
    numbered: bool,
}

/// Where a cell spanning rows covers the rows below it.
#[derive(Clone, Copy)]
struct RowSpan {
    origin_row: usize,
    last_row: usize,
    origin_col: usize,
    cols: usize,
}

#[derive(Default)]
struct OdfTable {
    table: Table,
    /// Column of the next cell in the current row.
    col: usize,
    /// Rows started so far.
    row_index: usize,
    /// Per column, the cell above that spans down over it.
    spans: Vec<Option<RowSpan>>,
    /// Copies of the current row / cell (`number-rows-repeated`, `number-columns-repeated`).
    row_repeat: usize,
    cell_repeat: usize,
    page: usize,
}

#[derive(Default)]
struct Walker {
    sheets: bool,
    pieces: Vec<Placed>,
    tables: Vec<OdfTable>,
    paragraphs: Vec<Paragraph>,
    /// A list item's label read before its paragraph opens.
    label: String,
    in_label: bool,
    /// Depth inside skipped content.
    skip: usize,
    page: usize,
    /// Whether anything was read since the last page end (a break before the first
    /// paragraph starts no page).
    page_has_text: bool,
    /// Automatic styles that start / end a page.
    break_before: HashSet<String>,
    break_after: HashSet<String>,
    /// The automatic style being read.
    style: Option<String>,
    /// Styles of the open paragraphs and tables whose end breaks the page.
    pending_break_after: usize,
}

fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .map(|a| a.value.into_owned())
}

fn count(e: &BytesStart<'_>, key: &str, max: usize) -> usize {
    attr(e, key)
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, max)
}

impl Walker {
    /// A paragraph or table with `style` starts: a page break before it.
    fn style_breaks(&mut self, e: &BytesStart<'_>, key: &str) -> bool {
        let style = attr(e, key);
        if style
            .as_ref()
            .is_some_and(|s| self.break_before.contains(s))
        {
            self.page_break();
        }
        style.is_some_and(|s| self.break_after.contains(&s))
    }

    fn page_break(&mut self) {
        if self.page_has_text {
            self.page += 1;
            self.page_has_text = false;
        }
    }

    fn place(&mut self, page: usize, piece: Piece, caption: bool) {
        self.pieces.push(Placed {
            page,
            piece,
            caption,
        });
    }
}

impl XmlWalker for Walker {
    fn wants_text(&self) -> bool {
        self.skip == 0 && (self.in_label || !self.paragraphs.is_empty())
    }

    fn start(&mut self, e: &BytesStart<'_>, empty: bool) {
        let name = e.name();
        let name = name.as_ref();
        if self.skip > 0 {
            if !empty {
                self.skip += 1;
            }
            return;
        }
        match name {
            "text:note"
            | "office:annotation"
            | "text:tracked-changes"
            | "svg:title"
            | "svg:desc"
            | "text:note-citation"
                if !empty =>
            {
                self.skip = 1
            }
            "style:style" => self.style = attr(e, "style:name"),
            "style:paragraph-properties" | "style:table-properties" => {
                if let Some(style) = self.style.clone() {
                    if attr(e, "fo:break-before").as_deref() == Some("page") {
                        self.break_before.insert(style.clone());
                    }
                    if attr(e, "fo:break-after").as_deref() == Some("page") {
                        self.break_after.insert(style);
                    }
                }
            }
            "text:soft-page-break" => self.page_break(),
            "text:p" | "text:h" => {
                if self.style_breaks(e, "text:style-name") {
                    self.pending_break_after += 1;
                }
                let text = std::mem::take(&mut self.label);
                self.paragraphs.push(Paragraph {
                    text,
                    page: self.page,
                    numbered: false,
                });
            }
            "text:number" if self.paragraphs.is_empty() => {
                self.label.clear();
                self.in_label = true;
            }
            "text:sequence" => {
                if let Some(p) = self.paragraphs.last_mut() {
                    p.numbered = true;
                }
            }
            "text:s" => {
                let n = count(e, "text:c", MAX_SPAN);
                self.push_text(&" ".repeat(n));
            }
            "text:tab" => self.push_text("\t"),
            "text:line-break" => self.push_text("\n"),
            "table:table" => {
                if self.sheets
                    && let Some(name) = attr(e, "table:name")
                {
                    let page = self.page;
                    self.place(page, Piece::Paragraph(name), false);
                }
                self.style_breaks(e, "table:style-name");
                self.tables.push(OdfTable {
                    page: self.page,
                    ..OdfTable::default()
                });
            }
            "table:table-row" => {
                let repeat = count(e, "table:number-rows-repeated", usize::MAX);
                if let Some(t) = self.tables.last_mut() {
                    t.table.row = Vec::new();
                    t.col = 0;
                    t.row_repeat = repeat;
                }
            }
            "table:table-cell" => {
                let cols = count(e, "table:number-columns-spanned", MAX_SPAN);
                let rows = count(e, "table:number-rows-spanned", usize::MAX);
                let repeat = count(e, "table:number-columns-repeated", usize::MAX);
                if let Some(t) = self.tables.last_mut() {
                    if rows > 1 {
                        let span = RowSpan {
                            origin_row: t.row_index,
                            last_row: t.row_index.saturating_add(rows - 1),
                            origin_col: t.col,
                            cols,
                        };
                        let end = t.col + cols;
                        if t.spans.len() < end {
                            t.spans.resize(end, None);
                        }
                        t.spans[t.col..end].iter_mut().for_each(|s| *s = Some(span));
                    }
                    t.table.cell = Some(Cell {
                        span: cols,
                        ..Cell::default()
                    });
                    t.cell_repeat = repeat;
                }
            }
            "table:covered-table-cell" => {
                if let Some(t) = self.tables.last_mut() {
                    let col = t.col;
                    t.col += 1;
                    // Covered from above (and this is the spanning cell's first column): a
                    // cell merged with the one above; covered from the left: nothing, the
                    // spanning cell's span already counts it.
                    if let Some(Some(span)) = t.spans.get(col).copied()
                        && span.origin_row < t.row_index
                        && t.row_index <= span.last_row
                        && span.origin_col == col
                    {
                        t.table.row.push(Cell {
                            span: span.cols,
                            merged_above: true,
                            ..Cell::default()
                        });
                    }
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, name: &str) {
        if self.skip > 0 {
            self.skip -= 1;
            return;
        }
        match name {
            "style:style" => self.style = None,
            "text:number" if self.in_label => self.in_label = false,
            // A numbered heading's number, inside the heading: a space before its text.
            "text:number" => self.push_text(" "),
            "text:p" | "text:h" => {
                let Some(p) = self.paragraphs.pop() else {
                    return;
                };
                self.page_has_text |= !p.text.trim().is_empty();
                if self.paragraphs.is_empty()
                    && let Some(cell) = self.tables.last_mut().and_then(|t| t.table.cell.as_mut())
                {
                    cell.paragraphs.push(p.text);
                } else {
                    let caption = p.numbered && p.text.trim_start().starts_with('表');
                    self.place(p.page, Piece::Paragraph(p.text), caption);
                }
                if self.pending_break_after > 0 {
                    self.pending_break_after -= 1;
                    self.page_break();
                }
            }
            "table:table-cell" => {
                if let Some(t) = self.tables.last_mut()
                    && let Some(cell) = t.table.cell.take()
                {
                    let has_text = cell.paragraphs.iter().any(|p| !p.trim().is_empty());
                    let copies = if has_text {
                        t.cell_repeat.min(MAX_REPEAT)
                    } else {
                        t.cell_repeat.min(MAX_SPAN)
                    };
                    t.col += cell.span * copies;
                    for _ in 1..copies {
                        t.table.row.push(Cell {
                            paragraphs: cell.paragraphs.clone(),
                            span: cell.span,
                            merged_above: false,
                        });
                    }
                    t.table.row.push(cell);
                }
            }
            "table:table-row" => {
                if let Some(t) = self.tables.last_mut() {
                    let row = std::mem::take(&mut t.table.row);
                    let has_text = row
                        .iter()
                        .any(|c| c.paragraphs.iter().any(|p| !p.trim().is_empty()));
                    let copies = if has_text {
                        t.row_repeat.min(MAX_REPEAT)
                    } else {
                        1
                    };
                    for _ in 1..copies {
                        t.table.rows.push(
                            row.iter()
                                .map(|c| Cell {
                                    paragraphs: c.paragraphs.clone(),
                                    span: c.span,
                                    merged_above: c.merged_above,
                                })
                                .collect(),
                        );
                    }
                    t.table.rows.push(row);
                    t.row_index += copies;
                }
            }
            "table:table" => {
                let Some(t) = self.tables.pop() else {
                    return;
                };
                let piece = t.table.finish();
                if let Some(cell) = self.tables.last_mut().and_then(|t| t.table.cell.as_mut()) {
                    cell.hold_nested(piece);
                } else {
                    self.page_has_text = true;
                    self.place(t.page, piece, false);
                }
            }
            _ => {}
        }
    }

    fn push_text(&mut self, s: &str) {
        if self.in_label && self.paragraphs.is_empty() {
            self.label.push_str(s);
            if !s.ends_with(' ') {
                self.label.push(' ');
            }
        } else if let Some(p) = self.paragraphs.last_mut() {
            p.text.push_str(s);
        }
    }
}

/// What `meta.xml` says about the document.
#[derive(Debug, Default, PartialEq)]
struct Meta {
    title: String,
    creation_date: String,
    date: String,
    initial_creator: String,
    creator: String,
}

/// Reads `meta.xml`; anything unreadable leaves a field empty.
fn read_meta(xml: &str) -> Meta {
    #[derive(Default)]
    struct MetaWalker {
        meta: Meta,
        field: Option<&'static str>,
    }
    impl XmlWalker for MetaWalker {
        fn start(&mut self, e: &BytesStart<'_>, _empty: bool) {
            self.field = match e.name().as_ref() {
                "dc:title" => Some("title"),
                "meta:creation-date" => Some("creation_date"),
                "dc:date" => Some("date"),
                "meta:initial-creator" => Some("initial_creator"),
                "dc:creator" => Some("creator"),
                _ => None,
            };
        }
        fn end(&mut self, _name: &str) {
            self.field = None;
        }
        fn wants_text(&self) -> bool {
            self.field.is_some()
        }
        fn push_text(&mut self, s: &str) {
            let m = &mut self.meta;
            let target = match self.field {
                Some("title") => &mut m.title,
                Some("creation_date") => &mut m.creation_date,
                Some("date") => &mut m.date,
                Some("initial_creator") => &mut m.initial_creator,
                Some("creator") => &mut m.creator,
                _ => return,
            };
            target.push_str(s);
        }
    }
    let mut w = MetaWalker::default();
    let _ = walk_xml(xml, &mut w);
    w.meta
}

/// `text` with `標題：`/`日期：`/`作者：` lines in front for what `meta` knows and the text
/// itself does not give.
fn with_meta(text: String, meta: &Meta) -> String {
    let first = |a: &str, b: &str| {
        let a = a.trim();
        if a.is_empty() {
            b.trim().to_string()
        } else {
            a.to_string()
        }
    };
    let date = first(&meta.creation_date, &meta.date);
    let author = first(&meta.initial_creator, &meta.creator);
    let title = meta.title.trim();
    if title.is_empty() && date.is_empty() && author.is_empty() {
        return text;
    }
    let report = parse(&text);
    let mut front = String::new();
    if report.title.trim().is_empty() && !title.is_empty() {
        front.push_str(&format!("標題：{}\n", one_line(title)));
    }
    // An ISO timestamp (`2019-03-04T08:00:00`): its day, spelled as reports spell it.
    let day: Vec<u32> = date
        .get(..10)
        .unwrap_or("")
        .split('-')
        .filter_map(|n| n.parse().ok())
        .collect();
    if report.date.is_none()
        && let [y, m, d] = day[..]
    {
        front.push_str(&format!("日期：{y}年{m}月{d}日\n"));
    }
    if report.meta.authors.is_empty() && !author.is_empty() {
        front.push_str(&format!("作者：{}\n", one_line(&author)));
    }
    if front.is_empty() {
        return text;
    }
    front.push('\n');
    front + &text
}

fn one_line(s: &str) -> String {
    super::collapse_whitespace(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::formats::testing::assert_sample_report;
    use crate::ingest::formats::{Format, detect, extract as extract_any};
    use std::io::Write;

    /// An OpenDocument package: the `mimetype` entry first and stored, as the format asks.
    fn package(mimetype: &str, content: &str, meta: Option<&str>) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        zip.start_file("mimetype", stored).unwrap();
        zip.write_all(mimetype.as_bytes()).unwrap();
        let deflated = zip::write::SimpleFileOptions::default();
        zip.start_file("content.xml", deflated).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
        if let Some(meta) = meta {
            zip.start_file("meta.xml", deflated).unwrap();
            zip.write_all(meta.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    const NS: &str = r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0""#;

    fn odt(body: &str, meta: Option<&str>) -> Vec<u8> {
        let content = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS}><office:automatic-styles><style:style style:name="P9" style:family="paragraph"><style:paragraph-properties fo:break-before="page"/></style:style></office:automatic-styles><office:body><office:text>{body}</office:text></office:body></office:document-content>"#
        );
        package("application/vnd.oasis.opendocument.text", &content, meta)
    }

    fn meta(inner: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-meta {NS} xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"><office:meta>{inner}</office:meta></office:document-meta>"#
        )
    }

    fn cell(text: &str) -> String {
        format!("<table:table-cell><text:p>{text}</text:p></table:table-cell>")
    }

    fn sample_body(date_line: &str) -> String {
        [
            "<text:p>兩岸城市交流測試報告</text:p>".to_string(),
            date_line.to_string(),
            r#"<text:h text:outline-level="1">壹、研究背景</text:h>"#.to_string(),
            concat!(
                "<text:p>本研究旨在探討臺北市與上海市的城市交流，",
                "<text:soft-page-break/>說明雙城論壇的舉辦方式&amp;合作成果。",
                "<text:note><text:note-citation>1</text:note-citation><text:note-body>",
                "<text:p>註腳文字</text:p></text:note-body></text:note></text:p>"
            )
            .to_string(),
            concat!(
                "<text:list><text:list-item><text:number>1.</text:number><text:p>研究方法</text:p>",
                "</text:list-item><text:list-item><text:number>2.</text:number>",
                "<text:p>研究範圍</text:p></text:list-item></text:list>"
            )
            .to_string(),
            r#"<text:h text:style-name="P9" text:outline-level="1">貳、交流現況</text:h>"#
                .to_string(),
            // Header row in table:table-header-rows; 北部 spans two rows, 高雄市 5 two columns.
            format!(
                "<table:table table:name=\"表格1\"><table:table-column table:number-columns-repeated=\"3\"/>\
                 <table:table-header-rows><table:table-row>{}{}{}</table:table-row></table:table-header-rows>\
                 <table:table-row><table:table-cell table:number-rows-spanned=\"2\"><text:p>北部</text:p></table:table-cell>{}{}</table:table-row>\
                 <table:table-row><table:covered-table-cell/>{}{}</table:table-row>\
                 <table:table-row>{}<table:table-cell table:number-columns-spanned=\"2\"><text:p>高雄市 5</text:p></table:table-cell><table:covered-table-cell/></table:table-row>\
                 </table:table>",
                cell("區域"),
                cell("城市"),
                cell("交流次數"),
                cell("臺北市"),
                cell("12"),
                cell("新北市"),
                cell("8"),
                cell("南部"),
            ),
            // LibreOffice puts a table caption under the table by default.
            concat!(
                "<text:p>表<text:sequence text:name=\"Table\">一</text:sequence>",
                "<text:s/>兩岸城市交流統計</text:p>"
            )
            .to_string(),
            "<text:p>資料來源：本研究整理</text:p>".to_string(),
        ]
        .concat()
    }

    #[test]
    fn odt_headings_lists_tables_and_pages_parse_like_text() {
        let bytes = odt(
            &sample_body("<text:p>中華民國 106 年 12 月 25 日</text:p>"),
            Some(&meta(
                "<meta:creation-date>2020-01-02T10:00:00</meta:creation-date>",
            )),
        );
        assert_eq!(detect(&bytes, std::path::Path::new("x.bin")), Format::Odt);
        let e = extract_any(Format::Odt, &bytes, None).unwrap();
        assert_eq!(e.encoding, "odt");
        assert!(!e.text.contains("註腳文字"), "{}", e.text);
        let r = parse(&e.text);
        // The text's own date wins over meta.xml's.
        assert_sample_report(&r);
        let para = r
            .blocks
            .iter()
            .find(|b| b.text.starts_with("本研究"))
            .expect("paragraph");
        assert_eq!(
            para.text,
            "本研究旨在探討臺北市與上海市的城市交流，說明雙城論壇的舉辦方式&合作成果。"
        );
        assert!(
            e.text.contains("\n\n1. 研究方法\n\n2. 研究範圍\n\n"),
            "{}",
            e.text
        );
        // A page ends at the soft page break (the paragraph it cuts stays on the page it
        // starts on), another at the heading whose style breaks the page.
        assert_eq!(e.pages.len(), 3, "{:?}", e.pages);
        assert!(e.pages[0].ends_with("合作成果。\n"), "{:?}", e.pages);
        assert!(e.pages[1].starts_with("1. 研究方法"), "{:?}", e.pages);
        assert!(e.pages[2].starts_with("貳、交流現況"), "{:?}", e.pages);
    }

    #[test]
    fn odt_written_by_libreoffice_parses_like_text() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/formats/report.odt");
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(detect(&bytes, std::path::Path::new("x")), Format::Odt);
        assert_sample_report(&parse(&extract(Kind::Text, &bytes).unwrap().text));
    }

    #[test]
    fn numbered_headings_keep_their_number_apart() {
        let body = concat!(
            "<text:p>報告</text:p><text:list><text:list-item><text:h text:outline-level=\"1\">",
            "<text:number>1.</text:number>研究背景</text:h></text:list-item></text:list>"
        );
        let e = extract(Kind::Text, &odt(body, None)).unwrap();
        assert_eq!(e.text, "報告\n\n1. 研究背景\n");
    }

    #[test]
    fn odt_metadata_fills_what_the_text_lacks() {
        let m = meta(concat!(
            "<dc:title>元資料標題</dc:title><dc:date>2019-03-04T08:00:00</dc:date>",
            "<meta:initial-creator>王小明</meta:initial-creator><dc:creator>Administrator</dc:creator>"
        ));
        let bytes = odt(&sample_body(""), Some(&m));
        let e = extract(Kind::Text, &bytes).unwrap();
        let r = parse(&e.text);
        assert_eq!(r.title, "兩岸城市交流測試報告");
        assert_eq!(r.date.as_deref(), Some("2019-03-04"));
        assert_eq!(r.meta.authors, vec!["王小明"]);
    }

    #[test]
    fn ods_sheets_are_tables_with_bounded_repeats() {
        let content = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS}><office:body><office:spreadsheet><table:table table:name="交流統計">
<table:table-row>{}{}<table:table-cell table:number-columns-repeated="16382"/></table:table-row>
<table:table-row table:number-rows-repeated="2">{}{}<table:table-cell table:number-columns-repeated="16382"/></table:table-row>
<table:table-row table:number-rows-repeated="1048573"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>"#,
            cell("城市"),
            cell("次數"),
            cell("臺北市"),
            cell("12"),
        );
        let bytes = package(
            "application/vnd.oasis.opendocument.spreadsheet",
            &content,
            None,
        );
        assert_eq!(detect(&bytes, std::path::Path::new("x")), Format::Ods);
        let e = extract_any(Format::Ods, &bytes, None).unwrap();
        assert_eq!(e.text, "交流統計\n\n城市\t次數\n臺北市\t12\n臺北市\t12\n");
    }

    #[test]
    fn corrupt_odt_is_an_error_not_a_panic() {
        let good = odt(&sample_body(""), None);
        for bad in [
            b"PK\x03\x04garbage".to_vec(),
            good[..good.len() / 2].to_vec(),
            odt("<text:p>未結束", None),
            package("application/vnd.oasis.opendocument.text", "<<<>>>&&&", None),
            package("application/vnd.oasis.opendocument.text", "", None),
            odt("", Some("<<<")),
        ] {
            match extract(Kind::Text, &bad) {
                Err(e) => assert!(
                    e.to_string().starts_with("corrupt odt") || matches!(e, FormatError::Decode(_)),
                    "{e}"
                ),
                Ok(e) => assert!(e.text.contains("未結束"), "{}", e.text),
            }
        }
    }
}
