//! Page furniture: the lines of each page → the same lines with running headers, footers
//! and page numbers at the page edges blanked.

/// How many non-blank lines at each page edge may be headers, footers or page numbers.
const EDGE_LINES: usize = 2;

pub(super) fn indent(line: &str) -> usize {
    line.chars().take_while(|c| *c == ' ').count()
}

/// A header/footer key: the line without whitespace, digits replaced by `#`.
fn furniture_key(line: &str) -> String {
    line.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c.is_numeric() { '#' } else { c })
        .collect()
}

/// `3`, `- 3 -`, `— 3 —`, `第 3 頁`, `第3頁，共10頁`, `3 / 10`, `Page 3 of 10`, `iv`.
fn is_page_number(line: &str) -> bool {
    let t: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    let t = t.trim_matches(['-', '－', '–', '—', '(', ')', '（', '）', '[', ']']);
    if t.is_empty() {
        return false;
    }
    let digits = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
    };
    let chinese =
        |s: &str| !s.is_empty() && s.chars().all(|c| "〇零一二三四五六七八九十百".contains(c));
    if digits(t) && t.chars().count() <= 3 {
        return true;
    }
    if t.len() <= 8 && t.chars().all(|c| "ivxlcIVXLC".contains(c)) {
        return true;
    }
    let lower = t.to_lowercase();
    if let Some(rest) = lower.strip_prefix("page") {
        let mut parts = rest.splitn(2, "of");
        return parts.next().is_some_and(digits) && parts.next().is_none_or(digits);
    }
    if let Some((a, b)) = t.split_once(['/', '／']) {
        return digits(a) && digits(b);
    }
    if let Some(rest) = t.strip_prefix('第') {
        let (n, tail) = match rest.split_once(['頁', '页']) {
            Some(x) => x,
            None => return false,
        };
        let tail = tail.trim_start_matches(['，', ',', '、']);
        let tail_ok = tail.is_empty()
            || tail
                .strip_prefix('共')
                .and_then(|r| r.strip_suffix(['頁', '页']))
                .is_some_and(|m| digits(m) || chinese(m));
        return (digits(n) || chinese(n)) && tail_ok;
    }
    false
}

/// Indices of the non-blank lines at the top and at the bottom of a page.
fn edges(page: &[&str]) -> (Vec<usize>, Vec<usize>) {
    let non_blank: Vec<usize> = (0..page.len())
        .filter(|&i| !page[i].trim().is_empty())
        .collect();
    let top: Vec<usize> = non_blank.iter().copied().take(EDGE_LINES).collect();
    let bottom: Vec<usize> = non_blank
        .iter()
        .rev()
        .copied()
        .take(EDGE_LINES)
        .filter(|i| !top.contains(i))
        .collect();
    (top, bottom)
}

/// Blanks page numbers and running headers/footers at page edges.
pub(super) fn remove_furniture(pages: &mut [Vec<&str>]) {
    use std::collections::HashMap;
    let n = pages.len();
    // key → (pages it is on, indents of its occurrences on pages after the first)
    let mut seen: HashMap<String, (usize, Vec<usize>, Vec<usize>)> = HashMap::new();
    for (p, page) in pages.iter().enumerate() {
        let (top, bottom) = edges(page);
        let mut keys_here: Vec<String> = Vec::new();
        for i in top.into_iter().chain(bottom) {
            let key = furniture_key(page[i]);
            let entry = seen.entry(key.clone()).or_default();
            if !keys_here.contains(&key) {
                entry.0 += 1;
                keys_here.push(key);
            }
            if p > 0 {
                entry.1.push(indent(page[i]));
            } else {
                entry.2.push(indent(page[i]));
            }
        }
    }
    let usual_indent = |indents: &[usize]| {
        let mut counts: HashMap<usize, usize> = HashMap::new();
        for &i in indents {
            *counts.entry(i).or_default() += 1;
        }
        counts
            .into_iter()
            .max_by_key(|&(i, c)| (c, std::cmp::Reverse(i)))
            .map(|(i, _)| i)
    };
    for (p, page) in pages.iter_mut().enumerate() {
        let (top, bottom) = edges(page);
        for edge in [top, bottom] {
            let mut removed: Vec<String> = Vec::new();
            for (rank, i) in edge.into_iter().enumerate() {
                let line = page[i];
                if is_page_number(line) {
                    page[i] = "";
                    continue;
                }
                let key = furniture_key(line);
                let Some((count, later, first)) = seen.get(&key) else {
                    continue;
                };
                let frequent = n >= 2 && *count >= 2 && count * 2 >= n;
                let usual = usual_indent(if later.is_empty() { first } else { later });
                // `pdftotext -layout` scales columns per page, so a running header's
                // indentation varies from page to page: the outermost line of a page after
                // the first needs no alignment (the first page may hold the title itself).
                let aligned =
                    (p > 0 && rank == 0) || usual.is_some_and(|u| indent(line).abs_diff(u) <= 2);
                if frequent && aligned && !removed.contains(&key) {
                    page[i] = "";
                    removed.push(key);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers() {
        for yes in [
            "3",
            " - 3 -",
            "-12-",
            "第 3 頁",
            "第3頁，共10頁",
            "3 / 10",
            "Page 3 of 9",
            "iv",
            "（5）",
        ] {
            assert!(is_page_number(yes), "{yes}");
        }
        for no in ["2017", "3.5", "第三章", "表一", "12345", "壹、研究背景"] {
            assert!(!is_page_number(no), "{no}");
        }
    }
}
