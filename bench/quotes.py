#!/usr/bin/env python3
"""hit@1 of `baogao locate` on quotations written as people write them.

    python3 bench/quotes.py [--seed N] [--per-kind N] [--binary PATH] [--show]

Copies the dev corpora (../shared/corpus/ sample report and the UTF-8 gazette documents of
../shared/reports/gazette/utf8/) into a temporary folder, indexes them with the release
binary (default target/release/baogao; build it first with `cargo build --release`), reads
every passage back with `baogao get REPORT --json`, and makes quotations of four kinds:

- exact: a stretch of one passage, as written;
- elided: two stretches of one passage with the text between them left out, written with
  one of the elisions people use (…… … ... ⋯ （略） （中略） (略) [...] […]);
- spanning: the end of one passage and the start of the next (two consecutive paragraphs
  or list items), expected back as the run first…last;
- punctuation: a stretch of one passage re-punctuated (full-width marks to ASCII and back,
  some dropped, spaces added) and with letters and digits switched between full and half
  width.

Only stretches whose text (NFKC, letters, digits and ideographs only) occurs in no other
passage are used, so that each quotation has one right answer. Each quotation is looked up
with `baogao locate --json`; a hit@1 is a first source with the expected id (and, for a
spanning quote, the expected last_id). Prints hit@1 per kind. Deterministic for a seed.
Python 3 standard library only.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
PROSE = {"paragraph", "list_item"}
GAPS = ["……", "…", "...", "⋯", "（略）", "（中略）", "(略)", "[...]", "[…]"]
KINDS = ["exact", "elided", "spanning", "punctuation"]
# Full-width punctuation and the ASCII people type instead.
TO_ASCII = {"，": ",", "。": ".", "；": ";", "：": ":", "（": "(", "）": ")", "「": '"',
            "」": '"', "、": ",", "！": "!", "？": "?", "『": "'", "』": "'"}
TO_FULL = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？"}


def key(text: str) -> str:
    """Letters, digits and ideographs of the NFKC text: what a quotation must keep."""
    return "".join(c for c in unicodedata.normalize("NFKC", text) if c.isalnum()).lower()


def run(binary: Path, index: Path, corpus: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(binary), "--index", str(index), "--corpus", str(corpus), "--color", "never", *args],
        capture_output=True, text=True, check=False)


def passages(binary: Path, index: Path, corpus: Path) -> list[dict]:
    reports = [json.loads(line)["id"]
               for line in run(binary, index, corpus, "reports", "--json").stdout.splitlines()]
    out = []
    for report in sorted(reports):
        got = run(binary, index, corpus, "get", report, "--json").stdout.splitlines()
        out.extend(sorted((json.loads(line) for line in got), key=lambda p: p["seq"]))
    return out


class Maker:
    """Makes the quotations of each kind from the passages, with one random generator."""

    def __init__(self, all_passages: list[dict], seed: int):
        self.rng = random.Random(seed)
        self.passages = all_passages
        self.keys = [key(p["text"]) for p in all_passages]
        self.prose = [i for i, p in enumerate(all_passages)
                      if p["kind"] in PROSE and len(self.keys[i]) >= 40]

    def unique(self, stretch: str) -> bool:
        """Whether the stretch's key occurs in one passage only (and is long enough)."""
        k = key(stretch)
        return len(k) >= 8 and sum(k in other for other in self.keys) == 1

    def stretch(self, text: str, low: int, high: int) -> tuple[int, int]:
        length = self.rng.randint(low, min(high, len(text)))
        start = self.rng.randint(0, len(text) - length)
        return start, start + length

    def exact(self) -> tuple[str, dict] | None:
        p = self.passages[self.rng.choice(self.prose)]
        s, e = self.stretch(p["text"], 15, 60)
        quote = p["text"][s:e]
        return (quote, {"id": p["id"]}) if self.unique(quote) else None

    def elided(self) -> tuple[str, dict] | None:
        p = self.passages[self.rng.choice(self.prose)]
        text = p["text"]
        if len(text) < 50:
            return None
        s, e = self.stretch(text, 40, 200)
        cut_from = self.rng.randint(s + 10, e - 20)
        cut_to = self.rng.randint(cut_from + 5, e - 10)
        first, second = text[s:cut_from], text[cut_to:e]
        if not (self.unique(first) and self.unique(second)):
            return None
        return first + self.rng.choice(GAPS) + second, {"id": p["id"]}

    def spanning(self) -> tuple[str, dict] | None:
        i = self.rng.choice(self.prose)
        if i + 1 >= len(self.passages):
            return None
        a, b = self.passages[i], self.passages[i + 1]
        if b["report"] != a["report"] or b["kind"] not in PROSE or len(b["text"]) < 15:
            return None
        tail = a["text"][-self.rng.randint(10, min(40, len(a["text"]))):]
        head = b["text"][:self.rng.randint(10, min(40, len(b["text"])))]
        if not (self.unique(tail) and self.unique(head)):
            return None
        return tail + self.rng.choice(["", "\n", " "]) + head, {"id": a["id"], "last_id": b["id"]}

    def punctuation(self) -> tuple[str, dict] | None:
        made = self.exact()
        if made is None:
            return None
        quote, expected = made
        out = []
        for c in quote:
            roll = self.rng.random()
            if c in TO_ASCII:
                out.append("" if roll < 0.3 else TO_ASCII[c])
            elif c in TO_FULL:
                out.append(TO_FULL[c])
            elif c.isascii() and c.isalnum():
                out.append(chr(ord(c) + 0xFEE0))
            elif "\uff10" <= c <= "\uff5a":
                out.append(chr(ord(c) - 0xFEE0))
            elif c == " ":
                out.append("" if roll < 0.5 else "\u3000")
            else:
                out.append(c + (" " if roll < 0.1 else ""))
        changed = "".join(out)
        return (changed, expected) if changed != quote else None

    def make(self, kind: str, count: int) -> list[tuple[str, dict]]:
        made, tries = [], 0
        while len(made) < count and tries < count * 200:
            tries += 1
            one = getattr(self, kind)()
            if one is not None and one[0] not in (m[0] for m in made):
                made.append(one)
        return made


def hit(found: list[dict], expected: dict) -> bool:
    if not found:
        return False
    top = found[0]
    return top["id"] == expected["id"] and top.get("last_id") == expected.get("last_id")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-kind", type=int, default=60)
    parser.add_argument("--binary", type=Path, default=REPO / "target" / "release" / "baogao")
    parser.add_argument("--show", action="store_true", help="print every miss")
    args = parser.parse_args()
    if not args.binary.exists():
        sys.exit(f"{args.binary}: not built (cargo build --release)")
    with tempfile.TemporaryDirectory(prefix="baogao-quotes-") as tmp:
        corpus, index = Path(tmp) / "corpus", Path(tmp) / "index"
        corpus.mkdir()
        for source in [*sorted((SHARED / "corpus").glob("*.txt")),
                       *sorted((SHARED / "reports" / "gazette" / "utf8").glob("*.txt"))]:
            shutil.copy(source, corpus / source.name)
        done = run(args.binary, index, corpus, "index")
        if done.returncode != 0:
            sys.exit(done.stderr)
        maker = Maker(passages(args.binary, index, corpus), args.seed)
        print(f"seed {args.seed}: {len(list(corpus.iterdir()))} reports, "
              f"{len(maker.passages)} passages")
        print(f"{'kind':<12} {'n':>4} {'hit@1':>6}")
        for kind in KINDS:
            quotes = maker.make(kind, args.per_kind)
            hits = 0
            for quote, expected in quotes:
                got = run(args.binary, index, corpus, "locate", "--json", quote)
                found = [json.loads(line) for line in got.stdout.splitlines()]
                if hit(found, expected):
                    hits += 1
                elif args.show:
                    top = found[0] if found else {}
                    print(f"  miss {kind}: {quote!r} expected {expected} got "
                          f"{top.get('id')} {top.get('last_id')} {top.get('score')} "
                          f"{got.stderr.strip()}")
            print(f"{kind:<12} {len(quotes):>4} {hits / max(len(quotes), 1):>6.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
