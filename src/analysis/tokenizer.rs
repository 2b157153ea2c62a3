//! tantivy adapters: the word and bigram analyses as tantivy tokenizers.

use std::sync::Arc;

use jieba_rs::Jieba;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::analyzer::{gram_terms_into, word_terms_into};
use super::terms::Terms;
use super::units::Folded;

/// Buffers a tokenizer reuses from one text to the next.
#[derive(Clone)]
struct Scratch {
    folded: Folded,
    terms: Terms,
    token: Token,
}

impl Default for Scratch {
    fn default() -> Scratch {
        Scratch {
            folded: Folded {
                chars: Vec::new(),
                byte_offsets: Vec::new(),
                positions: Vec::new(),
            },
            terms: Terms::default(),
            token: Token::default(),
        }
    }
}

impl Scratch {
    /// Folds `text`, dropping the buffers first when an outsized text (a huge table row)
    /// left them big, so that a tokenizer does not keep that memory for good.
    fn fold(&mut self, text: &str) {
        const KEEP_CHARS: usize = 1 << 16;
        if self.folded.chars.capacity() > KEEP_CHARS || self.terms.terms.capacity() > KEEP_CHARS {
            *self = Scratch::default();
        }
        self.folded.refill(text);
    }

    fn stream(&mut self) -> TermTokenStream<'_> {
        TermTokenStream {
            terms: &self.terms,
            byte_offsets: &self.folded.byte_offsets,
            next: 0,
            token: &mut self.token,
        }
    }
}

/// The word analyzer as a tantivy tokenizer.
#[derive(Clone)]
pub struct WordTokenizer {
    jieba: Arc<Jieba>,
    scratch: Scratch,
}

impl WordTokenizer {
    pub fn new(jieba: Arc<Jieba>) -> WordTokenizer {
        WordTokenizer {
            jieba,
            scratch: Scratch::default(),
        }
    }
}

/// The bigram analyzer as a tantivy tokenizer.
#[derive(Clone, Default)]
pub struct GramTokenizer {
    scratch: Scratch,
}

/// Analyzed terms handed to tantivy one by one, through one reused [`Token`].
pub struct TermTokenStream<'a> {
    terms: &'a Terms,
    byte_offsets: &'a [usize],
    next: usize,
    token: &'a mut Token,
}

impl TokenStream for TermTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(t) = self.terms.terms.get(self.next) else {
            return false;
        };
        self.next += 1;
        let token = &mut *self.token;
        token.text.clear();
        token.text.push_str(self.terms.text_of(t));
        token.position = t.position;
        token.offset_from = self.byte_offsets[t.char_start];
        token.offset_to = self.byte_offsets[t.char_end];
        token.position_length = 1;
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = TermTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> TermTokenStream<'a> {
        self.scratch.fold(text);
        let Scratch { folded, terms, .. } = &mut self.scratch;
        word_terms_into(&self.jieba, folded, terms);
        self.scratch.stream()
    }
}

impl Tokenizer for GramTokenizer {
    type TokenStream<'a> = TermTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> TermTokenStream<'a> {
        self.scratch.fold(text);
        let Scratch { folded, terms, .. } = &mut self.scratch;
        gram_terms_into(folded, terms);
        self.scratch.stream()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyzer::{Term, gram_terms, jieba, word_terms};

    /// The tokenizers hand tantivy exactly the analyzed terms, with byte offsets, also when
    /// one tokenizer (and its reused buffers) serves text after text of all kinds.
    #[test]
    fn token_streams_match_terms_across_texts() {
        let texts = [
            "中華人民共和國成立於一九四九年，3,500人。",
            "",
            "ＰＭ２．５懸浮微粒 PM10 2016.08.08 12.5% 1,178.9 3,000萬元 三十五億元 第十二條",
            "臺北 ＥＣＦＡ 協議：一○%、235萬元、35亿、abc123def、x-1/2:3",
            "市",
            "兩岸，城市。 「交流」 一 千 百",
        ];
        let mut words = WordTokenizer::new(jieba());
        let mut grams = GramTokenizer::default();
        for round in 0..2 {
            for text in texts {
                let folded = Folded::new(text);
                let expected = |terms: Vec<Term>| -> Vec<(String, usize, usize, usize)> {
                    terms
                        .into_iter()
                        .map(|t| {
                            let from = folded.byte_offsets[t.char_start];
                            let to = folded.byte_offsets[t.char_end];
                            (t.text, t.position, from, to)
                        })
                        .collect()
                };
                let streamed = |mut stream: TermTokenStream| {
                    let mut out = Vec::new();
                    while stream.advance() {
                        let t = stream.token();
                        assert_eq!(t.position_length, 1);
                        out.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
                    }
                    out
                };
                let want = expected(word_terms(&jieba(), &folded));
                assert_eq!(streamed(words.token_stream(text)), want, "{round} {text}");
                let want = expected(gram_terms(&folded));
                assert_eq!(streamed(grams.token_stream(text)), want, "{round} {text}");
            }
        }
    }
}
