//! `baogao locate QUOTE…`: the passage(s) a quotation came from.

use anyhow::Result;
use clap::Args;

use crate::cli::output::Printer;
use crate::cli::{Cli, Run, open};
use crate::search::locate::locate;

#[derive(Args, Debug)]
#[command(
    after_help = "範例 (examples):\n  baogao locate 两岸贸易总额为1178.9亿美元\n  baogao locate --json 「臺北市已經與33國47個城市締結姐妹市」\n  baogao locate 臺北市……締結姐妹市\n\n省略號 …… … ... ⋯ （略） （中略） [...] 表示中間略去的文字，前後各段須依序出現在同一報告的同一段或相連段落。\nAn elision (…… … ... ⋯ （略） （中略） [...]) stands for left-out text: the pieces must come in order in one passage or consecutive passages of one report."
)]
pub struct Locate {
    /// The quotation, as pasted (punctuation, spacing, width and script may differ; elisions
    /// such as …… or （略） skip text).
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
        let lookup = locate(&store, &searcher, &self.quote.join(" "), self.limit)?;
        if lookup.sources.is_empty() {
            let closest = match &lookup.closest {
                Some(c) => {
                    let percent = (c.score * 100.0).floor();
                    format!(
                        "最接近的段落只符合 {percent}% closest passage matches {percent}%: {}; ",
                        c.ids()
                    )
                }
                None => "沒有段落含有其中的字詞 no passage shares its wording; ".to_string(),
            };
            note!(
                "找不到這段引文的出處 no passage matches this quotation closely enough: {closest}請改引其中較短或較特別的一句 quote a shorter, more distinctive part"
            );
            return Ok(1);
        }
        out.located(&lookup.sources, self.json)?;
        Ok(0)
    }
}
