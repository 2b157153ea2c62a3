//! Tables of a page: `-layout` lines whose blank columns line up → rows of cells; the
//! header rows a table repeats on the next page, and the columns a continued part lacks.

use crate::report::parse::join_into;

/// The rows without the columns that hold only a header cell, centred over two columns (`城市名` over the Chinese and
/// the English names), which becomes the header of the neighbouring column that has cells
/// but no header of its own.
pub(super) fn without_empty_columns(mut rows: Vec<Vec<String>>) -> Vec<Vec<String>> {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    for row in &mut rows {
        row.resize(width, String::new());
    }
    let filled = |rows: &[Vec<String>], k: usize| rows.iter().any(|r| !r[k].trim().is_empty());
    let mut merged = vec![false; width];
    if rows.len() > 1 {
        for k in 0..width {
            if rows[0][k].trim().is_empty() || filled(&rows[1..], k) {
                continue;
            }
            let takes = |j: usize| rows[0][j].trim().is_empty() && filled(&rows[1..], j);
            let neighbour = [k.checked_sub(1), Some(k + 1).filter(|&j| j < width)]
                .into_iter()
                .flatten()
                .find(|&j| takes(j));
            if let Some(j) = neighbour {
                rows[0][j] = std::mem::take(&mut rows[0][k]);
                merged[k] = true;
            }
        }
    }
    // Only the header's own columns go: a column empty on one page of a table that goes on
    // over several pages (a value filled down from the page before) keeps its place.
    let used: Vec<bool> = merged.iter().map(|m| !m).collect();
    if used.iter().all(|&u| u) {
        return rows;
    }
    rows.into_iter()
        .map(|row| {
            row.into_iter()
                .zip(&used)
                .filter(|(_, used)| **used)
                .map(|(c, _)| c)
                .collect()
        })
        .collect()
}

/// How many columns a table has: its widest header row.
pub(super) fn header_width(header: &[Vec<String>]) -> usize {
    header.iter().map(Vec::len).max().unwrap_or(0)
}

/// A row of a table's later part, cut into fewer columns than the table has, with empty
/// cells put in front: the cells a continued part lacks are the leading ones, grouped and
/// filled down from the rows above (a row's own name and values are always there).
pub(super) fn aligned(mut row: Vec<String>, width: usize) -> Vec<String> {
    if row.len() < width {
        let missing = width - row.len();
        row.splice(0..0, std::iter::repeat_n(String::new(), missing));
    }
    row
}

/// How many leading rows of a table may be its (wrapped) header.
pub(super) const HEADER_ROWS: usize = 3;

/// How many leading rows of `rows` (a table's part on a new page) repeat the header rows of
/// the part before: their text, whitespace and cell boundaries aside, is the same.
pub(super) fn repeated_header_rows(header: &[Vec<String>], rows: &[Vec<String>]) -> usize {
    let squash = |rows: &[Vec<String>]| -> String {
        rows.iter()
            .flatten()
            .flat_map(|c| c.chars())
            .filter(|c| !c.is_whitespace())
            .collect()
    };
    for n in (1..=header.len().min(rows.len().saturating_sub(1))).rev() {
        for m in 1..=header.len() {
            let h = squash(&header[..m]);
            if !h.is_empty() && h == squash(&rows[..n]) {
                return n;
            }
        }
    }
    0
}

/// A line cut into text segments at runs of two or more spaces: (start column, end column).
pub(super) fn segments(line: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < line.len() {
        while i < line.len() && line[i] == ' ' {
            i += 1;
        }
        if i >= line.len() {
            break;
        }
        let start = i;
        let mut end = i;
        while i < line.len() {
            if line[i] != ' ' {
                i += 1;
                end = i;
            } else if line.get(i + 1).is_some_and(|c| *c != ' ') {
                i += 1; // a single space inside a segment
            } else {
                break;
            }
        }
        out.push((start, end));
    }
    out
}

/// A table region starting at line `start` (which has ≥ 2 segments): returns its rows and
/// the index of the first line after it, or `None` when the lines do not line up.
pub(super) fn table_at(
    chars: &[Vec<char>],
    segs: &[Vec<(usize, usize)>],
    start: usize,
) -> Option<(Vec<Vec<String>>, usize)> {
    // Grow the region: multi-segment lines, single-segment indented lines (wrapped cells),
    // single blank lines between multi-segment lines.
    let mut lines: Vec<usize> = vec![start];
    let mut j = start + 1;
    while j < chars.len() {
        if segs[j].is_empty() {
            if segs.get(j + 1).is_some_and(|s| s.len() >= 2) {
                j += 1;
                continue;
            }
            break;
        }
        // Short lines at the left edge between two rows: the first cell wrapped.
        let short = |k: usize| segs[k].len() == 1 && segs[k][0].1 - segs[k][0].0 <= 12;
        let wrapped_first = short(j)
            && (j + 1..chars.len().min(j + 4))
                .find(|&k| !short(k))
                .is_some_and(|k| segs[k].len() >= 2);
        if segs[j].len() >= 2 || segs[j][0].0 >= 4 || wrapped_first {
            lines.push(j);
            j += 1;
            continue;
        }
        break;
    }
    // Trailing single-segment lines are kept only if they start at a column (checked below).
    let multi: Vec<usize> = lines
        .iter()
        .copied()
        .filter(|&l| segs[l].len() >= 2)
        .collect();
    if multi.len() < 2 {
        return None;
    }

    // Blank columns over the multi-segment lines: gutters of width ≥ 2 split columns.
    let width = multi.iter().map(|&l| chars[l].len()).max().unwrap_or(0);
    let left = multi.iter().map(|&l| segs[l][0].0).min().unwrap_or(0);
    let mut used = vec![false; width];
    for &l in &multi {
        for &(a, b) in &segs[l] {
            used[a..b].iter_mut().for_each(|u| *u = true);
        }
    }
    let mut columns: Vec<(usize, usize)> = Vec::new(); // [start, end) of text columns
    let mut x = left;
    while x < width {
        let a = x;
        while x < width && used[x] {
            x += 1;
        }
        // Extend over single blanks (word spaces inside a cell).
        while x + 1 < width && !used[x] && used[x + 1] {
            x += 1;
            while x < width && used[x] {
                x += 1;
            }
        }
        columns.push((a, x));
        while x < width && !used[x] {
            x += 1;
        }
    }
    if columns.len() < 2 {
        return None;
    }
    let col_of = |pos: usize| {
        columns
            .iter()
            .rposition(|&(a, _)| a <= pos + 1)
            .unwrap_or(0)
    };
    // Column starts (where cells begin) for aligning wrapped single-segment lines.
    let aligned = |l: usize| {
        let (a, b) = segs[l][0];
        columns[1..].iter().any(|&(c, _)| a.abs_diff(c) <= 1)
            || (a <= columns[0].0 + 1 && b <= columns[0].1 + 1)
    };
    // Keep wrapped-cell lines (one segment) that start at a column; stop at one that does not.
    let mut kept: Vec<usize> = Vec::new();
    for &l in &lines {
        if segs[l].len() < 2 && !aligned(l) {
            break;
        }
        kept.push(l);
    }
    // A row must have ≥ 2 non-empty cells for at least two lines, else it is not a table.
    let to_cells = |l: usize| {
        let mut cells = vec![String::new(); columns.len()];
        for &(a, b) in &segs[l] {
            let k = col_of(a);
            let text: String = chars[l][a..b].iter().collect();
            join_into(&mut cells[k], text.trim());
        }
        cells
    };
    // Whether a line's cell in column `k` may have wrapped onto the next line: it holds at
    // least 4 characters (column widths in `-layout` text are too rough to tell more).
    let long_cell = |l: usize, k: usize| {
        segs[l]
            .iter()
            .filter(|&&(a, _)| col_of(a) == k)
            .map(|&(a, b)| b - a)
            .sum::<usize>()
            >= 4
    };
    let has_digit = |cells: &[String]| {
        cells
            .iter()
            .any(|c| c.chars().any(|ch| ch.is_ascii_digit()))
    };
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut real_rows = 0;
    let mut prev_line: Option<usize> = None;
    for &l in &kept {
        let cells = to_cells(l);
        let non_empty = cells.iter().filter(|c| !c.is_empty()).count();
        // A line of wrapped cells: fewer than half the cells filled, the first empty unless
        // it is the only one, each below a long cell of the line above (a sparse row of a
        // table with merged cells has a short cell above one of its cells); or, below a
        // header row (first row, first cell filled, no digits), a line without digits or
        // first cell.
        let wrapped = prev_line.is_some_and(|p| {
            let under_full = non_empty * 2 < columns.len()
                && (cells[0].is_empty() || non_empty == 1)
                && cells
                    .iter()
                    .enumerate()
                    .all(|(k, c)| c.is_empty() || long_cell(p, k));
            let header_wrap = rows.len() == 1
                && !rows[0][0].is_empty()
                && !has_digit(&rows[0])
                && cells[0].is_empty()
                && !has_digit(&cells);
            under_full || header_wrap
        });
        prev_line = Some(l);
        match rows.last_mut() {
            Some(prev) if wrapped => {
                for (p, c) in prev.iter_mut().zip(cells) {
                    if !c.is_empty() {
                        join_into(p, &c);
                    }
                }
            }
            _ => {
                if non_empty >= 2 {
                    real_rows += 1;
                }
                rows.push(cells);
            }
        }
    }
    if real_rows < 2 {
        return None;
    }
    let next = kept.last().map_or(start + 1, |&l| l + 1);
    Some((rows, next))
}

#[cfg(test)]
mod tests {
    use super::super::layout_to_text;

    /// A layout line with the texts at the given character columns.
    fn at(cells: &[(usize, &str)]) -> String {
        let mut line = String::new();
        for (col, text) in cells {
            while line.chars().count() < *col {
                line.push(' ');
            }
            line.push_str(text);
        }
        line + "\n"
    }

    #[test]
    fn sparse_rows_wrapped_cells_and_wrapped_headers() {
        let raw = [
            "表一 評比\n\n".to_string(),
            at(&[(0, "年度"), (10, "媒體/主"), (22, "指標"), (32, "名次")]),
            at(&[(10, "題")]),
            at(&[(0, "2016.9"), (10, "2016 幸福"), (22, "總排名"), (32, "1")]),
            at(&[(10, "城市調查")]),
            at(&[(22, "經濟力"), (32, "1")]),
            at(&[(22, "環境力"), (32, "2")]),
            at(&[(0, "2015.9"), (10, "天下雜誌"), (22, "總排名"), (32, "3")]),
            at(&[(0, "促進友好"), (10, "韓國"), (22, "京畿道"), (32, "4")]),
            at(&[(0, "合作備忘")]),
            at(&[(0, "錄")]),
            at(&[(0, "友好城市"), (10, "日本"), (22, "橫濱市"), (32, "5")]),
        ]
        .concat();
        assert_eq!(
            layout_to_text(&raw),
            "表一 評比\n\n年度\t媒體/主題\t指標\t名次\n\
             2016.9\t2016 幸福城市調查\t總排名\t1\n\t\t經濟力\t1\n\t\t環境力\t2\n\
             2015.9\t天下雜誌\t總排名\t3\n促進友好合作備忘錄\t韓國\t京畿道\t4\n\
             友好城市\t日本\t橫濱市\t5\n"
        );
    }
}
