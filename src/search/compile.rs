//! The local executor's queries: a query's [`Outline`] (what to match, how, and what each
//! match earns, decided by `plan/`) and the index → a [`Plan`] of tantivy queries, built
//! once per search and shared by every match level and the facet counts.
//!
//! Nothing here decides a rule: a word's tokens are matched as the outline's [`Matched`]
//! says, its weights are the outline's, and the only numbers computed are tantivy's own
//! (the factor bringing a shortened phrase's BM25 back to the full phrase's). [`clauses`]
//! (crate::search::clauses) turns a plan into one level's query.

use anyhow::Result;
use tantivy::Term;
use tantivy::query::{
    Bm25StatisticsProvider, BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};

use crate::analysis::analyzer::is_han;
use crate::search::any_of::AnyOf;
use crate::search::char_docs::CharDocs;
use crate::search::plan::outline::{Matched, Outline, OutlineWord, TitleProbe, Token};
use crate::search::plan::{idf, is_one_han_char};
use crate::search::sum_query::ReportKeys;
use crate::search::{Level, Searching, report_titles};

/// A word's whole-run queries.
pub(super) struct WholeWord {
    /// In the passage text, as typed, with the factor that brings a shortened phrase's BM25
    /// back to the full phrase's.
    pub body: (Box<dyn Query>, f32),
    /// In the passage text, in its other spellings (第十二條 for 第12條), each boosted by its
    /// BM25 factor.
    pub other_spellings: Option<Box<dyn Query>>,
    /// In the passage's context, in any spelling.
    pub context: Box<dyn Query>,
    /// In a table row's caption or column headers (see [`crate::report::passage::Passage::frame`]),
    /// in any spelling.
    pub frame: Box<dyn Query>,
}

impl WholeWord {
    /// The text queries: the spelling typed, then the others.
    pub fn bodies(&self) -> impl Iterator<Item = &dyn Query> {
        std::iter::once(self.body.0.as_ref()).chain(self.other_spellings.as_deref())
    }
}

/// One query word of the outline, with its queries.
pub(super) struct PlannedWord {
    /// What to match and what each match earns.
    pub word: OutlineWord,
    /// `None`: the word has nothing to match (no letter, digit or ideograph).
    pub whole: Option<WholeWord>,
    /// Keys of the reports whose title holds the word, sorted, where the outline counts them
    /// for the match level ([`OutlineWord::titled`]).
    pub title_keys: Vec<u64>,
    /// The dictionary words inside it, each with whether holding it is a partial match.
    pub parts: Vec<(Box<dyn Query>, bool)>,
}

/// The opening passages of the reports whose title a query equals: the reports' keys, sorted,
/// and one query finding those passages.
pub(super) type Opening = (Vec<u64>, Box<dyn Query>);

/// Everything one search runs, for every level.
pub(super) struct Plan {
    pub words: Vec<PlannedWord>,
    /// Neighbouring words of a question held together, each with its bonus.
    pub together: Vec<(Box<dyn Query>, f32)>,
    /// A question's linking bigrams some passage holds, each a BM25 term query.
    pub links: Vec<Box<dyn Query>>,
    /// (report key, bonus) for the reports whose title holds query words, sorted by key.
    pub report_bonuses: Vec<(u64, f32)>,
    /// The opening passages of the reports whose title the whole query equals.
    pub opening: Option<Opening>,
    /// What their opening passage earns.
    pub opening_bonus: f32,
    /// What a passage whose place names every word earns (see [`Outline::place_bonus`]).
    pub place_bonus: Option<f32>,
    /// The match levels to read, in order.
    pub levels: &'static [Level],
    /// What snippets mark.
    pub marked: Vec<String>,
}

impl Plan {
    pub fn positive(&self) -> impl Iterator<Item = &PlannedWord> {
        self.words.iter().filter(|w| !w.word.excluded)
    }
}

impl Searching<'_> {
    /// The queries of `outline`; `titles[i]`: the keys of the reports word `i`'s title query
    /// found (see [`Self::titled_reports`]), sorted, where the query has several words.
    pub(super) fn compile(
        &self,
        outline: Outline,
        titles: &[Option<Vec<u64>>],
        opening: Option<Opening>,
    ) -> Result<Plan> {
        let levels = outline.levels();
        let f = &self.store.fields;
        let mut bonuses: Vec<(u64, f32)> = Vec::new();
        let mut words = Vec::with_capacity(outline.words.len());
        for (i, word) in outline.words.into_iter().enumerate() {
            let mut title_keys = Vec::new();
            if let (Some(Some(found)), Some(bonus)) = (titles.get(i), word.title_bonus) {
                bonuses.extend(found.iter().map(|&key| (key, bonus)));
                if word.titled {
                    title_keys = found.clone();
                }
            }
            let parts = word
                .parts
                .iter()
                .map(|part| {
                    let query = Box::new(TermQuery::new(
                        Term::from_field_text(f.body_words, &part.term),
                        IndexRecordOption::WithFreqs,
                    )) as Box<dyn Query>;
                    (query, part.partial)
                })
                .collect();
            words.push(PlannedWord {
                whole: self.whole_word(&word)?,
                word,
                title_keys,
                parts,
            });
        }
        // Each word's keys are sorted already: the stable sort merges their runs.
        bonuses.sort_by_key(|&(key, _)| key);
        bonuses.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                kept.1 += later.1;
            }
            same
        });
        bonuses.retain(|&(key, _)| key != 0);
        let mut together = Vec::new();
        for pair in &outline.together {
            if let Some((query, _)) = self.matching(f.body_grams, &pair.tokens, pair.matched)? {
                together.push((query, pair.bonus));
            }
        }
        let mut links: Vec<Box<dyn Query>> = Vec::new();
        for text in &outline.links {
            // A bigram no passage holds scores nothing: no query to run.
            if self.doc_freq(f.body_grams, text)? > 0 {
                links.push(Box::new(TermQuery::new(
                    Term::from_field_text(f.body_grams, text),
                    IndexRecordOption::WithFreqs,
                )));
            }
        }
        Ok(Plan {
            words,
            together,
            links,
            report_bonuses: bonuses,
            opening,
            opening_bonus: outline.opening_bonus,
            place_bonus: outline.place_bonus,
            levels,
            marked: outline.marked,
        })
    }

    /// The keys of the reports whose title holds `tokens` as `matched` says, one per passage
    /// read (a report's key repeats): each earns the word's title bonus.
    pub(super) fn titled_reports(&self, tokens: &[Token], matched: Matched) -> Result<Vec<u64>> {
        let field = self.store.fields.title_grams;
        // The report's key comes from a column, not the stored document: no block of the doc
        // store is decompressed for this.
        Ok(match self.matching(field, tokens, matched)? {
            Some((query, _)) => self.searcher.search(&query, &ReportKeys)?,
            None => Vec::new(),
        })
    }

    /// The word's whole-run matches in the passage text, its context and its frame, built
    /// once and shared by its scoring clauses and, for `-word`, the exclusion: as typed, and
    /// in each other spelling the outline searches.
    fn whole_word(&self, word: &OutlineWord) -> Result<Option<WholeWord>> {
        let f = &self.store.fields;
        let matching = |field: Field| self.matching(field, &word.tokens, word.matched);
        let Some(body) = matching(f.body_grams)? else {
            return Ok(None);
        };
        let Some((context, _)) = matching(f.context_grams)? else {
            return Ok(None);
        };
        let Some((frame, _)) = matching(f.frame_grams)? else {
            return Ok(None);
        };
        if word.others.is_empty() {
            return Ok(Some(WholeWord {
                body,
                other_spellings: None,
                context,
                frame,
            }));
        }
        let mut bodies: Vec<Box<dyn Query>> = Vec::new();
        let mut contexts: Vec<Box<dyn Query>> = vec![context];
        let mut frames: Vec<Box<dyn Query>> = vec![frame];
        for spelling in &word.others {
            let matching = |field: Field| self.matching(field, &spelling.tokens, spelling.matched);
            if let Some((query, scale)) = matching(f.body_grams)? {
                bodies.push(Box::new(BoostQuery::new(query, scale * spelling.fair)));
            }
            if let Some((query, _)) = matching(f.context_grams)? {
                contexts.push(query);
            }
            if let Some((query, _)) = matching(f.frame_grams)? {
                frames.push(query);
            }
        }
        Ok(Some(WholeWord {
            body,
            other_spellings: (!bodies.is_empty())
                .then(|| Box::new(AnyOf::new(bodies)) as Box<dyn Query>),
            context: Box::new(AnyOf::new(contexts)),
            frame: Box::new(AnyOf::new(frames)),
        }))
    }

    /// Passages holding `tokens` in `field` as `matched` says: on the body field (which has
    /// positions) a phrase, elsewhere and for [`Matched::AllTerms`] all terms present, and a
    /// lone Han character as every term holding it. With the query, the factor by which its
    /// BM25 must be multiplied to equal the full phrase's (see [`Self::phrase_cover`]).
    /// `None`: no token to match.
    pub(super) fn matching(
        &self,
        field: Field,
        tokens: &[Token],
        matched: Matched,
    ) -> Result<Option<(Box<dyn Query>, f32)>> {
        let Some(first) = tokens.first().map(|t| t.position) else {
            return Ok(None);
        };
        let term = |text: &str| Term::from_field_text(field, text);
        match (matched, tokens) {
            (Matched::Char(c), _) => return Ok(Some((self.one_char(field, c), 0.0))),
            // One Han character as a phrase is the character where the index holds it alone
            // (between punctuation, beside a number).
            (Matched::Phrase, [only]) if is_one_han_char(&only.text) => {
                let query = TermQuery::new(term(&only.text), IndexRecordOption::WithFreqs);
                return Ok(Some((Box::new(query), 1.0)));
            }
            // Only the text field has positions to spare.
            (Matched::Phrase, _) if field == self.store.fields.body_grams && tokens.len() > 1 => {
                let pairs: Vec<(usize, Term)> = tokens
                    .iter()
                    .map(|t| (t.position - first, term(&t.text)))
                    .collect();
                let (pairs, scale) = self.phrase_cover(pairs)?;
                return Ok(Some((Box::new(PhraseQuery::new_with_offset(pairs)), scale)));
            }
            _ => {}
        }
        let mut texts: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
        texts.sort();
        texts.dedup();
        let clauses: Vec<(Occur, Box<dyn Query>)> = texts
            .into_iter()
            .map(|t| {
                let q: Box<dyn Query> =
                    Box::new(TermQuery::new(term(t), IndexRecordOption::WithFreqs));
                (Occur::Must, q)
            })
            .collect();
        Ok(Some((Box::new(BooleanQuery::new(clauses)), 1.0)))
    }

    /// Passages holding one Han character anywhere (牆 in 「牆」, 圍牆 or 牆壁): bigrams index
    /// a character beside others only in pairs, so the query is every term of `field` that
    /// is the character alone or a bigram holding it — a walk of the term dictionary that
    /// only follows entries holding it. Constant score: the character's BM25 comes from its
    /// dictionary word (a part).
    fn one_char(&self, field: Field, c: char) -> Box<dyn Query> {
        // A Han character is no regex metacharacter.
        let pattern = format!("{c}.?|.{c}");
        // Found once per search and shared by the levels (see [`CharDocs`]).
        match CharDocs::new(&pattern, field) {
            Ok(query) => Box::new(query),
            Err(_) => Box::new(TermQuery::new(
                Term::from_field_text(field, &c.to_string()),
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

    /// The reports whose title the query equals, folded, punctuation and spaces aside (a
    /// title typed as the query, its quotation marks and all), and their opening passages
    /// (RANKING.md: a title typed whole).
    pub(super) fn titled_opening(&self, probe: &TitleProbe) -> Result<Option<Opening>> {
        let f = &self.store.fields;
        let Some((title_query, _)) =
            self.matching(f.title_grams, &probe.tokens, Matched::AllTerms)?
        else {
            return Ok(None);
        };
        let found = self
            .searcher
            .search(&title_query, &tantivy::collector::DocSetCollector)?;
        if found.len() > probe.max_candidates {
            return Ok(None);
        }
        let mut keys = Vec::new();
        let mut openings: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for address in found {
            // Read from the doc store once per segment, then kept (see `report_titles`).
            let Some(info) = report_titles::of(self.store, self.searcher, address) else {
                continue;
            };
            if info.key != probe.key {
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
            return Ok(None);
        }
        keys.sort_unstable();
        keys.dedup();
        Ok(Some((keys, Box::new(BooleanQuery::new(openings)))))
    }
}

/// The distinct reports of keys found (0: a passage of no report).
pub(super) fn report_set(mut keys: Vec<u64>) -> Vec<u64> {
    keys.sort_unstable();
    keys.dedup();
    keys.retain(|&key| key != 0);
    keys
}

#[cfg(test)]
mod tests {
    use crate::search::Searching;
    use crate::search::tests::titled_index;

    #[test]
    fn the_local_plan_runs_the_outline_weights_spellings_parts_and_titles() {
        let (_dir, store) = titled_index(&[
            (
                "湖山水庫運用要點",
                "民國106年湖山水庫的運用說明。\n\n第二段談水庫。",
            ),
            ("其他報告", "2017年的預算。"),
        ]);
        let searcher = store.reader().unwrap().searcher();
        let searching = Searching::new(&store, &searcher);
        let plan = searching.plan("106年 湖山水庫 -預算").unwrap();
        let [year, dam, excluded] = plan.words.as_slice() else {
            panic!("three words");
        };
        // Another calendar is searched because the outline lists it.
        assert!(!year.word.others.is_empty());
        assert!(year.whole.as_ref().unwrap().other_spellings.is_some());
        assert!(dam.word.others.is_empty());
        assert!(dam.whole.as_ref().unwrap().other_spellings.is_none());
        // One term query per dictionary part of the outline; none for an excluded word.
        assert_eq!(dam.parts.len(), dam.word.parts.len());
        assert!(excluded.word.excluded && excluded.parts.is_empty());
        // 湖山水庫 is in one report's title: counted for the level, and that report earns
        // the outline's title bonus.
        assert!(dam.word.titled && dam.title_keys.len() == 1);
        let key = dam.title_keys[0];
        let bonus = plan
            .report_bonuses
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, b)| *b);
        assert_eq!(bonus, dam.word.title_bonus);
        assert!(!year.word.titled && year.title_keys.is_empty());
        assert_eq!(plan.levels.len(), 3);
    }
}
