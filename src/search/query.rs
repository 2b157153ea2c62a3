//! Query syntax: the text a user typed → query words.
//!
//! Words are separated by whitespace. A phrase in quotes must match: `"…"`, `“…”`, `＂…＂`
//! and the quotes a Chinese input method types, `「…」` and `『…』`. A leading `-` or `－`
//! (full-width) excludes the word or phrase. Unbalanced quotes run to the end.
//!
//! A query holds at most [`MAX_QUERY_WORDS`] words of at most [`MAX_QUERY_WORD_CHARS`]
//! characters; what lies beyond is not searched, and [`parse_query_cuts`] says what (a
//! [`QueryCut`]) so that the command line and the web API can tell the user.

/// Query words beyond this are ignored (a pasted page is not a query).
pub const MAX_QUERY_WORDS: usize = 32;
/// Characters of one query word beyond this are ignored.
pub const MAX_QUERY_WORD_CHARS: usize = 64;

/// One parsed query word.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryWord {
    pub text: String,
    /// A quoted phrase: every hit holds it.
    pub required: bool,
    /// `-word`: no hit holds it.
    pub excluded: bool,
}

/// The closing quote of an opening one.
fn closing_quote(open: char) -> Option<char> {
    match open {
        '"' => Some('"'),
        '“' => Some('”'),
        '＂' => Some('＂'),
        '「' => Some('」'),
        '『' => Some('』'),
        _ => None,
    }
}

/// Dropped words a [`QueryCut`] message names (a pasted page would fill the screen).
const SHOWN_DROPPED: usize = 8;

/// What the limits left out of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryCut {
    /// The words (phrases and exclusions included) after the [`MAX_QUERY_WORDS`]th.
    TooManyWords { dropped: Vec<String> },
    /// A word longer than [`MAX_QUERY_WORD_CHARS`] characters, and the part searched.
    WordTooLong { word: String, kept: String },
}

impl std::fmt::Display for QueryCut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            QueryCut::TooManyWords { dropped } => {
                let n = MAX_QUERY_WORDS + 1;
                let mut list = one_line(&dropped[..dropped.len().min(SHOWN_DROPPED)].join(" "));
                if dropped.len() > SHOWN_DROPPED {
                    list.push_str(&format!(" …{}", dropped.len()));
                }
                write!(
                    f,
                    "查詢字詞過多：第{n}個起未搜尋（{list}） too many words: from word {n} on not searched ({list})"
                )
            }
            QueryCut::WordTooLong { word, kept } => {
                let (word, kept) = (one_line(word), one_line(kept));
                write!(
                    f,
                    "字詞過長：只搜尋前{MAX_QUERY_WORD_CHARS}字「{kept}」（{word}） word too long: only its first {MAX_QUERY_WORD_CHARS} characters searched"
                )
            }
        }
    }
}

/// A phrase as one line: its whitespace runs (line breaks included) as one space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Splits a query into words (see the module documentation).
pub fn parse_query(query: &str) -> Vec<QueryWord> {
    parse_query_cuts(query).0
}

/// Splits a query into words, and says what the limits left out.
pub fn parse_query_cuts(query: &str) -> (Vec<QueryWord>, Vec<QueryCut>) {
    let mut words = Vec::new();
    let mut cuts = Vec::new();
    let mut dropped = Vec::new();
    let mut chars = query.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut excluded = false;
        if matches!(c, '-' | '－') {
            chars.next();
            excluded = true;
        }
        let close = chars.peek().copied().and_then(closing_quote);
        let mut text = String::new();
        if let Some(close) = close {
            chars.next();
            for c in chars.by_ref() {
                // `"` also closes `“`: people mix the two.
                if c == close || (close == '”' && c == '"') {
                    break;
                }
                text.push(c);
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                text.push(c);
                chars.next();
            }
        }
        if text.chars().any(|c| c.is_alphanumeric()) {
            if words.len() >= MAX_QUERY_WORDS {
                dropped.push(text);
                continue;
            }
            let kept: String = text.chars().take(MAX_QUERY_WORD_CHARS).collect();
            if kept.len() < text.len() {
                cuts.push(QueryCut::WordTooLong {
                    word: text,
                    kept: kept.clone(),
                });
            }
            words.push(QueryWord {
                text: kept,
                required: close.is_some() && !excluded,
                excluded,
            });
        }
    }
    if !dropped.is_empty() {
        cuts.push(QueryCut::TooManyWords { dropped });
    }
    (words, cuts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_syntax() {
        let w = parse_query(r#"雙城論壇 "交流 成果" -上海 ecfa"#);
        assert_eq!(w.len(), 4);
        assert_eq!(w[1].text, "交流 成果");
        assert!(w[1].required);
        assert!(w[2].excluded);
        assert!(!w[3].required && !w[3].excluded);
    }

    #[test]
    fn ime_quotes_are_phrases() {
        for q in [
            "「湖山水庫」",
            "『湖山水庫』",
            "“湖山水庫”",
            "＂湖山水庫＂",
            "\"湖山水庫\"",
        ] {
            let w = parse_query(q);
            assert_eq!(w.len(), 1, "{q}");
            assert_eq!(w[0].text, "湖山水庫", "{q}");
            assert!(w[0].required && !w[0].excluded, "{q}");
        }
        let w = parse_query("「湖山 水庫」 防洪");
        assert_eq!(w[0].text, "湖山 水庫");
        assert_eq!(w[1].text, "防洪");
    }

    #[test]
    fn full_width_minus_excludes() {
        let w = parse_query("交流 －上海 －「雙城論壇」");
        assert_eq!(w.len(), 3);
        assert!(w[1].excluded && w[1].text == "上海");
        assert!(w[2].excluded && !w[2].required && w[2].text == "雙城論壇");
    }

    #[test]
    fn words_past_the_limits_are_reported() {
        let many: Vec<String> = (0..40).map(|i| format!("詞{i}")).collect();
        let query = format!("{} -排除 「片 語」", many.join(" "));
        let (words, cuts) = parse_query_cuts(&query);
        assert_eq!(words.len(), MAX_QUERY_WORDS);
        let mut dropped: Vec<String> = many[MAX_QUERY_WORDS..].to_vec();
        dropped.extend(["排除".to_string(), "片 語".to_string()]);
        assert_eq!(cuts, vec![QueryCut::TooManyWords { dropped }]);
        assert!(
            cuts[0]
                .to_string()
                .starts_with("查詢字詞過多：第33個起未搜尋")
        );
        assert!(cuts[0].to_string().contains("too many words"));

        let long = "長".repeat(MAX_QUERY_WORD_CHARS + 6);
        let (words, cuts) = parse_query_cuts(&format!("交流 -{long}"));
        assert_eq!(words[1].text.chars().count(), MAX_QUERY_WORD_CHARS);
        assert!(words[1].excluded);
        assert_eq!(
            cuts,
            vec![QueryCut::WordTooLong {
                word: long.clone(),
                kept: words[1].text.clone()
            }]
        );
        assert!(parse_query_cuts("雙城論壇 交流").1.is_empty());
    }

    #[test]
    fn hostile_queries_parse() {
        for q in [
            "\"",
            "-",
            "- -",
            "\"unbalanced",
            "title:x",
            "((",
            "😀",
            "\u{200b}",
            "\u{0}\u{1}",
            "１２３",
            "「",
            "－",
            "『』",
            "-「",
        ] {
            let _ = parse_query(q);
        }
        assert!(parse_query("-").is_empty());
        assert!(parse_query("－").is_empty());
    }
}
