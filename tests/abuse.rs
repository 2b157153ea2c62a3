//! `baogao serve` against hostile clients: writes a page of another site could send are
//! refused and leave the corpus as it was; a Host the server does not answer to (DNS
//! rebinding) is refused; a client sending its headers a byte a second, idle kept-alive
//! connections and more connections than the cap never keep a normal request out; bodies
//! that cannot be allowed are refused before they are read, so parallel large uploads do
//! not grow the server's memory. The bounds tested are those of `docs/robustness-serve.md`.

mod util;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use util::Work;
use util::http::{Server, head, read_response, request};

/// Headers of a request, as `request` takes them.
type Headers<'a> = &'a [(&'a str, &'a str)];

const GAZETTE: &str = "tests/fixtures/gazette-08_82980-big5.txt";
/// The server's header-read timeout (`HEADER_READ_TIME`) and what the test adds for slack.
const HEADER_READ_TIME: Duration = Duration::from_secs(10);
const SLACK: Duration = Duration::from_secs(6);
/// Largest upload the server accepts (`MAX_UPLOAD_BYTES`).
const MAX_UPLOAD: usize = 64 * 1024 * 1024;

fn corpus_names(work: &Work) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(work.corpus())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The server's peak resident memory (VmHWM) in bytes.
fn peak_memory(server: &Server) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.pid())).unwrap();
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .expect("VmHWM in /proc/PID/status");
    let kib: u64 = line
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap();
    kib * 1024
}

/// Sends the head of a request announcing `length` body bytes and none of them: the answer
/// must come without the body having been read.
fn answer_before_body(server: &Server, path: &str, headers: &[(&str, &str)], length: usize) -> u16 {
    let url = format!("{}{}", server.url, path.trim_start_matches('/'));
    let mut stream = TcpStream::connect(server.authority()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
        .write_all(head("POST", &url, headers, length).as_bytes())
        .unwrap();
    let answer = read_response(&mut stream, "POST");
    assert!(
        answer.json()["error"].is_string(),
        "{path}: {}",
        answer.body
    );
    answer.status
}

#[test]
fn cross_site_writes_are_refused_and_the_corpus_is_unchanged() {
    let work = Work::with_sample();
    let server = work.serve(&["--allow-add"]);
    let bytes = std::fs::read(GAZETTE).unwrap();
    let before = corpus_names(&work);
    let ours = format!("http://{}", server.authority());
    let url = format!("{}api/reports?id=hushan&name=gazette.txt", server.url);
    for headers in [
        // The form or `fetch(…, {mode: "no-cors"})` of a page on another site.
        vec![("Content-Type", "text/plain")],
        vec![
            ("Content-Type", "text/plain"),
            ("Origin", "http://evil.example"),
        ],
        vec![
            ("Content-Type", "application/octet-stream"),
            ("Origin", "http://evil.example"),
        ],
        vec![("Content-Type", "multipart/form-data; boundary=x")],
        vec![("Origin", "null")],
        vec![
            ("Content-Type", "application/octet-stream"),
            ("Sec-Fetch-Site", "cross-site"),
        ],
        vec![
            ("Content-Type", "text/plain"),
            ("Origin", ours.as_str()),
            ("Sec-Fetch-Site", "same-site"),
        ],
        vec![],
    ] {
        let answer = request("POST", &url, &headers, &bytes);
        assert_eq!(answer.status, 403, "{headers:?}: {}", answer.body);
        let error = answer.json()["error"].as_str().unwrap().to_string();
        assert!(error.starts_with("拒絕跨站寫入"), "{error}");
        assert!(error.contains("cross-site"), "{error}");
    }
    assert_eq!(
        corpus_names(&work),
        before,
        "a refused write changed the corpus"
    );

    // The server's own page, and a script saying what it sends, may write.
    let same_origin = [
        ("Content-Type", "text/plain"),
        ("Origin", ours.as_str()),
        ("Sec-Fetch-Site", "same-origin"),
    ];
    let answer = request("POST", &url, &same_origin, &bytes);
    assert_eq!(answer.status, 200, "{}", answer.body);
    let script = [("Content-Type", "application/octet-stream")];
    let answer = request(
        "POST",
        &format!("{}api/reports?id=hushan-2&name=gazette.txt", server.url),
        &script,
        &bytes,
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(work.corpus().join("hushan-2.txt").exists());
}

#[test]
fn a_host_the_server_does_not_answer_to_is_refused() {
    let work = Work::with_sample();
    let server = work.serve(&[]);
    let port = server.authority().rsplit(':').next().unwrap().to_string();
    let rebound = format!("evil.example:{port}");
    let named = format!("reports.office.example:{port}");
    for (path, json) in [("api/reports", true), ("", false), ("p/x", false)] {
        let url = format!("{}{path}", server.url);
        for host in [rebound.as_str(), named.as_str(), "127.0.0.1:1"] {
            let answer = request("GET", &url, &[("Host", host)], b"");
            assert_eq!(answer.status, 421, "{host} /{path}: {}", answer.body);
            if json {
                let error = answer.json()["error"].as_str().unwrap().to_string();
                assert!(error.contains("--allow-host"), "{error}");
            } else {
                assert!(answer.body.contains("主機名稱不符"), "{}", answer.body);
            }
        }
        for host in [format!("localhost:{port}"), server.authority().to_string()] {
            let answer = request("GET", &url, &[("Host", &host)], b"");
            assert_ne!(answer.status, 421, "{host} /{path}");
        }
    }
    // Writes are checked for the host first too.
    let answer = request(
        "POST",
        &format!("{}api/reports?id=x", server.url),
        &[("Host", &rebound)],
        b"x",
    );
    assert_eq!(answer.status, 421);

    // Names given by --allow-host or BAOGAO_ALLOW_HOST (comma-separated) are answered.
    let allowed = work.serve(&["--allow-host", "reports.office.example"]);
    let mut with_env = work.cmd();
    with_env
        .env_remove("BAOGAO_TOKEN")
        .env("BAOGAO_ALLOW_HOST", "a.example,reports.office.example")
        .args(["serve", "--port", "0"]);
    let from_env = Server::start(with_env);
    for server in [&allowed, &from_env] {
        let port = server.authority().rsplit(':').next().unwrap();
        let url = format!("{}api/reports", server.url);
        for host in [
            format!("reports.office.example:{port}"),
            "Reports.Office.Example".to_string(),
        ] {
            let answer = request("GET", &url, &[("Host", &host)], b"");
            assert_eq!(answer.status, 200, "{host}: {}", answer.body);
        }
        let answer = request(
            "GET",
            &url,
            &[("Host", &format!("evil.example:{port}"))],
            b"",
        );
        assert_eq!(answer.status, 421);
    }
}

/// Writes `bytes` one a second until the server closes the connection; how long that took.
fn trickle_until_closed(mut stream: TcpStream, bytes: &[u8], give_up: Duration) -> Duration {
    let start = Instant::now();
    stream
        .set_read_timeout(Some(Duration::from_millis(50)))
        .unwrap();
    let mut buffer = [0u8; 4096];
    for byte in bytes.iter().cycle() {
        if start.elapsed() > give_up {
            break;
        }
        if stream.write_all(&[*byte]).is_err() {
            break;
        }
        let waited = Instant::now();
        while waited.elapsed() < Duration::from_secs(1) {
            match stream.read(&mut buffer) {
                Ok(0) => return start.elapsed(),
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
                Err(_) => return start.elapsed(),
            }
        }
    }
    start.elapsed()
}

/// How long the server keeps `stream` open while it sends nothing (reading what comes).
fn silent_until_closed(mut stream: TcpStream, give_up: Duration) -> Duration {
    let start = Instant::now();
    stream.set_read_timeout(Some(give_up)).unwrap();
    let mut buffer = [0u8; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(n) if n > 0 && start.elapsed() < give_up => {}
            _ => return start.elapsed(),
        }
    }
}

#[test]
fn slow_and_idle_clients_are_cut_off_while_others_are_served() {
    let work = Work::with_sample();
    let server = Arc::new(work.serve(&[]));
    let give_up = HEADER_READ_TIME + SLACK + Duration::from_secs(10);
    let authority = server.authority().to_string();
    // Slowloris: a request head sent a byte a second, never ending.
    let slow = TcpStream::connect(&authority).unwrap();
    let slow_head = format!("GET / HTTP/1.1\r\nHost: {authority}\r\nX-Padding: ");
    let slowloris = std::thread::spawn(move || {
        let mut slow = slow;
        slow.write_all(&slow_head.as_bytes()[..4]).unwrap();
        trickle_until_closed(slow, b"aaaaaaaaaaaaaaaaaaaa", give_up)
    });
    // A kept-alive connection that asks once, then stays silent.
    let mut idle = TcpStream::connect(&authority).unwrap();
    idle.write_all(format!("GET /api/reports HTTP/1.1\r\nHost: {authority}\r\n\r\n").as_bytes())
        .unwrap();
    let keep_alive = std::thread::spawn(move || silent_until_closed(idle, give_up));
    // A connection that never says anything.
    let mute = TcpStream::connect(&authority).unwrap();
    let mute = std::thread::spawn(move || silent_until_closed(mute, give_up));

    std::thread::sleep(Duration::from_secs(2));
    let answer = server.get("api/reports");
    assert_eq!(
        answer.status, 200,
        "a normal request waited on slow clients"
    );

    for (who, handle) in [
        ("a client sending its head a byte a second", slowloris),
        ("a silent kept-alive connection", keep_alive),
        ("a connection that never sends", mute),
    ] {
        let held = handle.join().unwrap();
        eprintln!("{who}: closed after {held:?}");
        assert!(
            held <= HEADER_READ_TIME + SLACK,
            "{who} was kept {held:?} (bound {HEADER_READ_TIME:?})"
        );
    }
}

/// One GET, each step within 3 s: its status, or why it got none (a server that no longer
/// accepts leaves connections unanswered in its backlog; one over the cap is closed).
fn try_get(authority: &str, url: &str) -> std::io::Result<u16> {
    let address = authority.parse().unwrap();
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(3))?;
    stream.set_read_timeout(Some(Duration::from_secs(3)))?;
    stream.write_all(head("GET", url, &[], 0).as_bytes())?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer)?;
    String::from_utf8_lossy(&answer)
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status line"))
}

#[test]
fn idle_connections_beyond_the_cap_do_not_lock_out_a_normal_request() {
    let work = Work::with_sample();
    // With 160 files the server keeps 96 connections at most; 300 idle ones would exhaust
    // its descriptors if it did not close those over the cap.
    let server = work.serve_with_file_limit(160, &[]);
    let idle: Vec<TcpStream> = (0..300)
        .map(|_| TcpStream::connect(server.authority()).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let start = Instant::now();
    let url = format!("{}api/reports", server.url);
    let answered = loop {
        if let Ok(status) = try_get(server.authority(), &url) {
            break status;
        }
        assert!(
            start.elapsed() < HEADER_READ_TIME + SLACK + SLACK,
            "no answer for {:?} while {} connections idled",
            start.elapsed(),
            idle.len()
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(answered, 200);
    drop(idle);
}

#[test]
fn bodies_that_cannot_be_allowed_are_refused_unread() {
    let work = Work::with_sample();
    let read_only = work.serve(&[]);
    let with_token = work.serve(&["--allow-add", "--token", "s3cret"]);
    let open = work.serve(&["--allow-add"]);
    let octets = ("Content-Type", "application/octet-stream");
    let cases: [(&Server, Headers, usize, u16); 6] = [
        (&read_only, &[octets], MAX_UPLOAD / 2, 403),
        (&with_token, &[octets], MAX_UPLOAD / 2, 401),
        (
            &with_token,
            &[octets, ("Authorization", "Bearer wrong")],
            MAX_UPLOAD / 2,
            401,
        ),
        (
            &open,
            &[("Content-Type", "text/plain")],
            MAX_UPLOAD / 2,
            403,
        ),
        (
            &open,
            &[octets, ("Host", "evil.example")],
            MAX_UPLOAD / 2,
            421,
        ),
        (&open, &[octets], MAX_UPLOAD + 1, 413),
    ];
    for (server, headers, length, status) in cases {
        assert_eq!(
            answer_before_body(server, "api/reports?id=big", headers, length),
            status,
            "{headers:?} {length}"
        );
    }
    // Too large for a read-only server too: the size is told first.
    assert_eq!(
        answer_before_body(&read_only, "api/reports?id=big", &[octets], MAX_UPLOAD + 1),
        413
    );
    let names: Vec<String> = corpus_names(&work);
    assert_eq!(names, [util::SAMPLE_NAME]);
}

/// Sends `count` uploads of `size` bytes at once; the statuses of those answered.
fn parallel_uploads(
    server: &Server,
    count: usize,
    size: usize,
    headers: &[(&str, &str)],
) -> Vec<u16> {
    let body = Arc::new(vec![0u8; size]);
    let url = format!("{}api/reports?id=big&name=big.txt", server.url);
    let threads: Vec<_> = (0..count)
        .map(|_| {
            let body = Arc::clone(&body);
            let url = url.clone();
            let head = head("POST", &url, headers, size);
            let authority = server.authority().to_string();
            std::thread::spawn(move || {
                let mut stream = TcpStream::connect(authority).unwrap();
                stream
                    .set_read_timeout(Some(Duration::from_secs(60)))
                    .unwrap();
                // A server that refuses without reading closes the connection mid-body.
                let sent = stream
                    .write_all(head.as_bytes())
                    .and_then(|()| stream.write_all(&body));
                let mut answer = Vec::new();
                let _ = stream.read_to_end(&mut answer);
                let status = String::from_utf8_lossy(&answer)
                    .split(' ')
                    .nth(1)
                    .and_then(|s| s.parse::<u16>().ok());
                (sent.is_ok(), status)
            })
        })
        .collect();
    threads
        .into_iter()
        .filter_map(|t| t.join().unwrap().1)
        .collect()
}

#[test]
fn parallel_large_bodies_do_not_grow_the_server() {
    let work = Work::with_sample();
    const BOUND: u64 = 100 * 1024 * 1024;
    // Refused bodies are never read: 16 × 48 MiB to a read-only server.
    let read_only = work.serve(&[]);
    assert_eq!(read_only.get("api/reports").status, 200);
    let before = peak_memory(&read_only);
    let statuses = parallel_uploads(
        &read_only,
        16,
        48 * 1024 * 1024,
        &[("Content-Type", "application/octet-stream")],
    );
    let grown = peak_memory(&read_only).saturating_sub(before);
    eprintln!("read-only server: peak memory grew {} MiB", grown >> 20);
    assert!(grown < BOUND, "a read-only server grew {} MiB", grown >> 20);
    assert!(statuses.iter().all(|s| *s == 403), "{statuses:?}");

    // Allowed bodies are read two at a time: 8 × 40 MiB, each refused by the add check.
    let open = work.serve(&["--allow-add"]);
    assert_eq!(open.get("api/reports").status, 200);
    let before = peak_memory(&open);
    let statuses = parallel_uploads(
        &open,
        8,
        40 * 1024 * 1024,
        &[("Content-Type", "application/octet-stream")],
    );
    let grown = peak_memory(&open).saturating_sub(before);
    eprintln!("uploading server: peak memory grew {} MiB", grown >> 20);
    assert!(
        grown < 3 * BOUND,
        "parallel uploads grew the server {} MiB",
        grown >> 20
    );
    assert_eq!(statuses.len(), 8, "every upload was answered");
    assert!(
        statuses.iter().all(|s| *s == 400 || *s == 503),
        "{statuses:?}"
    );
    assert_eq!(corpus_names(&work), [util::SAMPLE_NAME]);
}
