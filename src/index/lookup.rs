//! Lookups by id, not ranked: a passage id → that passage; a report id → its passages in
//! order; a passage and a count → it with its neighbours; a report and a `seq` range → the
//! passages in it. `get`, `get --cite`, the passage and report pages and `locate`'s windows
//! read passages this way; ranked search is `crate::search`'s.

use std::ops::Bound;

use anyhow::Result;
use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, TantivyDocument, Term};

use super::Store;
use crate::report::passage::Passage;

impl Store {
    /// The passage with this id, or `None`. Ids are not indexed: the report's passages are
    /// read and the one with the id picked.
    pub fn get(&self, searcher: &Searcher, id: &str) -> Result<Option<Passage>> {
        let Some((report, _)) = crate::report::passage::split_id(id) else {
            return Ok(None);
        };
        let query = TermQuery::new(self.report_term(report), IndexRecordOption::Basic);
        let addresses = searcher.search(&query, &DocSetCollector)?;
        let shared = self.shared(searcher, report)?;
        for address in addresses {
            let doc: TantivyDocument = searcher.doc(address)?;
            if let Ok(p) = self.passage_with(&doc, |_| Ok(shared.clone()))
                && p.id == id
            {
                return Ok(Some(p));
            }
        }
        Ok(None)
    }

    /// Every passage of `report`, in document order.
    pub fn report_passages(&self, searcher: &Searcher, report: &str) -> Result<Vec<Passage>> {
        let query = TermQuery::new(self.report_term(report), IndexRecordOption::Basic);
        let addresses = searcher.search(&query, &DocSetCollector)?;
        let mut out = Vec::with_capacity(addresses.len());
        let shared = self.shared(searcher, report)?;
        for address in addresses {
            let doc: TantivyDocument = searcher.doc(address)?;
            // The report document shares the report facet; it is no passage.
            if let Ok(p) = self.passage_with(&doc, |_| Ok(shared.clone())) {
                out.push(p);
            }
        }
        out.sort_by_key(|p| p.seq);
        Ok(out)
    }

    /// `passage` with up to `context` passages of its report on each side, in document order.
    pub fn around(
        &self,
        searcher: &Searcher,
        passage: &Passage,
        context: u64,
    ) -> Result<Vec<Passage>> {
        if context == 0 {
            return Ok(vec![passage.clone()]);
        }
        self.range(
            searcher,
            &passage.report,
            passage.seq.saturating_sub(context),
            passage.seq.saturating_add(context),
        )
    }

    /// Passages of `report` with `seq` in `[from, to]`, in document order.
    pub fn range(
        &self,
        searcher: &Searcher,
        report: &str,
        from: u64,
        to: u64,
    ) -> Result<Vec<Passage>> {
        let f = &self.fields;
        let query = BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    self.report_term(report),
                    IndexRecordOption::Basic,
                )) as Box<dyn Query>,
            ),
            (
                Occur::Must,
                Box::new(RangeQuery::new(
                    Bound::Included(Term::from_field_u64(f.seq, from)),
                    Bound::Included(Term::from_field_u64(f.seq, to)),
                )),
            ),
        ]);
        let (from, to) = (from.min(to), to.max(from));
        let limit = to.saturating_sub(from).saturating_add(1).min(10_000) as usize;
        let found = searcher.search(&query, &TopDocs::with_limit(limit.max(1)).order_by_score())?;
        let mut out = Vec::with_capacity(found.len());
        let shared = self.shared(searcher, report)?;
        for (_, address) in found {
            let doc: TantivyDocument = searcher.doc(address)?;
            if let Ok(p) = self.passage_with(&doc, |_| Ok(shared.clone())) {
                out.push(p);
            }
        }
        out.sort_by_key(|p| p.seq);
        Ok(out)
    }
}
