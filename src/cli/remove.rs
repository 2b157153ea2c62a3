//! `baogao remove ID…`: take reports out of the index and the corpus.

use anyhow::Result;
use clap::Args;

use crate::cli::output::Printer;
use crate::cli::{Cli, Notes, Run, one_line};
use crate::corpus;

#[derive(Args, Debug)]
#[command(after_help = "範例 (examples):\n  baogao remove hushan-2016")]
pub struct Remove {
    /// Report ids to remove (`baogao reports` lists them).
    #[arg(required = true, value_name = "ID")]
    pub ids: Vec<String>,
    /// One JSON object: {"removed": […]}.
    #[arg(long)]
    pub json: bool,
}

impl Run for Remove {
    fn run(&self, cli: &Cli, out: &mut Printer) -> Result<u8> {
        let (removed, missing) = corpus::remove(&cli.index, &cli.corpus_dir(), &self.ids, &Notes)?;
        for id in &missing {
            note!(
                "{}: 查無此報告 no such report (baogao reports 列出全部 lists them)",
                one_line(id)
            );
        }
        out.removed(&removed, self.json)?;
        Ok(if missing.is_empty() { 0 } else { 1 })
    }
}
