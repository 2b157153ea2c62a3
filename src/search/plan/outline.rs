//! The backend-neutral plan: a query's words and the frequencies an index answers through
//! [`Statistics`] → an [`Outline`]: for each word the analysed tokens it is matched by, how
//! (a phrase, all terms present, one character anywhere), its other spellings, its
//! dictionary parts, and every weight its clauses earn, already computed by the rules of
//! this module's siblings. It holds no tantivy and no JSON type: an executor that knows no
//! rule (the engine, `src/engine/query.rs`) turns it into its own queries.
//!
//! Also here, shared by local and engine planning: [`cut`] (a sentence cut into its content
//! words), [`needed`] (the frequencies the outline reads, to ask an engine in one request)
//! and [`TitleProbe`] (the reports whose title a query equals).

use std::collections::{BTreeMap, BTreeSet, HashSet};

use anyhow::Result;

use crate::analysis::analyzer::{Folded, gram_terms, query_pieces, significant_text};
use crate::analysis::numerals::spellings;
use crate::analysis::synonyms::Synonyms;
use crate::search::Level;
use crate::search::query::{MAX_QUERY_WORDS, QueryWord};

use super::names::{
    MAX_TITLE_CANDIDATES, MAX_TITLED_REPORTS, TITLE_QUERY_BONUS, TITLE_WORD_PER_IDF,
};
use super::numbers::OTHER_SPELLING;
use super::weights::{
    CONTEXT_WEIGHT, TOGETHER_PER_IDF, WHOLE_WORD_BODY_PER_IDF, WHOLE_WORD_CONTEXT_PER_IDF,
};
use super::{
    MAX_WORD_CHARS, StatField, Statistics, alternatives, asks, dictionary_parts, idf,
    is_one_han_char, is_sentence, levels, lone_char_is_rare, matched_without_positions,
    one_per_position, question_words, searched_spellings,
};

/// One analysed token: folded text and position (bigrams and alphanumeric terms of the
/// text, context, frame and title fields).
pub use crate::analysis::analyzer::Term as Token;

/// The tokens a field holding `text` whole has, one per position.
pub fn tokens(text: &str) -> Vec<Token> {
    one_per_position(gram_terms(&Folded::new(text)))
}

/// A query's words, a sentence cut into its content words.
#[derive(Debug, Default)]
pub struct Cut {
    pub words: Vec<QueryWord>,
    /// A question's linking bigrams (see [`question_words`]), as found (unsorted, repeats kept).
    pub links: Vec<String>,
    /// The words cut from a question, folded.
    pub asked: HashSet<Vec<char>>,
    /// (first word, second word, the two as typed together) for neighbouring content words
    /// of a question.
    pub neighbours: Vec<(String, String, String)>,
}

/// Whether a typed word is a sentence to cut into its content words: neither excluded nor
/// required, a sentence, and asking something or held whole by no passage or title
/// (`held_whole`: a long word held whole is a name, a regulation's title, not a sentence).
pub(crate) fn is_question(
    word: &QueryWord,
    held_whole: impl FnOnce(&str) -> Result<bool>,
) -> Result<bool> {
    Ok(!word.excluded
        && !word.required
        && is_sentence(&word.text)
        && (asks(&word.text) || !held_whole(&word.text)?))
}

// RANKING.md: questions
/// The query's words, each `question` cut into its content words (read with `stats`).
pub(crate) fn cut(
    typed: Vec<QueryWord>,
    questions: &[bool],
    stats: &dyn Statistics,
) -> Result<Cut> {
    let mut out = Cut::default();
    for (word, &question) in typed.into_iter().zip(questions) {
        if !question {
            out.words.push(word);
            continue;
        }
        let (parts, links) = question_words(&word.text, stats)?;
        if parts.is_empty() {
            out.words.push(word);
            continue;
        }
        out.links.extend(links);
        out.asked
            .extend(parts.iter().map(|(text, _, _)| Folded::new(text).chars));
        // Content words next to each other in the question.
        for pair in parts.windows(2) {
            let Some(gap) = word.text.get(pair[0].2..pair[1].1) else {
                continue;
            };
            if gap.is_empty() {
                out.neighbours.push((
                    word.text[pair[0].1..pair[0].2].to_string(),
                    word.text[pair[1].1..pair[1].2].to_string(),
                    word.text[pair[0].1..pair[1].2].to_string(),
                ));
            }
        }
        let mut seen = HashSet::new();
        out.words.extend(
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
    out.words.truncate(MAX_QUERY_WORDS);
    Ok(out)
}

/// The frequencies [`cut`] reads of `questions`: every piece of their Han runs that may be
/// a dictionary word.
pub fn question_statistics(
    typed: &[QueryWord],
    questions: &[bool],
) -> BTreeSet<(StatField, String)> {
    typed
        .iter()
        .zip(questions)
        .filter(|(_, q)| **q)
        .flat_map(|(w, _)| han_pieces(&Folded::new(&w.text)))
        .map(|p| (StatField::BodyWords, p))
        .collect()
}

/// What [`outline`] reads of an index, to be asked in one request.
#[derive(Debug, Default)]
pub struct Needed {
    /// Terms whose document frequency it reads.
    pub terms: BTreeSet<(StatField, String)>,
    /// Word keys whose titled reports it reads, each with the tokens a title holding it has.
    pub titles: BTreeMap<String, Vec<Token>>,
}

/// What the outline of `cut` reads.
pub fn needed(cut: &Cut, synonyms: &Synonyms) -> Needed {
    let mut out = Needed::default();
    for (_, _, both) in &cut.neighbours {
        for t in tokens(both) {
            out.terms.insert((StatField::BodyGrams, t.text));
        }
    }
    for word in &cut.words {
        let folded = Folded::new(&word.text);
        let key = folded.significant();
        if key.is_empty() {
            continue;
        }
        out.terms.insert((StatField::BodyWords, key.clone()));
        let grams = one_per_position(gram_terms(&folded));
        for t in &grams {
            out.terms.insert((StatField::BodyGrams, t.text.clone()));
        }
        let others = spellings(&folded.chars);
        for spelling in others.iter().chain(&alternatives(&word.text, synonyms)) {
            for t in tokens(spelling) {
                out.terms.insert((StatField::BodyGrams, t.text));
            }
        }
        for text in part_candidates(&folded) {
            out.terms.insert((StatField::BodyWords, text));
        }
        if !grams.is_empty() {
            out.titles.insert(key, grams);
        }
    }
    out
}

/// Every piece of a word that may be a dictionary word: substrings of its Han runs of one to
/// eight chars, and its alphanumeric terms.
fn part_candidates(folded: &Folded) -> Vec<String> {
    let mut out = han_pieces(folded);
    out.extend(query_pieces(folded).1.into_iter().map(|t| t.text));
    out
}

/// Substrings of a word's Han runs, of one to eight chars.
fn han_pieces(folded: &Folded) -> Vec<String> {
    let (han_runs, _) = query_pieces(folded);
    let mut out = Vec::new();
    for (start, end) in han_runs {
        let chars = &folded.chars[start..end];
        for len in 1..=chars.len().min(MAX_WORD_CHARS) {
            for i in 0..=chars.len() - len {
                out.push(chars[i..i + len].iter().collect());
            }
        }
    }
    out
}

// RANKING.md: a title typed whole
/// The reports whose title a query equals, punctuation and spaces aside: the titles to
/// look among and the test each must pass (RANKING.md: a title typed whole).
#[derive(Debug, Clone)]
pub struct TitleProbe {
    /// The query's significant chars, as a title equal to it has them.
    pub(crate) key: String,
    /// Tokens a title equal to the query holds, all of them.
    pub tokens: Vec<Token>,
    /// More titles than this holding the tokens: the query names no report.
    pub max_candidates: usize,
}

impl TitleProbe {
    /// `None` under two significant chars.
    pub fn new(query: &str) -> Option<Self> {
        let key = significant_text(query);
        if key.chars().count() < 2 {
            return None;
        }
        let tokens = tokens(&key);
        Some(Self {
            key,
            tokens,
            max_candidates: MAX_TITLE_CANDIDATES,
        })
    }

    /// Whether `title` is the one the query typed.
    pub fn matches(&self, title: &str) -> bool {
        significant_text(title) == self.key
    }
}

/// How a word's own tokens are matched in a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matched {
    /// As a phrase (in the text; all terms present in the short fields).
    Phrase,
    /// All terms present, positions aside: every bigram is common, and a phrase would read
    /// their positions for nothing.
    AllTerms,
    /// One Han character wherever it stands: every term holding it, constant score 1 (its
    /// BM25 comes from its dictionary word, a part).
    Char(char),
}

/// A dictionary word inside a query word.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// The term of the word field.
    pub term: String,
    /// Holding it is a partial match of the word (one character of a longer word is not).
    pub partial: bool,
}

/// Another spelling a word is searched as.
#[derive(Debug, Clone)]
pub struct Spelling {
    pub tokens: Vec<Token>,
    pub matched: Matched,
    /// Factor bringing its BM25 to the typed spelling's (RANKING.md: typed spelling first).
    pub fair: f32,
}

/// How `tokens` (a word's, one per position) are matched: one Han character anywhere
/// (unless `alone`: a common character cut from a question, held where the index holds it
/// alone), all terms present when every bigram is common, else a phrase.
pub(crate) fn matched(tokens: &[Token], alone: bool, stats: &dyn Statistics) -> Result<Matched> {
    Ok(match lone_han_char(tokens) {
        Some(c) if !alone => Matched::Char(c),
        _ if tokens.len() > 1 && matched_without_positions(tokens, stats)? => Matched::AllTerms,
        _ => Matched::Phrase,
    })
}

/// The character of `tokens` when they are one Han character.
fn lone_han_char(tokens: &[Token]) -> Option<char> {
    match tokens {
        [only] if is_one_han_char(&only.text) => only.text.chars().next(),
        _ => None,
    }
}

/// How `tokens` are matched in report titles, which keep no positions: a Han character by
/// any title term holding it, whether or not the text holds it alone (a question's common
/// character: RANKING.md, the report's title), else every term present.
pub fn in_titles(tokens: &[Token]) -> Matched {
    lone_han_char(tokens).map_or(Matched::AllTerms, Matched::Char)
}

/// A query word, planned: what to match and what each match earns.
#[derive(Debug, Clone)]
pub struct OutlineWord {
    pub text: String,
    pub required: bool,
    pub excluded: bool,
    /// Its tokens as typed; empty when it has nothing to match.
    pub tokens: Vec<Token>,
    pub matched: Matched,
    /// Other spellings it is searched as (numbers, calendars, synonyms, variants: see
    /// [`searched_spellings`]); none for a common character held alone.
    pub others: Vec<Spelling>,
    /// Factor of the BM25 of its run in the text (a word counts as one term, however many
    /// bigrams spell it).
    pub bm25: f32,
    /// Constant earned by holding it whole in the text, as typed.
    pub body_bonus: f32,
    /// The same in another spelling (RANKING.md: typed spelling first).
    pub other_bonus: f32,
    /// Factor of the BM25 of its run in the context.
    pub context_bm25: f32,
    /// Constant earned by holding it whole in the context.
    pub context_bonus: f32,
    /// Dictionary words inside it, each scored by its BM25 in the word field.
    pub parts: Vec<Part>,
    /// Report titles holding it count as holding it for the match level (few enough reports
    /// hold it, and the query has several words).
    pub titled: bool,
    /// Constant earned when the passage's report title holds it (several words only).
    pub title_bonus: Option<f32>,
    /// What a passage must do with it to be found at any level.
    pub condition: Condition,
    // RANKING.md: a title typed whole
    /// The opening passage of a report whose title the query equals holds it, for its
    /// condition and its level, whatever it is (a title typed whole may quote what its report
    /// names: 「湖山水庫運用要點」).
    pub by_opening: bool,
}

/// Where a word is held whole, as a [`Condition`] reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// In the passage's own text (any spelling), or for a table row in its frame (caption or
    /// column headers); never in a heading above the passage alone.
    TextOrFrame,
    /// In the text (any spelling) or the context (heading, or a table row's caption and
    /// headers).
    Anywhere,
}

/// What a passage must do with a word to be found at all, whatever its level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    /// Nothing: the word scores, and counts for the level.
    Free,
    /// Hold it whole in `place` (or, where [`OutlineWord::by_opening`], be the opening
    /// passage of a report whose title the query equals).
    Hold(Place),
    /// Hold it nowhere in `place`.
    Lack(Place),
}

impl Condition {
    // RANKING.md: quoted phrases
    /// The condition of a word typed required (quoted, `+word`) or excluded (`-word`): a
    /// quoted phrase is held in the passage's own text or a table row's frame, an excluded
    /// word is held nowhere.
    fn of(required: bool, excluded: bool) -> Self {
        match (excluded, required) {
            (true, _) => Condition::Lack(Place::Anywhere),
            (false, true) => Condition::Hold(Place::TextOrFrame),
            (false, false) => Condition::Free,
        }
    }
}

impl OutlineWord {
    /// Whether it has anything to match.
    pub fn matchable(&self) -> bool {
        !self.tokens.is_empty()
    }
}

/// How a word is held, as a level's conditions read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holding {
    /// Whole, in the passage's text (any spelling) or context.
    Whole,
    /// Whole, or by the passage's report title where the word is [`OutlineWord::titled`].
    ForLevel,
    /// By a dictionary part that is a partial match ([`Part::partial`]).
    Piece,
}

// RANKING.md: match level first
/// The passages of one match level, as conditions on how the positive words are held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LevelRule {
    /// Some word is held so (no word can be: the level is empty).
    pub some: Holding,
    /// Every word is held so (a word with nothing to match empties the level).
    pub every: Option<Holding>,
    /// Not every word is held so.
    pub not_every: Option<Holding>,
    /// No word is held so.
    pub none: Option<Holding>,
}

impl LevelRule {
    pub fn of(level: Level) -> Self {
        let rule = LevelRule {
            some: Holding::Whole,
            every: None,
            not_every: None,
            none: None,
        };
        match level {
            Level::All => LevelRule {
                every: Some(Holding::ForLevel),
                ..rule
            },
            Level::Some => LevelRule {
                not_every: Some(Holding::ForLevel),
                ..rule
            },
            Level::Partial => LevelRule {
                some: Holding::Piece,
                none: Some(Holding::Whole),
                ..rule
            },
        }
    }
}

/// Two neighbouring words of a question held next to each other in a passage's text.
#[derive(Debug, Clone)]
pub struct Together {
    /// The text-field tokens of the two as typed together.
    pub tokens: Vec<Token>,
    /// How they are held: a phrase, or (common bigrams) all terms present.
    pub matched: Matched,
    /// Constant earned by a passage holding them.
    pub bonus: f32,
}

/// Everything one search needs to know about its query, for any executor.
#[derive(Debug, Clone)]
pub struct Outline {
    pub words: Vec<OutlineWord>,
    /// A question's linking bigrams (text field terms), scored by their BM25 alone.
    pub links: Vec<String>,
    /// Neighbouring words of a question held together in the text.
    pub together: Vec<Together>,
    /// Constant earned by the opening passage of a report whose title the query equals.
    pub opening_bonus: f32,
    /// Constant earned by a passage whose place names every word (its report's title the
    /// titled ones, its headings the others); `None` where the rule does not apply.
    pub place_bonus: Option<f32>,
    /// What snippets mark.
    pub marked: Vec<String>,
}

impl Outline {
    pub fn positive(&self) -> impl Iterator<Item = &OutlineWord> {
        self.words.iter().filter(|w| !w.excluded)
    }

    /// The levels to read, in order.
    pub fn levels(&self) -> &'static [Level] {
        levels(self.positive().count())
    }
}

/// The outline of a cut query, read with `stats`; `titled(key)`: how many reports' titles
/// hold a word (its key as in [`Needed::titles`]).
pub fn outline(
    cut: Cut,
    stats: &dyn Statistics,
    synonyms: &Synonyms,
    titled: impl Fn(&str) -> u64,
) -> Result<Outline> {
    let docs = stats.docs();
    let sum_idf = |terms: &[Token]| -> Result<f32> {
        let mut sum = 0.0;
        for t in terms {
            sum += idf(stats.doc_freq(StatField::BodyGrams, &t.text)?, docs);
        }
        Ok(sum)
    };
    let positive = cut.words.iter().filter(|w| !w.excluded).count();
    let mut words = Vec::new();
    let mut marked = Vec::new();
    for w in cut.words {
        let folded = Folded::new(&w.text);
        let key = folded.significant();
        let grams = one_per_position(gram_terms(&folded));
        let as_word = stats.doc_freq(StatField::BodyWords, &key)?;
        let df = if as_word > 0 {
            as_word
        } else {
            let mut rarest: Option<u64> = None;
            for t in &grams {
                let df = stats.doc_freq(StatField::BodyGrams, &t.text)?;
                rarest = Some(rarest.map_or(df, |r| r.min(df)));
            }
            rarest.unwrap_or(0)
        };
        let rarity = idf(df, docs);
        let typed_weight = sum_idf(&grams)?;
        let bm25 = if typed_weight > 0.0 {
            rarity / typed_weight
        } else {
            1.0
        };
        // A common character cut from a question is held where the index holds it alone.
        let alone = cut.asked.contains(&folded.chars)
            && is_one_han_char(&w.text)
            && !lone_char_is_rare(&w.text, stats)?;
        let mut others = Vec::new();
        // Held alone, it is held in no other spelling (二 of 原因有二 is not the 2 of 4-6-2).
        let spelled = match alone {
            true => Vec::new(),
            false => searched_spellings(&w.text, &folded, synonyms, stats)?,
        };
        for s in spelled {
            let terms = tokens(&s);
            if terms.is_empty() {
                continue;
            }
            let weight = sum_idf(&terms)?;
            others.push(Spelling {
                matched: matched(&terms, false, stats)?,
                tokens: terms,
                fair: OTHER_SPELLING * typed_weight / weight.max(typed_weight),
            });
        }
        let parts = match w.excluded {
            true => Vec::new(),
            false => dictionary_parts(&folded, &key, stats)?
                .into_iter()
                .map(|(term, partial)| Part { term, partial })
                .collect(),
        };
        let matched = matched(&grams, alone, stats)?;
        let titled_reports = titled(&key);
        let several = positive > 1;
        if !w.excluded {
            // Marked: every spelling, searched or not, and every alternative.
            marked.push(w.text.clone());
            marked.extend(spellings(&folded.chars));
            marked.extend(alternatives(&w.text, synonyms));
        }
        // RANKING.md: rare words decide
        // RANKING.md: own text first
        // RANKING.md: typed spelling first
        // RANKING.md: the report's title
        words.push(OutlineWord {
            text: w.text,
            required: w.required,
            excluded: w.excluded,
            tokens: grams,
            matched,
            others,
            bm25,
            body_bonus: WHOLE_WORD_BODY_PER_IDF * rarity,
            other_bonus: WHOLE_WORD_BODY_PER_IDF * rarity * OTHER_SPELLING,
            context_bm25: bm25 * (CONTEXT_WEIGHT + 1.0),
            context_bonus: WHOLE_WORD_CONTEXT_PER_IDF * rarity,
            parts,
            titled: several && titled_reports > 0 && titled_reports as usize <= MAX_TITLED_REPORTS,
            title_bonus: several.then_some(TITLE_WORD_PER_IDF * rarity),
            condition: Condition::of(w.required, w.excluded),
            by_opening: !w.excluded,
        });
    }
    // RANKING.md: a title and a heading name a place
    // Such a place earns what holding each word in the text earns.
    let placed: Vec<&OutlineWord> = words
        .iter()
        .filter(|w| !w.excluded && w.matchable())
        .collect();
    let place_bonus = (placed.len() > 1 && placed.iter().any(|w| w.titled))
        .then(|| placed.iter().map(|w| w.body_bonus).sum());
    // RANKING.md: questions
    // Neighbouring words found next to each other (南寧 會議 as 南寧會議): the bigrams the two
    // make together, beyond those each makes alone, earn a bonus in proportion to their idf.
    let mut together = Vec::new();
    for (first, second, both) in &cut.neighbours {
        let grams = tokens(both);
        let extra = sum_idf(&grams)? - sum_idf(&tokens(first))? - sum_idf(&tokens(second))?;
        if grams.is_empty() || extra <= 0.0 {
            continue;
        }
        together.push(Together {
            matched: matched(&grams, false, stats)?,
            tokens: grams,
            bonus: TOGETHER_PER_IDF * extra,
        });
    }
    let mut links = cut.links;
    links.sort();
    links.dedup();
    Ok(Outline {
        words,
        links,
        together,
        opening_bonus: TITLE_QUERY_BONUS,
        place_bonus,
        marked,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::search::plan::statistics::fixed::Fixed;

    /// A plain query word (neither required nor excluded).
    pub(crate) fn word(text: &str) -> QueryWord {
        QueryWord {
            text: text.into(),
            required: false,
            excluded: false,
        }
    }

    fn plain(words: Vec<QueryWord>) -> Cut {
        Cut {
            words,
            ..Cut::default()
        }
    }

    #[test]
    fn needed_terms_cover_the_word_its_bigrams_and_parts() {
        let needed = needed(&plain(vec![word("雙城論壇")]), Synonyms::builtin());
        for (field, term) in [
            (StatField::BodyWords, "双城论坛"),
            (StatField::BodyWords, "论坛"),
            (StatField::BodyWords, "双"),
            (StatField::BodyGrams, "双城"),
            (StatField::BodyGrams, "论坛"),
        ] {
            assert!(needed.terms.contains(&(field, term.into())), "{term}");
        }
        let title: Vec<&str> = needed.titles["双城论坛"]
            .iter()
            .map(|t| t.text.as_str())
            .collect();
        assert_eq!(title, ["双城", "城论", "论坛"]);
    }

    /// The outline, not the executors, says where a typed word must be held: a quoted or
    /// `+` word in the text or a table row's frame, a `-` word nowhere, a plain word under no
    /// condition; a title typed whole's opening passage holds every word but a `-` one.
    #[test]
    fn required_and_excluded_words_carry_where_they_are_held() {
        let mut words = vec![word("雙城論壇"), word("交流"), word("上海")];
        words[0].required = true;
        words[2].excluded = true;
        let stats = Fixed {
            docs: 100,
            df: |_, _| 1,
        };
        let outline = outline(plain(words), &stats, Synonyms::builtin(), |_| 0).unwrap();
        let conditions: Vec<(Condition, bool)> = outline
            .words
            .iter()
            .map(|w| (w.condition, w.by_opening))
            .collect();
        assert_eq!(
            conditions,
            [
                (Condition::Hold(Place::TextOrFrame), true),
                (Condition::Free, true),
                (Condition::Lack(Place::Anywhere), false),
            ]
        );
    }

    #[test]
    fn a_rare_word_is_a_phrase_earning_its_idf() {
        let stats = Fixed {
            docs: 10_000,
            df: |field, term| match (field, term) {
                (StatField::BodyWords, "双城论坛") => 5,
                (StatField::BodyWords, "论坛") => 50,
                (StatField::BodyGrams, "双城") => 10,
                (StatField::BodyGrams, "城论") => 6,
                (StatField::BodyGrams, "论坛") => 60,
                _ => 0,
            },
        };
        let outline = outline(
            plain(vec![word("雙城論壇")]),
            &stats,
            Synonyms::builtin(),
            |_| 0,
        )
        .unwrap();
        let w = &outline.words[0];
        assert_eq!(w.matched, Matched::Phrase);
        let rarity = idf(5, 10_000);
        assert!((w.body_bonus - WHOLE_WORD_BODY_PER_IDF * rarity).abs() < 1e-5);
        assert!((w.context_bonus - WHOLE_WORD_CONTEXT_PER_IDF * rarity).abs() < 1e-5);
        // 论坛 is a dictionary word inside it; 双城论坛 itself is the whole run's.
        assert_eq!(
            w.parts,
            vec![Part {
                term: "论坛".into(),
                partial: true
            }]
        );
        // One word: no `some` level, no title bonus, no place.
        assert_eq!(outline.levels(), &[Level::All, Level::Partial]);
        assert_eq!(w.title_bonus, None);
        assert_eq!(outline.place_bonus, None);
    }

    #[test]
    fn neighbouring_question_words_held_together_earn_the_idf_they_add() {
        // 南寧 會議 next to each other in a question: 寧會 is the bigram the two make only
        // together, so the pair earns its idf; a pair adding no rarer bigram earns nothing.
        let stats = Fixed {
            docs: 10_000,
            df: |field, term| match (field, term) {
                (StatField::BodyGrams, "宁会") => 10,
                (StatField::BodyGrams, _) => 100,
                (StatField::BodyWords, _) => 0,
            },
        };
        let cut = Cut {
            words: vec![word("南寧"), word("會議")],
            neighbours: vec![("南寧".into(), "會議".into(), "南寧會議".into())],
            ..Cut::default()
        };
        let needed = needed(&cut, Synonyms::builtin());
        assert!(
            needed
                .terms
                .contains(&(StatField::BodyGrams, "宁会".into()))
        );
        let outline = outline(cut, &stats, Synonyms::builtin(), |_| 0).unwrap();
        let [together] = outline.together.as_slice() else {
            panic!("one pair held together: {:?}", outline.together);
        };
        assert_eq!(together.tokens.len(), 3);
        assert_eq!(together.matched, Matched::Phrase);
        let expected = TOGETHER_PER_IDF * idf(10, 10_000);
        assert!(
            (together.bonus - expected).abs() < 1e-4,
            "{}",
            together.bonus
        );
    }

    #[test]
    fn common_bigrams_match_without_positions() {
        // Common as the local rule counts it: in more than 1/50 of the passages, and in more
        // than 1,000 (a small index reads positions).
        let stats = Fixed {
            docs: 100_000,
            df: |field, _| match field {
                StatField::BodyGrams => 5_000,
                StatField::BodyWords => 0,
            },
        };
        let outline = outline(
            plain(vec![word("雙城論壇")]),
            &stats,
            Synonyms::builtin(),
            |_| 0,
        )
        .unwrap();
        assert_eq!(outline.words[0].matched, Matched::AllTerms);
    }

    #[test]
    fn a_word_is_also_searched_in_its_alternatives_typed_first() {
        // 北市府's agency names and 106年's other calendar, whatever their frequency, each
        // asked for, searched and marked, at most 0.9 of the typed spelling.
        let words = vec![word("北市府"), word("106年")];
        let needed = needed(&plain(words.clone()), Synonyms::builtin());
        for gram in ["政府", "2017"] {
            assert!(
                needed.terms.contains(&(StatField::BodyGrams, gram.into())),
                "{gram}"
            );
        }
        let stats = Fixed {
            docs: 10,
            df: |_, _| 0,
        };
        let outline = outline(plain(words), &stats, Synonyms::builtin(), |_| 0).unwrap();
        let others = |w: &OutlineWord| -> Vec<String> {
            w.others
                .iter()
                .map(|s| s.tokens.iter().map(|t| t.text.as_str()).collect())
                .collect()
        };
        assert!(others(&outline.words[0]).iter().any(|s| s.contains("政府")));
        assert!(others(&outline.words[1]).iter().any(|s| s.contains("2017")));
        assert!(
            outline
                .words
                .iter()
                .all(|w| { w.others.iter().all(|s| s.fair <= OTHER_SPELLING + 1e-6) })
        );
        for m in ["北市府", "臺北市政府", "106年", "2017年"] {
            assert!(
                outline.marked.iter().any(|x| x == m),
                "{m}: {:?}",
                outline.marked
            );
        }
    }

    #[test]
    fn titled_words_of_a_several_word_query_earn_title_and_place_bonuses() {
        let stats = Fixed {
            docs: 1000,
            df: |_, _| 10,
        };
        let mut words = vec![word("臺北"), word("上海"), word("北京")];
        words[2].excluded = true;
        let titled = |key: &str| u64::from(key == "台北");
        let outline = outline(plain(words), &stats, Synonyms::builtin(), titled).unwrap();
        assert_eq!(outline.levels(), &[Level::All, Level::Some, Level::Partial]);
        assert!(outline.words[0].titled && !outline.words[1].titled);
        assert!(outline.words[1].title_bonus.is_some());
        let two = outline.words[0].body_bonus + outline.words[1].body_bonus;
        assert!((outline.place_bonus.unwrap() - two).abs() < 1e-5);
        assert!(!outline.marked.iter().any(|m| m == "北京"));
    }

    #[test]
    fn a_title_probe_matches_the_title_typed_whole() {
        let probe = TitleProbe::new("「兩岸城市交流」").unwrap();
        assert!(probe.matches("兩岸 城市交流"));
        assert!(!probe.matches("兩岸城市交流之機遇"));
        assert!(TitleProbe::new("兩").is_none());
    }
}
