//! Running a search: a request → its plan → the queries of each match level, run in order →
//! one page of hits with snippets, and facet counts over every match.
//!
//! Hits are ordered by match level first (every query word whole, then some word whole, then
//! only parts of words), then by score, then by a key only the passage decides. That order is
//! a function of the query, the filters and the index alone: the page size, the offset and
//! `--facets` never change it. Levels run one after the other, and a later level is only
//! read when the earlier ones do not fill `offset + limit`; this is exact, since no passage of
//! a later level can rank above one of an earlier level.

use std::collections::BTreeMap;

use anyhow::Result;
use tantivy::collector::{Count, FacetCollector};
use tantivy::schema::{Facet, Field};
use tantivy::{DocAddress, Score};

use crate::search::clauses::Scope;
use crate::search::snippet::{Snippet, make_snippet};
use crate::search::top::TopHits;
use crate::search::{Facets, Hit, Level, MAX_LIMIT, MAX_OFFSET, Outcome, Request, Searching};

impl Searching<'_> {
    /// Runs a search (see the module documentation).
    pub fn run(&self, request: &Request) -> Result<Outcome> {
        // Frequencies are only shared within one search, so each is measured as a fresh
        // process would run it.
        self.doc_freqs.borrow_mut().clear();
        let blank = |v: &Option<String>| v.as_deref().is_some_and(|v| v.trim().is_empty());
        let any_blank = |v: &[String]| v.iter().any(|v| v.trim().is_empty());
        if any_blank(&request.kinds)
            || any_blank(&request.reports)
            || any_blank(&request.organisations)
            || blank(&request.year)
            || blank(&request.from)
            || blank(&request.to)
            || blank(&request.section)
        {
            return Ok(Outcome::default());
        }
        let plan = self.plan(&request.query);
        // tantivy allocates the whole page up front: keep library callers within bounds too.
        let limit = request.limit.clamp(1, MAX_LIMIT);
        let offset = request.offset.min(MAX_OFFSET);
        let wanted = offset + limit;
        let levels: &[Level] = if plan.positive().count() > 1 {
            &[Level::All, Level::Some, Level::Partial]
        } else {
            &[Level::All, Level::Partial]
        };
        let mut ranked: Vec<(Level, Score, DocAddress)> = Vec::new();
        let mut matched = 0;
        for &level in levels {
            if matched >= wanted {
                break;
            }
            let query = self.build(request, &plan, Scope::Level(level));
            let (top, count) = self.searcher.search_with_statistics_provider(
                &query,
                &(TopHits::new(wanted - matched, 0), Count),
                self,
            )?;
            ranked.extend(
                top.into_iter()
                    .map(|(score, address)| (level, score, address)),
            );
            matched += count;
        }
        let (total, facets) = match request.facets {
            true => {
                let (total, facets) = self.facets(request, &plan)?;
                (total, Some(facets))
            }
            false => (matched, None),
        };
        let mut hits = Vec::with_capacity(limit.min(ranked.len()));
        for (level, score, address) in ranked.into_iter().skip(offset).take(limit) {
            let passage = self.passage(address)?;
            let Snippet { text, highlights } = make_snippet(&passage.text, &plan.marked);
            hits.push(Hit {
                passage,
                snippet: text,
                score,
                highlights,
                level,
            });
        }
        Ok(Outcome {
            hits,
            total,
            facets,
        })
    }

    /// The number of matches at any level, and their facet counts.
    fn facets(&self, request: &Request, plan: &super::plan::Plan) -> Result<(usize, Facets)> {
        let query = self.build(request, plan, Scope::Any);
        let f = &self.store.fields;
        let collector = |field: Field| {
            let mut c = FacetCollector::for_field(
                self.store.index.schema().get_field_name(field).to_string(),
            );
            c.add_facet(Facet::root());
            c
        };
        let (total, (kind, report, year), (section, org)) = self.searcher.search(
            &query,
            &(
                Count,
                (collector(f.kind), collector(f.report), collector(f.year)),
                (collector(f.section), collector(f.org)),
            ),
        )?;
        let to_map = |counts: tantivy::collector::FacetCounts| -> BTreeMap<String, u64> {
            counts
                .get(Facet::root())
                .map(|(facet, n)| (super::facet_label(facet), n))
                .collect()
        };
        Ok((
            total,
            Facets {
                kind: to_map(kind),
                report: to_map(report),
                year: to_map(year),
                section: to_map(section),
                organisation: to_map(org),
            },
        ))
    }
}
