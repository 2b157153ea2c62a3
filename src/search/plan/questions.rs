//! Questions: a query word typed as a sentence → its content words (cut as the index's
//! dictionary cuts, question words and particles dropped), with their byte ranges, and the
//! bigrams that link them. Pure: document frequencies come in as a function.

use std::collections::HashSet;
use std::sync::OnceLock;

use anyhow::Result;

use super::statistics::{StatField, Statistics};
use super::terms::{MAX_WORD_CHARS, is_one_han_char};
use crate::analysis::analyzer::{Folded, is_han, is_significant};

// RANKING.md: questions
/// A character standing alone in a question is a word of it when at most 1/N of the
/// passages hold it as a word ...
const LONE_CHAR_SHARE: u64 = 200;
/// In an index where that share is under this many passages, every one is a word:
/// candidates are cheap there (多少項 of 已簽署多少項交流合作備忘錄 asks for 30 項).
const MIN_LONE_CHAR_DOCS: u64 = 1000;
/// A word of at least this many Han characters is read as a sentence: no dictionary word
/// is that long.
const SENTENCE_HAN_CHARS: usize = MAX_WORD_CHARS + 1;

/// Words that ask rather than say, and particles: a question's content is the rest. Listed
/// as typed (Traditional); compared after folding.
const QUESTION_WORDS: &[&str] = &[
    "什麼",
    "甚麼",
    "什麽",
    "為什麼",
    "為甚麼",
    "哪",
    "哪一",
    "哪個",
    "哪些",
    "哪裡",
    "哪裏",
    "哪兒",
    "哪種",
    "哪位",
    "哪年",
    "哪天",
    "哪國",
    "哪一個",
    "哪一種",
    "哪一年",
    "哪一位",
    "誰",
    "何",
    "何時",
    "何處",
    "何者",
    "何種",
    "何人",
    "何地",
    "為何",
    "如何",
    "多少",
    "多久",
    "幾",
    "幾個",
    "幾年",
    "幾次",
    "幾位",
    "是否",
    "是不是",
    "有沒有",
    "能否",
    "可否",
    "嗎",
    "呢",
    "吧",
    "啊",
    "呀",
    "請問",
];
/// Function words dropped from a question (not from a keyword query: `的` typed alone is
/// searched).
const PARTICLES: &[&str] = &[
    "的", "了", "是", "在", "與", "和", "及", "之", "被", "將", "把", "由", "於", "對", "從", "所",
    "而", "也", "都", "就", "又", "還", "其", "此", "該", "這", "那", "這個", "那個", "有", "為",
    "以", "等", "要", "會", "能", "可以", "則", "即", "並", "或", "且", "個", "位", "曾", "已",
    "得", "到", "給", "讓", "使", "中", "一", "上", "下",
];
/// Characters whose presence inside a query word makes it a question.
const QUESTION_MARKS: &[char] = &['？', '?'];

/// Measure words: 哪, 哪一 or 幾 before one asks which or how many (哪一座, 哪所, 幾盤); so
/// does 何 before the first ones (何年, 何人).
const MEASURE_WORDS: &[&str] = &[
    "年", "人", "種", "處", "地", "國", "方", "類", "個", "位", "天", "座", "所", "段", "份", "本",
    "顆", "邊", "次", "支", "門", "家", "部", "條", "項", "間", "場", "件", "首", "隻", "名", "艘",
    "輛", "張", "塊", "片", "屆", "任", "代", "樣", "盤", "月", "日", "歲", "層",
];
/// How many of [`MEASURE_WORDS`] may follow 何.
const MEASURE_WORDS_AFTER_HE: usize = 8;

/// Folded forms of [`QUESTION_WORDS`] and the question words made of a measure word
/// (`.0`), and of those and [`PARTICLES`] (`.1`).
fn stop_words() -> &'static (HashSet<String>, HashSet<String>) {
    static WORDS: OnceLock<(HashSet<String>, HashSet<String>)> = OnceLock::new();
    WORDS.get_or_init(|| {
        let fold = |w: &str| Folded::new(w).chars.iter().collect::<String>();
        let mut questions: HashSet<String> = QUESTION_WORDS.iter().map(|w| fold(w)).collect();
        for (n, measure) in MEASURE_WORDS.iter().enumerate() {
            for asking in ["哪", "哪一", "幾"] {
                questions.insert(fold(&format!("{asking}{measure}")));
            }
            if n < MEASURE_WORDS_AFTER_HE {
                questions.insert(fold(&format!("何{measure}")));
            }
        }
        let all = questions
            .iter()
            .cloned()
            .chain(PARTICLES.iter().map(|w| fold(w)))
            .collect();
        (questions, all)
    })
}

/// A content word of a sentence, as typed, with its byte range in the sentence.
pub(crate) type ContentWord = (String, usize, usize);

/// The words of a question and its linking bigrams (see [`linking_bigrams`]): its content
/// words, but for common single characters. In a large index a common character alone (論
/// of 君主論為誰所寫) is no word of the question: what it says is counted by the bigrams it
/// makes with its neighbours, and were it a word most passages would be candidates. A rare
/// one (渝 of 重慶簡稱渝) is a word. Local and engine search plan questions with it.
pub(crate) fn question_words(
    text: &str,
    stats: &dyn Statistics,
) -> Result<(Vec<ContentWord>, Vec<String>)> {
    let parts = content_words(text, stats)?;
    let links = linking_bigrams(text, &parts);
    if parts.iter().all(|(word, _, _)| is_one_han_char(word)) {
        return Ok((parts, links));
    }
    let small = stats.docs() / LONE_CHAR_SHARE < MIN_LONE_CHAR_DOCS;
    let mut kept = Vec::with_capacity(parts.len());
    for part in parts {
        if !is_one_han_char(&part.0) || small || lone_char_is_rare(&part.0, stats)? {
            kept.push(part);
        }
    }
    Ok((kept, links))
}

/// Whether a character standing alone in a question is rare: at most 1/[`LONE_CHAR_SHARE`]
/// of the passages hold it as a word. A rare one is held wherever it stands (渝 in 渝中區);
/// a common one, kept in a small index, only where the index holds it alone (項 of 30 項
/// for 多少項: anywhere, 項目 and 事項 would hold it too).
pub(crate) fn lone_char_is_rare(word: &str, stats: &dyn Statistics) -> Result<bool> {
    let df = stats.doc_freq(StatField::BodyWords, &Folded::new(word).text())?;
    Ok(df <= stats.docs() / LONE_CHAR_SHARE)
}

/// The content words of a sentence, as typed: Han runs cut into the index's dictionary
/// words (the cut whose words are likeliest, as jieba cuts), letters and digits kept
/// whole; question words and particles dropped. With each, its byte range in `text`.
pub(crate) fn content_words(
    text: &str,
    stats: &dyn Statistics,
) -> Result<Vec<(String, usize, usize)>> {
    let folded = Folded::new(text);
    // Question words and particles, both lists.
    let (_, stops) = stop_words();
    let original = |start: usize, end: usize| {
        text[folded.byte_offsets[start]..folded.byte_offsets[end]].to_string()
    };
    let chars = &folded.chars;
    let mut parts = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let han = is_han(chars[i]);
        if !is_significant(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && is_significant(chars[i]) && is_han(chars[i]) == han {
            i += 1;
        }
        // A name in title marks (《論自由》, 〈出師表〉) is one word, whatever the dictionary cuts.
        let named = start > 0
            && matches!(chars[start - 1], '《' | '〈')
            && chars.get(i).is_some_and(|c| matches!(c, '》' | '〉'));
        if !han || named {
            parts.push((start, i));
            continue;
        }
        // Content words, with runs of single characters joined: a name the dictionary
        // does not know (陸特, 雷頓) is cut into its characters.
        let cut = cut(&chars[start..i], stats)?;
        let stop = |k: usize| {
            let (s, e) = cut[k];
            stops.contains(&chars[start + s..start + e].iter().collect::<String>())
        };
        let mut kept: Vec<(usize, usize)> = Vec::new();
        for (k, &(s, e)) in cut.iter().enumerate() {
            if stop(k) {
                continue;
            }
            match kept.last_mut() {
                Some(last) if e - s == 1 && last.1 == s && last.1 - last.0 == 1 => last.1 = e,
                _ => kept.push((s, e)),
            }
        }
        for (s, e) in kept {
            // Joined characters may spell a question word the dictionary lacks (多少).
            let word: String = chars[start + s..start + e].iter().collect();
            if !stops.contains(&word) {
                parts.push((start + s, start + e));
            }
        }
    }
    Ok(parts
        .into_iter()
        .map(|(s, e)| {
            (
                original(s, e),
                folded.byte_offsets[s],
                folded.byte_offsets[e],
            )
        })
        .collect())
}

/// The bigrams of a question's Han runs that touch a content word without lying inside
/// one: where a content word meets the next one, or a particle beside it (君主論為 → 主論,
/// 論為, with 論 a word of its own). `parts` are the content words with their byte ranges.
fn linking_bigrams(text: &str, parts: &[(String, usize, usize)]) -> Vec<String> {
    let folded = Folded::new(text);
    let content = |i: usize| {
        let b = folded.byte_offsets[i];
        parts.iter().position(|p| p.1 <= b && b < p.2)
    };
    let sig: Vec<usize> = (0..folded.chars.len())
        .filter(|&i| is_significant(folded.chars[i]))
        .collect();
    let mut out = Vec::new();
    for pair in sig.windows(2) {
        let (i, j) = (pair[0], pair[1]);
        if !is_han(folded.chars[i]) || !is_han(folded.chars[j]) {
            continue;
        }
        let (a, b) = (content(i), content(j));
        if (a.is_some() || b.is_some()) && (a != b) {
            out.push([folded.chars[i], folded.chars[j]].iter().collect());
        }
    }
    out
}

/// The likeliest cut of a Han run into dictionary words: the one maximising the sum of
/// log(document frequency / documents), each char alone being always allowed.
fn cut(run: &[char], stats: &dyn Statistics) -> Result<Vec<(usize, usize)>> {
    let (questions, _) = stop_words();
    let total = (stats.docs() as f64).max(1.0);
    let n = run.len();
    let mut best = vec![f64::NEG_INFINITY; n + 1];
    let mut from = vec![0; n + 1];
    best[0] = 0.0;
    for start in 0..n {
        if best[start] == f64::NEG_INFINITY {
            continue;
        }
        for len in 1..=MAX_WORD_CHARS.min(n - start) {
            let word: String = run[start..start + len].iter().collect();
            // A question word is a word whether or not the index holds it (哪一年).
            let df = match questions.contains(&word) {
                true => total as u64,
                false => stats.doc_freq(StatField::BodyWords, &word)?,
            };
            if len > 1 && df == 0 {
                continue;
            }
            let score = best[start] + ((df as f64 + 1.0) / total).ln();
            if score > best[start + len] {
                best[start + len] = score;
                from[start + len] = start;
            }
        }
    }
    let mut cut = Vec::new();
    let mut end = n;
    while end > 0 {
        cut.push((from[end], end));
        end = from[end];
    }
    cut.reverse();
    Ok(cut)
}

/// Whether a query word holds a question mark: it asks, whatever passages hold.
pub(crate) fn asks(text: &str) -> bool {
    text.chars().any(|c| QUESTION_MARKS.contains(&c))
}

/// Whether a query word was typed as a sentence: it asks (a question mark or question
/// word), or is longer than any dictionary word.
pub(crate) fn is_sentence(text: &str) -> bool {
    let folded = Folded::new(text);
    let han = folded.chars.iter().filter(|c| is_han(**c)).count();
    if han >= SENTENCE_HAN_CHARS || text.chars().any(|c| QUESTION_MARKS.contains(&c)) {
        return true;
    }
    if han < 3 {
        return false;
    }
    let folded: String = folded.chars.iter().collect();
    stop_words()
        .0
        .iter()
        .any(|q| q.chars().count() > 1 && folded.contains(q.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::plan::statistics::fixed::Fixed;

    #[test]
    fn which_and_how_many_with_a_measure_word_ask() {
        let known: Vec<String> = [
            "城市", "位於", "臺灣", "北端", "明治", "時期", "開始", "議員", "議會",
        ]
        .iter()
        .map(|w| Folded::new(w).text())
        .collect();
        let stats = Fixed {
            docs: 100,
            df: |_, word: &str| u64::from(known.iter().any(|k| k == word)),
        };
        let words = |text: &str| -> Vec<String> {
            content_words(text, &stats)
                .unwrap()
                .into_iter()
                .map(|(word, _, _)| word)
                .collect()
        };
        assert_eq!(
            words("哪一座城市位於臺灣最北端？"),
            ["城市", "位於", "臺灣", "最", "北端"]
        );
        assert_eq!(words("明治時期於何年開始?"), ["明治", "時期", "開始"]);
        assert_eq!(words("議會共計有幾位議員?"), ["議會", "共計", "議員"]);
    }
}
