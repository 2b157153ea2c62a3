#!/usr/bin/env python3
"""A regulation's title plus one of its articles (`懲治走私條例 第4條`) must find that article.

Samples reports of the benchmark corpus's `mojlaw/` folder (regulations: the title line, then
`第 N 條` headings), builds one query per report from its title and one of its article
numbers, and reports success@1 and @5: a hit counts when it belongs to that report and sits
under (or is) that article's heading.

usage: title_article.py BIN INDEX CORPUS [--n 40] [--seed 7] [--show]
   CORPUS is the folder holding `mojlaw/` (the unpacked benchmark corpus), INDEX its index.
"""
import json, os, random, re, subprocess, sys


def sample(corpus, n, seed):
    random.seed(seed)
    folder = os.path.join(corpus, 'mojlaw')
    out = []
    for name in random.sample(sorted(os.listdir(folder)), min(10 * n, len(os.listdir(folder)))):
        text = open(os.path.join(folder, name), encoding='utf-8').read()
        title = text.split('\n', 1)[0].strip()
        articles = re.findall(r'^第\s*([0-9一二三四五六七八九十百]+(?:-\d+)?)\s*條', text, re.M)
        if len(articles) < 5 or not title or len(title) > 25:
            continue
        out.append(('mojlaw.' + name[:-4], title, random.choice(articles)))
        if len(out) == n:
            break
    return out


def main():
    a = sys.argv[1:]
    if len(a) < 3:
        sys.exit(__doc__)
    binary, index, corpus = a[:3]
    n = int(a[a.index('--n') + 1]) if '--n' in a else 40
    seed = int(a[a.index('--seed') + 1]) if '--seed' in a else 7
    ok1 = ok5 = 0
    cases = sample(corpus, n, seed)
    for report, title, article in cases:
        query = f'{title} 第{article}條'
        r = subprocess.run([binary, '--index', index, '--corpus', corpus, 'search', '--json',
                            '--limit', '5', query], capture_output=True, text=True)
        hits = [json.loads(l) for l in r.stdout.splitlines() if l.startswith('{')]
        heading = re.compile(r'第\s*' + re.escape(article) + r'\s*條')

        def under_article(h):
            place = ' '.join(h.get('section') or [])
            if h.get('kind') == 'heading':
                place += ' ' + h['text']
            return h.get('report') == report and heading.search(place) is not None

        rank = next((i + 1 for i, h in enumerate(hits) if under_article(h)), None)
        ok1 += rank == 1
        ok5 += rank is not None
        if '--show' in a:
            print(f'{rank}\t{query}')
    print(f'queries={len(cases)} S@1={ok1 / len(cases):.3f} S@5={ok5 / len(cases):.3f}')


if __name__ == '__main__':
    main()
