//! `baogao get ID…`: passages by id, exactly as stored, with optional context.

use anyhow::Result;
use clap::Args;

use crate::cli::output::Printer;
use crate::cli::{Cli, Run, one_line, open};
use crate::search::Searching;

/// Largest `--context` of `get` (a window of at most 9,999 passages).
const MAX_CONTEXT: u64 = 4_999;

#[derive(Args, Debug)]
pub struct Get {
    #[arg(required = true)]
    pub ids: Vec<String>,
    /// Also print N passages before and after, in document order.
    #[arg(long, default_value_t = 0)]
    pub context: u64,
    #[arg(long)]
    pub json: bool,
}

impl Run for Get {
    fn run(&self, cli: &Cli, out: &mut Printer) -> Result<u8> {
        // More context than a report has passages shows the whole report.
        let context = self.context.min(MAX_CONTEXT);
        let (store, searcher) = open(cli)?;
        let searching = Searching::new(&store, &searcher);
        let mut missing = false;
        for id in &self.ids {
            match searching.get(id)? {
                Some(p) => {
                    let around = searching.around(&p, context)?;
                    out.passages(&around, &p.id, self.json)?;
                }
                None => {
                    eprintln!("baogao: {}: no such passage", one_line(id));
                    missing = true;
                }
            }
        }
        Ok(u8::from(missing))
    }
}
