//! The search page in a real browser: headless Chromium, driven through chromedriver's
//! WebDriver protocol, types a query, submits the form, sees highlighted hits, clicks a
//! facet and sees the narrowed list and the chip that undoes it; uploads a PDF and a DOCX
//! through the form with the token, reads a report, copies a citation, and sees a file
//! dropped into the corpus folder appear.
//!
//! Skipped (with a message) when `chromium` or `chromedriver` is missing, unless
//! `BAOGAO_REQUIRE_BROWSER=1` (set by `.ci/run`), which makes their absence a failure.

mod util;

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use util::Work;
use util::http::request;

/// The W3C name of an element reference in WebDriver answers.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

fn find_program(names: &[&str]) -> Option<String> {
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in names {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate.to_string_lossy().into_owned());
            }
        }
    }
    None
}

/// chromedriver and the session it drives; both ended (by pid) when dropped.
struct Browser {
    driver: Child,
    base: String,
    session: String,
}

impl Browser {
    fn start(chromium: &str, chromedriver: &str) -> Browser {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let base = format!("http://127.0.0.1:{port}");
        let mut browser = Browser {
            driver,
            base,
            session: String::new(),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--window-size=1280,800"]
            }
        }}});
        let answer = browser.call("POST", "/session", Some(capabilities));
        browser.session = answer["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no WebDriver session: {answer}"))
            .to_string();
        browser
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let answer = request(
            method,
            &format!("{}{path}", self.base),
            &[("Content-Type", "application/json")],
            body.as_bytes(),
        );
        let value: Value = serde_json::from_str(&answer.body).unwrap();
        assert!(answer.status < 400, "{method} {path}: {value}");
        value["value"].clone()
    }

    fn session(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.call(method, &format!("/session/{}{path}", self.session), body)
    }

    fn go(&self, url: &str) {
        self.session("POST", "/url", Some(json!({"url": url})));
    }

    fn find_all(&self, css: &str) -> Vec<String> {
        let found = self.session(
            "POST",
            "/elements",
            Some(json!({"using": "css selector", "value": css})),
        );
        found
            .as_array()
            .unwrap_or_else(|| panic!("{css}: {found}"))
            .iter()
            .map(|e| e[ELEMENT].as_str().unwrap().to_string())
            .collect()
    }

    /// The elements matching `css`, waiting for the page to show at least one.
    fn wait_for(&self, css: &str) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let found = self.find_all(css);
            if !found.is_empty() {
                return found;
            }
            assert!(Instant::now() < deadline, "nothing matches {css}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn text(&self, element: &str) -> String {
        self.session("GET", &format!("/element/{element}/text"), None)
            .as_str()
            .unwrap()
            .to_string()
    }

    fn click(&self, element: &str) {
        self.session(
            "POST",
            &format!("/element/{element}/click"),
            Some(json!({})),
        );
    }

    fn type_into(&self, element: &str, text: &str) {
        self.session(
            "POST",
            &format!("/element/{element}/value"),
            Some(json!({"text": text})),
        );
    }

    /// Waits until the first element matching `css` shows text containing `needle` (a page
    /// being replaced may answer with an error meanwhile: that is waited out too).
    fn wait_for_text(&self, css: &str, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let answer = request(
                "POST",
                &format!("{}/session/{}/elements", self.base, self.session),
                &[("Content-Type", "application/json")],
                json!({"using": "css selector", "value": css})
                    .to_string()
                    .as_bytes(),
            );
            let first = serde_json::from_str::<Value>(&answer.body)
                .ok()
                .and_then(|v| v["value"][0][ELEMENT].as_str().map(str::to_string));
            if let Some(element) = first {
                let answer = request(
                    "GET",
                    &format!(
                        "{}/session/{}/element/{element}/text",
                        self.base, self.session
                    ),
                    &[],
                    b"",
                );
                let text = serde_json::from_str::<Value>(&answer.body)
                    .ok()
                    .and_then(|v| v["value"].as_str().map(str::to_string))
                    .unwrap_or_default();
                if text.contains(needle) {
                    return text;
                }
            }
            assert!(Instant::now() < deadline, "{css} never showed {needle}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// A property of an element (`value` of a text box: what the user sees in it).
    fn property(&self, element: &str, name: &str) -> String {
        self.session("GET", &format!("/element/{element}/property/{name}"), None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    fn current_url(&self) -> String {
        self.session("GET", "/url", None)
            .as_str()
            .unwrap()
            .to_string()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = request(
                "DELETE",
                &format!("{}/session/{}", self.base, self.session),
                &[],
                b"",
            );
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// chromium and chromedriver, or `None` (the test is skipped with a message) when they are
/// not installed and `BAOGAO_REQUIRE_BROWSER=1` does not require them.
fn browser_programs(test: &str) -> Option<(String, String)> {
    let chromium = find_program(&["chromium", "chromium-browser"]);
    let chromedriver = find_program(&["chromedriver"]);
    if let (Some(chromium), Some(chromedriver)) = (chromium, chromedriver) {
        return Some((chromium, chromedriver));
    }
    if std::env::var("BAOGAO_REQUIRE_BROWSER").as_deref() == Ok("1") {
        panic!("BAOGAO_REQUIRE_BROWSER=1 but chromium or chromedriver is not installed");
    }
    eprintln!(
        "SKIPPED {test}: chromium and chromedriver are not installed \
         (apt-get install chromium chromium-driver)"
    );
    None
}

#[test]
fn a_browser_searches_sees_highlights_and_narrows_by_a_facet() {
    let Some((chromium, chromedriver)) =
        browser_programs("a_browser_searches_sees_highlights_and_narrows_by_a_facet")
    else {
        return;
    };
    let work = Work::with_sample();
    let server = work.serve(&[]);
    let browser = Browser::start(&chromium, &chromedriver);

    browser.go(&server.url);
    let input = browser.wait_for("input[name=q]");
    browser.type_into(&input[0], "雙城論壇");
    let button = browser.find_all("form.q button[type=submit]");
    browser.click(&button[0]);

    let marks = browser.wait_for("li.hit mark");
    assert!(
        browser.current_url().contains("q=%E9%9B%99"),
        "the form was submitted"
    );
    let marked: Vec<String> = marks.iter().map(|m| browser.text(m)).collect();
    assert!(marked.iter().any(|m| m == "雙城論壇"), "{marked:?}");
    browser.wait_for_text("p.total", "共 62 筆符合");

    // The kind facet 表格列 narrows the list to table rows.
    let facets = browser.find_all("aside a[data-facet=kind]");
    let table_rows = facets
        .iter()
        .find(|f| browser.text(f) == "表格列")
        .expect("a 表格列 facet link");
    browser.click(table_rows);
    browser.wait_for_text("a.chip", "表格列");
    browser.wait_for_text("p.total", "共 30 筆符合");
    let chip = browser.find_all("a.chip");
    let metas = browser.find_all("li.hit div.meta");
    assert!(!metas.is_empty());
    for meta in &metas {
        let text = browser.text(meta);
        assert!(text.contains(" · 表格列 · "), "{text}");
    }
    let rows = browser.find_all("li.hit table.row tbody tr");
    assert_eq!(rows.len(), metas.len(), "each row is shown as a table row");

    // The chip undoes the filter.
    browser.click(&chip[0]);
    let deadline = Instant::now() + Duration::from_secs(20);
    while browser.current_url().contains("kind=") {
        assert!(
            Instant::now() < deadline,
            "the chip did not undo the filter"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    browser.wait_for_text("p.total", "共 62 筆符合");
    assert!(browser.find_all("a.chip").is_empty());
}

/// A Word file holding a short report (title, date, a heading, a paragraph).
fn small_docx() -> Vec<u8> {
    use std::io::Write;
    let paragraphs: String = [
        "漁港疏濬工作報告",
        "中華民國 113 年 3 月 1 日",
        "壹、工作概況",
        "本年度完成龜山漁港航道疏濬，清除淤沙約三萬立方公尺。",
    ]
    .iter()
    .map(|t| format!("<w:p><w:r><w:t>{t}</w:t></w:r></w:p>"))
    .collect();
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{paragraphs}<w:sectPr/></w:body></w:document>"#
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("[Content_Types].xml", options).unwrap();
    zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#).unwrap();
    zip.start_file("word/document.xml", options).unwrap();
    zip.write_all(document.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

#[test]
fn a_browser_uploads_reads_cites_and_sees_dropped_files() {
    let Some((chromium, chromedriver)) =
        browser_programs("a_browser_uploads_reads_cites_and_sees_dropped_files")
    else {
        return;
    };
    let work = Work::with_sample();
    let server = work.serve(&["--allow-add", "--token", "s3cret"]);
    let browser = Browser::start(&chromium, &chromedriver);
    let pdf = std::fs::canonicalize("tests/fixtures/formats/report-2pages.pdf").unwrap();
    let docx = work.path("漁港疏濬.docx");
    std::fs::write(&docx, small_docx()).unwrap();

    // A wrong token is refused and nothing is stored; the right one adds both files.
    browser.go(&format!("{}reports", server.url));
    let file_input = browser.wait_for("form.upload input[type=file]");
    let token = browser.find_all("#upload-token");
    browser.type_into(&token[0], "wrong");
    let files = format!("{}\n{}", pdf.display(), docx.display());
    browser.type_into(&file_input[0], &files);
    browser.click(&browser.find_all("form.upload button[type=submit]")[0]);
    browser.wait_for_text("#upload-results li", "權杖");
    assert_eq!(std::fs::read_dir(work.corpus()).unwrap().count(), 1);

    browser.session(
        "POST",
        &format!("/element/{}/clear", token[0]),
        Some(json!({})),
    );
    browser.type_into(&token[0], "s3cret");
    browser.click(&browser.find_all("form.upload button[type=submit]")[0]);
    browser.wait_for_text("#upload-results li", "已新增");
    let deadline = Instant::now() + Duration::from_secs(30);
    let lines = loop {
        let lines: Vec<String> = browser
            .find_all("#upload-results li")
            .iter()
            .map(|l| browser.text(l))
            .collect();
        if lines.len() == 2 && lines.iter().all(|l| l.contains("已新增")) {
            break lines;
        }
        assert!(Instant::now() < deadline, "{lines:?}");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(lines[0].starts_with("report-2pages.pdf"), "{lines:?}");
    assert_eq!(
        std::fs::read(work.corpus().join("report-2pages.pdf")).unwrap(),
        std::fs::read(&pdf).unwrap()
    );
    assert_eq!(
        std::fs::read(work.corpus().join("漁港疏濬.docx")).unwrap(),
        small_docx()
    );

    // Listed and searchable.
    browser.go(&format!("{}reports", server.url));
    browser.wait_for_text("table.reports", "漁港疏濬工作報告");
    browser.wait_for_text("table.reports", "兩岸城市交流測試報告");
    browser.go(&format!("{}?q=%E7%96%8F%E6%BF%AC", server.url));
    browser.wait_for_text("li.hit", "疏濬");

    // The report page: one h1, contents linked to anchors, the original to download.
    browser.go(&format!("{}r/report-2pages", server.url));
    assert_eq!(
        browser.text(&browser.wait_for("h1")[0]),
        "兩岸城市交流測試報告"
    );
    assert_eq!(browser.find_all("h1").len(), 1);
    assert!(!browser.find_all("nav.contents a[href^='#s']").is_empty());
    assert_eq!(browser.find_all("a[href='/r/report-2pages/file']").len(), 1);

    // A passage page: the 引用 box holds `get --cite`, and the button copies it.
    let passage = browser.find_all(".report-text .passage .meta a[href^='/p/']");
    browser.click(&passage[1]);
    let cite_box = browser.wait_for("textarea#cite");
    let shown = browser.property(&cite_box[0], "value");
    let id = browser
        .property(&browser.find_all("label.copy input")[0], "value")
        .to_string();
    let (code, cited, err) = work.run(&["get", "--cite", &id]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(shown, cited.trim_end());
    assert!(
        shown.contains("頁 "),
        "a PDF passage is cited with its page: {shown}"
    );
    browser.click(&browser.find_all("button[data-copy=cite]")[0]);
    browser.wait_for_text("span.copied", "已複製");

    // A file dropped into the corpus folder shows up without any command.
    std::fs::copy(
        "tests/fixtures/gazette-12_81788-utf8.txt",
        work.corpus().join("dropped.txt"),
    )
    .unwrap();
    let (_, parsed, _) = work.run(&[
        "parse",
        "--json",
        "tests/fixtures/gazette-12_81788-utf8.txt",
    ]);
    let title = serde_json::from_str::<Value>(parsed.lines().next().unwrap()).unwrap()["title"]
        .as_str()
        .unwrap()
        .to_string();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        browser.go(&format!("{}reports", server.url));
        let listed = browser.text(&browser.wait_for("table.reports")[0]);
        if listed.contains("dropped") {
            assert!(listed.contains(&title), "{title} not in {listed}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the dropped file never showed: {listed}"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}
