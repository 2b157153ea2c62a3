//! Ingestion: a file's bytes → a parsed [`Report`] plus how it was read (format, encoding,
//! replacement characters). The format is chosen by content; text goes through
//! [`crate::decode`], PDF/DOCX/HTML through [`crate::formats`], and all of them through the
//! same parser.

use std::path::Path;

use anyhow::{Result, bail};

use crate::formats;
use crate::parse::{Report, parse};

/// A file read and parsed.
#[derive(Debug, Clone)]
pub struct Ingested {
    pub report: Report,
    pub format: String,
    pub encoding: String,
    pub replacements: usize,
}

/// Reads `bytes` (from `path`, used for messages and as a format hint) into a report.
/// Refuses input that holds no passage at all.
pub fn ingest_bytes(bytes: &[u8], path: &Path, forced_encoding: Option<&str>) -> Result<Ingested> {
    let format = formats::detect(bytes, path);
    let extracted = formats::extract(format, bytes, forced_encoding)?;
    let report = parse(&extracted.text);
    if report.blocks.is_empty() && report.title.trim().is_empty() {
        bail!("no text found");
    }
    Ok(Ingested {
        report,
        format: format.name().to_string(),
        encoding: extracted.encoding,
        replacements: extracted.replacements,
    })
}
