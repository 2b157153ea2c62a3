//! OCR of PDF pages without a text layer: a PDF's bytes and page numbers → each page's text
//! as Tesseract reads it from the page rendered by poppler's `pdftoppm`.
//!
//! Tesseract (Debian `tesseract-ocr` with the language data `tesseract-ocr-chi-tra`) is
//! optional, like pdftotext: when it is present scanned pages are read, else a scanned PDF
//! is refused with what to install. Pages are read in parallel
//! on rayon's pool (one per core) and each run of a program is bounded in time, so one
//! damaged page cannot hold up an index run.

use std::io::{ErrorKind, Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::ingest::formats::FormatError;

/// The Tesseract program.
pub const TESSERACT: &str = "tesseract";
/// poppler's renderer of PDF pages to images.
const PDFTOPPM: &str = "pdftoppm";
/// Traditional Chinese data only: adding `chi_sim` turns Traditional characters Simplified
/// in places and doubles the time (docs/ocr.md); its English part reads Latin text.
const LANGUAGES: &str = "chi_tra";
/// Page segmentation mode: one column of text of varying sizes, which keeps a table's rows
/// on their lines with its column gaps (docs/ocr.md).
const PAGE_SEGMENTATION: &str = "4";
/// Rendering resolution (dots per inch).
const DPI: &str = "300";
/// Longest time one page may take to render or to read before it is given up.
const PAGE_TIME_LIMIT: Duration = Duration::from_secs(180);

/// Whether Tesseract and its Traditional Chinese data are installed; `Err` says what to
/// install (Chinese first).
pub fn check(program: &str) -> Result<(), FormatError> {
    let missing = |what: &str| {
        FormatError::MissingTool(format!(
            "這是掃描檔（沒有文字層），需要 OCR 程式 {what}：請安裝 Debian 套件 \
             scanned PDF needs OCR ({what} missing): install the Debian packages \
             tesseract-ocr tesseract-ocr-chi-tra"
        ))
    };
    let output = Command::new(program)
        .arg("--list-langs")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| missing(&format!("{program} ({e})")))?;
    let listed = String::from_utf8_lossy(&output.stdout);
    if listed.lines().any(|l| l.trim() == "chi_tra") {
        Ok(())
    } else {
        Err(missing(&format!("{program} chi_tra")))
    }
}

/// The text of each of `pages` (1-based) of the PDF, in the order given.
pub fn read_pages(program: &str, pdf: &[u8], pages: &[usize]) -> Result<Vec<String>, FormatError> {
    pages
        .par_iter()
        .map(|&page| read_page(program, pdf, page))
        .collect()
}

fn read_page(program: &str, pdf: &[u8], page: usize) -> Result<String, FormatError> {
    let number = page.to_string();
    let image = run_bounded(
        PDFTOPPM,
        &[
            "-f", &number, "-l", &number, "-r", DPI, "-gray", "-png", "-",
        ],
        pdf,
    )?;
    let text = run_bounded(
        program,
        &[
            "stdin",
            "stdout",
            "-l",
            LANGUAGES,
            "--psm",
            PAGE_SEGMENTATION,
        ],
        &image,
    )?;
    Ok(String::from_utf8_lossy(&text).into_owned())
}

/// Runs `program` with `input` on stdin and returns its stdout, killing it after
/// [`PAGE_TIME_LIMIT`].
fn run_bounded(program: &str, args: &[&str], input: &[u8]) -> Result<Vec<u8>, FormatError> {
    let cannot = |e: std::io::Error| {
        if e.kind() == ErrorKind::NotFound {
            FormatError::MissingTool(format!(
                "找不到 OCR 所需的程式 {program} not found: 請安裝 Debian 套件 install the Debian \
                 packages poppler-utils tesseract-ocr tesseract-ocr-chi-tra"
            ))
        } else {
            FormatError::MissingTool(format!("無法執行 cannot run {program}: {e}"))
        }
    };
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(cannot)?;
    let (mut stdin, mut stdout, mut stderr) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take());
    let started = Instant::now();
    let (status, out, err) = std::thread::scope(|s| {
        s.spawn(move || {
            if let Some(stdin) = stdin.as_mut() {
                // The program may stop reading early on a broken input: ignore EPIPE.
                let _ = stdin.write_all(input);
            }
            drop(stdin);
        });
        let out = s.spawn(move || {
            let mut buf = Vec::new();
            if let Some(o) = stdout.as_mut() {
                let _ = o.read_to_end(&mut buf);
            }
            buf
        });
        let err = s.spawn(move || {
            let mut buf = Vec::new();
            if let Some(e) = stderr.as_mut() {
                let _ = e.read_to_end(&mut buf);
            }
            buf
        });
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Ok(Some(status)),
                Ok(None) if started.elapsed() > PAGE_TIME_LIMIT => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break Ok(None);
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(20)),
                Err(e) => break Err(e),
            }
        };
        (
            status,
            out.join().unwrap_or_default(),
            err.join().unwrap_or_default(),
        )
    });
    let status = status.map_err(cannot)?;
    match status {
        None => Err(FormatError::Corrupt(format!(
            "OCR 逾時 {program} took longer than {} s on a page",
            PAGE_TIME_LIMIT.as_secs()
        ))),
        Some(s) if !s.success() => {
            let err = String::from_utf8_lossy(&err);
            let cause = err
                .lines()
                .map(str::trim)
                .rfind(|l| !l.is_empty())
                .unwrap_or("no message");
            Err(FormatError::Corrupt(format!(
                "OCR 失敗 {program} failed: {cause}"
            )))
        }
        Some(_) => Ok(out),
    }
}
