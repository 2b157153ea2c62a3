//! Command line: arguments → one unit per command (its arguments and its `run`) → exit code.
//!
//! [`args`] prepares the raw arguments for clap, each command lives in its own file
//! (`parse`, `index`, `search`, `analyze`, `add`, `remove`, `reports`, `get`, `locate`;
//! `export` and `push` in `export.rs`), and
//! [`output`] prints what they return.
//!
//! Exit codes: 0 success or hits, 1 no hits or an unknown id, 2 error. Results go to stdout
//! (JSON Lines with `--json`), everything else (progress, warnings, errors) to stderr.
//! Errors print on one line as `baogao: FILE: cause`.

mod add;
mod analyze;
pub mod args;
pub mod export;
mod get;
mod index;
mod locate;
pub mod output;
mod parse;
mod remove;
mod reports;
mod search;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::{Parser, Subcommand, ValueEnum};

use crate::cli::output::Printer;
use crate::corpus::{self, Quiet, Summary};
use crate::index::Store;

pub use add::Add;
pub use analyze::Analyze;
pub use export::{Export, Push};
pub use get::Get;
pub use index::Index;
pub use locate::Locate;
pub use parse::Parse;
pub use remove::Remove;
pub use reports::Reports;
pub use search::Search;

/// baogao (報告): search Chinese research reports — Traditional or Simplified, any encoding.
#[derive(Parser, Debug)]
#[command(name = "baogao", version, about, long_about = None)]
pub struct Cli {
    /// Index folder.
    #[arg(long, global = true, env = "BAOGAO_INDEX", default_value = "index")]
    pub index: PathBuf,
    /// Corpus folder holding the reports.
    #[arg(long, global = true, env = "BAOGAO_CORPUS", default_value = "corpus")]
    pub corpus: PathBuf,
    /// Colors: auto means stdout is a terminal and NO_COLOR is unset.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Decode and parse one file and print its structure (touches no index).
    Parse(Parse),
    /// Build or update the index from every report in the corpus.
    Index(Index),
    /// Search: whitespace-separated words, "quoted phrases", -excluded words.
    Search(Search),
    /// Show how a text is normalized and cut into search terms.
    Analyze(Analyze),
    /// Copy report files into the corpus (bytes unchanged) and index them.
    Add(Add),
    /// Take reports out of the index and the corpus.
    Remove(Remove),
    /// List the indexed reports.
    Reports(Reports),
    /// Print passages by id, exactly as stored.
    Get(Get),
    /// Find the passage(s) a quotation came from.
    Locate(Locate),
    /// Write the corpus as an engine index definition and bulk NDJSON (OpenSearch).
    Export(Export),
    /// Send the corpus into an engine index (OpenSearch), creating it if missing.
    Push(Push),
}

/// One command: its arguments, run against the global options; returns the exit code.
pub trait Run {
    fn run(&self, cli: &Cli, out: &mut Printer) -> Result<u8>;
}

impl Run for Command {
    fn run(&self, cli: &Cli, out: &mut Printer) -> Result<u8> {
        match self {
            Command::Parse(c) => c.run(cli, out),
            Command::Index(c) => c.run(cli, out),
            Command::Search(c) => c.run(cli, out),
            Command::Analyze(c) => c.run(cli, out),
            Command::Add(c) => c.run(cli, out),
            Command::Remove(c) => c.run(cli, out),
            Command::Reports(c) => c.run(cli, out),
            Command::Get(c) => c.run(cli, out),
            Command::Locate(c) => c.run(cli, out),
            Command::Export(c) => c.run(cli, out),
            Command::Push(c) => c.run(cli, out),
        }
    }
}

/// Entry point used by `main`.
pub fn main() -> ExitCode {
    let args = match args::prepare(std::env::args_os().collect()) {
        Ok(args) => args,
        Err(unknown) => {
            eprintln!("baogao: {}", one_line(&unknown.to_string()));
            return ExitCode::from(2);
        }
    };
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            // Help and version go to stdout (exit 0); help asked for by omission stays whole.
            if !e.use_stderr() || e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                let _ = e.print();
                return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
            }
            let line = args::clap_error_line(&e.render().to_string());
            eprintln!("baogao: {}", one_line(&line));
            return ExitCode::from(2);
        }
    };
    match run(&cli) {
        Ok(code) => code,
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            let msg = one_line(&format!("{e:#}"));
            eprintln!("baogao: {msg}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    // `--json` output goes through serde_json, which wraps the I/O error in its own.
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    }
}

/// Runs one command.
pub fn run(cli: &Cli) -> Result<ExitCode> {
    let mut out = Printer::new(use_color(cli.color));
    let code = cli.command.run(cli, &mut out)?;
    out.flush()?;
    Ok(ExitCode::from(code))
}

/// Text for a one-line message: line breaks (in a file name, an id) become spaces.
fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

fn report_failures(summary: &Summary) {
    for failure in &summary.failed {
        eprintln!("baogao: {}", one_line(&failure.to_string()));
    }
}

/// Builds or refreshes the index before a read command when it is missing or stale.
fn ensure_index(cli: &Cli) -> Result<()> {
    let missing = !Store::exists(&cli.index);
    if !missing && !corpus::index_is_stale(&cli.index, &cli.corpus) {
        return Ok(());
    }
    if !cli.corpus.is_dir() {
        if missing {
            bail!(
                "{}: no index here and corpus folder {} not found",
                cli.index.display(),
                cli.corpus.display()
            );
        }
        return Ok(());
    }
    eprintln!(
        "baogao: {} the index in {} from {}…",
        if missing { "building" } else { "updating" },
        cli.index.display(),
        cli.corpus.display()
    );
    // An existing index is searched as it is rather than waiting for another writer.
    match corpus::update_with(&cli.index, &cli.corpus, false, &Quiet, missing) {
        Ok(summary) => {
            report_failures(&summary);
            Ok(())
        }
        Err(e) if e.downcast_ref::<corpus::Busy>().is_some() => {
            eprintln!("baogao: warning: {e}; searching the index as it is");
            Ok(())
        }
        // Any other failure to refresh: search what is there.
        Err(e) if !missing => {
            eprintln!("baogao: warning: {e:#}");
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// The index, brought up to date with the corpus, and a searcher on it.
fn open(cli: &Cli) -> Result<(Store, tantivy::Searcher)> {
    ensure_index(cli)?;
    let store = Store::open_for_search(&cli.index)?;
    let searcher = store.reader()?.searcher();
    Ok((store, searcher))
}
