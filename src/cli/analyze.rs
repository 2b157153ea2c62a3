//! `baogao analyze TEXT…`: how a text is normalized and cut into search terms.

use anyhow::Result;
use clap::Args;

use crate::analysis::explain::explain;
use crate::cli::output::Printer;
use crate::cli::{Cli, Run};

#[derive(Args, Debug)]
pub struct Analyze {
    #[arg(required = true)]
    pub text: Vec<String>,
    #[arg(long)]
    pub json: bool,
}

impl Run for Analyze {
    fn run(&self, _cli: &Cli, out: &mut Printer) -> Result<u8> {
        out.analysis(&explain(&self.text.join(" ")), self.json)?;
        Ok(0)
    }
}
