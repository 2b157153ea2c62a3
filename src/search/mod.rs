//! Search: a query string and filters → ranked passages with snippets and facet counts.
//!
//! Read flow: [`query`] parses what was typed into words; [`plan`] analyses each word once
//! by the ranking rules (folding, rarity, spellings, dictionary parts, weights; a question
//! is cut into its content words) into a backend-neutral [`plan::outline::Outline`];
//! [`compile`] turns it into tantivy queries and [`clauses`] into the query of one match
//! level; [`run`] runs the levels in order ([`levels`]) and cuts the page, scored by
//! [`sum_query`] and ordered by [`top`];
//! [`snippet`] marks the words found; [`suggest`] offers a spelling when no passage holds a
//! word. [`locate`] finds the source of a quotation.
//!
//! How a search ranks, in rules a user can predict (every rule, why, and its measured
//! effect: docs/RANKING.md; its code is marked `// RANKING.md: <rule>`):
//! 1. Match level first: passages holding every query word whole (in the text or its
//!    context: heading, or a table row's caption and headers), then those holding at least
//!    one word whole, then those holding only parts (at least two characters) of words.
//! 2. Within a level, a word held whole earns a bonus proportional to how rare the word is in
//!    the index, plus its BM25; the dictionary words inside it add their BM25. Rare words
//!    decide, common ones (and question words, which are dropped) barely count.
//! 3. Passages of reports whose title holds query words get a smaller bonus per word; what a
//!    passage inherits (heading, caption, headers) earns a quarter of what its own text
//!    earns; headings weigh half, captions and notes 85%.
//! 4. Equal scores: report, then place in the report.

pub mod any_of;
pub mod char_docs;
pub mod clauses;
pub mod compile;
pub mod counts;
pub mod levels;
pub mod locate;
pub mod plan;
pub mod query;
pub mod report_runs;
pub mod report_titles;
pub mod request;
pub mod run;
pub mod snippet;
pub mod suggest;
pub mod sum_query;
pub mod top;

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use anyhow::Result;
use serde::Serialize;
use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::Field;
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use crate::analysis::analyzer::significant_text;
use crate::analysis::synonyms::Synonyms;
use crate::index::{Shared, Store};
use crate::report::parse::Kind;
use crate::report::passage::Passage;

pub use query::{QueryWord, parse_query};

/// Most hits one search returns.
pub const MAX_LIMIT: usize = 10_000;
/// Deepest page offset accepted.
pub const MAX_OFFSET: usize = 1_000_000;

/// What to search for.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub query: String,
    pub limit: usize,
    pub offset: usize,
    /// Passage kinds, any of them (none: every kind).
    pub kinds: Vec<Kind>,
    /// Passage kinds as staff type them (`表格列`, `TABLE_ROW`, ` note `):
    /// [`Request::validated`] checks them and adds them to `kinds`; a search reads `kinds`
    /// only.
    pub typed_kinds: Vec<String>,
    /// Report ids, any of them (none: every report).
    pub reports: Vec<String>,
    /// Organisations (agency or commissioning body), any of them.
    pub organisations: Vec<String>,
    pub year: Option<String>,
    /// First day, `YYYY-MM-DD` (once validated; see [`crate::report::roc::date_bound`]).
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD`.
    pub to: Option<String>,
    pub section: Option<String>,
    pub facets: bool,
}

impl Request {
    /// A filter given but empty matches nothing (the validator refuses it; library callers
    /// may not have run it).
    pub fn has_blank_filter(&self) -> bool {
        let blank = |v: &Option<String>| v.as_deref().is_some_and(|v| v.trim().is_empty());
        let any_blank = |v: &[String]| v.iter().any(|v| v.trim().is_empty());
        any_blank(&self.reports)
            || any_blank(&self.organisations)
            || blank(&self.year)
            || blank(&self.from)
            || blank(&self.to)
            || blank(&self.section)
    }

    /// The page asked for, within bounds: (hits skipped, hits shown). tantivy allocates the
    /// whole page up front, so library callers are kept within bounds too.
    pub fn page(&self) -> (usize, usize) {
        (self.offset.min(MAX_OFFSET), self.limit.clamp(1, MAX_LIMIT))
    }
}

/// How much of the query a hit holds; hits are ranked by level first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Every query word whole (in the text or the context).
    All,
    /// At least one query word whole.
    Some,
    /// Only parts of query words (two characters or more of a longer word).
    Partial,
}

/// A ranked passage.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    #[serde(flatten)]
    pub passage: Passage,
    /// Best fragments of the text, matched words wrapped in `<mark>…</mark>`.
    pub snippet: String,
    pub score: f32,
    /// Matched character ranges `[start, end)` in `text`.
    pub highlights: Vec<[usize; 2]>,
    #[serde(rename = "match")]
    pub level: Level,
    /// Ids of the report's other passages with this text (list markers and spaces aside),
    /// in document order: they take no place of their own in the hits.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<String>,
    /// Query words the hit does not hold whole (in its text, its context or its report's
    /// title), as typed: only hits of level `some` or `partial` miss any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
}

/// Facet counts over the matches `total` counts.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Facets {
    pub kind: BTreeMap<String, u64>,
    pub report: BTreeMap<String, u64>,
    pub year: BTreeMap<String, u64>,
    pub section: BTreeMap<String, u64>,
    pub organisation: BTreeMap<String, u64>,
}

/// Result of a search.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub hits: Vec<Hit>,
    /// Matches of the match levels read for the page (every level when the earlier ones do
    /// not fill it); the facets count the same matches.
    pub total: usize,
    pub facets: Option<Facets>,
    /// The query with each word no passage holds replaced by the nearest spelling passages
    /// hold (see [`suggest`]), when the best hits are only partial or there are none.
    pub suggestion: Option<String>,
}

/// Builds queries against one index.
pub struct Searching<'a> {
    pub store: &'a Store,
    pub searcher: &'a Searcher,
    /// Word groups a query word is also searched as (see [`plan::alternatives`]).
    pub synonyms: &'a Synonyms,
    /// Document frequencies already looked up during the current search: building the query
    /// and weighting BM25 ask for the same terms, tier after tier.
    doc_freqs: RefCell<HashMap<Term, u64>>,
    /// What the passages of each report read so far share with it: hits of one report
    /// read its report document once.
    shared: RefCell<HashMap<String, Shared>>,
}

impl<'a> Searching<'a> {
    pub fn new(store: &'a Store, searcher: &'a Searcher) -> Searching<'a> {
        Searching {
            store,
            searcher,
            synonyms: Synonyms::builtin(),
            doc_freqs: RefCell::new(HashMap::new()),
            shared: RefCell::new(HashMap::new()),
        }
    }
}

impl<'a> Searching<'a> {
    /// Searches with these synonym groups (the built-in table merged with the corpus's own)
    /// instead of the built-in table alone.
    pub fn with_synonyms(mut self, synonyms: &'a Synonyms) -> Searching<'a> {
        self.synonyms = synonyms;
        self
    }
}

impl Bm25StatisticsProvider for Searching<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        self.searcher.total_num_tokens(field)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        self.searcher.total_num_docs()
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        if let Some(&n) = self.doc_freqs.borrow().get(term) {
            return Ok(n);
        }
        let n = self.searcher.doc_freq(term)?;
        self.doc_freqs.borrow_mut().insert(term.clone(), n);
        Ok(n)
    }
}

impl Searching<'_> {
    /// Number of documents holding `text` in `field` (0: not a term of the index); an index
    /// that cannot be read is an error, not a missing term.
    fn doc_freq(&self, field: Field, text: &str) -> tantivy::Result<u64> {
        Bm25StatisticsProvider::doc_freq(self, &Term::from_field_text(field, text))
    }

    /// Section terms (headings at any depth) that contain `needle` after folding,
    /// punctuation and spaces aside. Passages below such a heading carry its term.
    fn section_terms(&self, needle: &str) -> Vec<Term> {
        let field = self.store.fields.section;
        let key = significant_text(needle);
        if key.is_empty() {
            return Vec::new();
        }
        let mut terms = Vec::new();
        for segment in self.searcher.segment_readers() {
            let Ok(index) = segment.inverted_index(field) else {
                continue;
            };
            let Ok(mut stream) = index.terms().stream() else {
                continue;
            };
            while stream.advance() {
                if let Ok(heading) = std::str::from_utf8(stream.key())
                    && significant_text(heading).contains(&key)
                {
                    terms.push(Term::from_field_text(field, heading));
                }
            }
        }
        terms.sort();
        terms.dedup();
        terms
    }

    pub fn passage(&self, address: DocAddress) -> Result<Passage> {
        let doc: TantivyDocument = self.searcher.doc(address)?;
        self.store.passage_with(&doc, |report| {
            if let Some(shared) = self.shared.borrow().get(report) {
                return Ok(shared.clone());
            }
            let shared = self.store.shared(self.searcher, report)?;
            self.shared
                .borrow_mut()
                .insert(report.to_string(), shared.clone());
            Ok(shared)
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A small index on disk in a temporary folder with one report per text.
    fn index_of(texts: &[&str]) -> (tempfile::TempDir, Store) {
        let titles: Vec<String> = (0..texts.len()).map(|i| format!("報告{i}")).collect();
        let reports: Vec<(&str, &str)> = titles
            .iter()
            .map(String::as_str)
            .zip(texts.iter().copied())
            .collect();
        titled_index(&reports)
    }

    /// A small index on disk in a temporary folder with one report per (title, text).
    pub(crate) fn titled_index(reports: &[(&str, &str)]) -> (tempfile::TempDir, Store) {
        let dir = tempfile::TempDir::new().unwrap();
        let corpus = dir.path().join("corpus");
        std::fs::create_dir(&corpus).unwrap();
        for (i, (title, text)) in reports.iter().enumerate() {
            std::fs::write(
                corpus.join(format!("r{i}.txt")),
                format!("標題：{title}\n\n{text}\n"),
            )
            .unwrap();
        }
        let index = dir.path().join("index");
        crate::corpus::update(&index, &corpus, false, &crate::corpus::Quiet).unwrap();
        let store = Store::open_for_search(&index).unwrap();
        (dir, store)
    }

    fn texts_found(store: &Store, query: &str) -> Vec<String> {
        levels_found(store, query)
            .into_iter()
            .map(|(_, text)| text)
            .collect()
    }

    #[test]
    fn words_inside_other_words_are_found() {
        let (_dir, store) = index_of(&[
            "中華人民共和國成立於一九四九年。",
            "本案件待處理。",
            "兩岸城市交流。",
        ]);
        assert_eq!(
            texts_found(&store, "人民共和國"),
            vec!["中華人民共和國成立於一九四九年。"]
        );
        assert_eq!(texts_found(&store, "处理"), vec!["本案件待處理。"]);
        assert_eq!(
            texts_found(&store, "1949"),
            vec!["中華人民共和國成立於一九四九年。"]
        );
    }

    #[test]
    fn numbers_meet_however_they_are_written() {
        let (_dir, store) = index_of(&[
            "超過2,350,000元至4,400,000元者，課徵340,000元。",
            "超過235萬元至440萬元者。",
            "第1，2，3項所定之金額為235元。",
        ]);
        let sorted = |mut texts: Vec<String>| {
            texts.sort();
            texts
        };
        assert_eq!(
            sorted(texts_found(&store, "\"235萬元至440萬元\"")),
            vec![
                "超過2,350,000元至4,400,000元者，課徵340,000元。",
                "超過235萬元至440萬元者。"
            ]
        );
        assert_eq!(
            sorted(texts_found(&store, "\"2,350,000元至\"")),
            sorted(texts_found(&store, "\"235萬元至\"")),
        );
        // Full-width commas between numbers separate them (no number 123 here).
        assert_eq!(
            texts_found(&store, "\"3項\""),
            vec!["第1，2，3項所定之金額為235元。"]
        );
        assert!(texts_found(&store, "123").is_empty());
        // A char beside a number is matched whole: 第3條 inside 依第3條規定, not in 第3-1條.
        // (Among enough other passages that its terms are rare: a word whose terms are all
        // common is matched without positions.)
        let mut texts = vec!["依第3條規定辦理。", "第3點，條文如下。", "第 3-1 條"];
        texts.extend(std::iter::repeat_n("其他無關的段落。", 200));
        let (_dir, store) = index_of(&texts);
        assert_eq!(texts_found(&store, "\"第3條\""), vec!["依第3條規定辦理。"]);
    }

    #[test]
    fn rare_numbers_are_found_in_either_spelling() {
        let mut texts = vec![
            "依第十二條規定辦理。",
            "本條例第12條所定。",
            "一百零五年度預算。",
        ];
        // Enough other passages that these numbers are rare (a common spelling is searched
        // as typed only).
        texts.extend(std::iter::repeat_n("其他無關的段落。", 600));
        let (_dir, store) = index_of(&texts);
        assert_eq!(
            texts_found(&store, "\"第12條\""),
            vec!["本條例第12條所定。", "依第十二條規定辦理。"],
            "the spelling typed first"
        );
        assert_eq!(
            texts_found(&store, "\"第十二條\""),
            vec!["依第十二條規定辦理。", "本條例第12條所定。"]
        );
        assert_eq!(
            texts_found(&store, "\"105年度\""),
            vec!["一百零五年度預算。"]
        );
    }

    #[test]
    fn quoted_phrases_need_the_exact_run() {
        let (_dir, store) = index_of(&["共和國的人民。", "人民共和國的成立。"]);
        // Both hold 人民 and 共和; only one holds them as one run.
        assert_eq!(
            texts_found(&store, "\"人民共和\""),
            vec!["人民共和國的成立。"]
        );
        assert!(texts_found(&store, "\"共和人民\"").is_empty());
        assert_eq!(
            texts_found(&store, "人民 -\"人民共和\""),
            vec!["共和國的人民。"]
        );
    }

    #[test]
    fn long_words_match_only_their_exact_run() {
        let (_dir, store) = index_of(&[
            "依食品安全衛生管理法辦理。",
            "食品安全與衛生管理法規。",
            "管理法、食品安全衛生。",
        ]);
        assert_eq!(
            texts_found(&store, "\"食品安全衛生管理法\""),
            vec!["依食品安全衛生管理法辦理。"]
        );
    }

    #[test]
    fn a_passage_holding_more_words_ranks_first() {
        let (_dir, store) = index_of(&[
            "雙城論壇在臺北舉行。",
            "雙城論壇的交流成果豐碩。",
            "交流活動。",
        ]);
        let found = texts_found(&store, "雙城論壇 交流成果");
        assert_eq!(found[0], "雙城論壇的交流成果豐碩。");
        assert_eq!(found.len(), 3);
    }

    fn levels_found(store: &Store, query: &str) -> Vec<(Level, String)> {
        let searcher = store.reader().unwrap().searcher();
        let searching = Searching::new(store, &searcher);
        let request = Request {
            query: query.to_string(),
            limit: 10,
            ..Request::default()
        };
        let hits = searching.run(&request).unwrap().hits;
        hits.into_iter()
            .map(|h| (h.level, h.passage.text))
            .collect()
    }

    #[test]
    fn one_shared_character_is_not_a_partial_match() {
        let (_dir, store) = index_of(&["成功的關鍵。", "論壇舉行。", "雙城論壇舉行。"]);
        let mut found = levels_found(&store, "雙成論壇");
        found.sort();
        assert_eq!(
            found,
            vec![
                (Level::Partial, "論壇舉行。".to_string()),
                (Level::Partial, "雙城論壇舉行。".to_string()),
            ]
        );
    }

    #[test]
    fn a_word_no_passage_holds_is_respelled_as_the_passages_spell_it() {
        let (_dir, store) = index_of(&[
            "雙城論壇在臺北舉行。",
            "雙城論壇的交流成果。",
            "雙層論壇。",
            "成功的關鍵。",
        ]);
        let searcher = store.reader().unwrap().searcher();
        let searching = Searching::new(&store, &searcher);
        let run = |query: &str| {
            let request = Request {
                query: query.to_string(),
                limit: 10,
                ..Request::default()
            };
            searching.run(&request).unwrap()
        };
        // Typed in Simplified: the suggestion is spelled as the passages spell it; the most
        // held spelling wins (雙城 over 雙層), whichever character differs.
        assert_eq!(run("雙成論壇").suggestion.as_deref(), Some("雙城論壇"));
        assert_eq!(run("双成论坛").suggestion.as_deref(), Some("雙城論壇"));
        assert_eq!(run("霜城論壇").suggestion.as_deref(), Some("雙城論壇"));
        assert_eq!(run("雙城論談").suggestion.as_deref(), Some("雙城論壇"));
        let partial = run("雙成論壇 交流成果");
        assert_eq!(partial.suggestion, None, "the best hits are of level some");
        assert_eq!(partial.hits[0].missing, ["雙成論壇"]);
        let found = run("雙城論壇 交流成果");
        assert_eq!(found.suggestion, None);
        assert!(found.hits[0].missing.is_empty());
        assert_eq!(found.hits[1].missing, ["交流成果"]);
        assert_eq!(run("甲乙丙丁").suggestion, None, "nothing near");
    }

    #[test]
    fn levels_rank_before_scores() {
        let (_dir, store) =
            index_of(&["交流交流交流交流，交流。", "雙城論壇的交流。", "雙城論壇。"]);
        let found = levels_found(&store, "雙城論壇 交流");
        assert_eq!(found[0], (Level::All, "雙城論壇的交流。".to_string()));
        assert!(found[1..].iter().all(|(level, _)| *level == Level::Some));
    }

    #[test]
    fn synonyms_and_other_calendars_match_the_typed_form_first() {
        let (_dir, store) = index_of(&[
            "衛生福利部公告長照政策。",
            "衛福部公告長照政策。",
            "民國106年度預算案。",
            "2017年度預算案。",
            "無關的段落。",
        ]);
        assert_eq!(
            texts_found(&store, "衛福部"),
            vec!["衛福部公告長照政策。", "衛生福利部公告長照政策。"]
        );
        assert_eq!(
            texts_found(&store, "衛生福利部"),
            vec!["衛生福利部公告長照政策。", "衛福部公告長照政策。"]
        );
        assert_eq!(
            texts_found(&store, "2017年"),
            vec!["2017年度預算案。", "民國106年度預算案。"]
        );
        assert_eq!(
            texts_found(&store, "民國106年"),
            vec!["民國106年度預算案。", "2017年度預算案。"]
        );
        // The user's groups come on top of the built-in table.
        let user = Synonyms::parse("長照 長期照顧\n").unwrap();
        let merged = Synonyms::builtin().merged(&user);
        let searcher = store.reader().unwrap().searcher();
        let searching = Searching::new(&store, &searcher).with_synonyms(&merged);
        let request = Request {
            query: "長期照顧".to_string(),
            limit: 10,
            ..Request::default()
        };
        assert_eq!(searching.run(&request).unwrap().hits.len(), 2);
    }

    #[test]
    fn question_words_do_not_decide() {
        let mut texts = vec!["梵語的學術研究由德國學者開創。"];
        texts.extend(std::iter::repeat_n("這是什麼？哪一個地區？", 30));
        let (_dir, store) = index_of(&texts);
        let found = levels_found(&store, "哪一地區對梵語的學術研究是什麼？");
        assert_eq!(found[0].1, "梵語的學術研究由德國學者開創。");
    }

    #[test]
    fn numbers_in_dates_and_percentages_meet() {
        let (_dir, store) = index_of(&[
            "本辦法自一百零四年一月一日起施行。",
            "另有條文自104年7月1日起實施。",
            "稅率由百分之九至百分之十五不等。",
            "預算增加9%至15%之間。",
            "民國一○四年十二月完成驗收。",
        ]);
        let first = |query: &str| levels_found(&store, query).into_iter().next();
        assert_eq!(
            first("104年1月1日"),
            Some((Level::All, "本辦法自一百零四年一月一日起施行。".to_string()))
        );
        // The same numbers in another order are no match of the whole date.
        assert!(
            levels_found(&store, "104年1月1日")
                .iter()
                .all(|(level, text)| *level != Level::All || !text.contains("7月"))
        );
        // Both spellings are whole matches; the one typed ranks first.
        assert_eq!(
            levels_found(&store, "9%至15%")[..2],
            [
                (Level::All, "預算增加9%至15%之間。".to_string()),
                (Level::All, "稅率由百分之九至百分之十五不等。".to_string())
            ]
        );
        let found = texts_found(&store, "百分之九至百分之十五");
        assert!(found.contains(&"預算增加9%至15%之間。".to_string()));
        assert!(
            levels_found(&store, "百分之十五")
                .contains(&(Level::All, "預算增加9%至15%之間。".to_string()))
        );
        assert_eq!(
            first("104年12月"),
            Some((Level::All, "民國一○四年十二月完成驗收。".to_string()))
        );
    }

    #[test]
    fn a_lone_character_of_a_question_counts_through_its_bigrams() {
        let (_dir, store) = index_of(&[
            "君主專制之下，他寫的文章為民眾所知。",
            "馬基維利所著的君主論影響深遠。",
            "伽利略被譽為科學之父。",
            "科學方法是一套技術，父母都贊成。",
        ]);
        // 論 and 寫 stand alone; 主論 says the passage holds 君主論.
        let found = texts_found(&store, "君主論為誰所寫的?");
        assert_eq!(found[0], "馬基維利所著的君主論影響深遠。");
        let found = texts_found(&store, "科學之父是誰?");
        assert_eq!(found[0], "伽利略被譽為科學之父。");
    }

    #[test]
    fn one_character_words_are_found_beside_others() {
        let (_dir, store) = index_of(&[
            "東德開始修築圍牆。",
            "這是「牆」一詞的第一次出現。",
            "牆壁倒塌。",
            "沒有關係。",
        ]);
        for query in ["牆", "「牆」", "\"牆\""] {
            let mut found = texts_found(&store, query);
            found.sort();
            let mut expected = [
                "東德開始修築圍牆。",
                "這是「牆」一詞的第一次出現。",
                "牆壁倒塌。",
            ];
            expected.sort();
            assert_eq!(found, expected, "{query}");
        }
        assert_eq!(texts_found(&store, "關係 -牆"), ["沒有關係。"]);
    }

    #[test]
    fn a_report_title_and_a_heading_point_at_the_passages_below_it() {
        let dir = tempfile::TempDir::new().unwrap();
        let corpus = dir.path().join("corpus");
        std::fs::create_dir(&corpus).unwrap();
        let law: String = (1..=20)
            .map(|n| format!("第 {n} 條\n本法施行細則由主管機關定之，第{n}項另定。\n\n"))
            .collect();
        std::fs::write(corpus.join("law.txt"), format!("科學技術基本法\n\n{law}")).unwrap();
        std::fs::write(
            corpus.join("order.txt"),
            "修正科學技術人員辦法\n\n二、修正依據：科學技術基本法第十七條第三項。\n",
        )
        .unwrap();
        let index = dir.path().join("index");
        crate::corpus::update(&index, &corpus, false, &crate::corpus::Quiet).unwrap();
        let store = Store::open_for_search(&index).unwrap();
        let searcher = store.reader().unwrap().searcher();
        let request = Request {
            query: "科學技術基本法 第17條".to_string(),
            limit: 3,
            ..Request::default()
        };
        let hits = Searching::new(&store, &searcher)
            .run(&request)
            .unwrap()
            .hits;
        assert_eq!(
            hits[0].passage.text,
            "本法施行細則由主管機關定之，第17項另定。"
        );
    }

    #[test]
    fn a_long_name_that_passages_hold_is_not_cut_as_a_sentence() {
        let (_dir, store) = index_of(&[
            "內政部的彰化老人中心，養護辦事細則另定。",
            "依內政部彰化老人養護中心辦事細則辦理。",
        ]);
        // Cut as a sentence, the passage holding its words apart would hold all of them.
        let found = levels_found(&store, "內政部彰化老人養護中心辦事細則");
        assert_eq!(
            found,
            [
                (
                    Level::All,
                    "依內政部彰化老人養護中心辦事細則辦理。".to_string()
                ),
                (
                    Level::Partial,
                    "內政部的彰化老人中心，養護辦事細則另定。".to_string()
                )
            ]
        );
    }

    #[test]
    fn a_name_in_title_marks_is_one_word_of_a_question() {
        let (_dir, store) = index_of(&["自由的理論很多，作者是他。", "彌爾是《論自由》的作者。"]);
        let found = levels_found(&store, "《論自由》的作者是誰?");
        assert_eq!(
            found[0],
            (Level::All, "彌爾是《論自由》的作者。".to_string())
        );
        assert!(found[1..].iter().all(|(level, _)| *level != Level::All));
    }

    #[test]
    fn neighbouring_question_words_rank_higher_together() {
        let (_dir, store) = index_of(&[
            "南寧會議於一九五八年舉行。",
            "會議在南寧以外的地方舉行，與廣西南寧無關。",
        ]);
        let found = texts_found(&store, "南寧會議在哪一年舉行?");
        assert_eq!(found[0], "南寧會議於一九五八年舉行。");
    }
}
