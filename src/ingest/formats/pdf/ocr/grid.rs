//! Ruled tables in a page image: a grayscale page (binary PGM, as `pdftoppm -gray` writes
//! it) → the tables drawn with rules, each as rows of cell rectangles, and the page's
//! bands between them.
//!
//! Tesseract reads a ruled table as one block: the rules come out as `|`, `一` and stray
//! characters, and a cell wrapped over several lines is read line by line across the row,
//! so its pieces end up in other cells (docs/ocr.md). Found here, each cell can be read on
//! its own and the table rebuilt row by row, cell by cell.
//!
//! A rule is a run of dark pixels: horizontal rules are found first (at least
//! [`MIN_RULE`] long, at most [`MAX_RULE_THICKNESS`] thick, so that a filled area is not
//! one), then, between each horizontal rule and the next one below it, the vertical rules
//! that cross the whole band. A band crossed by at least two vertical rules is a table row;
//! consecutive rows sharing a rule are one table. Lengths are in pixels of a 300 dpi page.

/// A pixel at most this bright is ink.
const DARK: u8 = 160;
/// A pixel at most this bright may be part of a rule: a thin rule between two rows of
/// pixels (a scan, or a page image scaled when rendered) is light grey in both (166 and 215
/// for a 0.5 pt rule of the sample's scan).
const RULE_DARK: u8 = 210;
/// Shortest horizontal rule (pixels; 1.3 cm at 300 dpi): far longer than any stroke of a
/// character (a Han character at 10 pt is about 40 pixels wide).
const MIN_RULE: usize = 150;
/// Thickest horizontal rule (pixels): a thicker dark area is a picture or a filled box.
const MAX_RULE_THICKNESS: usize = 8;
/// Light pixels a rule may have in a row (a scanned rule is not perfect).
const RULE_GAP: usize = 3;
/// Lowest table row (pixels between its rules): less is a double rule.
const MIN_ROW_HEIGHT: usize = 20;
/// Narrowest cell (pixels between its rules): less is a double rule.
const MIN_CELL_WIDTH: usize = 10;
/// The share of a band's height a vertical rule covers (per mille).
const VERTICAL_COVER: usize = 950;

/// A grayscale image, one byte per pixel, row by row.
#[derive(Debug, Clone)]
pub struct Gray {
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<u8>,
}

/// A rectangle of pixels: columns `x0..x1`, rows `y0..y1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    pub x0: usize,
    pub y0: usize,
    pub x1: usize,
    pub y1: usize,
}

/// A ruled table: its rows top to bottom, each row's cells left to right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub rows: Vec<Vec<Rect>>,
    /// The table with its outer rules.
    pub bounds: Rect,
}

impl Gray {
    /// Reads a binary PGM (`P5`, 8 bits); `None` for anything else.
    pub fn from_pgm(bytes: &[u8]) -> Option<Gray> {
        let mut fields = Vec::new();
        let mut at = 0;
        while fields.len() < 4 {
            while bytes.get(at)?.is_ascii_whitespace() {
                at += 1;
            }
            if bytes[at] == b'#' {
                while *bytes.get(at)? != b'\n' {
                    at += 1;
                }
                continue;
            }
            let start = at;
            while !bytes.get(at)?.is_ascii_whitespace() {
                at += 1;
            }
            fields.push(std::str::from_utf8(&bytes[start..at]).ok()?);
        }
        let number = |s: &str| s.parse::<usize>().ok();
        let (width, height, max) = (number(fields[1])?, number(fields[2])?, number(fields[3])?);
        if fields[0] != "P5" || max != 255 {
            return None;
        }
        let pixels = bytes.get(at + 1..at + 1 + width.checked_mul(height)?)?;
        Some(Gray {
            width,
            height,
            pixels: pixels.to_vec(),
        })
    }

    fn dark(&self, x: usize, y: usize) -> bool {
        self.pixels[y * self.width + x] <= DARK
    }

    fn rule(&self, x: usize, y: usize) -> bool {
        self.pixels[y * self.width + x] <= RULE_DARK
    }

    /// How many ink pixels `r` holds.
    pub fn ink(&self, r: Rect) -> usize {
        (r.y0..r.y1)
            .map(|y| (r.x0..r.x1).filter(|&x| self.dark(x, y)).count())
            .sum()
    }

    /// `r` as a binary PGM with a white `margin` around it (Tesseract reads text that
    /// touches the image's edge badly).
    pub fn crop_pgm(&self, r: Rect, margin: usize) -> Vec<u8> {
        let (w, h) = (r.x1 - r.x0 + 2 * margin, r.y1 - r.y0 + 2 * margin);
        let mut out = format!("P5\n{w} {h}\n255\n").into_bytes();
        let header = out.len();
        out.resize(header + w * h, 255);
        for y in r.y0..r.y1 {
            let from = y * self.width;
            let to = header + (y - r.y0 + margin) * w + margin;
            out[to..to + r.x1 - r.x0].copy_from_slice(&self.pixels[from + r.x0..from + r.x1]);
        }
        out
    }
}

impl Gray {
    /// The rows `y0..y1` of the text line through row `middle` between columns `x0..x1`:
    /// the rows with ink next to each other around it, at most `reach` rows up and down;
    /// `None` when row `middle` has no ink.
    pub fn ink_rows(
        &self,
        x0: usize,
        x1: usize,
        middle: usize,
        reach: usize,
    ) -> Option<(usize, usize)> {
        let x1 = x1.min(self.width);
        let inked = |y: usize| (x0..x1).any(|x| self.dark(x, y));
        if middle >= self.height || !inked(middle) {
            return None;
        }
        let mut y0 = middle;
        while y0 > 0 && middle - (y0 - 1) <= reach && inked(y0 - 1) {
            y0 -= 1;
        }
        let mut y1 = middle + 1;
        while y1 < self.height && y1 - middle <= reach && inked(y1) {
            y1 += 1;
        }
        Some((y0, y1))
    }

    /// `r` scaled by `times / by` (each pixel the nearest of `r`'s) as a binary PGM with a
    /// white `margin` around it.
    pub fn crop_scaled_pgm(&self, r: Rect, margin: usize, times: usize, by: usize) -> Vec<u8> {
        let (cw, ch) = ((r.x1 - r.x0) * times / by, (r.y1 - r.y0) * times / by);
        let (w, h) = (cw + 2 * margin, ch + 2 * margin);
        let mut out = format!("P5\n{w} {h}\n255\n").into_bytes();
        let header = out.len();
        out.resize(header + w * h, 255);
        for y in 0..ch {
            let from = (r.y0 + y * by / times) * self.width + r.x0;
            let to = header + (y + margin) * w + margin;
            for x in 0..cw {
                out[to + x] = self.pixels[from + x * by / times];
            }
        }
        out
    }
}

/// A horizontal rule: rows `y0..y1`, columns `x0..x1`.
#[derive(Debug, Clone, Copy)]
struct Rule {
    y0: usize,
    y1: usize,
    x0: usize,
    x1: usize,
}

/// The horizontal rules of the page, top to bottom.
fn horizontal_rules(img: &Gray) -> Vec<Rule> {
    let mut open: Vec<Rule> = Vec::new();
    let mut done: Vec<Rule> = Vec::new();
    for y in 0..img.height {
        let mut runs = Vec::new();
        let mut x = 0;
        while x < img.width {
            if !img.rule(x, y) {
                x += 1;
                continue;
            }
            let start = x;
            let mut end = x + 1;
            let mut k = end;
            while k < img.width && k <= end + RULE_GAP {
                if img.rule(k, y) {
                    end = k + 1;
                }
                k += 1;
            }
            x = end;
            if end - start >= MIN_RULE {
                runs.push((start, end));
            }
        }
        // A run touching an open rule of the row above thickens it; open rules not
        // continued in this row are done.
        let mut still_open = Vec::new();
        for mut rule in open.drain(..) {
            let mut continued = false;
            runs.retain(|&(a, b)| {
                if a < rule.x1 && rule.x0 < b {
                    rule.x0 = rule.x0.min(a);
                    rule.x1 = rule.x1.max(b);
                    continued = true;
                    false
                } else {
                    true
                }
            });
            if continued {
                rule.y1 = y + 1;
                still_open.push(rule);
            } else {
                done.push(rule);
            }
        }
        still_open.extend(runs.into_iter().map(|(x0, x1)| Rule {
            y0: y,
            y1: y + 1,
            x0,
            x1,
        }));
        open = still_open;
    }
    done.extend(open);
    done.retain(|r| r.y1 - r.y0 <= MAX_RULE_THICKNESS);
    done.sort_by_key(|r| (r.y0, r.x0));
    done
}

/// The vertical rules crossing the band between rules `a` (above) and `b` (below), over
/// the columns both span: their column ranges, left to right.
fn vertical_rules(img: &Gray, a: &Rule, b: &Rule) -> Vec<(usize, usize)> {
    let (x0, x1) = (a.x0.max(b.x0), a.x1.min(b.x1));
    let (y0, y1) = (a.y1, b.y0);
    let mut rules: Vec<(usize, usize)> = Vec::new();
    // The rules at a table's edges end where the horizontal rules do, give or take a pixel.
    for x in x0.saturating_sub(2)..(x1 + 2).min(img.width) {
        let ink = (y0..y1).filter(|&y| img.rule(x, y)).count();
        if ink * 1000 >= (y1 - y0) * VERTICAL_COVER {
            match rules.last_mut() {
                Some(last) if last.1 == x => last.1 = x + 1,
                _ => rules.push((x, x + 1)),
            }
        }
    }
    rules
}

/// The ruled tables of a page, top to bottom.
pub fn tables(img: &Gray) -> Vec<Table> {
    let rules = horizontal_rules(img);
    let mut tables: Vec<Table> = Vec::new();
    // The rule the last table's last row ends on.
    let mut last_bottom: Option<usize> = None;
    for (i, a) in rules.iter().enumerate() {
        // The next rule below that shares at least half of the shorter one's columns.
        let overlap = |b: &Rule| {
            let shared = a.x1.min(b.x1).saturating_sub(a.x0.max(b.x0));
            shared >= MIN_RULE && shared * 2 >= (a.x1 - a.x0).min(b.x1 - b.x0)
        };
        let Some((j, b)) = rules
            .iter()
            .enumerate()
            .skip(i + 1)
            .find(|(_, b)| b.y0 >= a.y1 && overlap(b))
        else {
            continue;
        };
        if b.y0 - a.y1 < MIN_ROW_HEIGHT {
            continue;
        }
        let verticals = vertical_rules(img, a, b);
        if verticals.len() < 2 {
            continue;
        }
        let cells: Vec<Rect> = verticals
            .windows(2)
            .filter(|w| w[1].0 - w[0].1 >= MIN_CELL_WIDTH)
            .map(|w| Rect {
                x0: w[0].1,
                y0: a.y1,
                x1: w[1].0,
                y1: b.y0,
            })
            .collect();
        if cells.is_empty() {
            continue;
        }
        let left = verticals[0].0;
        let right = verticals[verticals.len() - 1].1;
        match tables.last_mut() {
            Some(t) if last_bottom == Some(i) => {
                t.rows.push(cells);
                t.bounds.x0 = t.bounds.x0.min(left);
                t.bounds.x1 = t.bounds.x1.max(right);
                t.bounds.y1 = b.y1;
            }
            _ => tables.push(Table {
                rows: vec![cells],
                bounds: Rect {
                    x0: left,
                    y0: a.y0,
                    x1: right,
                    y1: b.y1,
                },
            }),
        }
        last_bottom = Some(j);
    }
    tables
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A white page with black rectangles drawn on it.
    fn page(width: usize, height: usize, boxes: &[Rect]) -> Gray {
        let mut pixels = vec![255u8; width * height];
        for r in boxes {
            for y in r.y0..r.y1 {
                pixels[y * width + r.x0..y * width + r.x1].fill(0);
            }
        }
        Gray {
            width,
            height,
            pixels,
        }
    }

    fn rect(x0: usize, y0: usize, x1: usize, y1: usize) -> Rect {
        Rect { x0, y0, x1, y1 }
    }

    #[test]
    fn a_grid_of_rules_is_a_table_of_cells() {
        // Two rows, three columns (at x 100, 300, 400, 600), rules 2 px thick, with a
        // "character" in a cell and a line of text above the table.
        let mut boxes = vec![rect(100, 20, 500, 50)];
        for y in [100, 200, 330] {
            boxes.push(rect(100, y, 602, y + 2));
        }
        for x in [100, 300, 400, 600] {
            boxes.push(rect(x, 100, x + 2, 332));
        }
        boxes.push(rect(320, 140, 360, 180));
        let img = page(700, 400, &boxes);
        let found = tables(&img);
        assert_eq!(found.len(), 1, "{found:?}");
        let t = &found[0];
        assert_eq!(t.bounds, rect(100, 100, 602, 332));
        let row = |y0, y1| {
            vec![
                rect(102, y0, 300, y1),
                rect(302, y0, 400, y1),
                rect(402, y0, 600, y1),
            ]
        };
        assert_eq!(t.rows, vec![row(102, 200), row(202, 330)]);
        assert_eq!(img.ink(t.rows[0][1]), 40 * 40);
        assert_eq!(img.ink(t.rows[1][1]), 0);
    }

    #[test]
    fn rules_without_verticals_and_filled_boxes_are_no_table() {
        // A line under a heading, a horizontal rule pair with no vertical between them,
        // and a filled box (a picture): no table.
        let img = page(
            700,
            400,
            &[
                rect(50, 30, 650, 32),
                rect(50, 120, 650, 122),
                rect(50, 250, 400, 350),
            ],
        );
        assert!(tables(&img).is_empty());
    }

    #[test]
    fn rows_with_other_columns_stay_in_one_table() {
        // The second row splits its band in two columns only (a merged cell).
        let mut boxes = vec![
            rect(0, 10, 500, 12),
            rect(0, 100, 500, 102),
            rect(0, 200, 500, 202),
        ];
        for x in [0, 200, 300, 498] {
            boxes.push(rect(x, 10, x + 2, 100));
        }
        for x in [0, 498] {
            boxes.push(rect(x, 100, x + 2, 202));
        }
        let found = tables(&page(520, 260, &boxes));
        assert_eq!(found.len(), 1, "{found:?}");
        let lens: Vec<usize> = found[0].rows.iter().map(Vec::len).collect();
        assert_eq!(lens, vec![3, 1]);
    }

    #[test]
    fn pgm_round_trip_and_bad_input() {
        let img = page(30, 20, &[rect(5, 5, 10, 8)]);
        let r = rect(4, 4, 12, 9);
        let pgm = img.crop_pgm(r, 3);
        let back = Gray::from_pgm(&pgm).unwrap();
        assert_eq!((back.width, back.height), (14, 11));
        assert_eq!(back.ink(rect(0, 0, 14, 11)), 15);
        assert_eq!(back.ink(rect(4, 4, 9, 7)), 15);
        assert!(Gray::from_pgm(b"P5\n30 20\n255\n").is_none());
        assert!(Gray::from_pgm(b"P6\n1 1\n255\n\x00\x00\x00").is_none());
        assert!(Gray::from_pgm(b"").is_none());
        let mut commented = b"P5\n# by hand\n1 1\n255\n".to_vec();
        commented.push(0);
        assert_eq!(Gray::from_pgm(&commented).unwrap().pixels, vec![0]);
    }

    #[test]
    fn a_line_is_the_inked_rows_around_its_middle() {
        // Two lines of ink, rows 10..20 and 23..33, a gap of 3 rows.
        let img = page(50, 40, &[rect(5, 10, 40, 20), rect(5, 23, 40, 33)]);
        assert_eq!(img.ink_rows(0, 50, 15, 30), Some((10, 20)));
        assert_eq!(img.ink_rows(0, 50, 25, 30), Some((23, 33)));
        // At most `reach` rows each way.
        assert_eq!(img.ink_rows(0, 50, 15, 2), Some((13, 18)));
        // No ink in the middle row, or outside the columns asked.
        assert_eq!(img.ink_rows(0, 50, 21, 30), None);
        assert_eq!(img.ink_rows(41, 50, 15, 30), None);
        assert_eq!(img.ink_rows(0, 50, 99, 30), None);
    }

    #[test]
    fn a_scaled_crop_repeats_each_pixel() {
        // Ink at (5..10, 5..8): 5 × 3 pixels.
        let img = page(30, 20, &[rect(5, 5, 10, 8)]);
        let r = rect(4, 4, 12, 9);
        let same = Gray::from_pgm(&img.crop_scaled_pgm(r, 3, 1, 1)).unwrap();
        assert_eq!(
            same.pixels,
            Gray::from_pgm(&img.crop_pgm(r, 3)).unwrap().pixels
        );
        let twice = Gray::from_pgm(&img.crop_scaled_pgm(r, 2, 2, 1)).unwrap();
        assert_eq!((twice.width, twice.height), (20, 14));
        assert_eq!(twice.ink(rect(0, 0, 20, 14)), 60);
        assert_eq!(twice.ink(rect(4, 4, 14, 10)), 60);
        let half_again = Gray::from_pgm(&img.crop_scaled_pgm(r, 0, 3, 2)).unwrap();
        assert_eq!((half_again.width, half_again.height), (12, 7));
    }
}
