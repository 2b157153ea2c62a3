//! Layout reading: `pdftotext -layout` text of all pages → parser text. Each page is cut
//! into blocks (prose lines and table regions, [`page_blocks`]); a table continued over a
//! page break is put back together here.

use super::pages::{indent, remove_furniture};
use super::paragraphs::{bullet_glyph, drop_cjk_gaps, starts_block};
use super::tables::{
    HEADER_ROWS, aligned, header_width, repeated_header_rows, segments, table_at,
    without_empty_columns,
};
use super::words::{self, Words};
use crate::report::parse::join_into;

/// Turns `pdftotext -layout` output into parser text (see the module documentation).
pub fn layout_to_text(raw: &str) -> String {
    layout_to_text_with(raw, &Words::none())
}

/// [`layout_to_text`] with the PDF's word boxes, which cut its tables where they are set
/// apart by cell padding ([`words`]).
pub(super) fn layout_to_text_with(raw: &str, words: &Words) -> String {
    let mut pages: Vec<Vec<&str>> = raw
        .split('\x0c')
        .map(|p| p.lines().map(str::trim_end).collect())
        .collect();
    while pages
        .last()
        .is_some_and(|p| p.iter().all(|l| l.trim().is_empty()))
    {
        pages.pop();
    }
    remove_furniture(&mut pages);
    let mut blocks: Vec<String> = Vec::new();
    // Header rows of the table the previous page ended with, if it did.
    let mut open_table: Option<Vec<Vec<String>>> = None;
    // The first rows of the parts of that table that came after a gap on a page.
    let mut part_heads: Vec<Vec<String>> = Vec::new();
    // The columns of the last word-box table of the previous page.
    let mut last_columns: Option<Vec<(f64, f64)>> = None;
    for (n, page) in pages.iter().enumerate() {
        let known = last_columns.take().filter(|_| open_table.is_some());
        let (blocks_of_page, columns) = page_blocks(page, words, n, known.as_deref());
        last_columns = columns;
        let mut page_blocks = blocks_of_page.into_iter().peekable();
        // A header row repeated apart from the rows (further from them than rows are from
        // each other) is still the header; so is a later part's head row.
        if let Some(header) = open_table.as_ref() {
            let squash = |s: &str| s.split_whitespace().collect::<String>();
            while let Some(PageBlock::Text(t)) = page_blocks.peek()
                && header
                    .iter()
                    .chain(&part_heads)
                    .any(|row| squash(&row.concat()) == squash(t))
            {
                page_blocks.next();
            }
        }
        // A table continued from the previous page: drop its repeated header rows and
        // append its rows to the table (one block, no page break inside).
        if let Some(header) = open_table.take()
            && let Some(PageBlock::Table(rows)) = page_blocks.peek_mut()
        {
            let repeated = repeated_header_rows(&header, rows);
            rows.drain(..repeated);
            // The head row of a later part of the table, repeated as that part's header.
            if part_heads
                .iter()
                .any(|h| repeated_header_rows(std::slice::from_ref(h), rows) == 1)
            {
                rows.remove(0);
            }
            if let Some(PageBlock::Table(mut rows)) = page_blocks.next()
                && let Some(last) = blocks.last_mut()
            {
                // A row cut by the page break goes on at the top of the page with its first
                // cell empty, in a table where every row has its first cell: its cells are
                // the rest of the last row's. So does a row after a last row with a cell
                // that cannot end there (`2016.04.28-`, `、`, an open bracket): the break cut
                // that row with text in every cell.
                let width = header_width(&header);
                let start = last.rfind('\n').map_or(0, |k| k + 1);
                let open_ended = last[start..].split('\t').any(cut_short);
                if rows.first().is_some_and(|r| {
                    r.first().is_none_or(String::is_empty)
                        && last.lines().skip(1).all(|l| !l.starts_with('\t'))
                        || open_ended
                }) {
                    let rest = aligned(rows.remove(0), width);
                    let mut cells: Vec<String> =
                        last[start..].split('\t').map(str::to_string).collect();
                    cells.resize(cells.len().max(rest.len()), String::new());
                    for (cell, more) in cells.iter_mut().zip(&rest) {
                        rejoin(cell, more);
                    }
                    last.truncate(start);
                    last.push_str(&cells.join("\t"));
                }
                for row in rows {
                    last.push('\n');
                    last.push_str(&aligned(row, header_width(&header)).join("\t"));
                }
            }
            // The table may go on over the next page too.
            open_table = Some(header);
        }
        for block in page_blocks {
            match block {
                PageBlock::Text(t) => {
                    open_table = None;
                    blocks.push(t);
                }
                // A part of the same table after a gap on the page, cut into its own columns.
                PageBlock::Table(rows) if open_table.is_some() && !rows.is_empty() => {
                    let width = open_table.as_deref().map_or(0, header_width);
                    let header = open_table.as_deref().unwrap_or_default();
                    let repeated = repeated_header_rows(header, &rows);
                    if let Some(head) = rows.get(repeated) {
                        part_heads.push(head.clone());
                    }
                    let rows: Vec<String> = rows
                        .into_iter()
                        .skip(repeated)
                        .map(|r| aligned(r, width).join("\t"))
                        .collect();
                    blocks.push(rows.join("\n"));
                }
                PageBlock::Table(rows) => {
                    part_heads.clear();
                    open_table = Some(rows.iter().take(HEADER_ROWS).cloned().collect());
                    blocks.push(
                        rows.iter()
                            .map(|r| r.join("\t"))
                            .collect::<Vec<_>>()
                            .join("\n"),
                    );
                }
            }
        }
    }
    let mut text = blocks.join("\n\n");
    text.push('\n');
    text
}

/// Whether a cell ends in a character no cell ends in: a range dash, an enumeration comma,
/// an open bracket. The row it is in goes on below it.
fn cut_short(cell: &str) -> bool {
    cell.trim_end().ends_with([
        '-', '－', '–', '~', '～', '、', '(', '（', '「', '『', '《', '〈', '[', '【',
    ])
}

/// Puts the rest of a cell cut by a page break back: a number goes on without a space
/// (`20,67` `6`: a narrow column cuts numbers anywhere), text as a wrapped line does.
fn rejoin(cell: &mut String, rest: &str) {
    let rest = rest.trim();
    let (Some(a), Some(b)) = (cell.chars().last(), rest.chars().next()) else {
        cell.push_str(rest);
        return;
    };
    let cjk = |c: char| c > '\u{2e7f}';
    if matches!(a, '-' | '－' | '–' | '~' | '～') && b.is_ascii_digit() {
        // A range broken after its dash broke at a space (`2016.04.28-` `2016.04.29`).
        cell.push(' ');
        cell.push_str(rest);
    } else if a.is_ascii_digit() && b.is_ascii_digit() {
        cell.push_str(rest);
    } else if (cjk(a) && b.is_ascii_alphanumeric()) || (a.is_ascii_alphanumeric() && cjk(b)) {
        // A line broken between Chinese and Latin text or digits broke at a space.
        cell.push(' ');
        cell.push_str(rest);
    } else {
        join_into(cell, rest);
    }
}

/// A block of one page: a paragraph or heading, or the rows of a table.
enum PageBlock {
    Text(String),
    Table(Vec<Vec<String>>),
}

enum Item {
    Blank,
    /// A prose line: indentation, end column, text, and for a bulleted line the column its
    /// text starts at (where its wrapped lines start).
    Prose {
        ind: usize,
        end: usize,
        text: String,
        hang: Option<usize>,
    },
    Table(Vec<Vec<String>>),
    /// Rows cut by the word boxes: a header over two columns is already in place.
    WordTable(Vec<Vec<String>>),
}

/// Takes back the last prose lines (and blank lines among them) that are `above`, the text
/// (without whitespace) of title rows a word-box table found above its region.
fn take_back(items: &mut Vec<Item>, above: &str) {
    if above.is_empty() {
        return;
    }
    while let Some(item) = items.last() {
        match item {
            Item::Blank => {}
            Item::Prose { text, .. } if text.split_whitespace().all(|t| above.contains(t)) => {}
            _ => break,
        }
        items.pop();
    }
}

/// Puts a word-box table among the page's items: its title rows taken back from the prose
/// above, its rows (and its part with columns of its own), its columns kept for a part on
/// the next page. Returns the text of the printed lines below that proved its rows.
fn place_word_table(
    table: words::WordTable,
    items: &mut Vec<Item>,
    columns: &mut Option<Vec<(f64, f64)>>,
) -> String {
    *columns = Some(table.columns);
    take_back(items, &table.above);
    items.push(Item::WordTable(table.rows));
    if !table.more.is_empty() {
        items.push(Item::WordTable(table.more));
    }
    table.below.concat()
}

/// The blocks of one page: paragraphs (one line each) and tables (TAB rows); a table
/// region is cut by the word boxes of page `n` when they set its rows apart (they are read
/// when a page first has one). `known`: the columns of the table the page's first table
/// region may continue. Also the columns of the page's last word-box table.
fn page_blocks(
    page: &[&str],
    words: &Words,
    n: usize,
    mut known: Option<&[(f64, f64)]>,
) -> (Vec<PageBlock>, Option<Vec<(f64, f64)>>) {
    let mut columns = None;
    let chars: Vec<Vec<char>> = page.iter().map(|l| l.chars().collect()).collect();
    let segs: Vec<Vec<(usize, usize)>> = chars.iter().map(|c| segments(c)).collect();
    let blank = |i: usize| segs[i].is_empty();

    let mut items: Vec<Item> = Vec::new();
    // The printed line of `words` the next table region is looked for from.
    let mut printed_from = 0;
    // The text (without whitespace) of the printed lines below the last table region that
    // the word boxes showed to be rows of it.
    let mut below = String::new();
    let mut i = 0;
    while i < page.len() {
        if blank(i) {
            items.push(Item::Blank);
            i += 1;
            continue;
        }
        // Lines the word boxes showed to be rows of the table above: `-layout` puts the
        // lines of wrapped cells of neighbouring rows on one line, so a line is theirs when
        // each of its words is.
        if !below.is_empty() && page[i].split_whitespace().all(|t| below.contains(t)) {
            i += 1;
            continue;
        }
        below.clear();
        let bulleted =
            segs[i][0].1 == segs[i][0].0 + 1 && bullet_glyph(chars[i][segs[i][0].0]).is_some();
        if segs[i].len() >= 2
            && !bulleted
            && let Some((rows, next)) = table_at(&chars, &segs, i)
        {
            match words
                .page(n)
                .and_then(|w| words::table_rows(w, &page[i..next], &mut printed_from, known.take()))
            {
                Some(table) => {
                    below = place_word_table(table, &mut items, &mut columns);
                }
                None => {
                    columns = None;
                    items.push(Item::Table(rows));
                }
            }
            i = next;
            continue;
        }
        // A line of cells the `-layout` rules found no table at (its rows' cells wrapped or
        // centred on lines of their own): the word boxes may show the rows below it.
        if segs[i].len() >= 2
            && !bulleted
            && let Some(table) = words
                .page(n)
                .and_then(|w| words::table_rows(w, &page[i..=i], &mut printed_from, known.take()))
        {
            below = place_word_table(table, &mut items, &mut columns);
            i += 1;
            continue;
        }
        let (ind, end) = (indent(page[i]), chars[i].len());
        if let [(a, b), (c, _), ..] = segs[i][..]
            && b == a + 1
            && let Some(bullet) = bullet_glyph(chars[i][a])
        {
            // `•   text`: a bulleted list item (Word's Symbol-font bullet is U+F0B7).
            let rest: String = chars[i][c..].iter().collect();
            let text = format!("{bullet} {}", rest.trim());
            items.push(Item::Prose {
                ind,
                end,
                text,
                hang: Some(c),
            });
        } else {
            let text = page[i].trim().to_string();
            items.push(Item::Prose {
                ind,
                end,
                text,
                hang: None,
            });
        }
        i += 1;
    }

    // Paragraph joining: a line reaching the right margin continues on the next line.
    let prose = || {
        items.iter().filter_map(|it| match it {
            Item::Prose { ind, end, .. } => Some((*ind, *end)),
            _ => None,
        })
    };
    let margin = prose().map(|(ind, _)| ind).min().unwrap_or(0);
    let right = prose().map(|(_, end)| end).max().unwrap_or(0);
    let full = |end: usize| end >= 20 && end * 100 >= right * 85;

    let mut blocks: Vec<PageBlock> = Vec::new();
    let mut open: Option<(Option<usize>, String)> = None; // (hanging indent, paragraph)
    let mut last_full = false;
    for item in items {
        match item {
            Item::Blank => {
                if let Some((_, p)) = open.take() {
                    blocks.push(PageBlock::Text(p));
                }
            }
            Item::Table(rows) => {
                if let Some((_, p)) = open.take() {
                    blocks.push(PageBlock::Text(p));
                }
                blocks.push(PageBlock::Table(without_empty_columns(rows)));
            }
            Item::WordTable(rows) => {
                if let Some((_, p)) = open.take() {
                    blocks.push(PageBlock::Text(p));
                }
                blocks.push(PageBlock::Table(rows));
            }
            Item::Prose {
                ind,
                end,
                text,
                hang,
            } => {
                let hanging = open
                    .as_ref()
                    .and_then(|(h, _)| *h)
                    .is_some_and(|h| ind.abs_diff(h) <= 1);
                let continues = open.is_some()
                    && last_full
                    && (ind <= margin + 1 || hanging)
                    && !starts_block(&text);
                // Justified lines (those reaching the margin) may have spread characters.
                let text = if full(end) {
                    drop_cjk_gaps(&text)
                } else {
                    text
                };
                if continues && let Some((_, p)) = open.as_mut() {
                    join_into(p, &text);
                } else {
                    if let Some((_, p)) = open.take() {
                        blocks.push(PageBlock::Text(p));
                    }
                    open = Some((hang, text));
                }
                last_full = full(end);
            }
        }
    }
    if let Some((_, p)) = open.take() {
        blocks.push(PageBlock::Text(p));
    }
    (blocks, columns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::parse::{Kind, parse};

    #[test]
    fn layout_tables_with_right_aligned_numbers_and_running_headers() {
        let page = |n: usize, body: &str| {
            format!("    研究報告（初稿）\n\n{body}\n\n                 第 {n} 頁\n")
        };
        let raw = [
            page(
                1,
                "壹、統計\n\n表2 各年度件數\n\n  年度        件數       金額\n  105          3      1,200\n  106         12        800\n",
            ),
            page(2, "一、說明\n\n本段文字。"),
            page(3, "二、結論\n\n結論文字。"),
        ]
        .join("\x0c");
        let text = layout_to_text(&raw);
        assert_eq!(
            text,
            "壹、統計\n\n表2 各年度件數\n\n年度\t件數\t金額\n105\t3\t1,200\n106\t12\t800\n\n\
             一、說明\n\n本段文字。\n\n二、結論\n\n結論文字。\n"
        );
    }

    #[test]
    fn prose_lines_join_only_at_the_margin() {
        let raw = "  第一段的第一行文字一直寫到版面的右邊界為止，\n\
                   第一段的第二行也寫到右邊界。句子在行中結束\n\
                   第一段的第三行。\n\
                   \x20 第二段第一行也一直寫到了版面的右邊界為止，\n\
                   （一）標題不併入\n短行\n另一短行\n";
        assert_eq!(
            layout_to_text(raw),
            "第一段的第一行文字一直寫到版面的右邊界為止，第一段的第二行也寫到右邊界。句子在行中結束第一段的第三行。\n\n\
             第二段第一行也一直寫到了版面的右邊界為止，\n\n（一）標題不併入\n\n短行\n\n另一短行\n"
        );
    }

    #[test]
    fn running_header_at_shifting_columns_and_repeated_table_header() {
        // `-layout` scales columns per page: the right-aligned header moves; the table goes
        // on over the page break with its header row repeated.
        let raw = "    封面標題\n\n    中華民國 106 年 12 月 25 日\n\x0c\
                   \x20                                   報告簡稱\n\n表四 姊妹市列表\n\n\
                   洲別    國別      城市名        締結時間\n\
                   美洲    美國      休士頓市      1961.06.15\n\
                   \x20       多明尼加  聖多明哥市    1970.02.16\n\n\
                   \x20                    - 1 -\n\x0c\
                   \x20                             報告簡稱\n\n\
                   洲別      國別        城市名          締結時間\n\
                   歐洲      立陶宛      維爾紐斯市      1998.05.28\n\
                   \x20         拉脫維亞    里加市          2001.08.05\n\n\
                   資料來源：本研究整理\n\n\
                   \x20                      - 2 -\n";
        let text = layout_to_text(raw);
        assert!(!text.contains("報告簡稱"), "{text}");
        let r = parse(&text);
        let rows: Vec<Vec<&str>> = r
            .blocks
            .iter()
            .filter(|b| b.kind == Kind::TableRow)
            .map(|b| b.cells.iter().map(String::as_str).collect())
            .collect();
        assert_eq!(
            rows,
            vec![
                vec!["美洲", "美國", "休士頓市", "1961.06.15"],
                vec!["美洲", "多明尼加", "聖多明哥市", "1970.02.16"],
                vec!["歐洲", "立陶宛", "維爾紐斯市", "1998.05.28"],
                vec!["歐洲", "拉脫維亞", "里加市", "2001.08.05"],
            ],
            "{text}"
        );
        assert_eq!(
            r.blocks.iter().filter(|b| b.kind == Kind::Table).count(),
            1,
            "{text}"
        );
    }

    #[test]
    fn row_cut_with_text_in_every_cell_is_known_by_its_open_end() {
        assert!(cut_short("2016.04.28-"));
        assert!(cut_short("臺北、"));
        assert!(cut_short("「第 12 屆（"));
        assert!(!cut_short("2016.04.29"));
        assert!(!cut_short("研討會」"));
        let mut cell = String::from("2016.04.28-");
        rejoin(&mut cell, "2016.04.29");
        assert_eq!(cell, "2016.04.28- 2016.04.29");
        let mut cell = String::from("兩岸四地公共");
        rejoin(&mut cell, "行政管理研討會」");
        assert_eq!(cell, "兩岸四地公共行政管理研討會」");
    }
}
