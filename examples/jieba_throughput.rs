//! Raw jieba-rs throughput: the ceiling for indexing speed.
//!
//! Reads every `.txt` file under a corpus folder into memory first (hidden files skipped),
//! then times only `Jieba::cut_for_search(text, false)` over all of them on one thread, and
//! prints one JSON object: files, bytes, tokens, seconds and MiB/s.
//!
//! ```text
//! cargo run --release --example jieba_throughput -- /path/to/corpus
//! ```

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("{}: cannot read folder", dir.display()))?;
    for entry in entries {
        let entry = entry?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let meta = std::fs::metadata(&path)?;
        if meta.is_dir() {
            collect(&path, out)?;
        } else if meta.is_file()
            && path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("txt"))
        {
            out.push(path);
        }
    }
    Ok(())
}

fn main() -> Result<()> {
    let Some(corpus) = std::env::args_os().nth(1).map(PathBuf::from) else {
        bail!("usage: jieba_throughput CORPUS_DIR");
    };
    let mut paths = Vec::new();
    collect(&corpus, &mut paths)?;
    paths.sort();
    let mut texts = Vec::with_capacity(paths.len());
    let mut invalid = 0usize;
    for path in &paths {
        let bytes = std::fs::read(path).with_context(|| format!("{}", path.display()))?;
        match String::from_utf8(bytes) {
            Ok(text) => texts.push(text),
            Err(e) => {
                // Not UTF-8: cut the lossy text so the byte count still matches the file.
                invalid += 1;
                texts.push(String::from_utf8_lossy(e.as_bytes()).into_owned());
            }
        }
    }
    let bytes: usize = texts.iter().map(String::len).sum();

    // The dictionary is built outside the timed part (baogao builds it once per process too).
    let jieba = baogao::analysis::analyzer::jieba();
    let started = Instant::now();
    let mut tokens = 0usize;
    for text in &texts {
        tokens += std::hint::black_box(jieba.cut_for_search(text, false)).len();
    }
    let seconds = started.elapsed().as_secs_f64();

    let mib_per_s = bytes as f64 / 1_048_576.0 / seconds;
    println!(
        "{}",
        serde_json::json!({
            "files": texts.len(),
            "not_utf8": invalid,
            "bytes": bytes,
            "tokens": tokens,
            "seconds": seconds,
            "mib_per_s": mib_per_s,
        })
    );
    Ok(())
}
