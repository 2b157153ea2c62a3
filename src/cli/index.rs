//! `baogao index`: build or update the index from every report in the corpus.

use std::io::IsTerminal;

use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Result, bail};
use clap::Args;

use crate::cli::output::Printer;
use crate::cli::{Cli, Notes, Run, one_line, report_failures, report_skipped};
use crate::corpus::{self, Event, Progress, UpdateOptions};

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

    /// Make the `--corpus` given the index's corpus, though it records another one: reports
    /// that are not in the new corpus are removed from the index.
    #[arg(long)]
    pub repoint: bool,
}

impl Run for Index {
    fn run(&self, cli: &Cli, out: &mut Printer) -> Result<u8> {
        let started = std::time::Instant::now();
        if self.repoint && cli.corpus.is_none() {
            bail!("--repoint needs the new corpus: baogao --corpus DIR index --repoint");
        }
        let options = UpdateOptions {
            rebuild: self.rebuild,
            wait_for_lock: true,
            repoint: self.repoint,
        };
        let summary = corpus::update_with(&cli.index, &cli.corpus_dir(), &options, &Bar::new())?;
        report_failures(&summary);
        report_skipped(&summary);
        out.index_summary(&summary, started.elapsed(), self.json)?;
        Ok(if summary.failed.is_empty() { 0 } else { 2 })
    }
}

/// A progress bar on stderr when it is a terminal; events and the titles of the first
/// reports read on stderr.
struct Bar(Option<indicatif::ProgressBar>, AtomicUsize);

/// Titles `index` shows: enough to check a small run's decoding, not a flood on a big one.
const TITLES_SHOWN: usize = 20;

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
            Bar(Some(bar), AtomicUsize::new(0))
        } else {
            Bar(None, AtomicUsize::new(0))
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
        let read = self.1.load(Ordering::Relaxed);
        if read > TITLES_SHOWN {
            note!("… and {} more reports read", read - TITLES_SHOWN);
        }
    }
    fn event(&self, event: Event) {
        let show = || match &event {
            Event::Read { id, title } => {
                if self.1.fetch_add(1, Ordering::Relaxed) < TITLES_SHOWN {
                    note!("read {}: {}", one_line(id), one_line(title));
                }
            }
            other => Notes.event(other.clone()),
        };
        match &self.0 {
            Some(bar) => bar.suspend(show),
            None => show(),
        }
    }
}
