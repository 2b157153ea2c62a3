//! `locate` on quotations as people write them, over the sample report: elisions, quotations
//! across two paragraphs, and how a miss is told.

use serde_json::Value;

mod util;
use util::Work;

/// The sources `locate --json` prints for `quote`, with the exit code and stderr.
fn locate(w: &Work, quote: &str) -> (i32, Vec<Value>, String) {
    let (code, stdout, stderr) = w.run(&["locate", "--json", quote]);
    let found = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (code, found, stderr)
}

/// The chars `[start, end)` of `text`.
fn slice(text: &Value, range: &Value) -> String {
    let (start, end) = (range[0].as_u64().unwrap(), range[1].as_u64().unwrap());
    text.as_str()
        .unwrap()
        .chars()
        .skip(start as usize)
        .take((end - start) as usize)
        .collect()
}

#[test]
fn an_elided_quotation_finds_its_passage_with_every_written_elision() {
    let w = Work::with_sample();
    // Two sentences about 300 characters apart in one paragraph, the second re-punctuated
    // with an ASCII comma.
    let first = "兩岸制度化聯繫及協商機制宣告中止";
    let second = "讓臺灣學子赴陸就學門檻降低,增設臺灣獎學金";
    let mut source = None;
    for gap in [
        "……",
        "…",
        "...",
        "⋯",
        "（略）",
        "（中略）",
        "(略)",
        "[...]",
        "[…]",
    ] {
        let (code, found, stderr) = locate(&w, &format!("{first}{gap}{second}"));
        assert_eq!(code, 0, "{gap}: {stderr}");
        let top = &found[0];
        assert_eq!(top["match"], "exact", "{gap}");
        assert!(top.get("last_id").is_none(), "{gap}: one passage");
        let quoted = slice(&top["text"], &top["range"]);
        assert!(quoted.starts_with(first), "{gap}: {quoted}");
        assert!(quoted.ends_with("增設臺灣獎學金"), "{gap}: {quoted}");
        // Both pieces marked, the text between them not.
        let snippet = top["snippet"].as_str().unwrap();
        assert_eq!(snippet.matches("<mark>").count(), 2, "{snippet}");
        let id = top["id"].as_str().unwrap().to_string();
        assert_eq!(source.get_or_insert(id.clone()), &id, "{gap}");
    }
    // The pieces must come in their order.
    let (code, found, _) = locate(&w, &format!("{second}……{first}"));
    assert!(code == 1 || found[0]["match"] == "near");
}

#[test]
fn a_quotation_across_two_paragraphs_returns_the_run() {
    let w = Work::with_sample();
    let end_of_one = "使得兩岸之間交流的廣度及程度更為擴大、加深。";
    let start_of_next = "然而，自 2016 年 5 月民進黨執政以來";
    let (code, found, stderr) = locate(&w, &format!("{end_of_one}{start_of_next}"));
    assert_eq!(code, 0, "{stderr}");
    let top = &found[0];
    assert_eq!(top["match"], "exact");
    assert_eq!(top["kind"], "paragraph");
    let (first, last) = (
        top["id"].as_str().unwrap(),
        top["last_id"].as_str().unwrap(),
    );
    assert_ne!(first, last);
    assert_eq!(top["run"], serde_json::json!([first, last]));
    assert_eq!(
        slice(&top["text"], &top["range"]),
        "使得兩岸之間交流的廣度及程度更為擴大、加深"
    );
    assert!(top["text"].as_str().unwrap().ends_with(end_of_one));
    assert_eq!(top["last_range"], serde_json::json!([0, 22]));

    // The two passages are consecutive in the report.
    let (_, stdout, _) = w.run(&["get", "--json", "--context", "1", first]);
    let around: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let at = around.iter().position(|p| p["id"] == first).unwrap();
    assert_eq!(around[at + 1]["id"], last);
    assert!(
        around[at + 1]["text"]
            .as_str()
            .unwrap()
            .starts_with(start_of_next)
    );

    // Plain output names the run as FIRST…LAST.
    let (code, stdout, _) = w.run(&["locate", &format!("{end_of_one}{start_of_next}")]);
    assert_eq!(code, 0);
    assert!(
        stdout
            .lines()
            .next()
            .unwrap()
            .starts_with(&format!("{first}…{last} · exact")),
        "{stdout}"
    );
}

#[test]
fn a_miss_says_in_chinese_first_how_close_the_best_candidate_came() {
    let w = Work::with_sample();
    assert_eq!(w.run(&["index"]).0, 0);
    // Half of it is in the report, half is not.
    let (code, found, stderr) = locate(&w, "兩岸制度化聯繫及協商機制動物園看熊貓今天天氣晴朗");
    assert_eq!(code, 1);
    assert!(found.is_empty());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let line = stderr.trim_end();
    assert!(
        line.starts_with("baogao: 找不到這段引文的出處 no passage matches"),
        "{line}"
    );
    let (_, after) = line.split_once("最接近的段落只符合 ").expect(line);
    let (percent, rest) = after.split_once("% closest passage matches ").expect(line);
    let percent: u32 = percent.parse().unwrap();
    assert!((30..70).contains(&percent), "{line}");
    assert!(rest.starts_with(&format!("{percent}%: taipei-shanghai-city-exchange-2017#p")));
    // The id named is a passage `get` knows.
    let id = rest.split([' ', ';']).nth(1).unwrap();
    assert_eq!(w.run(&["get", id]).0, 0, "{id}");
}
