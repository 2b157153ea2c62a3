//! The levels loop, written once for both executors (local tantivy in `run.rs`, the engine
//! in `src/engine/search.rs`): the match levels to read, a budget, and an executor that
//! runs one level → the best matches level by level, how many matches the levels read hold,
//! whether that is all of them, and the executor's facet counts of those levels; and, around
//! it, the page loop that reads more while folding repeats leaves the page short.
//!
//! Levels run one after the other, and a later level is only read when the earlier ones do
//! not fill the budget: exact, since no passage of a later level ranks above one of an
//! earlier level (RANKING.md: match level first).

use anyhow::Result;

use crate::search::Level;

/// A match: its level, its score and the executor's handle on the passage.
pub type Ranked<T> = (Level, f32, T);

/// What one level gave: its best matches (score, passage), best first, and how many
/// matches it holds.
pub type LevelHits<T> = (Vec<(f32, T)>, usize);

/// What reading the levels found.
pub struct Read<T, C> {
    /// The best matches, level by level.
    pub ranked: Vec<Ranked<T>>,
    /// Matches of the levels read.
    pub matched: usize,
    /// Whether `ranked` holds every match of every level.
    pub complete: bool,
    /// The executor's counts of the matches of the levels read, when asked for.
    pub counts: Option<C>,
}

/// The best `budget` matches of `levels`, read in order: `run(level, wanted, counts)` runs
/// one level for its best `wanted` matches, adding to `counts` when facets are asked for;
/// `None` when the level can match nothing.
pub fn read_levels<T, C>(
    levels: &[Level],
    budget: usize,
    counts: Option<C>,
    mut run: impl FnMut(Level, usize, Option<&mut C>) -> Result<Option<LevelHits<T>>>,
) -> Result<Read<T, C>> {
    let mut read = Read {
        ranked: Vec::new(),
        matched: 0,
        complete: false,
        counts,
    };
    for &level in levels {
        if read.matched >= budget {
            return Ok(read);
        }
        let Some((top, count)) = run(level, budget - read.matched, read.counts.as_mut())? else {
            continue;
        };
        read.ranked
            .extend(top.into_iter().map(|(score, found)| (level, score, found)));
        read.matched += count;
    }
    read.complete = read.ranked.len() == read.matched;
    Ok(read)
}

/// Reads `budget` matches, then twice as many, … until, repeats folded by `fold` (which
/// keeps the first of each), `wanted` are kept or every match is read: the kept matches,
/// the number of matches of the levels read, and the counts of the last read.
pub fn read_page<T, C>(
    wanted: usize,
    mut budget: usize,
    mut read: impl FnMut(usize) -> Result<Read<T, C>>,
    mut fold: impl FnMut(Vec<Ranked<T>>) -> Vec<Ranked<T>>,
) -> Result<(Vec<Ranked<T>>, usize, Option<C>)> {
    loop {
        let got = read(budget)?;
        let kept = fold(got.ranked);
        if kept.len() >= wanted || got.complete {
            return Ok((kept, got.matched, got.counts));
        }
        budget = budget.saturating_mul(2);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two levels of `sizes` matches each, scored by position; counts add the matches read.
    fn levels(
        sizes: [usize; 2],
    ) -> impl FnMut(Level, usize, Option<&mut usize>) -> Result<Option<LevelHits<usize>>> {
        move |level, wanted, counts| {
            let n = match level {
                Level::All => sizes[0],
                _ => sizes[1],
            };
            if let Some(c) = counts {
                *c += n;
            }
            let top = (0..n.min(wanted)).map(|i| (-(i as f32), i)).collect();
            Ok(Some((top, n)))
        }
    }

    #[test]
    fn a_later_level_is_read_only_when_the_earlier_leave_the_budget_short() {
        let both = [Level::All, Level::Partial];
        let read = read_levels(&both, 3, Some(0), levels([5, 4])).unwrap();
        assert_eq!(
            (read.ranked.len(), read.matched, read.complete),
            (3, 5, false)
        );
        assert_eq!(read.counts, Some(5));
        let read = read_levels(&both, 10, None, levels([5, 4])).unwrap();
        assert_eq!(
            (read.ranked.len(), read.matched, read.complete),
            (9, 9, true)
        );
        assert_eq!(read.ranked[5].0, Level::Partial);
    }

    #[test]
    fn an_empty_level_is_skipped() {
        let read = read_levels(
            &[Level::All, Level::Partial],
            4,
            None,
            |level, _, _: Option<&mut ()>| {
                Ok((level == Level::Partial).then(|| (vec![(1.0, 'a')], 1)))
            },
        )
        .unwrap();
        assert_eq!(
            (read.ranked, read.matched, read.complete),
            (vec![(Level::Partial, 1.0, 'a')], 1, true)
        );
    }

    #[test]
    fn the_page_reads_more_while_repeats_leave_it_short() {
        let mut budgets = Vec::new();
        let (kept, matched, _) = read_page(
            3,
            3,
            |budget| {
                budgets.push(budget);
                read_levels(&[Level::All], budget, None::<usize>, levels([10, 0]))
            },
            // Every other match repeats the one before.
            |ranked| ranked.into_iter().filter(|(_, _, i)| i % 2 == 0).collect(),
        )
        .unwrap();
        assert_eq!(budgets, [3, 6]);
        assert_eq!((kept.len(), matched), (3, 10));
    }
}
