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
//! 6. UTF-8 with a few invalid sequences (at least 20 well-formed multi-byte characters per
//!    invalid sequence: a damaged copy), decoded with U+FFFD in place of the damage;
//! 7. `chardetng` on the first 64 KB without a TLD hint; if that guess is
//!    neither Big5 nor GBK, a second guess with the `tw` hint (never `cn`:
//!    Big5 bytes are nearly always valid GBK).
//!
//! After decoding, empty/whitespace-only text is [`DecodeError::Empty`] and a
//! text that is more than 20% U+FFFD is refused as binary.
//!
//! Everything is linear in the input size; detection only looks at a prefix.

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
        return match sniff_utf16(bytes) {
            Some(enc) => finish(
                enc.decode_without_bom_handling(bytes).0,
                canonical_name(enc),
            ),
            None => Err(nul_error()),
        };
    }

    // 4. Control bytes.
    refuse_controls(bytes)?;

    // 5. Strict UTF-8.
    if let Ok(text) = std::str::from_utf8(bytes) {
        return finish(Cow::Borrowed(text), "utf-8".to_string());
    }

    // 6. UTF-8 with a few damaged bytes: the damage becomes U+FFFD, counted and warned about
    //    like bad bytes in any other encoding (detection would read it as mojibake).
    if is_damaged_utf8(bytes) {
        return finish(String::from_utf8_lossy(bytes), "utf-8".to_string());
    }

    // 7. Statistical detection.
    let enc = guess_legacy(bytes);
    decode_legacy(bytes, enc)
}

/// Why the text a forced encoding gave looks wrong, and what detection suggests instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doubt {
    /// The encoding detection picks for these bytes.
    pub detected: String,
    /// What looks wrong, said for the user.
    pub why: String,
}

/// Checks the text that `forced_label` gives against what detection gives: a doubt when
/// the forced text has more replacement characters, or far fewer Chinese characters (mojibake
/// such as `¦æ¬F°|` has none), than the detected one. `None` when they agree or when
/// detection has nothing better to offer.
pub fn doubt_forced_encoding(bytes: &[u8], forced_label: &str) -> Option<Doubt> {
    let forced = decode(bytes, Some(forced_label)).ok()?;
    let detected = decode(bytes, None).ok()?;
    if forced.text == detected.text {
        return None;
    }
    let han = |text: &str| {
        text.chars()
            .filter(|c| matches!(*c as u32, 0x3400..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF))
            .count()
    };
    let (han_forced, han_detected) = (han(&forced.text), han(&detected.text));
    let why = if forced.replacements > detected.replacements {
        format!(
            "{} characters could not be decoded (with {}: {})",
            forced.replacements, detected.encoding, detected.replacements
        )
    } else if han_detected >= MIN_HAN_FOR_DOUBT && han_forced * 2 < han_detected {
        format!(
            "{han_forced} Chinese characters where {} reads {han_detected}",
            detected.encoding
        )
    } else {
        return None;
    };
    Some(Doubt {
        detected: detected.encoding,
        why,
    })
}

/// Well-formed multi-byte UTF-8 characters needed per invalid sequence for bytes that are
/// not strict UTF-8 to be read as damaged UTF-8. Big5 and GBK text is almost all invalid
/// sequences (their byte pairs seldom form UTF-8), damaged UTF-8 almost all valid ones.
const UTF8_CHARS_PER_DAMAGE: usize = 20;

/// Whether `bytes` are UTF-8 text with a few invalid sequences: at least
/// [`UTF8_CHARS_PER_DAMAGE`] well-formed multi-byte characters for each invalid sequence.
fn is_damaged_utf8(bytes: &[u8]) -> bool {
    let (mut multibyte, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += usize::from(!chunk.invalid().is_empty());
    }
    invalid > 0 && multibyte >= invalid.saturating_mul(UTF8_CHARS_PER_DAMAGE)
}

/// Chinese characters detection must find before a forced encoding is doubted for giving
/// fewer: a short mostly-ASCII file says too little either way.
const MIN_HAN_FOR_DOUBT: usize = 10;

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
    memchr::memchr(0, bytes).is_some()
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

/// Whether `bytes` are UTF-16, and in which byte order: by the byte-order mark, else (only
/// when they hold NUL bytes, as UTF-16 text with any ASCII does, but neither stray NULs in
/// 8-bit text nor a U+0000 code unit) by decoding the first 4 KB in both byte orders and
/// keeping the order that reads as text (mostly ASCII/CJK). `None` if neither does. The one
/// UTF-16 sniffer: [`decode`] and the format detection share it.
pub fn sniff_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    match Encoding::for_bom(bytes) {
        Some((enc, _)) if enc == UTF_16LE || enc == UTF_16BE => return Some(enc),
        Some(_) => return None,
        None => {}
    }
    if !memchr_nul(bytes) || has_stray_nuls(bytes) || has_nul_unit(bytes) {
        return None;
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    const CORPUS: &str = include_str!("../../corpus/taipei-shanghai-city-exchange-2017.txt");

    #[test]
    fn a_forced_encoding_that_gives_mojibake_is_doubted() {
        let big5 = BIG5.encode(sample(4000)).0.into_owned();
        let doubt = doubt_forced_encoding(&big5, "latin1").unwrap();
        assert_eq!(doubt.detected, "big5");
        assert!(doubt.why.contains("Chinese characters"), "{}", doubt.why);
        // GBK read as Big5 gives Chinese characters, but undecodable ones too.
        let gbk = GBK.encode(&encodable_sample(GBK, 4000)).0.into_owned();
        let doubt = doubt_forced_encoding(&gbk, "big5").unwrap();
        assert_eq!(doubt.detected, "gbk");
        // The right label, and plain ASCII under any label, raise no doubt.
        assert_eq!(doubt_forced_encoding(&big5, "cp950"), None);
        assert_eq!(doubt_forced_encoding(b"Annual report 2016", "latin1"), None);
    }

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
    fn utf8_with_one_damaged_byte_is_read_with_a_replacement() {
        let twin: &[u8] = include_bytes!("../../tests/fixtures/gazette-12_81788-utf8.txt");
        const BAD: [u8; 5] = [0xFF, 0x80, 0xC0, 0xFE, 0xBF];
        for i in 0..20 {
            let mut damaged = twin.to_vec();
            // Spread over the file, the first positions inside the detection prefix.
            let at = (i * 7919 + i * i * 131) % damaged.len();
            damaged[at] = BAD[i % BAD.len()];
            // A continuation byte for a continuation byte is another character, not damage;
            // 0xFF never occurs in UTF-8.
            if std::str::from_utf8(&damaged).is_ok() {
                damaged[at] = 0xFF;
            }
            let d = ok(&damaged, None);
            assert_eq!(d.encoding, "utf-8", "byte {at}");
            assert!(
                (1..=4).contains(&d.replacements),
                "byte {at}: {}",
                d.replacements
            );
        }
        // Big5 text is still Big5, not "damaged UTF-8".
        let big5: &[u8] = include_bytes!("../../tests/fixtures/gazette-08_82980-big5.txt");
        assert_eq!(ok(big5, None).encoding, "big5");
        // Noise is still binary.
        assert!(matches!(
            decode(&noise(4096, 7), None),
            Err(DecodeError::Binary(_))
        ));
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
}
