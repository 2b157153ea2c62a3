//! `baogao search QUERY…`: ranked passages.

use anyhow::{Result, bail};
use clap::Args;

use crate::cli::output::Printer;
use crate::cli::{Cli, Run, one_line, open};
use crate::engine::Engine;
use crate::search::request::{InvalidRequest, ValidRequest};
use crate::search::{Request, Searching};

#[derive(Args, Debug)]
pub struct Search {
    #[arg(required = true)]
    pub query: Vec<String>,
    /// Hits to show, 1 to 10000 (with --facets every match is counted anyway).
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// JSON Lines: one object per hit (and one facet line with --facets).
    #[arg(long)]
    pub json: bool,
    /// Only passages of this kind (paragraph, table_row, list_item, heading, caption, note).
    #[arg(long)]
    pub kind: Option<String>,
    /// Only passages of this report id.
    #[arg(long)]
    pub report: Option<String>,
    /// Only reports dated in this year: YYYY, or an ROC year (106 or 民國106 = 2017; any
    /// year below 1000 is an ROC year, + 1911).
    #[arg(long)]
    pub year: Option<String>,
    /// Only passages under a section heading containing this text.
    #[arg(long)]
    pub section: Option<String>,
    /// Count matches by kind, report, year, section and organisation.
    #[arg(long)]
    pub facets: bool,
    /// Search an OpenSearch index filled by `baogao push` (http://HOST:PORT) instead of the
    /// local index.
    #[arg(long, env = "BAOGAO_ENGINE")]
    pub engine: Option<String>,
    /// Name of the engine index (with --engine).
    #[arg(long, default_value = crate::engine::DEFAULT_INDEX)]
    pub index_name: String,
}

impl Search {
    /// The request these arguments make, checked.
    pub fn request(&self) -> Result<ValidRequest, InvalidRequest> {
        Request {
            query: self.query.join(" "),
            limit: self.limit,
            offset: self.offset,
            kind: self.kind.clone(),
            report: self.report.clone(),
            year: self.year.clone(),
            section: self.section.clone(),
            facets: self.facets,
        }
        .validated()
    }
}

impl Run for Search {
    fn run(&self, cli: &Cli, out: &mut Printer) -> Result<u8> {
        let request = self.request()?;
        if let Some(url) = &self.engine {
            return self.run_on_engine(url, &request, out);
        }
        let (store, searcher) = open(cli)?;
        if let Some(report) = &request.report
            && searcher.doc_freq(&store.report_term(report))? == 0
        {
            // Exit 1 like every unknown id (`get`, `remove`): nothing to show, said why.
            eprintln!(
                "baogao: --report {}: no such report (baogao reports lists them)",
                one_line(report)
            );
            return Ok(1);
        }
        let searching = Searching::new(&store, &searcher);
        let outcome = searching.run(&request)?;
        out.hits(&outcome, request.offset, self.json)?;
        // The process ends with this search: unmapping and freeing every segment's files one
        // by one would cost a tenth of a cold search; the kernel reclaims them at exit anyway.
        std::mem::forget(searching);
        std::mem::forget(searcher);
        std::mem::forget(store);
        Ok(if outcome.hits.is_empty() { 1 } else { 0 })
    }
}

impl Search {
    /// The same search on an engine index: same hits, JSON and exit codes.
    fn run_on_engine(&self, url: &str, request: &Request, out: &mut Printer) -> Result<u8> {
        let engine = Engine::new(url, &self.index_name)?;
        if !engine.check_index()? {
            bail!(
                "{}/{}: no such index (baogao push --engine {} creates it)",
                engine.url(),
                engine.index,
                engine.url()
            );
        }
        if let Some(report) = &request.report
            && !engine.has_report(report)?
        {
            eprintln!(
                "baogao: --report {}: no such report in {}/{}",
                one_line(report),
                engine.url(),
                engine.index
            );
            return Ok(1);
        }
        let outcome = engine.search(request)?;
        out.hits(&outcome, request.offset, self.json)?;
        Ok(if outcome.hits.is_empty() { 1 } else { 0 })
    }
}
