//! Word 97–2003 (`.doc`) → text with the `antiword` program (Debian package antiword), run
//! with the file on stdin, UTF-8 output and no line wrapping (`-w 0`).
//!
//! antiword prints one paragraph per line and a table row as one line `|cell |cell |` (a
//! cell merged with the one above left empty); the rows become TAB-separated cells, the
//! parser's table convention; lines holding TABs (tab-stop tables) are kept together as
//! rows too, and the other lines get a blank line between them. Of the
//! Debian converters antiword is the one that keeps all the Chinese text and the tables:
//! catdoc prints tables as TAB rows too but turns whole paragraphs of a longer document
//! into mojibake, and wvText needs a web browser installed and prints each table cell on
//! its own line.

use super::{Extracted, FormatError, extracted};
use crate::ingest::decode::DecodeError;

/// The antiword program.
const ANTIWORD: &str = "antiword";

/// The first bytes of an OLE compound file (Word 97–2003, and Excel and PowerPoint too).
pub const OLE_MAGIC: &[u8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1";

/// The name of a Word document's main stream as the compound file's directory spells it
/// (UTF-16LE): tells a `.doc` from the other OLE files.
const WORD_STREAM: &[u8] = b"W\0o\0r\0d\0D\0o\0c\0u\0m\0e\0n\0t\0";

/// Whether `bytes` are a Word 97–2003 document.
pub fn is_word(bytes: &[u8]) -> bool {
    bytes.starts_with(OLE_MAGIC) && super::find(bytes, WORD_STREAM).is_some()
}

/// The cause shown when antiword is not installed.
pub const MISSING: &str = "未安裝 antiword，無法讀取 Word 97–2003 (.doc) 檔：請安裝 Debian 套件 antiword，或將檔案另存為 DOCX \
     antiword not found: install the Debian package antiword, or save the file as DOCX";

/// Extracts the text of a Word 97–2003 file.
pub fn extract(bytes: &[u8]) -> Result<Extracted, FormatError> {
    extract_with(ANTIWORD, bytes)
}

fn extract_with(program: &str, bytes: &[u8]) -> Result<Extracted, FormatError> {
    if !is_word(bytes) {
        return Err(FormatError::Corrupt(
            "not a Word 97–2003 document (no WordDocument stream)".into(),
        ));
    }
    let raw = run_antiword(program, bytes)?;
    let text = antiword_to_text(&raw);
    if text.trim().is_empty() {
        return Err(FormatError::Decode(DecodeError::Empty));
    }
    Ok(extracted(text, "doc"))
}

/// Runs `antiword -m UTF-8.txt -w 0 -` with the file on stdin; returns its output.
fn run_antiword(program: &str, bytes: &[u8]) -> Result<String, FormatError> {
    let output = super::run_with_stdin(
        program,
        &["-m", "UTF-8.txt", "-w", "0", "-"],
        bytes,
        MISSING,
    )?;
    if !output.status.success() {
        let (cause, code) = super::failure_cause(&output);
        return Err(FormatError::Corrupt(format!(
            "unreadable Word 97–2003 document (antiword {code}: {cause})"
        )));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// antiword's lines → parser text: a blank line between paragraphs, table rows
/// (`|a |b |`) as TAB-separated cells kept together.
fn antiword_to_text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + raw.len() / 8);
    let mut previous_row = false;
    for line in raw.split(['\n', '\x0c']) {
        let line = line.trim_end();
        if line.trim().is_empty() {
            continue;
        }
        let cells = line
            .strip_prefix('|')
            .and_then(|l| l.strip_suffix('|'))
            .filter(|l| l.contains('|'));
        // A paragraph laid out with TABs (a tab-stop table) keeps them, leading ones too.
        let row = cells.is_some() || line.trim_start_matches(' ').contains('\t');
        if !out.is_empty() {
            out.push_str(if row && previous_row { "\n" } else { "\n\n" });
        }
        match cells {
            Some(cells) => {
                let cells: Vec<&str> = cells.split('|').map(str::trim).collect();
                out.push_str(&cells.join("\t"));
            }
            None => out.push_str(line.trim_start_matches(' ')),
        }
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

    /// The `.doc` test needs antiword. Without it it is skipped, saying so on stderr, so that
    /// `cargo test` passes with nothing but the Rust toolchain; with
    /// `BAOGAO_REQUIRE_DOC_CONVERTER=1` a missing antiword fails it.
    fn antiword_present(test: &str) -> bool {
        match std::process::Command::new(ANTIWORD).arg("-V").output() {
            Ok(_) => true,
            Err(e)
                if std::env::var_os("BAOGAO_REQUIRE_DOC_CONVERTER").is_some_and(|v| v == "1") =>
            {
                panic!("antiword is required by the .doc tests ({e}): apt-get install -y antiword")
            }
            Err(e) => {
                // Straight to stderr: the test harness captures `eprintln!` of passing tests.
                let line = format!(
                    "\nSKIPPED {test}: antiword not available ({e}); apt-get install -y antiword, \
                     or set BAOGAO_REQUIRE_DOC_CONVERTER=1 to make this a failure\n"
                );
                let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
                false
            }
        }
    }

    #[test]
    fn word_97_file_parses_like_text() {
        if !antiword_present("word_97_file_parses_like_text") {
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
    fn antiword_lines_become_paragraphs_and_rows() {
        let raw = "\n標題\n\n本研究旨在探討。\n\n表一 統計\n\n|區域 |城市   |\n|北部 |臺北市 |\n|     |新北市 |\n\n資料來源：本研究\n";
        assert_eq!(
            antiword_to_text(raw),
            "標題\n\n本研究旨在探討。\n\n表一 統計\n\n區域\t城市\n北部\t臺北市\n\t新北市\n\n資料來源：本研究\n"
        );
    }

    #[test]
    fn missing_antiword_is_a_clear_chinese_first_error() {
        let mut bytes = OLE_MAGIC.to_vec();
        bytes.extend_from_slice(WORD_STREAM);
        let err = extract_with("antiword-not-installed-here", &bytes).unwrap_err();
        assert!(matches!(err, FormatError::MissingTool(_)));
        assert!(err.to_string().starts_with("未安裝 antiword"), "{err}");
    }

    #[test]
    fn other_ole_files_are_not_word() {
        let mut xls = OLE_MAGIC.to_vec();
        xls.extend_from_slice(b"W\0o\0r\0k\0b\0o\0o\0k\0");
        assert!(!is_word(&xls));
        assert!(matches!(extract(&xls), Err(FormatError::Corrupt(_))));
    }
}
