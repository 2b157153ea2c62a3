//! PDF → text with poppler's `pdftotext -layout`, then layout post-processing:
//!
//! 1. pages are split at form feeds; running headers/footers (the same line, digits aside,
//!    at the top or bottom of most pages: the outermost line of a page at any indentation,
//!    since `-layout` scales columns per page, the next one at the same indentation) and
//!    page numbers (`3`, `- 3 -`, `第 3 頁`, `3/10`, `Page 3`) at page edges are removed;
//! 2. table regions — consecutive lines with column gaps (≥ 2 spaces) whose blank columns
//!    line up — become TAB-separated rows cut at those blank columns; a line of wrapped
//!    cells (fewer than half the cells, the first empty unless alone, each under a cell of
//!    ≥ 4 characters) and a header row's wrapped lines are merged into the row above; a
//!    table that goes on over a page break loses its repeated header rows and stays one
//!    table;
//! 3. other lines are prose: indentation is stripped, a lone bullet glyph (Word's Symbol
//!    bullet U+F0B7 shown as `•`) starts a list item whose lines hang at its text, printed
//!    lines of one paragraph (a
//!    line running to the right margin followed by a non-indented line that does not start
//!    a heading or list item) are joined (no space between CJK characters), and a blank
//!    line is put between paragraphs and between pages. A paragraph cut by a page break is
//!    re-joined by the parser.

use super::{Extracted, FormatError, extracted};
use crate::report::parse::join_into;

mod ocr;

/// The poppler-utils program used.
const PDFTOTEXT: &str = "pdftotext";
/// How many non-blank lines at each page edge may be headers, footers or page numbers.
const EDGE_LINES: usize = 2;

/// Extracts the text of a PDF file.
pub fn extract(bytes: &[u8]) -> Result<Extracted, FormatError> {
    extract_with(PDFTOTEXT, bytes)
}

fn extract_with(program: &str, bytes: &[u8]) -> Result<Extracted, FormatError> {
    extract_with_ocr(program, ocr::TESSERACT, bytes)
}

fn extract_with_ocr(
    program: &str,
    tesseract: &str,
    bytes: &[u8],
) -> Result<Extracted, FormatError> {
    if super::find(&bytes[..bytes.len().min(1024)], b"%PDF-").is_none() {
        return Err(FormatError::Corrupt("not a PDF (no %PDF- header)".into()));
    }
    let (raw, stderr) = run_pdftotext(program, bytes)?;
    // pdftotext ends every page with a form feed; passages are later placed on these pages.
    let mut pages: Vec<String> = raw.split('\x0c').map(str::to_string).collect();
    if pages.len() > 1 && pages.last().is_some_and(|p| p.is_empty()) {
        pages.pop();
    }
    let scanned: Vec<usize> = (1..=pages.len())
        .filter(|&n| !pages[n - 1].chars().any(char::is_alphanumeric))
        .collect();
    let no_text = scanned.len() == pages.len();
    if no_text && let Some(line) = stderr.lines().find(|l| l.contains("CMap")) {
        return Err(FormatError::MissingTool(format!(
            "pdftotext lacks CJK font data ({}): install the Debian package poppler-data",
            line.trim()
        )));
    }
    // Pages without a text layer are read by OCR when Tesseract is there; a PDF that has
    // text elsewhere is still indexed without it.
    let mut ocr_pages = Vec::new();
    if !scanned.is_empty() {
        match ocr::check(tesseract) {
            Ok(()) => {
                for (n, text) in scanned
                    .iter()
                    .zip(ocr::read_pages(tesseract, bytes, &scanned)?)
                {
                    let text = ocr_text(&text);
                    if text.chars().any(char::is_alphanumeric) {
                        pages[n - 1] = text;
                        ocr_pages.push(*n as u32);
                    }
                }
            }
            Err(missing) if no_text => return Err(missing),
            Err(_) => {}
        }
    }
    let mut raw = pages.join("\x0c");
    raw.push('\x0c');
    let text = layout_to_text(&raw);
    if text.trim().is_empty() {
        return Err(FormatError::NoTextLayer);
    }
    let mut out = extracted(text, "pdf");
    out.pages = pages;
    out.ocr_pages = ocr_pages;
    Ok(out)
}

/// Tesseract's text of a page as parser input: the single spaces it puts between Chinese
/// characters removed (runs of spaces are column gaps of a table, as in `-layout` text), and
/// ASCII punctuation it reads beside Chinese text given its full-width form; the bars it reads
/// for a table's vertical rules are column gaps.
fn ocr_text(text: &str) -> String {
    let punctuation =
        |c: char| ('\u{3000}'..='\u{303f}').contains(&c) || ('\u{ff00}'..='\u{ffef}').contains(&c);
    let wide = |c: char| {
        ('\u{2e80}'..='\u{9fff}').contains(&c)
            || ('\u{f900}'..='\u{faff}').contains(&c)
            || punctuation(c)
    };
    let full_width = |c: char| match c {
        ',' => Some('，'),
        ';' => Some('；'),
        ':' => Some('：'),
        '?' => Some('？'),
        '!' => Some('！'),
        '(' => Some('（'),
        ')' => Some('）'),
        _ => None,
    };
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        // A table's vertical rules are read as bars: they stand between columns.
        let line = line.replace(['|', '｜'], "  ");
        let mut chars: Vec<char> = line.trim_end().chars().collect();
        let neighbours = |chars: &[char], k: usize| {
            let before = chars[..k].iter().rev().find(|c| **c != ' ').copied();
            let after = chars[k + 1..].iter().find(|c| **c != ' ').copied();
            (before, after)
        };
        for k in 0..chars.len() {
            let (before, after) = neighbours(&chars, k);
            if let Some(w) = full_width(chars[k])
                && (before.is_some_and(wide) || after.is_some_and(wide))
            {
                chars[k] = w;
            }
        }
        let mut k = 0;
        while k < chars.len() {
            if chars[k] != ' ' {
                out.push(chars[k]);
                k += 1;
                continue;
            }
            let run = chars[k..].iter().take_while(|c| **c == ' ').count();
            let (before, after) = neighbours(&chars, k);
            // Kept beside Latin letters and digits, as the text layer has them (`自 2012 年`).
            let inside_chinese = (before.is_some_and(wide) && after.is_some_and(wide))
                || before.is_some_and(punctuation)
                || after.is_some_and(punctuation);
            if run > 1 || !inside_chinese {
                out.extend(std::iter::repeat_n(' ', run));
            }
            k += run;
        }
        out.push('\n');
    }
    out
}

/// Runs `pdftotext -layout` with the PDF on stdin; returns (stdout, stderr).
fn run_pdftotext(program: &str, bytes: &[u8]) -> Result<(String, String), FormatError> {
    let output = super::run_with_stdin(
        program,
        &["-layout", "-enc", "UTF-8", "-eol", "unix", "-", "-"],
        bytes,
        &format!(
            "找不到讀 PDF 的程式 {program} not found: 請安裝 Debian 套件 install the Debian packages poppler-utils poppler-data"
        ),
    )?;
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() {
        let (cause, code) = super::failure_cause(&output);
        return Err(FormatError::Corrupt(format!(
            "unreadable PDF (pdftotext {code}: {cause})"
        )));
    }
    Ok((String::from_utf8_lossy(&output.stdout).into_owned(), stderr))
}

// ---------------------------------------------------------------------------------------
// Layout post-processing.

/// Turns `pdftotext -layout` output into parser text (see the module documentation).
pub fn layout_to_text(raw: &str) -> String {
    let mut pages: Vec<Vec<&str>> = raw
        .split('\x0c')
        .map(|p| p.lines().map(str::trim_end).collect())
        .collect();
    while pages
        .last()
        .is_some_and(|p| p.iter().all(|l| l.trim().is_empty()))
    {
        pages.pop();
    }
    remove_furniture(&mut pages);
    let mut blocks: Vec<String> = Vec::new();
    // Header rows of the table the previous page ended with, if it did.
    let mut open_table: Option<Vec<Vec<String>>> = None;
    // The first rows of the parts of that table that came after a gap on a page.
    let mut part_heads: Vec<Vec<String>> = Vec::new();
    for page in &pages {
        let mut page_blocks = page_blocks(page).into_iter().peekable();
        // A table continued from the previous page: drop its repeated header rows and
        // append its rows to the table (one block, no page break inside).
        if let Some(header) = open_table.take()
            && let Some(PageBlock::Table(rows)) = page_blocks.peek_mut()
        {
            let repeated = repeated_header_rows(&header, rows);
            rows.drain(..repeated);
            // The head row of a later part of the table, repeated as that part's header.
            if part_heads
                .iter()
                .any(|h| repeated_header_rows(std::slice::from_ref(h), rows) == 1)
            {
                rows.remove(0);
            }
            if let Some(PageBlock::Table(rows)) = page_blocks.next()
                && let Some(last) = blocks.last_mut()
            {
                for row in rows {
                    last.push('\n');
                    last.push_str(&aligned(row, header_width(&header)).join("\t"));
                }
            }
            // The table may go on over the next page too.
            open_table = Some(header);
        }
        for block in page_blocks {
            match block {
                PageBlock::Text(t) => {
                    open_table = None;
                    blocks.push(t);
                }
                // A part of the same table after a gap on the page, cut into its own columns.
                PageBlock::Table(rows) if open_table.is_some() && !rows.is_empty() => {
                    let width = open_table.as_deref().map_or(0, header_width);
                    let header = open_table.as_deref().unwrap_or_default();
                    let repeated = repeated_header_rows(header, &rows);
                    if let Some(head) = rows.get(repeated) {
                        part_heads.push(head.clone());
                    }
                    let rows: Vec<String> = rows
                        .into_iter()
                        .skip(repeated)
                        .map(|r| aligned(r, width).join("\t"))
                        .collect();
                    blocks.push(rows.join("\n"));
                }
                PageBlock::Table(rows) => {
                    part_heads.clear();
                    open_table = Some(rows.iter().take(HEADER_ROWS).cloned().collect());
                    blocks.push(
                        rows.iter()
                            .map(|r| r.join("\t"))
                            .collect::<Vec<_>>()
                            .join("\n"),
                    );
                }
            }
        }
    }
    let mut text = blocks.join("\n\n");
    text.push('\n');
    text
}

/// The rows without the columns that hold only a header cell, centred over two columns (`城市名` over the Chinese and
/// the English names), which becomes the header of the neighbouring column that has cells
/// but no header of its own.
fn without_empty_columns(mut rows: Vec<Vec<String>>) -> Vec<Vec<String>> {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    for row in &mut rows {
        row.resize(width, String::new());
    }
    let filled = |rows: &[Vec<String>], k: usize| rows.iter().any(|r| !r[k].trim().is_empty());
    let mut merged = vec![false; width];
    if rows.len() > 1 {
        for k in 0..width {
            if rows[0][k].trim().is_empty() || filled(&rows[1..], k) {
                continue;
            }
            let takes = |j: usize| rows[0][j].trim().is_empty() && filled(&rows[1..], j);
            let neighbour = [k.checked_sub(1), Some(k + 1).filter(|&j| j < width)]
                .into_iter()
                .flatten()
                .find(|&j| takes(j));
            if let Some(j) = neighbour {
                rows[0][j] = std::mem::take(&mut rows[0][k]);
                merged[k] = true;
            }
        }
    }
    // Only the header's own columns go: a column empty on one page of a table that goes on
    // over several pages (a value filled down from the page before) keeps its place.
    let used: Vec<bool> = merged.iter().map(|m| !m).collect();
    if used.iter().all(|&u| u) {
        return rows;
    }
    rows.into_iter()
        .map(|row| {
            row.into_iter()
                .zip(&used)
                .filter(|(_, used)| **used)
                .map(|(c, _)| c)
                .collect()
        })
        .collect()
}

/// How many columns a table has: its widest header row.
fn header_width(header: &[Vec<String>]) -> usize {
    header.iter().map(Vec::len).max().unwrap_or(0)
}

/// A row of a table's later part, cut into fewer columns than the table has, with empty
/// cells put in front: the cells a continued part lacks are the leading ones, grouped and
/// filled down from the rows above (a row's own name and values are always there).
fn aligned(mut row: Vec<String>, width: usize) -> Vec<String> {
    if row.len() < width {
        let missing = width - row.len();
        row.splice(0..0, std::iter::repeat_n(String::new(), missing));
    }
    row
}

/// How many leading rows of a table may be its (wrapped) header.
const HEADER_ROWS: usize = 3;

/// How many leading rows of `rows` (a table's part on a new page) repeat the header rows of
/// the part before: their text, whitespace and cell boundaries aside, is the same.
fn repeated_header_rows(header: &[Vec<String>], rows: &[Vec<String>]) -> usize {
    let squash = |rows: &[Vec<String>]| -> String {
        rows.iter()
            .flatten()
            .flat_map(|c| c.chars())
            .filter(|c| !c.is_whitespace())
            .collect()
    };
    for n in (1..=header.len().min(rows.len().saturating_sub(1))).rev() {
        for m in 1..=header.len() {
            let h = squash(&header[..m]);
            if !h.is_empty() && h == squash(&rows[..n]) {
                return n;
            }
        }
    }
    0
}

fn indent(line: &str) -> usize {
    line.chars().take_while(|c| *c == ' ').count()
}

/// A header/footer key: the line without whitespace, digits replaced by `#`.
fn furniture_key(line: &str) -> String {
    line.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c.is_numeric() { '#' } else { c })
        .collect()
}

/// `3`, `- 3 -`, `— 3 —`, `第 3 頁`, `第3頁，共10頁`, `3 / 10`, `Page 3 of 10`, `iv`.
fn is_page_number(line: &str) -> bool {
    let t: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    let t = t.trim_matches(['-', '－', '–', '—', '(', ')', '（', '）', '[', ']']);
    if t.is_empty() {
        return false;
    }
    let digits = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
    };
    let chinese =
        |s: &str| !s.is_empty() && s.chars().all(|c| "〇零一二三四五六七八九十百".contains(c));
    if digits(t) && t.chars().count() <= 3 {
        return true;
    }
    if t.len() <= 8 && t.chars().all(|c| "ivxlcIVXLC".contains(c)) {
        return true;
    }
    let lower = t.to_lowercase();
    if let Some(rest) = lower.strip_prefix("page") {
        let mut parts = rest.splitn(2, "of");
        return parts.next().is_some_and(digits) && parts.next().is_none_or(digits);
    }
    if let Some((a, b)) = t.split_once(['/', '／']) {
        return digits(a) && digits(b);
    }
    if let Some(rest) = t.strip_prefix('第') {
        let (n, tail) = match rest.split_once(['頁', '页']) {
            Some(x) => x,
            None => return false,
        };
        let tail = tail.trim_start_matches(['，', ',', '、']);
        let tail_ok = tail.is_empty()
            || tail
                .strip_prefix('共')
                .and_then(|r| r.strip_suffix(['頁', '页']))
                .is_some_and(|m| digits(m) || chinese(m));
        return (digits(n) || chinese(n)) && tail_ok;
    }
    false
}

/// Indices of the non-blank lines at the top and at the bottom of a page.
fn edges(page: &[&str]) -> (Vec<usize>, Vec<usize>) {
    let non_blank: Vec<usize> = (0..page.len())
        .filter(|&i| !page[i].trim().is_empty())
        .collect();
    let top: Vec<usize> = non_blank.iter().copied().take(EDGE_LINES).collect();
    let bottom: Vec<usize> = non_blank
        .iter()
        .rev()
        .copied()
        .take(EDGE_LINES)
        .filter(|i| !top.contains(i))
        .collect();
    (top, bottom)
}

/// Blanks page numbers and running headers/footers at page edges.
fn remove_furniture(pages: &mut [Vec<&str>]) {
    use std::collections::HashMap;
    let n = pages.len();
    // key → (pages it is on, indents of its occurrences on pages after the first)
    let mut seen: HashMap<String, (usize, Vec<usize>, Vec<usize>)> = HashMap::new();
    for (p, page) in pages.iter().enumerate() {
        let (top, bottom) = edges(page);
        let mut keys_here: Vec<String> = Vec::new();
        for i in top.into_iter().chain(bottom) {
            let key = furniture_key(page[i]);
            let entry = seen.entry(key.clone()).or_default();
            if !keys_here.contains(&key) {
                entry.0 += 1;
                keys_here.push(key);
            }
            if p > 0 {
                entry.1.push(indent(page[i]));
            } else {
                entry.2.push(indent(page[i]));
            }
        }
    }
    let usual_indent = |indents: &[usize]| {
        let mut counts: HashMap<usize, usize> = HashMap::new();
        for &i in indents {
            *counts.entry(i).or_default() += 1;
        }
        counts
            .into_iter()
            .max_by_key(|&(i, c)| (c, std::cmp::Reverse(i)))
            .map(|(i, _)| i)
    };
    for (p, page) in pages.iter_mut().enumerate() {
        let (top, bottom) = edges(page);
        for edge in [top, bottom] {
            let mut removed: Vec<String> = Vec::new();
            for (rank, i) in edge.into_iter().enumerate() {
                let line = page[i];
                if is_page_number(line) {
                    page[i] = "";
                    continue;
                }
                let key = furniture_key(line);
                let Some((count, later, first)) = seen.get(&key) else {
                    continue;
                };
                let frequent = n >= 2 && *count >= 2 && count * 2 >= n;
                let usual = usual_indent(if later.is_empty() { first } else { later });
                // `pdftotext -layout` scales columns per page, so a running header's
                // indentation varies from page to page: the outermost line of a page after
                // the first needs no alignment (the first page may hold the title itself).
                let aligned =
                    (p > 0 && rank == 0) || usual.is_some_and(|u| indent(line).abs_diff(u) <= 2);
                if frequent && aligned && !removed.contains(&key) {
                    page[i] = "";
                    removed.push(key);
                }
            }
        }
    }
}

/// A line cut into text segments at runs of two or more spaces: (start column, end column).
fn segments(line: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < line.len() {
        while i < line.len() && line[i] == ' ' {
            i += 1;
        }
        if i >= line.len() {
            break;
        }
        let start = i;
        let mut end = i;
        while i < line.len() {
            if line[i] != ' ' {
                i += 1;
                end = i;
            } else if line.get(i + 1).is_some_and(|c| *c != ' ') {
                i += 1; // a single space inside a segment
            } else {
                break;
            }
        }
        out.push((start, end));
    }
    out
}

/// A block of one page: a paragraph or heading, or the rows of a table.
enum PageBlock {
    Text(String),
    Table(Vec<Vec<String>>),
}

enum Item {
    Blank,
    /// A prose line: indentation, end column, text, and for a bulleted line the column its
    /// text starts at (where its wrapped lines start).
    Prose {
        ind: usize,
        end: usize,
        text: String,
        hang: Option<usize>,
    },
    Table(Vec<Vec<String>>),
}

/// The blocks of one page: paragraphs (one line each) and tables (TAB rows).
fn page_blocks(page: &[&str]) -> Vec<PageBlock> {
    let chars: Vec<Vec<char>> = page.iter().map(|l| l.chars().collect()).collect();
    let segs: Vec<Vec<(usize, usize)>> = chars.iter().map(|c| segments(c)).collect();
    let blank = |i: usize| segs[i].is_empty();

    let mut items: Vec<Item> = Vec::new();
    let mut i = 0;
    while i < page.len() {
        if blank(i) {
            items.push(Item::Blank);
            i += 1;
            continue;
        }
        let bulleted =
            segs[i][0].1 == segs[i][0].0 + 1 && bullet_glyph(chars[i][segs[i][0].0]).is_some();
        if segs[i].len() >= 2
            && !bulleted
            && let Some((rows, next)) = table_at(&chars, &segs, i)
        {
            items.push(Item::Table(rows));
            i = next;
            continue;
        }
        let (ind, end) = (indent(page[i]), chars[i].len());
        if let [(a, b), (c, _), ..] = segs[i][..]
            && b == a + 1
            && let Some(bullet) = bullet_glyph(chars[i][a])
        {
            // `•   text`: a bulleted list item (Word's Symbol-font bullet is U+F0B7).
            let rest: String = chars[i][c..].iter().collect();
            let text = format!("{bullet} {}", rest.trim());
            items.push(Item::Prose {
                ind,
                end,
                text,
                hang: Some(c),
            });
        } else {
            let text = page[i].trim().to_string();
            items.push(Item::Prose {
                ind,
                end,
                text,
                hang: None,
            });
        }
        i += 1;
    }

    // Paragraph joining: a line reaching the right margin continues on the next line.
    let prose = || {
        items.iter().filter_map(|it| match it {
            Item::Prose { ind, end, .. } => Some((*ind, *end)),
            _ => None,
        })
    };
    let margin = prose().map(|(ind, _)| ind).min().unwrap_or(0);
    let right = prose().map(|(_, end)| end).max().unwrap_or(0);
    let full = |end: usize| end >= 20 && end * 100 >= right * 85;

    let mut blocks: Vec<PageBlock> = Vec::new();
    let mut open: Option<(Option<usize>, String)> = None; // (hanging indent, paragraph)
    let mut last_full = false;
    for item in items {
        match item {
            Item::Blank => {
                if let Some((_, p)) = open.take() {
                    blocks.push(PageBlock::Text(p));
                }
            }
            Item::Table(rows) => {
                if let Some((_, p)) = open.take() {
                    blocks.push(PageBlock::Text(p));
                }
                blocks.push(PageBlock::Table(without_empty_columns(rows)));
            }
            Item::Prose {
                ind,
                end,
                text,
                hang,
            } => {
                let hanging = open
                    .as_ref()
                    .and_then(|(h, _)| *h)
                    .is_some_and(|h| ind.abs_diff(h) <= 1);
                let continues = open.is_some()
                    && last_full
                    && (ind <= margin + 1 || hanging)
                    && !starts_block(&text);
                // Justified lines (those reaching the margin) may have spread characters.
                let text = if full(end) {
                    drop_cjk_gaps(&text)
                } else {
                    text
                };
                if continues && let Some((_, p)) = open.as_mut() {
                    join_into(p, &text);
                } else {
                    if let Some((_, p)) = open.take() {
                        blocks.push(PageBlock::Text(p));
                    }
                    open = Some((hang, text));
                }
                last_full = full(end);
            }
        }
    }
    if let Some((_, p)) = open.take() {
        blocks.push(PageBlock::Text(p));
    }
    blocks
}

/// A prose line without the single spaces `pdftotext` puts inside Chinese text where a
/// justified line spread its characters (`臺北城 市競爭力`, `估計， 2016`): a space goes
/// between two Han characters, after a closing or sentence mark, and between a Han
/// character and a mark.
fn drop_cjk_gaps(line: &str) -> String {
    let han = |c: char| {
        ('\u{4e00}'..='\u{9fff}').contains(&c)
            || ('\u{3400}'..='\u{4dbf}').contains(&c)
            || ('\u{f900}'..='\u{faff}').contains(&c)
    };
    let closing = |c: char| "，。；：！？」』）》〉".contains(c);
    let mark = |c: char| "，。；：！？、「」『』（）《》〈〉".contains(c);
    let chars: Vec<char> = line.chars().collect();
    // The space after a caption's or heading's number (`表一 兩岸…`) is kept.
    let first_space = line.chars().position(|c| c == ' ');
    let keep = if starts_block(line) {
        first_space
    } else {
        None
    };
    let mut out = String::with_capacity(line.len());
    for (k, &c) in chars.iter().enumerate() {
        if c == ' '
            && k > 0
            && Some(k) != keep
            && let (Some(&a), Some(&b)) = (chars.get(k - 1), chars.get(k + 1))
            && ((han(a) && (han(b) || mark(b))) || closing(a))
            && b != ' '
        {
            continue;
        }
        out.push(c);
    }
    out
}

/// The bullet a list item's lone first character stands for: a bullet character, or the
/// private-use code Symbol/Wingdings bullets extract as (shown as `•`).
fn bullet_glyph(c: char) -> Option<char> {
    if "•●○■□◆◇▪►➢✓‧・".contains(c) {
        Some(c)
    } else if ('\u{f000}'..='\u{f0ff}').contains(&c) {
        Some('•')
    } else {
        None
    }
}

/// Whether a printed line opens a new block: a heading or list marker, a caption, a note.
fn starts_block(t: &str) -> bool {
    let chars: Vec<char> = t.chars().take(8).collect();
    let Some(&first) = chars.first() else {
        return false;
    };
    let numeral = |c: char| "壹貳參叁肆伍陸柒捌玖拾一二三四五六七八九十".contains(c);
    let digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    let bullets = "-•●○■□◆◇▪※・‧*＊►➢✓①②③④⑤⑥⑦⑧⑨⑩";
    if bullets.contains(first) {
        return true;
    }
    if numeral(first) {
        let k = chars.iter().take_while(|c| numeral(**c)).count();
        return k <= 3 && matches!(chars.get(k), Some('、' | '，' | '.' | '．'));
    }
    if digit(first) {
        let k = chars.iter().take_while(|c| digit(**c)).count();
        return k <= 2
            && matches!(chars.get(k), Some('、' | '.' | '．'))
            && !chars.get(k + 1).is_some_and(|c| digit(*c));
    }
    if matches!(first, '(' | '（') {
        let k = chars[1..]
            .iter()
            .take_while(|c| numeral(**c) || digit(**c))
            .count();
        return (1..=3).contains(&k) && matches!(chars.get(k + 1), Some(')' | '）'));
    }
    if first == '第' {
        return chars[1..]
            .iter()
            .find(|c| !(numeral(**c) || digit(**c) || **c == ' '))
            .is_some_and(|c| "章節篇條".contains(*c));
    }
    if matches!(first, '表' | '圖') {
        return chars
            .get(1)
            .is_some_and(|c| numeral(*c) || digit(*c) || *c == ' ');
    }
    ["資料來源", "註", "附註", "備註", "說明：", "附錄"]
        .iter()
        .any(|p| t.starts_with(p))
}

/// A table region starting at line `start` (which has ≥ 2 segments): returns its rows and
/// the index of the first line after it, or `None` when the lines do not line up.
fn table_at(
    chars: &[Vec<char>],
    segs: &[Vec<(usize, usize)>],
    start: usize,
) -> Option<(Vec<Vec<String>>, usize)> {
    // Grow the region: multi-segment lines, single-segment indented lines (wrapped cells),
    // single blank lines between multi-segment lines.
    let mut lines: Vec<usize> = vec![start];
    let mut j = start + 1;
    while j < chars.len() {
        if segs[j].is_empty() {
            if segs.get(j + 1).is_some_and(|s| s.len() >= 2) {
                j += 1;
                continue;
            }
            break;
        }
        // Short lines at the left edge between two rows: the first cell wrapped.
        let short = |k: usize| segs[k].len() == 1 && segs[k][0].1 - segs[k][0].0 <= 12;
        let wrapped_first = short(j)
            && (j + 1..chars.len().min(j + 4))
                .find(|&k| !short(k))
                .is_some_and(|k| segs[k].len() >= 2);
        if segs[j].len() >= 2 || segs[j][0].0 >= 4 || wrapped_first {
            lines.push(j);
            j += 1;
            continue;
        }
        break;
    }
    // Trailing single-segment lines are kept only if they start at a column (checked below).
    let multi: Vec<usize> = lines
        .iter()
        .copied()
        .filter(|&l| segs[l].len() >= 2)
        .collect();
    if multi.len() < 2 {
        return None;
    }

    // Blank columns over the multi-segment lines: gutters of width ≥ 2 split columns.
    let width = multi.iter().map(|&l| chars[l].len()).max().unwrap_or(0);
    let left = multi.iter().map(|&l| segs[l][0].0).min().unwrap_or(0);
    let mut used = vec![false; width];
    for &l in &multi {
        for &(a, b) in &segs[l] {
            used[a..b].iter_mut().for_each(|u| *u = true);
        }
    }
    let mut columns: Vec<(usize, usize)> = Vec::new(); // [start, end) of text columns
    let mut x = left;
    while x < width {
        let a = x;
        while x < width && used[x] {
            x += 1;
        }
        // Extend over single blanks (word spaces inside a cell).
        while x + 1 < width && !used[x] && used[x + 1] {
            x += 1;
            while x < width && used[x] {
                x += 1;
            }
        }
        columns.push((a, x));
        while x < width && !used[x] {
            x += 1;
        }
    }
    if columns.len() < 2 {
        return None;
    }
    let col_of = |pos: usize| {
        columns
            .iter()
            .rposition(|&(a, _)| a <= pos + 1)
            .unwrap_or(0)
    };
    // Column starts (where cells begin) for aligning wrapped single-segment lines.
    let aligned = |l: usize| {
        let (a, b) = segs[l][0];
        columns[1..].iter().any(|&(c, _)| a.abs_diff(c) <= 1)
            || (a <= columns[0].0 + 1 && b <= columns[0].1 + 1)
    };
    // Keep wrapped-cell lines (one segment) that start at a column; stop at one that does not.
    let mut kept: Vec<usize> = Vec::new();
    for &l in &lines {
        if segs[l].len() < 2 && !aligned(l) {
            break;
        }
        kept.push(l);
    }
    // A row must have ≥ 2 non-empty cells for at least two lines, else it is not a table.
    let to_cells = |l: usize| {
        let mut cells = vec![String::new(); columns.len()];
        for &(a, b) in &segs[l] {
            let k = col_of(a);
            let text: String = chars[l][a..b].iter().collect();
            join_into(&mut cells[k], text.trim());
        }
        cells
    };
    // Whether a line's cell in column `k` may have wrapped onto the next line: it holds at
    // least 4 characters (column widths in `-layout` text are too rough to tell more).
    let long_cell = |l: usize, k: usize| {
        segs[l]
            .iter()
            .filter(|&&(a, _)| col_of(a) == k)
            .map(|&(a, b)| b - a)
            .sum::<usize>()
            >= 4
    };
    let has_digit = |cells: &[String]| {
        cells
            .iter()
            .any(|c| c.chars().any(|ch| ch.is_ascii_digit()))
    };
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut real_rows = 0;
    let mut prev_line: Option<usize> = None;
    for &l in &kept {
        let cells = to_cells(l);
        let non_empty = cells.iter().filter(|c| !c.is_empty()).count();
        // A line of wrapped cells: fewer than half the cells filled, the first empty unless
        // it is the only one, each below a long cell of the line above (a sparse row of a
        // table with merged cells has a short cell above one of its cells); or, below a
        // header row (first row, first cell filled, no digits), a line without digits or
        // first cell.
        let wrapped = prev_line.is_some_and(|p| {
            let under_full = non_empty * 2 < columns.len()
                && (cells[0].is_empty() || non_empty == 1)
                && cells
                    .iter()
                    .enumerate()
                    .all(|(k, c)| c.is_empty() || long_cell(p, k));
            let header_wrap = rows.len() == 1
                && !rows[0][0].is_empty()
                && !has_digit(&rows[0])
                && cells[0].is_empty()
                && !has_digit(&cells);
            under_full || header_wrap
        });
        prev_line = Some(l);
        match rows.last_mut() {
            Some(prev) if wrapped => {
                for (p, c) in prev.iter_mut().zip(cells) {
                    if !c.is_empty() {
                        join_into(p, &c);
                    }
                }
            }
            _ => {
                if non_empty >= 2 {
                    real_rows += 1;
                }
                rows.push(cells);
            }
        }
    }
    if real_rows < 2 {
        return None;
    }
    let next = kept.last().map_or(start + 1, |&l| l + 1);
    Some((rows, next))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::formats::{Format, FormatError, detect};
    use crate::report::parse::{Kind, parse};
    use std::io::Write;
    use std::path::Path;
    use std::process::Command;

    fn fixture(name: &str) -> Vec<u8> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/formats")
            .join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// PDF tests need poppler. Without it they are skipped, saying so on stderr, so that
    /// `cargo test` passes on a machine with nothing but the Rust toolchain; `.ci/run` sets
    /// `BAOGAO_REQUIRE_PDFTOTEXT=1`, and then a missing pdftotext fails the test.
    fn pdftotext_present(test: &str) -> bool {
        match Command::new(PDFTOTEXT).arg("-v").output() {
            Ok(_) => true,
            Err(e) if std::env::var_os("BAOGAO_REQUIRE_PDFTOTEXT").is_some_and(|v| v == "1") => {
                panic!(
                    "pdftotext is required by the PDF tests ({e}): \
                     apt-get install -y poppler-utils poppler-data"
                )
            }
            Err(e) => {
                // Straight to stderr: the test harness captures `eprintln!` of passing tests.
                let line = format!(
                    "\nSKIPPED {test}: pdftotext not available ({e}); \
                     apt-get install -y poppler-utils poppler-data, or set \
                     BAOGAO_REQUIRE_PDFTOTEXT=1 to make this a failure\n"
                );
                let _ = std::io::stderr().write_all(line.as_bytes());
                false
            }
        }
    }

    #[test]
    fn pdf_two_pages_parse_like_text() {
        if !pdftotext_present("pdf_two_pages_parse_like_text") {
            return;
        }
        let bytes = fixture("report-2pages.pdf");
        assert_eq!(detect(&bytes, Path::new("x")), Format::Pdf);
        let e = crate::ingest::formats::extract(Format::Pdf, &bytes, None).unwrap();
        assert_eq!(e.encoding, "pdf");
        assert_eq!(e.replacements, 0);
        assert!(
            !e.text.contains("-1-") && !e.text.contains("-2-"),
            "{}",
            e.text
        );
        let r = parse(&e.text);
        assert_eq!(r.title, "兩岸城市交流測試報告", "{}", e.text);
        assert_eq!(r.date.as_deref(), Some("2017-12-25"));
        // The running header is gone (the title itself is not a block).
        assert!(
            r.blocks
                .iter()
                .all(|b| !b.text.contains("兩岸城市交流測試報告")),
            "{}",
            e.text
        );
        let para: Vec<&str> = r
            .blocks
            .iter()
            .filter(|b| b.kind == Kind::Paragraph)
            .map(|b| b.text.as_str())
            .collect();
        assert_eq!(
            para,
            vec![
                "本研究旨在探討臺北市與上海市自二〇一〇年以來的城市交流，\
                 說明雙城論壇的舉辦方式、議題設定與合作成果，並且分析交流\
                 過程中可能產生的政治風險與社會影響，以作為未來政策規劃之參考依據。"
            ],
            "{}",
            e.text
        );
        let p = r.blocks.iter().find(|b| b.kind == Kind::Paragraph).unwrap();
        assert_eq!(p.section, vec!["壹、研究背景"]);
        let (_, cells) = crate::ingest::formats::testing::table_rows(&r.blocks);
        assert_eq!(
            cells,
            vec![
                vec!["北部", "臺北市", "12", "雙城論壇"],
                vec!["北部", "新北市", "8", "產業合作與青年交流活動"],
                vec!["南部", "高雄市", "5", "港口合作"],
            ],
            "{}",
            e.text
        );
        crate::ingest::formats::testing::assert_sample_table(
            &r,
            &["區域", "城市", "交流次數", "備註"],
        );
    }

    #[test]
    fn pdf_without_text_layer() {
        if !pdftotext_present("pdf_without_text_layer") {
            return;
        }
        let bytes = fixture("scanned-image.pdf");
        assert_eq!(detect(&bytes, Path::new("scan.pdf")), Format::Pdf);
        let err = extract(&bytes).unwrap_err();
        // OCR reads nothing from its image; without Tesseract it says what to install.
        assert!(
            matches!(err, FormatError::NoTextLayer | FormatError::MissingTool(_)),
            "{err:?}"
        );
        assert!(err.to_string().starts_with("這是掃描檔（沒有文字層）"));
    }

    #[test]
    fn broken_pdfs_are_errors() {
        if !pdftotext_present("broken_pdfs_are_errors") {
            return;
        }
        let good = fixture("report-2pages.pdf");
        for bad in [
            b"%PDF-1.4\ngarbage".to_vec(),
            good[..400].to_vec(),
            b"not a pdf".to_vec(),
            Vec::new(),
        ] {
            let err = extract(&bad).unwrap_err();
            assert!(
                matches!(err, FormatError::Corrupt(_) | FormatError::NoTextLayer),
                "{err:?}"
            );
        }
    }

    /// The sample report printed by LibreOffice (`make_sample_pdf.py`): long tables with
    /// wrapped cells break across pages, their header repeated.
    #[test]
    fn sample_pdf_pages_in_order_and_continued_tables_cell_for_cell() {
        if !pdftotext_present("sample_pdf_pages_in_order_and_continued_tables_cell_for_cell") {
            return;
        }
        let bytes = fixture("sample-report.pdf");
        let ingested = crate::ingest::ingest_bytes(&bytes, Path::new("s.pdf"), None).unwrap();
        let mut list = crate::report::passage::passages("s", &ingested.report);
        crate::report::pages::place_on_pages(&mut list, &ingested.pages, &ingested.ocr_pages);
        let rows = list.iter().filter(|p| p.kind == "table_row").count();
        assert!(rows > 200, "{rows} rows");
        let pages: Vec<u32> = list
            .iter()
            .map(|p| p.page.unwrap_or_else(|| panic!("no page: {p:?}")))
            .collect();
        assert!(pages.iter().all(|&n| (1..=21).contains(&n)), "{pages:?}");
        assert_eq!(pages.first(), Some(&1));
        assert_eq!(pages.last(), Some(&21));
        // Passages come in document order, so do their pages.
        assert!(pages.windows(2).all(|w| w[0] <= w[1]), "{pages:?}");
        assert!(list.iter().all(|p| !p.ocr));
        // Tables continued over pages (a part cut into fewer columns after a gap, a header
        // centred over two columns, a part's head row repeated on the next page) have the
        // rows of the text version, cell for cell.
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("corpus/taipei-shanghai-city-exchange-2017.txt"),
        )
        .unwrap();
        let text_rows = crate::report::passage::passages("s", &parse(&text));
        for table in [
            "表一 天下雜誌國內城市評比",
            "表四 臺北市級姊妹市列表",
            "表五 姊妹市以外的交流成果",
        ] {
            let cells = |list: &[crate::report::passage::Passage]| -> Vec<Vec<String>> {
                list.iter()
                    .filter(|p| p.kind == "table_row" && p.table.as_deref() == Some(table))
                    .map(|p| p.cells.clone())
                    .collect()
            };
            assert_eq!(cells(&list), cells(&text_rows), "{table}");
            let pdf_headers = list
                .iter()
                .find(|p| p.table.as_deref() == Some(table) && p.kind == "table_row")
                .map(|p| p.headers.clone());
            let text_headers = text_rows
                .iter()
                .find(|p| p.table.as_deref() == Some(table) && p.kind == "table_row")
                .map(|p| p.headers.clone());
            assert_eq!(pdf_headers, text_headers, "{table}");
        }
    }

    #[test]
    fn missing_tesseract_is_a_clear_error_for_scans_only() {
        if !pdftotext_present("missing_tesseract_is_a_clear_error_for_scans_only") {
            return;
        }
        let scan = fixture("scanned-image.pdf");
        let err = extract_with_ocr(PDFTOTEXT, "tesseract-not-installed-here", &scan).unwrap_err();
        assert!(matches!(err, FormatError::MissingTool(_)), "{err:?}");
        let message = err.to_string();
        assert!(
            message.starts_with("這是掃描檔（沒有文字層），需要 OCR 程式")
                && message.contains("tesseract-ocr tesseract-ocr-chi-tra"),
            "{message}"
        );
        // A PDF with a text layer does not need it.
        let text = fixture("report-2pages.pdf");
        assert!(extract_with_ocr(PDFTOTEXT, "tesseract-not-installed-here", &text).is_ok());
    }

    #[test]
    fn ocr_text_loses_spaces_inside_chinese_and_keeps_column_gaps() {
        assert_eq!(
            ocr_text("城 市 外 交 , 是 以 (一) 自身 2016 年\n年度    媒體/主題  指標\n"),
            "城市外交，是以（一）自身 2016 年\n年度    媒體/主題  指標\n"
        );
        assert_eq!(ocr_text("ETNEWS news, 2017 (A)"), "ETNEWS news, 2017 (A)\n");
        assert_eq!(
            ocr_text("2016.9 |幸福城市|總排名 |1"),
            "2016.9   幸福城市  總排名   1\n"
        );
    }

    #[test]
    fn missing_pdftotext_is_a_clear_error() {
        let err = extract_with("pdftotext-not-installed-here", b"%PDF-1.4\n").unwrap_err();
        assert!(matches!(err, FormatError::MissingTool(_)));
        assert!(
            err.to_string()
                .contains("找不到讀 PDF 的程式 pdftotext-not-installed-here not found: 請安裝"),
            "{err}"
        );
    }

    #[test]
    fn page_numbers() {
        for yes in [
            "3",
            " - 3 -",
            "-12-",
            "第 3 頁",
            "第3頁，共10頁",
            "3 / 10",
            "Page 3 of 9",
            "iv",
            "（5）",
        ] {
            assert!(is_page_number(yes), "{yes}");
        }
        for no in ["2017", "3.5", "第三章", "表一", "12345", "壹、研究背景"] {
            assert!(!is_page_number(no), "{no}");
        }
    }

    #[test]
    fn layout_tables_with_right_aligned_numbers_and_running_headers() {
        let page = |n: usize, body: &str| {
            format!("    研究報告（初稿）\n\n{body}\n\n                 第 {n} 頁\n")
        };
        let raw = [
            page(
                1,
                "壹、統計\n\n表2 各年度件數\n\n  年度        件數       金額\n  105          3      1,200\n  106         12        800\n",
            ),
            page(2, "一、說明\n\n本段文字。"),
            page(3, "二、結論\n\n結論文字。"),
        ]
        .join("\x0c");
        let text = layout_to_text(&raw);
        assert_eq!(
            text,
            "壹、統計\n\n表2 各年度件數\n\n年度\t件數\t金額\n105\t3\t1,200\n106\t12\t800\n\n\
             一、說明\n\n本段文字。\n\n二、結論\n\n結論文字。\n"
        );
    }

    #[test]
    fn prose_lines_join_only_at_the_margin() {
        let raw = "  第一段的第一行文字一直寫到版面的右邊界為止，\n\
                   第一段的第二行也寫到右邊界。句子在行中結束\n\
                   第一段的第三行。\n\
                   \x20 第二段第一行也一直寫到了版面的右邊界為止，\n\
                   （一）標題不併入\n短行\n另一短行\n";
        assert_eq!(
            layout_to_text(raw),
            "第一段的第一行文字一直寫到版面的右邊界為止，第一段的第二行也寫到右邊界。句子在行中結束第一段的第三行。\n\n\
             第二段第一行也一直寫到了版面的右邊界為止，\n\n（一）標題不併入\n\n短行\n\n另一短行\n"
        );
    }

    #[test]
    fn running_header_at_shifting_columns_and_repeated_table_header() {
        // `-layout` scales columns per page: the right-aligned header moves; the table goes
        // on over the page break with its header row repeated.
        let raw = "    封面標題\n\n    中華民國 106 年 12 月 25 日\n\x0c\
                   \x20                                   報告簡稱\n\n表四 姊妹市列表\n\n\
                   洲別    國別      城市名        締結時間\n\
                   美洲    美國      休士頓市      1961.06.15\n\
                   \x20       多明尼加  聖多明哥市    1970.02.16\n\n\
                   \x20                    - 1 -\n\x0c\
                   \x20                             報告簡稱\n\n\
                   洲別      國別        城市名          締結時間\n\
                   歐洲      立陶宛      維爾紐斯市      1998.05.28\n\
                   \x20         拉脫維亞    里加市          2001.08.05\n\n\
                   資料來源：本研究整理\n\n\
                   \x20                      - 2 -\n";
        let text = layout_to_text(raw);
        assert!(!text.contains("報告簡稱"), "{text}");
        let r = parse(&text);
        let rows: Vec<Vec<&str>> = r
            .blocks
            .iter()
            .filter(|b| b.kind == Kind::TableRow)
            .map(|b| b.cells.iter().map(String::as_str).collect())
            .collect();
        assert_eq!(
            rows,
            vec![
                vec!["美洲", "美國", "休士頓市", "1961.06.15"],
                vec!["美洲", "多明尼加", "聖多明哥市", "1970.02.16"],
                vec!["歐洲", "立陶宛", "維爾紐斯市", "1998.05.28"],
                vec!["歐洲", "拉脫維亞", "里加市", "2001.08.05"],
            ],
            "{text}"
        );
        assert_eq!(
            r.blocks.iter().filter(|b| b.kind == Kind::Table).count(),
            1,
            "{text}"
        );
    }

    /// A layout line with the texts at the given character columns.
    fn at(cells: &[(usize, &str)]) -> String {
        let mut line = String::new();
        for (col, text) in cells {
            while line.chars().count() < *col {
                line.push(' ');
            }
            line.push_str(text);
        }
        line + "\n"
    }

    #[test]
    fn sparse_rows_wrapped_cells_and_wrapped_headers() {
        let raw = [
            "表一 評比\n\n".to_string(),
            at(&[(0, "年度"), (10, "媒體/主"), (22, "指標"), (32, "名次")]),
            at(&[(10, "題")]),
            at(&[(0, "2016.9"), (10, "2016 幸福"), (22, "總排名"), (32, "1")]),
            at(&[(10, "城市調查")]),
            at(&[(22, "經濟力"), (32, "1")]),
            at(&[(22, "環境力"), (32, "2")]),
            at(&[(0, "2015.9"), (10, "天下雜誌"), (22, "總排名"), (32, "3")]),
            at(&[(0, "促進友好"), (10, "韓國"), (22, "京畿道"), (32, "4")]),
            at(&[(0, "合作備忘")]),
            at(&[(0, "錄")]),
            at(&[(0, "友好城市"), (10, "日本"), (22, "橫濱市"), (32, "5")]),
        ]
        .concat();
        assert_eq!(
            layout_to_text(&raw),
            "表一 評比\n\n年度\t媒體/主題\t指標\t名次\n\
             2016.9\t2016 幸福城市調查\t總排名\t1\n\t\t經濟力\t1\n\t\t環境力\t2\n\
             2015.9\t天下雜誌\t總排名\t3\n促進友好合作備忘錄\t韓國\t京畿道\t4\n\
             友好城市\t日本\t橫濱市\t5\n"
        );
    }

    #[test]
    fn spaces_inside_chinese_prose() {
        assert_eq!(
            drop_cjk_gaps("臺北城 市競爭力， 2016 年 ECFA 協議 (請參見表一) 一、 構建"),
            "臺北城市競爭力，2016 年 ECFA 協議 (請參見表一) 一、 構建"
        );
        assert_eq!(drop_cjk_gaps("表一 兩岸城 市交流"), "表一 兩岸城市交流");
    }

    #[test]
    fn bulleted_items_with_hanging_lines() {
        let raw = "\u{f0b7}   (一) 若著眼於當前民眾需求：雙城間簽訂市民自由行以及空氣\n\
                   \x20   汙染防治等皆是不錯的選擇。\n\
                   •   (二) 產業發展。\n\
                   本段文字寫到了版面的右邊界為止，這是一段很長很長很長的文字\n";
        assert_eq!(
            layout_to_text(raw),
            "• (一) 若著眼於當前民眾需求：雙城間簽訂市民自由行以及空氣汙染防治等皆是不錯的選擇。\n\n\
             • (二) 產業發展。\n\n本段文字寫到了版面的右邊界為止，這是一段很長很長很長的文字\n"
        );
    }
}
