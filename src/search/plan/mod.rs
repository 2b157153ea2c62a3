//! Query plan: the parsed query and the index → every query word analysed once per search:
//! its whole-run queries (text and context), how rare it is, its dictionary parts, the report
//! titles that hold it, and what snippets mark. A word typed as a whole sentence (a question)
//! is first split into its content words; question words and particles are dropped.
//!
//! Every match level and the facet count build their queries from the same plan, so a
//! passage scores the same whichever of them finds it. The rules are kept by concern:
//! [`questions`] (a sentence cut into its content words), [`numbers`] (other spellings of a
//! word's numbers, dates and synonyms), [`names`] (report titles), [`terms`] (which terms a
//! word is matched and scored by); this file puts them together into one [`Plan`].

mod names;
mod numbers;
pub mod outline;
mod questions;
pub(crate) mod statistics;
mod terms;

use anyhow::Result;
use tantivy::Term;
use tantivy::query::Occur;
use tantivy::query::{Bm25StatisticsProvider, BooleanQuery, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};

use crate::analysis::analyzer::{Folded, gram_terms, is_han};
use crate::analysis::numerals::spellings;
use crate::search::char_docs::CharDocs;
use crate::search::query::parse_query;
use crate::search::{Level, Searching};
use outline::{Cut, cut, is_question};
pub(crate) use statistics::{StatField, Statistics};

pub(crate) use names::{
    MAX_TITLE_CANDIDATES, MAX_TITLED_REPORTS, TITLE_QUERY_BONUS, TITLE_WORD_PER_IDF,
};
pub use numbers::alternatives;
pub(crate) use numbers::{OTHER_SPELLING, searched_spellings};
pub(crate) use questions::{asks, is_sentence, lone_char_is_rare, question_words};
pub(crate) use terms::{
    MAX_WORD_CHARS, dictionary_parts, idf, is_one_han_char, matched_without_positions,
    one_per_position,
};

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

// RANKING.md: match level first
/// The match levels a search reads, in order, for a query of `positive` words (not
/// excluded): `some` only where there is more than one word to hold.
pub(crate) fn levels(positive: usize) -> &'static [Level] {
    if positive > 1 {
        &[Level::All, Level::Some, Level::Partial]
    } else {
        &[Level::All, Level::Partial]
    }
}

/// The opening passages of the reports whose title a query equals: the reports' keys, sorted,
/// and one query finding those passages.
pub(super) type Opening = (Vec<u64>, Box<dyn Query>);

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
    pub opening: Option<Opening>,
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
    pub(super) fn plan(&self, query: &str) -> Result<Plan> {
        let typed = parse_query(query);
        let mut questions = Vec::with_capacity(typed.len());
        for word in &typed {
            questions.push(is_question(word, |text| self.is_held_whole(text))?);
        }
        let Cut {
            words: typed,
            links: link_texts,
            asked,
            neighbours,
        } = cut(typed, &questions, self)?;
        let num_docs = self.searcher.num_docs();
        let words: Vec<PlannedWord> = typed
            .into_iter()
            .map(|w| {
                let folded = Folded::new(&w.text);
                let held_alone = asked.contains(&folded.chars)
                    && is_one_han_char(&w.text)
                    && !lone_char_is_rare(&w.text, self)?;
                let whole = match held_alone {
                    true => self.alone(&folded),
                    false => self.whole_word(&w.text, &folded)?,
                };
                let df = self.whole_doc_freq(&folded)?;
                let parts = match w.excluded {
                    true => Vec::new(),
                    false => self.word_terms(self.store.fields.body_words, &folded)?,
                };
                let rarity = idf(df, num_docs);
                let run_weight = self.phrase_weight(self.store.fields.body_grams, &folded)?;
                Ok(PlannedWord {
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
                })
            })
            .collect::<Result<_>>()?;
        let together = self.together(&neighbours)?;
        let links = self.links(link_texts)?;
        let mut plan = Plan {
            words,
            together,
            links,
            report_bonuses: Vec::new(),
            opening: None,
            marked: Vec::new(),
        };
        plan.opening = self.titled_opening(query)?;
        // Title bonuses only add to the score of passages that are candidates anyway.
        if plan.positive().count() > 1 {
            plan.report_bonuses = self.title_bonuses(&mut plan)?;
        }
        plan.marked = plan
            .positive()
            .flat_map(|w| {
                std::iter::once(w.text.clone())
                    .chain(spellings(&w.folded.chars))
                    .chain(alternatives(&w.text, self.synonyms))
            })
            .collect();
        Ok(plan)
    }

    /// Neighbouring words of a question found next to each other (南寧 會議 as 南寧會議): the
    /// bigrams the two make together, beyond those each makes alone, count as a word would
    /// (bonus in proportion to their idf), as BM25 over bigrams would count them.
    fn together(
        &self,
        neighbours: &[(String, String, String)],
    ) -> Result<Vec<(Box<dyn Query>, f32)>> {
        let field = self.store.fields.body_grams;
        let weight = |text: &str| self.phrase_weight(field, &Folded::new(text));
        let mut out = Vec::new();
        for (first, second, both) in neighbours {
            let extra = weight(both)? - weight(first)? - weight(second)?;
            if let Some((query, _)) = self.phrase(field, &Folded::new(both))?
                && extra > 0.0
            {
                out.push((query, extra));
            }
        }
        Ok(out)
    }

    /// The linking bigrams of a question that some passage holds, as BM25 term queries: they
    /// count as BM25 over bigrams counts them (主論 of 君主論為誰所寫 says the passage holds
    /// 君主論; 之父 of 科學之父是誰, that it holds 之父 beside 科學), with no bonus and no say in
    /// the match level, since a bigram across a particle is no word.
    fn links(&self, mut texts: Vec<String>) -> Result<Vec<Box<dyn Query>>> {
        let field = self.store.fields.body_grams;
        texts.sort();
        texts.dedup();
        let mut out: Vec<Box<dyn Query>> = Vec::new();
        for text in &texts {
            if self.doc_freq(field, text)? > 0 {
                out.push(Box::new(TermQuery::new(
                    Term::from_field_text(field, text),
                    IndexRecordOption::WithFreqs,
                )));
            }
        }
        Ok(out)
    }

    /// Documents holding the word whole, at most: those holding its rarest term (the word
    /// itself when the dictionary has it).
    fn whole_doc_freq(&self, folded: &Folded) -> Result<u64> {
        let f = &self.store.fields;
        let key = folded.significant();
        let as_word = self.doc_freq(f.body_words, &key)?;
        if as_word > 0 {
            return Ok(as_word);
        }
        let mut rarest: Option<u64> = None;
        for t in one_per_position(gram_terms(folded)) {
            let df = self.doc_freq(f.body_grams, &t.text)?;
            rarest = Some(rarest.map_or(df, |r| r.min(df)));
        }
        Ok(rarest.unwrap_or(0))
    }

    /// Whether some report title or passage holds a long word whole: it is then a name
    /// (內政部彰化老人養護中心辦事細則, a regulation's title), not a sentence to cut.
    fn is_held_whole(&self, text: &str) -> Result<bool> {
        let folded = Folded::new(text);
        let f = &self.store.fields;
        for field in [f.title_grams, f.body_grams] {
            if let Some((query, _)) = self.phrase(field, &folded)?
                && self.searcher.search(&query, &tantivy::collector::Count)? > 0
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Passages containing the word: on the body field (which has positions) its bigrams
    /// and alphanumeric terms as a phrase, punctuation and spaces aside; on the short context
    /// and title fields, all of those terms present. With the query, the factor by which its
    /// BM25 must be multiplied to equal the full phrase's (see [`Self::phrase_cover`]).
    pub(super) fn phrase(
        &self,
        field: Field,
        folded: &Folded,
    ) -> Result<Option<(Box<dyn Query>, f32)>> {
        let terms = one_per_position(gram_terms(folded));
        if let [only] = terms.as_slice()
            && is_one_han_char(&only.text)
        {
            return Ok(Some((self.one_char(field, &only.text), 0.0)));
        }
        let Some(first) = terms.first().map(|t| t.position) else {
            return Ok(None);
        };
        // Only the text field has positions to spare.
        if field == self.store.fields.body_grams && !matched_without_positions(&terms, self)? {
            let pairs: Vec<(usize, Term)> = terms
                .iter()
                .map(|t| (t.position - first, Term::from_field_text(field, &t.text)))
                .collect();
            if pairs.len() > 1 {
                let (pairs, scale) = self.phrase_cover(pairs)?;
                return Ok(Some((Box::new(PhraseQuery::new_with_offset(pairs)), scale)));
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
        Ok(Some((Box::new(BooleanQuery::new(clauses)), 1.0)))
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
    fn phrase_cover(&self, pairs: Vec<(usize, Term)>) -> Result<(Vec<(usize, Term)>, f32)> {
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
            return Ok((pairs, 1.0));
        }
        let last = pairs.len() - 1;
        let mut full = 0.0;
        for (_, t) in &pairs {
            full += self.idf(t)?;
        }
        let kept: Vec<(usize, Term)> = pairs
            .into_iter()
            .filter(|(offset, _)| offset % 2 == 0 || *offset == last)
            .collect();
        let mut cover = 0.0;
        for (_, t) in &kept {
            cover += self.idf(t)?;
        }
        let scale = if cover > 0.0 { full / cover } else { 1.0 };
        Ok((kept, scale))
    }

    /// tantivy's BM25 idf of `term`.
    fn idf(&self, term: &Term) -> Result<f32> {
        let docs = Bm25StatisticsProvider::total_num_docs(self)?;
        let df = Bm25StatisticsProvider::doc_freq(self, term)?;
        Ok(idf(df, docs))
    }

    /// The idf sum of the terms a passage holding `folded` whole has in `field`: the weight of
    /// its phrase.
    pub(super) fn phrase_weight(&self, field: Field, folded: &Folded) -> Result<f32> {
        let mut sum = 0.0;
        for t in one_per_position(gram_terms(folded)) {
            sum += self.idf(&Term::from_field_text(field, &t.text))?;
        }
        Ok(sum)
    }

    /// Dictionary words contained in the query word, each as a BM25 term query. Words found
    /// in a large share of all passages (以上, 的) add little but would make every search
    /// score most of the index; the word's own phrase clause still finds them. With each, whether
    /// holding it is a partial match of the word: one character of a longer word is not.
    pub(super) fn word_terms(
        &self,
        field: Field,
        folded: &Folded,
    ) -> Result<Vec<(Box<dyn Query>, bool)>> {
        let key = folded.significant();
        Ok(dictionary_parts(folded, &key, self)?
            .into_iter()
            .map(|(t, piece)| {
                let query = Box::new(TermQuery::new(
                    Term::from_field_text(field, &t),
                    IndexRecordOption::WithFreqs,
                )) as Box<dyn Query>;
                (query, piece)
            })
            .collect())
    }
}

impl Statistics for Searching<'_> {
    fn docs(&self) -> u64 {
        self.searcher.num_docs()
    }

    fn doc_freq(&self, field: StatField, term: &str) -> Result<u64> {
        let f = &self.store.fields;
        let field = match field {
            StatField::BodyWords => f.body_words,
            StatField::BodyGrams => f.body_grams,
        };
        Ok(Searching::doc_freq(self, field, term)?)
    }
}
