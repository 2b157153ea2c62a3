//! `baogao locate QUOTE…`: the passage(s) a quotation came from.

use anyhow::Result;
use clap::Args;

use crate::cli::output::Printer;
use crate::cli::{Cli, Run, open};
use crate::search::locate::locate;

#[derive(Args, Debug)]
pub struct Locate {
    #[arg(required = true)]
    pub quote: Vec<String>,
    #[arg(long, default_value_t = 5)]
    pub limit: usize,
    #[arg(long)]
    pub json: bool,
}

impl Run for Locate {
    fn run(&self, cli: &Cli, out: &mut Printer) -> Result<u8> {
        let (store, searcher) = open(cli)?;
        let found = locate(&store, &searcher, &self.quote.join(" "), self.limit)?;
        if found.is_empty() {
            eprintln!("baogao: no passage matches this quotation closely enough");
            return Ok(1);
        }
        out.located(&found, self.json)?;
        Ok(0)
    }
}
