//! Reports as they arrive: plain text, PDF, DOCX, ODT/ODS, Word 97–2003 and HTML → the plain text [`crate::report::parse`]
//! reads.
//!
//! [`detect`] looks at the content (magic bytes, zip entries, leading HTML tags); the file
//! extension only breaks ties. [`extract`] turns the bytes into text that follows the plain
//! text conventions of the parser: one paragraph per line, a blank line between paragraphs,
//! headings on their own line, tables as consecutive TAB-separated rows (header row first,
//! empty leading cells meaning "same as above") preceded by their `表X …` caption.
//!
//! - text: [`crate::ingest::decode::decode`] unchanged;
//! - PDF: the `pdftotext` program of poppler-utils (run with `-layout`), then [`pdf`]
//!   post-processing: page headers/footers and page numbers removed, column blocks turned
//!   into TAB-separated rows, printed lines of one paragraph re-joined;
//! - DOCX: `word/document.xml` read with `zip` + `quick-xml` ([`docx`]);
//! - ODT/ODS (OpenDocument): `content.xml` and `meta.xml` read the same way ([`odf`]);
//! - DOC (Word 97–2003): the `antiword` program ([`doc`]);
//! - HTML: charset from the BOM or `<meta>`, else the text detection; block text via
//!   `scraper` (html5ever), without navigation, scripts and page furniture ([`html`]).
//!
//! No input makes this module panic: anything unreadable is a [`FormatError`].

use std::fmt;
use std::path::Path;

use crate::ingest::decode::{self, DecodeError};

pub mod doc;
pub mod docx;
pub mod html;
pub mod odf;
pub mod pdf;
pub mod zip_limits;

/// The kind of file a report came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Text,
    Pdf,
    Docx,
    Html,
    /// OpenDocument text (LibreOffice Writer).
    Odt,
    /// OpenDocument spreadsheet (LibreOffice Calc).
    Ods,
    /// Word 97–2003.
    Doc,
}

impl Format {
    /// Lowercase name: "text", "pdf", "docx", "html".
    pub fn name(&self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Pdf => "pdf",
            Format::Docx => "docx",
            Format::Html => "html",
            Format::Odt => "odt",
            Format::Ods => "ods",
            Format::Doc => "doc",
        }
    }

    /// The inverse of [`Format::name`]; also accepts `txt` and `htm` (any case).
    pub fn from_name(name: &str) -> Option<Format> {
        Some(match name.trim().to_ascii_lowercase().as_str() {
            "text" | "txt" => Format::Text,
            "pdf" => Format::Pdf,
            "docx" => Format::Docx,
            "html" | "htm" => Format::Html,
            "odt" => Format::Odt,
            "ods" => Format::Ods,
            "doc" => Format::Doc,
            _ => return None,
        })
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The text of one file, ready for [`crate::report::parse::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    pub text: String,
    /// How the text was obtained: the character encoding for text and HTML ("utf-8",
    /// "big5", …), else the format ("pdf", "docx").
    pub encoding: String,
    /// Number of U+FFFD replacement characters in `text`.
    pub replacements: usize,
    /// The text of each page, for formats that have pages (PDF); empty otherwise.
    pub pages: Vec<String>,
    /// The pages (1-based) whose text was read by OCR from a scanned image.
    pub ocr_pages: Vec<u32>,
}

/// Why a file could not be turned into text.
#[derive(Debug)]
pub enum FormatError {
    /// Text or HTML bytes that could not be decoded.
    Decode(DecodeError),
    /// A PDF whose pages hold no text (a scanned image?).
    NoTextLayer,
    /// An external program (pdftotext) or its data is missing; the string says what to install.
    MissingTool(String),
    /// The file is damaged or not what its format claims; the string says why.
    Corrupt(String),
    /// A document baogao cannot read (a slide deck, a spreadsheet, an archive, …): the
    /// string names it (`.pptx`, `zip archive`).
    Unsupported(String),
    /// The file would unpack or nest past a stated bound; the string says which.
    TooLarge(String),
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormatError::Decode(e) => e.fmt(f),
            FormatError::NoTextLayer => f.write_str("這是掃描檔（沒有文字層），請先以 OCR 轉出文字 scanned PDF without a text layer: run OCR first"),
            FormatError::MissingTool(what)
            | FormatError::Corrupt(what)
            | FormatError::TooLarge(what) => f.write_str(what),
            FormatError::Unsupported(what) => write!(
                f,
                "不支援的格式 {what}：請另存為 PDF、DOCX 或 ODT unsupported format {what}: \
                 save it as PDF, DOCX or ODT"
            ),
        }
    }
}

impl std::error::Error for FormatError {}

impl From<DecodeError> for FormatError {
    fn from(e: DecodeError) -> FormatError {
        FormatError::Decode(e)
    }
}

/// How far into the file the HTML sniffing looks.
const SNIFF_LEN: usize = 1024;

/// Detects the format from the content; the extension of `path` decides only when the
/// content matches no format (an HTML fragment in a `.html` file, a damaged `.pdf`/`.docx`).
pub fn detect(bytes: &[u8], path: &Path) -> Format {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let head = &bytes[..bytes.len().min(SNIFF_LEN)];
    if find(head, b"%PDF-").is_some() {
        return Format::Pdf;
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        match odf::sniff(bytes) {
            Some(odf::Kind::Text) => return Format::Odt,
            Some(odf::Kind::Spreadsheet) => return Format::Ods,
            None => {}
        }
        if find(bytes, b"word/document.xml").is_some() || ext == "docx" {
            return Format::Docx;
        }
        return match ext.as_str() {
            "odt" => Format::Odt,
            "ods" => Format::Ods,
            _ => Format::Text,
        };
    }
    if doc::is_word(bytes) {
        return Format::Doc;
    }
    let ascii = sniff_ascii(head);
    if looks_like_html(&ascii) {
        return Format::Html;
    }
    let trimmed = ascii.trim_start();
    let binary = head.contains(&0) && decode::sniff_utf16(head).is_none();
    match ext.as_str() {
        "html" | "htm" | "xhtml" | "shtml" | "asp" | "aspx" | "php" | "jsp"
            if trimmed.starts_with('<') =>
        {
            Format::Html
        }
        "pdf" if binary => Format::Pdf,
        "docx" if binary => Format::Docx,
        "odt" if binary => Format::Odt,
        "ods" if binary => Format::Ods,
        "doc" if binary => Format::Doc,
        _ => Format::Text,
    }
}

/// Extensions of documents that look like reports but that baogao cannot read: `index`
/// lists them as failures, `add` refuses them, instead of passing them over in silence.
pub const UNSUPPORTED_EXTENSIONS: &[&str] = &[
    "xls", "xlsx", "xlsm", "et", "numbers", "ppt", "pptx", "pps", "ppsx", "odp", "dps", "key",
    "pages", "wps", "wpt", "hwp", "hwpx", "rtf", "epub", "xps", "oxps", "ofd", "djvu", "zip",
    "rar", "7z",
];

/// Why `bytes` (from `path`), detected as `format`, cannot be read: a file that is text only
/// by default (no format matched its content) while its extension names a format baogao
/// does not read, or its first bytes are an archive or an OLE compound file.
pub fn unsupported(format: Format, bytes: &[u8], path: &Path) -> Option<FormatError> {
    if format != Format::Text {
        return None;
    }
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if UNSUPPORTED_EXTENSIONS.contains(&ext.as_str()) {
        return Some(FormatError::Unsupported(format!(".{ext}")));
    }
    // Web sites often serve RTF under a `.doc` name; read as text it would be RTF codes.
    if bytes.starts_with(b"{\\rtf") {
        return Some(FormatError::Unsupported("RTF".to_string()));
    }
    container_kind(bytes).map(|kind| FormatError::Unsupported(kind.to_string()))
}

/// `zip archive` or `OLE compound file` when the bytes start like one.
pub fn container_kind(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        Some("zip archive")
    } else if bytes.starts_with(doc::OLE_MAGIC) {
        Some("OLE compound file")
    } else {
        None
    }
}

/// Extracts the text of a file of the given format. `forced_label` (an encoding label) is
/// used for text and HTML only.
pub fn extract(
    format: Format,
    bytes: &[u8],
    forced_label: Option<&str>,
) -> Result<Extracted, FormatError> {
    match format {
        Format::Text => {
            let d = decode::decode(bytes, forced_label)?;
            Ok(Extracted {
                text: d.text,
                encoding: d.encoding,
                replacements: d.replacements,
                pages: Vec::new(),
                ocr_pages: Vec::new(),
            })
        }
        Format::Pdf => pdf::extract(bytes),
        Format::Docx => docx::extract(bytes),
        Format::Html => html::extract(bytes, forced_label),
        Format::Odt => odf::extract(odf::Kind::Text, bytes),
        Format::Ods => odf::extract(odf::Kind::Spreadsheet, bytes),
        Format::Doc => doc::extract(bytes),
    }
}

/// Builds an [`Extracted`] for a format without a character encoding of its own.
fn extracted(text: String, encoding: &str) -> Extracted {
    let replacements = text.chars().filter(|&c| c == '\u{fffd}').count();
    Extracted {
        text,
        encoding: encoding.to_string(),
        replacements,
        pages: Vec::new(),
        ocr_pages: Vec::new(),
    }
}

/// One grid position of a table with merged cells.
#[derive(Debug, Clone, PartialEq)]
enum GridCell {
    /// A cell of its own (or the first position of a merged cell).
    Text(String),
    /// Covered by a cell to its left (colspan / gridSpan): empty.
    Span,
    /// Covered by a cell above (rowspan / vMerge), whose text is given.
    Above(String),
}

/// Renders table rows as TAB-separated lines. A position covered from above is left empty
/// when only empty cells precede it in its row (the parser fills leading empty cells down
/// from the row above); elsewhere it repeats the merged text, which the parser would not
/// fill. Rows without any text are dropped.
fn render_table(rows: Vec<Vec<GridCell>>) -> Vec<String> {
    let mut lines = Vec::new();
    for row in rows {
        let mut cells: Vec<String> = Vec::with_capacity(row.len());
        let mut leading = true;
        let mut any = false;
        for cell in row {
            let text = match cell {
                GridCell::Text(t) => cell_text(&t),
                GridCell::Span => String::new(),
                GridCell::Above(t) if leading => {
                    any |= !t.trim().is_empty();
                    String::new()
                }
                GridCell::Above(t) => cell_text(&t),
            };
            leading &= text.is_empty();
            any |= !text.is_empty();
            cells.push(text);
        }
        while cells.last().is_some_and(String::is_empty) {
            cells.pop();
        }
        if any {
            // A one-cell line would not be a row; keep it a row with an empty second cell.
            if cells.len() < 2 {
                cells.resize(2, String::new());
            }
            lines.push(cells.join("\t"));
        }
    }
    lines
}

/// Text of one table cell: all whitespace (TAB, line breaks) collapsed, trimmed.
fn cell_text(s: &str) -> String {
    collapse_whitespace(s).replace('\t', " ")
}

/// Collapses each whitespace run to one space, except that a run holding a line break
/// between two CJK characters disappears (a printed or source line break inside a
/// sentence); trims the ends.
fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending: Option<bool> = None; // Some(run has a line break)
    for c in s.chars() {
        if c.is_whitespace() || c == '\u{feff}' {
            let newline = c == '\n' || c == '\r';
            pending = Some(pending.unwrap_or(false) || newline);
            continue;
        }
        if let Some(newline) = pending.take() {
            let joined = newline && out.chars().last().is_some_and(is_cjk) && is_cjk(c);
            if !out.is_empty() && !joined {
                out.push(' ');
            }
        }
        out.push(c);
    }
    out
}

/// CJK ideographs, kana, CJK and full-width punctuation.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FFF | 0x3001..=0x303F | 0x3040..=0x9FFF | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF01..=0xFF60 | 0x20000..=0x3FFFF)
}

/// What an XML document walked by [`walk_xml`] is turned into: told each element's start
/// and end, and the text (entities resolved) wherever it wants text.
pub(super) trait XmlWalker {
    fn start(&mut self, e: &quick_xml::events::BytesStart<'_>, empty: bool);
    fn end(&mut self, name: &str);
    /// Whether text read now belongs to the output.
    fn wants_text(&self) -> bool;
    fn push_text(&mut self, s: &str);
}

/// Walks `xml` in document order, an empty element being a start and an end. The error is
/// the cause, for the format to name.
pub(super) fn walk_xml(xml: &str, w: &mut impl XmlWalker) -> Result<(), String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().trim_text(false);
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("bad XML at byte {}: {e}", reader.buffer_position()))?;
        match event {
            Event::Eof => return Ok(()),
            Event::Start(e) => w.start(&e, false),
            Event::Empty(e) => {
                w.start(&e, true);
                w.end(e.name().as_ref());
            }
            Event::End(e) => w.end(e.name().as_ref()),
            Event::Text(t) if w.wants_text() => w.push_text(&t.xml10_content()),
            Event::CData(t) if w.wants_text() => w.push_text(&t.xml10_content()),
            Event::GeneralRef(r) if w.wants_text() => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => match &*r {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => None,
                    },
                };
                if let Some(c) = c {
                    w.push_text(c.encode_utf8(&mut [0; 4]));
                }
            }
            _ => {}
        }
    }
}

/// Runs `program` with `args` and `input` on its stdin (written from another thread, so a
/// large output cannot block it); `not_found` is the cause when the program is not
/// installed.
pub(super) fn run_with_stdin(
    program: &str,
    args: &[&str],
    input: &[u8],
    not_found: &str,
) -> Result<std::process::Output, FormatError> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let cannot_run =
        |e: std::io::Error| FormatError::MissingTool(format!("無法執行 cannot run {program}: {e}"));
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                FormatError::MissingTool(not_found.to_string())
            } else {
                cannot_run(e)
            }
        })?;
    let mut stdin = child.stdin.take();
    std::thread::scope(|s| {
        s.spawn(move || {
            if let Some(stdin) = stdin.as_mut() {
                // The program may stop reading early on a broken file: ignore EPIPE.
                let _ = stdin.write_all(input);
            }
            drop(stdin);
        });
        child.wait_with_output()
    })
    .map_err(cannot_run)
}

/// The last non-empty line a program wrote on stderr, and how it ended (`exit 1`, `killed`).
pub(super) fn failure_cause(output: &std::process::Output) -> (String, String) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let cause = stderr
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .unwrap_or("no message")
        .to_string();
    let code = output
        .status
        .code()
        .map_or_else(|| "killed".to_string(), |c| format!("exit {c}"));
    (cause, code)
}

/// Where `needle` first occurs in `haystack`.
pub(crate) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

/// The first KB as ASCII lowercase (non-ASCII bytes become `#`), read as UTF-16 when it
/// looks like UTF-16, without a BOM.
fn sniff_ascii(head: &[u8]) -> String {
    let mut body = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let units: Vec<u8> = if let Some(enc) = decode::sniff_utf16(body) {
        let le = enc == encoding_rs::UTF_16LE;
        if body.starts_with(&[0xff, 0xfe]) || body.starts_with(&[0xfe, 0xff]) {
            body = &body[2..];
        }
        body.chunks_exact(2)
            .map(|p| {
                let (lo, hi) = if le { (p[0], p[1]) } else { (p[1], p[0]) };
                if hi == 0 { lo } else { 0x80 }
            })
            .collect()
    } else {
        body.to_vec()
    };
    units
        .iter()
        .map(|&b| {
            if b.is_ascii() {
                char::from(b.to_ascii_lowercase())
            } else {
                '#'
            }
        })
        .collect()
}

/// Whether the (lowercased) start of a file is HTML: it opens with a tag, and an
/// `<!doctype html`, `<html`, `<head`, `<body` or `<meta` tag comes within the first KB.
fn looks_like_html(ascii: &str) -> bool {
    let t = ascii.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '\u{feff}');
    if !t.starts_with('<') {
        return false;
    }
    ["<!doctype html", "<html", "<head", "<body", "<meta "]
        .iter()
        .any(|tag| t.contains(tag))
}

/// Helpers shared by the format modules' tests.
#[cfg(test)]
pub(crate) mod testing {
    use crate::report::parse::{Block, Kind, Report};

    /// The fixtures' table 表一 under 貳、交流現況: its caption, headers and source note.
    pub fn assert_sample_table(report: &Report, headers: &[&str]) {
        let (rows, _) = table_rows(&report.blocks);
        assert_eq!(rows[0].headers, headers);
        assert_eq!(rows[0].table.as_deref(), Some("表一 兩岸城市交流統計"));
        assert_eq!(rows[0].section, vec!["貳、交流現況"]);
        assert!(
            report
                .blocks
                .iter()
                .any(|b| b.kind == Kind::Note && b.text == "資料來源：本研究整理")
        );
    }

    /// The fixtures' report: title, ROC date, the paragraph under 壹、研究背景, 表一's rows
    /// (北部 merged over two rows, 高雄市 5 over two columns), caption and headers.
    pub fn assert_sample_report(report: &Report) {
        assert_eq!(report.title, "兩岸城市交流測試報告");
        assert_eq!(report.date.as_deref(), Some("2017-12-25"));
        let para = report
            .blocks
            .iter()
            .find(|b| b.text.starts_with("本研究"))
            .expect("paragraph");
        assert_eq!(para.section, vec!["壹、研究背景"]);
        let (_, cells) = table_rows(&report.blocks);
        assert_eq!(
            cells,
            vec![
                vec!["北部", "臺北市", "12"],
                vec!["北部", "新北市", "8"],
                vec!["南部", "高雄市 5"],
            ]
        );
        assert_sample_table(report, &["區域", "城市", "交流次數"]);
    }

    /// The table rows among `blocks`, and the cells of each.
    pub fn table_rows(blocks: &[Block]) -> (Vec<&Block>, Vec<Vec<&str>>) {
        let rows: Vec<&Block> = blocks.iter().filter(|b| b.kind == Kind::TableRow).collect();
        let cells = rows
            .iter()
            .map(|b| b.cells.iter().map(String::as_str).collect())
            .collect();
        (rows, cells)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_content_then_extension() {
        let p = Path::new;
        assert_eq!(detect(b"%PDF-1.4\n...", p("a.txt")), Format::Pdf);
        assert_eq!(
            detect(b"\xef\xbb\xbf  <!DOCTYPE html><html>", p("a")),
            Format::Html
        );
        assert_eq!(
            detect(b"\n<meta charset=\"big5\">\n<p>x", p("a.txt")),
            Format::Html
        );
        let utf16: Vec<u8> = "\u{feff}<html><body>報告</body></html>"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(detect(&utf16, p("x")), Format::Html);
        let utf16be: Vec<u8> = "<!doctype html><p>x"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(detect(&utf16be, p("x")), Format::Html);
        // A report that mentions a tag is still text.
        assert_eq!(
            detect("本報告說明 <html> 標籤".as_bytes(), p("a.html")),
            Format::Text
        );
        assert_eq!(detect(b"<div>fragment</div>", p("a.htm")), Format::Html);
        assert_eq!(detect(b"<div>fragment</div>", p("a.txt")), Format::Text);
        assert_eq!(
            detect(b"PK\x03\x04....word/document.xml..", p("a.zip")),
            Format::Docx
        );
        assert_eq!(detect(b"PK\x03\x04garbage", p("a.docx")), Format::Docx);
        assert_eq!(detect(b"PK\x03\x04garbage", p("a.zip")), Format::Text);
        assert_eq!(detect(b"\0\x01\x02garbage", p("a.pdf")), Format::Pdf);
        assert_eq!(detect("純文字報告".as_bytes(), p("a.pdf")), Format::Text);
        assert_eq!(detect(b"", p("a")), Format::Text);
        for f in [
            Format::Text,
            Format::Pdf,
            Format::Docx,
            Format::Html,
            Format::Odt,
            Format::Ods,
            Format::Doc,
        ] {
            assert_eq!(Format::from_name(f.name()), Some(f));
        }
    }

    #[test]
    fn unreadable_documents_are_named() {
        let p = Path::new;
        let named = |bytes: &[u8], path: &str| {
            unsupported(detect(bytes, p(path)), bytes, p(path)).map(|e| e.to_string())
        };
        let pptx = named(b"PK\x03\x04ppt/slides/slide1.xml", "簡報.pptx").unwrap();
        assert!(
            pptx.starts_with("不支援的格式 .pptx：請另存為 PDF、DOCX 或 ODT unsupported format"),
            "{pptx}"
        );
        assert!(
            named(br"{\rtf1\ansi report}", "報告.doc")
                .unwrap()
                .contains("RTF")
        );
        assert!(
            named(b"PK\x03\x04x", "attachment")
                .unwrap()
                .contains("zip archive")
        );
        let xls = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1W\0o\0r\0k\0b\0o\0o\0k\0";
        assert!(
            named(xls, "data.bin")
                .unwrap()
                .contains("OLE compound file")
        );
        assert_eq!(named("純文字報告".as_bytes(), "a.txt"), None);
        assert_eq!(named(b"PK\x03\x04..word/document.xml..", "a.docx"), None);
    }

    #[test]
    fn text_goes_through_decode() {
        let (big5, _, _) = encoding_rs::BIG5.encode("中華民國 106 年 12 月 25 日研究報告");
        let e = extract(Format::Text, &big5, None).unwrap();
        assert_eq!(e.encoding, "big5");
        assert!(e.text.starts_with("中華民國"));
        assert!(matches!(
            extract(Format::Text, b"", None),
            Err(FormatError::Decode(DecodeError::Empty))
        ));
    }

    #[test]
    fn errors_display_short_causes() {
        assert_eq!(
            FormatError::NoTextLayer.to_string(),
            "這是掃描檔（沒有文字層），請先以 OCR 轉出文字 scanned PDF without a text layer: run OCR first"
        );
        assert_eq!(
            FormatError::Decode(DecodeError::Empty).to_string(),
            "empty file"
        );
    }
}
