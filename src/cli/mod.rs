//! Command line: arguments → one unit per command (its arguments and its `run`) → exit code.
//!
//! [`args`] prepares the raw arguments for clap, each command lives in its own file
//! (`parse`, `index`, `search`, `analyze`, `add`, `remove`, `reports`, `get`, `locate`,
//! `serve`; `export` and `push` in `export.rs`), [`output`] prints what they return, and
//! [`generate`] writes shell completions and the man page (`--generate`). The corpus's
//! `synonyms.txt` is read here, for `search` and `analyze`.
//!
//! Exit codes: 0 success or hits, 1 no hits or an unknown id, 2 error. Results go to stdout
//! (JSON Lines with `--json`), everything else (progress, warnings, errors) to stderr.
//! Errors print on one line as `baogao: FILE: cause`.

/// `note!("FORMAT", args…)`: one line `baogao: …` on stderr through [`output::note`] (control
/// characters escaped, a failed write ignored instead of a panic).
macro_rules! note {
    ($($arg:tt)*) => {
        $crate::cli::output::note(&format!($($arg)*))
    };
}

mod add;
mod analyze;
pub mod args;
pub mod export;
pub mod generate;
mod get;
mod index;
mod locate;
pub mod output;
mod parse;
mod remove;
mod reports;
mod search;
mod serve;

use std::borrow::Cow;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::{Parser, Subcommand, ValueEnum};

use crate::analysis::synonyms::{self, Synonyms};
use crate::cli::generate::Generate;
use crate::cli::output::Printer;
use crate::corpus::{self, Event, Progress, Summary, UpdateOptions};
use crate::index::record::same_folder;
use crate::index::{IndexRecord, OtherCorpus, Store, damage};

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
pub use serve::Serve;

const EXAMPLES: &str = "\
快速上手 (quick start):
  把報告放進 corpus/ 資料夾，或：  baogao add 報告.pdf
  搜尋：                          baogao search 雙城論壇 交流 --year 2017
  引用：                          baogao get --cite ID      (ID 為搜尋結果第二行的段落編號)
  整份報告：                      baogao get REPORT_ID

Each command has its own help with examples: baogao search --help.
Exit codes: 0 success or hits, 1 no hits or not found, 2 error (one line on stderr).";

/// baogao (報告): search Chinese research reports — Traditional or Simplified, any encoding.
#[derive(Parser, Debug)]
#[command(
    name = "baogao",
    version,
    about,
    long_about = None,
    after_help = EXAMPLES,
    arg_required_else_help = true
)]
pub struct Cli {
    /// Index folder.
    #[arg(long, global = true, env = "BAOGAO_INDEX", default_value = "index")]
    pub index: PathBuf,
    /// Corpus folder holding the reports [default: the corpus the index records, else
    /// `corpus`].
    #[arg(long, global = true, env = "BAOGAO_CORPUS")]
    pub corpus: Option<PathBuf>,
    /// Colors: auto means stdout is a terminal and NO_COLOR is unset.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print shell completions or the man page to stdout and exit.
    #[arg(long, value_enum, value_name = "KIND")]
    pub generate: Option<Generate>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// 解析 Decode and parse one file and print its structure (touches no index).
    Parse(Parse),
    /// 建立索引 Build or update the index from every report in the corpus.
    Index(Index),
    /// 搜尋 Search: words, "quoted phrases", -excluded words; filters by kind, report, org, date.
    Search(Search),
    /// 分析 Show how a text is normalized, cut into search terms and expanded.
    Analyze(Analyze),
    /// 新增 Copy report files into the corpus (bytes unchanged) and index them.
    Add(Add),
    /// 移除 Take reports out of the index and the corpus.
    Remove(Remove),
    /// 報告清單 List the indexed reports.
    Reports(Reports),
    /// 取出 Print passages by id (or whole reports), exactly as stored; --cite for a citation.
    Get(Get),
    /// 出處 Find the passage(s) a quotation came from.
    Locate(Locate),
    /// Serve a search page and a JSON API over HTTP (127.0.0.1:7700 by default).
    #[command(
        after_help = "Limits: a client has 10 s to send a request's headers and a \
        kept-alive connection is closed after 10 s of silence; at most 512 connections are \
        open at once; an upload is at most 64 MiB (413, before reading, when its length \
        says so) and two are read at a time. Requests whose Host names neither the address \
        listened on nor an --allow-host name are refused (421)."
    )]
    Serve(Serve),
    /// Write the corpus as an engine index definition and bulk NDJSON (OpenSearch).
    Export(Export),
    /// Send the corpus into an engine index (OpenSearch), creating it if missing.
    Push(Push),
}

impl Cli {
    /// The corpus folder: as given (`--corpus`, `BAOGAO_CORPUS`), else the one the index
    /// records, else `corpus`. So `baogao --index /srv/r/index search …` works from any
    /// folder, and never reads a stray `corpus/` of the folder it runs in.
    pub fn corpus_dir(&self) -> PathBuf {
        if let Some(given) = &self.corpus {
            return given.clone();
        }
        IndexRecord::read(&self.index)
            .and_then(|r| r.recorded_corpus(&self.index))
            .unwrap_or_else(|| PathBuf::from("corpus"))
    }
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
            Command::Serve(c) => c.run(cli, out),
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
            note!("{}", one_line(&unknown.to_string()));
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
            note!("參數有誤 {}", one_line(&line));
            return ExitCode::from(2);
        }
    };
    match run(&cli) {
        Ok(code) => code,
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            // A tantivy error says where in the index it happened, not in its debug dump.
            let from_tantivy = e.chain().any(|c| c.is::<tantivy::TantivyError>());
            let msg = match damage::explain(&cli.index, &e) {
                Some(said) if from_tantivy => said.to_string(),
                _ => format!("{e:#}"),
            };
            note!("{}", one_line(&msg));
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
    if let Some(kind) = cli.generate {
        generate::generate(kind, out.raw())?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let Some(command) = &cli.command else {
        bail!(
            "沒有指令 no command given: 例如 e.g. baogao search 詞 (search, add, get, index …); baogao --help 列出全部 lists them"
        );
    };
    let code = command.run(cli, &mut out)?;
    out.flush()?;
    Ok(ExitCode::from(code))
}

/// The next step when there is nothing to search yet.
pub const EMPTY_CORPUS_STEP: &str = "請把報告放進 corpus 資料夾，或執行 baogao add 檔案 put reports into the corpus folder, or run baogao add FILE";

/// Text for a one-line message: line breaks (in a file name, an id) become spaces.
fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

fn report_failures(summary: &Summary) {
    for failure in &summary.failed {
        note!("{}", one_line(&failure.to_string()));
    }
}

/// Builds or refreshes the index before a read command when it is missing or stale. An
/// index given another corpus than its own is searched as it is, and the user told so.
fn ensure_index(cli: &Cli) -> Result<()> {
    let recorded = IndexRecord::read(&cli.index).and_then(|r| r.recorded_corpus(&cli.index));
    let corpus = match (&cli.corpus, &recorded) {
        (Some(given), _) => given.clone(),
        (None, Some(recorded)) => recorded.clone(),
        (None, None) => PathBuf::from("corpus"),
    };
    let missing = !Store::exists(&cli.index);
    if !missing
        && let Some(recorded) = recorded
        && cli.corpus.is_some()
        && !same_folder(&recorded, &corpus)
    {
        let other = OtherCorpus {
            index: cli.index.clone(),
            recorded,
            given: corpus,
        };
        note!(
            "warning: {}; searching the index as it is",
            one_line(&other.to_string())
        );
        return Ok(());
    }
    if !missing && !corpus::index_is_stale(&cli.index, &corpus) {
        if let Some(cause) = corpus::failed_refresh(&cli.index) {
            note!(
                "warning: {}: not up to date with the corpus, the last update failed ({cause}); \
                 searching the index as it is (`baogao index` tries again)",
                cli.index.display()
            );
        }
        return Ok(());
    }
    if !corpus.is_dir() {
        if missing {
            bail!(
                "還沒有索引，也沒有報告資料夾 {} no index in {} and no corpus folder: {EMPTY_CORPUS_STEP}",
                corpus.display(),
                cli.index.display(),
            );
        }
        return Ok(());
    }
    note!(
        "{} the index in {} from {}…",
        if missing {
            "建立索引 building"
        } else {
            "更新索引 updating"
        },
        cli.index.display(),
        corpus.display()
    );
    // An existing index is searched as it is rather than waiting for another writer.
    let options = UpdateOptions {
        rebuild: false,
        wait_for_lock: missing,
        repoint: false,
    };
    match corpus::update_with(&cli.index, &corpus, &options, &Notes) {
        Ok(summary) => {
            report_failures(&summary);
            report_skipped(&summary);
            Ok(())
        }
        Err(e) if e.downcast_ref::<corpus::Busy>().is_some() => {
            note!("warning: {e}; searching the index as it is");
            Ok(())
        }
        // A damaged index cannot be searched either: say which file, and the remedy.
        Err(e) if damage::explain(&cli.index, &e).is_some_and(|i| i.damaged) => Err(e),
        // Any other failure to refresh (a full disk): search what is there, and do not try
        // again before the corpus changes.
        Err(e) if !missing => {
            let cause = match damage::explain(&cli.index, &e) {
                Some(said) => said.to_string(),
                None => format!("{e:#}"),
            };
            note!("warning: {cause}; searching the index as it is");
            corpus::note_failed_refresh(&cli.index, &cause);
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// The built-in synonym table merged with the corpus's `synonyms.txt`, when there is one. A
/// file that cannot be read or holds a bad line is said on stderr and left out.
fn corpus_synonyms(cli: &Cli) -> Cow<'static, Synonyms> {
    let builtin = Synonyms::builtin();
    let corpus = cli.corpus_dir();
    let path = corpus.join(synonyms::FILE_NAME);
    // A link of that name is read only when it stays inside the corpus.
    if path.is_symlink()
        && let Err(e) = corpus::inside_corpus(&corpus, &path)
    {
        note!("warning: {e:#}; searching without it");
        return Cow::Borrowed(builtin);
    }
    let text = match std::fs::read(&path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Cow::Borrowed(builtin),
        Err(e) => {
            note!(
                "warning: {}: {}; searching without it",
                one_line(&path.display().to_string()),
                crate::ingest::io_cause(&e)
            );
            return Cow::Borrowed(builtin);
        }
    };
    match Synonyms::parse(&text) {
        Ok(user) => Cow::Owned(builtin.merged(&user)),
        Err(bad) => {
            note!(
                "warning: {}: {bad}; searching without it",
                one_line(&path.display().to_string())
            );
            Cow::Borrowed(builtin)
        }
    }
}

/// Says how many files were left alone on purpose or because they failed before.
fn report_skipped(summary: &Summary) {
    if summary.skipped_as_before > 0 {
        note!(
            "{} {} skipped as before: baogao reports --failed",
            summary.skipped_as_before,
            if summary.skipped_as_before == 1 {
                "file"
            } else {
                "files"
            }
        );
    }
}

/// Shows a run's events on stderr (no progress display): the library never prints.
pub struct Notes;

impl Progress for Notes {
    fn start(&self, _: u64) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
    fn event(&self, event: Event) {
        if let Some(line) = event_line(&event) {
            note!("{}", one_line(&line));
        }
    }
}

/// What to tell the user about an event, if anything (`Read` is shown by `add` and
/// `index` only).
fn event_line(event: &Event) -> Option<String> {
    Some(match event {
        Event::DiscardedUnusableIndex { index, cause } => format!(
            "{}: removed an index that could not be used ({cause}); rebuilding it",
            index.display()
        ),
        Event::WaitingForWriter { index } => format!(
            "{}: waiting for another baogao process to finish writing the index…",
            index.display()
        ),
        Event::DoubtfulEncoding {
            file,
            forced,
            detected,
            why,
        } => format!(
            "warning: {}: decoded as {forced} as asked, but the text looks wrong ({why}); \
             detection suggests {detected}",
            file.display()
        ),
        Event::Read { .. } => return None,
    })
}

/// The index, brought up to date with the corpus, and a searcher on it.
fn open(cli: &Cli) -> Result<(Store, tantivy::Searcher)> {
    ensure_index(cli)?;
    let store = Store::open_for_search(&cli.index)?;
    let searcher = store.reader()?.searcher();
    Ok((store, searcher))
}
