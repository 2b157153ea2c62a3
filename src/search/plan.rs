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
use crate::analysis::synonyms::Synonyms;
use crate::report::roc::year_spellings;
use crate::search::Searching;
use crate::search::query::{QueryWord, parse_query};
use crate::search::sum_query::ReportKeys;

/// Bonus for each query word found in the title of the passage's report, per unit of the
/// word's idf: a report about 大眾捷運 makes its table rows answers to a query that names
/// 大眾捷運.
pub(crate) const TITLE_WORD_PER_IDF: f32 = 2.0;
/// Most reports whose title may hold a word for the match level (see [`PlannedWord::title_keys`]).
pub(crate) const MAX_TITLED_REPORTS: usize = 1000;
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

/// Folded forms of [`QUESTION_WORDS`] (`.0`) and of both lists (`.1`).
fn stop_words() -> &'static (HashSet<String>, HashSet<String>) {
    static WORDS: OnceLock<(HashSet<String>, HashSet<String>)> = OnceLock::new();
    WORDS.get_or_init(|| {
        let fold = |w: &&str| Folded::new(w).chars.iter().collect::<String>();
        let questions: HashSet<String> = QUESTION_WORDS.iter().map(fold).collect();
        let all = QUESTION_WORDS.iter().chain(PARTICLES).map(fold).collect();
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
    /// (report key, bonus) for the reports whose title holds query words, sorted by key.
    pub report_bonuses: Vec<(u64, f32)>,
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
        for word in parse_query(query) {
            if word.excluded || word.required || !is_sentence(&word.text) {
                typed.push(word);
                continue;
            }
            let parts = self.content_words(&word.text);
            if parts.is_empty() {
                typed.push(word);
                continue;
            }
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
                let whole = self.whole_word(&w.text, &folded);
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
        let mut plan = Plan {
            words,
            together,
            report_bonuses: Vec::new(),
            marked: Vec::new(),
        };
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

    /// The content words of a sentence (see [`content_words`]), cut by the index's dictionary.
    fn content_words(&self, text: &str) -> Vec<(String, usize, usize)> {
        let f = &self.store.fields;
        content_words(
            text,
            self.searcher.num_docs(),
            &|word| self.doc_freq(f.body_words, word),
            &|pair| self.doc_freq(f.body_grams, pair),
        )
    }

    /// Passages containing the word: on the body field (which has positions) its bigrams
    /// and alphanumeric terms as a phrase, punctuation and spaces aside; on the short context
    /// and title fields, all of those terms present. With the query, the factor by which its
    /// BM25 must be multiplied to equal the full phrase's (see [`Self::phrase_cover`]).
    fn phrase(&self, field: Field, folded: &Folded) -> Option<(Box<dyn Query>, f32)> {
        let terms = one_per_position(gram_terms(folded));
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
        if others.is_empty() {
            return Some(WholeWord {
                body,
                other_spellings: None,
                context,
            });
        }
        let others: Vec<Folded> = others.iter().map(|s| Folded::new(s)).collect();
        let mut bodies: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut contexts: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, context)];
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
        }
        Some(WholeWord {
            body,
            other_spellings: (!bodies.is_empty())
                .then(|| Box::new(BooleanQuery::new(bodies)) as Box<dyn Query>),
            context: Box::new(BooleanQuery::new(contexts)),
        })
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

/// The content words of a sentence, as typed: Han runs cut into the index's dictionary
/// words (the cut whose words are likeliest, as jieba cuts), letters and digits kept
/// whole; question words and particles dropped. With each, its byte range in `text`.
pub(crate) fn content_words(
    text: &str,
    docs: u64,
    words_df: &dyn Fn(&str) -> u64,
    grams_df: &dyn Fn(&str) -> u64,
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
        if !han {
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
        // A single character left alone (父 of 科學之父) is no word the index can hold
        // whole: it takes the particle beside it (之父), the side more passages hold.
        let (questions, _) = stop_words();
        let particle = |k: usize| {
            let (s, e) = cut[k];
            let word: String = chars[start + s..start + e].iter().collect();
            e - s == 1 && stop(k) && !questions.contains(&word)
        };
        // Characters before this are taken by earlier words: a particle between two
        // single characters goes to one of them only.
        let mut taken = 0;
        for n in 0..kept.len() {
            let next_start = kept.get(n + 1).map_or(usize::MAX, |w| w.0);
            let word = &mut kept[n];
            let Some(k) = cut.iter().position(|&(s, _)| s == word.0) else {
                continue;
            };
            if word.1 - word.0 != 1 {
                taken = word.1;
                continue;
            }
            let pair_df = |s: usize, e: usize| {
                let pair: String = chars[start + s..start + e].iter().collect();
                grams_df(&pair)
            };
            let left =
                (k > 0 && particle(k - 1) && word.0 > taken).then(|| pair_df(word.0 - 1, word.1));
            let right = (k + 1 < cut.len() && particle(k + 1) && word.1 < next_start)
                .then(|| pair_df(word.0, word.1 + 1));
            match (left, right) {
                (Some(l), r) if l > 0 && l >= r.unwrap_or(0) => word.0 -= 1,
                (_, Some(r)) if r > 0 => word.1 += 1,
                _ => {}
            }
            taken = word.1;
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
    texts.retain(|t| t != key);
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

/// What a query word is also searched as, besides its number spellings: a year word in its
/// other calendar (`民國106年` → `2017年`, `106年`), then the other words of its synonym groups
/// (`北市府` → `臺北市政府` …). `analyze` shows them.
pub fn alternatives(typed: &str, synonyms: &Synonyms) -> Vec<String> {
    let folded: String = Folded::new(typed).chars.iter().collect();
    let mut out = year_spellings(&folded);
    out.extend(synonyms.alternatives(typed));
    out
}

/// tantivy's BM25 idf (crate-private there), so that scales computed with it are exact.
pub(crate) fn idf(df: u64, docs: u64) -> f32 {
    let df = df.min(docs);
    let x = ((docs - df) as f32 + 0.5) / (df as f32 + 0.5);
    (1.0 + x).ln()
}
