#!/usr/bin/env python3
"""OCR accuracy and speed on a scan of the sample report (docs/ocr.md).

usage: bench/ocr_accuracy.py BAOGAO WORKDIR [--pages 5,10,16] [--old] [--queries DEV.jsonl]
                             [--pdf OTHER.pdf]

Renders tests/fixtures/formats/sample-report.pdf to 300 dpi grayscale images (pdftoppm) and
puts them back together as an image-only PDF (img2pdf), as a scanner writes it. Each page's
text as baogao reads it (`page_texts`, the example program built next to BAOGAO:
`cargo build --release --example page_texts`) is compared with the page's text layer read in
drawing order (`pdftotext -raw`: a table cell by cell, row by row, as baogao reads a ruled
table), both NFKC-normalised with whitespace removed:

  accuracy  1 - edit distance / characters of the text layer
  bag       characters of the text layer found in the page's text as a multiset (reading
            order aside)

--old reads each page as baogao did before tables were read cell by cell (the whole page
rendered to PNG, `tesseract -l chi_tra --psm 4`), for the before/after table.
Prints pages per minute (pages / seconds of reading the scan) and, with --queries, indexes
the scan alone with BAOGAO and scores the dev set on it (score.py next to the queries file).
--pdf scans another PDF with a text layer instead of the sample (e.g. a UTF-8 text printed by
`soffice --headless --convert-to pdf`). WORKDIR keeps the images between runs (one WORKDIR per PDF); needs poppler-utils, img2pdf and Tesseract.
"""
import argparse, collections, json, os, shutil, subprocess, sys, time, unicodedata, re

SAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..',
                      'tests/fixtures/formats/sample-report.pdf')


def levenshtein(a, b):
    """Edit distance, bit-parallel (Myers 1999, Hyyrö's form): fast on pages in Python."""
    if not a or not b:
        return len(a) + len(b)
    m = len(a)
    peq = {}
    for i, c in enumerate(a):
        peq[c] = peq.get(c, 0) | (1 << i)
    mask, high = (1 << m) - 1, 1 << (m - 1)
    pv, mv, score = mask, 0, m
    for c in b:
        eq = peq.get(c, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = (mv | ~(xh | pv)) & mask
        mh = pv & xh
        if ph & high:
            score += 1
        elif mh & high:
            score -= 1
        ph = ((ph << 1) | 1) & mask
        mh = (mh << 1) & mask
        pv = (mh | ~(xv | ph)) & mask
        mv = ph & xv
    return score


def norm(s):
    return re.sub(r'\s+', '', unicodedata.normalize('NFKC', s))


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        sys.exit(f'{cmd[0]} failed ({p.returncode}): {p.stderr.strip()[-400:]}')
    return p.stdout


def old_pages(pdf, pages):
    """Each page as baogao read scans before: the page as PNG, Tesseract --psm 4."""
    texts = []
    for n in pages:
        with open(pdf, 'rb') as f:
            png = subprocess.run(['pdftoppm', '-f', str(n), '-l', str(n), '-r', '300', '-gray', '-png',
                                  '-'], stdin=f, capture_output=True, check=True).stdout
        texts.append(subprocess.run(['tesseract', 'stdin', 'stdout', '-l', 'chi_tra', '--psm', '4'],
                                    input=png, capture_output=True, check=True).stdout.decode())
    return texts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('baogao')
    ap.add_argument('work')
    ap.add_argument('--pages', help='only these pages of the sample, e.g. 5,10,16')
    ap.add_argument('--old', action='store_true', help='read pages as before cell-by-cell tables')
    ap.add_argument('--queries', help='dev queries (JSON Lines) to score the scan on')
    ap.add_argument('--pdf', default=SAMPLE, help='the PDF to scan (default: the sample report)')
    a = ap.parse_args()
    source = os.path.abspath(a.pdf)
    baogao, work = os.path.abspath(a.baogao), os.path.abspath(a.work)
    images = os.path.join(work, 'images')
    os.makedirs(images, exist_ok=True)
    if not any(f.endswith('.png') for f in os.listdir(images)):
        run(['pdftoppm', '-r', '300', '-gray', '-png', source, os.path.join(images, 'pg')])
    pngs = sorted(f for f in os.listdir(images) if f.endswith('.png'))
    numbers = [int(re.search(r'(\d+)\.png$', f).group(1)) for f in pngs]
    chosen = [int(n) for n in a.pages.split(',')] if a.pages else numbers
    scan = os.path.join(work, 'scan.pdf')
    run(['img2pdf'] + [os.path.join(images, pngs[numbers.index(n)]) for n in chosen] + ['-o', scan])
    started = time.time()
    if a.old:
        texts = old_pages(scan, range(1, len(chosen) + 1))
    else:
        tool = os.path.join(os.path.dirname(baogao), 'examples', 'page_texts')
        texts = run([tool, scan]).split('\x0c')
    seconds = time.time() - started

    total_chars = total_edits = total_bag = 0
    print('| page | characters | accuracy | bag |')
    print('|---|---|---|---|')
    for k, n in enumerate(chosen):
        ref = norm(run(['pdftotext', '-raw', '-enc', 'UTF-8', '-f', str(n), '-l', str(n), source, '-']))
        got = norm(texts[k] if k < len(texts) else '')
        edits = levenshtein(ref, got)
        bag = sum((collections.Counter(ref) & collections.Counter(got)).values())
        total_chars, total_edits, total_bag = total_chars + len(ref), total_edits + edits, total_bag + bag
        print(f'| {n} | {len(ref)} | {1 - edits / max(len(ref), 1):.3f} | {bag / max(len(ref), 1):.3f} |')
    print(f'| all | {total_chars} | {1 - total_edits / max(total_chars, 1):.3f} '
          f'| {total_bag / max(total_chars, 1):.3f} |')
    print(f'reading the scan: {seconds:.1f} s, {len(chosen) / seconds * 60:.1f} pages per minute')
    if a.queries:
        corpus, index = os.path.join(work, 'scan-corpus'), os.path.join(work, 'scan-index')
        for d in (corpus, index):
            shutil.rmtree(d, ignore_errors=True)
        os.makedirs(corpus)
        shutil.copy(scan, os.path.join(corpus, 'scan.pdf'))
        started = time.time()
        run([baogao, '--index', index, '--corpus', corpus, 'index'])
        print(f'indexing the scan: {time.time() - started:.1f} s')
        score = os.path.join(os.path.dirname(os.path.abspath(a.queries)), 'score.py')
        print(run(['python3', score, a.queries, '--', baogao, '--index', index, '--corpus',
                   corpus, 'search', '--json', '--limit', '10', '{q}']).strip())


if __name__ == '__main__':
    main()
