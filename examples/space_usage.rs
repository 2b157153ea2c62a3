//! Prints how the index's bytes split by field: `cargo run --release --example space_usage -- INDEX_DIR`.

fn main() -> anyhow::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "index".to_string());
    // tantivy's own reader, not baogao's: an index of another baogao version (another
    // schema) can be measured beside the current one.
    let index = tantivy::Index::open_in_dir(&dir)?;
    let searcher = index.reader()?.searcher();
    let usage = searcher.space_usage()?;
    let mut per_field: std::collections::BTreeMap<String, [u64; 5]> = Default::default();
    for segment in usage.segments() {
        for (kind, fields) in [
            (0, segment.postings()),
            (1, segment.positions()),
            (2, segment.termdict()),
            (3, segment.fast_fields()),
            (4, segment.fieldnorms()),
        ] {
            for usage in fields.fields() {
                per_field.entry(usage.field_name().to_string()).or_default()[kind] +=
                    usage.total().get_bytes();
            }
        }
    }
    println!(
        "{:<16} {:>10} {:>10} {:>10} {:>10} {:>10}",
        "field", "postings", "positions", "terms", "fast", "norms"
    );
    for (name, [p, pos, t, f, n]) in per_field {
        let mb = |b: u64| format!("{:.1}M", b as f64 / 1_048_576.0);
        println!(
            "{name:<16} {:>10} {:>10} {:>10} {:>10} {:>10}",
            mb(p),
            mb(pos),
            mb(t),
            mb(f),
            mb(n)
        );
    }
    println!(
        "store: {:.1}M",
        usage
            .segments()
            .iter()
            .map(|s| s.store().total().get_bytes())
            .sum::<u64>() as f64
            / 1_048_576.0
    );
    Ok(())
}
