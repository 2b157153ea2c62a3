//! Synonyms: groups of words that name the same thing → the other members of a query word's
//! groups, searched as extra alternatives of that word at query time.
//!
//! Two sources: the built-in table of Taiwan government agencies and their short forms
//! (`agencies.txt`, which cites the lists it was compiled from: 北市府 = 臺北市政府, 衛福部 =
//! 衛生福利部 …), and the corpus's own `synonyms.txt`, read at each search. Both hold one
//! group per line, words separated by spaces, commas, `、` or `=`; `#` starts a comment.
//! Words are compared after folding (臺/台, Traditional/Simplified, width), so one spelling
//! per word is enough. Indexing is untouched: the analyzer is the same at index and query
//! time, and a synonym is just one more whole word a query word may be held as.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use crate::analysis::analyzer::significant_text;

/// The user's synonyms file, at the top of the corpus folder (not a report).
pub const FILE_NAME: &str = "synonyms.txt";

/// The built-in agency table.
const AGENCIES: &str = include_str!("agencies.txt");

/// Groups of words, each word findable by its folded form.
#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    groups: Vec<Vec<String>>,
    /// Folded word → the groups holding it.
    by_key: HashMap<String, Vec<usize>>,
}

/// A line of a synonyms file that is no group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    /// 1-based.
    pub line: usize,
    pub cause: &'static str,
}

impl fmt::Display for BadLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.cause)
    }
}

impl std::error::Error for BadLine {}

/// A word's key: its folded letters, digits and ideographs.
pub fn key(word: &str) -> String {
    significant_text(word)
}

impl Synonyms {
    /// The built-in agency table (parsed once per process, on first use).
    pub fn builtin() -> &'static Synonyms {
        static TABLE: OnceLock<Synonyms> = OnceLock::new();
        TABLE.get_or_init(|| Synonyms::parse(AGENCIES).unwrap_or_default())
    }

    /// Groups from the text of a synonyms file; the first line that is no group of at least
    /// two words is refused.
    pub fn parse(text: &str) -> Result<Synonyms, BadLine> {
        let mut synonyms = Synonyms::default();
        for (i, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("");
            let words: Vec<&str> = line
                .split(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | '、' | '=' | '＝'))
                .filter(|w| !w.is_empty())
                .collect();
            match words.len() {
                0 => continue,
                1 => {
                    return Err(BadLine {
                        line: i + 1,
                        cause: "a group needs at least two words",
                    });
                }
                _ => {}
            }
            if words.iter().any(|w| key(w).is_empty()) {
                return Err(BadLine {
                    line: i + 1,
                    cause: "a word without letters, digits or ideographs",
                });
            }
            synonyms.add(words.iter().map(|w| w.to_string()).collect());
        }
        Ok(synonyms)
    }

    fn add(&mut self, group: Vec<String>) {
        let n = self.groups.len();
        for word in &group {
            let groups = self.by_key.entry(key(word)).or_default();
            if !groups.contains(&n) {
                groups.push(n);
            }
        }
        self.groups.push(group);
    }

    /// These groups and `other`'s.
    pub fn merged(&self, other: &Synonyms) -> Synonyms {
        let mut out = self.clone();
        for group in &other.groups {
            out.add(group.clone());
        }
        out
    }

    /// The other words of every group holding `word` (compared folded), in the order the
    /// groups list them, each once; none for a word of no group.
    pub fn alternatives(&self, word: &str) -> Vec<String> {
        let word_key = key(word);
        let Some(groups) = self.by_key.get(&word_key) else {
            return Vec::new();
        };
        let mut seen = vec![word_key];
        let mut out = Vec::new();
        for &g in groups {
            for member in &self.groups[g] {
                let k = key(member);
                if !seen.contains(&k) {
                    seen.push(k);
                    out.push(member.clone());
                }
            }
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_agency_table_parses_and_maps_short_forms_both_ways() {
        assert!(Synonyms::parse(AGENCIES).is_ok());
        let table = Synonyms::builtin();
        assert_eq!(table.alternatives("北市府"), ["臺北市政府", "臺北市府"]);
        assert!(
            table
                .alternatives("衛生福利部")
                .contains(&"衛福部".to_string())
        );
        assert!(
            table
                .alternatives("陸委會")
                .contains(&"大陸委員會".to_string())
        );
        assert!(
            table
                .alternatives("环保署")
                .contains(&"環境保護署".to_string())
        );
        // Folded: 台 and 臺 are one word.
        assert!(
            table
                .alternatives("台北市政府")
                .contains(&"北市府".to_string())
        );
        // A short form of two agencies over time finds both.
        let nsc = table.alternatives("國科會");
        assert!(nsc.contains(&"國家科學及技術委員會".to_string()));
        assert!(nsc.contains(&"國家科學委員會".to_string()));
        assert!(table.alternatives("雙城論壇").is_empty());
    }

    #[test]
    fn user_files_take_several_separators_and_comments() {
        let s = Synonyms::parse(
            "# 同義詞\n雙城論壇, 上海台北城市論壇\n\nECFA、兩岸經濟合作架構協議 # 協議\n",
        )
        .unwrap();
        assert_eq!(s.alternatives("双城论坛"), ["上海台北城市論壇"]);
        assert_eq!(s.alternatives("ecfa"), ["兩岸經濟合作架構協議"]);
        let merged = Synonyms::builtin().merged(&s);
        assert!(!merged.alternatives("北市府").is_empty());
        assert!(!merged.alternatives("ECFA").is_empty());
    }

    #[test]
    fn a_line_of_one_word_is_refused_with_its_number() {
        let e = Synonyms::parse("甲 乙\n丙\n").unwrap_err();
        assert_eq!(
            e,
            BadLine {
                line: 2,
                cause: "a group needs at least two words"
            }
        );
        assert_eq!(e.to_string(), "line 2: a group needs at least two words");
        assert!(Synonyms::parse("甲 ！！\n").is_err());
    }
}
