//! Report titles: what the reports whose title the query names (a title typed whole, whose
//! opening passage comes first) and the reports whose title holds a query word (a bonus for
//! each of their passages, and a say in the match level) earn, and how many are looked at.
//! [`super::outline`] applies them; the executors find the titles.

// RANKING.md: the report's title
/// Bonus for each query word found in the title of the passage's report, per unit of the
/// word's idf: a report about 大眾捷運 makes its table rows answers to a query that names
/// 大眾捷運.
pub(crate) const TITLE_WORD_PER_IDF: f32 = 2.0;
/// Most reports whose title may hold a word for the match level (see [`super::outline::OutlineWord::titled`]).
pub(crate) const MAX_TITLED_REPORTS: usize = 1000;
// RANKING.md: a title typed whole
/// Bonus of the opening passage of a report whose title the query equals: above any score
/// the words themselves earn (rare words earn tens per idf unit), so it comes first.
pub(crate) const TITLE_QUERY_BONUS: f32 = 10_000.0;
/// Most reports whose titles hold every term of a query that are read to see whether one
/// equals it: a query held by more titles is a common phrase, and reading each report's
/// stored record would cost more than the search.
pub(crate) const MAX_TITLE_CANDIDATES: usize = 200;
