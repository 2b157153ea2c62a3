//! PDF → text with poppler's `pdftotext -layout`, then layout post-processing:
//!
//! 1. pages are split at form feeds; running headers/footers (the same line, digits aside,
//!    at the top or bottom of most pages: the outermost line of a page at any indentation,
//!    since `-layout` scales columns per page, the next one at the same indentation) and
//!    page numbers (`3`, `- 3 -`, `第 3 頁`, `3/10`, `Page 3`) at page edges are removed;
//! 2. table regions — consecutive lines with column gaps (≥ 2 spaces) whose blank columns
//!    line up — become TAB-separated rows: where poppler's word boxes (`-bbox-layout`, read
//!    only for a PDF with such a region) show rows set apart by cell padding, cut where
//!    the words are ([`words`]), else at those blank columns; a line of wrapped
//!    cells (fewer than half the cells, the first empty unless alone, each under a cell of
//!    ≥ 4 characters) and a header row's wrapped lines are merged into the row above; a
//!    table that goes on over a page break loses its repeated header rows (title rows over
//!    the header included, a header set apart from the rows too) and stays one table, a
//!    row cut by the page break rejoined; a part right below with columns of its own stays
//!    the table's;
//! 3. other lines are prose: indentation is stripped, a lone bullet glyph (Word's Symbol
//!    bullet U+F0B7 shown as `•`) starts a list item whose lines hang at its text, printed
//!    lines of one paragraph (a
//!    line running to the right margin followed by a non-indented line that does not start
//!    a heading or list item) are joined (no space between CJK characters), and a blank
//!    line is put between paragraphs and between pages. A paragraph cut by a page break is
//!    re-joined by the parser.

use super::{Extracted, FormatError, extracted};

mod layout;
mod ocr;
mod pages;
mod paragraphs;
mod tables;
mod words;

pub use layout::layout_to_text;

/// The poppler-utils program used.
const PDFTOTEXT: &str = "pdftotext";

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
    let words = words::Words::new(|| read_words(program, bytes));
    let text = layout::layout_to_text_with(&raw, &words);
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

/// The word boxes of the PDF from `pdftotext -bbox-layout`; `None` if it fails (the text
/// was read already: the `-layout` rules cut the tables then).
fn read_words(program: &str, bytes: &[u8]) -> Option<Vec<words::PageLines>> {
    let output = super::run_with_stdin(
        program,
        &["-bbox-layout", "-enc", "UTF-8", "-", "-"],
        bytes,
        "",
    )
    .ok()?;
    if !output.status.success() {
        return None;
    }
    words::parse(&String::from_utf8_lossy(&output.stdout)).ok()
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
        let rows = list.iter().filter(|p| p.kind == Kind::TableRow).count();
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
        // centred over two columns, a part's head row repeated on the next page, title rows
        // over the header, a row cut by the page break, narrow numeric columns on a page
        // without the header) have the rows of the text version, cell for cell.
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("corpus/taipei-shanghai-city-exchange-2017.txt"),
        )
        .unwrap();
        let text_rows = crate::report::passage::passages("s", &parse(&text));
        for table in [
            "表一 天下雜誌國內城市評比",
            "表二 遠見雜誌國內城市評比",
            "表三 主要國際城市競爭力評比：2012-2017",
            "表四 臺北市級姊妹市列表",
            "表五 姊妹市以外的交流成果",
            "表六 桃園市近年與大陸城市交流概況",
            "表五 2010-2017 臺北市與上海市簽署合作備忘錄列表(依功能類型)",
            "表六 來臺境外學生人數",
            "附錄一 上海市級友好城市列表",
        ] {
            let cells = |list: &[crate::report::passage::Passage]| -> Vec<Vec<String>> {
                list.iter()
                    .filter(|p| p.kind == Kind::TableRow && p.table.as_deref() == Some(table))
                    .map(|p| p.cells.clone())
                    .collect()
            };
            assert_eq!(cells(&list), cells(&text_rows), "{table}");
            let pdf_headers = list
                .iter()
                .find(|p| p.table.as_deref() == Some(table) && p.kind == Kind::TableRow)
                .map(|p| p.headers.clone());
            let text_headers = text_rows
                .iter()
                .find(|p| p.table.as_deref() == Some(table) && p.kind == Kind::TableRow)
                .map(|p| p.headers.clone());
            assert_eq!(pdf_headers, text_headers, "{table}");
        }
        // All tables: the rows that have the caption, headers and cells of a row of the text
        // version (in order: the longest common subsequence). 141 of 238 when tables were
        // cut at runs of spaces in `-layout` text; docs/formats-fidelity.md has the misses.
        let key = |p: &crate::report::passage::Passage| {
            (p.table.clone(), p.headers.clone(), p.cells.clone())
        };
        let pdf: Vec<_> = list
            .iter()
            .filter(|p| p.kind == Kind::TableRow)
            .map(key)
            .collect();
        let text: Vec<_> = text_rows
            .iter()
            .filter(|p| p.kind == Kind::TableRow)
            .map(key)
            .collect();
        let mut common = vec![vec![0usize; pdf.len() + 1]; text.len() + 1];
        for i in 1..=text.len() {
            for j in 1..=pdf.len() {
                common[i][j] = if text[i - 1] == pdf[j - 1] {
                    common[i - 1][j - 1] + 1
                } else {
                    common[i - 1][j].max(common[i][j - 1])
                };
            }
        }
        let same = common[text.len()][pdf.len()];
        assert_eq!(text.len(), 238);
        assert_eq!(same, 238, "rows cell for cell");
        // A header repeated on a new page is not a row.
        for p in list.iter().filter(|p| p.kind == Kind::TableRow) {
            assert_ne!(p.cells, p.headers, "{p:?}");
        }
    }

    /// Another document than the sample report (`make_long_table_pdf.py`): a table of narrow
    /// numeric columns over four pages, a title and a unit row over its header, all three
    /// repeated on each page apart from the rows.
    #[test]
    fn long_table_pdf_rows_cell_for_cell() {
        if !pdftotext_present("long_table_pdf_rows_cell_for_cell") {
            return;
        }
        let bytes = fixture("long-table.pdf");
        let ingested = crate::ingest::ingest_bytes(&bytes, Path::new("t.pdf"), None).unwrap();
        let mut list = crate::report::passage::passages("t", &ingested.report);
        crate::report::pages::place_on_pages(&mut list, &ingested.pages, &ingested.ocr_pages);
        let head = [
            "年度", "縣市", "總計", "國小", "國中", "高中", "高職", "專科", "大學", "碩士", "博士",
            "其他",
        ];
        let cities = ["臺北市", "新北市", "桃園市", "臺中市", "臺南市", "高雄市"];
        let mut expected: Vec<Vec<String>> = Vec::new();
        for year in 100u64..112 {
            for (k, city) in cities.iter().enumerate() {
                let mut row = vec![year.to_string(), city.to_string()];
                for j in 0..10u64 {
                    let v = (year * 7919 + k as u64 * 104729 + j * 15485863) % 990000 + 10000;
                    row.push(format!("{},{:03}", v / 1000, v % 1000));
                }
                expected.push(row);
            }
        }
        let rows: Vec<&crate::report::passage::Passage> =
            list.iter().filter(|p| p.kind == Kind::TableRow).collect();
        let cells: Vec<Vec<String>> = rows.iter().map(|p| p.cells.clone()).collect();
        assert_eq!(cells, expected);
        for p in &rows {
            assert_eq!(p.headers, head, "{p:?}");
            assert_eq!(p.table.as_deref(), Some("表 7 各縣市各級學校學生人數"));
        }
        let pages: Vec<u32> = list
            .iter()
            .map(|p| p.page.unwrap_or_else(|| panic!("no page: {p:?}")))
            .collect();
        assert!(pages.windows(2).all(|w| w[0] <= w[1]), "{pages:?}");
        assert_eq!(pages.last(), Some(&4));
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
}
