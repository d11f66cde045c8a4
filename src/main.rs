//! galley: a fast content linter and validator for Markdown knowledge bases.

mod check;
mod cli;
mod cli_docs;
mod progress;
mod rule_commands;
mod settings;
mod watch;

use std::io;
use std::process::ExitCode;

use anyhow::anyhow;
use clap::Parser;

use crate::cli::{Cli, Command};

// The released Linux binaries are static musl builds, whose own allocator took twice glibc's
// time over a corpus; mimalloc is as fast as glibc's or faster on every target (BENCHMARKS.md).
// Without transparent huge pages (`no_thp`): they cost a short run its start-up and memory.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const FAILURE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check::check(*args),
        Command::Rules => rule_commands::print_rules(),
        Command::Explain { rule } => rule_commands::explain(&rule),
        Command::TestRules { pack } => rule_commands::test_rules(&pack),
        Command::Init { dir } => rule_commands::init(&dir),
        Command::Completions { shell } => cli_docs::print_completions(shell)
            .map(|()| 0)
            .map_err(Into::into),
        Command::Server => galley_server::run().map_err(|error| anyhow!(error)),
        Command::Man { subcommand } => cli_docs::print_man_page(subcommand.as_deref()).map(|()| 0),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        // A closed pipe (`galley check | head`) is not a failure.
        Err(error)
            if error
                .root_cause()
                .downcast_ref::<io::Error>()
                .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("galley: error: {error:#}");
            ExitCode::from(FAILURE)
        }
    }
}
