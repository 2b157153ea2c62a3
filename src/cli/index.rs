//! `baogao index`: build or update the index from every report in the corpus.

use std::io::IsTerminal;

use anyhow::Result;
use clap::Args;

use crate::cli::output::Printer;
use crate::cli::{Cli, Run, report_failures};
use crate::corpus::{self, Progress};

#[derive(Args, Debug)]
#[command(
    after_help = "範例 (examples):\n  baogao index                 index new and changed files of corpus/\n  baogao index --json          one summary object, for nightly scripts\n  baogao index --rebuild       start over (after an upgrade that changed the index)"
)]
pub struct Index {
    /// Start over: drop the index and index every report again.
    #[arg(long)]
    pub rebuild: bool,
    /// Print one JSON summary object on stdout (counts, failures with file and cause,
    /// seconds) instead of the line on stderr: for nightly scripts.
    #[arg(long)]
    pub json: bool,
}

impl Run for Index {
    fn run(&self, cli: &Cli, out: &mut Printer) -> Result<u8> {
        let started = std::time::Instant::now();
        let summary = corpus::update(&cli.index, &cli.corpus, self.rebuild, &Bar::new())?;
        report_failures(&summary);
        out.index_summary(&summary, started.elapsed(), self.json)?;
        Ok(if summary.failed.is_empty() { 0 } else { 2 })
    }
}

/// A progress bar on stderr when it is a terminal.
struct Bar(Option<indicatif::ProgressBar>);

impl Bar {
    fn new() -> Bar {
        if std::io::stderr().is_terminal() {
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} indexing {bytes}/{total_bytes} {bar:30} {bytes_per_sec} eta {eta}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            Bar(Some(bar))
        } else {
            Bar(None)
        }
    }
}

impl Progress for Bar {
    fn start(&self, total: u64) {
        if let Some(b) = &self.0 {
            b.set_length(total);
        }
    }
    fn advance(&self, bytes: u64) {
        if let Some(b) = &self.0 {
            b.inc(bytes);
        }
    }
    fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}
