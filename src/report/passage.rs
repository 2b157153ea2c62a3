//! Passages: a parsed [`Report`] → the citable units that are indexed, with stable ids.
//!
//! Every paragraph, list item, heading, caption, note and table row becomes a [`Passage`].
//! Its id is `REPORT#Kxxxxxx`: `K` is one letter for the kind (`p` paragraph, `l` list item,
//! `h` heading, `c` caption, `n` note, `r` table row) and `xxxxxx` six hex digits of a
//! BLAKE3 hash of the passage's own text (and, for a table row, its table caption). Ids
//! therefore depend only on the passage itself: they are the same on every machine, after
//! `--rebuild`, when other reports come and go, and when a revised version of the report
//! changes *other* passages. A passage whose text changes gets a new id. The rare passage
//! that repeats the same text in one report gets `-2`, `-3`, … in document order.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

use crate::report::parse::{Kind, Report};

/// One indexed unit, exactly as search hits, `get` and `locate` show it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    pub id: String,
    pub report: String,
    pub title: String,
    pub date: Option<String>,
    pub kind: Kind,
    pub section: Vec<String>,
    /// The original text (re-joined where a page break cut it); cells joined by TAB for rows.
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cells: Vec<String>,
    /// Unit line or spanning title of the row's table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table_note: Option<String>,
    /// For a list item, the short sentence that introduces its list (`…稅率如下：`): indexed
    /// as context, not stored or shown.
    #[serde(skip)]
    pub lead: Option<String>,
    /// Position of the passage in its report (0-based, document order).
    pub seq: u64,
    /// The report's file, relative to the corpus folder (set when indexed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// First page the passage appears on (1-based), for reports that have pages (PDF).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// The passage's page was read by OCR from a scanned image: its text may hold misread
    /// characters.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ocr: bool,
}

impl Passage {
    /// Text that describes where the passage sits, indexed beside it with a lower weight:
    /// the heading right above it, and for a table row (or a table's caption) the table's
    /// caption, unit line and column headers, which give its cells their meaning
    /// ("日本 夥伴市 橫濱" must find the row 日本 | 橫濱市 of 表五 姊妹市以外的交流成果).
    pub fn context(&self) -> String {
        let mut parts: Vec<&str> = self
            .section
            .last()
            .map(String::as_str)
            .into_iter()
            .collect();
        if let Some(lead) = &self.lead {
            parts.push(lead);
        }
        if let Some(t) = self.table.as_deref().filter(|t| *t != self.text) {
            parts.push(t);
        }
        if let Some(n) = &self.table_note {
            parts.push(n);
        }
        parts.extend(self.headers.iter().map(String::as_str));
        parts.join("\n")
    }

    /// The part of its context a table row (or caption) owns: its table's caption and column
    /// headers, not the heading above the table. A quoted phrase is held where the text or
    /// this holds it (RANKING.md: quoted phrases).
    pub fn frame(&self) -> String {
        let mut parts: Vec<&str> = self
            .table
            .as_deref()
            .filter(|t| *t != self.text)
            .into_iter()
            .collect();
        parts.extend(self.headers.iter().map(String::as_str));
        parts.join("\n")
    }
}

/// The id of the first passage of `kind` with this text (and table caption) in the report;
/// a repeat of it gets `-2`, `-3`, ….
pub fn first_id(report_id: &str, kind: Kind, table: Option<&str>, text: &str) -> String {
    format!("{report_id}#{}{}", kind.letter(), hash_hex(table, text))
}

/// What makes two passages of one report the same to a reader: their text without its list
/// marker (`一、`, `(1)`) and spaces. Hashed: search shows one of them and lists the others.
pub fn same_text_key(text: &str) -> u64 {
    let trimmed = text.trim_start();
    let body = match crate::report::lines::outline_marker(trimmed) {
        Some((_, marker_chars)) => {
            let start = trimmed
                .char_indices()
                .nth(marker_chars)
                .map_or(trimmed.len(), |(i, _)| i);
            &trimmed[start..]
        }
        None => trimmed,
    };
    let squeezed: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    let hash = blake3::hash(squeezed.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&hash.as_bytes()[..8]);
    u64::from_le_bytes(first)
}

fn hash_hex(table: Option<&str>, text: &str) -> String {
    let mut hasher = blake3::Hasher::new();
    if let Some(t) = table {
        hasher.update(t.as_bytes());
        hasher.update(b"\x1f");
    }
    hasher.update(text.as_bytes());
    let hex = hasher.finalize().to_hex();
    hex[..6].to_string()
}

/// The passages of a report in document order. A table's caption is a `caption` passage (so
/// `表四 …` can be found and cited); a table without caption has none, since its headers
/// travel with every row anyway.
pub fn passages(report_id: &str, report: &Report) -> Vec<Passage> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    // The last paragraph or item ending in a colon, while the list it introduces goes on.
    let mut lead: Option<&str> = None;
    for block in &report.blocks {
        let item_lead = match block.kind {
            Kind::ListItem => lead,
            _ => None,
        };
        let introduces = matches!(block.kind, Kind::Paragraph | Kind::ListItem)
            && block.text.trim_end().ends_with(['：', ':'])
            && block.text.chars().count() <= MAX_LEAD_CHARS;
        if introduces {
            lead = Some(block.text.as_str());
        } else if block.kind != Kind::ListItem {
            lead = None;
        }
        if block.text.trim().is_empty() || block.kind == Kind::Table && block.table.is_none() {
            continue;
        }
        let kind = if block.kind == Kind::Table {
            Kind::Caption
        } else {
            block.kind
        };
        let pieces = if block.kind == Kind::TableRow {
            vec![block.text.as_str()]
        } else {
            split_long(&block.text)
        };
        for piece in pieces {
            let base = first_id(report_id, kind, block.table.as_deref(), piece);
            let count = seen.entry(base.clone()).or_insert(0);
            *count += 1;
            let id = if *count == 1 {
                base
            } else {
                format!("{base}-{count}")
            };
            out.push(Passage {
                id,
                report: report_id.to_string(),
                title: report.title.clone(),
                date: report.date.clone(),
                kind,
                section: block.section.clone(),
                text: piece.to_string(),
                table: block.table.clone(),
                headers: block.headers.clone(),
                cells: block.cells.clone(),
                table_note: block.table_note.clone(),
                lead: item_lead.map(str::to_string),
                seq: out.len() as u64,
                file: None,
                page: None,
                ocr: false,
            });
        }
    }
    out
}

/// A colon-ended sentence longer than this is a paragraph, not the title of a list.
const MAX_LEAD_CHARS: usize = 80;

/// Longest passage, in characters: a longer paragraph (a whole law on one line, a page
/// without punctuation) is cited, shown and ranked in pieces of whole sentences.
pub const MAX_PASSAGE_CHARS: usize = 1000;

/// `text` cut into consecutive pieces of at most [`MAX_PASSAGE_CHARS`], at sentence ends
/// where there are any; the pieces concatenate back to `text`.
fn split_long(text: &str) -> Vec<&str> {
    if text.chars().count() <= MAX_PASSAGE_CHARS {
        return vec![text];
    }
    let mut pieces = Vec::new();
    let mut start = 0; // byte offset of the current piece
    let mut chars_in_piece = 0;
    let mut last_break = None; // byte offset just after the last sentence end in the piece
    for (i, c) in text.char_indices() {
        chars_in_piece += 1;
        let end = i + c.len_utf8();
        if matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';' | '\n') {
            last_break = Some(end);
        }
        if chars_in_piece >= MAX_PASSAGE_CHARS {
            let cut = last_break.filter(|&b| b > start).unwrap_or(end);
            pieces.push(&text[start..cut]);
            start = cut;
            chars_in_piece = text[start..end].chars().count();
            last_break = None;
        }
    }
    if start < text.len() {
        pieces.push(&text[start..]);
    }
    pieces.retain(|p| !p.trim().is_empty());
    pieces
}

/// Splits a passage id into (report id, locator).
pub fn split_id(id: &str) -> Option<(&str, &str)> {
    id.split_once('#')
        .filter(|(r, l)| !r.is_empty() && !l.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::parse::parse;

    const SAMPLE: &str = include_str!("../../corpus/taipei-shanghai-city-exchange-2017.txt");

    #[test]
    fn list_markers_and_spaces_do_not_make_passages_differ() {
        let key = same_text_key("本計畫經費由市府編列。");
        assert_eq!(same_text_key("一、本計畫經費由市府編列。"), key);
        assert_eq!(same_text_key("(1) 本計畫 經費由市府編列。"), key);
        assert_ne!(same_text_key("本計畫經費由中央編列。"), key);
    }

    #[test]
    fn ids_are_unique_and_stable() {
        let a = passages("r", &parse(SAMPLE));
        let b = passages("r", &parse(SAMPLE));
        assert_eq!(a, b);
        let mut ids: Vec<&str> = a.iter().map(|p| p.id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), a.len());
        assert!(a.iter().all(|p| p.id.starts_with("r#")));
    }

    #[test]
    fn long_paragraphs_become_sentence_pieces() {
        let sentence = "這是一個測試句子，內容沒有特別的意義。";
        let text = sentence.repeat(300);
        let pieces = split_long(&text);
        assert!(pieces.len() > 1);
        assert_eq!(pieces.concat(), text);
        assert!(
            pieces
                .iter()
                .all(|p| p.chars().count() <= MAX_PASSAGE_CHARS)
        );
        assert!(pieces[..pieces.len() - 1].iter().all(|p| p.ends_with('。')));
        let unbroken = "字".repeat(2500);
        let pieces = split_long(&unbroken);
        assert_eq!(pieces.len(), 3);
        assert_eq!(pieces.concat(), unbroken);
    }

    #[test]
    fn ids_survive_edits_elsewhere() {
        let original = passages("r", &parse(SAMPLE));
        let revised_text =
            SAMPLE.replacen("兩岸互動經過 30 年的累積", "兩岸互動經過三十年的累積", 1);
        let revised = passages("r", &parse(&revised_text));
        let changed = original
            .iter()
            .filter(|p| !revised.iter().any(|q| q.id == p.id))
            .count();
        assert_eq!(changed, 1);
    }
}
