//! `baogao serve` over HTTP: the API answers what the CLI answers, in the same order; bad
//! requests are refused with a status and a JSON error; the page escapes what it is given;
//! uploads are refused unless allowed and, with a token, authorised; searches keep
//! answering while another process adds a report, and see it once committed.

mod util;

use std::time::{Duration, Instant};

use serde_json::Value;
use util::http::{enc, request};
use util::{Work, output};

const GAZETTE: &str = "tests/fixtures/gazette-08_82980-big5.txt";

fn cli_lines(work: &Work, args: &[&str]) -> Vec<Value> {
    let (code, out, err) = work.run(args);
    assert!(code == 0 || code == 1, "{args:?}: {err}");
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn the_api_returns_the_cli_hits_in_the_cli_order() {
    let work = Work::with_sample();
    let server = work.serve(&[]);
    let cases: &[(&str, &[(&str, &str)])] = &[
        ("雙城論壇", &[("limit", "20")]),
        ("美國 姊妹市 波士頓", &[("limit", "5")]),
        ("交流 -上海", &[("limit", "7"), ("offset", "3")]),
        ("上海", &[("kind", "table_row"), ("limit", "10")]),
        ("城市", &[("year", "106"), ("limit", "10")]),
        ("資料", &[("section", "研究背景"), ("limit", "4")]),
        // Hits of level some name the word they miss, as the CLI names it.
        ("雙成論壇 交流", &[("limit", "5")]),
    ];
    for (q, params) in cases {
        let mut url = format!("api/search?q={}&facets=1", enc(q));
        let mut args = vec!["search", "--json", "--facets"];
        let mut owned: Vec<String> = Vec::new();
        for (name, value) in *params {
            url.push_str(&format!("&{name}={}", enc(value)));
            owned.push(format!("--{name}"));
            owned.push(value.to_string());
        }
        args.extend(owned.iter().map(String::as_str));
        args.extend(q.split(' '));
        let (_, raw, _) = work.run(&args);
        let mut lines = cli_lines(&work, &args);
        let facet_line = lines.pop().expect("the facet line");
        let answer = server.get(&url);
        assert_eq!(answer.status, 200, "{q}: {}", answer.body);
        let body = answer.json();
        let hits = body["hits"].as_array().unwrap();
        assert!(!hits.is_empty(), "{q}: no hits");
        assert_eq!(hits, &lines, "{q}: API hits differ from search --json");
        assert_eq!(body["facets"], facet_line["facets"], "{q}");
        assert_eq!(body["total"], facet_line["total"], "{q}");
        // Byte for byte: fields in the same order, scores printed alike.
        let first_line = raw.lines().next().unwrap();
        assert!(
            answer
                .body
                .starts_with(&format!("{{\"hits\":[{first_line},"))
        );
    }
    assert_eq!(server.stop(), 0, "the server stops cleanly on SIGTERM");
}

#[test]
fn bad_parameters_are_400_and_unknown_ids_404() {
    let work = Work::with_sample();
    let server = work.serve(&[]);
    for (url, says) in [
        ("api/search?q=", "empty query"),
        ("api/search?limit=3", "empty query"),
        // The page and the API name the field, not the command-line option.
        ("api/search?q=交流&limit=0", "筆數 0: 至少 1 筆"),
        (
            "api/search?q=交流&org=高雄市政府",
            "機關 高雄市政府: 索引裡沒有這個機關",
        ),
        ("api/search?q=交流&limit=abc", "limit=abc"),
        ("api/search?q=交流&limit=-1", "limit=-1"),
        ("api/search?q=交流&kind=tabel", "unknown kind"),
        ("api/search?q=交流&year=abc", "not a year"),
        ("api/search?q=交流&lmit=3", "unknown parameter 'lmit'"),
        ("api/search?q=交流&q=上海", "given twice"),
        ("api/search?q=交流&facets=maybe", "facets=maybe"),
        ("api/passages/x%23p1?context=many", "context=many"),
        ("api/locate?q=", "empty quotation"),
        ("api/locate?q=兩岸貿易總額&limit=0", "limit=0"),
        ("api/passages/%FF%FE", "UTF-8"),
        ("api/search?q=%FF%FE", "parameter 'q': not UTF-8"),
        (
            "api/search?q=交流&report=%C3",
            "parameter 'report': not UTF-8",
        ),
        ("api/locate?q=%E4%BA", "parameter 'q': not UTF-8"),
    ] {
        let url = url
            .replace("交流", &enc("交流"))
            .replace("上海", &enc("上海"));
        let url = url
            .replace("兩岸貿易總額", &enc("兩岸貿易總額"))
            .replace("高雄市政府", &enc("高雄市政府"));
        let answer = server.get(&url);
        assert_eq!(answer.status, 400, "{url}: {}", answer.body);
        assert!(
            answer
                .header("content-type")
                .unwrap()
                .contains("application/json")
        );
        let error = answer.json()["error"].as_str().unwrap().to_string();
        assert!(error.contains(says), "{url}: {error}");
    }
    // Filters as staff type them (issue 23): kinds repeated and by Chinese name, an agency's
    // short name for the organisation the index holds.
    let answer = server.get(&format!(
        "api/search?q={}&org={}&kind={}&kind=table_row",
        enc("交流"),
        enc("北市府"),
        enc("段落")
    ));
    assert_eq!(answer.status, 200, "{}", answer.body);
    let hits = answer.json()["hits"].as_array().unwrap().clone();
    assert!(!hits.is_empty());
    assert!(
        hits.iter()
            .all(|h| h["kind"] == "paragraph" || h["kind"] == "table_row")
    );
    for url in [
        format!(
            "api/passages/{}",
            enc("taipei-shanghai-city-exchange-2017#pffffff")
        ),
        format!("api/passages/{}", enc("nope")),
        format!("api/search?q={}&report=nope", enc("交流")),
        "api/nothing".to_string(),
    ] {
        let answer = server.get(&url);
        assert_eq!(answer.status, 404, "{url}: {}", answer.body);
        assert!(answer.json()["error"].is_string(), "{url}");
    }
    let page = server.get(&format!("p/{}", enc("nope#x")));
    assert_eq!(page.status, 404);
    assert!(page.body.contains("no such passage"));
}

#[test]
fn passages_reports_and_locate_answer_as_the_cli_does() {
    let work = Work::with_sample();
    let server = work.serve(&[]);
    let id = "taipei-shanghai-city-exchange-2017#rb98636";
    let body = server
        .get(&format!("api/passages/{}?context=1", enc(id)))
        .json();
    let cli = cli_lines(&work, &["get", "--json", "--context", "1", id]);
    assert_eq!(cli.len(), 3);
    assert_eq!(body["passage"], cli[1]);
    let mut before = cli[0].clone();
    before.as_object_mut().unwrap().remove("context_of");
    let mut after = cli[2].clone();
    after.as_object_mut().unwrap().remove("context_of");
    assert_eq!(body["before"], Value::Array(vec![before]));
    assert_eq!(body["after"], Value::Array(vec![after]));

    let reports = server.get("api/reports").json();
    assert_eq!(
        reports["reports"],
        Value::Array(cli_lines(&work, &["reports", "--json"]))
    );

    let quote = "两岸贸易总额为1178.9亿美元，占台湾整体对外贸易总额之比重达23.1%";
    let sources = server.get(&format!("api/locate?q={}", enc(quote))).json();
    assert_eq!(
        sources["sources"],
        Value::Array(cli_lines(&work, &["locate", "--json", quote]))
    );
    assert_eq!(sources["sources"][0]["match"], "exact");

    // The passage page shows the id to copy and a citation naming the report.
    let page = server.get(&format!("p/{}", enc(id)));
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&format!("value=\"{id}\"")));
    assert!(
        page.body
            .contains("（臺北市政府，《兩岸城市交流之機遇與風險評估》，2017-12-25）")
    );
    assert!(
        page.body.contains("<td>波士頓市</td>"),
        "the row is shown as cells"
    );
    let list = server.get("reports");
    assert!(list.body.contains("兩岸城市交流之機遇與風險評估"));
    assert!(list.body.contains("民國106年12月25日"));
}

#[test]
fn the_page_escapes_queries_and_ids() {
    let work = Work::with_sample();
    let server = work.serve(&[]);
    let evil = "<script>alert(1)</script> \"交流\" '><img src=x onerror=alert(2)>";
    for url in [
        format!("?q={}", enc(evil)),
        format!("?q={}&kind=table_row&report={}", enc(evil), enc(evil)),
        format!("?q={}&limit=0", enc(evil)),
        format!("p/{}", enc(evil)),
        format!("?q=x&{}=1", enc(evil)),
    ] {
        let page = server.get(&url);
        let without_ours = page
            .body
            .replace("<script src=\"/page.js\" defer></script>", "");
        assert!(
            !without_ours.contains("<script") && !without_ours.contains("<img"),
            "{url} echoes markup: {}",
            page.body
        );
        assert!(page.body.contains("&lt;script&gt;"), "{url}: {}", page.body);
    }
    // The query shown back in the box is the query, escaped once.
    let page = server.get(&format!("?q={}", enc("a&b <雙城論壇>")));
    assert!(page.body.contains("value=\"a&amp;b &lt;雙城論壇&gt;\""));
}

#[test]
fn typos_get_a_suggestion_and_partial_hits_name_what_they_miss() {
    let work = Work::with_sample();
    let server = work.serve(&[]);
    let body = server
        .get(&format!("api/search?q={}&limit=3", enc("雙成論壇")))
        .json();
    assert_eq!(body["suggestion"], "雙城論壇");
    let hits = body["hits"].as_array().unwrap();
    assert!(!hits.is_empty());
    assert!(
        hits.iter()
            .all(|h| h["missing"] == serde_json::json!(["雙成論壇"]))
    );
    let found = server
        .get(&format!("api/search?q={}&limit=3", enc("雙城論壇")))
        .json();
    assert!(found.get("suggestion").is_none(), "{found}");
    assert!(found["hits"][0].get("missing").is_none(), "{found}");
    // The page links the suggestion, keeping the filters, and says what each hit misses.
    let page = server.get(&format!("?q={}&kind=paragraph", enc("雙成論壇")));
    assert!(
        page.body.contains(&format!(
            "你是不是要找：<a href=\"/?q={}&amp;kind=paragraph\">雙城論壇</a>",
            enc("雙城論壇")
        )),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("<div class=\"missing\">缺少：雙成論壇</div>")
    );
    let page = server.get(&format!("?q={}", enc("雙城論壇")));
    assert!(!page.body.contains("你是不是要找") && !page.body.contains("缺少："));
    assert_eq!(server.stop(), 0);
}

#[test]
fn facet_links_narrow_chips_undo_and_pages_keep_one_order() {
    let work = Work::with_sample();
    let server = work.serve(&[]);
    let page = server.get(&format!("?q={}", enc("雙城論壇")));
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<mark>"), "hits are highlighted");
    // The 62 passages holding 雙城論壇 whole fill the page; the 13 holding only part of it
    // are neither read nor counted.
    assert!(page.body.contains("共 62 筆符合"));
    let facet = "/?q=%E9%9B%99%E5%9F%8E%E8%AB%96%E5%A3%87&amp;kind=table_row";
    assert!(
        page.body.contains(facet),
        "a kind facet links to the narrowed search"
    );
    let narrowed = server.get(&facet.replace("&amp;", "&"));
    let kinds: Vec<&str> = narrowed
        .body
        .split("<div class=\"meta\">")
        .skip(1)
        .map(|m| m.split(" · ").nth(1).unwrap())
        .collect();
    assert!(!kinds.is_empty());
    assert!(kinds.iter().all(|k| *k == "表格列"), "{kinds:?}");
    // As many as the 表格列 facet counted on the first page.
    assert!(narrowed.body.contains("共 30 筆符合"));
    assert!(
        narrowed
            .body
            .contains("class=\"chip\" href=\"/?q=%E9%9B%99%E5%9F%8E%E8%AB%96%E5%A3%87\"")
    );

    // Two pages of 10 are the first 20 hits of the API, in its order.
    let ids = |body: &str| -> Vec<String> {
        body.split("data-id=\"")
            .skip(1)
            .map(|s| s.split('"').next().unwrap().to_string())
            .collect()
    };
    let first = ids(&page.body);
    let second = ids(&server
        .get(&format!("?q={}&offset=10", enc("雙城論壇")))
        .body);
    let api = server
        .get(&format!("api/search?q={}&limit=20", enc("雙城論壇")))
        .json();
    let api_ids: Vec<String> = api["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!([first, second].concat(), api_ids);
}

#[test]
fn a_read_only_server_refuses_uploads() {
    let work = Work::with_sample();
    let server = work.serve(&[]);
    let bytes = std::fs::read(GAZETTE).unwrap();
    let answer = request(
        "POST",
        &format!("{}api/reports?id=hushan", server.url),
        &[],
        &bytes,
    );
    assert_eq!(answer.status, 403, "{}", answer.body);
    assert!(
        answer.json()["error"]
            .as_str()
            .unwrap()
            .contains("--allow-add")
    );
    assert!(!work.corpus().join("hushan.txt").exists());
}

#[test]
fn uploads_need_the_token_and_are_checked_like_add() {
    let work = Work::with_sample();
    // Writing on a network address without a token is refused before anything starts.
    let (code, _, err) = work.run(&["serve", "--host", "0.0.0.0", "--port", "0", "--allow-add"]);
    assert_eq!(code, 2);
    assert!(err.contains("needs --token"), "{err}");

    let server = work.serve(&["--allow-add", "--token", "s3cret"]);
    let bytes = std::fs::read(GAZETTE).unwrap();
    let url = format!("{}api/reports?id=hushan&name=gazette.txt", server.url);
    for auth in [
        None,
        Some("Bearer wrong"),
        Some("s3cret"),
        Some("Bearer s3cre"),
    ] {
        let headers: Vec<(&str, &str)> = auth.map(|a| ("Authorization", a)).into_iter().collect();
        let answer = request("POST", &url, &headers, &bytes);
        assert_eq!(answer.status, 401, "{auth:?}: {}", answer.body);
    }
    assert!(!work.corpus().join("hushan.txt").exists());
    let ok = [("Authorization", "bearer s3cret")];
    // Checked like `add`: an unsafe id, a binary file, an unknown extension are refused.
    for (url, body, says) in [
        ("api/reports?id=..%2Fx", &bytes[..], "unsafe"),
        (
            "api/reports?id=bin",
            &[0u8, 159, 146, 150, 0, 1, 2][..],
            "bin",
        ),
        ("api/reports?id=x&name=a.exe", &bytes[..], "extension"),
        ("api/reports?id=x", &b""[..], "empty upload"),
    ] {
        let answer = request("POST", &format!("{}{url}", server.url), &ok, body);
        assert_eq!(answer.status, 400, "{url}: {}", answer.body);
        let error = answer.json()["error"].as_str().unwrap().to_string();
        assert!(error.contains(says), "{url}: {error}");
    }
    let names: Vec<_> = std::fs::read_dir(work.corpus())
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(names.len(), 1, "nothing was written for refused uploads");

    let answer = request("POST", &url, &ok, &bytes);
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.json()["added"], serde_json::json!(["hushan"]));
    assert_eq!(
        std::fs::read(work.corpus().join("hushan.txt")).unwrap(),
        bytes
    );
    let found = server.get(&format!("api/search?q={}&report=hushan", enc("湖山水庫")));
    assert_eq!(found.status, 200);
    assert!(!found.json()["hits"].as_array().unwrap().is_empty());
}

#[test]
fn searches_during_an_add_never_fail_and_see_the_new_report() {
    let work = Work::with_sample();
    let server = work.serve(&[]);
    let search = format!("api/search?q={}&limit=5", enc("雙城論壇 水庫"));
    let mut adding = work.cmd();
    adding.args(["add", "--id", "hushan-2016", GAZETTE]);
    let mut child = adding
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut during = 0;
    let status = loop {
        let answer = server.get(&search);
        assert_eq!(
            answer.status, 200,
            "a search failed during add: {}",
            answer.body
        );
        during += 1;
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
    };
    assert!(status.success());
    assert!(during > 0);
    // The reader follows commits: the new report shows without restarting the server.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let answer = server.get(&format!("api/search?q={}", enc("湖山水庫")));
        assert_eq!(answer.status, 200);
        let hits = answer.json()["hits"].as_array().unwrap().clone();
        if hits.iter().any(|h| h["report"] == "hushan-2016") {
            break;
        }
        assert!(Instant::now() < deadline, "the added report never showed");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn errors_have_a_body_and_every_answer_the_security_headers() {
    let work = Work::with_sample();
    let server = work.serve(&["--allow-add"]);
    let octets = [("Content-Type", "application/octet-stream")];
    // Under /api/: JSON, Chinese first.
    for (method, path, status, says) in [
        ("DELETE", "api/search", 405, "不支援此方法"),
        ("PUT", "api/reports", 405, "不支援此方法"),
        ("GET", "api/nothing", 404, "找不到此頁"),
    ] {
        let answer = request(method, &format!("{}{path}", server.url), &octets, b"x");
        assert_eq!(answer.status, status, "{method} {path}: {}", answer.body);
        let error = answer.json()["error"].as_str().unwrap().to_string();
        assert!(error.starts_with(says), "{method} {path}: {error}");
    }
    let answer = request("PUT", &format!("{}api/reports", server.url), &octets, b"x");
    assert_eq!(answer.header("allow"), Some("GET,HEAD,POST"));
    // A body without a length, larger than the limit: 413 once the limit is passed.
    let mut stream = std::net::TcpStream::connect(
        server
            .url
            .trim_start_matches("http://")
            .trim_end_matches('/'),
    )
    .unwrap();
    use std::io::Write;
    let head = format!(
        "POST /api/reports?id=big HTTP/1.1\r\nHost: {}\r\nContent-Type: application/octet-stream\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        server
            .url
            .trim_start_matches("http://")
            .trim_end_matches('/')
    );
    stream.write_all(head.as_bytes()).unwrap();
    let chunk = vec![b'a'; 1 << 20];
    for _ in 0..65 {
        if stream
            .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
            .and_then(|()| stream.write_all(&chunk))
            .and_then(|()| stream.write_all(b"\r\n"))
            .is_err()
        {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n");
    let answer = util::http::read_response(&mut stream, "POST");
    assert_eq!(answer.status, 413, "{}", answer.body);
    assert!(
        answer.json()["error"]
            .as_str()
            .unwrap()
            .contains("too large")
    );
    // Elsewhere: a page.
    let page = request("DELETE", &format!("{}reports", server.url), &octets, b"x");
    assert_eq!(page.status, 405);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(page.body.contains("不支援此方法"));

    for path in [
        "",
        "p/nope",
        "reports",
        "api/search?q=x",
        "api/nothing",
        "style.css",
    ] {
        let answer = server.get(path);
        for (name, value) in [
            ("x-content-type-options", "nosniff"),
            ("x-frame-options", "DENY"),
            ("referrer-policy", "no-referrer"),
        ] {
            assert_eq!(answer.header(name), Some(value), "/{path}: {name}");
        }
        let policy = answer.header("content-security-policy").unwrap_or("");
        assert!(policy.contains("default-src 'self'"), "/{path}: {policy}");
        assert!(
            policy.contains("frame-ancestors 'none'"),
            "/{path}: {policy}"
        );
    }
    // The policy allows no inline style or script: the page has none, only its own files.
    let page = server.get(&format!("?q={}", enc("雙城論壇")));
    assert!(!page.body.contains("<style"));
    assert_eq!(
        page.body.matches("<script").count(),
        page.body
            .matches("<script src=\"/page.js\" defer></script>")
            .count()
    );
    let script = server.get("page.js");
    assert_eq!(script.status, 200);
    assert!(
        script
            .header("content-type")
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(!page.body.contains("style=\""));
    let css = server.get("style.css");
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
    assert!(css.body.contains("mark{"));
}

#[test]
fn bad_server_options_are_one_line_and_exit_2() {
    let work = Work::with_sample();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    for (args, says) in [
        (
            vec!["serve", "--port", port.as_str()],
            "cannot listen on 127.0.0.1:",
        ),
        (
            vec!["serve", "--host", "nowhere"],
            "--host nowhere: 不是 IP 位址 not an IP address",
        ),
        (
            vec!["serve", "--port", "0", "--allow-add", "--token", " "],
            "--token: empty",
        ),
        (
            vec!["serve", "--port", "0", "--allow-host", "a.example:80"],
            "--allow-host a.example:80: not a host name",
        ),
    ] {
        let (code, out, err) = work.run(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty());
        assert_eq!(
            err.lines().filter(|l| l.contains(says)).count(),
            1,
            "{args:?}: {err}"
        );
    }
}

/// The Debian package's service passes every serve option through /etc/baogao/baogao.conf
/// (`EnvironmentFile=`), so host, port and uploads must be settable from the environment.
#[test]
fn serve_options_come_from_the_environment_as_the_service_sets_them() {
    let work = Work::with_sample();
    let mut command = work.cmd();
    command
        .env("BAOGAO_HOST", "127.0.0.1")
        .env("BAOGAO_PORT", "0")
        .env("BAOGAO_ALLOW_ADD", "true")
        .env("BAOGAO_TOKEN", "s3cret")
        .arg("serve");
    let server = util::http::Server::start(command);
    assert!(
        !server.url.ends_with(":7700/"),
        "BAOGAO_PORT=0 picks a free port: {}",
        server.url
    );
    let bytes = std::fs::read(GAZETTE).unwrap();
    let url = format!("{}api/reports?id=hushan&name=gazette.txt", server.url);
    let answer = request("POST", &url, &[("Authorization", "Bearer s3cret")], &bytes);
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(work.corpus().join("hushan.txt").exists());
    drop(server);

    // Checked second: code that ignored these variables would serve read-only on 7700 here
    // until killed. A network address with uploads and no token is refused, as with flags.
    let (code, _, err) = output(
        work.cmd()
            .env_remove("BAOGAO_TOKEN")
            .env("BAOGAO_HOST", "0.0.0.0")
            .env("BAOGAO_PORT", "0")
            .env("BAOGAO_ALLOW_ADD", "true")
            .arg("serve"),
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("needs --token"), "{err}");
}

/// A `multipart/form-data` body of `files` (field name, file name, bytes), as a browser's
/// form or `requests.post(files=…)` sends it.
fn form_body(files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----baogaoFormBoundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (field, name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[test]
fn a_form_upload_adds_each_file_under_its_name_byte_for_byte() {
    let work = Work::with_sample();
    let server = work.serve(&["--allow-add", "--token", "s3cret", "--no-watch"]);
    let gazette = std::fs::read(GAZETTE).unwrap();
    let pdf = std::fs::read("tests/fixtures/formats/report-2pages.pdf").unwrap();
    let sample = std::fs::read(util::SAMPLE).unwrap();
    let (content_type, body) = form_body(&[
        ("file", "公報 82980.txt", &gazette),
        ("file", "C:\\Users\\staff\\兩頁.pdf", &pdf),
        ("file", "程式.exe", b"MZ\x90\x00"),
        ("file", "copy-of-sample.txt", &sample),
    ]);
    let url = format!("{}api/reports", server.url);
    let headers = [
        ("Authorization", "Bearer s3cret"),
        ("Content-Type", content_type.as_str()),
    ];
    let answer = request("POST", &url, &headers, &body);
    assert_eq!(answer.status, 200, "{}", answer.body);
    let files = answer.json()["files"].as_array().unwrap().clone();
    let outcome = |i: usize| files[i]["outcome"].as_str().unwrap().to_string();
    assert_eq!(outcome(0), "added", "{files:?}");
    assert_eq!(files[0]["id"], "公報_82980");
    assert_eq!(outcome(1), "added", "{files:?}");
    assert_eq!(
        files[1]["name"], "兩頁.pdf",
        "only the last part of a sent path"
    );
    assert_eq!(outcome(2), "refused");
    assert!(files[2]["message"].as_str().unwrap().starts_with("拒收"));
    assert_eq!(outcome(3), "same_content");
    assert_eq!(files[3]["same_as"], "taipei-shanghai-city-exchange-2017");
    // The originals are kept byte for byte under the names `add` gives them; nothing else.
    assert_eq!(
        std::fs::read(work.corpus().join("公報_82980.txt")).unwrap(),
        gazette
    );
    assert_eq!(std::fs::read(work.corpus().join("兩頁.pdf")).unwrap(), pdf);
    let mut names: Vec<String> = std::fs::read_dir(work.corpus())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "taipei-shanghai-city-exchange-2017.txt",
            "兩頁.pdf",
            "公報_82980.txt"
        ]
    );
    // Searchable at once, the title read from the file, not the form's boundary.
    let listed = server.get("api/reports").json();
    let titles: Vec<&str> = listed["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap())
        .collect();
    assert!(
        titles.iter().all(|t| !t.contains("baogaoFormBoundary")),
        "{titles:?}"
    );
    assert_eq!(titles.len(), 3, "{titles:?}");

    // Only files: a form of text fields, a URL-encoded form, a broken form are refused,
    // and nothing is stored.
    let only_exe = form_body(&[("file", "a.exe", b"MZ")]);
    let answer = request(
        "POST",
        &url,
        &[
            ("Authorization", "Bearer s3cret"),
            ("Content-Type", only_exe.0.as_str()),
        ],
        &only_exe.1,
    );
    assert_eq!(answer.status, 415, "{}", answer.body);
    let text_field =
        b"------x\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nhello\r\n------x--\r\n";
    for (content_type, body, status) in [
        ("multipart/form-data; boundary=----x", &text_field[..], 400),
        (
            "multipart/form-data; boundary=----x",
            &b"garbage without parts"[..],
            400,
        ),
        ("application/x-www-form-urlencoded", &b"file=abc"[..], 415),
    ] {
        let answer = request(
            "POST",
            &url,
            &[
                ("Authorization", "Bearer s3cret"),
                ("Content-Type", content_type),
            ],
            body,
        );
        assert_eq!(answer.status, status, "{content_type}: {}", answer.body);
        assert!(answer.json()["error"].is_string(), "{}", answer.body);
    }
    assert_eq!(std::fs::read_dir(work.corpus()).unwrap().count(), 3);

    // More files than allowed: refused whole.
    let many: Vec<(String, Vec<u8>)> = (0..21)
        .map(|i| {
            (
                format!("n{i}.txt"),
                format!("第{i}號報告\n\n內容。\n").into_bytes(),
            )
        })
        .collect();
    let parts: Vec<(&str, &str, &[u8])> = many
        .iter()
        .map(|(n, b)| ("file", n.as_str(), b.as_slice()))
        .collect();
    let (content_type, body) = form_body(&parts);
    let answer = request(
        "POST",
        &url,
        &[
            ("Authorization", "Bearer s3cret"),
            ("Content-Type", content_type.as_str()),
        ],
        &body,
    );
    assert_eq!(answer.status, 400, "{}", answer.body);
    assert!(answer.body.contains("20"), "{}", answer.body);
    assert_eq!(std::fs::read_dir(work.corpus()).unwrap().count(), 3);
    assert_eq!(server.stop(), 0);
}

#[test]
fn the_api_cites_as_get_cite_and_serves_whole_reports_and_their_files() {
    let work = Work::with_sample();
    let server = work.serve(&["--no-watch"]);
    let hits = server.get(&format!("api/search?q={}", enc("雙城論壇")));
    let id = hits.json()["hits"][0]["id"].as_str().unwrap().to_string();
    let answer = server.get(&format!("api/passages/{}?cite=1", enc(&id)));
    assert_eq!(answer.status, 200, "{}", answer.body);
    let (code, cited, err) = work.run(&["get", "--cite", &id]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(answer.json()["citation"], cited.trim_end());
    // The page's 引用 box holds the same line.
    let page = server.get(&format!("p/{}", enc(&id)));
    let escaped = cited
        .trim_end()
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    assert!(
        page.body.contains(&format!(">{escaped}</textarea>")),
        "{}",
        page.body
    );

    let report = "taipei-shanghai-city-exchange-2017";
    let whole = server.get(&format!("api/reports/{report}"));
    assert_eq!(whole.status, 200, "{}", whole.body);
    let (_, lines, _) = work.run(&["get", report, "--json"]);
    let cli_ids: Vec<Value> = lines
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v.get("seq").is_some())
        .map(|v| v["id"].clone())
        .collect();
    let ids: Vec<Value> = whole.json()["passages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].clone())
        .collect();
    assert_eq!(whole.json()["report"]["id"], report);
    assert!(ids.len() > 10);
    assert_eq!(ids, cli_ids, "the passages of `get REPORT`, in order");
    assert_eq!(server.get("api/reports/nothing-here").status, 404);

    let page = server.get(&format!("r/{report}"));
    assert_eq!(page.status, 200);
    assert_eq!(page.body.matches("<h1").count(), 1);
    assert!(page.body.contains(&format!("href=\"/r/{report}/file\"")));
    let file = server.get(&format!("r/{report}/file"));
    assert_eq!(file.status, 200);
    assert_eq!(file.body, std::fs::read_to_string(util::SAMPLE).unwrap());
    assert!(
        file.header("content-disposition")
            .unwrap()
            .starts_with("attachment;")
    );
    assert_eq!(file.header("x-content-type-options"), Some("nosniff"));
    assert!(
        file.header("content-type")
            .unwrap()
            .starts_with("text/plain")
    );
    for missing in ["r/nothing-here/file", "r/..%2F..%2Fetc%2Fpasswd/file"] {
        assert_eq!(server.get(missing).status, 404, "{missing}");
    }
    assert_eq!(server.stop(), 0);
}

#[test]
fn files_dropped_into_the_corpus_folder_are_indexed_and_removed_while_serving() {
    let work = Work::with_sample();
    let server = work.serve(&[]);
    let ids = || -> Vec<String> {
        server.get("api/reports").json()["reports"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    };
    let wait_until = |what: &str, done: &dyn Fn() -> bool| {
        let start = Instant::now();
        while !done() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "{what}: not within 30 s"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    };
    // Written in two pieces with a pause: the half-written file is not what gets indexed.
    let text = std::fs::read(GAZETTE).unwrap();
    let target = work.corpus().join("dropped.txt");
    let (head, tail) = text.split_at(text.len() / 2);
    std::fs::write(&target, head).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&target)
            .unwrap();
        f.write_all(tail).unwrap();
    }
    wait_until("a dropped file", &|| ids().contains(&"dropped".to_string()));
    let size = server.get("api/reports").json()["reports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "dropped")
        .unwrap()["size"]
        .as_u64()
        .unwrap();
    assert_eq!(size, text.len() as u64, "the whole file was read");
    std::fs::copy(
        "tests/fixtures/formats/scanned-image.pdf",
        work.corpus().join("scan.pdf"),
    )
    .unwrap();
    std::fs::remove_file(&target).unwrap();
    wait_until("a removed file", &|| {
        !ids().contains(&"dropped".to_string())
    });
    wait_until("a failed file listed", &|| {
        let page = server.get("reports");
        page.body.contains("scan.pdf") && page.body.contains("掃描檔")
    });
    assert_eq!(server.stop(), 0);
}

#[test]
fn every_page_has_one_h1_a_skip_link_chips_for_every_filter_and_hits_named_by_section() {
    let work = Work::with_sample();
    let server = work.serve(&["--no-watch"]);
    let hits = server
        .get(&format!("api/search?q={}", enc("雙城論壇")))
        .json();
    let id = hits["hits"][0]["id"].as_str().unwrap().to_string();
    for path in [
        String::new(),
        format!("?q={}", enc("雙城論壇")),
        format!("p/{}", enc(&id)),
        "r/taipei-shanghai-city-exchange-2017".to_string(),
        "reports".to_string(),
        "no-such-page".to_string(),
        "?q=x&year=abc".to_string(),
    ] {
        let page = server.get(&path);
        assert_eq!(page.body.matches("<h1").count(), 1, "/{path}");
        assert!(
            page.body.contains("<a class=\"skip\" href=\"#main\">"),
            "/{path}"
        );
        assert!(page.body.contains("<main id=\"main\""), "/{path}");
    }
    // Hit links are named by where the passage sits, not all by the report's title.
    let page = server.get(&format!("?q={}", enc("雙城論壇")));
    let names: Vec<&str> = page
        .body
        .split("<div class=\"place\"><a href=\"/p/")
        .skip(1)
        .map(|h| h.split_once("\">").unwrap().1.split("</a>").next().unwrap())
        .collect();
    assert_eq!(names.len(), 10);
    let distinct: std::collections::BTreeSet<&&str> = names.iter().collect();
    assert!(distinct.len() > 3, "{names:?}");
    assert!(
        names.iter().all(|n| *n != "兩岸城市交流之機遇與風險評估"),
        "{names:?}"
    );
    // The facets are one link away on a narrow screen; the 機關 facet is a link.
    assert!(page.body.contains("href=\"#facets\""));
    assert!(page.body.contains("<aside id=\"facets\""));
    assert!(page.body.contains("data-facet=\"org\">臺北市政府</a>"));
    // Every filter in force shows a chip that removes it.
    let filtered = server.get(&format!(
        "?q={}&org={}&from=2017-01-01&to=2018-12-31&kind=paragraph",
        enc("雙城論壇"),
        enc("臺北市政府")
    ));
    assert_eq!(filtered.status, 200, "{}", filtered.body);
    for label in [
        "機關：臺北市政府",
        "起：2017-01-01",
        "迄：2018-12-31",
        "種類：段落",
    ] {
        assert!(filtered.body.contains(&format!("{label} ✕</a>")), "{label}");
    }
    assert_eq!(filtered.body.matches("class=\"chip\"").count(), 4);
    // A repeated filter (any of its values) shows a chip per value, each removing its own.
    let both = server.get(&format!(
        "?q={}&kind=paragraph&kind=table_row",
        enc("雙城論壇")
    ));
    assert_eq!(both.status, 200, "{}", both.body);
    let q = enc("雙城論壇");
    assert!(both.body.contains(&format!(
        "<a class=\"chip\" href=\"/?q={q}&amp;kind=table_row\" title=\"取消此條件\">種類：段落 ✕</a>"
    )), "{}", both.body);
    assert!(both.body.contains(&format!(
        "<a class=\"chip\" href=\"/?q={q}&amp;kind=paragraph\" title=\"取消此條件\">種類：表格列 ✕</a>"
    )));
    assert_eq!(server.stop(), 0);
}
