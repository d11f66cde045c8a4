//! What the user typed, parsed and validated by clap.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use galley::report::Format;

#[derive(Debug, Parser)]
#[command(
    name = "galley",
    version,
    about = "A fast content linter for Markdown knowledge bases"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint content files: frontmatter, links, blockquotes, punctuation, lists.
    Check(CheckArgs),
    /// List every rule with its default level and whether it can fix.
    Rules,
    /// Print a rule's full documentation.
    Explain {
        /// The rule's id, e.g. `broken-link`.
        rule: String,
    },
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files and folders to check; folders are walked for content files. Default: `.`
    pub paths: Vec<PathBuf>,
    /// Use this config file instead of the nearest `galley.toml`.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// How to print findings.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit with 1 when there are more than N warnings.
    #[arg(long, value_name = "N")]
    pub max_warnings: Option<usize>,
    /// Apply the safe fixes, write the changed files, then report what is left.
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,
    /// With `--fix` or `--diff`: apply the unsafe fixes too.
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Write nothing; print a unified diff of what `--fix` would change (exit 1 if any).
    #[arg(long)]
    pub diff: bool,
}
