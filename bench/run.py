#!/usr/bin/env python3
"""Performance of baogao at corpus scale, in one run.

    python3 bench/run.py [CORPUS_DIR] [--queries FILE]

Builds the release binary and the benchmark examples (`cargo build --release --examples`),
then measures, on CORPUS_DIR (default: /tmp/bench/tw-gov-corpus when it exists):

 1. indexing throughput (`baogao index` into a fresh temporary index) beside raw jieba-rs
    `cut_for_search` throughput on the same text (examples/jieba_throughput.rs);
 2. index size / text size;
 3. peak memory (max RSS) of `baogao index`;
 4. cold CLI search: median wall time of `baogao search Q --json --limit 10` processes,
    beside the median wall time of `baogao --version` (bare process start);
 5. in-process query latency p50/p99 (examples/query_latency.rs), without and with facet
    counts (`--facet-iterations` rounds of the latter);
 6. time to `add` one report to the full index.

With `--peer lucene`, the same passages (exported by `baogao export`) are also indexed and
searched by plain Lucene (bench/lucene: CJKAnalyzer and SmartChineseAnalyzer, BM25 defaults,
report and year facets), alternating with baogao step by step, and a second table prints
each figure of both with its ratio baogao ÷ Lucene.

Prints a table with the goals and PASS/FAIL, and writes the same figures as JSON to
bench/results/latest.json. The corpus folder is only read: the index, the queries file and
the files of the `add` step all live in a temporary folder that is removed at the end.
Python 3 standard library only.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = Path("/tmp/bench/tw-gov-corpus")
DEFAULT_OUTPUT = REPO / "bench" / "results" / "latest.json"
EXE = ".exe" if os.name == "nt" else ""
MIB = 1024 * 1024
GIB = 1024 * MIB

# Realistic queries: Traditional and Simplified (the index folds both to the same terms),
# numbers (Chinese numerals, thousands separators, decimals), a quoted phrase, Latin words.
DEFAULT_QUERIES = [
    "行政院 施政方針",
    "复兴航空 飞安",
    "空氣污染 防制",
    "第十二條",
    "3,500",
    "勞工 保險 給付",
    "湖山水庫",
    "個人資料保護",
    '"食品安全衛生管理法"',
    "国民年金 保险费",
    "專屬經濟海域 大陸礁層",
    "大陸地區人民 來臺",
    "环境影响评估 审查",
    "身心障礙者 權益保障",
    "核能電廠 除役",
    "公務人員 退休 撫卹",
    "所得税 扣缴",
    "長期照顧 服務",
    "PM2.5 懸浮微粒",
    "ECFA 兩岸 經濟合作",
]

# Goals of the issue "Performance at corpus scale". "add ≪ 1 s" is checked as ≤ 0.25 s.
GOALS = {
    "index_vs_jieba": ("≥ 0.5×", lambda v: v >= 0.5),
    "index_vs_text": ("≤ 1.5×", lambda v: v <= 1.5),
    "peak_memory_bytes": ("≤ 1 GiB", lambda v: v <= GIB),
    "cold_vs_start": ("≤ 5×", lambda v: v <= 5.0),
    "query_p50_ms": ("≤ 1 ms", lambda v: v <= 1.0),
    "query_p99_ms": ("≤ 5 ms", lambda v: v <= 5.0),
    "facets_vs_plain_p50": ("≤ 2×", lambda v: v <= 2.0),
    "add_seconds": ("≪ 1 s (≤ 0.25 s)", lambda v: v <= 0.25),
}

# The Lucene peer (bench/lucene): its Maven project, and the analyzers it can run.
LUCENE_DIR = REPO / "bench" / "lucene"
LUCENE_ANALYZERS = ("cjk", "smartcn")
LUCENE_CLASS = "baogao.bench.LucenePeer"

# What `baogao index` treats as a report file (src/corpus.rs: REPORT_EXTENSIONS; files
# without an extension are tried as text; hidden and *.baogao-tmp files are skipped).
REPORT_EXTENSIONS = {"txt", "text", "pdf", "docx", "html", "htm", "xhtml"}


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def die(msg: str) -> None:
    print(f"bench/run.py: {msg}", file=sys.stderr)
    sys.exit(2)


# --------------------------------------------------------------------------------------
# Helpers


def report_files(corpus: Path) -> list[Path]:
    """The files `baogao index` would index, like src/corpus.rs `scan`."""
    found = []
    for root, dirs, files in os.walk(corpus, followlinks=True):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.startswith(".") or name.endswith(".baogao-tmp"):
                continue
            suffix = name.rsplit(".", 1)[1].lower() if "." in name else None
            if suffix is None or suffix in REPORT_EXTENSIONS:
                path = Path(root) / name
                if path.is_file():
                    found.append(path)
    found.sort()
    return found


def tree_size(path: Path) -> tuple[int, int]:
    """(apparent bytes, disk usage bytes) of a folder, like `du -sb` and `du -s`."""
    apparent = used = 0
    for root, _, files in os.walk(path):
        for name in files:
            st = os.lstat(os.path.join(root, name))
            apparent += st.st_size
            used += getattr(st, "st_blocks", (st.st_size + 511) // 512) * 512
    return apparent, used


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def gnu_time() -> str | None:
    """/usr/bin/time if it is GNU time (`-v` prints the maximum resident set size)."""
    path = "/usr/bin/time"
    if not os.access(path, os.X_OK):
        return None
    try:
        probe = subprocess.run(
            [path, "-v", sys.executable, "-c", "pass"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if probe.returncode == 0 and "Maximum resident set size" in probe.stderr:
        return path
    return None


class Measured:
    def __init__(self, returncode, wall, stdout, stderr, max_rss, user, system, method):
        self.returncode = returncode
        self.wall = wall
        self.stdout = stdout
        self.stderr = stderr
        self.max_rss = max_rss  # bytes, or None
        self.user = user  # CPU seconds, or None
        self.system = system
        self.method = method


def run_measured(cmd: list[str], time_bin: str | None, workdir: Path) -> Measured:
    """Runs `cmd`, returning its wall time, output, peak RSS and CPU time.

    Peak RSS comes from GNU `/usr/bin/time -v` when available, else from `os.wait4` on the
    child itself (its own rusage: unlike RUSAGE_CHILDREN, not mixed with earlier children
    such as cargo's rustc processes)."""
    out_path = workdir / "cmd.stdout"
    err_path = workdir / "cmd.stderr"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        if time_bin:
            full = [time_bin, "-v", *cmd]
            started = time.perf_counter()
            proc = subprocess.Popen(full, stdout=out, stderr=err, cwd=workdir)
            returncode = proc.wait()
            wall = time.perf_counter() - started
            rusage = None
        elif hasattr(os, "wait4"):
            started = time.perf_counter()
            proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=workdir)
            _, status, rusage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - started
            if hasattr(os, "waitstatus_to_exitcode"):
                returncode = os.waitstatus_to_exitcode(status)
            else:
                returncode = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
            proc.returncode = returncode
        else:
            started = time.perf_counter()
            proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=workdir)
            returncode = proc.wait()
            wall = time.perf_counter() - started
            rusage = None
    stdout = out_path.read_text(encoding="utf-8", errors="replace")
    stderr = err_path.read_text(encoding="utf-8", errors="replace")
    max_rss = user = system = None
    method = "unavailable"
    if time_bin:
        marker = stderr.rfind("\tCommand being timed:")
        report = stderr[marker:] if marker >= 0 else ""
        stderr = stderr[:marker] if marker >= 0 else stderr
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report)
        if m:
            max_rss = int(m.group(1)) * 1024
            method = "/usr/bin/time -v"
        m = re.search(r"User time \(seconds\): ([\d.]+)", report)
        user = float(m.group(1)) if m else None
        m = re.search(r"System time \(seconds\): ([\d.]+)", report)
        system = float(m.group(1)) if m else None
    elif rusage is not None:
        # ru_maxrss is in KiB on Linux, in bytes on macOS.
        scale = 1 if sys.platform == "darwin" else 1024
        max_rss = rusage.ru_maxrss * scale
        user, system = rusage.ru_utime, rusage.ru_stime
        method = "os.wait4 rusage"
    return Measured(returncode, wall, stdout, stderr, max_rss, user, system, method)


def timed(cmd: list[str], cwd: Path) -> tuple[float, int, str]:
    """Wall time of one process, stdout discarded."""
    started = time.perf_counter()
    proc = subprocess.run(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=cwd
    )
    wall = time.perf_counter() - started
    return wall, proc.returncode, proc.stderr.decode("utf-8", "replace")


def load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def git_info() -> dict:
    info = {}
    try:
        info["commit"] = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        info["dirty"] = bool(dirty)
    except (OSError, subprocess.SubprocessError):
        pass
    return info


def fmt_bytes(n: float) -> str:
    if n >= GIB:
        return f"{n / GIB:.2f} GiB"
    return f"{n / MIB:.1f} MiB"


def fmt_ms(seconds_or_ms: float, already_ms: bool = False) -> str:
    ms = seconds_or_ms if already_ms else seconds_or_ms * 1e3
    if ms < 1:
        return f"{ms:.3f} ms"
    if ms < 100:
        return f"{ms:.2f} ms"
    return f"{ms:.0f} ms"


# --------------------------------------------------------------------------------------
# Steps


def build() -> dict:
    log("building: cargo build --release --examples")
    started = time.perf_counter()
    result = subprocess.run(["cargo", "build", "--release", "--examples"], cwd=REPO)
    if result.returncode != 0:
        die("cargo build --release --examples failed")
    log(f"build took {time.perf_counter() - started:.0f} s")
    meta = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    target = Path(json.loads(meta.stdout)["target_directory"]) / "release"
    bins = {
        "baogao": target / f"baogao{EXE}",
        "jieba_throughput": target / "examples" / f"jieba_throughput{EXE}",
        "query_latency": target / "examples" / f"query_latency{EXE}",
    }
    for name, path in bins.items():
        if not path.is_file():
            die(f"{path}: not built ({name})")
    return bins


# --------------------------------------------------------------------------------------
# The Lucene peer (--peer lucene)


def lucene_version() -> str:
    pom = (LUCENE_DIR / "pom.xml").read_text(encoding="utf-8")
    m = re.search(r"<lucene\.version>([^<]+)</lucene\.version>", pom)
    return m.group(1) if m else "?"


def build_lucene(tmp: Path) -> list[str]:
    """Builds bench/lucene with Maven when its jar is missing or older than its sources, and
    returns the `java` command line before the peer's arguments (private copies of the jars
    in TMP, like the binaries)."""
    jar = LUCENE_DIR / "target" / "lucene-peer-1.0.jar"
    sources = [LUCENE_DIR / "pom.xml", *(LUCENE_DIR / "src").rglob("*.java")]
    if not jar.is_file() or any(f.stat().st_mtime > jar.stat().st_mtime for f in sources):
        log("building the Lucene peer: mvn -q -B -f bench/lucene/pom.xml package")
        shutil.rmtree(LUCENE_DIR / "target" / "lib", ignore_errors=True)
        result = subprocess.run(
            ["mvn", "-q", "-B", "-f", str(LUCENE_DIR / "pom.xml"), "package"], cwd=REPO
        )
        if result.returncode != 0 or not jar.is_file():
            die("mvn -f bench/lucene/pom.xml package failed")
    lib = tmp / "lucene"
    shutil.copytree(LUCENE_DIR / "target" / "lib", lib)
    shutil.copy2(jar, lib / jar.name)
    return ["java", "-cp", f"{lib}{os.sep}*", LUCENE_CLASS]


def escape_tsv(value: str) -> str:
    return (value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r"))


def export_passages(baogao: str, corpus: Path, out: Path, workdir: Path) -> tuple[int, float]:
    """`baogao export` of CORPUS → OUT, one passage a line (id, report, year, text; what
    bench/lucene reads). Returns (passages, seconds). The bulk NDJSON streams through this
    process and is never written whole: its pre-analysed fields are not needed."""
    started = time.perf_counter()
    cmd = [baogao, "--index", str(workdir / "no-index"), "--corpus", str(corpus), "--color",
           "never", "export", "--format", "opensearch"]
    passages = 0
    with open(out, "w", encoding="utf-8") as tsv, open(workdir / "export.stderr", "wb") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, cwd=workdir)
        assert proc.stdout is not None
        for line in proc.stdout:
            doc = json.loads(line)
            if "text" not in doc:
                continue  # the bulk action line
            fields = (doc["id"], doc["report"], doc.get("year") or "", doc["text"])
            tsv.write("\t".join(escape_tsv(f) for f in fields) + "\n")
            passages += 1
        returncode = proc.wait()
    if returncode not in (0, 2) or passages == 0:
        die(f"baogao export of {corpus} failed ({returncode}):\n"
            f"{(workdir / 'export.stderr').read_text(encoding='utf-8', errors='replace')}")
    return passages, time.perf_counter() - started


def lucene_index(java: list[str], heap: str, analyzer: str, passages: Path, index: Path,
                 threads: int, time_bin: str | None, tmp: Path) -> dict:
    log(f"indexing: Lucene {analyzer}, {threads} thread(s), into a fresh temporary index")
    cmd = [java[0], f"-Xmx{heap}", *java[1:], "index", analyzer, str(passages), str(index),
           str(threads)]
    m = run_measured(cmd, time_bin, tmp)
    if m.returncode != 0:
        die(f"Lucene {analyzer} index failed ({m.returncode}):\n{m.stderr}")
    inner = json.loads(m.stdout)
    apparent, used = tree_size(index)
    log(f"Lucene {analyzer} indexing took {m.wall:.1f} s")
    return {
        "command": cmd,
        "wall_seconds": m.wall,
        "user_seconds": m.user,
        "system_seconds": m.system,
        "peak_memory_bytes": m.max_rss,
        "documents": inner["documents"],
        "threads": threads,
        "in_process_seconds": inner["seconds"],
        "index_bytes": apparent,
        "index_disk_usage_bytes": used,
    }


def lucene_latency(java: list[str], heap: str, analyzer: str, index: Path, queries_file: Path,
                   args, tmp: Path) -> dict:
    log(f"in-process latency: Lucene {analyzer}")
    cmd = [java[0], f"-Xmx{heap}", *java[1:], "latency", analyzer, str(index),
           str(queries_file), str(args.iterations), str(args.lucene_warmup),
           str(args.facet_iterations)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp)
    if proc.returncode != 0:
        die(f"Lucene {analyzer} latency failed:\n{proc.stderr}")
    return json.loads(proc.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Benchmark baogao at corpus scale (indexing, size, memory, search, add)."
    )
    parser.add_argument(
        "corpus",
        nargs="?",
        type=Path,
        help=f"corpus folder (default: {DEFAULT_CORPUS} if it exists); only read",
    )
    parser.add_argument(
        "--queries", type=Path, help="queries file, one per line (default: 20 built-in queries)"
    )
    parser.add_argument(
        "--cold-runs", type=int, default=5, help="CLI runs per query for cold search (default 5)"
    )
    parser.add_argument(
        "--iterations",
        type=int,
        default=200,
        help="in-process runs per query for p50/p99 (default 200)",
    )
    parser.add_argument(
        "--facet-iterations",
        type=int,
        default=20,
        help="of those, runs per query also timed with facet counts (default 20)",
    )
    parser.add_argument(
        "--add-runs", type=int, default=5, help="reports added one by one (default 5)"
    )
    parser.add_argument(
        "--output", type=Path, default=DEFAULT_OUTPUT, help="JSON results file"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary folder (index etc.)"
    )
    parser.add_argument(
        "--peer",
        choices=["none", "lucene"],
        default="none",
        help="also measure a peer on the same passages: lucene (bench/lucene; needs Java 17 "
        "and Maven); default none",
    )
    parser.add_argument(
        "--lucene-analyzers",
        default=",".join(LUCENE_ANALYZERS),
        help="Lucene analyzers to run, comma-separated (default cjk,smartcn)",
    )
    parser.add_argument(
        "--lucene-threads",
        type=int,
        default=os.cpu_count() or 1,
        help="Lucene indexing threads (default: the CPU count, as baogao's index writer)",
    )
    parser.add_argument(
        "--lucene-heap", default="1g", help="Lucene's JVM heap, -Xmx (default 1g)"
    )
    parser.add_argument(
        "--lucene-warmup",
        type=int,
        default=50,
        help="Lucene warm-up rounds over all queries before timing, for the JIT (default 50)",
    )
    args = parser.parse_args()

    corpus = args.corpus
    if corpus is None:
        if not DEFAULT_CORPUS.is_dir():
            die(
                f"no corpus folder given and {DEFAULT_CORPUS} does not exist; unpack the "
                f"benchmark corpus (tw-gov-corpus.tar.xz) with "
                f"`mkdir -p /tmp/bench && tar -xJf tw-gov-corpus.tar.xz -C /tmp/bench`"
            )
        corpus = DEFAULT_CORPUS
    corpus = corpus.resolve()
    if not corpus.is_dir():
        die(f"{corpus}: corpus folder not found")
    if args.queries:
        queries = [
            line.strip()
            for line in args.queries.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.strip().startswith("#")
        ]
        if not queries:
            die(f"{args.queries}: no queries")
    else:
        queries = DEFAULT_QUERIES
    analyzers = [a.strip() for a in args.lucene_analyzers.split(",") if a.strip()]
    unknown = [a for a in analyzers if a not in LUCENE_ANALYZERS]
    if unknown or not analyzers:
        die(f"--lucene-analyzers {args.lucene_analyzers}: choose among "
            f"{', '.join(LUCENE_ANALYZERS)}")
    args.lucene_analyzers = analyzers
    if args.peer == "lucene":
        # Checked before the build, so a missing tool stops the run at once.
        for tool in ("mvn", "java"):
            if shutil.which(tool) is None:
                die(f"--peer lucene: {tool} not found (the Lucene peer needs Java 17 and Maven)")

    built = build()
    tmp = Path(tempfile.mkdtemp(prefix="baogao-bench-"))
    # Private copies of the binaries, taken right after the build: another build in the
    # shared target folder must not swap them (and the index format) in the middle of the run.
    (tmp / "bin").mkdir()
    bins = {name: tmp / "bin" / path.name for name, path in built.items()}
    for name, path in built.items():
        shutil.copy2(path, bins[name])
    java = build_lucene(tmp) if args.peer == "lucene" else None
    git = git_info()
    baogao = str(bins["baogao"])
    results: dict = {}
    try:
        version = subprocess.run(
            [baogao, "--version"], capture_output=True, text=True
        ).stdout.strip()
        time_bin = gnu_time()
        log(f"peak memory via {'/usr/bin/time -v' if time_bin else 'os.wait4 rusage'}")
        files = report_files(corpus)
        text_bytes = sum(f.stat().st_size for f in files)
        if not files:
            die(f"{corpus}: no report files")
        log(f"corpus {corpus}: {len(files)} report files, {fmt_bytes(text_bytes)}")
        load_start = load_average()
        results = measure(args, corpus, queries, bins, baogao, time_bin, files, text_bytes, tmp,
                          java)
        load_end = load_average()
    finally:
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    results["meta"] = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "baogao": version,
        "git": git,
        "corpus": str(corpus),
        "report_files": len(files),
        "text_bytes": text_bytes,
        "queries": queries,
        "cpus": os.cpu_count(),
        # 1-minute load average when measuring started and ended: other busy processes
        # (builds, tests) inflate every timing.
        "load_average_start": load_start,
        "load_average_end": load_end,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "command": " ".join(["python3", "bench/run.py", *sys.argv[1:]]),
    }
    print_tables(results)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(f"\nJSON written to {args.output}")


def measure(args, corpus, queries, bins, baogao, time_bin, files, text_bytes, tmp,
            java) -> dict:
    out: dict = {}
    # The peer's figures, per analyzer, filled in step by step right after baogao's.
    peer: dict = {}
    if java:
        out["peer"] = {"name": "lucene", "version": lucene_version(),
                       "threads": args.lucene_threads, "heap": args.lucene_heap,
                       "analyzers": peer}
    index = tmp / "index"
    queries_file = tmp / "queries.txt"
    queries_file.write_text("\n".join(queries) + "\n", encoding="utf-8")

    # 1a. Raw jieba first: it reads the whole corpus, so indexing then finds it in the page
    # cache just as jieba did (neither figure then includes disk reads).
    log("raw jieba-rs cut_for_search (1 thread)")
    proc = subprocess.run(
        [str(bins["jieba_throughput"]), str(corpus)], capture_output=True, text=True, cwd=tmp
    )
    if proc.returncode != 0:
        die(f"jieba_throughput failed:\n{proc.stderr}")
    jieba = json.loads(proc.stdout)
    out["jieba"] = jieba

    # 1b, 3. Indexing into a fresh index: wall time and peak memory.
    log("indexing: baogao index into a fresh temporary index")
    cmd = [baogao, "--index", str(index), "--corpus", str(corpus), "--color", "never", "index"]
    m = run_measured(cmd, time_bin, tmp)
    if m.returncode not in (0, 2) or not (index / "meta.json").is_file():
        die(f"baogao index failed ({m.returncode}):\n{m.stderr}")
    summary = m.stderr.strip().splitlines()[-1] if m.stderr.strip() else ""
    failed = re.search(r"(\d+) failed", summary)
    passages = re.search(r"\((\d+) passages", summary)
    index_mib_s = text_bytes / MIB / m.wall
    out["index"] = {
        "command": cmd,
        "wall_seconds": m.wall,
        "user_seconds": m.user,
        "system_seconds": m.system,
        "mib_per_s": index_mib_s,
        "peak_memory_bytes": m.max_rss,
        "peak_memory_method": m.method,
        "summary": summary,
        "passages": int(passages.group(1)) if passages else None,
        "failed": int(failed.group(1)) if failed else None,
        "jieba_mib_per_s": jieba["mib_per_s"],
        "index_vs_jieba": index_mib_s / jieba["mib_per_s"],
    }
    log(f"indexing took {m.wall:.1f} s: {summary}")

    # 1c. The peer indexes the passages baogao exports (the export is not part of its time).
    if java:
        log("exporting baogao's passages for the Lucene peer (not timed as indexing)")
        passages_file = tmp / "passages.tsv"
        exported, export_seconds = export_passages(baogao, corpus, passages_file, tmp)
        out["peer"]["export"] = {"passages": exported, "seconds": export_seconds,
                                 "bytes": passages_file.stat().st_size}
        log(f"exported {exported} passages in {export_seconds:.1f} s")
        for analyzer in args.lucene_analyzers:
            peer[analyzer] = {"index": lucene_index(
                java, args.lucene_heap, analyzer, passages_file, tmp / f"lucene-{analyzer}",
                args.lucene_threads, time_bin, tmp)}
            peer[analyzer]["index"]["index_vs_text"] = (
                peer[analyzer]["index"]["index_bytes"] / text_bytes)

    # 2. Size.
    apparent, used = tree_size(index)
    out["size"] = {
        "index_bytes": apparent,
        "index_disk_usage_bytes": used,
        "text_bytes": text_bytes,
        "index_vs_text": apparent / text_bytes,
    }

    # 4. Cold CLI search vs bare process start, interleaved so drift hits both alike.
    # `--corpus` is the original folder: the index's stamp is newer, so search does not
    # try to update the index (with the default `corpus` it would look at ./corpus).
    log(f"cold CLI search: {len(queries)} queries x {args.cold_runs} runs, same count of --version")
    search_times: dict[str, list[float]] = {q: [] for q in queries}
    start_times: list[float] = []
    no_hits: set[str] = set()
    for _ in range(args.cold_runs):
        for q in queries:
            wall, rc, _ = timed([baogao, "--version"], tmp)
            start_times.append(wall)
            cmd = [baogao, "--index", str(index), "--corpus", str(corpus), "--color", "never",
                   "search", "--json", "--limit", "10", "--", q]
            wall, rc, err = timed(cmd, tmp)
            if rc not in (0, 1):
                die(f"search {q!r} failed ({rc}): {err}")
            if rc == 1:
                no_hits.add(q)
            search_times[q].append(wall)
    all_search = [t for ts in search_times.values() for t in ts]
    cold = median(all_search)
    bare = median(start_times)
    out["cold_search"] = {
        "runs_per_query": args.cold_runs,
        "median_seconds": cold,
        "p90_seconds": statistics.quantiles(all_search, n=10)[-1] if len(all_search) > 1 else cold,
        "bare_start_median_seconds": bare,
        "cold_vs_start": cold / bare,
        "queries_without_hits": sorted(no_hits),
        "per_query_median_seconds": {q: median(ts) for q, ts in search_times.items()},
    }

    # 5. In-process latency.
    log(f"in-process latency: {len(queries)} queries x {args.iterations} iterations")
    proc = subprocess.run(
        [str(bins["query_latency"]), str(index), str(queries_file), str(args.iterations), "5",
         str(args.facet_iterations)],
        capture_output=True,
        text=True,
        cwd=tmp,
    )
    if proc.returncode != 0:
        die(f"query_latency failed:\n{proc.stderr}")
    out["latency"] = json.loads(proc.stdout)
    for analyzer in peer:
        peer[analyzer]["latency"] = lucene_latency(
            java, args.lucene_heap, analyzer, tmp / f"lucene-{analyzer}", queries_file, args, tmp)

    # 6. add: a copy of a median-sized corpus report under a new id (plus a marker word),
    # added to the index's own corpus (an index belongs to one corpus): `add` copies the file
    # there, indexes it and commits (loading jieba, reading the report list, writing a
    # segment, waiting for merges). `baogao remove` takes the copies out again afterwards,
    # so the benchmark corpus is left as it was.
    sizes = sorted((f.stat().st_size, str(f)) for f in files if f.suffix.lower() == ".txt")
    if sizes:
        size, source = sizes[len(sizes) // 2]
        log(f"add: {args.add_runs} x one report ({size} bytes, copy of {source})")
        add_src = tmp / "add-src"
        add_src.mkdir()
        original = Path(source).read_bytes()
        runs = []
        marker = ""
        added = []
        markers = [f"baogaobenchmarker{chr(ord('a') + i % 26)}" for i in range(args.add_runs)]
        copies = [add_src / f"bench-add-{i + 1}.txt" for i in range(args.add_runs)]
        for path, word in zip(copies, markers):
            path.write_bytes(original + f"\n\n{word}\n".encode())
        # The peer adds the same copies' passages, exported beforehand (untimed), each copy
        # from a folder of its own.
        peer_adds = []
        for path in copies if peer else []:
            alone = tmp / "lucene-add" / path.stem
            alone.mkdir(parents=True)
            shutil.copy2(path, alone / path.name)
            peer_adds.append(alone / "passages.tsv")
            export_passages(baogao, alone, peer_adds[-1], tmp)
        peer_runs: dict[str, list[dict]] = {analyzer: [] for analyzer in peer}
        try:
            for i, path in enumerate(copies):
                marker = markers[i]
                cmd = [baogao, "--index", str(index), "--corpus", str(corpus), "--color",
                       "never", "add", "--json", str(path)]
                m = run_measured(cmd, time_bin, tmp)
                if m.returncode != 0:
                    die(f"baogao add failed ({m.returncode}):\n{m.stderr}")
                added.append(path.stem)
                runs.append({"seconds": m.wall, "peak_memory_bytes": m.max_rss,
                             "output": m.stdout.strip()})
                # Alternating: the peer adds the same report right after baogao, a new JVM
                # each time, as `baogao add` is a new process.
                for analyzer in peer:
                    cmd = [java[0], f"-Xmx{args.lucene_heap}", *java[1:], "add", analyzer,
                           str(peer_adds[i]), str(tmp / f"lucene-{analyzer}")]
                    m = run_measured(cmd, time_bin, tmp)
                    if m.returncode != 0:
                        die(f"Lucene {analyzer} add failed ({m.returncode}):\n{m.stderr}")
                    peer_runs[analyzer].append({"seconds": m.wall,
                                                "peak_memory_bytes": m.max_rss,
                                                "output": m.stdout.strip()})
            # The last added report must be searchable.
            cmd = [baogao, "--index", str(index), "--corpus", str(corpus), "--color", "never",
                   "search", "--json", "--limit", "1", "--", marker]
            found = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp)
        finally:
            if added:
                cmd = [baogao, "--index", str(index), "--corpus", str(corpus), "--color",
                       "never", "remove", *added]
                removed = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp)
                if removed.returncode != 0:
                    log(f"could not remove the added copies {added} from {corpus}: "
                        f"{removed.stderr.strip()}")
        searchable = found.returncode == 0 and f"bench-add-{args.add_runs}" in found.stdout
        if not searchable:
            log(f"the added report is not found by `search {marker}` "
                f"(exit {found.returncode}): {found.stderr.strip()} {found.stdout[:300]}")
        out["add"] = {
            "source": source,
            "source_bytes": size,
            "runs": runs,
            "median_seconds": median([r["seconds"] for r in runs]),
            "max_seconds": max(r["seconds"] for r in runs),
            "searchable_after_add": searchable,
        }
        for analyzer, lruns in peer_runs.items():
            cmd = [*java, "count", analyzer, str(tmp / f"lucene-{analyzer}"), marker]
            counted = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp)
            lfound = counted.returncode == 0 and json.loads(counted.stdout)["matches"] > 0
            if not lfound:
                log(f"Lucene {analyzer}: the added report is not found by {marker!r}: "
                    f"{counted.stderr.strip()} {counted.stdout.strip()}")
            peer[analyzer]["add"] = {
                "runs": lruns,
                "median_seconds": median([r["seconds"] for r in lruns]),
                "max_seconds": max(r["seconds"] for r in lruns),
                "searchable_after_add": lfound,
            }
    return out


def print_tables(r: dict) -> None:
    lat = r.get("latency", {})
    cold = r.get("cold_search", {})
    if lat.get("per_query"):
        print("\nPer query (in-process p50/p99 over "
              f"{lat['iterations']} runs; cold CLI median over {cold.get('runs_per_query')} runs)")
        print(f"  {'query':<24} {'matches':>7} {'p50':>10} {'p99':>10} {'cold CLI':>10}")
        for q in lat["per_query"]:
            c = cold.get("per_query_median_seconds", {}).get(q["query"])
            width = 24 - sum(1 for ch in q["query"] if ord(ch) > 0x2E80)  # wide chars
            print(f"  {q['query']:<{max(width, 1)}} {q['matches']:>7} "
                  f"{fmt_ms(q['p50_ms'], True):>10} {fmt_ms(q['p99_ms'], True):>10} "
                  f"{fmt_ms(c) if c is not None else '-':>10}")
        if cold.get("queries_without_hits"):
            print(f"  no hits: {', '.join(cold['queries_without_hits'])}")

    meta = r["meta"]
    idx, size, jieba = r["index"], r["size"], r["jieba"]
    add = r.get("add")
    rows = []  # (label, value, goal key or None, raw value)

    def row(label, value, key=None, raw=None):
        rows.append((label, value, key, raw))

    row("Corpus", f"{meta['report_files']} files, {fmt_bytes(meta['text_bytes'])} of text")
    row("Indexing wall time", f"{idx['wall_seconds']:.1f} s"
        + (f" (CPU {idx['user_seconds'] + idx['system_seconds']:.1f} s)"
           if idx.get("user_seconds") is not None else ""))
    row("Indexing throughput", f"{idx['mib_per_s']:.2f} MiB/s")
    row("Raw jieba cut_for_search, 1 thread", f"{jieba['mib_per_s']:.2f} MiB/s")
    row("  indexing ÷ raw jieba", f"{idx['index_vs_jieba']:.2f}×", "index_vs_jieba",
        idx["index_vs_jieba"])
    row("Index size", fmt_bytes(size["index_bytes"]))
    row("  index ÷ text", f"{size['index_vs_text']:.2f}×", "index_vs_text", size["index_vs_text"])
    if idx.get("peak_memory_bytes") is not None:
        row("Peak memory while indexing", fmt_bytes(idx["peak_memory_bytes"]),
            "peak_memory_bytes", idx["peak_memory_bytes"])
    else:
        row("Peak memory while indexing", "n/a")
    row("Cold CLI search, median", fmt_ms(cold["median_seconds"]))
    row("Bare start (--version), median", fmt_ms(cold["bare_start_median_seconds"]))
    row("  cold search ÷ bare start", f"{cold['cold_vs_start']:.1f}×", "cold_vs_start",
        cold["cold_vs_start"])
    row("In-process query p50", fmt_ms(lat["p50_ms"], True), "query_p50_ms", lat["p50_ms"])
    row("In-process query p99", fmt_ms(lat["p99_ms"], True), "query_p99_ms", lat["p99_ms"])
    facets = lat.get("facets")
    if facets:
        ratio = facets["p50_ms"] / lat["p50_ms"]
        row("In-process query with facets p50 / p99",
            f"{fmt_ms(facets['p50_ms'], True)} / {fmt_ms(facets['p99_ms'], True)}")
        row("  with facets ÷ without, p50", f"{ratio:.2f}×", "facets_vs_plain_p50", ratio)
    if add:
        row("Add one report, median", f"{add['median_seconds']:.3f} s"
            + f" (max {add['max_seconds']:.3f} s)"
            + ("" if add["searchable_after_add"] else " (NOT searchable!)"),
            "add_seconds", add["median_seconds"])

    verdicts = {}
    print(f"\nbaogao benchmark — {meta['baogao']}, {meta['date']}, {meta['cpus']} CPUs, "
          f"load average {meta['load_average_start']} → {meta['load_average_end']}")
    busy = [v for v in (meta["load_average_start"], meta["load_average_end"]) if v is not None]
    if busy and max(busy) > (meta["cpus"] or 1):
        print("warning: the machine was busy with other processes: timings are inflated")
    print(f"{'measure':<36} {'value':>30}  {'goal':<18} result")
    print("-" * 94)
    for label, value, key, raw in rows:
        goal = verdict = ""
        if key:
            goal, check = GOALS[key]
            verdict = "PASS" if check(raw) else "FAIL"
            verdicts[key] = verdict
        print(f"{label:<36} {value:>30}  {goal:<18} {verdict}")
    r["goals"] = {k: {"goal": GOALS[k][0], "result": v} for k, v in verdicts.items()}
    passed = sum(v == "PASS" for v in verdicts.values())
    print(f"\n{passed}/{len(verdicts)} goals met.")
    if r.get("peer"):
        print_peer_table(r)


def peer_figures(side: dict) -> dict[str, float | None]:
    """The compared figures of one system, from baogao's results or one Lucene analyzer's."""
    idx = side["index"]
    lat = side.get("latency", {})
    facets = lat.get("facets") or {}
    add = side.get("add") or {}
    cpu = (idx["user_seconds"] + idx["system_seconds"]
           if idx.get("user_seconds") is not None else None)
    return {
        "index_seconds": idx["wall_seconds"],
        "index_cpu_seconds": cpu,
        "index_vs_text": side["index_vs_text"],
        "peak_memory_bytes": idx.get("peak_memory_bytes"),
        "query_p50_ms": lat.get("p50_ms"),
        "query_p99_ms": lat.get("p99_ms"),
        "facets_p50_ms": facets.get("p50_ms"),
        "facets_p99_ms": facets.get("p99_ms"),
        "add_seconds": add.get("median_seconds"),
    }


PEER_ROWS = [
    ("index_seconds", "Index wall time", lambda v: f"{v:.1f} s"),
    ("index_cpu_seconds", "Index CPU time", lambda v: f"{v:.1f} s"),
    ("index_vs_text", "Index size ÷ text", lambda v: f"{v:.2f}×"),
    ("peak_memory_bytes", "Peak RSS while indexing", fmt_bytes),
    ("query_p50_ms", "Query p50, in process", lambda v: fmt_ms(v, True)),
    ("query_p99_ms", "Query p99, in process", lambda v: fmt_ms(v, True)),
    ("facets_p50_ms", "Top 10 + facets p50", lambda v: fmt_ms(v, True)),
    ("facets_p99_ms", "Top 10 + facets p99", lambda v: fmt_ms(v, True)),
    ("add_seconds", "Add one report (new process)", lambda v: f"{v:.3f} s"),
]


def print_peer_table(r: dict) -> None:
    """baogao beside each Lucene analyzer, with the ratio baogao ÷ Lucene (below 1: baogao
    is faster or smaller). Also stores the figures and ratios in r["peer"]["compared"]."""
    peer = r["peer"]
    ours = peer_figures({"index": r["index"], "index_vs_text": r["size"]["index_vs_text"],
                         "latency": r.get("latency"), "add": r.get("add")})
    theirs = {a: peer_figures({**side, "index_vs_text": side["index"]["index_vs_text"]})
              for a, side in peer["analyzers"].items()}
    compared: dict = {"baogao": ours}
    for analyzer, figures in theirs.items():
        compared[f"lucene_{analyzer}"] = figures
        compared[f"ratio_{analyzer}"] = {
            k: (ours[k] / v if ours[k] is not None and v else None) for k, v in figures.items()
        }
    peer["compared"] = compared
    export = peer.get("export", {})
    meta = r["meta"]
    print(f"\nbaogao vs Lucene {peer['version']} (BM25 defaults, {peer['threads']} indexing "
          f"thread(s), -Xmx{peer['heap']}) on the same {export.get('passages')} passages; "
          f"ratio = baogao ÷ Lucene; load average {meta['load_average_start']} → "
          f"{meta['load_average_end']}")
    header = f"{'measure':<30} {'baogao':>12}"
    for analyzer in theirs:
        header += f" {'Lucene ' + analyzer:>15} {'ratio':>7}"
    print(header)
    print("-" * len(header))
    for key, label, fmt in PEER_ROWS:
        line = f"{label:<30} {fmt(ours[key]) if ours[key] is not None else 'n/a':>12}"
        for analyzer, figures in theirs.items():
            v = figures[key]
            ratio = compared[f"ratio_{analyzer}"][key]
            line += f" {fmt(v) if v is not None else 'n/a':>15}"
            line += f" {f'{ratio:.2f}×' if ratio is not None else 'n/a':>7}"
        print(line)
    for analyzer, side in peer["analyzers"].items():
        if side.get("add") and not side["add"]["searchable_after_add"]:
            print(f"warning: Lucene {analyzer}: the added report was NOT searchable")
    warmup = {side.get("latency", {}).get("warmup_rounds") for side in peer["analyzers"].values()}
    print(f"Lucene's index time is its JVM's wall time from start to the last commit; the "
          f"export of the passages it reads (baogao export, {export.get('seconds', 0):.0f} s) "
          f"is not counted. Lucene's latency follows {', '.join(map(str, warmup))} warm-up "
          f"rounds over all queries (JIT).")


if __name__ == "__main__":
    main()
