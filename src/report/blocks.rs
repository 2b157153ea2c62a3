//! Block building: classified lines → blocks in document order, with section paths, tables
//! re-assembled and paragraphs cut by page breaks re-joined.

use super::front_matter::join_into;
use super::lines::{
    Family, LineKind, caption_kind, classify_line, ends_clause, ends_sentence, outline_marker,
};
use super::parse::{Block, Kind, is_blank, is_row};

/// A block shorter than this that stops before a blank line is a title or label, not a
/// paragraph cut by a page break.
const MIN_CUT_PARAGRAPH_CHARS: usize = 20;

#[derive(Default)]
pub(super) struct BlockBuilder {
    blocks: Vec<Block>,
    /// Heading stack: (family, text).
    outline: Vec<(Option<Family>, String)>,
    tables: usize,
    /// Whether the last text block was closed by a blank line (a page break candidate).
    gap_since_last: bool,
}

impl BlockBuilder {
    fn section(&self) -> Vec<String> {
        self.outline.iter().map(|(_, t)| t.clone()).collect()
    }

    pub(super) fn build(mut self, lines: &[&str], skip: &[bool]) -> Vec<Block> {
        let mut i = 0;
        while i < lines.len() {
            let line = lines[i];
            if skip.get(i).copied().unwrap_or(false) || is_blank(line) {
                self.gap_since_last = true;
                i += 1;
                continue;
            }
            if is_row(line) {
                // A table: rows with only blank lines between them.
                let mut rows = Vec::new();
                let mut j = i;
                let mut after_blank = false;
                while j < lines.len() {
                    if is_blank(lines[j]) {
                        after_blank = true;
                        j += 1;
                        continue;
                    }
                    if !is_row(lines[j]) {
                        break;
                    }
                    rows.push((lines[j], after_blank));
                    after_blank = false;
                    j += 1;
                }
                self.push_table(&rows);
                self.gap_since_last = true;
                i = j;
                continue;
            }
            self.push_line(line.trim());
            self.gap_since_last = false;
            i += 1;
        }
        self.blocks
    }

    fn push_line(&mut self, line: &str) {
        let (kind, family) = classify_line(line);
        match kind {
            LineKind::Heading => {
                let family = family.unwrap_or(Family::Numeral);
                if let Some(pos) = self.outline.iter().position(|(f, _)| *f == Some(family)) {
                    self.outline.truncate(pos);
                }
                let section = self.section();
                self.blocks
                    .push(Block::new(Kind::Heading, line.to_string(), &section));
                self.outline.push((Some(family), line.to_string()));
            }
            LineKind::ListItem => {
                let section = self.section();
                self.blocks
                    .push(Block::new(Kind::ListItem, line.to_string(), &section));
            }
            LineKind::FigureCaption | LineKind::TableCaption => {
                let section = self.section();
                self.blocks
                    .push(Block::new(Kind::Caption, line.to_string(), &section));
            }
            LineKind::Note => {
                let section = self.section();
                self.blocks
                    .push(Block::new(Kind::Note, line.to_string(), &section));
            }
            LineKind::Text => {
                if self.continues_previous(line) {
                    let last = self
                        .blocks
                        .last_mut()
                        .expect("checked by continues_previous");
                    join_into(&mut last.text, line);
                } else {
                    let section = self.section();
                    self.blocks
                        .push(Block::new(Kind::Paragraph, line.to_string(), &section));
                }
            }
        }
    }

    /// Whether a text line continues the previous block: a paragraph or list item that does
    /// not end a sentence, cut by a page break or hard-wrapped by an extractor.
    fn continues_previous(&self, line: &str) -> bool {
        let Some(last) = self.blocks.last() else {
            return false;
        };
        if !matches!(last.kind, Kind::Paragraph | Kind::ListItem | Kind::Note) {
            return false;
        }
        if last.kind == Kind::Note && self.gap_since_last {
            return false;
        }
        if ends_sentence(&last.text) {
            return false;
        }
        if is_unit_line(line) {
            return false;
        }
        let first = line.chars().next().unwrap_or(' ');
        // A line opening a quotation or a bracket after a clause end starts something new.
        if self.gap_since_last && ends_clause(&last.text) && matches!(first, '「' | '『' | '《')
        {
            return false;
        }
        if !self.gap_since_last {
            // Hard-wrapped lines: join unless the previous line ended a clause with a colon
            // (a lead-in to what follows) — then keep them apart.
            return !last.text.trim_end().ends_with(['：', ':']);
        }
        // Across a blank line (page break): the previous block stopped mid-sentence, and it
        // was long enough to have run into the page end (a short line is a title or label).
        last.text.chars().count() >= MIN_CUT_PARAGRAPH_CHARS
            && !last.text.trim_end().ends_with(['：', ':'])
    }

    fn push_table(&mut self, rows: &[(&str, bool)]) {
        // Split into cells; merge continuation lines (only one non-empty cell, not the first,
        // which is the rest of a cell cut by a page break) into the row above.
        let mut raw: Vec<Vec<String>> = Vec::new();
        let mut prelude: Vec<String> = Vec::new();
        for (line, _after_blank) in rows {
            let cells: Vec<String> = line.split('\t').map(|c| c.trim().to_string()).collect();
            let non_empty: Vec<usize> =
                (0..cells.len()).filter(|&k| !cells[k].is_empty()).collect();
            if raw.is_empty() {
                // Single-cell lines before the header row: a spanning title or a unit line.
                if non_empty.len() <= 1 {
                    if let Some(&k) = non_empty.first() {
                        prelude.push(cells[k].clone());
                    }
                    continue;
                }
            } else if non_empty.len() == 1 && non_empty[0] > 0 {
                let k = non_empty[0];
                let prev = raw.last_mut().expect("raw is not empty");
                if prev.len() <= k {
                    prev.resize(k + 1, String::new());
                }
                let cell = &mut prev[k];
                join_into(cell, &cells[k]);
                continue;
            } else if non_empty.is_empty() {
                continue;
            }
            raw.push(cells);
        }
        if raw.is_empty() {
            // No line with two cells: paragraphs indented with a TAB, not a table (as a table
            // without rows their text would be no passage at all).
            for (line, after_blank) in rows {
                let text = line.trim_matches(|c: char| c.is_whitespace());
                if *after_blank {
                    self.gap_since_last = true;
                }
                if !text.is_empty() {
                    self.push_line(text);
                    self.gap_since_last = false;
                }
            }
            return;
        }

        let (caption, extra_note) = self.take_caption();
        let mut note_parts: Vec<String> = extra_note.into_iter().collect();
        note_parts.extend(prelude.iter().cloned());
        let table_note = (!note_parts.is_empty()).then(|| note_parts.join(" "));

        self.tables += 1;
        let table_index = self.tables;
        let section = self.section();
        let caption_text = caption.clone().unwrap_or_default();

        let mut rows_iter = raw.into_iter();
        let headers: Vec<String> = match rows_iter.len() {
            0 => Vec::new(),
            1 => Vec::new(),
            _ => rows_iter.next().unwrap_or_default(),
        };
        let headers = trim_trailing_empty(headers);

        let mut table_block = Block::new(Kind::Table, caption_text.clone(), &section);
        table_block.table = caption.clone();
        table_block.table_index = Some(table_index);
        table_block.headers = headers.clone();
        table_block.table_note = table_note.clone();
        if table_block.text.is_empty() {
            table_block.text = headers.join("\t");
        }
        self.blocks.push(table_block);

        let mut above: Vec<String> = Vec::new();
        for cells in rows_iter {
            let mut cells = trim_trailing_empty(cells);
            // A repeated header row (tables continued on the next page) is not data.
            if !headers.is_empty() && cells == headers {
                continue;
            }
            let leading = cells.iter().take_while(|c| c.is_empty()).count();
            for (k, cell) in cells.iter_mut().enumerate().take(leading) {
                if let Some(v) = above.get(k) {
                    cell.clone_from(v);
                }
            }
            above.clone_from(&cells);
            let mut block = Block::new(Kind::TableRow, cells.join("\t"), &section);
            block.table = caption.clone();
            block.table_index = Some(table_index);
            block.headers = headers.clone();
            block.cells = cells;
            block.table_note = table_note.clone();
            self.blocks.push(block);
        }
    }

    /// Removes the caption lines that precede a table (a `表X` line, optionally followed by a
    /// title line and a `單位：` line; or an appendix heading; or a short title ending in 表)
    /// and returns (caption, unit line).
    fn take_caption(&mut self) -> (Option<String>, Option<String>) {
        let mut unit = None;
        if let Some(last) = self.blocks.last()
            && is_unit_line(&last.text)
            && last.kind != Kind::TableRow
        {
            unit = Some(last.text.clone());
            self.blocks.pop();
        }
        let n = self.blocks.len();
        let last = self.blocks.last();
        let Some(last) = last else {
            return (None, unit);
        };
        let short_title = |b: &Block| {
            b.kind == Kind::Paragraph && b.text.chars().count() <= 60 && !ends_clause(&b.text)
        };
        // 表1 / title line
        if n >= 2 && short_title(last) {
            let before = &self.blocks[n - 2];
            if before.kind == Kind::Caption
                && caption_kind(&before.text) == Some(LineKind::TableCaption)
            {
                let mut caption = before.text.clone();
                caption.push(' ');
                caption.push_str(last.text.trim());
                self.blocks.truncate(n - 2);
                return (Some(caption), unit);
            }
        }
        if last.kind == Kind::Caption && caption_kind(&last.text) == Some(LineKind::TableCaption) {
            let caption = last.text.clone();
            self.blocks.pop();
            return (Some(caption), unit);
        }
        if last.kind == Kind::Heading
            && matches!(outline_marker(&last.text), Some((Family::Appendix, _)))
        {
            return (Some(last.text.clone()), unit);
        }
        // A short line ending in 表/一覽, or any short line right above a 單位： line, titles
        // the table below it.
        let titled = last.text.ends_with('表') || last.text.ends_with("一覽") || unit.is_some();
        if short_title(last) && titled {
            let caption = last.text.clone();
            self.blocks.pop();
            return (Some(caption), unit);
        }
        (None, unit)
    }
}

fn is_unit_line(text: &str) -> bool {
    let t = text.trim();
    (t.starts_with("單位") || t.starts_with("单位")) && t.chars().count() <= 40
}

fn trim_trailing_empty(mut cells: Vec<String>) -> Vec<String> {
    while cells.last().is_some_and(|c| c.is_empty()) {
        cells.pop();
    }
    cells
}
