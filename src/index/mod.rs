//! The on-disk index: passages → tantivy documents in `--index`, and back.
//!
//! One tantivy document per passage, plus one *report document* per report holding what
//! `reports` lists and what incremental indexing compares (file, size, mtime, hash). Both live
//! in the same index, so every commit is atomic: a report is either wholly indexed (its
//! passages and its report document) or not at all, whatever moment a process is killed.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use serde::{Deserialize, Serialize};
use tantivy::collector::DocSetCollector;
use tantivy::columnar::ColumnValues;
use tantivy::query::TermQuery;
use tantivy::schema::{
    FAST, Facet, FacetOptions, Field, IndexRecordOption, NumericOptions, STORED, Schema,
    TextFieldIndexing, TextOptions, Value,
};
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::{
    DocId, Index, IndexReader, IndexSettings, IndexWriter, ReloadPolicy, SegmentReader,
    TantivyDocument, Term,
};

use crate::analysis::analyzer::{self, GramTokenizer, WordTokenizer};

pub mod damage;
mod lookup;
pub mod record;
use crate::report::parse::Kind;
use crate::report::passage::{Passage, first_id, same_text_key};
pub use damage::IndexError;
pub use record::{IndexRecord, KnownFailure, OtherCorpus};

/// Memory the writer may buffer before flushing a segment, across all its threads. Peak
/// memory while indexing is this, jieba, and the pages of the segments a merge reads: the
/// smaller the flushed segments, the smaller the merges, but the more segments a search
/// visits (docs/DEVELOPMENT.md has the figures of 64, 88, 96 and 128 MiB).
const WRITER_MEMORY: usize = 88 * 1024 * 1024;

/// How long a writer waits for another baogao process to finish writing.
const LOCK_WAIT: Duration = Duration::from_secs(60);

/// The fields of the schema.
#[derive(Clone, Copy)]
pub struct Fields {
    /// The report id, on report documents only (passage ids live in the stored payload and
    /// are found through their report: indexing 2 million unique ids would cost more than
    /// the text of all passages).
    pub id: Field,
    /// `passage` or `report`.
    pub doctype: Field,
    pub report: Field,
    pub kind: Field,
    pub year: Field,
    /// Each heading above the passage, one raw term each: what `--section` filters on (a
    /// passage is below a heading when the heading is anywhere in its path). A plain field,
    /// not a facet: a facet is also a column of its whole path on every passage, which nothing
    /// reads (counting reads [`Fields::counted_section`]), and its terms are all the paths'
    /// prefixes, where the headings alone are fewer (docs/DEVELOPMENT.md has the bytes).
    pub section: Field,
    pub org: Field,
    /// The report's date as `YYYYMMDD`, on passages of dated reports: `--from`/`--to`.
    pub day: Field,
    pub seq: Field,
    pub body_words: Field,
    pub body_grams: Field,
    pub context_grams: Field,
    /// A table row's caption and column headers ([`Passage::frame`]): where a quoted phrase
    /// may be held besides the text.
    pub frame_grams: Field,
    /// Report title and keywords, on report documents only.
    pub title_grams: Field,
    /// JSON: a [`StoredPassage`], or the [`ReportInfo`] of a report document.
    pub stored: Field,
    /// Prior weight of the passage's kind, in percent (see [`kind_prior`]).
    pub prior: Field,
    /// [`passage_key`] of passages, [`report_key`] `<< 16` of report documents: a column
    /// that opens in constant time, so a search can tell a candidate's report without the
    /// report facet's dictionary, and order equal scores without the doc store.
    pub key: Field,
    /// On passages whose text another passage of their report repeats (list markers and
    /// spaces aside, [`same_text_key`]), the place in the report of the first of them:
    /// repeats of one text in a report take one hit. Passages without repeats (nearly all)
    /// have no value, which costs the column a bit each instead of a 64-bit hash.
    pub same_text: Field,
    /// The top heading of the section, as a column: what the section facet counts a
    /// document under (see [`Counted`]).
    pub counted_section: Field,
}

/// A facet whose counts a search with facets reports. Each has a columnar (fast) string
/// field holding the one label the facet field counts the document under, so that counting
/// adds to an array indexed by the column's term ordinal and only the labels counted are
/// read back from its dictionary; the facet fields themselves stay for filtering. Tantivy
/// keeps every facet field as such a column too, holding the facet's encoded path: for the
/// facets of one component (kind, report, year, organisation) that path is the label, and
/// their own column is the one read. The section is no facet (see [`Fields::section`]): it
/// has a column of its top heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    Kind,
    Report,
    Year,
    Section,
    Organisation,
}

impl Counted {
    pub const ALL: [Counted; 5] = [
        Counted::Kind,
        Counted::Report,
        Counted::Year,
        Counted::Section,
        Counted::Organisation,
    ];

    /// The name of the column.
    pub fn column(self) -> &'static str {
        match self {
            Counted::Kind => "kind",
            Counted::Report => "report",
            Counted::Year => "year",
            Counted::Section => COUNTED_SECTION_FIELD,
            Counted::Organisation => "org",
        }
    }

    /// The label a facet counts a document under with that facet value: the value's first
    /// component (a section's top heading), as counting the children of the facet root
    /// does; the root itself is no child, and no count.
    pub fn label(facet: &Facet) -> Option<&str> {
        if facet.is_root() {
            return None;
        }
        facet.to_path().into_iter().next()
    }
}

impl Fields {
    /// The facet field (for filters) of a counted facet; the section has none (its headings
    /// are plain terms of [`Fields::section`]).
    pub fn facet(&self, counted: Counted) -> Option<Field> {
        match counted {
            Counted::Kind => Some(self.kind),
            Counted::Report => Some(self.report),
            Counted::Year => Some(self.year),
            Counted::Section => None,
            Counted::Organisation => Some(self.org),
        }
    }

    fn schema() -> (Schema, Fields) {
        let mut b = Schema::builder();
        // Word fields only serve BM25 term queries (phrases run on the bigram fields), so they
        // keep no positions: that halves the position data.
        let words = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analyzer::WORDS)
                .set_index_option(IndexRecordOption::Basic),
        );
        // The passage's bigrams keep positions: "does the passage contain this word" is an
        // exact phrase of its bigrams (七十分以上未達七十五分 holds every bigram of 未達七十分
        // but not the word). Context and title are short: all bigrams present is enough.
        let body_grams = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analyzer::GRAMS)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let grams = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analyzer::GRAMS)
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        // A table row's caption and column headers, and a report's title, are only matched
        // (a quoted phrase held in the frame, the reports whose title holds a word), never
        // scored: no norms and no term frequencies (1.8 MiB of norms and the frequencies of
        // the frame postings on the benchmark corpus, docs/DEVELOPMENT.md).
        let matched_grams = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analyzer::GRAMS)
                .set_fieldnorms(false)
                .set_index_option(IndexRecordOption::Basic),
        );
        // Fields only filtered on keep no length norms: a norm is a byte per document per
        // field, and no score reads them (BM25 runs on the text fields).
        let filter = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("raw")
                .set_fieldnorms(false)
                .set_index_option(IndexRecordOption::Basic),
        );
        let number = NumericOptions::default().set_indexed();
        let fields = Fields {
            id: b.add_text_field("id", filter.clone()),
            doctype: b.add_text_field("doctype", filter.clone()),
            report: b.add_facet_field("report", FacetOptions::default()),
            kind: b.add_facet_field("kind", FacetOptions::default()),
            year: b.add_facet_field("year", FacetOptions::default()),
            section: b.add_text_field("section", filter),
            org: b.add_facet_field("org", FacetOptions::default()),
            day: b.add_u64_field("day", number.clone()),
            seq: b.add_u64_field("seq", number),
            body_words: b.add_text_field("body_words", words),
            body_grams: b.add_text_field("body_grams", body_grams),
            context_grams: b.add_text_field("context_grams", grams),
            frame_grams: b.add_text_field("frame_grams", matched_grams.clone()),
            title_grams: b.add_text_field("title_grams", matched_grams),
            // Named `payload` while passages were stored as whole `Passage` JSON, `stored`
            // while they held their report's title, date and file: an index in either format
            // fails the schema check and is told to rebuild.
            stored: b.add_text_field("record", STORED),
            prior: b.add_u64_field(PRIOR_FIELD, FAST),
            key: b.add_u64_field(KEY_FIELD, FAST),
            // A column only: the repeats of a passage are found among its report's passages
            // (indexed, the keys cost a term and a posting per passage, 5% of the index).
            same_text: b.add_u64_field(SAME_TEXT_FIELD, FAST),
            // A column only: counting reads it, no query does.
            counted_section: b.add_text_field(COUNTED_SECTION_FIELD, FAST),
        };
        (b.build(), fields)
    }
}

/// What the index knows about one report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportInfo {
    pub id: String,
    pub title: String,
    pub date: Option<String>,
    /// Agency or commissioning body.
    pub organisation: Option<String>,
    pub encoding: String,
    pub format: String,
    pub replacements: usize,
    pub passages: usize,
    pub table_rows: usize,
    /// When the report was (last) indexed, RFC 3339 UTC.
    pub added: String,
    /// Path of the file relative to the corpus folder.
    pub file: String,
    pub size: u64,
    pub mtime: u64,
    /// BLAKE3 of the file's bytes.
    pub hash: String,
}

/// An open index.
pub struct Store {
    pub index: Index,
    pub fields: Fields,
    pub dir: PathBuf,
}

fn register_tokenizers(index: &Index, with_jieba: bool) {
    let tokenizers = index.tokenizers();
    tokenizers.register(analyzer::GRAMS, GramTokenizer::default());
    if with_jieba {
        tokenizers.register(analyzer::WORDS, WordTokenizer::new(analyzer::jieba()));
    }
}

impl Store {
    /// Whether `dir` holds an index.
    pub fn exists(dir: &Path) -> bool {
        dir.join("meta.json").is_file()
    }

    /// Opens the index for reading. Queries never run the word tokenizer (they look words up
    /// in the term dictionary), so the jieba dictionary is not loaded.
    pub fn open_for_search(dir: &Path) -> Result<Store> {
        let index = Index::open_in_dir(dir).map_err(|e| damage::named(dir, e))?;
        let (_, fields) = Fields::schema();
        check_schema(&index, dir)?;
        register_tokenizers(&index, false);
        Ok(Store {
            index,
            fields,
            dir: dir.to_path_buf(),
        })
    }

    /// Why the index in `dir` cannot be used, if it cannot: its files do not open or
    /// decode, or it was built by another version of baogao (its schema differs).
    pub fn unusable(dir: &Path) -> Option<String> {
        let index = match Index::open_in_dir(dir) {
            Ok(index) => index,
            Err(e) => return Some(damage::describe(dir, &e).without_remedy()),
        };
        if let Err(e) = check_schema(&index, dir) {
            return Some(format!("{e:#}"));
        }
        register_tokenizers(&index, false);
        let store = Store {
            index,
            fields: Fields::schema().1,
            dir: dir.to_path_buf(),
        };
        // Every segment file is opened by the reader; every report document decodes.
        let checked = store
            .reader()
            .and_then(|reader| store.reports(&reader.searcher()).map(|_| ()));
        checked.err().map(|e| match damage::explain(dir, &e) {
            Some(said) => said.without_remedy(),
            None => format!("{e:#}"),
        })
    }

    /// Whether `dir` holds (the remains of) a baogao index: its tantivy metadata or the
    /// stamp baogao writes. A folder without them is never emptied.
    pub fn holds_an_index(dir: &Path) -> bool {
        ["meta.json", ".managed.json", ".baogao-stamp"]
            .iter()
            .any(|name| dir.join(name).is_file())
    }

    /// Deletes the index files of an unusable index (damaged, or built by another version
    /// of baogao), so that `index --rebuild` can start over; returns why it was unusable.
    /// Only a folder that holds an index is touched, and only the index's own files go:
    /// other files in the folder (its README, a .gitignore) stay.
    pub fn discard_unusable(dir: &Path) -> Result<Option<String>> {
        if !Store::holds_an_index(dir) {
            return Ok(None);
        }
        let cause = if Store::exists(dir) {
            match Store::unusable(dir) {
                Some(cause) => cause,
                None => return Ok(None),
            }
        } else {
            format!("{}: meta.json is missing", dir.display())
        };
        const INDEX_EXTENSIONS: &[&str] =
            &["idx", "pos", "term", "store", "fast", "fieldnorm", "del"];
        let entries =
            std::fs::read_dir(dir).with_context(|| format!("{}: cannot read", dir.display()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let extension = path.extension().map(|e| e.to_string_lossy().into_owned());
            if name == "meta.json"
                || name == ".managed.json"
                || extension.is_some_and(|e| INDEX_EXTENSIONS.contains(&e.as_str()))
            {
                std::fs::remove_file(&path)
                    .with_context(|| format!("{}: cannot remove", path.display()))?;
            }
        }
        Ok(Some(cause))
    }

    /// Opens or creates the index for writing (loads the jieba dictionary).
    pub fn open_for_write(dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot create index folder", dir.display()))?;
        let (schema, fields) = Fields::schema();
        let index = if Store::exists(dir) {
            let index = Index::open_in_dir(dir).map_err(|e| damage::named(dir, e))?;
            if check_schema(&index, dir).is_err() {
                bail!(
                    "{}: this index was built by another version of baogao (its fields differ); rebuild it from the corpus with `baogao index --rebuild`",
                    dir.display()
                );
            }
            index
        } else {
            let settings = IndexSettings {
                // Every hit a search shows decompresses one block: 16 KB blocks keep that
                // under 0.1 ms (64 KB blocks made a cold search 10% slower, for a doc store
                // 16% smaller). zstd level 6: on such blocks of passages, level 9 is 0.4%
                // smaller and takes half as long again to compress.
                docstore_compression: Compressor::Zstd(ZstdCompressor {
                    compression_level: Some(6),
                }),
                docstore_blocksize: 16 * 1024,
                ..IndexSettings::default()
            };
            Index::builder()
                .schema(schema)
                .settings(settings)
                .create_in_dir(dir)
                .map_err(|e| damage::named(dir, e))?
        };
        register_tokenizers(&index, true);
        Ok(Store {
            index,
            fields,
            dir: dir.to_path_buf(),
        })
    }

    pub fn reader(&self) -> Result<IndexReader> {
        self.index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e| damage::named(&self.dir, e))
    }

    /// A writer, waiting for another baogao process that holds the lock (`waiting` is called
    /// once when it starts to wait). Files of segments that a failed or killed run wrote but
    /// never committed are deleted first (tantivy's garbage collection), so that they do not
    /// fill the disk run after run.
    pub fn writer(&self, waiting: &dyn Fn()) -> Result<IndexWriter> {
        let writer = self.writer_waiting(waiting)?;
        writer
            .garbage_collect_files()
            .wait()
            .map_err(|e| damage::named(&self.dir, e))?;
        Ok(writer)
    }

    fn writer_waiting(&self, waiting: &dyn Fn()) -> Result<IndexWriter> {
        let start = std::time::Instant::now();
        let mut announced = false;
        loop {
            let threads = std::thread::available_parallelism()
                .map_or(1, |n| n.get())
                .clamp(1, 4);
            match self.index.writer_with_num_threads(threads, WRITER_MEMORY) {
                Ok(w) => return Ok(w),
                Err(tantivy::TantivyError::LockFailure(..)) => {
                    if start.elapsed() > LOCK_WAIT {
                        bail!(
                            "{}: another baogao process is writing the index; try again when it has finished",
                            self.dir.display()
                        );
                    }
                    if !announced {
                        waiting();
                        announced = true;
                    }
                    std::thread::sleep(Duration::from_millis(200));
                }
                Err(e) => return Err(damage::named(&self.dir, e)),
            }
        }
    }

    fn facet(path: &str) -> Facet {
        Facet::from_path([path])
    }

    pub fn report_term(&self, report: &str) -> Term {
        Term::from_facet(self.fields.report, &Store::facet(report))
    }

    pub fn kind_term(&self, kind: Kind) -> Term {
        Term::from_facet(self.fields.kind, &Store::facet(kind.as_str()))
    }

    pub fn year_term(&self, year: &str) -> Term {
        Term::from_facet(self.fields.year, &Store::facet(year))
    }

    pub fn org_term(&self, organisation: &str) -> Term {
        Term::from_facet(self.fields.org, &Store::facet(organisation))
    }

    /// Adds `facet` to the facet field of `counted` (not the section: see [`Self::add_section`]).
    fn add_counted_facet(&self, doc: &mut TantivyDocument, counted: Counted, facet: Facet) {
        if let Some(field) = self.fields.facet(counted) {
            doc.add_facet(field, facet);
        }
    }

    /// Adds the headings of `section` to the section field, and its top heading (what the
    /// section is counted under) to its column.
    fn add_section(&self, doc: &mut TantivyDocument, section: &[String]) {
        let f = &self.fields;
        let Some(top) = section.first() else {
            return;
        };
        doc.add_text(f.counted_section, top);
        let mut headings: Vec<&str> = section.iter().map(String::as_str).collect();
        headings.sort_unstable();
        headings.dedup();
        for heading in headings {
            doc.add_text(f.section, heading);
        }
    }

    /// The tantivy documents of the passages of one report, in order.
    pub fn passage_docs(
        &self,
        list: &[Passage],
        organisation: Option<&str>,
    ) -> Result<Vec<TantivyDocument>> {
        list.iter()
            .zip(same_text_groups(list))
            .map(|(p, same_text)| self.passage_doc_in(p, organisation, same_text))
            .collect()
    }

    /// The tantivy document of a passage taken alone (its report's other passages unknown:
    /// it repeats none of them).
    pub fn passage_doc(&self, p: &Passage, organisation: Option<&str>) -> Result<TantivyDocument> {
        self.passage_doc_in(p, organisation, None)
    }

    /// The tantivy document of a passage whose `same_text` column is `same_text`.
    fn passage_doc_in(
        &self,
        p: &Passage,
        organisation: Option<&str>,
        same_text: Option<u64>,
    ) -> Result<TantivyDocument> {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.doctype, "passage");
        self.add_counted_facet(&mut doc, Counted::Report, Store::facet(&p.report));
        self.add_counted_facet(&mut doc, Counted::Kind, Store::facet(p.kind.as_str()));
        if let Some(year) = p.date.as_deref().and_then(|d| d.get(..4)) {
            self.add_counted_facet(&mut doc, Counted::Year, Store::facet(year));
        }
        self.add_section(&mut doc, &p.section);
        // An empty name would be the facet root: no organisation, and no label in its column.
        if let Some(org) = organisation.filter(|o| !o.is_empty()) {
            self.add_counted_facet(&mut doc, Counted::Organisation, Store::facet(org));
        }
        if let Some(day) = p.date.as_deref().and_then(crate::report::roc::day_number) {
            doc.add_u64(f.day, day);
        }
        doc.add_u64(f.seq, p.seq);
        doc.add_u64(f.prior, kind_prior(p.kind));
        doc.add_u64(f.key, KeyColumn::encode(passage_key(&p.report, p.seq)));
        if let Some(same_text) = same_text {
            doc.add_u64(f.same_text, same_text);
        }
        doc.add_text(f.body_words, &p.text);
        doc.add_text(f.body_grams, &p.text);
        let context = p.context();
        if !context.is_empty() {
            doc.add_text(f.context_grams, &context);
        }
        let frame = p.frame();
        if !frame.is_empty() {
            doc.add_text(f.frame_grams, &frame);
        }
        let derived = first_id(&p.report, p.kind, p.table.as_deref(), &p.text);
        // The report's title, date and file are its report document's (see [`Shared`]).
        let stored = StoredPassage {
            report: p.report.clone(),
            kind: p.kind.letter(),
            seq: p.seq,
            section: p.section.clone(),
            text: p.text.clone(),
            table: p.table.clone(),
            headers: p.headers.clone(),
            table_note: p.table_note.clone(),
            id: (p.id != derived).then(|| p.id.clone()),
            page: p.page,
            ocr: p.ocr,
        };
        doc.add_text(f.stored, serde_json::to_string(&stored)?);
        Ok(doc)
    }

    /// The report document.
    pub fn report_doc(&self, info: &ReportInfo) -> Result<TantivyDocument> {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.id, &info.id);
        doc.add_text(f.doctype, "report");
        self.add_counted_facet(&mut doc, Counted::Report, Store::facet(&info.id));
        doc.add_u64(f.key, KeyColumn::encode(report_key(&info.id) << 16));
        // Never scored; with it every document has a prior, and a passage's is a direct
        // read of the column (see `SumWeight::scorer`).
        doc.add_u64(f.prior, REPORT_PRIOR);
        doc.add_text(f.title_grams, &info.title);
        doc.add_text(f.stored, serde_json::to_string(info)?);
        Ok(doc)
    }

    /// The report with this id, if the index holds it.
    pub fn report(&self, searcher: &tantivy::Searcher, id: &str) -> Result<Option<ReportInfo>> {
        let query = TermQuery::new(
            Term::from_field_text(self.fields.id, id),
            IndexRecordOption::Basic,
        );
        let found = searcher.search(&query, &DocSetCollector)?;
        match found.into_iter().next() {
            Some(address) => {
                let doc: TantivyDocument = searcher.doc(address)?;
                Ok(Some(self.payload::<ReportInfo>(&doc)?))
            }
            None => Ok(None),
        }
    }

    /// Every report the index holds, in id order.
    pub fn reports(&self, searcher: &tantivy::Searcher) -> Result<Vec<ReportInfo>> {
        let query = TermQuery::new(
            Term::from_field_text(self.fields.doctype, "report"),
            IndexRecordOption::Basic,
        );
        let addresses = searcher.search(&query, &DocSetCollector)?;
        let mut out = Vec::with_capacity(addresses.len());
        for address in addresses {
            let doc: TantivyDocument = searcher.doc(address)?;
            out.push(self.payload::<ReportInfo>(&doc)?);
        }
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(out)
    }

    /// Every organisation some passage is filed under, read from the facet's term
    /// dictionaries (no stored document is loaded).
    pub fn organisations(&self, searcher: &tantivy::Searcher) -> Result<BTreeSet<String>> {
        let mut out = BTreeSet::new();
        for segment in searcher.segment_readers() {
            let terms = segment.inverted_index(self.fields.org)?;
            let mut stream = terms.terms().stream()?;
            while stream.advance() {
                let facet = Facet::from_encoded(stream.key().to_vec())?;
                // The facet root is a term too: no organisation.
                if let Some(name) = facet.to_path().first().filter(|n| !n.is_empty()) {
                    out.insert(name.to_string());
                }
            }
        }
        Ok(out)
    }

    /// What the passages of `report` share with it, from its report document (nothing when
    /// the index holds no such report).
    pub fn shared(&self, searcher: &tantivy::Searcher, report: &str) -> Result<Shared> {
        Ok(self
            .report(searcher, report)?
            .map(|info| Shared {
                title: info.title,
                date: info.date,
                file: Some(info.file),
            })
            .unwrap_or_default())
    }

    /// A stored passage, with what it shares with its report (read from its report
    /// document), its id and a table row's cells (its text split at TABs).
    pub fn passage(&self, searcher: &tantivy::Searcher, doc: &TantivyDocument) -> Result<Passage> {
        self.passage_with(doc, |report| self.shared(searcher, report))
    }

    /// A stored passage, with what it shares with its report as `shared` gives it for the
    /// report's id: callers reading many passages of few reports look each report up once.
    pub fn passage_with(
        &self,
        doc: &TantivyDocument,
        shared: impl FnOnce(&str) -> Result<Shared>,
    ) -> Result<Passage> {
        let stored: StoredPassage = self.payload(doc)?;
        let Shared { title, date, file } = shared(&stored.report)?;
        let kind = Kind::from_letter(stored.kind)
            .ok_or_else(|| anyhow!("stored passage of unknown kind {:?}", stored.kind))?;
        let id = stored.id.unwrap_or_else(|| {
            first_id(&stored.report, kind, stored.table.as_deref(), &stored.text)
        });
        let cells = if kind == Kind::TableRow {
            stored.text.split('\t').map(str::to_string).collect()
        } else {
            Vec::new()
        };
        Ok(Passage {
            id,
            report: stored.report,
            title,
            date,
            kind,
            section: stored.section,
            text: stored.text,
            table: stored.table,
            headers: stored.headers,
            cells,
            table_note: stored.table_note,
            lead: None,
            seq: stored.seq,
            file,
            page: stored.page,
            ocr: stored.ocr,
        })
    }

    pub fn payload<T: for<'de> Deserialize<'de>>(&self, doc: &TantivyDocument) -> Result<T> {
        let json = doc
            .get_first(self.fields.stored)
            .and_then(|v| v.as_str())
            .ok_or_else(|| anyhow!("document without payload"))?;
        Ok(serde_json::from_str(json)?)
    }
}

/// What every passage of a report shares with it: kept once, on the report document, and
/// joined to a passage when it is read (kept on every passage, it took 9% of the doc store).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Shared {
    pub title: String,
    pub date: Option<String>,
    pub file: Option<String>,
}

/// A passage as the doc store keeps it: its id only when its text does not give it (a
/// repeat), its kind as a letter, short keys (they recur in millions of documents), nothing
/// its report document holds ([`Shared`]).
#[derive(Serialize, Deserialize)]
struct StoredPassage {
    #[serde(rename = "r")]
    report: String,
    /// [`Kind::letter`].
    #[serde(rename = "k")]
    kind: char,
    #[serde(rename = "q")]
    seq: u64,
    #[serde(rename = "s", default, skip_serializing_if = "Vec::is_empty")]
    section: Vec<String>,
    #[serde(rename = "t")]
    text: String,
    #[serde(rename = "c", default, skip_serializing_if = "Option::is_none")]
    table: Option<String>,
    #[serde(rename = "h", default, skip_serializing_if = "Vec::is_empty")]
    headers: Vec<String>,
    #[serde(rename = "n", default, skip_serializing_if = "Option::is_none")]
    table_note: Option<String>,
    /// The id, when it is not [`first_id`] (a repeated passage).
    #[serde(rename = "i", default, skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(rename = "g", default, skip_serializing_if = "Option::is_none")]
    page: Option<u32>,
    /// Read by OCR.
    #[serde(rename = "o", default, skip_serializing_if = "std::ops::Not::not")]
    ocr: bool,
}

/// The [`Fields::same_text`] value of each passage of one report: the place in `list` of the
/// first passage with its [`same_text_key`], on the passages whose key recurs; none on the
/// others.
pub fn same_text_groups(list: &[Passage]) -> Vec<Option<u64>> {
    let keys: Vec<u64> = list.iter().map(|p| same_text_key(&p.text)).collect();
    let mut first: HashMap<u64, (usize, usize)> = HashMap::with_capacity(keys.len());
    for (place, &key) in keys.iter().enumerate() {
        first.entry(key).or_insert((place, 0)).1 += 1;
    }
    keys.iter()
        .map(|key| {
            let (place, count) = first[key];
            (count > 1).then_some(place as u64)
        })
        .collect()
}

/// Name of the [`Fields::counted_section`] column.
const COUNTED_SECTION_FIELD: &str = "counted_section";

/// Name of the [`Fields::prior`] column.
pub const PRIOR_FIELD: &str = "prior";

/// The prior of a report document, which no search scores: [`kind_prior`]'s neutral value.
const REPORT_PRIOR: u64 = 100;

/// Name of the [`Fields::key`] column.
pub const KEY_FIELD: &str = "key";
/// The fast field of [`Fields::same_text`].
pub const SAME_TEXT_FIELD: &str = "same_text";

/// A report id as 48 bits of its BLAKE3 hash. Among a million reports some two share a key
/// with probability about 0.002; a shared key would only lend one report's title bonus to
/// the other's passages.
pub fn report_key(id: &str) -> u64 {
    let hash = blake3::hash(id.as_bytes());
    hash.as_bytes()[..6]
        .iter()
        .fold(0, |key, &b| key << 8 | u64::from(b))
}

/// The [`report_key`] of the passage's report, then its place in the report (a place past
/// 65,535 counts as 65,535): ordering passages by it is the same on every machine.
pub fn passage_key(report: &str, seq: u64) -> u64 {
    report_key(report) << 16 | seq.min(0xFFFF)
}

/// The [`report_key`] part of a [`passage_key`].
pub fn report_key_of(key: u64) -> u64 {
    key >> 16
}

/// A segment's column of [`Fields::key`].
#[derive(Clone)]
pub struct KeyColumn(Arc<dyn ColumnValues<u64>>);

impl std::fmt::Debug for KeyColumn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyColumn")
            .field("docs", &self.0.num_vals())
            .finish()
    }
}

impl KeyColumn {
    /// The column (0 for documents without a key).
    pub fn open(segment: &SegmentReader) -> KeyColumn {
        KeyColumn(match segment.fast_fields().u64(KEY_FIELD) {
            Ok(column) => column.first_or_default_col(0),
            Err(_) => Arc::new(tantivy::columnar::column_values::EmptyColumnValues),
        })
    }

    pub fn get(&self, doc: DocId) -> u64 {
        self.0.get_val(doc).reverse_bits()
    }

    /// Keys are stored bit-reversed. Plain, they rise steadily through a report's passages,
    /// and tantivy stores them blockwise-linear, a codec whose block table is decoded each
    /// time the column is opened (36 µs per segment, at each search); reversed, they look
    /// random, get bit-packed, and open in constant time.
    pub fn encode(key: u64) -> u64 {
        key.reverse_bits()
    }
}

// RANKING.md: kinds
/// How likely a passage of this kind answers a query, in percent. Headings repeat the words
/// of the passages under them in a few characters, so BM25 alone would rank them first.
pub fn kind_prior(kind: Kind) -> u64 {
    match kind {
        Kind::Heading => 50,
        Kind::Caption | Kind::Note => 85,
        Kind::Paragraph | Kind::ListItem | Kind::Table | Kind::TableRow => 100,
    }
}

fn check_schema(index: &Index, dir: &Path) -> Result<()> {
    let (expected, _) = Fields::schema();
    let actual = index.schema();
    let same = expected.fields().all(|(field, entry)| {
        actual.get_field(entry.name()).ok() == Some(field) && actual.get_field_entry(field) == entry
    });
    if same {
        Ok(())
    } else {
        bail!(
            "{}: this index was built by another version of baogao (its fields differ); rebuild it from the corpus with `baogao index --rebuild`",
            dir.display()
        )
    }
}

/// Current time as RFC 3339 UTC (seconds precision).
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    rfc3339(secs)
}

/// `secs` after the Unix epoch as RFC 3339 UTC (`2023-11-14T22:13:20Z`). Empty past the
/// year 9999, which RFC 3339 cannot write.
pub fn rfc3339(secs: u64) -> String {
    i64::try_from(secs)
        .ok()
        .and_then(|secs| time::OffsetDateTime::from_unix_timestamp(secs).ok())
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_passages_come_back_whole() {
        let dir = tempfile::TempDir::new().unwrap();
        let store = Store::open_for_write(dir.path()).unwrap();
        let text = format!(
            "{}\n\n重複的段落。\n\n重複的段落。\n",
            include_str!("../../corpus/taipei-shanghai-city-exchange-2017.txt")
        );
        let report = crate::report::parse::parse(&text);
        let mut list = crate::report::passage::passages("r", &report);
        assert!(list.iter().any(|p| p.id.ends_with("-2")));
        assert!(list.iter().any(|p| p.kind == Kind::TableRow));
        assert!(list.iter().any(|p| p.section.len() > 1));
        let info = ReportInfo {
            id: "r".into(),
            title: report.title.clone(),
            date: report.date.clone(),
            organisation: None,
            encoding: "UTF-8".into(),
            format: "text".into(),
            replacements: 0,
            passages: list.len(),
            table_rows: 0,
            added: now_rfc3339(),
            file: "r.txt".into(),
            size: 0,
            mtime: 0,
            hash: String::new(),
        };
        assert_eq!(
            store
                .payload::<ReportInfo>(&store.report_doc(&info).unwrap())
                .unwrap(),
            info
        );
        // A list item's lead is indexed as context, never stored; the file is the report's.
        list.iter_mut().for_each(|p| {
            p.lead = None;
            p.file = Some(info.file.clone());
        });
        let mut writer = store.writer(&|| {}).unwrap();
        for doc in store.passage_docs(&list, None).unwrap() {
            writer.add_document(doc).unwrap();
        }
        writer
            .add_document(store.report_doc(&info).unwrap())
            .unwrap();
        writer.commit().unwrap();
        let searcher = store.reader().unwrap().searcher();
        let read = store.report_passages(&searcher, "r").unwrap();
        assert_eq!(read, list);
        for original in &list {
            let doc = store.passage_doc(original, None).unwrap();
            assert_eq!(&store.passage(&searcher, &doc).unwrap(), original);
            // The report's title and date are not stored again with each passage.
            let stored: serde_json::Value = store.payload(&doc).unwrap();
            assert!(
                stored.get("T").is_none() && stored.get("D").is_none(),
                "{stored}"
            );
        }
    }

    #[test]
    fn passage_keys_follow_the_report_and_give_its_key_back() {
        let (early, late) = (passage_key("r", 3), passage_key("r", 40));
        assert!(early < late);
        assert_eq!(report_key_of(early), report_key("r"));
        assert_eq!(report_key_of(passage_key("r", 1 << 20)), report_key("r"));
        assert_ne!(report_key_of(passage_key("s", 3)), report_key("r"));
    }

    #[test]
    fn only_repeated_texts_get_a_same_text_value() {
        let text =
            "一、總說明\n\n本計畫經費由市府編列。\n\n其他事項。\n\n(1) 本計畫 經費由市府編列。\n";
        let list = crate::report::passage::passages("r", &crate::report::parse::parse(text));
        let groups = same_text_groups(&list);
        let repeated: Vec<usize> = (0..list.len()).filter(|&i| groups[i].is_some()).collect();
        assert_eq!(repeated.len(), 2, "{list:?}");
        let first = repeated[0];
        assert!(repeated.iter().all(|&i| groups[i] == Some(first as u64)));
    }

    #[test]
    fn an_index_whose_frame_keeps_frequencies_is_told_to_rebuild() {
        // The frame and title fields kept frequencies and norms before the thirteenth
        // session: the same fields with other options are another format.
        let (schema, _) = Fields::schema();
        let mut json = serde_json::to_value(&schema).unwrap();
        let frame = json
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|f| f["name"] == "frame_grams")
            .unwrap();
        frame["options"]["indexing"]["record"] = "freq".into();
        frame["options"]["indexing"]["fieldnorms"] = true.into();
        let older: Schema = serde_json::from_value(json).unwrap();
        let dir = tempfile::TempDir::new().unwrap();
        Index::create_in_dir(dir.path(), older).unwrap();
        let err = Store::open_for_write(dir.path()).err().unwrap();
        assert!(format!("{err:#}").contains("index --rebuild"), "{err:#}");
    }

    #[test]
    fn rfc3339_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(951_825_599), "2000-02-29T11:59:59Z");
        assert_eq!(rfc3339(253_402_300_799), "9999-12-31T23:59:59Z");
    }
}
