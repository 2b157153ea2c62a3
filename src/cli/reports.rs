//! `baogao reports`: list the indexed reports.

use anyhow::Result;
use clap::Args;

use crate::cli::output::Printer;
use crate::cli::{Cli, Run, open};

#[derive(Args, Debug)]
#[command(after_help = "範例 (examples):\n  baogao reports\n  baogao reports --json")]
pub struct Reports {
    /// JSON Lines: one object per report.
    #[arg(long)]
    pub json: bool,
    /// List the corpus files that could not be indexed (skipped until they change).
    #[arg(long)]
    pub failed: bool,
}

impl Run for Reports {
    fn run(&self, cli: &Cli, out: &mut Printer) -> Result<u8> {
        let (store, searcher) = open(cli)?;
        if self.failed {
            let failed = store.record().failed;
            out.known_failures(&failed, self.json)?;
            return Ok(if failed.is_empty() { 1 } else { 0 });
        }
        let reports = store.reports(&searcher)?;
        out.reports(&reports, self.json)?;
        Ok(if reports.is_empty() { 1 } else { 0 })
    }
}
