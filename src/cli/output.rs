//! Output: results → stdout, as readable text for people or JSON Lines for scripts.
//!
//! JSON schema (one object per line, stable):
//! - hit / get / locate: the passage fields `id report title date kind section text seq`
//!   (+ `table headers cells table_note` for table rows), plus `snippet score highlights`
//!   for hits (+ `also`, and `missing` for hits that lack query words), `context_of` for `get --context` lines, `match score range snippet` for locate;
//! - facets: `{"facets": {"kind": {..}, "report": {..}, "year": {..}, "section": {..},
//!   "organisation": {..}}, "total": N}`;
//! - reports: the report fields; add/remove/index: one summary object.
//!
//! Plain output, and every message on stderr, shows control characters (C0 but tab and line
//! feed, DEL, C1) as `\u{1b}` escapes: a report's title or text, or a file name, cannot move
//! the cursor, recolor the terminal or set its window title. JSON is escaped by serde.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{BufWriter, Write};

use anyhow::Result;
use serde::Serialize;
use serde_json::json;

use crate::analysis::analyzer::Term;
use crate::analysis::explain::Explanation;
use crate::corpus::Summary;
use crate::index::{KnownFailure, ReportInfo};
use crate::ingest::Ingested;
use crate::report::parse::Kind;
use crate::report::passage::Passage;
use crate::report::roc::with_roc_year;
use crate::search::locate::Located;
use crate::search::snippet::{MARK_CLOSE, MARK_OPEN};
use crate::search::{Level, Outcome};

const BOLD_RED: &str = "\x1b[1;31m";
const DIM: &str = "\x1b[2m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

pub struct Printer {
    out: BufWriter<Stdout>,
    color: bool,
}

/// Standard output, whose write errors say where they happened (`stdout: no space left on
/// device`), keeping their kind (a broken pipe still ends the command quietly).
struct Stdout(std::io::Stdout);

impl Stdout {
    fn named(e: std::io::Error) -> std::io::Error {
        std::io::Error::new(e.kind(), format!("stdout: {}", crate::ingest::io_cause(&e)))
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf).map_err(Stdout::named)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush().map_err(Stdout::named)
    }
}

impl Printer {
    pub fn new(color: bool) -> Printer {
        Printer {
            out: BufWriter::new(Stdout(std::io::stdout())),
            color,
        }
    }

    /// Standard output itself, for output that is neither plain nor JSON lines.
    pub fn raw(&mut self) -> &mut dyn Write {
        &mut self.out
    }

    pub fn flush(&mut self) -> Result<()> {
        self.out.flush()?;
        Ok(())
    }

    /// A line of plain output, control characters escaped.
    fn line(&mut self, s: &str) -> Result<()> {
        self.escaped_line(&escape_controls(s))
    }

    /// A line whose text was escaped already (it may hold this printer's own colors).
    fn escaped_line(&mut self, s: &str) -> Result<()> {
        self.out.write_all(s.as_bytes())?;
        self.out.write_all(b"\n")?;
        Ok(())
    }

    /// A line in `style` (when colors are on), control characters of `s` escaped.
    fn styled_line(&mut self, style: &str, s: &str) -> Result<()> {
        let line = self.paint(style, &escape_controls(s));
        self.escaped_line(&line)
    }

    fn json_line<T: Serialize>(&mut self, value: &T) -> Result<()> {
        serde_json::to_writer(&mut self.out, value)?;
        self.out.write_all(b"\n")?;
        Ok(())
    }

    fn paint(&self, style: &str, s: &str) -> String {
        if self.color {
            format!("{style}{s}{RESET}")
        } else {
            s.to_string()
        }
    }

    /// Snippet markup → terminal highlight (color) or 【…】 brackets, control characters
    /// escaped.
    fn highlight(&self, snippet: &str) -> String {
        let snippet = escape_controls(snippet);
        if self.color {
            snippet
                .replace(MARK_OPEN, BOLD_RED)
                .replace(MARK_CLOSE, RESET)
        } else {
            snippet.replace(MARK_OPEN, "【").replace(MARK_CLOSE, "】")
        }
    }

    pub fn report_structure(&mut self, ingested: &Ingested, json: bool) -> Result<()> {
        let r = &ingested.report;
        if json {
            let value = json!({
                "title": r.title,
                "date": r.date,
                "format": ingested.format,
                "encoding": ingested.encoding,
                "replacements": ingested.replacements,
                "meta": r.meta,
                "blocks": r.blocks,
            });
            return self.json_line(&value);
        }
        self.line(&format!("title: {}", r.title))?;
        self.line(&format!("date: {}", r.date.as_deref().unwrap_or("-")))?;
        self.line(&format!(
            "format: {}  encoding: {}  replacements: {}",
            ingested.format, ingested.encoding, ingested.replacements
        ))?;
        if let Some(c) = &r.meta.commissioned_by {
            self.line(&format!("commissioned by: {c}"))?;
        }
        if let Some(a) = &r.meta.agency {
            self.line(&format!("agency: {a}"))?;
        }
        if !r.meta.authors.is_empty() {
            self.line(&format!("authors: {}", r.meta.authors.join("、")))?;
        }
        if let Some(c) = &r.meta.category {
            self.line(&format!("category: {c}"))?;
        }
        if !r.meta.keywords.is_empty() {
            self.line(&format!("keywords: {}", r.meta.keywords.join("; ")))?;
        }
        self.line("")?;
        for b in &r.blocks {
            let indent = "  ".repeat(b.section.len());
            let text = match b.kind {
                Kind::TableRow => b.cells.join(" | "),
                Kind::Table => format!("{}  [{}]", b.text, b.headers.join(" | ")),
                _ => b.text.clone(),
            };
            let text = truncate(&text, 60);
            let kind = self.paint(DIM, &format!("[{}]", b.kind.as_str()));
            self.escaped_line(&format!("{indent}{kind} {}", escape_controls(&text)))?;
        }
        Ok(())
    }

    /// What `push` did: a line on stderr, or one JSON object on stdout with `--json`.
    pub fn pushed(
        &mut self,
        p: &crate::engine::push::Pushed,
        unchanged: usize,
        engine: &crate::engine::Engine,
        took: std::time::Duration,
        json: bool,
    ) -> Result<()> {
        let per_second = p.indexed as f64 / took.as_secs_f64().max(1e-3);
        if json {
            let summary = serde_json::json!({
                "engine": engine.url(),
                "index": engine.index,
                "created": p.created_index,
                "reports": p.exported.reports,
                "replaced": p.replaced_reports,
                "deleted": p.deleted,
                "unchanged": unchanged,
                "passages": p.exported.passages,
                "indexed": p.indexed,
                "refused": p.refused.iter().map(|f| serde_json::json!({"id": f.file, "error": f.cause})).collect::<Vec<_>>(),
                "failed": p.exported.failed.iter().map(|f| serde_json::json!({"file": f.file, "error": f.cause})).collect::<Vec<_>>(),
                "seconds": took.as_secs_f64(),
            });
            serde_json::to_writer(&mut self.out, &summary)?;
            writeln!(self.out)?;
        } else {
            note!(
                "pushed {} reports ({} passages, {:.0} passages/s) into {}/{}{}; {} indexed, {} refused, {} unchanged since --since, {} failed to read",
                p.exported.reports,
                p.exported.passages,
                per_second,
                engine.url(),
                engine.index,
                if p.created_index { " (created)" } else { "" },
                p.indexed,
                p.refused.len(),
                unchanged,
                p.exported.failed.len()
            );
        }
        Ok(())
    }

    /// What `index` did: one line on stderr, or with `--json` one object on stdout.
    pub fn index_summary(
        &mut self,
        s: &Summary,
        took: std::time::Duration,
        json: bool,
    ) -> Result<()> {
        if json {
            let failed: Vec<_> = s
                .failed
                .iter()
                .map(|f| json!({"file": f.file, "error": f.cause}))
                .collect();
            return self.json_line(&json!({
                "added": s.added.len(),
                "replaced": s.replaced.len(),
                "unchanged": s.unchanged,
                "removed": s.removed.len(),
                "failed": failed,
                "passages": s.passages,
                "bytes": s.bytes_indexed,
                "seconds": (took.as_secs_f64() * 1000.0).round() / 1000.0,
            }));
        }
        note!(
            "indexed {} new and {} changed reports ({} passages, {:.1} MiB) in {:.1}s; {} unchanged, {} removed, {} failed",
            s.added.len(),
            s.replaced.len(),
            s.passages,
            s.bytes_indexed as f64 / 1_048_576.0,
            took.as_secs_f64(),
            s.unchanged,
            s.removed.len(),
            s.failed.len()
        );
        if s.ignored > 0 {
            note!("{} left out by {}", s.ignored, crate::corpus::IGNORE_FILE);
        }
        if s.links > 0 {
            note!(
                "{} symbolic {} in the corpus not followed (only files and folders are read)",
                s.links,
                if s.links == 1 { "link" } else { "links" }
            );
        }
        Ok(())
    }

    /// Corpus files that could not be indexed: `FILE<TAB>CAUSE`, or JSON Lines.
    pub fn known_failures(&mut self, failed: &[KnownFailure], json: bool) -> Result<()> {
        for f in failed {
            if json {
                self.json_line(f)?;
            } else {
                self.line(&format!("{}\t{}", f.file, f.cause))?;
            }
        }
        Ok(())
    }

    pub fn hits(&mut self, outcome: &Outcome, offset: usize, json: bool) -> Result<()> {
        if json {
            for hit in &outcome.hits {
                self.json_line(hit)?;
            }
            if let Some(f) = &outcome.facets {
                self.json_line(&json!({"facets": f, "total": outcome.total}))?;
            }
            return Ok(());
        }
        for (i, hit) in outcome.hits.iter().enumerate() {
            let first_partial = hit.level == Level::Partial
                && (i == 0 || outcome.hits[i - 1].level != Level::Partial);
            if first_partial {
                // Said before the hits that hold only parts of the query's words, so that
                // nobody mistakes them for answers.
                let notice = match offset + i {
                    0 => "沒有完全符合的結果；以下為部分符合：",
                    _ => "以下為部分符合：",
                };
                self.styled_line(DIM, notice)?;
                self.line("")?;
            }
            let p = &hit.passage;
            let mut place = vec![p.title.clone()];
            place.extend(p.section.iter().cloned());
            let header = format!("{}. {}", offset + i + 1, place.join(" › "));
            self.styled_line(BOLD, &header)?;
            let mut about = format!(
                "   {} · {} · {}",
                p.id,
                p.kind,
                p.date
                    .as_deref()
                    .map_or_else(|| "-".to_string(), with_roc_year)
            );
            if let Some(page) = p.page {
                about.push_str(&format!(" · 頁 {page}"));
            }
            if p.ocr {
                about.push_str(" （OCR）");
            }
            if let Some(t) = &p.table {
                about.push_str(&format!(" · {t}"));
            }
            self.styled_line(DIM, &about)?;
            let snippet = self.highlight(&hit.snippet);
            self.escaped_line(&format!("   {snippet}"))?;
            if !hit.also.is_empty() {
                let also = format!("   同文另見：{}", hit.also.join("、"));
                self.styled_line(DIM, &also)?;
            }
            if !hit.missing.is_empty() {
                let missing = format!("   缺少：{}", hit.missing.join("、"));
                self.styled_line(DIM, &missing)?;
            }
            self.line("")?;
        }
        if let Some(f) = &outcome.facets {
            self.line(&format!("{} matching passages", outcome.total))?;
            for (name, counts) in [
                ("kind", &f.kind),
                ("report", &f.report),
                ("year", &f.year),
                ("section", &f.section),
                ("organisation", &f.organisation),
            ] {
                let mut items: Vec<(&String, &u64)> = counts.iter().collect();
                items.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
                let shown: Vec<String> = items
                    .iter()
                    .take(8)
                    .map(|(k, v)| format!("{k} ({v})"))
                    .collect();
                self.line(&format!("  {name}: {}", shown.join(", ")))?;
            }
        }
        Ok(())
    }

    /// `analyze`: the terms, then what each query word is also searched as.
    pub fn analysis(
        &mut self,
        e: &Explanation,
        expansions: &[(String, Vec<String>)],
        json: bool,
    ) -> Result<()> {
        let show = |terms: &[Term]| -> Vec<serde_json::Value> {
            terms
                .iter()
                .map(|t| json!({"term": t.text, "position": t.position, "start": t.char_start, "end": t.char_end}))
                .collect()
        };
        if json {
            return self.json_line(&json!({
                "text": e.text,
                "normalized": e.normalized,
                "words": show(&e.words),
                "grams": show(&e.grams),
                "expansions": expansions.iter().map(|(w, also)| json!({"word": w, "also": also})).collect::<Vec<_>>(),
            }));
        }
        self.line(&format!("normalized: {}", e.normalized))?;
        let w: Vec<String> = e
            .words
            .iter()
            .map(|t| format!("{}@{}", t.text, t.position))
            .collect();
        self.line(&format!("words: {}", w.join(" ")))?;
        let g: Vec<String> = e
            .grams
            .iter()
            .map(|t| format!("{}@{}", t.text, t.position))
            .collect();
        self.line(&format!("grams: {}", g.join(" ")))?;
        for (word, also) in expansions {
            self.line(&format!("also: {word} → {}", also.join(" ")))?;
        }
        Ok(())
    }

    pub fn add_summary(&mut self, s: &Summary, json: bool) -> Result<()> {
        if json {
            return self.json_line(&s.to_json());
        }
        for id in &s.added {
            self.line(&format!("added {id}"))?;
        }
        for id in &s.replaced {
            self.line(&format!("replaced {id}"))?;
        }
        if s.unchanged > 0 {
            self.line(&format!("{} unchanged", s.unchanged))?;
        }
        Ok(())
    }

    pub fn removed(&mut self, ids: &[String], json: bool) -> Result<()> {
        if json {
            return self.json_line(&json!({"removed": ids}));
        }
        for id in ids {
            self.line(&format!("removed {id}"))?;
        }
        Ok(())
    }

    pub fn reports(&mut self, reports: &[ReportInfo], json: bool) -> Result<()> {
        for r in reports {
            if json {
                self.json_line(r)?;
            } else {
                self.line(&format!(
                    "{}\t{}\t{}\t{}\t{}\t{} passages, {} table rows\tadded {}",
                    r.id,
                    r.title,
                    r.date.as_deref().unwrap_or("-"),
                    r.organisation.as_deref().unwrap_or("-"),
                    r.encoding,
                    r.passages,
                    r.table_rows,
                    r.added
                ))?;
            }
        }
        Ok(())
    }

    /// The title line `get` prints above a report's passages (plain output only: every JSON
    /// passage carries its title and date).
    pub fn report_heading(&mut self, info: &ReportInfo, json: bool) -> Result<()> {
        if json {
            return Ok(());
        }
        let mut line = format!("《{}》", info.title);
        if let Some(org) = &info.organisation {
            line.push_str(&format!(" · {org}"));
        }
        if let Some(date) = &info.date {
            line.push_str(&format!(" · {}", with_roc_year(date)));
        }
        line.push_str(&format!(" · {}", info.file));
        self.styled_line(BOLD, &line)?;
        self.line("")
    }

    /// A citation line of `get --cite`; with `--json` the passage with a `citation` field.
    pub fn citation(&mut self, p: &Passage, citation: &str, json: bool) -> Result<()> {
        if json {
            let mut value = serde_json::to_value(p)?;
            value["citation"] = json!(citation);
            return self.json_line(&value);
        }
        self.line(citation)
    }

    /// Passages of `get`; `focus` is the id asked for (others are its context).
    pub fn passages(&mut self, passages: &[Passage], focus: &str, json: bool) -> Result<()> {
        for p in passages {
            if json {
                if p.id == focus {
                    self.json_line(p)?;
                } else {
                    let mut value = serde_json::to_value(p)?;
                    value["context_of"] = json!(focus);
                    self.json_line(&value)?;
                }
            } else {
                let marker = if p.id == focus { "▶" } else { " " };
                let mut head = format!("{marker} {} · {}", p.id, p.kind);
                if let Some(page) = p.page {
                    head.push_str(&format!(" · 頁 {page}"));
                }
                if p.ocr {
                    head.push_str(" （OCR）");
                }
                if !p.section.is_empty() {
                    head.push_str(&format!(" · {}", p.section.join(" › ")));
                }
                self.styled_line(DIM, &head)?;
                self.line(&p.text)?;
                self.line("")?;
            }
        }
        Ok(())
    }

    pub fn located(&mut self, found: &[Located], json: bool) -> Result<()> {
        for l in found {
            if json {
                self.json_line(l)?;
            } else {
                let chars = match l.last_range {
                    Some(last) => format!(
                        "chars {}–{} … {}–{}",
                        l.range[0], l.range[1], last[0], last[1]
                    ),
                    None => format!("chars {}–{}", l.range[0], l.range[1]),
                };
                let head = format!(
                    "{} · {} {:.3} · {chars} · {}",
                    l.ids(),
                    l.match_type.name(),
                    l.score,
                    l.passage.title
                );
                self.styled_line(BOLD, &head)?;
                let snippet = self.highlight(&l.snippet);
                self.escaped_line(&format!("   {snippet}"))?;
            }
        }
        Ok(())
    }
}

/// Whether `c` is shown as an escape: control characters but tab and line feed.
fn is_escaped(c: char) -> bool {
    c.is_control() && c != '\t' && c != '\n'
}

/// `s` with each control character (C0 but tab and line feed, DEL, C1) written as a Rust
/// escape, `\u{1b}`: visible, unambiguous, and inert on any terminal.
pub fn escape_controls(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_escaped) {
        return Cow::Borrowed(s);
    }
    let mut shown = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_escaped(c) {
            let _ = write!(shown, "\\u{{{:x}}}", c as u32);
        } else {
            shown.push(c);
        }
    }
    Cow::Owned(shown)
}

/// Writes `baogao: MESSAGE` on stderr on one line (line breaks become spaces, control
/// characters are escaped). A failed write (stderr closed, or on a full device) is ignored:
/// the exit code still says how the command ended, where `eprintln!` would panic.
pub fn note(message: &str) {
    let line = escape_controls(&message.replace(['\n', '\r'], " ")).into_owned();
    let _ = writeln!(std::io::stderr().lock(), "baogao: {line}");
}

fn truncate(s: &str, max: usize) -> String {
    let s = s.replace(['\n', '\t'], " ");
    if s.chars().count() <= max {
        s
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_text_kept() {
        assert_eq!(escape_controls("報告\t一\n二"), "報告\t一\n二");
        assert_eq!(
            escape_controls("a\x1b[31mb\x1b]0;pwned\x07c\rd\u{7f}e\u{9b}f"),
            "a\\u{1b}[31mb\\u{1b}]0;pwned\\u{7}c\\u{d}d\\u{7f}e\\u{9b}f"
        );
    }
}
