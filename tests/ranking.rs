//! Ranking rules (docs/RANKING.md), each checked with the built binary on a temporary
//! corpus of real reports that are not the dev set's: what a rule promises about the order
//! of hits, not a score.

use serde::Deserialize;

mod util;
use util::Work;

#[derive(Debug, Deserialize)]
struct Hit {
    text: String,
    kind: String,
    #[serde(default)]
    table: Option<String>,
    #[serde(default)]
    headers: Vec<String>,
    #[serde(rename = "match")]
    level: String,
    seq: u64,
    report: String,
}

const GAZETTE: &str = "tests/fixtures/gazette-08_82980-utf8.txt";
const CABINET: &str = "tests/fixtures/gazette-12_81788-utf8.txt";

fn work(files: &[(&str, &str)]) -> Work {
    let w = Work::new();
    for (from, name) in files {
        std::fs::copy(from, w.corpus().join(name)).unwrap();
    }
    let (code, _, stderr) = w.run(&["index"]);
    assert_eq!(code, 0, "{stderr}");
    w
}

fn search(w: &Work, args: &[&str]) -> Vec<Hit> {
    w.search_hits(args)
}

/// RANKING.md, own text first: when the report's title holds every query word, its passages
/// all inherit them; a passage whose own text holds them all ranks above every passage
/// whose own text holds none (a lead or heading above it may hold them).
#[test]
fn own_text_outranks_what_the_title_and_headings_give() {
    let w = work(&[(GAZETTE, "reservoir.txt"), (CABINET, "cabinet.txt")]);
    for words in [["湖山水庫", "運用"], ["水庫", "運用"]] {
        let query = words.join(" ");
        let hits = search(&w, &[&query, "--limit", "60"]);
        let holds = |h: &Hit| words.iter().filter(|x| h.text.contains(*x)).count();
        let last_full = hits.iter().rposition(|h| holds(h) == words.len());
        let first_none = hits.iter().position(|h| holds(h) == 0);
        if let (Some(last_full), Some(first_none)) = (last_full, first_none) {
            assert!(
                last_full < first_none,
                "{query}: #{first_none} holds no word ({}) but #{last_full} holds all ({})",
                hits[first_none].text,
                hits[last_full].text
            );
        }
        assert!(last_full.is_some(), "{query}");
    }
}

/// RANKING.md, quoted phrases: a quoted phrase is held by the passage's own text, or by a
/// table row's caption or column headers; never by the heading above it alone.
#[test]
fn a_quoted_phrase_is_in_the_text_caption_or_headers() {
    let w = work(&[(GAZETTE, "reservoir.txt"), (CABINET, "cabinet.txt")]);
    for phrase in ["水門操作", "蓄水利用運轉", "緊急運轉"] {
        let quoted = format!("\"{phrase}\"");
        let hits = search(&w, &[&quoted, "--limit", "200"]);
        assert!(!hits.is_empty(), "{quoted}");
        for h in &hits {
            let own = h.text.contains(phrase)
                || h.table.as_deref().is_some_and(|t| t.contains(phrase))
                || h.headers.iter().any(|x| x.contains(phrase));
            assert!(own, "{quoted}: {} ({})", h.text, h.kind);
        }
    }
}

/// RANKING.md, a title typed whole: a query equal to a report's title (its punctuation and
/// spaces aside) is a full match, and that report's opening passage comes first.
#[test]
fn a_title_typed_whole_puts_its_report_opening_first() {
    let w = work(&[(GAZETTE, "reservoir.txt"), (CABINET, "cabinet.txt")]);
    for (query, report) in [
        ("行政院第3483次會議院長提示暨院會決定決議事項", "cabinet"),
        (
            "經濟部令：訂定「湖山水庫運用要點」、「湖山水庫水門操作規定」，自即日生效",
            "reservoir",
        ),
        (
            "經濟部令 訂定 湖山水庫運用要點 湖山水庫水門操作規定 自即日生效",
            "reservoir",
        ),
    ] {
        let hits = search(&w, &[query, "--limit", "5"]);
        let first = hits.first().unwrap_or_else(|| panic!("{query}: no hit"));
        assert_eq!(
            (first.report.as_str(), first.seq, first.level.as_str()),
            (report, 0, "all"),
            "{query}: {}",
            first.text
        );
    }
    // Part of a title is no title.
    let hits = search(&w, &["行政院第3483次會議", "--limit", "5"]);
    assert!(hits.iter().all(|h| h.seq != 0 || h.text.contains("3483")));
}

/// RANKING.md, numbers and dates in any spelling: a whole date meets its other calendar and
/// its dotted and slashed forms.
#[test]
fn whole_dates_meet_across_calendars_and_forms() {
    let w = work(&[(GAZETTE, "reservoir.txt"), (CABINET, "cabinet.txt")]);
    // reservoir.txt holds 中華民國105年4月1日.
    for query in ["2016年4月1日", "105.4.1", "105/4/1", "2016.04.01"] {
        let hits = search(&w, &[query, "--limit", "3"]);
        let first = hits.first().unwrap_or_else(|| panic!("{query}: no hit"));
        assert_eq!(first.level, "all", "{query}: {}", first.text);
        assert!(
            first.text.contains("105年4月1日"),
            "{query}: {}",
            first.text
        );
    }
}

/// RANKING.md, typed spelling first: passages holding the spelling typed rank above those
/// holding only another spelling, however short those are.
#[test]
fn the_typed_spelling_ranks_first() {
    let w = Work::new();
    std::fs::write(
        w.corpus().join("years.txt"),
        "年度報告\n\n民國105年1月14日\n\n\
         本會於2016年完成各項計畫之期中檢討，並就執行進度、經費運用與後續推動方式提出建議，\
         供各機關參考辦理，相關意見已彙整於附件。\n\n\
         105年\n",
    )
    .unwrap();
    let (code, _, stderr) = w.run(&["index"]);
    assert_eq!(code, 0, "{stderr}");
    let hits = search(&w, &["2016年", "--limit", "5"]);
    assert!(hits.len() >= 2, "{hits:?}");
    assert!(hits[0].text.contains("2016年"), "{}", hits[0].text);
}

/// RANKING.md, Taiwan and mainland words: a query word in one region's wording finds the
/// passages written in the other's (軟件 finds 軟體, 計劃 finds 計畫, a word beginning with
/// one as well), the spelling typed first and the snippet marking the form found; a word
/// that is a Taiwan word of its own is not swapped (程序 is a procedure, not 程式).
#[test]
fn taiwan_and_mainland_words_meet() {
    #[derive(Deserialize)]
    struct Marked {
        text: String,
        snippet: String,
    }
    let w = Work::new();
    std::fs::write(
        w.corpus().join("words.txt"),
        "資訊報告\n\n\
         本署補助各縣市政府採購防毒軟體，並更新機關內部網路設備，以強化資通安全。\n\n\
         各機關應於年底前提出中程計畫，並說明經費來源與執行方式。\n\n\
         大陸方面另訂軟件產業發展規劃，鼓勵企業投入網絡安全技術研發。\n\n\
         行政程序法規定之聽證程序，應於舉行前通知當事人。\n\n\
         電腦程式之著作權保護期間，依著作權法規定辦理。\n",
    )
    .unwrap();
    let (code, _, stderr) = w.run(&["index"]);
    assert_eq!(code, 0, "{stderr}");
    let hits = |query: &str| -> Vec<Marked> {
        let (code, stdout, stderr) = w.run(&["search", query, "--json", "--limit", "10"]);
        assert!(code <= 1, "{query}: {stderr}");
        stdout
            .lines()
            .filter(|l| l.starts_with("{\"id\""))
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    for (query, found) in [
        ("软件", "軟體"),
        ("軟件", "軟體"),
        ("计划", "計畫"),
        ("計劃", "計畫"),
        ("网络", "網路"),
        ("軟件產業", "軟件產業"),
        ("軟體產業", "軟件產業"),
        ("網路安全", "網絡安全"),
        ("\"计划\"", "計畫"),
    ] {
        let got = hits(query);
        let holding: Vec<&Marked> = got.iter().filter(|h| h.text.contains(found)).collect();
        assert!(
            !holding.is_empty(),
            "{query} finds no passage holding {found}"
        );
        assert!(
            holding[0]
                .snippet
                .contains(&format!("<mark>{found}</mark>")),
            "{query}: {}",
            holding[0].snippet
        );
    }
    // Both spellings in the corpus: the one typed comes first.
    let got = hits("網絡");
    assert!(got[0].text.contains("網絡"), "{}", got[0].text);
    assert!(got.iter().any(|h| h.text.contains("網路")));
    // 程序 and 程式 stay apart.
    assert!(hits("程序").iter().all(|h| !h.text.contains("程式")));
    assert!(hits("程式").iter().all(|h| !h.text.contains("程序")));
}
