//! Word boxes: poppler's `pdftotext -bbox-layout` XHTML (pages, lines, words with their
//! boxes in points) → the lines of words of each page; and a table region of `-layout` text
//! → its rows cut where its words are, instead of at runs of spaces.
//!
//! `-layout` text places words on a character grid, so a column gap narrower than two
//! characters disappears (`2017.7 2017 縣市…`), a cell wrapped over lines leaves its lines
//! among the other rows, and a cell centred vertically gets a line of its own. The boxes
//! tell more: a table's rows are the groups of lines with more than a line's spacing
//! between them (cell padding), its columns the x ranges its cell texts cover, a text
//! across several of them (a header centred over two columns, a title row) aside; one-cell
//! rows above the region in the table's type (a title, a unit row) are its first rows, and
//! a part right below with as many columns of its own is read by its own grid. Tables
//! whose rows are not set apart (one line per row, no padding) are left to the `-layout`
//! rules.

use std::cell::OnceCell;

use quick_xml::events::BytesStart;

use super::super::{XmlWalker, walk_xml};
use super::paragraphs::starts_block;
use crate::report::parse::join_into;

/// A word and its box, in points from the page's top left corner.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Word {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    pub text: String,
}

/// The words of one page, in poppler's lines (words on one baseline within one block).
pub(super) type PageLines = Vec<Vec<Word>>;

/// A gap between two columns' words narrower than this many line heights may be a space
/// inside a cell: it separates columns only under two header words.
const CELL_GAP: f64 = 0.5;
/// A vertical gap between lines wider than this many line heights separates rows.
const ROW_GAP: f64 = 0.3;
/// A gap between two words wider than this many line heights is a space.
const SPACE_GAP: f64 = 0.12;
/// A line starting within this many line heights of a column's left edge starts at it.
const MIN_GAP: f64 = 0.1;

/// The word boxes of a PDF, read from poppler the first time a page's are asked for (a PDF
/// without tables never needs them).
pub(super) struct Words<'a> {
    read: Box<dyn Fn() -> Option<Vec<PageLines>> + 'a>,
    pages: OnceCell<Option<Vec<PageLines>>>,
}

impl<'a> Words<'a> {
    /// `read` runs poppler; `None` when it fails (the `-layout` rules are used then).
    pub fn new(read: impl Fn() -> Option<Vec<PageLines>> + 'a) -> Self {
        Words {
            read: Box::new(read),
            pages: OnceCell::new(),
        }
    }

    /// No word boxes: every table is cut by the `-layout` rules.
    pub fn none() -> Self {
        Words::new(|| None)
    }

    /// The lines of page `n` (0-based).
    pub fn page(&self, n: usize) -> Option<&PageLines> {
        self.pages.get_or_init(|| (self.read)()).as_ref()?.get(n)
    }
}

/// The pages of `pdftotext -bbox-layout` output.
pub(super) fn parse(xhtml: &str) -> Result<Vec<PageLines>, String> {
    #[derive(Default)]
    struct Walker {
        pages: Vec<PageLines>,
        word: Option<Word>,
    }
    fn number(e: &BytesStart<'_>, key: &str) -> f64 {
        e.attributes()
            .flatten()
            .find(|a| a.key.as_ref() == key)
            .and_then(|a| a.value.trim().parse().ok())
            .unwrap_or(0.0)
    }
    impl XmlWalker for Walker {
        fn start(&mut self, e: &BytesStart<'_>, _empty: bool) {
            match e.name().as_ref() {
                "page" => self.pages.push(Vec::new()),
                "line" => {
                    if let Some(page) = self.pages.last_mut() {
                        page.push(Vec::new());
                    }
                }
                "word" => {
                    self.word = Some(Word {
                        x0: number(e, "xMin"),
                        y0: number(e, "yMin"),
                        x1: number(e, "xMax"),
                        y1: number(e, "yMax"),
                        text: String::new(),
                    })
                }
                _ => {}
            }
        }
        fn end(&mut self, name: &str) {
            if name == "word"
                && let Some(word) = self.word.take()
                && let Some(line) = self.pages.last_mut().and_then(|p| p.last_mut())
                && !word.text.trim().is_empty()
            {
                line.push(word);
            }
        }
        fn wants_text(&self) -> bool {
            self.word.is_some()
        }
        fn push_text(&mut self, s: &str) {
            if let Some(word) = self.word.as_mut() {
                word.text.push_str(s);
            }
        }
    }
    let mut walker = Walker::default();
    walk_xml(xhtml, &mut walker)?;
    for page in &mut walker.pages {
        page.retain(|line| !line.is_empty());
    }
    Ok(walker.pages)
}

/// A line's text without whitespace: what a `-layout` line and a line of words share.
fn squashed(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A printed line of a page: poppler's lines at one height, left to right.
struct PrintedLine<'a> {
    y0: f64,
    y1: f64,
    /// The words without whitespace.
    text: String,
    lines: Vec<&'a Vec<Word>>,
}

fn printed_lines(page: &PageLines) -> Vec<PrintedLine<'_>> {
    let mut lines: Vec<&Vec<Word>> = page.iter().collect();
    lines.sort_by(|a, b| a[0].y0.total_cmp(&b[0].y0));
    let mut out: Vec<PrintedLine> = Vec::new();
    for line in lines {
        let (y0, y1) = (line[0].y0, line[0].y1);
        match out.last_mut() {
            Some(p) if (y0 - p.y0).abs() < ROW_GAP * (y1 - y0).max(1.0) => {
                p.y1 = p.y1.max(y1);
                p.lines.push(line);
            }
            _ => out.push(PrintedLine {
                y0,
                y1,
                text: String::new(),
                lines: vec![line],
            }),
        }
    }
    for p in &mut out {
        p.lines.sort_by(|a, b| a[0].x0.total_cmp(&b[0].x0));
        let mut words: Vec<&Word> = p.lines.iter().flat_map(|l| l.iter()).collect();
        words.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        p.text = words.iter().map(|w| squashed(&w.text)).collect();
    }
    out
}

/// The first and last printed lines that are `region` (`-layout` lines, in order), searched
/// from printed line `from`.
fn locate(printed: &[PrintedLine], region: &[&str], from: usize) -> Option<(usize, usize)> {
    let texts: Vec<String> = region
        .iter()
        .map(|l| squashed(l))
        .filter(|t| !t.is_empty())
        .collect();
    // Each line is looked for a few printed lines after the one before (their grids may
    // differ a little); one not found is passed over.
    let head = texts.first()?;
    let first = (from..printed.len()).find(|&k| printed[k].text == *head)?;
    let mut last = first;
    let mut found = 1;
    for text in &texts[1..] {
        if let Some(k) = (last + 1..printed.len().min(last + 5)).find(|&k| printed[k].text == *text)
        {
            last = k;
            found += 1;
        }
    }
    // Most lines must be there, else the words are not this region's.
    if found * 5 < texts.len() * 4 {
        return None;
    }
    Some((first, last))
}

/// A table cut by word boxes.
#[derive(Debug, PartialEq)]
pub(super) struct WordTable {
    pub rows: Vec<Vec<String>>,
    /// The printed lines (without whitespace) below the `-layout` region that proved rows of
    /// the table too, for the caller to pass over.
    pub below: Vec<String>,
    /// The text (without whitespace) of the printed lines above the `-layout` region that
    /// proved title rows of the table (its first rows), for the caller to take back.
    pub above: String,
    /// The rows of the table's part right below it with columns of its own, if any.
    pub more: Vec<Vec<String>>,
    /// The x range of each column of the table's last part.
    pub columns: Vec<(f64, f64)>,
}

/// The rows of a table region of page `page` (its `-layout` lines `region`), cut where its
/// words are, searched from printed line `*from` (advanced past the table); `None` when the
/// region's lines are not found among the words or its rows are not set apart. Rows below
/// the region whose lines start at its columns (cells the `-layout` rules left out: a
/// wrapped cell's lines, a cell centred on a line of its own) are the table's too. `known`:
/// the columns of the table the region continues (from the previous page), if it does.
pub(super) fn table_rows(
    page: &PageLines,
    region: &[&str],
    from: &mut usize,
    known: Option<&[(f64, f64)]>,
) -> Option<WordTable> {
    let printed = printed_lines(page);
    let (first, mut last) = locate(&printed, region, *from)?;
    let region_end = last + 1;
    let words_of = |a: usize, b: usize| -> Vec<&Word> {
        printed[a..=b]
            .iter()
            .flat_map(|p| p.lines.iter().flat_map(|l| l.iter()))
            .collect()
    };
    // The region's own grid, if its rows are set apart already.
    let start = grid(words_of(first, last), known);
    let h = start.as_ref().map_or_else(
        || median(words_of(first, last).iter().map(|w| w.y1 - w.y0).collect()),
        |g| g.height,
    );
    let starts_column = |x: f64| {
        start
            .as_ref()
            .is_some_and(|g| g.columns.iter().any(|&(a, _)| (x - a).abs() <= MIN_GAP * h))
    };
    let left = start
        .as_ref()
        .map_or(f64::MIN, |g| g.columns[0].0 - MIN_GAP * h);
    let widest_gap = start.as_ref().map_or(3.0 * h, |g| g.row_gap + ROW_GAP * h);
    // The last printed line of the row starting at printed line `k`: lines no further apart
    // than a line's spacing.
    let row_end = |k: usize| {
        let mut end = k;
        let mut bottom = printed[k].y1;
        while end + 1 < printed.len() && printed[end + 1].y0 <= bottom + ROW_GAP * h {
            end += 1;
            bottom = bottom.max(printed[end].y1);
        }
        end
    };
    let side_by_side = |row: &[PrintedLine]| {
        let lines: Vec<&Vec<Word>> = row.iter().flat_map(|p| p.lines.iter().copied()).collect();
        lines.iter().enumerate().any(|(i, a)| {
            lines[i + 1..].iter().any(|b| {
                let (a0, a1) = (a[0].x0, a[a.len() - 1].x1);
                let (b0, b1) = (b[0].x0, b[b.len() - 1].x1);
                a[0].y0 < b[0].y1 && b[0].y0 < a[0].y1 && (a1 <= b0 || b1 <= a0)
            })
        })
    };
    let mut next = last + 1;
    while next < printed.len() {
        let end = row_end(next);
        let row = &printed[next..=end];
        let close = printed[next].y0 - printed[last].y1 <= widest_gap;
        let aligned = row.iter().all(|p| {
            p.lines.first().is_some_and(|l| starts_column(l[0].x0))
                && p.lines.iter().all(|l| l[0].x0 >= left)
        });
        // Without columns yet, cells side by side (a paragraph is one block of lines one
        // under the other); with them, lines starting at them (another table below has
        // columns of its own).
        let fits = match start {
            Some(_) => aligned,
            None => side_by_side(row),
        };
        if !(close && fits) {
            break;
        }
        last = end;
        next = end + 1;
    }
    // The table goes on right below with columns of its own (a table continued after a
    // blank line is printed so): its rows, cut by their own grid, its first row a head row
    // of any shape (a line continuing the row above) and the others cells side by side.
    let mut more = Vec::new();
    let mut more_columns = None;
    let has_start = start.is_some();
    let table = match start {
        Some(grid) if next == region_end => grid,
        _ => grid(words_of(first, last), known)?,
    };
    if next < printed.len() {
        let (mut k, mut prev) = (next, last);
        while k < printed.len() {
            let end = row_end(k);
            let close = printed[k].y0 - printed[prev].y1 <= widest_gap;
            let text: String = printed[k..=end].iter().map(|p| p.text.as_str()).collect();
            let fits = if k == next {
                !starts_block(&text)
            } else {
                side_by_side(&printed[k..=end])
            };
            if !(close && fits) {
                break;
            }
            prev = end;
            k = end + 1;
        }
        // The same number of columns: rows that only sit elsewhere (cells spanning rows,
        // as in a form) are no part of a table.
        if prev > last
            && let Some(part) = grid(words_of(next, prev), None)
            && part.columns.len() == table.columns.len()
        {
            more = part.rows;
            more_columns = Some(part.columns);
            next = prev + 1;
        }
    }
    let below: Vec<String> = printed[region_end..next]
        .iter()
        .map(|p| p.text.clone())
        .collect();
    // Rows above the region that title the table from inside it (a title or unit row over
    // the header): one cell, in the table's type, as close to the rows below as those are
    // to each other; a caption or note above (another type, or a `表`, `資料來源` line) is not.
    let mut above: Vec<(usize, usize)> = Vec::new();
    if has_start {
        let g = &table;
        let right = g.columns.last().map_or(f64::MAX, |c| c.1) + MIN_GAP * h;
        let mut top = first;
        while top > *from {
            let end = top - 1;
            let mut begin = end;
            let mut upper = printed[end].y0;
            while begin > *from && printed[begin - 1].y1 >= upper - ROW_GAP * h {
                begin -= 1;
                upper = upper.min(printed[begin].y0);
            }
            let words = words_of(begin, end);
            let close = printed[top].y0 - printed[end].y1 <= widest_gap;
            let same_type = words
                .iter()
                .all(|w| ((w.y1 - w.y0) - h).abs() <= 0.1 * h && w.x0 >= left && w.x1 <= right);
            let columns: Vec<usize> = words
                .iter()
                .filter_map(|w| g.columns.iter().position(|&(a, b)| w.x0 < b && a < w.x1))
                .collect();
            let one_cell = columns.windows(2).all(|c| c[0] == c[1]);
            let text: String = printed[begin..=end]
                .iter()
                .map(|p| p.text.as_str())
                .collect();
            if !(close && same_type && one_cell) || starts_block(&text) {
                break;
            }
            above.insert(0, (begin, end));
            top = begin;
        }
    }
    *from = next;
    let mut rows: Vec<Vec<String>> = Vec::new();
    for &(begin, end) in &above {
        let mut cell = String::new();
        let mut column = None;
        for p in &printed[begin..=end] {
            let mut words: Vec<&Word> = p.lines.iter().flat_map(|l| l.iter()).collect();
            words.sort_by(|a, b| a.x0.total_cmp(&b.x0));
            let mut line = String::new();
            for (k, w) in words.iter().enumerate() {
                if k > 0 && w.x0 - words[k - 1].x1 > SPACE_GAP * h {
                    line.push(' ');
                }
                line.push_str(w.text.trim());
                column = column.or_else(|| {
                    table
                        .columns
                        .iter()
                        .position(|&(a, b)| w.x0 < b && a < w.x1)
                });
            }
            join_into(&mut cell, &line);
        }
        let mut row = vec![String::new(); table.columns.len()];
        row[column.unwrap_or(0)] = cell;
        rows.push(row);
    }
    rows.extend(table.rows);
    let columns = more_columns.unwrap_or(table.columns);
    Some(WordTable {
        rows,
        below,
        above: above
            .iter()
            .flat_map(|&(a, b)| printed[a..=b].iter().map(|p| p.text.as_str()))
            .collect(),
        more,
        columns,
    })
}

/// The middle value of `values` (0 for none).
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

/// The x ranges covered by `words`, left to right, ranges less than `gap` apart merged.
fn ranges(words: &[&Word], gap: f64) -> Vec<(f64, f64)> {
    let mut spans: Vec<(f64, f64)> = words.iter().map(|w| (w.x0, w.x1)).collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out: Vec<(f64, f64)> = Vec::new();
    for (a, b) in spans {
        match out.last_mut() {
            Some(last) if a < last.1 + gap => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// How many of `ranges` the x range `a..b` overlaps.
fn overlapped(ranges: &[(f64, f64)], a: f64, b: f64) -> usize {
    ranges.iter().filter(|&&(c, d)| a < d && c < b).count()
}

/// Whether `c` is an ideograph or CJK punctuation.
fn cjk(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

/// Whether a word is a number: digits with separators (`57,920`, `2017.5`, `-3`).
fn numeric(text: &str) -> bool {
    let t = text.trim().trim_start_matches(['-', '+']);
    t.starts_with(|c: char| c.is_ascii_digit())
        && t.ends_with(|c: char| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
}

/// A table's rows of cells and where its columns are.
struct Grid {
    rows: Vec<Vec<String>>,
    /// The x range of each column.
    columns: Vec<(f64, f64)>,
    /// The usual line height.
    height: f64,
    /// The widest vertical gap between two rows.
    row_gap: f64,
}

/// A table's words → its rows of cells (see the module documentation); `known`: the columns
/// of the table they continue, if they do.
fn grid(mut words: Vec<&Word>, known: Option<&[(f64, f64)]>) -> Option<Grid> {
    let h = median(words.iter().map(|w| w.y1 - w.y0).collect());
    if words.is_empty() || h <= 0.0 {
        return None;
    }
    // Rows: groups of lines with no more than a line's spacing between them.
    words.sort_by(|a, b| a.y0.total_cmp(&b.y0).then(a.x0.total_cmp(&b.x0)));
    let mut rows: Vec<Vec<usize>> = Vec::new();
    let mut row_bottom = f64::MIN;
    let mut row_gap: f64 = 0.0;
    for (k, w) in words.iter().enumerate() {
        if rows.is_empty() || w.y0 > row_bottom + ROW_GAP * h {
            if !rows.is_empty() {
                row_gap = row_gap.max(w.y0 - row_bottom);
            }
            rows.push(Vec::new());
            row_bottom = w.y1;
        }
        row_bottom = row_bottom.max(w.y1);
        if let Some(row) = rows.last_mut() {
            row.push(k);
        }
    }
    if rows.len() < 2 {
        return None;
    }
    // Columns: the x ranges of the words below the first row (the header, its cells centred
    // over columns whose cells start at the left), without those that reach over two ranges
    // of the others (a title row across the table), widest first.
    let body: Vec<usize> = rows[1..].iter().flatten().copied().collect();
    let mut spanning = vec![false; words.len()];
    let mut by_width = body.clone();
    by_width.sort_by(|&a, &b| {
        let w = |k: usize| words[k].x1 - words[k].x0;
        w(b).total_cmp(&w(a))
    });
    // Only overlapping words are one column: cells may be a fraction of a point apart.
    let touching = 0.0;
    for &k in &by_width {
        let others: Vec<&Word> = body
            .iter()
            .filter(|&&j| j != k && !spanning[j])
            .map(|&j| words[j])
            .collect();
        if overlapped(&ranges(&others, touching), words[k].x0, words[k].x1) >= 2 {
            spanning[k] = true;
        }
    }
    let kept: Vec<&Word> = body
        .iter()
        .filter(|&&k| !spanning[k])
        .map(|&k| words[k])
        .collect();
    let body_ranges = ranges(&kept, touching);
    // A header word belongs to the range it overlaps, else to the last one starting left of it.
    let header_of = |ranges: &[(f64, f64)], w: &Word| {
        ranges
            .iter()
            .position(|&(a, b)| w.x0 < b && a < w.x1)
            .or_else(|| ranges.iter().rposition(|&(a, _)| a <= w.x0))
    };
    // A first row with digits is data (the part of a table on a page without its header):
    // it confirms no narrow gap.
    let is_header = rows[0]
        .iter()
        .all(|&k| !words[k].text.chars().any(|c| c.is_ascii_digit()));
    let head: Vec<Option<usize>> = rows[0]
        .iter()
        .filter(|_| is_header)
        .map(|&k| header_of(&body_ranges, words[k]))
        .collect();
    // Two numbers side by side on one line are two cells (one cell rarely holds two
    // numbers apart): a gap with that in two rows or more separates columns. A table's part
    // on a page without its header has no other sign of its narrow numeric columns.
    let range_of = |w: &Word| body_ranges.iter().position(|&(a, b)| w.x0 < b && a < w.x1);
    let mut numbers_across = vec![0usize; body_ranges.len()];
    for (i, &a) in kept.iter().enumerate() {
        for &b in &kept[i + 1..] {
            let (a, b) = if a.x0 <= b.x0 { (a, b) } else { (b, a) };
            let same_line = |w: &Word| (w.y0 - a.y0).abs() < ROW_GAP * h;
            if same_line(b)
                && b.x0 >= a.x1
                && !kept
                    .iter()
                    .any(|w| same_line(w) && w.x0 >= a.x1 && w.x1 <= b.x0)
                && numeric(&a.text)
                && numeric(&b.text)
                && let (Some(i), Some(j)) = (range_of(a), range_of(b))
                && j == i + 1
            {
                numbers_across[j] += 1;
            }
        }
    }
    // Words starting at one x in three rows or more, with the words before them on their
    // lines ending at different x, start a column: inside a cell, a word stands where the
    // words before it end.
    let aligned_start: Vec<bool> = body_ranges
        .iter()
        .map(|&(a, _)| {
            let mut texts: Vec<&str> = Vec::new();
            let mut ends: Vec<f64> = Vec::new();
            for w in kept.iter().filter(|w| (w.x0 - a).abs() <= MIN_GAP * h) {
                let before = kept
                    .iter()
                    .filter(|v| (v.y0 - w.y0).abs() < ROW_GAP * h && v.x1 <= w.x0)
                    .map(|v| v.x1)
                    .max_by(f64::total_cmp);
                if let Some(end) = before
                    && !texts.contains(&w.text.as_str())
                {
                    texts.push(&w.text);
                    ends.push(end);
                }
            }
            let spread = ends.iter().copied().fold(f64::MIN, f64::max)
                - ends.iter().copied().fold(f64::MAX, f64::min);
            texts.len() >= 3 && spread > SPACE_GAP * h
        })
        .collect();
    // A gap narrower than a cell gap is a column boundary only where the header has a word
    // on each side, numbers stand on each side, or the words right of it start at one x;
    // else it is a space between words of one cell.
    let mut cols: Vec<(f64, f64)> = Vec::new();
    let mut headed_last = false;
    for (i, c) in body_ranges.iter().copied().enumerate() {
        let headed = head.contains(&Some(i));
        match cols.last_mut() {
            Some(p)
                if c.0 - p.1 < CELL_GAP * h
                    && !(headed_last && headed)
                    && numbers_across[i] < 2
                    && !aligned_start[i] =>
            {
                p.1 = p.1.max(c.1);
                headed_last |= headed;
            }
            _ => {
                cols.push(c);
                headed_last = headed;
            }
        }
    }
    // A table's part on a new page with fewer columns than the table has there before, its
    // words each inside one of those: one row or two show no sign of narrow columns (numbers
    // side by side on one line of one row), so it keeps the table's columns.
    if let Some(known) = known
        && known.len() > cols.len()
        && words.iter().all(|w| overlapped(known, w.x0, w.x1) == 1)
    {
        cols = known.to_vec();
    }
    if cols.len() < 2 {
        return None;
    }
    let header_row: Vec<usize> = rows[0].clone();
    // A word goes to the first column it overlaps, else the nearest one.
    let column_of = |k: usize| {
        let w = words[k];
        if header_row.contains(&k)
            && let Some(c) = header_of(&cols, w)
        {
            return c;
        }
        cols.iter()
            .position(|&(a, b)| w.x0 < b && a < w.x1)
            .unwrap_or_else(|| {
                let distance = |&(a, b): &(f64, f64)| (w.x0 - b).max(a - w.x1).max(0.0);
                (0..cols.len())
                    .min_by(|&i, &j| distance(&cols[i]).total_cmp(&distance(&cols[j])))
                    .unwrap_or(0)
            })
    };
    let mut out: Vec<Vec<String>> = Vec::new();
    for row in rows {
        let mut cells = vec![String::new(); cols.len()];
        // The word each cell's text last ended with, and whether its line has one word.
        let mut last: Vec<Option<(&Word, bool)>> = vec![None; cols.len()];
        for k in row {
            let w = words[k];
            let c = column_of(k);
            let text = w.text.trim();
            let cell = &mut cells[c];
            match last[c] {
                None => cell.push_str(text),
                // The same line: a space where the words stand apart.
                Some((p, _)) if (w.y0 - p.y0).abs() < ROW_GAP * h => {
                    if w.x0 - p.x1 > SPACE_GAP * h {
                        cell.push(' ');
                    }
                    cell.push_str(text);
                    last[c] = Some((w, false));
                    continue;
                }
                // The next line of a wrapped cell: a lone word that filled the column was
                // cut inside (`2017.1` `0`); a line broken between Chinese and Latin text
                // or digits was broken at the space that stands there (`共` `10 大類別`).
                // A line ending in a dash (a range: `2017.04.26-` `2017.04.27`) broke after
                // it, where the range has a space, not inside a word.
                Some((p, alone)) => {
                    let dash = p.text.trim_end().ends_with(['-', '－', '–'])
                        && text.starts_with(|c: char| c.is_ascii_digit());
                    let cut = alone && p.x1 >= cols[c].1 - SPACE_GAP * h && !dash;
                    let mixed = match (cell.chars().last(), text.chars().next()) {
                        (Some(a), Some(b)) => {
                            (cjk(a) && b.is_ascii_alphanumeric())
                                || (a.is_ascii_alphanumeric() && cjk(b))
                        }
                        _ => false,
                    };
                    if cut {
                        cell.push_str(text);
                    } else if mixed || dash {
                        cell.push(' ');
                        cell.push_str(text);
                    } else {
                        join_into(cell, text);
                    }
                }
            }
            last[c] = Some((w, true));
        }
        out.push(cells);
    }
    let real_rows = out
        .iter()
        .filter(|r| r.iter().filter(|c| !c.is_empty()).count() >= 2)
        .count();
    (real_rows >= 2).then_some(Grid {
        rows: out,
        columns: cols,
        height: h,
        row_gap,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(x0: f64, y0: f64, x1: f64, text: &str) -> Word {
        Word {
            x0,
            y0,
            x1,
            y1: y0 + 13.0,
            text: text.to_string(),
        }
    }

    #[test]
    fn parses_pages_lines_and_words() {
        let xhtml = r#"<html><body><doc><page width="595" height="842"><flow><block xMin="1" yMin="2" xMax="3" yMax="4">
            <line xMin="1" yMin="2" xMax="3" yMax="4"><word xMin="58.2" yMin="173.6" xMax="93.13" yMax="186.6">2016.7</word>
            <word xMin="100.8" yMin="173.6" xMax="126.24" yMax="186.6">A&amp;B</word></line></block></flow></page>
            <page width="595" height="842"></page></doc></body></html>"#;
        let pages = parse(xhtml).unwrap();
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0].len(), 1);
        assert_eq!(pages[0][0][0].text, "2016.7");
        assert_eq!(pages[0][0][1].text, "A&B");
        assert_eq!(pages[0][0][1].x0, 100.8);
        assert!(pages[1].is_empty());
        assert!(parse("<page><word>x</page>").is_err());
    }

    /// A padded table: a narrow gap between the first two columns, a cell wrapped over two
    /// lines with the cells beside it centred, a header centred over two columns.
    #[test]
    fn rows_from_word_boxes() {
        let page: PageLines = vec![
            vec![
                word(60.0, 30.0, 90.0, "年度"),
                word(150.0, 30.0, 200.0, "媒體"),
            ],
            vec![word(275.0, 30.0, 350.0, "城市名")],
            vec![
                word(58.0, 60.0, 93.0, "2017.7"),
                word(100.0, 60.0, 126.0, "2017"),
                word(129.0, 60.0, 229.0, "縣市總體競爭力"),
            ],
            vec![
                word(260.0, 60.0, 300.0, "臺北"),
                word(340.0, 60.0, 400.0, "Taipei"),
            ],
            vec![word(100.0, 84.0, 200.0, "雙城論壇交")],
            vec![word(58.0, 90.0, 93.0, "2016.7")],
            vec![
                word(260.0, 90.0, 300.0, "上海"),
                word(340.0, 90.0, 400.0, "Shanghai"),
            ],
            vec![word(100.0, 95.0, 140.0, "流")],
        ];
        let region = [
            "年度     媒體     城市名",
            "2017.7 2017 縣市總體競爭力   臺北    Taipei",
            "        雙城論壇交",
            "2016.7                上海   Shanghai",
            "        流",
        ];
        let mut from = 0;
        let table = table_rows(&page, &region, &mut from, None).unwrap();
        assert!(table.below.is_empty());
        assert!(table.above.is_empty());
        assert_eq!(
            table.rows,
            vec![
                vec!["年度", "媒體", "城市名", ""],
                vec!["2017.7", "2017 縣市總體競爭力", "臺北", "Taipei"],
                vec!["2016.7", "雙城論壇交流", "上海", "Shanghai"],
            ]
        );
        assert_eq!(from, 5);
        // Lines not among the words: no rows.
        assert_eq!(table_rows(&page, &["其他 文字"], &mut 0, None), None);
    }

    /// A table's part on a new page: a cut row's rest and one row whose narrow number
    /// columns run together by themselves, cut in the columns the table had before.
    #[test]
    fn part_on_a_new_page_keeps_the_known_columns() {
        let words = [
            word(100.0, 30.0, 190.0, "Competitiveness)"),
            word(300.0, 30.0, 390.0, "8 大類共 32 項指標"),
            word(58.0, 60.0, 93.0, "2012.12"),
            word(100.0, 60.0, 160.0, "美商 Mercer"),
            word(300.0, 60.0, 390.0, "政治與社會安全"),
            word(488.0, 60.0, 501.0, "85"),
            word(504.0, 60.0, 517.0, "95"),
        ];
        let known = [
            (58.0, 93.0),
            (100.0, 290.0),
            (298.0, 460.0),
            (488.0, 501.0),
            (504.0, 517.0),
        ];
        let rows = |known: Option<&[(f64, f64)]>| grid(words.iter().collect(), known).unwrap().rows;
        assert_eq!(
            rows(Some(&known)),
            vec![
                vec!["", "Competitiveness)", "8 大類共 32 項指標", "", ""],
                vec!["2012.12", "美商 Mercer", "政治與社會安全", "85", "95"],
            ]
        );
        assert_eq!(
            rows(None)[1],
            vec!["2012.12", "美商 Mercer", "政治與社會安全", "85 95"]
        );
        // Words across two of the known columns: those are not this part's columns.
        let wide = [
            (58.0, 93.0),
            (100.0, 150.0),
            (155.0, 290.0),
            (298.0, 460.0),
            (488.0, 517.0),
            (520.0, 530.0),
        ];
        assert_eq!(rows(Some(&wide)).len(), 2);
        assert_eq!(rows(Some(&wide))[1].len(), 4);
    }
}
