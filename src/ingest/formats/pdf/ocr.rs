//! OCR of PDF pages without a text layer: a PDF's bytes and page numbers → each page's text
//! as Tesseract reads it from the page rendered by poppler's `pdftoppm`. A ruled table
//! (found by `grid`) is read cell by cell and laid out as rows (`table`), the rest of the
//! page band by band, so the layout pass reads OCR'd tables like a text layer's.
//!
//! Tesseract (Debian `tesseract-ocr` with the language data `tesseract-ocr-chi-tra`) is
//! optional, like pdftotext: when it is present scanned pages are read, else a scanned PDF
//! is refused with what to install. Pages are read in parallel
//! on rayon's pool (one per core) and each run of a program is bounded in time, so one
//! damaged page cannot hold up an index run.

use std::io::{ErrorKind, Read, Write};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::ingest::formats::FormatError;

mod grid;
mod reread;
mod table;

use grid::{Gray, Rect};

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
const DPI: usize = 300;
/// Page segmentation for one table cell: a single block of text.
const CELL_SEGMENTATION: &str = "6";
/// Pixels left out next to a cell's rules.
const CELL_INSET: usize = 3;
/// White pixels put around a cell's image.
const CELL_MARGIN: usize = 10;
/// Fewest ink pixels of a region worth reading (less is dust or the edge of a rule).
const MIN_INK: usize = 20;
/// A line read with a mean confidence below this (0–100) is read again (docs/ocr.md: 80
/// re-reads the lines with misread characters and few of the others).
const DOUBTFUL: f32 = 80.0;
/// Page segmentation for a doubtful line read again: a single text line.
const LINE_SEGMENTATION: &str = "7";
/// Pixels added around a line's words when it is cut out to be read again.
const LINE_PAD: usize = 4;
/// White pixels put around a line's image.
const LINE_MARGIN: usize = 20;
/// Scales (times, by) a doubtful line is read again at, each one Tesseract run for the
/// page's doubtful lines: each comes out with other mistakes (docs/ocr.md).
const RESCALES: &[(usize, usize)] = &[(1, 1), (3, 2), (2, 1)];
/// Longest time one page may take to render or to read before it is given up.
const PAGE_TIME_LIMIT: Duration = Duration::from_secs(180);
/// Time allowed on top of [`PAGE_TIME_LIMIT`] for each image of a run that reads many (the
/// cells of a page's tables: a dense table has hundreds).
const IMAGE_TIME_LIMIT: Duration = Duration::from_secs(2);

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
    let dpi = DPI.to_string();
    // Binary PGM (no `-png`): read here for the rules of tables, and by Tesseract as is.
    let pgm = run_bounded(
        PAGE_TIME_LIMIT,
        PDFTOPPM,
        &["-f", &number, "-l", &number, "-r", &dpi, "-gray", "-"],
        pdf,
    )?;
    let image = Gray::from_pgm(&pgm).ok_or_else(|| {
        FormatError::Corrupt(format!(
            "OCR 失敗 {PDFTOPPM} wrote no grayscale image of page {page}"
        ))
    })?;
    let tables = grid::tables(&image);
    let whole = Rect {
        x0: 0,
        y0: 0,
        x1: image.width,
        y1: image.height,
    };
    if tables.is_empty() {
        return Ok(read_text(program, &image, &[whole])?.concat());
    }
    // The page's full-width bands above, between and below its tables, read as text, and
    // each table read cell by cell.
    let mut bands = Vec::new();
    let mut top = 0;
    for t in &tables {
        bands.push(Rect {
            x0: 0,
            y0: top,
            x1: image.width,
            y1: t.bounds.y0.max(top),
        });
        top = t.bounds.y1;
    }
    bands.push(Rect {
        x0: 0,
        y0: top.min(image.height),
        x1: image.width,
        y1: image.height,
    });
    let inked = |r: &Rect| r.x1 > r.x0 && r.y1 > r.y0 && image.ink(*r) >= MIN_INK;
    let band_texts = read_text(
        program,
        &image,
        &bands
            .iter()
            .filter(|r| inked(r))
            .copied()
            .collect::<Vec<_>>(),
    )?;
    let cells: Vec<Rect> = tables
        .iter()
        .flat_map(|t| t.rows.iter().flatten())
        .map(|c| inset(*c))
        .collect();
    let cell_texts = read_images(
        program,
        CELL_SEGMENTATION,
        &dpi,
        &cells
            .iter()
            .filter(|r| inked(r))
            .map(|r| image.crop_pgm(*r, CELL_MARGIN))
            .collect::<Vec<_>>(),
    )?
    .texts;
    let mut band_texts = band_texts.into_iter();
    let mut cell_texts = cell_texts.into_iter();
    let mut next_band = |r: &Rect| {
        if inked(r) {
            band_texts.next().unwrap_or_default()
        } else {
            String::new()
        }
    };
    let mut parts = vec![next_band(&bands[0])];
    for (t, band) in tables.iter().zip(&bands[1..]) {
        let texts: Vec<Vec<String>> = t
            .rows
            .iter()
            .map(|row| {
                row.iter()
                    .map(|c| {
                        if inked(&inset(*c)) {
                            cell_text(&cell_texts.next().unwrap_or_default())
                        } else {
                            String::new()
                        }
                    })
                    .collect()
            })
            .collect();
        parts.push(table::layout(&t.rows, &texts));
        parts.push(next_band(band));
    }
    Ok(parts.join("\n\n"))
}

/// A cell without the pixels next to its rules (their grey edges read as strokes).
fn inset(r: Rect) -> Rect {
    let d = CELL_INSET.min((r.x1 - r.x0) / 4).min((r.y1 - r.y0) / 4);
    Rect {
        x0: r.x0 + d,
        y0: r.y0 + d,
        x1: r.x1 - d,
        y1: r.y1 - d,
    }
}

/// Tesseract's arguments to read `input` (a file listing images) to the files `output`
/// `.txt` (the text) and `.tsv` (each word with its line, box and confidence).
fn tesseract_args<'a>(
    input: &'a str,
    output: &'a str,
    segmentation: &'a str,
    dpi: &'a str,
) -> [&'a str; 10] {
    [
        input,
        output,
        "-l",
        LANGUAGES,
        "--psm",
        segmentation,
        // PGM carries no resolution; Tesseract would guess one from the text's size.
        "--dpi",
        dpi,
        "txt",
        "tsv",
    ]
}

/// What one Tesseract run read: each image's text, and the TSV of all of them (its
/// `page_num` counts the images from 1).
struct Reading {
    texts: Vec<String>,
    tsv: String,
}

/// Each image's text, read by one Tesseract run (the language data is loaded once): the
/// images are written to a temporary folder and listed in a file, and Tesseract ends each
/// image's text with a form feed. `dpi` is the images' resolution.
fn read_images(
    program: &str,
    segmentation: &str,
    dpi: &str,
    images: &[Vec<u8>],
) -> Result<Reading, FormatError> {
    if images.is_empty() {
        return Ok(Reading {
            texts: Vec::new(),
            tsv: String::new(),
        });
    }
    let folder = Scratch::new().map_err(|e| {
        FormatError::MissingTool(format!(
            "無法建立暫存資料夾 cannot make a temporary folder: {e}"
        ))
    })?;
    let cannot_write = |path: &std::path::Path, e: std::io::Error| {
        FormatError::MissingTool(format!(
            "無法寫入暫存檔 cannot write {}: {e}",
            path.display()
        ))
    };
    let mut list = String::new();
    for (k, image) in images.iter().enumerate() {
        let path = folder.0.join(format!("{k}.pgm"));
        std::fs::write(&path, image).map_err(|e| cannot_write(&path, e))?;
        list.push_str(&path.to_string_lossy());
        list.push('\n');
    }
    let list_path = folder.0.join("images.txt");
    std::fs::write(&list_path, list).map_err(|e| cannot_write(&list_path, e))?;
    let output = folder.0.join("out");
    let limit = PAGE_TIME_LIMIT + IMAGE_TIME_LIMIT * images.len().try_into().unwrap_or(u32::MAX);
    run_bounded(
        limit,
        program,
        &tesseract_args(
            &list_path.to_string_lossy(),
            &output.to_string_lossy(),
            segmentation,
            dpi,
        ),
        &[],
    )?;
    let read = |ext: &str| {
        std::fs::read(output.with_extension(ext))
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .map_err(|e| {
                FormatError::Corrupt(format!("OCR 失敗 {program} wrote no .{ext} output: {e}"))
            })
    };
    let (text, tsv) = (read("txt")?, read("tsv")?);
    let texts: Vec<String> = text
        .split('\x0c')
        .take(images.len())
        .map(str::to_string)
        .collect();
    if texts.len() < images.len() {
        return Err(FormatError::Corrupt(format!(
            "OCR 失敗 {program} read {} of {} images",
            texts.len(),
            images.len()
        )));
    }
    Ok(Reading { texts, tsv })
}

/// The text of each of `regions` of `image`, read `--psm 4`; each line Tesseract is unsure
/// of (mean confidence below [`DOUBTFUL`]) read again alone at each of [`RESCALES`] and
/// voted character by character with the first reading (`reread`).
fn read_text(program: &str, image: &Gray, regions: &[Rect]) -> Result<Vec<String>, FormatError> {
    let crops: Vec<Vec<u8>> = regions.iter().map(|r| image.crop_pgm(*r, 0)).collect();
    let first = read_images(program, PAGE_SEGMENTATION, &DPI.to_string(), &crops)?;
    let lines = reread::lines(&first.tsv);
    let mut texts: Vec<Vec<String>> = first
        .texts
        .iter()
        .map(|t| t.lines().map(str::to_string).collect())
        .collect();
    // (region, line of its text, the line's box in the page, confidence)
    let mut doubtful = Vec::new();
    for (k, region) in regions.iter().enumerate() {
        let tsv_lines: Vec<&reread::Line> = lines.iter().filter(|l| l.image == k).collect();
        let text_lines: Vec<usize> = (0..texts[k].len())
            .filter(|&i| !texts[k][i].trim().is_empty())
            .collect();
        // The text output has a line for each TSV line, in order; should they ever differ
        // the region keeps its first reading.
        if tsv_lines.len() != text_lines.len() {
            continue;
        }
        for (line, &i) in tsv_lines.iter().zip(&text_lines) {
            if line.confidence < DOUBTFUL {
                let (x0, x1) = (region.x0 + line.bounds.x0, region.x0 + line.bounds.x1);
                let middle = region.y0 + line.middle;
                // The inked rows around the words' middle, as high as a word at most each
                // way; else (no ink there) the words' median height.
                let (y0, y1) = image.ink_rows(x0, x1, middle, line.height).unwrap_or((
                    middle.saturating_sub(line.height / 2),
                    middle + line.height.div_ceil(2),
                ));
                let r = Rect {
                    x0: x0.saturating_sub(LINE_PAD),
                    y0: y0.saturating_sub(LINE_PAD),
                    x1: (x1 + LINE_PAD).min(image.width),
                    y1: (y1 + LINE_PAD).min(image.height),
                };
                doubtful.push((k, i, r, line.confidence));
            }
        }
    }
    if doubtful.is_empty() {
        return Ok(first.texts);
    }
    let mut readings: Vec<Vec<(f32, String)>> = doubtful
        .iter()
        .map(|&(k, i, _, conf)| vec![(conf, texts[k][i].clone())])
        .collect();
    for &(times, by) in RESCALES {
        let crops: Vec<Vec<u8>> = doubtful
            .iter()
            .map(|&(_, _, r, _)| image.crop_scaled_pgm(r, LINE_MARGIN, times, by))
            .collect();
        let dpi = (DPI * times / by).to_string();
        let again = read_images(program, LINE_SEGMENTATION, &dpi, &crops)?;
        let confidences = reread::image_confidences(&again.tsv, crops.len());
        for ((r, text), conf) in readings.iter_mut().zip(again.texts).zip(confidences) {
            let text: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
            r.push((conf, text.join(" ")));
        }
    }
    for (&(k, i, _, _), r) in doubtful.iter().zip(&readings) {
        let r: Vec<(f32, &str)> = r.iter().map(|(c, t)| (*c, t.as_str())).collect();
        texts[k][i] = reread::vote(&r);
    }
    Ok(texts.into_iter().map(|t| t.join("\n") + "\n").collect())
}

/// A temporary folder of one Tesseract run, removed when dropped.
struct Scratch(std::path::PathBuf);

impl Scratch {
    fn new() -> std::io::Result<Scratch> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "baogao-ocr-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(name);
        std::fs::create_dir(&path)?;
        Ok(Scratch(path))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Tesseract's text of one cell on one line: its lines joined (a number or word wrapped in
/// a narrow cell is one again: `25,10` + `7`), whitespace runs made single spaces (a wider
/// gap would split the cell when the table is read back), bars (rules) dropped.
fn cell_text(text: &str) -> String {
    let mut out = String::new();
    for line in super::ocr_text(text).lines() {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() {
            continue;
        }
        if let (Some(a), Some(b)) = (out.chars().last(), line.chars().next()) {
            let number_goes_on = b.is_ascii_digit() && (a.is_ascii_digit() || ",.".contains(a));
            let latin_end = a.is_ascii_alphanumeric() || ",.;:)%".contains(a);
            let latin_start = b.is_ascii_alphanumeric() || b == '(';
            if latin_end && latin_start && !number_goes_on {
                out.push(' ');
            }
        }
        out.push_str(&line);
    }
    out
}

/// Runs `program` with `input` on stdin and returns its stdout, killing it after
/// `limit`.
fn run_bounded(
    limit: Duration,
    program: &str,
    args: &[&str],
    input: &[u8],
) -> Result<Vec<u8>, FormatError> {
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
        // Pages are read in parallel, one per core: Tesseract's own threads would only
        // compete with the other page's.
        .env("OMP_THREAD_LIMIT", "1")
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
                Ok(None) if started.elapsed() > limit => {
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
            limit.as_secs()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_is_one_line_with_wrapped_numbers_and_words_joined() {
        assert_eq!(cell_text("25,10\n7\n"), "25,107");
        assert_eq!(cell_text("2017.1\n0\n\n"), "2017.10");
        assert_eq!(cell_text("| 臺北市 |\n"), "臺北市");
        assert_eq!(
            cell_text(
                "日本森紀念基金會都市戰略研究\n所／全球城市實力指數 (Global\nPower City Index)\n"
            ),
            "日本森紀念基金會都市戰略研究所／全球城市實力指數（Global Power City Index)"
        );
        assert_eq!(cell_text("文化 交流\n  活動"), "文化交流活動");
        assert_eq!(cell_text(""), "");
    }

    #[test]
    fn a_cell_keeps_clear_of_its_rules() {
        let r = Rect {
            x0: 10,
            y0: 20,
            x1: 110,
            y1: 80,
        };
        assert_eq!(
            inset(r),
            Rect {
                x0: 13,
                y0: 23,
                x1: 107,
                y1: 77
            }
        );
        // A sliver keeps its middle.
        let thin = Rect {
            x0: 0,
            y0: 0,
            x1: 4,
            y1: 40,
        };
        assert_eq!(
            inset(thin),
            Rect {
                x0: 1,
                y0: 1,
                x1: 3,
                y1: 39
            }
        );
    }
}
