//! `baogao export --format opensearch [OUT]`: the corpus as an OpenSearch index definition
//! and `_bulk` NDJSON; `baogao push --engine URL`: the same sent to a running engine.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};

use crate::cli::output::Printer;
use crate::cli::{Cli, Run, one_line};
use crate::corpus::CorpusFile;
use crate::engine::push::{PushProgress, push};
use crate::engine::{DEFAULT_INDEX, Engine};
use crate::export::{Selection, chosen_files, index_definition, parse_since, write_bulk};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// OpenSearch 2.x (and Elasticsearch 7-compatible) index definition and `_bulk` NDJSON.
    Opensearch,
}

/// Options shared by `export` and `push`.
#[derive(Args, Debug)]
pub struct Target {
    /// Name of the engine index.
    #[arg(long, default_value = DEFAULT_INDEX)]
    pub index_name: String,
    /// Only reports whose file changed at or after this time: 2026-12-01,
    /// 2026-12-01T08:30:00Z (UTC) or @SECONDS since the Unix epoch.
    #[arg(long)]
    pub since: Option<String>,
    /// Primary shards of a new index.
    #[arg(long, default_value_t = 1)]
    pub shards: u32,
    /// Replicas of each shard of a new index.
    #[arg(long, default_value_t = 0)]
    pub replicas: u32,
}

impl Target {
    fn selection(&self) -> Result<Selection> {
        let since = match &self.since {
            None => None,
            Some(typed) => match parse_since(typed) {
                Some(at) => Some(at),
                None => bail!(
                    "--since {}: not a time (2026-12-01, 2026-12-01T08:30:00Z or @SECONDS)",
                    one_line(typed)
                ),
            },
        };
        if self.shards == 0 {
            bail!("--shards 0: at least 1");
        }
        Ok(Selection { since })
    }
}

#[derive(Args, Debug)]
pub struct Export {
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    #[command(flatten)]
    pub target: Target,
    /// Print only the index definition (settings, mapping, analyzer stamp) as JSON.
    #[arg(long)]
    pub definition: bool,
    /// Folder to write `index.json` and `bulk.ndjson` into (created; existing files in it
    /// are never replaced). Without it the bulk NDJSON goes to stdout.
    pub out: Option<PathBuf>,
}

impl Run for Export {
    /// Writes to stdout directly: the NDJSON streams report by report, never held whole.
    fn run(&self, cli: &Cli, _: &mut Printer) -> Result<u8> {
        let ExportFormat::Opensearch = self.format;
        let selection = self.target.selection()?;
        // Checks the index name the same way `push` does.
        Engine::new("http://127.0.0.1", &self.target.index_name)?;
        let definition = index_definition(self.target.shards, self.target.replicas);
        if self.definition {
            let mut stdout = std::io::stdout().lock();
            serde_json::to_writer_pretty(&mut stdout, &definition)?;
            stdout.write_all(b"\n")?;
            return Ok(0);
        }
        let (files, unchanged) = chosen_files(&cli.corpus_dir(), selection)?;
        let progress = Bar::new(files.len() as u64, "exporting");
        let mut count = |_: usize| progress.tick();
        let exported = match &self.out {
            None => {
                let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
                let exported =
                    write_bulk(&files, &self.target.index_name, &mut stdout, &mut count)?;
                stdout.flush()?;
                exported
            }
            Some(folder) => export_to_folder(
                folder,
                &files,
                &self.target.index_name,
                &definition,
                &mut count,
            )?,
        };
        progress.finish();
        for failure in &exported.failed {
            note!("{}", one_line(&failure.to_string()));
        }
        note!(
            "exported {} reports ({} passages); {} unchanged since --since, {} failed",
            exported.reports,
            exported.passages,
            unchanged,
            exported.failed.len()
        );
        Ok(if exported.failed.is_empty() { 0 } else { 2 })
    }
}

/// Writes `index.json` and `bulk.ndjson` under temporary names, renamed when complete.
fn export_to_folder(
    folder: &Path,
    files: &[CorpusFile],
    index_name: &str,
    definition: &serde_json::Value,
    count: &mut dyn FnMut(usize),
) -> Result<crate::export::Exported> {
    let index_file = folder.join("index.json");
    let bulk_file = folder.join("bulk.ndjson");
    for file in [&index_file, &bulk_file] {
        if file.exists() {
            bail!(
                "{}: already exists (export into a new folder)",
                file.display()
            );
        }
    }
    std::fs::create_dir_all(folder)
        .with_context(|| format!("{}: cannot create folder", folder.display()))?;
    let partial = |file: &Path| file.with_extension("partial");
    let write = |file: &Path, f: &mut dyn FnMut(&mut dyn Write) -> Result<()>| -> Result<()> {
        let temporary = partial(file);
        let result = (|| {
            let handle = std::fs::File::create(&temporary)
                .with_context(|| format!("{}: cannot create", temporary.display()))?;
            let mut writer = std::io::BufWriter::new(handle);
            f(&mut writer)?;
            writer
                .into_inner()
                .map_err(|e| e.into_error())
                .and_then(|h| h.sync_all())
                .with_context(|| format!("{}: cannot write", temporary.display()))?;
            std::fs::rename(&temporary, file)
                .with_context(|| format!("{}: cannot rename", temporary.display()))
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
        result
    };
    write(&index_file, &mut |w| {
        serde_json::to_writer_pretty(&mut *w, definition)?;
        Ok(w.write_all(b"\n")?)
    })?;
    let mut exported = None;
    write(&bulk_file, &mut |w| {
        exported = Some(write_bulk(files, index_name, w, count)?);
        Ok(())
    })?;
    exported.context("export did not run")
}

#[derive(Args, Debug)]
pub struct Push {
    /// OpenSearch URL, http://HOST:PORT.
    #[arg(long, env = "BAOGAO_ENGINE")]
    pub engine: String,
    #[command(flatten)]
    pub target: Target,
    /// Print the summary as one JSON object.
    #[arg(long)]
    pub json: bool,
}

impl Run for Push {
    fn run(&self, cli: &Cli, out: &mut Printer) -> Result<u8> {
        let selection = self.target.selection()?;
        let engine = Engine::new(&self.engine, &self.target.index_name)?;
        let (files, unchanged) = chosen_files(&cli.corpus_dir(), selection)?;
        let started = std::time::Instant::now();
        let progress = Bar::new(files.len() as u64, "pushing");
        let pushed = push(
            &engine,
            &files,
            self.target.shards,
            self.target.replicas,
            &progress,
        )?;
        let took = started.elapsed();
        for failure in pushed.exported.failed.iter().chain(&pushed.refused) {
            note!("{}", one_line(&failure.to_string()));
        }
        out.pushed(&pushed, unchanged, &engine, took, self.json)?;
        let failed = !pushed.exported.failed.is_empty() || !pushed.refused.is_empty();
        Ok(if failed { 2 } else { 0 })
    }
}

/// A progress bar over reports on stderr when it is a terminal.
struct Bar(Option<indicatif::ProgressBar>);

impl Bar {
    fn new(files: u64, verb: &str) -> Bar {
        if !std::io::stderr().is_terminal() {
            return Bar(None);
        }
        let bar = indicatif::ProgressBar::new(files);
        let template = format!("{{spinner}} {verb} {{pos}}/{{len}} reports {{bar:30}} eta {{eta}}");
        bar.set_style(
            indicatif::ProgressStyle::with_template(&template)
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Bar(Some(bar))
    }

    fn tick(&self) {
        if let Some(b) = &self.0 {
            b.inc(1);
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}

impl PushProgress for Bar {
    fn start(&self, _: u64) {}
    fn report_done(&self, _: usize) {
        self.tick();
    }
    fn finish(&self) {
        Bar::finish(self);
    }
}
