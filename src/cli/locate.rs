//! `baogao locate QUOTE…`: the passage(s) a quotation came from.

use anyhow::Result;
use clap::Args;

use crate::cli::output::Printer;
use crate::cli::{Cli, Run, open};
use crate::search::locate::locate;

#[derive(Args, Debug)]
#[command(
    after_help = "範例 (examples):\n  baogao locate 两岸贸易总额为1178.9亿美元\n  baogao locate --json 「臺北市已經與33國47個城市締結姐妹市」"
)]
pub struct Locate {
    /// The quotation, as pasted (punctuation, spacing and script may differ).
    #[arg(required = true)]
    pub quote: Vec<String>,
    /// Most sources to show.
    #[arg(long, default_value_t = 5)]
    pub limit: usize,
    /// JSON Lines: one object per source.
    #[arg(long)]
    pub json: bool,
}

impl Run for Locate {
    fn run(&self, cli: &Cli, out: &mut Printer) -> Result<u8> {
        let (store, searcher) = open(cli)?;
        let found = locate(&store, &searcher, &self.quote.join(" "), self.limit)?;
        if found.is_empty() {
            note!(
                "找不到這段引文的出處 no passage matches this quotation closely enough: 請改引其中較短或較特別的一句 quote a shorter, more distinctive part"
            );
            return Ok(1);
        }
        out.located(&found, self.json)?;
        Ok(0)
    }
}
