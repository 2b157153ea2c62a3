//! Query plan: the parsed query and the index → every query word analysed once per search:
//! its whole-run queries (text and context), how rare it is, its dictionary parts, the report
//! titles that hold it, and what snippets mark. A word typed as a whole sentence (a question)
//! is first split into its content words; question words and particles are dropped.
//!
//! Every match level and the facet count build their queries from the same plan, so a
//! passage scores the same whichever of them finds it.

use std::collections::HashSet;
use std::sync::OnceLock;

use tantivy::Term;
use tantivy::query::{
    Bm25StatisticsProvider, BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};

use crate::analysis::analyzer::{Folded, gram_terms, is_han, is_significant, query_pieces};
use crate::analysis::numerals::spellings;
use crate::analysis::synonyms::{self, Synonyms};
use crate::analysis::variants::variants;
use crate::report::roc::{date_spellings, year_spellings};
use crate::search::Searching;
use crate::search::char_docs::CharDocs;
use crate::search::query::{QueryWord, parse_query};
use crate::search::sum_query::ReportKeys;

// RANKING.md: the report's title
/// Bonus for each query word found in the title of the passage's report, per unit of the
/// word's idf: a report about 大眾捷運 makes its table rows answers to a query that names
/// 大眾捷運.
pub(crate) const TITLE_WORD_PER_IDF: f32 = 2.0;
/// Most reports whose title may hold a word for the match level (see [`PlannedWord::title_keys`]).
pub(crate) const MAX_TITLED_REPORTS: usize = 1000;
// RANKING.md: a title typed whole
/// Bonus of the opening passage of a report whose title the query equals: above any score
/// the words themselves earn (rare words earn tens per idf unit), so it comes first.
pub(crate) const TITLE_QUERY_BONUS: f32 = 10_000.0;
/// Most reports whose titles hold every term of a query that are read to see whether one
/// equals it: a query held by more titles is a common phrase, and reading each report's
/// stored record would cost more than the search.
pub(crate) const MAX_TITLE_CANDIDATES: usize = 200;
// RANKING.md: typed spelling first
/// BM25 of a word found in another spelling of its numbers (第十二條 for 第12條), relative
/// to the spelling typed: the typed one ranks first when all else is equal.
pub(crate) const OTHER_SPELLING: f32 = 0.9;
/// A spelling some term of which is in at most 1/N of the passages is rare enough that
/// the other spellings of its numbers are searched too.
pub(crate) const RARE_SPELLING_SHARE: u64 = 200;
/// ... and a spelling some term of which is in at most this many passages: in a small
/// index every spelling is searched.
const MIN_RARE_SPELLING_DOCS: u64 = 1000;
/// A word in more than 1/N of all passages is too common to score on its own.
pub(crate) const COMMON_TERM_SHARE: u64 = 20;
/// A word whose bigrams are all in more than 1/N of the passages is matched without positions.
pub(crate) const COMMON_PHRASE_SHARE: u64 = 50;
/// ... and in more than this many: positions are cheap to read in a small index.
const MIN_COMMON_DOCS: u64 = 1000;
// RANKING.md: questions
/// A character standing alone in a question is a word of it when at most 1/N of the
/// passages hold it as a word ...
const LONE_CHAR_SHARE: u64 = 200;
/// In an index where that share is under this many passages, every one is a word:
/// candidates are cheap there (多少項 of 已簽署多少項交流合作備忘錄 asks for 30 項).
const MIN_LONE_CHAR_DOCS: u64 = 1000;
/// Longest substring of a query word looked up as a dictionary word.
pub(crate) const MAX_WORD_CHARS: usize = 8;
/// A word of at least this many Han characters is read as a sentence: no dictionary word
/// is that long.
const SENTENCE_HAN_CHARS: usize = MAX_WORD_CHARS + 1;

/// Words that ask rather than say, and particles: a question's content is the rest. Listed
/// as typed (Traditional); compared after folding.
const QUESTION_WORDS: &[&str] = &[
    "什麼",
    "甚麼",
    "什麽",
    "為什麼",
    "為甚麼",
    "哪",
    "哪一",
    "哪個",
    "哪些",
    "哪裡",
    "哪裏",
    "哪兒",
    "哪種",
    "哪位",
    "哪年",
    "哪天",
    "哪國",
    "哪一個",
    "哪一種",
    "哪一年",
    "哪一位",
    "誰",
    "何",
    "何時",
    "何處",
    "何者",
    "何種",
    "何人",
    "何地",
    "為何",
    "如何",
    "多少",
    "多久",
    "幾",
    "幾個",
    "幾年",
    "幾次",
    "幾位",
    "是否",
    "是不是",
    "有沒有",
    "能否",
    "可否",
    "嗎",
    "呢",
    "吧",
    "啊",
    "呀",
    "請問",
];
/// Function words dropped from a question (not from a keyword query: `的` typed alone is
/// searched).
const PARTICLES: &[&str] = &[
    "的", "了", "是", "在", "與", "和", "及", "之", "被", "將", "把", "由", "於", "對", "從", "所",
    "而", "也", "都", "就", "又", "還", "其", "此", "該", "這", "那", "這個", "那個", "有", "為",
    "以", "等", "要", "會", "能", "可以", "則", "即", "並", "或", "且", "個", "位", "曾", "已",
    "得", "到", "給", "讓", "使", "中", "一", "上", "下",
];
/// Characters whose presence inside a query word makes it a question.
const QUESTION_MARKS: &[char] = &['？', '?'];

/// Measure words: 哪, 哪一 or 幾 before one asks which or how many (哪一座, 哪所, 幾盤); so
/// does 何 before the first ones (何年, 何人).
const MEASURE_WORDS: &[&str] = &[
    "年", "人", "種", "處", "地", "國", "方", "類", "個", "位", "天", "座", "所", "段", "份", "本",
    "顆", "邊", "次", "支", "門", "家", "部", "條", "項", "間", "場", "件", "首", "隻", "名", "艘",
    "輛", "張", "塊", "片", "屆", "任", "代", "樣", "盤", "月", "日", "歲", "層",
];
/// How many of [`MEASURE_WORDS`] may follow 何.
const MEASURE_WORDS_AFTER_HE: usize = 8;

/// Folded forms of [`QUESTION_WORDS`] and the question words made of a measure word
/// (`.0`), and of those and [`PARTICLES`] (`.1`).
fn stop_words() -> &'static (HashSet<String>, HashSet<String>) {
    static WORDS: OnceLock<(HashSet<String>, HashSet<String>)> = OnceLock::new();
    WORDS.get_or_init(|| {
        let fold = |w: &str| Folded::new(w).chars.iter().collect::<String>();
        let mut questions: HashSet<String> = QUESTION_WORDS.iter().map(|w| fold(w)).collect();
        for (n, measure) in MEASURE_WORDS.iter().enumerate() {
            for asking in ["哪", "哪一", "幾"] {
                questions.insert(fold(&format!("{asking}{measure}")));
            }
            if n < MEASURE_WORDS_AFTER_HE {
                questions.insert(fold(&format!("何{measure}")));
            }
        }
        let all = questions
            .iter()
            .cloned()
            .chain(PARTICLES.iter().map(|w| fold(w)))
            .collect();
        (questions, all)
    })
}

/// A word's whole-run queries.
pub(super) struct WholeWord {
    /// In the passage text, as typed, with the factor that brings a shortened phrase's BM25
    /// back to the full phrase's.
    pub body: (Box<dyn Query>, f32),
    /// In the passage text, in the other spellings of its numbers (第十二條 for 第12條).
    pub other_spellings: Option<Box<dyn Query>>,
    /// In the passage's context, in any spelling.
    pub context: Box<dyn Query>,
    /// In a table row's caption or column headers (see [`crate::report::passage::Passage::frame`]),
    /// in any spelling.
    pub frame: Box<dyn Query>,
}

impl WholeWord {
    /// The text queries, each with its share of the bonus: the spelling typed ranks first.
    pub fn bodies(&self) -> impl Iterator<Item = (&dyn Query, f32, f32)> {
        std::iter::once((self.body.0.as_ref(), self.body.1, 1.0)).chain(
            self.other_spellings
                .iter()
                .map(|q| (q.as_ref(), 1.0, OTHER_SPELLING)),
        )
    }
}

/// One query word, analysed.
pub(super) struct PlannedWord {
    pub text: String,
    pub folded: Folded,
    /// `None`: the word has nothing to match (no letter, digit or ideograph).
    pub whole: Option<WholeWord>,
    pub required: bool,
    pub excluded: bool,
    /// How rare holding the word whole is: the BM25 idf of its rarest term (a passage
    /// holding the word holds that term).
    pub rarity: f32,
    /// Keys of the reports whose title holds the word, sorted: their passages hold it in
    /// their context (when the query has several words).
    pub title_keys: Vec<u64>,
    /// The dictionary words inside it, each with whether holding it is a partial match.
    pub parts: Vec<(Box<dyn Query>, bool)>,
    /// Brings the BM25 of the word's run (whose idf is the sum of its terms') to the word's
    /// own rarity: a word counts as one term, however many bigrams spell it.
    pub run_factor: f32,
}

/// Everything one search needs to know about its query.
pub(super) struct Plan {
    pub words: Vec<PlannedWord>,
    /// Neighbouring words of a question held together, each with its bonus.
    pub together: Vec<(Box<dyn Query>, f32)>,
    /// Bigrams of a question that link its content words to each other and to the particles
    /// beside them (see [`linking_bigrams`]), each a BM25 term query.
    pub links: Vec<Box<dyn Query>>,
    /// (report key, bonus) for the reports whose title holds query words, sorted by key.
    pub report_bonuses: Vec<(u64, f32)>,
    /// The opening passages of the reports whose title the whole query equals (their keys
    /// sorted, and one query finding those passages).
    pub opening: Option<(Vec<u64>, Box<dyn Query>)>,
    /// What snippets mark: the words sought, each in any spelling of its numbers, as it may
    /// have been matched.
    pub marked: Vec<String>,
}

impl Plan {
    pub fn positive(&self) -> impl Iterator<Item = &PlannedWord> {
        self.words.iter().filter(|w| !w.excluded)
    }
}

impl Searching<'_> {
    /// Analyses the query once for all the queries of one search.
    pub(super) fn plan(&self, query: &str) -> Plan {
        let mut typed: Vec<QueryWord> = Vec::new();
        // (first word, second word, the two as typed together) for neighbouring words of a
        // question.
        let mut neighbours: Vec<(String, String, String)> = Vec::new();
        let mut link_texts: Vec<String> = Vec::new();
        // Words cut from a question (folded).
        let mut asked: HashSet<Vec<char>> = HashSet::new();
        for word in parse_query(query) {
            if word.excluded
                || word.required
                || !is_sentence(&word.text)
                || !asks(&word.text) && self.is_held_whole(&word.text)
            {
                typed.push(word);
                continue;
            }
            let (parts, links) = self.question_words(&word.text);
            if parts.is_empty() {
                typed.push(word);
                continue;
            }
            link_texts.extend(links);
            asked.extend(parts.iter().map(|(text, _, _)| Folded::new(text).chars));
            // Content words next to each other in the question.
            for pair in parts.windows(2) {
                let Some(gap) = word.text.get(pair[0].2..pair[1].1) else {
                    continue;
                };
                if gap.is_empty() {
                    neighbours.push((
                        word.text[pair[0].1..pair[0].2].to_string(),
                        word.text[pair[1].1..pair[1].2].to_string(),
                        word.text[pair[0].1..pair[1].2].to_string(),
                    ));
                }
            }
            let mut seen = HashSet::new();
            typed.extend(
                parts
                    .into_iter()
                    .filter(|(text, _, _)| seen.insert(Folded::new(text).chars))
                    .map(|(text, _, _)| QueryWord {
                        text,
                        required: false,
                        excluded: false,
                    }),
            );
        }
        typed.truncate(crate::search::query::MAX_QUERY_WORDS);
        let num_docs = self.searcher.num_docs();
        let words: Vec<PlannedWord> = typed
            .into_iter()
            .map(|w| {
                let folded = Folded::new(&w.text);
                let held_alone = asked.contains(&folded.chars)
                    && is_one_han_char(&w.text)
                    && !lone_char_is_rare(&w.text, num_docs, &|t| {
                        self.doc_freq(self.store.fields.body_words, t)
                    });
                let whole = match held_alone {
                    true => self.alone(&folded),
                    false => self.whole_word(&w.text, &folded),
                };
                let df = self.whole_doc_freq(&folded);
                let parts = match w.excluded {
                    true => Vec::new(),
                    false => self.word_terms(self.store.fields.body_words, &folded),
                };
                let rarity = idf(df, num_docs);
                let run_weight = self.phrase_weight(self.store.fields.body_grams, &folded);
                PlannedWord {
                    title_keys: Vec::new(),
                    run_factor: if run_weight > 0.0 {
                        rarity / run_weight
                    } else {
                        1.0
                    },
                    parts,
                    rarity,
                    text: w.text,
                    folded,
                    whole,
                    required: w.required,
                    excluded: w.excluded,
                }
            })
            .collect();
        let together = self.together(&neighbours);
        let links = self.links(link_texts);
        let mut plan = Plan {
            words,
            together,
            links,
            report_bonuses: Vec::new(),
            opening: None,
            marked: Vec::new(),
        };
        plan.opening = self.titled_opening(query);
        // Title bonuses only add to the score of passages that are candidates anyway.
        if plan.positive().count() > 1 {
            plan.report_bonuses = self.title_bonuses(&mut plan);
        }
        plan.marked = plan
            .positive()
            .flat_map(|w| {
                std::iter::once(w.text.clone())
                    .chain(spellings(&w.folded.chars))
                    .chain(alternatives(&w.text, self.synonyms))
            })
            .collect();
        plan
    }

    /// Neighbouring words of a question found next to each other (南寧 會議 as 南寧會議): the
    /// bigrams the two make together, beyond those each makes alone, count as a word would
    /// (bonus in proportion to their idf), as BM25 over bigrams would count them.
    fn together(&self, neighbours: &[(String, String, String)]) -> Vec<(Box<dyn Query>, f32)> {
        let field = self.store.fields.body_grams;
        let weight = |text: &str| self.phrase_weight(field, &Folded::new(text));
        neighbours
            .iter()
            .filter_map(|(first, second, both)| {
                let extra = weight(both) - weight(first) - weight(second);
                let (query, _) = self.phrase(field, &Folded::new(both))?;
                (extra > 0.0).then_some((query, extra))
            })
            .collect()
    }

    /// The linking bigrams of a question that some passage holds, as BM25 term queries: they
    /// count as BM25 over bigrams counts them (主論 of 君主論為誰所寫 says the passage holds
    /// 君主論; 之父 of 科學之父是誰, that it holds 之父 beside 科學), with no bonus and no say in
    /// the match level, since a bigram across a particle is no word.
    fn links(&self, mut texts: Vec<String>) -> Vec<Box<dyn Query>> {
        let field = self.store.fields.body_grams;
        texts.sort();
        texts.dedup();
        texts
            .iter()
            .filter(|text| self.doc_freq(field, text) > 0)
            .map(|text| {
                Box::new(TermQuery::new(
                    Term::from_field_text(field, text),
                    IndexRecordOption::WithFreqs,
                )) as Box<dyn Query>
            })
            .collect()
    }

    /// Documents holding the word whole, at most: those holding its rarest term (the word
    /// itself when the dictionary has it).
    fn whole_doc_freq(&self, folded: &Folded) -> u64 {
        let f = &self.store.fields;
        let key: String = folded
            .chars
            .iter()
            .filter(|c| is_significant(**c))
            .collect();
        let as_word = self.doc_freq(f.body_words, &key);
        if as_word > 0 {
            return as_word;
        }
        one_per_position(gram_terms(folded))
            .iter()
            .map(|t| self.doc_freq(f.body_grams, &t.text))
            .min()
            .unwrap_or(0)
    }

    /// Whether some report title or passage holds a long word whole: it is then a name
    /// (內政部彰化老人養護中心辦事細則, a regulation's title), not a sentence to cut.
    fn is_held_whole(&self, text: &str) -> bool {
        let folded = Folded::new(text);
        let f = &self.store.fields;
        [f.title_grams, f.body_grams].into_iter().any(|field| {
            self.phrase(field, &folded).is_some_and(|(query, _)| {
                self.searcher
                    .search(&query, &tantivy::collector::Count)
                    .is_ok_and(|n| n > 0)
            })
        })
    }

    /// The words and linking bigrams of a question (see [`question_words`]).
    fn question_words(&self, text: &str) -> (Vec<(String, usize, usize)>, Vec<String>) {
        let f = &self.store.fields;
        question_words(text, self.searcher.num_docs(), &|word| {
            self.doc_freq(f.body_words, word)
        })
    }

    /// Passages containing the word: on the body field (which has positions) its bigrams
    /// and alphanumeric terms as a phrase, punctuation and spaces aside; on the short context
    /// and title fields, all of those terms present. With the query, the factor by which its
    /// BM25 must be multiplied to equal the full phrase's (see [`Self::phrase_cover`]).
    pub(super) fn phrase(&self, field: Field, folded: &Folded) -> Option<(Box<dyn Query>, f32)> {
        let terms = one_per_position(gram_terms(folded));
        if let [only] = terms.as_slice()
            && is_one_han_char(&only.text)
        {
            return Some((self.one_char(field, &only.text), 0.0));
        }
        let first = terms.first()?.position;
        let common = || {
            matched_without_positions(&terms, self.searcher.num_docs(), &|t| {
                self.doc_freq(field, t)
            })
        };
        if field == self.store.fields.body_grams && !common() {
            let pairs: Vec<(usize, Term)> = terms
                .iter()
                .map(|t| (t.position - first, Term::from_field_text(field, &t.text)))
                .collect();
            if pairs.len() > 1 {
                let (pairs, scale) = self.phrase_cover(pairs);
                return Some((Box::new(PhraseQuery::new_with_offset(pairs)), scale));
            }
        }
        let mut texts: Vec<String> = terms.into_iter().map(|t| t.text).collect();
        texts.sort();
        texts.dedup();
        let clauses: Vec<(Occur, Box<dyn Query>)> = texts
            .iter()
            .map(|t| {
                let q: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(field, t),
                    IndexRecordOption::WithFreqs,
                ));
                (Occur::Must, q)
            })
            .collect();
        Some((Box::new(BooleanQuery::new(clauses)), 1.0))
    }

    /// A common character standing alone in a question, held whole where the index holds it
    /// alone: between punctuation, or beside a number (項 of 30 項 for 多少項). Held
    /// anywhere, it would be held by most passages (項目, 事項), and tell nothing.
    fn alone(&self, folded: &Folded) -> Option<WholeWord> {
        let f = &self.store.fields;
        let text = folded.text();
        let term = |field: Field| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, &text),
                IndexRecordOption::WithFreqs,
            ))
        };
        Some(WholeWord {
            body: (term(f.body_grams), 1.0),
            other_spellings: None,
            context: term(f.context_grams),
            frame: term(f.frame_grams),
        })
    }

    /// Passages holding one Han character anywhere (牆 in 「牆」, 圍牆 or 牆壁): bigrams index
    /// a character beside others only in pairs, so the query is every term of `field` that
    /// is the character alone or a bigram holding it — a walk of the term dictionary that
    /// only follows entries holding it. Constant score: the character's BM25 comes from its
    /// dictionary word (see [`dictionary_parts`]).
    fn one_char(&self, field: Field, text: &str) -> Box<dyn Query> {
        // A Han character is no regex metacharacter.
        let pattern = format!("{text}.?|.{text}");
        // Found once per search and shared by the levels (see [`CharDocs`]).
        match CharDocs::new(&pattern, field) {
            Ok(query) => Box::new(query),
            Err(_) => Box::new(TermQuery::new(
                Term::from_field_text(field, text),
                IndexRecordOption::WithFreqs,
            )),
        }
    }

    /// A run of Han bigrams at consecutive positions is fixed by every other bigram plus the
    /// last (食品 安全 衛生 管理 理法 for 食品安全衛生管理法): a phrase of those reads about half
    /// the positions and finds the same passages the same number of times. Its BM25 weight is
    /// its terms' idf sum; the returned factor scales it back to the full phrase's.
    fn phrase_cover(&self, pairs: Vec<(usize, Term)>) -> (Vec<(usize, Term)>, f32) {
        let han_bigram = |term: &Term| {
            term.value()
                .as_str()
                .is_some_and(|t| t.chars().count() == 2 && t.chars().all(is_han))
        };
        let consecutive = pairs
            .iter()
            .enumerate()
            .all(|(i, (offset, _))| *offset == i);
        if pairs.len() < 3 || !consecutive || !pairs.iter().all(|(_, t)| han_bigram(t)) {
            return (pairs, 1.0);
        }
        let last = pairs.len() - 1;
        let idf = |term: &Term| self.idf(term);
        let full: f32 = pairs.iter().map(|(_, t)| idf(t)).sum();
        let kept: Vec<(usize, Term)> = pairs
            .into_iter()
            .filter(|(offset, _)| offset % 2 == 0 || *offset == last)
            .collect();
        let cover: f32 = kept.iter().map(|(_, t)| idf(t)).sum();
        let scale = if cover > 0.0 { full / cover } else { 1.0 };
        (kept, scale)
    }

    /// tantivy's BM25 idf of `term`.
    fn idf(&self, term: &Term) -> f32 {
        let docs = Bm25StatisticsProvider::total_num_docs(self).unwrap_or(0);
        let df = Bm25StatisticsProvider::doc_freq(self, term).unwrap_or(0);
        idf(df, docs)
    }

    /// The idf sum of the terms a passage holding `folded` whole has in `field`: the weight of
    /// its phrase.
    fn phrase_weight(&self, field: Field, folded: &Folded) -> f32 {
        one_per_position(gram_terms(folded))
            .iter()
            .map(|t| self.idf(&Term::from_field_text(field, &t.text)))
            .sum()
    }

    /// Dictionary words contained in the query word, each as a BM25 term query. Words found
    /// in a large share of all passages (以上, 的) add little but would make every search
    /// score most of the index; the word's own phrase clause still finds them. With each, whether
    /// holding it is a partial match of the word: one character of a longer word is not.
    pub(super) fn word_terms(&self, field: Field, folded: &Folded) -> Vec<(Box<dyn Query>, bool)> {
        let key: String = folded
            .chars
            .iter()
            .filter(|c| is_significant(**c))
            .collect();
        dictionary_parts(folded, &key, self.searcher.num_docs(), &|t| {
            self.doc_freq(field, t)
        })
        .into_iter()
        .map(|(t, piece)| {
            let query = Box::new(TermQuery::new(
                Term::from_field_text(field, &t),
                IndexRecordOption::WithFreqs,
            )) as Box<dyn Query>;
            (query, piece)
        })
        .collect()
    }

    /// The word's whole-run matches in the passage text and in its context, built once and
    /// shared by its scoring clauses and, for `-word`, the exclusion.
    /// A word with numbers is held whole in any of its spellings (第12條, 第十二條), unless
    /// the spelling typed is common: it then fills the page on its own, and every other
    /// spelling would double the cost of the search.
    /// A year word is also held in its other calendar, and a word of a synonym group as any
    /// other word of it (see [`alternatives`]), whatever their frequency: they name the same
    /// thing, and the spelling typed still ranks first.
    pub(super) fn whole_word(&self, typed: &str, folded: &Folded) -> Option<WholeWord> {
        let f = &self.store.fields;
        let mut others = spellings(&folded.chars);
        let typed_is_rare = || {
            spelling_is_rare(
                &one_per_position(gram_terms(folded)),
                self.searcher.num_docs(),
                &|t| self.doc_freq(f.body_grams, t),
            )
        };
        if !others.is_empty() && !typed_is_rare() {
            others.clear();
        }
        others.extend(alternatives(typed, self.synonyms));
        let body = self.phrase(f.body_grams, folded)?;
        let context = self.phrase(f.context_grams, folded)?.0;
        let frame = self.phrase(f.frame_grams, folded)?.0;
        if others.is_empty() {
            return Some(WholeWord {
                body,
                other_spellings: None,
                context,
                frame,
            });
        }
        let others: Vec<Folded> = others.iter().map(|s| Folded::new(s)).collect();
        let mut bodies: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut contexts: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, context)];
        let mut frames: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, frame)];
        // Another spelling earns less BM25 than the one typed: 二百三十五万 has more and
        // rarer bigrams than 235万, which would otherwise outrank the spelling asked for.
        let typed = self.phrase_weight(f.body_grams, folded);
        for spelling in &others {
            if let Some((query, scale)) = self.phrase(f.body_grams, spelling) {
                let weight = self.phrase_weight(f.body_grams, spelling);
                let fair = OTHER_SPELLING * typed / weight.max(typed);
                bodies.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(query, scale * fair)),
                ));
            }
            if let Some((query, _)) = self.phrase(f.context_grams, spelling) {
                contexts.push((Occur::Should, query));
            }
            if let Some((query, _)) = self.phrase(f.frame_grams, spelling) {
                frames.push((Occur::Should, query));
            }
        }
        Some(WholeWord {
            body,
            other_spellings: (!bodies.is_empty())
                .then(|| Box::new(BooleanQuery::new(bodies)) as Box<dyn Query>),
            context: Box::new(BooleanQuery::new(contexts)),
            frame: Box::new(BooleanQuery::new(frames)),
        })
    }

    /// The reports whose title the query equals, folded, punctuation and spaces aside (a
    /// title typed as the query, its quotation marks and all), and their opening passages
    /// (RANKING.md: a title typed whole).
    fn titled_opening(&self, query: &str) -> Option<(Vec<u64>, Box<dyn Query>)> {
        let folded = Folded::new(query);
        let key: String = folded
            .chars
            .iter()
            .filter(|c| is_significant(**c))
            .collect();
        if key.chars().count() < 2 {
            return None;
        }
        let f = &self.store.fields;
        let (title_query, _) = self.phrase(f.title_grams, &Folded::new(&key))?;
        let found = self
            .searcher
            .search(&title_query, &tantivy::collector::DocSetCollector)
            .ok()?;
        if found.len() > MAX_TITLE_CANDIDATES {
            return None;
        }
        let mut keys = Vec::new();
        let mut openings: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for address in found {
            let Ok(doc) = self.searcher.doc::<tantivy::TantivyDocument>(address) else {
                continue;
            };
            let Ok(info) = self.store.payload::<crate::index::ReportInfo>(&doc) else {
                continue;
            };
            let title: String = Folded::new(&info.title)
                .chars
                .into_iter()
                .filter(|c| is_significant(*c))
                .collect();
            if title != key {
                continue;
            }
            keys.push(crate::index::report_key(&info.id));
            let opening = BooleanQuery::new(vec![
                (
                    Occur::Must,
                    Box::new(TermQuery::new(
                        self.store.report_term(&info.id),
                        IndexRecordOption::Basic,
                    )) as Box<dyn Query>,
                ),
                (
                    Occur::Must,
                    Box::new(TermQuery::new(
                        Term::from_field_u64(f.seq, 0),
                        IndexRecordOption::Basic,
                    )),
                ),
            ]);
            openings.push((Occur::Should, Box::new(opening)));
        }
        if keys.is_empty() {
            return None;
        }
        keys.sort_unstable();
        keys.dedup();
        Some((keys, Box::new(BooleanQuery::new(openings))))
    }

    /// Score bonuses for the passages of reports whose title contains some of the words:
    /// (report key, [`TITLE_WORD_PER_IDF`] × the word's idf per word found in its title), sorted by key.
    /// Also records, in each word, the keys of the reports whose title holds it.
    fn title_bonuses(&self, plan: &mut Plan) -> Vec<(u64, f32)> {
        let field = self.store.fields.title_grams;
        // The report's key comes from a column, not the stored document: no block of the doc
        // store is decompressed for this.
        let mut bonuses: Vec<(u64, f32)> = Vec::new();
        for word in plan.words.iter_mut().filter(|w| !w.excluded) {
            let Some((query, _)) = self.phrase(field, &word.folded) else {
                continue;
            };
            if let Ok(mut keys) = self.searcher.search(&query, &ReportKeys) {
                let bonus = TITLE_WORD_PER_IDF * word.rarity;
                bonuses.extend(keys.iter().map(|&key| (key, bonus)));
                keys.sort_unstable();
                keys.dedup();
                keys.retain(|&key| key != 0);
                // A word in the titles of many reports (行政院) says little about a
                // passage's subject, and would make the `all` level read every passage of
                // the query's words instead of leapfrogging between them.
                if keys.len() <= MAX_TITLED_REPORTS {
                    word.title_keys = keys;
                }
            }
        }
        bonuses.sort_by_key(|&(key, _)| key);
        bonuses.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                kept.1 += later.1;
            }
            same
        });
        bonuses.retain(|&(key, _)| key != 0);
        bonuses
    }
}

/// The words of a question and its linking bigrams (see [`linking_bigrams`]): its content
/// words, but for common single characters. In a large index a common character alone (論
/// of 君主論為誰所寫) is no word of the question: what it says is counted by the bigrams it
/// makes with its neighbours, and were it a word most passages would be candidates. A rare
/// one (渝 of 重慶簡稱渝) is a word. Local and engine search plan questions with it.
pub(crate) fn question_words(
    text: &str,
    docs: u64,
    words_df: &dyn Fn(&str) -> u64,
) -> (Vec<(String, usize, usize)>, Vec<String>) {
    let mut parts = content_words(text, docs, words_df);
    let links = linking_bigrams(text, &parts);
    if parts.iter().any(|(word, _, _)| !is_one_han_char(word)) {
        let small = docs / LONE_CHAR_SHARE < MIN_LONE_CHAR_DOCS;
        parts.retain(|(word, _, _)| {
            !is_one_han_char(word) || small || lone_char_is_rare(word, docs, words_df)
        });
    }
    (parts, links)
}

/// Whether a character standing alone in a question is rare: at most 1/[`LONE_CHAR_SHARE`]
/// of the passages hold it as a word. A rare one is held wherever it stands (渝 in 渝中區);
/// a common one, kept in a small index, only where the index holds it alone (項 of 30 項
/// for 多少項: anywhere, 項目 and 事項 would hold it too).
pub(crate) fn lone_char_is_rare(word: &str, docs: u64, words_df: &dyn Fn(&str) -> u64) -> bool {
    words_df(&Folded::new(word).text()) <= docs / LONE_CHAR_SHARE
}

/// The content words of a sentence, as typed: Han runs cut into the index's dictionary
/// words (the cut whose words are likeliest, as jieba cuts), letters and digits kept
/// whole; question words and particles dropped. With each, its byte range in `text`.
pub(crate) fn content_words(
    text: &str,
    docs: u64,
    words_df: &dyn Fn(&str) -> u64,
) -> Vec<(String, usize, usize)> {
    let folded = Folded::new(text);
    // Question words and particles, both lists.
    let (_, stops) = stop_words();
    let original = |start: usize, end: usize| {
        text[folded.byte_offsets[start]..folded.byte_offsets[end]].to_string()
    };
    let chars = &folded.chars;
    let mut parts = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let han = is_han(chars[i]);
        if !is_significant(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && is_significant(chars[i]) && is_han(chars[i]) == han {
            i += 1;
        }
        // A name in title marks (《論自由》, 〈出師表〉) is one word, whatever the dictionary cuts.
        let named = start > 0
            && matches!(chars[start - 1], '《' | '〈')
            && chars.get(i).is_some_and(|c| matches!(c, '》' | '〉'));
        if !han || named {
            parts.push((start, i));
            continue;
        }
        // Content words, with runs of single characters joined: a name the dictionary
        // does not know (陸特, 雷頓) is cut into its characters.
        let cut = cut(&chars[start..i], docs, words_df);
        let stop = |k: usize| {
            let (s, e) = cut[k];
            stops.contains(&chars[start + s..start + e].iter().collect::<String>())
        };
        let mut kept: Vec<(usize, usize)> = Vec::new();
        for (k, &(s, e)) in cut.iter().enumerate() {
            if stop(k) {
                continue;
            }
            match kept.last_mut() {
                Some(last) if e - s == 1 && last.1 == s && last.1 - last.0 == 1 => last.1 = e,
                _ => kept.push((s, e)),
            }
        }
        for (s, e) in kept {
            // Joined characters may spell a question word the dictionary lacks (多少).
            let word: String = chars[start + s..start + e].iter().collect();
            if !stops.contains(&word) {
                parts.push((start + s, start + e));
            }
        }
    }
    parts
        .into_iter()
        .map(|(s, e)| {
            (
                original(s, e),
                folded.byte_offsets[s],
                folded.byte_offsets[e],
            )
        })
        .collect()
}

/// The bigrams of a question's Han runs that touch a content word without lying inside
/// one: where a content word meets the next one, or a particle beside it (君主論為 → 主論,
/// 論為, with 論 a word of its own). `parts` are the content words with their byte ranges.
fn linking_bigrams(text: &str, parts: &[(String, usize, usize)]) -> Vec<String> {
    let folded = Folded::new(text);
    let content = |i: usize| {
        let b = folded.byte_offsets[i];
        parts.iter().position(|p| p.1 <= b && b < p.2)
    };
    let sig: Vec<usize> = (0..folded.chars.len())
        .filter(|&i| is_significant(folded.chars[i]))
        .collect();
    let mut out = Vec::new();
    for pair in sig.windows(2) {
        let (i, j) = (pair[0], pair[1]);
        if !is_han(folded.chars[i]) || !is_han(folded.chars[j]) {
            continue;
        }
        let (a, b) = (content(i), content(j));
        if (a.is_some() || b.is_some()) && (a != b) {
            out.push([folded.chars[i], folded.chars[j]].iter().collect());
        }
    }
    out
}

/// The likeliest cut of a Han run into dictionary words: the one maximising the sum of
/// log(document frequency / documents), each char alone being always allowed.
fn cut(run: &[char], docs: u64, doc_freq: &dyn Fn(&str) -> u64) -> Vec<(usize, usize)> {
    let (questions, _) = stop_words();
    let total = (docs as f64).max(1.0);
    let n = run.len();
    let mut best = vec![f64::NEG_INFINITY; n + 1];
    let mut from = vec![0; n + 1];
    best[0] = 0.0;
    for start in 0..n {
        if best[start] == f64::NEG_INFINITY {
            continue;
        }
        for len in 1..=MAX_WORD_CHARS.min(n - start) {
            let word: String = run[start..start + len].iter().collect();
            // A question word is a word whether or not the index holds it (哪一年).
            let df = match questions.contains(&word) {
                true => total as u64,
                false => doc_freq(&word),
            };
            if len > 1 && df == 0 {
                continue;
            }
            let score = best[start] + ((df as f64 + 1.0) / total).ln();
            if score > best[start + len] {
                best[start + len] = score;
                from[start + len] = start;
            }
        }
    }
    let mut cut = Vec::new();
    let mut end = n;
    while end > 0 {
        cut.push((from[end], end));
        end = from[end];
    }
    cut.reverse();
    cut
}

/// Whether a word's run may be matched without positions (all its terms present is then
/// enough): every term is a Han bigram in a large share of the index (行政院), where reading
/// positions costs more than it is worth. Never for numbers or single characters: the same
/// ones in another order (104年7月1日 for 104年1月1日) would be a false match.
pub(crate) fn matched_without_positions(
    terms: &[crate::analysis::analyzer::Term],
    docs: u64,
    doc_freq: &dyn Fn(&str) -> u64,
) -> bool {
    let max_df = (docs / COMMON_PHRASE_SHARE).max(MIN_COMMON_DOCS);
    terms.iter().all(|t| {
        t.text.chars().count() == 2 && t.text.chars().all(is_han) && doc_freq(&t.text) > max_df
    })
}

/// Whether the spelling typed is rare enough for the other spellings of its numbers to be
/// searched too: some term of it is in few passages.
pub(crate) fn spelling_is_rare(
    terms: &[crate::analysis::analyzer::Term],
    docs: u64,
    doc_freq: &dyn Fn(&str) -> u64,
) -> bool {
    let rare = (docs / RARE_SPELLING_SHARE).max(MIN_RARE_SPELLING_DOCS);
    terms.iter().any(|t| doc_freq(&t.text) <= rare)
}

/// The dictionary words inside a query word (all but `key`, the word itself, whose whole run
/// scores on its own), each with whether holding it is a partial match of the word: one
/// character of a longer word is not. Every dictionary word inside scores, as jieba's search
/// mode indexed every one of them (处理 inside 待处理 too); words in a large share of all
/// passages (以上, 的) add little but would make every search score most of the index.
pub(crate) fn dictionary_parts(
    folded: &Folded,
    key: &str,
    docs: u64,
    doc_freq: &dyn Fn(&str) -> u64,
) -> Vec<(String, bool)> {
    let word_chars = folded.chars.iter().filter(|c| is_significant(**c)).count();
    let (han_runs, alnum) = query_pieces(folded);
    let max_df = (docs / COMMON_TERM_SHARE).max(1000);
    let mut texts: Vec<String> = Vec::new();
    for (start, end) in han_runs {
        let chars = &folded.chars[start..end];
        let mut covered = vec![false; chars.len()];
        for len in (2..=chars.len().min(MAX_WORD_CHARS)).rev() {
            for i in 0..=chars.len() - len {
                let s: String = chars[i..i + len].iter().collect();
                let df = doc_freq(&s);
                if df > 0 {
                    covered[i..i + len].iter_mut().for_each(|c| *c = true);
                    if df <= max_df {
                        texts.push(s);
                    }
                }
            }
        }
        for (i, c) in chars.iter().enumerate() {
            let s = c.to_string();
            if !covered[i] && doc_freq(&s) <= max_df {
                texts.push(s);
            }
        }
    }
    texts.extend(
        alnum
            .into_iter()
            .map(|t| t.text)
            .filter(|t| doc_freq(t) <= max_df),
    );
    texts.sort();
    texts.dedup();
    // A one-character word's whole match is unscored (see `Searching::one_char`): its own
    // dictionary term gives its BM25.
    if word_chars > 1 {
        texts.retain(|t| t != key);
    }
    texts
        .into_iter()
        .map(|t| {
            let piece = word_chars <= 1 || t.chars().count() >= 2;
            (t, piece)
        })
        .collect()
}

/// The terms that a passage holding the word must have at each position: where several
/// share one (a number's value, its digits as written, its parts), the one covering most of
/// the word from the earliest char, so `235万` asks for 2350000, which `2,350,000` also gives.
pub(crate) fn one_per_position(
    mut terms: Vec<crate::analysis::analyzer::Term>,
) -> Vec<crate::analysis::analyzer::Term> {
    terms.sort_by(|a, b| {
        (a.position, a.char_start)
            .cmp(&(b.position, b.char_start))
            .then(b.char_end.cmp(&a.char_end))
    });
    terms.dedup_by(|later, kept| later.position == kept.position);
    terms
}

/// Whether a query word holds a question mark: it asks, whatever passages hold.
pub(crate) fn asks(text: &str) -> bool {
    text.chars().any(|c| QUESTION_MARKS.contains(&c))
}

/// Whether a query word was typed as a sentence: it asks (a question mark or question
/// word), or is longer than any dictionary word.
pub(crate) fn is_sentence(text: &str) -> bool {
    let folded = Folded::new(text);
    let han = folded.chars.iter().filter(|c| is_han(**c)).count();
    if han >= SENTENCE_HAN_CHARS || text.chars().any(|c| QUESTION_MARKS.contains(&c)) {
        return true;
    }
    if han < 3 {
        return false;
    }
    let folded: String = folded.chars.iter().collect();
    stop_words()
        .0
        .iter()
        .any(|q| q.chars().count() > 1 && folded.contains(q.as_str()))
}

// RANKING.md: numbers and dates in any spelling
/// What a query word is also searched as, besides its number spellings: a year word in its
/// other calendar (`民國106年` → `2017年`, `106年`), then the other words of its synonym groups
/// (`北市府` → `臺北市政府` …), then its Taiwan/mainland phrase variants (`軟件` → `軟體`,
/// `計畫` → `計劃`, see [`variants`]). `analyze` shows them.
pub fn alternatives(typed: &str, synonyms: &Synonyms) -> Vec<String> {
    let folded: String = Folded::new(typed).chars.iter().collect();
    let mut out = year_spellings(&folded);
    out.extend(date_spellings(&folded));
    out.extend(synonyms.alternatives(typed));
    for variant in variants(typed) {
        if !out
            .iter()
            .any(|o| synonyms::key(o) == synonyms::key(&variant))
        {
            out.push(variant);
        }
    }
    out
}

/// Whether a term is one Han character.
pub(crate) fn is_one_han_char(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(is_han) && chars.next().is_none()
}

/// tantivy's BM25 idf (crate-private there), so that scales computed with it are exact.
pub(crate) fn idf(df: u64, docs: u64) -> f32 {
    let df = df.min(docs);
    let x = ((docs - df) as f32 + 0.5) / (df as f32 + 0.5);
    (1.0 + x).ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_and_how_many_with_a_measure_word_ask() {
        let known: Vec<String> = [
            "城市", "位於", "臺灣", "北端", "明治", "時期", "開始", "議員", "議會",
        ]
        .iter()
        .map(|w| Folded::new(w).text())
        .collect();
        let df = |word: &str| u64::from(known.iter().any(|k| k == word));
        let words = |text: &str| -> Vec<String> {
            content_words(text, 100, &df)
                .into_iter()
                .map(|(word, _, _)| word)
                .collect()
        };
        assert_eq!(
            words("哪一座城市位於臺灣最北端？"),
            ["城市", "位於", "臺灣", "最", "北端"]
        );
        assert_eq!(words("明治時期於何年開始?"), ["明治", "時期", "開始"]);
        assert_eq!(words("議會共計有幾位議員?"), ["議會", "共計", "議員"]);
    }
}
