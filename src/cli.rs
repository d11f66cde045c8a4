//! What the user typed, parsed and validated by clap.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use galley_linter::report::Format;

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
    Check(Box<CheckArgs>),
    /// List every rule with its default level and whether it can fix.
    Rules,
    /// Print a rule's full documentation.
    Explain {
        /// The rule's id, e.g. `broken-link`.
        rule: String,
    },
    /// Run the examples of a rule pack: `default`, or a folder of rule files.
    TestRules {
        /// `default` (the built-in pack) or a folder such as `styles/house`.
        pack: String,
    },
    /// Write a starter galley.toml and a frontmatter schema inferred from the files here.
    Init {
        /// The folder to set up.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Print a shell completion script (`galley completions bash > ~/.bash_completion`).
    Completions { shell: clap_complete::Shell },
    /// Run the language server on stdin and stdout, for editors (see the README).
    Server,
    /// Print the man page in roff (`galley man | man -l -`; `galley man check` for `check`).
    Man {
        /// A subcommand whose page to print instead.
        subcommand: Option<String>,
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
    #[arg(long, default_value = "human", value_parser = format_parser())]
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
    /// Write the report to FILE; the summary line still goes to the terminal.
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Report only on files added or modified since REF (a git commit, branch or tag), and on
    /// links elsewhere to pages the change deleted, renamed or modified.
    #[arg(long, value_name = "REF", conflicts_with_all = ["fix", "diff"])]
    pub changed_since: Option<String>,
    /// Report and fail only on findings not recorded in FILE (see `--write-baseline`).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the findings in FILE instead of reporting them, pruning entries that no longer
    /// occur; exit 0.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["baseline", "changed_since", "diff"])]
    pub write_baseline: Option<PathBuf>,
    /// Lint the text on stdin as if it were the file at PATH (config and links from there);
    /// with `--fix`, print the fixed text, and the report on stderr.
    #[arg(long, value_name = "PATH", conflicts_with_all = ["paths", "changed_since"])]
    pub stdin_filename: Option<PathBuf>,
    /// No progress bar and no notes on stderr; with `--output-file`, no summary line either.
    #[arg(long, short)]
    pub quiet: bool,
    /// Run only these rules: ids, `pack:<name>` or `built-in`, separated by commas.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub select: Vec<String>,
    /// Skip these rules (ids, `pack:<name>` or `built-in`), after `--select`.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Print how many findings each rule has (and how many `--fix` fixes) instead of the
    /// findings.
    #[arg(long, conflicts_with = "diff")]
    pub statistics: bool,
    /// Exit 0 even with findings (usage and configuration errors still exit 2).
    #[arg(long)]
    pub exit_zero: bool,
    /// Print the settings that apply to the path (config file, content root, files, packs and
    /// the rules with their levels), then exit.
    #[arg(long, conflicts_with_all = ["fix", "diff", "stdin_filename", "watch"])]
    pub show_settings: bool,
    /// When to colour the human report: `auto` on a terminal unless `NO_COLOR` is set.
    #[arg(long, value_name = "WHEN", default_value = "auto")]
    pub color: ColorChoice,
    /// Neither read nor write the cache of unchanged files' results: lint every file anew.
    #[arg(long)]
    pub no_cache: bool,
    /// Print notes on stderr: where the cache is and how many files it saved linting.
    #[arg(long, short, conflicts_with = "quiet")]
    pub verbose: bool,
    /// Check again whenever a content file, the config, a schema or a rule file changes.
    #[arg(long, conflicts_with_all = ["fix", "diff", "stdin_filename", "write_baseline"])]
    pub watch: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// `--format`'s values, named and described by the library's formats.
fn format_parser() -> impl TypedValueParser<Value = Format> {
    let values = Format::ALL.map(|format| PossibleValue::new(format.name()).help(format.help()));
    PossibleValuesParser::new(values).map(|name| {
        Format::ALL
            .into_iter()
            .find(|format| format.name() == name)
            .expect("clap accepts only the listed names")
    })
}
