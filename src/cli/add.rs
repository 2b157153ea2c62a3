//! `baogao add FILE…`: copy report files into the corpus and index them.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::Args;

use crate::cli::output::Printer;
use crate::cli::{Cli, Notes, Run, one_line, report_failures};
use crate::corpus::{self, AddRequest, Event, Progress};

#[derive(Args, Debug)]
#[command(
    after_help = "範例 (examples):\n  baogao add 報告.pdf\n  baogao add --id hushan-2016 公報.txt\n  baogao add 報告一.docx 報告二.odt 報告三.doc --json\n\n簡報、試算表、壓縮檔（.pptx .xlsx .zip …）不支援：請另存為 PDF、DOCX 或 ODT\n(unsupported: slides, spreadsheets, archives; save them as PDF, DOCX or ODT)"
)]
pub struct Add {
    /// Report files to copy into the corpus (text, PDF, DOCX, DOC, ODT, ODS, HTML).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Report id (only with a single file); default: the file name without extension.
    #[arg(long)]
    pub id: Option<String>,
    /// Encoding label instead of detection (big5, gbk, utf-16le, …).
    #[arg(long)]
    pub encoding: Option<String>,
    /// One JSON summary object: added, replaced, unchanged, failed, passages.
    #[arg(long)]
    pub json: bool,
}

impl Run for Add {
    fn run(&self, cli: &Cli, out: &mut Printer) -> Result<u8> {
        if self.id.is_some() && self.files.len() > 1 {
            bail!(
                "--id: 只能配一個檔案 can only be given with a single file: 請一次加一個 add one at a time"
            );
        }
        if let Some(label) = &self.encoding
            && crate::ingest::decode::encoding_for_label(label).is_none()
        {
            bail!(
                "--encoding {label}: 不明的編碼 unknown encoding label: 例如 e.g. big5, gb18030, utf-8"
            );
        }
        let requests: Vec<AddRequest> = self
            .files
            .iter()
            .map(|f| AddRequest {
                path: f.clone(),
                id: self.id.clone(),
            })
            .collect();
        let titles = Titles;
        let summary = corpus::add(
            &cli.index,
            &cli.corpus_dir(),
            &requests,
            self.encoding.as_deref(),
            &titles,
        )?;
        report_failures(&summary);
        out.add_summary(&summary, self.json)?;
        Ok(if summary.failed.is_empty() { 0 } else { 2 })
    }
}

/// Shows every event, and the title each file was read with, so that a wrong decoding is
/// seen at once (`baogao: read hushan-2016: 經濟部令：…`).
struct Titles;

impl Progress for Titles {
    fn start(&self, _: u64) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
    fn event(&self, event: Event) {
        match event {
            Event::Read { id, title } => {
                note!("read {}: {}", one_line(&id), one_line(&title))
            }
            other => Notes.event(other),
        }
    }
}
