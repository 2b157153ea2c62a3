//! Argument pre-parsing: the raw command line → what clap parses, or a mistyped option.
//!
//! `search` takes query words that may start with `-` (an excluded word, `-上海`); clap would
//! read them as options, so they move behind `--` before clap sees them. What only looks like
//! an option is refused instead of being searched for: see [`mistyped_option`].

use std::ffi::OsString;
use std::fmt;

use crate::cli::Cli;

/// An argument of `search` that looks like an option but is none of its options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownOption {
    pub arg: String,
    /// The option it is closest to (as clap suggests them), when one is close.
    pub suggestion: Option<String>,
}

impl fmt::Display for UnknownOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "search: 不明的選項 unknown option '{}'", self.arg)?;
        if let Some(s) = &self.suggestion {
            write!(f, " (did you mean '{s}'?)")?;
        }
        write!(
            f,
            "; 要找以 - 開頭的字，請寫在 -- 之後 to search for a word starting with '-', write it after '--'"
        )
    }
}

impl std::error::Error for UnknownOption {}

/// `search 雙城論壇 -上海 --limit 3`: an argument of `search` that starts with `-` but is none
/// of its options is an excluded query word and moves behind `--` — unless it looks like a
/// mistyped option, which is refused.
pub fn prepare(args: Vec<OsString>) -> Result<Vec<OsString>, UnknownOption> {
    use clap::CommandFactory;
    let root = Cli::command();
    let mut out = Vec::with_capacity(args.len() + 1);
    let mut words = Vec::new();
    let mut command: Option<String> = None;
    let mut expect_value = false;
    let mut literal = false;
    for (i, arg) in args.into_iter().enumerate() {
        let text = arg.to_string_lossy().into_owned();
        if i == 0 || literal || expect_value {
            expect_value = false;
            out.push(arg);
            continue;
        }
        if text == "--" {
            literal = true;
            out.push(arg);
            continue;
        }
        let sub = command.as_deref().and_then(|c| root.find_subcommand(c));
        if text.len() > 1 && text.starts_with('-') {
            let long = text.starts_with("--");
            let name = text.trim_start_matches('-').split('=').next().unwrap_or("");
            let arguments = || {
                root.get_arguments()
                    .chain(sub.into_iter().flat_map(|s| s.get_arguments()))
            };
            let option = arguments().find(|a| {
                if long {
                    a.get_long() == Some(name)
                } else {
                    name.chars().count() == 1 && a.get_short() == name.chars().next()
                }
            });
            let help = matches!(text.as_str(), "-h" | "--help" | "-V" | "--version");
            match option {
                Some(a) => {
                    expect_value = a.get_action().takes_values() && !text.contains('=');
                    out.push(arg);
                }
                None if !help && command.as_deref() == Some("search") => {
                    let longs: Vec<&str> = arguments()
                        .filter_map(|a| a.get_long())
                        .chain(["help"])
                        .collect();
                    if let Some(unknown) = mistyped_option(&text, &longs) {
                        return Err(unknown);
                    }
                    words.push(arg);
                }
                None => out.push(arg),
            }
            continue;
        }
        if command.is_none() && root.find_subcommand(&text).is_some() {
            command = Some(text);
        }
        out.push(arg);
    }
    if !words.is_empty() {
        if !literal {
            out.push("--".into());
        }
        out.extend(words);
    }
    Ok(out)
}

/// Whether `arg` — starting with `-`, none of the options `longs` (long names) — is a
/// mistyped option rather than an excluded query word:
///
/// - `--anything` is an option (`--lim`, `--jsno`): nobody types two hyphens before a word;
/// - `-` and one or two ASCII letters or digits after a letter is a short option (`-n`, `-n2`);
/// - `-` and ASCII letters close to a long option is a long option with one hyphen
///   (`-json`, `-limit`);
/// - anything else is a word: `-上海`, `-2016`, `-ECFA`, `-「上海」`.
///
/// Words refused this way are still searchable after `--`.
fn mistyped_option(arg: &str, longs: &[&str]) -> Option<UnknownOption> {
    let unknown = |suggestion: Option<&str>| UnknownOption {
        arg: arg.to_string(),
        suggestion: suggestion.map(|s| format!("--{s}")),
    };
    if let Some(rest) = arg.strip_prefix("--") {
        let name = rest.split('=').next().unwrap_or("");
        return Some(unknown(nearest(name, longs)));
    }
    let name = arg[1..].split('=').next().unwrap_or("");
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    if name.chars().count() <= 2 {
        return Some(unknown(None));
    }
    let ascii = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    nearest(name, longs)
        .filter(|_| ascii)
        .map(|s| unknown(Some(s)))
}

/// The long option closest to `name`, when it is close: Jaro similarity above 0.7, the rule
/// clap's own suggestions use. Too short a name is close to too much to suggest anything.
fn nearest<'a>(name: &str, longs: &[&'a str]) -> Option<&'a str> {
    if name.chars().count() < 2 {
        return None;
    }
    longs
        .iter()
        .map(|&l| (strsim::jaro(name, l), l))
        .filter(|&(confidence, _)| confidence > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, l)| l)
}

/// A clap error as one line: its message (with the values it lists) and its tips, without
/// the usage block.
pub fn clap_error_line(rendered: &str) -> String {
    let mut lines = rendered.lines();
    let mut message: Vec<&str> = Vec::new();
    for line in lines.by_ref() {
        let line = line.trim();
        if line.is_empty() {
            break;
        }
        message.push(line.strip_prefix("error: ").unwrap_or(line));
    }
    let mut one = message.join(" ");
    for tip in lines.filter_map(|l| l.trim().strip_prefix("tip: ")) {
        one.push_str("; ");
        one.push_str(tip);
    }
    one
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `baogao ARGS` as the process receives it.
    fn argv(args: &[&str]) -> Vec<OsString> {
        std::iter::once("baogao")
            .chain(args.iter().copied())
            .map(OsString::from)
            .collect()
    }

    fn prepared(args: &[&str]) -> Vec<String> {
        prepare(argv(args))
            .unwrap()
            .into_iter()
            .skip(1)
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn excluded_words_of_search_move_behind_a_double_dash() {
        assert_eq!(
            prepared(&["search", "雙城論壇", "-上海", "--limit", "3"]),
            ["search", "雙城論壇", "--limit", "3", "--", "-上海"]
        );
    }

    #[test]
    fn option_values_stay_even_when_they_start_with_a_dash() {
        assert_eq!(
            prepared(&["search", "--section", "-x", "交流"]),
            ["search", "--section", "-x", "交流"]
        );
        assert_eq!(
            prepared(&["search", "--limit=3", "交流"]),
            ["search", "--limit=3", "交流"]
        );
    }

    #[test]
    fn global_options_are_known_before_and_after_the_command() {
        assert_eq!(
            prepared(&["--index", "i", "search", "交流", "--corpus", "c", "-上海"]),
            [
                "--index", "i", "search", "交流", "--corpus", "c", "--", "-上海"
            ]
        );
    }

    #[test]
    fn words_after_a_double_dash_stay_as_they_are() {
        assert_eq!(
            prepared(&["search", "交流", "--", "-上海", "--json"]),
            ["search", "交流", "--", "-上海", "--json"]
        );
        assert_eq!(
            prepared(&["search", "-上海", "--", "交流"]),
            ["search", "--", "交流", "-上海"]
        );
    }

    #[test]
    fn help_and_other_commands_are_left_to_clap() {
        assert_eq!(prepared(&["search", "-h"]), ["search", "-h"]);
        assert_eq!(prepared(&["search", "--help"]), ["search", "--help"]);
        assert_eq!(prepared(&["get", "-x", "id"]), ["get", "-x", "id"]);
        assert_eq!(prepared(&["-上海"]), ["-上海"]);
    }

    #[test]
    fn a_lone_dash_is_a_word() {
        assert_eq!(prepared(&["search", "-"]), ["search", "-"]);
    }

    fn refused(args: &[&str]) -> UnknownOption {
        prepare(argv(args)).unwrap_err()
    }

    #[test]
    fn mistyped_options_of_search_are_refused_with_the_close_option() {
        let r = refused(&["search", "交流", "--lim", "1"]);
        assert_eq!(r.arg, "--lim");
        assert_eq!(r.suggestion.as_deref(), Some("--limit"));
        assert_eq!(
            refused(&["search", "交流", "--jsno"]).suggestion.as_deref(),
            Some("--json")
        );
        assert_eq!(
            refused(&["search", "-json", "交流"]).suggestion.as_deref(),
            Some("--json")
        );
        assert_eq!(refused(&["search", "交流", "-n", "2"]).suggestion, None);
        assert_eq!(refused(&["search", "交流", "-n2"]).arg, "-n2");
        assert_eq!(refused(&["search", "交流", "--zzz"]).suggestion, None);
        let shown = refused(&["search", "交流", "--lim"]).to_string();
        assert!(!shown.contains('\n') && shown.contains("'--lim'") && shown.contains("'--limit'"));
    }

    #[test]
    fn hyphenated_words_that_are_no_near_option_stay_words() {
        for word in ["-上海", "-2016", "-ECFA", "-taipei", "-「上海」", "-1"] {
            assert_eq!(
                prepared(&["search", "交流", word]),
                ["search", "交流", "--", word],
                "{word}"
            );
        }
    }

    #[test]
    fn which_arguments_look_like_options() {
        let longs = ["limit", "json", "year", "help"];
        let option = |arg: &str| mistyped_option(arg, &longs).is_some();
        for arg in [
            "--lim", "--x", "--上海", "-n", "-ab", "-n2", "-json", "-limt", "-year",
        ] {
            assert!(option(arg), "{arg}");
        }
        for arg in ["-上海", "-2016", "-ECFA", "-apec", "-１２", "-A上海"] {
            assert!(!option(arg), "{arg}");
        }
    }

    #[test]
    fn clap_errors_become_one_line_with_their_tips() {
        let rendered = "error: unexpected argument '--xx' found\n\n  tip: to pass '--xx' as a value, use '-- --xx'\n\nUsage: baogao get [OPTIONS] <IDS>...\n\nFor more information, try '--help'.\n";
        assert_eq!(
            clap_error_line(rendered),
            "unexpected argument '--xx' found; to pass '--xx' as a value, use '-- --xx'"
        );
        let rendered = "error: the following required arguments were not provided:\n  <QUERY>...\n\nUsage: baogao search <QUERY>...\n";
        assert_eq!(
            clap_error_line(rendered),
            "the following required arguments were not provided: <QUERY>..."
        );
    }
}
