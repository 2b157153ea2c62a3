//! Property tests of every decoder and the query parser (issue 22): arbitrary and mutated
//! input never panics, output stays bounded, and the stated limits hold. Case counts keep
//! the whole file to a few seconds in a debug build; `PROPTEST_CASES=100000 cargo test
//! --test decoders_fuzz` runs a longer campaign.

use std::io::{Cursor, Write};

use baogao::ingest::decode::decode;
use baogao::ingest::formats::{docx, html, pdf};
use baogao::search::query::{MAX_QUERY_WORD_CHARS, MAX_QUERY_WORDS, QueryCut, parse_query_cuts};
use proptest::prelude::*;

/// A DOCX holding `document_xml`.
fn docx_with(document_xml: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("word/document.xml", options).unwrap();
    zip.write_all(document_xml).unwrap();
    zip.finish().unwrap().into_inner()
}

/// WordprocessingML-like markup: the elements the DOCX reader acts on, nested at random.
fn docx_markup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<w:p>"),
        Just("</w:p>"),
        Just("<w:r>"),
        Just("</w:r>"),
        Just("<w:t>"),
        Just("</w:t>"),
        Just("<w:tab/>"),
        Just("<w:br/>"),
        Just("<w:tbl>"),
        Just("</w:tbl>"),
        Just("<w:tr>"),
        Just("</w:tr>"),
        Just("<w:tc>"),
        Just("</w:tc>"),
        Just("<w:gridSpan w:val=\"99999\"/>"),
        Just("<w:vMerge w:val=\"restart\"/>"),
        Just("<w:vMerge/>"),
        Just("<mc:Fallback>"),
        Just("</mc:Fallback>"),
        Just("&amp;&#x1F600;&bogus;"),
        Just("交流"),
        Just("報告。"),
    ];
    proptest::collection::vec(piece, 0..200).prop_map(|p| p.concat())
}

/// HTML-like markup: blocks, tables with spans, dropped and raw-text elements.
fn html_markup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<div>"),
        Just("</div>"),
        Just("<p>"),
        Just("<table>"),
        Just("</table>"),
        Just("<tr>"),
        Just("<td colspan=5 rowspan=0>"),
        Just("</td>"),
        Just("<script>"),
        Just("</script>"),
        Just("<!--"),
        Just("-->"),
        Just("<pre>"),
        Just("</pre>"),
        Just("<nav class=menu>"),
        Just("<br>"),
        Just("<span a=\">\">"),
        Just("<"),
        Just(">"),
        Just("\""),
        Just("交流"),
        Just("報告。\n"),
    ];
    proptest::collection::vec(piece, 0..300).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn text_decode_is_total_and_bounded(bytes in proptest::collection::vec(any::<u8>(), 0..4000)) {
        if let Ok(d) = decode(&bytes, None) {
            // Each byte decodes to at most one character of at most three UTF-8 bytes.
            prop_assert!(d.text.len() <= bytes.len() * 3);
            prop_assert_eq!(d.replacements, d.text.matches('\u{fffd}').count());
        }
    }

    #[test]
    fn valid_utf8_decodes_to_itself(text in "[a-z交流報告，。 \n]{0,50}[交流報告]{1,50}") {
        let d = decode(text.as_bytes(), None).unwrap();
        prop_assert_eq!(d.text, text);
        prop_assert_eq!(d.replacements, 0);
    }

    #[test]
    fn utf8_with_one_bad_byte_is_read_as_utf8(
        text in "[交流報告城市論壇，。\n]{100,300}",
        at in any::<prop::sample::Index>(),
        bad in prop::sample::select(vec![0xFFu8, 0xFE, 0x80, 0xBF, 0xC0, 0xC1, 0xF5]),
    ) {
        let mut bytes = text.into_bytes();
        let at = at.index(bytes.len());
        bytes[at] = bad;
        if std::str::from_utf8(&bytes).is_ok() {
            // A continuation byte put for another is a different character, not damage.
            bytes[at] = 0xFF;
        }
        let d = decode(&bytes, None).unwrap();
        prop_assert_eq!(d.encoding, "utf-8");
        prop_assert!((1..=3).contains(&d.replacements), "{}", d.replacements);
    }

    #[test]
    fn docx_of_arbitrary_bytes_never_panics(tail in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let mut bytes = b"PK\x03\x04".to_vec();
        bytes.extend(tail);
        let _ = docx::extract(&bytes);
    }

    #[test]
    fn mutated_docx_never_panics(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        let mut bytes = docx_with("<w:document><w:body><w:p><w:r><w:t>兩岸城市交流</w:t></w:r></w:p></w:body></w:document>".as_bytes());
        for (at, byte) in flips {
            let at = at.index(bytes.len());
            bytes[at] = byte;
        }
        let _ = docx::extract(&bytes);
    }

    #[test]
    fn docx_text_is_bounded_by_its_xml(markup in docx_markup()) {
        let xml = format!("<w:document><w:body>{markup}</w:body></w:document>");
        if let Ok(e) = docx::extract(&docx_with(xml.as_bytes())) {
            // A cell adds at most its span (64) of TABs; text never outgrows the markup more.
            prop_assert!(e.text.len() <= xml.len() * 64, "{} from {}", e.text.len(), xml.len());
        }
    }

    #[test]
    fn html_text_is_bounded_by_its_markup(markup in html_markup()) {
        if let Ok(e) = html::extract(markup.as_bytes(), None) {
            // colspan adds at most 1000 cells per cell; nothing else grows the text.
            prop_assert!(e.text.len() <= markup.len() * 1000 + 16);
            prop_assert_eq!(e.replacements, e.text.matches('\u{fffd}').count());
        }
    }

    #[test]
    fn html_of_arbitrary_text_never_panics(page in "\\PC{0,400}") {
        let _ = html::extract(page.as_bytes(), None);
    }

    #[test]
    fn pdf_layout_text_is_bounded(raw in "([ 交流報告a-z0-9。．\t]{0,60}\n|\u{c}){0,80}") {
        let text = pdf::layout_to_text(&raw);
        // Re-joining lines and columns never adds more than a separator per input character.
        prop_assert!(text.len() <= raw.len() * 2 + 16, "{} from {}", text.len(), raw.len());
    }

    #[test]
    fn query_parse_stays_within_its_limits(query in "\\PC{0,600}") {
        let (words, cuts) = parse_query_cuts(&query);
        prop_assert!(words.len() <= MAX_QUERY_WORDS);
        for w in &words {
            prop_assert!(w.text.chars().count() <= MAX_QUERY_WORD_CHARS);
        }
        for cut in &cuts {
            prop_assert!(!cut.to_string().contains('\n'));
        }
    }

    #[test]
    fn query_words_are_searched_or_reported(
        tokens in proptest::collection::vec("[a-z交流報告]{1,80}", 0..60),
    ) {
        let (words, cuts) = parse_query_cuts(&tokens.join(" "));
        let mut seen: Vec<String> = words.iter().map(|w| w.text.clone()).collect();
        for cut in cuts {
            match cut {
                QueryCut::TooManyWords { dropped } => seen.extend(dropped),
                QueryCut::WordTooLong { word, kept } => {
                    let i = seen.iter().position(|s| *s == kept).unwrap();
                    seen[i] = word;
                }
            }
        }
        prop_assert_eq!(seen, tokens);
    }
}
