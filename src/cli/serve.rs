//! `baogao serve`: the search page and JSON API over the same index and corpus (see
//! [`crate::serve`]); prints its URL on stderr and runs until Ctrl-C.

use std::net::IpAddr;

use anyhow::{Result, bail};
use clap::Args;

use crate::cli::output::Printer;
use crate::cli::{Cli, Run, ensure_index};
use crate::serve::{Options, serve};

#[derive(Args, Debug)]
pub struct Serve {
    /// Address to listen on (127.0.0.1 unless told otherwise; 0.0.0.0 for every interface).
    #[arg(long, env = "BAOGAO_HOST", default_value = "127.0.0.1")]
    pub host: String,
    /// Port (0 picks a free one; the URL printed says which).
    #[arg(long, env = "BAOGAO_PORT", default_value_t = 7700)]
    pub port: u16,
    /// Allow uploads (the form on the page's /reports, `POST /api/reports`; at most 20 files
    /// and 64 MiB per upload), checked as `baogao add` checks files. A write
    /// from a browser must come from this server's own page (Origin, Sec-Fetch-Site); one
    /// without Origin needs the token or `Content-Type: application/octet-stream`
    /// (BAOGAO_ALLOW_ADD: true/false, yes/no, 1/0).
    #[arg(long, env = "BAOGAO_ALLOW_ADD", value_parser = clap::builder::BoolishValueParser::new())]
    pub allow_add: bool,
    /// Token uploads must carry (`Authorization: Bearer TOKEN`); required with --allow-add
    /// on a non-loopback address.
    #[arg(long, env = "BAOGAO_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// A host name requests may give in their Host header besides the address listened on
    /// (e.g. the machine's name on the office network, or a reverse proxy's); repeatable.
    /// Other names are refused (421), so that a web page on a rebound DNS name reads nothing.
    #[arg(
        long = "allow-host",
        value_name = "NAME",
        env = "BAOGAO_ALLOW_HOST",
        value_delimiter = ','
    )]
    pub allow_hosts: Vec<String>,
    /// Do not follow the corpus folder (by default, files copied into it or removed while the
    /// server runs are indexed or taken out within seconds, as `baogao index` would).
    #[arg(long)]
    pub no_watch: bool,
}

impl Run for Serve {
    fn run(&self, cli: &Cli, _out: &mut Printer) -> Result<u8> {
        let host: IpAddr = match self.host.as_str() {
            "localhost" => IpAddr::from([127, 0, 0, 1]),
            h => match h.trim_start_matches('[').trim_end_matches(']').parse() {
                Ok(ip) => ip,
                Err(_) => bail!(
                    "--host {h}: 不是 IP 位址 not an IP address: 例如 e.g. 127.0.0.1, 0.0.0.0, ::1"
                ),
            },
        };
        let options = Options {
            host,
            port: self.port,
            allow_add: self.allow_add,
            token: self.token.clone(),
            allow_hosts: self.allow_hosts.clone(),
            watch: !self.no_watch,
        }
        .validated()?;
        ensure_index(cli)?;
        let mode = if options.allow_add {
            "uploads allowed"
        } else {
            "read-only"
        };
        serve(cli.index.clone(), cli.corpus_dir(), options, |address| {
            let shown = match address.ip() {
                IpAddr::V6(_) => format!("[{}]:{}", address.ip(), address.port()),
                IpAddr::V4(_) => address.to_string(),
            };
            note!("搜尋頁已開啟 serving http://{shown}/ ({mode}); 按 Ctrl-C 停止 Ctrl-C stops");
        })?;
        note!("已停止 stopped");
        Ok(0)
    }
}
