//! `baogao get ID…`: passages by id, exactly as stored, with optional context; a report id
//! prints the whole report in order; `--cite` prints a citation line.

use anyhow::Result;
use clap::Args;

use crate::cli::output::Printer;
use crate::cli::{Cli, Run, one_line, open};
use crate::report::citation::citation;

/// Largest `--context` of `get` (a window of at most 9,999 passages).
const MAX_CONTEXT: u64 = 4_999;

const EXAMPLES: &str = "\
範例 (examples):
  baogao get taipei-shanghai-city-exchange-2017#rb98636            one passage
  baogao get --cite taipei-shanghai-city-exchange-2017#rb98636     a citation line: 「…」（機關，《標題》，日期，頁 N）
  baogao get --context 2 taipei-shanghai-city-exchange-2017#rb98636
  baogao get taipei-shanghai-city-exchange-2017                    the whole report, in order
Passage ids come from search results (the line under each hit) and `baogao locate`.";

#[derive(Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct Get {
    /// Passage ids (REPORT#Kxxxxxx), or report ids to print whole reports.
    #[arg(required = true, value_name = "ID")]
    pub ids: Vec<String>,
    /// Also print N passages before and after, in document order.
    #[arg(long, default_value_t = 0)]
    pub context: u64,
    /// Print a citation line for each passage: quote, organisation, title, date, page.
    #[arg(long)]
    pub cite: bool,
    /// JSON Lines: one object per passage (with --cite, a `citation` field too).
    #[arg(long)]
    pub json: bool,
}

impl Run for Get {
    fn run(&self, cli: &Cli, out: &mut Printer) -> Result<u8> {
        // More context than a report has passages shows the whole report.
        let context = self.context.min(MAX_CONTEXT);
        let (store, searcher) = open(cli)?;
        let mut missing = false;
        for id in &self.ids {
            if !id.contains('#') {
                // A report id: the whole report.
                match store.report(&searcher, id)? {
                    Some(info) => {
                        let all = store.report_passages(&searcher, id)?;
                        if self.cite {
                            for p in &all {
                                let line = citation(p, info.organisation.as_deref());
                                out.citation(p, &line, self.json)?;
                            }
                        } else {
                            out.report_heading(&info, self.json)?;
                            out.passages(&all, "", self.json)?;
                        }
                    }
                    None => {
                        note!("{}: 查無此報告 no such report", one_line(id));
                        missing = true;
                    }
                }
                continue;
            }
            match store.get(&searcher, id)? {
                Some(p) if self.cite => {
                    let organisation = store
                        .report(&searcher, &p.report)?
                        .and_then(|info| info.organisation);
                    let line = citation(&p, organisation.as_deref());
                    out.citation(&p, &line, self.json)?;
                }
                Some(p) => {
                    let around = store.around(&searcher, &p, context)?;
                    if let Some(info) = store.report(&searcher, &p.report)? {
                        out.report_heading(&info, self.json)?;
                    }
                    out.passages(&around, &p.id, self.json)?;
                }
                None => {
                    note!("{}: 查無此段落 no such passage", one_line(id));
                    missing = true;
                }
            }
        }
        Ok(u8::from(missing))
    }
}
