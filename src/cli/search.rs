//! `baogao search QUERY…`: ranked passages.

use anyhow::{Result, bail};
use clap::Args;

use crate::cli::output::Printer;
use crate::cli::{Cli, EMPTY_CORPUS_STEP, Run, corpus_synonyms, one_line, open};
use crate::engine::Engine;
use crate::search::request::{InvalidRequest, ValidRequest};
use crate::search::{Outcome, Request, Searching};

const EXAMPLES: &str = "\
查詢語法 (query syntax):
  雙城論壇 交流          words separated by spaces; a passage need not hold every word
  \"交流合作備忘錄\"       a phrase (also 「…」 『…』 “…”): the passage must hold it as written
  交流 -上海             -word (or －word) excludes passages holding it
  北市府                 agency short forms find full names too (臺北市政府), and back
  民國106年 / 106年      a year word also finds the other calendar (2017年), typed form first
Hits are ranked by match level: all (every word whole), then some (at least one word),
then partial (parts of words; plain output says 沒有完全符合的結果；以下為部分符合：).

範例 (examples):
  baogao search 雙城論壇 交流 --year 2017
  baogao search 衛福部 長照 --from 民國105年 --to 2017-12-31
  baogao search 姊妹市 --kind table_row --kind caption --org 臺北市政府
  baogao search 湖山水庫 -防洪 --json --limit 5
  baogao search 交流 --facets";

#[derive(Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct Search {
    /// Query words (查詢詞): words, "phrases", -excluded words.
    #[arg(required = true)]
    pub query: Vec<String>,
    /// Hits to show, 1 to 10000.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Hits to skip first, for the next page (--offset 10 shows hits 11–20).
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// JSON Lines: one object per hit (and one facet line with --facets).
    #[arg(long)]
    pub json: bool,
    /// Only passages of this kind: paragraph, table_row, list_item, heading, caption, note
    /// (repeat for any of several).
    #[arg(long, value_name = "KIND")]
    pub kind: Vec<String>,
    /// Only passages of this report id (repeat for any of several; `baogao reports` lists them).
    #[arg(long, value_name = "ID")]
    pub report: Vec<String>,
    /// Only reports of this organisation, e.g. 臺北市政府 (repeat for any of several).
    #[arg(long, value_name = "ORG")]
    pub org: Vec<String>,
    /// Only reports dated in this year: 2017, or an ROC year (106, 民國106 = 2017; any year
    /// below 1000 is an ROC year, + 1911).
    #[arg(long)]
    pub year: Option<String>,
    /// Only reports dated on or after this day: 2017-03-05, 2017-03, 2017, or ROC 106/3/5,
    /// 民國106年3月.
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Only reports dated on or before this day (same forms as --from; a year or month means
    /// its last day).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
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
            kinds: Vec::new(),
            typed_kinds: self.kind.clone(),
            reports: self.report.clone(),
            organisations: self.org.clone(),
            year: self.year.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            section: self.section.clone(),
            facets: self.facets,
        }
        .validated()
    }
}

impl Run for Search {
    fn run(&self, cli: &Cli, out: &mut Printer) -> Result<u8> {
        let request = self.request()?;
        for warning in request.warnings() {
            eprintln!("baogao: {warning}");
        }
        if let Some(url) = &self.engine {
            return self.run_on_engine(cli, url, &request, out);
        }
        let (store, searcher) = open(cli)?;
        if searcher.num_docs() == 0 {
            note!("索引裡還沒有報告 no reports indexed yet: {EMPTY_CORPUS_STEP}");
            return Ok(1);
        }
        for report in &request.reports {
            if searcher.doc_freq(&store.report_term(report))? == 0 {
                // Exit 1 like every unknown id (`get`, `remove`): nothing to show, said why.
                note!(
                    "--report {}: 查無此報告 no such report (baogao reports 列出全部 lists them)",
                    one_line(report)
                );
                return Ok(1);
            }
        }
        let synonyms = corpus_synonyms(cli);
        let request = if request.organisations.is_empty() {
            request
        } else {
            request.with_organisations(&store.organisations(&searcher)?, &synonyms)?
        };
        let searching = Searching::new(&store, &searcher).with_synonyms(&synonyms);
        let outcome = searching.run(&request)?;
        out.hits(&outcome, request.offset, self.json)?;
        self.notes(&outcome);
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
    fn run_on_engine(
        &self,
        cli: &Cli,
        url: &str,
        request: &Request,
        out: &mut Printer,
    ) -> Result<u8> {
        let engine = Engine::new(url, &self.index_name)?.with_synonyms(corpus_synonyms(cli));
        if !engine.check_index()? {
            bail!(
                "{}/{}: no such index (baogao push --engine {} creates it)",
                engine.url(),
                engine.index,
                engine.url()
            );
        }
        for report in &request.reports {
            if !engine.has_report(report)? {
                note!(
                    "--report {}: 查無此報告 no such report in {}/{}",
                    one_line(report),
                    engine.url(),
                    engine.index
                );
                return Ok(1);
            }
        }
        let outcome = engine.search(request)?;
        out.hits(&outcome, request.offset, self.json)?;
        self.notes(&outcome);
        Ok(if outcome.hits.is_empty() { 1 } else { 0 })
    }

    /// What a search says besides its hits: none found, a did-you-mean.
    fn notes(&self, outcome: &Outcome) {
        if outcome.hits.is_empty() && !self.json {
            note!("查無結果 no hits");
        }
        // On stderr in either mode: stdout holds results only.
        if let Some(suggestion) = &outcome.suggestion {
            note!("你是不是要找：{suggestion} did you mean: {suggestion}");
        }
    }
}
