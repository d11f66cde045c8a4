//! Shell completions and man pages, generated from the clap definitions in `cli.rs`, so they
//! cannot fall behind the flags.

use std::io::{self, Write};

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

pub fn print_completions(shell: Shell) -> io::Result<()> {
    let mut command = Cli::command();
    let mut out = io::stdout().lock();
    clap_complete::generate(shell, &mut command, "galley", &mut out);
    out.flush()
}

/// Prints `galley(1)` in roff, or `galley-<subcommand>(1)` for one subcommand.
pub fn print_man_page(subcommand: Option<&str>) -> anyhow::Result<()> {
    let mut command = Cli::command();
    // Once built, subcommands know their full names (`galley-check`, `galley check`).
    command.build();
    let source = format!("galley {}", command.get_version().unwrap_or_default());
    let page = match subcommand {
        None => command,
        Some(name) => command
            .find_subcommand(name)
            .ok_or_else(|| anyhow::anyhow!("no subcommand `{name}` (see `galley --help`)"))?
            .clone(),
    };
    let mut out = io::stdout().lock();
    clap_mangen::Man::new(page)
        .source(source)
        .render(&mut out)?;
    Ok(out.flush()?)
}
