//! Shared by the integration tests: a temporary workspace with `corpus/` and `index/`
//! folders, and the built `baogao` binary (found by assert_cmd) run against them with a
//! scrubbed environment.

// Each test binary uses its own part of this module.
#![allow(dead_code)]

pub mod http;

use std::path::PathBuf;
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;
use tempfile::TempDir;

pub const SAMPLE: &str = "corpus/taipei-shanghai-city-exchange-2017.txt";
pub const SAMPLE_NAME: &str = "taipei-shanghai-city-exchange-2017.txt";

/// A temporary workspace: `corpus/` and `index/` folders.
pub struct Work {
    pub dir: TempDir,
}

impl Work {
    pub fn new() -> Work {
        let dir = TempDir::new().unwrap();
        std::fs::create_dir(dir.path().join("corpus")).unwrap();
        Work { dir }
    }

    /// A workspace whose corpus holds the sample report.
    pub fn with_sample() -> Work {
        let w = Work::new();
        std::fs::copy(SAMPLE, w.corpus().join(SAMPLE_NAME)).unwrap();
        w
    }

    pub fn corpus(&self) -> PathBuf {
        self.dir.path().join("corpus")
    }

    pub fn index(&self) -> PathBuf {
        self.dir.path().join("index")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `baogao --index … --corpus …`, without the user's environment leaking in.
    pub fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("baogao").unwrap();
        c.env_remove("BAOGAO_INDEX")
            .env_remove("BAOGAO_CORPUS")
            .env("NO_COLOR", "1")
            .env("RUST_BACKTRACE", "0")
            .arg("--index")
            .arg(self.index())
            .arg("--corpus")
            .arg(self.corpus());
        c
    }

    /// `baogao … serve --port 0 ARGS…`, started and listening.
    pub fn serve(&self, args: &[&str]) -> http::Server {
        let mut c = self.cmd();
        c.env_remove("BAOGAO_TOKEN")
            .args(["serve", "--port", "0"])
            .args(args);
        http::Server::start(c)
    }

    /// `baogao … serve --port 0 ARGS…` in a process that may open at most `files` files
    /// (through the shell's `ulimit -n`), started and listening.
    pub fn serve_with_file_limit(&self, files: u32, args: &[&str]) -> http::Server {
        let mut inner = self.cmd();
        inner
            .env_remove("BAOGAO_TOKEN")
            .args(["serve", "--port", "0"])
            .args(args);
        let mut c = Command::new("sh");
        c.arg("-c")
            .arg(format!("ulimit -n {files} && exec \"$0\" \"$@\""))
            .arg(inner.get_program())
            .args(inner.get_args());
        for (name, value) in inner.get_envs() {
            match value {
                Some(v) => c.env(name, v),
                None => c.env_remove(name),
            };
        }
        http::Server::start(c)
    }

    /// Runs a command to its end: (exit code, stdout, stderr).
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        output(self.cmd().args(args))
    }

    /// `search --json ARGS`: the hits, each read as `H` (the facet line skipped); the exit
    /// must be 0 (hits) or 1 (none).
    pub fn search_hits<H: serde::de::DeserializeOwned>(&self, args: &[&str]) -> Vec<H> {
        let mut all = vec!["search", "--json"];
        all.extend_from_slice(args);
        let (code, stdout, stderr) = self.run(&all);
        assert!(code == 0 || code == 1, "exit {code}: {stderr}");
        stdout
            .lines()
            .filter(|l| !l.starts_with("{\"facets\""))
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }
}

/// Runs `c` to its end: (exit code, stdout, stderr).
pub fn output(c: &mut Command) -> (i32, String, String) {
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
