//! Bytes → text.
//!
//! In: the raw bytes of one plain-text file (a research report as exported by
//! whatever tool produced it) and, optionally, an encoding label forced by the
//! user (`--encoding cp950` and the like).
//!
//! Out: a [`Decoded`] holding the text as a Rust `String` (line endings and
//! every other character kept exactly as decoded: CRLF/CR are not touched, no
//! Unicode normalization), the canonical lowercase name of the encoding that
//! was used (`"utf-8"`, `"big5"`, `"gbk"`, `"gb18030"`, `"utf-16le"`,
//! `"utf-16be"`, …) and the number of U+FFFD replacement characters in the
//! text; or a [`DecodeError`] when the file is empty, looks binary, or the
//! forced label is unknown.
//!
//! Auto-detection order (no forced label):
//! 1. byte-order mark (UTF-8, UTF-16LE, UTF-16BE);
//! 2. magic numbers of common binary formats → refused;
//! 3. NUL bytes → UTF-16 without BOM if the first 4 KB read as text in one
//!    byte order, otherwise refused as binary;
//! 4. too many C0 control bytes in the first 64 KB → refused;
//! 5. strict UTF-8;
//! 6. `chardetng` on the first 64 KB without a TLD hint; if that guess is
//!    neither Big5 nor GBK, a second guess with the `tw` hint (never `cn`:
//!    Big5 bytes are nearly always valid GBK).
//!
//! After decoding, empty/whitespace-only text is [`DecodeError::Empty`] and a
//! text that is more than 20% U+FFFD is refused as binary.
//!
//! Everything is linear in the input size; detection only looks at a prefix.
//! [`fold_compat_ideograph`] is a small helper for the indexer: it maps CJK
//! compatibility ideographs (U+F900–U+FAFF) to their unified ideographs.

use std::borrow::Cow;
use std::fmt;

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{BIG5, Encoding, GB18030, GBK, SHIFT_JIS, UTF_8, UTF_16BE, UTF_16LE};

/// How much of the input the statistical detector and the control-byte check look at.
const SNIFF_LEN: usize = 64 * 1024;
/// How much of the input the UTF-16-without-BOM check decodes.
const UTF16_PROBE_LEN: usize = 4 * 1024;
/// Minimum share (in percent) of plausible text characters for UTF-16 without BOM.
const UTF16_MIN_GOOD_PERCENT: usize = 85;

/// The decoded text of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, exactly as decoded (line endings untouched).
    pub text: String,
    /// Canonical lowercase encoding name: "utf-8", "big5", "gbk", "gb18030",
    /// "utf-16le", "utf-16be", or another lowercased encoding_rs name.
    pub encoding: String,
    /// Number of U+FFFD characters in `text` (produced by decoding errors, or
    /// already present in the input).
    pub replacements: usize,
}

/// Why a file could not be turned into text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// No bytes, or nothing but whitespace once decoded.
    Empty,
    /// The bytes do not look like text; the string says why.
    Binary(String),
    /// The forced encoding label is not known.
    UnknownEncoding(String),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Empty => f.write_str("empty file"),
            DecodeError::Binary(reason) => write!(f, "binary file ({reason})"),
            DecodeError::UnknownEncoding(label) => write!(f, "unknown encoding label '{label}'"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Looks up an encoding label: every label encoding_rs knows (WHATWG labels,
/// case-insensitive, surrounding whitespace ignored) plus common aliases
/// (`cp950`, `big5-hkscs` → Big5; `cp936`, `ms936`, `windows-936` → GBK;
/// `utf16le`, `utf_16_le` … → UTF-16). Python-style underscores are accepted
/// in place of hyphens.
///
/// Labels that encoding_rs maps to its "replacement" encoding (`hz-gb-2312`,
/// `iso-2022-kr`, …) return `None`: decoding with it yields a single U+FFFD.
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    let label = label.trim();
    if let Some(enc) = Encoding::for_label_no_replacement(label.as_bytes()) {
        return Some(enc);
    }
    let norm = label.to_ascii_lowercase().replace('_', "-");
    if let Some(enc) = Encoding::for_label_no_replacement(norm.as_bytes()) {
        return Some(enc);
    }
    let enc = match norm.as_str() {
        "cp950" | "ms950" | "windows-950" | "x-windows-950" | "big5-hkscs" | "big5hkscs"
        | "big5-tw" | "big5tw" | "csbig5hkscs" => BIG5,
        "cp936" | "ms936" | "windows-936" | "x-windows-936" | "euc-cn" | "euccn" => GBK,
        "cp54936" | "windows-54936" | "gb-18030" => GB18030,
        "utf16le" | "utf-16-le" | "cp1200" => UTF_16LE,
        "utf16be" | "utf-16-be" | "cp1201" | "unicodefffe" => UTF_16BE,
        "utf16" => UTF_16LE,
        "utf-8-sig" | "utf8-sig" | "cp65001" => UTF_8,
        _ => return None,
    };
    Some(enc)
}

/// Decodes the bytes of one file; see the module documentation for the rules.
pub fn decode(bytes: &[u8], forced_label: Option<&str>) -> Result<Decoded, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    if let Some(label) = forced_label {
        let enc = encoding_for_label(label)
            .ok_or_else(|| DecodeError::UnknownEncoding(label.trim().to_string()))?;
        return decode_forced(bytes, enc);
    }

    // 1. Byte-order mark.
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let body = &bytes[bom_len..];
        if enc == UTF_8 {
            refuse_binary(body)?;
        }
        return finish(enc.decode_without_bom_handling(body).0, canonical_name(enc));
    }

    // 2. Well-known binary formats.
    if let Some(kind) = binary_signature(bytes) {
        return Err(DecodeError::Binary(kind.to_string()));
    }

    // 3. NUL bytes: UTF-16 without BOM, or binary. UTF-8 text with stray NULs would
    //    otherwise often read as "plausible" CJK in UTF-16, and no UTF-16 text holds
    //    U+0000 (a run of NUL padding does).
    if memchr_nul(bytes) {
        if has_stray_nuls(bytes) {
            return Err(nul_error());
        }
        return match sniff_utf16(bytes) {
            Some(enc) if !has_nul_unit(bytes) => finish(
                enc.decode_without_bom_handling(bytes).0,
                canonical_name(enc),
            ),
            _ => Err(nul_error()),
        };
    }

    // 4. Control bytes.
    refuse_controls(bytes)?;

    // 5. Strict UTF-8.
    if let Ok(text) = std::str::from_utf8(bytes) {
        return finish(Cow::Borrowed(text), "utf-8".to_string());
    }

    // 6. Statistical detection.
    let enc = guess_legacy(bytes);
    decode_legacy(bytes, enc)
}

/// Decoding with a label the user forced: the matching BOM is stripped, the
/// binary checks still apply (except the NUL check for UTF-16).
fn decode_forced(bytes: &[u8], enc: &'static Encoding) -> Result<Decoded, DecodeError> {
    let body = match Encoding::for_bom(bytes) {
        Some((bom_enc, bom_len)) if bom_enc == enc => &bytes[bom_len..],
        _ => bytes,
    };
    if enc == UTF_16LE || enc == UTF_16BE {
        if let Some(kind) = binary_signature(body) {
            return Err(DecodeError::Binary(kind.to_string()));
        }
    } else {
        refuse_binary(body)?;
    }
    finish(enc.decode_without_bom_handling(body).0, canonical_name(enc))
}

/// Decodes with a legacy encoding guessed by chardetng. encoding_rs decodes
/// GBK with the GB18030 decoder (WHATWG), so a GBK guess yields the same text
/// either way; the name reported is "gb18030" only when the input actually
/// uses GB18030 four-byte sequences, "gbk" otherwise.
fn decode_legacy(bytes: &[u8], enc: &'static Encoding) -> Result<Decoded, DecodeError> {
    if enc == GBK || enc == GB18030 {
        let name = if has_gb18030_four_byte(bytes) {
            "gb18030"
        } else {
            "gbk"
        };
        return finish(
            GB18030.decode_without_bom_handling(bytes).0,
            name.to_string(),
        );
    }
    finish(
        enc.decode_without_bom_handling(bytes).0,
        canonical_name(enc),
    )
}

/// chardetng on the first 64 KB: first without a TLD hint, then (unless the
/// first guess is already Big5 or GBK) with the `tw` hint.
fn guess_legacy(bytes: &[u8]) -> &'static Encoding {
    let prefix = &bytes[..bytes.len().min(SNIFF_LEN)];
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(prefix, prefix.len() == bytes.len());
    let first = detector.guess(None, Utf8Detection::Allow);
    if first == BIG5 || first == GBK {
        return first;
    }
    // Japanese stays Japanese (the `tw` guess would read it as GBK mojibake) when it reads
    // as kana-rich text: Big5 and GBK bytes never give Shift_JIS kana in such numbers.
    if first == SHIFT_JIS && reads_as_japanese(prefix) {
        return first;
    }
    detector.guess(Some(b"tw"), Utf8Detection::Allow)
}

/// Whether `prefix` decodes as Shift_JIS without errors into text whose non-ASCII characters
/// are at least 20% hiragana/katakana (Japanese prose is 30–60%).
fn reads_as_japanese(prefix: &[u8]) -> bool {
    let (text, _, _) = SHIFT_JIS.decode(prefix);
    let (mut kana, mut non_ascii, mut bad) = (0usize, 0usize, 0usize);
    for c in text.chars() {
        match c {
            '\u{3041}'..='\u{30FF}' => kana += 1,
            '\u{FFFD}' => bad += 1,
            _ => {}
        }
        if !c.is_ascii() {
            non_ascii += 1;
        }
    }
    // One replacement allowed: the prefix may cut a character.
    bad <= 1 && non_ascii > 0 && kana * 5 >= non_ascii
}

/// Final checks shared by every path: empty text, share of U+FFFD.
fn finish(text: Cow<'_, str>, encoding: String) -> Result<Decoded, DecodeError> {
    if text.trim().is_empty() {
        return Err(DecodeError::Empty);
    }
    let replacements = text.matches('\u{FFFD}').count();
    if replacements > 0 {
        let chars = text.chars().count();
        if replacements.saturating_mul(5) > chars {
            return Err(DecodeError::Binary("mostly undecodable bytes".to_string()));
        }
    }
    Ok(Decoded {
        text: text.into_owned(),
        encoding,
        replacements,
    })
}

/// Canonical lowercase name of an encoding_rs encoding ("UTF-8" → "utf-8",
/// "Big5" → "big5", "UTF-16LE" → "utf-16le", …).
fn canonical_name(enc: &'static Encoding) -> String {
    enc.name().to_ascii_lowercase()
}

/// All binary checks for input that is not UTF-16: signatures, NUL bytes,
/// share of control bytes.
fn refuse_binary(bytes: &[u8]) -> Result<(), DecodeError> {
    if let Some(kind) = binary_signature(bytes) {
        return Err(DecodeError::Binary(kind.to_string()));
    }
    if memchr_nul(bytes) {
        return Err(nul_error());
    }
    refuse_controls(bytes)
}

fn nul_error() -> DecodeError {
    DecodeError::Binary("contains NUL bytes".to_string())
}

/// 8-bit text with NULs in it, not UTF-16: the first 64 KB without their NULs are UTF-8 and
/// either hold non-ASCII characters (UTF-16 CJK almost never reads as UTF-8) or are ASCII
/// with far fewer NULs than UTF-16 would have (one per character).
fn has_stray_nuls(bytes: &[u8]) -> bool {
    let prefix = &bytes[..bytes.len().min(SNIFF_LEN)];
    let stripped: Vec<u8> = prefix.iter().copied().filter(|&b| b != 0).collect();
    let utf8 = match std::str::from_utf8(&stripped) {
        Ok(_) => true,
        // Cut inside a character at the end of the prefix.
        Err(e) => e.error_len().is_none(),
    };
    if !utf8 {
        return false;
    }
    let nuls = prefix.len() - stripped.len();
    stripped.iter().any(|&b| b >= 0x80) || nuls * 3 < prefix.len()
}

/// A U+0000 code unit in either byte order: never in UTF-16 text.
fn has_nul_unit(bytes: &[u8]) -> bool {
    bytes.chunks_exact(2).any(|p| p == [0, 0])
}

fn memchr_nul(bytes: &[u8]) -> bool {
    // `<[u8]>::contains` is memchr-backed in std.
    bytes.contains(&0)
}

/// More than 10% of the first 64 KB are C0 controls other than
/// `\t \n \r \x0c \x1b` → binary.
fn refuse_controls(bytes: &[u8]) -> Result<(), DecodeError> {
    let prefix = &bytes[..bytes.len().min(SNIFF_LEN)];
    let controls = prefix
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b))
        .count();
    if controls.saturating_mul(10) > prefix.len() {
        return Err(DecodeError::Binary("too many control bytes".to_string()));
    }
    Ok(())
}

/// Magic numbers of common binary formats, checked at offset 0.
fn binary_signature(bytes: &[u8]) -> Option<&'static str> {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "PNG image"),
        (b"\xFF\xD8\xFF", "JPEG image"),
        (b"GIF87a", "GIF image"),
        (b"GIF89a", "GIF image"),
        (b"PK\x03\x04", "ZIP archive"),
        (b"PK\x05\x06", "ZIP archive"),
        (b"PK\x07\x08", "ZIP archive"),
        (b"\x7FELF", "ELF executable"),
        (b"\x1F\x8B", "gzip data"),
        (b"%PDF", "PDF document"),
        (
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
            "OLE2 compound document",
        ),
        (b"Rar!\x1A\x07", "RAR archive"),
        (b"7z\xBC\xAF\x27\x1C", "7z archive"),
        (b"\xFD7zXZ\x00", "xz data"),
        (b"\x28\xB5\x2F\xFD", "zstd data"),
    ];
    SIGNATURES
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
        .map(|&(_, kind)| kind)
}

/// UTF-16 without BOM: decode the first 4 KB in both byte orders and keep the
/// order that reads as text (mostly ASCII/CJK). `None` if neither does.
fn sniff_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    let probe = &bytes[..bytes.len().min(UTF16_PROBE_LEN) & !1];
    if probe.is_empty() {
        return None;
    }
    let le = Utf16Score::of(probe, u16::from_le_bytes);
    let be = Utf16Score::of(probe, u16::from_be_bytes);
    // ASCII counts twice: "a\0" is 'a' one way and U+6100 (a CJK
    // ideograph, also "plausible") the other way.
    let (enc, best) = if be.rank() > le.rank() {
        (UTF_16BE, be)
    } else {
        (UTF_16LE, le)
    };
    (best.total > 0 && best.good * 100 >= best.total * UTF16_MIN_GOOD_PERCENT).then_some(enc)
}

#[derive(Debug, Default, Clone, Copy)]
struct Utf16Score {
    total: usize,
    good: usize,
    ascii: usize,
}

impl Utf16Score {
    fn of(probe: &[u8], unit: fn([u8; 2]) -> u16) -> Self {
        let units = probe.chunks_exact(2).map(|p| unit([p[0], p[1]]));
        let mut score = Utf16Score::default();
        for c in char::decode_utf16(units) {
            score.total += 1;
            if let Ok(c) = c {
                if matches!(c, '\t' | '\n' | '\x0c' | '\r' | ' '..='~') {
                    score.ascii += 1;
                    score.good += 1;
                } else if is_plausible_text_char(c) {
                    score.good += 1;
                }
            }
        }
        score
    }

    fn rank(&self) -> usize {
        self.good + self.ascii
    }
}

/// Non-ASCII characters expected in Chinese reports (and a little beyond).
fn is_plausible_text_char(c: char) -> bool {
    matches!(c as u32,
        0x00A0..=0x024F       // Latin-1 supplement, Latin Extended-A/B
        | 0x0370..=0x052F     // Greek, Cyrillic
        | 0x2000..=0x2BFF     // punctuation, letterlike, arrows, math, boxes, enclosed
        | 0x2E80..=0x2FDF     // CJK radicals, Kangxi radicals
        | 0x3000..=0x9FFF     // CJK symbols, kana, bopomofo, Ext A, unified ideographs
        | 0xAC00..=0xD7A3     // Hangul syllables
        | 0xF900..=0xFAFF     // CJK compatibility ideographs
        | 0xFE10..=0xFE1F     // vertical forms
        | 0xFE30..=0xFE6F     // CJK compatibility forms, small forms
        | 0xFEFF              // zero-width no-break space
        | 0xFF00..=0xFFEF     // half-width and full-width forms
        | 0x20000..=0x3FFFF   // supplementary ideographic planes
    )
}

/// Whether the bytes contain a well-formed GB18030 four-byte sequence
/// (`[81-FE][30-39][81-FE][30-39]`), i.e. something GBK cannot express.
/// Walks the input as GB18030 so that trail bytes are not taken for leads.
fn has_gb18030_four_byte(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !(0x81..=0xFE).contains(&b) {
            i += 1;
            continue;
        }
        match bytes.get(i + 1) {
            Some(0x30..=0x39) => {
                if matches!(bytes.get(i + 2), Some(0x81..=0xFE))
                    && matches!(bytes.get(i + 3), Some(0x30..=0x39))
                {
                    return true;
                }
                i += 1;
            }
            Some(0x40..=0x7E | 0x80..=0xFE) => i += 2,
            _ => i += 1,
        }
    }
    false
}

/// Maps a CJK compatibility ideograph (U+F900–U+FAFF) to the unified
/// ideograph it canonically decomposes to (e.g. U+F900 豈 → U+8C48 豈).
/// Every other character, including the twelve unified ideographs that live
/// in that block (U+FA0E 﨎 …), is returned unchanged.
pub fn fold_compat_ideograph(c: char) -> char {
    let cp = c as u32;
    if !(0xF900..=0xFAFF).contains(&cp) {
        return c;
    }
    let key = cp as u16;
    match COMPAT.binary_search_by_key(&key, |&(k, _)| k) {
        Ok(i) => COMPAT[i].1,
        Err(_) => c,
    }
}

/// Canonical decompositions of the CJK compatibility ideographs U+F900–U+FAFF
/// (code point, unified ideograph), sorted by code point. Generated with
/// Python 3.11.7 (`unicodedata.unidata_version` 14.0.0): every code point in
/// the range whose `unicodedata.normalize('NFD', ch)` is a different single
/// character. These decompositions are frozen by Unicode's normalization
/// stability policy.
#[rustfmt::skip]
static COMPAT: [(u16, char); 460] = [
    (0xF900, '\u{8C48}'), (0xF901, '\u{66F4}'), (0xF902, '\u{8ECA}'), (0xF903, '\u{8CC8}'),
    (0xF904, '\u{6ED1}'), (0xF905, '\u{4E32}'), (0xF906, '\u{53E5}'), (0xF907, '\u{9F9C}'),
    (0xF908, '\u{9F9C}'), (0xF909, '\u{5951}'), (0xF90A, '\u{91D1}'), (0xF90B, '\u{5587}'),
    (0xF90C, '\u{5948}'), (0xF90D, '\u{61F6}'), (0xF90E, '\u{7669}'), (0xF90F, '\u{7F85}'),
    (0xF910, '\u{863F}'), (0xF911, '\u{87BA}'), (0xF912, '\u{88F8}'), (0xF913, '\u{908F}'),
    (0xF914, '\u{6A02}'), (0xF915, '\u{6D1B}'), (0xF916, '\u{70D9}'), (0xF917, '\u{73DE}'),
    (0xF918, '\u{843D}'), (0xF919, '\u{916A}'), (0xF91A, '\u{99F1}'), (0xF91B, '\u{4E82}'),
    (0xF91C, '\u{5375}'), (0xF91D, '\u{6B04}'), (0xF91E, '\u{721B}'), (0xF91F, '\u{862D}'),
    (0xF920, '\u{9E1E}'), (0xF921, '\u{5D50}'), (0xF922, '\u{6FEB}'), (0xF923, '\u{85CD}'),
    (0xF924, '\u{8964}'), (0xF925, '\u{62C9}'), (0xF926, '\u{81D8}'), (0xF927, '\u{881F}'),
    (0xF928, '\u{5ECA}'), (0xF929, '\u{6717}'), (0xF92A, '\u{6D6A}'), (0xF92B, '\u{72FC}'),
    (0xF92C, '\u{90CE}'), (0xF92D, '\u{4F86}'), (0xF92E, '\u{51B7}'), (0xF92F, '\u{52DE}'),
    (0xF930, '\u{64C4}'), (0xF931, '\u{6AD3}'), (0xF932, '\u{7210}'), (0xF933, '\u{76E7}'),
    (0xF934, '\u{8001}'), (0xF935, '\u{8606}'), (0xF936, '\u{865C}'), (0xF937, '\u{8DEF}'),
    (0xF938, '\u{9732}'), (0xF939, '\u{9B6F}'), (0xF93A, '\u{9DFA}'), (0xF93B, '\u{788C}'),
    (0xF93C, '\u{797F}'), (0xF93D, '\u{7DA0}'), (0xF93E, '\u{83C9}'), (0xF93F, '\u{9304}'),
    (0xF940, '\u{9E7F}'), (0xF941, '\u{8AD6}'), (0xF942, '\u{58DF}'), (0xF943, '\u{5F04}'),
    (0xF944, '\u{7C60}'), (0xF945, '\u{807E}'), (0xF946, '\u{7262}'), (0xF947, '\u{78CA}'),
    (0xF948, '\u{8CC2}'), (0xF949, '\u{96F7}'), (0xF94A, '\u{58D8}'), (0xF94B, '\u{5C62}'),
    (0xF94C, '\u{6A13}'), (0xF94D, '\u{6DDA}'), (0xF94E, '\u{6F0F}'), (0xF94F, '\u{7D2F}'),
    (0xF950, '\u{7E37}'), (0xF951, '\u{964B}'), (0xF952, '\u{52D2}'), (0xF953, '\u{808B}'),
    (0xF954, '\u{51DC}'), (0xF955, '\u{51CC}'), (0xF956, '\u{7A1C}'), (0xF957, '\u{7DBE}'),
    (0xF958, '\u{83F1}'), (0xF959, '\u{9675}'), (0xF95A, '\u{8B80}'), (0xF95B, '\u{62CF}'),
    (0xF95C, '\u{6A02}'), (0xF95D, '\u{8AFE}'), (0xF95E, '\u{4E39}'), (0xF95F, '\u{5BE7}'),
    (0xF960, '\u{6012}'), (0xF961, '\u{7387}'), (0xF962, '\u{7570}'), (0xF963, '\u{5317}'),
    (0xF964, '\u{78FB}'), (0xF965, '\u{4FBF}'), (0xF966, '\u{5FA9}'), (0xF967, '\u{4E0D}'),
    (0xF968, '\u{6CCC}'), (0xF969, '\u{6578}'), (0xF96A, '\u{7D22}'), (0xF96B, '\u{53C3}'),
    (0xF96C, '\u{585E}'), (0xF96D, '\u{7701}'), (0xF96E, '\u{8449}'), (0xF96F, '\u{8AAA}'),
    (0xF970, '\u{6BBA}'), (0xF971, '\u{8FB0}'), (0xF972, '\u{6C88}'), (0xF973, '\u{62FE}'),
    (0xF974, '\u{82E5}'), (0xF975, '\u{63A0}'), (0xF976, '\u{7565}'), (0xF977, '\u{4EAE}'),
    (0xF978, '\u{5169}'), (0xF979, '\u{51C9}'), (0xF97A, '\u{6881}'), (0xF97B, '\u{7CE7}'),
    (0xF97C, '\u{826F}'), (0xF97D, '\u{8AD2}'), (0xF97E, '\u{91CF}'), (0xF97F, '\u{52F5}'),
    (0xF980, '\u{5442}'), (0xF981, '\u{5973}'), (0xF982, '\u{5EEC}'), (0xF983, '\u{65C5}'),
    (0xF984, '\u{6FFE}'), (0xF985, '\u{792A}'), (0xF986, '\u{95AD}'), (0xF987, '\u{9A6A}'),
    (0xF988, '\u{9E97}'), (0xF989, '\u{9ECE}'), (0xF98A, '\u{529B}'), (0xF98B, '\u{66C6}'),
    (0xF98C, '\u{6B77}'), (0xF98D, '\u{8F62}'), (0xF98E, '\u{5E74}'), (0xF98F, '\u{6190}'),
    (0xF990, '\u{6200}'), (0xF991, '\u{649A}'), (0xF992, '\u{6F23}'), (0xF993, '\u{7149}'),
    (0xF994, '\u{7489}'), (0xF995, '\u{79CA}'), (0xF996, '\u{7DF4}'), (0xF997, '\u{806F}'),
    (0xF998, '\u{8F26}'), (0xF999, '\u{84EE}'), (0xF99A, '\u{9023}'), (0xF99B, '\u{934A}'),
    (0xF99C, '\u{5217}'), (0xF99D, '\u{52A3}'), (0xF99E, '\u{54BD}'), (0xF99F, '\u{70C8}'),
    (0xF9A0, '\u{88C2}'), (0xF9A1, '\u{8AAA}'), (0xF9A2, '\u{5EC9}'), (0xF9A3, '\u{5FF5}'),
    (0xF9A4, '\u{637B}'), (0xF9A5, '\u{6BAE}'), (0xF9A6, '\u{7C3E}'), (0xF9A7, '\u{7375}'),
    (0xF9A8, '\u{4EE4}'), (0xF9A9, '\u{56F9}'), (0xF9AA, '\u{5BE7}'), (0xF9AB, '\u{5DBA}'),
    (0xF9AC, '\u{601C}'), (0xF9AD, '\u{73B2}'), (0xF9AE, '\u{7469}'), (0xF9AF, '\u{7F9A}'),
    (0xF9B0, '\u{8046}'), (0xF9B1, '\u{9234}'), (0xF9B2, '\u{96F6}'), (0xF9B3, '\u{9748}'),
    (0xF9B4, '\u{9818}'), (0xF9B5, '\u{4F8B}'), (0xF9B6, '\u{79AE}'), (0xF9B7, '\u{91B4}'),
    (0xF9B8, '\u{96B8}'), (0xF9B9, '\u{60E1}'), (0xF9BA, '\u{4E86}'), (0xF9BB, '\u{50DA}'),
    (0xF9BC, '\u{5BEE}'), (0xF9BD, '\u{5C3F}'), (0xF9BE, '\u{6599}'), (0xF9BF, '\u{6A02}'),
    (0xF9C0, '\u{71CE}'), (0xF9C1, '\u{7642}'), (0xF9C2, '\u{84FC}'), (0xF9C3, '\u{907C}'),
    (0xF9C4, '\u{9F8D}'), (0xF9C5, '\u{6688}'), (0xF9C6, '\u{962E}'), (0xF9C7, '\u{5289}'),
    (0xF9C8, '\u{677B}'), (0xF9C9, '\u{67F3}'), (0xF9CA, '\u{6D41}'), (0xF9CB, '\u{6E9C}'),
    (0xF9CC, '\u{7409}'), (0xF9CD, '\u{7559}'), (0xF9CE, '\u{786B}'), (0xF9CF, '\u{7D10}'),
    (0xF9D0, '\u{985E}'), (0xF9D1, '\u{516D}'), (0xF9D2, '\u{622E}'), (0xF9D3, '\u{9678}'),
    (0xF9D4, '\u{502B}'), (0xF9D5, '\u{5D19}'), (0xF9D6, '\u{6DEA}'), (0xF9D7, '\u{8F2A}'),
    (0xF9D8, '\u{5F8B}'), (0xF9D9, '\u{6144}'), (0xF9DA, '\u{6817}'), (0xF9DB, '\u{7387}'),
    (0xF9DC, '\u{9686}'), (0xF9DD, '\u{5229}'), (0xF9DE, '\u{540F}'), (0xF9DF, '\u{5C65}'),
    (0xF9E0, '\u{6613}'), (0xF9E1, '\u{674E}'), (0xF9E2, '\u{68A8}'), (0xF9E3, '\u{6CE5}'),
    (0xF9E4, '\u{7406}'), (0xF9E5, '\u{75E2}'), (0xF9E6, '\u{7F79}'), (0xF9E7, '\u{88CF}'),
    (0xF9E8, '\u{88E1}'), (0xF9E9, '\u{91CC}'), (0xF9EA, '\u{96E2}'), (0xF9EB, '\u{533F}'),
    (0xF9EC, '\u{6EBA}'), (0xF9ED, '\u{541D}'), (0xF9EE, '\u{71D0}'), (0xF9EF, '\u{7498}'),
    (0xF9F0, '\u{85FA}'), (0xF9F1, '\u{96A3}'), (0xF9F2, '\u{9C57}'), (0xF9F3, '\u{9E9F}'),
    (0xF9F4, '\u{6797}'), (0xF9F5, '\u{6DCB}'), (0xF9F6, '\u{81E8}'), (0xF9F7, '\u{7ACB}'),
    (0xF9F8, '\u{7B20}'), (0xF9F9, '\u{7C92}'), (0xF9FA, '\u{72C0}'), (0xF9FB, '\u{7099}'),
    (0xF9FC, '\u{8B58}'), (0xF9FD, '\u{4EC0}'), (0xF9FE, '\u{8336}'), (0xF9FF, '\u{523A}'),
    (0xFA00, '\u{5207}'), (0xFA01, '\u{5EA6}'), (0xFA02, '\u{62D3}'), (0xFA03, '\u{7CD6}'),
    (0xFA04, '\u{5B85}'), (0xFA05, '\u{6D1E}'), (0xFA06, '\u{66B4}'), (0xFA07, '\u{8F3B}'),
    (0xFA08, '\u{884C}'), (0xFA09, '\u{964D}'), (0xFA0A, '\u{898B}'), (0xFA0B, '\u{5ED3}'),
    (0xFA0C, '\u{5140}'), (0xFA0D, '\u{55C0}'), (0xFA10, '\u{585A}'), (0xFA12, '\u{6674}'),
    (0xFA15, '\u{51DE}'), (0xFA16, '\u{732A}'), (0xFA17, '\u{76CA}'), (0xFA18, '\u{793C}'),
    (0xFA19, '\u{795E}'), (0xFA1A, '\u{7965}'), (0xFA1B, '\u{798F}'), (0xFA1C, '\u{9756}'),
    (0xFA1D, '\u{7CBE}'), (0xFA1E, '\u{7FBD}'), (0xFA20, '\u{8612}'), (0xFA22, '\u{8AF8}'),
    (0xFA25, '\u{9038}'), (0xFA26, '\u{90FD}'), (0xFA2A, '\u{98EF}'), (0xFA2B, '\u{98FC}'),
    (0xFA2C, '\u{9928}'), (0xFA2D, '\u{9DB4}'), (0xFA2E, '\u{90DE}'), (0xFA2F, '\u{96B7}'),
    (0xFA30, '\u{4FAE}'), (0xFA31, '\u{50E7}'), (0xFA32, '\u{514D}'), (0xFA33, '\u{52C9}'),
    (0xFA34, '\u{52E4}'), (0xFA35, '\u{5351}'), (0xFA36, '\u{559D}'), (0xFA37, '\u{5606}'),
    (0xFA38, '\u{5668}'), (0xFA39, '\u{5840}'), (0xFA3A, '\u{58A8}'), (0xFA3B, '\u{5C64}'),
    (0xFA3C, '\u{5C6E}'), (0xFA3D, '\u{6094}'), (0xFA3E, '\u{6168}'), (0xFA3F, '\u{618E}'),
    (0xFA40, '\u{61F2}'), (0xFA41, '\u{654F}'), (0xFA42, '\u{65E2}'), (0xFA43, '\u{6691}'),
    (0xFA44, '\u{6885}'), (0xFA45, '\u{6D77}'), (0xFA46, '\u{6E1A}'), (0xFA47, '\u{6F22}'),
    (0xFA48, '\u{716E}'), (0xFA49, '\u{722B}'), (0xFA4A, '\u{7422}'), (0xFA4B, '\u{7891}'),
    (0xFA4C, '\u{793E}'), (0xFA4D, '\u{7949}'), (0xFA4E, '\u{7948}'), (0xFA4F, '\u{7950}'),
    (0xFA50, '\u{7956}'), (0xFA51, '\u{795D}'), (0xFA52, '\u{798D}'), (0xFA53, '\u{798E}'),
    (0xFA54, '\u{7A40}'), (0xFA55, '\u{7A81}'), (0xFA56, '\u{7BC0}'), (0xFA57, '\u{7DF4}'),
    (0xFA58, '\u{7E09}'), (0xFA59, '\u{7E41}'), (0xFA5A, '\u{7F72}'), (0xFA5B, '\u{8005}'),
    (0xFA5C, '\u{81ED}'), (0xFA5D, '\u{8279}'), (0xFA5E, '\u{8279}'), (0xFA5F, '\u{8457}'),
    (0xFA60, '\u{8910}'), (0xFA61, '\u{8996}'), (0xFA62, '\u{8B01}'), (0xFA63, '\u{8B39}'),
    (0xFA64, '\u{8CD3}'), (0xFA65, '\u{8D08}'), (0xFA66, '\u{8FB6}'), (0xFA67, '\u{9038}'),
    (0xFA68, '\u{96E3}'), (0xFA69, '\u{97FF}'), (0xFA6A, '\u{983B}'), (0xFA6B, '\u{6075}'),
    (0xFA6C, '\u{242EE}'), (0xFA6D, '\u{8218}'), (0xFA70, '\u{4E26}'), (0xFA71, '\u{51B5}'),
    (0xFA72, '\u{5168}'), (0xFA73, '\u{4F80}'), (0xFA74, '\u{5145}'), (0xFA75, '\u{5180}'),
    (0xFA76, '\u{52C7}'), (0xFA77, '\u{52FA}'), (0xFA78, '\u{559D}'), (0xFA79, '\u{5555}'),
    (0xFA7A, '\u{5599}'), (0xFA7B, '\u{55E2}'), (0xFA7C, '\u{585A}'), (0xFA7D, '\u{58B3}'),
    (0xFA7E, '\u{5944}'), (0xFA7F, '\u{5954}'), (0xFA80, '\u{5A62}'), (0xFA81, '\u{5B28}'),
    (0xFA82, '\u{5ED2}'), (0xFA83, '\u{5ED9}'), (0xFA84, '\u{5F69}'), (0xFA85, '\u{5FAD}'),
    (0xFA86, '\u{60D8}'), (0xFA87, '\u{614E}'), (0xFA88, '\u{6108}'), (0xFA89, '\u{618E}'),
    (0xFA8A, '\u{6160}'), (0xFA8B, '\u{61F2}'), (0xFA8C, '\u{6234}'), (0xFA8D, '\u{63C4}'),
    (0xFA8E, '\u{641C}'), (0xFA8F, '\u{6452}'), (0xFA90, '\u{6556}'), (0xFA91, '\u{6674}'),
    (0xFA92, '\u{6717}'), (0xFA93, '\u{671B}'), (0xFA94, '\u{6756}'), (0xFA95, '\u{6B79}'),
    (0xFA96, '\u{6BBA}'), (0xFA97, '\u{6D41}'), (0xFA98, '\u{6EDB}'), (0xFA99, '\u{6ECB}'),
    (0xFA9A, '\u{6F22}'), (0xFA9B, '\u{701E}'), (0xFA9C, '\u{716E}'), (0xFA9D, '\u{77A7}'),
    (0xFA9E, '\u{7235}'), (0xFA9F, '\u{72AF}'), (0xFAA0, '\u{732A}'), (0xFAA1, '\u{7471}'),
    (0xFAA2, '\u{7506}'), (0xFAA3, '\u{753B}'), (0xFAA4, '\u{761D}'), (0xFAA5, '\u{761F}'),
    (0xFAA6, '\u{76CA}'), (0xFAA7, '\u{76DB}'), (0xFAA8, '\u{76F4}'), (0xFAA9, '\u{774A}'),
    (0xFAAA, '\u{7740}'), (0xFAAB, '\u{78CC}'), (0xFAAC, '\u{7AB1}'), (0xFAAD, '\u{7BC0}'),
    (0xFAAE, '\u{7C7B}'), (0xFAAF, '\u{7D5B}'), (0xFAB0, '\u{7DF4}'), (0xFAB1, '\u{7F3E}'),
    (0xFAB2, '\u{8005}'), (0xFAB3, '\u{8352}'), (0xFAB4, '\u{83EF}'), (0xFAB5, '\u{8779}'),
    (0xFAB6, '\u{8941}'), (0xFAB7, '\u{8986}'), (0xFAB8, '\u{8996}'), (0xFAB9, '\u{8ABF}'),
    (0xFABA, '\u{8AF8}'), (0xFABB, '\u{8ACB}'), (0xFABC, '\u{8B01}'), (0xFABD, '\u{8AFE}'),
    (0xFABE, '\u{8AED}'), (0xFABF, '\u{8B39}'), (0xFAC0, '\u{8B8A}'), (0xFAC1, '\u{8D08}'),
    (0xFAC2, '\u{8F38}'), (0xFAC3, '\u{9072}'), (0xFAC4, '\u{9199}'), (0xFAC5, '\u{9276}'),
    (0xFAC6, '\u{967C}'), (0xFAC7, '\u{96E3}'), (0xFAC8, '\u{9756}'), (0xFAC9, '\u{97DB}'),
    (0xFACA, '\u{97FF}'), (0xFACB, '\u{980B}'), (0xFACC, '\u{983B}'), (0xFACD, '\u{9B12}'),
    (0xFACE, '\u{9F9C}'), (0xFACF, '\u{2284A}'), (0xFAD0, '\u{22844}'), (0xFAD1, '\u{233D5}'),
    (0xFAD2, '\u{3B9D}'), (0xFAD3, '\u{4018}'), (0xFAD4, '\u{4039}'), (0xFAD5, '\u{25249}'),
    (0xFAD6, '\u{25CD0}'), (0xFAD7, '\u{27ED3}'), (0xFAD8, '\u{9F43}'), (0xFAD9, '\u{9F8E}'),
];

#[cfg(test)]
mod tests {
    use super::*;

    const CORPUS: &str = include_str!("../../corpus/taipei-shanghai-city-exchange-2017.txt");

    /// About `max_bytes` of the Traditional Chinese corpus, cut at a char boundary.
    fn sample(max_bytes: usize) -> &'static str {
        let mut end = max_bytes.min(CORPUS.len());
        while !CORPUS.is_char_boundary(end) {
            end -= 1;
        }
        &CORPUS[..end]
    }

    /// The sample without the characters `enc` cannot encode.
    fn encodable_sample(enc: &'static Encoding, max_bytes: usize) -> String {
        sample(max_bytes)
            .chars()
            .filter(|c| {
                let mut buf = [0u8; 4];
                !enc.encode(c.encode_utf8(&mut buf)).2
            })
            .collect()
    }

    fn encode_legacy(enc: &'static Encoding, text: &str) -> Vec<u8> {
        let (bytes, used, unmappable) = enc.encode(text);
        assert_eq!(used, enc);
        assert!(!unmappable);
        bytes.into_owned()
    }

    fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let units = bom.then_some(0xFEFF).into_iter().chain(text.encode_utf16());
        for u in units {
            out.extend_from_slice(&if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            });
        }
        out
    }

    fn ok(bytes: &[u8], label: Option<&str>) -> Decoded {
        match decode(bytes, label) {
            Ok(d) => d,
            Err(e) => panic!("decode failed: {e}"),
        }
    }

    fn assert_binary(bytes: &[u8], label: Option<&str>, reason: &str) {
        match decode(bytes, label) {
            Err(DecodeError::Binary(r)) => assert_eq!(r, reason),
            other => panic!("expected Binary({reason}), got {other:?}"),
        }
    }

    /// Pseudo-random bytes (xorshift), reproducible without a rand crate.
    fn noise(len: usize, mut seed: u64) -> Vec<u8> {
        (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                (seed >> 24) as u8
            })
            .collect()
    }

    // ---- generated from the corpus -------------------------------------

    #[test]
    fn corpus_sample_is_traditional_chinese_with_newlines() {
        let s = sample(4096);
        assert!(s.contains("兩岸城市交流"));
        assert!(s.contains('\n'));
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let s = sample(4096);
        let d = ok(s.as_bytes(), None);
        assert_eq!(
            (d.text.as_str(), d.encoding.as_str(), d.replacements),
            (s, "utf-8", 0)
        );
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(s.as_bytes());
        let d = ok(&bom, None);
        assert_eq!((d.text.as_str(), d.encoding.as_str()), (s, "utf-8"));
    }

    #[test]
    fn big5_generated() {
        let s = encodable_sample(BIG5, 4096);
        let d = ok(&encode_legacy(BIG5, &s), None);
        assert_eq!(
            (d.text.as_str(), d.encoding.as_str(), d.replacements),
            (s.as_str(), "big5", 0)
        );
    }

    #[test]
    fn big5_generated_short_and_crlf() {
        for len in [60, 200, 1000] {
            let s = encodable_sample(BIG5, len).replace('\n', "\r\n");
            let d = ok(&encode_legacy(BIG5, &s), None);
            assert_eq!(
                (d.text.as_str(), d.encoding.as_str()),
                (s.as_str(), "big5"),
                "len {len}"
            );
        }
    }

    #[test]
    fn gbk_generated() {
        let s = encodable_sample(GBK, 4096);
        let d = ok(&encode_legacy(GBK, &s), None);
        assert_eq!(
            (d.text.as_str(), d.encoding.as_str(), d.replacements),
            (s.as_str(), "gbk", 0)
        );
    }

    #[test]
    fn gb18030_generated() {
        // GB18030-only characters (four-byte sequences): a CJK Ext B
        // ideograph, Hangul, a Latin letter with acute, a Bopomofo letter.
        let extra = "\n𠀀 한국 ḿ ㄭ\n";
        let s = format!(
            "{}{extra}{}",
            encodable_sample(GBK, 2048),
            encodable_sample(GBK, 2048)
        );
        let bytes = encode_legacy(GB18030, &s);
        assert!(has_gb18030_four_byte(&bytes));
        let d = ok(&bytes, None);
        assert_eq!(
            (d.text.as_str(), d.encoding.as_str(), d.replacements),
            (s.as_str(), "gb18030", 0)
        );
    }

    #[test]
    fn utf16_all_variants() {
        let s = sample(4096);
        for (be, bom, name) in [
            (false, true, "utf-16le"),
            (true, true, "utf-16be"),
            (false, false, "utf-16le"),
            (true, false, "utf-16be"),
        ] {
            let d = ok(&utf16(s, be, bom), None);
            assert_eq!(
                (d.text.as_str(), d.encoding.as_str(), d.replacements),
                (s, name, 0)
            );
        }
    }

    #[test]
    fn utf16_without_bom_ascii_only_and_cjk_with_late_nul() {
        let ascii = "Research report\r\nPage 1\r\n";
        assert_eq!(ok(&utf16(ascii, false, false), None).encoding, "utf-16le");
        assert_eq!(ok(&utf16(ascii, true, false), None).encoding, "utf-16be");
        // No NUL byte in the first 4 KB, only later: still found as UTF-16.
        let cjk: String = sample(20_000).chars().filter(|c| !c.is_ascii()).collect();
        let text = format!("{cjk}\nend");
        let d = ok(&utf16(&text, false, false), None);
        assert_eq!(
            (d.text.as_str(), d.encoding.as_str()),
            (text.as_str(), "utf-16le")
        );
    }

    #[test]
    fn utf16_odd_length_counts_replacement() {
        let mut bytes = utf16("報告 report\n", false, true);
        bytes.push(b'x');
        let d = ok(&bytes, None);
        assert_eq!(d.text, "報告 report\n\u{FFFD}");
        assert_eq!(d.replacements, 1);
    }

    #[test]
    fn utf8_or_ascii_with_stray_nuls_is_binary() {
        let s = sample(4096);
        let mut bytes = s.as_bytes().to_vec();
        for at in [3, 1001, 2002] {
            bytes.insert(at, 0);
        }
        assert_binary(&bytes, None, "contains NUL bytes");
        assert_binary(
            b"abc\0def\0\n\xE4\xB8\xAD\xE6\x96\x87",
            None,
            "contains NUL bytes",
        );
        assert_binary(
            b"plain ascii text\0 with a NUL\n",
            None,
            "contains NUL bytes",
        );
        // NUL padding after UTF-8 text (a crash while writing).
        let mut padded = s.as_bytes().to_vec();
        padded.extend(std::iter::repeat_n(0u8, 512));
        assert_binary(&padded, None, "contains NUL bytes");
        // NUL padding after UTF-16 text.
        let mut padded = utf16(s, false, false);
        padded.extend(std::iter::repeat_n(0u8, 512));
        assert_binary(&padded, None, "contains NUL bytes");
    }

    #[test]
    fn shift_jis_is_read_as_japanese() {
        let text = "日本語のテキストです。東京都の報告書。ひらがなとカタカナ。\n";
        let d = ok(&encode_legacy(SHIFT_JIS, text), None);
        assert_eq!((d.text.as_str(), d.encoding.as_str()), (text, "shift_jis"));
    }

    // ---- real files --------------------------------------------------------

    /// (legacy bytes, UTF-8 twin, expected encoding)
    const TWINS: &[(&str, &[u8], &[u8], &str)] = &[
        (
            "py-big5",
            include_bytes!("../../tests/fixtures/py-big5.txt"),
            include_bytes!("../../tests/fixtures/py-big5-utf8.txt"),
            "big5",
        ),
        (
            "py-gbk",
            include_bytes!("../../tests/fixtures/py-gbk.txt"),
            include_bytes!("../../tests/fixtures/py-gbk-utf8.txt"),
            "gbk",
        ),
        (
            "py-gb2312",
            include_bytes!("../../tests/fixtures/py-gb2312.txt"),
            include_bytes!("../../tests/fixtures/py-gb2312-utf8.txt"),
            "gbk",
        ),
        (
            "py-gb18030",
            include_bytes!("../../tests/fixtures/py-gb18030.txt"),
            include_bytes!("../../tests/fixtures/py-gb18030-utf8.txt"),
            "gb18030",
        ),
        (
            "cp950-A0010007",
            include_bytes!("../../tests/fixtures/cp950-A0010007.txt"),
            include_bytes!("../../tests/fixtures/cp950-A0010007-utf8.txt"),
            "big5",
        ),
        (
            "cp950-crlf-A0010007",
            include_bytes!("../../tests/fixtures/cp950-crlf-A0010007.txt"),
            include_bytes!("../../tests/fixtures/cp950-crlf-A0010007-utf8.txt"),
            "big5",
        ),
        (
            // From the gb18030/ sample folder, but every character is in GBK.
            "gb18030-00090",
            include_bytes!("../../tests/fixtures/gb18030-00090.txt"),
            include_bytes!("../../tests/fixtures/gb18030-00090-utf8.txt"),
            "gbk",
        ),
        (
            "gbk-00150",
            include_bytes!("../../tests/fixtures/gbk-00150.txt"),
            include_bytes!("../../tests/fixtures/gbk-00150-utf8.txt"),
            "gbk",
        ),
    ];

    #[test]
    fn real_files_match_utf8_twins() {
        for &(name, legacy, twin, encoding) in TWINS {
            let d = ok(legacy, None);
            assert_eq!(d.encoding, encoding, "{name}");
            assert_eq!(d.text.as_bytes(), twin, "{name}");
            assert_eq!(d.replacements, 0, "{name}");
            // The twin itself is strict UTF-8.
            let t = ok(twin, None);
            assert_eq!(
                (t.text.as_bytes(), t.encoding.as_str()),
                (twin, "utf-8"),
                "{name}"
            );
        }
    }

    #[test]
    fn real_crlf_file_keeps_crlf() {
        let d = ok(
            include_bytes!("../../tests/fixtures/cp950-crlf-A0010007.txt"),
            None,
        );
        assert!(d.text.contains("\r\n"));
        let lf = ok(
            include_bytes!("../../tests/fixtures/cp950-A0010007.txt"),
            None,
        );
        assert_eq!(d.text.replace("\r\n", "\n"), lf.text);
    }

    #[test]
    fn big5hkscs_fixture_with_forced_label() {
        let legacy = include_bytes!("../../tests/fixtures/py-big5hkscs.txt");
        let twin = include_bytes!("../../tests/fixtures/py-big5hkscs-utf8.txt");
        for label in ["big5-hkscs", "big5hkscs", "Big5_HKSCS"] {
            let d = ok(legacy, Some(label));
            assert_eq!(
                (d.text.as_bytes(), d.encoding.as_str()),
                (&twin[..], "big5"),
                "{label}"
            );
        }
    }

    // ---- forced labels -------------------------------------------------------

    #[test]
    fn forced_label_aliases() {
        let big5 = encode_legacy(BIG5, &encodable_sample(BIG5, 1000));
        for label in [
            "cp950",
            "CP950",
            " big5-hkscs ",
            "big5hkscs",
            "ms950",
            "Big5",
        ] {
            let d = ok(&big5, Some(label));
            assert_eq!(d.encoding, "big5", "{label}");
            assert_eq!(d.replacements, 0, "{label}");
        }
        let gbk = encode_legacy(GBK, &encodable_sample(GBK, 1000));
        for label in ["cp936", "ms936", "windows-936", "GBK", "gb2312"] {
            assert_eq!(ok(&gbk, Some(label)).encoding, "gbk", "{label}");
        }
        assert_eq!(ok(&gbk, Some("gb18030")).encoding, "gb18030");
        // Pure CJK UTF-16 has no NUL byte: only a forced label gets it right.
        let cjk: String = sample(1000).chars().filter(|c| !c.is_ascii()).collect();
        for label in ["utf-16le", "UTF16LE", "utf_16_le", "utf-16"] {
            let d = ok(&utf16(&cjk, false, false), Some(label));
            assert_eq!(
                (d.text.as_str(), d.encoding.as_str()),
                (cjk.as_str(), "utf-16le")
            );
        }
        for label in ["utf-16be", "utf16be"] {
            let d = ok(&utf16(&cjk, true, true), Some(label));
            assert_eq!(
                (d.text.as_str(), d.encoding.as_str()),
                (cjk.as_str(), "utf-16be")
            );
        }
    }

    #[test]
    fn encoding_for_label_table() {
        let cases: &[(&str, &'static Encoding)] = &[
            ("utf-8", UTF_8),
            ("UTF8", UTF_8),
            ("cp950", BIG5),
            ("big5-hkscs", BIG5),
            ("big5hkscs", BIG5),
            ("x-x-big5", BIG5),
            ("cp936", GBK),
            ("ms936", GBK),
            ("windows-936", GBK),
            ("gb2312", GBK),
            ("gb18030", GB18030),
            (" GB18030\n", GB18030),
            ("utf-16le", UTF_16LE),
            ("utf16le", UTF_16LE),
            ("utf-16be", UTF_16BE),
            ("utf16be", UTF_16BE),
            ("shift_jis", encoding_rs::SHIFT_JIS),
            ("latin1", encoding_rs::WINDOWS_1252),
        ];
        for &(label, enc) in cases {
            assert_eq!(encoding_for_label(label), Some(enc), "{label}");
        }
        for label in ["xyz", "", "hz-gb-2312", "iso-2022-kr", "utf-32"] {
            assert_eq!(encoding_for_label(label), None, "{label}");
        }
    }

    #[test]
    fn unknown_label_is_an_error() {
        let err = decode(b"abc", Some(" xyz ")).unwrap_err();
        assert!(matches!(&err, DecodeError::UnknownEncoding(l) if l == "xyz"));
        assert_eq!(err.to_string(), "unknown encoding label 'xyz'");
    }

    // ---- empty, binary, replacements ----------------------------------------

    #[test]
    fn empty_and_whitespace_only() {
        let inputs: &[&[u8]] = &[
            b"",
            b"   ",
            b" \r\n\t\x0c\n",
            "\u{3000}\u{3000}\n".as_bytes(),
            b"\xEF\xBB\xBF",
            b"\xFF\xFE",
            b"\xFF\xFE \x00\n\x00",
            b"\xA1\x40\r\n", // Big5 ideographic space
        ];
        for &input in inputs {
            assert!(
                matches!(decode(input, None), Err(DecodeError::Empty)),
                "{input:?}"
            );
        }
        assert!(matches!(
            decode(b"  ", Some("cp950")),
            Err(DecodeError::Empty)
        ));
        assert_eq!(DecodeError::Empty.to_string(), "empty file");
    }

    #[test]
    fn binary_inputs_are_refused() {
        let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00";
        assert_binary(png, None, "PNG image");
        assert_binary(png, Some("big5"), "PNG image");
        assert_binary(png, Some("utf-16le"), "PNG image");
        assert_binary(b"\x89PNG\r\n\x1a\n", None, "PNG image");
        assert_binary(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n", None, "PDF document");
        assert_binary(b"\x7FELF\x02\x01\x01", None, "ELF executable");
        assert_binary(b"\x1F\x8B\x08\x00", None, "gzip data");
        assert_binary(b"PK\x03\x04\x14\x00", None, "ZIP archive");
        assert_binary(b"GIF89a\x01\x00", None, "GIF image");
        assert_binary(b"\xFF\xD8\xFF\xE0", None, "JPEG image");

        let mut with_nul = sample(500).as_bytes().to_vec();
        with_nul.insert(100, 0);
        assert_binary(&with_nul, None, "contains NUL bytes");
        assert_binary(&with_nul, Some("utf-8"), "contains NUL bytes");
        assert_binary(b"\x00", None, "contains NUL bytes");
        assert_binary(&[0u8; 4096], None, "contains NUL bytes");
        let mut big5_nul = encode_legacy(BIG5, &encodable_sample(BIG5, 2000));
        big5_nul.push(0);
        assert_binary(&big5_nul, None, "contains NUL bytes");

        for seed in 1..20 {
            assert!(
                matches!(
                    decode(&noise(4096, seed), None),
                    Err(DecodeError::Binary(_))
                ),
                "seed {seed}"
            );
        }

        let controls: Vec<u8> = b"abc\x01\x02\x03\x04def\x05\x06".repeat(100);
        assert_binary(&controls, None, "too many control bytes");
        // Escape, form feed and tabs are fine.
        let ok_controls = b"\x1b[1mtitle\x1b[0m\x0c\tbody\r\n".repeat(50);
        assert_eq!(ok(&ok_controls, None).encoding, "utf-8");

        assert_eq!(
            DecodeError::Binary("contains NUL bytes".into()).to_string(),
            "binary file (contains NUL bytes)"
        );
    }

    #[test]
    fn mostly_undecodable_is_binary() {
        assert_binary(
            b"\xC0\xC1\xF5a\xFF",
            Some("utf-8"),
            "mostly undecodable bytes",
        );
        // A Big5 lead byte followed by an invalid trail, over and over.
        assert_binary(
            &b"\x81\x21".repeat(200),
            Some("big5"),
            "mostly undecodable bytes",
        );
    }

    #[test]
    fn replacements_are_counted() {
        let d = ok(b"abc\xFFdefghij \xC0klmnop", Some("utf-8"));
        assert_eq!(d.replacements, 2);
        assert_eq!(d.text, "abc\u{FFFD}defghij \u{FFFD}klmnop");
        // U+FFFD already present in valid UTF-8 counts too.
        let d = ok("報告\u{FFFD}全文".as_bytes(), None);
        assert_eq!((d.replacements, d.encoding.as_str()), (1, "utf-8"));
        // Big5 with a lead byte followed by an invalid trail byte.
        let mut bytes = encode_legacy(BIG5, &encodable_sample(BIG5, 2000));
        bytes.extend_from_slice(b"\xA4\n");
        let d = ok(&bytes, None);
        assert_eq!((d.replacements, d.encoding.as_str()), (1, "big5"));
        assert!(d.text.ends_with("\u{FFFD}\n"));
    }

    // ---- robustness ----------------------------------------------------------

    #[test]
    fn large_input_is_linear() {
        let unit = encode_legacy(BIG5, &encodable_sample(BIG5, 60_000));
        let copies = (16 << 20) / unit.len() + 1;
        let big = unit.repeat(copies);
        let start = std::time::Instant::now();
        let d = ok(&big, None);
        assert_eq!(d.encoding, "big5");
        assert_eq!(d.replacements, 0);
        assert_eq!(d.text.len(), ok(&unit, None).text.len() * copies);
        // Generous bound (debug build): quadratic behaviour would take hours.
        assert!(start.elapsed().as_secs() < 60);
    }

    #[test]
    fn gb18030_four_byte_scan() {
        assert!(!has_gb18030_four_byte(b""));
        assert!(!has_gb18030_four_byte(b"\x81\x30\x81"));
        assert!(has_gb18030_four_byte(b"ab\x81\x30\x81\x30"));
        // A two-byte char whose trail byte looks like a lead must not start a match.
        assert!(!has_gb18030_four_byte(b"\xC9\x81\x30\x39"));
        assert!(has_gb18030_four_byte(b"\xC9\xCF\x81\x30\x81\x30"));
    }

    #[test]
    fn never_panics_on_edge_inputs() {
        let labels = [
            None,
            Some("utf-8"),
            Some("big5"),
            Some("gbk"),
            Some("utf-16le"),
            Some("utf-16be"),
        ];
        let mut inputs: Vec<Vec<u8>> = vec![
            vec![0xFF],
            vec![0xFE, 0xFF],
            vec![0xFE, 0xFF, 0xD8],
            vec![0xFF, 0xFE, 0x00, 0xD8],
            vec![0xEF, 0xBB],
            vec![0x81],
            vec![0x81, 0x30, 0x81],
            vec![0x1B; 10],
            b"%PD".to_vec(),
        ];
        for seed in 1..50u64 {
            let len = (seed as usize * 37) % 300;
            inputs.push(noise(len, seed));
            let mut high = noise(len, seed + 1000);
            high.iter_mut().for_each(|b| *b |= 0x80);
            inputs.push(high);
        }
        for input in &inputs {
            for label in labels {
                let _ = decode(input, label);
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..2000)) {
            let _ = decode(&bytes, None);
            let _ = decode(&bytes, Some("big5"));
            let _ = decode(&bytes, Some("utf-16be"));
        }

        #[test]
        fn utf8_round_trips(text in "\\PC{1,200}") {
            if let Ok(d) = decode(text.as_bytes(), None) {
                proptest::prop_assert_eq!(d.text, text);
            }
        }
    }

    // ---- compatibility ideographs ---------------------------------------------

    #[test]
    fn compat_ideographs_fold() {
        assert_eq!(fold_compat_ideograph('\u{F900}'), '\u{8C48}'); // 豈 → 豈
        assert_eq!(fold_compat_ideograph('\u{F907}'), '\u{9F9C}'); // 龜 → 龜
        assert_eq!(fold_compat_ideograph('\u{FA6C}'), '\u{242EE}');
        assert_eq!(fold_compat_ideograph('\u{FAD9}'), '\u{9F8E}');
        // Unified ideographs inside the block, and everything else, unchanged.
        for c in [
            '\u{FA0E}', '\u{FA29}', '\u{FADA}', '\u{FAFF}', '\u{8C48}', 'a', '\u{F8FF}', '\u{FB00}',
        ] {
            assert_eq!(fold_compat_ideograph(c), c);
        }
    }

    #[test]
    fn compat_table_is_sorted_and_in_range() {
        assert_eq!(COMPAT.len(), 460);
        assert!(COMPAT.windows(2).all(|w| w[0].0 < w[1].0));
        for &(k, v) in COMPAT.iter() {
            assert!((0xF900..=0xFAFF).contains(&k));
            assert!(!(0xF900..=0xFAFF).contains(&(v as u32)));
            assert_eq!(
                fold_compat_ideograph(char::from_u32(u32::from(k)).unwrap()),
                v
            );
        }
    }
}
