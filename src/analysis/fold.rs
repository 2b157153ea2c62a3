//! One-character-to-one-character text folding, applied before word segmentation.
//!
//! In: any `&str` (research reports, mostly Traditional Chinese, plus queries
//! in Traditional or Simplified Chinese). Out: a `String` in which the i-th
//! `char` is [`fold_char`] of the i-th input `char`: lower-case ASCII instead
//! of full-width or upper-case letters and digits, and Simplified Chinese
//! instead of Traditional Chinese and its regional variants, so that 臺北市,
//! 台北市 and ＴＡＩＰＥＩ / Taipei meet in the index.
//!
//! [`fold_char`] applies, in this order:
//! 1. full-width ASCII U+FF01..=U+FF5E → U+0021..=U+007E (code-point
//!    arithmetic) and U+3000 ideographic space → `' '`;
//! 2. lower case: ASCII, and any other character whose
//!    [`char::to_lowercase`] is exactly one character;
//! 3. CJK compatibility ideographs (and Kangxi radicals) → unified ideograph;
//! 4. Traditional → Simplified with the first candidate of OpenCC's
//!    `TSCharacters.txt`;
//! 5. variant pairs that step 4 leaves apart (臺/台, 姊/姐, 着/著, TW/HK
//!    variants …) folded to one representative;
//! 6. Simplified spellings that OpenCC's `STCharacters.txt` maps to a single
//!    Traditional character (锺/鍾, 𫫇/噁, 迳/逕, 昵/暱, rare analogized forms)
//!    and a few hand-picked classes (幺/么, 甦/苏, 鲶/鲇, Japanese 歴/歷, 仮/假)
//!    joined to that character's class. Pairs such as 象/像, 沈/沉, 坏/坯 stay
//!    apart: they are different words that only phrase-level conversion can tell.
//!
//! Of OpenCC's own character-level test pairs, 388 of 399 fold to the same text
//! (test `opencc_testcases_meet`, which lists the 11 others and why).
//!
//! Steps 3-6 come from the generated table in `fold_table.rs`
//! (tools/gen_fold_table.py), whose chains are resolved at generation time:
//! `fold_char(fold_char(c)) == fold_char(c)` for every `char`.
//!
//! Why 1:1: the folded text has exactly as many `char`s as the original, so
//! a position found in the folded text (the n-th `char`) is the n-th `char`
//! of the original, and snippets and highlights are cut from the original
//! text without any offset map. Byte lengths may differ (full-width `Ａ` is 3
//! bytes, `a` is 1; a few results are 4-byte supplementary-plane characters):
//! map positions by `char` index, not byte offset. Folds that would change
//! the length (ß → ss, İ → i̇, ligatures, phrase-level conversion) are not done.

#[path = "fold_table.rs"]
mod table;

use table::FOLD_PAIRS;

/// Number of `FOLD_PAIRS` keys in the Basic Multilingual Plane (a prefix, the pairs are sorted).
const BMP_KEYS: usize = count_keys_below(0x1_0000);
/// Which 256-character BMP pages need a block: those with a key, plus the
/// pages of U+3000 and of the full-width forms U+FF01..=U+FF5E.
const BMP_PAGE_USED: [bool; 256] = bmp_pages_used();
const BMP_BLOCKS: usize = count_true(&BMP_PAGE_USED) + 1;
/// Number of BMP keys whose result lies outside the BMP.
const BMP_WIDE_RESULTS: usize = count_bmp_wide_results();
/// Results that land in the surrogate range (never a `char`) mean "supplementary-plane
/// result number `r - WIDE_ESCAPE`".
const WIDE_ESCAPE: u32 = 0xD800;

/// Two-level lookup for BMP characters: `c + blocks[(page_of[c >> 8] << 8) | (c & 0xFF)]`
/// (mod 2^16) is the folded character, so a hit and a miss cost the same, without a branch.
///
/// Block 0 is all zeros (identity) and is shared by every page without a mapping. A
/// result in `WIDE_ESCAPE..0xE000` stands for `wide[result - WIDE_ESCAPE]`. Letter case
/// is not in this table (`char::to_lowercase` is not `const`); the cased ranges have no
/// table entries and are handled before the lookup.
struct BmpTable {
    page_of: [u8; 256],
    blocks: [u16; BMP_BLOCKS * 256],
    wide: [u32; BMP_WIDE_RESULTS],
}

static BMP: BmpTable = build_bmp_table();

/// Supplementary-plane keys, sorted, for binary search.
static SUPPLEMENTARY: [(u32, u32); FOLD_PAIRS.len() - BMP_KEYS] = supplementary_pairs();

/// BMP ranges outside of which no character has a lower-case mapping (checked over
/// all of Unicode by the test `lowercase_ranges_are_complete`).
#[inline(always)]
const fn in_cased_bmp_range(u: u32) -> bool {
    u < 0x2E80 || (u >= 0xA640 && u < 0xAC00)
}

/// Steps 1 and 2 by code-point arithmetic for full-width ASCII (then lower-cased)
/// and the ideographic space.
const fn width_fold(u: u32) -> Option<u32> {
    if u >= 0xFF01 && u <= 0xFF5E {
        Some(((u - 0xFEE0) as u8).to_ascii_lowercase() as u32)
    } else if u == 0x3000 {
        Some(0x20)
    } else {
        None
    }
}

const fn count_keys_below(limit: u32) -> usize {
    let mut i = 0;
    while i < FOLD_PAIRS.len() && FOLD_PAIRS[i].0 < limit {
        i += 1;
    }
    i
}

const fn bmp_pages_used() -> [bool; 256] {
    let mut used = [false; 256];
    let mut i = 0;
    while i < BMP_KEYS {
        used[(FOLD_PAIRS[i].0 >> 8) as usize] = true;
        i += 1;
    }
    used[0x30] = true;
    used[0xFF] = true;
    used
}

const fn count_true(flags: &[bool; 256]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < flags.len() {
        if flags[i] {
            n += 1;
        }
        i += 1;
    }
    n
}

const fn count_bmp_wide_results() -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < BMP_KEYS {
        if FOLD_PAIRS[i].1 >= 0x1_0000 {
            n += 1;
        }
        i += 1;
    }
    n
}

/// Checks the invariants the lookup relies on; a violation fails the build.
const fn check_pair(i: usize) {
    let (from, to) = FOLD_PAIRS[i];
    assert!(
        i == 0 || FOLD_PAIRS[i - 1].0 < from,
        "FOLD_PAIRS not strictly sorted"
    );
    assert!(from != to, "identity pair in FOLD_PAIRS");
    assert!(char::from_u32(from).is_some() && char::from_u32(to).is_some());
    assert!(to >= 0x80, "FOLD_PAIRS result must not be ASCII");
    assert!(
        width_fold(from).is_none(),
        "full-width forms are not table keys"
    );
    assert!(
        from >= 0x1_0000 || !in_cased_bmp_range(from),
        "table key in a cased range"
    );
}

const fn build_bmp_table() -> BmpTable {
    const {
        assert!(BMP_BLOCKS <= 256, "too many BMP blocks for a u8 page index");
        assert!(
            BMP_WIDE_RESULTS <= 0x800,
            "too many wide results for the escape range"
        );
    }
    let mut t = BmpTable {
        page_of: [0; 256],
        blocks: [0; BMP_BLOCKS * 256],
        wide: [0; BMP_WIDE_RESULTS],
    };
    let mut block = 0;
    let mut page = 0;
    while page < 256 {
        if BMP_PAGE_USED[page] {
            block += 1;
            t.page_of[page] = block as u8;
        }
        page += 1;
    }
    let mut wide = 0;
    let mut i = 0;
    while i < BMP_KEYS {
        check_pair(i);
        let (from, to) = FOLD_PAIRS[i];
        let result = if to >= 0x1_0000 {
            t.wide[wide] = to;
            wide += 1;
            WIDE_ESCAPE + (wide as u32 - 1)
        } else {
            to
        };
        set_delta(&mut t, from, result);
        i += 1;
    }
    let mut u = 0x3000;
    while u <= 0xFFFF {
        if let Some(to) = width_fold(u) {
            set_delta(&mut t, u, to);
        }
        u += 1;
    }
    t
}

const fn set_delta(t: &mut BmpTable, from: u32, result: u32) {
    let block = t.page_of[(from >> 8) as usize] as usize;
    assert!(block != 0);
    t.blocks[(block << 8) | (from & 0xFF) as usize] = result.wrapping_sub(from) as u16;
}

const fn supplementary_pairs() -> [(u32, u32); FOLD_PAIRS.len() - BMP_KEYS] {
    let mut out = [(0, 0); FOLD_PAIRS.len() - BMP_KEYS];
    let mut i = BMP_KEYS;
    while i < FOLD_PAIRS.len() {
        check_pair(i);
        out[i - BMP_KEYS] = FOLD_PAIRS[i];
        i += 1;
    }
    out
}

/// Folds one character (see the module documentation for the steps).
///
/// Never changes the number of characters: one `char` in, one `char` out.
#[inline]
pub fn fold_char(c: char) -> char {
    let u = c as u32;
    if u < 0x80 {
        return c.to_ascii_lowercase();
    }
    if u >= 0x1_0000 {
        return fold_supplementary(c, u);
    }
    if in_cased_bmp_range(u) {
        return lowercase_single(c);
    }
    let block = BMP.page_of[(u >> 8) as usize] as usize;
    let delta = BMP.blocks[(block << 8) | (u & 0xFF) as usize];
    let r = u.wrapping_add(u32::from(delta)) & 0xFFFF;
    if (WIDE_ESCAPE..0xE000).contains(&r) {
        return wide_result(r, c);
    }
    // Always Some: `r` is below 0x10000 and not a surrogate.
    char::from_u32(r).unwrap_or(c)
}

#[cold]
fn wide_result(r: u32, c: char) -> char {
    char::from_u32(BMP.wide[(r - WIDE_ESCAPE) as usize]).unwrap_or(c)
}

#[cold]
fn fold_supplementary(c: char, u: u32) -> char {
    if let Ok(i) = SUPPLEMENTARY.binary_search_by_key(&u, |&(from, _)| from) {
        return char::from_u32(SUPPLEMENTARY[i].1).unwrap_or(c);
    }
    if u < 0x2_0000 {
        return lowercase_single(c);
    }
    c
}

/// `c.to_lowercase()` when that is exactly one character, else `c`.
fn lowercase_single(c: char) -> char {
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Folds every character of `text` with [`fold_char`].
///
/// The result has exactly `text.chars().count()` characters.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

/// Like [`fold`], but appends to `out` (reuse one buffer when folding many texts).
pub fn fold_into(text: &str, out: &mut String) {
    // A plain char loop measured faster than splitting into ASCII / non-ASCII runs
    // or hand-rolled UTF-8 decoding (branch mispredictions dominate).
    out.reserve(text.len());
    out.extend(text.chars().map(fold_char));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_len_kept(s: &str) {
        assert_eq!(
            fold(s).chars().count(),
            s.chars().count(),
            "char count changed for {s:?}"
        );
    }

    #[test]
    fn spec_cases() {
        let cases: &[(&[&str], &str)] = &[
            (&["臺北市", "台北市", "臺\u{F963}市"], "台北市"),
            (&["姊妹市", "姐妹市"], "姐妹市"),
            (&["ＥＣＦＡ", "ECFA", "ecfa", "ｅｃｆａ"], "ecfa"),
            (&["３，５００", "3,500"], "3,500"),
            (&["兩岸"], "两岸"),
            (&["雙城論壇"], "双城论坛"),
            (&["復興航空", "复兴航空"], "复兴航空"),
            (&["飛安"], "飞安"),
            (&["寵物"], "宠物"),
            (&["廢食用油"], "废食用油"),
            (&["家戶", "家户"], "家户"),
            (&["什麼", "什么", "什麽"], "什么"),
            (&["看著", "看着"], "看著"),
            (&["\u{3000}"], " "),
        ];
        for (inputs, want) in cases {
            for s in *inputs {
                assert_eq!(fold(s), *want, "fold({s:?})");
                assert_len_kept(s);
            }
        }
    }

    #[test]
    fn variant_pairs_meet() {
        let groups: &[&str] = &[
            "臺台檯颱枱",
            "姊姐",
            "汙污",
            "裏裡里\u{F9E7}\u{F9E8}\u{F9E9}",
            "羣群",
            "峯峰",
            "綫線线",
            "着著",
            "菸煙烟",
            "衆眾众",
            "秘祕",
            "鉤鈎钩",
            "啓啟启",
            "爲為为",
            "僞偽伪",
            "温溫",
            "麪麵面",
            "牀床",
            "嘆歎叹",
            "喫吃",
            "囪囱",
            "敍敘叙",
            "栢柏",
            "綑捆",
            "鷄雞鸡",
            "峽峡",
            "册冊",
            "凃塗涂",
            "衞衛卫",
            "粧妝妆",
            "痺痹",
            "簷檐",
            "\u{2F47}日",
            "\u{2F3E}戶户",
            "幺么麼麽",
            "锺鍾钟鐘",
            "𫫇噁恶",
            "迳逕径",
            "鲇鲶鮎鯰",
            "甦苏蘇",
            "昵暱",
            "𣨼殢",
        ];
        for group in groups {
            let first = group.chars().next().unwrap();
            let want = fold_char(first);
            for c in group.chars() {
                assert_eq!(
                    fold_char(c),
                    want,
                    "{c} (U+{:04X}) vs {first} in {group}",
                    c as u32
                );
            }
            // The representative is itself unchanged.
            assert_eq!(fold_char(want), want);
        }
        assert_eq!(fold_char('里'), '里');
        assert_eq!(fold_char('台'), '台');
    }

    #[test]
    fn simplified_chars_stay() {
        for s in [
            "两岸城市交流",
            "么",
            "才",
            "干",
            "后",
            "发",
            "只",
            "颚",
            "腭",
            "象像",
            "沈沉",
            "坏坯",
            "予豫",
            "欠缺",
            "芸艺",
        ] {
            assert_eq!(fold(s), s);
        }
    }

    /// OpenCC's own test suite (tests/fixtures/opencc-testcases.json: OpenCC 1.4.2's
    /// test/testcases/testcases.json, character-level configs only). A pair (input,
    /// expected output of one config) meets when both fold to the same text. Every pair
    /// that a one-to-one fold can meet without merging characters that must stay apart
    /// does; the others are listed here with the folded characters that still differ.
    #[test]
    fn opencc_testcases_meet() {
        const CONFIGS: [&str; 12] = [
            "s2t", "t2s", "s2tw", "tw2s", "s2hk", "hk2s", "t2tw", "tw2t", "t2hk", "hk2t", "t2jp",
            "jp2t",
        ];
        // (case id, config, differing (folded input char, folded output char), why).
        const LEFT: &[(&str, &str, &str, &str)] = &[
            (
                "BYVoid_OpenCC_PR_1035_s2t",
                "s2t",
                "象像",
                "想象/想像 meet only if 象 (现象, 大象) and 像 (好像, 佛像) merge",
            ),
            (
                "BYVoid_OpenCC_PR_1369_t2x",
                "t2s",
                "沈沉",
                "沈厚 -> 沉厚 is phrase-level; 沈 is a surname and 沈阳, 沉 means sink",
            ),
            ("BYVoid_OpenCC_PR_1369_t2x", "tw2s", "沈沉", "idem"),
            ("BYVoid_OpenCC_PR_1369_t2x", "hk2s", "沈沉", "idem"),
            (
                "t2s_huai_and_pi_phrases",
                "t2s",
                "坏坯",
                "坏 is both 壞 (破坏) and 坯 (坏布 -> 坯布) in one input: conflict",
            ),
            (
                "case_007",
                "jp2t",
                "予豫浜滨糸丝",
                "Japanese 予/浜 are Chinese characters of their own (给予, 沙家浜)",
            ),
            (
                "case_008",
                "jp2t",
                "弁瓣弁辨弁辩駅驿",
                "Japanese 弁 stands for 辨, 辯 and 瓣: conflict",
            ),
            (
                "case_009",
                "jp2t",
                "欠缺缶罐芸艺",
                "欠 -> 缺 in 欠航 but 欠缺 stays: conflict; 芸, 缶 are Chinese characters",
            ),
            ("case_039", "t2jp", "丝糸滨浜豫予", "as case_007"),
            ("case_040", "t2jp", "瓣弁辨弁辩弁驿駅", "as case_008"),
            ("case_041", "t2jp", "缺欠罐缶艺芸", "as case_009"),
        ];
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/opencc-testcases.json"
        );
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut total = 0;
        let mut missed = Vec::new();
        for case in json["cases"].as_array().unwrap() {
            let id = case["id"].as_str().unwrap();
            let input = case["input"].as_str().unwrap();
            for (config, expected) in case["expected"].as_object().unwrap() {
                assert!(CONFIGS.contains(&config.as_str()), "{id}: config {config}");
                let expected = expected.as_str().unwrap();
                total += 1;
                let (a, b) = (fold(input), fold(expected));
                if a == b {
                    continue;
                }
                // Same length in every case of this suite; a different length would
                // be out of reach of a 1:1 fold and is reported as such.
                let diff: String = if a.chars().count() == b.chars().count() {
                    let mut pairs: Vec<(char, char)> =
                        a.chars().zip(b.chars()).filter(|(x, y)| x != y).collect();
                    pairs.sort_unstable();
                    pairs.dedup();
                    pairs.iter().flat_map(|&(x, y)| [x, y]).collect()
                } else {
                    "different length".to_string()
                };
                missed.push((id.to_string(), config.clone(), diff));
            }
        }
        let want: Vec<(String, String, String)> = LEFT
            .iter()
            .map(|&(id, config, diff, _why)| (id.into(), config.into(), diff.into()))
            .collect();
        missed.sort();
        let mut want_sorted = want.clone();
        want_sorted.sort();
        assert_eq!(missed, want_sorted, "pairs that do not meet");
        assert_eq!(total, 399, "character-level pairs in the fixture");
        assert_eq!(total - missed.len(), 388);
        println!("{} of {total} OpenCC pairs meet", total - missed.len());
    }

    #[test]
    fn ascii_and_full_width() {
        for b in 0u8..0x80 {
            let c = char::from(b);
            assert_eq!(fold_char(c), c.to_ascii_lowercase());
        }
        for u in 0xFF01u32..=0xFF5E {
            let c = char::from_u32(u).unwrap();
            let ascii = char::from_u32(u - 0xFEE0).unwrap();
            assert_eq!(fold_char(c), ascii.to_ascii_lowercase(), "U+{u:04X}");
        }
        assert_eq!(fold("Ａｂｃ１２３！？　ＸＹＺ"), "abc123!? xyz");
    }

    #[test]
    fn other_letters_lowercase_when_single_char() {
        assert_eq!(fold("ÉCOLE ΑΘΗΝΑ МОСКВА"), "école αθηνα москва");
        // 'İ' lower-cases to two chars: left alone, length kept.
        assert_eq!(fold_char('İ'), 'İ');
        assert_eq!(fold_char('ß'), 'ß');
        assert_eq!(fold_char('\u{212A}'), 'k'); // KELVIN SIGN
        assert_eq!(fold_char('\u{10400}'), '\u{10428}'); // DESERET
        assert_eq!(fold_char('\u{1E900}'), '\u{1E922}'); // ADLAM
    }

    #[test]
    fn lowercase_ranges_are_complete() {
        for u in 0..=0x10_FFFFu32 {
            let Some(c) = char::from_u32(u) else { continue };
            let cased_range =
                u < 0x2E80 || (0xA640..0xAC00).contains(&u) || (0x1_0000..0x2_0000).contains(&u);
            if !cased_range && !(0xFF21..=0xFF3A).contains(&u) {
                assert!(
                    c.to_lowercase().eq(std::iter::once(c)),
                    "U+{u:04X} has a lower-case mapping outside the checked ranges"
                );
            }
        }
    }

    #[test]
    fn table_pairs_are_applied_and_fixed() {
        for &(from, to) in FOLD_PAIRS.iter() {
            let k = char::from_u32(from).unwrap();
            let v = char::from_u32(to).unwrap();
            assert_eq!(fold_char(k), v, "U+{from:04X}");
            assert_eq!(fold_char(v), v, "U+{to:04X} is not a fixed point");
            assert_eq!(fold_char(fold_char(k)), fold_char(k));
        }
    }

    #[test]
    fn idempotent_for_every_char() {
        for u in 0..=0x10_FFFFu32 {
            let Some(c) = char::from_u32(u) else { continue };
            let f = fold_char(c);
            assert_eq!(fold_char(f), f, "U+{u:04X} -> U+{:04X}", f as u32);
        }
    }

    #[test]
    fn random_strings_keep_char_count() {
        // xorshift64*: deterministic, no extra dependency.
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            state.wrapping_mul(0x2545_F491_4F6C_DD1D)
        };
        for _ in 0..2000 {
            let len = (next() % 40) as usize;
            let mut s = String::new();
            for _ in 0..len {
                let r = next();
                let u = match r % 5 {
                    0 => (r >> 8) as u32 % 0x80,
                    1 => 0xFF00 + (r >> 8) as u32 % 0x100,
                    2 => FOLD_PAIRS[(r >> 8) as usize % FOLD_PAIRS.len()].0,
                    3 => 0x4E00 + (r >> 8) as u32 % 0x5200,
                    _ => (r >> 8) as u32 % 0x11_0000,
                };
                s.push(char::from_u32(u).unwrap_or('\u{FFFD}'));
            }
            let f = fold(&s);
            assert_eq!(f.chars().count(), s.chars().count());
            assert!(f.chars().eq(s.chars().map(fold_char)));
            assert_eq!(fold(&f), f);
        }
    }

    #[test]
    fn fold_into_appends() {
        let mut buf = String::from("x:");
        fold_into("ＡＢ臺", &mut buf);
        assert_eq!(buf, "x:ab台");
    }

    /// `cargo test --release --lib fold::tests::bench_fold -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn bench_fold() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/corpus/taipei-shanghai-city-exchange-2017.txt"
        );
        let one = std::fs::read_to_string(path).unwrap();
        let text = one.repeat(50_000_000 / one.len() + 1);
        let mb = text.len() as f64 / 1e6;
        let mut out = String::with_capacity(text.len());
        let mut best = f64::INFINITY;
        for _ in 0..5 {
            out.clear();
            let t = std::time::Instant::now();
            fold_into(&text, &mut out);
            best = best.min(t.elapsed().as_secs_f64());
            assert_eq!(out.chars().count(), text.chars().count());
        }
        let t = std::time::Instant::now();
        out.clear();
        for c in text.chars() {
            out.push(c);
        }
        let copy_secs = t.elapsed().as_secs_f64();
        println!(
            "fold_into: {mb:.1} MB in {:.1} ms = {:.0} MB/s (plain char copy: {:.0} MB/s)",
            best * 1e3,
            mb / best,
            mb / copy_secs
        );
    }
}
