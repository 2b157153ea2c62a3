//! A table read cell by cell → text laid out as `pdftotext -layout` lays out a table: one
//! line per row, every column starting at the same character on every line, at least
//! [`GAP`] spaces between columns, so that the PDF layout pass
//! (`layout_to_text`) reads it back as the same rows and cells as a text layer's table.
//!
//! Rows whose rules stand elsewhere (a table whose columns change part way) start a new
//! block after a blank line pair, as a table's parts do in `-layout` text; a row that
//! merges cells (fewer rules, all of them among the others') stays in its block, each
//! cell's text in the column its left rule opens.

use super::grid::Rect;

/// Spaces between two columns (two or more make a column gap).
const GAP: usize = 4;
/// Spaces before each row: the layout pass keeps an indented line of one cell in a table.
const INDENT: usize = 4;
/// How far apart two rules may be and still be one column's (pixels at 300 dpi).
const SAME_RULE: usize = 8;

/// The text of a table: `rows` of cell rectangles with `texts`, the same shape.
pub fn layout(rows: &[Vec<Rect>], texts: &[Vec<String>]) -> String {
    let mut blocks: Vec<String> = Vec::new();
    let mut start = 0;
    while start < rows.len() {
        let mut edges = edges_of(&rows[start]);
        let mut end = start + 1;
        while end < rows.len() {
            let next = edges_of(&rows[end]);
            if within(&next, &edges) {
            } else if within(&edges, &next) {
                edges = next;
            } else {
                break;
            }
            end += 1;
        }
        blocks.push(block(&rows[start..end], &texts[start..end], &edges));
        start = end;
    }
    blocks.join("\n\n\n")
}

/// The left edges of a row's cells and the right edge of its last one.
fn edges_of(row: &[Rect]) -> Vec<usize> {
    let mut edges: Vec<usize> = row.iter().map(|c| c.x0).collect();
    edges.extend(row.last().map(|c| c.x1));
    edges
}

/// Whether every edge of `some` is one of `all`.
fn within(some: &[usize], all: &[usize]) -> bool {
    some.iter()
        .all(|&e| all.iter().any(|&a| a.abs_diff(e) <= SAME_RULE))
}

/// Rows sharing the column `edges`, one padded line each.
fn block(rows: &[Vec<Rect>], texts: &[Vec<String>], edges: &[usize]) -> String {
    let columns = edges.len().saturating_sub(1).max(1);
    let column_of = |x: usize| {
        edges
            .iter()
            .position(|&e| e.abs_diff(x) <= SAME_RULE)
            .unwrap_or(0)
            .min(columns - 1)
    };
    let width = |s: &str| s.chars().count();
    // A column is as wide as the widest text put in it (a merged cell's text goes in its
    // first column), so no text runs over a column gap.
    let mut widths = vec![0; columns];
    for (row, row_texts) in rows.iter().zip(texts) {
        for (cell, text) in row.iter().zip(row_texts) {
            let k = column_of(cell.x0);
            widths[k] = widths[k].max(width(text));
        }
    }
    let mut lines = Vec::new();
    for (row, row_texts) in rows.iter().zip(texts) {
        let mut cells = vec![""; columns];
        for (cell, text) in row.iter().zip(row_texts) {
            cells[column_of(cell.x0)] = text;
        }
        let mut line = " ".repeat(INDENT);
        for (k, text) in cells.iter().enumerate() {
            line.push_str(text);
            if k + 1 < columns {
                line.push_str(&" ".repeat(widths[k] - width(text) + GAP));
            }
        }
        lines.push(line.trim_end().to_string());
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(edges: &[usize]) -> Vec<Rect> {
        edges
            .windows(2)
            .map(|w| Rect {
                x0: w[0],
                y0: 0,
                x1: w[1],
                y1: 10,
            })
            .collect()
    }

    fn texts(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    #[test]
    fn columns_line_up_and_merged_cells_keep_their_column() {
        let rows = vec![
            row(&[0, 100, 300, 400]),
            row(&[0, 100, 300, 400]),
            // One cell over the last two columns, its rules 3 px off.
            row(&[2, 103, 400]),
        ];
        let t = texts(&[
            &["年度", "城市", "名次"],
            &["2017.10", "臺北市", ""],
            &["2016", "兩岸城市交流合作備忘錄"],
        ]);
        // Every column starts at the same character on every line (here 4, 15 and 30).
        let sp = |n: usize| " ".repeat(n);
        assert_eq!(
            layout(&rows, &t),
            [
                format!("{}年度{}城市{}名次", sp(4), sp(9), sp(13)),
                format!("{}2017.10{}臺北市", sp(4), sp(4)),
                format!("{}2016{}兩岸城市交流合作備忘錄", sp(4), sp(7)),
            ]
            .join("\n")
        );
    }

    #[test]
    fn other_rules_start_a_new_block() {
        let rows = vec![row(&[0, 100, 400]), row(&[0, 200, 400])];
        let t = texts(&[&["a", "b"], &["c", "d"]]);
        assert_eq!(layout(&rows, &t), "    a    b\n\n\n    c    d");
    }
}
