//! `baogao parse FILE`: decode and parse one file and print its structure.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

use crate::cli::output::Printer;
use crate::cli::{Cli, Run};
use crate::ingest::{ingest_bytes, read_report_file};

#[derive(Args, Debug)]
#[command(
    after_help = "範例 (examples):\n  baogao parse 報告.pdf\n  baogao parse --encoding big5 公報.txt --json"
)]
pub struct Parse {
    /// The report file (text, PDF, DOCX, DOC, ODT, ODS or HTML).
    pub file: PathBuf,
    /// One JSON object instead of the outline.
    #[arg(long)]
    pub json: bool,
    /// Encoding label (big5, cp950, gbk, cp936, gb18030, utf-16le, …) instead of detection.
    #[arg(long)]
    pub encoding: Option<String>,
}

impl Run for Parse {
    fn run(&self, _cli: &Cli, out: &mut Printer) -> Result<u8> {
        let file = &self.file;
        let shown = file.display();
        let bytes = read_report_file(file).with_context(|| shown.to_string())?;
        let ingested = ingest_bytes(&bytes, file, self.encoding.as_deref())
            .with_context(|| shown.to_string())?;
        out.report_structure(&ingested, self.json)?;
        Ok(0)
    }
}
