//! Staff workflow (issue 15): ROC dates, repeatable filters, date ranges, citations with
//! pages, whole reports, agency synonyms, help with Chinese examples, completions and man
//! page, `index --json`. Each test runs the built binary on a temporary corpus.

mod util;

use std::fs;

use util::{SAMPLE_NAME, Work};

const SAMPLE_ID: &str = "taipei-shanghai-city-exchange-2017";
const GAZETTE: &str = "tests/fixtures/gazette-08_82980-utf8.txt";

/// The sample report (2017, 臺北市政府) and a gazette report (2016, 經濟部).
fn two_reports() -> Work {
    let w = Work::with_sample();
    fs::copy(GAZETTE, w.corpus().join("hushan-2016.txt")).unwrap();
    w
}

fn json_lines(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn texts(stdout: &str) -> Vec<String> {
    json_lines(stdout)
        .iter()
        .filter_map(|v| v["text"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn roc_and_gregorian_year_words_meet_typed_form_first() {
    let w = Work::with_sample();
    let (code, out, _) = w.run(&["search", "--json", "--limit", "50", "106年"]);
    assert_eq!(code, 0);
    let found = texts(&out);
    // The sample writes its years the Gregorian way: 106年 finds 2017年.
    assert!(
        found
            .iter()
            .any(|t| t.contains("2017年") || t.contains("2017 年")),
        "{found:?}"
    );
    let (code, out, _) = w.run(&["search", "--json", "--limit", "50", "民國106年"]);
    assert_eq!(code, 0);
    let roc = texts(&out);
    assert!(
        roc.iter()
            .any(|t| t.contains("2017 年") || t.contains("2017年"))
    );
    // The first hits highlight the form they hold.
    for hit in json_lines(&out).iter().take(3) {
        assert!(
            hit["snippet"]
                .as_str()
                .unwrap()
                .contains("<mark>2017 年</mark>"),
            "{hit}"
        );
    }
    // Typed form first: a passage holding 2017年 itself ranks above those holding 106年.
    let (_, out, _) = w.run(&["search", "--json", "--limit", "3", "2017年"]);
    let first = &texts(&out)[0];
    assert!(
        first.contains("2017年") || first.contains("2017 年"),
        "{first}"
    );
}

#[test]
fn plain_output_shows_the_roc_year_beside_the_date() {
    let w = Work::with_sample();
    let (code, out, _) = w.run(&["search", "--limit", "1", "雙城論壇"]);
    assert_eq!(code, 0);
    assert!(out.contains("2017-12-25（民國106年）"), "{out}");
}

#[test]
fn filters_repeat_or_within_and_across() {
    let w = two_reports();
    let ids = |args: &[&str]| -> Vec<(String, String)> {
        let mut all = vec!["search", "--json", "--limit", "200"];
        all.extend_from_slice(args);
        let (code, out, err) = w.run(&all);
        assert!(code == 0 || code == 1, "{err}");
        json_lines(&out)
            .iter()
            .map(|v| {
                (
                    v["report"].as_str().unwrap().to_string(),
                    v["kind"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let both = ids(&[
        "--report",
        SAMPLE_ID,
        "--report",
        "hushan-2016",
        "水庫",
        "交流",
    ]);
    assert!(both.iter().any(|(r, _)| r == SAMPLE_ID));
    assert!(both.iter().any(|(r, _)| r == "hushan-2016"));
    let kinds = ids(&["--kind", "table_row", "--kind", "caption", "交流"]);
    assert!(!kinds.is_empty());
    assert!(
        kinds
            .iter()
            .all(|(_, k)| k == "table_row" || k == "caption")
    );
    assert!(kinds.iter().any(|(_, k)| k == "caption"));
    assert!(kinds.iter().any(|(_, k)| k == "table_row"));
    // AND across filters: table rows of the sample only.
    let rows = ids(&["--kind", "table_row", "--org", "臺北市政府", "水庫", "交流"]);
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|(r, k)| r == SAMPLE_ID && k == "table_row"));
    let org = ids(&["--org", "經濟部", "--org", "臺北市政府", "水庫", "交流"]);
    assert!(org.iter().any(|(r, _)| r == "hushan-2016") && org.iter().any(|(r, _)| r == SAMPLE_ID));
    // Organisations as staff type them (issue 23): 台/臺 and the agency table's short names
    // find the index's own; an unknown one is refused with the known ones listed.
    let taipei = ids(&["--org", "臺北市政府", "水庫", "交流"]);
    assert!(!taipei.is_empty());
    assert_eq!(ids(&["--org", "台北市政府", "水庫", "交流"]), taipei);
    assert_eq!(ids(&["--org", "北市府", "水庫", "交流"]), taipei);
    let (code, _, err) = w.run(&["search", "--org", "無此機關", "交流"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with("baogao: 機關 --org 無此機關: 索引裡沒有這個機關"),
        "{err}"
    );
    assert!(
        err.contains("經濟部") && err.contains("臺北市政府"),
        "{err}"
    );
    // Kinds by the page's Chinese names; `table`, which no passage is, is refused.
    let chinese = ids(&["--kind", "表格列", "--kind", "表題", "交流"]);
    assert_eq!(chinese, kinds);
    let (code, _, err) = w.run(&["search", "--kind", "table", "交流"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("表格列 table_row"), "{err}");
}

#[test]
fn date_ranges_take_either_calendar() {
    let w = two_reports();
    let reports = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["search", "--json", "--limit", "100"];
        all.extend_from_slice(args);
        let (_, out, _) = w.run(&all);
        let mut r: Vec<String> = json_lines(&out)
            .iter()
            .map(|v| v["report"].as_str().unwrap().to_string())
            .collect();
        r.sort();
        r.dedup();
        r
    };
    let query = ["水庫", "交流"];
    let mut args = vec!["--from", "民國106年"];
    args.extend(query);
    assert_eq!(reports(&args), [SAMPLE_ID]);
    let mut args = vec!["--to", "2016-12-31"];
    args.extend(query);
    assert_eq!(reports(&args), ["hushan-2016"]);
    let mut args = vec!["--from", "105/4/1", "--to", "2016-04-01"];
    args.extend(query);
    assert_eq!(reports(&args), ["hushan-2016"]);
    let mut args = vec!["--from", "2016-04-02", "--to", "106/12/24"];
    args.extend(query);
    assert!(reports(&args).is_empty());
    let mut args = vec!["--year", "民國105年"];
    args.extend(query);
    assert_eq!(reports(&args), ["hushan-2016"]);
    for bad in [["--from", "2017-13"], ["--to", "昨天"]] {
        let (code, out, err) = w.run(&["search", bad[0], bad[1], "交流"]);
        assert_eq!(code, 2);
        assert!(out.is_empty());
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(bad[0]) && err.contains("not a date"), "{err}");
    }
    let (code, _, err) = w.run(&["search", "--from", "2018", "--to", "2017", "交流"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("晚於迄日 2017-12-31 is after the end date"),
        "{err}"
    );
}

#[test]
fn hits_and_passages_carry_their_file() {
    let w = Work::with_sample();
    let (_, out, _) = w.run(&["search", "--json", "--limit", "1", "雙城論壇"]);
    assert_eq!(json_lines(&out)[0]["file"], SAMPLE_NAME);
}

#[test]
fn get_cite_prints_one_citation_line() {
    let w = Work::with_sample();
    let id = format!("{SAMPLE_ID}#rb98636");
    let (code, out, _) = w.run(&["get", "--cite", &id]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "「美洲　美國　波士頓市　Boston　1996.09.03」（臺北市政府，《兩岸城市交流之機遇與風險評估》，2017-12-25）\n"
    );
    let (_, out, _) = w.run(&["get", "--cite", "--json", &id]);
    let v = &json_lines(&out)[0];
    assert_eq!(v["id"], id.as_str());
    assert!(v["citation"].as_str().unwrap().starts_with("「美洲"));
}

#[test]
fn get_report_id_prints_the_whole_report_in_order() {
    let w = Work::with_sample();
    let (code, out, _) = w.run(&["get", "--json", SAMPLE_ID]);
    assert_eq!(code, 0);
    let lines = json_lines(&out);
    let (_, reports, _) = w.run(&["reports", "--json"]);
    let info = &json_lines(&reports)[0];
    assert_eq!(lines.len() as u64, info["passages"].as_u64().unwrap());
    let seqs: Vec<u64> = lines.iter().map(|v| v["seq"].as_u64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]));
    let (_, plain, _) = w.run(&["get", SAMPLE_ID]);
    let first = plain.lines().next().unwrap();
    assert!(
        first.contains("《兩岸城市交流之機遇與風險評估》") && first.contains("民國106年"),
        "{first}"
    );
    let (code, _, err) = w.run(&["get", "no-such-report"]);
    assert_eq!(code, 1);
    assert!(err.contains("no such report"), "{err}");
}

#[test]
fn pdf_passages_carry_their_page() {
    if std::process::Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_err()
    {
        panic!("pdftotext is required: apt-get install -y poppler-utils poppler-data");
    }
    let w = Work::new();
    let (code, _, err) = w.run(&[
        "add",
        "tests/fixtures/formats/report-2pages.pdf",
        "--id",
        "r",
    ]);
    assert_eq!(code, 0, "{err}");
    let (_, out, _) = w.run(&["get", "--json", "r"]);
    let lines = json_lines(&out);
    let page_of = |start: &str| {
        lines
            .iter()
            .find(|v| v["text"].as_str().unwrap().starts_with(start))
            .map(|v| v["page"].as_u64())
            .unwrap_or_else(|| panic!("no passage starting with {start}: {out}"))
    };
    assert_eq!(page_of("壹、研究背景"), Some(1));
    assert_eq!(page_of("表一"), Some(2));
    let (_, plain, _) = w.run(&["search", "--limit", "1", "交流現況"]);
    assert!(plain.contains("頁 2"), "{plain}");
    let id = lines
        .iter()
        .find(|v| v["text"].as_str().unwrap().starts_with("表一"))
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, cite, _) = w.run(&["get", "--cite", &id]);
    assert!(cite.trim_end().ends_with("頁 2）"), "{cite}");
}

#[test]
fn agency_short_forms_find_full_names_and_back() {
    let w = Work::with_sample();
    // The sample says 臺北市政府, never 北市府.
    let (code, out, _) = w.run(&["search", "--json", "--limit", "5", "北市府"]);
    assert_eq!(code, 0);
    let hits = json_lines(&out);
    assert_eq!(hits[0]["match"], "all");
    assert!(hits[0]["text"].as_str().unwrap().contains("臺北市政府"));
    assert!(
        hits[0]["snippet"]
            .as_str()
            .unwrap()
            .contains("<mark>臺北市政府</mark>")
    );
    let (_, out, _) = w.run(&["analyze", "北市府", "民國106年"]);
    assert!(out.contains("also: 北市府 → 臺北市政府"), "{out}");
    assert!(out.contains("also: 民國106年 → 2017年 106年"), "{out}");
}

#[test]
fn the_corpus_synonyms_file_is_read_at_query_time_and_is_no_report() {
    let w = Work::with_sample();
    let (code, _, _) = w.run(&["search", "--json", "維城會"]);
    assert_eq!(code, 1);
    fs::write(w.corpus().join("synonyms.txt"), "# 自訂\n維城會 維爾紐斯\n").unwrap();
    let (code, out, _) = w.run(&["search", "--json", "維城會"]);
    assert_eq!(code, 0);
    assert!(texts(&out).iter().any(|t| t.contains("維爾紐斯")));
    let (_, reports, _) = w.run(&["reports", "--json"]);
    assert_eq!(
        json_lines(&reports).len(),
        1,
        "synonyms.txt is not a report"
    );
    // A bad file is said (one line, naming it) and searched without.
    fs::write(w.corpus().join("synonyms.txt"), "維城會\n").unwrap();
    let (code, _, err) = w.run(&["search", "--json", "維爾紐斯"]);
    assert_eq!(code, 0);
    let said: Vec<&str> = err.lines().filter(|l| l.contains("synonyms.txt")).collect();
    assert_eq!(said.len(), 1, "{err}");
    assert!(said[0].contains("synonyms.txt: line 1"), "{err}");
}

#[test]
fn help_has_chinese_examples_and_every_option_a_description() {
    let w = Work::new();
    for (command, example) in [
        ("search", "baogao search 雙城論壇 交流 --year 2017"),
        ("add", "baogao add 報告.pdf"),
        ("get", "baogao get --cite"),
        ("index", "baogao index --json"),
        ("parse", "baogao parse 報告.pdf"),
        ("locate", "baogao locate"),
        ("reports", "baogao reports"),
        ("remove", "baogao remove"),
        ("analyze", "baogao analyze"),
    ] {
        let (code, out, _) = w.run(&[command, "--help"]);
        assert_eq!(code, 0);
        assert!(out.contains("範例"), "{command}: {out}");
        assert!(out.contains(example), "{command}: {out}");
        // Every option line has a description after its name.
        for line in out.lines().filter(|l| l.trim_start().starts_with("--")) {
            let described = line.trim().split("  ").filter(|s| !s.is_empty()).count() > 1;
            assert!(described, "{command}: option without description: {line}");
        }
    }
    let (_, out, _) = w.run(&["search", "--help"]);
    assert!(out.contains("\"交流合作備忘錄\"") && out.contains("-上海") && out.contains("partial"));
}

#[test]
fn completions_and_man_page_are_generated() {
    let w = Work::new();
    for (kind, marker) in [
        ("complete-bash", "_baogao()"),
        ("complete-zsh", "#compdef baogao"),
        ("complete-fish", "complete -c baogao"),
        ("complete-powershell", "Register-ArgumentCompleter"),
        ("man", ".TH baogao"),
    ] {
        let (code, out, err) = w.run(&["--generate", kind]);
        assert_eq!(code, 0, "{kind}: {err}");
        assert!(out.contains(marker), "{kind}");
        if kind != "man" {
            assert!(out.contains("search") && out.contains("--from"), "{kind}");
        }
    }
    let (code, _, err) = w.run(&["--generate", "complete-tcsh"]);
    assert_eq!(code, 2);
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn index_json_prints_one_summary_object() {
    let w = Work::with_sample();
    fs::write(w.corpus().join("broken.txt"), b"\x00\x01\x02\x00binary\x00").unwrap();
    let (code, out, err) = w.run(&["index", "--json"]);
    assert_eq!(code, 2);
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1);
    let s = &lines[0];
    assert_eq!(s["added"], 1);
    assert_eq!(s["passages"], 363);
    assert!(s["seconds"].as_f64().unwrap() >= 0.0);
    assert!(
        s["failed"][0]["file"]
            .as_str()
            .unwrap()
            .ends_with("broken.txt")
    );
    assert!(!s["failed"][0]["error"].as_str().unwrap().is_empty());
    assert!(err.contains("broken.txt"), "{err}");
    let (_, out, _) = w.run(&["index", "--json"]);
    assert_eq!(json_lines(&out)[0]["unchanged"], 1);
}
