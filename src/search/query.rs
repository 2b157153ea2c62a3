//! Query syntax: the text a user typed → query words.
//!
//! Words are separated by whitespace. A phrase in quotes must match: `"…"`, `“…”`, `＂…＂`
//! and the quotes a Chinese input method types, `「…」` and `『…』`. A leading `-` or `－`
//! (full-width) excludes the word or phrase. Unbalanced quotes run to the end.

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

/// Splits a query into words (see the module documentation).
pub fn parse_query(query: &str) -> Vec<QueryWord> {
    let mut words = Vec::new();
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
            let text: String = text.chars().take(MAX_QUERY_WORD_CHARS).collect();
            words.push(QueryWord {
                text,
                required: close.is_some() && !excluded,
                excluded,
            });
        }
        if words.len() >= MAX_QUERY_WORDS {
            break;
        }
    }
    words
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
