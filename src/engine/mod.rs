//! A distributed engine (OpenSearch 2.x) as baogao's index: an engine URL and an index name →
//! the index created from [`crate::export`]'s definition, passages pushed in bulk, and
//! searches run there with baogao's analysis and ranking rules.
//!
//! [`Engine`] is the HTTP client (bounded retries on 429 and 5xx); [`push`] sends the corpus's
//! documents in bounded batches and reports every document the engine refused; [`search`]
//! plans a query the way local search does, with document frequencies asked of the engine,
//! and turns each match level into one OpenSearch query.

pub mod push;
pub mod query;
pub mod search;
pub mod suggest;

use std::borrow::Cow;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use serde_json::Value;

use crate::analysis::synonyms::Synonyms;
use crate::export::check_definition;

/// Default index name for `export`, `push` and `search --engine`.
pub const DEFAULT_INDEX: &str = "baogao";

/// Attempts per request when the engine answers 429 (too many requests) or 5xx, or cannot be
/// reached.
const ATTEMPTS: u32 = 6;
/// Wait before the first retry; doubled after each.
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
/// How long one request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

/// An OpenSearch endpoint and the index baogao uses there.
pub struct Engine {
    base: String,
    pub index: String,
    agent: ureq::Agent,
    /// The synonym groups a query word is also searched as, as locally.
    synonyms: Cow<'static, Synonyms>,
}

/// An answer of the engine: its status and JSON body.
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

/// Whether the engine asks to be asked again later.
pub fn retryable(status: u16) -> bool {
    status == 429 || (500..600).contains(&status)
}

impl Engine {
    /// Checks the URL (`http://host:port`) and the index name; connects to nothing yet.
    pub fn new(url: &str, index: &str) -> Result<Engine> {
        let base = url.trim_end_matches('/').to_string();
        if !base.starts_with("http://") || base.len() <= "http://".len() {
            bail!("--engine {url}: expected http://HOST:PORT");
        }
        let valid_index = !index.is_empty()
            && index.len() <= 255
            && !index.starts_with(['_', '-', '+'])
            && index
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c));
        if !valid_index || index == "." || index == ".." {
            bail!(
                "--index-name {index}: an index name is lowercase letters, digits, '-', '_' or '.', not starting with '_', '-' or '+'"
            );
        }
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(Duration::from_secs(10))
            .timeout(REQUEST_TIMEOUT)
            .build();
        Ok(Engine {
            base,
            index: index.to_string(),
            agent,
            synonyms: Cow::Borrowed(Synonyms::builtin()),
        })
    }

    /// The engine searching a query word's synonyms in `synonyms` (the built-in table merged
    /// with the corpus's, as local search has them) instead of the built-in table alone.
    pub fn with_synonyms(mut self, synonyms: Cow<'static, Synonyms>) -> Engine {
        self.synonyms = synonyms;
        self
    }

    pub fn url(&self) -> &str {
        &self.base
    }

    /// One request with a JSON (or NDJSON) body, retried with backoff while the engine is
    /// unreachable or answers 429/5xx. Any other status is returned as it is.
    pub fn request(&self, method: &str, path: &str, body: Option<&str>) -> Result<Answer> {
        let url = format!("{}{path}", self.base);
        let mut wait = FIRST_BACKOFF;
        let mut last_error = String::new();
        for attempt in 1..=ATTEMPTS {
            let request = self.agent.request(method, &url);
            let result = match body {
                Some(body) => request
                    .set("Content-Type", content_type(path))
                    .send_string(body),
                None => request.call(),
            };
            match result {
                Ok(response) => return answer(response),
                Err(ureq::Error::Status(status, response)) if !retryable(status) => {
                    return answer_with(status, response);
                }
                Err(ureq::Error::Status(status, response)) => {
                    last_error = format!(
                        "HTTP {status}: {}",
                        response.into_string().unwrap_or_default()
                    );
                }
                Err(ureq::Error::Transport(t)) => last_error = t.to_string(),
            }
            if attempt < ATTEMPTS {
                std::thread::sleep(wait);
                wait *= 2;
            }
        }
        Err(anyhow!(
            "{method} {url}: {} (after {ATTEMPTS} attempts)",
            first_line(&last_error)
        ))
    }

    /// A request whose answer must be a success.
    pub fn ok(&self, method: &str, path: &str, body: Option<&str>) -> Result<Value> {
        let answer = self.request(method, path, body)?;
        if !(200..300).contains(&answer.status) {
            bail!(
                "{method} {}{path}: HTTP {}: {}",
                self.base,
                answer.status,
                reason(&answer.body)
            );
        }
        Ok(answer.body)
    }

    /// Whether the index exists; when it does, checks it was exported by this analyzer.
    pub fn check_index(&self) -> Result<bool> {
        let answer = self.request("GET", &format!("/{}/_mapping", self.index), None)?;
        match answer.status {
            404 => Ok(false),
            200 => {
                // An alias may point at the index: take the one index it names.
                let meta = answer
                    .body
                    .as_object()
                    .and_then(|indices| indices.values().next())
                    .and_then(|index| index.pointer("/mappings/_meta"));
                check_definition(&self.index, meta)?;
                Ok(true)
            }
            status => bail!(
                "GET {}/{}/_mapping: HTTP {status}: {}",
                self.base,
                self.index,
                reason(&answer.body)
            ),
        }
    }

    /// Creates the index with baogao's definition unless it exists; returns whether it did.
    pub fn create_index_if_missing(&self, shards: u32, replicas: u32) -> Result<bool> {
        if self.check_index()? {
            return Ok(false);
        }
        let definition = crate::export::index_definition(shards, replicas).to_string();
        let answer = self.request("PUT", &format!("/{}", self.index), Some(&definition))?;
        match answer.status {
            200..=299 => Ok(true),
            // Created by another process meanwhile: check it like any existing index.
            400 if reason(&answer.body).contains("resource_already_exists") => {
                self.check_index()?;
                Ok(false)
            }
            status => bail!(
                "PUT {}/{}: HTTP {status}: {}",
                self.base,
                self.index,
                reason(&answer.body)
            ),
        }
    }
}

fn content_type(path: &str) -> &'static str {
    if path.contains("_bulk") || path.contains("_msearch") {
        "application/x-ndjson"
    } else {
        "application/json"
    }
}

fn answer(response: ureq::Response) -> Result<Answer> {
    let status = response.status();
    answer_with(status, response)
}

fn answer_with(status: u16, response: ureq::Response) -> Result<Answer> {
    let text = response
        .into_string()
        .context("reading the engine's answer")?;
    let body = if text.trim().is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    Ok(Answer { status, body })
}

/// The engine's reason for refusing a request, on one line.
pub fn reason(body: &Value) -> String {
    let error = body.get("error").unwrap_or(body);
    let text = match (
        error.get("type").and_then(Value::as_str),
        error.get("reason").and_then(Value::as_str),
    ) {
        (Some(kind), Some(reason)) => format!("{kind}: {reason}"),
        _ => match error {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        },
    };
    first_line(&text)
}

fn first_line(text: &str) -> String {
    let line: String = text.replace(['\n', '\r'], " ");
    line.chars().take(300).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_index_names_are_checked() {
        assert!(Engine::new("http://127.0.0.1:9200/", "baogao").is_ok());
        assert_eq!(
            Engine::new("http://127.0.0.1:9200/", "b").unwrap().url(),
            "http://127.0.0.1:9200"
        );
        assert!(Engine::new("127.0.0.1:9200", "baogao").is_err());
        assert!(Engine::new("https://x", "baogao").is_err());
        assert!(Engine::new("http://x", "Baogao").is_err());
        assert!(Engine::new("http://x", "_all").is_err());
        assert!(Engine::new("http://x", "a b").is_err());
    }

    #[test]
    fn reasons_are_one_line() {
        let body = serde_json::json!({"error": {"type": "x_exception", "reason": "a\nb"}});
        assert_eq!(reason(&body), "x_exception: a b");
        assert!(retryable(429) && retryable(503) && !retryable(400) && !retryable(404));
    }
}
