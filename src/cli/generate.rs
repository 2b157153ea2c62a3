//! `baogao --generate KIND`: shell completions and the man page, written from the same
//! command definition as `--help` (the way ripgrep does it), so they never drift from it.

use std::io::Write;

use anyhow::Result;
use clap::{CommandFactory, ValueEnum};
use clap_complete::Shell;

use crate::cli::Cli;

/// What `--generate` writes to stdout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Generate {
    /// Bash completions (source it, or put it in /etc/bash_completion.d/baogao).
    CompleteBash,
    /// Zsh completions (save as _baogao in a folder of $fpath).
    CompleteZsh,
    /// Fish completions (save as ~/.config/fish/completions/baogao.fish).
    CompleteFish,
    /// PowerShell completions (dot-source it from $PROFILE).
    CompletePowershell,
    /// The man page, roff (save as baogao.1 in a man1 folder; `man ./baogao.1` to read).
    Man,
}

/// Writes the completions or man page asked for.
pub fn generate(kind: Generate, out: &mut dyn Write) -> Result<()> {
    let mut command = Cli::command();
    let shell = match kind {
        Generate::CompleteBash => Shell::Bash,
        Generate::CompleteZsh => Shell::Zsh,
        Generate::CompleteFish => Shell::Fish,
        Generate::CompletePowershell => Shell::PowerShell,
        Generate::Man => {
            clap_mangen::Man::new(command).render(out)?;
            return Ok(());
        }
    };
    clap_complete::generate(shell, &mut command, "baogao", out);
    Ok(())
}
