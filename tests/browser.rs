//! The search page in a real browser: headless Chromium, driven through chromedriver's
//! WebDriver protocol, types a query, submits the form, sees highlighted hits, clicks a
//! facet and sees the narrowed list and the chip that undoes it.
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

#[test]
fn a_browser_searches_sees_highlights_and_narrows_by_a_facet() {
    let chromium = find_program(&["chromium", "chromium-browser"]);
    let chromedriver = find_program(&["chromedriver"]);
    let (Some(chromium), Some(chromedriver)) = (chromium, chromedriver) else {
        if std::env::var("BAOGAO_REQUIRE_BROWSER").as_deref() == Ok("1") {
            panic!("BAOGAO_REQUIRE_BROWSER=1 but chromium or chromedriver is not installed");
        }
        eprintln!(
            "SKIPPED a_browser_searches_sees_highlights_and_narrows_by_a_facet: chromium and \
             chromedriver are not installed (apt-get install chromium chromium-driver)"
        );
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
    browser.wait_for_text("p.total", "共 75 筆符合");

    // The kind facet 表格列 narrows the list to table rows.
    let facets = browser.find_all("aside a[data-facet=kind]");
    let table_rows = facets
        .iter()
        .find(|f| browser.text(f) == "表格列")
        .expect("a 表格列 facet link");
    browser.click(table_rows);
    browser.wait_for_text("a.chip", "表格列");
    browser.wait_for_text("p.total", "共 31 筆符合");
    let chip = browser.find_all("a.chip");
    let metas = browser.find_all("li.hit div.meta");
    assert!(!metas.is_empty());
    for meta in &metas {
        assert!(browser.text(meta).starts_with("表格列"));
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
    browser.wait_for_text("p.total", "共 75 筆符合");
    assert!(browser.find_all("a.chip").is_empty());
}
