//! Prose lines: a printed line → its text without justification gaps; whether it opens
//! a new block (heading, list item, caption, note) or is a bulleted item.

/// A prose line without the single spaces `pdftotext` puts inside Chinese text where a
/// justified line spread its characters (`臺北城 市競爭力`, `估計， 2016`): a space goes
/// between two Han characters, after a closing or sentence mark, and between a Han
/// character and a mark.
pub(super) fn drop_cjk_gaps(line: &str) -> String {
    let han = |c: char| {
        ('\u{4e00}'..='\u{9fff}').contains(&c)
            || ('\u{3400}'..='\u{4dbf}').contains(&c)
            || ('\u{f900}'..='\u{faff}').contains(&c)
    };
    let closing = |c: char| "，。；：！？」』）》〉".contains(c);
    let mark = |c: char| "，。；：！？、「」『』（）《》〈〉".contains(c);
    let chars: Vec<char> = line.chars().collect();
    // The space after a caption's or heading's number (`表一 兩岸…`) is kept.
    let first_space = line.chars().position(|c| c == ' ');
    let keep = if starts_block(line) {
        first_space
    } else {
        None
    };
    let mut out = String::with_capacity(line.len());
    for (k, &c) in chars.iter().enumerate() {
        if c == ' '
            && k > 0
            && Some(k) != keep
            && let (Some(&a), Some(&b)) = (chars.get(k - 1), chars.get(k + 1))
            && ((han(a) && (han(b) || mark(b))) || closing(a))
            && b != ' '
        {
            continue;
        }
        out.push(c);
    }
    out
}

/// The bullet a list item's lone first character stands for: a bullet character, or the
/// private-use code Symbol/Wingdings bullets extract as (shown as `•`).
pub(super) fn bullet_glyph(c: char) -> Option<char> {
    if "•●○■□◆◇▪►➢✓‧・".contains(c) {
        Some(c)
    } else if ('\u{f000}'..='\u{f0ff}').contains(&c) {
        Some('•')
    } else {
        None
    }
}

/// Whether a printed line opens a new block: a heading or list marker, a caption, a note.
pub(super) fn starts_block(t: &str) -> bool {
    let chars: Vec<char> = t.chars().take(8).collect();
    let Some(&first) = chars.first() else {
        return false;
    };
    let numeral = |c: char| "壹貳參叁肆伍陸柒捌玖拾一二三四五六七八九十".contains(c);
    let digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    let bullets = "-•●○■□◆◇▪※・‧*＊►➢✓①②③④⑤⑥⑦⑧⑨⑩";
    if bullets.contains(first) {
        return true;
    }
    if numeral(first) {
        let k = chars.iter().take_while(|c| numeral(**c)).count();
        return k <= 3 && matches!(chars.get(k), Some('、' | '，' | '.' | '．'));
    }
    if digit(first) {
        let k = chars.iter().take_while(|c| digit(**c)).count();
        return k <= 2
            && matches!(chars.get(k), Some('、' | '.' | '．'))
            && !chars.get(k + 1).is_some_and(|c| digit(*c));
    }
    if matches!(first, '(' | '（') {
        let k = chars[1..]
            .iter()
            .take_while(|c| numeral(**c) || digit(**c))
            .count();
        return (1..=3).contains(&k) && matches!(chars.get(k + 1), Some(')' | '）'));
    }
    if first == '第' {
        return chars[1..]
            .iter()
            .find(|c| !(numeral(**c) || digit(**c) || **c == ' '))
            .is_some_and(|c| "章節篇條".contains(*c));
    }
    if matches!(first, '表' | '圖') {
        return chars
            .get(1)
            .is_some_and(|c| numeral(*c) || digit(*c) || *c == ' ');
    }
    ["資料來源", "註", "附註", "備註", "說明：", "附錄"]
        .iter()
        .any(|p| t.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::super::layout_to_text;
    use super::*;

    #[test]
    fn spaces_inside_chinese_prose() {
        assert_eq!(
            drop_cjk_gaps("臺北城 市競爭力， 2016 年 ECFA 協議 (請參見表一) 一、 構建"),
            "臺北城市競爭力，2016 年 ECFA 協議 (請參見表一) 一、 構建"
        );
        assert_eq!(drop_cjk_gaps("表一 兩岸城 市交流"), "表一 兩岸城市交流");
    }

    #[test]
    fn bulleted_items_with_hanging_lines() {
        let raw = "\u{f0b7}   (一) 若著眼於當前民眾需求：雙城間簽訂市民自由行以及空氣\n\
                   \x20   汙染防治等皆是不錯的選擇。\n\
                   •   (二) 產業發展。\n\
                   本段文字寫到了版面的右邊界為止，這是一段很長很長很長的文字\n";
        assert_eq!(
            layout_to_text(raw),
            "• (一) 若著眼於當前民眾需求：雙城間簽訂市民自由行以及空氣汙染防治等皆是不錯的選擇。\n\n\
             • (二) 產業發展。\n\n本段文字寫到了版面的右邊界為止，這是一段很長很長很長的文字\n"
        );
    }
}
