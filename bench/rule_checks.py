#!/usr/bin/env python3
"""rule_checks.py BIN [WORKDIR]: the ranking rules the dev sets cannot show, on reports outside them.

Indexes the twelve gazette reports of /work/shared/reports (utf8) plus the sample report into
WORKDIR (default: a temporary folder), then scores bench/rule_checks.jsonl with
/work/shared/eval/score.py, one line per group of checks (tag):

  dates   numbers and dates typed in another spelling than the report's (RANKING.md: numbers
          and dates in any spelling)
  typed   a spelling with other spellings in the reports: a hit is relevant when its text holds
          the one typed (RANKING.md: typed spelling first)
  title   a report's title typed whole: its opening passage is the answer (RANKING.md: a title
          typed whole)
  quoted  a quoted phrase: a hit is relevant when its own text holds it (RANKING.md: quoted
          phrases); also prints how many of the first ten hits do not hold it

Queries and judgements: written by hand for this check (twelfth session, 2026-12-07), none from
a dev set, after the rules and not used to tune any: the other spellings were found by grep in
the reports' text and each expected passage read; the hits of main (a1fddab) were looked at
only to see that each marker picks out the passage meant. The set was written to show what each
rule changes, so with every rule on it scores near 1 by construction: the figures that say
something are those of a build with a rule switched off (docs/RANKING.md; bench/rules-off.patch applied to a1fddab:
`BAOGAO_OFF=numbers python3 bench/rule_checks.py target/release/baogao`).
Only Python 3's standard library.
"""
import json, os, re, shutil, subprocess, sys, tempfile, unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
SCORE = '/work/shared/eval/score.py'
REPORTS = ['/work/shared/reports/gazette/utf8', '/work/shared/corpus']


def norm(s):
    return re.sub(r'\s+', '', unicodedata.normalize('NFKC', s))


def main():
    binary = os.path.abspath(sys.argv[1])
    work = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else tempfile.mkdtemp(prefix='rule-checks-')
    corpus, index = os.path.join(work, 'corpus'), os.path.join(work, 'index')
    shutil.rmtree(corpus, ignore_errors=True)
    shutil.rmtree(index, ignore_errors=True)
    os.makedirs(corpus)
    for folder in REPORTS:
        for name in sorted(os.listdir(folder)):
            if name.endswith('.txt'):
                shutil.copy(os.path.join(folder, name), corpus)
    subprocess.run([binary, '--index', index, '--corpus', corpus, 'index'], check=True,
                   capture_output=True)
    search = [binary, '--index', index, '--corpus', corpus, 'search', '--json', '--limit', '10']
    checks = [json.loads(l) for l in open(os.path.join(HERE, 'rule_checks.jsonl'), encoding='utf-8')]
    for tag in ['dates', 'typed', 'title', 'quoted']:
        group = [c for c in checks if tag in c['tags']]
        path = os.path.join(work, f'{tag}.jsonl')
        with open(path, 'w', encoding='utf-8') as f:
            for c in group:
                f.write(json.dumps(c, ensure_ascii=False) + '\n')
        p = subprocess.run(['python3', SCORE, path, '--max-chars', '100000', '--'] + search + ['{q}'],
                           capture_output=True, text=True)
        line = p.stdout.strip().splitlines()[-1]
        extra = ''
        if tag == 'quoted':
            lacking = 0
            for c in group:
                phrase = norm(c['query'].strip('"'))
                out = subprocess.run(search + [c['query']], capture_output=True, text=True).stdout
                hits = [json.loads(l) for l in out.splitlines() if l.startswith('{')]
                lacking += sum(1 for h in hits if 'text' in h and phrase not in norm(h['text']))
            extra = f' hits-lacking-phrase={lacking}'
        print(f'{tag:7} {line}{extra}')


if __name__ == '__main__':
    main()
