//! `baogao analyze TEXT…`: how a text is normalized and cut into search terms.

use anyhow::Result;
use clap::Args;

use crate::analysis::explain::explain;
use crate::cli::output::Printer;
use crate::cli::{Cli, Run, corpus_synonyms};
use crate::search::plan::alternatives;

#[derive(Args, Debug)]
#[command(
    after_help = "範例 (examples):\n  baogao analyze 臺北市 ＥＣＦＡ 3,500 第十二條\n  baogao analyze 北市府 民國106年      also shows what each word is searched as"
)]
pub struct Analyze {
    /// Text to analyse, as it would be typed in a query.
    #[arg(required = true)]
    pub text: Vec<String>,
    /// One JSON object: normalized text, word and gram terms, expansions.
    #[arg(long)]
    pub json: bool,
}

impl Run for Analyze {
    fn run(&self, cli: &Cli, out: &mut Printer) -> Result<u8> {
        let text = self.text.join(" ");
        let synonyms = corpus_synonyms(cli);
        // What each query word is also searched as (other calendar, synonyms).
        let expansions: Vec<(String, Vec<String>)> = text
            .split_whitespace()
            .map(|w| (w.to_string(), alternatives(w, &synonyms)))
            .filter(|(_, also)| !also.is_empty())
            .collect();
        out.analysis(&explain(&text), &expansions, self.json)?;
        Ok(0)
    }
}
