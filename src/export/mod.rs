//! Export for a distributed engine: the corpus → OpenSearch index settings and mapping (one
//! JSON) and one `_bulk` action + document per passage, analysed by baogao.
//!
//! OpenSearch does not run baogao's analysis (folding, jieba words, numbers in every spelling,
//! bigrams over punctuation); it receives its output as *pre-analysed text* that its
//! `whitespace` tokenizer splits back into the same terms at the same positions: terms that
//! share a position are joined by `|` (split by a `pattern_capture` filter, which stacks them
//! at one position) and an empty position is `_` (dropped by a `stop` filter, which keeps the
//! gap). `235萬元` in the bigram field becomes `235|2350000|万|万元 元` — positions 0,0,0,0,1 as
//! in the local index. The original text and the report fields are kept for display; the
//! analysed fields are indexed but left out of `_source`.
//!
//! [`documents`] reads the corpus one report at a time (constant memory whatever its size),
//! the same way `index` does, so every passage keeps its id, context and list lead.

pub mod document;

use std::path::Path;

use anyhow::{Result, bail};
use serde_json::{Value, json};

use crate::analysis::analyzer::{Folded, Term, gram_terms, jieba, word_terms};
use crate::corpus::{CorpusFile, Failure, scan};
use crate::ingest::ingest_bytes;
use crate::report::passage::passages;

pub use document::{Document, passage_document, report_stand_in, stand_in_id};

/// Name of the analyzer that splits pre-analysed text back into terms.
pub const PREANALYZED: &str = "baogao_preanalyzed";
/// Marks a position that holds no term.
pub const EMPTY_POSITION: &str = "_";
/// The one term of a scored field (text, context) that would hold none, and of a report's
/// stand-in: Lucene's BM25 counts a field's documents and average length over the documents
/// that hold a term of it, tantivy's over all documents; with it both count the same
/// documents. No query asks for it.
pub const EMPTY_FIELD: &str = "__";
/// Joins the terms that share a position.
pub const STACK: char = '|';

/// Bump when the word analysis changes in a way the probe of [`analyzer_stamp`] does not see
/// (a new jieba dictionary): an index exported by another analyzer is then refused.
const ANALYZER_REVISION: u32 = 1;

/// The analyzer version written in the exported index's metadata (`_meta.baogao_analyzer`):
/// the revision and a hash of the terms of a probe text that exercises folding, numbers in
/// every spelling, Latin words and jieba, so any change to them changes the stamp.
pub fn analyzer_stamp() -> String {
    const PROBE: &str = "臺北市與上海市簽署ＥＣＦＡ交流備忘錄：第十二條、235萬元、2,350,000元、3.5%、PM2.5、\
                         姊妹市、裏面、後來、民國一百零五年、Ⅻ、ｗｉｆｉ";
    let folded = Folded::new(PROBE);
    let mut hasher = blake3::Hasher::new();
    for t in word_terms(&jieba(), &folded)
        .iter()
        .chain(&gram_terms(&folded))
    {
        hasher.update(format!("{}@{};", t.text, t.position).as_bytes());
    }
    format!("{ANALYZER_REVISION}-{}", &hasher.finalize().to_hex()[..12])
}

/// Terms as pre-analysed text: positions in order, the terms of one position joined by `|`,
/// an empty position as `_`. Positions are counted from the first term.
pub fn preanalyzed(terms: &[Term]) -> String {
    let mut sorted: Vec<&Term> = terms.iter().collect();
    sorted.sort_by_key(|t| t.position);
    let mut out = String::new();
    let Some(first) = sorted.first().map(|t| t.position) else {
        return out;
    };
    let mut position = first;
    let mut at_position: Vec<&str> = Vec::new();
    let flush = |out: &mut String, at: &mut Vec<&str>| {
        if !out.is_empty() {
            out.push(' ');
        }
        if at.is_empty() {
            out.push_str(EMPTY_POSITION);
        }
        at.dedup();
        out.push_str(&at.join(&STACK.to_string()));
        at.clear();
    };
    for t in sorted {
        while t.position > position {
            flush(&mut out, &mut at_position);
            position += 1;
        }
        if !at_position.contains(&t.text.as_str()) {
            at_position.push(&t.text);
        }
    }
    flush(&mut out, &mut at_position);
    out
}

/// The index's settings, mapping and metadata: `PUT /NAME` with this body creates it.
pub fn index_definition(shards: u32, replicas: u32) -> Value {
    let analysed = |index_options: &str| json!({"type": "text", "analyzer": PREANALYZED, "index_options": index_options});
    let keyword = json!({"type": "keyword"});
    let display = |kind: &str| json!({"type": kind, "index": false});
    json!({
        "settings": {
            "number_of_shards": shards,
            "number_of_replicas": replicas,
            // `--offset` goes up to a million, as in local search.
            "max_result_window": crate::search::MAX_OFFSET + crate::search::MAX_LIMIT,
            // Terms stacked at one position count in a field's length, as tantivy counts them.
            "similarity": {"default": {"type": "BM25", "k1": 1.2, "b": 0.75, "discount_overlaps": false}},
            "analysis": {
                "tokenizer": {
                    // A position may stack many terms; the default limit (255) would cut them.
                    "baogao_positions": {"type": "whitespace", "max_token_length": 4096}
                },
                "filter": {
                    "baogao_stack": {
                        "type": "pattern_capture",
                        "preserve_original": false,
                        "patterns": ["([^|]+)"]
                    },
                    "baogao_gap": {"type": "stop", "stopwords": [EMPTY_POSITION], "ignore_case": false}
                },
                "analyzer": {
                    PREANALYZED: {
                        "type": "custom",
                        "tokenizer": "baogao_positions",
                        "filter": ["baogao_stack", "baogao_gap"]
                    }
                }
            }
        },
        "mappings": {
            "_meta": {"baogao_analyzer": analyzer_stamp(), "baogao_schema": SCHEMA_VERSION},
            "_routing": {"required": true},
            "_source": {"excludes": ["body_words", "body_grams", "context_grams", "frame_grams", "title_grams", "section_folded"]},
            "dynamic": "strict",
            "properties": {
                "id": keyword,
                "report": keyword,
                "kind": keyword,
                "year": keyword,
                "date": keyword,
                "section": keyword,
                "section_top": keyword,
                "section_folded": keyword,
                "organisation": keyword,
                "seq": {"type": "long"},
                "file": keyword,
                "page": {"type": "integer"},
                "ocr": {"type": "boolean"},
                "key": {"type": "long"},
                "prior": {"type": "float"},
                "title": display("text"),
                "text": display("text"),
                "table": display("text"),
                "headers": display("text"),
                "table_note": display("text"),
                "body_words": analysed("freqs"),
                "body_grams": analysed("positions"),
                "context_grams": analysed("freqs"),
                "frame_grams": analysed("freqs"),
                "title_grams": analysed("freqs")
            }
        }
    })
}

/// Version of the document layout ([`Document`] and [`index_definition`]).
pub const SCHEMA_VERSION: u32 = 4;

/// The exported index as `index_definition` would create it, read back from the engine:
/// refuses one made by another analyzer or layout.
pub fn check_definition(name: &str, mapping_meta: Option<&Value>) -> Result<()> {
    let stamp = mapping_meta
        .and_then(|m| m.get("baogao_analyzer"))
        .and_then(Value::as_str);
    let schema = mapping_meta
        .and_then(|m| m.get("baogao_schema"))
        .and_then(Value::as_u64);
    let ours = analyzer_stamp();
    match (stamp, schema) {
        (Some(stamp), Some(schema)) if stamp == ours && schema == u64::from(SCHEMA_VERSION) => {
            Ok(())
        }
        (Some(stamp), _) if stamp != ours => bail!(
            "index {name} was exported with another baogao analyzer ({stamp}, this baogao has {ours}); export and push it again into a new index"
        ),
        (Some(_), _) => bail!(
            "index {name} was exported with another baogao document layout; export and push it again into a new index"
        ),
        (None, _) => bail!("index {name} was not made by baogao export (no analyzer stamp)"),
    }
}

/// Which reports to export.
#[derive(Debug, Clone, Copy, Default)]
pub struct Selection {
    /// Only files modified at or after this time (seconds since the Unix epoch).
    pub since: Option<u64>,
}

/// What an export pass saw.
#[derive(Debug, Default)]
pub struct Exported {
    pub reports: usize,
    pub passages: usize,
    /// Reports left out by `--since`.
    pub unchanged: usize,
    pub failed: Vec<Failure>,
}

/// The corpus's report files chosen by `selection`, in path order, and how many were left out.
pub fn chosen_files(corpus: &Path, selection: Selection) -> Result<(Vec<CorpusFile>, usize)> {
    if !corpus.is_dir() {
        bail!("{}: corpus folder not found", corpus.display());
    }
    let files = scan(corpus)?;
    let total = files.len();
    let chosen: Vec<CorpusFile> = files
        .into_iter()
        // Corpus files carry their mtime in nanoseconds.
        .filter(|f| {
            selection
                .since
                .is_none_or(|since| f.mtime >= since.saturating_mul(1_000_000_000))
        })
        .collect();
    let left_out = total - chosen.len();
    Ok((chosen, left_out))
}

/// Reads and analyses the reports of `files` one at a time, handing each report's documents
/// to `sink` (which may stop the pass with an error). A file that cannot be read is recorded
/// in the result and the others go on.
pub fn documents(
    files: &[CorpusFile],
    mut sink: impl FnMut(&CorpusFile, Vec<Document>) -> Result<()>,
) -> Result<Exported> {
    let mut exported = Exported::default();
    let jieba = jieba();
    for file in files {
        let ingested = match file
            .read()
            .and_then(|bytes| ingest_bytes(&bytes, &file.path, None))
        {
            Ok(ingested) => ingested,
            Err(e) => {
                exported.failed.push(Failure::new(
                    file.path.display().to_string(),
                    format!("{e:#}"),
                ));
                continue;
            }
        };
        let report = &ingested.report;
        let organisation = report.meta.organisation();
        // The same passages as the local index holds: pages placed, file named.
        let mut list = passages(&file.id, report);
        crate::report::pages::place_on_pages(&mut list, &ingested.pages, &ingested.ocr_pages);
        for p in &mut list {
            p.file = Some(file.relative.clone());
        }
        let docs: Vec<Document> = list
            .iter()
            .map(|p| passage_document(&jieba, p, organisation))
            .collect();
        exported.reports += 1;
        exported.passages += docs.len();
        sink(file, docs)?;
    }
    Ok(exported)
}

/// The `_bulk` action line of a document: indexed under its passage id, routed by report so
/// that a report's passages share a shard.
pub fn bulk_action(index_name: &str, doc: &Document) -> Value {
    json!({"index": {"_index": index_name, "_id": doc.id, "routing": doc.report}})
}

/// The `_bulk` action line of a report's stand-in ([`report_stand_in`]), routed with its
/// passages.
pub fn stand_in_action(index_name: &str, report: &str) -> Value {
    json!({"index": {"_index": index_name, "_id": stand_in_id(report), "routing": report}})
}

/// Writes the `_bulk` NDJSON of `files` (one action line and one document line per passage, then the report's stand-in)
/// to `out`, one report at a time; `progress` hears of each report done.
pub fn write_bulk(
    files: &[CorpusFile],
    index_name: &str,
    out: &mut dyn std::io::Write,
    progress: &mut dyn FnMut(usize),
) -> Result<Exported> {
    documents(files, |file, docs| {
        for doc in &docs {
            serde_json::to_writer(&mut *out, &bulk_action(index_name, doc))?;
            out.write_all(b"\n")?;
            serde_json::to_writer(&mut *out, doc)?;
            out.write_all(b"\n")?;
        }
        serde_json::to_writer(&mut *out, &stand_in_action(index_name, &file.id))?;
        out.write_all(b"\n")?;
        serde_json::to_writer(&mut *out, &report_stand_in(&file.id))?;
        out.write_all(b"\n")?;
        progress(docs.len());
        Ok(())
    })
}

/// A time as typed for `--since`: `2026-12-01`, `2026-12-01T08:30:00Z` (UTC), or `@SECONDS`
/// since the Unix epoch → seconds since the epoch.
pub fn parse_since(typed: &str) -> Option<u64> {
    let typed = typed.trim();
    if let Some(seconds) = typed.strip_prefix('@') {
        return seconds.parse().ok();
    }
    let (date, clock) = match typed.split_once(['T', ' ']) {
        Some((date, clock)) => (date, Some(clock.trim_end_matches('Z'))),
        None => (typed, None),
    };
    let mut ymd = date.split('-').map(|p| p.parse::<i32>().ok());
    let (year, month, day) = (ymd.next()??, ymd.next()??, ymd.next()??);
    if ymd.next().is_some() {
        return None;
    }
    let month = time::Month::try_from(u8::try_from(month).ok()?).ok()?;
    let date = time::Date::from_calendar_date(year, month, u8::try_from(day).ok()?).ok()?;
    let (h, m, s) = match clock {
        None => (0, 0, 0),
        Some(clock) => {
            let mut hms = clock.split(':').map(|p| p.parse::<u8>().ok());
            let h = hms.next()??;
            let m = hms.next()??;
            let s = hms.next().unwrap_or(Some(0))?;
            if hms.next().is_some() {
                return None;
            }
            (h, m, s)
        }
    };
    let at = date.with_hms(h, m, s).ok()?.assume_utc().unix_timestamp();
    u64::try_from(at).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analysed(text: &str) -> String {
        preanalyzed(&gram_terms(&Folded::new(text)))
    }

    #[test]
    fn stacked_terms_and_gaps() {
        // 2350000 and 235 and 万 share position 0; 元 and 元至 position 1.
        assert_eq!(analysed("235萬元至"), "235|2350000|万|万元 元|元至");
        // Bigrams cross punctuation; a char beside a number is also a term of its own.
        assert_eq!(analysed("臺北，上海"), "台北 北上 上海");
        assert_eq!(analysed("臺北 2016 上海"), "台北 北 2016 上|上海");
        assert_eq!(analysed(""), "");
        // A two-char word spans two positions: the second stays empty.
        let words = preanalyzed(&word_terms(&jieba(), &Folded::new("法規性質")));
        assert_eq!(words, "法规 _ 性质");
    }

    #[test]
    fn definition_stamps_the_analyzer() {
        let definition = index_definition(2, 1);
        let meta = definition["mappings"]["_meta"].clone();
        assert!(check_definition("x", Some(&meta)).is_ok());
        let mut other = meta.clone();
        other["baogao_analyzer"] = json!("0-000000000000");
        let refused = check_definition("x", Some(&other)).unwrap_err().to_string();
        assert!(refused.contains("another baogao analyzer"), "{refused}");
        assert!(check_definition("x", None).is_err());
        assert_eq!(definition["settings"]["number_of_shards"], 2);
    }

    #[test]
    fn since_takes_dates_times_and_seconds() {
        assert_eq!(parse_since("1970-01-02"), Some(86_400));
        assert_eq!(parse_since("2023-11-14T22:13:20Z"), Some(1_700_000_000));
        assert_eq!(parse_since("2023-11-14 22:13"), Some(1_699_999_980));
        assert_eq!(parse_since("@1700000000"), Some(1_700_000_000));
        for bad in [
            "",
            "yesterday",
            "2023-13-01",
            "2023-02-30",
            "2023-11-14T25:00",
            "@x",
        ] {
            assert_eq!(parse_since(bad), None, "{bad}");
        }
    }
}
