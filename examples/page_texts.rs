//! The text of each page of a PDF as baogao reads it before layout and parsing: the text
//! layer where a page has one, else what OCR read (tables cell by cell), pages separated
//! by form feeds on stdout; the pages read by OCR and the seconds taken on stderr. Used by
//! `bench/ocr_accuracy.py` to compare OCR with a text layer page by page.
//!
//! ```text
//! cargo run --release --example page_texts -- scan.pdf > pages.txt
//! ```

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};

fn main() -> Result<()> {
    let path: PathBuf = std::env::args_os()
        .nth(1)
        .context("usage: page_texts FILE.pdf")?
        .into();
    let bytes = std::fs::read(&path).with_context(|| path.display().to_string())?;
    let started = Instant::now();
    let ingested = baogao::ingest::ingest_bytes(&bytes, &path, None)
        .with_context(|| path.display().to_string())?;
    let seconds = started.elapsed().as_secs_f64();
    let mut out = std::io::stdout().lock();
    for page in &ingested.pages {
        out.write_all(page.as_bytes())?;
        out.write_all(b"\x0c")?;
    }
    eprintln!(
        "pages {} ocr {:?} seconds {seconds:.1}",
        ingested.pages.len(),
        ingested.ocr_pages
    );
    Ok(())
}
