//! Searching the engine: a request → its words (a question cut into content words with the
//! engine's frequencies) → the plan ([`super::query`]) → one engine query per match level,
//! read in order as locally → hits with baogao's own snippets and highlights, and facet
//! counts from terms aggregations.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Result, anyhow};
use serde_json::{Map, Value, json};

use crate::report::parse::Kind;
use crate::report::passage::{Passage, same_text_key};
use crate::search::levels::{Read, read_levels, read_page};
use crate::search::plan::StatField;
use crate::search::plan::outline::{
    TitleProbe, Token, cut, is_question, needed, outline, question_statistics,
};
use crate::search::snippet::{Snippet, make_snippet};
use crate::search::{Facets, Hit, Level, Outcome, Request, parse_query};

use super::Engine;
use super::push::encode;
use super::query::{EnginePlan, Stats, build, held_whole, in_title, phrase_text, stat_field};

/// Most buckets of one facet (reports at national scale are many; the rest are few).
const FACET_BUCKETS: usize = 65_536;

/// Fields of `_source` a hit needs.
const DISPLAY_FIELDS: &[&str] = &[
    "id",
    "report",
    "title",
    "date",
    "kind",
    "section",
    "text",
    "table",
    "headers",
    "table_note",
    "seq",
    "file",
    "page",
    "ocr",
];

/// A match: its level, its score and the passage.
type Ranked = crate::search::levels::Ranked<Passage>;

impl Engine {
    /// `_search` on the index with global term statistics (as one local index has).
    /// Whether some passage or report title holds `text` whole.
    fn is_held_whole(&self, text: &str) -> Result<bool> {
        let Some(query) = held_whole(text) else {
            return Ok(false);
        };
        let body =
            json!({"size": 0, "terminate_after": 1, "track_total_hits": true, "query": query});
        Ok(total(&self.search_body(&body, None)?) > 0)
    }

    pub(super) fn search_body(&self, body: &Value, routing: Option<&str>) -> Result<Value> {
        let mut path = format!("/{}/_search?search_type=dfs_query_then_fetch", self.index);
        if let Some(report) = routing {
            path.push_str(&format!("&routing={}", encode(report)));
        }
        self.ok("POST", &path, Some(&body.to_string()))
    }

    /// Whether the index holds passages of this report.
    pub fn has_report(&self, report: &str) -> Result<bool> {
        let body = json!({"size": 0, "track_total_hits": 1,
                          "query": {"term": {"report": report}}});
        let answer = self.search_body(&body, Some(report))?;
        Ok(total(&answer) > 0)
    }

    /// The passage ids the index holds for a report, read page by page.
    pub fn report_ids(&self, report: &str) -> Result<Vec<String>> {
        const PAGE: usize = 5000;
        let mut ids = Vec::new();
        let mut after: Option<Value> = None;
        loop {
            let mut body = json!({
                "query": {"term": {"report": report}},
                "size": PAGE,
                "_source": false,
                "sort": [{"key": "asc"}, {"id": "asc"}],
            });
            if let Some(after) = &after {
                body["search_after"] = after.clone();
            }
            let path = format!("/{}/_search?routing={}", self.index, encode(report));
            let answer = self.ok("POST", &path, Some(&body.to_string()))?;
            let hits = answer
                .pointer("/hits/hits")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for hit in &hits {
                if let Some(id) = hit.get("_id").and_then(Value::as_str) {
                    ids.push(id.to_string());
                }
            }
            if hits.len() < PAGE {
                return Ok(ids);
            }
            after = hits.last().and_then(|h| h.get("sort")).cloned();
        }
    }

    /// Document frequencies of (field, term) pairs and titled-report counts of words, in
    /// one request; documents counted as the local index counts them.
    pub(super) fn stats(
        &self,
        terms: &BTreeSet<(StatField, String)>,
        titles: &BTreeMap<String, Vec<Token>>,
    ) -> Result<Stats> {
        let mut filters = Map::new();
        let list: Vec<&(StatField, String)> = terms.iter().collect();
        for (i, (field, term)) in list.iter().enumerate() {
            filters.insert(format!("t{i}"), json!({"term": {stat_field(*field): term}}));
        }
        let mut aggs = Map::new();
        if !filters.is_empty() {
            aggs.insert("df".into(), json!({"filters": {"filters": filters}}));
        }
        let title_list: Vec<(&String, &Vec<Token>)> = titles.iter().collect();
        for (i, (_, grams)) in title_list.iter().enumerate() {
            aggs.insert(
                format!("title{i}"),
                json!({"filter": in_title(grams),
                       "aggs": {"reports": {"cardinality": {"field": "report", "precision_threshold": 2000}}}}),
            );
        }
        let body = json!({"size": 0, "track_total_hits": true, "aggs": aggs});
        let answer = self.search_body(&body, None)?;
        let count = |v: Option<&Value>| v.and_then(Value::as_u64).unwrap_or(0);
        // Passages and reports' stand-ins: the local index's documents.
        let mut stats = Stats {
            docs: total(&answer),
            ..Stats::default()
        };
        for (i, (field, term)) in list.iter().enumerate() {
            let n = count(answer.pointer(&format!("/aggregations/df/buckets/t{i}/doc_count")));
            stats.doc_freqs.insert((*field, term.clone()), n);
        }
        for (i, (key, _)) in title_list.iter().enumerate() {
            let n = count(answer.pointer(&format!("/aggregations/title{i}/reports/value")));
            stats.titled_reports.insert((*key).clone(), n);
        }
        Ok(stats)
    }

    /// Plans the query against the engine's statistics: its words (a sentence cut into its
    /// content words, as locally) and the frequencies the outline reads, each asked in one
    /// request.
    pub fn plan(&self, query: &str) -> Result<EnginePlan> {
        let typed = parse_query(query);
        let mut questions = Vec::with_capacity(typed.len());
        for word in &typed {
            questions.push(is_question(word, |text| self.is_held_whole(text))?);
        }
        // Only the sentences' pieces are asked for: the rules read nothing else of them.
        let mut stats = Stats::default();
        let pieces = question_statistics(&typed, &questions);
        if !pieces.is_empty() {
            stats = self.stats(&pieces, &BTreeMap::new())?;
        }
        let cut = cut(typed, &questions, &stats)?;
        let needed = needed(&cut, &self.synonyms);
        let stats = self.stats(&needed.terms, &needed.titles)?;
        let titled = |key: &str| stats.titled_reports.get(key).copied().unwrap_or(0);
        let outline = outline(cut, &stats, &self.synonyms, titled)?;
        Ok(EnginePlan::new(outline, self.titled_openings(query)?))
    }

    /// The reports whose title the whole query equals, punctuation and spaces aside, as
    /// locally (`Searching::titled_opening`): read from their opening passages.
    fn titled_openings(&self, query: &str) -> Result<Vec<String>> {
        let Some(probe) = TitleProbe::new(query) else {
            return Ok(Vec::new());
        };
        let body = json!({
            "size": probe.max_candidates,
            "track_total_hits": true,
            "_source": ["report", "title"],
            "query": {"bool": {"filter": [
                {"term": {"seq": 0}},
                {"match": {"title_grams": {"query": phrase_text(&probe.tokens), "operator": "and"}}},
            ]}},
        });
        let answer = self.search_body(&body, None)?;
        if total(&answer) > probe.max_candidates as u64 {
            return Ok(Vec::new());
        }
        let hits = answer
            .pointer("/hits/hits")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut reports: Vec<String> = hits
            .iter()
            .filter_map(|hit| {
                let source = hit.get("_source")?;
                let title = source.get("title")?.as_str()?;
                let report = source.get("report")?.as_str()?;
                probe.matches(title).then(|| report.to_string())
            })
            .collect();
        reports.sort();
        reports.dedup();
        Ok(reports)
    }

    /// The best `budget` matches, level by level, with the number of matches of the levels
    /// read, whether those are all the matches there are, and (when asked) the facets of the
    /// levels read: facets count what the total counts, as in local search
    /// (`src/search/counts.rs`).
    fn ranked(
        &self,
        request: &Request,
        plan: &EnginePlan,
        routing: Option<&str>,
        budget: usize,
    ) -> Result<Read<Passage, Facets>> {
        let terms = |field: &str| json!({"terms": {"field": field, "size": FACET_BUCKETS}});
        let facets = request.facets.then(Facets::default);
        read_levels(plan.levels(), budget, facets, |level, wanted, facets| {
            let Some(query) = build(request, plan, level) else {
                return Ok(None);
            };
            let mut body = json!({
                "query": query,
                "size": wanted,
                "track_total_hits": true,
                "sort": [{"_score": "desc"}, {"key": "asc"}],
                "_source": DISPLAY_FIELDS,
            });
            if facets.is_some() {
                body["aggs"] = json!({
                    "kind": terms("kind"),
                    "report": terms("report"),
                    "year": terms("year"),
                    "section": terms("section_top"),
                    "organisation": terms("organisation"),
                });
            }
            let answer = self.search_body(&body, routing)?;
            let hits = answer
                .pointer("/hits/hits")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let mut top = Vec::with_capacity(hits.len());
            for hit in hits {
                let score = hit.get("_score").and_then(Value::as_f64).unwrap_or(0.0) as f32;
                top.push((score, passage(&hit)?));
            }
            if let Some(facets) = facets {
                add_buckets(facets, &answer);
            }
            Ok(Some((top, total(&answer) as usize)))
        })
    }

    // RANKING.md: partial hits name what they miss
    /// For each hit of `page`, the query words it does not hold for the match level, as
    /// locally (`Searching::missing`). One request for the page's partial hits: each word's
    /// query is named, and the engine says which names each hit matches.
    fn missing(
        &self,
        plan: &EnginePlan,
        page: &[Ranked],
        routing: Option<&str>,
    ) -> Result<Vec<Vec<String>>> {
        let mut missing = vec![Vec::new(); page.len()];
        let partial: Vec<&str> = page
            .iter()
            .filter(|(level, _, _)| *level != Level::All)
            .map(|(_, _, p)| p.id.as_str())
            .collect();
        let words = plan.held_by_word();
        if partial.is_empty() || words.is_empty() {
            return Ok(missing);
        }
        // Named by position: a word's text may hold anything.
        let named: Vec<Value> = words
            .iter()
            .enumerate()
            .map(|(n, (_, query))| json!({"bool": {"filter": [query], "_name": n.to_string()}}))
            .collect();
        let body = json!({
            "query": {"bool": {"filter": [{"ids": {"values": partial}}], "should": named}},
            "size": partial.len(),
            "_source": false,
        });
        let answer = self.search_body(&body, routing)?;
        let mut matched: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
        for hit in answer
            .pointer("/hits/hits")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(id) = hit.get("_id").and_then(Value::as_str) else {
                continue;
            };
            let names = hit
                .get("matched_queries")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|n| n.as_str()?.parse::<usize>().ok());
            matched.entry(id.to_string()).or_default().extend(names);
        }
        for (i, (level, _, passage)) in page.iter().enumerate() {
            if *level == Level::All {
                continue;
            }
            let held = matched.get(&passage.id);
            missing[i] = words
                .iter()
                .enumerate()
                .filter(|(n, _)| !held.is_some_and(|h| h.contains(n)))
                .map(|(_, (text, _))| text.to_string())
                .collect();
        }
        Ok(missing)
    }

    /// Runs a search as local search runs it (see `src/search/run.rs`).
    pub fn search(&self, request: &Request) -> Result<Outcome> {
        if request.has_blank_filter() {
            return Ok(Outcome::default());
        }
        let plan = self.plan(&request.query)?;
        let (offset, limit) = request.page();
        let wanted = offset + limit;
        // One report lives on one shard: ask only that one.
        let routing = match request.reports.as_slice() {
            [report] => Some(report.as_str()),
            _ => None,
        };
        // Repeats of a passage already ranked are folded into it, as local search does
        // (there by the `same_text` column, here by the same key of the returned text).
        let (ranked, total, facets) = read_page(
            wanted,
            wanted,
            |budget| self.ranked(request, &plan, routing, budget),
            |ranked| {
                let mut seen = std::collections::HashSet::new();
                ranked
                    .into_iter()
                    .filter(|(_, _, p)| seen.insert((p.report.clone(), same_text_key(&p.text))))
                    .collect()
            },
        )?;
        let marked = plan.marked();
        let best = ranked.first().map(|(level, _, _)| *level);
        let page: Vec<Ranked> = ranked.into_iter().skip(offset).take(limit).collect();
        let mut missing = self.missing(&plan, &page, routing)?.into_iter();
        let hits = page
            .into_iter()
            .map(|(level, score, passage)| {
                let Snippet { text, highlights } = make_snippet(&passage.text, marked);
                Hit {
                    passage,
                    snippet: text,
                    score,
                    highlights,
                    level,
                    // Repeats are not folded by the engine (see docs/SCALING.md).
                    also: Vec::new(),
                    missing: missing.next().unwrap_or_default(),
                }
            })
            .collect();
        // The best level is that of the first match, whatever the page.
        let suggestion = match best {
            None | Some(Level::Partial) => self.suggestion(&request.query, &plan),
            Some(_) => None,
        };
        Ok(Outcome {
            hits,
            total,
            facets,
            suggestion,
        })
    }
}

/// Adds one level's terms-aggregation buckets to the facets counted so far.
fn add_buckets(facets: &mut Facets, answer: &Value) {
    let fields = [
        ("kind", &mut facets.kind),
        ("report", &mut facets.report),
        ("year", &mut facets.year),
        ("section", &mut facets.section),
        ("organisation", &mut facets.organisation),
    ];
    for (name, counts) in fields {
        let buckets = answer
            .pointer(&format!("/aggregations/{name}/buckets"))
            .and_then(Value::as_array);
        for bucket in buckets.into_iter().flatten() {
            if let (Some(key), Some(count)) = (
                bucket.get("key").and_then(Value::as_str),
                bucket.get("doc_count").and_then(Value::as_u64),
            ) {
                *counts.entry(key.to_string()).or_default() += count;
            }
        }
    }
}

/// `hits.total.value` of a search answer.
pub(super) fn total(answer: &Value) -> u64 {
    answer
        .pointer("/hits/total/value")
        .and_then(Value::as_u64)
        .unwrap_or(0)
}

/// The passage a hit's `_source` holds, as local search returns it.
fn passage(hit: &Value) -> Result<Passage> {
    let source = hit
        .get("_source")
        .ok_or_else(|| anyhow!("engine hit without _source"))?;
    let text = |name: &str| source.get(name).and_then(Value::as_str).map(str::to_string);
    let list = |name: &str| -> Vec<String> {
        source
            .get(name)
            .and_then(Value::as_array)
            .map(|l| {
                l.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    // Parsed once here: an engine document of no known kind was not written by `push`.
    let kind = text("kind").unwrap_or_default();
    let kind =
        Kind::from_name(&kind).ok_or_else(|| anyhow!("engine hit of unknown kind {kind:?}"))?;
    let body = text("text").unwrap_or_default();
    let cells = if kind == Kind::TableRow {
        body.split('\t').map(str::to_string).collect()
    } else {
        Vec::new()
    };
    Ok(Passage {
        id: text("id").ok_or_else(|| anyhow!("engine hit without id"))?,
        report: text("report").unwrap_or_default(),
        title: text("title").unwrap_or_default(),
        date: text("date"),
        kind,
        section: list("section"),
        text: body,
        table: text("table"),
        headers: list("headers"),
        cells,
        table_note: text("table_note"),
        lead: None,
        seq: source.get("seq").and_then(Value::as_u64).unwrap_or(0),
        file: text("file"),
        page: source
            .get("page")
            .and_then(Value::as_u64)
            .and_then(|p| u32::try_from(p).ok()),
        ocr: source.get("ocr").and_then(Value::as_bool).unwrap_or(false),
    })
}
