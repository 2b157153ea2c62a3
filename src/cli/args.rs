//! Argument pre-parsing: the raw command line → what clap parses.
//!
//! `search` takes query words that may start with `-` (an excluded word, `-上海`); clap would
//! read them as options, so they move behind `--` before clap sees them.

use std::ffi::OsString;

use crate::cli::Cli;

/// `search 雙城論壇 -上海 --limit 3`: an argument of `search` that starts with `-` but is none
/// of its options is an excluded query word, not an error; such words move behind `--`.
pub fn exclusions_as_words(args: Vec<OsString>) -> Vec<OsString> {
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
            let option = root
                .get_arguments()
                .chain(sub.into_iter().flat_map(|s| s.get_arguments()))
                .find(|a| {
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
                None if !help && command.as_deref() == Some("search") => words.push(arg),
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
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prepared(args: &[&str]) -> Vec<String> {
        let args = std::iter::once("baogao")
            .chain(args.iter().copied())
            .map(OsString::from)
            .collect();
        exclusions_as_words(args)
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
}
