//! Word 97–2003 (`.doc`) → text with the `catdoc` program (Debian package catdoc), run with
//! the file on stdin, UTF-8 output and no line wrapping.
//!
//! catdoc prints one paragraph per line and a table row as one line of TAB-separated cells
//! (a cell merged with the one above left empty), which is the parser's table convention;
//! the lines are given a blank line between them, except between table rows. Of the Debian
//! converters catdoc is the one that keeps both the Chinese text and the tables: antiword
//! draws tables in narrow `|` columns that cut cells into one character per line, and
//! wvText needs a web browser installed and prints each cell on its own line.

use super::{Extracted, FormatError, extracted};
use crate::ingest::decode::DecodeError;

/// The catdoc program.
const CATDOC: &str = "catdoc";

/// The first bytes of an OLE compound file (Word 97–2003, and Excel and PowerPoint too).
pub const OLE_MAGIC: &[u8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1";

/// The name of a Word document's main stream as the compound file's directory spells it
/// (UTF-16LE): tells a `.doc` from the other OLE files.
const WORD_STREAM: &[u8] = b"W\0o\0r\0d\0D\0o\0c\0u\0m\0e\0n\0t\0";

/// Whether `bytes` are a Word 97–2003 document.
pub fn is_word(bytes: &[u8]) -> bool {
    bytes.starts_with(OLE_MAGIC) && super::find(bytes, WORD_STREAM).is_some()
}

/// The cause shown when catdoc is not installed.
pub const MISSING: &str = "未安裝 catdoc，無法讀取 Word 97–2003 (.doc) 檔：請安裝 Debian 套件 catdoc，或將檔案另存為 DOCX \
     catdoc not found: install the Debian package catdoc, or save the file as DOCX";

/// Extracts the text of a Word 97–2003 file.
pub fn extract(bytes: &[u8]) -> Result<Extracted, FormatError> {
    extract_with(CATDOC, bytes)
}

fn extract_with(program: &str, bytes: &[u8]) -> Result<Extracted, FormatError> {
    if !is_word(bytes) {
        return Err(FormatError::Corrupt(
            "not a Word 97–2003 document (no WordDocument stream)".into(),
        ));
    }
    let raw = run_catdoc(program, bytes)?;
    let text = catdoc_to_text(&raw);
    if text.trim().is_empty() {
        return Err(FormatError::Decode(DecodeError::Empty));
    }
    Ok(extracted(text, "doc"))
}

/// Runs `catdoc -d utf-8 -w` with the file on stdin; returns its output.
fn run_catdoc(program: &str, bytes: &[u8]) -> Result<String, FormatError> {
    let output = super::run_with_stdin(program, &["-d", "utf-8", "-w"], bytes, MISSING)?;
    if !output.status.success() {
        let (cause, code) = super::failure_cause(&output);
        return Err(FormatError::Corrupt(format!(
            "unreadable Word 97–2003 document (catdoc {code}: {cause})"
        )));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// catdoc's lines → parser text: a blank line between paragraphs, table rows kept together.
fn catdoc_to_text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + raw.len() / 8);
    let mut previous_row = false;
    for line in raw.split(['\n', '\x0c']) {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let row = line.contains('\t');
        if !out.is_empty() {
            out.push_str(if row && previous_row { "\n" } else { "\n\n" });
        }
        out.push_str(line.trim_end());
        previous_row = row;
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::formats::testing::assert_sample_report;
    use crate::report::parse::parse;

    /// The `.doc` test needs catdoc. Without it it is skipped, saying so on stderr, so that
    /// `cargo test` passes with nothing but the Rust toolchain; with
    /// `BAOGAO_REQUIRE_DOC_CONVERTER=1` a missing catdoc fails it.
    fn catdoc_present(test: &str) -> bool {
        match std::process::Command::new(CATDOC).arg("-V").output() {
            Ok(_) => true,
            Err(e)
                if std::env::var_os("BAOGAO_REQUIRE_DOC_CONVERTER").is_some_and(|v| v == "1") =>
            {
                panic!("catdoc is required by the .doc tests ({e}): apt-get install -y catdoc")
            }
            Err(e) => {
                // Straight to stderr: the test harness captures `eprintln!` of passing tests.
                let line = format!(
                    "\nSKIPPED {test}: catdoc not available ({e}); apt-get install -y catdoc, \
                     or set BAOGAO_REQUIRE_DOC_CONVERTER=1 to make this a failure\n"
                );
                let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
                false
            }
        }
    }

    #[test]
    fn word_97_file_parses_like_text() {
        if !catdoc_present("word_97_file_parses_like_text") {
            return;
        }
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/formats/report.doc");
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(
            crate::ingest::formats::detect(&bytes, std::path::Path::new("x")),
            super::super::Format::Doc
        );
        let e = extract(&bytes).unwrap();
        assert_eq!(e.replacements, 0);
        assert_sample_report(&parse(&e.text));
    }

    #[test]
    fn catdoc_lines_become_paragraphs_and_rows() {
        let raw = "標題\n本研究旨在探討。\n表一 統計\n區域\t城市\n北部\t臺北市\n\t新北市\n資料來源：本研究\n";
        assert_eq!(
            catdoc_to_text(raw),
            "標題\n\n本研究旨在探討。\n\n表一 統計\n\n區域\t城市\n北部\t臺北市\n\t新北市\n\n資料來源：本研究\n"
        );
    }

    #[test]
    fn missing_catdoc_is_a_clear_chinese_first_error() {
        let mut bytes = OLE_MAGIC.to_vec();
        bytes.extend_from_slice(WORD_STREAM);
        let err = extract_with("catdoc-not-installed-here", &bytes).unwrap_err();
        assert!(matches!(err, FormatError::MissingTool(_)));
        assert!(err.to_string().starts_with("未安裝 catdoc"), "{err}");
    }

    #[test]
    fn other_ole_files_are_not_word() {
        let mut xls = OLE_MAGIC.to_vec();
        xls.extend_from_slice(b"W\0o\0r\0k\0b\0o\0o\0k\0");
        assert!(!is_word(&xls));
        assert!(matches!(extract(&xls), Err(FormatError::Corrupt(_))));
    }
}
