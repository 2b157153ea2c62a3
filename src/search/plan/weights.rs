//! What a word held whole earns, per unit of its idf (how rare it is in the index), in the
//! passage's text and its context, and what neighbouring words of a question held together
//! earn: read by [`super::outline`] only, which writes each word's weights into the outline.

// RANKING.md: rare words decide
/// Bonus for a word found whole in the passage text, per unit of the word's idf: holding a
/// word counts for more than how often or in how short a passage it is held (BM25's part),
/// and a rare word for more than a common one.
pub(crate) const WHOLE_WORD_BODY_PER_IDF: f32 = 4.0;
// RANKING.md: own text first
/// The same for a word found whole in the passage's context (the heading above it, a table
/// row's caption and headers): a quarter of the text's, so that what a passage inherits
/// breaks ties between passages whose own text holds the same words and never makes up for
/// a word the text lacks (RANKING.md: own text first).
pub(crate) const WHOLE_WORD_CONTEXT_PER_IDF: f32 = 1.0;
// RANKING.md: questions
/// Bonus for neighbouring words of a question held together, per unit of the idf of the
/// bigrams they make together: those bigrams count as BM25 would count them in a passage
/// holding them once or twice, not as a word held whole.
pub(crate) const TOGETHER_PER_IDF: f32 = 2.0;
/// Weight of BM25 on the passage's context relative to its text.
pub(crate) const CONTEXT_WEIGHT: f32 = 0.2;
