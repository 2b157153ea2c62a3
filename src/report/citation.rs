//! Citations: a passage and its report's organisation → the line staff paste into a memo:
//! `「quote」（organisation，《title》，date，頁 N）`.

use crate::report::passage::Passage;

/// Longest quote, in characters; a longer passage is quoted up to a sentence end within it,
/// or cut there, followed by `…`.
const MAX_QUOTE_CHARS: usize = 120;

/// The citation of `p`: its text (table cells separated by spaces) in 「」, then the
/// organisation, the report title in 《》, the date and the page, each when known.
pub fn citation(p: &Passage, organisation: Option<&str>) -> String {
    let text: String = p
        .text
        .split(['\t', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("　");
    let quote = quote_of(&text);
    let mut source: Vec<String> = Vec::new();
    if let Some(org) = organisation.filter(|o| !o.trim().is_empty()) {
        source.push(org.to_string());
    }
    if !p.title.trim().is_empty() {
        source.push(format!("《{}》", p.title));
    }
    if let Some(date) = &p.date {
        source.push(date.clone());
    }
    if let Some(page) = p.page {
        source.push(format!("頁 {page}"));
    }
    if source.is_empty() {
        format!("「{quote}」")
    } else {
        format!("「{quote}」（{}）", source.join("，"))
    }
}

fn quote_of(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= MAX_QUOTE_CHARS {
        return text.to_string();
    }
    let window = &chars[..MAX_QUOTE_CHARS];
    // End at the last sentence end inside the limit, when it keeps most of it.
    let end = window
        .iter()
        .rposition(|c| matches!(c, '。' | '；' | '！' | '？'))
        .filter(|&i| i >= MAX_QUOTE_CHARS / 2)
        .map_or(MAX_QUOTE_CHARS, |i| i + 1);
    let mut quote: String = chars[..end].iter().collect();
    quote.push('…');
    quote
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passage(text: &str, page: Option<u32>) -> Passage {
        Passage {
            id: "r#p000000".into(),
            report: "r".into(),
            title: "兩岸城市交流之機遇與風險評估".into(),
            date: Some("2017-12-25".into()),
            kind: crate::report::parse::Kind::Paragraph,
            section: Vec::new(),
            text: text.into(),
            table: None,
            headers: Vec::new(),
            cells: Vec::new(),
            table_note: None,
            lead: None,
            seq: 0,
            file: None,
            page,
            ocr: false,
        }
    }

    #[test]
    fn a_citation_names_source_date_and_page() {
        assert_eq!(
            citation(&passage("雙城論壇持續舉辦。", Some(12)), Some("臺北市政府")),
            "「雙城論壇持續舉辦。」（臺北市政府，《兩岸城市交流之機遇與風險評估》，2017-12-25，頁 12）"
        );
        assert_eq!(
            citation(&passage("美洲\t美國\t波士頓市", None), None),
            "「美洲　美國　波士頓市」（《兩岸城市交流之機遇與風險評估》，2017-12-25）"
        );
    }

    #[test]
    fn long_passages_are_quoted_to_a_sentence_end() {
        let text = format!("{}。{}", "甲".repeat(80), "乙".repeat(100));
        let cited = citation(&passage(&text, None), None);
        assert!(
            cited.starts_with(&format!("「{}。…」", "甲".repeat(80))),
            "{cited}"
        );
    }
}
