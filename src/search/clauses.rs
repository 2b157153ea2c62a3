//! Clause building: a compiled plan (see [`crate::search::compile`]), the filters of a
//! request and a match level → one [`SumQuery`] whose candidates are the passages of that
//! level (the conditions of its [`LevelRule`]) and whose clauses score them.
//!
//! The clauses are the same for every level, so a passage earns the same score whichever
//! level's query finds it. Every bonus and BM25 factor is the outline's
//! ([`crate::search::plan::outline::OutlineWord`]): a word held whole earns its bonus plus the
//! BM25 of its run, in the text and in the context (heading, or a table row's caption and
//! headers); the dictionary words inside it earn their BM25.

use std::ops::Bound;
use tantivy::Term;

use tantivy::query::{BooleanQuery, EmptyQuery, Occur, Query, RangeQuery, TermQuery, TermSetQuery};
use tantivy::schema::IndexRecordOption;

use crate::report::roc::day_number;
use crate::search::any_of::AnyOf;
use crate::search::compile::{Plan, PlannedWord, WholeWord};
use crate::search::plan::outline::{Condition, Holding, LevelRule, Place};
use crate::search::sum_query::{Anchor, Candidates, Clause, SumQuery};
use crate::search::{Level, Request, Searching};

impl Searching<'_> {
    /// The query for the passages of match `level`: words, phrases, exclusions and filters.
    pub(super) fn build(&self, request: &Request, plan: &Plan, level: Level) -> Box<dyn Query> {
        let mut required: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut excluded: Vec<Box<dyn Query>> = Vec::new();
        let mut clauses: Vec<Clause> = Vec::new();
        let mut required_words = Vec::new();
        let mut whole_words = 0;
        let mut title_keys = Vec::new();
        let rule = LevelRule::of(level);
        for word in &plan.words {
            let whole = word.whole.as_ref();
            // The outline's condition on the word, translated.
            match (word.word.condition, whole) {
                (Condition::Lack(place), whole) => {
                    if let Some(whole) = whole {
                        excluded.push(held_in(whole, place));
                    }
                    continue;
                }
                (Condition::Hold(place), Some(whole)) => {
                    required_words.push(whole_words);
                    let mut held = vec![held_in(whole, place)];
                    if let (true, Some((_, opening))) = (word.word.by_opening, &plan.opening) {
                        held.push(opening.box_clone());
                    }
                    required.push((Occur::Must, Box::new(AnyOf::new(held))));
                }
                (Condition::Hold(_), None) => return Box::new(EmptyQuery),
                (Condition::Free, None) if rule.every.is_some() => {
                    // No passage holds this word whole.
                    return Box::new(EmptyQuery);
                }
                (Condition::Free, _) => {}
            }
            clauses.extend(word_clauses(word, whole_words));
            if whole.is_some() {
                // RANKING.md: a title typed whole. The report whose title the query is holds
                // every word in its title, and its opening passage holds each the outline
                // says it holds: that passage is a full match, and first.
                let mut keys = word.title_keys.clone();
                if let (true, Some((reports, opening))) = (word.word.by_opening, &plan.opening) {
                    keys.extend(reports);
                    keys.sort_unstable();
                    keys.dedup();
                    clauses.push(Clause {
                        query: opening.box_clone(),
                        bonus: if whole_words == 0 {
                            plan.opening_bonus
                        } else {
                            0.0
                        },
                        weight: 0.0,
                        anchor: Anchor::Word(whole_words),
                        place: false,
                    });
                }
                whole_words += 1;
                title_keys.push(keys);
            }
        }
        clauses.extend(plan.together.iter().map(|(query, bonus)| Clause {
            query: query.box_clone(),
            bonus: *bonus,
            weight: 0.0,
            anchor: Anchor::Never,
            place: false,
        }));
        clauses.extend(
            plan.links
                .iter()
                .map(|query| Clause::scored(query.box_clone(), Anchor::Never)),
        );
        let has_parts = clauses.iter().any(|c| c.anchor == Anchor::Part);
        let anchored = match rule.some {
            Holding::Piece => has_parts,
            Holding::Whole | Holding::ForLevel => whole_words > 0,
        };
        if !anchored {
            return Box::new(EmptyQuery);
        }
        if !self.filters(request, &mut required) {
            return Box::new(EmptyQuery);
        }
        let boolean = |clauses: Vec<(Occur, Box<dyn Query>)>| {
            (!clauses.is_empty()).then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>)
        };
        // RANKING.md: match level first
        // The level's conditions: which passages are candidates, and whether those of the
        // levels above are left out.
        let candidates = match (rule.every, rule.some) {
            (Some(_), _) => Candidates::EveryWord,
            (None, Holding::Piece) => Candidates::AnyPart,
            (None, _) => Candidates::SomeWord,
        };
        let exclusive = rule.not_every.is_some() || rule.none.is_some();
        // A query of several words that names a passage's place — its report's title holds
        // some words, its headings the others — points at it (科學技術基本法 第17條 ranks the
        // article above passages quoting 依科學技術基本法第十七條): the outline's bonus, added
        // where the scorer finds the place.
        Box::new(SumQuery {
            candidates,
            exclusive,
            clauses,
            required: boolean(required),
            excluded: (!excluded.is_empty())
                .then(|| Box::new(AnyOf::new(excluded)) as Box<dyn Query>),
            required_words,
            title_keys,
            report_bonuses: plan.report_bonuses.clone(),
            place_bonus: plan.place_bonus,
        })
    }

    /// Adds the request's filters to `required`; false when a filter can match nothing.
    /// Values of one filter are alternatives (any kind listed), filters all apply.
    fn filters(&self, request: &Request, required: &mut Vec<(Occur, Box<dyn Query>)>) -> bool {
        let store = self.store;
        let any_of = |terms: Vec<Term>| -> Box<dyn Query> { Box::new(TermSetQuery::new(terms)) };
        for terms in [
            request
                .kinds
                .iter()
                .map(|&k| store.kind_term(k))
                .collect::<Vec<_>>(),
            request
                .reports
                .iter()
                .map(|r| store.report_term(r))
                .collect(),
            request
                .organisations
                .iter()
                .map(|o| store.org_term(o))
                .collect(),
        ] {
            if !terms.is_empty() {
                required.push((Occur::Must, any_of(terms)));
            }
        }
        if let Some(year) = &request.year {
            required.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    store.year_term(year),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        if request.from.is_some() || request.to.is_some() {
            let day = |date: &Option<String>| date.as_deref().map(day_number);
            let bound = |value: Option<Option<u64>>| match value {
                None => Ok(Bound::Unbounded),
                Some(Some(day)) => Ok(Bound::Included(Term::from_field_u64(store.fields.day, day))),
                // Not a date: library callers that skipped validation match nothing.
                Some(None) => Err(()),
            };
            match (bound(day(&request.from)), bound(day(&request.to))) {
                (Ok(from), Ok(to)) => {
                    required.push((Occur::Must, Box::new(RangeQuery::new(from, to))));
                }
                _ => return false,
            }
        }
        if let Some(section) = &request.section {
            let terms = self.section_terms(section);
            if terms.is_empty() {
                return false;
            }
            required.push((Occur::Must, Box::new(TermSetQuery::new(terms))));
        }
        true
    }
}

/// A word's whole run in `place` (see [`Place`]).
fn held_in(whole: &WholeWord, place: Place) -> Box<dyn Query> {
    match place {
        Place::TextOrFrame => {
            let mut queries = in_text(whole);
            queries.push(whole.frame.box_clone());
            Box::new(AnyOf::new(queries))
        }
        Place::Anywhere => anywhere(whole),
    }
}

/// A word's whole run in the text or the context.
pub(super) fn anywhere(whole: &WholeWord) -> Box<dyn Query> {
    let mut queries = in_text(whole);
    queries.push(whole.context.box_clone());
    Box::new(AnyOf::new(queries))
}

/// A word's whole run in the text, in any spelling.
fn in_text(whole: &WholeWord) -> Vec<Box<dyn Query>> {
    whole.bodies().map(|query| query.box_clone()).collect()
}

/// The scoring clauses of one word (whole-word number `n`); a passage's score sums those it
/// matches. Holding the whole run earns the bonus plus its BM25 (as a phrase in the text, its
/// bigrams in the context): a passage holding it more often, or holding a rarer word, ranks
/// higher.
fn word_clauses(planned: &PlannedWord, n: usize) -> Vec<Clause> {
    let mut clauses = Vec::new();
    let word = &planned.word;
    if let Some(whole) = &planned.whole {
        let (body, scale) = &whole.body;
        clauses.push(Clause {
            query: body.box_clone(),
            bonus: word.body_bonus,
            weight: scale * word.bm25,
            anchor: Anchor::Word(n),
            place: false,
        });
        // RANKING.md: typed spelling first. Another spelling earns its bonus and no BM25:
        // how often or in how short a passage it is held only orders the passages holding
        // the spelling typed.
        if let Some(others) = &whole.other_spellings {
            clauses.push(Clause {
                query: others.box_clone(),
                bonus: word.other_bonus,
                weight: 0.0,
                anchor: Anchor::Word(n),
                place: false,
            });
        }
        clauses.push(Clause {
            query: whole.context.box_clone(),
            bonus: word.context_bonus,
            weight: word.context_bm25,
            anchor: Anchor::Word(n),
            place: true,
        });
    }
    // RANKING.md: dictionary words inside a word
    clauses.extend(planned.parts.iter().map(|(query, piece)| {
        let anchor = if *piece { Anchor::Part } else { Anchor::Never };
        Clause::scored(query.box_clone(), anchor)
    }));
    clauses
}
