//! In-process query latency: opens an index once, warms up, then runs every query many times
//! through `Searching::run` (limit 10, no filters, no facets: what `baogao search` does) and
//! prints one JSON object with p50/p99/mean/max in milliseconds, overall and per query (with
//! the number of passages it matches at the match levels read, as `total` counts them).
//! Under `facets` it gives the same figures for the same searches with facet counts (what
//! `search --facets` and the search page do), timed in the first FACET_ITERATIONS rounds,
//! each right after the same query without facets. The report runs of the segments are built
//! first, as `baogao serve` does (`WARM_RUNS=0`: not, as a search from the command line).
//!
//! ```text
//! cargo run --release --example query_latency -- INDEX_DIR QUERIES_FILE [ITERATIONS [WARMUP [FACET_ITERATIONS]]]
//! ```
//!
//! QUERIES_FILE holds one query per line (blank lines and lines starting with `#` skipped).
//! Iterations run round-robin over the queries, so one query's cached blocks do not all sit
//! in CPU caches for its next run. FACET_ITERATIONS defaults to 20 (facets cost more).

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use baogao::index::Store;
use baogao::search::{Request, Searching};

/// The value at quantile `q` (nearest rank) of sorted `v`, in ms.
fn quantile_ms(sorted_ns: &[u64], q: f64) -> f64 {
    if sorted_ns.is_empty() {
        return f64::NAN;
    }
    let rank = (q * sorted_ns.len() as f64).ceil() as usize;
    sorted_ns[rank.clamp(1, sorted_ns.len()) - 1] as f64 / 1e6
}

fn summary(mut ns: Vec<u64>) -> serde_json::Value {
    ns.sort_unstable();
    let mean = ns.iter().sum::<u64>() as f64 / ns.len().max(1) as f64 / 1e6;
    serde_json::json!({
        "samples": ns.len(),
        "p50_ms": quantile_ms(&ns, 0.50),
        "p99_ms": quantile_ms(&ns, 0.99),
        "mean_ms": mean,
        "max_ms": ns.last().map_or(f64::NAN, |&m| m as f64 / 1e6),
    })
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        bail!(
            "usage: query_latency INDEX_DIR QUERIES_FILE [ITERATIONS [WARMUP [FACET_ITERATIONS]]]"
        );
    }
    let index = PathBuf::from(&args[0]);
    let queries: Vec<String> = std::fs::read_to_string(&args[1])
        .with_context(|| format!("{}: cannot read queries", args[1]))?
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    if queries.is_empty() {
        bail!("{}: no queries", args[1]);
    }
    let iterations: usize = args.get(2).map_or(Ok(200), |s| s.parse())?;
    let warmup: usize = args.get(3).map_or(Ok(5), |s| s.parse())?;
    let facet_iterations: usize = args.get(4).map_or(Ok(20), |s| s.parse())?;

    let opened = Instant::now();
    let store = Store::open_for_search(&index)?;
    let searcher = store.reader()?.searcher();
    let open_ms = opened.elapsed().as_secs_f64() * 1e3;
    // What `baogao serve` builds for each searcher (see `report_runs`); WARM_RUNS=0 leaves
    // it out, as a one-off search from the command line does.
    let warmed = Instant::now();
    let runs = std::env::var("WARM_RUNS").map_or(true, |v| v != "0");
    if runs {
        baogao::search::report_runs::warm(&searcher);
    }
    let warm_ms = warmed.elapsed().as_secs_f64() * 1e3;
    let report_runs: usize = searcher
        .segment_readers()
        .iter()
        .filter_map(baogao::search::report_runs::of)
        .map(|r| r.len())
        .sum();
    let searching = Searching::new(&store, &searcher);
    let requests: Vec<Request> = queries
        .iter()
        .map(|q| Request {
            query: q.clone(),
            limit: 10,
            ..Default::default()
        })
        .collect();
    let with_facets: Vec<Request> = requests
        .iter()
        .map(|request| Request {
            facets: true,
            ..request.clone()
        })
        .collect();

    // How many passages each query matches, and a first run of each with facets (untimed).
    let mut matches = Vec::with_capacity(requests.len());
    let mut hits = Vec::with_capacity(requests.len());
    for (request, faceted) in requests.iter().zip(&with_facets) {
        std::hint::black_box(searching.run(faceted)?);
        let outcome = searching.run(request)?;
        matches.push(outcome.total);
        hits.push(outcome.hits.len());
        for _ in 1..warmup {
            std::hint::black_box(searching.run(request)?);
        }
    }

    let mut per_query: Vec<Vec<u64>> = vec![Vec::with_capacity(iterations); requests.len()];
    let mut all = Vec::with_capacity(iterations * requests.len());
    let mut faceted_per_query: Vec<Vec<u64>> =
        vec![Vec::with_capacity(facet_iterations); requests.len()];
    let mut faceted_all = Vec::with_capacity(facet_iterations * requests.len());
    let timed = |request: &Request| -> Result<u64> {
        let started = Instant::now();
        let outcome = searching.run(request)?;
        let ns = started.elapsed().as_nanos() as u64;
        std::hint::black_box(outcome);
        Ok(ns)
    };
    for round in 0..iterations.max(facet_iterations) {
        for (i, (request, faceted)) in requests.iter().zip(&with_facets).enumerate() {
            if round < iterations {
                let ns = timed(request)?;
                per_query[i].push(ns);
                all.push(ns);
            }
            if round < facet_iterations {
                let ns = timed(faceted)?;
                faceted_per_query[i].push(ns);
                faceted_all.push(ns);
            }
        }
    }

    let per_query: Vec<serde_json::Value> = queries
        .iter()
        .zip(per_query)
        .zip(matches.iter().zip(&hits))
        .map(|((q, ns), (matches, hits))| {
            let mut s = summary(ns);
            s["query"] = q.clone().into();
            s["matches"] = (*matches).into();
            s["hits"] = (*hits).into();
            s
        })
        .collect();
    let faceted_per_query: Vec<serde_json::Value> = queries
        .iter()
        .zip(faceted_per_query)
        .map(|(q, ns)| {
            let mut s = summary(ns);
            s["query"] = q.clone().into();
            s
        })
        .collect();
    let mut faceted = summary(faceted_all);
    faceted["iterations"] = facet_iterations.into();
    faceted["per_query"] = faceted_per_query.into();
    let mut out = summary(all);
    out["facets"] = faceted;
    out["queries"] = queries.len().into();
    out["iterations"] = iterations.into();
    out["warmup"] = warmup.into();
    out["segments"] = searcher.segment_readers().len().into();
    out["open_ms"] = open_ms.into();
    out["warm_ms"] = warm_ms.into();
    out["report_runs"] = report_runs.into();
    out["per_query"] = per_query.into();
    println!("{out}");
    Ok(())
}
