//! Nothing lost, nothing silently wrong (issue 14): an index bound to its corpus, self-repair
//! of a damaged index, a full disk, `add` of files `index` would drop, a forced wrong
//! encoding, known-bad files, and PDF input without poppler. Each test runs the built binary
//! against temporary folders.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;

mod util;
use util::{SAMPLE, Work, output};

const BIG5: &str = "tests/fixtures/gazette-08_82980-big5.txt";
const UTF8: &str = "tests/fixtures/gazette-12_81788-utf8.txt";

/// The ids `reports --json` lists.
fn report_ids(w: &Work) -> BTreeSet<String> {
    let (code, stdout, stderr) = w.run(&["reports", "--json"]);
    assert!(code == 0 || code == 1, "{stderr}");
    stdout
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["id"].as_str().unwrap().to_string()
        })
        .collect()
}

/// `baogao` run in `cwd` with only the arguments given (no `--corpus`), and a clean
/// environment.
fn run_in(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let mut c = Command::cargo_bin("baogao").unwrap();
    c.env_remove("BAOGAO_INDEX")
        .env_remove("BAOGAO_CORPUS")
        .env("NO_COLOR", "1")
        .current_dir(cwd)
        .args(args);
    output(&mut c)
}

fn assert_one_line(what: &str, stderr: &str, needles: &[&str]) {
    assert_eq!(stderr.lines().count(), 1, "{what}: {stderr}");
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    for needle in needles {
        assert!(stderr.contains(needle), "{what}: no {needle:?} in {stderr}");
    }
}

// ---------------------------------------------------------------------------------------
// 1. An index bound to its corpus.

#[test]
fn a_read_command_in_another_folder_never_empties_the_index() {
    let w = Work::with_sample();
    fs::copy(UTF8, w.corpus().join("cabinet.txt")).unwrap();
    let (code, _, stderr) = w.run(&["index"]);
    assert_eq!(code, 0, "{stderr}");
    let before = report_ids(&w);
    assert_eq!(before.len(), 2);

    // A folder that happens to hold an unrelated corpus/.
    let elsewhere = w.path("elsewhere");
    fs::create_dir_all(elsewhere.join("corpus")).unwrap();
    fs::write(
        elsewhere.join("corpus/stray.txt"),
        "標題：無關的檔案\n\n這份檔案與索引無關。\n",
    )
    .unwrap();
    let index = w.index().display().to_string();
    for args in [
        vec!["--index", &index, "search", "雙城論壇", "--limit", "1"],
        vec!["--index", &index, "reports"],
    ] {
        let (code, stdout, stderr) = run_in(&elsewhere, &args);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert!(!stdout.is_empty());
        assert!(!stderr.contains("updating"), "{args:?}: {stderr}");
    }
    // The index's own corpus is used with --index alone: a new report there is picked up.
    fs::copy(BIG5, w.corpus().join("hushan.txt")).unwrap();
    let (code, stdout, stderr) = run_in(&elsewhere, &["--index", &index, "search", "湖山水庫"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("hushan#"), "{stdout}");
    let after = report_ids(&w);
    assert_eq!(after.len(), 3, "{after:?}");

    // Given another corpus explicitly, writing commands change nothing and say how to
    // re-point; reading commands search the index as it is.
    let stray = elsewhere.join("corpus").display().to_string();
    for args in [
        vec!["--index", &index, "--corpus", &stray, "index"],
        vec!["--index", &index, "--corpus", &stray, "index", "--rebuild"],
        vec!["--index", &index, "--corpus", &stray, "remove", "hushan"],
        vec![
            "--index",
            &index,
            "--corpus",
            &stray,
            "add",
            "corpus/stray.txt",
        ],
    ] {
        let (code, _, stderr) = run_in(&elsewhere, &args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert_one_line(
            "other corpus",
            &stderr,
            &["belongs to the corpus", "--repoint"],
        );
    }
    assert_eq!(report_ids(&w), after);
    assert!(w.corpus().join("hushan.txt").is_file());
    let (code, _, stderr) = run_in(
        &elsewhere,
        &["--index", &index, "--corpus", &stray, "search", "湖山水庫"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("searching the index as it is"), "{stderr}");
    assert_eq!(report_ids(&w), after);

    // Re-pointing is explicit.
    let (code, _, stderr) = run_in(
        &elsewhere,
        &["--index", &index, "--corpus", &stray, "index", "--repoint"],
    );
    assert_eq!(code, 0, "{stderr}");
    let (_, stdout, _) = run_in(&elsewhere, &["--index", &index, "reports"]);
    assert!(stdout.starts_with("stray\t"), "{stdout}");
}

// ---------------------------------------------------------------------------------------
// 2. Self-repair.

/// The first segment file of the index with this extension.
fn segment_file(index: &Path, extension: &str) -> PathBuf {
    fs::read_dir(index)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == extension))
        .unwrap()
}

#[test]
fn a_damaged_index_is_named_in_one_line_and_rebuilt() {
    let w = Work::with_sample();
    assert_eq!(w.run(&["index"]).0, 0);
    let store = segment_file(&w.index(), "store");
    fs::OpenOptions::new()
        .write(true)
        .open(&store)
        .unwrap()
        .set_len(100)
        .unwrap();
    let name = store.file_name().unwrap().to_string_lossy().into_owned();
    for args in [vec!["search", "雙城論壇"], vec!["reports"], vec!["index"]] {
        let (code, _, stderr) = w.run(&args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert_one_line(
            "truncated",
            &stderr,
            &[&name, "damaged", "baogao index --rebuild"],
        );
        assert!(!stderr.contains("IoError"), "{stderr}");
    }
    let (code, _, stderr) = w.run(&["index", "--rebuild"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("removed an index that could not be used"),
        "{stderr}"
    );
    let (code, stdout, _) = w.run(&["search", "雙城論壇", "--limit", "1"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("taipei-shanghai-city-exchange-2017#"));

    // Garbage in meta.json is damage, not "another version".
    fs::write(w.index().join("meta.json"), "garbage\n").unwrap();
    let (code, _, stderr) = w.run(&["search", "雙城論壇"]);
    assert_eq!(code, 2, "{stderr}");
    assert_one_line(
        "meta.json",
        &stderr,
        &["meta.json", "damaged", "index --rebuild"],
    );
    assert!(!stderr.contains("another version"), "{stderr}");
    let (code, _, stderr) = w.run(&["index", "--rebuild"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report_ids(&w).len(), 1);
}

#[test]
fn rebuild_never_deletes_what_is_not_an_index() {
    let w = Work::with_sample();
    // A folder of the user's own files given as --index by mistake.
    fs::create_dir(w.index()).unwrap();
    fs::write(w.index().join("notes.txt"), "mine").unwrap();
    fs::write(w.index().join("data.store"), "mine too").unwrap();
    let (code, _, stderr) = w.run(&["index", "--rebuild"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("removed an index"), "{stderr}");
    assert_eq!(fs::read(w.index().join("notes.txt")).unwrap(), b"mine");
    assert_eq!(fs::read(w.index().join("data.store")).unwrap(), b"mine too");
}

// ---------------------------------------------------------------------------------------
// 3. A full disk.

/// A tmpfs of `kib` KiB mounted on a new folder, unmounted when dropped; `None` (the test
/// then says it was skipped) when not root or mounting is not allowed here.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(kib: usize) -> Option<SmallDisk> {
        let dir = tempfile::TempDir::new().ok()?;
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kib}k"), "tmpfs"])
            .arg(dir.path())
            .output()
            .ok()?
            .status
            .success();
        mounted.then_some(SmallDisk { dir })
    }

    /// A 4 MiB disk holding an empty `corpus/` folder for the test `name`; `None` after
    /// saying on stderr that the test was skipped.
    fn mount_for(name: &str) -> Option<SmallDisk> {
        let Some(disk) = SmallDisk::mount(4096) else {
            // Straight to stderr: the harness would capture `eprintln!` of a passing test.
            let _ = std::io::Write::write_all(
                &mut std::io::stderr(),
                format!("\nSKIPPED {name}: needs root to mount a tmpfs\n").as_bytes(),
            );
            return None;
        };
        fs::create_dir(disk.dir.path().join("corpus")).unwrap();
        Some(disk)
    }

    /// `baogao` with this disk's `index/` and `corpus/`, run to its end.
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let mut c = Command::cargo_bin("baogao").unwrap();
        c.env_remove("BAOGAO_INDEX")
            .env_remove("BAOGAO_CORPUS")
            .env("NO_COLOR", "1")
            .arg("--index")
            .arg(self.dir.path().join("index"))
            .arg("--corpus")
            .arg(self.dir.path().join("corpus"));
        output(c.args(args))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

/// Fills the disk holding `dir` up to `free` bytes left.
fn fill(dir: &Path, free: u64) -> PathBuf {
    let filler = dir.join("filler");
    let mut size = 0u64;
    let chunk = vec![0u8; 16 * 1024];
    let mut file = fs::File::create(&filler).unwrap();
    use std::io::Write;
    // Write until full, then give back `free` bytes.
    while file.write_all(&chunk).is_ok() {
        size += chunk.len() as u64;
    }
    drop(file);
    fs::OpenOptions::new()
        .write(true)
        .open(&filler)
        .unwrap()
        .set_len(size.saturating_sub(free))
        .unwrap();
    filler
}

/// Segment ids that `meta.json` lists (without dashes, as in file names).
fn committed_segments(index: &Path) -> BTreeSet<String> {
    let meta: serde_json::Value =
        serde_json::from_slice(&fs::read(index.join("meta.json")).unwrap()).unwrap();
    meta["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["segment_id"].as_str().unwrap().replace('-', ""))
        .collect()
}

/// Segment ids of the files in the index folder.
fn segment_files(index: &Path) -> BTreeSet<String> {
    fs::read_dir(index)
        .unwrap()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let (stem, _) = name.split_once('.')?;
            (stem.len() == 32).then(|| stem.to_string())
        })
        .collect()
}

#[test]
fn a_full_disk_leaves_no_debris_and_names_the_folder() {
    let Some(disk) = SmallDisk::mount_for("a_full_disk_leaves_no_debris_and_names_the_folder")
    else {
        return;
    };
    let root = disk.dir.path();
    let w = Work::new();
    let (corpus, index) = (root.join("corpus"), root.join("index"));
    let cmd = |args: &[&str]| disk.run(args);
    fs::copy(SAMPLE, corpus.join("sample.txt")).unwrap();
    let (code, _, stderr) = cmd(&["index"]);
    assert_eq!(code, 0, "{stderr}");
    let corpus_before: BTreeSet<_> = fs::read_dir(&corpus)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();

    // Four reports to add, on a disk with room for their copies but not their index.
    let mut files = Vec::new();
    for (i, source) in [UTF8, BIG5, UTF8, BIG5].iter().enumerate() {
        let file = w.path(&format!("new{i}.txt"));
        fs::copy(source, &file).unwrap();
        files.push(file.display().to_string());
    }
    // Room for the copies and a little more: not for the index's new segments.
    let copies: u64 = files.iter().map(|f| fs::metadata(f).unwrap().len()).sum();
    let filler = fill(root, copies + 32 * 1024);
    let mut args = vec!["add"];
    args.extend(files.iter().map(String::as_str));
    for attempt in 0..3 {
        let (code, _, stderr) = cmd(&args);
        assert_eq!(code, 2, "attempt {attempt}: {stderr}");
        let last = stderr.lines().last().unwrap_or_default();
        assert!(last.contains("no space left on device"), "{stderr}");
        assert!(
            last.contains(&index.display().to_string())
                || last.contains(&corpus.display().to_string()),
            "{stderr}"
        );
        // No copy stays in the corpus, nothing new in the index.
        let corpus_now: BTreeSet<_> = fs::read_dir(&corpus)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(corpus_now, corpus_before, "attempt {attempt}");
    }
    fs::remove_file(filler).unwrap();
    // Segments a failed run wrote are collected when the next writer opens.
    let (code, _, stderr) = cmd(&["index"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(segment_files(&index), committed_segments(&index));
    let (code, _, stderr) = cmd(&args);
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = cmd(&["index", "--rebuild"]);
    assert_eq!(code, 0, "{stderr}");
    let (_, stdout, _) = cmd(&["reports"]);
    assert_eq!(stdout.lines().count(), 5, "{stdout}");
}

// ---------------------------------------------------------------------------------------
// 4. `add` takes only what `index` keeps.

#[test]
fn add_refuses_files_index_would_drop() {
    let w = Work::with_sample();
    assert_eq!(w.run(&["index"]).0, 0);
    fs::write(w.path("note.md"), "標題：筆記\n\n一段筆記。\n").unwrap();
    fs::write(w.path("t.csv"), "年度,金額\n2016,3500\n").unwrap();
    fs::write(w.path("plain"), "標題：沒有副檔名\n\n一段文字。\n").unwrap();
    for (file, id) in [("note.md", None), ("t.csv", None), ("plain", Some("v1.2"))] {
        let path = w.path(file).display().to_string();
        let mut args = vec!["add", path.as_str()];
        if let Some(id) = id {
            args.extend(["--id", id]);
        }
        let (code, stdout, stderr) = w.run(&args);
        assert_eq!(code, 2, "{file}: {stderr}");
        assert!(!stdout.contains("added"), "{file}: {stdout}");
        let cause = if id.is_some() {
            "cannot be stored"
        } else {
            "not a report file"
        };
        assert!(
            stderr
                .lines()
                .any(|l| l.contains(file) && l.contains(cause)),
            "{stderr}"
        );
    }
    let names: Vec<_> = fs::read_dir(w.corpus())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    // A file without extension is a report: accepted, and kept by the next `index`.
    let plain = w.path("plain").display().to_string();
    let (code, _, stderr) = w.run(&["add", &plain]);
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = w.run(&["index"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("0 removed"), "{stderr}");
    assert_eq!(report_ids(&w).len(), 2);
}

// ---------------------------------------------------------------------------------------
// 6. A forced wrong encoding.

#[test]
fn a_forced_wrong_encoding_is_warned_about() {
    let w = Work::new();
    let (code, _, stderr) = w.run(&["add", "--encoding", "latin1", "--id", "wrong", BIG5]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr
            .lines()
            .any(|l| l.contains("warning") && l.contains("latin1") && l.contains("suggests big5")),
        "{stderr}"
    );
    // The title as decoded is shown, mojibake and all.
    assert!(stderr.contains("read wrong: "), "{stderr}");
    // The right encoding, forced or detected, draws no warning.
    for args in [
        vec!["add", "--encoding", "big5", "--id", "forced", BIG5],
        vec!["add", "--id", "detected", BIG5],
    ] {
        let (code, _, stderr) = w.run(&args);
        assert_eq!(code, 0, "{stderr}");
        assert!(!stderr.contains("warning"), "{stderr}");
        assert!(stderr.contains("經濟部令"), "{stderr}");
    }
}

// ---------------------------------------------------------------------------------------
// 7. Known-bad files.

#[test]
fn known_bad_files_are_skipped_as_before_and_ignore_files_skip_on_purpose() {
    let w = Work::with_sample();
    let bad = w.corpus().join("broken.txt");
    fs::write(&bad, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    let (code, _, stderr) = w.run(&["index"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("broken.txt"), "{stderr}");

    // Unchanged: a count, exit 0, and `reports --failed` says which and why.
    fs::copy(UTF8, w.corpus().join("cabinet.txt")).unwrap();
    let (code, _, stderr) = w.run(&["index"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("1 file skipped as before: baogao reports --failed"),
        "{stderr}"
    );
    assert!(!stderr.contains("broken.txt"), "{stderr}");
    let (code, stdout, _) = w.run(&["reports", "--failed"]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("broken.txt\tbinary file"), "{stdout}");
    // Searching after a change does not report it again.
    fs::copy(BIG5, w.corpus().join("hushan.txt")).unwrap();
    let (code, _, stderr) = w.run(&["search", "湖山水庫", "--limit", "1"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("broken.txt"), "{stderr}");

    // Changed bytes are tried again.
    fs::write(&bad, b"").unwrap();
    let (code, _, stderr) = w.run(&["index"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("broken.txt: empty file"), "{stderr}");

    // Left out on purpose: no failure, no report.
    fs::create_dir(w.corpus().join("drafts")).unwrap();
    fs::copy(UTF8, w.corpus().join("drafts/draft.txt")).unwrap();
    fs::write(w.corpus().join(".baogaoignore"), "broken.txt\ndrafts/\n").unwrap();
    let (code, _, stderr) = w.run(&["index"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("2 left out by .baogaoignore"), "{stderr}");
    let (code, stdout, _) = w.run(&["reports", "--failed"]);
    assert_eq!(code, 1, "{stdout}");
    let ids = report_ids(&w);
    assert!(!ids.iter().any(|id| id.contains("draft")), "{ids:?}");
    assert_eq!(ids.len(), 3, "{ids:?}");
}

// ---------------------------------------------------------------------------------------
// 8. PDF input without poppler.

#[test]
fn a_pdf_without_pdftotext_says_how_to_install_it() {
    let w = Work::new();
    let empty_path = w.path("bin");
    fs::create_dir(&empty_path).unwrap();
    let pdf =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats/report-2pages.pdf");
    let (code, _, stderr) = output(w.cmd().env("PATH", &empty_path).arg("add").arg(&pdf));
    assert_eq!(code, 2, "{stderr}");
    assert_one_line(
        "no pdftotext",
        &stderr,
        &["report-2pages.pdf", "pdftotext not found", "poppler-utils"],
    );
    // Not a known failure: installing pdftotext is enough, no file to change.
    fs::copy(&pdf, w.corpus().join("report.pdf")).unwrap();
    for _ in 0..2 {
        let (code, _, stderr) = output(w.cmd().env("PATH", &empty_path).arg("index"));
        assert_eq!(code, 2, "{stderr}");
        assert!(
            stderr.contains("report.pdf: 找不到讀 PDF 的程式 pdftotext not found"),
            "{stderr}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// 6. A copied project folder is its own project (issue 22).

/// The file names in `dir`.
fn names_in(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn a_copied_project_writes_to_its_own_corpus() {
    let w = Work::with_sample();
    fs::copy(UTF8, w.corpus().join("cabinet.txt")).unwrap();
    let original = w.dir.path();
    let (code, _, stderr) = run_in(original, &["index"]);
    assert_eq!(code, 0, "{stderr}");
    let original_files = names_in(&w.corpus());

    let copy = w.path("proj-copy");
    fs::create_dir(&copy).unwrap();
    let status = Command::new("cp")
        .arg("-a")
        .arg(w.corpus())
        .arg(w.index())
        .arg(&copy)
        .status()
        .unwrap();
    assert!(status.success());
    fs::copy(BIG5, w.path("hushan.txt")).unwrap();
    let hushan = w.path("hushan.txt").display().to_string();

    // `add` and `remove` in the copy change the copy's corpus only.
    let (code, _, stderr) = run_in(&copy, &["add", &hushan]);
    assert_eq!(code, 0, "{stderr}");
    assert!(copy.join("corpus/hushan.txt").is_file());
    let (code, _, stderr) = run_in(&copy, &["remove", "cabinet"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!copy.join("corpus/cabinet.txt").exists());
    assert_eq!(names_in(&w.corpus()), original_files);
    assert_eq!(
        report_ids(&w),
        BTreeSet::from([
            "cabinet".into(),
            "taipei-shanghai-city-exchange-2017".into()
        ])
    );

    // Naming the copy's own corpus is not "another corpus".
    let (code, _, stderr) = run_in(&copy, &["--corpus", "corpus", "index", "--rebuild"]);
    assert_eq!(code, 0, "{stderr}");
    let (code, stdout, stderr) = run_in(&copy, &["reports"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("hushan\t"), "{stdout}");
    assert!(!stdout.contains("cabinet\t"), "{stdout}");
    assert_eq!(names_in(&w.corpus()), original_files);
}

// ---------------------------------------------------------------------------------------
// 7. The corpus never reads outside itself, and never loops (issue 22).

/// Runs `cmd` to its end, or kills it after `limit`: `None` when it had to be killed.
fn run_within(cmd: &mut Command, limit: std::time::Duration) -> Option<(i32, String, String)> {
    use std::process::Stdio;
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    Some((
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

#[test]
fn links_out_of_the_corpus_are_not_followed() {
    let w = Work::with_sample();
    // A folder outside the corpus holding a secret report, linked from inside it.
    let outside = w.path("outside");
    fs::create_dir(&outside).unwrap();
    fs::write(
        outside.join("secret.txt"),
        "標題：機密檔案\n\n這份檔案不在資料夾裡面，不得索引。\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(&outside, w.corpus().join("etc")).unwrap();
    std::os::unix::fs::symlink(outside.join("secret.txt"), w.corpus().join("secret.txt")).unwrap();
    let (code, _, stderr) = w.run(&["index"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("2 symbolic links"), "{stderr}");
    assert_eq!(
        report_ids(&w),
        BTreeSet::from(["taipei-shanghai-city-exchange-2017".to_string()])
    );
    let (code, stdout, _) = w.run(&["search", "機密檔案"]);
    assert_eq!(code, 1, "{stdout}");
    // `add` of a report whose name is taken by a link replaces the link, not its target.
    let new = w.path("secret.txt");
    fs::copy(UTF8, &new).unwrap();
    let (code, _, stderr) = w.run(&["add", &new.display().to_string()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        fs::read_to_string(outside.join("secret.txt"))
            .unwrap()
            .contains("機密檔案")
    );
    // `remove` removes the corpus's file, never what a link points at.
    let (code, _, stderr) = w.run(&["remove", "secret"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(outside.join("secret.txt").is_file());
}

#[test]
fn link_loops_in_the_corpus_end() {
    let w = Work::with_sample();
    fs::create_dir(w.corpus().join("sub")).unwrap();
    fs::copy(UTF8, w.corpus().join("sub/cabinet.txt")).unwrap();
    std::os::unix::fs::symlink(".", w.corpus().join("s1")).unwrap();
    std::os::unix::fs::symlink(".", w.corpus().join("s2")).unwrap();
    std::os::unix::fs::symlink("..", w.corpus().join("sub/up")).unwrap();
    let limit = std::time::Duration::from_secs(30);
    let Some((code, _, stderr)) = run_within(w.cmd().args(["index"]), limit) else {
        panic!("index did not end within {limit:?}");
    };
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        report_ids(&w),
        BTreeSet::from([
            "sub.cabinet".to_string(),
            "taipei-shanghai-city-exchange-2017".to_string()
        ])
    );
    let Some((code, stdout, stderr)) = run_within(w.cmd().args(["reports"]), limit) else {
        panic!("reports did not end within {limit:?}");
    };
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
}

// ---------------------------------------------------------------------------------------
// 8. Any name the file system accepts (issue 22).

#[test]
fn add_takes_a_250_byte_chinese_file_name() {
    let w = Work::with_sample();
    // 83 CJK characters (249 bytes) and `.txt`: 253 bytes, under the 255 of most file systems.
    let stem: String = "報告書".chars().cycle().take(83).collect();
    let name = format!("{stem}.txt");
    assert_eq!(name.len(), 253);
    let dir = w.path("incoming");
    fs::create_dir(&dir).unwrap();
    let file = dir.join(&name);
    fs::copy(UTF8, &file).unwrap();
    let (code, stdout, stderr) = w.run(&["add", &file.display().to_string()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains(&format!("added {stem}")), "{stdout}");
    assert_eq!(
        fs::read(w.corpus().join(&name)).unwrap(),
        fs::read(UTF8).unwrap()
    );
    assert!(report_ids(&w).contains(&stem));
}

// ---------------------------------------------------------------------------------------
// 9. A full disk named as such, and not retried by every search (issue 22).

#[test]
fn a_full_disk_is_named_and_searches_answer_at_once() {
    let Some(disk) = SmallDisk::mount_for("a_full_disk_is_named_and_searches_answer_at_once")
    else {
        return;
    };
    let root = disk.dir.path();
    let corpus = root.join("corpus");
    let cmd = |args: &[&str]| disk.run(args);
    fs::copy(SAMPLE, corpus.join("sample.txt")).unwrap();
    let (code, _, stderr) = cmd(&["index"]);
    assert_eq!(code, 0, "{stderr}");
    // Reports copied into the corpus by hand, then a disk with no room for their index.
    for i in 0..20 {
        let source = if i % 2 == 0 { UTF8 } else { BIG5 };
        fs::copy(source, corpus.join(format!("r{i}.txt"))).unwrap();
    }
    let w = Work::new();
    let mut files = Vec::new();
    for i in 0..40 {
        let file = w.path(&format!("new{i}.txt"));
        fs::copy(UTF8, &file).unwrap();
        files.push(file.display().to_string());
    }
    let filler = fill(root, 16 * 1024);
    let not_killed = |what: &str, stderr: &str| {
        assert!(
            stderr.contains("no space left on device"),
            "{what}: {stderr}"
        );
        assert!(!stderr.contains("killed"), "{what}: {stderr}");
    };
    let mut add = vec!["add"];
    add.extend(files.iter().map(String::as_str));
    let (code, _, stderr) = cmd(&add);
    assert_eq!(code, 2, "{stderr}");
    not_killed("add", &stderr);
    let (code, _, stderr) = cmd(&["index", "--rebuild"]);
    assert_eq!(code, 2, "{stderr}");
    not_killed("index --rebuild", &stderr);

    // The first search tries the update, says why it failed, and answers.
    let (code, stdout, stderr) = cmd(&["search", "雙城論壇", "--limit", "1"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stdout.is_empty());
    assert!(stderr.contains("updating"), "{stderr}");
    not_killed("first search", &stderr);
    // The next ones do not try it again: they say the index is behind, and answer.
    for attempt in 0..2 {
        let (code, stdout, stderr) = cmd(&["search", "雙城論壇", "--limit", "1"]);
        assert_eq!(code, 0, "{stderr}");
        assert!(!stdout.is_empty());
        assert!(!stderr.contains("updating"), "search {attempt}: {stderr}");
        assert!(
            stderr.contains("not up to date"),
            "search {attempt}: {stderr}"
        );
    }
    // With room again, `index` catches up and the warning goes.
    fs::remove_file(filler).unwrap();
    let (code, _, stderr) = cmd(&["index"]);
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = cmd(&["search", "雙城論壇", "--limit", "1"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    let (_, stdout, _) = cmd(&["reports"]);
    assert_eq!(stdout.lines().count(), 21, "{stdout}");
}

// ---------------------------------------------------------------------------------------
// 9. Every file an office holds: OpenDocument and Word 97–2003 are read, the rest is told.

/// A minimal OpenDocument text package holding `body` (inside `office:text`).
fn odt(body: &str) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.text")
        .unwrap();
    zip.start_file("content.xml", zip::write::SimpleFileOptions::default())
        .unwrap();
    write!(
        zip,
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>{body}</office:text></office:body></office:document-content>"#
    )
    .unwrap();
    zip.finish().unwrap().into_inner()
}

#[test]
fn odt_in_the_corpus_is_indexed_and_unreadable_documents_are_told() {
    let w = Work::with_sample();
    fs::write(
        w.corpus().join("交流.odt"),
        odt("<text:p>雙城論壇紀要</text:p><text:h text:outline-level=\"1\">壹、會議結論</text:h><text:p>擴大青年交流名額。</text:p>"),
    )
    .unwrap();
    fs::write(w.corpus().join("簡報.pptx"), b"PK\x03\x04slides").unwrap();
    fs::write(
        w.corpus().join("scan.dat"),
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1sheet",
    )
    .unwrap();
    fs::write(w.corpus().join("notes.md"), "不是報告").unwrap();
    let (code, _, stderr) = w.run(&["index"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(
            "簡報.pptx: 不支援的格式 .pptx：請另存為 PDF、DOCX 或 ODT unsupported format"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("scan.dat: 不支援的格式 OLE compound file"),
        "{stderr}"
    );
    assert!(!stderr.contains("notes.md"), "{stderr}");
    let hits = {
        let (code, stdout, stderr) = w.run(&["search", "青年交流", "--json"]);
        assert_eq!(code, 0, "{stderr}");
        stdout
    };
    assert!(hits.contains("\"section\":[\"壹、會議結論\"]"), "{hits}");
    assert!(hits.contains("交流.odt"), "{hits}");
    let (code, stdout, _) = w.run(&["reports", "--failed"]);
    assert_eq!(code, 0);
    assert_eq!(
        stdout
            .lines()
            .map(|l| l.split('\t').next().unwrap())
            .collect::<Vec<_>>(),
        ["scan.dat", "簡報.pptx"],
        "{stdout}"
    );
    assert!(stdout.contains("請另存為 PDF"), "{stdout}");
    // `add` refuses the same file with the same reason, and changes nothing.
    let deck = w.path("年報.xlsx");
    fs::write(&deck, b"PK\x03\x04sheet").unwrap();
    let before = report_ids(&w);
    let (code, _, stderr) = w.run(&["add", deck.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("年報.xlsx: 不支援的格式 .xlsx：請另存為 PDF、DOCX 或 ODT"),
        "{stderr}"
    );
    assert!(!w.corpus().join("年報.xlsx").exists());
    assert_eq!(report_ids(&w), before);
}

#[test]
fn a_doc_without_antiword_says_how_to_install_it() {
    let w = Work::new();
    let empty_path = w.path("bin");
    fs::create_dir(&empty_path).unwrap();
    let doc = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats/report.doc");
    let (code, _, stderr) = output(w.cmd().env("PATH", &empty_path).arg("add").arg(&doc));
    assert_eq!(code, 2, "{stderr}");
    assert_one_line(
        "no antiword",
        &stderr,
        &["report.doc", "未安裝 antiword", "antiword not found"],
    );
}
