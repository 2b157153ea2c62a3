//! Integration tests: the built `baogao` binary against temporary corpus and index folders.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;

mod util;
use util::{SAMPLE, Work};

/// A search hit as scripts read it; unknown fields fail the test, so the schema is tested.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Hit {
    id: String,
    report: String,
    title: String,
    date: Option<String>,
    kind: String,
    section: Vec<String>,
    text: String,
    #[serde(default)]
    table: Option<String>,
    #[serde(default)]
    headers: Vec<String>,
    #[serde(default)]
    cells: Vec<String>,
    #[serde(default)]
    table_note: Option<String>,
    seq: u64,
    /// The report's file in the corpus.
    file: String,
    /// First page, for PDF reports.
    #[serde(default)]
    page: Option<u32>,
    snippet: String,
    score: f32,
    highlights: Vec<[usize; 2]>,
    /// "all" | "some" | "partial"
    #[serde(rename = "match")]
    level: String,
    #[serde(default)]
    also: Vec<String>,
    /// Query words a `some` or `partial` hit does not hold.
    #[serde(default)]
    missing: Vec<String>,
}

impl Work {
    fn search(&self, args: &[&str]) -> Vec<Hit> {
        self.search_hits(args)
    }

    /// Snapshot of the corpus folder: (name, bytes) sorted.
    fn corpus_snapshot(&self) -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(self.corpus())
            .unwrap()
            .flatten()
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        files.sort();
        files
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new("tests/fixtures").join(name)
}

/// The sample with the three characters Big5 cannot encode (内 ó á) replaced, so that every
/// encoding carries exactly the same text.
fn encodable_sample() -> String {
    fs::read_to_string(SAMPLE)
        .unwrap()
        .replace('内', "內")
        .replace('ó', "o")
        .replace('á', "a")
}

fn big5_sample(w: &Work) -> PathBuf {
    let text = encodable_sample();
    let (bytes, _, unmappable) = encoding_rs::BIG5.encode(&text);
    assert!(!unmappable);
    let path = w.path("sample-big5.txt");
    fs::write(&path, &bytes).unwrap();
    path
}

#[test]
fn search_builds_the_index_and_ranks_the_answer_first() {
    let w = Work::with_sample();
    let (code, stdout, stderr) = w.run(&["search", "雙城論壇", "交流成果"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("building the index"), "{stderr}");
    assert!(stdout.contains("【雙城論壇】"), "{stdout}");
    let hits = w.search(&["雙城論壇", "交流成果"]);
    assert!(
        hits[0]
            .text
            .contains("交流的具體成果展現在雙方所簽定的「交流合作備忘錄」"),
        "{:?}",
        hits[0].text
    );
    assert!(hits[0].snippet.contains("<mark>"));
}

#[test]
fn simplified_variant_and_case_queries_find_traditional_text() {
    let w = Work::with_sample();
    let hits = w.search(&["双城论坛", "健康城市"]);
    assert!(!hits.is_empty());
    assert!(hits[0].text.contains("雙城論壇"));
    let hits = w.search(&["台北", "首善之都"]);
    assert!(hits[0].text.contains("首善之都"));
    let hits = w.search(&["ecfa"]);
    assert!(hits[0].text.contains("ECFA"));
    let hits = w.search(&["23.1%"]);
    assert!(hits[0].text.contains("23.1%"));
}

#[test]
fn table_rows_are_found_with_caption_and_filled_cells() {
    let w = Work::with_sample();
    let hits = w.search(&["美國", "姊妹市", "波士頓"]);
    let row = &hits[0];
    assert_eq!(row.kind, "table_row");
    assert_eq!(
        row.cells,
        vec!["美洲", "美國", "波士頓市", "Boston", "1996.09.03"]
    );
    assert_eq!(row.table.as_deref(), Some("表四 臺北市級姊妹市列表"));
    assert_eq!(row.headers[0], "洲別");
    let hits = w.search(&["姐妹市", "列表"]);
    assert!(
        hits.iter()
            .take(3)
            .any(|h| h.text.contains("表四 臺北市級姊妹市列表"))
    );
}

#[test]
fn no_hits_exits_1_and_errors_exit_2() {
    let w = Work::with_sample();
    let (code, stdout, _) = w.run(&["search", "--json", "zzqxvkj"]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    let (code, _, stderr) = w.run(&["search", "--kind", "nonsense", "x"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("baogao: ") && stderr.lines().count() == 1,
        "{stderr}"
    );
}

#[test]
fn facets_and_filters() {
    let w = Work::with_sample();
    fs::copy(
        fixture("gazette-08_82980-utf8.txt"),
        w.corpus().join("hushan.txt"),
    )
    .unwrap();
    let (code, stdout, stderr) = w.run(&["search", "--json", "--facets", "--limit", "3", "水庫"]);
    assert_eq!(code, 0, "{stderr}");
    let facets: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    let total = facets["total"].as_u64().unwrap();
    let kinds: u64 = facets["facets"]["kind"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(
        kinds, total,
        "facet counts cover the matches total counts, not just the page"
    );
    assert!(total > 3);
    assert_eq!(facets["facets"]["year"]["2016"].as_u64(), Some(total));

    let all = w.search(&["--limit", "100", "交流"]);
    let years: Vec<&str> = all.iter().filter_map(|h| h.date.as_deref()).collect();
    assert!(years.iter().any(|d| d.starts_with("2017")));
    for hit in w.search(&["--year", "2016", "--limit", "50", "交流"]) {
        assert_eq!(hit.report, "hushan");
    }
    for hit in w.search(&["--report", "hushan", "--limit", "50", "計畫"]) {
        assert_eq!(hit.report, "hushan");
    }
    let rows = w.search(&["--kind", "table_row", "--limit", "50", "臺北"]);
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|h| h.kind == "table_row"));
    let in_section = w.search(&["--section", "研究背景", "--limit", "50", "臺北"]);
    assert!(!in_section.is_empty());
    assert!(
        in_section
            .iter()
            .all(|h| h.section.iter().any(|s| s.contains("研究背景")))
    );
}

#[test]
fn parse_outputs_structure_and_encodings_agree() {
    let w = Work::new();
    let (code, stdout, _) = w.run(&["parse", "--json", SAMPLE]);
    assert_eq!(code, 0);
    let utf8: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(utf8["title"], "兩岸城市交流之機遇與風險評估");
    assert_eq!(utf8["date"], "2017-12-25");
    let plain = w.path("sample-utf8.txt");
    fs::write(&plain, encodable_sample()).unwrap();
    let (_, stdout, _) = w.run(&["parse", "--json", plain.to_str().unwrap()]);
    let reference: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(
        encodable_sample()
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes()),
    );
    let text = encodable_sample();
    let (gb, _, _) = encoding_rs::GB18030.encode(&text);
    let variants = [
        ("big5", fs::read(big5_sample(&w)).unwrap()),
        ("gb18030", gb.into_owned()),
        ("utf-16le", utf16),
    ];
    for (name, bytes) in variants {
        let path = w.path(&format!("sample-{name}.txt"));
        fs::write(&path, bytes).unwrap();
        let (code, stdout, stderr) = w.run(&["parse", "--json", path.to_str().unwrap()]);
        assert_eq!(code, 0, "{stderr}");
        let decoded: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        // GB18030 text that only uses the GBK range is reported as gbk.
        let encoding = decoded["encoding"].as_str().unwrap();
        assert!(
            encoding == name || name == "gb18030" && encoding == "gbk",
            "{name}: {encoding}"
        );
        assert_eq!(decoded["title"], reference["title"]);
        assert!(
            decoded["blocks"] == reference["blocks"],
            "{name}: blocks differ"
        );
    }

    let (code, stdout, _) = w.run(&[
        "parse",
        "--json",
        fixture("gazette-12_81788-gb18030.txt").to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    let gb: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(gb["title"], "行政院第3483次會議院長提示暨院會決定決議事項");
    assert_eq!(gb["date"], "2016-01-14");
    assert_eq!(gb["meta"]["agency"], "行政院");
}

#[test]
fn sample_outline_matches_the_golden_file() {
    let w = Work::new();
    let (code, stdout, _) = w.run(&["parse", SAMPLE]);
    assert_eq!(code, 0);
    let golden = fs::read_to_string(fixture("sample-outline.txt")).unwrap();
    assert!(
        stdout == golden,
        "outline differs from tests/fixtures/sample-outline.txt"
    );
}

#[test]
fn bad_inputs_are_refused_with_one_line_and_nothing_changes() {
    let w = Work::with_sample();
    assert_eq!(w.run(&["index"]).0, 0);
    let before = w.corpus_snapshot();
    let png = w.path("image.png");
    fs::write(&png, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01").unwrap();
    let empty = w.path("empty.txt");
    fs::write(&empty, "  \n\n ").unwrap();
    let folder = w.path("folder");
    fs::create_dir(&folder).unwrap();
    for (args, needle) in [
        (vec!["parse", png.to_str().unwrap()], "image.png"),
        (vec!["add", png.to_str().unwrap()], "image.png"),
        (vec!["add", empty.to_str().unwrap()], "empty.txt"),
        (vec!["add", folder.to_str().unwrap()], "folder"),
        (vec!["add", "/no/such/file.txt"], "/no/such/file.txt"),
        (vec!["add", "--id", "../x", SAMPLE], "../x"),
        (vec!["add", "--encoding", "klingon", SAMPLE], "klingon"),
    ] {
        let (code, _, stderr) = w.run(&args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
    assert_eq!(w.corpus_snapshot(), before);
    let (code, stdout, _) = w.run(&["reports", "--json"]);
    assert_eq!(code, 0);
    assert_eq!(stdout.lines().count(), 1);
}

#[test]
fn add_get_remove_and_stable_ids() {
    let w = Work::with_sample();
    let big5 = big5_sample(&w);
    let (code, _, stderr) = w.run(&["add", "--id", "city-big5", big5.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    // The corpus keeps the original bytes.
    assert_eq!(
        fs::read(w.corpus().join("city-big5.txt")).unwrap(),
        fs::read(&big5).unwrap()
    );

    let hits = w.search(&["--report", "city-big5", "維爾紐斯"]);
    let hit = &hits[0];
    assert!(hit.id.starts_with("city-big5#"));
    let (code, stdout, _) = w.run(&["get", "--json", &hit.id]);
    assert_eq!(code, 0);
    let got: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(got["text"], hit.text.as_str());

    let (code, stdout, _) = w.run(&["get", "--json", "--context", "2", &hit.id]);
    assert_eq!(code, 0);
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[2]["id"], hit.id.as_str());
    assert_eq!(lines[0]["context_of"], hit.id.as_str());

    // More reports in other encodings leave the first report's ids and texts alone.
    let ids = |w: &Work| -> Vec<String> {
        let mut ids: Vec<String> = w
            .search(&["--report", "city-big5", "--limit", "500", "臺北"])
            .into_iter()
            .map(|h| h.id)
            .collect();
        ids.sort();
        ids
    };
    let ids_before = ids(&w);
    let (code, _, stderr) = w.run(&[
        "add",
        fixture("gazette-08_82980-big5.txt").to_str().unwrap(),
        fixture("gazette-12_81788-gb18030.txt").to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let (_, stdout, _) = w.run(&["reports", "--json"]);
    assert_eq!(stdout.lines().count(), 4);
    let (_, reports_before, _) = w.run(&["reports", "--json"]);
    // Many passages score alike here (table rows, repeated headings): their order must not
    // depend on how indexing threads split the documents.
    let page = ["search", "--json", "--limit", "60", "臺北", "市"];
    let (_, hits_before, _) = w.run(&page);
    let (code, _, _) = w.run(&["index", "--rebuild"]);
    assert_eq!(code, 0);
    let (_, reports_after, _) = w.run(&["reports", "--json"]);
    assert_eq!(
        reports_before, reports_after,
        "a rebuild changes nothing a script can see"
    );
    assert_eq!(w.run(&page).1, hits_before);
    let (code, stdout, _) = w.run(&["add", "--id", "city-big5", big5.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(stdout.contains("1 unchanged"), "{stdout}");
    let ids_after = ids(&w);
    assert_eq!(ids_before, ids_after);

    let (code, _, _) = w.run(&["remove", "city-big5"]);
    assert_eq!(code, 0);
    assert!(!w.corpus().join("city-big5.txt").exists());
    assert!(w.search(&["--report", "city-big5", "維爾紐斯"]).is_empty());
    let (code, _, stderr) = w.run(&["get", &hit.id]);
    assert_eq!(code, 1, "{stderr}");
    let (code, _, _) = w.run(&["remove", "city-big5"]);
    assert_eq!(code, 1);
}

#[test]
fn touching_a_report_changes_nothing_a_search_shows() {
    let w = Work::with_sample();
    let (code, _, stderr) = w.run(&["index"]);
    assert_eq!(code, 0, "{stderr}");
    let before = w.search(&["--limit", "50", "臺北"]);
    assert!(before.iter().any(|h| h.section.len() > 1));
    // Same bytes, new mtime: only the report document is written again.
    let file = fs::File::options()
        .write(true)
        .open(w.corpus().join(util::SAMPLE_NAME))
        .unwrap();
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(60);
    file.set_modified(later).unwrap();
    drop(file);
    let (code, _, stderr) = w.run(&["index"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("1 unchanged"), "{stderr}");
    let after = w.search(&["--limit", "50", "臺北"]);
    let view = |hits: &[Hit]| -> Vec<(String, String, Vec<String>, Option<String>)> {
        let mut v: Vec<_> = hits
            .iter()
            .map(|h| {
                (
                    h.id.clone(),
                    h.title.clone(),
                    h.section.clone(),
                    h.date.clone(),
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(view(&before), view(&after));
}

#[test]
fn locate_finds_edited_quotations_and_refuses_strangers() {
    let w = Work::with_sample();
    let locate = |quote: &str| -> (i32, Vec<serde_json::Value>) {
        let (code, stdout, _) = w.run(&["locate", "--json", quote]);
        (
            code,
            stdout
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect(),
        )
    };
    let (code, found) =
        locate("兩岸貿易總額為 1,178.9 億美元，占臺灣整體對外貿易總額之比重達 23.1%");
    assert_eq!(code, 0);
    assert_eq!(found[0]["match"], "exact");
    let text = found[0]["text"].as_str().unwrap();
    let range = found[0]["range"].as_array().unwrap();
    let (s, e) = (
        range[0].as_u64().unwrap() as usize,
        range[1].as_u64().unwrap() as usize,
    );
    let quoted: String = text.chars().skip(s).take(e - s).collect();
    assert!(quoted.starts_with("兩岸貿易總額為"), "{quoted}");

    // Simplified, re-punctuated.
    let (code, found) = locate("两岸贸易总额为1178.9亿美元 占台湾整体对外贸易总额之比重达23.1%");
    assert_eq!(code, 0);
    assert!(
        found[0]["text"]
            .as_str()
            .unwrap()
            .contains("1,178.9 億美元")
    );
    // Across a repaired page break.
    let (code, found) = locate("則在於建設兩岸產業合作區，開放臺資企業的內銷市場");
    assert_eq!(code, 0);
    assert_eq!(found[0]["kind"], "paragraph");
    // A table row quoted as its cells.
    let (code, found) = locate("歐洲 立陶宛 維爾紐斯市 Vilnius 1998.05.28");
    assert_eq!(code, 0);
    assert_eq!(found[0]["kind"], "table_row");
    // A word changed.
    let (code, found) = locate("臺北與上海已簽署三十項「交流合作備忘錄」");
    assert_eq!(code, 0);
    assert_eq!(found[0]["match"], "near");
    // In no report.
    let (code, found) = locate("今天天氣晴朗，我們一起去動物園看熊貓吃竹子。");
    assert_eq!(code, 1);
    assert!(found.is_empty());
}

#[test]
fn hostile_queries_never_panic() {
    let w = Work::with_sample();
    let long = "臺".repeat(20_000);
    for q in [
        "\"",
        "-",
        "\"unbalanced",
        "title:x",
        "AND OR NOT",
        "((",
        "😀",
        "\u{200b}",
        "\u{1}\u{7}",
        "１２３",
        "-雙城論壇",
        long.as_str(),
    ] {
        let (code, _, stderr) = w.run(&["search", "--json", q]);
        assert!(code == 0 || code == 1, "{q:?}: {code} {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn analyze_shows_folding_and_terms() {
    let w = Work::new();
    let (code, stdout, _) = w.run(&["analyze", "--json", "臺北市 ＥＣＦＡ 3,500"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["normalized"], "台北市 ecfa 3,500");
    let terms: Vec<&str> = v["words"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["term"].as_str().unwrap())
        .collect();
    assert!(
        terms.contains(&"台北市") && terms.contains(&"ecfa") && terms.contains(&"3500"),
        "{terms:?}"
    );
}

/// Runs `search ARGS` on an indexed sample: (exit code, stdout, the one stderr line).
fn refused(w: &Work, args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["search"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = w.run(&all);
    assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
    assert!(stderr.starts_with("baogao: "), "{args:?}: {stderr}");
    (code, stdout, stderr)
}

fn indexed_sample() -> Work {
    let w = Work::with_sample();
    let (code, _, stderr) = w.run(&["index"]);
    assert_eq!(code, 0, "{stderr}");
    w
}

#[test]
fn mistyped_options_are_refused_not_searched() {
    let w = indexed_sample();
    for (args, named, suggested) in [
        (&["交流", "--lim", "1"][..], "'--lim'", Some("'--limit'")),
        (&["交流", "-n", "2"], "'-n'", None),
        (&["交流", "--jsno"], "'--jsno'", Some("'--json'")),
        (&["-json", "交流"], "'-json'", Some("'--json'")),
        (&["交流", "--lim=1"], "'--lim=1'", Some("'--limit'")),
    ] {
        let (code, stdout, stderr) = refused(&w, args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
        assert!(stderr.contains(named), "{args:?}: {stderr}");
        if let Some(s) = suggested {
            assert!(stderr.contains(s), "{args:?}: {stderr}");
        }
    }
    // Values clap refuses are one line too.
    for args in [&["交流", "--limit", "abc"][..], &["交流", "--year"]] {
        let (code, _, stderr) = refused(&w, args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
    }
}

#[test]
fn words_starting_with_a_hyphen_are_still_excluded() {
    let w = indexed_sample();
    let all = w.search(&["--limit", "100", "交流"]);
    assert!(all.iter().any(|h| h.text.contains("上海")));
    for args in [
        &["--limit", "100", "交流", "-上海"][..],
        &["--limit", "100", "交流", "－上海"],
        &["--limit", "100", "-上海", "交流"],
        &["--limit", "100", "交流", "--", "-上海"],
    ] {
        let hits = w.search(args);
        assert!(!hits.is_empty(), "{args:?}");
        assert!(hits.iter().all(|h| !h.text.contains("上海")), "{args:?}");
    }
    // Not close to any option: a word (`-ECFA`, `-2016`); close to one: searchable after `--`.
    for args in [
        &["交流", "-ECFA"][..],
        &["交流", "-2016"],
        &["交流", "--", "-json"],
    ] {
        assert!(!w.search(args).is_empty(), "{args:?}");
    }
}

#[test]
fn invalid_values_fail_loudly() {
    let w = indexed_sample();
    for (args, says) in [
        (&[""][..], "empty query"),
        (&["  "], "empty query"),
        (&["--year", "abc", "交流"], "--year abc"),
        (&["--year", "20170", "交流"], "--year 20170"),
        (&["--limit", "0", "交流"], "--limit 0"),
        (&["--kind", "tabel", "交流"], "tabel"),
    ] {
        let (code, stdout, stderr) = refused(&w, args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stdout.is_empty());
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    // An unknown report is an unknown id: exit 1, said on stderr.
    let (code, stdout, stderr) = refused(&w, &["--report", "nosuch", "交流"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("nosuch") && stderr.contains("no such report"),
        "{stderr}"
    );
}

#[test]
fn roc_years_are_accepted() {
    let w = indexed_sample();
    let ids = |year: &str| -> Vec<String> {
        w.search(&["--year", year, "--limit", "5", "交流"])
            .into_iter()
            .map(|h| h.id)
            .collect()
    };
    let gregorian = ids("2017");
    assert_eq!(gregorian.len(), 5);
    for roc in ["106", "民國106", "民國106年"] {
        assert_eq!(ids(roc), gregorian, "{roc}");
    }
    assert!(ids("105").is_empty());
}

/// Queries of every kind: one word, several, a typo, a phrase, an exclusion, a question,
/// numbers, Simplified, a word found nowhere whole.
const ORDER_QUERIES: &[&str] = &[
    "交流",
    "雙城論壇 交流成果",
    "美國 姊妹市 波士頓",
    "雙成論壇",
    "\"雙城論壇\" 上海",
    "交流 -上海",
    "臺北市與上海市的雙城論壇是在哪一年開始舉辦的？",
    "2016 年 兩岸貿易",
    "两岸城市交流 风险",
    "城市 外交 網絡 合作 機制",
    "上海",
    "姊妹市",
];

fn ids_scores(hits: &[Hit]) -> Vec<(String, String)> {
    hits.iter()
        .map(|h| (h.id.clone(), format!("{:.4}", h.score)))
        .collect()
}

#[test]
fn the_order_depends_on_the_query_only() {
    let w = indexed_sample();
    for q in ORDER_QUERIES {
        let words: Vec<&str> = q.split(' ').collect();
        let with = |extra: &[&str]| {
            let mut args = words.clone();
            args.extend_from_slice(extra);
            w.search(&args)
        };
        let all = with(&["--limit", "70"]);
        assert!(!all.is_empty(), "{q}: no hits");
        // Pages concatenate to the one large page: every passage once, in the same order,
        // with the same score.
        let mut paged = Vec::new();
        for offset in (0..70).step_by(10) {
            paged.extend(with(&["--limit", "10", "--offset", &offset.to_string()]));
        }
        assert_eq!(ids_scores(&paged), ids_scores(&all), "{q}: pages");
        for limit in [1, 3, 7] {
            let page = with(&["--limit", &limit.to_string()]);
            let n = limit.min(all.len());
            assert_eq!(
                ids_scores(&page),
                ids_scores(&all[..n]),
                "{q}: --limit {limit}"
            );
        }
        // Counting facets does not reorder.
        assert_eq!(
            ids_scores(&with(&["--limit", "70", "--facets"])),
            ids_scores(&all),
            "{q}: --facets"
        );
        // Match levels come in order: all, some, partial.
        let rank = |h: &Hit| match h.level.as_str() {
            "all" => 0,
            "some" => 1,
            "partial" => 2,
            other => panic!("{q}: match {other}"),
        };
        assert!(
            all.windows(2).all(|p| rank(&p[0]) <= rank(&p[1])),
            "{q}: levels"
        );
    }
}

#[test]
fn one_shared_character_is_not_a_match() {
    let w = indexed_sample();
    // 雙成論壇 is a typo: no passage holds it; partial hits must share 論壇 (two chars),
    // never only 成.
    let hits = w.search(&["雙成論壇", "--limit", "50"]);
    assert!(!hits.is_empty());
    for h in &hits {
        assert_eq!(h.level, "partial", "{}", h.text);
        assert!(!h.highlights.is_empty(), "nothing marked in {}", h.text);
        assert!(
            h.text.contains("論壇") || h.text.contains("雙成"),
            "{}",
            h.text
        );
    }
    let (code, stdout, _) = w.run(&["search", "雙成論壇", "--limit", "2"]);
    assert_eq!(code, 0);
    assert!(
        stdout.starts_with("沒有完全符合的結果；以下為部分符合："),
        "{stdout}"
    );
    // A query whose words are found whole says nothing of the kind.
    let (_, stdout, _) = w.run(&["search", "雙城論壇", "--limit", "2"]);
    assert!(!stdout.contains("部分符合"), "{stdout}");
}

#[test]
fn partial_hits_name_the_words_they_miss() {
    let w = indexed_sample();
    // The order and levels are those of the search; only the missing words are added.
    let hits = w.search(&["雙城論壇", "姊妹市", "--limit", "100"]);
    assert!(hits.iter().any(|h| h.level == "all"));
    assert!(hits.iter().any(|h| h.level == "some"));
    for h in &hits {
        let expected: Vec<&str> = ["雙城論壇", "姊妹市"]
            .into_iter()
            .filter(|word| {
                // 姐 and 姊 are one character to search.
                let has = |s: &str| s.replace('姐', "姊").contains(word);
                let holds = has(&h.text)
                    || h.section.iter().any(|s| has(s))
                    || h.table.as_deref().is_some_and(has)
                    || h.headers.iter().any(|s| has(s))
                    || has(&h.title);
                !holds
            })
            .collect();
        match h.level.as_str() {
            "all" => assert!(h.missing.is_empty(), "{}", h.text),
            _ => assert_eq!(h.missing, expected, "{}", h.text),
        }
    }
    let typo = w.search(&["雙成論壇", "--limit", "5"]);
    assert!(typo.iter().all(|h| h.missing == ["雙成論壇"]));
    let (code, stdout, _) = w.run(&["search", "雙成論壇", "交流", "--limit", "3"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("   缺少：雙成論壇\n"), "{stdout}");
    let (_, raw, _) = w.run(&["search", "--json", "雙城論壇", "--limit", "3"]);
    assert!(!raw.contains("\"missing\""), "{raw}");
}

#[test]
fn a_typo_gets_a_suggestion_on_stderr_and_found_words_none() {
    let w = indexed_sample();
    let line = "baogao: 你是不是要找：雙城論壇 did you mean: 雙城論壇\n";
    let (code, stdout, stderr) = w.run(&["search", "雙成論壇", "--limit", "2"]);
    assert_eq!(code, 0);
    assert_eq!(stderr, line);
    assert!(!stdout.contains("你是不是要找"));
    // With --json, stdout stays results only.
    let (code, stdout, stderr) = w.run(&["search", "--json", "雙成論壇", "--limit", "2"]);
    assert_eq!(code, 0);
    assert_eq!(stderr, line);
    assert!(stdout.lines().all(|l| l.starts_with('{')), "{stdout}");
    // Words of the query kept as typed, the typo replaced.
    let (_, _, stderr) = w.run(&["search", "雙成論壇", "-上海", "--limit", "2"]);
    assert!(
        stderr.contains("你是不是要找：雙城論壇 -上海 did you mean"),
        "{stderr}"
    );
    for found in ["雙城論壇", "雙城論壇 交流", "姊妹市"] {
        let mut args = vec!["search", "--limit", "2"];
        args.extend(found.split(' '));
        let (code, _, stderr) = w.run(&args);
        assert_eq!(code, 0);
        assert!(!stderr.contains("did you mean"), "{found}: {stderr}");
    }
}

#[test]
fn quoted_phrases_are_held_by_the_passage_itself() {
    let w = indexed_sample();
    for quoted in ["\"雙城論壇\"", "「雙城論壇」", "『雙城論壇』", "“雙城論壇”"]
    {
        let hits = w.search(&[quoted, "--limit", "100"]);
        assert!(hits.len() > 5, "{quoted}");
        for h in &hits {
            // A table row's caption and headers give its cells their meaning; the heading
            // the table sits under does not quote anything (RANKING.md: quoted phrases).
            let own = h.text.contains("雙城論壇")
                || (h.kind == "table_row"
                    && (h.table.as_deref().is_some_and(|t| t.contains("雙城論壇"))
                        || h.headers.iter().any(|x| x.contains("雙城論壇"))));
            assert!(own, "{quoted}: {} ({})", h.text, h.kind);
        }
    }
}

#[test]
fn questions_find_their_answer() {
    let w = indexed_sample();
    // Typed as a sentence: question words and particles do not decide.
    let hits = w.search(&["臺北與上海已簽署多少項交流合作備忘錄？", "--limit", "3"]);
    assert!(
        hits.iter()
            .any(|h| h.text.contains("已簽署 30 項「交流合作備忘錄」")),
        "{:?}",
        hits.iter().map(|h| &h.text).collect::<Vec<_>>()
    );
}

/// Repeats of one text in a report (list markers and spaces aside) take one hit, which lists
/// the others; pages agree with one large page on it.
#[test]
fn repeated_passages_take_one_slot() {
    let w = Work::new();
    fs::write(
        w.corpus().join("repeats.txt"),
        "重複測試報告\n\n第一章 緣起\n\n一、本計畫經費由臺北市政府編列。\n\n二、其他說明事項另定之。\n\n\
         第二章 經費\n\n(1) 本計畫經費由臺北市政府編列。\n\n本計畫經費由中央政府編列。\n",
    )
    .unwrap();
    let hits = w.search(&["--limit", "20", "經費", "編列"]);
    let repeated: Vec<&Hit> = hits
        .iter()
        .filter(|h| h.text.contains("臺北市政府"))
        .collect();
    assert_eq!(repeated.len(), 1, "{hits:?}");
    assert_eq!(repeated[0].also.len(), 1);
    assert_ne!(repeated[0].also[0], repeated[0].id);
    assert!(hits.iter().all(|h| !repeated[0].also.contains(&h.id)));
    let one_page: Vec<String> = hits.iter().map(|h| h.id.clone()).collect();
    let mut paged = Vec::new();
    for offset in 0..one_page.len() + 1 {
        let offset = offset.to_string();
        let page = w.search(&["--limit", "1", "--offset", &offset, "經費", "編列"]);
        paged.extend(page.into_iter().map(|h| h.id));
    }
    assert_eq!(paged, one_page);
}

// ---------------------------------------------------------------------------------------
// Terminal safety and full output devices (issue 22).

/// Whether `s` holds a control character a terminal acts on (anything but tab and newline).
fn holds_controls(s: &str) -> bool {
    s.chars().any(|c| c.is_control() && c != '\t' && c != '\n')
}

#[test]
fn control_characters_from_reports_are_escaped() {
    let w = Work::new();
    let text = "標題：危險\x1b[31m報告\x1b]0;pwned\x07\n\n\
                雙城論壇的內文\x1b[31m紅色\x1b]0;pwned\x07文字。\n";
    let file = w.path("ctl.txt");
    fs::write(&file, text).unwrap();
    let (code, stdout, stderr) = w.run(&["add", &file.display().to_string()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        !holds_controls(&stdout) && !holds_controls(&stderr),
        "{stdout:?} {stderr:?}"
    );
    // The title was read with its control characters, and `add` shows it escaped.
    assert!(
        stderr.contains(r"危險\u{1b}[31m報告\u{1b}]0;pwned\u{7}"),
        "{stderr:?}"
    );
    for args in [
        vec!["index"],
        vec!["index", "--rebuild"],
        vec!["reports"],
        vec!["search", "雙城論壇"],
        vec!["get", "ctl"],
    ] {
        let (code, stdout, stderr) = w.run(&args);
        assert!(code == 0, "{args:?}: {stderr}");
        assert!(!holds_controls(&stdout), "{args:?}: {stdout:?}");
        assert!(!holds_controls(&stderr), "{args:?}: {stderr:?}");
        if args[0] != "index" {
            assert!(stdout.contains(r"\u{1b}[31m"), "{args:?}: {stdout:?}");
        }
    }
    // JSON is escaped by serde, and the text itself is kept as stored.
    let (code, stdout, _) = w.run(&["reports", "--json"]);
    assert_eq!(code, 0);
    assert!(!holds_controls(&stdout), "{stdout:?}");
    let report: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(report["title"], "危險\x1b[31m報告\x1b]0;pwned\x07");
    // A file name with an escape is shown escaped in an error.
    let bad = w.path("bad\x1b]0;pwned\x07.txt");
    fs::write(&bad, [0xff, 0xfe, 0x00]).unwrap();
    let (code, _, stderr) = w.run(&["add", &bad.display().to_string()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(!holds_controls(&stderr), "{stderr:?}");
}

/// Runs `cmd` with stdout and/or stderr on `/dev/full`: (exit code, stderr when not full).
fn run_on_full(cmd: &mut std::process::Command, stdout: bool, stderr: bool) -> (i32, String) {
    let full = || {
        fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    if stdout {
        cmd.stdout(full());
    }
    if stderr {
        cmd.stderr(full());
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_full_stderr_or_stdout_exits_2_without_a_panic() {
    let w = Work::with_sample();
    // A failing command whose error cannot be written: no index and no corpus.
    let empty = Work::new();
    fs::remove_dir(empty.corpus()).unwrap();
    let search = ["search", "雙城論壇"];
    assert_eq!(run_on_full(empty.cmd().args(search), false, true).0, 2);
    assert_eq!(
        run_on_full(w.cmd().arg("--no-such-option"), false, true).0,
        2
    );
    // Results that cannot be written: an error (exit 2), said on stderr, not a panic.
    let (code, stderr) = run_on_full(w.cmd().args(search), true, false);
    assert_eq!(code, 2, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains("stdout: no space left on device"),
        "{stderr}"
    );
    // Both full: still exit 2.
    assert_eq!(run_on_full(w.cmd().args(search), true, true).0, 2);
}
