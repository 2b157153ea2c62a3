//! The corpus folder watched while `serve` runs: files copied into it, changed or removed →
//! the index brought up to date by the library's own `index` run ([`corpus::update_with`]),
//! so that a report dropped into the folder is searchable within seconds, without a command.
//!
//! Events come from the `notify` crate, debounced; the updates run on one thread of their own,
//! one at a time (changes arriving during a run start the next one). Before a run, the files
//! that changed must keep their size and modification time for [`SETTLE_TIME`]: a file still
//! being copied is read when complete, not half-way. What goes wrong (an index of another
//! corpus, a folder that vanished) is kept for the reports page rather than printed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant, SystemTime};

use notify_debouncer_mini::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_mini::{DebounceEventResult, Debouncer, new_debouncer};

use crate::corpus::{self, UpdateOptions};
use crate::serve::Shared;

/// Quiet time after the last event before the changes are looked at.
const DEBOUNCE: Duration = Duration::from_millis(500);
/// How long a changed file must stay the same size and age before it is read.
pub const SETTLE_TIME: Duration = Duration::from_secs(1);
/// Longest wait for files that keep changing; they are then read as they are (and read again
/// when they change once more).
const MAX_SETTLE_WAIT: Duration = Duration::from_secs(120);

/// Keeps the watch running while it lives.
pub struct Watch {
    _debouncer: Debouncer<RecommendedWatcher>,
}

/// Starts watching `shared.corpus_dir`; the thread ends when the returned [`Watch`] is dropped.
pub fn start(shared: Arc<Shared>) -> Result<Watch, String> {
    let (sender, events) = channel::<DebounceEventResult>();
    let mut debouncer = new_debouncer(DEBOUNCE, sender)
        .map_err(|e| format!("無法監看 corpus 資料夾 cannot watch the corpus folder: {e}"))?;
    debouncer
        .watcher()
        .watch(&shared.corpus_dir, RecursiveMode::Recursive)
        .map_err(|e| {
            format!(
                "無法監看 corpus 資料夾 {}: cannot watch the corpus folder: {e}",
                shared.corpus_dir.display()
            )
        })?;
    std::thread::Builder::new()
        .name("baogao-watch".into())
        .spawn(move || follow(&shared, &events))
        .map_err(|e| format!("cannot start the corpus watcher: {e}"))?;
    Ok(Watch {
        _debouncer: debouncer,
    })
}

/// Waits for changes and runs one update per batch, until the watch is dropped.
fn follow(shared: &Shared, events: &Receiver<DebounceEventResult>) {
    while let Ok(first) = events.recv() {
        let mut changed = BTreeSet::new();
        collect(shared, first, &mut changed);
        // Files still being written: wait until they hold still, taking in what else arrives.
        let started = Instant::now();
        let mut last = sizes(&changed);
        loop {
            match events.recv_timeout(SETTLE_TIME) {
                Ok(more) => {
                    collect(shared, more, &mut changed);
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => return,
                Err(RecvTimeoutError::Timeout) => {}
            }
            let now = sizes(&changed);
            if now == last || started.elapsed() > MAX_SETTLE_WAIT {
                break;
            }
            last = now;
        }
        if changed.is_empty() {
            continue;
        }
        let options = UpdateOptions {
            rebuild: false,
            wait_for_lock: true,
            repoint: false,
        };
        let outcome = corpus::update_with(
            &shared.index_dir,
            &shared.corpus_dir,
            &options,
            &corpus::Quiet,
        );
        shared.set_watch_problem(
            outcome
                .err()
                .map(|e| format!("自動更新索引失敗 the corpus folder could not be indexed: {e:#}")),
        );
        shared.reload();
    }
}

/// Adds the changed paths of a debounced batch that concern the corpus: not the index (when it
/// lies inside the corpus folder) and not the temporary files of an `add` in progress.
fn collect(shared: &Shared, batch: DebounceEventResult, changed: &mut BTreeSet<PathBuf>) {
    let Ok(events) = batch else {
        // The watcher lost events (an overflowing queue): look at the whole folder.
        changed.insert(shared.corpus_dir.clone());
        return;
    };
    for event in events {
        if relevant(&event.path, &shared.index_dir) {
            changed.insert(event.path);
        }
    }
}

fn relevant(path: &Path, index_dir: &Path) -> bool {
    if path.starts_with(index_dir) {
        return false;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    !name.ends_with(".baogao-tmp")
}

/// Size and modification time of each path (absent for one that is gone).
fn sizes(paths: &BTreeSet<PathBuf>) -> BTreeMap<PathBuf, Option<(u64, SystemTime)>> {
    paths
        .iter()
        .map(|p| {
            let meta = std::fs::metadata(p).ok();
            let stamp = meta.and_then(|m| Some((m.len(), m.modified().ok()?)));
            (p.clone(), stamp)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_and_temporary_copies_are_not_changes_of_the_corpus() {
        let index = Path::new("/c/.index");
        assert!(relevant(Path::new("/c/a.pdf"), index));
        assert!(!relevant(Path::new("/c/.index/meta.json"), index));
        assert!(!relevant(Path::new("/c/.a.pdf.42.baogao-tmp"), index));
    }
}
