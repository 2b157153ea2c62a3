//! Doubtful lines read again: Tesseract's TSV output of a run (per word its image, line,
//! box and confidence) → the text lines of each image with their mean confidence; and
//! several readings of one line, each with its confidence → one line, voted character by
//! character.
//!
//! A misread character in running text is rarely misread the same way twice: the same
//! line read from the page, from the line alone, or from the line scaled up comes out with
//! different mistakes (`雙方簽署` read `女方和點`, `雙方和點`, `全方簽署`; docs/ocr.md).
//! Where Tesseract is unsure of a line, the readings are aligned with the surest one and
//! each of its characters is the one most of the readings, weighted by their confidence,
//! put there (ROVER, Fiscus 1997).

use super::grid::Rect;

/// A text line of Tesseract's TSV output.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The image of the run it is in (0-based: the order of the list file).
    pub image: usize,
    /// Its words' box, in the image's pixels. A box may reach into the next line (a
    /// misread word's box often does), so the line's rows are `middle` and `height`.
    pub bounds: Rect,
    /// The median of its words' middle rows.
    pub middle: usize,
    /// The median of its words' heights.
    pub height: usize,
    /// Its words' confidence (0–100), weighted by their characters.
    pub confidence: f32,
}

/// A line's image (from 1), block, paragraph and line numbers in a TSV output.
type LineKey = (usize, usize, usize, usize);
/// A word's box, confidence and characters.
type Word = (Rect, f32, f32);

/// The text lines of a TSV output, in reading order. Lines without a word with text are
/// left out (Tesseract's text output has no line for them either).
pub fn lines(tsv: &str) -> Vec<Line> {
    // Each line's key and words (box, confidence, characters).
    let mut grouped: Vec<(LineKey, Vec<Word>)> = Vec::new();
    for row in tsv.lines() {
        let f: Vec<&str> = row.split('\t').collect();
        // level page block paragraph line word left top width height conf text
        if f.len() < 12 || f[0] != "5" {
            continue;
        }
        let text = f[11].trim();
        let numbers: Option<Vec<usize>> = f[1..10].iter().map(|s| s.parse().ok()).collect();
        let (Some(n), Ok(conf)) = (numbers, f[10].parse::<f32>()) else {
            continue;
        };
        if text.is_empty() || n[0] == 0 {
            continue;
        }
        let key = (n[0], n[1], n[2], n[3]);
        let bounds = Rect {
            x0: n[5],
            y0: n[6],
            x1: n[5] + n[7],
            y1: n[6] + n[8],
        };
        let word = (bounds, conf, text.chars().count() as f32);
        match grouped.last_mut() {
            Some((k, words)) if *k == key => words.push(word),
            _ => grouped.push((key, vec![word])),
        }
    }
    grouped
        .into_iter()
        .map(|(key, words)| {
            let median = |mut v: Vec<usize>| {
                v.sort_unstable();
                v[v.len() / 2]
            };
            let chars: f32 = words.iter().map(|w| w.2).sum();
            Line {
                image: key.0 - 1,
                bounds: Rect {
                    x0: words.iter().map(|w| w.0.x0).min().unwrap_or(0),
                    y0: words.iter().map(|w| w.0.y0).min().unwrap_or(0),
                    x1: words.iter().map(|w| w.0.x1).max().unwrap_or(0),
                    y1: words.iter().map(|w| w.0.y1).max().unwrap_or(0),
                },
                middle: median(words.iter().map(|w| (w.0.y0 + w.0.y1) / 2).collect()),
                height: median(words.iter().map(|w| w.0.y1 - w.0.y0).collect()),
                confidence: words.iter().map(|w| w.1 * w.2).sum::<f32>() / chars,
            }
        })
        .collect()
}

/// The confidence of each of `images` images' reading in a TSV output: the mean of its
/// lines' (a crop of one line is read as one, rarely two), 0 for an image without words.
pub fn image_confidences(tsv: &str, images: usize) -> Vec<f32> {
    let mut sums = vec![(0.0f32, 0.0f32); images];
    for line in lines(tsv) {
        if let Some(s) = sums.get_mut(line.image) {
            s.0 += line.confidence;
            s.1 += 1.0;
        }
    }
    sums.into_iter()
        .map(|(c, n)| if n > 0.0 { c / n } else { 0.0 })
        .collect()
}

/// One line from its `readings` (confidence, text): the surest reading, each character of
/// it replaced by the character (or nothing) the readings weighted by confidence put most
/// at its place. Characters a reading has in excess of the surest are not voted in.
pub fn vote(readings: &[(f32, &str)]) -> String {
    // The first of the surest readings (the page's own reading comes first).
    let Some(&(_, pivot)) =
        readings
            .iter()
            .fold(None, |best: Option<&(f32, &str)>, r| match best {
                Some(b) if b.0 >= r.0 => Some(b),
                _ => Some(r),
            })
    else {
        return String::new();
    };
    let pivot: Vec<char> = pivot.chars().collect();
    let columns: Vec<Vec<Option<char>>> = readings
        .iter()
        .map(|(_, text)| align(&pivot, &text.chars().collect::<Vec<_>>()))
        .collect();
    let mut out = String::new();
    for (k, &own) in pivot.iter().enumerate() {
        let mut scores: Vec<(Option<char>, f32)> = Vec::new();
        for ((conf, _), column) in readings.iter().zip(&columns) {
            let c = column[k];
            // A reading Tesseract gives 0 still counts a little, so ties go by numbers.
            let w = conf.max(1.0);
            match scores.iter_mut().find(|(s, _)| *s == c) {
                Some(s) => s.1 += w,
                None => scores.push((c, w)),
            }
        }
        // The highest score; on a tie the surest reading's own character.
        let best = scores
            .iter()
            .max_by(|a, b| {
                a.1.total_cmp(&b.1)
                    .then((a.0 == Some(own)).cmp(&(b.0 == Some(own))))
            })
            .and_then(|s| s.0);
        out.extend(best);
    }
    out
}

/// For each character of `pivot`, the character of `other` aligned with it by the least
/// edits (`None` where `other` leaves it out).
fn align(pivot: &[char], other: &[char]) -> Vec<Option<char>> {
    let (n, m) = (pivot.len(), other.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let substitute = d[i - 1][j - 1] + usize::from(pivot[i - 1] != other[j - 1]);
            d[i][j] = substitute.min(d[i - 1][j] + 1).min(d[i][j - 1] + 1);
        }
    }
    let mut out = vec![None; n];
    let (mut i, mut j) = (n, m);
    while i > 0 && j > 0 {
        if d[i][j] == d[i - 1][j - 1] + usize::from(pivot[i - 1] != other[j - 1]) {
            out[i - 1] = Some(other[j - 1]);
            i -= 1;
            j -= 1;
        } else if d[i][j] == d[i - 1][j] + 1 {
            i -= 1;
        } else {
            j -= 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n";

    fn word(page: usize, line: usize, left: usize, conf: f32, text: &str) -> String {
        format!("5\t{page}\t1\t1\t{line}\t1\t{left}\t100\t40\t50\t{conf}\t{text}\n")
    }

    #[test]
    fn tsv_words_make_lines_with_boxes_and_weighted_confidence() {
        let tsv = [
            HEADER.to_string(),
            "4\t1\t1\t1\t1\t0\t10\t100\t200\t50\t-1\t\n".to_string(),
            word(1, 1, 10, 90.0, "兩岸"),
            word(1, 1, 60, 30.0, "城"),
            // A word without text is no part of a line.
            word(1, 1, 900, 0.0, " "),
            word(1, 2, 10, 80.0, "交流"),
            word(2, 1, 5, 70.0, "ECFA"),
        ]
        .concat();
        let got = lines(&tsv);
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].image, 0);
        // (90·2 + 30·1) / 3
        assert!((got[0].confidence - 70.0).abs() < 1e-4);
        assert_eq!(
            got[0].bounds,
            Rect {
                x0: 10,
                y0: 100,
                x1: 100,
                y1: 150
            }
        );
        assert_eq!((got[0].middle, got[0].height), (125, 50));
        assert_eq!((got[1].image, got[1].confidence), (0, 80.0));
        assert_eq!((got[2].image, got[2].confidence), (1, 70.0));
        assert_eq!(image_confidences(&tsv, 3), vec![75.0, 70.0, 0.0]);
        assert!(lines("not a tsv\n5\tx\n").is_empty());
    }

    #[test]
    fn readings_vote_character_by_character_weighted_by_confidence() {
        // Three readings of one line, none right; together they are.
        let line = vote(&[
            (59.9, "的政治其蝶，女方和點包括 ECFA"),
            (84.9, "的政治基礎，雙方和點包括 ECFA"),
            (79.5, "和下治基礎，雙方簽署包括 ECFA"),
            (82.7, "的政治其虹，全方簽署包括 ECFA"),
        ]);
        assert_eq!(line, "的政治基礎，雙方簽署包括 ECFA");
    }

    #[test]
    fn a_vote_keeps_the_surest_reading_where_readings_disagree_evenly() {
        // Characters one reading lacks or adds.
        assert_eq!(vote(&[(90.0, "城市交流"), (50.0, "城交流")]), "城市交流");
        assert_eq!(
            vote(&[(90.0, "城市交流"), (50.0, "城市市交流")]),
            "城市交流"
        );
        // Outvoted: two surer readings leave a character out.
        assert_eq!(
            vote(&[(60.0, "城市交流。"), (55.0, "城市交流"), (50.0, "城市交流")]),
            "城市交流"
        );
        // A tie goes to the surest reading.
        assert_eq!(vote(&[(70.0, "甲"), (70.0, "乙")]), "甲");
        assert_eq!(vote(&[(80.0, "甲"), (0.0, "乙"), (0.0, "乙")]), "甲");
        assert_eq!(vote(&[]), "");
    }
}
