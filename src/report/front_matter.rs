//! Front matter: the title, date and metadata at the top of a report's lines, and the lines
//! they use up (not emitted as blocks).

use super::dates::find_date;
use super::lines::{ends_sentence, looks_like_heading};
use super::parse::{Meta, is_row};

pub(super) struct FrontMatter {
    pub(super) title: String,
    pub(super) date: Option<String>,
    pub(super) meta: Meta,
    /// Line numbers consumed by the front matter (not emitted as blocks).
    pub(super) skip: Vec<bool>,
}

/// Cover lines that name the kind of document, not the document.
const GENERIC_LABELS: &[&str] = &[
    "委託研究報告",
    "研究報告",
    "期末報告",
    "期中報告",
    "成果報告",
    "結案報告",
    "委託研究計畫",
    "研究計畫",
    "政策研究報告",
    "專題研究報告",
    "委託研究計畫期末報告",
    "計畫成果報告",
];

/// How many lines at the top of a file may hold cover/header information.
const FRONT_WINDOW: usize = 40;

pub(super) fn read_front_matter(lines: &[&str]) -> FrontMatter {
    let mut meta = Meta::default();
    let mut skip = vec![false; lines.len()];
    let mut date = None;
    let mut explicit_title = None;
    let window = lines.len().min(FRONT_WINDOW);

    for (i, raw) in lines.iter().enumerate().take(window) {
        let line = raw.trim();
        if let Some((key, value)) = split_key_value(line) {
            let value = value.trim();
            let consumed = match key {
                "標題" | "标题" | "題名" | "名稱" => {
                    explicit_title.get_or_insert_with(|| value.to_string());
                    true
                }
                "日期" | "發布日期" | "发布日期" | "發文日期" | "公布日期" => {
                    if date.is_none() {
                        date = find_date(value);
                    }
                    true
                }
                "計畫主持人" | "协同主持人" | "協同主持人" | "研究主持人" | "主持人"
                | "计划主持人" | "研究人員" | "研究人员" | "作者" => {
                    meta.authors.extend(split_list(value));
                    true
                }
                "機關" | "机关" | "發布機關" | "主管機關" => {
                    meta.agency.get_or_insert_with(|| value.to_string());
                    true
                }
                "類別" | "类别" => {
                    meta.category.get_or_insert_with(|| value.to_string());
                    true
                }
                "關鍵詞" | "关键词" | "關鍵字" | "关键字" => {
                    meta.keywords.extend(split_list(value));
                    true
                }
                "委託單位" | "委托单位" | "委託機關" => {
                    meta.commissioned_by
                        .get_or_insert_with(|| value.to_string());
                    true
                }
                "字號" | "篇別" | "來源" | "发文字号" | "文號" | "執行單位" | "研究單位" =>
                {
                    meta.other.insert(key.to_string(), value.to_string());
                    true
                }
                _ => false,
            };
            if consumed {
                skip[i] = true;
                continue;
            }
        }
        if let Some(body) = commissioning_body(line) {
            meta.commissioned_by.get_or_insert(body);
            skip[i] = true;
        }
    }

    // A date line on the cover (中華民國 106 年 12 月 25 日) when no 日期： line was found.
    if date.is_none() {
        for (i, raw) in lines.iter().enumerate().take(window) {
            let line = raw.trim();
            if line.chars().count() <= 30
                && let Some(d) = find_date(line)
            {
                date = Some(d);
                if is_date_only(line) {
                    skip[i] = true;
                }
                break;
            }
        }
    }
    if date.is_none() {
        date = lines.iter().take(200).find_map(|l| find_date(l));
    }

    let title = match explicit_title {
        Some(t) => t,
        None => find_title(lines, window, &mut skip),
    };
    // Cover labels (委託研究報告) and the title repeated on the cover are not passages.
    let squeeze = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let title_key = squeeze(&title);
    for (i, raw) in lines.iter().enumerate().take(window) {
        let line = raw.trim();
        if GENERIC_LABELS.contains(&line) || !title_key.is_empty() && squeeze(line) == title_key {
            skip[i] = true;
        }
    }
    FrontMatter {
        title,
        date,
        meta,
        skip,
    }
}

/// `key：value` where key is a short label; accepts full-width and ASCII colons.
fn split_key_value(line: &str) -> Option<(&str, &str)> {
    let idx = line.find(['：', ':'])?;
    let key = line[..idx].trim();
    let value = &line[idx + line[idx..].chars().next()?.len_utf8()..];
    let chars = key.chars().count();
    if (1..=6).contains(&chars) && !key.contains(' ') {
        Some((key, value))
    } else {
        None
    }
}

fn split_list(value: &str) -> Vec<String> {
    value
        .split(['、', '，', ',', ';', '；', '/', '／'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// `臺北市政府委託研究` → `臺北市政府`.
fn commissioning_body(line: &str) -> Option<String> {
    if line.chars().count() > 30 {
        return None;
    }
    for marker in ["委託研究", "委托研究", "委託辦理", "委託"] {
        if let Some(idx) = line.find(marker) {
            let body = line[..idx].trim();
            let rest = line[idx + marker.len()..].trim();
            let rest_ok =
                rest.is_empty() || ["報告", "计划", "計畫", "案", "成果報告"].contains(&rest);
            if !body.is_empty() && rest_ok && body.chars().count() >= 2 {
                return Some(body.to_string());
            }
        }
    }
    None
}

fn is_date_only(line: &str) -> bool {
    let stripped: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    let rest = stripped
        .trim_start_matches("中華民國")
        .trim_start_matches("民國")
        .trim_start_matches("西元");
    rest.chars().all(|c| {
        c.is_ascii_digit() || "年月日〇零一二三四五六七八九十０１２３４５６７８９".contains(c)
    })
}

/// A line longer than this is never taken for the title.
const MAX_TITLE_CHARS: usize = 200;

fn find_title(lines: &[&str], window: usize, skip: &mut [bool]) -> String {
    let mut parts: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < window {
        let line = lines[i].trim();
        let usable = !line.is_empty()
            && !skip[i]
            && !is_row(lines[i])
            && !GENERIC_LABELS.contains(&line)
            && !is_date_only(line);
        if !usable {
            if !parts.is_empty() && !line.is_empty() {
                break;
            }
            i += 1;
            continue;
        }
        if parts.is_empty() {
            // A long first line is text, not a title (and would be copied into every
            // passage of the report).
            if line.chars().nth(MAX_TITLE_CHARS).is_some() {
                break;
            }
            parts.push(i);
            // A gazette-style file: the first line is the title, header lines follow at once.
            if lines
                .get(i + 1)
                .is_some_and(|l| split_key_value(l.trim()).is_some())
            {
                break;
            }
        } else {
            let so_far: usize = parts.iter().map(|&p| lines[p].trim().chars().count()).sum();
            let cont = line.chars().count() <= 20
                && so_far <= 30
                && !ends_sentence(lines[*parts.last().unwrap()].trim())
                // A sentence under the title is the text's first line, not the title's last.
                && !ends_sentence(line)
                && !looks_like_heading(line);
            if cont {
                parts.push(i);
            } else {
                break;
            }
        }
        i += 1;
    }
    // Join only a title that was cut (the cover sets it over lines); if the text repeats the
    // whole title as one line soon after, that confirms the join.
    let title = join_parts(parts.iter().map(|&p| lines[p].trim()));
    for &p in &parts {
        skip[p] = true;
    }
    title
}

fn join_parts<'a>(parts: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for p in parts {
        join_into(&mut out, p);
    }
    out
}

/// Appends `next` to `out` as a continuation of the same sentence: no space between CJK
/// characters, one space between Latin words.
pub fn join_into(out: &mut String, next: &str) {
    let next = next.trim_start_matches([' ', '\u{3000}']);
    if let (Some(a), Some(b)) = (out.chars().last(), next.chars().next())
        && needs_space(a, b)
    {
        out.push(' ');
    }
    out.push_str(next);
}

fn needs_space(a: char, b: char) -> bool {
    let latin_end = a.is_ascii_alphanumeric() || matches!(a, ',' | '.' | ';' | ':' | ')' | '%');
    let latin_start = b.is_ascii_alphanumeric() || matches!(b, '(' | '"');
    latin_end && latin_start
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_words_join_with_space() {
        let mut s = String::from("Global Power");
        join_into(&mut s, "City Index");
        assert_eq!(s, "Global Power City Index");
        let mut s = String::from("兩岸產業");
        join_into(&mut s, "合作區");
        assert_eq!(s, "兩岸產業合作區");
    }
}
