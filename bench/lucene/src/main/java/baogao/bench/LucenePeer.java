package baogao.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.cjk.CJKAnalyzer;
import org.apache.lucene.analysis.cn.smart.SmartChineseAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.facet.FacetResult;
import org.apache.lucene.facet.FacetsCollector;
import org.apache.lucene.facet.FacetsCollectorManager;
import org.apache.lucene.facet.FacetsConfig;
import org.apache.lucene.facet.sortedset.DefaultSortedSetDocValuesReaderState;
import org.apache.lucene.facet.sortedset.SortedSetDocValuesFacetCounts;
import org.apache.lucene.facet.sortedset.SortedSetDocValuesFacetField;
import org.apache.lucene.facet.sortedset.SortedSetDocValuesReaderState;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.MultiCollectorManager;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopScoreDocCollectorManager;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.QueryBuilder;

/**
 * The Lucene peer of {@code bench/run.py}: the same passages as baogao, indexed and searched
 * by plain Lucene with its stock Chinese analyzers and BM25 defaults, so the benchmark can
 * print each of baogao's figures beside Lucene's.
 *
 * <p>In: a passages file written by run.py from {@code baogao export} (one passage a line:
 * {@code id TAB report TAB year TAB text}, with {@code \\ \t \n \r} escaped), an analyzer
 * ({@code cjk}: CJKAnalyzer, overlapping bigrams; {@code smartcn}: SmartChineseAnalyzer, an
 * HMM word segmenter) and an index folder. Out: one JSON object on stdout per command.
 *
 * <pre>
 * index   ANALYZER PASSAGES INDEX THREADS          fresh index, commit, wait for merges
 * latency ANALYZER INDEX QUERIES ITERATIONS WARMUP FACET_ITERATIONS
 * add     ANALYZER PASSAGES INDEX                  append one report's passages, commit
 * count   ANALYZER INDEX QUERY                     passages matching QUERY
 * </pre>
 *
 * <p>Each passage is one document: {@code text} (analysed, positions, stored, as baogao stores
 * the passage text for snippets), {@code id} and {@code report} (stored keywords) and facet
 * fields {@code report} and {@code year} as SortedSetDocValues. A query is analysed into a
 * BooleanQuery of SHOULD clauses (Lucene's QueryBuilder, which Elasticsearch's {@code match}
 * query also uses; terms at one position become a SynonymQuery); the top 10 come from
 * TopScoreDocCollectorManager with the default total-hits threshold 1000; with facets, a
 * FacetsCollector gathers every match and SortedSetDocValuesFacetCounts gives the top 10
 * reports and years.
 */
public final class LucenePeer {
  private static final String TEXT = "text";
  private static final int TOTAL_HITS_THRESHOLD = 1000;
  private static final int FACET_TOP = 10;
  // Lucene's default is 16 MB; Elasticsearch gives its writers 10% of the heap. 256 MB
  // flushes fewer, larger segments (fewer merges), as a server set up for bulk loads would.
  private static final double RAM_BUFFER_MB = 256;

  private LucenePeer() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      usage();
    }
    try {
      run(args);
    } catch (Exception e) {
      // One line naming the command and its first file (passages or index), then the cause.
      Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
      if (cause instanceof RuntimeException && cause.getCause() != null) {
        cause = cause.getCause(); // a worker thread's failure, wrapped by indexThreaded
      }
      String file = args.length > 2 ? args[2] : "";
      System.err.println("LucenePeer " + args[0] + " " + file + ": " + cause);
      System.exit(2);
    }
  }

  private static void run(String[] args) throws Exception {
    switch (args[0]) {
      case "index" -> {
        need(args, 5);
        index(analyzer(args[1]), Path.of(args[2]), Path.of(args[3]), Integer.parseInt(args[4]));
      }
      case "latency" -> {
        need(args, 7);
        latency(
            analyzer(args[1]),
            Path.of(args[2]),
            Path.of(args[3]),
            Integer.parseInt(args[4]),
            Integer.parseInt(args[5]),
            Integer.parseInt(args[6]));
      }
      case "add" -> {
        need(args, 4);
        add(analyzer(args[1]), Path.of(args[2]), Path.of(args[3]));
      }
      case "count" -> {
        need(args, 4);
        count(analyzer(args[1]), Path.of(args[2]), args[3]);
      }
      default -> usage();
    }
  }

  private static void need(String[] args, int n) {
    if (args.length != n) {
      usage();
    }
  }

  private static void usage() {
    System.err.println(
        "用法 usage: LucenePeer index ANALYZER PASSAGES INDEX THREADS | latency ANALYZER INDEX"
            + " QUERIES ITERATIONS WARMUP FACET_ITERATIONS | add ANALYZER PASSAGES INDEX | count"
            + " ANALYZER INDEX QUERY (ANALYZER: cjk or smartcn)");
    System.exit(2);
  }

  private static Analyzer analyzer(String name) {
    return switch (name) {
      case "cjk" -> new CJKAnalyzer();
      case "smartcn" -> new SmartChineseAnalyzer();
      default -> {
        System.err.println(name + ": 未知的分析器 unknown analyzer (cjk or smartcn)");
        System.exit(2);
        yield null;
      }
    };
  }

  private static FacetsConfig facetsConfig() {
    // One value per document in both dimensions; the defaults (single-valued, flat) fit.
    return new FacetsConfig();
  }

  /** One passage of the passages file. */
  private record Passage(String id, String report, String year, String text) {
    static Passage parse(String line) {
      String[] f = line.split("\t", -1);
      if (f.length != 4) {
        String start = line.length() > 60 ? line.substring(0, 60) + "…" : line;
        throw new IllegalArgumentException("不是四個欄位 not 4 tab-separated fields: " + start);
      }
      return new Passage(unescape(f[0]), unescape(f[1]), unescape(f[2]), unescape(f[3]));
    }

    Document document(FacetsConfig config) throws IOException {
      Document doc = new Document();
      doc.add(new StringField("id", id, Field.Store.YES));
      doc.add(new StringField("report", report, Field.Store.YES));
      doc.add(new TextField(TEXT, text, Field.Store.YES));
      doc.add(new SortedSetDocValuesFacetField("report", report));
      // Reports without a date still count, under "none", as baogao's year facet lists them.
      doc.add(new SortedSetDocValuesFacetField("year", year.isEmpty() ? "none" : year));
      return config.build(doc);
    }
  }

  private static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        out.append(
            switch (n) {
              case 't' -> '\t';
              case 'n' -> '\n';
              case 'r' -> '\r';
              default -> n;
            });
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static IndexWriterConfig writerConfig(Analyzer analyzer, IndexWriterConfig.OpenMode mode) {
    IndexWriterConfig config = new IndexWriterConfig(analyzer);
    config.setOpenMode(mode);
    config.setRAMBufferSizeMB(RAM_BUFFER_MB);
    return config;
  }

  /** Indexes every passage into a fresh index with THREADS threads adding documents. */
  private static void index(Analyzer analyzer, Path passages, Path indexDir, int threads)
      throws Exception {
    long started = System.nanoTime();
    FacetsConfig config = facetsConfig();
    long docs = 0;
    try (Directory dir = FSDirectory.open(indexDir);
        IndexWriter writer =
            new IndexWriter(dir, writerConfig(analyzer, IndexWriterConfig.OpenMode.CREATE));
        BufferedReader in = Files.newBufferedReader(passages, StandardCharsets.UTF_8)) {
      if (threads <= 1) {
        for (String line; (line = in.readLine()) != null; ) {
          writer.addDocument(Passage.parse(line).document(config));
          docs++;
        }
      } else {
        docs = indexThreaded(writer, config, in, threads);
      }
      writer.commit();
    }
    // close() above waited for merges, as baogao index does.
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf(
        Locale.ROOT, "{\"documents\": %d, \"threads\": %d, \"seconds\": %.3f}%n",
        docs, threads, seconds);
  }

  /** The reading thread hands batches of lines to THREADS workers (bounded, so memory stays flat). */
  private static long indexThreaded(
      IndexWriter writer, FacetsConfig config, BufferedReader in, int threads) throws Exception {
    final List<String> end = List.of();
    BlockingQueue<List<String>> queue = new ArrayBlockingQueue<>(threads * 4);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread worker =
          new Thread(
              () -> {
                try {
                  for (List<String> batch; (batch = queue.take()) != end; ) {
                    for (String line : batch) {
                      writer.addDocument(Passage.parse(line).document(config));
                    }
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                  // Keep draining so the reader never blocks on a full queue.
                  try {
                    while (queue.take() != end) {}
                  } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                  }
                }
              });
      worker.start();
      workers.add(worker);
    }
    long docs = 0;
    List<String> batch = new ArrayList<>(256);
    for (String line; (line = in.readLine()) != null; ) {
      batch.add(line);
      docs++;
      if (batch.size() == 256) {
        queue.put(batch);
        batch = new ArrayList<>(256);
      }
    }
    if (!batch.isEmpty()) {
      queue.put(batch);
    }
    for (int t = 0; t < threads; t++) {
      queue.put(end);
    }
    for (Thread worker : workers) {
      worker.join();
    }
    if (failure.get() != null) {
      throw new RuntimeException(failure.get());
    }
    return docs;
  }

  /** Appends the passages of PASSAGES (one new report) to INDEX and commits. */
  private static void add(Analyzer analyzer, Path passages, Path indexDir) throws Exception {
    long started = System.nanoTime();
    FacetsConfig config = facetsConfig();
    long docs = 0;
    try (Directory dir = FSDirectory.open(indexDir);
        IndexWriter writer =
            new IndexWriter(dir, writerConfig(analyzer, IndexWriterConfig.OpenMode.APPEND))) {
      for (String line : Files.readAllLines(passages, StandardCharsets.UTF_8)) {
        writer.addDocument(Passage.parse(line).document(config));
        docs++;
      }
      writer.commit();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf(
        Locale.ROOT, "{\"documents\": %d, \"seconds\": %.3f}%n", docs, seconds);
  }

  private static Query parse(QueryBuilder builder, String text) {
    Query q = builder.createBooleanQuery(TEXT, text, BooleanClause.Occur.SHOULD);
    // A query of only stop words or punctuation analyses to nothing: it matches nothing.
    return q == null ? new MatchNoDocsQuery() : q;
  }

  private static void count(Analyzer analyzer, Path indexDir, String text) throws IOException {
    try (Directory dir = FSDirectory.open(indexDir);
        DirectoryReader reader = DirectoryReader.open(dir)) {
      IndexSearcher searcher = new IndexSearcher(reader);
      System.out.printf(
          Locale.ROOT, "{\"matches\": %d}%n", searcher.count(parse(new QueryBuilder(analyzer), text)));
    }
  }

  /** The searches the latency command times, set up once. */
  private static final class Searches {
    final IndexSearcher searcher;
    final SortedSetDocValuesReaderState state;
    final FacetsConfig config = facetsConfig();

    Searches(DirectoryReader reader) throws IOException {
      // No executor: one thread per query, as baogao's in-process search.
      searcher = new IndexSearcher(reader);
      state = new DefaultSortedSetDocValuesReaderState(reader, config);
    }

    TopDocs plain(Query q) throws IOException {
      return searcher.search(q, new TopScoreDocCollectorManager(10, null, TOTAL_HITS_THRESHOLD));
    }

    /** Top 10 and the top reports and years among all matches; returns the match count. */
    long faceted(Query q) throws IOException {
      MultiCollectorManager both =
          new MultiCollectorManager(
              new TopScoreDocCollectorManager(10, null, TOTAL_HITS_THRESHOLD),
              new FacetsCollectorManager());
      Object[] results = searcher.search(q, both);
      FacetsCollector fc = (FacetsCollector) results[1];
      SortedSetDocValuesFacetCounts counts = new SortedSetDocValuesFacetCounts(state, fc);
      FacetResult reports = counts.getTopChildren(FACET_TOP, "report");
      FacetResult years = counts.getTopChildren(FACET_TOP, "year");
      long matches = 0;
      for (FacetsCollector.MatchingDocs m : fc.getMatchingDocs()) {
        matches += m.totalHits;
      }
      sink ^= System.identityHashCode(results[0]) ^ (reports == null ? 0 : reports.childCount)
          ^ (years == null ? 0 : years.childCount);
      return matches;
    }
  }

  // Results fold into this so the JIT cannot drop the work.
  private static volatile long sink;

  private static void latency(
      Analyzer analyzer, Path indexDir, Path queriesFile, int iterations, int warmup,
      int facetIterations) throws IOException {
    List<String> queries = new ArrayList<>();
    for (String line : Files.readAllLines(queriesFile, StandardCharsets.UTF_8)) {
      String q = line.strip();
      if (!q.isEmpty() && !q.startsWith("#")) {
        queries.add(q);
      }
    }
    long opened = System.nanoTime();
    try (Directory dir = FSDirectory.open(indexDir);
        DirectoryReader reader = DirectoryReader.open(dir)) {
      Searches s = new Searches(reader);
      double openMs = (System.nanoTime() - opened) / 1e6;
      QueryBuilder builder = new QueryBuilder(analyzer);
      int n = queries.size();
      // Parsing (analysis) is timed with each search, as baogao's Searching::run parses too.
      long[] matches = new long[n];
      long[] hits = new long[n];
      for (int i = 0; i < n; i++) {
        matches[i] = s.faceted(parse(builder, queries.get(i)));
        hits[i] = s.plain(parse(builder, queries.get(i))).scoreDocs.length;
      }
      // Warm-up rounds over all queries, with and without facets, so the JIT has compiled
      // the search paths before timing.
      for (int round = 0; round < warmup; round++) {
        for (String q : queries) {
          sink ^= s.plain(parse(builder, q)).totalHits.value;
          sink ^= s.faceted(parse(builder, q));
        }
      }
      long[][] plain = new long[n][iterations];
      long[][] faceted = new long[n][facetIterations];
      for (int round = 0; round < Math.max(iterations, facetIterations); round++) {
        for (int i = 0; i < n; i++) {
          if (round < iterations) {
            long t0 = System.nanoTime();
            TopDocs top = s.plain(parse(builder, queries.get(i)));
            plain[i][round] = System.nanoTime() - t0;
            sink ^= top.scoreDocs.length;
          }
          if (round < facetIterations) {
            long t0 = System.nanoTime();
            long m = s.faceted(parse(builder, queries.get(i)));
            faceted[i][round] = System.nanoTime() - t0;
            sink ^= m;
          }
        }
      }
      StringBuilder out = new StringBuilder();
      out.append("{\"open_ms\": ").append(fmt(openMs));
      out.append(", \"iterations\": ").append(iterations);
      out.append(", \"warmup_rounds\": ").append(warmup);
      out.append(", ").append(summary(flatten(plain)));
      out.append(", \"per_query\": [");
      for (int i = 0; i < n; i++) {
        out.append(i == 0 ? "" : ", ").append("{\"query\": ").append(json(queries.get(i)));
        out.append(", \"matches\": ").append(matches[i]).append(", \"hits\": ").append(hits[i]);
        out.append(", ").append(summary(plain[i])).append('}');
      }
      out.append("], \"facets\": {\"iterations\": ").append(facetIterations);
      out.append(", ").append(summary(flatten(faceted)));
      out.append(", \"per_query\": [");
      for (int i = 0; i < n; i++) {
        out.append(i == 0 ? "" : ", ").append("{\"query\": ").append(json(queries.get(i)));
        out.append(", ").append(summary(faceted[i])).append('}');
      }
      out.append("]}}");
      System.out.println(out);
    }
  }

  private static long[] flatten(long[][] perQuery) {
    return Arrays.stream(perQuery).flatMapToLong(Arrays::stream).toArray();
  }

  /** p50/p99 (nearest rank, as examples/query_latency.rs), mean and max in ms. */
  private static String summary(long[] ns) {
    long[] sorted = ns.clone();
    Arrays.sort(sorted);
    double mean = Arrays.stream(sorted).average().orElse(Double.NaN) / 1e6;
    return String.format(
        Locale.ROOT,
        "\"samples\": %d, \"p50_ms\": %s, \"p99_ms\": %s, \"mean_ms\": %s, \"max_ms\": %s",
        sorted.length, fmt(quantileMs(sorted, 0.50)), fmt(quantileMs(sorted, 0.99)), fmt(mean),
        fmt(sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6));
  }

  private static double quantileMs(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1] / 1e6;
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "null" : String.format(Locale.ROOT, "%.6f", v);
  }

  private static String json(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

}
