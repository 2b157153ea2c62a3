//! Command line: arguments → one function per command → exit code.
//!
//! Exit codes: 0 success or hits, 1 no hits or an unknown id, 2 error. Results go to stdout
//! (JSON Lines with `--json`), everything else (progress, warnings, errors) to stderr.
//! Errors print on one line as `baogao: FILE: cause`.

pub mod output;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};

use crate::cli::output::Printer;
use crate::corpus::{self, AddRequest, Progress, Quiet, Summary};
use crate::index::Store;
use crate::ingest::{ingest_bytes, read_report_file};
use crate::search::{MAX_LIMIT, MAX_OFFSET, Request, Searching};

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
    Parse {
        file: PathBuf,
        /// One JSON object instead of the outline.
        #[arg(long)]
        json: bool,
        /// Encoding label (big5, cp950, gbk, cp936, gb18030, utf-16le, …) instead of detection.
        #[arg(long)]
        encoding: Option<String>,
    },
    /// Build or update the index from every report in the corpus.
    Index {
        /// Start over: drop the index and index every report again.
        #[arg(long)]
        rebuild: bool,
    },
    /// Search: whitespace-separated words, "quoted phrases", -excluded words.
    Search {
        #[arg(required = true)]
        query: Vec<String>,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        #[arg(long, default_value_t = 0)]
        offset: usize,
        /// JSON Lines: one object per hit (and one facet line with --facets).
        #[arg(long)]
        json: bool,
        /// Only passages of this kind (paragraph, table_row, list_item, heading, caption, note).
        #[arg(long)]
        kind: Option<String>,
        /// Only passages of this report id.
        #[arg(long)]
        report: Option<String>,
        /// Only reports dated in this year (YYYY).
        #[arg(long)]
        year: Option<String>,
        /// Only passages under a section heading containing this text.
        #[arg(long)]
        section: Option<String>,
        /// Count matches by kind, report, year, section and organisation.
        #[arg(long)]
        facets: bool,
    },
    /// Show how a text is normalized and cut into search terms.
    Analyze {
        #[arg(required = true)]
        text: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Copy report files into the corpus (bytes unchanged) and index them.
    Add {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Report id (only with a single file); default: the file name without extension.
        #[arg(long)]
        id: Option<String>,
        /// Encoding label instead of detection.
        #[arg(long)]
        encoding: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Take reports out of the index and the corpus.
    Remove {
        #[arg(required = true)]
        ids: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// List the indexed reports.
    Reports {
        #[arg(long)]
        json: bool,
    },
    /// Print passages by id, exactly as stored.
    Get {
        #[arg(required = true)]
        ids: Vec<String>,
        /// Also print N passages before and after, in document order.
        #[arg(long, default_value_t = 0)]
        context: u64,
        #[arg(long)]
        json: bool,
    },
    /// Find the passage(s) a quotation came from.
    Locate {
        #[arg(required = true)]
        quote: Vec<String>,
        #[arg(long, default_value_t = 5)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
}

/// Entry point used by `main`.
pub fn main() -> ExitCode {
    let args = exclusions_as_words(std::env::args_os().collect());
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
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

/// `search 雙城論壇 -上海 --limit 3`: an argument of `search` that starts with `-` but is none
/// of its options is an excluded query word, not an error; such words move behind `--`.
fn exclusions_as_words(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    use clap::CommandFactory;
    let root = Cli::command();
    let mut out = Vec::with_capacity(args.len() + 1);
    let mut words = Vec::new();
    let mut command: Option<String> = None;
    let mut expect_value = false;
    let mut literal = false;
    for (i, arg) in args.into_iter().enumerate() {
        let text = arg.to_string_lossy().into_owned();
        if i == 0 || literal || expect_value {
            expect_value = false;
            out.push(arg);
            continue;
        }
        if text == "--" {
            literal = true;
            out.push(arg);
            continue;
        }
        let sub = command.as_deref().and_then(|c| root.find_subcommand(c));
        if text.len() > 1 && text.starts_with('-') {
            let long = text.starts_with("--");
            let name = text.trim_start_matches('-').split('=').next().unwrap_or("");
            let option = root
                .get_arguments()
                .chain(sub.into_iter().flat_map(|s| s.get_arguments()))
                .find(|a| {
                    if long {
                        a.get_long() == Some(name)
                    } else {
                        name.chars().count() == 1 && a.get_short() == name.chars().next()
                    }
                });
            let help = matches!(text.as_str(), "-h" | "--help" | "-V" | "--version");
            match option {
                Some(a) => {
                    expect_value = a.get_action().takes_values() && !text.contains('=');
                    out.push(arg);
                }
                None if !help && command.as_deref() == Some("search") => words.push(arg),
                None => out.push(arg),
            }
            continue;
        }
        if command.is_none() && root.find_subcommand(&text).is_some() {
            command = Some(text);
        }
        out.push(arg);
    }
    if !words.is_empty() {
        if !literal {
            out.push("--".into());
        }
        out.extend(words);
    }
    out
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
    let code = match &cli.command {
        Command::Parse {
            file,
            json,
            encoding,
        } => cmd_parse(&mut out, file, *json, encoding.as_deref())?,
        Command::Index { rebuild } => cmd_index(&mut out, cli, *rebuild)?,
        Command::Search {
            query,
            limit,
            offset,
            json,
            kind,
            report,
            year,
            section,
            facets,
        } => {
            let request = Request {
                query: query.join(" "),
                limit: *limit,
                offset: *offset,
                kind: kind.clone(),
                report: report.clone(),
                year: year.clone(),
                section: section.clone(),
                facets: *facets,
            };
            cmd_search(&mut out, cli, &request, *json)?
        }
        Command::Analyze { text, json } => {
            out.analysis(&text.join(" "), *json)?;
            0
        }
        Command::Add {
            files,
            id,
            encoding,
            json,
        } => cmd_add(
            &mut out,
            cli,
            files,
            id.as_deref(),
            encoding.as_deref(),
            *json,
        )?,
        Command::Remove { ids, json } => cmd_remove(&mut out, cli, ids, *json)?,
        Command::Reports { json } => cmd_reports(&mut out, cli, *json)?,
        Command::Get { ids, context, json } => cmd_get(&mut out, cli, ids, *context, *json)?,
        Command::Locate { quote, limit, json } => {
            cmd_locate(&mut out, cli, &quote.join(" "), *limit, *json)?
        }
    };
    out.flush()?;
    Ok(ExitCode::from(code))
}

fn cmd_parse(out: &mut Printer, file: &Path, json: bool, encoding: Option<&str>) -> Result<u8> {
    let shown = file.display();
    let bytes = read_report_file(file).with_context(|| shown.to_string())?;
    let ingested = ingest_bytes(&bytes, file, encoding).with_context(|| shown.to_string())?;
    out.report_structure(&ingested, json)?;
    Ok(0)
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

/// Text for a one-line message: line breaks (in a file name, an id) become spaces.
fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

fn report_failures(summary: &Summary) {
    for (file, cause) in &summary.failed {
        if file.is_empty() {
            eprintln!("baogao: {}", one_line(cause));
        } else {
            eprintln!("baogao: {}: {}", one_line(file), one_line(cause));
        }
    }
}

fn cmd_index(out: &mut Printer, cli: &Cli, rebuild: bool) -> Result<u8> {
    let started = std::time::Instant::now();
    let summary = corpus::update(&cli.index, &cli.corpus, rebuild, &Bar::new())?;
    report_failures(&summary);
    out.index_summary(&summary, started.elapsed())?;
    Ok(if summary.failed.is_empty() { 0 } else { 2 })
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

fn open(cli: &Cli) -> Result<(Store, tantivy::Searcher)> {
    ensure_index(cli)?;
    let store = Store::open_for_search(&cli.index)?;
    let searcher = store.reader()?.searcher();
    Ok((store, searcher))
}

fn cmd_search(out: &mut Printer, cli: &Cli, request: &Request, json: bool) -> Result<u8> {
    // An empty filter would match every passage.
    for (flag, value) in [
        ("--kind", &request.kind),
        ("--report", &request.report),
        ("--year", &request.year),
        ("--section", &request.section),
    ] {
        if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
            bail!("{flag}: empty value");
        }
    }
    if request.limit > MAX_LIMIT {
        bail!("--limit {}: at most {MAX_LIMIT}", request.limit);
    }
    if request.offset > MAX_OFFSET {
        bail!("--offset {}: at most {MAX_OFFSET}", request.offset);
    }
    if let Some(kind) = &request.kind
        && crate::report::parse::Kind::from_name(kind).is_none()
    {
        bail!("unknown kind '{kind}' (paragraph, table_row, list_item, heading, caption, note)");
    }
    let (store, searcher) = open(cli)?;
    let searching = Searching::new(&store, &searcher);
    let outcome = searching.run(request)?;
    out.hits(&outcome, request.offset, json)?;
    // The process ends with this search: unmapping and freeing every segment's files one by
    // one would cost a tenth of a cold search; the kernel reclaims them at exit anyway.
    std::mem::forget(searching);
    std::mem::forget(searcher);
    std::mem::forget(store);
    Ok(if outcome.hits.is_empty() { 1 } else { 0 })
}

fn cmd_add(
    out: &mut Printer,
    cli: &Cli,
    files: &[PathBuf],
    id: Option<&str>,
    encoding: Option<&str>,
    json: bool,
) -> Result<u8> {
    if id.is_some() && files.len() > 1 {
        bail!("--id can only be given with a single file");
    }
    if let Some(label) = encoding
        && crate::ingest::decode::encoding_for_label(label).is_none()
    {
        bail!("unknown encoding label '{label}'");
    }
    let requests: Vec<AddRequest> = files
        .iter()
        .map(|f| AddRequest {
            path: f.clone(),
            id: id.map(str::to_string),
        })
        .collect();
    let summary = corpus::add(&cli.index, &cli.corpus, &requests, encoding)?;
    report_failures(&summary);
    out.add_summary(&summary, json)?;
    Ok(if summary.failed.is_empty() { 0 } else { 2 })
}

fn cmd_remove(out: &mut Printer, cli: &Cli, ids: &[String], json: bool) -> Result<u8> {
    let (removed, missing) = corpus::remove(&cli.index, &cli.corpus, ids)?;
    for id in &missing {
        eprintln!("baogao: {}: no such report", one_line(id));
    }
    out.removed(&removed, json)?;
    Ok(if missing.is_empty() { 0 } else { 1 })
}

fn cmd_reports(out: &mut Printer, cli: &Cli, json: bool) -> Result<u8> {
    let (store, searcher) = open(cli)?;
    let reports = store.reports(&searcher)?;
    out.reports(&reports, json)?;
    Ok(if reports.is_empty() { 1 } else { 0 })
}

/// Largest `--context` of `get` (a window of at most 9,999 passages).
const MAX_CONTEXT: u64 = 4_999;

fn cmd_get(out: &mut Printer, cli: &Cli, ids: &[String], context: u64, json: bool) -> Result<u8> {
    // More context than a report has passages shows the whole report.
    let context = context.min(MAX_CONTEXT);
    let (store, searcher) = open(cli)?;
    let searching = Searching::new(&store, &searcher);
    let mut missing = false;
    for id in ids {
        match searching.get(id)? {
            Some(p) => {
                let around = if context > 0 {
                    searching.range(
                        &p.report,
                        p.seq.saturating_sub(context),
                        p.seq.saturating_add(context),
                    )?
                } else {
                    vec![p.clone()]
                };
                out.passages(&around, &p.id, json)?;
            }
            None => {
                eprintln!("baogao: {}: no such passage", one_line(id));
                missing = true;
            }
        }
    }
    Ok(u8::from(missing))
}

fn cmd_locate(out: &mut Printer, cli: &Cli, quote: &str, limit: usize, json: bool) -> Result<u8> {
    let (store, searcher) = open(cli)?;
    let searching = Searching::new(&store, &searcher);
    let found = crate::search::locate::locate(&searching, quote, limit)?;
    if found.is_empty() {
        eprintln!("baogao: no passage matches this quotation closely enough");
        return Ok(1);
    }
    out.located(&found, json)?;
    Ok(0)
}
