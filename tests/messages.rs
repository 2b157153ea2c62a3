//! Messages staff meet on the command line (issue 23): each stderr line is Chinese first,
//! English after, and says what to do. One table lists every message checked: how to
//! trigger it through the binary, its exit code and a fragment of its text.

mod util;

use std::fs;
use std::path::Path;

use util::{Work, output};

/// How a message is reached.
#[derive(Clone, Copy)]
enum Setup {
    /// A workspace whose corpus holds the sample report.
    Sample,
    /// An empty corpus folder.
    EmptyCorpus,
    /// No corpus folder and no index: the first run in an empty folder.
    Nothing,
    /// `PATH` holds no program (no pdftotext).
    NoPrograms,
}

/// (setup, arguments, exit code, a fragment of the message).
const MESSAGES: &[(Setup, &[&str], i32, &str)] = &[
    (
        Setup::Nothing,
        &["search", "交流"],
        2,
        "請把報告放進 corpus 資料夾，或執行 baogao add 檔案",
    ),
    (
        Setup::EmptyCorpus,
        &["search", "交流"],
        1,
        "索引裡還沒有報告 no reports indexed yet",
    ),
    (
        Setup::Sample,
        &["search", "量子電腦"],
        1,
        "查無結果 no hits",
    ),
    (
        Setup::Sample,
        &["search", "交流", "--year", "abc"],
        2,
        "年份 --year abc: 不是年份 not a year",
    ),
    (
        Setup::Sample,
        &["search", "交流", "--from", "2017-13-01"],
        2,
        "起日 --from 2017-13-01: 不是日期",
    ),
    (
        Setup::Sample,
        &["search", "交流", "--from", "2018", "--to", "2017"],
        2,
        "晚於迄日",
    ),
    (
        Setup::Sample,
        &["search", "交流", "--kind", "table"],
        2,
        "種類 --kind table: 不明的種類",
    ),
    (
        Setup::Sample,
        &["search", "交流", "--org", "高雄市政府"],
        2,
        "機關 --org 高雄市政府: 索引裡沒有這個機關",
    ),
    (
        Setup::Sample,
        &["search", "交流", "--section", " "],
        2,
        "章節 --section: 空白",
    ),
    (
        Setup::Sample,
        &["search", "交流", "--limit", "0"],
        2,
        "筆數 --limit 0: 至少 1 筆",
    ),
    (
        Setup::Sample,
        &["search", "交流", "--limit", "20000"],
        2,
        "筆數 --limit 20000: 最多",
    ),
    (
        Setup::Sample,
        &["search", " "],
        2,
        "查詢詞 QUERY: 空白 empty query",
    ),
    (
        Setup::Sample,
        &["search", "--lmit", "2", "交流"],
        2,
        "不明的選項 unknown option '--lmit'",
    ),
    (
        Setup::Sample,
        &["search", "交流", "--report", "nosuch"],
        1,
        "--report nosuch: 查無此報告",
    ),
    (
        Setup::Sample,
        &["get", "nosuch"],
        1,
        "nosuch: 查無此報告 no such report",
    ),
    (
        Setup::Sample,
        &["remove", "nosuch"],
        1,
        "nosuch: 查無此報告 no such report",
    ),
    (
        Setup::Sample,
        &["locate", "完全無關的一句話沒有出處"],
        1,
        "找不到這段引文的出處",
    ),
    (
        Setup::Sample,
        &["add", "@note.md"],
        2,
        "不是報告檔 not a report file: 只讀",
    ),
    (
        Setup::Sample,
        &["add", "@scanned-image.pdf"],
        2,
        "這是掃描檔（沒有文字層）",
    ),
    (
        Setup::NoPrograms,
        &["add", "@report-2pages.pdf"],
        2,
        "找不到讀 PDF 的程式 pdftotext not found",
    ),
    (
        Setup::Sample,
        &["add", "--encoding", "nope", "@note.md"],
        2,
        "不明的編碼 unknown encoding",
    ),
    (
        Setup::Sample,
        &["serve", "--host", "nowhere"],
        2,
        "不是 IP 位址 not an IP address",
    ),
    (Setup::Sample, &["--frobnicate"], 2, "參數有誤"),
    (Setup::Sample, &[], 2, "沒有指令 no command given"),
];

/// A line's message leads with Chinese: the text after `baogao: `, or after the file, option
/// or id it concerns (`note.md: 不是報告檔…`, `--report X: 查無此報告…`), starts with a CJK
/// character. Progress lines (`建立索引 building the index…`) count too.
fn chinese_first(line: &str) -> bool {
    let is_cjk = |s: &str| {
        s.trim_start().chars().next().is_some_and(|c| {
            matches!(c, '\u{3400}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{3000}'..='\u{303f}')
        })
    };
    let Some(message) = line.strip_prefix("baogao: ") else {
        return false;
    };
    is_cjk(message)
        || message
            .split_once(": ")
            .is_some_and(|(_, cause)| is_cjk(cause))
}

/// An argument naming a fixture: `@name` is a file made in the workspace or taken from
/// tests/fixtures/formats.
fn argument(w: &Work, arg: &str) -> String {
    let Some(name) = arg.strip_prefix('@') else {
        return arg.to_string();
    };
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats")
        .join(name);
    if fixture.exists() {
        return fixture.display().to_string();
    }
    let made = w.path(name);
    fs::write(&made, "# 筆記\n\n不是報告。\n").unwrap();
    made.display().to_string()
}

#[test]
fn every_message_staff_meet_is_chinese_first_with_the_next_step() {
    for &(setup, args, expected, fragment) in MESSAGES {
        let w = match setup {
            Setup::Sample | Setup::NoPrograms => Work::with_sample(),
            Setup::EmptyCorpus => Work::new(),
            Setup::Nothing => {
                let w = Work::new();
                fs::remove_dir(w.corpus()).unwrap();
                w
            }
        };
        let args: Vec<String> = args.iter().map(|a| argument(&w, a)).collect();
        let mut command = w.cmd();
        if let Setup::NoPrograms = setup {
            let empty = w.path("bin");
            fs::create_dir(&empty).unwrap();
            command.env("PATH", &empty);
        }
        let (code, _, stderr) = output(command.args(&args));
        let what = format!("{args:?}");
        assert_eq!(code, expected, "{what}: {stderr}");
        assert!(
            stderr.contains(fragment),
            "{what}: no {fragment:?} in {stderr}"
        );
        for line in stderr.lines() {
            assert!(chinese_first(line), "{what}: English first: {line}");
        }
    }
}

#[test]
fn serve_says_where_and_how_to_stop_in_chinese_first() {
    let w = Work::with_sample();
    let server = w.serve(&[]);
    let started = server.started.clone();
    let log = std::sync::Arc::clone(&server.log);
    assert_eq!(server.stop(), 0);
    let said = format!("{started}{}", log.lock().unwrap());
    assert!(
        said.contains("搜尋頁已開啟 serving http://127.0.0.1:"),
        "{said}"
    );
    assert!(said.contains("按 Ctrl-C 停止"), "{said}");
    assert!(said.contains("已停止 stopped"), "{said}");
    for line in said.lines() {
        assert!(chinese_first(line), "English first: {line}");
    }
}
