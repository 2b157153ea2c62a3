//! Taiwan phrase-level variants: a query word → the same word with a mainland or Taiwan
//! phrase in it swapped for its counterpart (軟件 → 軟體, 網絡安全 → 網路安全, 計畫 → 計劃),
//! searched as extra alternatives of the word at query time, like synonyms.
//!
//! The character folding ([`crate::analysis::fold`]) makes 臺/台 and Traditional/Simplified
//! meet, but not two words: 計畫 folds to 计画 and 計劃 to 计划, 軟件 and 軟體 are other
//! characters. The pairs come from OpenCC's TWPhrases.txt and TSPhrases.txt, filtered by
//! tools/gen_tw_phrases.py into `tw_phrases.txt` (its header cites the source and license;
//! the generator lists the rules that keep wrong merges out, such as 程序, a procedure in
//! Taiwan and a program on the mainland). Both directions: a mainland word finds the Taiwan
//! word, and a Taiwan word finds the mainland word that reports quote.
//!
//! Why at query time and not by folding both words to one form in the index: the words
//! differ in length (互聯網 / 網際網路), so a fold would break the 1:1 character map that
//! snippets and highlights rely on, and the bigram field would need to meet as well. A query
//! alternative is one more phrase query on the words concerned, costs the index nothing, and
//! the snippet marks the form found.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::analyzer::{Folded, is_significant};
use super::synonyms::key;

/// The generated pairs, one `word word` per line after a `#` header.
const PAIRS: &str = include_str!("tw_phrases.txt");

/// A phrase at the start or end of a longer word is swapped only when at least this many
/// characters remain: 軟件產業 → 軟體產業, while 信息 at the end of 通信息 (通信 + 息…)
/// is no word of its own.
const MIN_REST_CHARS: usize = 2;

/// Most alternatives one word gets.
const MAX_VARIANTS: usize = 8;

struct Table {
    /// Folded word → its counterparts as the table writes them.
    partners: HashMap<String, Vec<String>>,
    /// Longest word, in chars.
    longest: usize,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut partners: HashMap<String, Vec<String>> = HashMap::new();
        let mut longest = 0;
        for line in PAIRS.lines().filter(|l| !l.starts_with('#')) {
            let words: Vec<&str> = line.split_whitespace().collect();
            let [a, b] = words.as_slice() else {
                continue;
            };
            for (from, to) in [(a, b), (b, a)] {
                let from = key(from);
                longest = longest.max(from.chars().count());
                let list = partners.entry(from).or_default();
                if !list.iter().any(|w| key(w) == key(to)) {
                    list.push(to.to_string());
                }
            }
        }
        Table { partners, longest }
    })
}

/// The word's Taiwan/mainland variants, none when it holds no listed phrase: the whole
/// word's counterparts, else those of the longest listed phrase it starts with and of the
/// longest it ends with, the rest of the word kept as typed (its letters, digits and
/// ideographs).
pub fn variants(word: &str) -> Vec<String> {
    let table = table();
    let word_key = key(word);
    if let Some(found) = table.partners.get(&word_key) {
        return found.iter().take(MAX_VARIANTS).cloned().collect();
    }
    // The fold is one char to one char: the typed chars line up with the folded ones.
    let folded = Folded::new(word);
    let (chars, typed): (Vec<char>, Vec<char>) = folded
        .chars
        .iter()
        .zip(word.chars())
        .filter(|(f, _)| is_significant(**f))
        .unzip();
    let n = chars.len();
    let mut out: Vec<String> = Vec::new();
    let longest = table.longest.min(n.saturating_sub(MIN_REST_CHARS));
    let piece = |range: &[char]| -> String { range.iter().collect() };
    // Longest prefix, then longest suffix.
    if let Some((len, found)) = (2..=longest)
        .rev()
        .find_map(|len| Some((len, table.partners.get(&piece(&chars[..len]))?)))
    {
        let rest = piece(&typed[len..]);
        out.extend(found.iter().map(|p| format!("{p}{rest}")));
    }
    if let Some((len, found)) = (2..=longest)
        .rev()
        .find_map(|len| Some((len, table.partners.get(&piece(&chars[n - len..]))?)))
    {
        let rest = piece(&typed[..n - len]);
        out.extend(found.iter().map(|p| format!("{rest}{p}")));
    }
    out.dedup();
    out.truncate(MAX_VARIANTS);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The variants, folded (the table writes some in Traditional, some in Simplified).
    fn shown(word: &str) -> Vec<String> {
        variants(word).iter().map(|v| key(v)).collect()
    }

    #[test]
    fn the_table_parses_into_pairs_both_ways() {
        let t = table();
        assert!(t.partners.len() > 1000, "{}", t.partners.len());
        assert!(t.partners.keys().all(|k| k.chars().count() >= 2));
        assert!(t.longest >= 4);
    }

    #[test]
    fn mainland_and_taiwan_words_meet_both_ways() {
        assert_eq!(shown("軟件"), ["软体"]);
        assert_eq!(shown("软体"), ["软件"]);
        assert_eq!(shown("网络"), ["网路"]);
        assert!(shown("網路").contains(&"网络".to_string()));
        assert_eq!(shown("信息"), ["资讯"]);
        assert!(shown("網際網路").contains(&"互联网".to_string()));
        // One word in two scripts: 計畫 is written 计划 on the mainland, and so 計劃.
        assert_eq!(shown("計畫"), ["计划"]);
        assert_eq!(shown("計劃"), ["计画"]);
    }

    #[test]
    fn a_phrase_at_either_end_of_a_longer_word_is_swapped() {
        assert_eq!(shown("軟件產業"), ["软体产业"]);
        assert_eq!(shown("資安計畫"), ["资安计划"]);
        assert_eq!(shown("通信息"), Vec::<String>::new());
    }

    #[test]
    fn taiwan_words_of_their_own_and_one_char_entries_are_not_swapped() {
        // 程序 is a procedure in Taiwan, 項目 an item, 設置 an establishment.
        for word in [
            "程序", "程式", "項目", "專案", "設置", "設定", "文件", "檔案",
        ] {
            assert!(!shown(word).iter().any(|v| {
                [
                    "程序", "程式", "項目", "專案", "設置", "設定", "文件", "檔案",
                ]
                .iter()
                .any(|w| key(w) == *v)
            }));
        }
        assert!(shown("硅").is_empty());
        assert!(shown("臺北市").is_empty());
    }

    #[test]
    fn variants_are_written_as_the_table_and_the_query_write_them() {
        assert_eq!(variants("軟件"), ["軟體"]);
        assert_eq!(variants("計畫"), ["计划"]);
        assert_eq!(variants("軟件產業"), ["軟體產業"]);
        assert_eq!(variants("臺灣網絡"), ["臺灣網路"]);
    }
}
