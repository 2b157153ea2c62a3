//! Ingestion: a file's bytes → a parsed [`Report`] plus how it was read (format, encoding,
//! replacement characters). The format is chosen by content; text goes through
//! [`crate::ingest::decode`], PDF/DOCX/ODT/ODS/DOC/HTML through [`crate::ingest::formats`], and all of them through the
//! same parser.

pub mod decode;
pub mod formats;

use std::io::Read;
use std::path::Path;

use anyhow::{Result, anyhow, bail};

use crate::report::parse::{Report, parse};

/// A file read and parsed.
#[derive(Debug, Clone)]
pub struct Ingested {
    pub report: Report,
    pub format: String,
    pub encoding: String,
    pub replacements: usize,
    /// The text of each page (PDF), for [`crate::report::pages`]; empty for other formats.
    pub pages: Vec<String>,
    /// The pages (1-based) read by OCR.
    pub ocr_pages: Vec<u32>,
}

/// Largest file accepted as a report. Reading, decoding and parsing hold a few copies of the
/// text in memory, so a bigger file is refused before it is read.
pub const MAX_REPORT_BYTES: u64 = 256 * 1024 * 1024;

/// Longest line kept whole. A line is one passage; a longer one (a file without line breaks,
/// a report exported as one line) is cut into paragraphs of at most this size, so that no
/// passage holds the whole report and the work per passage (analysis, positions,
/// highlighting) stays bounded.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// The text with every line longer than [`MAX_LINE_BYTES`] cut into paragraphs (a blank
/// line between them): after the last sentence end (`。！？；.!?;`) in each stretch of
/// [`MAX_LINE_BYTES`], or at the stretch's last whole character when it holds no sentence
/// end. Borrowed when no line is that long.
pub fn split_long_lines(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.split('\n').any(|line| line.len() > MAX_LINE_BYTES) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + text.len() / MAX_LINE_BYTES * 2 + 2);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut rest = line;
        while rest.len() > MAX_LINE_BYTES {
            let mut cut = MAX_LINE_BYTES;
            while !rest.is_char_boundary(cut) {
                cut -= 1;
            }
            let sentence_end = rest[..cut]
                .char_indices()
                .rev()
                .find(|(_, c)| matches!(c, '。' | '！' | '？' | '；' | '.' | '!' | '?' | ';'))
                .map(|(at, c)| at + c.len_utf8());
            let cut = sentence_end.filter(|&at| at > 0).unwrap_or(cut);
            out.push_str(&rest[..cut]);
            out.push_str("\n\n");
            rest = &rest[cut..];
        }
        out.push_str(rest);
    }
    std::borrow::Cow::Owned(out)
}

/// Why a file of `size` bytes is refused.
fn too_large(size: u64) -> anyhow::Error {
    anyhow!(
        "file too large ({}; the limit is {} MiB)",
        human_size(size),
        MAX_REPORT_BYTES >> 20
    )
}

/// `1.0 GiB`, `300.5 MiB`, `12.0 KiB`, `17 bytes`.
/// (Not `indicatif::HumanBytes`: it writes `1.00 GiB` and `17 B`, and the messages keep
/// their wording.)
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = "bytes";
    for u in UNITS {
        if value < 1024.0 {
            break;
        }
        value /= 1024.0;
        unit = u;
    }
    if unit == "bytes" {
        format!("{bytes} bytes")
    } else {
        format!("{value:.1} {unit}")
    }
}

/// Reads a report file: refuses folders, devices and pipes, and files over
/// [`MAX_REPORT_BYTES`] (looked up before reading, and enforced while reading in case the
/// file grows). Errors are the bare cause; callers name the file.
pub fn read_report_file(path: &Path) -> Result<Vec<u8>> {
    let cause = |e: std::io::Error| anyhow!(io_cause(&e));
    let meta = std::fs::metadata(path).map_err(cause)?;
    if meta.is_dir() {
        bail!("is a folder, not a file");
    }
    if !meta.is_file() {
        bail!("not a regular file");
    }
    if meta.len() > MAX_REPORT_BYTES {
        return Err(too_large(meta.len()));
    }
    let file = std::fs::File::open(path).map_err(cause)?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_REPORT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cause)?;
    if bytes.len() as u64 > MAX_REPORT_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// A short cause for an I/O error, without the OS error number.
pub fn io_cause(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => {
            let s = e.to_string();
            s.split(" (os error").next().unwrap_or(&s).to_lowercase()
        }
    }
}

/// Reads `bytes` (from `path`, used for messages and as a format hint) into a report.
/// Refuses input that holds no passage at all.
pub fn ingest_bytes(bytes: &[u8], path: &Path, forced_encoding: Option<&str>) -> Result<Ingested> {
    if bytes.len() as u64 > MAX_REPORT_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    let format = formats::detect(bytes, path);
    if let Some(unsupported) = formats::unsupported(format, bytes, path) {
        return Err(unsupported.into());
    }
    let extracted = formats::extract(format, bytes, forced_encoding)?;
    let report = parse(&split_long_lines(&extracted.text));
    if report.blocks.is_empty() && report.title.trim().is_empty() {
        bail!("no text found");
    }
    Ok(Ingested {
        report,
        format: format.name().to_string(),
        encoding: extracted.encoding,
        replacements: extracted.replacements,
        pages: extracted.pages,
        ocr_pages: extracted.ocr_pages,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_line_is_cut_into_paragraphs_at_sentence_ends() {
        let sentence = "兩岸城市交流持續進行。";
        let line = sentence.repeat(MAX_LINE_BYTES / sentence.len() * 3);
        let text = format!("標題\n\n{line}\n");
        let split = split_long_lines(&text);
        let lines: Vec<&str> = split.lines().filter(|l| !l.is_empty()).collect();
        assert!(lines.len() >= 4, "{}", lines.len());
        for l in &lines[1..] {
            assert!(l.len() <= MAX_LINE_BYTES);
            assert!(l.ends_with('。'), "cut inside a sentence");
        }
        assert_eq!(
            split.replace("\n\n", "").replace('\n', ""),
            text.replace('\n', "")
        );
        // Without sentence ends: cut at a character boundary.
        let run = "字".repeat(MAX_LINE_BYTES);
        let split = split_long_lines(&run);
        assert!(split.lines().all(|l| l.len() <= MAX_LINE_BYTES));
        assert_eq!(split.replace("\n\n", ""), run);
        // Ordinary text is not copied.
        assert!(matches!(
            split_long_lines("短行\n另一行"),
            std::borrow::Cow::Borrowed(_)
        ));
        let report = ingest_bytes(text.as_bytes(), Path::new("a.txt"), None)
            .unwrap()
            .report;
        assert!(report.blocks.len() >= 3, "{}", report.blocks.len());
        assert!(report.blocks.iter().all(|b| b.text.len() <= MAX_LINE_BYTES));
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_size(17), "17 bytes");
        assert_eq!(human_size(1 << 30), "1.0 GiB");
        assert_eq!(human_size(300 << 20), "300.0 MiB");
        assert_eq!(human_size(1536), "1.5 KiB");
    }
}
