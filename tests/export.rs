//! `export --format opensearch` against golden files (no engine needed): the index definition
//! (settings, mapping, analyzer stamp) and the bulk NDJSON of a small report stay exactly as
//! reviewed; `--since`, the output folder and bad arguments behave as documented.
//!
//! After an intended change, regenerate with `BAOGAO_UPDATE_GOLDEN=1 cargo test --test export`
//! and review the diff.

mod util;

use std::path::Path;

use serde_json::Value;
use util::Work;

const GOLDEN: &str = "tests/fixtures/opensearch";
const REPORT: &str = "cp950-A0010007-utf8.txt";

fn golden(name: &str, actual: &str) {
    let path = Path::new(GOLDEN).join(name);
    if std::env::var("BAOGAO_UPDATE_GOLDEN").is_ok_and(|v| v == "1") {
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap();
    assert!(
        expected == actual,
        "{} differs from the export (BAOGAO_UPDATE_GOLDEN=1 regenerates it)",
        path.display()
    );
}

fn one_report() -> Work {
    let w = Work::new();
    std::fs::copy(
        Path::new("tests/fixtures").join(REPORT),
        w.corpus().join(REPORT),
    )
    .unwrap();
    w
}

#[test]
fn index_definition_is_golden() {
    let w = Work::new();
    let (code, out, err) = w.run(&["export", "--format", "opensearch", "--definition"]);
    assert_eq!(code, 0, "{err}");
    let definition: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(definition["mappings"]["_routing"]["required"], true);
    golden("index.json", &out);
    // Shards and replicas are the only settings a user chooses.
    let (_, out, _) = w.run(&[
        "export",
        "--format",
        "opensearch",
        "--definition",
        "--shards",
        "2",
        "--replicas",
        "1",
    ]);
    let two: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(two["settings"]["number_of_shards"], 2);
    assert_eq!(two["settings"]["number_of_replicas"], 1);
}

#[test]
fn bulk_ndjson_is_golden() {
    let w = one_report();
    let (code, out, err) = w.run(&["export", "--format", "opensearch", "--index-name", "laws"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("exported 1 reports"), "{err}");
    golden("bulk.ndjson", &out);
    // Action and document alternate; ids are the local passage ids, routed by report.
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines.len() >= 4 && lines.len().is_multiple_of(2));
    let (_, local, _) = w.run(&[
        "search",
        "--json",
        "--limit",
        "10000",
        "第",
        "--kind",
        "paragraph",
    ]);
    let local_ids: Vec<String> = local
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    for pair in lines.chunks(2) {
        let (action, doc) = (&pair[0]["index"], &pair[1]);
        assert_eq!(action["_index"], "laws");
        assert_eq!(action["_id"], doc["id"]);
        assert_eq!(action["routing"], doc["report"]);
    }
    let exported: Vec<&str> = lines
        .iter()
        .skip(1)
        .step_by(2)
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert!(!local_ids.is_empty());
    assert!(
        local_ids.iter().all(|id| exported.contains(&id.as_str())),
        "{local_ids:?}"
    );
}

#[test]
fn export_to_a_folder_never_replaces_files() {
    let w = one_report();
    let out = w.path("out");
    let (code, stdout, err) = w.run(&["export", "--format", "opensearch", out.to_str().unwrap()]);
    assert_eq!((code, stdout.as_str()), (0, ""), "{err}");
    let bulk = std::fs::read_to_string(out.join("bulk.ndjson")).unwrap();
    let (_, piped, _) = w.run(&["export", "--format", "opensearch"]);
    assert_eq!(bulk, piped);
    let (_, definition, _) = w.run(&["export", "--format", "opensearch", "--definition"]);
    assert_eq!(
        std::fs::read_to_string(out.join("index.json")).unwrap(),
        definition
    );
    // A second export into the same folder is refused and leaves the files as they were.
    std::fs::write(out.join("bulk.ndjson"), "mine").unwrap();
    let (code, _, err) = w.run(&["export", "--format", "opensearch", out.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("already exists") && err.lines().count() == 1,
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("bulk.ndjson")).unwrap(),
        "mine"
    );
}

#[test]
fn since_leaves_out_reports_unchanged_since() {
    let w = one_report();
    let (code, out, err) = w.run(&["export", "--format", "opensearch", "--since", "2999-01-01"]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    assert!(
        err.contains("exported 0 reports (0 passages); 1 unchanged"),
        "{err}"
    );
    let (code, out, _) = w.run(&["export", "--format", "opensearch", "--since", "2000-01-01"]);
    assert_eq!(code, 0);
    assert!(!out.is_empty());
}

#[test]
fn bad_arguments_are_one_line_and_exit_2() {
    let w = one_report();
    for (args, says) in [
        (
            vec!["export", "--format", "opensearch", "--since", "yesterday"],
            "--since yesterday: not a time",
        ),
        (
            vec!["export", "--format", "opensearch", "--index-name", "Big"],
            "--index-name Big",
        ),
        (vec!["export", "--format", "solr"], "solr"),
        (
            vec!["export", "--format", "opensearch", "--shards", "0"],
            "--shards 0",
        ),
        (
            vec!["push", "--engine", "localhost:9200"],
            "expected http://HOST:PORT",
        ),
        (
            vec!["search", "--engine", "ftp://x", "交流"],
            "expected http://HOST:PORT",
        ),
    ] {
        let (code, out, err) = w.run(&args);
        assert_eq!((code, out.as_str()), (2, ""), "{args:?}: {err}");
        assert!(
            err.contains(says) && err.trim_end().lines().count() == 1,
            "{args:?}: {err}"
        );
    }
}

#[test]
fn an_unreachable_engine_is_said_after_bounded_retries() {
    let w = one_report();
    // Port 9 (discard) has no listener on the test machine.
    let (code, out, err) = w.run(&["search", "--engine", "http://127.0.0.1:9", "交流"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.contains("127.0.0.1:9") && err.contains("attempts") && err.lines().count() == 1,
        "{err}"
    );
}
