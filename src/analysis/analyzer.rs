//! Analysis: original text → search terms with positions and byte offsets.
//!
//! The same steps run when indexing and when querying. First every character is folded
//! one-to-one ([`crate::analysis::fold`]: width, case, compatibility ideographs, Traditional →
//! Simplified, variants), so offsets map back to the original by index. Then the folded text
//! is cut into runs: Han runs go to jieba-rs in search mode (overlapping words), alphanumeric
//! runs become number/word tokens (`3,500` → `3500`, `2016.08.08` also as `2016` `08` `08`,
//! `PM10` also as `pm` `10`), and Chinese numerals also yield their Arabic value
//! (`十二` → `12`). A second analysis emits Han character bigrams so that a word jieba split
//! differently is still found.
//!
//! Positions count *significant* characters only (letters, digits, ideographs), so
//! punctuation and spaces never change a phrase: `兩岸，城市` and `兩岸城市` put the same
//! terms at the same positions. A number takes one position however it is written, its unit
//! included (`235萬元至` and `2,350,000元至` give 2350000 then 元至 at the next position), and
//! a Han char beside a number is also a term of its own (第 and 條 of `依第3條規定`). Token
//! offsets are byte offsets into the original text.

use std::sync::{Arc, OnceLock};

use jieba_rs::Jieba;

use super::numbers::{alnum_terms, is_number_unit, numeral_values};
pub use super::terms::{Term, Terms};
pub use super::tokenizer::{GramTokenizer, TermTokenStream, WordTokenizer};
pub use super::units::{Folded, Unit, UnitKey, is_han, is_significant, significant_text, units};
use super::units::{RunKind, runs};

/// Name under which the word analyzer is registered in tantivy.
pub const WORDS: &str = "baogao_words";
/// Name under which the bigram analyzer is registered in tantivy.
pub const GRAMS: &str = "baogao_grams";

/// Tokens longer than this (in chars) are dropped: they are hashes, base64 or garbage, and
/// tantivy refuses terms beyond 64 KB.
pub(super) const MAX_TOKEN_CHARS: usize = 64;

/// The jieba dictionary, built once per process (it takes ~100 ms).
pub fn jieba() -> Arc<Jieba> {
    static JIEBA: OnceLock<Arc<Jieba>> = OnceLock::new();
    JIEBA.get_or_init(|| Arc::new(Jieba::new())).clone()
}

/// Word terms of `text`: jieba words of Han runs, numbers, Latin words.
pub fn word_terms(jieba: &Jieba, folded: &Folded) -> Vec<Term> {
    let mut out = Terms::default();
    word_terms_into(jieba, folded, &mut out);
    out.to_terms()
}

pub(super) fn word_terms_into(jieba: &Jieba, folded: &Folded, out: &mut Terms) {
    out.clear();
    for run in runs(&folded.chars) {
        match run.kind {
            RunKind::Han => han_words(jieba, folded, run.start, run.end, out),
            RunKind::Alnum => alnum_terms(folded, run.start, run.end, out),
        }
    }
    out.finish();
}

/// Bigram terms of `text`: every pair of adjacent significant Han chars (crossing
/// punctuation), a lone Han char as itself, and alphanumeric runs as in [`word_terms`].
pub fn gram_terms(folded: &Folded) -> Vec<Term> {
    let mut out = Terms::default();
    gram_terms_into(folded, &mut out);
    out.to_terms()
}

pub(super) fn gram_terms_into(folded: &Folded, out: &mut Terms) {
    out.clear();
    let chars = &folded.chars;
    // Han bigrams over the sequence of significant chars, so punctuation does not break them.
    let mut sig = std::mem::take(&mut out.significant);
    sig.clear();
    sig.extend((0..chars.len()).filter(|&i| is_significant(chars[i])));
    for (k, &i) in sig.iter().enumerate() {
        if !is_han(chars[i]) {
            continue;
        }
        // What stands beside the char: another Han char, a number or Latin word (a number's
        // unit, 万 in 235万元, counts as part of the number), or nothing.
        let next = sig.get(k + 1).copied();
        let next_han = next.is_some_and(|j| is_han(chars[j]));
        let prev = k.checked_sub(1).map(|p| sig[p]);
        let prev_han = prev.is_some_and(|p| is_han(chars[p]) && !is_number_unit(chars, p));
        if let Some(j) = next.filter(|_| next_han) {
            out.push_chars(&[chars[i], chars[j]], folded.positions[i], i, j + 1);
        }
        // A char beside a number is also a term of its own, so that 第3條 is found in
        // 依第3條規定 (where 第 and 條 are in bigrams with other chars), and 元 after 235万 as
        // after 2,350,000.
        let beside_alnum = next.is_some() && !next_han || prev.is_some() && !prev_han;
        if !next_han && !prev_han || beside_alnum {
            out.push_chars(&chars[i..=i], folded.positions[i], i, i + 1);
        }
    }
    out.significant = sig;
    for run in runs(&folded.chars) {
        if run.kind == RunKind::Alnum {
            alnum_terms(folded, run.start, run.end, out);
        }
    }
    out.finish();
}

/// Han runs longer than this are segmented in pieces: jieba's memory grows with the input
/// (it once allocated 4 GB on a 200 MB line), and real sentences are far shorter.
const MAX_SEGMENT_CHARS: usize = 256;

fn han_words(jieba: &Jieba, folded: &Folded, start: usize, end: usize, out: &mut Terms) {
    let mut piece = std::mem::take(&mut out.scratch);
    let mut from = start;
    while from < end {
        let to = (from + MAX_SEGMENT_CHARS).min(end);
        piece.clear();
        piece.extend(&folded.chars[from..to]);
        for token in jieba.cut_for_search(&piece, false) {
            let s = from + token.start;
            let e = from + token.end;
            out.push_str(token.word, folded.positions[s], s, e);
        }
        from = to;
    }
    out.scratch = piece;
    numeral_values(folded, start, end, out);
}

/// Terms for one query word: what the word field can match, without loading jieba.
///
/// Han runs are looked up against the index's own term dictionary by the caller; here we
/// only produce the run strings and the alphanumeric terms.
pub fn query_pieces(folded: &Folded) -> (Vec<(usize, usize)>, Vec<Term>) {
    let mut han = Vec::new();
    let mut alnum = Terms::default();
    for run in runs(&folded.chars) {
        match run.kind {
            RunKind::Han => {
                han.push((run.start, run.end));
                numeral_values(folded, run.start, run.end, &mut alnum);
            }
            RunKind::Alnum => alnum_terms(folded, run.start, run.end, &mut alnum),
        }
    }
    alnum.finish();
    (han, alnum.to_terms())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fold::fold_char;

    fn words(text: &str) -> Vec<String> {
        word_terms(&jieba(), &Folded::new(text))
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    fn grams(text: &str) -> Vec<(String, usize)> {
        gram_terms(&Folded::new(text))
            .into_iter()
            .map(|t| (t.text, t.position))
            .collect()
    }

    #[test]
    fn traditional_and_simplified_meet() {
        assert_eq!(words("臺北市"), words("台北市"));
        assert!(words("臺北市").contains(&"台北市".to_string()));
        assert_eq!(words("雙城論壇"), words("双城论坛"));
        assert_eq!(words("姊妹市"), words("姐妹市"));
    }

    #[test]
    fn width_and_case() {
        assert_eq!(words("ＥＣＦＡ"), vec!["ecfa"]);
        assert_eq!(words("ecfa"), words("ECFA"));
        assert_eq!(words("３，５００"), words("3,500"));
    }

    #[test]
    fn numbers() {
        assert_eq!(words("3,500"), vec!["3500"]);
        assert_eq!(words("3500"), vec!["3500"]);
        assert_eq!(words("12.5%"), vec!["12.5"]);
        let date = words("2016.08.08");
        assert!(
            date.contains(&"2016.08.08".to_string()) && date.contains(&"2016".to_string()),
            "{date:?}"
        );
        let pm = words("PM10");
        assert!(
            pm.contains(&"pm10".to_string()) && pm.contains(&"10".to_string()),
            "{pm:?}"
        );
        assert_eq!(words("1,178.9"), vec!["1178.9"]);
    }

    #[test]
    fn chinese_numerals_meet_digits() {
        assert!(words("第十二條").contains(&"12".to_string()));
        assert!(words("一百零五年").contains(&"105".to_string()));
        assert!(words("百分之五").contains(&"5".to_string()));
        assert!(words("3000萬").contains(&"3000".to_string()));
        assert!(words("3,000萬元").contains(&"3000".to_string()));
        assert!(words("35億元").contains(&"3500000000".to_string()));
        assert!(words("三十五億元").contains(&"35".to_string()));
        assert!(words("三十五億元").contains(&"3500000000".to_string()));
        assert!(words("235萬元").contains(&"2350000".to_string()));
        assert!(words("2,350,000元").contains(&"2350000".to_string()));
        assert!(words("一○%").contains(&"10".to_string()));
    }

    #[test]
    fn punctuation_and_spaces_dropped() {
        assert!(
            words("兩岸，城市。 「交流」")
                .iter()
                .all(|w| w.chars().all(char::is_alphanumeric))
        );
        assert_eq!(grams("兩岸，城市"), grams("兩岸城市"));
    }

    #[test]
    fn bigrams_cover_substrings() {
        let g: Vec<String> = grams("待處理").into_iter().map(|(t, _)| t).collect();
        assert_eq!(g, vec!["待处", "处理"]);
        assert_eq!(grams("市"), vec![("市".to_string(), 0)]);
    }

    #[test]
    fn offsets_point_into_original() {
        let text = "臺北 ＥＣＦＡ 協議";
        let folded = Folded::new(text);
        for t in word_terms(&jieba(), &folded) {
            let s = folded.byte_offsets[t.char_start];
            let e = folded.byte_offsets[t.char_end];
            let original = &text[s..e];
            let refolded: String = original.chars().map(fold_char).collect();
            assert_eq!(refolded, t.text);
        }
    }

    #[test]
    fn positions_are_sorted() {
        let terms = word_terms(
            &jieba(),
            &Folded::new("中華人民共和國成立於一九四九年，3,500人"),
        );
        assert!(terms.windows(2).all(|w| w[0].position <= w[1].position));
    }

    /// Every term, position and char range of a text of all kinds (the index depends on
    /// them). A number value takes one position however it is written (2.5, 1,178.9); the
    /// numbers of a date keep one each (2016.08.08).
    #[test]
    fn analysis_unchanged() {
        let show = |terms: Vec<Term>| -> String {
            let shown: Vec<String> = terms
                .iter()
                .map(|t| format!("{}@{}:{}-{}", t.text, t.position, t.char_start, t.char_end))
                .collect();
            shown.join(" ")
        };
        let folded = Folded::new("ＰＭ２．５懸浮微粒 2016.08.08，1,178.9 三十五億元 一○% x-1");
        assert_eq!(
            show(word_terms(&jieba(), &folded)),
            "pm@0:0-2 pm2.5@0:0-5 2@2:2-3 5@2:4-5 悬浮@3:5-7 微粒@5:7-9 2016@7:10-14 \
             2016.08.08@7:10-20 08@8:15-17 08@9:18-20 1178.9@10:21-28 三十@12:29-31 \
             35@12:29-32 三十五@12:29-32 3500000000@12:29-33 十五@13:30-32 亿元@15:32-34 \
             一@17:35-36 10@17:35-37 〇@18:36-37 x@19:39-40 1@20:41-42"
        );
        assert_eq!(
            show(gram_terms(&folded)),
            "pm@0:0-2 pm2.5@0:0-5 2@2:2-3 5@2:4-5 悬@3:5-6 悬浮@3:5-7 浮微@4:6-8 微粒@5:7-9 \
             粒@6:8-9 2016@7:10-14 2016.08.08@7:10-20 08@8:15-17 08@9:18-20 1178.9@10:21-28 \
             三@12:29-30 三十@12:29-31 十五@13:30-32 五亿@14:31-33 亿元@15:32-34 \
             元一@16:33-36 一〇@17:35-37 〇@18:36-37 x@19:39-40 1@20:41-42"
        );
        // 235万 stands for 2350000 (the scaled value spans the unit); 元 after the unit is a
        // term of its own, at the position after the number, as after 2,350,000.
        assert_eq!(
            show(gram_terms(&Folded::new("235萬元至"))),
            "235@0:0-3 2350000@0:0-4 万@0:3-4 万元@0:3-5 元@1:4-5 元至@1:4-6"
        );
        assert_eq!(
            show(gram_terms(&Folded::new("2,350,000元至"))),
            "2350000@0:0-9 元@1:9-10 元至@1:9-11"
        );
    }

    #[test]
    fn alphanumeric_runs() {
        assert_eq!(words("abc123def"), vec!["abc", "abc123def", "123", "def"]);
        assert_eq!(words("3000萬"), vec!["3000", "30000000", "万"]);
        assert_eq!(words("12.5萬"), vec!["12.5", "125000", "万"]);
        assert_eq!(words("x-1"), vec!["x", "1"]);
        assert_eq!(words("1-2"), vec!["1", "1-2", "2"]);
        assert_eq!(words("Ⅻ"), vec!["ⅻ"]);
        let g = grams("第3,500萬");
        assert_eq!(
            g,
            vec![
                ("第".to_string(), 0),
                ("3500".to_string(), 1),
                ("35000000".to_string(), 1),
                ("万".to_string(), 1)
            ]
        );
    }
}
