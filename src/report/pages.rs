//! Pages: passages and the page texts of their report (PDF) → each passage's first page.
//!
//! The parser works on the text of the whole document (paragraphs re-joined across page
//! breaks, headers and footers removed), so a passage does not know its page. It is found
//! again in the pages: the passage's first letters, digits and ideographs (spaces, TABs and
//! punctuation aside, as pdftotext lays cells out with spaces) are looked for in the pages'
//! own, from where the previous passage was found, since passages come in document order.

use crate::report::passage::Passage;

/// Letters, digits and ideographs looked for: enough to tell one passage from another.
const PROBE_CHARS: usize = 12;
/// Letters, digits and ideographs of one cell looked for when the row's text is not found.
const CELL_PROBE_CHARS: usize = 6;
/// How many pages after the previous passage's a passage may be found: figures and blank
/// pages come between passages, but not many.
const MAX_PAGES_AHEAD: u32 = 3;

/// Sets `page` (1-based) on every passage, and `ocr` on those whose page is in `ocr_pages`:
/// a passage not found in `pages` gets the page of the passage before it.
pub fn place_on_pages(passages: &mut [Passage], pages: &[String], ocr_pages: &[u32]) {
    if pages.is_empty() {
        return;
    }
    // Every page's significant chars, concatenated, with where each page starts.
    let mut text: Vec<char> = Vec::new();
    let mut starts: Vec<usize> = Vec::with_capacity(pages.len());
    for page in pages {
        starts.push(text.len());
        text.extend(page.chars().filter(|c| c.is_alphanumeric()));
    }
    let page_at = |at: usize| starts.partition_point(|&s| s <= at) as u32;
    let mut cursor = 0;
    for passage in passages.iter_mut() {
        let significant: Vec<char> = passage
            .text
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect();
        if significant.is_empty() {
            continue;
        }
        let head = &significant[..significant.len().min(PROBE_CHARS)];
        let tail = &significant[significant.len().saturating_sub(PROBE_CHARS)..];
        // A table row's first cells may be filled down from the row above: its last ones are
        // its own.
        // Passages come in document order: each is looked for after the one before, and a
        // match many pages on is another passage with the same beginning.
        let near = |at: &usize| page_at(*at) <= page_at(cursor) + MAX_PAGES_AHEAD;
        let found = find(&text, head, cursor)
            .filter(near)
            .or_else(|| find(&text, tail, cursor).filter(near))
            .or_else(|| find_a_cell(&text, &passage.cells, cursor).filter(near));
        // Not found (a row whose wrapped cells pdftotext interleaved with its neighbours', a
        // misread OCR line): it comes after the passage before it, so on that page or the
        // next; the page of the passage before is the closest claim the text supports.
        let at = found.unwrap_or(cursor);
        let page = page_at(at);
        passage.page = Some(page);
        passage.ocr = ocr_pages.contains(&page);
        cursor = at;
    }
}

/// Where the first cell of a table row that is long enough to tell is found from `from`:
/// a row's cells are laid out side by side, their lines interleaved, so the row's text as a
/// whole may not be in the page's order, but a cell's first line is.
fn find_a_cell(haystack: &[char], cells: &[String], from: usize) -> Option<usize> {
    cells.iter().find_map(|cell| {
        let significant: Vec<char> = cell.chars().filter(|c| c.is_alphanumeric()).collect();
        if significant.len() < CELL_PROBE_CHARS {
            return None;
        }
        find(haystack, &significant[..CELL_PROBE_CHARS], from)
    })
}

fn find(haystack: &[char], needle: &[char], from: usize) -> Option<usize> {
    if needle.is_empty() || from >= haystack.len() {
        return None;
    }
    haystack[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| from + i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::parse::parse;
    use crate::report::passage::passages;

    #[test]
    fn passages_get_the_first_page_they_appear_on() {
        let pages = [
            "報告標題\n\n本報告旨在探討兩岸交流，在第一頁開始，\n".to_string(),
            "接著在第二頁結束。\n\n城市交流的成果只在第二頁。\n".to_string(),
            "研究建議   在   第三頁。\n".to_string(),
        ];
        let text = "報告標題\n\n本報告旨在探討兩岸交流，在第一頁開始，接著在第二頁結束。\n\n城市交流的成果只在第二頁。\n\n研究建議在第三頁。\n";
        let mut list = passages("r", &parse(text));
        place_on_pages(&mut list, &pages, &[]);
        let page_of = |start: &str| {
            list.iter()
                .find(|p| p.text.starts_with(start))
                .and_then(|p| p.page)
        };
        assert_eq!(page_of("本報告"), Some(1), "{list:?}");
        assert_eq!(page_of("城市交流"), Some(2));
        assert_eq!(page_of("研究建議"), Some(3));
    }

    #[test]
    fn no_pages_no_page_numbers() {
        let mut list = passages("r", &parse("標題\n\n一段文字。\n"));
        place_on_pages(&mut list, &[], &[]);
        assert!(list.iter().all(|p| p.page.is_none()));
    }
}
