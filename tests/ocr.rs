//! OCR of scanned PDF pages: a PDF made at run time from the sample report's PDF
//! (`tests/fixtures/formats/sample-report.pdf`) whose first page keeps its text layer and
//! whose second page is only an image of the page (a scan), indexed through the binary.
//!
//! Needs poppler-utils and Tesseract with Chinese data; without them the test says
//! `SKIPPED …` on stderr and passes, unless `BAOGAO_REQUIRE_TESSERACT=1` makes it a failure.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

mod util;
use util::Work;

const SAMPLE_PDF: &str = "tests/fixtures/formats/sample-report.pdf";

fn tools_present(test: &str) -> bool {
    let langs = Command::new("tesseract").arg("--list-langs").output();
    let has_chinese = langs.as_ref().is_ok_and(|o| {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .any(|l| l.trim() == "chi_tra")
    });
    let poppler = ["pdftoppm", "pdfseparate", "pdfunite", "pdftotext"]
        .iter()
        .all(|p| Command::new(p).arg("-v").output().is_ok());
    if has_chinese && poppler {
        return true;
    }
    let what = "tesseract not available (apt-get install -y tesseract-ocr tesseract-ocr-chi-tra \
                poppler-utils)";
    if std::env::var_os("BAOGAO_REQUIRE_TESSERACT").is_some_and(|v| v == "1") {
        panic!("{test}: {what}");
    }
    let line = format!(
        "\nSKIPPED {test}: {what}, or set BAOGAO_REQUIRE_TESSERACT=1 to make this a failure\n"
    );
    let _ = std::io::stderr().write_all(line.as_bytes());
    false
}

fn run(program: &str, args: &[&str]) {
    let out = Command::new(program).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// An image-only PDF of one page from a binary PGM (`P5`) image at `dpi`: the page is the
/// image, stored uncompressed, nothing else — what a scanner writes.
fn image_pdf(pgm: &[u8], dpi: f64) -> Vec<u8> {
    // P5 <width> <height> <maxval> then one whitespace byte, then the pixels.
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(std::str::from_utf8(&pgm[start..at]).unwrap().to_string());
    }
    assert_eq!(fields[0], "P5");
    let (width, height): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let pixels = &pgm[at + 1..at + 1 + width * height];
    let (w_pt, h_pt) = (width as f64 * 72.0 / dpi, height as f64 * 72.0 / dpi);
    let content = format!("q {w_pt:.2} 0 0 {h_pt:.2} 0 0 cm /Im0 Do Q");
    let mut pdf: Vec<u8> = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    let mut object = |pdf: &mut Vec<u8>, head: String, stream: Option<&[u8]>| {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{head}\n", offsets.len()).as_bytes());
        if let Some(s) = stream {
            pdf.extend_from_slice(b"stream\n");
            pdf.extend_from_slice(s);
            pdf.extend_from_slice(b"\nendstream\n");
        }
        pdf.extend_from_slice(b"endobj\n");
    };
    object(&mut pdf, "<< /Type /Catalog /Pages 2 0 R >>".into(), None);
    object(
        &mut pdf,
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".into(),
        None,
    );
    object(
        &mut pdf,
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w_pt:.2} {h_pt:.2}] \
             /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>"
        ),
        None,
    );
    object(
        &mut pdf,
        format!(
            "<< /Type /XObject /Subtype /Image /Width {width} /Height {height} \
             /ColorSpace /DeviceGray /BitsPerComponent 8 /Length {} >>",
            pixels.len()
        ),
        Some(pixels),
    );
    object(
        &mut pdf,
        format!("<< /Length {} >>", content.len()),
        Some(content.as_bytes()),
    );
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1).as_bytes(),
    );
    for o in &offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            offsets.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

/// The sample PDF's page 1 with its text layer, then its page 2 as a 200 dpi scan.
fn mixed_pdf(dir: &Path) -> Vec<u8> {
    let at = |name: &str| dir.join(name).to_string_lossy().into_owned();
    run(
        "pdfseparate",
        &["-f", "1", "-l", "1", SAMPLE_PDF, &at("text-%d.pdf")],
    );
    run(
        "pdftoppm",
        &[
            "-f",
            "2",
            "-l",
            "2",
            "-r",
            "200",
            "-gray",
            "-singlefile",
            SAMPLE_PDF,
            &at("scan"),
        ],
    );
    let pgm = std::fs::read(dir.join("scan.pgm")).unwrap();
    std::fs::write(dir.join("scan.pdf"), image_pdf(&pgm, 200.0)).unwrap();
    run(
        "pdfunite",
        &[&at("text-1.pdf"), &at("scan.pdf"), &at("mixed.pdf")],
    );
    std::fs::read(dir.join("mixed.pdf")).unwrap()
}

#[test]
fn scanned_pages_are_read_by_ocr_and_marked() {
    if !tools_present("scanned_pages_are_read_by_ocr_and_marked") {
        return;
    }
    let w = Work::new();
    let pdf = mixed_pdf(w.dir.path());
    // The scanned page really has no text layer.
    let layer = Command::new("pdftotext")
        .args(["-f", "2", "-l", "2"])
        .arg(w.path("mixed.pdf"))
        .arg("-")
        .output()
        .unwrap();
    assert!(
        !String::from_utf8_lossy(&layer.stdout)
            .chars()
            .any(char::is_alphanumeric)
    );
    std::fs::write(w.corpus().join("scan.pdf"), pdf).unwrap();
    let (code, _, err) = w.run(&["index"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = w.run(&["get", "--json", "scan"]);
    assert_eq!(code, 0, "{err}");
    let passages: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let find = |phrase: &str| {
        passages
            .iter()
            .find(|p| p["text"].as_str().unwrap().contains(phrase))
            .unwrap_or_else(|| panic!("no passage holds {phrase}: {out}"))
    };
    // Page 1 keeps its text layer: no OCR mark.
    let title_page = find("本報告旨在探討當前兩岸城市交流");
    assert_eq!(title_page["page"], 1, "{title_page}");
    assert!(title_page.get("ocr").is_none(), "{title_page}");
    // Page 2 was read from the image: the phrases are there, marked as OCR, on page 2.
    for phrase in [
        "二、臺北城市競爭力與國際城市交流網路之概況",
        "城市外交是以自身的主動行為",
        "臺北的全球城市競爭力",
    ] {
        let p = find(phrase);
        assert_eq!(p["page"], 2, "{p}");
        assert_eq!(p["ocr"], true, "{p}");
    }
    // The mark in plain output and in search hits.
    let (code, out, err) = w.run(&[
        "get",
        find("城市外交是以自身的主動行為")["id"].as_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("頁 2 （OCR）"), "{out}");
    let (code, out, err) = w.run(&["search", "--json", "城市外交 主動行為"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"ocr\":true"), "{out}");
}
