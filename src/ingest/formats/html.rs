//! HTML → text.
//!
//! Decoding: a forced label wins; else a byte-order mark; else a `<meta charset=…>` or
//! `<meta http-equiv … content="…; charset=…">` (or an XML declaration's `encoding=`) in the
//! first 2 KB — except that a page declared in a legacy encoding whose bytes are valid
//! UTF-8 (with non-ASCII) is read as UTF-8, a common mis-declaration after a site moved to
//! UTF-8; else the same detection as plain text ([`crate::ingest::decode::decode`]).
//!
//! Extraction (html5ever via `scraper`, walked without recursion):
//! - dropped: `head`, `script`, `style`, `noscript`, `template`, `nav`, `aside`, `iframe`,
//!   `svg`, `form` controls, `footer`, page `header`s (an `article`'s own header is kept),
//!   `form`s that hold no content (an ASP.NET form wrapping the page is kept), hidden
//!   elements, and elements whose class or id names navigation (`nav`, `menu`, `footer`,
//!   `breadcrumb`, `sidebar`) unless they hold the page's `main`/`article`/`h1`;
//! - every block element (p, div, h1–h6, li, section, br, …) ends a paragraph: paragraphs
//!   are lines separated by blank lines; whitespace is collapsed and a source line break
//!   between two CJK characters disappears; `pre` keeps its lines;
//! - a data table (≥ 2 columns, no nested table) becomes its `caption` line, then one
//!   TAB-separated line per `tr`: `colspan` adds empty cells after the cell, `rowspan`
//!   leaves the spanned positions empty where they lead the row (the parser fills them
//!   down) and repeats the text elsewhere. A layout table (nested tables, one column,
//!   `role=presentation`) is read as blocks.

use std::collections::HashSet;

use ego_tree::NodeRef;
use ego_tree::iter::Edge;
use encoding_rs::{UTF_8, UTF_16BE, UTF_16LE};
use scraper::{Html, Node};

use super::{Extracted, FormatError, GridCell, collapse_whitespace, find, render_table};
use crate::ingest::decode::{self, DecodeError, Decoded};

/// How far the `<meta charset>` prescan looks.
const PRESCAN_LEN: usize = 2048;
/// HTML's own limits on spans.
const MAX_COLSPAN: usize = 1000;
const MAX_ROWSPAN: usize = 65534;

/// Extracts the text of an HTML page.
pub fn extract(bytes: &[u8], forced_label: Option<&str>) -> Result<Extracted, FormatError> {
    let decoded = decode_html(bytes, forced_label)?;
    let text = std::panic::catch_unwind(|| html_to_text(&decoded.text))
        .map_err(|_| FormatError::Corrupt("unreadable HTML".into()))?;
    if text.trim().is_empty() {
        return Err(FormatError::Decode(DecodeError::Empty));
    }
    let replacements = text.chars().filter(|&c| c == '\u{fffd}').count();
    Ok(Extracted {
        text,
        encoding: decoded.encoding,
        replacements,
        pages: Vec::new(),
        ocr_pages: Vec::new(),
    })
}

/// Decodes an HTML page (see the module documentation for the order of the rules).
pub fn decode_html(bytes: &[u8], forced_label: Option<&str>) -> Result<Decoded, DecodeError> {
    if forced_label.is_some() || encoding_rs::Encoding::for_bom(bytes).is_some() {
        return decode::decode(bytes, forced_label);
    }
    if let Some(label) = declared_charset(&bytes[..bytes.len().min(PRESCAN_LEN)])
        && let Some(enc) = decode::encoding_for_label(&label)
    {
        let utf8_anyway = enc == UTF_16LE
            || enc == UTF_16BE
            || (enc != UTF_8 && !bytes.is_ascii() && std::str::from_utf8(bytes).is_ok());
        let label = if utf8_anyway { "utf-8" } else { label.as_str() };
        return decode::decode(bytes, Some(label));
    }
    decode::decode(bytes, None)
}

/// The charset named by a `<meta>` tag or an XML declaration in `head` (ASCII prescan).
fn declared_charset(head: &[u8]) -> Option<String> {
    let lower: Vec<u8> = head.to_ascii_lowercase();
    let value_after = |from: usize, key: &[u8]| -> Option<String> {
        let at = from + find(&lower[from..], key)? + key.len();
        let mut i = at;
        let skip = |i: &mut usize, set: &[u8]| {
            while lower.get(*i).is_some_and(|b| set.contains(b)) {
                *i += 1;
            }
        };
        skip(&mut i, b" \t\r\n");
        if lower.get(i) != Some(&b'=') {
            return None;
        }
        i += 1;
        skip(&mut i, b" \t\r\n\"'");
        let start = i;
        while lower
            .get(i)
            .is_some_and(|b| b.is_ascii_alphanumeric() || b"-_:.".contains(b))
        {
            i += 1;
        }
        (i > start).then(|| String::from_utf8_lossy(&lower[start..i]).into_owned())
    };
    if lower.trim_ascii_start().starts_with(b"<?xml") {
        let end = find(&lower, b"?>").unwrap_or(lower.len());
        if find(&lower[..end], b"encoding").is_some()
            && let Some(label) = value_after(0, b"encoding")
        {
            return Some(label);
        }
    }
    let mut from = 0;
    while let Some(k) = find(&lower[from..], b"<meta") {
        let start = from + k;
        let end = find(&lower[start..], b">").map_or(lower.len(), |e| start + e);
        if let Some(c) = find(&lower[start..end], b"charset")
            && let Some(label) = value_after(start + c, b"charset")
        {
            return Some(label);
        }
        from = end.max(start + 1);
    }
    None
}

// ---------------------------------------------------------------------------------------
// Extraction.

const BLOCKS: &[&str] = &[
    "address",
    "article",
    "blockquote",
    "body",
    "br",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hgroup",
    "hr",
    "html",
    "legend",
    "li",
    "main",
    "menu",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

const DROPPED: &[&str] = &[
    "head", "script", "style", "noscript", "template", "nav", "aside", "iframe", "svg", "math",
    "select", "button", "textarea", "object", "embed", "canvas", "audio", "video", "input",
    "footer",
];

/// Words in a class or id that mark navigation and page furniture.
const FURNITURE_WORDS: &[&str] = &["nav", "menu", "footer", "breadcrumb", "sidebar"];

fn is_block(name: &str) -> bool {
    BLOCKS.contains(&name)
}

/// Whether a class/id token names furniture: one of its `-`/`_` parts starts or ends with a
/// furniture word (`navbar`, `gnav`, `site-footer`, `mainMenu`).
fn furniture_token(token: &str) -> bool {
    let token = token.to_ascii_lowercase();
    token.split(['-', '_', ' ', ':']).any(|part| {
        FURNITURE_WORDS
            .iter()
            .any(|w| part.starts_with(w) || part.ends_with(w))
    })
}

fn element(node: NodeRef<'_, Node>) -> Option<&scraper::node::Element> {
    node.value().as_element()
}

fn has_descendant(node: NodeRef<'_, Node>, names: &[&str]) -> bool {
    node.descendants()
        .skip(1)
        .any(|d| element(d).is_some_and(|e| names.contains(&e.name())))
}

fn has_ancestor(node: NodeRef<'_, Node>, names: &[&str]) -> bool {
    node.ancestors()
        .any(|a| element(a).is_some_and(|e| names.contains(&e.name())))
}

/// Whether an element (and everything in it) is left out of the text.
fn dropped(node: NodeRef<'_, Node>) -> bool {
    let Some(el) = element(node) else {
        return false;
    };
    let name = el.name();
    if DROPPED.contains(&name) {
        return true;
    }
    if el.attr("hidden").is_some()
        || el.attr("aria-hidden") == Some("true")
        || el.attr("style").is_some_and(|s| {
            let s: String = s
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_ascii_lowercase();
            s.contains("display:none") || s.contains("visibility:hidden")
        })
    {
        return true;
    }
    match name {
        "header" => return !has_ancestor(node, &["article", "main"]),
        "form" => return !has_descendant(node, &["p", "table", "h1", "h2", "h3", "article"]),
        "html" | "body" | "main" | "article" => return false,
        _ => {}
    }
    let furniture = el
        .attr("class")
        .is_some_and(|c| c.split_whitespace().any(furniture_token))
        || el.attr("id").is_some_and(furniture_token);
    furniture && !has_descendant(node, &["main", "article", "h1"])
}

/// Deepest element nesting kept: html5ever's tree builder checks its stack of open
/// elements at each tag, so its time grows with the square of the depth, and no report
/// nests half as deep (pages of the corpus stay under a hundred).
pub const MAX_NESTING: usize = 512;

/// Elements that never hold others (no end tag).
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];
/// Elements whose end tag may be left out: the next sibling closes them, so they never nest
/// deeper in practice.
const IMPLIED_END: &[&str] = &[
    "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option", "optgroup", "rb",
    "rt", "rtc", "rp", "colgroup", "caption",
];
/// Elements whose content is text, not markup.
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
];

/// The page with the start and end tags nested deeper than [`MAX_NESTING`] replaced by a
/// space: their text stays, joined to the element at the limit. A linear scan of the tags
/// (comments, declarations, quoted attribute values and raw text skipped); borrowed when
/// nothing nests that deep.
pub fn flatten_deep_nesting(html: &str) -> std::borrow::Cow<'_, str> {
    let bytes = html.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0; // bytes of `html` already in `out`
    let mut depth = 0usize;
    let mut at = 0;
    while let Some(lt) = memchr::memchr(b'<', &bytes[at..]).map(|i| at + i) {
        let rest = &bytes[lt..];
        let skip_to = |from: usize, needle: &[u8]| {
            find(&bytes[from..], needle).map_or(bytes.len(), |i| from + i + needle.len())
        };
        if rest.starts_with(b"<!--") {
            at = skip_to(lt + 4, b"-->");
            continue;
        }
        if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
            at = skip_to(lt + 2, b">");
            continue;
        }
        let closing = rest.get(1) == Some(&b'/');
        let name_start = lt + 1 + usize::from(closing);
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-' || **b == b':')
            .count();
        if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
            at = lt + 1;
            continue;
        }
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        // The end of the tag: the first `>` outside a quoted attribute value.
        let mut end = name_start + name_len;
        let mut quote = None;
        while end < bytes.len() {
            match (quote, bytes[end]) {
                (None, b'>') => break,
                (None, q @ (b'"' | b'\'')) => quote = Some(q),
                (Some(q), c) if c == q => quote = None,
                _ => {}
            }
            end += 1;
        }
        let end = (end + 1).min(bytes.len());
        let self_closing = bytes[..end].ends_with(b"/>");
        let closes_itself = !closing && self_closing;
        let nests = !(VOID.contains(&name.as_str())
            || IMPLIED_END.contains(&name.as_str())
            || closes_itself);
        let too_deep = nests
            && if closing {
                let deep = depth > MAX_NESTING;
                depth = depth.saturating_sub(1);
                deep
            } else {
                depth += 1;
                depth > MAX_NESTING
            };
        if too_deep {
            let out = out.get_or_insert_with(|| String::with_capacity(html.len()));
            out.push_str(&html[copied..lt]);
            out.push(' ');
            copied = end;
        }
        at = end;
        if !closing && RAW_TEXT.contains(&name.as_str()) {
            // Raw text runs to its own end tag (any case), which the loop then reads.
            let mut from = end;
            at = bytes.len();
            while let Some(tag) = find(&bytes[from..], b"</").map(|i| from + i) {
                let after = &bytes[tag + 2..];
                if after.len() >= name.len()
                    && after[..name.len()].eq_ignore_ascii_case(name.as_bytes())
                {
                    at = tag;
                    break;
                }
                from = tag + 2;
            }
        }
    }
    match out {
        None => std::borrow::Cow::Borrowed(html),
        Some(mut out) => {
            out.push_str(&html[copied..]);
            std::borrow::Cow::Owned(out)
        }
    }
}

/// Text of the page (see the module documentation).
pub fn html_to_text(html: &str) -> String {
    let html = flatten_deep_nesting(html);
    let doc = Html::parse_document(&html);
    let root = doc.tree.root();

    // Tables that hold another table are layout tables.
    let mut layout: HashSet<ego_tree::NodeId> = HashSet::new();
    let mut open_tables = Vec::new();
    for edge in root.traverse() {
        match edge {
            Edge::Open(n) if element(n).is_some_and(|e| e.name() == "table") => {
                if let Some(&outer) = open_tables.last() {
                    layout.insert(outer);
                }
                open_tables.push(n.id());
            }
            Edge::Close(n) if element(n).is_some_and(|e| e.name() == "table") => {
                open_tables.pop();
            }
            _ => {}
        }
    }

    let mut w = Writer::default();
    let mut skip: Option<ego_tree::NodeId> = None;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => {
                if skip.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Text(t) => w.cur.push_str(t),
                    Node::Element(el) => {
                        if dropped(node) {
                            skip = Some(node.id());
                            continue;
                        }
                        let name = el.name();
                        if name == "table"
                            && !layout.contains(&node.id())
                            && el.attr("role") != Some("presentation")
                            && let Some((caption, rows)) = data_table(node)
                        {
                            w.flush();
                            if let Some(c) = caption {
                                w.blocks.push(c);
                            }
                            w.blocks.push(rows.join("\n"));
                            skip = Some(node.id());
                            continue;
                        }
                        if is_block(name) {
                            w.flush();
                        }
                        if name == "pre" {
                            w.pre += 1;
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if skip == Some(node.id()) {
                    skip = None;
                    continue;
                }
                if skip.is_some() {
                    continue;
                }
                if let Some(el) = element(node) {
                    if is_block(el.name()) {
                        w.flush();
                    }
                    if el.name() == "pre" {
                        w.pre = w.pre.saturating_sub(1);
                    }
                }
            }
        }
    }
    w.flush();
    let mut text = w.blocks.join("\n\n");
    text.push('\n');
    text
}

#[derive(Default)]
struct Writer {
    blocks: Vec<String>,
    cur: String,
    pre: usize,
}

impl Writer {
    fn flush(&mut self) {
        let raw = std::mem::take(&mut self.cur);
        if self.pre > 0 {
            let lines: Vec<String> = raw
                .lines()
                .map(collapse_whitespace)
                .filter(|l| !l.is_empty())
                .collect();
            if !lines.is_empty() {
                self.blocks.push(lines.join("\n"));
            }
        } else {
            let text = collapse_whitespace(&raw);
            if !text.is_empty() {
                self.blocks.push(text);
            }
        }
    }
}

/// Text of a table cell or caption: its text without dropped elements, blocks and line
/// breaks as spaces.
fn inner_text(node: NodeRef<'_, Node>) -> String {
    let mut out = String::new();
    let mut skip: Option<ego_tree::NodeId> = None;
    for edge in node.traverse() {
        match edge {
            Edge::Open(n) if skip.is_none() => match n.value() {
                Node::Text(t) => out.push_str(t),
                Node::Element(el) => {
                    if n.id() != node.id() && dropped(n) {
                        skip = Some(n.id());
                    } else if is_block(el.name()) {
                        out.push(' ');
                    }
                }
                _ => {}
            },
            Edge::Close(n) if skip == Some(n.id()) => skip = None,
            Edge::Close(n) if skip.is_none() && element(n).is_some_and(|e| is_block(e.name())) => {
                out.push(' ');
            }
            _ => {}
        }
    }
    collapse_whitespace(&out)
}

fn span(value: Option<&str>, max: usize) -> usize {
    match value.and_then(|v| v.trim().parse::<usize>().ok()) {
        Some(0) => max, // rowspan="0": to the end of the table
        Some(n) => n.min(max),
        None => 1,
    }
}

/// A data table's caption and TAB rows; `None` for a layout table (one column).
fn data_table(table: NodeRef<'_, Node>) -> Option<(Option<String>, Vec<String>)> {
    let mut caption = None;
    let mut grid: Vec<Vec<GridCell>> = Vec::new();
    // Per column: (rows still covered, the cell to put there).
    let mut carry: Vec<Option<(usize, GridCell)>> = Vec::new();
    let mut max_cols = 0;
    for node in table.descendants() {
        let Some(el) = element(node) else { continue };
        if el.name() == "caption" && caption.is_none() {
            caption = Some(inner_text(node)).filter(|c| !c.is_empty());
            continue;
        }
        if el.name() != "tr" || dropped(node) {
            continue;
        }
        let mut row: Vec<GridCell> = Vec::new();
        let take_carried = |row: &mut Vec<GridCell>, carry: &mut Vec<Option<(usize, GridCell)>>| {
            while let Some(Some((left, cell))) = carry.get_mut(row.len()) {
                row.push(cell.clone());
                *left -= 1;
                if *left == 0 {
                    carry[row.len() - 1] = None;
                }
            }
        };
        for cell in node.children() {
            let Some(cel) = element(cell) else { continue };
            if !matches!(cel.name(), "td" | "th") {
                continue;
            }
            take_carried(&mut row, &mut carry);
            let text = inner_text(cell);
            let colspan = span(cel.attr("colspan"), MAX_COLSPAN).max(1);
            let rowspan = span(cel.attr("rowspan"), MAX_ROWSPAN).max(1);
            for k in 0..colspan {
                let col = row.len();
                if rowspan > 1 {
                    if carry.len() <= col {
                        carry.resize(col + 1, None);
                    }
                    let covered = if k == 0 {
                        GridCell::Above(text.clone())
                    } else {
                        GridCell::Span
                    };
                    carry[col] = Some((rowspan - 1, covered));
                }
                row.push(if k == 0 {
                    GridCell::Text(text.clone())
                } else {
                    GridCell::Span
                });
            }
        }
        // Positions covered from above after the last cell of this row.
        while row.len() < carry.len() {
            if carry[row.len()].is_some() {
                take_carried(&mut row, &mut carry);
            } else {
                row.push(GridCell::Text(String::new()));
            }
        }
        max_cols = max_cols.max(row.len());
        grid.push(row);
    }
    if max_cols < 2 {
        return None;
    }
    Some((caption, render_table(grid)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::formats::{Format, detect, extract as extract_any};
    use crate::report::parse::{Kind, parse};
    use std::path::Path;

    const PAGE: &str = r#"<!DOCTYPE html>
<html lang="zh-Hant"><head>
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta charset="big5">
<title>網站標題 - 臺北市政府</title>
<style>body { color: red; } .x:before { content: "樣式文字"; }</style>
<script>var s = "腳本文字"; if (a < b && c) {}</script>
</head>
<body>
<div id="top-menu"><ul><li><a href="/">首頁</a></li><li>選單文字</li></ul></div>
<nav class="main"><a href="/a">導覽文字</a></nav>
<header><p>頁首文字</p></header>
<div class="breadcrumb">首頁 &gt; 研究報告</div>
<form action="/search"><input name="q"> <span>搜尋表單</span></form>
<main>
<h1>兩岸城市交流測試報告</h1>
<p>中華民國 106 年 12 月 25 日</p>
<h2>壹、研究背景</h2>
<p>本研究旨在探討臺北市與上海市的城市交流，
說明雙城論壇的舉辦方式&amp;合作成果。</p>
<div style="display: none">隱藏文字</div>
<h2>貳、交流現況</h2>
<table border="1">
<caption>表一 兩岸城市交流統計</caption>
<thead><tr><th>區域</th><th>城市</th><th>交流次數</th></tr></thead>
<tbody>
<tr><td rowspan="2">北部</td><td>臺北市</td><td>12</td></tr>
<tr><td>新北市</td><td>8</td></tr>
<tr><td>南部</td><td>高雄市</td><td>5</td></tr>
</tbody>
</table>
<p>資料來源：本研究整理</p>
</main>
<aside>側欄文字</aside>
<footer>頁尾文字 版權所有</footer>
<noscript>請啟用腳本</noscript>
</body></html>
"#;

    fn big5_page() -> Vec<u8> {
        let (bytes, enc, had_errors) = encoding_rs::BIG5.encode(PAGE);
        assert_eq!(enc, encoding_rs::BIG5);
        assert!(!had_errors, "the test page must be Big5-encodable");
        bytes.into_owned()
    }

    #[test]
    fn big5_page_parses_like_text() {
        let bytes = big5_page();
        assert!(std::str::from_utf8(&bytes).is_err());
        assert_eq!(detect(&bytes, Path::new("report.aspx")), Format::Html);
        let e = extract_any(Format::Html, &bytes, None).unwrap();
        assert_eq!(e.encoding, "big5");
        assert_eq!(e.replacements, 0);
        for gone in [
            "網站標題",
            "樣式文字",
            "腳本文字",
            "首頁",
            "選單文字",
            "導覽文字",
            "頁首文字",
            "搜尋表單",
            "隱藏文字",
            "側欄文字",
            "頁尾文字",
            "請啟用腳本",
        ] {
            assert!(!e.text.contains(gone), "{gone} in\n{}", e.text);
        }
        let r = parse(&e.text);
        assert_eq!(r.title, "兩岸城市交流測試報告", "{}", e.text);
        assert_eq!(r.date.as_deref(), Some("2017-12-25"));
        let para = r
            .blocks
            .iter()
            .find(|b| b.kind == Kind::Paragraph)
            .expect("a paragraph");
        assert_eq!(
            para.text,
            "本研究旨在探討臺北市與上海市的城市交流，說明雙城論壇的舉辦方式&合作成果。"
        );
        assert_eq!(para.section, vec!["壹、研究背景"]);
        let (_, cells) = crate::ingest::formats::testing::table_rows(&r.blocks);
        assert_eq!(
            cells,
            vec![
                vec!["北部", "臺北市", "12"],
                vec!["北部", "新北市", "8"],
                vec!["南部", "高雄市", "5"],
            ],
            "{}",
            e.text
        );
        crate::ingest::formats::testing::assert_sample_table(&r, &["區域", "城市", "交流次數"]);
    }

    #[test]
    fn charset_sources() {
        // http-equiv content charset, CP950 label.
        let page = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=cp950\"></head><body><p>研究報告</p></body></html>";
        let (bytes, _, _) = encoding_rs::BIG5.encode(page);
        let e = extract(&bytes, None).unwrap();
        assert_eq!(
            (e.encoding.as_str(), e.text.as_str()),
            ("big5", "研究報告\n")
        );
        // Declared Big5, actually UTF-8.
        let page = "<meta charset=big5><p>研究報告</p>";
        let e = extract(page.as_bytes(), None).unwrap();
        assert_eq!(
            (e.encoding.as_str(), e.text.as_str()),
            ("utf-8", "研究報告\n")
        );
        // No declaration: detection as for text.
        let (bytes, _, _) = encoding_rs::BIG5.encode("<html><body><p>本研究旨在探討臺北市與上海市的城市交流，說明雙城論壇的舉辦方式。</p></body></html>");
        assert_eq!(extract(&bytes, None).unwrap().encoding, "big5");
        // UTF-16 with BOM.
        let mut utf16 = vec![0xff, 0xfe];
        utf16.extend(
            "<html><p>報告</p>"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        );
        assert_eq!(detect(&utf16, Path::new("x")), Format::Html);
        let e = extract(&utf16, None).unwrap();
        assert_eq!(
            (e.encoding.as_str(), e.text.as_str()),
            ("utf-16le", "報告\n")
        );
        // A forced label wins.
        let e = extract(page.as_bytes(), Some("utf-8")).unwrap();
        assert_eq!(e.encoding, "utf-8");
        assert_eq!(
            declared_charset(b"<?xml version=\"1.0\" encoding=\"Big5\"?><html>").as_deref(),
            Some("big5")
        );
    }

    #[test]
    fn spans_br_pre_and_layout_tables() {
        let page = "<html><body><table><tr><td>\
            <p>標題</p>第一行<br>第二行\
            <table><tr><th>年度</th><th colspan=\"2\">件數</th></tr>\
            <tr><td>105</td><td rowspan=\"2\">甲</td><td>3</td></tr>\
            <tr><td>106</td><td>4</td></tr></table>\
            </td></tr></table><pre>  a  b\n  c</pre></body></html>";
        let text = html_to_text(page);
        assert_eq!(
            text,
            "標題\n\n第一行\n\n第二行\n\n年度\t件數\n105\t甲\t3\n106\t甲\t4\n\na b\nc\n"
        );
        // Rowspan in the first column: empty there, so the parser fills it down.
        let text = html_to_text(
            "<table><tr><td rowspan=3>北部</td><td>a</td></tr><tr><td>b</td></tr><tr><td>c</td></tr></table>",
        );
        assert_eq!(text, "北部\ta\n\tb\n\tc\n");
    }

    #[test]
    fn garbage_never_panics() {
        // Deep enough to overflow a recursive walker (html5ever itself is quadratic in depth).
        let mut deep = "<div>".repeat(4000);
        deep.push_str("深層文字");
        let nested_tables = "<table><tr><td>".repeat(500) + "內容";
        for page in [
            "<html><body><table><tr><td colspan=999999999 rowspan=0>x</td></tr><tr><td>y"
                .to_string(),
            "<<<>>><html <p <table></td></tr>&#xffffffff;&bogus;".to_string(),
            deep,
            nested_tables,
            "<html></html>".to_string(),
        ] {
            match extract(page.as_bytes(), None) {
                Ok(e) => assert!(!e.text.is_empty()),
                Err(e) => assert!(!e.to_string().is_empty()),
            }
        }
        assert!(matches!(
            extract(b"<html><script>x</script></html>", None),
            Err(FormatError::Decode(DecodeError::Empty))
        ));
    }

    #[test]
    fn a_hundred_thousand_nested_divs_read_quickly() {
        let page = "<div>".repeat(100_000) + "深層文字" + &"</div>".repeat(100_000);
        let start = std::time::Instant::now();
        let e = extract(page.as_bytes(), None).unwrap();
        // A hang check, not a speed bound: the quadratic walk took over a minute.
        assert!(start.elapsed() < std::time::Duration::from_secs(10));
        assert_eq!(e.text, "深層文字\n");
    }

    #[test]
    fn nesting_is_flattened_past_the_limit_only() {
        let shallow = "<div><p>一<p>二</div><br><img src='>'>".repeat(2000);
        assert!(matches!(
            flatten_deep_nesting(&shallow),
            std::borrow::Cow::Borrowed(_)
        ));
        let deep = format!(
            "<script>{}</SCRIPT><!-- <div> -->{}x{}<p>後",
            "<div>".repeat(1000),
            "<span class=\"a>b\">".repeat(MAX_NESTING + 10),
            "</span>".repeat(MAX_NESTING + 10)
        );
        let flat = flatten_deep_nesting(&deep);
        assert_eq!(flat.matches("<span").count(), MAX_NESTING);
        assert_eq!(flat.matches("</span>").count(), MAX_NESTING);
        assert_eq!(
            flat.matches("<div>").count(),
            1001,
            "script text and comments untouched"
        );
        assert!(html_to_text(&deep).contains('後'));
    }
}
